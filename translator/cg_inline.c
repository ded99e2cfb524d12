/* cg_inline.c - instructions translated to inline host code.
 *
 * One descriptor per Capstone instruction id that can be inlined
 * (cg_inline_table below) says everything the rest of the code generator
 * needs to know about it:
 *   accepts  which operand forms the emitter handles (others go to the C
 *            helper, as do all forms with a LOCK prefix, and with REP/REPNE
 *            except for branches and NOPs (ENDBR32), which ignore them);
 *   emit     the emitter;
 *   reads/writes (+ attr CGI_COND/CGI_SHIFT)  the guest status flags the
 *            inlined form reads and writes, for the liveness pass;
 *   attr CGI_BRANCH  a control transfer: it ends the block and emits its
 *            own exits;
 *   attr CGI_CLOBBERS/CGI_ADDR_ONLY  whether the sequence clobbers host
 *            flags before the operation.
 * Adding an inline form is one table entry (and its emitter).
 *
 * Emitters run after cg_emit_inline has arranged the flags for a sequence
 * that clobbers host EFLAGS (address computation, TLB check); they call
 * cg_fl_prepare_op right before the host instruction whose flags matter.
 */
#include "cg_internal.h"

#include <capstone/x86.h>

/* ---- operand-form predicates ---- */

static bool is_gpr_or_mem(const Operand *o)
{
    return o->kind == OPK_REG || o->kind == OPK_MEM;
}

static bool acc_any(const Insn *in)
{
    (void)in;
    return true;
}

/* r/m, r/m/imm (not both memory) */
static bool acc_binary(const Insn *in)
{
    const Operand *a = &in->op[0], *b = &in->op[1];
    return in->nops == 2 && is_gpr_or_mem(a) && (is_gpr_or_mem(b) || b->kind == OPK_IMM) &&
           !(a->kind == OPK_MEM && b->kind == OPK_MEM);
}

/* MOV: as acc_binary, general registers and memory only up to 32 bits */
static bool acc_mov(const Insn *in)
{
    return acc_binary(in) && in->op[0].size <= 4;
}

/* one r/m operand */
static bool acc_unary(const Insn *in)
{
    return in->nops == 1 && is_gpr_or_mem(&in->op[0]);
}

static bool acc_lea(const Insn *in)
{
    return in->nops == 2 && in->op[0].kind == OPK_REG && in->op[1].kind == OPK_MEM;
}

/* reg, r/m */
static bool acc_reg_rm(const Insn *in)
{
    return in->nops == 2 && in->op[0].kind == OPK_REG && is_gpr_or_mem(&in->op[1]);
}

/* r/m, imm8 or CL */
static bool acc_shift(const Insn *in)
{
    const Operand *b = &in->op[1];
    return in->nops == 2 && is_gpr_or_mem(&in->op[0]) &&
           (b->kind == OPK_IMM || (b->kind == OPK_REG && b->reg == R_ECX && b->size == 1));
}

static bool acc_reg_reg(const Insn *in)
{
    return in->nops == 2 && in->op[0].kind == OPK_REG && in->op[1].kind == OPK_REG;
}

/* IMUL r/m (one operand), IMUL r16/32, r/m (, imm) */
static bool acc_imul(const Insn *in)
{
    const Operand *a = &in->op[0];
    if (in->nops == 1) return is_gpr_or_mem(a);
    return a->kind == OPK_REG && a->size >= 2 && is_gpr_or_mem(&in->op[1]) &&
           (in->nops == 2 || in->op[2].kind == OPK_IMM);
}

static bool acc_push(const Insn *in)
{
    return in->nops == 1 && (in->op[0].kind == OPK_REG || in->op[0].kind == OPK_IMM ||
                             (in->op[0].kind == OPK_MEM && in->op[0].size == in->opsize));
}

/* CMPXCHG m, r (with or without LOCK; the register forms stay helpers). */
static bool acc_cmpxchg(const Insn *in)
{
    return in->nops == 2 && in->op[0].kind == OPK_MEM && in->op[1].kind == OPK_REG;
}

/* MOVSB/MOVSD the string moves (A4/A5), not SSE2's MOVSD xmm (F2 0F 10/11),
 * which Capstone names alike. */
static bool acc_movs(const Insn *in)
{
    return in->opcode[0] == 0xa4 || in->opcode[0] == 0xa5;
}

static bool acc_pop(const Insn *in)
{
    return in->nops == 1 && in->op[0].kind == OPK_REG;
}

/* CMOVcc reg, r/m (no operand count check, as before the table) */
static bool acc_cmov(const Insn *in)
{
    return in->op[0].kind == OPK_REG && is_gpr_or_mem(&in->op[1]);
}

/* A near branch with a 32-bit operand size in 16-bit code (66 prefix) can
 * reach past the CS limit, which the inline exits do not check: the helper
 * raises #GP(0) at the branch (SDM vol. 2, JMP/CALL/RET/Jcc; found by
 * tests/oracle pm.gate c16 cases). */
static bool near_branch_ok(const Insn *in)
{
    return !((in->flags & INSN_OPSIZE) && in->opsize == 4);
}

/* JMP rel / r/m (not the far JMP ptr16:16/32, EA) */
static bool acc_jmp(const Insn *in)
{
    const Operand *a = &in->op[0];
    return in->nops == 1 && (a->kind == OPK_IMM || a->kind == OPK_REG || a->kind == OPK_MEM) &&
           in->opcode[0] != 0xea && near_branch_ok(in);
}

/* CALL rel / r/m (near: Capstone names the far forms LCALL) */
static bool acc_call(const Insn *in)
{
    const Operand *a = &in->op[0];
    return in->nops == 1 && (a->kind == OPK_IMM || a->kind == OPK_REG || a->kind == OPK_MEM) &&
           in->opcode[0] != 0x9a && near_branch_ok(in);
}

/* LODS/SCAS/STOS and LEAVE: no operand check (the emitters take the
 * element size from the id and the registers from the definition); the
 * REP forms never reach here (cg_inline_lookup). */
static bool acc_str(const Insn *in)
{
    (void)in;
    return true;
}

/* ---- emitters ---- */

static void emit_nop(Gen *g, int i, const Insn *in, const CGInline *d)
{
    (void)g, (void)i, (void)in, (void)d;
}

/* DF lives in CPU.eflags (host DF must stay clear for C code). */
static void emit_df(Gen *g, int i, const Insn *in, const CGInline *d)
{
    (void)i, (void)d;
    if (in->id == X86_INS_CLD) x_alu_mi(&g->cb, ALU_AND, 4, hmem(HRBP, CG_OFF_EFLAGS), ~F_DF);
    else x_alu_mi(&g->cb, ALU_OR, 4, hmem(HRBP, CG_OFF_EFLAGS), F_DF);
}

/* CLC/STC/CMC: arg = the one-byte opcode, run on host CF. */
static void emit_cf(Gen *g, int i, const Insn *in, const CGInline *d)
{
    cg_fl_prepare_op(g, i, in->id == X86_INS_CMC ? F_CF : 0, F_CF);
    cb_byte(&g->cb, (uint8_t)d->arg);
}

static void emit_lea(Gen *g, int i, const Insn *in, const CGInline *d)
{
    (void)i, (void)d;
    const Operand *a = &in->op[0], *m = &in->op[1];
    /* 32-bit LEA whose address registers are cached: one host LEA straight
     * into the destination's slot (the sources are taken first, so the
     * destination cannot evict them). */
    if (a->size == 4 && in->addrsize == 4 && (m->base != REG_NONE || m->index != REG_NONE)) {
        HMem mb = m->base != REG_NONE ? cg_greg(g, m->base, 4) : hmem(HNONE, 0);
        HMem mx = m->index != REG_NONE ? cg_greg(g, m->index, 4) : hmem(HNONE, 0);
        if ((m->base == REG_NONE || mb.base == HDIRECT) && (m->index == REG_NONE || mx.base == HDIRECT)) {
            HMem dst = cg_greg_def(g, a->reg, 4);
            if (dst.base == HDIRECT) {
                HMem ea = {m->base != REG_NONE ? mb.index : HNONE, m->index != REG_NONE ? mx.index : HNONE,
                           m->index != REG_NONE ? m->scale : 1, m->disp};
                x_lea(&g->cb, 4, dst.index, ea);
                return;
            }
        }
    }
    cg_emit_ea(g, in, m);
    x_mov_mr(&g->cb, a->size, cg_greg_def(g, a->reg, a->size), HRSI);
}

static void emit_push(Gen *g, int i, const Insn *in, const CGInline *d)
{
    (void)i, (void)d;
    CodeBuf *cb = &g->cb;
    const Operand *a = &in->op[0];
    int size = in->opsize;
    if (a->kind == OPK_REG) x_mov_rm(cb, 4, HRDX, cg_greg(g, a->reg, 4));
    if (a->kind == OPK_MEM) {
        /* Two accesses: (E)SP and the address registers are cached before
         * the first slow-path branch, so nothing is evicted between the
         * two branches (the slow path writes back the state at the first).
         * The address uses (E)SP before the push (SDM vol. 2, PUSH). */
        (void)cg_greg(g, R_ESP, 4);
        cg_emit_mem_addr(g, in, a, size, false);
        x_mov_rm(cb, size, HRDX, CG_HM_RSI);
    }
    cg_emit_stack_addr(g, size, true);
    if (a->kind != OPK_IMM) x_mov_mr(cb, size, CG_HM_RSI, HRDX);
    else x_mov_mi(cb, size, CG_HM_RSI, a->imm);
    cg_emit_store_sp(g);
}

static void emit_pop(Gen *g, int i, const Insn *in, const CGInline *d)
{
    (void)i, (void)d;
    CodeBuf *cb = &g->cb;
    int size = in->opsize;
    cg_emit_stack_addr(g, size, false);
    x_mov_rm(cb, size, HRDX, CG_HM_RSI);
    cg_emit_store_sp(g);
    x_mov_mr(cb, size, cg_greg_def(g, in->op[0].reg, size), HRDX);
}

/* LEAVE: (E)SP = (E)BP (SP = BP with a 16-bit stack), then pop (E)BP.
 * One stack read; its slow path runs the whole instruction (op_leave). */
static void emit_leave(Gen *g, int i, const Insn *in, const CGInline *d)
{
    (void)i, (void)d;
    CodeBuf *cb = &g->cb;
    int size = in->opsize;
    if (g->ss32) x_mov_rm(cb, 4, HRSI, cg_greg(g, R_EBP, 4));
    else x_movzx_rm(cb, HRSI, 2, cg_greg(g, R_EBP, 2));
    x_lea(cb, 4, HRDI, hmem(HRSI, size));   /* the new (E)SP (SP: low 16 bits stored) */
    cg_emit_seg_tlb(g, S_SS, size, false);
    x_mov_rm(cb, size, HRDX, CG_HM_RSI);
    cg_emit_store_sp(g);
    x_mov_mr(cb, size, cg_greg_def(g, R_EBP, size), HRDX);
}

/* ---- non-REP LODS / SCAS / STOS (SDM vol. 2; cpu/ops_string.c is the
 * reference): one element at seg:(E)SI (LODS: DS or the override) or
 * ES:(E)DI (SCAS, STOS), then the index register steps by the element size,
 * down when EFLAGS.DF is set; with a 16-bit address size only SI/DI change
 * (wrapping at 64 KiB). A fault or anything the TLB does not map goes to
 * the helper before any register changes. */

static int str_size(const Insn *in)
{
    switch (in->id) {
    case X86_INS_LODSB: case X86_INS_SCASB: case X86_INS_STOSB: return 1;
    case X86_INS_LODSW: case X86_INS_SCASW: case X86_INS_STOSW: return 2;
    default: return 4;
    }
}

/* rsi = host address of the element at seg:index (or the slow path). */
static void str_addr(Gen *g, const Insn *in, int seg, int index, int size, bool write)
{
    if (in->addrsize == 2) x_movzx_rm(&g->cb, HRSI, 2, cg_greg(g, index, 2));
    else x_mov_rm(&g->cb, 4, HRSI, cg_greg(g, index, 4));
    cg_emit_seg_tlb(g, seg, size, write);
}

/* ecx = +size, or -size when EFLAGS.DF is set (clobbers host flags). */
static void str_delta(Gen *g, int size)
{
    CodeBuf *cb = &g->cb;
    x_mov_rm(cb, 4, HRCX, hmem(HRBP, CG_OFF_EFLAGS));
    x_shift_ri(cb, SH_SHL, 4, HRCX, 21);   /* DF (bit 10) to bit 31 */
    x_shift_ri(cb, SH_SAR, 4, HRCX, 31);   /* 0 or -1 */
    x_alu_ri(cb, ALU_AND, 4, HRCX, (uint32_t)(-2 * size));
    x_alu_ri(cb, ALU_ADD, 4, HRCX, (uint32_t)size);
}

/* index += ecx (16 bits of it with a 16-bit address size); leaves host
 * flags alone (MOV and LEA only), so SCAS's comparison survives. */
static void str_step(Gen *g, const Insn *in, int index)
{
    CodeBuf *cb = &g->cb;
    HMem r = cg_greg_w(g, index, 4, true);
    x_mov_rm(cb, 4, HRAX, r);
    HMem sum = {HRAX, HRCX, 1, 0};
    x_lea(cb, 4, HRAX, sum);
    x_mov_mr(cb, in->addrsize == 2 ? 2 : 4, r, HRAX);
}

static void emit_lods(Gen *g, int i, const Insn *in, const CGInline *d)
{
    (void)i, (void)d;
    CodeBuf *cb = &g->cb;
    int size = str_size(in);
    str_addr(g, in, in->segovr != S_NONE ? in->segovr : S_DS, R_ESI, size, false);
    x_mov_rm(cb, size, HRDX, CG_HM_RSI);
    str_delta(g, size);
    str_step(g, in, R_ESI);
    x_mov_mr(cb, size, cg_greg_def(g, R_EAX, size), HRDX);
}

static void emit_stos(Gen *g, int i, const Insn *in, const CGInline *d)
{
    (void)i, (void)d;
    CodeBuf *cb = &g->cb;
    int size = str_size(in);
    x_mov_rm(cb, size, HRDX, cg_greg(g, R_EAX, size));
    str_addr(g, in, S_ES, R_EDI, size, true);
    x_mov_mr(cb, size, CG_HM_RSI, HRDX);
    str_delta(g, size);
    str_step(g, in, R_EDI);
}

/* CMPXCHG m, r: the host's LOCK CMPXCHG on the guest page (flags as CMP
 * acc, m; equal: m = r; not equal: acc = m, and m is written back with its
 * own value, so the access is checked for writing as on hardware: SDM
 * vol. 2, CMPXCHG). Host EAX carries the guest accumulator. */
static void emit_cmpxchg(Gen *g, int i, const Insn *in, const CGInline *d)
{
    CodeBuf *cb = &g->cb;
    const Operand *a = &in->op[0], *b = &in->op[1];
    int sz = a->size;
    uint32_t fr, fw;
    cg_inline_flags(d, in, &fr, &fw);
    x_mov_rm(cb, sz, HRDX, cg_greg(g, b->reg, sz));
    (void)cg_greg(g, R_EAX, 4);   /* cached before the first slow-path branch */
    cg_emit_mem_addr(g, in, a, sz, true);
    cg_fl_prepare_op(g, i, fr, fw);
    x_mov_rm(cb, 4, HRAX, cg_greg(g, R_EAX, 4));
    static const uint8_t opc8[2] = {0x0f, 0xb0}, opc[2] = {0x0f, 0xb1};
    cb_byte(cb, 0xf0);   /* LOCK */
    x_op_rm(cb, sz, sz == 1 ? opc8 : opc, 2, HRDX, -1, &CG_HM_RSI);
    x_mov_mr(cb, sz, cg_greg_w(g, R_EAX, sz, true), HRAX);
}

/* MOVS: seg:[(E)SI] to ES:[(E)DI]; both accesses are checked before the
 * store, and both index registers are cached before the first check. */
static void emit_movs(Gen *g, int i, const Insn *in, const CGInline *d)
{
    (void)i, (void)d;
    CodeBuf *cb = &g->cb;
    int size = in->opcode[0] == 0xa4 ? 1 : in->opsize;
    (void)cg_greg(g, R_ESI, 4);
    (void)cg_greg(g, R_EDI, 4);
    str_addr(g, in, in->segovr != S_NONE ? in->segovr : S_DS, R_ESI, size, false);
    x_mov_rm(cb, size, HRDX, CG_HM_RSI);
    str_addr(g, in, S_ES, R_EDI, size, true);
    x_mov_mr(cb, size, CG_HM_RSI, HRDX);
    str_delta(g, size);
    str_step(g, in, R_ESI);
    str_step(g, in, R_EDI);
}

/* SCAS: flags of AL/AX/EAX - ES:[(E)DI], as CMP. */
static void emit_scas(Gen *g, int i, const Insn *in, const CGInline *d)
{
    CodeBuf *cb = &g->cb;
    int size = str_size(in);
    uint32_t fr, fw;
    cg_inline_flags(d, in, &fr, &fw);
    str_addr(g, in, S_ES, R_EDI, size, false);
    x_mov_rm(cb, size, HRDX, CG_HM_RSI);
    str_delta(g, size);
    HMem acc = cg_greg(g, R_EAX, size);
    cg_fl_prepare_op(g, i, fr, fw);
    x_alu_mr(cb, ALU_CMP, size, acc, HRDX);
    str_step(g, in, R_EDI);
}

static void emit_xchg(Gen *g, int i, const Insn *in, const CGInline *d)
{
    (void)i, (void)d;
    CodeBuf *cb = &g->cb;
    const Operand *a = &in->op[0], *b = &in->op[1];
    int sz = a->size;
    x_mov_rm(cb, sz, HRAX, cg_greg(g, a->reg, sz));
    x_mov_rm(cb, sz, HRDX, cg_greg(g, b->reg, sz));
    x_mov_mr(cb, sz, cg_greg_w(g, a->reg, sz, true), HRDX);
    x_mov_mr(cb, sz, cg_greg_w(g, b->reg, sz, true), HRAX);
}

/* One-operand MUL/IMUL: AX = AL * r/m8, DX:AX = AX * r/m16, EDX:EAX =
 * EAX * r/m32 (SDM vol. 2, MUL/IMUL). arg = the F6/F7 reg field. */
static void emit_mul1(Gen *g, int i, const Insn *in, const CGInline *d)
{
    CodeBuf *cb = &g->cb;
    const Operand *a = &in->op[0];
    int sz = a->size;
    uint32_t fr, fw;
    cg_inline_flags(d, in, &fr, &fw);
    if (a->kind == OPK_MEM) cg_emit_mem_addr(g, in, a, sz, false);
    HMem src = cg_opnd(g, a, sz, false);
    cg_fl_prepare_op(g, i, fr, fw);
    x_mov_rm(cb, sz, HRAX, cg_greg(g, R_EAX, sz));
    uint8_t o = sz == 1 ? 0xf6 : 0xf7;
    x_op_rm(cb, sz, &o, 1, d->arg, -1, &src);
    if (sz == 1) {
        x_mov_mr(cb, 2, cg_greg_w(g, R_EAX, 2, true), HRAX);
    } else {
        x_mov_mr(cb, sz, cg_greg_w(g, R_EAX, sz, true), HRAX);
        x_mov_mr(cb, sz, cg_greg_w(g, R_EDX, sz, true), HRDX);
    }
}

/* IMUL: the one-operand form as MUL, or IMUL r, r/m (, imm). */
static void emit_imul(Gen *g, int i, const Insn *in, const CGInline *d)
{
    if (in->nops < 2) {
        emit_mul1(g, i, in, d);
        return;
    }
    CodeBuf *cb = &g->cb;
    const Operand *a = &in->op[0], *b = &in->op[1];
    int sz = a->size;
    uint32_t fr, fw;
    cg_inline_flags(d, in, &fr, &fw);
    if (b->kind == OPK_MEM) cg_emit_mem_addr(g, in, b, sz, false);
    HMem src = cg_opnd(g, b, sz, false);
    /* The destination's slot is the host IMUL's destination (the source,
     * taken first, cannot be evicted by it); else through RDX. */
    HMem dst = in->nops == 3 && sz == 4 ? cg_greg_def(g, a->reg, 4) : cg_greg_w(g, a->reg, sz, true);
    int r = dst.base == HDIRECT ? dst.index : HRDX;
    if (in->nops == 2 && r == HRDX) x_mov_rm(cb, sz, HRDX, dst);
    cg_fl_prepare_op(g, i, fr, fw);
    if (in->nops == 2) {
        x_imul_rm(cb, sz, r, src);
    } else {
        uint32_t imm = in->op[2].imm;
        int32_t si = (int32_t)imm;
        if (sz == 2) si = (int16_t)imm;
        bool short_imm = si >= -128 && si <= 127;
        uint8_t o = short_imm ? 0x6b : 0x69;
        x_op_rm(cb, sz, &o, 1, r, -1, &src);
        if (short_imm) cb_byte(cb, (uint8_t)si);
        else if (sz == 2) { cb_byte(cb, (uint8_t)imm); cb_byte(cb, (uint8_t)(imm >> 8)); }
        else cb_u32(cb, imm);
    }
    if (r == HRDX) x_mov_mr(cb, sz, cg_greg_w(g, a->reg, sz, true), HRDX);
}

static void emit_movx(Gen *g, int i, const Insn *in, const CGInline *d)
{
    (void)i, (void)d;
    CodeBuf *cb = &g->cb;
    const Operand *a = &in->op[0], *b = &in->op[1];
    if (b->kind == OPK_MEM) cg_emit_mem_addr(g, in, b, b->size, false);
    HMem src = cg_opnd(g, b, b->size, false);
    /* A 32-bit destination in a cache slot is written directly (the
     * source, taken first, cannot be the slot it evicts). */
    HMem dst = a->size == 4 ? cg_greg_def(g, a->reg, 4) : hmem(HNONE, 0);
    int r = dst.base == HDIRECT ? dst.index : HRDX;
    if (in->id == X86_INS_MOVZX) x_movzx_rm(cb, r, b->size, src);
    else x_movsx_rm(cb, r, b->size, src);
    if (r == HRDX) x_mov_mr(cb, a->size, cg_greg_def(g, a->reg, a->size), HRDX);
}

static void emit_setcc(Gen *g, int i, const Insn *in, const CGInline *d)
{
    const Operand *a = &in->op[0];
    uint32_t fr, fw;
    cg_inline_flags(d, in, &fr, &fw);
    if (a->kind == OPK_MEM) cg_emit_mem_addr(g, in, a, 1, true);
    cg_fl_prepare_op(g, i, fr, 0);
    x_setcc_m(&g->cb, d->arg, cg_opnd(g, a, 1, true));
}

static void emit_cmovcc(Gen *g, int i, const Insn *in, const CGInline *d)
{
    CodeBuf *cb = &g->cb;
    const Operand *a = &in->op[0], *b = &in->op[1];
    int sz = a->size;
    uint32_t fr, fw;
    cg_inline_flags(d, in, &fr, &fw);
    if (b->kind == OPK_MEM) cg_emit_mem_addr(g, in, b, sz, false);
    HMem dst = cg_greg_w(g, a->reg, sz, true);
    if (dst.base == HDIRECT) {
        /* In place: CMOVcc r16 keeps bits 31:16 as the guest's does; the
         * 32-bit form zero-extends into the host register either way. */
        cg_fl_prepare_op(g, i, fr, 0);
        x_cmov_rm(cb, d->arg, sz, dst.index, cg_opnd(g, b, sz, false));
        return;
    }
    x_mov_rm(cb, sz, HRDX, dst);
    cg_fl_prepare_op(g, i, fr, 0);
    x_cmov_rm(cb, d->arg, sz, HRDX, cg_opnd(g, b, sz, false));
    x_mov_mr(cb, sz, cg_greg_w(g, a->reg, sz, true), HRDX);
}

static void emit_mov(Gen *g, int i, const Insn *in, const CGInline *d)
{
    (void)i, (void)d;
    CodeBuf *cb = &g->cb;
    const Operand *a = &in->op[0], *b = &in->op[1];
    int sz = a->size;
    if (a->kind == OPK_MEM) cg_emit_mem_addr(g, in, a, sz, true);
    else if (b->kind == OPK_MEM) cg_emit_mem_addr(g, in, b, sz, false);
    if (b->kind == OPK_IMM) {
        x_mov_mi(cb, sz, a->kind == OPK_REG ? cg_greg_def(g, a->reg, sz) : CG_HM_RSI, b->imm);
        return;
    }
    /* Straight between a cached register and the other operand; through
     * RDX only memory to memory. The source is taken first: the most
     * recently used slot is never the one the destination evicts. */
    HMem src = cg_opnd(g, b, sz, false);
    HMem dst = a->kind == OPK_REG ? cg_greg_def(g, a->reg, sz) : CG_HM_RSI;
    if (src.base == HDIRECT) {
        x_mov_mr(cb, sz, dst, src.index);
    } else if (dst.base == HDIRECT) {
        x_mov_rm(cb, sz, dst.index, src);
    } else {
        x_mov_rm(cb, sz, HRDX, src);
        x_mov_mr(cb, sz, dst, HRDX);
    }
}

/* ADD OR ADC SBB AND SUB XOR CMP (arg = ALU_*) and TEST (arg = -1). */
static void emit_alu(Gen *g, int i, const Insn *in, const CGInline *d)
{
    CodeBuf *cb = &g->cb;
    const Operand *a = &in->op[0], *b = &in->op[1];
    int sz = a->size;
    uint32_t fr, fw;
    cg_inline_flags(d, in, &fr, &fw);
    bool test = d->arg < 0;
    bool ro = test || d->arg == ALU_CMP;
    if (a->kind == OPK_MEM) cg_emit_mem_addr(g, in, a, sz, !ro);
    else if (b->kind == OPK_MEM) cg_emit_mem_addr(g, in, b, sz, false);
    /* XOR/SUB of a whole register with itself: zero without loading it. */
    if (sz == 4 && a->kind == OPK_REG && b->kind == OPK_REG && a->reg == b->reg &&
        (d->arg == ALU_XOR || d->arg == ALU_SUB)) {
        cg_fl_prepare_op(g, i, fr, fw);
        HMem r = cg_greg_def(g, a->reg, 4);
        x_alu_mr(cb, d->arg, 4, r, r.index);
        return;
    }
    /* A source in a cached host register is used in place (taken before
     * the destination, which then cannot evict it); else through RDX. */
    int srcr = HRDX;
    if (b->kind != OPK_IMM) {
        HMem src = cg_opnd(g, b, sz, false);
        if (src.base == HDIRECT) {
            srcr = src.index;
        } else if (a->kind == OPK_REG) {
            /* A memory source and a cached destination: the host op reads
             * the memory operand itself (reg, [rsi] / CPU.regs[]). */
            HMem dst = cg_opnd(g, a, sz, !ro);
            if (dst.base == HDIRECT) {
                cg_fl_prepare_op(g, i, fr, fw);
                if (test) x_test_mr(cb, sz, src, dst.index);
                else x_alu_rm(cb, d->arg, sz, dst.index, src);
                return;
            }
            x_mov_rm(cb, sz, HRDX, src);
        } else {
            x_mov_rm(cb, sz, HRDX, src);
        }
    }
    cg_fl_prepare_op(g, i, fr, fw);
    HMem dst = cg_opnd(g, a, sz, !ro);
    if (test) {
        if (b->kind == OPK_IMM) x_test_mi(cb, sz, dst, b->imm);
        else x_test_mr(cb, sz, dst, srcr);
    } else {
        if (b->kind == OPK_IMM) x_alu_mi(cb, d->arg, sz, dst, b->imm);
        else x_alu_mr(cb, d->arg, sz, dst, srcr);
    }
}

/* INC DEC NOT NEG on r/m. */
static void emit_unary(Gen *g, int i, const Insn *in, const CGInline *d)
{
    CodeBuf *cb = &g->cb;
    const Operand *a = &in->op[0];
    int sz = a->size;
    uint32_t fr, fw;
    cg_inline_flags(d, in, &fr, &fw);
    if (a->kind == OPK_MEM) cg_emit_mem_addr(g, in, a, sz, true);
    cg_fl_prepare_op(g, i, fr, fw);
    HMem dst = cg_opnd(g, a, sz, true);
    switch (in->id) {
    case X86_INS_INC: x_inc_m(cb, sz, dst); break;
    case X86_INS_DEC: x_dec_m(cb, sz, dst); break;
    case X86_INS_NOT: x_not_m(cb, sz, dst); break;
    default: x_neg_m(cb, sz, dst); break;
    }
}

/* ROL ROR SHL SHR SAR by imm8 or CL (arg = SH_*). */
static void emit_shift(Gen *g, int i, const Insn *in, const CGInline *d)
{
    CodeBuf *cb = &g->cb;
    const Operand *a = &in->op[0], *b = &in->op[1];
    int sz = a->size;
    if (a->kind == OPK_MEM) cg_emit_mem_addr(g, in, a, sz, true);
    if (b->kind == OPK_IMM) {
        uint32_t fr, fw;
        cg_inline_flags(d, in, &fr, &fw);
        cg_fl_prepare_op(g, i, fr, fw);
        x_shift_mi(cb, d->arg, sz, cg_opnd(g, a, sz, true), (uint8_t)b->imm);
    } else {
        x_movzx_rm(cb, HRCX, 1, cg_greg(g, R_ECX, 1));
        cg_fl_prepare_op(g, i, F_ARITH, F_ARITH);
        uint8_t o = sz == 1 ? 0xd2 : 0xd3;
        HMem dst = cg_opnd(g, a, sz, true);
        x_op_rm(cb, sz, &o, 1, d->arg, -1, &dst);
    }
}

/* ---- branch emitters (end the block) ---- */

static void emit_jcc(Gen *g, int i, const Insn *in, const CGInline *d)
{
    if (i != g->tb->n_insns - 1) {
        if (g->fwd_of[i] >= 0) cg_fwd_branch(g, i, d->arg);
        else cg_emit_side_exit(g, i, in, d->arg);
        return;
    }
    cg_fl_load(g);
    cg_fl_exit(g, g->live_after[i]);   /* LAHF/SETO/MOV leave host flags intact for the jcc */
    if (g->loop.on) {
        /* Back to this block's start with the registers in host
         * registers (cg_loop.c); the fall-through stores them. */
        cg_loop_back_edge(g, d->arg);
        rc_writeback_all(&g->cb, &g->rc);
        cg_emit_direct_exit(g, 1, in->next_eip, -1);
        return;
    }
    rc_writeback_all(&g->cb, &g->rc);  /* MOVs: flags intact too */
    cg_emit_direct_exit(g, 0, in->op[0].imm, d->arg);
    cg_emit_direct_exit(g, 1, in->next_eip, -1);
}

static void emit_jmp(Gen *g, int i, const Insn *in, const CGInline *d)
{
    (void)d;
    CodeBuf *cb = &g->cb;
    const Operand *a = &in->op[0];
    if (a->kind == OPK_IMM && i != g->tb->n_insns - 1) {
        /* Followed: the block goes on at the target (codegen.c). */
        cg_emit_boundary(g, i);
        return;
    }
    if (a->kind == OPK_IMM) {
        cg_fl_exit(g, g->live_after[i]);
        if (g->loop.on) {
            cg_loop_back_edge(g, -1);
            return;
        }
        rc_writeback_all(cb, &g->rc);
        cg_emit_direct_exit(g, 0, a->imm, -1);
        return;
    }
    cg_fl_before(g, i, true, 0, 0);
    cg_fl_spill(g);
    if (a->kind == OPK_MEM) cg_emit_mem_addr(g, in, a, in->opsize, false);
    if (in->opsize == 2) x_movzx_rm(cb, HRAX, 2, cg_opnd(g, a, 2, false));
    else x_mov_rm(cb, 4, HRAX, cg_opnd(g, a, 4, false));
    rc_writeback_all(cb, &g->rc);
    cg_emit_indirect_exit(g);
}

/* CALL r/m: read the target, push the return address, leave through the
 * jump-cache probe (as JMP r/m). Two memory accesses in one instruction:
 * nothing is written before the last point that may leave for the slow
 * path (the C helper then runs the whole CALL from the start), and ESP is
 * loaded into the register cache before the first such point, so the
 * cache state the slow path writes back stays the one of its snapshot. */
static void emit_call_ind(Gen *g, const Insn *in)
{
    CodeBuf *cb = &g->cb;
    const Operand *a = &in->op[0];
    int osz = in->opsize;
    (void)cg_greg(g, R_ESP, 4);
    if (a->kind == OPK_MEM) {
        cg_emit_mem_addr(g, in, a, osz, false);
        if (osz == 2) x_movzx_rm(cb, HRDX, 2, CG_HM_RSI);
        else x_mov_rm(cb, 4, HRDX, CG_HM_RSI);
    } else {
        if (osz == 2) x_movzx_rm(cb, HRDX, 2, cg_greg(g, a->reg, 2));
        else x_mov_rm(cb, 4, HRDX, cg_greg(g, a->reg, 4));
    }
    cg_emit_stack_addr(g, osz, true);   /* rdx survives its TLB fill */
    x_mov_mi(cb, osz, CG_HM_RSI, in->next_eip);
    cg_emit_store_sp(g);
    x_mov_rr(cb, 4, HRAX, HRDX);
    rc_writeback_all(cb, &g->rc);
    cg_emit_indirect_exit(g);
}

static void emit_call(Gen *g, int i, const Insn *in, const CGInline *d)
{
    (void)d;
    CodeBuf *cb = &g->cb;
    uint32_t opmask = in->opsize == 2 ? 0xffffu : 0xffffffffu;
    (void)i;
    /* The push may fault: every flag must be in EFLAGS for the frame. */
    cg_fl_exit(g, F_ARITH);
    if (in->op[0].kind != OPK_IMM) {
        emit_call_ind(g, in);
        return;
    }
    cg_emit_stack_addr(g, in->opsize, true);
    x_mov_mi(cb, in->opsize, CG_HM_RSI, in->next_eip);
    cg_emit_store_sp(g);
    rc_writeback_all(cb, &g->rc);
    cg_emit_direct_exit(g, 0, in->op[0].imm & opmask, -1);
}

static void emit_ret(Gen *g, int i, const Insn *in, const CGInline *d)
{
    (void)i, (void)d;
    CodeBuf *cb = &g->cb;
    const Operand *a = &in->op[0];
    cg_fl_spill(g);
    cg_emit_stack_addr(g, in->opsize, false);
    if (in->opsize == 2) x_movzx_rm(cb, HRAX, 2, CG_HM_RSI);
    else x_mov_rm(cb, 4, HRAX, CG_HM_RSI);
    if (in->nops == 1 && a->kind == OPK_IMM) x_lea(cb, 4, HRDI, hmem(HRDI, (int32_t)(a->imm & 0xffff)));
    cg_emit_store_sp(g);
    rc_writeback_all(cb, &g->rc);
    cg_emit_indirect_exit(g);
}

/* ---- the descriptor table ---- */

#define D CGF_DECODED
#define ARITH F_ARITH
#define E(ID, ATTR, ARG, RD, WR, ACC, EMIT, FORMS) \
    {X86_INS_##ID, (ATTR), (ARG), (RD), (WR), (ACC), (EMIT), #ID, (FORMS)}
/* The sixteen conditions, in condition-code order (0 = O ... 15 = G). */
#define CONDS(PFX, ATTR, ACC, EMIT, FORMS)                                              \
    E(PFX##O, ATTR, 0, D, D, ACC, EMIT, FORMS), E(PFX##NO, ATTR, 1, D, D, ACC, EMIT, FORMS),     \
    E(PFX##B, ATTR, 2, D, D, ACC, EMIT, FORMS), E(PFX##AE, ATTR, 3, D, D, ACC, EMIT, FORMS),     \
    E(PFX##E, ATTR, 4, D, D, ACC, EMIT, FORMS), E(PFX##NE, ATTR, 5, D, D, ACC, EMIT, FORMS),     \
    E(PFX##BE, ATTR, 6, D, D, ACC, EMIT, FORMS), E(PFX##A, ATTR, 7, D, D, ACC, EMIT, FORMS),     \
    E(PFX##S, ATTR, 8, D, D, ACC, EMIT, FORMS), E(PFX##NS, ATTR, 9, D, D, ACC, EMIT, FORMS),     \
    E(PFX##P, ATTR, 10, D, D, ACC, EMIT, FORMS), E(PFX##NP, ATTR, 11, D, D, ACC, EMIT, FORMS),   \
    E(PFX##L, ATTR, 12, D, D, ACC, EMIT, FORMS), E(PFX##GE, ATTR, 13, D, D, ACC, EMIT, FORMS),   \
    E(PFX##LE, ATTR, 14, D, D, ACC, EMIT, FORMS), E(PFX##G, ATTR, 15, D, D, ACC, EMIT, FORMS)

/* reads/writes: flags the inlined form reads and writes (F_* sets, or D =
 * the decoder's Capstone mask). Writes are what host EFLAGS really holds
 * afterwards, which can be more than the guest defines (the host's
 * undefined AF after a shift) or less (MUL/IMUL: only CF and OF, hosts
 * differ on the rest). */
static const CGInline table[] = {
    E(MOV, 0, 0, D, D, acc_mov, emit_mov, "r/m, r/m/imm (8/16/32-bit, not both memory)"),
    E(ADD, 0, ALU_ADD, D, ARITH, acc_binary, emit_alu, "r/m, r/m/imm"),
    E(OR, 0, ALU_OR, D, ARITH, acc_binary, emit_alu, "r/m, r/m/imm"),
    E(ADC, 0, ALU_ADC, D, ARITH, acc_binary, emit_alu, "r/m, r/m/imm"),
    E(SBB, 0, ALU_SBB, D, ARITH, acc_binary, emit_alu, "r/m, r/m/imm"),
    E(AND, 0, ALU_AND, D, ARITH, acc_binary, emit_alu, "r/m, r/m/imm"),
    E(SUB, 0, ALU_SUB, D, ARITH, acc_binary, emit_alu, "r/m, r/m/imm"),
    E(XOR, 0, ALU_XOR, D, ARITH, acc_binary, emit_alu, "r/m, r/m/imm"),
    E(CMP, 0, ALU_CMP, D, ARITH, acc_binary, emit_alu, "r/m, r/m/imm"),
    E(TEST, 0, -1, D, ARITH, acc_binary, emit_alu, "r/m, r/m/imm"),
    E(INC, 0, 0, D, ARITH & ~F_CF, acc_unary, emit_unary, "r/m"),
    E(DEC, 0, 0, D, ARITH & ~F_CF, acc_unary, emit_unary, "r/m"),
    E(NOT, 0, 0, D, D, acc_unary, emit_unary, "r/m"),
    E(NEG, 0, 0, D, ARITH, acc_unary, emit_unary, "r/m"),
    E(LEA, CGI_ADDR_ONLY, 0, D, D, acc_lea, emit_lea, "r, m"),
    E(MOVZX, 0, 0, D, D, acc_reg_rm, emit_movx, "r, r/m8/16"),
    E(MOVSX, 0, 0, D, D, acc_reg_rm, emit_movx, "r, r/m8/16"),
    E(ROL, CGI_SHIFT, SH_ROL, D, 0, acc_shift, emit_shift, "r/m, imm8/CL"),
    E(ROR, CGI_SHIFT, SH_ROR, D, 0, acc_shift, emit_shift, "r/m, imm8/CL"),
    E(SHL, CGI_SHIFT, SH_SHL, D, 0, acc_shift, emit_shift, "r/m, imm8/CL"),
    E(SHR, CGI_SHIFT, SH_SHR, D, 0, acc_shift, emit_shift, "r/m, imm8/CL"),
    E(SAR, CGI_SHIFT, SH_SAR, D, 0, acc_shift, emit_shift, "r/m, imm8/CL"),
    E(MUL, 0, 4, 0, F_CF | F_OF, acc_unary, emit_mul1, "r/m (AX/DX:AX/EDX:EAX)"),
    E(IMUL, 0, 5, 0, F_CF | F_OF, acc_imul, emit_imul, "r/m; r16/32, r/m; r16/32, r/m, imm"),
    E(DIV, CGI_CLOBBERS, 0, 0, 0, acc_unary, cg_emit_div, "r/m (AX/DX:AX/EDX:EAX; #DE via the helper)"),
    E(IDIV, CGI_CLOBBERS, 0, 0, 0, acc_unary, cg_emit_div, "r/m (AX/DX:AX/EDX:EAX; #DE via the helper)"),
    E(XCHG, 0, 0, D, D, acc_reg_reg, emit_xchg, "r, r"),
    E(CMPXCHG, 0, 0, D, ARITH, acc_cmpxchg, emit_cmpxchg, "m, r (LOCK too)"),
    E(PUSH, CGI_CLOBBERS, 0, D, 0, acc_push, emit_push, "r16/32, imm, m16/32"),
    E(POP, CGI_CLOBBERS, 0, D, 0, acc_pop, emit_pop, "r16/32"),
    E(LEAVE, CGI_CLOBBERS, 0, 0, 0, acc_str, emit_leave, "-"),
    E(LODSB, CGI_CLOBBERS, 0, 0, 0, acc_str, emit_lods, "without REP"),
    E(LODSW, CGI_CLOBBERS, 0, 0, 0, acc_str, emit_lods, "without REP"),
    E(LODSD, CGI_CLOBBERS, 0, 0, 0, acc_str, emit_lods, "without REP"),
    E(STOSB, CGI_CLOBBERS, 0, 0, 0, acc_str, emit_stos, "without REP"),
    E(STOSW, CGI_CLOBBERS, 0, 0, 0, acc_str, emit_stos, "without REP"),
    E(STOSD, CGI_CLOBBERS, 0, 0, 0, acc_str, emit_stos, "without REP"),
    E(MOVSB, CGI_CLOBBERS, 0, 0, 0, acc_movs, emit_movs, "without REP"),
    E(MOVSW, CGI_CLOBBERS, 0, 0, 0, acc_movs, emit_movs, "without REP"),
    E(MOVSD, CGI_CLOBBERS, 0, 0, 0, acc_movs, emit_movs, "without REP (not SSE2 MOVSD)"),
    E(SCASB, CGI_CLOBBERS, 0, 0, ARITH, acc_str, emit_scas, "without REP"),
    E(SCASW, CGI_CLOBBERS, 0, 0, ARITH, acc_str, emit_scas, "without REP"),
    E(SCASD, CGI_CLOBBERS, 0, 0, ARITH, acc_str, emit_scas, "without REP"),
    E(NOP, 0, 0, D, D, acc_any, emit_nop, "all"),
    E(PAUSE, 0, 0, 0, 0, acc_any, emit_nop, "- (a NOP, as the helper)"),
    E(CLD, CGI_CLOBBERS, 0, 0, 0, acc_any, emit_df, "-"),
    E(STD, CGI_CLOBBERS, 0, 0, 0, acc_any, emit_df, "-"),
    E(CLC, 0, 0xf8, D, F_CF, acc_any, emit_cf, "-"),
    E(STC, 0, 0xf9, D, F_CF, acc_any, emit_cf, "-"),
    E(CMC, 0, 0xf5, F_CF, F_CF, acc_any, emit_cf, "-"),
    CONDS(SET, CGI_COND, acc_any, emit_setcc, "r/m8"),
    CONDS(CMOV, CGI_COND, acc_cmov, emit_cmovcc, "r16/32, r/m"),
    CONDS(J, CGI_COND | CGI_BRANCH, near_branch_ok, emit_jcc, "rel8/16/32 (not o32 in 16-bit code)"),
    E(JMP, CGI_BRANCH, 0, D, 0, acc_jmp, emit_jmp, "rel, r/m (not far; not o32 in 16-bit code)"),
    E(CALL, CGI_BRANCH, 0, D, 0, acc_call, emit_call, "rel, r/m (near; not o32 in 16-bit code)"),
    E(RET, CGI_BRANCH, 0, D, 0, near_branch_ok, emit_ret, "near, with or without imm16 (not o32 in 16-bit code)"),
};

#undef E
#undef CONDS
#undef D
#undef ARITH

const CGInline *cg_inline_table(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}

/* Capstone id -> 1 + table index (0: not in the table). Built when the
 * program loads, so lookups never race with its construction. */
static uint8_t by_id[X86_INS_ENDING];

_Static_assert(sizeof table / sizeof table[0] < 255, "by_id holds table indices in a byte");

__attribute__((constructor)) static void build_index(void)
{
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++) by_id[table[k].id] = (uint8_t)(k + 1);
}

const CGInline *cg_inline_lookup(const Insn *in)
{
    if (in->id >= X86_INS_ENDING || !by_id[in->id] || (in->flags & INSN_NOINLINE)) return NULL;
    const CGInline *d = &table[by_id[in->id] - 1];
    /* LOCK on a branch is #UD like on any non-memory form (SDM vol. 2,
     * LOCK; found by gfuzz, seed 16 case 913520: F0 F2 C3 returned);
     * CMPXCHG takes it (its accepts: m, r). */
    if ((in->flags & INSN_LOCK) && in->id != X86_INS_CMPXCHG) return NULL;
    if (!(d->attr & CGI_BRANCH) && (in->flags & (INSN_REP | INSN_REPNE))) {
        /* REP/REPNE on a NOP (ENDBR32, hint NOPs) change nothing, F3 90
         * is PAUSE. */
        if (in->id != X86_INS_NOP && in->id != X86_INS_PAUSE) return NULL;
    }
    return d->accepts(in) ? d : NULL;
}

void cg_inline_flags(const CGInline *d, const Insn *in, uint32_t *fr, uint32_t *fw)
{
    uint32_t r = d->reads & F_ARITH, w = d->writes & F_ARITH;
    if (d->reads & CGF_DECODED) r |= in->flags_read & F_ARITH;
    if (d->writes & CGF_DECODED) w |= in->flags_written & F_ARITH;
    if (d->attr & CGI_COND) r |= cg_cond_flags(d->arg);
    if (d->attr & CGI_SHIFT) {
        if (in->op[1].kind == OPK_IMM) {
            unsigned cnt = in->op[1].imm & 31;
            if (cnt == 0) w = 0;
            else if (d->arg == SH_ROL || d->arg == SH_ROR) w = F_CF | F_OF;
            else w = F_ARITH;   /* host writes AF too (undefined) */
        } else {
            /* count in CL may be zero: flags read-through */
            r = F_ARITH;
            w = F_ARITH;
        }
    }
    *fr = r;
    *fw = w;
}

bool cg_inline_may_fault(const CGInline *d, const Insn *in)
{
    if (in->id == X86_INS_PUSH || in->id == X86_INS_POP || in->id == X86_INS_CALL) return true;
    if (d->emit == emit_leave || d->emit == emit_lods || d->emit == emit_stos || d->emit == emit_scas ||
        d->emit == emit_movs)
        return true;   /* implicit memory operands */
    if (in->id == X86_INS_DIV || in->id == X86_INS_IDIV) return true;   /* #DE */
    if ((d->attr & CGI_ADDR_ONLY) || in->id == X86_INS_NOP || in->id == X86_INS_PAUSE) return false;
    for (int k = 0; k < in->nops && k < 2; k++)
        if (in->op[k].kind == OPK_MEM) return true;
    return false;
}

void cg_emit_inline(Gen *g, int i, const Insn *in, const CGInline *d)
{
    if (d->attr & CGI_BRANCH) {
        d->emit(g, i, in, d);
        return;
    }
    uint32_t fr, fw;
    cg_inline_flags(d, in, &fr, &fw);
    const Operand *a = &in->op[0], *b = &in->op[1];
    bool mem = !(d->attr & CGI_ADDR_ONLY) &&
               ((in->nops >= 1 && a->kind == OPK_MEM) || (in->nops >= 2 && b->kind == OPK_MEM));
    /* A form that may fault exposes all six flags in the exception frame:
     * its slow path (the C helper) must find them in EFLAGS. */
    if (cg_inline_may_fault(d, in)) fr |= F_ARITH;
    /* A memory operand served from a base-register window with a flag-free
     * guard (cg_frame.c) leaves host flags alone; its out-of-line path
     * spills them for the fault. */
    bool keep = mem && cg_frame_keeps_flags(g, in, d);
    cg_fl_before(g, i, (mem && !keep) || (d->attr & CGI_CLOBBERS), fr, fw);
    g->frame_keep = keep;
    d->emit(g, i, in, d);
    g->frame_keep = false;
}
