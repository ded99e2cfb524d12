/* display_curses.c - the text screen in the terminal (see display_curses.h). */
#define NCURSES_WIDECHAR 1      /* cchar_t, mvadd_wch */
#include "display_curses.h"

#include <stdio.h>

#ifndef XLAT86_HAVE_CURSES

bool display_curses_available(void) { return false; }

DisplayCurses *display_curses_open(Machine *m, char *err, size_t errlen)
{
    (void)m;
    snprintf(err, errlen, "this xlat86 was built without ncursesw (install libncurses-dev)");
    return NULL;
}

void display_curses_close(DisplayCurses *d) { (void)d; }

#else

#include <curses.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "cp437.h"
#include "devices/i8042.h"
#include "devices/pc.h"
#include "keymap.h"

#define MAX_CELLS (132 * 60)
#define KEY_SEQ 32

struct DisplayCurses {
    Machine *m;
    pthread_t thread;
    volatile bool stop;
    /* filled on the vCPU thread */
    uint16_t cells[MAX_CELLS];
    VGAText text;
    bool have_vga;
    /* what the terminal shows */
    uint16_t shown[MAX_CELLS];
    int shown_cols, shown_rows;
    bool shown_graphics;
    bool colours16;
};

static void snapshot(Machine *m, void *arg)
{
    DisplayCurses *d = arg;
    d->have_vga = m->pc->vga != NULL;
    if (d->have_vga)
        vga_text_snapshot(m->pc->vga, d->cells, MAX_CELLS, &d->text);
}

typedef struct { uint8_t b[KEY_SEQ]; int n; } KeySeq;

static void keys_in(Machine *m, void *arg)
{
    KeySeq *k = arg;
    i8042_key(&m->pc->kbc, k->b, k->n);
}

/* VGA colour numbers (IRGB) -> curses colours. */
static const short vga2curses[8] = {COLOR_BLACK, COLOR_BLUE,    COLOR_GREEN, COLOR_CYAN,
                                    COLOR_RED,   COLOR_MAGENTA, COLOR_YELLOW, COLOR_WHITE};

static void init_colours(DisplayCurses *d)
{
    if (!has_colors())
        return;
    start_color();
    d->colours16 = COLORS >= 16;
    for (int bg = 0; bg < 8; bg++)
        for (int fg = 0; fg < 16; fg++) {
            short cf = vga2curses[fg & 7];
            if (fg >= 8 && d->colours16)
                cf = (short)(cf + 8);
            init_pair((short)(1 + bg * 16 + fg), cf, vga2curses[bg]);
        }
}

static void draw_cell(DisplayCurses *d, int y, int x, uint16_t ca)
{
    uint8_t ch = (uint8_t)ca, attr = (uint8_t)(ca >> 8);
    int fg = attr & 15, bg = (attr >> 4) & 7;
    wchar_t w[2] = {(wchar_t)cp437_to_unicode(ch), 0};
    cchar_t cc;
    attr_t a = (fg >= 8 && !d->colours16) ? A_BOLD : A_NORMAL;
    setcchar(&cc, w, a, has_colors() ? (short)(1 + bg * 16 + fg) : 0, NULL);
    mvadd_wch(y, x, &cc);
}

static void draw(DisplayCurses *d)
{
    VGAText *t = &d->text;
    if (!d->have_vga || t->graphics) {
        if (!d->shown_graphics) {
            erase();
            mvaddstr(0, 0, d->have_vga ? "xlat86: graphics mode (not shown by -display curses; "
                                         "use the monitor's screendump)"
                                       : "xlat86: no VGA (-vga none)");
            d->shown_graphics = true;
            refresh();
        }
        return;
    }
    bool full = d->shown_graphics || t->cols != d->shown_cols || t->rows != d->shown_rows;
    if (full)
        erase();
    d->shown_graphics = false;
    d->shown_cols = t->cols;
    d->shown_rows = t->rows;
    for (int y = 0; y < t->rows && y < LINES; y++)
        for (int x = 0; x < t->cols && x < COLS; x++) {
            uint16_t ca = t->blank ? 0x0020 : d->cells[y * t->cols + x];
            if (full || d->shown[y * t->cols + x] != ca) {
                draw_cell(d, y, x, ca);
                d->shown[y * t->cols + x] = ca;
            }
        }
    if (t->cursor_x >= 0 && t->cursor_y < LINES && t->cursor_x < COLS) {
        curs_set(1);
        move(t->cursor_y, t->cursor_x);
    } else {
        curs_set(0);
    }
    refresh();
}

/* ---- terminal keys -> scan codes ---- */

static void add_key(KeySeq *s, const char *name, bool down)
{
    const KeyDef *k = keymap_find(name);
    if (k && s->n + KEYMAP_SEQ_MAX <= KEY_SEQ)
        s->n += keymap_set2(k, down, s->b + s->n);
}

/* Press and release name, inside modifier mod (NULL: none). */
static void tap(KeySeq *s, const char *mod, const char *name)
{
    if (mod)
        add_key(s, mod, true);
    add_key(s, name, true);
    add_key(s, name, false);
    if (mod)
        add_key(s, mod, false);
}

/* US layout: the character each key gives without and with Shift. */
static const struct { char plain, shifted; const char *name; } us_keys[] = {
    {'1', '!', "1"}, {'2', '@', "2"}, {'3', '#', "3"}, {'4', '$', "4"}, {'5', '%', "5"},
    {'6', '^', "6"}, {'7', '&', "7"}, {'8', '*', "8"}, {'9', '(', "9"}, {'0', ')', "0"},
    {'-', '_', "minus"}, {'=', '+', "equal"}, {'[', '{', "bracket_left"},
    {']', '}', "bracket_right"}, {';', ':', "semicolon"}, {'\'', '"', "apostrophe"},
    {'`', '~', "grave_accent"}, {'\\', '|', "backslash"}, {',', '<', "comma"},
    {'.', '>', "dot"}, {'/', '?', "slash"}, {' ', ' ', "spc"},
};

static void translate(int c, KeySeq *s)
{
    static const struct { int code; const char *name; } special[] = {
        {KEY_UP, "up"}, {KEY_DOWN, "down"}, {KEY_LEFT, "left"}, {KEY_RIGHT, "right"},
        {KEY_HOME, "home"}, {KEY_END, "end"}, {KEY_PPAGE, "pgup"}, {KEY_NPAGE, "pgdn"},
        {KEY_IC, "insert"}, {KEY_DC, "delete"}, {KEY_BACKSPACE, "backspace"},
        {KEY_ENTER, "ret"}, {127, "backspace"}, {'\n', "ret"}, {'\r', "ret"}, {'\t', "tab"},
        {27, "esc"},
    };
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        if (special[i].code == c) {
            tap(s, NULL, special[i].name);
            return;
        }
    if (c >= KEY_F(1) && c <= KEY_F(12)) {
        char n[4];
        snprintf(n, sizeof n, "f%d", c - KEY_F(0));
        tap(s, NULL, n);
        return;
    }
    char n[2] = {0, 0};
    if (c >= 'a' && c <= 'z') {
        n[0] = (char)c;
        tap(s, NULL, n);
    } else if (c >= 'A' && c <= 'Z') {
        n[0] = (char)(c - 'A' + 'a');
        tap(s, "shift", n);
    } else if (c >= 1 && c <= 26) {
        n[0] = (char)(c - 1 + 'a');
        tap(s, "ctrl", n);
    } else {
        for (size_t i = 0; i < sizeof us_keys / sizeof us_keys[0]; i++) {
            if (us_keys[i].plain == c) {
                tap(s, NULL, us_keys[i].name);
                return;
            }
            if (us_keys[i].shifted == c) {
                tap(s, "shift", us_keys[i].name);
                return;
            }
        }
    }
}

static void *curses_thread(void *arg)
{
    DisplayCurses *d = arg;
    while (!d->stop) {
        int c;
        bool alive = true;
        while (alive && (c = getch()) != ERR) {
            KeySeq s = {{0}, 0};
            translate(c, &s);
            if (s.n)
                alive = machine_request(d->m, keys_in, &s);
        }
        if (!alive || !machine_request(d->m, snapshot, d))
            break;
        draw(d);
        struct timespec nap = {0, 33000000L};
        nanosleep(&nap, NULL);
    }
    return NULL;
}

bool display_curses_available(void) { return true; }

DisplayCurses *display_curses_open(Machine *m, char *err, size_t errlen)
{
    DisplayCurses *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "out of memory for the display");
        return NULL;
    }
    d->m = m;
    setlocale(LC_CTYPE, "");
    if (!newterm(NULL, stdout, stdin)) {
        snprintf(err, errlen, "cannot use the terminal (TERM=%s)",
                 getenv("TERM") ? getenv("TERM") : "unset");
        free(d);
        return NULL;
    }
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);           /* a lone Esc is a key, not a sequence's start */
    init_colours(d);
    if (pthread_create(&d->thread, NULL, curses_thread, d) != 0) {
        endwin();
        snprintf(err, errlen, "cannot start the display thread");
        free(d);
        return NULL;
    }
    return d;
}

void display_curses_close(DisplayCurses *d)
{
    if (!d)
        return;
    d->stop = true;
    pthread_join(d->thread, NULL);
    endwin();
    free(d);
}

#endif
