/* fpu.h - x87 FPU state (owned by the x87 work: cpu/ops_fpu*.c).
 *
 * The eight data registers are kept as raw 80-bit double extended values
 * (SDM vol. 1, 4.2.2: 64-bit significand with explicit integer bit, then
 * 15-bit exponent and sign), 10 bytes each, little-endian exactly as
 * FSTP m80 stores them, in physical order R0..R7. ST(i) is R[(TOP + i) & 7]
 * with TOP in status word bits 13..11 (SDM vol. 1, 8.1.2). They are never
 * handled as C `long double`, so no host conversion can touch them: every
 * computation happens in the host x87 itself (cpu/ops_fpu_host.c).
 */
#ifndef XLAT86_FPU_H
#define XLAT86_FPU_H

#include <stdbool.h>
#include <stdint.h>

/* Status word (SDM vol. 1, 8.1.3, figure 8-4). */
#define FSW_IE 0x0001u  /* invalid operation */
#define FSW_DE 0x0002u  /* denormal operand */
#define FSW_ZE 0x0004u  /* zero divide */
#define FSW_OE 0x0008u  /* overflow */
#define FSW_UE 0x0010u  /* underflow */
#define FSW_PE 0x0020u  /* precision */
#define FSW_SF 0x0040u  /* stack fault (with IE; C1 = 1 overflow, 0 underflow) */
#define FSW_ES 0x0080u  /* exception summary: an unmasked exception is pending */
#define FSW_C0 0x0100u
#define FSW_C1 0x0200u
#define FSW_C2 0x0400u
#define FSW_TOP 0x3800u
#define FSW_C3 0x4000u
#define FSW_B 0x8000u   /* busy: mirrors ES on the 387 and later */
#define FSW_EXC 0x003fu /* the six exception flags */

/* Control word (SDM vol. 1, 8.1.5, figure 8-6): masks in bits 0-5 like the
 * flags, PC in bits 9-8, RC in bits 11-10, the obsolete IC in bit 12. */
#define FCW_PC 0x0300u
#define FCW_RC 0x0c00u

typedef struct FPU {
    uint8_t st[8][10];     /* physical registers R0..R7, raw 80-bit */
    uint16_t cw;           /* control word */
    uint16_t sw;           /* status word, TOP in bits 11-13 */
    uint16_t tw;           /* full tag word, 2 bits per physical register:
                              00 valid, 01 zero, 10 special, 11 empty */
    uint16_t fop;          /* last non-control opcode: 11 bits (SDM 8.1.9) */
    uint32_t fip, fdp;     /* last non-control instruction / data pointer (offsets) */
    uint16_t fcs, fds;     /* their selectors */

    /* FERR# output (SDM vol. 1, D.1). With CR0.NE=0 an unmasked exception
     * pending when the next waiting x87 instruction starts asserts FERR#
     * (level 1), which a PC routes to IRQ13 (the board latches it; an OUT
     * to port F0h clears the latch). FERR# drops (level 0) when the
     * pending state is cleared (FNCLEX, FNINIT, FNSAVE, FLDCW/FLDENV/
     * FRSTOR leaving nothing unmasked). The hook is called on changes only;
     * NULL means no connection. fpu_reset leaves the hook alone. */
    void (*ferr)(void *opaque, int level);
    void *ferr_opaque;
    bool ferr_level;
} FPU;

/* finit=false: the power-on state of SDM vol. 3, table 9-1 (CW 0040h,
 * SW 0, TW 5555h, registers +0.0, pointers 0). finit=true: what FNINIT
 * does (CW 037Fh, SW 0, TW FFFFh, pointers and FOP 0, registers kept). */
void fpu_reset(FPU *f, bool finit);

static inline int fpu_top(const FPU *f) { return (f->sw >> 11) & 7; }

/* Tag of a raw 80-bit value by its contents (SDM vol. 1, 8.1.7): 01 zero,
 * 10 special (NaN, infinity, denormal, unsupported encodings), 00 valid. */
int fpu_tag_of(const uint8_t r[10]);

#endif
