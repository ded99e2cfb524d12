/* regcache.h - guest registers cached in host registers within a block.
 *
 * The code generator keeps guest GPRs in CPU.regs[] at block boundaries;
 * inside a block a register is loaded into one of five host callee-saved
 * registers (rbx, r12-r15: they survive the C calls of the TLB-fill path),
 * or of r8-r11 where the block allows it (RegCache.nslots), on first use, marked dirty when written, and stored back when evicted
 * (LRU), before helper calls and at every exit. AH..BH cannot be addressed
 * in r12-r15, so they always go through memory, after the whole register
 * has left the cache. A RegCache is plain data, so the code generator can
 * snapshot it where a slow path leaves and rejoins the fast path.
 */
#ifndef XLAT86_REGCACHE_H
#define XLAT86_REGCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "x64emit.h"

#define NCACHE 9
#define NCACHE_SAVED 5   /* rbx, r12-r15; slots 5.. are r11, r10, r9, r8 */

typedef struct RegCache {
    int8_t slot_of[8];       /* guest reg -> slot, or -1 */
    int8_t guest_in[NCACHE]; /* slot -> guest reg, or -1 */
    bool dirty[NCACHE];
    uint32_t used[NCACHE];   /* LRU stamps */
    uint32_t tick;
    /* Slots the block may use (0: NCACHE_SAVED). The caller-saved ones
     * (r8-r11, not taken by base-register windows) only where every C call
     * that returns into the block keeps them (codegen.c, cg_frame.c). */
    uint8_t nslots;
} RegCache;

/* The host register of cache slot s. */
int rc_host_reg(int s);
/* Nothing cached (block entry, after a helper call); nslots is kept. */
void rc_reset(RegCache *rc);
/* Guest register r as an r/m operand of `size` bytes (a host register or
 * CPU.regs[] memory); `write` marks it dirty. May emit a load/eviction. */
HMem rc_operand(CodeBuf *cb, RegCache *rc, int r, int size, bool write);
/* A destination overwritten whole (32-bit MOV, LEA, POP, MOVZX): the old
 * value is not loaded. */
HMem rc_define(CodeBuf *cb, RegCache *rc, int r, int size);
/* Emit stores for every dirty register (flag-neutral MOVs). */
void rc_writeback_all(CodeBuf *cb, RegCache *rc);
/* The same for a snapshot, leaving it unchanged. */
void rc_writeback_snapshot(CodeBuf *cb, const RegCache *rc);
/* Emit loads for every register a snapshot holds (after a helper ran). */
void rc_reload_all(CodeBuf *cb, const RegCache *rc);
/* Emit code that turns the cache state `cur` into `want` (whose registers
 * are all marked dirty): stores of dirty registers in slots that hold
 * something else in `want`, then loads of what `want` holds there. */
void rc_reconcile(CodeBuf *cb, const RegCache *cur, const RegCache *want);

#endif
