/* machine.c - the machine loop above the engines (see machine.h). */
#include "machine.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devices/chardev.h"
#include "devices/memory.h"
#include "translator/trace.h"

/* Without -icount, a slice ends after at most this many guest
 * instructions (the engine also comes back at its dispatcher every ~1024
 * instructions, when the loop looks at the host clock for due timers). */
#define REALTIME_SLICE 200000u
/* -icount: at most this many instructions in one slice. */
#define ICOUNT_SLICE_MAX (1u << 24)
/* A halted CPU with no timer armed waits at most this long before the
 * loop looks again. */
#define HALT_WAIT_NS 10000000

static void clock_rearm(void *opaque)
{
    Machine *m = opaque;
    if (m->engine) engine_kick(m->engine);
}

bool machine_init(Machine *m, PC *pc, Engine *e)
{
    memset(m, 0, sizeof *m);
    m->pc = pc;
    m->engine = e;
    if (pipe(m->wake_fd) != 0) return false;
    for (int i = 0; i < 2; i++) fcntl(m->wake_fd[i], F_SETFL, O_NONBLOCK);
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->cond, NULL);
    if (pc->clock.icount) {
        pc->clock.rearm = clock_rearm;
        pc->clock.rearm_opaque = m;
    }
    return true;
}

void machine_free(Machine *m)
{
    if (m->pc && m->pc->clock.rearm_opaque == m) m->pc->clock.rearm = NULL;
    close(m->wake_fd[0]);
    close(m->wake_fd[1]);
    pthread_mutex_destroy(&m->lock);
    pthread_cond_destroy(&m->cond);
}

void machine_set_boot(Machine *m, MachineBootFn fn, void *opaque)
{
    m->boot = fn;
    m->boot_opaque = opaque;
}

bool machine_reset(Machine *m)
{
    pc_reset(m->pc);
    engine_reset(m->engine);
    m->boots++;
    if (!m->boot) return true;
    /* A fresh boot: nothing of the previous run stays in RAM, so the
     * kernel sees what it saw the first time (its BSS, the initrd, the
     * zero page are rewritten anyway), as QEMU's -kernel does. */
    mem_clear_ram(&m->pc->mem);
    engine_flush(m->engine);
    CPUState st;
    engine_get_state(m->engine, &st);
    if (!m->boot(m->boot_opaque, m->pc, &st)) return false;
    engine_set_state(m->engine, &st);
    return true;
}

void machine_stop(Machine *m) { m->paused = true; }
void machine_cont(Machine *m) { m->paused = false; }

void machine_quit(Machine *m, int status)
{
    m->quit = true;
    m->quit_status = status;
}

bool machine_request(Machine *m, void (*fn)(Machine *m, void *arg), void *arg)
{
    MachineRequest r = {fn, arg, false, false, NULL};
    pthread_mutex_lock(&m->lock);
    if (m->finished) {
        pthread_mutex_unlock(&m->lock);
        return false;
    }
    MachineRequest **pp = &m->requests;
    while (*pp) pp = &(*pp)->next;
    *pp = &r;
    __atomic_store_n(&m->pending, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&m->lock);
    engine_kick(m->engine);
    char c = 1;
    if (write(m->wake_fd[1], &c, 1) < 0) { /* full pipe: a wake-up is queued anyway */ }
    pthread_mutex_lock(&m->lock);
    while (!r.done) pthread_cond_wait(&m->cond, &m->lock);
    pthread_mutex_unlock(&m->lock);
    return r.ran;
}

void machine_finish(Machine *m)
{
    pthread_mutex_lock(&m->lock);
    m->finished = true;
    for (MachineRequest *r = m->requests; r;) {
        MachineRequest *next = r->next;
        r->done = true;   /* r lives on its requester's stack: not after this */
        r = next;
    }
    m->requests = NULL;
    __atomic_store_n(&m->pending, 0, __ATOMIC_SEQ_CST);
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
}

static void drain_wake(Machine *m)
{
    char buf[64];
    while (read(m->wake_fd[0], buf, sizeof buf) > 0) {
    }
}

/* Carry out queued requests on the vCPU thread. */
static void run_requests(Machine *m)
{
    if (!__atomic_load_n(&m->pending, __ATOMIC_SEQ_CST)) return;
    pthread_mutex_lock(&m->lock);
    for (;;) {
        MachineRequest *r = m->requests;
        if (!r) break;
        m->requests = r->next;
        pthread_mutex_unlock(&m->lock);
        r->fn(m, r->arg);
        pthread_mutex_lock(&m->lock);
        r->ran = true;
        r->done = true;
        pthread_cond_broadcast(&m->cond);
    }
    __atomic_store_n(&m->pending, 0, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&m->lock);
}

/* Wait up to ns for the wake-up pipe (a monitor request); 0 = forever. */
static void wait_wake(Machine *m, int64_t ns)
{
    struct pollfd p = {m->wake_fd[0], POLLIN, 0};
    int ms;
    chardev_flush_all();   /* held console output, before the host waits */
    if (ns <= 0) {
        ms = -1;
    } else {
        ms = (int)((ns + 999999) / 1000000);
    }
    if (ns > 0 && ns < 1000000) {
        /* Sub-millisecond timer: sleep precisely instead of polling. */
        struct timespec ts = {0, (long)ns};
        nanosleep(&ts, NULL);
        return;
    }
    if (poll(&p, 1, ms) > 0) drain_wake(m);
}

/* Halted CPU: wait for the next timer (warp time with -icount). */
static void wait_halted(Machine *m)
{
    Clock *c = &m->pc->clock;
    int64_t next = clock_next_deadline(c);
    if (next == INT64_MAX) {
        wait_wake(m, HALT_WAIT_NS);
        return;
    }
    int64_t now = clock_now(c);
    if (c->icount) {
        /* Virtual time jumps to the timer (deterministic); with sleep=on
         * the host waits as long, so an idle guest's clock keeps pace with
         * the wall clock, as QEMU's -icount sleep=on does. */
        if (next > now) {
            if (m->pc->cfg.icount_sleep) wait_wake(m, next - now > HALT_WAIT_NS ? HALT_WAIT_NS : next - now);
            clock_warp_to(c, next);
        }
    } else if (next > now) {
        wait_wake(m, next - now > HALT_WAIT_NS ? HALT_WAIT_NS : next - now);
    }
}

/* Instructions the engine may run before the next timer is due. */
static uint64_t slice(Machine *m)
{
    Clock *c = &m->pc->clock;
    if (!c->icount) return REALTIME_SLICE;
    int64_t next = clock_next_deadline(c);
    if (next == INT64_MAX) return ICOUNT_SLICE_MAX;
    int64_t dt = next - clock_now(c);
    if (dt <= 0) return 1;
    uint64_t n = ((uint64_t)dt + (1u << c->shift) - 1) >> c->shift;
    return n < 1 ? 1 : n > ICOUNT_SLICE_MAX ? ICOUNT_SLICE_MAX : n;
}

static void dump_state(Machine *m)
{
    static const char *rn[8] = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};
    static const char *sn[6] = {"ES", "CS", "SS", "DS", "FS", "GS"};
    CPUState s;
    engine_get_state(m->engine, &s);
    for (int i = 0; i < 8; i++) fprintf(stderr, "%s=%08x%s", rn[i], s.regs[i], (i % 4 == 3) ? "\n" : " ");
    fprintf(stderr, "EIP=%08x EFL=%08x CR0=%08x\n", s.eip, s.eflags, s.cr[0]);
    for (int i = 0; i < 6; i++)
        fprintf(stderr, "%s =%04x %08x %08x %04x\n", sn[i], s.seg[i].sel, s.seg[i].base, s.seg[i].limit,
                s.seg[i].flags);
}

int machine_run(Machine *m)
{
    PC *pc = m->pc;
    for (;;) {
        run_requests(m);
        if (m->quit) return m->quit_status;
        if (pc->exit_requested) return pc->exit_status;
        if (pc->reset_requested) {
            pc->reset_requested = false;
            if (!machine_reset(m)) return 1;
        }
        if (m->paused) {
            wait_wake(m, 0);
            continue;
        }
        clock_run_timers(&pc->clock);
        if (pc->exit_requested || pc->reset_requested) continue;
        EngineStop stop = engine_run(m->engine, slice(m));
        chardev_flush_due();
        switch (stop) {
        case STOP_BUDGET:
            break;
        case STOP_BREAKPOINT:
        case STOP_WATCHPOINT:
            if (m->debug_stop && m->debug_stop(m, stop, m->debug_opaque)) m->paused = true;
            break;
        case STOP_HALT:
            wait_halted(m);
            break;
        case STOP_RESET:
            pc->reset_requested = true;
            break;
        case STOP_EXIT:
            if (!pc->exit_requested) return 0;
            break;
        case STOP_TRIPLE:
            /* Shutdown: the PC's chipset turns it into a reset (QEMU's
             * behaviour); -no-reboot stops the machine instead. */
            chardev_flush_all();   /* the guest's last console output before ours */
            if (TRACE_ON(TRACE_INT)) fprintf(trace_file, "shutdown (triple fault)\n");
            if (pc->cfg.no_reboot) {
                fprintf(stderr, "xlat86: triple fault; CPU state:\n");
                dump_state(m);
                return 0;
            }
            if (!machine_reset(m)) return 1;
            break;
        case STOP_ERROR:
            return 1;
        }
    }
}
