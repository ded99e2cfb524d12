/* vga_render.c - VGA / VBE state -> an RGB frame (0x00RRGGBB pixels).
 *
 * Toolkit-free: displays (SDL, curses, screendump) call vga_render on the
 * vCPU thread (through a machine request) and copy the lines it marked.
 *
 * Dirty tracking: a change to any register or to the DAC redraws the
 * whole frame; otherwise a graphics line is redrawn only when a video
 * memory page it reads was written (the window's writes mark
 * VGA.vram_dirty, the frame buffer's are the memory map's dirty log), and
 * a text cell only when its character/attribute word, the font (plane 2)
 * or, for blinking cells and the cursor cell, the blink phase changed. An
 * idle text screen therefore costs one compare per cell per frame.
 *
 * Timings follow the IBM VGA reference: text width is (CR01 + 1)
 * characters of 8 or 9 dots (SR01 bit 0), doubled with SR01 bit 3 (so 40
 * columns of 9 dots are 720 pixels wide); the 9th dot repeats the 8th for
 * characters C0h-DFh when AR10 bit 2 (line graphics) is set, else it is
 * the background; AR10 bit 3 makes attribute bit 7 blink the foreground
 * (every 32 frames) instead of selecting bright backgrounds; the cursor
 * (CR0A/CR0B rows, CR0E/CR0F position, CR0A bit 5 off) blinks every 16
 * frames; CR14 is the underline row of attributes with foreground 1 and
 * background 0 (mode 7's underline). AR13 pixel panning, CR08 byte
 * panning and preset row scan, and AR10 bit 5 (panning compatibility)
 * are drawn in text (render_text_panned) and graphics modes. Graphics:
 * GR05 bits 6:5 choose 16-colour planar, CGA 4-colour
 * (odd/even shift) or 256-colour (four bytes of one address, which is
 * mode 13h with chain-4 and "mode X" without); CR17 bits 0/1 give the CGA
 * scan line interleave; CR09 the line repetition; CR18 the line compare.
 * VGA 256-colour pixels are two dots wide (mode 13h is 640x400), as on
 * the hardware and in QEMU's screendump.
 */
#include "vga.h"

#include <stdlib.h>
#include <string.h>

VGAFrame *vga_frame_new(void)
{
    VGAFrame *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->pixels = calloc((size_t)VGA_MAX_W * VGA_MAX_H, 4);
    if (!f->pixels) {
        free(f);
        return NULL;
    }
    f->width = 640;
    f->height = 480;
    f->resized = true;
    return f;
}

void vga_frame_free(VGAFrame *f)
{
    if (f) {
        free(f->pixels);
        free(f);
    }
}

/* 6-bit DAC component to 8 bits (as QEMU's c6_to_8: low bit repeated). */
static uint32_t c6to8(uint32_t c)
{
    c &= 0x3f;
    return (c << 2) | ((c & 1) << 1) | (c & 1);
}

static uint32_t dac_rgb(const VGA *v, unsigned idx)
{
    const uint8_t *p = &v->palette[(idx & v->dac_mask & 0xff) * 3];
    if (v->vbe_regs[VBE_INDEX_ENABLE] & VBE_8BIT_DAC)
        return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
    return c6to8(p[0]) << 16 | c6to8(p[1]) << 8 | c6to8(p[2]);
}

/* The attribute controller's 16 entries through the colour select
 * register into the DAC. */
static void palette16(const VGA *v, uint32_t pal[16])
{
    for (int i = 0; i < 16; i++) {
        unsigned c = v->ar[i];
        if (v->ar[0x10] & 0x80)
            c = ((v->ar[0x14] & 0x0fu) << 4) | (c & 0x0f);
        else
            c = ((v->ar[0x14] & 0x0cu) << 4) | (c & 0x3f);
        pal[i] = dac_rgb(v, c);
    }
}

static bool set_size(VGAFrame *f, int w, int h)
{
    if (w > VGA_MAX_W) w = VGA_MAX_W;
    if (h > VGA_MAX_H) h = VGA_MAX_H;
    if (w < 1) w = 1;
    if (h < 1) h = 1;
    if (f->width == w && f->height == h)
        return false;
    f->width = w;
    f->height = h;
    f->resized = true;
    return true;
}

/* Did anything that decides the picture, other than memory, change? */
static bool regs_changed(VGA *v)
{
    uint8_t snap[sizeof v->last_regs];
    size_t o = 0;
    memcpy(snap + o, v->sr, 8), o += 8;
    memcpy(snap + o, v->gr, 16), o += 16;
    memcpy(snap + o, v->cr, 256), o += 256;
    memcpy(snap + o, v->ar, 32), o += 32;
    snap[o++] = v->misc;
    snap[o++] = v->ar_index & 0x20;
    snap[o++] = v->dac_mask;
    memcpy(snap + o, v->vbe_regs, sizeof v->vbe_regs), o += sizeof v->vbe_regs;
    memcpy(snap + o, &v->vbe_start, 4), o += 4;
    memcpy(snap + o, &v->vbe_line, 4), o += 4;
    memset(snap + o, 0, sizeof snap - o);
    bool ch = memcmp(snap, v->last_regs, sizeof snap) != 0 ||
              memcmp(v->palette, v->last_palette_raw, sizeof v->palette) != 0;
    memcpy(v->last_regs, snap, sizeof snap);
    memcpy(v->last_palette_raw, v->palette, sizeof v->palette);
    return ch;
}

static bool page_dirty(const uint8_t *bm, uint32_t off, uint32_t len)
{
    if (!len)
        return false;
    uint32_t last = off + len - 1;
    if (last >= VGA_VRAM_SIZE)
        last = VGA_VRAM_SIZE - 1;
    for (uint32_t p = off >> 12; p <= last >> 12; p++)
        if (bm[p >> 3] & (1u << (p & 7)))
            return true;
    return false;
}

static void fill(VGAFrame *f, uint32_t rgb)
{
    for (int y = 0; y < f->height; y++) {
        uint32_t *d = f->pixels + (size_t)y * f->width;
        for (int x = 0; x < f->width; x++)
            d[x] = rgb;
        f->line_dirty[y] = 1;
    }
}

/* ---- text ---- */

/* One text cell's glyph row: bits (8 dots) and the 9th dot. */
static void text_cell_row(uint32_t *d, unsigned bits, unsigned ninth, uint32_t fg, uint32_t bg,
                          int cw, int dbl)
{
    for (int x = 0; x < cw; x++) {
        unsigned on = x < 8 ? (bits >> (7 - x)) & 1 : ninth;
        uint32_t c = on ? fg : bg;
        for (int k = 0; k < dbl; k++)
            *d++ = c;
    }
}

/* Text with AR13 pixel panning, CR08 byte panning or a preset row scan:
 * drawn line by line, each line one cell wider than the screen (the cell
 * that pans in from the right), every frame (panned screens are rare:
 * no dirty tracking). Panning in 9-dot modes: AR13 8 is no shift, 0-7
 * shift by 1-8 dots; in 8-dot modes 0-7 dots (IBM VGA reference). The
 * preset row scan starts the first character row at that glyph row. */
typedef struct TextGeom {
    int cols, rows, cw, dbl, ch_h, line_compare;
    uint32_t start, cursor, line_bytes;
    const uint32_t *pal;
    uint32_t font_off[2];
    bool cursor_en, cursor_on, blink_attr, blink_on, lge;
    int cur_first, cur_last;
} TextGeom;

static void render_text_panned(VGA *v, VGAFrame *f, const TextGeom *g)
{
    static uint32_t line[257 * 18];   /* CR01 255: 256 cells and the one panned in */
    int pel = v->ar[0x13] & 0x0f;
    int pan = g->cw == 9 ? (pel < 8 ? pel + 1 : 0) : (pel & 7);
    pan *= g->dbl;
    bool pan_reset = v->ar[0x10] & 0x20, split = false;
    int prs = v->cr[8] & 0x1f;
    int pw = g->cw * g->dbl;
    uint32_t off = (g->start + ((v->cr[8] >> 5) & 3u)) * 4;
    int r = prs < g->ch_h ? prs : 0;
    for (int y = 0; y < f->height; y++) {
        for (int cx = 0; cx <= g->cols; cx++) {
            uint32_t src = (off + (uint32_t)cx * 4) & (VGA_PLANAR_SIZE - 1);
            uint8_t ch = v->vram[src], attr = v->vram[src + 1];
            bool is_cursor = g->cursor_en && src == ((g->cursor * 4) & (VGA_PLANAR_SIZE - 1));
            const uint8_t *font = v->vram + g->font_off[(attr >> 3) & 1] + 32u * 4 * ch;
            uint32_t fg = g->pal[attr & 0x0f];
            uint32_t bg = g->pal[g->blink_attr ? (attr >> 4) & 7 : attr >> 4];
            if (g->blink_attr && (attr & 0x80) && !g->blink_on)
                fg = bg;
            unsigned bits = font[r * 4];
            unsigned ninth = g->lge && ch >= 0xc0 && ch <= 0xdf ? (bits & 1) : 0;
            if (r == (v->cr[0x14] & 0x1f) && (attr & 0x77) == 0x01)
                bits = 0xff, ninth = 1;
            if (is_cursor && g->cursor_on && r >= g->cur_first && r <= g->cur_last)
                bits = 0xff, ninth = 1;
            text_cell_row(line + cx * pw, bits, ninth, fg, bg, g->cw, g->dbl);
        }
        int shift = split && pan_reset ? 0 : pan;
        memcpy(f->pixels + (size_t)y * f->width, line + shift, (size_t)f->width * 4);
        f->line_dirty[y] = 1;
        if (y == g->line_compare) {   /* the address and row scan restart at 0 */
            off = 0;
            r = 0;
            split = true;
        } else if (++r >= g->ch_h) {
            r = 0;
            off += g->line_bytes;
        }
    }
}

static bool render_text(VGA *v, VGAFrame *f, int64_t now, bool full)
{
    int cols = v->cr[1] + 1;
    int cw = (v->sr[1] & 1) ? 8 : 9;
    int dbl = (v->sr[1] & 8) ? 2 : 1;
    int vde = (v->cr[0x12] | ((v->cr[7] & 2) << 7) | ((v->cr[7] & 0x40) << 3)) + 1;
    int ch_h = (v->cr[9] & 0x1f) + 1;
    int rows = vde / ch_h;          /* whole character rows, as QEMU shows */
    if (rows < 1)
        rows = 1;
    if (cols * rows > (int)(sizeof v->last_text / sizeof v->last_text[0]))
        rows = (int)(sizeof v->last_text / sizeof v->last_text[0]) / cols;
    int pw = cw * dbl;
    if (set_size(f, cols * pw, rows * ch_h))
        full = true;
    if (v->font_written) {
        full = true;
        v->font_written = 0;
    }

    /* Frame rate for the blink counters: 70 Hz (400 lines) or 60 Hz. */
    int64_t frame_ns = vde >= 480 ? 1000000000 / 60 : 1000000000 / 70;
    int64_t frames = now / frame_ns;
    int cursor_on = (frames / 16) & 1 ? 0 : 1;
    int blink_on = (frames / 32) & 1 ? 0 : 1;
    int phase = cursor_on | blink_on << 1;
    bool phase_changed = phase != v->last_blink_phase;
    v->last_blink_phase = phase;

    uint32_t pal[16];
    palette16(v, pal);
    unsigned smap = v->sr[3];
    uint32_t font_off[2] = {
        ((((smap >> 4) & 1) | ((smap << 1) & 6)) * 8192u) * 4 + 2,  /* attr bit 3 = 0: map B */
        ((((smap >> 5) & 1) | ((smap >> 1) & 6)) * 8192u) * 4 + 2,  /* attr bit 3 = 1: map A */
    };
    uint32_t start = (uint32_t)(v->cr[0x0c] << 8 | v->cr[0x0d]);
    uint32_t cursor = (uint32_t)(v->cr[0x0e] << 8 | v->cr[0x0f]);
    bool cursor_en = !(v->cr[0x0a] & 0x20);
    int cur_first = v->cr[0x0a] & 0x1f, cur_last = v->cr[0x0b] & 0x1f;
    if (cur_last > ch_h - 1)
        cur_last = ch_h - 1;
    uint32_t line_bytes = (uint32_t)v->cr[0x13] << 3;
    int line_compare = v->cr[0x18] | ((v->cr[7] & 0x10) << 4) | ((v->cr[9] & 0x40) << 3);
    bool blink_attr = v->ar[0x10] & 0x08;
    bool lge = v->ar[0x10] & 0x04;
    /* CR14 bits 4:0: the underline row. Cells whose attribute has
     * foreground 1 and background 0 (bits 6:4 and 2:0; the monochrome
     * underline attributes 01h, 09h, 81h, 89h) show it in the foreground
     * over all dots. Colour modes set it past the character height. */
    int ul_row = v->cr[0x14] & 0x1f;

    if ((v->ar[0x13] & 0x0f) != (cw == 9 ? 8 : 0) || (v->cr[8] & 0x7f)) {
        TextGeom g = {cols, rows, cw, dbl, ch_h, line_compare, start, cursor, line_bytes, pal,
                      {font_off[0], font_off[1]}, cursor_en, cursor_on, blink_attr, blink_on,
                      lge, cur_first, cur_last};
        render_text_panned(v, f, &g);
        v->full_redraw = true;        /* the next unpanned frame starts afresh */
        return true;
    }
    bool changed = false;
    uint32_t off = start * 4;
    int line = 0;
    for (int cy = 0; cy < rows; cy++) {
        for (int cx = 0; cx < cols; cx++) {
            uint32_t src = (off + (uint32_t)cx * 4) & (VGA_PLANAR_SIZE - 1);
            uint16_t ca = (uint16_t)(v->vram[src] | v->vram[src + 1] << 8);
            uint16_t *last = &v->last_text[cy * cols + cx];
            bool is_cursor = cursor_en && src == ((cursor * 4) & (VGA_PLANAR_SIZE - 1));
            uint8_t attr = ca >> 8, ch = ca & 0xff;
            bool blinks = blink_attr && (attr & 0x80);
            if (!full && ca == *last && !((is_cursor || blinks) && phase_changed))
                continue;
            *last = ca;
            changed = true;
            const uint8_t *font = v->vram + font_off[(attr >> 3) & 1] + 32u * 4 * ch;
            uint32_t fg = pal[attr & 0x0f];
            uint32_t bg = pal[blink_attr ? (attr >> 4) & 7 : attr >> 4];
            if (blinks && !blink_on)
                fg = bg;
            bool dup9 = lge && ch >= 0xc0 && ch <= 0xdf;
            for (int r = 0; r < ch_h; r++) {
                int y = cy * ch_h + r;
                if (y >= f->height)
                    break;
                unsigned bits = font[r * 4];
                unsigned ninth = dup9 ? (bits & 1) : 0;
                if (r == ul_row && (attr & 0x77) == 0x01)
                    bits = 0xff, ninth = 1;
                if (is_cursor && cursor_on && r >= cur_first && r <= cur_last)
                    bits = 0xff, ninth = 1;
                uint32_t *d = f->pixels + (size_t)y * f->width + (size_t)cx * pw;
                for (int x = 0; x < cw; x++) {
                    unsigned on = x < 8 ? (bits >> (7 - x)) & 1 : ninth;
                    uint32_t c = on ? fg : bg;
                    for (int k = 0; k < dbl; k++)
                        *d++ = c;
                }
                f->line_dirty[y] = 1;
            }
        }
        int line1 = line + ch_h;
        off += line_bytes;
        if (line < line_compare && line1 >= line_compare)
            off = 0;
        line = line1;
    }
    return changed;
}

/* ---- graphics ---- */

static void draw_planar(const VGA *v, uint32_t *d, uint32_t addr, int width, int dbl,
                        const uint32_t pal[16], uint32_t size)
{
    uint32_t pm = v->ar[0x12] & 0x0f;
    for (int x = 0; x < width / 8; x++) {
        const uint8_t *p = &v->vram[(addr + (uint32_t)x * 4) & (size - 4)];
        for (int b = 7; b >= 0; b--) {
            unsigned c = 0;
            for (int pl = 0; pl < 4; pl++)
                if (pm & (1u << pl))
                    c |= ((p[pl] >> b) & 1u) << pl;
            for (int k = 0; k < dbl; k++)
                *d++ = pal[c];
        }
    }
}

/* CGA 4-colour: 2-bit pixels, planes 0/2 then 1/3 of one address. */
static void draw_cga(const VGA *v, uint32_t *d, uint32_t addr, int width, int dbl,
                     const uint32_t pal[16])
{
    uint32_t pm = v->ar[0x12] & 0x0f;
    for (int x = 0; x < width / 8; x++) {
        const uint8_t *p = &v->vram[(addr + (uint32_t)x * 4) & (VGA_PLANAR_SIZE - 1)];
        uint8_t pl[4];
        for (int i = 0; i < 4; i++)
            pl[i] = (pm & (1u << i)) ? p[i] : 0;
        for (int half = 0; half < 2; half++) {
            for (int s = 6; s >= 0; s -= 2) {
                unsigned c = ((pl[half] >> s) & 3u) | (((pl[half + 2] >> s) & 3u) << 2);
                for (int k = 0; k < dbl; k++)
                    *d++ = pal[c];
            }
        }
    }
}

static void draw_256(const VGA *v, uint32_t *d, uint32_t addr, int out_w, const uint32_t *pal)
{
    for (int x = 0; x < out_w / 2; x++) {
        uint32_t c = pal[v->vram[(addr + (uint32_t)x) & (VGA_PLANAR_SIZE - 1)]];
        *d++ = c;
        *d++ = c;
    }
}

static void draw_vbe(const VGA *v, uint32_t *d, uint32_t addr, int w, unsigned bpp,
                     const uint32_t *pal)
{
    const uint8_t *m = v->vram;
    for (int x = 0; x < w; x++) {
        uint32_t a, c;
        switch (bpp) {
        case 8:
            c = pal[m[(addr + x) & (VGA_VRAM_SIZE - 1)]];
            break;
        case 15:
        case 16:
            a = (addr + (uint32_t)x * 2) & (VGA_VRAM_SIZE - 2);
            c = (uint32_t)(m[a] | m[a + 1] << 8);
            /* 16 bpp: 5/6-bit components widened by repeating their top
             * bits (31 -> 255), as QEMU's pixman conversion does; 15 bpp
             * shifted with zero low bits, as QEMU's 15-bit line drawer. */
            if (bpp == 15) {
                c = ((c >> 7) & 0xf8) << 16 | ((c >> 2) & 0xf8) << 8 | ((c << 3) & 0xf8);
            } else {
                uint32_t r = (c >> 11) & 31, g = (c >> 5) & 63, b = c & 31;
                c = ((r << 3) | (r >> 2)) << 16 | ((g << 2) | (g >> 4)) << 8 | ((b << 3) | (b >> 2));
            }
            break;
        case 24:
            a = (addr + (uint32_t)x * 3) % (VGA_VRAM_SIZE - 2);
            c = (uint32_t)m[a + 2] << 16 | (uint32_t)m[a + 1] << 8 | m[a];
            break;
        default:
            a = (addr + (uint32_t)x * 4) & (VGA_VRAM_SIZE - 4);
            c = (uint32_t)m[a + 2] << 16 | (uint32_t)m[a + 1] << 8 | m[a];
            break;
        }
        d[x] = c;
    }
}

static bool render_vbe(VGA *v, VGAFrame *f, const uint8_t *dirty, bool full)
{
    int w = v->vbe_regs[VBE_INDEX_XRES], h = v->vbe_regs[VBE_INDEX_YRES];
    unsigned bpp = v->vbe_regs[VBE_INDEX_BPP];
    if (w < 8 || h < 1 || !v->vbe_line) {
        if (set_size(f, 640, 480) || full)
            fill(f, 0);
        return full;
    }
    if (set_size(f, w, h))
        full = true;
    static uint32_t pal[256];
    if (bpp == 8)
        for (int i = 0; i < 256; i++)
            pal[i] = dac_rgb(v, (unsigned)i);
    if (bpp == 4)
        palette16(v, pal);   /* planar: through the attribute controller */
    unsigned bytes = bpp == 4 ? (unsigned)w / 2 : (unsigned)w * (bpp == 8 ? 1 : (bpp + 7) / 8);
    bool changed = false;
    for (int y = 0; y < f->height; y++) {
        uint32_t addr = v->vbe_start + (uint32_t)y * v->vbe_line;
        if (!full && !page_dirty(dirty, addr, bytes))
            continue;
        if (bpp == 4)
            draw_planar(v, f->pixels + (size_t)y * f->width, addr, f->width & ~7, 1, pal,
                        VGA_VRAM_SIZE);
        else
            draw_vbe(v, f->pixels + (size_t)y * f->width, addr, f->width, bpp, pal);
        f->line_dirty[y] = 1;
        changed = true;
    }
    return changed;
}

static bool render_graphics(VGA *v, VGAFrame *f, const uint8_t *dirty, bool full)
{
    int width = (v->cr[1] + 1) * 8;
    int height = (v->cr[0x12] | ((v->cr[7] & 2) << 7) | ((v->cr[7] & 0x40) << 3)) + 1;
    int sc = (v->gr[5] >> 5) & 3;
    int dscan = v->cr[9] >> 7;
    int max_scan = v->cr[9] & 0x1f;
    int dbl = (sc < 2 && (v->sr[1] & 8)) ? 2 : 1;
    int out_w = width * dbl;
    if (set_size(f, out_w, height))
        full = true;
    uint32_t pal16[16];
    static uint32_t pal256[256];
    if (sc < 2) {
        palette16(v, pal16);
    } else {
        for (int i = 0; i < 256; i++)
            pal256[i] = dac_rgb(v, (unsigned)i);
    }
    uint32_t line_bytes = (uint32_t)v->cr[0x13] << 3;
    int line_compare = v->cr[0x18] | ((v->cr[7] & 0x10) << 4) | ((v->cr[9] & 0x40) << 3);
    /* CR08: byte panning (bits 6:5, character clocks added to the start
     * address) and the preset row scan (bits 4:0, the row scan counter's
     * value on the first line). */
    uint32_t addr1 = ((uint32_t)(v->cr[0x0c] << 8 | v->cr[0x0d]) + ((v->cr[8] >> 5) & 3u)) * 4;
    uint32_t src_bytes = (uint32_t)width / 2 + 4;   /* 4 bytes per 8 dots; 1 per 2 at 256 colours */
    /* AR13 pixel panning, in output dots: 0-7 pixels in the 16-colour and
     * CGA modes (doubled with the halved dot clock); in 256-colour modes
     * 0, 2, 4, 6 shift by 0-3 pixels of two dots each (odd values are
     * not documented: the even value below). AR10 bit 5 (PEL panning
     * compatibility): the lines below a line compare match are not
     * panned. */
    int pan = sc < 2 ? (v->ar[0x13] & 7) * dbl : (v->ar[0x13] & 6);
    bool pan_reset = v->ar[0x10] & 0x20;
    static uint32_t scratch[2 * (256 * 8 + 8) + 64];  /* CR01 255, doubled, panned */
    /* The CRT controller: each scan line (each two with double scan)
     * advances the row scan counter; after CR09's maximum scan line the
     * address counter advances by the offset. With CR17 bit 0 (bit 1)
     * clear, row scan bit 0 (bit 1) replaces memory address bit 13
     * (bit 14): the CGA/Hercules interleave. */
    int rs = v->cr[8] & 0x1f;
    bool changed = false;
    bool split = false;
    for (int y = 0; y < f->height; y++) {
        int shift = split && pan_reset ? 0 : pan;
        uint32_t addr = addr1;
        if (!(v->cr[0x17] & 1)) {
            int shift = 14 + ((v->cr[0x17] >> 6) & 1);
            addr = (addr & ~(1u << shift)) | ((uint32_t)(rs & 1) << shift);
        }
        if (!(v->cr[0x17] & 2))
            addr = (addr & ~0x8000u) | ((uint32_t)(rs & 2) << 14);
        addr &= VGA_PLANAR_SIZE - 1;
        if (full || page_dirty(dirty, addr, src_bytes)) {
            uint32_t *d = f->pixels + (size_t)y * f->width;
            /* Drawn into a scratch line (clipped to the frame's width
             * on the copy); panned, one more character clock. */
            uint32_t *o = scratch;
            int extra = shift ? 8 : 0;
            if (sc == 0)
                draw_planar(v, o, addr, width + extra, dbl, pal16, VGA_PLANAR_SIZE);
            else if (sc == 1)
                draw_cga(v, o, addr, width + extra, dbl, pal16);
            else
                draw_256(v, o, addr, out_w + extra, pal256);
            memcpy(d, scratch + shift, (size_t)f->width * 4);
            f->line_dirty[y] = 1;
            changed = true;
        }
        if (!dscan || (y & 1)) {
            if (++rs > max_scan) {
                rs = 0;
                addr1 += line_bytes;
            }
        }
        if (y == line_compare) {
            addr1 = 0;
            rs = 0;
            if (!split && pan_reset && pan)
                full = true;          /* the lines below change panning */
            split = true;
        }
    }
    return changed;
}

bool vga_render(VGA *v, VGAFrame *f, int64_t now, bool force)
{
    static uint8_t dirty[VGA_VRAM_SIZE / 4096 / 8];
    bool full = regs_changed(v);     /* always: it also records the snapshot */
    full = full || force || v->full_redraw;
    v->full_redraw = false;
    if (mem_dirty_get_and_clear(v->mem, v->lfb, dirty) < 0)
        memset(dirty, 0xff, sizeof dirty);
    for (size_t i = 0; i < sizeof dirty; i++)
        dirty[i] |= v->vram_dirty[i];
    memset(v->vram_dirty, 0, sizeof v->vram_dirty);

    bool changed;
    if (!(v->ar_index & 0x20) && !vga_vbe_enabled(v)) {
        /* The attribute controller's palette address source is clear:
         * the screen shows the overscan colour... black, as QEMU. */
        changed = full;
        if (full)
            fill(f, 0);
    } else if (vga_vbe_enabled(v)) {
        changed = render_vbe(v, f, dirty, full);
    } else if (v->gr[6] & 1) {
        changed = render_graphics(v, f, dirty, full);
    } else {
        changed = render_text(v, f, now, full);
    }
    /* The overscan (border) colour: AR11 is a DAC index as it is; black
     * while the attribute controller shows no picture. The frame is the
     * active area only (as QEMU's screendump); displays draw the border
     * around it. */
    uint32_t border = !(v->ar_index & 0x20) && !vga_vbe_enabled(v) ? 0 : dac_rgb(v, v->ar[0x11]);
    if (border != f->border) {
        f->border = border;
        changed = true;
    }
    if (changed)
        f->serial++;
    return changed;
}
