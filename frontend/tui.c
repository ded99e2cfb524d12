/* tui.c - the full-screen debugger (see tui.h). */
#include "tui.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/decode.h"
#include "cpu/peek.h"
#include "devices/chardev.h"
#include "monitor.h"

#define TUI_CODE_BYTES 512
#define TUI_STACK_WORDS 16
#define TUI_MEM_BYTES 128
#define TUI_ESCAPE 0x01   /* Ctrl-A */

/* What one redraw shows, read on the vCPU thread. */
typedef struct Snap {
    uint32_t top, mem_lin;     /* in: where the listing and the memory view start */
    CPUState s;
    bool paused;
    uint32_t lin_pc;
    uint8_t code[TUI_CODE_BYTES];
    size_t n_code;
    uint8_t stack[TUI_STACK_WORDS * 4];
    size_t n_stack;
    uint8_t mem[TUI_MEM_BYTES];
    size_t n_mem;
} Snap;

struct Tui {
    Machine *m;
    pthread_t thread;
    bool started;
    volatile bool stop;
    bool own_thread;           /* -debugger tui (q quits the emulator) */
    int guest[2];              /* the o key -> a stdio serial port; -1 = none */
    Snap sn, prev;
    bool have_prev;
    uint32_t top;              /* linear address of the listing's first line */
    int cursor;                /* listing line of the cursor */
    uint32_t line_addr[128];
    int n_lines;
    bool host_view;            /* v: the host pane takes the listing's place */
    uint32_t follow;           /* f: show this block instead of CS:EIP's; 0 = off */
    uint32_t mem_lin;
    char status[160];
};

static void snap_fn(Machine *m, void *arg)
{
    Snap *sn = arg;
    engine_get_state(m->engine, &sn->s);
    sn->paused = m->paused;
    sn->lin_pc = sn->s.seg[S_CS].base + sn->s.eip;
    Memory *mem = &m->pc->mem;
    sn->n_code = peek_lin(&sn->s, mem, sn->top, sn->code, sizeof sn->code);
    uint32_t sp = sn->s.seg[S_SS].base + ((sn->s.seg[S_SS].flags & SEGF_DB) ? sn->s.regs[R_ESP]
                                                                             : (sn->s.regs[R_ESP] & 0xffffu));
    sn->n_stack = peek_lin(&sn->s, mem, sp, sn->stack, sizeof sn->stack);
    sn->n_mem = peek_lin(&sn->s, mem, sn->mem_lin, sn->mem, sizeof sn->mem);
}

static int code_bits(const CPUState *s)
{
    return ((s->cr[0] & 1) && (s->seg[S_CS].flags & SEGF_DB)) ? 32 : 16;
}

/* Run a monitor command; its reply goes to the status line. */
static void command(Tui *t, const char *line)
{
    char *r = monitor_command(t->m, line);
    size_t n = strcspn(r, "\n");
    snprintf(t->status, sizeof t->status, "%s: %.*s", line, (int)(n < 120 ? n : 120), r);
    free(r);
}

static void take_snapshot(Tui *t)
{
    Snap next;
    memset(&next, 0, sizeof next);
    next.top = t->top;
    next.mem_lin = t->mem_lin;
    if (!machine_request(t->m, snap_fn, &next)) {
        t->stop = true;   /* the machine is gone */
        return;
    }
    /* The current instruction must be on screen: restart the listing there. */
    uint32_t pc = next.lin_pc;
    bool visible = false;
    for (int i = 0; i < t->n_lines && i < 8; i++)
        if (t->line_addr[i] == pc) visible = true;
    if (!visible && pc != t->sn.lin_pc) {
        t->top = pc;
        t->cursor = 0;
        next.top = pc;
        machine_request(t->m, snap_fn, &next);
    }
    t->sn = next;
}

/* One changed-highlighted register. */
static void reg(Tui *t, int y, int x, const char *name, uint32_t v, uint32_t old, int digits)
{
    bool changed = t->have_prev && v != old;
    if (changed) attron(A_REVERSE | A_BOLD);
    mvprintw(y, x, "%s=%0*x", name, digits, v);
    if (changed) attroff(A_REVERSE | A_BOLD);
}

static void draw_regs(Tui *t, int y, int x)
{
    static const char *const rn[8] = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};
    static const char *const sn[6] = {"ES", "CS", "SS", "DS", "FS", "GS"};
    const CPUState *s = &t->sn.s, *p = &t->prev.s;
    attron(A_BOLD);
    mvprintw(y++, x, "Registers");
    attroff(A_BOLD);
    for (int i = 0; i < 8; i++) reg(t, y + i / 2, x + (i & 1) * 14, rn[i], s->regs[i], p->regs[i], 8);
    y += 4;
    reg(t, y, x, "EIP", s->eip, p->eip, 8);
    reg(t, y++, x + 14, "EFL", s->eflags, p->eflags, 8);
    uint32_t e = s->eflags;
    mvprintw(y++, x, "[%c%c%c%c%c%c%c%c]", e & 0x400 ? 'D' : '-', e & 0x200 ? 'I' : '-', e & 0x800 ? 'O' : '-',
             e & 0x80 ? 'S' : '-', e & 0x40 ? 'Z' : '-', e & 0x10 ? 'A' : '-', e & 0x4 ? 'P' : '-',
             e & 0x1 ? 'C' : '-');
    for (int i = 0; i < 6; i++) reg(t, y + i / 3, x + (i % 3) * 9, sn[i], s->seg[i].sel, p->seg[i].sel, 4);
    y += 2;
    reg(t, y, x, "CR0", s->cr[0], p->cr[0], 8);
    reg(t, y++, x + 14, "CR3", s->cr[3], p->cr[3], 8);
}

static void draw_stack(Tui *t, int y, int x, int rows)
{
    const Snap *sn = &t->sn;
    bool w32 = sn->s.seg[S_SS].flags & SEGF_DB;
    attron(A_BOLD);
    mvprintw(y++, x, "Stack (SS:ESP)");
    attroff(A_BOLD);
    int size = w32 ? 4 : 2;
    uint32_t sp = w32 ? sn->s.regs[R_ESP] : (sn->s.regs[R_ESP] & 0xffffu);
    for (int i = 0; i < rows && (size_t)(i + 1) * (size_t)size <= sn->n_stack; i++) {
        uint32_t v = 0;
        memcpy(&v, sn->stack + i * size, (size_t)size);
        mvprintw(y + i, x, "%08x: %0*x", sp + (uint32_t)(i * size), size * 2, v);
    }
}

static void draw_mem(Tui *t, int y, int x, int rows)
{
    const Snap *sn = &t->sn;
    attron(A_BOLD);
    mvprintw(y++, x, "Memory %08x (m: address)", t->mem_lin);
    attroff(A_BOLD);
    for (int r = 0; r < rows && (size_t)r * 16 < sn->n_mem; r++) {
        move(y + r, x);
        printw("%08x:", t->mem_lin + (uint32_t)r * 16);
        for (int i = 0; i < 16 && (size_t)(r * 16 + i) < sn->n_mem; i++) printw(" %02x", sn->mem[r * 16 + i]);
    }
}

static void draw_listing(Tui *t, int y, int x, int rows, int width)
{
    const Snap *sn = &t->sn;
    int bits = code_bits(&sn->s);
    uint32_t cs_base = sn->s.seg[S_CS].base;
    attron(A_BOLD);
    mvprintw(y++, x, "Guest code (%d-bit)", bits);
    attroff(A_BOLD);
    size_t off = 0;
    t->n_lines = 0;
    for (int i = 0; i < rows && i < 128 && off < sn->n_code; i++) {
        char txt[128];
        int len = 0;
        uint32_t lin = t->top + (uint32_t)off;
        decode_disasm(bits, sn->code + off, sn->n_code - off, lin - cs_base, txt, sizeof txt, &len);
        if (len <= 0) len = 1;
        t->line_addr[t->n_lines++] = lin;
        bool cur = lin == sn->lin_pc;
        if (cur && t->cursor < 0) t->cursor = i;   /* after a step: the cursor follows */
        if (i == t->cursor) attron(A_REVERSE);
        if (cur) attron(A_BOLD);
        mvprintw(y + i, x, "%s %08x: %-*.*s", cur ? "=>" : "  ", lin, width - 14, width - 14, txt);
        attroff(A_REVERSE | A_BOLD);
        off += (size_t)len;
    }
}

/* The block's listing from `info tb`: guest lines bold, their host code
 * under them, starting at the current instruction's line. */
static void draw_host(Tui *t, int y, int x, int rows, int width)
{
    char cmd[64];
    uint32_t a = t->follow ? t->follow : t->sn.lin_pc;
    snprintf(cmd, sizeof cmd, "info tb 0x%x", a);
    char *txt = monitor_command(t->m, cmd);
    attron(A_BOLD);
    mvprintw(y++, x, "Host code of the block at %08x%s", a, t->follow ? " (followed exit; f: next, s/b: back)" : "");
    attroff(A_BOLD);
    char want[16];
    snprintf(want, sizeof want, "  %08x:", t->follow ? t->follow : t->sn.lin_pc);
    char *start = strstr(txt, want);
    if (!start || t->follow) start = txt;
    /* From a line or two before the current instruction (block header). */
    int row = 0;
    for (char *p = start; *p && row < rows;) {
        char *nl = strchr(p, '\n');
        int n = nl ? (int)(nl - p) : (int)strlen(p);
        bool guest = n > 11 && p[0] == ' ' && p[1] == ' ' && p[10] == ':';
        if (guest) attron(A_BOLD);
        mvprintw(y + row++, x, "%.*s", n < width ? n : width, p);
        if (guest) attroff(A_BOLD);
        p += n + (nl ? 1 : 0);
    }
    free(txt);
}

static void draw(Tui *t)
{
    erase();
    int W = COLS, H = LINES;
    attron(A_REVERSE);
    mvprintw(0, 0, "%-*.*s", W, W,
             t->sn.paused ? " xlat86 [paused]  s step  b block  c cont  p stop  k break@cursor  v view  f follow  "
                            "m mem  o console  q quit"
                          : " xlat86 [running]  p stop  o console  q quit");
    attroff(A_REVERSE);
    int rx = W - 30, top_rows = (H - 4) / 2, lw = rx - 1;
    if (rx < 40) rx = 40;
    if (t->host_view) draw_host(t, 1, 0, H - 4, lw);
    else {
        draw_listing(t, 1, 0, top_rows, lw);
        draw_host(t, 2 + top_rows, 0, H - 5 - top_rows - 7, lw);
        draw_mem(t, H - 9, 0, 6);
    }
    draw_regs(t, 1, rx);
    draw_stack(t, 14, rx, H - 17);
    mvprintw(H - 2, 0, "%.*s", W, t->status);
    refresh();
}

/* o: the raw serial console until Ctrl-A c. */
static void console(Tui *t)
{
    if (t->guest[1] < 0) {
        snprintf(t->status, sizeof t->status, "no serial port on the terminal");
        return;
    }
    def_prog_mode();
    endwin();
    fputs("\r\n[serial console: Ctrl-A c returns to the debugger]\r\n", stdout);
    fflush(stdout);
    chardev_terminal_raw();
    bool esc = false;
    for (;;) {
        unsigned char b;
        ssize_t n = read(STDIN_FILENO, &b, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (esc) {
            esc = false;
            if (b == 'c') break;
            if (b != TUI_ESCAPE) {
                chardev_escape(b);
                continue;
            }
        } else if (b == TUI_ESCAPE) {
            esc = true;
            continue;
        }
        if (write(t->guest[1], &b, 1) < 0) break;
    }
    reset_prog_mode();
    clearok(stdscr, TRUE);
}

static void prompt_mem(Tui *t)
{
    char buf[128] = "";
    mvprintw(LINES - 1, 0, "memory address (expression): ");
    clrtoeol();
    echo();
    nocbreak();
    cbreak();
    timeout(-1);
    getnstr(buf, (int)sizeof buf - 1);
    noecho();
    if (!buf[0]) return;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "print /x %s", buf);
    char *r = monitor_command(t->m, cmd);
    unsigned long v;
    if (sscanf(r, "0x%lx", &v) == 1) t->mem_lin = (uint32_t)v;
    else snprintf(t->status, sizeof t->status, "%.*s", (int)strcspn(r, "\n"), r);
    free(r);
}

/* Follow the chained exit: the next "chained to TB X" of the shown block. */
static void follow(Tui *t)
{
    char cmd[64];
    snprintf(cmd, sizeof cmd, "info tb 0x%x", t->follow ? t->follow : t->sn.lin_pc);
    char *txt = monitor_command(t->m, cmd);
    char *p = strstr(txt, "chained to TB ");
    unsigned long v;
    if (p && sscanf(p + 14, "%lx", &v) == 1) t->follow = (uint32_t)v;
    else snprintf(t->status, sizeof t->status, "no chained exit from this block");
    free(txt);
}

static void after_move(Tui *t)
{
    t->prev = t->sn;
    t->have_prev = true;
    t->follow = 0;
    t->cursor = -1;
}

/* The key loop; returns on q (quit = true) or when the machine is gone. */
static void loop(Tui *t, bool *quit)
{
    *quit = false;
    initscr();
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    take_snapshot(t);
    t->top = t->sn.lin_pc;
    take_snapshot(t);
    while (!t->stop) {
        draw(t);
        timeout(t->sn.paused ? 500 : 200);
        int ch = getch();
        switch (ch) {
        case 's':
            after_move(t);
            command(t, "step");
            break;
        case 'b':
            after_move(t);
            command(t, "stepb");
            break;
        case 'c':
            after_move(t);
            command(t, "cont");
            break;
        case 'p':
            command(t, "stop");
            break;
        case KEY_UP:
            if (t->cursor > 0) t->cursor--;
            else t->cursor = 0;
            break;
        case KEY_DOWN:
            if (t->cursor + 1 < t->n_lines) t->cursor++;
            break;
        case 'k': {
            char cmd[64];
            if (t->cursor >= 0 && t->cursor < t->n_lines) {
                snprintf(cmd, sizeof cmd, "break 0x%x", t->line_addr[t->cursor]);
                command(t, cmd);
            }
            break;
        }
        case 'v':
            t->host_view = !t->host_view;
            break;
        case 'f':
            follow(t);
            break;
        case 'm':
            prompt_mem(t);
            break;
        case 'o':
            console(t);
            break;
        case 'q':
            *quit = true;
            t->stop = true;
            break;
        default:
            break;
        }
        if (!t->stop) take_snapshot(t);
    }
    endwin();
}

static void *tui_thread(void *opaque)
{
    Tui *t = opaque;
    bool quit;
    loop(t, &quit);
    if (quit) {
        char *r = monitor_command(t->m, "quit");
        free(r);
    }
    return NULL;
}

Tui *tui_open(Machine *m, char *err, size_t errlen)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        snprintf(err, errlen, "the TUI needs a terminal on stdin and stdout");
        return NULL;
    }
    Tui *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->m = m;
    t->own_thread = true;
    if (pipe(t->guest) != 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        free(t);
        return NULL;
    }
    fcntl(t->guest[0], F_SETFD, FD_CLOEXEC);
    chardev_set_input_fd(t->guest[0]);   /* a stdio serial port reads the o key's bytes */
    if (pthread_create(&t->thread, NULL, tui_thread, t) != 0) {
        snprintf(err, errlen, "cannot start the TUI thread");
        chardev_set_input_fd(STDIN_FILENO);
        close(t->guest[0]);
        close(t->guest[1]);
        free(t);
        return NULL;
    }
    t->started = true;
    return t;
}

void tui_close(Tui *t)
{
    if (!t) return;
    t->stop = true;
    machine_finish(t->m);   /* a request in flight returns */
    if (t->started) pthread_join(t->thread, NULL);
    chardev_set_input_fd(STDIN_FILENO);
    close(t->guest[0]);
    close(t->guest[1]);
    free(t);
}

void tui_run_from_monitor(Machine *m)
{
    Tui *t = calloc(1, sizeof *t);
    if (!t) return;
    t->m = m;
    t->guest[0] = t->guest[1] = -1;
    bool quit;
    loop(t, &quit);
    free(t);
}
