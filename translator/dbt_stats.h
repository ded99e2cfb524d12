/* dbt_stats.h - XLAT86_STATS=1: translator counters printed at exit.
 *
 * C paths count with a plain increment behind `if (dbt_stats_on)`;
 * generated code counts only in blocks translated while the variable is
 * set (dbt_stats_emit_inc), so an unset variable costs a predictable branch
 * in the run loop and helper bridge and nothing in translated code. */
#ifndef XLAT86_DBT_STATS_H
#define XLAT86_DBT_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct Gen;
struct CPU;

/* Counters in DbtCPU.gstat[], bumped by generated code. */
enum { GST_PROBE_HIT, GST_STUB_HIT, GST_SPILL, GST_IND, GST_IC_MISS,
       GST_FRAME, GST_FRAME_OOL,   /* base-register window operands; taken out of line (cg_frame.c) */
       GST_N };

#define DBT_STATS_IDS 2048   /* > X86_INS_ENDING */

typedef struct DbtStats {
    uint64_t dispatches;      /* blocks entered from the run loop */
    uint64_t jc_hits;         /* ... found in the jump cache by the dispatcher */
    uint64_t jc_misses;       /* ... looked up in the hash table (or translated) */
    uint64_t unchained;       /* returns to the run loop from a direct exit (TB|slot) */
    uint64_t links;           /* direct exits chained */
    uint64_t tlb_fills;       /* inline TLB misses (tlb_fill_host from generated code) */
    uint64_t helpers;         /* cg_helper calls */
    uint64_t helper_by_id[DBT_STATS_IDS];
    uint64_t spills_emitted;  /* flag spills written into blocks (static count) */
    uint64_t ic_fill_calls;   /* inline-cache misses that called cg_ic_fill (cg_ic.c) */
    uint64_t ic_links;        /* inline-cache entries filled */
} DbtStats;

extern bool dbt_stats_on;
extern DbtStats dbt_stats;

void dbt_stats_init(void);   /* reads XLAT86_STATS */
/* Flag-neutral `++d->gstat[which]` in generated code when stats are on. */
void dbt_stats_emit_inc(struct Gen *g, int which);
uintptr_t dbt_stats_tlb_fill(struct CPU *cpu, uint32_t lin, int size, bool write);
/* icount: guest instructions retired; gstat: the DbtCPU counters. */
void dbt_stats_print(FILE *f, uint64_t icount, const uint64_t *gstat, uint64_t translations);

#endif
