/* i8042.h - the PS/2 keyboard controller (Intel 8042 / "KBC") at ports
 * 0x60 (data) and 0x64 (status / command), with a PS/2 keyboard on its
 * first port and nothing on its auxiliary (mouse) port.
 *
 * Enough for an OS to probe it (Linux's i8042 + atkbd drivers), to gate
 * A20 through the output port and to reset the machine (command 0xFE, or
 * the output port's reset bit). Bytes for the guest wait in one output
 * queue; the head byte is in the output buffer (status OBF, AUXB when it
 * came from the aux port) and raises IRQ1 (keyboard) or IRQ12 (aux) when
 * the command byte enables that interrupt.
 *
 * The aux port: loopback (0xD3) works, the port can be enabled and
 * disabled, and a PS/2 mouse (devices/ps2mouse.c) answers the bytes sent
 * with 0xD4; its responses arrive as aux data (IRQ12).
 */
#ifndef XLAT86_I8042_H
#define XLAT86_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "iobus.h"
#include "vmstate.h"
#include "memory.h"
#include "irq.h"
#include "ps2mouse.h"

/* Status register (port 0x64 read). */
#define I8042_STR_OBF 0x01      /* output buffer full */
#define I8042_STR_IBF 0x02      /* input buffer full (never: commands complete at once) */
#define I8042_STR_SYS 0x04      /* system flag (command byte bit 2) */
#define I8042_STR_CMD 0x08      /* A2: last write was to port 0x64 */
#define I8042_STR_NOINH 0x10    /* keyboard not inhibited (key lock switch) */
#define I8042_STR_AUXB 0x20     /* output buffer holds aux data */
#define I8042_STR_TIMEOUT 0x40
#define I8042_STR_PARITY 0x80

/* Command byte ("controller configuration byte"). */
#define I8042_CTR_KBDINT 0x01
#define I8042_CTR_AUXINT 0x02
#define I8042_CTR_SYS 0x04
#define I8042_CTR_KBDDIS 0x10
#define I8042_CTR_AUXDIS 0x20
#define I8042_CTR_XLATE 0x40

#define I8042_QUEUE 32

typedef struct I8042 {
    uint8_t ctr;                /* command byte */
    uint8_t status_extra;       /* A2 / timeout bits kept between reads */
    uint8_t pending_cmd;        /* controller command waiting for its data byte, 0 = none */
    uint8_t kbd_pending;        /* keyboard command waiting for its argument, 0 = none */
    uint8_t scancode_set;       /* 1..3 */
    bool kbd_scanning;          /* keyboard enabled (F4) */
    uint8_t outport;            /* output port: bit 0 reset (active low), bit 1 A20 */

    /* Output queue: byte and source. */
    struct { uint8_t val; uint8_t aux; uint8_t timeout; } q[I8042_QUEUE];
    int q_head, q_len;
    uint8_t last;               /* last byte read (re-read when the queue is empty) */
    uint8_t leds;               /* keyboard LEDs (0xED) */
    PS2Mouse mouse;             /* on the aux port */

    IRQ *kbd_irq, *aux_irq;     /* IRQ1 and IRQ12 on the PC */
    Memory *mem;                /* A20 gate; NULL in tests */
    void (*reset)(void *opaque);/* system reset request */
    void *reset_opaque;
    int irq1, irq12;            /* levels as driven */
} I8042;

void i8042_init(I8042 *k, IOBus *io, IRQ *kbd_irq, IRQ *aux_irq, Memory *mem,
                void (*reset)(void *opaque), void *reset_opaque);
void i8042_reset(I8042 *k);
/* Port access (what the guest sees). */
uint8_t i8042_read_data(I8042 *k);
uint8_t i8042_read_status(I8042 *k);
void i8042_write_data(I8042 *k, uint8_t v);
void i8042_write_command(I8042 *k, uint8_t v);
/* A key event from the host: one scan code byte (set 2, or set 1 when the
 * controller translates), dropped while the keyboard is disabled. */
void i8042_key_byte(I8042 *k, uint8_t code);
/* A key event as scan code set 2 bytes (e.g. E0 F0 71 for releasing
 * Delete; in sets 1 and 3 at most I8042_KEY_MAX of them are used). The keyboard sends them in its
 * current scan code set (F0 1/2/3: i8042_sets.c makes set 1 and set 3),
 * and the controller translates whatever the keyboard sends when the
 * command byte's XLATE bit is set (i8042_xlate.c; a 0xF0 prefix only
 * applies within one call), as the 8042 and QEMU do. Runs on the vCPU
 * thread. */
#define I8042_KEY_MAX 64
void i8042_key(I8042 *k, const uint8_t *set2_bytes, int n);
/* Scan code sets 1 and 3 from set 2 bytes (i8042_sets.c); out holds
 * I8042_KEY_MAX bytes. Returns the count. */
int i8042_set2_to_set1(const uint8_t *set2, int n, uint8_t *out);
int i8042_set2_to_set3(const uint8_t *set2, int n, uint8_t *out);
/* The set 3 code of a set 2 key (e0: with the E0 prefix); 0 for none. */
uint8_t i8042_set3_code(uint8_t set2, bool e0);
/* A host pointer event for the PS/2 mouse (see ps2mouse_event): its
 * packet is queued as aux data, whole or not at all, unless the aux port
 * is disabled. Runs on the vCPU thread. */
void i8042_mouse_event(I8042 *k, int dx, int dy, int dz, uint8_t buttons);
/* The 8042's set 2 -> set 1 translation of one code (no 0xF0 handling). */
uint8_t i8042_translate(uint8_t set2);

/* Registry entry (registered as "i8042"). */
extern const VMStateDesc i8042_vmstate;

#endif
