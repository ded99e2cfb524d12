/* debugcon.c - QEMU's isa-debugcon and isa-debug-exit devices. */
#include "debugcon.h"

/* QEMU's isa-debugcon reads back 0xE9 (its default port number) so that
 * software can probe for it. */
#define DEBUGCON_READBACK 0xe9

static uint32_t debugcon_read(void *opaque, uint16_t port, int size)
{
    (void)opaque;
    (void)port;
    (void)size;
    return DEBUGCON_READBACK;
}

static void debugcon_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    (void)port;
    (void)size;
    DebugCon *d = opaque;
    uint8_t b = (uint8_t)val;
    chardev_write(d->chr, &b, 1);
}

void debugcon_init(DebugCon *d, IOBus *io, uint16_t port, CharDev *chr)
{
    d->chr = chr;
    d->port = port;
    io_register(io, port, 1, debugcon_read, debugcon_write, d, IO_SIZE_1);
}

static void debugexit_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    (void)port;
    (void)size;
    DebugExit *d = opaque;
    if (d->exit_fn)
        d->exit_fn(d->opaque, (int)((val << 1) | 1));
}

void debugexit_init(DebugExit *d, IOBus *io, uint16_t port,
                    void (*exit_fn)(void *opaque, int status), void *opaque)
{
    d->exit_fn = exit_fn;
    d->opaque = opaque;
    io_register(io, port, 1, NULL, debugexit_write, d, IO_SIZE_1 | IO_SIZE_2 | IO_SIZE_4);
}
