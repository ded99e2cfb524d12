/* dbt_int.h - the translator engine's private state, shared by dbt.c (the
 * run loop and the engine interface) and dbt_debug.c (the debugger's view
 * of translated blocks: info tb, info tbs, tb-invalidate, trace-last). */
#ifndef XLAT86_DBT_INT_H
#define XLAT86_DBT_INT_H

#include "codegen.h"
#include "dbt.h"
#include "tcache.h"

#define DBT_RING 4096

/* One block executed, for trace-last. */
typedef struct DbtRingEnt {
    uint32_t lin_pc, n_insns;
    uint64_t icount;          /* after the block */
    uint64_t exit;            /* the run loop's exit word: TB* | slot of a direct exit, 0 otherwise */
} DbtRingEnt;

typedef struct Dbt {
    Engine base;             /* first: Engine * <-> Dbt * */
    struct PC *pc;
    DbtCPU *d;
    CPU *cpu;                /* &d->cpu */
    TCache tc;
    CGRuntime rt;
    size_t runtime_bytes;
    bool inline_code;
    TB *current;
    volatile int kicked;     /* kick() since run() last looked */
    bool bp_resume;          /* the last stop was the breakpoint at bp_resume_lin */
    uint32_t bp_resume_lin;
    EngineWatchHit last_watch;
    bool ring_on;            /* trace-last recording */
    unsigned ring_pos, ring_n;
    DbtRingEnt *ring;
} Dbt;

void dbt_ring_record(Dbt *e, const TB *tb, uint64_t exit);

#endif
