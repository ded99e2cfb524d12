/* cg_internal.h - what the code generator's files share (not a public
 * contract: translator/cg_*.c, codegen.c, regcache.c and the unit test of
 * the descriptor table include it).
 *
 * The code generator is split by concern:
 *   codegen.c     mode key, block decode, the translation driver
 *   cg_runtime.c  enter/epilogue routines, the helper bridge (C side and
 *                 the emitted call)
 *   cg_flags.c    where the guest status flags are (host EFLAGS or
 *                 DbtCPU.aflags), spills/reloads, the liveness pass and the
 *                 forward scan of successor code
 *   cg_mem.c      effective addresses, segment limit + TLB fast path, the
 *                 TLB-miss fill path, stack addressing
 *   cg_inline.c   the inline emitters and the descriptor table that says,
 *                 per Capstone id, which forms are inlined, by which
 *                 emitter, with which flag effect, and whether it ends the
 *                 block
 *   cg_exit.c     block exits: patchable direct jumps, exit stubs, the
 *                 inline jump-cache lookup of indirect exits
 *   cg_ic.c       the inline cache of indirect exits (compares with the
 *                 cached targets and direct jumps, filled from C)
 *   cg_x87.c      inline x87 runs: x87 instructions natively on the host
 *                 x87, the guest state loaded across chained blocks
 *   cg_frame.c    base-register windows: one TLB check for the [reg + disp]
 *                 operands of a register the block keeps (r8-r11)
 *
 * Conventions of generated code:
 *  - rbp holds the CPU pointer for the whole block; guest registers,
 *    segment caches and the TLB are addressed at fixed offsets from it.
 *    Guest registers live in CPU.regs[] at block boundaries; within a block
 *    they are cached in host callee-saved registers (regcache.c), stored
 *    back before helper calls and at exits. Byte registers AH..BH always go
 *    through memory (byte 1 of the dword).
 *  - The six status flags live in host EFLAGS between a producing and a
 *    consuming instruction ("x86 on x86": ADD is ADD). Where a sequence must
 *    clobber host flags (TLB check, stack pointer update) or a helper runs,
 *    and a later instruction still needs them, they are spilled with
 *    LAHF/SETO into DbtCPU.aflags (flag-neutral), and restored with
 *    ADD AL,7Fh/SAHF. Flag liveness comes from the descriptor table (for
 *    inlined forms) and Capstone's per-instruction masks, crawled backward
 *    over the block.
 *  - Memory operands: effective address -> segment limit check against
 *    CPU.segfast -> + segment base -> TLB tag compare (which also catches
 *    accesses crossing a page) -> host pointer. A tag miss fills the entry
 *    from C and continues inline; anything else jumps to an out-of-line
 *    path that runs the whole instruction through its C reference helper
 *    (which takes MMIO, code pages, faults, crossings).
 *  - At block boundaries flags are in DbtCPU.aflags; EIP is stored only when
 *    leaving to the run loop or calling a helper (cg_helper stores it).
 */
#ifndef XLAT86_CG_INTERNAL_H
#define XLAT86_CG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codegen.h"
#include "cpu/cpu.h"
#include "cpu/insn.h"
#include "dbt.h"
#include "regcache.h"
#include "tcache.h"
#include "x64emit.h"

/* ---- CPU fields addressed by generated code ----
 * rbp points at the engine's DbtCPU (translator/dbt.h), whose first member
 * is the CPU context. Every offset the translator uses is here, so a change
 * of the structs' layout or ownership touches this block only. */
#define CG_OFF_REGS ((int32_t)offsetof(CPU, regs))
#define CG_OFF_EIP ((int32_t)offsetof(CPU, eip))
#define CG_OFF_EFLAGS ((int32_t)offsetof(CPU, eflags))
#define CG_OFF_AFLAGS ((int32_t)offsetof(DbtCPU, aflags) - (int32_t)offsetof(DbtCPU, cpu))
#define CG_OFF_ICOUNT ((int32_t)offsetof(CPU, icount))
#define CG_OFF_X87_LOADED ((int32_t)offsetof(DbtCPU, x87_loaded) - (int32_t)offsetof(DbtCPU, cpu))
#define CG_OFF_X87_FALLBACK ((int32_t)offsetof(DbtCPU, x87_fallback) - (int32_t)offsetof(DbtCPU, cpu))
#define CG_OFF_DEADLINE ((int32_t)offsetof(DbtCPU, deadline) - (int32_t)offsetof(DbtCPU, cpu))
#define CG_OFF_SEG(s, field) \
    ((int32_t)offsetof(CPU, seg) + (int32_t)(s) * (int32_t)sizeof(Seg) + (int32_t)offsetof(Seg, field))
#define CG_OFF_SEGFAST(s, field) \
    ((int32_t)offsetof(CPU, segfast) + (int32_t)(s) * (int32_t)sizeof(SegFast) + \
     (int32_t)offsetof(SegFast, field))
#define CG_OFF_TLB_READ ((int32_t)offsetof(CPU, tlb_read))
#define CG_OFF_TLB_WRITE ((int32_t)offsetof(CPU, tlb_write))

/* Where the guest status flags are right now. */
enum { FL_MEM, FL_HOST };

/* The out-of-line path of one instruction whose fast path may leave. */
typedef struct Slow {
    RegCache rc_jump;      /* cache state where the fast path leaves */
    RegCache rc_resume;    /* and where it continues after the instruction */
    bool have_rc_jump;
    uint8_t *jf[6];
    int nj;
    /* TLB tag misses (one per memory access of the instruction: CALL r/m
     * reads its target and pushes): try a fill first. */
    uint8_t *miss_jf[2];
    uint8_t *miss_resume[2];  /* where the fast path continues with rsi = host */
    uint8_t miss_size[2];
    bool miss_write[2];
    int nmiss;
    const Insn *in;
    uint8_t *resume;
    bool restore;        /* resume expects flags in host EFLAGS */
    /* Inside an inline x87 run (cg_x87.c): before its helper the path
     * stores the pointers of the last x87 instruction before it (x87_fip/
     * x87_fop, fop > 7FFh = none yet; cg_helper then flushes the state),
     * after it reloads the state for the run's next x87 instructions. Any
     * other out-of-line code that calls C and comes back into a run must
     * do the same (cg_x87_slow_leave/reenter); code that leaves the block
     * needs nothing (the run loop flushes). */
    bool x87_live;
    uint16_t x87_fop;
    uint32_t x87_fip;
    /* A memory operand served by a base-register window (cg_frame.c):
     * the jz taken when the window is empty, the operand, and where the
     * fast path goes on with rsi = host address. */
    uint8_t *frame_jf;
    const Operand *frame_op;
    uint8_t *frame_resume;
    uint8_t frame_size;
    bool frame_write;
    bool frame_flags;   /* flag-free guard: out of line spills and reloads */
} Slow;

/* An inline x87 run whose guard failed leaves the block before its first
 * instruction (cg_x87.c). */
typedef struct CGX87Fail {
    uint8_t *jf;
    RegCache rc;
    uint32_t eip;
    uint32_t skipped;   /* instructions of the block not executed */
} CGX87Fail;

/* The state of one block's translation. */
#define CG_MAX_BOUNDS 4
#define CG_MAX_SIDE (TB_NEXITS_DIRECT - 2)   /* side exits per block */
#define CG_MAX_FRAMES 4   /* base-register windows in r8..r11 (cg_frame.c) */

/* A forward branch inside the block (cg_fwd.c). */
typedef struct Fwd {
    int from, to;            /* the Jcc's index and its target's */
    uint8_t *jf;             /* the jcc to the out-of-line path */
    RegCache rc_from, rc_to; /* cache at the Jcc and at the target */
    uint8_t *code_to;        /* the target's code */
    bool fl_mem;             /* flags in DbtCPU.aflags too at the Jcc */
} Fwd;

typedef struct Gen {
    CodeBuf cb;
    CPU *cpu;
    TCache *tc;
    const CGRuntime *rt;
    TB *tb;
    uint32_t mode;
    bool code32, ss32, flat;
    int floc;
    uint32_t live_after[TB_MAX_INSNS];
    Slow slow[TB_MAX_INSNS];
    int nslow;
    Slow *cur_slow;
    uint8_t *jf_nochain[TB_MAX_INSNS * 2];
    int n_nochain;
    RegCache rc;
    /* Inline x87 runs (cg_x87.c): per instruction CGX_* bits, the state
     * while emitting, and the guard-failure exits to emit out of line. */
    uint8_t x87[TB_MAX_INSNS];
    bool x87_live;
    uint16_t x87_fop;
    uint32_t x87_fip;
    CGX87Fail x87_fail[TB_MAX_INSNS];
    int n_x87_fail;
    /* The Jccs inside the block (cg_exit.c): side exit k's taken path
     * leaves through exit slot k from out-of-line code; the block's own
     * exits then use slots exit_base = nside and nside + 1. */
    struct {
        uint8_t *jf;          /* the jcc to the out-of-line tail */
        RegCache rc;          /* cached registers at the jcc */
        bool fl_host;         /* flags in host EFLAGS only: spill there */
        uint32_t target;      /* taken target EIP */
        int done;             /* instructions run when it is taken */
    } side[CG_MAX_SIDE];
    int nside;
    /* Inner boundaries (a side exit's fall-through, a followed JMP): where
     * the blocks without them began. bcount[k]: instructions up to and
     * including boundary k's instruction; bcount[nbound] = n. */
    int nbound;
    int bcount[CG_MAX_BOUNDS + 1];
    /* Jccs to a later instruction of the block (cg_fwd.c): fwd_of[i] is
     * instruction i's entry in fwd[], or -1. */
    Fwd fwd[CG_MAX_BOUNDS];
    int nfwd;
    int8_t fwd_of[TB_MAX_INSNS];
    int nstop;
    int exit_base;
    /* Instructions of the block counted into cpu.icount by its entry: n.
     * Exits taken before the end subtract counted - i (cg_x87.c, the side
     * exits' tails). */
    int counted;
    /* A self-loop (cg_loop.c): the cache state at the loop top, at the
     * back edge, and where they are. */
    struct {
        bool on;
        RegCache top_rc, back_rc;
        uint8_t *top, *jf;
    } loop;
    /* Base-register windows (cg_frame.c): guest register -> window or -1;
     * per window its register, operand range, kind and the first
     * instruction it no longer serves. save_frames: C calls emitted now
     * keep r8..r11 (out-of-line paths that return into the block). */
    int8_t fp_of[8];
    struct {
        uint8_t reg;
        bool write, read;
        int32_t lo, hi;
        int until;
        int first;   /* checked before this instruction; -1: at the entry */
    } fp[CG_MAX_FRAMES];
    int nfp;
    bool save_frames;
    bool frame_keep;   /* the next served operand keeps host flags */
    bool hi_regs;      /* r8-r11 in use (windows or cache slots): saved around C calls */
} Gen;

/* ---- the inline cache of indirect exits (cg_ic.c) ---- */

/* Does this block's indirect exit get an inline cache? */
bool cg_ic_wanted(const Gen *g);
/* Emit the compares, the miss switch and the fill call (target EIP in
 * eax, registers written back, flags spilled); the probe follows. */
void cg_ic_emit(Gen *g);
/* Called by a miss: link a free entry to the jump cache's block for eip
 * if allowed; returns the block's code, or NULL (to the run loop). */
const uint8_t *cg_ic_fill(TCache *tc, TB *site, uint32_t eip);

/* ---- guest registers through the register cache ---- */

static inline HMem cg_greg_w(Gen *g, int r, int size, bool write)
{
    return rc_operand(&g->cb, &g->rc, r, size, write);
}
static inline HMem cg_greg(Gen *g, int r, int size) { return rc_operand(&g->cb, &g->rc, r, size, false); }
static inline HMem cg_greg_def(Gen *g, int r, int size) { return rc_define(&g->cb, &g->rc, r, size); }

/* ---- the inline descriptor table (cg_inline.c) ---- */

typedef struct CGInline CGInline;

/* Emits one inlined instruction (i = its index in the block). */
typedef void (*CGEmitFn)(Gen *g, int i, const Insn *in, const CGInline *d);

/* CGInline.attr */
#define CGI_BRANCH 0x01u    /* control transfer: ends the block, emits its exits;
                             * prefixes are ignored (REP RET, BND JMP) */
#define CGI_CLOBBERS 0x02u  /* the sequence clobbers host flags before the
                             * operation even without a memory operand (stack
                             * pointer arithmetic, CPU.eflags update) */
#define CGI_ADDR_ONLY 0x04u /* the memory operand is only an address (LEA) */
#define CGI_COND 0x08u      /* arg is a condition code; reads its flags */
#define CGI_SHIFT 0x10u     /* shift/rotate flag rules (count may be 0 or CL) */

/* Flag set value meaning "what the decoder says" (Insn.flags_read or
 * flags_written from Capstone's masks, restricted to F_ARITH). */
#define CGF_DECODED 0x80000000u

struct CGInline {
    uint16_t id;            /* Capstone X86_INS_* */
    uint8_t attr;           /* CGI_* */
    int16_t arg;            /* emitter argument: ALU_*, SH_*, condition code, opcode byte */
    uint32_t reads;         /* F_* flags read when inlined, and/or CGF_DECODED */
    uint32_t writes;        /* F_* flags written when inlined, and/or CGF_DECODED */
    bool (*accepts)(const Insn *in);  /* operand forms the emitter handles */
    CGEmitFn emit;
    const char *mnemonic;   /* for listings and docs/ARCHITECTURE.md */
    const char *forms;      /* the forms `accepts` takes, in words */
};

/* The descriptor for this instruction if it is inlined (its id is in the
 * table, its prefixes allow it and `accepts` takes its operands), else NULL. */
const CGInline *cg_inline_lookup(const Insn *in);
/* Flags the inlined instruction reads and writes (F_ARITH subset). */
void cg_inline_flags(const CGInline *d, const Insn *in, uint32_t *fr, uint32_t *fw);
/* Can the inlined form raise an exception (a memory or stack access)? Its
 * slow path then runs the C helper, which pushes the whole EFLAGS: for
 * liveness the form reads all six status flags. */
bool cg_inline_may_fault(const CGInline *d, const Insn *in);
/* Emit an inlined instruction (flag bookkeeping, then d->emit). */
void cg_emit_inline(Gen *g, int i, const Insn *in, const CGInline *d);
/* The whole table, for listings and tests. */
const CGInline *cg_inline_table(size_t *n);

/* DIV/IDIV r/m (cg_div.c): the host divider behind zero and overflow
 * checks; #DE through the slow path's helper. */
void cg_emit_div(Gen *g, int i, const Insn *in, const CGInline *d);

/* ---- flags (cg_flags.c) ---- */

/* Condition code 0..15 (the low nibble of Jcc) -> flags it tests. */
uint32_t cg_cond_flags(int cc);
void cg_fl_spill(Gen *g);
void cg_fl_load(Gen *g);
/* Leaving the block: spill only the flags a successor may read. */
void cg_fl_exit(Gen *g, uint32_t live);
/* Before an inline instruction: `clob` = its sequence clobbers host flags
 * before the operation; fr/fw = flags it reads/writes. Arranges a spill if
 * needed. cg_fl_prepare_op() goes right before the flag-relevant host op. */
void cg_fl_before(Gen *g, int i, bool clob, uint32_t fr, uint32_t fw);
void cg_fl_prepare_op(Gen *g, int i, uint32_t fr, uint32_t fw);
/* Fill g->live_after[] by a backward pass over the block. */
void cg_compute_liveness(Gen *g, const Insn *insns, int n, bool inl, uint32_t live_out);

/* ---- block structure (codegen.c) ---- */

/* Does this instruction end its block, as translated with (inl) or
 * without inline code? */
bool cg_ends_block(const Insn *in, bool inl);

/* ---- helper bridge (cg_runtime.c) ---- */

/* Emit a call of cg_helper for `in`; a nonzero result leaves the block. */
void cg_call_helper(Gen *g, const Insn *in);

/* ---- memory operands (cg_mem.c) ---- */

extern const HMem CG_HM_RSI;   /* [rsi]: the host address of the operand */
/* Branch to the current instruction's slow path on condition cc. */
void cg_slow_jump(Gen *g, int cc);
/* Effective address of a guest memory operand into esi (no segment). */
void cg_emit_ea(Gen *g, const Insn *in, const Operand *op);
/* esi = segment offset; leaves rsi = host pointer or jumps to the slow
 * path. Clobbers rax, rcx and host flags. */
void cg_emit_seg_tlb(Gen *g, int seg, int size, bool write);
/* Both of the above. */
void cg_emit_mem_addr(Gen *g, const Insn *in, const Operand *op, int size, bool write);
/* The operand as a host r/m: a cached or in-memory guest register, or [rsi]. */
HMem cg_opnd(Gen *g, const Operand *op, int size, bool write);
/* The out-of-line TLB-miss fill of access k of one slow path (full_helper =
 * its whole-instruction path). */
void cg_emit_tlb_miss(Gen *g, Slow *s, int k, uint8_t *full_helper);
/* rsi = host address of the new top of stack for a push of `size`, or of
 * the current top for a pop; edi = the new (E)SP value to store after. */
void cg_emit_stack_addr(Gen *g, int size, bool push);
void cg_emit_store_sp(Gen *g);

/* ---- base-register windows (cg_frame.c) ---- */

/* Choose the windows of a block (after cg_x87_plan and cg_loop_plan). */
void cg_frame_plan(Gen *g, const Insn *insns, int n);
/* At the block entry, before the self-loop top: fill r8..r11 (self-loop
 * windows); before instruction i: the windows checked there. */
void cg_frame_setup(Gen *g);
void cg_frame_before_insn(Gen *g, int i);
/* Serve a memory operand from its window if it has one: rsi = host
 * address (or the slow path). false: use the ordinary sequence. */
bool cg_frame_access(Gen *g, const Insn *in, const Operand *op, int size, bool write);
/* Will instruction in (descriptor d) have its memory operand served with
 * host flags kept (no spill before it)? cg_emit_inline asks, before its
 * flag bookkeeping, and then sets g->frame_keep. */
bool cg_frame_keeps_flags(Gen *g, const Insn *in, const CGInline *d);
/* The out-of-line ordinary sequence of a served operand (slow-path pass). */
void cg_frame_emit_ool(Gen *g, Slow *s);
/* push / pop r8..r11 around a C call when the block has windows. */
void cg_frame_save(Gen *g);
void cg_frame_restore(Gen *g);

/* ---- inline x87 runs (cg_x87.c) ---- */

#define CGX_FAST 0x01u   /* an x87 instruction run natively on the host x87 */
#define CGX_FIRST 0x02u  /* the first of its run: guard and load before it */
#define CGX_LAST 0x04u   /* the last of its run: store the state after it */

/* Is this x87 instruction one the inline path runs natively? */
bool cg_x87_eligible(const Insn *in);
/* Fill g->x87[] for the block (inline mode only). */
void cg_x87_plan(Gen *g, const Insn *insns, int n);
/* Emit instruction i, a CGX_FAST one, with its run's entry and exit. */
void cg_x87_emit(Gen *g, int i, const Insn *in);
/* Around the helper call of a slow path taken inside a run: the pointer
 * registers of the run so far, then (the helper flushed) the reload. */
void cg_x87_slow_leave(Gen *g, const Slow *s);
void cg_x87_slow_reenter(Gen *g);
/* The out-of-line exits of runs whose guard failed. */
void cg_x87_emit_fails(Gen *g);

/* ---- exits (cg_exit.c) ---- */

/* Direct exit through a patchable jmp (slot 0/1) to guest target; cc >= 0
 * makes it a jcc. */
void cg_emit_direct_exit(Gen *g, int slot, uint32_t target, int cc);
/* Indirect exit: eax = new EIP. Looks the jump cache up inline. */
void cg_emit_indirect_exit(Gen *g);
/* The out-of-line stub a direct exit jumps to until it is chained. */
uint8_t *cg_emit_exit_stub(Gen *g, int slot, uint32_t target);
/* A Jcc that is not the block's last instruction (a side exit): jcc to an
 * out-of-line tail (spill flags, store dirty registers, exit slot 0); the
 * fall-through keeps registers and flags, counts the rest of the block
 * and stops where the deadline was reached, as a block entry there would. */
void cg_emit_side_exit(Gen *g, int i, const Insn *in, int cc);
void cg_emit_side_tail(Gen *g);
/* The block entry: leave unless all n instructions fit before the
 * deadline, then count them; returns the ja to patch to the deadline exit
 * (codegen.c). */
uint8_t *cg_emit_entry_check(Gen *g);
/* An inner boundary after instruction i: no code (the entry checked the
 * whole block); checks the plan. */
void cg_emit_boundary(Gen *g, int i);

/* ---- forward branches inside a block (cg_fwd.c) ---- */

/* After the bounds and the x87 plan: which inner Jccs go to a later
 * instruction of the block. */
void cg_fwd_plan(Gen *g, const Insn *insns, int n, bool inl);
/* Before instruction i: if a planned Jcc goes there, mark the cache dirty
 * and note the state and the code address. */
void cg_fwd_drop_skips(Gen *g, int n);
void cg_fwd_target(Gen *g, int i);
/* The Jcc itself (instead of a side exit). */
void cg_fwd_branch(Gen *g, int i, int cc);
/* Out of line: the taken paths. */
void cg_fwd_emit_tail(Gen *g);

/* ---- self-loops (cg_loop.c) ---- */

/* Is the block a self-loop? Sets g->loop (the registers to keep). */
bool cg_loop_plan(Gen *g, const Insn *insns, int n);
/* After the entry: load the kept registers; the loop top. */
void cg_loop_top(Gen *g);
/* The back edge (cc >= 0: a jcc, else a jmp): inverse jcc over the cache
 * reconcile, the entry check and the jmp to the top. */
void cg_loop_back_edge(Gen *g, int cc);
/* Out of line: the back edge's deadline exit. */
void cg_loop_emit_tail(Gen *g);

#endif
