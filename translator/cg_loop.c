/* cg_loop.c - blocks that branch back to their own start (self-loops).
 *
 * A block whose last instruction is an inlined Jcc or JMP rel to its own
 * first instruction keeps guest registers in host registers across the
 * back edge: the entry loads the registers the block uses most (up to the
 * five callee-saved cache slots) and marks them dirty, so every exit stores them; the
 * back edge runs code that brings the register cache back
 * to that state (stores and loads only where the body's cache differs),
 * counts the next iteration and polls the deadline as a block entry does,
 * then jumps to the loop top behind the loads (inline, behind the inverse
 * Jcc that leaves the loop). Flags are in DbtCPU.aflags
 * at the top, as at any block entry (the back edge spills them like any
 * exit: all six are live out). A deadline reached on the back edge leaves
 * as the deadline exit of the block entry does, with EIP = the block start.
 */
#include "cg_internal.h"

#include <capstone/x86.h>
#include <string.h>

bool cg_loop_plan(Gen *g, const Insn *insns, int n)
{
    const Insn *last = &insns[n - 1];
    TB *tb = g->tb;
    memset(&g->loop, 0, sizeof g->loop);
    if (!(g->mode & TMODE_INLINE) || (g->mode & TMODE_ONE)) return false;
    if (tb->phys_page2 != ~0u) return false;
    if (g->tc->n_bp && tc_is_bp(g->tc, tb->lin_pc)) return false;
    const CGInline *d = cg_inline_lookup(last);
    if (!d || !(d->attr & CGI_BRANCH)) return false;
    bool jcc = d->attr & CGI_COND;
    if (!jcc && !(last->id == X86_INS_JMP && last->op[0].kind == OPK_IMM)) return false;
    if (last->op[0].imm != tb->eip) return false;
    for (int i = 0; i < n; i++)
        if (g->x87[i] & CGX_FAST) return false;

    /* The registers to keep: the most used ones (operands, addresses, ESP
     * for stack instructions; AH..BH go through memory and are skipped). */
    int use[8] = {0};
    for (int i = 0; i < n; i++) {
        const Insn *in = &insns[i];
        for (int k = 0; k < in->nops && k < 3; k++) {
            const Operand *o = &in->op[k];
            if (o->kind == OPK_REG && (o->size != 1 || o->reg < 4)) use[o->reg & 7] += 2;
            if (o->kind == OPK_MEM) {
                if (o->base != REG_NONE) use[o->base & 7] += 2;
                if (o->index != REG_NONE) use[o->index & 7] += 2;
            }
        }
        if (in->id == X86_INS_PUSH || in->id == X86_INS_POP || in->id == X86_INS_CALL ||
            in->id == X86_INS_RET)
            use[R_ESP] += 2;
    }
    RegCache *t = &g->loop.top_rc;
    rc_reset(t);
    for (int s = 0; s < NCACHE_SAVED; s++) {   /* r8-r11 may be windows (cg_frame.c) */
        int best = -1;
        for (int r = 0; r < 8; r++)
            if (use[r] > 0 && (best < 0 || use[r] > use[best])) best = r;
        if (best < 0) break;
        use[best] = 0;
        t->slot_of[best] = (int8_t)s;
        t->guest_in[s] = (int8_t)best;
        t->dirty[s] = true;
        t->used[s] = ++t->tick;
    }
    g->loop.on = true;
    return true;
}

void cg_loop_top(Gen *g)
{
    rc_reconcile(&g->cb, &g->rc, &g->loop.top_rc);
    g->rc = g->loop.top_rc;
    g->loop.top = g->cb.p;
}

void cg_loop_back_edge(Gen *g, int cc)
{
    /* Inline: a Jcc back edge becomes the inverse Jcc over the loop path,
     * so an iteration takes one host jump (the JMP to the top), not two. */
    CodeBuf *cb = &g->cb;
    uint8_t *jout = cc >= 0 ? x_jcc_rel32(cb, cc ^ 1, NULL) : NULL;
    g->loop.back_rc = g->rc;
    rc_reconcile(cb, &g->loop.back_rc, &g->loop.top_rc);
    g->loop.jf = cg_emit_entry_check(g);
    x_jmp_rel32(cb, g->loop.top);
    if (jout) x_patch_rel32(jout, cb->p);
}

void cg_loop_emit_tail(Gen *g)
{
    CodeBuf *cb = &g->cb;
    /* Deadline on the back edge: as at the entry, but the registers of
     * the loop top are in host registers. */
    x_patch_rel32(g->loop.jf, cb->p);
    rc_writeback_snapshot(cb, &g->loop.top_rc);
    x_mov_mi(cb, 4, hmem(HRBP, CG_OFF_EIP), g->tb->eip);
    x_alu_rr(cb, ALU_XOR, 4, HRAX, HRAX);
    x_jmp_rel32(cb, g->rt->epilogue);
}
