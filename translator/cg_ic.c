/* cg_ic.c - the inline cache of an indirect exit (JMP r/m, CALL r/m, RET).
 *
 * Before its jump-cache probe, an indirect exit compares the target EIP
 * with the keys of TB_IC_N entries and jumps straight to a cached block:
 *
 *       cmp eax, KEY0 ; je BLOCK0      (exit slot TB_IC_SLOT)
 *       cmp eax, KEY1 ; je BLOCK1      (exit slot TB_IC_SLOT + 1)
 *       ...                            (TB_IC_N entries)
 *   miss:
 *       jmp fill | probe               (TB.ic_switch)
 *   fill:
 *       call cg_ic_fill ; jmp to its answer, or to the run loop
 *   probe:
 *       the jump-cache probe (cg_exit.c)
 *
 * A hit costs a compare and a direct jump, predicted per site by the host
 * (a block per interpreter handler then keeps its own successors); the
 * shared host indirect jump and the chain of dependent loads of the probe
 * (jump-cache entry, its key, its code pointer) are skipped. An empty or
 * unlinked entry's je goes to `miss`. While an entry is free, `miss` goes
 * to the fill call, which takes the target from the jump cache (so only a
 * block the jump cache may hold, with its checks: valid, same linear PC,
 * CS base and mode), writes the key and links the entry like a chained
 * direct exit; once every entry is used, `miss` goes to the probe and the
 * site never calls C again. Entries are never replaced (no patching of
 * code in a steady state: a polymorphic site keeps its first targets).
 *
 * Invalidation is that of chaining: an entry is an exit of the site's
 * block linked to the target (tcache.c), so invalidating the target (a
 * code write), tc_unlink_all (the linear->physical map changed without
 * paging) and a flush unpatch it, and an unlinked entry reopens the fill
 * (tc_ic_reopen). Under paging, as for chaining, only a target on the
 * site's own linear page is cached: its mapping is then the site block's,
 * whatever CR3 and the TLB say. A target on another page is refused; it
 * uses up an entry (ic_refused), so such a site soon stops calling C.
 * One-instruction blocks (TMODE_ONE) get no cache: their exits must go
 * back to the run loop.
 */
#include "cg_internal.h"
#include "dbt_stats.h"

#include <string.h>

#include "devices/memory.h"

bool cg_ic_wanted(const Gen *g)
{
    return (g->mode & TMODE_INLINE) && !(g->mode & TMODE_ONE);
}

void cg_ic_emit(Gen *g)
{
    CodeBuf *cb = &g->cb;
    TB *tb = g->tb;
    dbt_stats_emit_inc(g, GST_IND);
    uint8_t *je[TB_IC_N];
    for (int k = 0; k < TB_IC_N; k++) {
        cb_byte(cb, 0x3d);   /* cmp eax, imm32 (always the imm32 form: patched) */
        tb->ic_key[k] = cb->p;
        cb_u32(cb, 0);
        je[k] = x_jcc_rel32(cb, 4 /* je */, NULL);
    }
    uint8_t *miss = cb->p;
    dbt_stats_emit_inc(g, GST_IC_MISS);
    tb->ic_switch = x_jmp_rel32(cb, NULL);
    tb->ic_fill = cb->p;
    x_mov_mr(cb, 4, hmem(HRBP, CG_OFF_EIP), HRAX);
    x_mov_ri64(cb, HRDI, (uint64_t)(uintptr_t)g->tc);
    x_mov_ri64(cb, HRSI, (uint64_t)(uintptr_t)tb);
    x_mov_rr(cb, 4, HRDX, HRAX);
    x_mov_ri64(cb, HRAX, (uint64_t)(uintptr_t)cg_ic_fill);
    x_call_r(cb, HRAX);
    x_test_rr(cb, 8, HRAX, HRAX);
    g->jf_nochain[g->n_nochain++] = x_jcc_rel32(cb, 4 /* jz */, NULL);
    x_jmp_r(cb, HRAX);
    tb->ic_probe = cb->p;
    if (cb->overflow) return;
    x_patch_rel32(tb->ic_switch, tb->ic_fill);
    for (int k = 0; k < TB_IC_N; k++) {
        TBExit *e = &tb->exit[TB_IC_SLOT + k];
        e->jmp_field = je[k];
        e->stub = miss;
        x_patch_rel32(je[k], miss);
    }
}

static void close_fill(TB *site)
{
    int used = site->ic_refused;
    for (int k = 0; k < TB_IC_N; k++) used += site->exit[TB_IC_SLOT + k].linked != NULL;
    if (used >= TB_IC_N) x_patch_rel32(site->ic_switch, site->ic_probe);
}

/* Called from generated code between blocks: guest registers are in
 * CPU.regs, but the guest x87 state may still be in the host x87
 * (cg_x87.c), so nothing here may use floating point. */
const uint8_t *cg_ic_fill(TCache *tc, TB *site, uint32_t eip)
{
    uint32_t lin = site->cs_base + eip;
    TB *t = tc->jc[tc_jc_index(lin)].tb;
    if (dbt_stats_on) dbt_stats.ic_fill_calls++;
    /* Not in the jump cache: back to the run loop, which finds or
     * translates it and enters it there; the next miss fills. */
    if (!t || !t->valid || t->lin_pc != lin || t->mode != site->mode || t->cs_base != site->cs_base)
        return NULL;
    if (!site->valid) return t->code;   /* invalidated while running: run on, link nothing */
    int free = -1;
    for (int k = 0; k < TB_IC_N && free < 0; k++)
        if (!site->exit[TB_IC_SLOT + k].linked) free = TB_IC_SLOT + k;
    bool same_page = ((t->lin_pc ^ site->lin_pc) & PAGE_MASK) == 0 && t->phys_page2 == ~0u;
    if (free >= 0 && site->ic_refused < TB_IC_N) {
        if ((site->mode & TMODE_PG) && !same_page) {
            site->ic_refused++;
        } else {
            memcpy(site->ic_key[free - TB_IC_SLOT], &eip, 4);
            site->exit[free].target_eip = eip;
            tc_link(site, free, t);
            if (dbt_stats_on) dbt_stats.ic_links++;
        }
    }
    close_fill(site);
    return t->code;
}
