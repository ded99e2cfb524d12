/* cg_frame.c - base-register windows: one TLB check per block for the
 * memory operands [reg + disp] of a register the block does not change.
 *
 * Hot kernel code addresses its locals as [ebp - n] and its structures as
 * [edi + n] many times per block (the MPI multiply loops: 17 stack slots
 * per iteration), and each access paid the whole inline sequence (segment
 * offset -> TLB index -> tag compare -> addend, 9 host instructions). Here,
 * for up to four guest registers whose value is the same at every such
 * access (not written before it; for a self-loop block, not written
 * anywhere in it), one check (at the entry of a self-loop, else before
 * the first such operand) finds whether the bytes from the lowest to the
 * highest operand of that register lie in one page the TLB maps (the write TLB, and the read TLB to the same host page, when one of
 * them writes), and keeps host(reg + 0) in r8..r11 (0 when the check
 * failed). Every later access is then `test r8, r8; jz out-of-line; lea rsi,
 * [r8 + disp]`; where the status flags are in host EFLAGS and the
 * instruction is a plain MOV/ALU/SETcc/CMOVcc form, a flag-free `mov rcx,
 * r8; jrcxz` instead, whose out-of-line path spills them before the
 * ordinary sequence and loads them back: no spill on the fast path (a
 * fault can only happen out of line). The check only looks at the TLB (no fill, no fault, no
 * accessed/dirty bit: nothing a guest can see), so a window that failed
 * costs the out-of-line path, which is the ordinary sequence (tag compare,
 * fill, whole-instruction helper).
 *
 * Only flat 32-bit code (TMODE_FLAT: DS/ES/SS base 0, limit 4 GiB),
 * without inline x87 runs (their C calls would not keep r8..r11). Every C
 * call that returns into the block (TLB fill, the slow paths' helpers)
 * saves r8..r11 when the block has windows; a helper for an instruction
 * that is not inlined closes every window (it may change any register).
 * XLAT86_NOFRAME=1 turns the windows off (for A/B measurements).
 */
#include <stdlib.h>

#include <capstone/x86.h>

#include "cg_internal.h"
#include "dbt_stats.h"
#include "devices/memory.h"

#define FRAME_SPAN_MAX 512   /* bytes from the lowest to the highest operand */

static const int frame_host[CG_MAX_FRAMES] = {HR8, HR9, HR10, HR11};

static int frame_off = -1;

static bool frames_disabled(void)
{
    if (frame_off < 0) {
        const char *v = getenv("XLAT86_NOFRAME");
        frame_off = v && *v && *v != '0';
    }
    return frame_off;
}

/* The guest registers an inlined instruction writes (bit r = register r),
 * conservatively: anything not known here writes all of them. */
static unsigned regs_written(const Insn *in, const CGInline *d)
{
    const Operand *a = &in->op[0];
    unsigned dst = 0;
    if (in->nops >= 1 && a->kind == OPK_REG) dst = 1u << (a->size == 1 ? (a->reg & 3) : a->reg);
    if (d->attr & CGI_BRANCH) {
        if (in->id == X86_INS_CALL || in->id == X86_INS_RET) return 1u << R_ESP;
        return 0;   /* Jcc, JMP: no register */
    }
    if (d->attr & CGI_COND) return dst;   /* SETcc, CMOVcc */
    switch (in->id) {
    case X86_INS_CMP: case X86_INS_TEST: case X86_INS_NOP: case X86_INS_PAUSE:
    case X86_INS_CLC: case X86_INS_STC: case X86_INS_CMC: case X86_INS_CLD: case X86_INS_STD:
        return 0;
    case X86_INS_MOV: case X86_INS_ADD: case X86_INS_OR: case X86_INS_ADC: case X86_INS_SBB:
    case X86_INS_AND: case X86_INS_SUB: case X86_INS_XOR: case X86_INS_INC: case X86_INS_DEC:
    case X86_INS_NOT: case X86_INS_NEG: case X86_INS_LEA: case X86_INS_MOVZX: case X86_INS_MOVSX:
    case X86_INS_ROL: case X86_INS_ROR: case X86_INS_SHL: case X86_INS_SHR: case X86_INS_SAR:
        return dst;
    case X86_INS_XCHG: {
        unsigned w = dst;
        const Operand *b = &in->op[1];
        if (in->nops == 2 && b->kind == OPK_REG) w |= 1u << (b->size == 1 ? (b->reg & 3) : b->reg);
        return w;
    }
    case X86_INS_MUL: case X86_INS_DIV: case X86_INS_IDIV:
        return (1u << R_EAX) | (1u << R_EDX);
    case X86_INS_IMUL:
        return in->nops == 1 ? (1u << R_EAX) | (1u << R_EDX) : dst;
    case X86_INS_CMPXCHG:
        return (1u << R_EAX) | dst;
    case X86_INS_PUSH:
        return 1u << R_ESP;
    case X86_INS_POP:
        return (1u << R_ESP) | dst;
    case X86_INS_LEAVE:
        return (1u << R_ESP) | (1u << R_EBP);
    default:
        return 0xffu;   /* string instructions and anything else */
    }
}

/* A memory operand a window may serve: flat DS/ES/SS, 32-bit address,
 * base register only. */
static bool frame_operand(const Insn *in, const Operand *op)
{
    return op->kind == OPK_MEM && in->addrsize == 4 && op->base != REG_NONE && op->index == REG_NONE &&
           (op->seg == S_DS || op->seg == S_ES || op->seg == S_SS);
}

void cg_frame_plan(Gen *g, const Insn *insns, int n)
{
    g->nfp = 0;
    for (int r = 0; r < 8; r++) g->fp_of[r] = -1;
    if (!g->flat || !(g->mode & TMODE_INLINE) || (g->mode & TMODE_ONE) || frames_disabled()) return;
    for (int i = 0; i < n; i++)
        if (g->x87[i] & CGX_FAST) return;
    struct { int count; int32_t lo, hi; bool write, read; int first; } acc[8] = {{0, 0, 0, false, false, 0}};
    int until[8];
    for (int r = 0; r < 8; r++) until[r] = n;
    unsigned alive = 0xffu;
    for (int i = 0; i < n && alive; i++) {
        const Insn *in = &insns[i];
        const CGInline *d = cg_inline_lookup(in);
        if (!d) {   /* a helper: it may change any register (and r8..r11) */
            for (int r = 0; r < 8; r++)
                if (alive & (1u << r)) until[r] = i;
            break;
        }
        if (!(d->attr & CGI_ADDR_ONLY)) {
            for (int k = 0; k < in->nops && k < 4; k++) {
                const Operand *op = &in->op[k];
                if (!frame_operand(in, op) || !(alive & (1u << op->base))) continue;
                int r = op->base, sz = op->size ? op->size : in->opsize;
                int32_t lo = op->disp, hi = op->disp + sz - 1;
                if (acc[r].count == 0) acc[r].first = i;
                if (acc[r].count == 0 || lo < acc[r].lo) acc[r].lo = lo;
                if (acc[r].count == 0 || hi > acc[r].hi) acc[r].hi = hi;
                acc[r].count++;
                if (k == 0 && in->id != X86_INS_CMP && in->id != X86_INS_TEST) acc[r].write = true;
                if (k != 0 || in->id != X86_INS_MOV) acc[r].read = true;
            }
        }
        unsigned w = regs_written(in, d);
        for (int r = 0; r < 8; r++)
            if ((alive & w & (1u << r))) until[r] = i;
        alive &= ~w;
    }
    if (g->loop.on) {
        /* A self-loop comes back to its top with the registers it wrote:
         * only windows of registers it never writes hold there. */
        for (int i = 0; i < n; i++) {
            const CGInline *d = cg_inline_lookup(&insns[i]);
            unsigned w = d ? regs_written(&insns[i], d) : 0xffu;
            for (int r = 0; r < 8; r++)
                if (w & (1u << r)) acc[r].count = 0;
        }
    }
    /* Up to four registers with enough operands, most used first: two in
     * a self-loop (checked once at the entry), three elsewhere (checked at
     * the first, which costs about one ordinary access more). */
    int min = g->loop.on ? 2 : 3;
    while (g->nfp < CG_MAX_FRAMES) {
        int best = -1;
        for (int r = 0; r < 8; r++) {
            if (g->fp_of[r] >= 0 || acc[r].count < min) continue;
            if ((int64_t)acc[r].hi - acc[r].lo + 1 > FRAME_SPAN_MAX) continue;
            if (best < 0 || acc[r].count > acc[best].count) best = r;
        }
        if (best < 0) break;
        int k = g->nfp++;
        g->fp_of[best] = (int8_t)k;
        g->fp[k].reg = (uint8_t)best;
        g->fp[k].lo = acc[best].lo;
        g->fp[k].hi = acc[best].hi;
        g->fp[k].write = acc[best].write;
        g->fp[k].read = acc[best].read;
        g->fp[k].until = until[best];
        g->fp[k].first = g->loop.on ? -1 : acc[best].first;
    }
}

/* Window k's check: host(reg + lo) - lo into its register when [reg + lo,
 * reg + hi] is one page the TLB maps, else 0 (clobbers rax, rcx, rsi and
 * host flags). breg: where the guest register is. */
static void setup_one(Gen *g, int k, HMem breg)
{
    CodeBuf *cb = &g->cb;
    int32_t tlb_r = CG_OFF_TLB_READ, tlb_w = CG_OFF_TLB_WRITE;
    if (((g->mode >> 5) & 3) == 3) {   /* the user set */
        tlb_r += (int32_t)(TLB_SIZE * sizeof(TLBEntry));
        tlb_w += (int32_t)(TLB_SIZE * sizeof(TLBEntry));
    }
    int h = frame_host[k];
    int32_t lo = g->fp[k].lo, span = g->fp[k].hi - g->fp[k].lo;
    x_alu_rr(cb, ALU_XOR, 4, h, h);
    if (breg.base == HDIRECT) x_lea(cb, 4, HRSI, hmem(breg.index, lo));
    else {
        x_mov_rm(cb, 4, HRSI, breg);
        x_lea(cb, 4, HRSI, hmem(HRSI, lo));
    }
    x_mov_rr(cb, 4, HRAX, HRSI);
    x_shift_ri(cb, SH_SHR, 4, HRAX, 8);
    x_alu_ri(cb, ALU_AND, 4, HRAX, (TLB_SIZE - 1) << 4);
    x_lea(cb, 4, HRCX, hmem(HRSI, span));
    x_alu_ri(cb, ALU_AND, 4, HRCX, PAGE_MASK);
    int32_t tlb = g->fp[k].write ? tlb_w : tlb_r;
    HMem tag = {HRBP, HRAX, 1, tlb};
    HMem add = {HRBP, HRAX, 1, tlb + (int32_t)offsetof(TLBEntry, addend)};
    x_alu_rm(cb, ALU_CMP, 4, HRCX, tag);
    uint8_t *j1 = x_jcc_rel32(cb, 5 /* jne */, NULL), *j2 = NULL, *j3 = NULL;
    if (g->fp[k].write && g->fp[k].read) {
        /* Reads through the write mapping: the read TLB must map the page
         * to the same host page (PAM can split them). */
        HMem rtag = {HRBP, HRAX, 1, tlb_r};
        HMem radd = {HRBP, HRAX, 1, tlb_r + (int32_t)offsetof(TLBEntry, addend)};
        x_alu_rm(cb, ALU_CMP, 4, HRCX, rtag);
        j2 = x_jcc_rel32(cb, 5, NULL);
        x_mov_rm(cb, 8, HRCX, radd);
        x_alu_rm(cb, ALU_CMP, 8, HRCX, add);
        j3 = x_jcc_rel32(cb, 5, NULL);
    }
    x_alu_rm(cb, ALU_ADD, 8, HRSI, add);
    x_lea(cb, 8, h, hmem(HRSI, -lo));
    x_patch_rel32(j1, cb->p);
    if (j2) x_patch_rel32(j2, cb->p);
    if (j3) x_patch_rel32(j3, cb->p);
}

/* Self-loops: at the block entry (flags in DbtCPU.aflags, nothing cached),
 * before the loop top, so every round uses it. */
void cg_frame_setup(Gen *g)
{
    for (int k = 0; k < g->nfp; k++)
        if (g->fp[k].first < 0) setup_one(g, k, hmem(HRBP, CG_OFF_REGS + 4 * g->fp[k].reg));
}

/* Other blocks: before the instruction of the window's first operand, so
 * a block that leaves earlier (a side exit) does not pay for it. */
void cg_frame_before_insn(Gen *g, int i)
{
    for (int k = 0; k < g->nfp; k++) {
        if (g->fp[k].first != i) continue;
        if (g->floc == FL_HOST) cg_fl_spill(g);   /* as that operand's own check would */
        setup_one(g, k, cg_greg(g, g->fp[k].reg, 4));
    }
}

/* The window that serves operand op of instruction in (size bytes), or -1. */
static int frame_window(Gen *g, const Insn *in, const Operand *op, int size, bool write)
{
    if (!g->nfp || !frame_operand(in, op)) return -1;
    int k = g->fp_of[op->base];
    if (k < 0) return -1;
    int i = (int)(in - g->tb->insns);
    if (i >= g->fp[k].until) return -1;
    if (write && !g->fp[k].write) return -1;
    if (!write && !g->fp[k].read) return -1;   /* a write-only window: no read check */
    if (op->disp < g->fp[k].lo || (int64_t)op->disp + size - 1 > g->fp[k].hi) return -1;
    return k;
}

bool cg_frame_keeps_flags(Gen *g, const Insn *in, const CGInline *d)
{
    if (!g->nfp || g->floc != FL_HOST || (d->attr & (CGI_CLOBBERS | CGI_BRANCH | CGI_ADDR_ONLY))) return false;
    switch (in->id) {
    case X86_INS_MOV: case X86_INS_MOVZX: case X86_INS_MOVSX: case X86_INS_ADD: case X86_INS_OR:
    case X86_INS_ADC: case X86_INS_SBB: case X86_INS_AND: case X86_INS_SUB: case X86_INS_XOR:
    case X86_INS_CMP: case X86_INS_TEST:
        break;
    default:
        if (!(d->attr & CGI_COND)) return false;   /* SETcc, CMOVcc */
    }
    if (in->nops != 2) return false;
    const Operand *a = &in->op[0], *b = &in->op[1];
    bool ro = in->id == X86_INS_CMP || in->id == X86_INS_TEST;
    if (a->kind == OPK_MEM && b->kind != OPK_MEM) return frame_window(g, in, a, a->size, !ro) >= 0;
    if (b->kind == OPK_MEM && a->kind != OPK_MEM) return frame_window(g, in, b, b->size, false) >= 0;
    return false;
}

bool cg_frame_access(Gen *g, const Insn *in, const Operand *op, int size, bool write)
{
    bool keep = g->frame_keep;
    g->frame_keep = false;
    int k = frame_window(g, in, op, size, write);
    Slow *s = g->cur_slow;
    if (k < 0 || s->frame_jf || s->nmiss >= 2) {
        /* Host flags were kept for a window that does not serve it after
         * all: the ordinary sequence clobbers them. */
        if (keep) cg_fl_spill(g);
        return false;
    }
    CodeBuf *cb = &g->cb;
    int h = frame_host[k];
    dbt_stats_emit_inc(g, GST_FRAME);
    if (!s->have_rc_jump) {
        s->rc_jump = g->rc;
        s->have_rc_jump = true;
    }
    if (keep && g->floc == FL_HOST) {
        /* Flag-free: mov rcx, h; jrcxz 1f; jmp short 2f; 1: jmp out of
         * line (which spills the flags first and reloads them back);
         * 2: lea rsi, [rcx + disp]. */
        x_mov_rr(cb, 8, HRCX, h);
        cb_byte(cb, 0xe3);
        cb_byte(cb, 2);
        cb_byte(cb, 0xeb);
        cb_byte(cb, 5);
        s->frame_jf = x_jmp_rel32(cb, NULL);
        s->frame_flags = true;
    } else {
        x_test_rr(cb, 8, h, h);
        s->frame_jf = x_jcc_rel32(cb, 4 /* jz */, NULL);
        s->frame_flags = false;
    }
    s->frame_op = op;
    s->frame_size = (uint8_t)size;
    s->frame_write = write;
    x_lea(cb, 8, HRSI, hmem(h, op->disp));
    s->frame_resume = cb->p;
    return true;
}

/* The window was empty: the ordinary sequence from the cache state at the
 * access (read, not changed: the fast path resumes with it). */
void cg_frame_emit_ool(Gen *g, Slow *s)
{
    CodeBuf *cb = &g->cb;
    const Operand *op = s->frame_op;
    x_patch_rel32(s->frame_jf, cb->p);
    dbt_stats_emit_inc(g, GST_FRAME_OOL);
    if (s->frame_flags) {   /* the fast path kept them in host EFLAGS */
        g->floc = FL_HOST;
        cg_fl_spill(g);
    }
    int slot = s->rc_jump.slot_of[op->base];
    if (slot >= 0) x_mov_rr(cb, 4, HRSI, rc_host_reg(slot));
    else x_mov_rm(cb, 4, HRSI, hmem(HRBP, CG_OFF_REGS + 4 * op->base));
    x_lea(cb, 4, HRSI, hmem(HRSI, op->disp));
    g->cur_slow = s;
    cg_emit_seg_tlb(g, op->seg, s->frame_size, s->frame_write);
    if (s->frame_flags) {
        g->floc = FL_MEM;
        cg_fl_load(g);
    }
    x_jmp_rel32(cb, s->frame_resume);
}

/* Around a C call that returns into the block: r8..r11 (an even count
 * keeps the stack aligned). */
void cg_frame_save(Gen *g)
{
    if (!g->hi_regs) return;
    for (int k = 0; k < CG_MAX_FRAMES; k++) x_push_r(&g->cb, frame_host[k]);
}

void cg_frame_restore(Gen *g)
{
    if (!g->hi_regs) return;
    for (int k = CG_MAX_FRAMES - 1; k >= 0; k--) x_pop_r(&g->cb, frame_host[k]);
}
