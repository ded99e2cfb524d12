/* debugcon.h - QEMU's ISA debug devices.
 *
 * isa-debugcon: a byte written to its port goes to a character backend
 * (SeaBIOS and many test programs log to port 0xE9 this way); a read
 * returns 0xE9, the value QEMU's device reads back so software can detect
 * it.
 *
 * isa-debug-exit: a write of N (1, 2 or 4 bytes) to its port stops the
 * machine with process exit status (N << 1) | 1, as in QEMU.
 */
#ifndef XLAT86_DEBUGCON_H
#define XLAT86_DEBUGCON_H

#include <stdint.h>

#include "chardev.h"
#include "iobus.h"

typedef struct DebugCon {
    CharDev *chr;
    uint16_t port;
} DebugCon;

void debugcon_init(DebugCon *d, IOBus *io, uint16_t port, CharDev *chr);

typedef struct DebugExit {
    void (*exit_fn)(void *opaque, int status);
    void *opaque;
} DebugExit;

void debugexit_init(DebugExit *d, IOBus *io, uint16_t port,
                    void (*exit_fn)(void *opaque, int status), void *opaque);

#endif
