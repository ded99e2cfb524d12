/* ps2mouse_event.c - host pointer events into PS/2 movement packets (IBM
 * PS/2 Technical Reference, "Pointing device": 3-byte packets; the
 * IntelliMouse's 4th byte, Z, once the device ID is 3).
 *   byte 0: bit 0 left, 1 right, 2 middle, 3 always 1, 4 X sign, 5 Y sign,
 *           6 X overflow, 7 Y overflow
 *   byte 1: X movement (low 8 bits of a 9-bit two's complement value)
 *   byte 2: Y movement (positive = up)
 *   byte 3: Z (ID 3 only): wheel, -8..7, positive = toward the user
 * Stream mode with data reporting enabled only; a value beyond -256..255
 * is clamped and its overflow bit set. */
#include "ps2mouse.h"

static int clamp(int v, int lo, int hi, bool *over)
{
    if (v < lo) { *over = true; return lo; }
    if (v > hi) { *over = true; return hi; }
    return v;
}

int ps2mouse_event(PS2Mouse *m, int dx, int dy, int dz, uint8_t buttons, uint8_t out[4])
{
    m->buttons = buttons & 7;
    if (!m->reporting || m->remote || m->wrap)
        return 0;
    bool ox = false, oy = false, oz = false;
    dx = clamp(dx, -256, 255, &ox);
    dy = clamp(dy, -256, 255, &oy);
    dz = clamp(dz, -8, 7, &oz);
    out[0] = (uint8_t)(0x08 | m->buttons | (dx < 0 ? 0x10 : 0) | (dy < 0 ? 0x20 : 0) |
                       (ox ? 0x40 : 0) | (oy ? 0x80 : 0));
    out[1] = (uint8_t)dx;
    out[2] = (uint8_t)dy;
    if (m->id == 3) {
        out[3] = (uint8_t)dz;
        return 4;
    }
    return 3;
}
