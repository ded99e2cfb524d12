/* engine.c - the run loop: dispatch blocks, chain them, deliver interrupts
 * and exceptions, keep time, sleep while halted. */
#include "engine.h"

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
/* Without -icount, leave translated code at least this often (guest
 * instructions) to look at the host clock and fire device timers. */
#define REALTIME_SLICE 200000u
/* Without -icount, the run loop looks at the host clock (a clock_gettime
 * call) for due timers only once this many guest instructions have run
 * since the last look, or when the CPU halts: most trips through the loop
 * come a few instructions apart. */
#define CLOCK_POLL_INSNS 1024u

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

struct Engine {
    PC *pc;
    CPU *cpu;
    TCache tc;
    CGRuntime rt;
    size_t runtime_bytes;
    bool inline_code;
    bool stop_on_halt;
    TB *current;
    uint64_t clock_polled;   /* cpu->icount at the last clock_run_timers */
};

static void on_code_write(void *opaque, uint32_t phys, uint32_t len)
{
    Engine *e = opaque;
    bool hit = false;
    tc_invalidate_range(&e->tc, phys, len, e->current, &hit);
    if (hit) e->cpu->stop_block = true;
}

static void on_tlb_flush(void *opaque)
{
    Engine *e = opaque;
    memset(e->tc.jc, 0, sizeof e->tc.jc);
}

/* A20 toggled or regions remapped: linear->physical changed without
 * paging, so chained jumps between blocks may now be wrong too. */
static void on_map_changed(void *opaque)
{
    Engine *e = opaque;
    tlb_flush(e->cpu);
    tc_unlink_all(&e->tc);
}

static void flush_all(Engine *e)
{
    tc_flush(&e->tc);
    e->tc.buf_ptr = e->tc.buf + e->runtime_bytes;
}

static TB *find_block(Engine *e, uint32_t mode)
{
    CPU *cpu = e->cpu;
    uint32_t cs_base = cpu->seg[S_CS].base;
    uint32_t lin = cs_base + cpu->eip;
    uint32_t j = tc_jc_index(lin);
    TB *tb = e->tc.jc[j];
    if (tb && tb->valid && tb->lin_pc == lin && tb->mode == mode && tb->cs_base == cs_base)
        return tb;
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
                abort();
            }
        }
        if (TRACE_ON(TRACE_IN_ASM | TRACE_OUT_ASM)) tracelog_block(tb);
        perfmap_block(tb);
        if (tb->phys_page2 != ~0u && (mode & TMODE_PG)) return tb;
    }
    e->tc.jc[j] = tb;
    return tb;
}

static bool irq_deliverable(CPU *cpu)
{
    if (!cpu->irq_line || !(cpu->eflags & F_IF)) return false;
    if (cpu->inhibit_irq && cpu->eip == cpu->inhibit_eip) return false;
    return true;
}

static void set_deadline(Engine *e)
{
    PC *pc = e->pc;
    CPU *cpu = e->cpu;
    int64_t next = clock_next_deadline(&pc->clock);
    uint64_t slice = REALTIME_SLICE;
    if (pc->clock.icount && next != INT64_MAX) {
        int64_t now = clock_now(&pc->clock);
        int64_t dt = next - now;
        if (dt <= 0) slice = 1;
        else {
            uint64_t n = ((uint64_t)dt + (1u << pc->clock.shift) - 1) >> pc->clock.shift;
            slice = n < 1 ? 1 : n > (1u << 24) ? (1u << 24) : n;
        }
    }
    cpu->deadline = cpu->icount + slice;
    if (cpu->irq_line && (cpu->eflags & F_IF)) cpu->deadline = cpu->icount + 1;
}

static void sleep_ns(int64_t ns)
{
    if (ns <= 0) return;
    if (ns > 10000000) ns = 10000000;
    struct timespec ts = {0, (long)ns};
    nanosleep(&ts, NULL);
}

/* Halted CPU: wait for the next timer (warp time with -icount). */
static void wait_halted(Engine *e)
{
    Clock *c = &e->pc->clock;
    int64_t next = clock_next_deadline(c);
    if (next == INT64_MAX) {
        sleep_ns(10000000);
        return;
    }
    int64_t now = clock_now(c);
    if (c->icount) {
        /* Virtual time jumps to the timer (deterministic); with sleep=on
         * the host waits as long, so an idle guest's clock keeps pace with
         * the wall clock, as QEMU's -icount sleep=on does. */
        if (next > now) {
            if (e->pc->cfg.icount_sleep) sleep_ns(next - now);
            clock_warp_to(c, next);
        }
    } else {
        sleep_ns(next - now);
    }
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

/* Reset line (port 0x92, 0xCF9, keyboard controller) or triple fault:
 * devices, CPU, no translated code kept (pc_boot may clear and reload
 * RAM), then the board's firmware-less boot (-kernel) if any. */
static void machine_reset(Engine *e)
{
    pc_reset(e->pc);
    cpu_reset(e->cpu);   /* flushes the TLBs */
    flush_all(e);
    pc_boot(e->pc);
}

Engine *engine_create(PC *pc, CPU *cpu, const EngineConfig *cfg)
{
    Engine *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->pc = pc;
    e->cpu = cpu;
    e->inline_code = cfg->inline_code;
    e->stop_on_halt = cfg->stop_on_halt;
    cpu->engine = e;
    ops_init();
    if (!tc_init(&e->tc, cfg->code_buffer ? cfg->code_buffer : DEFAULT_CODE_BUFFER, &pc->mem, cpu)) {
        free(e);
        return NULL;
    }
    e->runtime_bytes = cg_init_runtime(&e->tc, &e->rt);
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
    cpu->tlb_flush_hook = on_tlb_flush;
    cpu->tlb_flush_opaque = e;
    if (!cfg->no_reset) cpu_reset(cpu);
    tlb_flush(cpu);
    return e;
}

void engine_destroy(Engine *e)
{
    if (!e) return;
    if (getenv("XLAT86_STATS"))
        fprintf(stderr, "tcache: %llu translations, %llu invalidations, %llu flushes\n",
                (unsigned long long)e->tc.translations, (unsigned long long)e->tc.invalidations,
                (unsigned long long)e->tc.flushes);
    if (e->pc->mem.code_opaque == e) {
        e->pc->mem.code_write = NULL;
        e->pc->mem.map_changed = NULL;
    }
    if (e->cpu->tlb_flush_opaque == e) e->cpu->tlb_flush_hook = NULL;
    tc_free(&e->tc);
    free(e);
}

int engine_run(PC *pc, CPU *cpu, const EngineConfig *cfg)
{
    Engine *e = engine_create(pc, cpu, cfg);
    if (!e) {
        fprintf(stderr, "xlat86: cannot allocate the translation cache\n");
        return 1;
    }
    int status = engine_exec(e);
    engine_destroy(e);
    return status;
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

int engine_exec(Engine *e)
{
    PC *pc = e->pc;
    CPU *cpu = e->cpu;
    volatile uint64_t last_exit = 0;
    volatile bool delivering = false;
    volatile int first_vec = -1;    /* what was being delivered */
    volatile int nested = 0;        /* faults while delivering, in a row */
    int status = 0;

    if (setjmp(cpu->jmp)) {
        /* A guest exception was raised by a helper or during delivery.
         * EFLAGS is canonical (cg_helper merged it before the call). */
        last_exit = 0;
        e->current = NULL;
        cpu->stop_block = false;
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
                if (pc->cfg.no_reboot) {
                    fprintf(stderr, "xlat86: triple fault; CPU state:\n");
                    cpu_dump(stderr, cpu);
                    return 0;
                }
                machine_reset(e);
                goto loop;
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
    }
loop:
    for (;;) {
        if (pc->exit_requested) {
            status = pc->exit_status;
            break;
        }
        if (pc->reset_requested) {
            pc->reset_requested = false;
            machine_reset(e);
            last_exit = 0;
        }
        if (pc->clock.icount || cpu->halted || cpu->icount - e->clock_polled >= CLOCK_POLL_INSNS) {
            e->clock_polled = cpu->icount;
            clock_run_timers(&pc->clock);
        }
        if (cpu->inhibit_irq && cpu->eip != cpu->inhibit_eip) cpu->inhibit_irq = false;
        /* Priorities at an instruction boundary (SDM vol. 3, 6.9): traps
         * of the previous instruction (single step, data/I/O breakpoints,
         * the T bit), then NMI, then maskable interrupts. */
        if (cpu->dbg_pending) {
            if (TRACE_ON(TRACE_INT))
                fprintf(trace_file, "debug trap dr6 bits %x at %04x:%08x\n", cpu->dbg_pending,
                        cpu->seg[S_CS].sel, cpu->eip);
            DELIVER(EXC_DB, cpu_debug_trap(cpu));
            last_exit = 0;
        }
        if (cpu->nmi_pending) {
            bool taken;
            DELIVER(EXC_NMI, taken = cpu_nmi_deliver(cpu));
            if (taken) {
                cpu->halted = false;
                last_exit = 0;
            }
        }
        if (irq_deliverable(cpu)) {
            int vec = cpu->irq_ack(cpu->irq_opaque);
            cpu->halted = false;
            if (TRACE_ON(TRACE_INT))
                fprintf(trace_file, "interrupt vector %#x at %04x:%08x\n", vec, cpu->seg[S_CS].sel, cpu->eip);
            DELIVER(-1, cpu_interrupt(cpu, vec, cpu->eip, false, 0, false));
            last_exit = 0;
        }
        if (cpu->halted) {
            if (e->stop_on_halt) {
                status = -1;
                break;
            }
            wait_halted(e);
            last_exit = 0;
            continue;
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
            continue;
        }
        set_deadline(e);
        uint32_t mode = cg_cpu_mode(cpu, e->inline_code && !dbg);
        /* In an interrupt shadow with a request waiting, run exactly one
         * instruction so the interrupt arrives right after it. */
        if (cpu->inhibit_irq && cpu->eip == cpu->inhibit_eip && cpu->irq_line && (cpu->eflags & F_IF))
            mode |= TMODE_ONE;
        /* EFLAGS.TF: run one instruction, then the single-step trap (SDM
         * vol. 3, 17.3.1.4: a trap after any instruction that began with
         * TF set). */
        bool single_step = cpu->eflags & F_TF;
        bool one_step = single_step || dbg;
        if (one_step) {
            /* Back to the run loop after the instruction: the exit of a
             * one-instruction block must not continue into the next block
             * through a chain or the inline jump-cache lookup, and no
             * block is linked to or from it. */
            mode |= TMODE_ONE;
            cpu->deadline = cpu->icount + 1;
            last_exit = 0;
        }
        TB *tb = find_block(e, mode);
        if (last_exit) {
            TB *from = (TB *)(uintptr_t)(last_exit & ~(uint64_t)1);
            int slot = (int)(last_exit & 1);
            /* With paging, only within one linear page: the target's
             * mapping is then the source's own, whatever CR3 holds. */
            if (from->valid && from->mode == tb->mode && from->cs_base == tb->cs_base &&
                from->exit[slot].target_eip == tb->eip &&
                (!(tb->mode & TMODE_PG) ||
                 (((from->lin_pc ^ tb->lin_pc) & PAGE_MASK) == 0 && tb->phys_page2 == ~0u)))
                tc_link(from, slot, tb);
        }
        if (TRACE_ON(TRACE_CPU)) cpu_dump(trace_file, cpu);
        if (TRACE_ON(TRACE_EXEC))
            fprintf(trace_file, "Trace %p [%08x] %04x:%08x\n", (void *)tb->code, tb->lin_pc,
                    cpu->seg[S_CS].sel, cpu->eip);
        e->current = tb;
        cpu->stop_block = false;
        cpu->aflags = cpu_pack_aflags(cpu->eflags);
        uint64_t r = e->rt.enter(cpu, tb->code);
        cpu->eflags = cpu_unpack_aflags(cpu->eflags, cpu->aflags);
        e->current = NULL;
        last_exit = (cpu->stop_block || one_step) ? 0 : r;
        /* DR6.BS; delivered with any breakpoint bits of the same
         * instruction at the top of the loop. */
        if (single_step && !cpu->halted) cpu->dbg_pending |= DR6_BS;
    }
    return status;
}
