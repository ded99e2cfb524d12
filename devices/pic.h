/* pic.h - the two cascaded Intel 8259A programmable interrupt controllers
 * of the PC/AT: master at ports 0x20/0x21 (IRQ0-7), slave at 0xA0/0xA1
 * (IRQ8-15) whose INT output drives the master's IR2.
 *
 * Devices drive the input lines, IRQ objects from pic_input(pic, n)
 * (pic_set_irq is the same thing by number, for tests). The INT output is
 * an IRQ toward the board (the CPU's INTR pin), driven when it changes; the
 * CPU's interrupt acknowledge cycle is pic_ack(), which returns the vector
 * (ICW2 base + level).
 */
#ifndef XLAT86_PIC_H
#define XLAT86_PIC_H

#include <stdbool.h>
#include <stdint.h>

#include "iobus.h"
#include "vmstate.h"
#include "irq.h"

typedef struct PICChip {
    uint8_t level;        /* current state of the IR input lines */
    uint8_t edge;         /* edge-sense latches (set on a rising edge) */
    uint8_t isr;          /* in-service register */
    uint8_t imr;          /* interrupt mask register (OCW1) */
    uint8_t vector_base;  /* ICW2 bits 7:3 */
    uint8_t icw3;
    uint8_t lowest;       /* level of lowest priority (rotation), 7 after init */
    uint8_t init_step;    /* 0 ready, 2/3/4: next ICW expected */
    bool need_icw4, single, ltim, auto_eoi, sfnm, rotate_aeoi;
    bool read_isr;        /* OCW3 RR/RIS: command port reads ISR, else IRR */
    bool poll;            /* OCW3 P: next command-port read is a poll */
    bool special_mask;    /* OCW3 special mask mode */
    bool is_master;
    uint8_t elcr;         /* PIIX edge/level control (ports 0x4D0/0x4D1): 1 = level */
} PICChip;

typedef struct PIC {
    PICChip chip[2];      /* 0 = master, 1 = slave */
    bool intr;            /* master INT output as last reported */
    IRQ in[16];           /* the IR input lines (8-15 on the slave) */
    IRQ *intr_out;        /* master INT -> the board; NULL = unconnected */
    /* Rising edges seen on each input line (statistics for the monitor's
     * `info irq`, as QEMU keeps them: not state, not saved, not reset). */
    uint64_t irq_count[16];
} PIC;

void pic_init(PIC *p, IOBus *io, IRQ *intr_out);
/* The PIIX ELCR at 0x4D0 (IRQ 0-7) and 0x4D1 (IRQ 8-15): a line with its
 * bit set is level-triggered whatever ICW1's LTIM says. IRQ 0, 1, 2, 8
 * and 13 are always edge (PIIX3 datasheet, 2.4.4.7). */
void pic_init_elcr(PIC *p, IOBus *io);
void pic_reset(PIC *p);
/* Input line n (0-15), to hand to a device as its interrupt output. */
IRQ *pic_input(PIC *p, int n);
/* After a state load: drive the INT output from the loaded registers. */
void pic_post_load(PIC *p);
/* Drive input line irq (0-15) to level (0/1). */
void pic_set_irq(PIC *p, int irq, int level);
/* INTA cycle: returns the vector to deliver (spurious: base+7). */
int pic_ack(PIC *p);
bool pic_intr_pending(const PIC *p);
/* Visible IRR (for tests and the monitor). */
uint8_t pic_irr(const PICChip *c);

/* Read-only view for the monitor: rising edges per input line (16). */
const uint64_t *pic_irq_counts(const PIC *p);

/* Registry entry (registered as "pic"). */
extern const VMStateDesc pic_vmstate;

#endif
