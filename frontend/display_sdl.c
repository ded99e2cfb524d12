/* display_sdl.c - the SDL2 window (see display_sdl.h). */
#include "display_sdl.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices/i8042.h"
#include "display.h"
#include "keymap.h"

#ifndef XLAT86_HAVE_SDL

bool display_sdl_available(void) { return false; }

DisplaySDL *display_sdl_open(Machine *m, char *err, size_t errlen)
{
    (void)m;
    snprintf(err, errlen, "this xlat86 was built without SDL2 (install libsdl2-dev)");
    return NULL;
}

void display_sdl_close(DisplaySDL *d) { (void)d; }

void display_sdl_set_full_screen(DisplaySDL *d, bool on) { (void)d, (void)on; }

#else

#include <SDL2/SDL.h>

#define FRAME_NS 16666666L

struct DisplaySDL {
    Machine *m;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int state;                  /* 0 starting, 1 running, -1 failed */
    char err[256];
    volatile bool stop;
    /* Filled on the vCPU thread by refresh() (the SDL thread waits). */
    uint32_t *pix;              /* VGA_MAX_W * VGA_MAX_H */
    int w, h;
    uint32_t border;            /* overscan colour, 0x00RRGGBB */
    bool changed;
    bool paused;
    uint64_t icount;
    /* SDL side */
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    int tex_w, tex_h;
    bool grab, fullscreen;
    int redraw_frames;          /* present this many more rounds (after window changes) */
    volatile int want_fullscreen;   /* -1: no request; 0/1 from display_sdl_set_full_screen */
};

/* The overscan border around the picture, in guest pixels per side (the
 * VGA's 640x480 timing has 8 border pixels left and right, 8 lines top and
 * bottom). */
#define SDL_BORDER 8

/* SDL scancodes -> QEMU key names (keymap.c has their set 2 codes). */
static const struct { SDL_Scancode sc; const char *name; } sdl_keys[] = {
    {SDL_SCANCODE_ESCAPE, "esc"}, {SDL_SCANCODE_1, "1"}, {SDL_SCANCODE_2, "2"},
    {SDL_SCANCODE_3, "3"}, {SDL_SCANCODE_4, "4"}, {SDL_SCANCODE_5, "5"}, {SDL_SCANCODE_6, "6"},
    {SDL_SCANCODE_7, "7"}, {SDL_SCANCODE_8, "8"}, {SDL_SCANCODE_9, "9"}, {SDL_SCANCODE_0, "0"},
    {SDL_SCANCODE_MINUS, "minus"}, {SDL_SCANCODE_EQUALS, "equal"},
    {SDL_SCANCODE_BACKSPACE, "backspace"}, {SDL_SCANCODE_TAB, "tab"}, {SDL_SCANCODE_Q, "q"},
    {SDL_SCANCODE_W, "w"}, {SDL_SCANCODE_E, "e"}, {SDL_SCANCODE_R, "r"}, {SDL_SCANCODE_T, "t"},
    {SDL_SCANCODE_Y, "y"}, {SDL_SCANCODE_U, "u"}, {SDL_SCANCODE_I, "i"}, {SDL_SCANCODE_O, "o"},
    {SDL_SCANCODE_P, "p"}, {SDL_SCANCODE_LEFTBRACKET, "bracket_left"},
    {SDL_SCANCODE_RIGHTBRACKET, "bracket_right"}, {SDL_SCANCODE_RETURN, "ret"},
    {SDL_SCANCODE_LCTRL, "ctrl"}, {SDL_SCANCODE_A, "a"}, {SDL_SCANCODE_S, "s"},
    {SDL_SCANCODE_D, "d"}, {SDL_SCANCODE_F, "f"}, {SDL_SCANCODE_G, "g"}, {SDL_SCANCODE_H, "h"},
    {SDL_SCANCODE_J, "j"}, {SDL_SCANCODE_K, "k"}, {SDL_SCANCODE_L, "l"},
    {SDL_SCANCODE_SEMICOLON, "semicolon"}, {SDL_SCANCODE_APOSTROPHE, "apostrophe"},
    {SDL_SCANCODE_GRAVE, "grave_accent"}, {SDL_SCANCODE_LSHIFT, "shift"},
    {SDL_SCANCODE_BACKSLASH, "backslash"}, {SDL_SCANCODE_NONUSHASH, "backslash"},
    {SDL_SCANCODE_Z, "z"}, {SDL_SCANCODE_X, "x"}, {SDL_SCANCODE_C, "c"}, {SDL_SCANCODE_V, "v"},
    {SDL_SCANCODE_B, "b"}, {SDL_SCANCODE_N, "n"}, {SDL_SCANCODE_M, "m"},
    {SDL_SCANCODE_COMMA, "comma"}, {SDL_SCANCODE_PERIOD, "dot"}, {SDL_SCANCODE_SLASH, "slash"},
    {SDL_SCANCODE_RSHIFT, "shift_r"}, {SDL_SCANCODE_KP_MULTIPLY, "kp_multiply"},
    {SDL_SCANCODE_LALT, "alt"}, {SDL_SCANCODE_SPACE, "spc"},
    {SDL_SCANCODE_CAPSLOCK, "caps_lock"}, {SDL_SCANCODE_F1, "f1"}, {SDL_SCANCODE_F2, "f2"},
    {SDL_SCANCODE_F3, "f3"}, {SDL_SCANCODE_F4, "f4"}, {SDL_SCANCODE_F5, "f5"},
    {SDL_SCANCODE_F6, "f6"}, {SDL_SCANCODE_F7, "f7"}, {SDL_SCANCODE_F8, "f8"},
    {SDL_SCANCODE_F9, "f9"}, {SDL_SCANCODE_F10, "f10"}, {SDL_SCANCODE_F11, "f11"},
    {SDL_SCANCODE_F12, "f12"}, {SDL_SCANCODE_NUMLOCKCLEAR, "num_lock"},
    {SDL_SCANCODE_SCROLLLOCK, "scroll_lock"}, {SDL_SCANCODE_KP_7, "kp_7"},
    {SDL_SCANCODE_KP_8, "kp_8"}, {SDL_SCANCODE_KP_9, "kp_9"},
    {SDL_SCANCODE_KP_MINUS, "kp_subtract"}, {SDL_SCANCODE_KP_4, "kp_4"},
    {SDL_SCANCODE_KP_5, "kp_5"}, {SDL_SCANCODE_KP_6, "kp_6"}, {SDL_SCANCODE_KP_PLUS, "kp_add"},
    {SDL_SCANCODE_KP_1, "kp_1"}, {SDL_SCANCODE_KP_2, "kp_2"}, {SDL_SCANCODE_KP_3, "kp_3"},
    {SDL_SCANCODE_KP_0, "kp_0"}, {SDL_SCANCODE_KP_PERIOD, "kp_decimal"},
    {SDL_SCANCODE_NONUSBACKSLASH, "less"}, {SDL_SCANCODE_KP_ENTER, "kp_enter"},
    {SDL_SCANCODE_RCTRL, "ctrl_r"}, {SDL_SCANCODE_KP_DIVIDE, "kp_divide"},
    {SDL_SCANCODE_RALT, "alt_r"}, {SDL_SCANCODE_HOME, "home"}, {SDL_SCANCODE_UP, "up"},
    {SDL_SCANCODE_PAGEUP, "pgup"}, {SDL_SCANCODE_LEFT, "left"}, {SDL_SCANCODE_RIGHT, "right"},
    {SDL_SCANCODE_END, "end"}, {SDL_SCANCODE_DOWN, "down"}, {SDL_SCANCODE_PAGEDOWN, "pgdn"},
    {SDL_SCANCODE_INSERT, "insert"}, {SDL_SCANCODE_DELETE, "delete"},
    {SDL_SCANCODE_LGUI, "meta_l"}, {SDL_SCANCODE_RGUI, "meta_r"},
    {SDL_SCANCODE_APPLICATION, "compose"}, {SDL_SCANCODE_PRINTSCREEN, "print"},
    {SDL_SCANCODE_PAUSE, "pause"}, {SDL_SCANCODE_SYSREQ, "sysrq"},
};

static const KeyDef *sdl_key(SDL_Scancode sc)
{
    for (size_t i = 0; i < sizeof sdl_keys / sizeof sdl_keys[0]; i++)
        if (sdl_keys[i].sc == sc)
            return keymap_find(sdl_keys[i].name);
    return NULL;
}

/* ---- on the vCPU thread (inside machine_request) ---- */

static void refresh(Machine *m, void *arg)
{
    DisplaySDL *d = arg;
    d->paused = m->paused;
    d->icount = engine_icount(m->engine);
    VGAFrame *f = display_update(m->pc);
    if (!f)
        return;
    if (f->border != d->border) {
        d->border = f->border;
        d->changed = true;
    }
    if (f->width != d->w || f->height != d->h || f->resized) {
        d->w = f->width;
        d->h = f->height;
        memset(f->line_dirty, 1, (size_t)(f->height > 0 ? f->height : 0));
        f->resized = false;
    }
    for (int y = 0; y < f->height; y++) {
        if (!f->line_dirty[y])
            continue;
        memcpy(d->pix + (size_t)y * f->width, f->pixels + (size_t)y * f->width,
               (size_t)f->width * 4);
        f->line_dirty[y] = 0;
        d->changed = true;
    }
}

typedef struct { uint8_t b[KEYMAP_SEQ_MAX]; int n; } KeyEv;

static void key_in(Machine *m, void *arg)
{
    KeyEv *k = arg;
    i8042_key(&m->pc->kbc, k->b, k->n);
}

typedef struct { int dx, dy, dz; uint8_t buttons; } MouseEv;

static void mouse_in(Machine *m, void *arg)
{
    MouseEv *e = arg;
    i8042_mouse_event(&m->pc->kbc, e->dx, e->dy, e->dz, e->buttons);
}

static void quit_in(Machine *m, void *arg)
{
    (void)arg;
    machine_quit(m, 0);
}

/* ---- on the display thread ---- */

static void set_title(DisplaySDL *d, double mips)
{
    char t[160];
    snprintf(t, sizeof t, "xlat86 - %s - %.1f MIPS%s", d->paused ? "paused" : "running", mips,
             d->grab ? " - Press Ctrl+Alt+G to release grab" : "");
    SDL_SetWindowTitle(d->win, t);
}

static void draw(DisplaySDL *d)
{
    if (d->w <= 0 || d->h <= 0)
        return;
    if (!d->tex || d->tex_w != d->w || d->tex_h != d->h) {
        if (d->tex)
            SDL_DestroyTexture(d->tex);
        d->tex = SDL_CreateTexture(d->ren, SDL_PIXELFORMAT_XRGB8888, SDL_TEXTUREACCESS_STREAMING,
                                   d->w, d->h);
        d->tex_w = d->w;
        d->tex_h = d->h;
        if (!d->fullscreen) {
            int s = d->w < 640 ? 2 : 1;
            SDL_SetWindowSize(d->win, (d->w + 2 * SDL_BORDER) * s, (d->h + 2 * SDL_BORDER) * s);
        }
        d->changed = true;
    }
    if (!d->tex)
        return;
    if (d->changed)
        SDL_UpdateTexture(d->tex, NULL, d->pix, d->w * 4);
    d->changed = false;
    int ww, wh;
    SDL_GetRendererOutputSize(d->ren, &ww, &wh);
    /* The picture with its border (SDL_BORDER guest pixels of the
     * overscan colour on each side), scaled by a whole factor when it
     * fits, else aspect-correct; black around it. */
    int bw = d->w + 2 * SDL_BORDER, bh = d->h + 2 * SDL_BORDER;
    SDL_Rect out, dst;
    int s = ww / bw < wh / bh ? ww / bw : wh / bh;
    if (s >= 1) {
        out.w = bw * s;
        out.h = bh * s;
    } else if ((long)ww * bh <= (long)wh * bw) {         /* aspect-correct fit */
        out.w = ww;
        out.h = (int)((long)ww * bh / bw);
    } else {
        out.h = wh;
        out.w = (int)((long)wh * bw / bh);
    }
    out.x = (ww - out.w) / 2;
    out.y = (wh - out.h) / 2;
    dst.x = out.x + (int)((long)SDL_BORDER * out.w / bw);
    dst.y = out.y + (int)((long)SDL_BORDER * out.h / bh);
    dst.w = (int)((long)d->w * out.w / bw);
    dst.h = (int)((long)d->h * out.h / bh);
    SDL_SetRenderDrawColor(d->ren, 0, 0, 0, 255);
    SDL_RenderClear(d->ren);
    SDL_SetRenderDrawColor(d->ren, (d->border >> 16) & 0xff, (d->border >> 8) & 0xff,
                           d->border & 0xff, 255);
    SDL_RenderFillRect(d->ren, &out);
    SDL_RenderCopy(d->ren, d->tex, NULL, &dst);
    SDL_RenderPresent(d->ren);
}

/* Full screen on or off; back in a window, the window takes the bordered
 * frame's size again (doubled below 640 pixels). */
static void set_full_screen(DisplaySDL *d, bool on)
{
    d->fullscreen = on;
    SDL_SetWindowFullscreen(d->win, on ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
    if (!on && d->w > 0 && d->h > 0) {
        int s = d->w < 640 ? 2 : 1;
        SDL_SetWindowSize(d->win, (d->w + 2 * SDL_BORDER) * s, (d->h + 2 * SDL_BORDER) * s);
    }
    d->changed = true;
    d->redraw_frames = 30;      /* the window manager resizes it later */
}

static void set_grab(DisplaySDL *d, bool on)
{
    d->grab = on;
    SDL_SetWindowGrab(d->win, on ? SDL_TRUE : SDL_FALSE);
    SDL_SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE);
}

/* A key event: the hot keys, else its set 2 bytes to the guest. False
 * when the machine no longer takes requests. */
static bool on_key(DisplaySDL *d, const SDL_KeyboardEvent *e)
{
    bool down = e->type == SDL_KEYDOWN;
    /* The modifiers when this event happened (SDL_GetModState would give
     * them after every event queued so far). */
    Uint16 mod = e->keysym.mod;
    if (down && (mod & KMOD_CTRL) && (mod & KMOD_ALT)) {
        if (e->keysym.scancode == SDL_SCANCODE_F) {
            set_full_screen(d, !d->fullscreen);
            return true;
        }
        if (e->keysym.scancode == SDL_SCANCODE_G) {
            set_grab(d, !d->grab);
            return true;
        }
    }
    if (e->repeat && !down)
        return true;
    const KeyDef *k = sdl_key(e->keysym.scancode);
    if (!k)
        return true;
    unsigned mods = ((mod & KMOD_SHIFT) ? KEYMOD_SHIFT : 0) | ((mod & KMOD_CTRL) ? KEYMOD_CTRL : 0) |
                    ((mod & KMOD_LALT) ? KEYMOD_ALT : 0) | ((mod & KMOD_RALT) ? KEYMOD_ALT_R : 0);
    mods &= ~keymap_modifier(k);
    KeyEv ev;
    ev.n = keymap_set2_mods(k, down, mods, ev.b);
    return ev.n == 0 || machine_request(d->m, key_in, &ev);
}

static void *sdl_thread(void *arg)
{
    DisplaySDL *d = arg;
    /* xlat86 keeps its own SIGINT/SIGTERM behaviour. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    bool ok = SDL_Init(SDL_INIT_VIDEO) == 0;
    if (ok) {
        d->win = SDL_CreateWindow("xlat86", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, 720,
                                  400, SDL_WINDOW_RESIZABLE);
        d->ren = d->win ? SDL_CreateRenderer(d->win, -1, 0) : NULL;
        if (!d->ren)
            d->ren = d->win ? SDL_CreateRenderer(d->win, -1, SDL_RENDERER_SOFTWARE) : NULL;
        ok = d->ren != NULL;
    }
    pthread_mutex_lock(&d->lock);
    if (!ok)
        snprintf(d->err, sizeof d->err, "SDL: %s", SDL_GetError());
    d->state = ok ? 1 : -1;
    pthread_cond_broadcast(&d->cond);
    pthread_mutex_unlock(&d->lock);
    if (!ok) {
        SDL_Quit();
        return NULL;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t ic0 = 0;
    bool first = true;
    uint8_t buttons = 0;
    while (!d->stop) {
        SDL_Event e;
        bool alive = true;
        int want = d->want_fullscreen;
        if (want >= 0) {
            d->want_fullscreen = -1;
            if ((bool)want != d->fullscreen)
                set_full_screen(d, want);
        }
        /* Pointer events of this round, sent as one packet (grabbed only). */
        MouseEv mev = {0, 0, 0, buttons};
        bool mouse = false;
        while (alive && SDL_PollEvent(&e)) {
            if (e.type == SDL_QUIT) {
                machine_request(d->m, quit_in, NULL);
                alive = false;
            } else if (e.type == SDL_KEYDOWN || e.type == SDL_KEYUP) {
                alive = on_key(d, &e.key);
            } else if (e.type == SDL_MOUSEBUTTONDOWN && !d->grab) {
                set_grab(d, true);
            } else if (e.type == SDL_MOUSEMOTION && d->grab) {
                mev.dx += e.motion.xrel;
                mev.dy -= e.motion.yrel;          /* PS/2: positive is up */
                mouse = true;
            } else if ((e.type == SDL_MOUSEBUTTONDOWN || e.type == SDL_MOUSEBUTTONUP) &&
                       d->grab) {
                static const uint8_t bit[6] = {0, 1, 4, 2, 0, 0}; /* SDL left/middle/right */
                uint8_t b = e.button.button < 6 ? bit[e.button.button] : 0;
                if (e.type == SDL_MOUSEBUTTONDOWN)
                    mev.buttons |= b;
                else
                    mev.buttons &= (uint8_t)~b;
                /* Every button change is a packet of its own. */
                buttons = mev.buttons;
                alive = machine_request(d->m, mouse_in, &mev);
                mev.dx = mev.dy = mev.dz = 0;
                mouse = false;
            } else if (e.type == SDL_MOUSEWHEEL && d->grab) {
                mev.dz -= e.wheel.y;              /* PS/2 Z: positive = toward the user */
                mouse = true;
            } else if (e.type == SDL_WINDOWEVENT) {
                d->changed = true;
                d->redraw_frames = 30;  /* its size may settle a little later */
            }
        }
        if (alive && mouse) {
            buttons = mev.buttons;
            alive = machine_request(d->m, mouse_in, &mev);
        }
        if (!alive || !machine_request(d->m, refresh, d))
            break;
        /* An idle screen is not drawn again; after a window change, for
         * half a second (30 rounds), it is. */
        if (d->changed || d->redraw_frames > 0) {
            if (d->redraw_frames > 0)
                d->redraw_frames--;
            draw(d);
        }
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double dt = (double)(now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9;
        if (first || dt >= 1.0) {
            set_title(d, first ? 0.0 : (double)(d->icount - ic0) / dt / 1e6);
            ic0 = d->icount;
            t0 = now;
            first = false;
        }
        struct timespec nap = {0, FRAME_NS};
        nanosleep(&nap, NULL);
    }
    if (d->tex)
        SDL_DestroyTexture(d->tex);
    SDL_DestroyRenderer(d->ren);
    SDL_DestroyWindow(d->win);
    SDL_Quit();
    return NULL;
}

bool display_sdl_available(void) { return true; }

static bool env_set(const char *name)
{
    const char *v = getenv(name);
    return v && *v;
}

DisplaySDL *display_sdl_open(Machine *m, char *err, size_t errlen)
{
    if (!env_set("DISPLAY") && !env_set("WAYLAND_DISPLAY") && !env_set("SDL_VIDEODRIVER")) {
        snprintf(err, errlen, "no display to open a window on (DISPLAY is not set)");
        return NULL;
    }
    DisplaySDL *d = calloc(1, sizeof *d);
    if (d)
        d->pix = calloc((size_t)VGA_MAX_W * VGA_MAX_H, 4);
    if (!d || !d->pix) {
        if (d)
            free(d);
        snprintf(err, errlen, "out of memory for the display");
        return NULL;
    }
    d->m = m;
    d->want_fullscreen = -1;
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->cond, NULL);
    if (pthread_create(&d->thread, NULL, sdl_thread, d) != 0) {
        snprintf(err, errlen, "cannot start the display thread");
        free(d->pix);
        free(d);
        return NULL;
    }
    pthread_mutex_lock(&d->lock);
    while (d->state == 0)
        pthread_cond_wait(&d->cond, &d->lock);
    pthread_mutex_unlock(&d->lock);
    if (d->state < 0) {
        pthread_join(d->thread, NULL);
        snprintf(err, errlen, "%s", d->err);
        free(d->pix);
        free(d);
        return NULL;
    }
    return d;
}

void display_sdl_close(DisplaySDL *d)
{
    if (!d)
        return;
    d->stop = true;
    pthread_join(d->thread, NULL);
    free(d->pix);
    free(d);
}

void display_sdl_set_full_screen(DisplaySDL *d, bool on)
{
    if (d)
        d->want_fullscreen = on;
}

#endif
