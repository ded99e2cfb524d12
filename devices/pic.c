/* pic.c - two cascaded 8259A PICs (Intel 8259A datasheet, order 231468).
 *
 * Request model: in edge mode (ICW1 LTIM=0) a rising edge on an IR input
 * sets its edge-sense latch, and the IRR bit is the latch AND the input
 * level; the latch is reset by the INTA that services it and by ICW1. This
 * is how the part behaves: a line held high does not request again, and a
 * request whose line drops before INTA vanishes, so an INTA that finds no
 * request gets the "default IR7" (spurious) vector (datasheet: "the IR
 * input must remain high until after the falling edge of the first INTA").
 * Devices therefore hold their line until serviced, as ISA devices do.
 * In level mode (LTIM=1) the IRR bit is the input level.
 *
 * Priority: levels are ordered from (lowest+1)&7 (highest) around to
 * `lowest`; rotation commands move `lowest`. A request is delivered when
 * no level of equal or higher priority is in service (fully nested mode);
 * special mask mode ignores in-service levels that are masked.
 *
 * Cascade: the slave's INT output is wired to the master's IR2. The
 * master acknowledges IR2 and lets the slave supply the vector; a slave
 * with nothing pending supplies its own spurious vector (base+7) while the
 * master's IR2 stays in service, as on the real pair.
 */
#include "pic.h"

#include <stddef.h>

static uint8_t bit(int n)
{
    return (uint8_t)(1u << (n & 7));
}

uint8_t pic_irr(const PICChip *c)
{
    if (c->ltim)
        return c->level;
    return (uint8_t)((c->edge & c->level & ~c->elcr) | (c->level & c->elcr));
}

/* The level a fully nested chip would deliver now, or -1. */
static int chip_pending(const PICChip *c)
{
    uint8_t req = pic_irr(c) & (uint8_t)~c->imr;
    if (!req)
        return -1;
    int best = -1;
    for (int i = 0; i < 8; i++) {
        int irq = (c->lowest + 1 + i) & 7;
        if (req & bit(irq)) {
            best = irq;
            break;
        }
    }
    uint8_t isr = c->isr;
    if (c->special_mask)
        isr &= (uint8_t)~c->imr;
    /* Special fully nested mode: a slave's higher-priority request gets
     * through while IR2 is in service on the master. */
    if (c->is_master && c->sfnm && best == 2)
        isr &= (uint8_t)~bit(2);
    for (int i = 0; i < 8; i++) {
        int irq = (c->lowest + 1 + i) & 7;
        if (isr & bit(irq))
            return -1;
        if (irq == best)
            return best;
    }
    return -1;
}

/* Highest-priority in-service level, or -1. */
static int chip_highest_isr(const PICChip *c)
{
    for (int i = 0; i < 8; i++) {
        int irq = (c->lowest + 1 + i) & 7;
        if (c->isr & bit(irq))
            return irq;
    }
    return -1;
}

static void chip_set_level(PICChip *c, int irq, int level)
{
    if (level) {
        if (!(c->level & bit(irq)))
            c->edge |= bit(irq);
        c->level |= bit(irq);
    } else {
        c->level &= (uint8_t)~bit(irq);
    }
}

/* INTA on one chip: the level goes in service (or, in auto-EOI mode, is
 * retired at once, rotating if so programmed) and its latch is reset. */
static void chip_ack(PICChip *c, int irq)
{
    c->edge &= (uint8_t)~bit(irq);
    if (c->auto_eoi) {
        if (c->rotate_aeoi)
            c->lowest = (uint8_t)irq;
    } else {
        c->isr |= bit(irq);
    }
}

static void update(PIC *p)
{
    PICChip *m = &p->chip[0];
    chip_set_level(m, 2, chip_pending(&p->chip[1]) >= 0);
    bool out = chip_pending(m) >= 0;
    if (out != p->intr) {
        p->intr = out;
        irq_set(p->intr_out, out);
    }
}

static void chip_reset(PICChip *c, bool master)
{
    *c = (PICChip){0};
    c->is_master = master;
    c->imr = 0xff;                      /* nothing until the BIOS programs us */
    c->vector_base = master ? 0x08 : 0x70;   /* the PC BIOS's choice */
    c->icw3 = master ? 0x04 : 0x02;
    c->lowest = 7;
}

void pic_reset(PIC *p)
{
    chip_reset(&p->chip[0], true);
    chip_reset(&p->chip[1], false);
    update(p);
}

void pic_set_irq(PIC *p, int irq, int level)
{
    if (irq < 0 || irq > 15)
        return;
    if (level && !(p->chip[irq >> 3].level & bit(irq & 7)))
        p->irq_count[irq]++;
    chip_set_level(&p->chip[irq >> 3], irq & 7, level != 0);
    update(p);
}

const uint64_t *pic_irq_counts(const PIC *p)
{
    return p->irq_count;
}

int pic_ack(PIC *p)
{
    PICChip *m = &p->chip[0], *s = &p->chip[1];
    int vec;
    int irq = chip_pending(m);
    if (irq < 0) {
        vec = m->vector_base | 7;       /* spurious: IR7, nothing in service */
    } else {
        chip_ack(m, irq);
        if (irq == 2 && !m->single) {
            int sirq = chip_pending(s);
            if (sirq < 0) {
                vec = s->vector_base | 7;   /* slave spurious; IR2 stays in service */
            } else {
                chip_ack(s, sirq);
                vec = s->vector_base | sirq;
            }
            /* The slave's INT is released by its INTA; if it still has a
             * request it raises INT again, which is a fresh edge on IR2. */
            chip_set_level(m, 2, 0);
        } else {
            vec = m->vector_base | irq;
        }
    }
    update(p);
    return vec;
}

bool pic_intr_pending(const PIC *p)
{
    return p->intr;
}

static void write_ocw2(PICChip *c, uint8_t val)
{
    int l = val & 7;
    switch (val >> 5) {
    case 1:   /* non-specific EOI */
    case 5: { /* rotate on non-specific EOI */
        int irq = chip_highest_isr(c);
        if (irq >= 0) {
            c->isr &= (uint8_t)~bit(irq);
            if ((val >> 5) == 5)
                c->lowest = (uint8_t)irq;
        }
        break;
    }
    case 3:   /* specific EOI */
        c->isr &= (uint8_t)~bit(l);
        break;
    case 7:   /* rotate on specific EOI */
        c->isr &= (uint8_t)~bit(l);
        c->lowest = (uint8_t)l;
        break;
    case 6:   /* set priority */
        c->lowest = (uint8_t)l;
        break;
    case 4:
        c->rotate_aeoi = true;
        break;
    case 0:
        c->rotate_aeoi = false;
        break;
    default:  /* 2: no operation */
        break;
    }
}

static void pic_write(void *opaque, uint16_t port, uint32_t val32, int size)
{
    (void)size;
    PIC *p = opaque;
    PICChip *c = &p->chip[port >= 0xa0];
    uint8_t val = (uint8_t)val32;
    if (!(port & 1)) {
        if (val & 0x10) {
            /* ICW1: datasheet "Initialization Command Words": edge sense
             * reset, IMR cleared, IR7 lowest priority, special mask off,
             * status read = IRR, ICW4 functions cleared if IC4=0. */
            c->ltim = val & 0x08;
            c->single = val & 0x02;
            c->need_icw4 = val & 0x01;
            c->init_step = 2;
            c->imr = 0;
            c->isr = 0;
            c->edge = 0;
            c->lowest = 7;
            c->special_mask = false;
            c->read_isr = false;
            c->poll = false;
            c->rotate_aeoi = false;
            if (!c->need_icw4) {
                c->auto_eoi = false;
                c->sfnm = false;
            }
        } else if (val & 0x08) {
            /* OCW3 */
            if (val & 0x04)
                c->poll = true;
            if (val & 0x02)
                c->read_isr = val & 0x01;
            if (val & 0x40)
                c->special_mask = val & 0x20;
        } else {
            write_ocw2(c, val);
        }
    } else {
        switch (c->init_step) {
        case 2:   /* ICW2: vector base (8086 mode: bits 7:3) */
            c->vector_base = val & 0xf8;
            c->init_step = c->single ? (c->need_icw4 ? 4 : 0) : 3;
            break;
        case 3:   /* ICW3: cascade wiring (fixed on the PC) */
            c->icw3 = val;
            c->init_step = c->need_icw4 ? 4 : 0;
            break;
        case 4:   /* ICW4 */
            c->auto_eoi = val & 0x02;
            c->sfnm = val & 0x10;
            c->init_step = 0;
            break;
        default:  /* OCW1 */
            c->imr = val;
            break;
        }
    }
    update(p);
}

static uint32_t pic_read(void *opaque, uint16_t port, int size)
{
    (void)size;
    PIC *p = opaque;
    PICChip *c = &p->chip[port >= 0xa0];
    if (port & 1)
        return c->imr;
    if (c->poll) {
        /* Poll command: the read is the INTA (datasheet "The Poll Command"). */
        c->poll = false;
        int irq = chip_pending(c);
        if (irq < 0)
            return 0;
        chip_ack(c, irq);
        if (c->is_master && irq == 2)
            chip_set_level(c, 2, 0);
        update(p);
        return 0x80u | (uint32_t)irq;
    }
    return c->read_isr ? c->isr : pic_irr(c);
}

static void pic_input_handler(void *opaque, int n, int level)
{
    pic_set_irq(opaque, n, level);
}

IRQ *pic_input(PIC *p, int n)
{
    return n >= 0 && n < 16 ? &p->in[n] : NULL;
}

void pic_post_load(PIC *p)
{
    /* A foreign saved state: bools 0/1, the rotation level and the ICW
     * step in range, the chips' roles fixed (found by tests/fuzz, target
     * vmstate). */
    for (int i = 0; i < 2; i++) {
        PICChip *c = &p->chip[i];
        bool *bools[] = {&c->need_icw4, &c->single, &c->ltim, &c->auto_eoi, &c->sfnm,
                         &c->rotate_aeoi, &c->read_isr, &c->poll, &c->special_mask};
        for (unsigned k = 0; k < sizeof bools / sizeof bools[0]; k++) vm_fix_bool(bools[k]);
        c->is_master = i == 0;
        c->lowest &= 7;
        if (c->init_step != 2 && c->init_step != 3 && c->init_step != 4) c->init_step = 0;
    }
    chip_set_level(&p->chip[0], 2, chip_pending(&p->chip[1]) >= 0);
    p->intr = chip_pending(&p->chip[0]) >= 0;
    irq_set(p->intr_out, p->intr);
}

void pic_init(PIC *p, IOBus *io, IRQ *intr_out)
{
    p->intr = false;
    p->intr_out = intr_out;
    for (int i = 0; i < 16; i++)
        irq_init(&p->in[i], pic_input_handler, p, i);
    pic_reset(p);
    io_register(io, 0x20, 2, pic_read, pic_write, p, IO_SIZE_1);
    io_register(io, 0xa0, 2, pic_read, pic_write, p, IO_SIZE_1);
}

static const uint8_t elcr_mask[2] = {0xf8, 0xde};

static uint32_t elcr_read(void *opaque, uint16_t port, int size)
{
    (void)size;
    PIC *p = opaque;
    return p->chip[port & 1].elcr;
}

static void elcr_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    (void)size;
    PIC *p = opaque;
    p->chip[port & 1].elcr = (uint8_t)(val & elcr_mask[port & 1]);
    pic_post_load(p);   /* a line that became level may now request */
}

void pic_init_elcr(PIC *p, IOBus *io)
{
    io_register(io, 0x4d0, 2, elcr_read, elcr_write, p, IO_SIZE_1);
}

static void pic_reset_vm(void *opaque) { pic_reset(opaque); }
static void pic_post_load_vm(void *opaque) { pic_post_load(opaque); }

static const VMField pic_fields[] = {VMF(PIC, chip), VMF(PIC, intr), VMF_END};
const VMStateDesc pic_vmstate = {2, pic_fields, pic_reset_vm, NULL, pic_post_load_vm};
