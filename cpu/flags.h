/* flags.h - arithmetic flag computation for the reference semantics
 * (SDM vol. 1, 3.4.3.1 and appendix A of vol. 1: which instruction sets
 * which status flag). Each function returns the six status flags
 * (F_CF|F_PF|F_AF|F_ZF|F_SF|F_OF) for an operation of `size` bytes; the
 * caller merges them: eflags = (eflags & ~F_ARITH) | result.
 */
#ifndef XLAT86_FLAGS_H
#define XLAT86_FLAGS_H

#include <stdint.h>
#include "cpu.h"

static inline uint32_t size_mask(int size)
{
    return size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu;
}
static inline uint32_t size_sign(int size)
{
    return 1u << (size * 8 - 1);
}
static inline uint32_t sext(uint32_t v, int size)
{
    return size == 4 ? v : size == 2 ? (uint32_t)(int32_t)(int16_t)v
                                     : (uint32_t)(int32_t)(int8_t)v;
}

/* PF: set when the low byte of the result has an even number of 1 bits. */
uint32_t flags_pf(uint32_t res);
/* ZF, SF, PF of a result (CF, AF, OF clear): logic ops. */
uint32_t flags_szp(uint32_t res, int size);
/* a + b + cin = res (res already masked) */
uint32_t flags_add(uint32_t a, uint32_t b, uint32_t cin, uint32_t res, int size);
/* a - b - bin = res */
uint32_t flags_sub(uint32_t a, uint32_t b, uint32_t bin, uint32_t res, int size);

static inline void flags_set(CPU *cpu, uint32_t arith)
{
    cpu->eflags = (cpu->eflags & ~F_ARITH) | (arith & F_ARITH);
}
/* Replace only the flags in `which`. */
static inline void flags_set_some(CPU *cpu, uint32_t which, uint32_t value)
{
    cpu->eflags = (cpu->eflags & ~which) | (value & which);
}

#endif
