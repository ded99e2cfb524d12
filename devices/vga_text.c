/* vga_text.c - the VGA's text screen as character/attribute cells, for
 * displays that draw text themselves (the curses display). The cells are
 * read as the renderer reads them (vga_render.c's render_text): from the
 * CRTC start address, CR13 words per row, the line compare split, plane 0
 * the character and plane 1 the attribute. */
#include "vga.h"

bool vga_text_snapshot(const VGA *v, uint16_t *cells, int max, VGAText *t)
{
    t->graphics = vga_vbe_enabled(v) || (v->gr[6] & 1);
    t->blank = !(v->ar_index & 0x20);
    int vde = (v->cr[0x12] | ((v->cr[7] & 2) << 7) | ((v->cr[7] & 0x40) << 3)) + 1;
    int ch_h = (v->cr[9] & 0x1f) + 1;
    t->cols = v->cr[1] + 1;
    t->rows = vde / ch_h;
    if (t->rows < 1)
        t->rows = 1;
    if (t->cols * t->rows > max)
        t->rows = max / t->cols;
    /* CR08 bits 6:5, byte panning: characters added to the start */
    uint32_t start = (uint32_t)(v->cr[0x0c] << 8 | v->cr[0x0d]) + ((v->cr[8] >> 5) & 3u);
    uint32_t cursor = (uint32_t)(v->cr[0x0e] << 8 | v->cr[0x0f]);
    uint32_t line_bytes = (uint32_t)v->cr[0x13] << 3;
    int line_compare = v->cr[0x18] | ((v->cr[7] & 0x10) << 4) | ((v->cr[9] & 0x40) << 3);
    t->cursor_x = t->cursor_y = -1;
    if (t->graphics)
        return false;
    uint32_t off = start * 4;
    int line = 0;
    for (int cy = 0; cy < t->rows; cy++) {
        for (int cx = 0; cx < t->cols; cx++) {
            uint32_t src = (off + (uint32_t)cx * 4) & (VGA_PLANAR_SIZE - 1);
            cells[cy * t->cols + cx] = (uint16_t)(v->vram[src] | v->vram[src + 1] << 8);
            if (!(v->cr[0x0a] & 0x20) && src == ((cursor * 4) & (VGA_PLANAR_SIZE - 1))) {
                t->cursor_x = cx;
                t->cursor_y = cy;
            }
        }
        int line1 = line + ch_h;
        off += line_bytes;
        if (line < line_compare && line1 >= line_compare)
            off = 0;
        line = line1;
    }
    return true;
}
