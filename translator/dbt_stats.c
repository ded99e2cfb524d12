/* dbt_stats.c - XLAT86_STATS=1 counters (see dbt_stats.h). */
#include "dbt_stats.h"

#include <capstone/capstone.h>
#include <stdlib.h>

#include "cg_internal.h"
#include "cpu/mem.h"

bool dbt_stats_on;
DbtStats dbt_stats;

void dbt_stats_init(void)
{
    const char *v = getenv("XLAT86_STATS");
    dbt_stats_on = v && *v && *v != '0';
}

void dbt_stats_emit_inc(Gen *g, int which)
{
    if (!dbt_stats_on) return;
    int32_t off = (int32_t)offsetof(DbtCPU, gstat) - (int32_t)offsetof(DbtCPU, cpu) + 8 * which;
    /* push/mov/lea/mov/pop: no host flag changes, rax preserved */
    x_push_r(&g->cb, HRAX);
    x_mov_rm(&g->cb, 8, HRAX, hmem(HRBP, off));
    x_lea(&g->cb, 8, HRAX, hmem(HRAX, 1));
    x_mov_mr(&g->cb, 8, hmem(HRBP, off), HRAX);
    x_pop_r(&g->cb, HRAX);
}

uintptr_t dbt_stats_tlb_fill(CPU *cpu, uint32_t lin, int size, bool write)
{
    dbt_stats.tlb_fills++;
    return tlb_fill_host(cpu, lin, size, write);
}

static double per_k(uint64_t n, uint64_t icount) { return icount ? 1000.0 * (double)n / (double)icount : 0.0; }

void dbt_stats_print(FILE *f, uint64_t icount, const uint64_t *gstat, uint64_t translations)
{
    const DbtStats *s = &dbt_stats;
    fprintf(f, "stats: %llu guest instructions, %llu blocks translated\n",
            (unsigned long long)icount, (unsigned long long)translations);
    fprintf(f, "stats: run-loop dispatches %llu (%.3f/1k insns): jump-cache hits %llu, misses %llu; "
               "from unchained direct exits %llu; exits chained %llu\n",
            (unsigned long long)s->dispatches, per_k(s->dispatches, icount),
            (unsigned long long)s->jc_hits, (unsigned long long)s->jc_misses,
            (unsigned long long)s->unchained, (unsigned long long)s->links);
    fprintf(f, "stats: inline jump-cache probe hits: indirect exits %llu (%.3f/1k), cross-page stubs %llu "
               "(misses return to the run loop: counted as dispatches)\n",
            (unsigned long long)gstat[GST_PROBE_HIT], per_k(gstat[GST_PROBE_HIT], icount),
            (unsigned long long)gstat[GST_STUB_HIT]);
    uint64_t ind = gstat[GST_IND], icm = gstat[GST_IC_MISS];
    fprintf(f, "stats: indirect exits %llu (%.3f/1k): inline-cache hits %llu (%.1f%%), misses %llu; "
               "fill calls %llu, entries filled %llu\n",
            (unsigned long long)ind, per_k(ind, icount), (unsigned long long)(ind - icm),
            ind ? 100.0 * (double)(ind - icm) / (double)ind : 0.0, (unsigned long long)icm,
            (unsigned long long)s->ic_fill_calls, (unsigned long long)s->ic_links);
    fprintf(f, "stats: inline TLB misses %llu (%.3f/1k); flag spills executed %llu (%.3f/1k), emitted %llu\n",
            (unsigned long long)s->tlb_fills, per_k(s->tlb_fills, icount),
            (unsigned long long)gstat[GST_SPILL], per_k(gstat[GST_SPILL], icount),
            (unsigned long long)s->spills_emitted);
    fprintf(f, "stats: base-register window operands %llu (%.3f/1k), out of line %llu (%.3f/1k)\n",
            (unsigned long long)gstat[GST_FRAME], per_k(gstat[GST_FRAME], icount),
            (unsigned long long)gstat[GST_FRAME_OOL], per_k(gstat[GST_FRAME_OOL], icount));
    fprintf(f, "stats: helper calls %llu (%.3f/1k insns); most frequent:",
            (unsigned long long)s->helpers, per_k(s->helpers, icount));
    /* the ten most frequent instructions run through helpers */
    bool shown[DBT_STATS_IDS] = {false};
    csh cs;
    bool have_cs = cs_open(CS_ARCH_X86, CS_MODE_32, &cs) == CS_ERR_OK;
    for (int k = 0; k < 10; k++) {
        int best = -1;
        for (int i = 0; i < DBT_STATS_IDS; i++)
            if (!shown[i] && s->helper_by_id[i] && (best < 0 || s->helper_by_id[i] > s->helper_by_id[best]))
                best = i;
        if (best < 0) break;
        shown[best] = true;
        const char *name = have_cs ? cs_insn_name(cs, (unsigned)best) : NULL;
        fprintf(f, " %s %.3f", name ? name : "?", per_k(s->helper_by_id[best], icount));
    }
    if (have_cs) cs_close(&cs);
    fprintf(f, "\n");
}
