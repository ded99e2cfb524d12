/* engine.h - what runs the guest CPU: the interface every engine offers.
 *
 * An engine executes guest instructions on a board (devices/pc.h). Today
 * there is the translator (translator/dbt.c, `-accel dbt`); a KVM engine
 * will sit beside it with the same interface. Above the engines, the
 * machine loop (frontend/machine.c) keeps the virtual clock, runs device
 * timers, sleeps while the CPU is halted, resets and powers off, and
 * serves the monitor; it talks to an engine only through these calls.
 *
 * Threads: run/step/get_state/set_state/reset/flush are called on the
 * vCPU thread (the machine loop's). kick, set_intr and nmi may be called
 * from the vCPU thread inside a device callback, and kick also from any
 * other thread or a signal handler.
 */
#ifndef XLAT86_ENGINE_H
#define XLAT86_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "state.h"

/* Why run() or step() returned. */
typedef enum EngineStop {
    STOP_BUDGET,      /* the budget ran out, or a kick: nothing special */
    STOP_HALT,        /* HLT (or x87 FERR# wait) with nothing to deliver */
    STOP_BREAKPOINT,  /* a debugger breakpoint (not a guest DRn one) */
    STOP_WATCHPOINT,  /* a debugger watchpoint */
    /* An engine that itself sees the guest ask for a reset or a stop
     * (KVM's system-event exits) reports it with these. Requests that a
     * board device makes (ports 0x92/0xCF9/0x64, the exit port, ACPI
     * soft-off) kick the engine instead: run() returns STOP_BUDGET and the
     * machine loop reads the board's flags. */
    STOP_RESET,       /* a machine reset */
    STOP_EXIT,        /* power-off or another end of the run */
    STOP_TRIPLE,      /* shutdown: a triple fault; state.shutdown is set */
    STOP_ERROR,       /* the engine cannot go on (reported on stderr) */
} EngineStop;

typedef struct Engine Engine;

/* Debugger watchpoints (owned by the debugger, not the guest's DR0-DR7). */
typedef enum EngineWatchKind { WATCH_WRITE = 1, WATCH_READ = 2, WATCH_ACCESS = 3 } EngineWatchKind;

/* The access that stopped run() or step() with STOP_WATCHPOINT. */
typedef struct EngineWatchHit {
    uint32_t lin;      /* linear address of the access */
    uint32_t size;
    bool write;
} EngineWatchHit;

typedef struct EngineOps {
    const char *name;                 /* "dbt", "kvm" */
    void (*destroy)(Engine *e);
    /* Execute until an event, or until about `budget` guest instructions
     * have retired (an engine that cannot count them treats the budget as
     * a time slice). Interrupts and exceptions are delivered inside.
     * run(0) executes nothing and consumes a pending kick (the debugger
     * calls it before stepping); the translator's run(1) executes exactly
     * one translated block (the debugger's block step). */
    EngineStop (*run)(Engine *e, uint64_t budget);
    /* Exactly one guest instruction (or the delivery of one pending
     * event), then STOP_BUDGET or the event that stopped it. */
    EngineStop (*step)(Engine *e);
    /* Asynchronous exit request: run() returns soon (the translator: at
     * the next block entry; from a device callback on the vCPU thread,
     * after the current instruction). Async-signal-safe. */
    void (*kick)(Engine *e);
    /* The CPU's INTR input (the interrupt controller's INT output). The
     * engine acknowledges through the board (cpu->irq_ack) when it takes
     * the interrupt. */
    void (*set_intr)(Engine *e, int level);
    /* A rising edge on the NMI input. */
    void (*nmi)(Engine *e);
    void (*get_state)(Engine *e, CPUState *out);
    void (*set_state)(Engine *e, const CPUState *in);
    /* RESET: the CPU's power-on state (SDM vol. 3, 9.1.1); all cached
     * translations and TLBs dropped. */
    void (*reset)(Engine *e);
    /* Drop everything derived from guest memory (translations, TLBs):
     * after RAM was replaced behind the engine's back (loadvm, reboot of
     * a -kernel guest). */
    void (*flush)(Engine *e);
    /* Guest instructions retired so far (0 if the engine cannot count). */
    uint64_t (*icount)(Engine *e);
    /* Debugger breakpoints at linear addresses: run() and step() return
     * STOP_BREAKPOINT before the instruction there executes; the first
     * instruction after a STOP_BREAKPOINT (or a set_state) does not stop
     * again. Independent of DR0-DR7 (a KVM engine: KVM_SET_GUEST_DEBUG).
     * NULL ops: the engine has no debugger support. False: table full. */
    bool (*bp_insert)(Engine *e, uint32_t lin);
    void (*bp_remove)(Engine *e, uint32_t lin);
    /* Debugger watchpoints on [lin, lin+len): run() and step() return
     * STOP_WATCHPOINT right after the instruction that made a matching
     * explicit data access; watch_hit tells which. */
    bool (*wp_insert)(Engine *e, uint32_t lin, uint32_t len, EngineWatchKind kind);
    void (*wp_remove)(Engine *e, uint32_t lin, uint32_t len, EngineWatchKind kind);
    void (*watch_hit)(Engine *e, EngineWatchHit *out);
} EngineOps;

struct Engine {
    const EngineOps *ops;
};

static inline EngineStop engine_run(Engine *e, uint64_t budget) { return e->ops->run(e, budget); }
static inline EngineStop engine_step(Engine *e) { return e->ops->step(e); }
static inline void engine_kick(Engine *e) { e->ops->kick(e); }
static inline void engine_set_intr(Engine *e, int level) { e->ops->set_intr(e, level); }
static inline void engine_nmi(Engine *e) { e->ops->nmi(e); }
static inline void engine_get_state(Engine *e, CPUState *s) { e->ops->get_state(e, s); }
static inline void engine_set_state(Engine *e, const CPUState *s) { e->ops->set_state(e, s); }
static inline void engine_reset(Engine *e) { e->ops->reset(e); }
static inline void engine_flush(Engine *e) { e->ops->flush(e); }
static inline uint64_t engine_icount(Engine *e) { return e->ops->icount(e); }
static inline bool engine_bp_insert(Engine *e, uint32_t lin)
{
    return e->ops->bp_insert && e->ops->bp_insert(e, lin);
}
static inline void engine_bp_remove(Engine *e, uint32_t lin)
{
    if (e->ops->bp_remove) e->ops->bp_remove(e, lin);
}
static inline bool engine_wp_insert(Engine *e, uint32_t lin, uint32_t len, EngineWatchKind k)
{
    return e->ops->wp_insert && e->ops->wp_insert(e, lin, len, k);
}
static inline void engine_wp_remove(Engine *e, uint32_t lin, uint32_t len, EngineWatchKind k)
{
    if (e->ops->wp_remove) e->ops->wp_remove(e, lin, len, k);
}
static inline void engine_destroy(Engine *e)
{
    if (e) e->ops->destroy(e);
}

const char *engine_stop_name(EngineStop s);

#endif
