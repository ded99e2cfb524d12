/* fpu.h - x87 FPU state (owned by the x87 work: cpu/ops_fpu*.c). */
#ifndef XLAT86_FPU_H
#define XLAT86_FPU_H

#include <stdint.h>

typedef struct FPU {
    long double st[8];     /* physical registers R0..R7 (80-bit extended on x86-64 hosts) */
    uint16_t cw;           /* control word */
    uint16_t sw;           /* status word, TOP in bits 11-13 */
    uint16_t tw;           /* tag word, 2 bits per physical register */
    uint16_t fop;          /* last opcode */
    uint32_t fip, fdp;     /* last instruction / data pointer (offsets) */
    uint16_t fcs, fds;     /* their selectors */
} FPU;

#endif
