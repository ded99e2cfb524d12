/* cg_exit.c - how a block leaves.
 *
 * A direct exit is a patchable jmp/jcc to an out-of-line stub that stores
 * the target EIP and returns TB | slot to the run loop, which may then
 * chain it (patch the jump straight to the successor's code). Under paging
 * a stub for another linear page looks the jump cache up itself, since
 * such exits are never chained. An indirect exit (JMP r/m, CALL r/m, RET)
 * tries its inline cache (cg_ic.c), then looks the jump cache up inline,
 * and only returns to the run loop on a miss.
 */
#include "cg_internal.h"
#include "dbt_stats.h"

#include "devices/memory.h"

#include <stdlib.h>

uint8_t *cg_emit_exit_stub(Gen *g, int slot, uint32_t target)
{
    CodeBuf *cb = &g->cb;
    uint8_t *stub = cb->p;
    x_mov_mi(cb, 4, hmem(HRBP, CG_OFF_EIP), target);
    uint32_t lin = g->tb->cs_base + target;
    if ((g->mode & TMODE_PG) && ((lin ^ g->tb->lin_pc) & PAGE_MASK)) {
        /* Under paging the run loop never chains into another linear page,
         * so this exit would always go back to it: look the target up in
         * the jump cache here instead, like an indirect jump (its entries
         * are dropped with the TLB, so they hold the current mapping). */
        uint8_t *miss[2];
        x_mov_ri64(cb, HRDX, (uint64_t)(uintptr_t)&g->tc->jc[tc_jc_index(lin)]);
        x_mov_ri64(cb, HRCX, (uint64_t)g->tb->cs_base << 32 | lin);
        x_alu_rm(cb, ALU_CMP, 8, HRCX, hmem(HRDX, (int32_t)offsetof(JCEntry, lin_pc)));
        miss[0] = x_jcc_rel32(cb, 5, NULL);
        x_alu_mi(cb, ALU_CMP, 4, hmem(HRDX, (int32_t)offsetof(JCEntry, mode)), g->mode);
        miss[1] = x_jcc_rel32(cb, 5, NULL);
        dbt_stats_emit_inc(g, GST_STUB_HIT);
        x_jmp_m(cb, hmem(HRDX, (int32_t)offsetof(JCEntry, code)));
        for (int k = 0; k < 2; k++) x_patch_rel32(miss[k], cb->p);
    }
    x_mov_ri64(cb, HRAX, (uint64_t)(uintptr_t)g->tb | (uint64_t)slot);
    x_jmp_rel32(cb, g->rt->epilogue);
    return stub;
}

void cg_emit_direct_exit(Gen *g, int slot, uint32_t target, int cc)
{
    slot += g->exit_base;
    TBExit *e = &g->tb->exit[slot];
    e->target_eip = target;
    e->jmp_field = cc >= 0 ? x_jcc_rel32(&g->cb, cc, NULL) : x_jmp_rel32(&g->cb, NULL);
}

_Static_assert(offsetof(JCEntry, cs_base) == offsetof(JCEntry, lin_pc) + 4, "one 8-byte key compare");

void cg_emit_indirect_exit(Gen *g)
{
    CodeBuf *cb = &g->cb;
    bool flat_cs = g->tb->cs_base == 0;
    if (cg_ic_wanted(g)) cg_ic_emit(g);
    x_mov_mr(cb, 4, hmem(HRBP, CG_OFF_EIP), HRAX);
    if (!flat_cs) x_lea(cb, 4, HRAX, hmem(HRAX, (int32_t)g->tb->cs_base));
    x_mov_rr(cb, 4, HRCX, HRAX);
    x_shift_ri(cb, SH_SHR, 4, HRCX, JC_BITS);
    x_alu_rr(cb, ALU_XOR, 4, HRCX, HRAX);
    x_alu_ri(cb, ALU_AND, 4, HRCX, JC_SIZE - 1);
    x_shift_ri(cb, SH_SHL, 4, HRCX, 5);   /* sizeof(JCEntry) */
    x_mov_ri64(cb, HRDX, (uint64_t)(uintptr_t)&g->tc->jc[0]);
    x_alu_rr(cb, ALU_ADD, 8, HRDX, HRCX);
    /* The entry's key, mode and code pointer sit in one 32-byte slot:
     * every load below depends on the hash only. CS base 0: one 8-byte
     * compare checks lin_pc = EAX and cs_base = 0 (callers write EAX as a
     * 32-bit register: the upper half is 0; were it not, the probe would
     * only miss). An empty entry (mode 0) never matches a mode with
     * TMODE_INLINE. */
    x_alu_rm(cb, ALU_CMP, flat_cs ? 8 : 4, HRAX, hmem(HRDX, (int32_t)offsetof(JCEntry, lin_pc)));
    g->jf_nochain[g->n_nochain++] = x_jcc_rel32(cb, 5, NULL);
    x_alu_mi(cb, ALU_CMP, 4, hmem(HRDX, (int32_t)offsetof(JCEntry, mode)), g->mode);
    g->jf_nochain[g->n_nochain++] = x_jcc_rel32(cb, 5, NULL);
    if (!flat_cs) {
        x_alu_mi(cb, ALU_CMP, 4, hmem(HRDX, (int32_t)offsetof(JCEntry, cs_base)), g->tb->cs_base);
        g->jf_nochain[g->n_nochain++] = x_jcc_rel32(cb, 5, NULL);
    }
    dbt_stats_emit_inc(g, GST_PROBE_HIT);
    x_jmp_m(cb, hmem(HRDX, (int32_t)offsetof(JCEntry, code)));
}

void cg_emit_side_exit(Gen *g, int i, const Insn *in, int cc)
{
    CodeBuf *cb = &g->cb;
    bool in_mem = g->floc == FL_MEM;
    cg_fl_load(g);
    if (g->nside >= CG_MAX_SIDE) abort();   /* codegen.c planned at most that many */
    int k = g->nside++;
    g->side[k].fl_host = !in_mem;
    g->side[k].rc = g->rc;
    g->side[k].target = in->op[0].imm;
    g->side[k].jf = x_jcc_rel32(cb, cc, NULL);
    g->side[k].done = i + 1;
    g->exit_base = g->nside;
    /* Fall-through: registers stay cached, flags stay in host EFLAGS
     * (and, if they were in DbtCPU.aflags, there too). */
    if (in_mem) g->floc = FL_MEM;
    cg_emit_boundary(g, i);
}

/* An inner boundary (a side exit's fall-through, a followed JMP) needs no
 * code: the entry counted the whole block and checked that all of it fits
 * before the deadline. This only checks the plan. */
void cg_emit_boundary(Gen *g, int i)
{
    int k = g->nstop++;
    if (k >= g->nbound || g->bcount[k] != i + 1) abort();   /* codegen.c planned it */
}

/* Out of line: the side exits' taken paths, each with the flags and
 * registers of its Jcc. */
void cg_emit_side_tail(Gen *g)
{
    CodeBuf *cb = &g->cb;
    for (int k = 0; k < g->nside; k++) {
        x_patch_rel32(g->side[k].jf, cb->p);
        if (g->side[k].fl_host) {
            g->floc = FL_HOST;
            cg_fl_spill(g);   /* LAHF/SETO: the guest flags as the Jcc saw them */
        }
        rc_writeback_snapshot(cb, &g->side[k].rc);
        /* The entry counted the whole block: give back what follows the
         * Jcc (host flags are free: the guest's are in DbtCPU.aflags). */
        int skipped = g->tb->n_insns - g->side[k].done;
        if (skipped > 0) x_alu_mi(cb, ALU_SUB, 8, hmem(HRBP, CG_OFF_ICOUNT), (uint32_t)skipped);
        TBExit *e = &g->tb->exit[k];
        e->target_eip = g->side[k].target;
        e->jmp_field = x_jmp_rel32(cb, NULL);
    }
}
