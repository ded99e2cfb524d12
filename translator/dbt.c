/* dbt.c - the translator engine's run loop: dispatch blocks, chain them,
 * deliver interrupts and exceptions at block boundaries. Time, halts,
 * resets and board requests belong to the machine loop above
 * (frontend/machine.c), which calls run() with an instruction budget. */
#include "dbt.h"
#include "dbt_int.h"
#include "dbt_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "codegen.h"
#include "cpu/cpu.h"
#include "cpu/mem.h"
#include "cpu/ops.h"
#include "devices/pc.h"
#include "tcache.h"
#include "trace.h"
#include "tracelog.h"

#define DEFAULT_CODE_BUFFER (64u << 20)
/* run() returns to the machine loop (which then looks at the clock for
 * due timers) at the first trip through the dispatcher after this many
 * guest instructions: most trips come a few instructions apart, and
 * chained code runs on until its budget ends. */
#define POLL_INSNS 1024u

/* XLAT86_PERFMAP=1: describe every translated block in /tmp/perf-PID.map
 * (the format `perf report` reads for JIT code, as QEMU's -perfmap), so
 * host profiles show guest addresses instead of raw code-buffer ones. */
static FILE *perfmap;

static void perfmap_block(const TB *tb)
{
    if (!perfmap) return;
    fprintf(perfmap, "%lx %x guest_%08x_m%x\n", (unsigned long)(uintptr_t)tb->code, tb->code_size,
            tb->lin_pc, tb->mode);
}


static Dbt *dbt(Engine *e) { return (Dbt *)e; }

/* The engine whose run loop this thread is in (the vCPU thread), if any. */
static __thread Dbt *running_here;

static void on_code_write(void *opaque, uint32_t phys, uint32_t len)
{
    Dbt *e = opaque;
    bool hit = false;
    tc_invalidate_range(&e->tc, phys, len, e->current, &hit);
    if (hit) e->cpu->stop_block = true;
}

/* The jump cache holds linear->block mappings: a flush drops those it
 * covers, as it drops TLB entries (a CR3 load keeps global pages, INVLPG
 * one page), so the kernel's blocks stay in it across process switches. */
static void on_tlb_flush(void *opaque, int kind, uint32_t lin)
{
    Dbt *e = opaque;
    TCache *tc = &e->tc;
    if (kind == TLBF_ALL || (kind == TLBF_NONGLOBAL && !tc->jc_global)) {
        if (tc->jc_used_over) memset(tc->jc, 0, sizeof tc->jc);
        else
            for (uint32_t k = 0; k < tc->n_jc_used; k++) tc_jc_clear(&tc->jc[tc->jc_used[k]]);
        tc->n_jc_used = 0;
        tc->jc_used_over = false;
        memset(tc->jc_pages, 0, sizeof tc->jc_pages);
        tc->jc_global = false;
        return;
    }
    if (kind == TLBF_PAGE) {
        uint32_t b = tc_jc_filter_bit(lin);
        if (!(tc->jc_pages[b / 64] & (1ull << (b % 64)))) return;   /* no entry on that page */
    }
    memset(tc->jc_pages, 0, sizeof tc->jc_pages);
    bool global = false;
    /* Scan the filled entries (all of them after an overflow of the list),
     * keeping the survivors' indices, each once. */
    bool all = tc->jc_used_over;
    uint32_t n = all ? JC_SIZE : tc->n_jc_used, kept = 0;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t j = all ? k : tc->jc_used[k];
        JCEntry *je = &tc->jc[j];
        if (!je->tb) continue;
        bool drop = kind == TLBF_NONGLOBAL ? !(je->page & 1) : (je->page & PAGE_MASK) == (lin & PAGE_MASK);
        if (drop) {
            tc_jc_clear(je);
        } else {
            uint32_t b = tc_jc_filter_bit(je->page);
            tc->jc_pages[b / 64] |= 1ull << (b % 64);
            global |= je->page & 1;
            je->page |= 2;   /* listed once below */
        }
    }
    for (uint32_t k = 0; k < n; k++) {
        uint32_t j = all ? k : tc->jc_used[k];
        if (tc->jc[j].tb && (tc->jc[j].page & 2)) {
            tc->jc[j].page &= ~2u;
            tc->jc_used[kept++] = (uint16_t)j;
        }
    }
    tc->n_jc_used = kept;
    tc->jc_used_over = false;
    tc->jc_global = global;
}

/* A20 toggled or regions remapped: linear->physical changed without
 * paging, so chained jumps between blocks may now be wrong too. */
static void on_map_changed(void *opaque)
{
    Dbt *e = opaque;
    tlb_flush(e->cpu);
    tc_unlink_all(&e->tc);
}

/* Dirty-page logging dropped write mappings: only the TLBs go (blocks and
 * chains do not depend on write permission). */
static void on_mem_tlb_flush(void *opaque)
{
    Dbt *e = opaque;
    tlb_flush(e->cpu);
}

static void flush_all(Dbt *e)
{
    tc_flush(&e->tc);
    e->tc.buf_ptr = e->tc.buf + e->runtime_bytes;
}

static TB *find_block(Dbt *e, uint32_t mode)
{
    CPU *cpu = e->cpu;
    uint32_t cs_base = cpu->seg[S_CS].base;
    uint32_t lin = cs_base + cpu->eip;
    uint32_t j = tc_jc_index(lin);
    TB *tb = e->tc.jc[j].tb;
    if (tb && tb->valid && tb->lin_pc == lin && tb->mode == mode && tb->cs_base == cs_base) {
        if (dbt_stats_on) dbt_stats.jc_hits++;
        return tb;
    }
    if (dbt_stats_on) dbt_stats.jc_misses++;
    uint32_t phys = lin_fetch_phys(cpu, lin);
    tb = tc_lookup(&e->tc, phys, cs_base, cpu->eip, mode);
    if (tb && tb->phys_page2 != ~0u && (mode & TMODE_PG)) {
        /* A lone instruction crossing into a second page: that page's
         * mapping must still be the one it was translated from. */
        uint32_t p2;
        uint32_t lin2 = (lin & PAGE_MASK) + PAGE_SIZE;
        if (!lin_fetch_probe(cpu, lin2, &p2) ||
            (p2 & PAGE_MASK) != tb->phys_page2) {
            bool hit;
            tc_invalidate_range(&e->tc, tb->phys_pc, 1, NULL, &hit);
            tb = NULL;
        } else {
            return tb;   /* not entered in the jump cache: always checked */
        }
    }
    if (!tb) {
        tb = cg_translate(&e->tc, &e->rt, cpu, mode);
        if (!tb) {
            flush_all(e);
            tb = cg_translate(&e->tc, &e->rt, cpu, mode);
            if (!tb) {
                fprintf(stderr, "xlat86: internal error: block at %08x does not fit the code buffer\n", lin);
                fflush(NULL);   /* keep the -D log */
                abort();
            }
        }
        if (TRACE_ON(TRACE_IN_ASM | TRACE_OUT_ASM)) tracelog_block(tb);
        perfmap_block(tb);
        if (tb->phys_page2 != ~0u && (mode & TMODE_PG)) return tb;
    }
    if (e->tc.n_bp && tc_is_bp(&e->tc, lin)) return tb;   /* entered from the run loop only */
    /* Global if the fetch TLB entry that maps lin now says so (lin_fetch_phys
     * or the translation filled it; without paging nothing is global). */
    const TLBEntry *fe = &cpu->tlb_fetch[cpu_cpl(cpu) == 3 ? TLB_USER : TLB_SUPER][(lin >> 12) & (TLB_SIZE - 1)];
    bool global = (mode & TMODE_PG) && fe->tag == (lin & PAGE_MASK) && (fe->phys & TLB_GLOBAL);
    if (!e->tc.jc[j].tb) {
        if (e->tc.n_jc_used < JC_SIZE) e->tc.jc_used[e->tc.n_jc_used++] = (uint16_t)j;
        else e->tc.jc_used_over = true;
    }
    tc_jc_set(&e->tc.jc[j], tb, (lin & PAGE_MASK) | (global ? 1u : 0u));
    uint32_t fb = tc_jc_filter_bit(lin);
    e->tc.jc_pages[fb / 64] |= 1ull << (fb % 64);
    e->tc.jc_global |= global;
    return tb;
}

static bool irq_deliverable(CPU *cpu)
{
    if (!cpu->irq_line || !(cpu->eflags & F_IF)) return false;
    if (cpu->inhibit_irq && cpu->eip == cpu->inhibit_eip) return false;
    return true;
}

static void cpu_dump(FILE *f, CPU *cpu)
{
    static const char *rn[8] = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};
    static const char *sn[6] = {"ES", "CS", "SS", "DS", "FS", "GS"};
    for (int i = 0; i < 8; i++) fprintf(f, "%s=%08x%s", rn[i], cpu->regs[i], (i % 4 == 3) ? "\n" : " ");
    fprintf(f, "EIP=%08x EFL=%08x CR0=%08x\n", cpu->eip, cpu->eflags, cpu->cr[0]);
    for (int i = 0; i < 6; i++)
        fprintf(f, "%s =%04x %08x %08x %04x\n", sn[i], cpu->seg[i].sel, cpu->seg[i].base,
                cpu->seg[i].limit, cpu->seg[i].flags);
}

/* ---- the Engine interface ---- */

static void dbt_kick(Engine *base)
{
    Dbt *e = dbt(base);
    e->kicked = 1;
    e->d->deadline = 0;
    /* From a device callback inside run() on the vCPU thread (an OUT that
     * asks the machine to stop or reset): no further instruction of the
     * block may run. Other threads only touch the exit word above. */
    if (running_here == e && e->current) e->cpu->stop_block = true;
}

static void cpu_kick_hook(void *opaque) { dbt_kick(opaque); }

static void dbt_set_intr(Engine *base, int level)
{
    Dbt *e = dbt(base);
    e->cpu->irq_line = level;
    if (level) e->d->deadline = 0;   /* leave translated code to take it */
}

static void dbt_nmi(Engine *base) { cpu_nmi(dbt(base)->cpu); }

static void dbt_get_state(Engine *base, CPUState *out) { cpu_get_state(dbt(base)->cpu, out); }

static void dbt_set_state(Engine *base, const CPUState *in)
{
    Dbt *e = dbt(base);
    cpu_set_state(e->cpu, in);   /* flushes the TLBs (and so the jump cache) */
    e->cpu->stop_block = true;
    e->bp_resume = false;
}

static void dbt_flush(Engine *base)
{
    Dbt *e = dbt(base);
    flush_all(e);
    tlb_flush(e->cpu);
}

static void dbt_reset(Engine *base)
{
    Dbt *e = dbt(base);
    cpu_reset(e->cpu);   /* flushes the TLBs */
    flush_all(e);
}

static uint64_t dbt_icount(Engine *base) { return dbt(base)->cpu->icount; }

static EngineStop dbt_run(Engine *base, uint64_t budget);
static EngineStop dbt_step(Engine *base);

/* ---- debugger breakpoints and watchpoints ---- */

/* Every translation and chain goes: blocks must end before the new set
 * of breakpoints, and no chain may jump over one. */
static void dbg_retranslate(Dbt *e)
{
    flush_all(e);
    tlb_flush(e->cpu);
}

static bool dbt_bp_insert(Engine *base, uint32_t lin)
{
    Dbt *e = dbt(base);
    if (tc_is_bp(&e->tc, lin)) return true;
    if (e->tc.n_bp >= TC_MAX_BP) return false;
    e->tc.bp[e->tc.n_bp++] = lin;
    dbg_retranslate(e);
    return true;
}

static void dbt_bp_remove(Engine *base, uint32_t lin)
{
    Dbt *e = dbt(base);
    for (int i = 0; i < e->tc.n_bp; i++)
        if (e->tc.bp[i] == lin) {
            e->tc.bp[i] = e->tc.bp[--e->tc.n_bp];
            dbg_retranslate(e);
            return;
        }
}

static bool dbt_wp_insert(Engine *base, uint32_t lin, uint32_t len, EngineWatchKind kind)
{
    CPU *cpu = dbt(base)->cpu;
    if (!len || cpu->n_watch >= CPU_MAX_WATCH) return false;
    cpu->watch[cpu->n_watch++] = (CPUWatch){lin, len, (int)kind};
    tlb_flush(cpu);   /* the watched pages leave the TLBs */
    return true;
}

static void dbt_wp_remove(Engine *base, uint32_t lin, uint32_t len, EngineWatchKind kind)
{
    CPU *cpu = dbt(base)->cpu;
    for (int i = 0; i < cpu->n_watch; i++) {
        CPUWatch *w = &cpu->watch[i];
        if (w->lin == lin && w->len == len && w->kind == (int)kind) {
            *w = cpu->watch[--cpu->n_watch];
            tlb_flush(cpu);
            return;
        }
    }
}

static void dbt_watch_hit(Engine *base, EngineWatchHit *out) { *out = dbt(base)->last_watch; }

static void dbt_destroy(Engine *base)
{
    Dbt *e = dbt(base);
    if (dbt_stats_on) {
        fprintf(stderr, "tcache: %llu translations, %llu invalidations, %llu flushes\n",
                (unsigned long long)e->tc.translations, (unsigned long long)e->tc.invalidations,
                (unsigned long long)e->tc.flushes);
        dbt_stats_print(stderr, e->cpu->icount, e->d->gstat, e->tc.translations);
    }
    if (e->pc->mem.code_opaque == e) {
        e->pc->mem.code_write = NULL;
        e->pc->mem.map_changed = NULL;
        e->pc->mem.tlb_flush = NULL;
    }
    if (e->pc->engine == base) pc_attach_engine(e->pc, NULL);
    tc_free(&e->tc);
    free(e->ring);
    free(e->d);
    free(e);
}

static const EngineOps dbt_ops = {
    .name = "dbt",
    .destroy = dbt_destroy,
    .run = dbt_run,
    .step = dbt_step,
    .kick = dbt_kick,
    .set_intr = dbt_set_intr,
    .nmi = dbt_nmi,
    .get_state = dbt_get_state,
    .set_state = dbt_set_state,
    .reset = dbt_reset,
    .flush = dbt_flush,
    .icount = dbt_icount,
    .bp_insert = dbt_bp_insert,
    .bp_remove = dbt_bp_remove,
    .wp_insert = dbt_wp_insert,
    .wp_remove = dbt_wp_remove,
    .watch_hit = dbt_watch_hit,
};

CPU *dbt_cpu(Engine *e) { return dbt(e)->cpu; }

Engine *dbt_create(PC *pc, const DbtConfig *cfg, char *err, size_t errlen)
{
    Dbt *e = calloc(1, sizeof *e);
    /* Addressed by generated code through a base register: zeroed and
     * cache-line aligned. */
    size_t dsize = (sizeof(DbtCPU) + 63) & ~(size_t)63;
    DbtCPU *d = aligned_alloc(64, dsize);
    if (!e || !d) {
        free(e);
        free(d);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    memset(d, 0, dsize);
    e->base.ops = &dbt_ops;
    e->pc = pc;
    e->d = d;
    e->cpu = &d->cpu;
    e->inline_code = cfg->inline_code;
    CPU *cpu = e->cpu;
    cpu->engine = e;
    cpu->kick = cpu_kick_hook;
    cpu->kick_opaque = e;
    pc_connect_cpu(pc, cpu);
    ops_init();
    if (!tc_init(&e->tc, cfg->code_buffer ? cfg->code_buffer : DEFAULT_CODE_BUFFER, &pc->mem, cpu)) {
        free(d);
        free(e);
        snprintf(err, errlen, "cannot allocate the translation cache");
        return NULL;
    }
    e->runtime_bytes = cg_init_runtime(&e->tc, &e->rt);
    dbt_stats_init();
    if (!perfmap && getenv("XLAT86_PERFMAP")) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
        perfmap = fopen(path, "w");
        if (perfmap) setvbuf(perfmap, NULL, _IOLBF, 0);
    }
    e->tc.buf_ptr = e->tc.buf + e->runtime_bytes;
    pc->mem.code_write = on_code_write;
    pc->mem.code_opaque = e;
    pc->mem.map_changed = on_map_changed;
    pc->mem.map_opaque = e;
    pc->mem.tlb_flush = on_mem_tlb_flush;
    pc->mem.tlb_opaque = e;
    cpu->tlb_flush_hook = on_tlb_flush;
    cpu->tlb_flush_opaque = e;
    cpu_reset(cpu);
    pc_attach_engine(pc, &e->base);
    return &e->base;
}

/* Debug registers enable a breakpoint (DR7 L0-L3/G0-G3): translate with
 * helpers only, one instruction per block, so that every instruction
 * passes the run loop's instruction-breakpoint check and every data
 * access reaches cpu/mem.c's breakpoint check. */
static bool debugging(const CPU *cpu) { return (cpu->dr[7] & 0xffu) != 0; }

/* Deliver an event from the run loop; a fault raised by the delivery comes
 * back through setjmp with *first = vector (-1 for an external interrupt). */
#define DELIVER(vec_, call_)   \
    do {                       \
        delivering = true;     \
        first_vec = (vec_);    \
        call_;                 \
        delivering = false;    \
        nested = 0;            \
    } while (0)

/* The run loop. Runs until `budget` instructions have retired (a trip
 * through the dispatcher after POLL_INSNS of them also returns, so the
 * machine loop can look at the host clock), a kick, a halt or a triple
 * fault. With `step`, exactly one instruction (or one event delivery). */
static EngineStop run_loop(Dbt *e, uint64_t budget, bool step)
{
    CPU *cpu = e->cpu;
    DbtCPU *d = e->d;
    const uint64_t start = cpu->icount;
    const uint64_t end = budget > UINT64_MAX - start ? UINT64_MAX : start + budget;
    volatile uint64_t last_exit = 0;
    volatile bool delivering = false;
    volatile int first_vec = -1;    /* what was being delivered */
    volatile int nested = 0;        /* faults while delivering, in a row */
    volatile bool stepped = false;  /* step: the instruction or event is done */

    running_here = e;
    if (setjmp(cpu->jmp)) {
        /* A guest exception was raised by a helper or during delivery.
         * EFLAGS is canonical (cg_helper merged it before the call). */
        last_exit = 0;
        e->current = NULL;
        /* A fault past the instruction a MOV SS/STI shadow covered (later
         * in the same block): the shadow is over (gfuzz seed 25 case
         * 52155: a block that goes on past a Jcc faults after it). */
        if (cpu->inhibit_irq && cpu->eip != cpu->inhibit_eip) cpu->inhibit_irq = false;
        cg_x87_flush(cpu);   /* no-op: cg_helper flushed before any raise */
        cpu->stop_block = false;
        cpu->watch_hit = false;   /* the access did not complete */
        cpu->halted = false;
        /* The instruction did not complete: no data-breakpoint or
         * single-step trap for it (a task switch's T bit stays). */
        cpu->dbg_pending &= DR6_BT;
        int vec = cpu->exc_vector;
        if (delivering) {
            /* A fault while delivering an event: SDM vol. 3, 6.15, table
             * 6-5 decides between serial handling, #DF and shutdown. */
            int c = cpu_exception_combine(first_vec, vec);
            if (c == EXCC_TRIPLE || ++nested > 8) {
                if (TRACE_ON(TRACE_INT)) fprintf(trace_file, "triple fault\n");
                delivering = false;
                nested = 0;
                cpu->shutdown = true;
                running_here = NULL;
                return STOP_TRIPLE;
            }
            if (c == EXCC_DOUBLE) {
                vec = EXC_DF;
                cpu->exc_has_error = true;
                cpu->exc_error = 0;
            }
        }
        if (TRACE_ON(TRACE_INT))
            fprintf(trace_file, "exception %d err=%x at %04x:%08x\n", vec,
                    cpu->exc_has_error ? cpu->exc_error : 0, cpu->seg[S_CS].sel, cpu->eip);
        /* Faults push EFLAGS with RF set, so that the instruction runs
         * again without re-triggering its instruction breakpoint (SDM vol.
         * 3, 17.3.1.1); #DF is an abort. Real mode pushes only FLAGS. */
        if (vec != EXC_DF && (cpu->cr[0] & CR0_PE)) cpu->eflags |= F_RF;
        else cpu->eflags &= ~F_RF;
        DELIVER(vec, cpu_interrupt(cpu, vec, cpu->eip, cpu->exc_has_error, cpu->exc_error, false));
        if (step) stepped = true;
    }
    EngineStop stop = STOP_BUDGET;
    for (;;) {
        if (cpu->watch_hit) {
            /* A watched implicit access of an event delivery (IDT/IVT
             * read, frame push, TSS, descriptor): stop before the
             * handler's first instruction. */
            cpu->watch_hit = false;
            e->last_watch = (EngineWatchHit){cpu->watch_hit_lin, cpu->watch_hit_size, cpu->watch_hit_write};
            stop = STOP_WATCHPOINT;
            break;
        }
        if (e->kicked) {
            e->kicked = 0;
            break;
        }
        /* The shadow of MOV SS/POP SS/STI covers the next instruction only
         * (SDM vol. 3, 6.8.3): once past it, drop it, also before a stop,
         * so the state a stop leaves (savevm, the monitor) holds no stale
         * one (gfuzz seed 16 case 364050). */
        if (cpu->inhibit_irq && cpu->eip != cpu->inhibit_eip) cpu->inhibit_irq = false;
        if (cpu->shutdown) {
            stop = STOP_TRIPLE;   /* only RESET leaves shutdown */
            break;
        }
        if (step ? stepped : (cpu->icount >= end || cpu->icount - start >= POLL_INSNS)) break;
        /* An interrupt another engine acknowledged and had not delivered
         * when its state was taken (state.h): its delivery was under way,
         * so it comes first. */
        if (cpu->irq_injected) {
            int vec = cpu->irq_vector;
            cpu->irq_injected = false;
            cpu->halted = false;
            if (TRACE_ON(TRACE_INT))
                fprintf(trace_file, "acknowledged interrupt vector %#x at %04x:%08x\n", vec, cpu->seg[S_CS].sel,
                        cpu->eip);
            DELIVER(-1, cpu_interrupt(cpu, vec, cpu->eip, false, 0, false));
            last_exit = 0;
            if (step) {
                stepped = true;
                continue;
            }
        }
        /* Priorities at an instruction boundary (SDM vol. 3, 6.9): traps
         * of the previous instruction (single step, data/I/O breakpoints,
         * the T bit), then NMI, then maskable interrupts. */
        if (cpu->dbg_pending) {
            if (TRACE_ON(TRACE_INT))
                fprintf(trace_file, "debug trap dr6 bits %x at %04x:%08x\n", cpu->dbg_pending,
                        cpu->seg[S_CS].sel, cpu->eip);
            DELIVER(EXC_DB, cpu_debug_trap(cpu));
            last_exit = 0;
            if (step || cpu->watch_hit) {
                stepped = true;
                continue;
            }
        }
        if (cpu->nmi_pending) {
            bool taken;
            DELIVER(EXC_NMI, taken = cpu_nmi_deliver(cpu));
            if (taken) {
                cpu->halted = false;
                last_exit = 0;
                if (step || cpu->watch_hit) {
                    stepped = true;
                    continue;
                }
            }
        }
        if (irq_deliverable(cpu)) {
            int vec = cpu->irq_ack(cpu->irq_opaque);
            cpu->halted = false;
            if (TRACE_ON(TRACE_INT))
                fprintf(trace_file, "interrupt vector %#x at %04x:%08x\n", vec, cpu->seg[S_CS].sel, cpu->eip);
            DELIVER(-1, cpu_interrupt(cpu, vec, cpu->eip, false, 0, false));
            last_exit = 0;
            if (step || cpu->watch_hit) {
                stepped = true;
                continue;
            }
        }
        if (cpu->halted) {
            stop = STOP_HALT;
            break;
        }
        bool passing_bp = false;
        if (e->tc.n_bp) {
            uint32_t lin = cpu->seg[S_CS].base + cpu->eip;
            if (e->bp_resume && lin == e->bp_resume_lin) {
                e->bp_resume = false;   /* resuming from this breakpoint */
                passing_bp = true;
                cpu->rep_mid = false;
            } else if (tc_is_bp(&e->tc, lin)) {
                e->bp_resume = true;
                e->bp_resume_lin = lin;
                stop = STOP_BREAKPOINT;
                break;
            }
        }
        bool dbg = debugging(cpu);
        /* EFLAGS.RF: the next instruction runs without instruction
         * breakpoints; the processor clears RF once it completes (SDM vol.
         * 3, 17.3.1.1). A fault in it pushes RF set again. */
        if (cpu->eflags & F_RF) {
            cpu->eflags &= ~F_RF;
        } else if (dbg && cpu_code_breakpoints_on(cpu) &&
                   cpu_check_code_breakpoint(cpu, cpu->seg[S_CS].base + cpu->eip)) {
            /* An instruction breakpoint is a fault taken before the
             * instruction, with RF clear in the pushed EFLAGS. */
            if (TRACE_ON(TRACE_INT))
                fprintf(trace_file, "instruction breakpoint at %04x:%08x\n", cpu->seg[S_CS].sel, cpu->eip);
            DELIVER(EXC_DB, cpu_interrupt(cpu, EXC_DB, cpu->eip, false, 0, false));
            last_exit = 0;
            if (step) stepped = true;
            continue;
        }
        /* One block, then back here: an interrupt request is open. */
        bool one_block = cpu->irq_line && (cpu->eflags & F_IF);
        uint32_t mode = cg_cpu_mode(cpu, e->inline_code && !dbg);
        if (d->x87_fallback) {   /* an inline x87 run's guard failed (cg_x87.c) */
            if (cg_x87_guard(cpu)) d->x87_fallback = 0;
            else mode |= TMODE_X87H;
        }
        /* In an interrupt shadow with a request waiting, run exactly one
         * instruction so the interrupt arrives right after it. */
        if (cpu->inhibit_irq && cpu->eip == cpu->inhibit_eip && cpu->irq_line && (cpu->eflags & F_IF))
            mode |= TMODE_ONE;
        /* EFLAGS.TF: run one instruction, then the single-step trap (SDM
         * vol. 3, 17.3.1.4: a trap after any instruction that began with
         * TF set). */
        bool single_step = cpu->eflags & F_TF;
        bool one_step = single_step || dbg || step;
        if (one_step) {
            /* Back to the run loop after the instruction: the exit of a
             * one-instruction block must not continue into the next block
             * through a chain or the inline jump-cache lookup, and no
             * block is linked to or from it. */
            mode |= TMODE_ONE;
            one_block = true;
            last_exit = 0;
        }
        TB *tb = find_block(e, mode);
        /* The deadline: a block runs only if all of it fits before it
         * (codegen.c), so the first one entered here must. Where it should
         * end early (one block: an interrupt request, trace-last's one
         * block per dispatch; or the budget's end inside it), a block with
         * inner boundaries is replaced by its first part (TMODE_NOSIDE):
         * stops then fall where they would without side exits and
         * followed JMPs, at the first boundary at or after the budget's
         * end, as inline=off stops (gfuzz compares the two). */
        uint64_t fit = cpu->icount + tb->n_insns;
        bool cut = one_block || e->ring_on || end < fit;
        if (cut && tb->n_bounds) {
            mode |= TMODE_NOSIDE;
            tb = find_block(e, mode);
            fit = cpu->icount + tb->n_insns;
        }
        d->deadline = (one_block || e->ring_on || end < fit) ? fit : end;
        if (e->kicked) d->deadline = 0;   /* a kick that raced with the line above */
        if (last_exit) {
            TB *from = (TB *)(uintptr_t)(last_exit & ~(uint64_t)TB_SLOT_MASK);
            int slot = (int)(last_exit & TB_SLOT_MASK);
            /* With paging, only within one linear page: the target's
             * mapping is then the source's own, whatever CR3 holds. */
            if (from->valid && from->mode == tb->mode && from->cs_base == tb->cs_base &&
                from->exit[slot].target_eip == tb->eip &&
                !(e->tc.n_bp && tc_is_bp(&e->tc, tb->lin_pc)) &&
                (!(tb->mode & TMODE_PG) ||
                 (((from->lin_pc ^ tb->lin_pc) & PAGE_MASK) == 0 && tb->phys_page2 == ~0u)))
            {
                tc_link(from, slot, tb);
                if (dbt_stats_on) dbt_stats.links++;
            }
            if (dbt_stats_on) dbt_stats.unchained++;
        }
        if (TRACE_ON(TRACE_CPU)) cpu_dump(trace_file, cpu);
        if (TRACE_ON(TRACE_EXEC))
            fprintf(trace_file, "Trace %p [%08x] %04x:%08x\n", (void *)tb->code, tb->lin_pc,
                    cpu->seg[S_CS].sel, cpu->eip);
        e->current = tb;
        cpu->stop_block = false;
        d->aflags = cpu_pack_aflags(cpu->eflags);
        tb->dispatches++;
        if (dbt_stats_on) dbt_stats.dispatches++;
        uint64_t r = e->rt.enter(&d->cpu, tb->code);
        if (d->x87_loaded) cg_x87_flush(&d->cpu);   /* inline x87 state back to CPU.fpu */
        cpu->eflags = cpu_unpack_aflags(cpu->eflags, d->aflags);
        e->current = NULL;
        if (e->ring_on) dbt_ring_record(e, tb, r);
        last_exit = (cpu->stop_block || one_step) ? 0 : r;
        /* DR6.BS; delivered with any breakpoint bits of the same
         * instruction at the top of the loop. */
        if (single_step && !cpu->halted) cpu->dbg_pending |= DR6_BS;
        if (step) stepped = true;
        /* A REP string instruction at the breakpoint left with iterations
         * to go (one per step, or a chunk): the rest pass it as well. */
        e->bp_resume = passing_bp && cpu->rep_mid && cpu->seg[S_CS].base + cpu->eip == e->bp_resume_lin;
        if (cpu->watch_hit) {
            cpu->watch_hit = false;
            e->last_watch = (EngineWatchHit){cpu->watch_hit_lin, cpu->watch_hit_size, cpu->watch_hit_write};
            stop = STOP_WATCHPOINT;
            break;
        }
    }
    running_here = NULL;
    return stop;
}

static EngineStop dbt_run(Engine *base, uint64_t budget) { return run_loop(dbt(base), budget, false); }

static EngineStop dbt_step(Engine *base)
{
    Dbt *e = dbt(base);
    /* One iteration of a REP string instruction is one step (QEMU's
     * gdbstub stepi, the TF trap). */
    e->cpu->rep_one = true;
    EngineStop s = run_loop(e, 1, true);
    e->cpu->rep_one = false;
    /* A single-step trap due after the instruction is delivered by the
     * next run() or step(), as on hardware before the next instruction. */
    return s;
}
