/* dma.c - two 8237A DMA controllers and the page registers (see dma.h). */
#include "dma.h"

#include <string.h>

/* Page register port offset (from 0x80) of each channel. */
static const uint8_t page_port[8] = {0x7, 0x3, 0x1, 0x2, 0xf, 0xb, 0x9, 0xa};

static void master_clear(DMAController *c)
{
    c->command = 0;
    c->status = 0;
    c->request = 0;
    c->mask = 0x0f;
    c->flipflop = false;
}

uint8_t dma_read_reg(DMA *d, int ctrl, int reg)
{
    DMAController *c = &d->c[ctrl & 1];
    reg &= 15;
    if (reg < 8) {
        DMAChannel *ch = &c->ch[reg >> 1];
        uint16_t v = (reg & 1) ? ch->cur_count : ch->cur_addr;
        uint8_t b = c->flipflop ? (uint8_t)(v >> 8) : (uint8_t)v;
        c->flipflop = !c->flipflop;
        return b;
    }
    switch (reg) {
    case 8: {
        uint8_t s = (uint8_t)(c->status | (c->request << 4));
        c->status &= 0xf0;   /* reading status clears the TC bits */
        return s;
    }
    case 15: return (uint8_t)(0xf0 | c->mask);
    default: return 0;       /* temporary register: memory-to-memory only */
    }
}

void dma_write_reg(DMA *d, int ctrl, int reg, uint8_t v)
{
    DMAController *c = &d->c[ctrl & 1];
    reg &= 15;
    if (reg < 8) {
        DMAChannel *ch = &c->ch[reg >> 1];
        uint16_t *base = (reg & 1) ? &ch->base_count : &ch->base_addr;
        uint16_t *cur = (reg & 1) ? &ch->cur_count : &ch->cur_addr;
        if (c->flipflop)
            *base = (uint16_t)((*base & 0x00ff) | v << 8);
        else
            *base = (uint16_t)((*base & 0xff00) | v);
        *cur = *base;      /* writing the base register writes the current one too */
        c->flipflop = !c->flipflop;
        ch->tc = false;
        return;
    }
    switch (reg) {
    case 8: c->command = v; break;
    case 9:
        if (v & 4)
            c->request |= (uint8_t)(1u << (v & 3));
        else
            c->request &= (uint8_t)~(1u << (v & 3));
        break;
    case 10:
        if (v & 4)
            c->mask |= (uint8_t)(1u << (v & 3));
        else
            c->mask &= (uint8_t)~(1u << (v & 3));
        break;
    case 11:
        c->ch[v & 3].mode = v;
        c->ch[v & 3].tc = false;
        break;
    case 12: c->flipflop = false; break;
    case 13: master_clear(c); break;
    case 14: c->mask = 0; break;
    case 15: c->mask = v & 0x0f; break;
    default: break;
    }
}

int dma_transfer(DMA *d, int ch, void *buf, int len, bool to_memory)
{
    if (ch < 0 || ch > 7 || len <= 0 || !buf)
        return 0;
    DMAController *c = &d->c[ch >> 2];
    DMAChannel *s = &c->ch[ch & 3];
    int unit = ch >= 4 ? 2 : 1;
    if ((c->mask >> (ch & 3)) & 1 || (c->command & DMA_CMD_DISABLE))
        return 0;
    int type = (s->mode & DMA_MODE_TYPE) >> 2;
    uint8_t *p = buf;
    int moved = 0;
    while (moved + unit <= len) {
        uint32_t phys = unit == 1 ? ((uint32_t)s->page << 16 | s->cur_addr)
                                  : ((uint32_t)(s->page & 0xfe) << 16 | (uint32_t)s->cur_addr << 1);
        if (d->mem) {
            if (to_memory && type != 0)
                mem_write_bulk(d->mem, phys, p + moved, (size_t)unit);
            else if (!to_memory)
                mem_read_bulk(d->mem, phys, p + moved, (size_t)unit);
        }
        moved += unit;
        s->cur_addr = (uint16_t)(s->cur_addr + ((s->mode & DMA_MODE_DECREMENT) ? -1 : 1));
        if (s->cur_count-- == 0) {        /* terminal count: 0 -> 0xFFFF */
            c->status |= (uint8_t)(1u << (ch & 3));
            c->request &= (uint8_t)~(1u << (ch & 3));
            s->tc = true;
            if (s->mode & DMA_MODE_AUTOINIT) {
                s->cur_addr = s->base_addr;
                s->cur_count = s->base_count;
            } else {
                c->mask |= (uint8_t)(1u << (ch & 3));   /* EOP masks a non-autoinit channel */
            }
            break;
        }
    }
    return moved;
}

bool dma_tc(DMA *d, int ch)
{
    return ch >= 0 && ch < 8 && d->c[ch >> 2].ch[ch & 3].tc;
}

static uint32_t io_rd(void *opaque, uint16_t port, int size)
{
    (void)size;
    DMA *d = opaque;
    if (port < 0x10)
        return dma_read_reg(d, 0, port);
    if (port >= 0xc0 && port < 0xe0)
        return (port & 1) ? 0xff : dma_read_reg(d, 1, (port - 0xc0) >> 1);
    for (int i = 0; i < 8; i++)
        if (page_port[i] == (port & 0xf))
            return d->c[i >> 2].ch[i & 3].page;
    return d->page_extra[port & 0xf];
}

static void io_wr(void *opaque, uint16_t port, uint32_t val, int size)
{
    (void)size;
    DMA *d = opaque;
    if (port < 0x10) {
        dma_write_reg(d, 0, port, (uint8_t)val);
        return;
    }
    if (port >= 0xc0 && port < 0xe0) {
        if (!(port & 1))
            dma_write_reg(d, 1, (port - 0xc0) >> 1, (uint8_t)val);
        return;
    }
    for (int i = 0; i < 8; i++) {
        if (page_port[i] == (port & 0xf)) {
            d->c[i >> 2].ch[i & 3].page = (uint8_t)val;
            return;
        }
    }
    d->page_extra[port & 0xf] = (uint8_t)val;
}

void dma_reset(DMA *d)
{
    for (int i = 0; i < 2; i++) {
        memset(d->c[i].ch, 0, sizeof d->c[i].ch);
        master_clear(&d->c[i]);
    }
    memset(d->page_extra, 0, sizeof d->page_extra);
}

void dma_init(DMA *d, IOBus *io, Memory *mem)
{
    memset(d, 0, sizeof(*d));
    d->mem = mem;
    dma_reset(d);
    if (io) {
        io_register(io, 0x00, 0x10, io_rd, io_wr, d, IO_SIZE_1);
        io_register(io, 0xc0, 0x20, io_rd, io_wr, d, IO_SIZE_1);
        io_register(io, 0x81, 0x0f, io_rd, io_wr, d, IO_SIZE_1);
    }
}

static void reset_vm(void *opaque) { dma_reset(opaque); }

static const VMField dma_fields[] = {VMF(DMA, c), VMF(DMA, page_extra), VMF_END};
const VMStateDesc dma_vmstate = {1, dma_fields, reset_vm, NULL, NULL};
