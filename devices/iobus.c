/* iobus.c - the x86 port I/O space.
 *
 * A port maps to at most one handler (the latest registration wins). An
 * access of a size the handler does not declare is split the way the ISA
 * bus splits a wide cycle: a 4-byte access to a handler that takes 2-byte
 * accesses becomes two word accesses, otherwise the access becomes byte
 * accesses on consecutive ports (each dispatched on its own, so one wide
 * access can span two devices). A byte access to a handler that only takes
 * wider accesses uses its smallest size and keeps/sends the low byte.
 * Nothing answers on an unclaimed port: the data lines float high.
 */
#include "iobus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void io_init(IOBus *bus)
{
    memset(bus, 0, sizeof(*bus));
}

void io_register(IOBus *bus, uint16_t base, uint16_t count, io_read_fn rd,
                 io_write_fn wr, void *opaque, uint8_t sizes)
{
    uint8_t sz = sizes ? sizes : IO_SIZE_1;
    for (int i = 0; i < bus->n_handlers; i++) {
        const IOHandler *h = &bus->handlers[i];
        if (h->read == rd && h->write == wr && h->opaque == opaque && h->sizes == sz) {
            for (uint32_t j = 0; j < count; j++)
                bus->map[(uint16_t)(base + j)] = (uint16_t)(i + 1);
            return;
        }
    }
    if (bus->n_handlers >= (int)(sizeof(bus->handlers) / sizeof(bus->handlers[0]))) {
        /* A board-construction bug, never guest-triggered. */
        fprintf(stderr, "xlat86: internal error: too many I/O handlers (port %#x)\n", base);
        abort();
    }
    IOHandler *h = &bus->handlers[bus->n_handlers++];
    h->read = rd;
    h->write = wr;
    h->opaque = opaque;
    h->sizes = sizes ? sizes : IO_SIZE_1;
    for (uint32_t i = 0; i < count; i++)
        bus->map[(uint16_t)(base + i)] = (uint16_t)bus->n_handlers;
}

void io_unregister(IOBus *bus, uint16_t base, uint16_t count, void *opaque)
{
    for (uint32_t i = 0; i < count; i++) {
        uint16_t p = (uint16_t)(base + i);
        if (bus->map[p] && bus->handlers[bus->map[p] - 1].opaque == opaque)
            bus->map[p] = 0;
    }
}

void *io_owner(const IOBus *bus, uint16_t port)
{
    return bus->map[port] ? bus->handlers[bus->map[port] - 1].opaque : NULL;
}

static const IOHandler *handler_of(const IOBus *bus, uint16_t port)
{
    uint16_t idx = bus->map[port];
    return idx ? &bus->handlers[idx - 1] : NULL;
}

static uint32_t ones(int size)
{
    return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static int smallest_size(uint8_t sizes)
{
    return (sizes & IO_SIZE_1) ? 1 : (sizes & IO_SIZE_2) ? 2 : 4;
}

uint32_t io_read(IOBus *bus, uint16_t port, int size)
{
    if (size != 1 && size != 2 && size != 4)
        return 0xffffffffu;
    const IOHandler *h = handler_of(bus, port);
    if (h && (h->sizes & size)) {
        if (!h->read)
            return ones(size);
        return h->read(h->opaque, port, size) & ones(size);
    }
    if (size == 4 && h && (h->sizes & IO_SIZE_2))
        return io_read(bus, port, 2) | (io_read(bus, (uint16_t)(port + 2), 2) << 16);
    if (size == 1) {
        if (!h || !h->read)
            return 0xff;
        return h->read(h->opaque, port, smallest_size(h->sizes)) & 0xff;
    }
    uint32_t v = 0;
    for (int i = 0; i < size; i++)
        v |= io_read(bus, (uint16_t)(port + i), 1) << (8 * i);
    return v;
}

void io_write(IOBus *bus, uint16_t port, uint32_t val, int size)
{
    if (size != 1 && size != 2 && size != 4)
        return;
    val &= ones(size);
    const IOHandler *h = handler_of(bus, port);
    if (h && (h->sizes & size)) {
        if (h->write)
            h->write(h->opaque, port, val, size);
        return;
    }
    if (size == 4 && h && (h->sizes & IO_SIZE_2)) {
        io_write(bus, port, val & 0xffff, 2);
        io_write(bus, (uint16_t)(port + 2), val >> 16, 2);
        return;
    }
    if (size == 1) {
        if (h && h->write)
            h->write(h->opaque, port, val, smallest_size(h->sizes));
        return;
    }
    for (int i = 0; i < size; i++)
        io_write(bus, (uint16_t)(port + i), (val >> (8 * i)) & 0xff, 1);
}
