/* ps2mouse.h - a PS/2 mouse on the i8042's auxiliary port (IBM PS/2
 * Technical Reference, "Pointing device"; the IntelliMouse ID extension).
 *
 * Commands (each acknowledged 0xFA unless noted): FF reset (FA AA 00),
 * FE resend (the last packet/response byte), F6 set defaults, F5 disable
 * / F4 enable data reporting, F3 sample rate (argument; the sequence
 * 200, 100, 80 switches to the wheel mouse, ID 3), F2 read ID (FA, ID),
 * F0 remote mode, EE wrap mode (bytes echoed until EC or FF), EC reset
 * wrap, EB read data (FA + one 3-byte packet), EA stream mode, E9 status
 * request (FA + 3 status bytes), E8 resolution (argument 0-3), E7/E6
 * scaling 2:1/1:1. Unknown commands and bad arguments answer FE.
 * Host pointer events become movement packets with ps2mouse_event
 * (ps2mouse_event.c); EB (remote read) still reports no movement.
 */
#ifndef XLAT86_PS2MOUSE_H
#define XLAT86_PS2MOUSE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct PS2Mouse {
    uint8_t pending;          /* command waiting for its argument (E8, F3), 0 = none */
    uint8_t rate;             /* samples per second */
    uint8_t resolution;       /* 0-3: 1, 2, 4, 8 counts/mm */
    uint8_t id;               /* 0, or 3 after the wheel knock */
    uint8_t knock[3];         /* the last three sample rates set */
    bool scaling21;
    bool reporting;           /* F4 */
    bool remote;              /* F0 */
    bool wrap;                /* EE */
    uint8_t buttons;
} PS2Mouse;

void ps2mouse_reset(PS2Mouse *m);
/* A byte from the host (controller command 0xD4): the response bytes go
 * to out (at most 4), their count is returned. */
int ps2mouse_write(PS2Mouse *m, uint8_t b, uint8_t out[4]);
/* A host pointer event: movement (dy > 0 = up), wheel (dz > 0 = toward
 * the user), buttons (bit 0 left, 1 right, 2 middle). The packet (3
 * bytes, 4 for the wheel mouse) goes to out; 0 when the mouse does not
 * report (disabled, remote or wrap mode). */
int ps2mouse_event(PS2Mouse *m, int dx, int dy, int dz, uint8_t buttons, uint8_t out[4]);

#endif
