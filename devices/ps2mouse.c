/* ps2mouse.c - PS/2 mouse command set (see ps2mouse.h). */
#include "ps2mouse.h"

#include <string.h>

#define ACK 0xfa
#define RESEND 0xfe
#define BAT_OK 0xaa

static void defaults(PS2Mouse *m)
{
    m->rate = 100;
    m->resolution = 2;
    m->scaling21 = false;
    m->reporting = false;
}

void ps2mouse_reset(PS2Mouse *m)
{
    memset(m, 0, sizeof(*m));
    defaults(m);
}

/* Status byte 1: bit 6 remote, bit 5 enabled, bit 4 scaling 2:1, buttons. */
static uint8_t status_byte(const PS2Mouse *m)
{
    return (uint8_t)((m->remote ? 0x40 : 0) | (m->reporting ? 0x20 : 0) |
                     (m->scaling21 ? 0x10 : 0) | (m->buttons & 7));
}

int ps2mouse_write(PS2Mouse *m, uint8_t b, uint8_t out[4])
{
    if (m->pending) {
        uint8_t cmd = m->pending;
        m->pending = 0;
        if (cmd == 0xe8) {
            if (b > 3)
                return out[0] = RESEND, 1;
            m->resolution = b;
        } else {
            m->rate = b;
            m->knock[0] = m->knock[1];
            m->knock[1] = m->knock[2];
            m->knock[2] = b;
            if (m->knock[0] == 200 && m->knock[1] == 100 && m->knock[2] == 80)
                m->id = 3;
        }
        return out[0] = ACK, 1;
    }
    if (m->wrap && b != 0xec && b != 0xff)
        return out[0] = b, 1;           /* wrap mode echoes */
    switch (b) {
    case 0xff:
        ps2mouse_reset(m);
        out[0] = ACK;
        out[1] = BAT_OK;
        out[2] = 0x00;                  /* device ID after the self-test */
        return 3;
    case 0xf6: defaults(m); return out[0] = ACK, 1;
    case 0xf5: m->reporting = false; return out[0] = ACK, 1;
    case 0xf4: m->reporting = true; return out[0] = ACK, 1;
    case 0xf3: case 0xe8: m->pending = b; return out[0] = ACK, 1;
    case 0xf2: out[0] = ACK; out[1] = m->id; return 2;
    case 0xf0: m->remote = true; return out[0] = ACK, 1;
    case 0xee: m->wrap = true; return out[0] = ACK, 1;
    case 0xec: m->wrap = false; return out[0] = ACK, 1;
    case 0xeb:                          /* read data: one packet, no movement */
        out[0] = ACK;
        out[1] = (uint8_t)(0x08 | (m->buttons & 7));
        out[2] = 0;
        out[3] = 0;
        return 4;
    case 0xea: m->remote = false; return out[0] = ACK, 1;
    case 0xe9:
        out[0] = ACK;
        out[1] = status_byte(m);
        out[2] = m->resolution;
        out[3] = m->rate;
        return 4;
    case 0xe7: m->scaling21 = true; return out[0] = ACK, 1;
    case 0xe6: m->scaling21 = false; return out[0] = ACK, 1;
    default: return out[0] = RESEND, 1;
    }
}
