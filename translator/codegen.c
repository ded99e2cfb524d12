/* codegen.c - guest block -> x86-64 host code.
 *
 * Conventions of generated code:
 *  - rbp holds the CPU pointer for the whole block; guest registers,
 *    segment caches and the TLB are addressed at fixed offsets from it.
 *    Guest registers stay in memory: byte registers (AH..BH) are then just
 *    byte 1 of the dword, and every host ALU instruction can take the guest
 *    register as its memory operand.
 *  - The six status flags live in host EFLAGS between a producing and a
 *    consuming instruction ("x86 on x86": ADD is ADD). Where a sequence must
 *    clobber host flags (TLB check, stack pointer update) or a helper runs,
 *    and a later instruction still needs them, they are spilled with
 *    LAHF/SETO into CPU.aflags (flag-neutral), and restored with
 *    ADD AL,7Fh/SAHF. Flag liveness comes from Capstone's per-instruction
 *    read/write masks, crawled backward over the block.
 *  - Memory operands: effective address -> segment limit check against
 *    Seg.fastlim -> + segment base -> TLB tag compare (which also catches
 *    accesses crossing a page) -> host pointer. Any miss jumps to an
 *    out-of-line path that runs the whole instruction through its C
 *    reference helper (which takes MMIO, code pages, faults, crossings).
 *  - At block boundaries flags are in CPU.aflags; EIP is stored only when
 *    leaving to the run loop or calling a helper (cg_helper stores it).
 */
#include "codegen.h"

#include <stddef.h>
#include <string.h>

#include <capstone/x86.h>

#include "cpu/cpu.h"
#include "cpu/mem.h"
#include "cpu/ops.h"
#include "cpu/decode.h"
#include "devices/memory.h"
#include "regcache.h"
#include "x64emit.h"

#define OFF(f) ((int32_t)offsetof(CPU, f))

enum { FL_MEM, FL_HOST };

typedef struct Slow {
    RegCache rc_jump;      /* cache state where the fast path leaves */
    RegCache rc_resume;    /* and where it continues after the instruction */
    bool have_rc_jump;
    uint8_t *jf[4];
    int nj;
    uint8_t *miss_jf;      /* TLB tag miss: try a fill first */
    uint8_t *miss_resume;  /* where the fast path continues with rsi = host */
    uint8_t miss_size;
    bool miss_write;
    const Insn *in;
    uint8_t *resume;
    bool restore;        /* resume expects flags in host EFLAGS */
} Slow;

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
} Gen;

/* ---- mode ---- */

uint32_t cg_cpu_mode(const CPU *cpu, bool inline_code)
{
    uint32_t m = 0;
    bool pe = cpu->cr[0] & CR0_PE, vm = cpu->eflags & F_VM;
    if (pe && !vm) {
        if (cpu->seg[S_CS].flags & SEGF_DB) m |= TMODE_CODE32;
        if (cpu->seg[S_SS].flags & SEGF_DB) m |= TMODE_SS32;
    }
    if (pe) m |= TMODE_PE;
    if (vm) m |= TMODE_VM;
    if (cpu->cr[0] & CR0_PG) m |= TMODE_PG;
    m |= TMODE_CPL(cpu_cpl(cpu));
    if (inline_code) m |= TMODE_INLINE;
    if ((m & TMODE_CODE32) && (m & TMODE_SS32)) {
        bool flat = true;
        static const int segs[4] = {S_ES, S_CS, S_SS, S_DS};
        for (int i = 0; i < 4; i++) {
            const Seg *s = &cpu->seg[segs[i]];
            if (s->base != 0 || s->fastlim != 0xffffffffLL) flat = false;
            if (segs[i] != S_CS && s->fastlim_w != 0xffffffffLL) flat = false;
        }
        if (flat) m |= TMODE_FLAT;
    }
    return m;
}

/* ---- runtime: enter/exit ---- */

size_t cg_init_runtime(TCache *tc, CGRuntime *rt)
{
    CodeBuf cb;
    cb_init(&cb, tc->buf, 256);
    /* enter(cpu=rdi, code=rsi): save callee-saved registers, align the
     * stack to 16 for helper calls, rbp = cpu, jump into the block. */
    uint8_t *enter = cb.p;
    x_push_r(&cb, HRBP);
    x_push_r(&cb, HRBX);
    x_push_r(&cb, HR12);
    x_push_r(&cb, HR13);
    x_push_r(&cb, HR14);
    x_push_r(&cb, HR15);
    x_alu_ri(&cb, ALU_SUB, 8, HRSP, 8);
    x_mov_rr(&cb, 8, HRBP, HRDI);
    x_jmp_r(&cb, HRSI);
    rt->epilogue = cb.p;
    x_alu_ri(&cb, ALU_ADD, 8, HRSP, 8);
    x_pop_r(&cb, HR15);
    x_pop_r(&cb, HR14);
    x_pop_r(&cb, HR13);
    x_pop_r(&cb, HR12);
    x_pop_r(&cb, HRBX);
    x_pop_r(&cb, HRBP);
    x_ret(&cb);
    rt->enter = (uint64_t (*)(CPU *, const uint8_t *))(void *)enter;
    size_t used = (size_t)(cb.p - cb.start);
    used = (used + 63) & ~(size_t)63;
    return used;
}

/* ---- helper call from generated code ---- */

int cg_helper(CPU *cpu, const Insn *in)
{
    cpu->eflags = cpu_unpack_aflags(cpu->eflags, cpu->aflags);
    cpu->eip = in->eip;
    int r = ops_exec(cpu, in);
    if (r == OPR_NEXT) {
        cpu->eip = in->next_eip;
        /* Leave the block after a code write that hit it, or when the
         * instruction made an interrupt deliverable (OUT to the PIC, ...):
         * the run loop takes it before the next instruction. */
        if (cpu->stop_block || (cpu->irq_line && (cpu->eflags & F_IF))) r = OPR_JUMP;
    }
    cpu->aflags = cpu_pack_aflags(cpu->eflags);
    return r;
}

/* ---- small emit helpers ---- */

static HMem greg_w(Gen *g, int r, int size, bool write)
{
    return rc_operand(&g->cb, &g->rc, r, size, write);
}

static HMem greg(Gen *g, int r, int size) { return rc_operand(&g->cb, &g->rc, r, size, false); }

static HMem greg_def(Gen *g, int r, int size) { return rc_define(&g->cb, &g->rc, r, size); }

static void fl_spill(Gen *g)
{
    if (g->floc == FL_HOST) {
        x_lahf(&g->cb);
        uint8_t seto[3] = {0x0f, 0x90, 0xc0};  /* seto al */
        for (int i = 0; i < 3; i++) cb_byte(&g->cb, seto[i]);
        x_mov_mr(&g->cb, 2, hmem(HRBP, OFF(aflags)), HRAX);
    }
    g->floc = FL_MEM;
}

/* Leaving the block: spill only the flags a successor may read. */
static void fl_exit(Gen *g, uint32_t live)
{
    if (live & F_ARITH) fl_spill(g);
    g->floc = FL_MEM;
}

static void fl_load(Gen *g)
{
    if (g->floc == FL_MEM) {
        x_movzx_rm(&g->cb, HRAX, 2, hmem(HRBP, OFF(aflags)));
        x_alu_ri(&g->cb, ALU_ADD, 1, HRAX, 0x7f);   /* OF = (AL == 1) */
        x_sahf(&g->cb);
    }
    g->floc = FL_HOST;
}

static void call_helper(Gen *g, const Insn *in)
{
    x_mov_rr(&g->cb, 8, HRDI, HRBP);
    x_mov_ri64(&g->cb, HRSI, (uint64_t)(uintptr_t)in);
    x_mov_ri64(&g->cb, HRAX, (uint64_t)(uintptr_t)cg_helper);
    x_call_r(&g->cb, HRAX);
    x_test_rr(&g->cb, 4, HRAX, HRAX);
    g->jf_nochain[g->n_nochain++] = x_jcc_rel32(&g->cb, 5 /* jnz */, NULL);
}

static void slow_snapshot(Gen *g)
{
    Slow *s = g->cur_slow;
    if (!s->have_rc_jump) {
        s->rc_jump = g->rc;
        s->have_rc_jump = true;
    }
}

static void slow_jump(Gen *g, int cc)
{
    Slow *s = g->cur_slow;
    slow_snapshot(g);
    s->jf[s->nj++] = x_jcc_rel32(&g->cb, cc, NULL);
}

/* Effective address of a guest memory operand into esi (no segment). */
static void emit_ea(Gen *g, const Insn *in, const Operand *op)
{
    CodeBuf *cb = &g->cb;
    bool a16 = in->addrsize == 2;
    int b = op->base, x = op->index;
    if (b == REG_NONE && x == REG_NONE) {
        x_mov_ri(cb, HRSI, a16 ? ((uint32_t)op->disp & 0xffffu) : (uint32_t)op->disp);
        return;
    }
    if (a16) {
        if (b != REG_NONE) x_movzx_rm(cb, HRSI, 2, greg(g, b, 2));
        else x_mov_ri(cb, HRSI, 0);
        if (x != REG_NONE) {
            x_movzx_rm(cb, HRCX, 2, greg(g, x, 2));
            HMem m = {HRSI, HRCX, 1, op->disp};
            x_lea(cb, 4, HRSI, m);
        } else if (op->disp) {
            x_lea(cb, 4, HRSI, hmem(HRSI, op->disp));
        }
        x_movzx_rr(cb, HRSI, 2, HRSI);
        return;
    }
    HMem mb = b != REG_NONE ? greg(g, b, 4) : hmem(HNONE, 0);
    HMem mx = x != REG_NONE ? greg(g, x, 4) : hmem(HNONE, 0);
    if ((b == REG_NONE || mb.base == HDIRECT) && (x == REG_NONE || mx.base == HDIRECT)) {
        /* Both in host registers (the register cache): one LEA. */
        HMem m = {b != REG_NONE ? mb.index : HNONE, x != REG_NONE ? mx.index : HNONE,
                  x != REG_NONE ? op->scale : 1, op->disp};
        x_lea(cb, 4, HRSI, m);
        return;
    }
    if (b != REG_NONE) x_mov_rm(cb, 4, HRSI, mb);
    if (x != REG_NONE) {
        x_mov_rm(cb, 4, HRCX, mx);
        HMem m = {b != REG_NONE ? HRSI : HNONE, HRCX, op->scale, op->disp};
        x_lea(cb, 4, HRSI, m);
    } else if (op->disp) {
        x_lea(cb, 4, HRSI, hmem(HRSI, op->disp));
    }
}

/* esi = segment offset; leaves rsi = host pointer or jumps to the slow path.
 * Clobbers rax, rcx and host flags. */
static void emit_seg_tlb(Gen *g, int seg, int size, bool write)
{
    CodeBuf *cb = &g->cb;
    bool flat = g->flat && (seg == S_DS || seg == S_ES || seg == S_SS || (seg == S_CS && !write));
    if (!flat) {
        x_lea(cb, 8, HRAX, hmem(HRSI, size - 1));
        x_alu_rm(cb, ALU_CMP, 8, HRAX,
                 hmem(HRBP, OFF(seg) + seg * (int32_t)sizeof(Seg) +
                                (write ? (int32_t)offsetof(Seg, fastlim_w) : (int32_t)offsetof(Seg, fastlim))));
        slow_jump(g, 0xf /* jg */);
        x_alu_rm(cb, ALU_ADD, 4, HRSI, hmem(HRBP, OFF(seg) + seg * (int32_t)sizeof(Seg) + (int32_t)offsetof(Seg, base)));
    }
    /* index*16 = ((lin >> 12) & 0xff) << 4 = (lin >> 8) & 0xff0 */
    x_mov_rr(cb, 4, HRAX, HRSI);
    x_shift_ri(cb, SH_SHR, 4, HRAX, 8);
    x_alu_ri(cb, ALU_AND, 4, HRAX, (TLB_SIZE - 1) << 4);
    x_lea(cb, 4, HRCX, hmem(HRSI, size - 1));
    x_alu_ri(cb, ALU_AND, 4, HRCX, PAGE_MASK);
    int32_t tlb = write ? OFF(tlb_write) : OFF(tlb_read);
    if (((g->mode >> 5) & 3) == 3) tlb += (int32_t)(TLB_SIZE * sizeof(TLBEntry));  /* user set */
    HMem tag = {HRBP, HRAX, 1, tlb};
    x_alu_rm(cb, ALU_CMP, 4, HRCX, tag);
    Slow *s = g->cur_slow;
    slow_snapshot(g);
    s->miss_jf = x_jcc_rel32(cb, 5 /* jne */, NULL);
    s->miss_size = (uint8_t)size;
    s->miss_write = write;
    HMem add = {HRBP, HRAX, 1, tlb + (int32_t)offsetof(TLBEntry, addend)};
    x_alu_rm(cb, ALU_ADD, 8, HRSI, add);
    s->miss_resume = cb->p;
}

/* TLB miss: fill the entry from C and continue inline with rsi = host
 * address; rdx and rdi may hold the value to store / the new stack
 * pointer, so they are preserved across the call. */
static void emit_tlb_miss(Gen *g, Slow *s, uint8_t *full_helper)
{
    CodeBuf *cb = &g->cb;
    x_patch_rel32(s->miss_jf, cb->p);
    x_push_r(cb, HRDX);
    x_push_r(cb, HRDI);
    x_mov_rr(cb, 8, HRDI, HRBP);
    x_mov_ri(cb, HRDX, s->miss_size);
    x_mov_ri(cb, HRCX, s->miss_write);
    x_mov_ri64(cb, HRAX, (uint64_t)(uintptr_t)tlb_fill_host);
    x_call_r(cb, HRAX);
    x_pop_r(cb, HRDI);
    x_pop_r(cb, HRDX);
    x_test_rr(cb, 8, HRAX, HRAX);
    x_jcc_rel32(cb, 4 /* jz */, full_helper);
    x_mov_rr(cb, 8, HRSI, HRAX);
    x_jmp_rel32(cb, s->miss_resume);
}

static void emit_mem_addr(Gen *g, const Insn *in, const Operand *op, int size, bool write)
{
    emit_ea(g, in, op);
    emit_seg_tlb(g, op->seg, size, write);
}

static const HMem HM_RSI = {HRSI, HNONE, 1, 0};

static HMem opnd_mem(Gen *g, const Operand *op, int size, bool write)
{
    if (op->kind == OPK_REG) return greg_w(g, op->reg, size, write);
    return HM_RSI;
}

/* ---- flags bookkeeping for one instruction ---- */

/* Before an inline instruction: `clob` = its sequence clobbers host flags
 * before the operation; fr = flags it reads; fw = flags it writes (host
 * op); returns after arranging spill. Call fl_prepare_op() right before the
 * flag-relevant host operation. */
static void fl_before(Gen *g, int i, bool clob, uint32_t fr, uint32_t fw)
{
    uint32_t need = (g->live_after[i] & ~fw) | fr;
    if (clob && g->floc == FL_HOST) {
        if (need) fl_spill(g);
        else g->floc = FL_MEM;
    }
}

static void fl_prepare_op(Gen *g, int i, uint32_t fr, uint32_t fw)
{
    uint32_t keep = g->live_after[i] & ~fw & F_ARITH;
    if (fr || (fw && keep)) fl_load(g);
    if (fw) g->floc = FL_HOST;
}

/* ---- condition codes ---- */

static int cg_cond(unsigned id)
{
    switch (id) {
    case X86_INS_JO: case X86_INS_SETO: case X86_INS_CMOVO: return 0;
    case X86_INS_JNO: case X86_INS_SETNO: case X86_INS_CMOVNO: return 1;
    case X86_INS_JB: case X86_INS_SETB: case X86_INS_CMOVB: return 2;
    case X86_INS_JAE: case X86_INS_SETAE: case X86_INS_CMOVAE: return 3;
    case X86_INS_JE: case X86_INS_SETE: case X86_INS_CMOVE: return 4;
    case X86_INS_JNE: case X86_INS_SETNE: case X86_INS_CMOVNE: return 5;
    case X86_INS_JBE: case X86_INS_SETBE: case X86_INS_CMOVBE: return 6;
    case X86_INS_JA: case X86_INS_SETA: case X86_INS_CMOVA: return 7;
    case X86_INS_JS: case X86_INS_SETS: case X86_INS_CMOVS: return 8;
    case X86_INS_JNS: case X86_INS_SETNS: case X86_INS_CMOVNS: return 9;
    case X86_INS_JP: case X86_INS_SETP: case X86_INS_CMOVP: return 10;
    case X86_INS_JNP: case X86_INS_SETNP: case X86_INS_CMOVNP: return 11;
    case X86_INS_JL: case X86_INS_SETL: case X86_INS_CMOVL: return 12;
    case X86_INS_JGE: case X86_INS_SETGE: case X86_INS_CMOVGE: return 13;
    case X86_INS_JLE: case X86_INS_SETLE: case X86_INS_CMOVLE: return 14;
    case X86_INS_JG: case X86_INS_SETG: case X86_INS_CMOVG: return 15;
    default: return -1;
    }
}

static uint32_t cond_flags(int cc)
{
    switch (cc >> 1) {
    case 0: return F_OF;
    case 1: return F_CF;
    case 2: return F_ZF;
    case 3: return F_CF | F_ZF;
    case 4: return F_SF;
    case 5: return F_PF;
    case 6: return F_SF | F_OF;
    default: return F_SF | F_OF | F_ZF;
    }
}

/* ---- what is inlined ---- */

static int alu_op(unsigned id)
{
    switch (id) {
    case X86_INS_ADD: return ALU_ADD;
    case X86_INS_OR: return ALU_OR;
    case X86_INS_ADC: return ALU_ADC;
    case X86_INS_SBB: return ALU_SBB;
    case X86_INS_AND: return ALU_AND;
    case X86_INS_SUB: return ALU_SUB;
    case X86_INS_XOR: return ALU_XOR;
    case X86_INS_CMP: return ALU_CMP;
    default: return -1;
    }
}

static int shift_op(unsigned id)
{
    switch (id) {
    case X86_INS_ROL: return SH_ROL;
    case X86_INS_ROR: return SH_ROR;
    case X86_INS_SHL: return SH_SHL;
    case X86_INS_SHR: return SH_SHR;
    case X86_INS_SAR: return SH_SAR;
    default: return -1;
    }
}

static bool is_gpr_or_mem(const Operand *o)
{
    return o->kind == OPK_REG || o->kind == OPK_MEM;
}

/* Flags an inlined instruction reads and writes (F_ARITH subset). */
static void inline_flags(const Insn *in, uint32_t *fr, uint32_t *fw)
{
    *fr = in->flags_read & F_ARITH;
    *fw = in->flags_written & F_ARITH;
    int cc = cg_cond(in->id);
    if (cc >= 0) *fr |= cond_flags(cc);
    int sh = shift_op(in->id);
    if (sh >= 0 && in->op[1].kind == OPK_IMM) {
        unsigned cnt = in->op[1].imm & 31;
        if (cnt == 0) *fw = 0;
        else if (sh == SH_ROL || sh == SH_ROR) *fw = F_CF | F_OF;
        else *fw = F_ARITH;   /* host writes AF too (undefined) */
    } else if (sh >= 0) {
        /* count in CL may be zero: flags read-through */
        *fr = F_ARITH;
        *fw = F_ARITH;
    }
    int alu = alu_op(in->id);
    if (alu >= 0 || in->id == X86_INS_TEST || in->id == X86_INS_NEG) *fw = F_ARITH;
    if (in->id == X86_INS_CLC || in->id == X86_INS_STC) *fw = F_CF;
    /* MUL/IMUL define only CF and OF; hosts differ on the rest (this AMD
     * host leaves them alone), so they count as not written. */
    if (in->id == X86_INS_MUL || in->id == X86_INS_IMUL) { *fw = F_CF | F_OF; *fr = 0; }
    if (in->id == X86_INS_CMC) { *fw = F_CF; *fr = F_CF; }
    if (in->id == X86_INS_CLD || in->id == X86_INS_STD) { *fw = 0; *fr = 0; }
    if (in->id == X86_INS_INC || in->id == X86_INS_DEC) *fw = F_ARITH & ~F_CF;
}

/* Can this instruction be emitted inline? Mirrors emit_inline(). */
static bool can_inline(const Insn *in)
{
    const Operand *a = &in->op[0], *b = &in->op[1];
    if (in->flags & (INSN_LOCK | INSN_REP | INSN_REPNE)) return false;
    switch (in->id) {
    case X86_INS_MOV:
        return in->nops == 2 && is_gpr_or_mem(a) && (is_gpr_or_mem(b) || b->kind == OPK_IMM) &&
               !(a->kind == OPK_MEM && b->kind == OPK_MEM) && a->size <= 4;
    case X86_INS_ADD: case X86_INS_OR: case X86_INS_ADC: case X86_INS_SBB:
    case X86_INS_AND: case X86_INS_SUB: case X86_INS_XOR: case X86_INS_CMP:
    case X86_INS_TEST:
        return in->nops == 2 && is_gpr_or_mem(a) && (is_gpr_or_mem(b) || b->kind == OPK_IMM) &&
               !(a->kind == OPK_MEM && b->kind == OPK_MEM);
    case X86_INS_INC: case X86_INS_DEC: case X86_INS_NOT: case X86_INS_NEG:
        return in->nops == 1 && is_gpr_or_mem(a);
    case X86_INS_LEA:
        return in->nops == 2 && a->kind == OPK_REG && b->kind == OPK_MEM;
    case X86_INS_MOVZX: case X86_INS_MOVSX:
        return in->nops == 2 && a->kind == OPK_REG && is_gpr_or_mem(b);
    case X86_INS_ROL: case X86_INS_ROR: case X86_INS_SHL: case X86_INS_SHR: case X86_INS_SAR:
        return in->nops == 2 && is_gpr_or_mem(a) &&
               (b->kind == OPK_IMM || (b->kind == OPK_REG && b->reg == R_ECX && b->size == 1));
    case X86_INS_NOP:
    case X86_INS_CLD: case X86_INS_STD:
    case X86_INS_CLC: case X86_INS_STC: case X86_INS_CMC:
        return true;
    case X86_INS_XCHG:
        return in->nops == 2 && a->kind == OPK_REG && b->kind == OPK_REG;
    case X86_INS_IMUL:
        if (in->nops == 1) return is_gpr_or_mem(a);
        return a->kind == OPK_REG && a->size >= 2 && is_gpr_or_mem(b) &&
               (in->nops == 2 || in->op[2].kind == OPK_IMM);
    case X86_INS_MUL:
        return in->nops == 1 && is_gpr_or_mem(a);
    case X86_INS_PUSH:
        return in->nops == 1 && (a->kind == OPK_REG || a->kind == OPK_IMM);
    case X86_INS_POP:
        return in->nops == 1 && a->kind == OPK_REG;
    default:
        if (cg_cond(in->id) >= 0) {
            if (in->id >= X86_INS_CMOVA && in->id <= X86_INS_CMOVS) return a->kind == OPK_REG && is_gpr_or_mem(b);
            return true;  /* Jcc, SETcc */
        }
        return false;
    }
}

/* ---- stack ---- */

/* rsi = host address of the new top of stack for a push of `size`, or of
 * the current top for a pop; edi = the new (E)SP value to store after. */
static void emit_stack_addr(Gen *g, int size, bool push)
{
    CodeBuf *cb = &g->cb;
    if (g->ss32) {
        x_mov_rm(cb, 4, HRSI, greg(g, R_ESP, 4));
        if (push) x_lea(cb, 4, HRSI, hmem(HRSI, -size));
    } else {
        x_movzx_rm(cb, HRSI, 2, greg(g, R_ESP, 2));
        if (push) {
            x_lea(cb, 4, HRSI, hmem(HRSI, -size));
            x_movzx_rr(cb, HRSI, 2, HRSI);
        }
    }
    x_mov_rr(cb, 4, HRDI, HRSI);
    if (!push) x_lea(cb, 4, HRDI, hmem(HRSI, size));
    emit_seg_tlb(g, S_SS, size, push);
}

static void emit_store_sp(Gen *g)
{
    x_mov_mr(&g->cb, g->ss32 ? 4 : 2, greg_w(g, R_ESP, 4, true), HRDI);
}

/* ---- the inline emitters ---- */

static void emit_inline(Gen *g, int i, const Insn *in)
{
    CodeBuf *cb = &g->cb;
    const Operand *a = &in->op[0], *b = &in->op[1];
    uint32_t fr, fw;
    inline_flags(in, &fr, &fw);
    bool mem = (in->nops >= 1 && a->kind == OPK_MEM) || (in->nops >= 2 && b->kind == OPK_MEM);
    if (in->id == X86_INS_LEA) mem = false;
    bool stack = in->id == X86_INS_PUSH || in->id == X86_INS_POP ||
                 in->id == X86_INS_CLD || in->id == X86_INS_STD;
    fl_before(g, i, mem || stack, fr, fw);

    int alu = alu_op(in->id), sh = shift_op(in->id), cc = cg_cond(in->id);
    int sz = a->size;

    if (in->id == X86_INS_NOP) return;
    /* DF lives in CPU.eflags (host DF must stay clear for C code). */
    if (in->id == X86_INS_CLD || in->id == X86_INS_STD) {
        if (in->id == X86_INS_CLD) x_alu_mi(cb, ALU_AND, 4, hmem(HRBP, OFF(eflags)), ~F_DF);
        else x_alu_mi(cb, ALU_OR, 4, hmem(HRBP, OFF(eflags)), F_DF);
        return;
    }
    if (in->id == X86_INS_CLC || in->id == X86_INS_STC || in->id == X86_INS_CMC) {
        fl_prepare_op(g, i, in->id == X86_INS_CMC ? F_CF : 0, F_CF);
        cb_byte(cb, in->id == X86_INS_CLC ? 0xf8 : in->id == X86_INS_STC ? 0xf9 : 0xf5);
        return;
    }

    if (in->id == X86_INS_LEA) {
        emit_ea(g, in, b);
        x_mov_mr(cb, sz, greg_def(g, a->reg, sz), HRSI);
        return;
    }
    if (in->id == X86_INS_PUSH) {
        int size = in->opsize;
        if (a->kind == OPK_REG) x_mov_rm(cb, 4, HRDX, greg(g, a->reg, 4));
        emit_stack_addr(g, size, true);
        if (a->kind == OPK_REG) x_mov_mr(cb, size, HM_RSI, HRDX);
        else x_mov_mi(cb, size, HM_RSI, a->imm);
        emit_store_sp(g);
        return;
    }
    if (in->id == X86_INS_POP) {
        int size = in->opsize;
        emit_stack_addr(g, size, false);
        x_mov_rm(cb, size, HRDX, HM_RSI);
        emit_store_sp(g);
        x_mov_mr(cb, size, greg_def(g, a->reg, size), HRDX);
        return;
    }
    if (in->id == X86_INS_XCHG) {
        x_mov_rm(cb, sz, HRAX, greg(g, a->reg, sz));
        x_mov_rm(cb, sz, HRDX, greg(g, b->reg, sz));
        x_mov_mr(cb, sz, greg_w(g, a->reg, sz, true), HRDX);
        x_mov_mr(cb, sz, greg_w(g, b->reg, sz, true), HRAX);
        return;
    }
    if (in->id == X86_INS_IMUL && in->nops >= 2) {
        if (b->kind == OPK_MEM) emit_mem_addr(g, in, b, sz, false);
        HMem src = opnd_mem(g, b, sz, false);
        if (in->nops == 2) x_mov_rm(cb, sz, HRDX, greg(g, a->reg, sz));
        fl_prepare_op(g, i, fr, fw);
        if (in->nops == 2) {
            x_imul_rm(cb, sz, HRDX, src);
        } else {
            uint32_t imm = in->op[2].imm;
            int32_t si = (int32_t)imm;
            if (sz == 2) si = (int16_t)imm;
            bool short_imm = si >= -128 && si <= 127;
            uint8_t o = short_imm ? 0x6b : 0x69;
            x_op_rm(cb, sz, &o, 1, HRDX, -1, &src);
            if (short_imm) cb_byte(cb, (uint8_t)si);
            else if (sz == 2) { cb_byte(cb, (uint8_t)imm); cb_byte(cb, (uint8_t)(imm >> 8)); }
            else cb_u32(cb, imm);
        }
        x_mov_mr(cb, sz, greg_w(g, a->reg, sz, true), HRDX);
        return;
    }
    if (in->id == X86_INS_MUL || in->id == X86_INS_IMUL) {
        /* One-operand forms: AX = AL * r/m8, DX:AX = AX * r/m16,
         * EDX:EAX = EAX * r/m32 (SDM vol. 2, MUL/IMUL). */
        if (a->kind == OPK_MEM) emit_mem_addr(g, in, a, sz, false);
        HMem src = opnd_mem(g, a, sz, false);
        fl_prepare_op(g, i, fr, fw);
        x_mov_rm(cb, sz, HRAX, greg(g, R_EAX, sz));
        uint8_t o = sz == 1 ? 0xf6 : 0xf7;
        x_op_rm(cb, sz, &o, 1, in->id == X86_INS_MUL ? 4 : 5, -1, &src);
        if (sz == 1) {
            x_mov_mr(cb, 2, greg_w(g, R_EAX, 2, true), HRAX);
        } else {
            x_mov_mr(cb, sz, greg_w(g, R_EAX, sz, true), HRAX);
            x_mov_mr(cb, sz, greg_w(g, R_EDX, sz, true), HRDX);
        }
        return;
    }
    if (in->id == X86_INS_MOVZX || in->id == X86_INS_MOVSX) {
        if (b->kind == OPK_MEM) emit_mem_addr(g, in, b, b->size, false);
        HMem src = opnd_mem(g, b, b->size, false);
        if (in->id == X86_INS_MOVZX) x_movzx_rm(cb, HRDX, b->size, src);
        else x_movsx_rm(cb, HRDX, b->size, src);
        x_mov_mr(cb, sz, greg_def(g, a->reg, sz), HRDX);
        return;
    }
    if (cc >= 0 && (in->id >= X86_INS_SETAE && in->id <= X86_INS_SETS)) {
        if (a->kind == OPK_MEM) emit_mem_addr(g, in, a, 1, true);
        fl_prepare_op(g, i, fr | cond_flags(cc), 0);
        x_setcc_m(cb, cc, opnd_mem(g, a, 1, true));
        return;
    }
    if (cc >= 0 && (in->id >= X86_INS_CMOVA && in->id <= X86_INS_CMOVS)) {
        if (b->kind == OPK_MEM) emit_mem_addr(g, in, b, sz, false);
        x_mov_rm(cb, sz, HRDX, greg(g, a->reg, sz));
        fl_prepare_op(g, i, fr | cond_flags(cc), 0);
        x_cmov_rm(cb, cc, sz, HRDX, opnd_mem(g, b, sz, false));
        x_mov_mr(cb, sz, greg_w(g, a->reg, sz, true), HRDX);
        return;
    }
    if (in->id == X86_INS_MOV) {
        if (a->kind == OPK_MEM) emit_mem_addr(g, in, a, sz, true);
        else if (b->kind == OPK_MEM) emit_mem_addr(g, in, b, sz, false);
        if (b->kind == OPK_IMM) {
            x_mov_mi(cb, sz, a->kind == OPK_REG ? greg_def(g, a->reg, sz) : HM_RSI, b->imm);
        } else {
            x_mov_rm(cb, sz, HRDX, opnd_mem(g, b, sz, false));
            x_mov_mr(cb, sz, a->kind == OPK_REG ? greg_def(g, a->reg, sz) : HM_RSI, HRDX);
        }
        return;
    }
    if (alu >= 0 || in->id == X86_INS_TEST) {
        bool ro = alu == ALU_CMP || in->id == X86_INS_TEST;
        if (a->kind == OPK_MEM) emit_mem_addr(g, in, a, sz, !ro);
        else if (b->kind == OPK_MEM) emit_mem_addr(g, in, b, sz, false);
        if (b->kind != OPK_IMM) x_mov_rm(cb, sz, HRDX, opnd_mem(g, b, sz, false));
        fl_prepare_op(g, i, fr, fw);
        HMem d = opnd_mem(g, a, sz, !ro);
        if (in->id == X86_INS_TEST) {
            if (b->kind == OPK_IMM) x_test_mi(cb, sz, d, b->imm);
            else x_test_mr(cb, sz, d, HRDX);
        } else {
            if (b->kind == OPK_IMM) x_alu_mi(cb, alu, sz, d, b->imm);
            else x_alu_mr(cb, alu, sz, d, HRDX);
        }
        return;
    }
    if (in->id == X86_INS_INC || in->id == X86_INS_DEC || in->id == X86_INS_NOT ||
        in->id == X86_INS_NEG) {
        if (a->kind == OPK_MEM) emit_mem_addr(g, in, a, sz, true);
        fl_prepare_op(g, i, fr, fw);
        HMem d = opnd_mem(g, a, sz, true);
        switch (in->id) {
        case X86_INS_INC: x_inc_m(cb, sz, d); break;
        case X86_INS_DEC: x_dec_m(cb, sz, d); break;
        case X86_INS_NOT: x_not_m(cb, sz, d); break;
        default: x_neg_m(cb, sz, d); break;
        }
        return;
    }
    if (sh >= 0) {
        if (a->kind == OPK_MEM) emit_mem_addr(g, in, a, sz, true);
        if (b->kind == OPK_IMM) {
            fl_prepare_op(g, i, fr, fw);
            x_shift_mi(cb, sh, sz, opnd_mem(g, a, sz, true), (uint8_t)b->imm);
        } else {
            x_movzx_rm(cb, HRCX, 1, greg(g, R_ECX, 1));
            fl_prepare_op(g, i, F_ARITH, F_ARITH);
            uint8_t o = sz == 1 ? 0xd2 : 0xd3;
            HMem d = opnd_mem(g, a, sz, true);
            x_op_rm(cb, sz, &o, 1, sh, -1, &d);
        }
        return;
    }
}

/* ---- block exits ---- */

static uint8_t *emit_exit_stub(Gen *g, int slot, uint32_t target)
{
    CodeBuf *cb = &g->cb;
    uint8_t *stub = cb->p;
    x_mov_mi(cb, 4, hmem(HRBP, OFF(eip)), target);
    uint32_t lin = g->tb->cs_base + target;
    if ((g->mode & TMODE_PG) && ((lin ^ g->tb->lin_pc) & PAGE_MASK)) {
        /* Under paging the run loop never chains into another linear page,
         * so this exit would always go back to it: look the target up in
         * the jump cache here instead, like an indirect jump (its entries
         * are dropped with the TLB, so they hold the current mapping). */
        uint8_t *miss[4];
        x_mov_ri64(cb, HRDX, (uint64_t)(uintptr_t)&g->tc->jc[tc_jc_index(lin)]);
        x_mov_rm(cb, 8, HRDX, hmem(HRDX, 0));
        x_test_rr(cb, 8, HRDX, HRDX);
        miss[0] = x_jcc_rel32(cb, 4 /* jz */, NULL);
        x_alu_mi(cb, ALU_CMP, 4, hmem(HRDX, (int32_t)offsetof(TB, lin_pc)), lin);
        miss[1] = x_jcc_rel32(cb, 5, NULL);
        x_alu_mi(cb, ALU_CMP, 4, hmem(HRDX, (int32_t)offsetof(TB, mode)), g->mode);
        miss[2] = x_jcc_rel32(cb, 5, NULL);
        x_alu_mi(cb, ALU_CMP, 4, hmem(HRDX, (int32_t)offsetof(TB, cs_base)), g->tb->cs_base);
        miss[3] = x_jcc_rel32(cb, 5, NULL);
        x_jmp_m(cb, hmem(HRDX, (int32_t)offsetof(TB, code)));
        for (int k = 0; k < 4; k++) x_patch_rel32(miss[k], cb->p);
    }
    x_mov_ri64(cb, HRAX, (uint64_t)(uintptr_t)g->tb | (uint64_t)slot);
    x_jmp_rel32(cb, g->rt->epilogue);
    return stub;
}

/* Direct exit through a patchable jmp (slot) to guest target. */
static void emit_direct_exit(Gen *g, int slot, uint32_t target, int cc)
{
    TBExit *e = &g->tb->exit[slot];
    e->target_eip = target;
    e->jmp_field = cc >= 0 ? x_jcc_rel32(&g->cb, cc, NULL) : x_jmp_rel32(&g->cb, NULL);
}

/* Indirect exit: eax = new EIP. Look up the jump cache inline. */
static void emit_indirect_exit(Gen *g)
{
    CodeBuf *cb = &g->cb;
    x_mov_mr(cb, 4, hmem(HRBP, OFF(eip)), HRAX);
    x_lea(cb, 4, HRAX, hmem(HRAX, (int32_t)g->tb->cs_base));
    x_mov_rr(cb, 4, HRCX, HRAX);
    x_shift_ri(cb, SH_SHR, 4, HRCX, JC_BITS);
    x_alu_rr(cb, ALU_XOR, 4, HRCX, HRAX);
    x_alu_ri(cb, ALU_AND, 4, HRCX, JC_SIZE - 1);
    x_mov_ri64(cb, HRDX, (uint64_t)(uintptr_t)&g->tc->jc[0]);
    HMem ent = {HRDX, HRCX, 8, 0};
    x_mov_rm(cb, 8, HRDX, ent);
    x_test_rr(cb, 8, HRDX, HRDX);
    g->jf_nochain[g->n_nochain++] = x_jcc_rel32(cb, 4 /* jz */, NULL);
    x_alu_rm(cb, ALU_CMP, 4, HRAX, hmem(HRDX, (int32_t)offsetof(TB, lin_pc)));
    g->jf_nochain[g->n_nochain++] = x_jcc_rel32(cb, 5, NULL);
    x_alu_mi(cb, ALU_CMP, 4, hmem(HRDX, (int32_t)offsetof(TB, mode)), g->mode);
    g->jf_nochain[g->n_nochain++] = x_jcc_rel32(cb, 5, NULL);
    x_alu_mi(cb, ALU_CMP, 4, hmem(HRDX, (int32_t)offsetof(TB, cs_base)), g->tb->cs_base);
    g->jf_nochain[g->n_nochain++] = x_jcc_rel32(cb, 5, NULL);
    x_jmp_m(cb, hmem(HRDX, (int32_t)offsetof(TB, code)));
}

/* Branch instructions translated inline; they end the block. */
static bool is_inline_branch(const Insn *in)
{
    const Operand *a = &in->op[0];
    switch (in->id) {
    case X86_INS_JMP:
        return in->nops == 1 && (a->kind == OPK_IMM || a->kind == OPK_REG || a->kind == OPK_MEM) &&
               in->opcode[0] != 0xea;
    case X86_INS_CALL:
        return in->nops == 1 && a->kind == OPK_IMM;
    case X86_INS_RET:
        return true;
    default: {
        int cc = cg_cond(in->id);
        return cc >= 0 && in->id >= X86_INS_JAE && in->id <= X86_INS_JS;
    }
    }
}

static void emit_inline_branch(Gen *g, int i, const Insn *in)
{
    CodeBuf *cb = &g->cb;
    const Operand *a = &in->op[0];
    uint32_t opmask = in->opsize == 2 ? 0xffffu : 0xffffffffu;
    int cc = cg_cond(in->id);
    if (cc >= 0) {
        fl_load(g);
        fl_exit(g, g->live_after[i]);   /* LAHF/SETO/MOV leave host flags intact for the jcc */
        rc_writeback_all(cb, &g->rc);   /* MOVs: flags intact too */
        emit_direct_exit(g, 0, a->imm, cc);
        emit_direct_exit(g, 1, in->next_eip, -1);
        return;
    }
    switch (in->id) {
    case X86_INS_JMP:
        if (a->kind == OPK_IMM) {
            fl_exit(g, g->live_after[i]);
            rc_writeback_all(cb, &g->rc);
            emit_direct_exit(g, 0, a->imm, -1);
            return;
        }
        fl_before(g, i, true, 0, 0);
        fl_spill(g);
        if (a->kind == OPK_MEM) emit_mem_addr(g, in, a, in->opsize, false);
        if (in->opsize == 2) x_movzx_rm(cb, HRAX, 2, opnd_mem(g, a, 2, false));
        else x_mov_rm(cb, 4, HRAX, opnd_mem(g, a, 4, false));
        rc_writeback_all(cb, &g->rc);
        emit_indirect_exit(g);
        return;
    case X86_INS_CALL:
        fl_exit(g, g->live_after[i]);
        emit_stack_addr(g, in->opsize, true);
        x_mov_mi(cb, in->opsize, HM_RSI, in->next_eip);
        emit_store_sp(g);
        rc_writeback_all(cb, &g->rc);
        emit_direct_exit(g, 0, a->imm & opmask, -1);
        return;
    case X86_INS_RET: {
        fl_spill(g);
        emit_stack_addr(g, in->opsize, false);
        if (in->opsize == 2) x_movzx_rm(cb, HRAX, 2, HM_RSI);
        else x_mov_rm(cb, 4, HRAX, HM_RSI);
        if (in->nops == 1 && a->kind == OPK_IMM) x_lea(cb, 4, HRDI, hmem(HRDI, (int32_t)(a->imm & 0xffff)));
        emit_store_sp(g);
        rc_writeback_all(cb, &g->rc);
        emit_indirect_exit(g);
        return;
    }
    default:
        return;
    }
}

/* Instructions executed by helpers that must end the block: control
 * transfers and anything that changes how following code is translated
 * or when interrupts may arrive. */
static bool helper_ends_block(const Insn *in)
{
    switch (in->id) {
    case X86_INS_JMP: case X86_INS_CALL: case X86_INS_RET: case X86_INS_RETF:
    case X86_INS_LJMP: case X86_INS_LCALL: case X86_INS_IRET: case X86_INS_IRETD:
    case X86_INS_INT: case X86_INS_INT1: case X86_INS_INT3: case X86_INS_INTO:
    case X86_INS_LOOP: case X86_INS_LOOPE: case X86_INS_LOOPNE:
    case X86_INS_JCXZ: case X86_INS_JECXZ:
    case X86_INS_HLT: case X86_INS_STI: case X86_INS_CLI: case X86_INS_POPF: case X86_INS_POPFD:
    case X86_INS_LDS: case X86_INS_LES: case X86_INS_LSS: case X86_INS_LFS: case X86_INS_LGS:
    case X86_INS_LMSW: case X86_INS_CLTS: case X86_INS_LGDT: case X86_INS_LIDT:
    case X86_INS_LLDT: case X86_INS_LTR: case X86_INS_UD2: case X86_INS_BOUND:
    case X86_INS_SYSENTER: case X86_INS_SYSEXIT: case X86_INS_WRMSR: case X86_INS_INVLPG:
    case X86_INS_SAHF: /* not needed, but keeps flag state simple */
        return true;
    case X86_INS_MOV:
    case X86_INS_POP:
        return in->op[0].kind == OPK_SREG || in->op[0].kind == OPK_CREG || in->op[0].kind == OPK_DREG;
    default:
        return cg_cond(in->id) >= 0 && in->id >= X86_INS_JAE && in->id <= X86_INS_JS;
    }
}

/* ---- liveness ---- */

/* Flags an instruction reads and kills, as the translation of this mode
 * will treat it: helpers read all six (they see canonical EFLAGS). */
static void flag_effect(const Insn *in, bool inl, uint32_t *fr, uint32_t *fw)
{
    if (inl && (can_inline(in) || is_inline_branch(in))) {
        inline_flags(in, fr, fw);
        if (in->id == X86_INS_PUSH || in->id == X86_INS_POP || in->id == X86_INS_CALL ||
            in->id == X86_INS_RET || in->id == X86_INS_JMP)
            *fw = 0;
    } else {
        *fr = F_ARITH;
        *fw = 0;
    }
}

static void compute_liveness(Gen *g, const Insn *insns, int n, bool inl, uint32_t live_out)
{
    uint32_t live = live_out;
    for (int i = n - 1; i >= 0; i--) {
        g->live_after[i] = live;
        uint32_t fr, fw;
        flag_effect(&insns[i], inl, &fr, &fw);
        live = (live & ~fw) | fr;
    }
}

/* Which status flags does the code at CS:eip read before overwriting them?
 * A short forward scan (as Blink's flags.c does) over straight-line code on
 * the block's own physical page; anything unknown counts as read. The
 * scanned bytes join the block's invalidation range, so rewriting them
 * retranslates this block too. */
static uint32_t flags_needed_at(CPU *cpu, TB *tb, uint32_t eip, bool code32, bool inl)
{
    uint32_t needed = 0, killed = 0;
    uint32_t page = tb->phys_pc & PAGE_MASK;
    for (int k = 0; k < 12; k++) {
        uint32_t lin = tb->cs_base + eip, phys;
        if (!lin_probe(cpu, lin, ACC_FETCH, ((tb->mode >> 5) & 3) == 3, &phys)) break;
        if ((phys & PAGE_MASK) != page) break;
        uint8_t buf[16];
        int n = (int)(PAGE_SIZE - (phys & 0xfff));
        if (n > 15) n = 15;
        uint32_t p2;
        if (lin_fetch_try(cpu, lin, buf, n, &p2) < 0) break;
        Insn in;
        if (!decode_insn(buf, (size_t)n, eip, code32, &in)) break;
        if (phys < tb->phys_lo) tb->phys_lo = phys;
        if (phys + in.len > tb->phys_hi) tb->phys_hi = phys + in.len;
        uint32_t fr, fw;
        flag_effect(&in, inl, &fr, &fw);
        needed |= fr & ~killed;
        killed |= fw;
        if ((killed & F_ARITH) == F_ARITH) return needed & F_ARITH;
        if (is_inline_branch(&in) || helper_ends_block(&in)) break;
        eip = in.next_eip;
    }
    return (needed | ~killed) & F_ARITH;
}

/* Flags live when the block leaves through its last instruction. */
static uint32_t block_live_out(CPU *cpu, TB *tb, const Insn *last, uint32_t fall, bool code32, bool inl)
{
    if (inl && is_inline_branch(last)) {
        int cc = cg_cond(last->id);
        if (cc >= 0)
            return flags_needed_at(cpu, tb, last->op[0].imm, code32, inl) |
                   flags_needed_at(cpu, tb, last->next_eip, code32, inl);
        if ((last->id == X86_INS_JMP || last->id == X86_INS_CALL) && last->op[0].kind == OPK_IMM)
            return flags_needed_at(cpu, tb, last->op[0].imm & (last->opsize == 2 ? 0xffffu : ~0u),
                                   code32, inl);
        return F_ARITH;
    }
    if (helper_ends_block(last) || !inl) return F_ARITH;
    return flags_needed_at(cpu, tb, fall, code32, inl);
}

/* ---- translation ---- */

/* Fetch and decode one instruction at lin. Returns 0 on success, -1 if
 * its bytes cannot be fetched (page not present: the caller ends the block
 * before it, or raises the fault if it is the first), -2 if the bytes do
 * not decode (the helper for id 0 raises #UD when it runs). */
static int fetch_insn(CPU *cpu, uint32_t lin, uint32_t eip, bool code32, Insn *out,
                      bool *crosses)
{
    uint8_t buf[16];
    uint32_t phys;
    int n = lin_fetch_try(cpu, lin, buf, 15, &phys);
    if (n < 0) return -1;
    *crosses = false;
    if (n < 15) {
        uint32_t p2;
        int m = lin_fetch_try(cpu, lin + (uint32_t)n, buf + n, 15 - n, &p2);
        if (m > 0) n += m;
    }
    if (!decode_insn(buf, (size_t)n, eip, code32, out)) return -2;
    *crosses = ((lin & 0xfff) + out->len) > PAGE_SIZE;
    return 0;
}

TB *cg_translate(TCache *tc, const CGRuntime *rt, CPU *cpu, uint32_t mode)
{
    static Insn tmp[TB_MAX_INSNS];
    bool code32 = mode & TMODE_CODE32;
    bool inl = mode & TMODE_INLINE;
    uint32_t cs_base = cpu->seg[S_CS].base;
    uint32_t eip = cpu->eip;
    uint32_t lin0 = cs_base + eip;
    uint32_t phys0 = lin_to_phys(cpu, lin0, false);   /* raises #PF for the fetch */

    /* Decode the block. */
    int n = 0;
    uint32_t cur = eip;
    bool undecodable = false;
    uint32_t last_end_lin = lin0;
    int max_insns = (mode & TMODE_ONE) ? 1 : TB_MAX_INSNS;
    while (n < max_insns) {
        uint32_t lin = cs_base + cur;
        if (n > 0 && (lin & PAGE_MASK) != (lin0 & PAGE_MASK)) break;
        Insn *in = &tmp[n];
        bool crosses = false;
        int fr = fetch_insn(cpu, lin, cur, code32, in, &crosses);
        if (fr == -1) {
            if (n > 0) break;
            uint8_t b;
            uint32_t p;
            lin_fetch(cpu, lin, &b, 1, &p);   /* raises the fetch's #PF */
            break;
        }
        /* With paging, an instruction that crosses into the next page ends
         * up alone in its block, so the block's second page is checked on
         * every lookup (engine.c) instead of being trusted through chains. */
        if (fr == 0 && crosses && (mode & TMODE_PG) && n > 0) break;
        if (fr != 0) {
            /* An invalid opcode: a one-"instruction" block whose helper
             * (no table entry) raises #UD at the right EIP. */
            memset(in, 0, sizeof *in);
            in->id = 0;
            in->len = 1;
            in->eip = cur;
            in->next_eip = cur + 1;
            in->opsize = code32 ? 4 : 2;
            in->addrsize = in->opsize;
            undecodable = true;
            n++;
            last_end_lin = lin + 1;
            break;
        }
        n++;
        last_end_lin = lin + in->len;
        cur = in->next_eip;
        bool ends = inl && is_inline_branch(in) ? true : helper_ends_block(in);
        if (crosses && (mode & TMODE_PG)) ends = true;
        if (!inl && cg_cond(in->id) >= 0 && in->id >= X86_INS_JAE && in->id <= X86_INS_JS) ends = true;
        if (ends) break;
    }
    (void)undecodable;

    TB *tb = tc_alloc(tc, n);
    if (!tb) return NULL;
    memcpy(tb->insns, tmp, sizeof(Insn) * (size_t)n);
    tb->n_insns = (uint16_t)n;
    tb->lin_pc = lin0;
    tb->cs_base = cs_base;
    tb->eip = eip;
    tb->mode = mode;
    tb->phys_pc = phys0;
    uint32_t last_byte_lin = last_end_lin - 1;
    if ((last_byte_lin & PAGE_MASK) != (lin0 & PAGE_MASK)) {
        tb->phys_end = (phys0 & PAGE_MASK) + PAGE_SIZE;
        tb->phys_page2 = lin_to_phys(cpu, last_byte_lin, false) & PAGE_MASK;
        tb->phys2_end = lin_to_phys(cpu, last_byte_lin, false) + 1;
    } else {
        tb->phys_end = phys0 + (last_end_lin - lin0);
    }

    static Gen gs;
    Gen *g = &gs;
    memset(g, 0, sizeof *g);
    g->cpu = cpu;
    g->tc = tc;
    g->rt = rt;
    g->tb = tb;
    g->mode = mode;
    g->code32 = code32;
    g->ss32 = mode & TMODE_SS32;
    g->flat = mode & TMODE_FLAT;
    g->floc = FL_MEM;
    rc_reset(&g->rc);
    size_t space = tc_space(tc);
    if (space < 4096) return NULL;
    cb_init(&g->cb, tc->buf_ptr, space);
    CodeBuf *cb = &g->cb;
    tb->code = cb->p;
    tb->phys_lo = tb->phys_pc;
    tb->phys_hi = tb->phys_end;
    compute_liveness(g, tb->insns, n, inl,
                     block_live_out(cpu, tb, &tb->insns[n - 1], cur, code32, inl));

    /* Entry: count instructions and poll the deadline (interrupts, timers,
     * exit requests). Flags are in CPU.aflags here, so CMP is free. */
    x_mov_rm(cb, 8, HRAX, hmem(HRBP, OFF(icount)));
    x_alu_rm(cb, ALU_CMP, 8, HRAX, hmem(HRBP, OFF(deadline)));
    uint8_t *jdead = x_jcc_rel32(cb, 3 /* jae */, NULL);
    x_alu_ri(cb, ALU_ADD, 8, HRAX, (uint32_t)n);
    x_mov_mr(cb, 8, hmem(HRBP, OFF(icount)), HRAX);

    bool ended = false;
    for (int i = 0; i < n; i++) {
        const Insn *in = &tb->insns[i];
        tb->host_off[i] = (uint32_t)(cb->p - tb->code);
        Slow *s = &g->slow[g->nslow];
        memset(s, 0, sizeof *s);
        s->in = in;
        g->cur_slow = s;
        bool last = i == n - 1;
        if (inl && is_inline_branch(in)) {
            emit_inline_branch(g, i, in);
            ended = true;
        } else if (inl && can_inline(in)) {
            emit_inline(g, i, in);
        } else {
            fl_before(g, i, true, F_ARITH, 0);
            if (g->floc == FL_HOST) fl_spill(g);
            rc_writeback_all(cb, &g->rc);
            call_helper(g, in);
            rc_reset(&g->rc);   /* the helper may have changed any register */
            g->floc = FL_MEM;
            if (last && helper_ends_block(in)) {
                /* cg_helper stored the next EIP; no chaining across these. */
                x_alu_rr(cb, ALU_XOR, 4, HRAX, HRAX);
                x_jmp_rel32(cb, rt->epilogue);
                ended = true;
            }
        }
        if (s->nj || s->miss_jf) {
            s->rc_resume = g->rc;
            s->resume = cb->p;
            s->restore = g->floc == FL_HOST;
            g->nslow++;
        }
    }
    tb->host_off[n] = (uint32_t)(cb->p - tb->code);
    if (!ended) {
        fl_exit(g, g->live_after[n - 1]);
        rc_writeback_all(cb, &g->rc);
        emit_direct_exit(g, 0, cur, -1);
    }

    /* Out-of-line code: exit stubs, slow paths, deadline exit. */
    for (int s = 0; s < 2; s++) {
        TBExit *e = &tb->exit[s];
        if (!e->jmp_field) continue;
        e->stub = emit_exit_stub(g, s, e->target_eip);
        x_patch_rel32(e->jmp_field, e->stub);
    }
    for (int k = 0; k < g->nslow; k++) {
        Slow *s = &g->slow[k];
        uint8_t *full = cb->p;
        for (int j = 0; j < s->nj; j++) x_patch_rel32(s->jf[j], cb->p);
        rc_writeback_snapshot(cb, &s->rc_jump);
        call_helper(g, s->in);
        rc_reload_all(cb, &s->rc_resume);
        if (s->restore) {
            g->floc = FL_MEM;
            fl_load(g);
        }
        x_jmp_rel32(cb, s->resume);
        if (s->miss_jf) emit_tlb_miss(g, s, full);
    }
    uint8_t *dead = cb->p;
    x_patch_rel32(jdead, dead);
    x_mov_mi(cb, 4, hmem(HRBP, OFF(eip)), eip);
    uint8_t *nochain = cb->p;
    x_alu_rr(cb, ALU_XOR, 4, HRAX, HRAX);
    x_jmp_rel32(cb, rt->epilogue);
    for (int k = 0; k < g->n_nochain; k++) x_patch_rel32(g->jf_nochain[k], nochain);

    if (cb->overflow) return NULL;
    tb->code_size = (uint32_t)(cb->p - tb->code);
    tc->buf_ptr = (uint8_t *)(((uintptr_t)cb->p + 15) & ~(uintptr_t)15);
    tc_insert(tc, tb);
    return tb;
}
