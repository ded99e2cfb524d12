/* irq.h - interrupt-line objects (the board's wires).
 *
 * A device never names the interrupt controller: it is handed `IRQ *`
 * outputs and drives them with irq_set/irq_raise/irq_lower/irq_pulse. The
 * receiving end (a PIC input, the PIC's INT output toward the board, a
 * wired-OR gate) supplies a handler(opaque, n, level). The line remembers
 * its last level (irq_level) but calls the handler on every irq_set, as
 * QEMU's qemu_irq does: the receiver decides what an unchanged level means
 * (an 8259 input only latches rising edges). A NULL line is an unconnected
 * pin: driving it does nothing.
 *
 * The struct is public so that a receiver can embed its input lines (the
 * PIC holds its 16); only irq_init and the accessors touch the members.
 */
#ifndef XLAT86_IRQ_H
#define XLAT86_IRQ_H

#include <stdint.h>

typedef void (*irq_handler_fn)(void *opaque, int n, int level);

typedef struct IRQ {
    irq_handler_fn handler;
    void *opaque;
    int n;                    /* which input of the receiver this line is */
    int level;                /* as last driven */
} IRQ;

void irq_init(IRQ *irq, irq_handler_fn handler, void *opaque, int n);
void irq_set(IRQ *irq, int level);
static inline void irq_raise(IRQ *irq) { irq_set(irq, 1); }
static inline void irq_lower(IRQ *irq) { irq_set(irq, 0); }
/* An edge-triggered device's pulse: high, then low again. */
void irq_pulse(IRQ *irq);
/* Level as last driven (0 for a NULL line). */
int irq_level(const IRQ *irq);

/* A wired-OR of up to IRQ_OR_MAX inputs onto one output (a shared ISA or
 * PCI interrupt line): the output is high while any input is high, and is
 * driven only when that changes. */
#define IRQ_OR_MAX 32

typedef struct IRQOr {
    IRQ in[IRQ_OR_MAX];
    uint32_t levels;          /* bit i: input i is high */
    int n_in;
    IRQ *out;
} IRQOr;

void irq_or_init(IRQOr *o, int n_inputs, IRQ *out);
/* Input line i (0 <= i < n_inputs) of the gate, to hand to a device. */
IRQ *irq_or_input(IRQOr *o, int i);

#endif
