/* cg_fwd.c - forward branches inside a block.
 *
 * A Jcc inside a block (a side-exit candidate, codegen.c) whose target is
 * an instruction later in the same block - the skip over an if-then, as in
 * `jae 1f; lea edi, [eax+4]; 1: mov eax, [edi]` - does not leave: its
 * taken path goes out of line, spills the flags unless DbtCPU.aflags
 * holds them already (LAHF/SETO: host flags stay as the Jcc saw them), brings the register cache to the target's
 * state, gives back the skipped instructions' count (MOV/LEA/MOV: flag
 * neutral) and jumps to the target's code. At the target every cached
 * register is marked dirty (no code), so the reconcile's loads-after-stores
 * rule holds and the registers the taken path carries are stored at the
 * exits. Both paths arrive with the guest flags in host EFLAGS and in
 * DbtCPU.aflags. The Jcc stays an inner boundary: the counts C code sees
 * (Insn.icount_tail) are those of the blocks without it, as for a side
 * exit. Not in blocks with inline x87 runs.
 */
#include "cg_internal.h"

#include <stdlib.h>
#include <string.h>

void cg_fwd_plan(Gen *g, const Insn *insns, int n, bool inl)
{
    g->nfwd = 0;
    for (int i = 0; i < n; i++) g->fwd_of[i] = -1;
    if (!inl || (g->mode & (TMODE_ONE | TMODE_NOSIDE))) return;
    for (int i = 0; i < n; i++)
        if (g->x87[i] & CGX_FAST) return;
    for (int j = 0, b = 0; j < n - 1 && b < g->nbound; j++) {
        if (g->bcount[b] != j + 1) continue;
        b++;
        const Insn *in = &insns[j];
        const CGInline *d = cg_inline_lookup(in);
        if (!d || !(d->attr & CGI_BRANCH) || !(d->attr & CGI_COND)) continue;   /* a followed JMP */
        int to = -1, seen = 0;
        for (int k = 0; k < n; k++)
            if (insns[k].eip == in->op[0].imm) {
                seen++;
                if (k > j) to = k;
            }
        if (to < 0 || seen != 1 || g->nfwd >= CG_MAX_BOUNDS) continue;
        int f = g->nfwd++;
        memset(&g->fwd[f], 0, sizeof g->fwd[f]);
        g->fwd[f].from = j;
        g->fwd[f].to = to;
        g->fwd_of[j] = (int8_t)f;
    }
}

/* A forward branch that jumps over the instruction where a window is set
 * up (cg_frame_before_insn) would reach operands the window serves with
 * it unset: such a Jcc stays a side exit. Windows of a self-loop are set
 * up at the block entry (first < 0) and those set up at the target itself
 * or before the Jcc are on both paths: those branches stay. */
void cg_fwd_drop_skips(Gen *g, int n)
{
    int kept = 0;
    for (int f = 0; f < g->nfwd; f++) {
        bool skips = false;
        for (int k = 0; k < g->nfp; k++)
            skips |= g->fp[k].first > g->fwd[f].from && g->fp[k].first < g->fwd[f].to;
        if (!skips) g->fwd[kept++] = g->fwd[f];
    }
    g->nfwd = kept;
    for (int i = 0; i < n; i++) g->fwd_of[i] = -1;
    for (int f = 0; f < kept; f++) g->fwd_of[g->fwd[f].from] = (int8_t)f;
}

void cg_fwd_target(Gen *g, int i)
{
    bool any = false;
    for (int f = 0; f < g->nfwd; f++) any |= g->fwd[f].to == i;
    if (!any) return;
    for (int s = 0; s < NCACHE; s++)
        if (g->rc.guest_in[s] >= 0) g->rc.dirty[s] = true;
    for (int f = 0; f < g->nfwd; f++)
        if (g->fwd[f].to == i) {
            g->fwd[f].rc_to = g->rc;
            g->fwd[f].code_to = g->cb.p;
        }
}

void cg_fwd_branch(Gen *g, int i, int cc)
{
    Fwd *f = &g->fwd[g->fwd_of[i]];
    bool in_mem = g->floc == FL_MEM;
    cg_fl_load(g);
    f->fl_mem = in_mem;
    f->rc_from = g->rc;
    f->jf = x_jcc_rel32(&g->cb, cc, NULL);
    if (in_mem) g->floc = FL_MEM;
    cg_emit_boundary(g, i);
}

void cg_fwd_emit_tail(Gen *g)
{
    CodeBuf *cb = &g->cb;
    for (int k = 0; k < g->nfwd; k++) {
        Fwd *f = &g->fwd[k];
        if (!f->jf || !f->code_to) abort();   /* planned, so emitted */
        x_patch_rel32(f->jf, cb->p);
        if (!f->fl_mem) {   /* else DbtCPU.aflags holds them already */
            g->floc = FL_HOST;
            cg_fl_spill(g);
        }
        rc_reconcile(cb, &f->rc_from, &f->rc_to);
        int skipped = f->to - f->from - 1;
        if (skipped > 0) {
            x_mov_rm(cb, 8, HRAX, hmem(HRBP, CG_OFF_ICOUNT));
            x_lea(cb, 8, HRAX, hmem(HRAX, -skipped));
            x_mov_mr(cb, 8, hmem(HRBP, CG_OFF_ICOUNT), HRAX);
        }
        x_jmp_rel32(cb, f->code_to);
    }
}
