/* iobus.h - the x86 port I/O space (64 Ki ports).
 *
 * Devices register a range of ports with read/write handlers. A handler is
 * called with the access size (1, 2 or 4) if the device declared it accepts
 * that size; otherwise the bus splits the access into byte accesses on
 * consecutive ports (as the ISA bus does). Unclaimed reads return all ones,
 * unclaimed writes are dropped.
 */
#ifndef XLAT86_IOBUS_H
#define XLAT86_IOBUS_H

#include <stdint.h>

typedef uint32_t (*io_read_fn)(void *opaque, uint16_t port, int size);
typedef void (*io_write_fn)(void *opaque, uint16_t port, uint32_t val, int size);

#define IO_SIZE_1 1u
#define IO_SIZE_2 2u
#define IO_SIZE_4 4u

typedef struct IOHandler {
    io_read_fn read;
    io_write_fn write;
    void *opaque;
    uint8_t sizes;    /* IO_SIZE_* mask the handler accepts */
} IOHandler;

typedef struct IOBus {
    uint16_t map[65536];      /* handler index + 1 per port, 0 = unclaimed */
    IOHandler handlers[128];
    int n_handlers;
} IOBus;

void io_init(IOBus *bus);
/* Claim ports [base, base+count). Later registrations override earlier ones. */
void io_register(IOBus *bus, uint16_t base, uint16_t count, io_read_fn rd,
                 io_write_fn wr, void *opaque, uint8_t sizes);
/* Release ports [base, base+count) that opaque's handler holds (a device
 * moving its registers, as a PCI function whose base is reprogrammed).
 * Registering the same handler again reuses its slot. */
void io_unregister(IOBus *bus, uint16_t base, uint16_t count, void *opaque);
/* The opaque of the handler claiming port, or NULL. */
void *io_owner(const IOBus *bus, uint16_t port);
uint32_t io_read(IOBus *bus, uint16_t port, int size);
void io_write(IOBus *bus, uint16_t port, uint32_t val, int size);

#endif
