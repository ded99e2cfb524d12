/* irq.c - interrupt-line objects and the wired-OR gate (see irq.h). */
#include "irq.h"

#include <stddef.h>

void irq_init(IRQ *irq, irq_handler_fn handler, void *opaque, int n)
{
    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    irq->level = 0;
}

void irq_set(IRQ *irq, int level)
{
    if (!irq)
        return;
    irq->level = level != 0;
    if (irq->handler)
        irq->handler(irq->opaque, irq->n, irq->level);
}

void irq_pulse(IRQ *irq)
{
    irq_set(irq, 1);
    irq_set(irq, 0);
}

int irq_level(const IRQ *irq)
{
    return irq ? irq->level : 0;
}

static void or_input(void *opaque, int n, int level)
{
    IRQOr *o = opaque;
    int before = o->levels != 0;
    if (level)
        o->levels |= 1u << n;
    else
        o->levels &= ~(1u << n);
    int after = o->levels != 0;
    if (after != before)
        irq_set(o->out, after);
}

void irq_or_init(IRQOr *o, int n_inputs, IRQ *out)
{
    if (n_inputs < 0)
        n_inputs = 0;
    if (n_inputs > IRQ_OR_MAX)
        n_inputs = IRQ_OR_MAX;
    o->n_in = n_inputs;
    o->levels = 0;
    o->out = out;
    for (int i = 0; i < IRQ_OR_MAX; i++)
        irq_init(&o->in[i], or_input, o, i);
}

IRQ *irq_or_input(IRQOr *o, int i)
{
    return i >= 0 && i < o->n_in ? &o->in[i] : NULL;
}
