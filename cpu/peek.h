/* peek.h - side-effect-free views of guest memory for debuggers.
 *
 * Unlike cpu/mem.c, nothing here sets accessed/dirty bits, raises faults,
 * fills TLBs or touches MMIO: page tables are read straight from RAM and
 * only RAM and ROM pages are read. Used by the monitor (x, xp, info mem,
 * info tlb, expressions) and the GDB stub. */
#ifndef XLAT86_PEEK_H
#define XLAT86_PEEK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state.h"

struct Memory;

/* Linear -> physical as the CPU in state s would translate it (paging,
 * then A20), without side effects. False if not mapped (no page present). */
bool peek_lin_to_phys(const CPUState *s, struct Memory *mem, uint32_t lin, uint32_t *phys);
/* Copy n bytes of physical memory; stops at the first byte that is not
 * RAM or ROM. Returns the bytes copied. */
size_t peek_phys(struct Memory *mem, uint32_t phys, void *buf, size_t n);
/* The same through linear addresses (page by page). */
size_t peek_lin(const CPUState *s, struct Memory *mem, uint32_t lin, void *buf, size_t n);
/* Writes (debugger memory writes: gdb M/X): RAM only, through the memory
 * layer so that translated code on the page is invalidated. */
size_t poke_lin(const CPUState *s, struct Memory *mem, uint32_t lin, const void *buf, size_t n);

#endif
