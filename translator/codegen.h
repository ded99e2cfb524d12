/* codegen.h - translating one guest block into host code. */
#ifndef XLAT86_CODEGEN_H
#define XLAT86_CODEGEN_H

#include <stdbool.h>
#include <stdint.h>

#include "tcache.h"

struct CPU;

/* Mode bits a block is specialised for (the lookup key's third part). */
#define TMODE_CODE32 0x01u   /* CS.D */
#define TMODE_SS32 0x02u     /* SS.B */
#define TMODE_PE 0x04u
#define TMODE_VM 0x08u
#define TMODE_FLAT 0x10u     /* PE, CS.D, and CS/SS/DS/ES base 0 limit 4G, usable */
#define TMODE_CPL(c) ((uint32_t)(c) << 5)
#define TMODE_PG 0x80u
#define TMODE_INLINE 0x100u  /* translated with inline code (vs helpers only) */
#define TMODE_ONE 0x200u     /* a one-instruction block (interrupt shadow stepping) */
#define TMODE_CSLIM 0x400u   /* CS limit other than 0FFFFh (16-bit code) / 4 GiB (32-bit) */
#define TMODE_X87H 0x800u    /* x87 through helpers: no inline x87 runs (cg_x87.c) */
/* No inner boundaries (side exits, followed JMPs): the block ends at its
 * first inlined Jcc or JMP, as the first part of the block without this
 * bit does. The run loop uses it where that block would not fit before
 * the deadline (translator/dbt.c). */
#define TMODE_NOSIDE 0x1000u

uint32_t cg_cpu_mode(const struct CPU *cpu, bool inline_code);

/* Host routines shared by all blocks, placed at the start of the buffer. */
typedef struct CGRuntime {
    uint64_t (*enter)(struct CPU *cpu, const uint8_t *code);  /* runs a block */
    uint8_t *epilogue;
} CGRuntime;

/* Emit the prologue/epilogue; returns bytes used at tc->buf. */
size_t cg_init_runtime(TCache *tc, CGRuntime *rt);

/* Translate the block at the CPU's current CS:EIP. Returns NULL if the code
 * buffer or tables are full (caller flushes and retries). May raise a guest
 * exception (fetch fault) through cpu_raise. */
TB *cg_translate(TCache *tc, const CGRuntime *rt, struct CPU *cpu, uint32_t mode);

/* The C side of a helper call made by generated code. */
int cg_helper(struct CPU *cpu, const Insn *in);

/* Inline x87 runs (cg_x87.c) leave the guest x87 state in the host x87
 * across chained blocks; before C code looks at the CPU (helpers, the run
 * loop) it goes back to CPU.fpu. Cheap when nothing is loaded. */
void cg_x87_flush(struct CPU *cpu);
/* May x87 instructions run inline (CR0.EM = TS = 0, all exceptions masked,
 * ES = 0)? While DbtCPU.x87_fallback is set and this is false, the run
 * loop dispatches in TMODE_X87H (x87 through the helpers). */
bool cg_x87_guard(const struct CPU *cpu);

#endif
