/* gdbregs.h - the GDB stub's i386 register file: the target description
 * and the g/G/p/P layout (general registers, EIP, EFLAGS, six selectors,
 * ST0-ST7 as 80-bit values in stack order, then fctrl fstat ftag fiseg
 * fioff foseg fooff fop). Pure functions over a CPUState. */
#ifndef XLAT86_GDBREGS_H
#define XLAT86_GDBREGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/state.h"

#define GDB_NUM_REGS 32
#define GDB_REGS_BYTES (16 * 4 + 8 * 10 + 8 * 4)

const char *gdbregs_target_xml(void);
void gdbregs_get(const CPUState *s, uint8_t out[GDB_REGS_BYTES]);
void gdbregs_set(CPUState *s, const uint8_t *in, size_t len);
bool gdbregs_get_one(const CPUState *s, int n, uint8_t *out, size_t *len);
bool gdbregs_set_one(CPUState *s, int n, const uint8_t *in, size_t len);

#endif
