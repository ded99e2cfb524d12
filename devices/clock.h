/* clock.h - the virtual clock and device timers.
 *
 * Virtual time in nanoseconds. In the default mode it follows the host's
 * monotonic clock from machine start. With -icount SHIFT it is a pure
 * function of guest instructions retired: ns = icount << shift, so a run
 * is reproducible. Devices arm timers at absolute virtual times; the run
 * loop calls clock_run_timers() between blocks and computes how many
 * instructions may run before the next deadline.
 */
#ifndef XLAT86_CLOCK_H
#define XLAT86_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

typedef struct Timer {
    int64_t deadline;         /* virtual ns; valid while active */
    void (*cb)(void *opaque);
    void *opaque;
    bool active;
    struct Timer *next;       /* in the clock's list of active timers, by deadline */
} Timer;

typedef struct Clock {
    bool icount;              /* time from instructions, not the host */
    int shift;                /* icount: ns per instruction = 1 << shift */
    const uint64_t *insns;    /* retired-instruction counter (CPU.icount) */
    int64_t host_start;       /* host monotonic ns at start */
    int64_t offset;           /* added to the raw time (icount warps while halted) */
    Timer *head;
    /* Called when a timer becomes the earliest one (timer_mod). */
    void (*rearm)(void *opaque);
    void *rearm_opaque;
    int64_t saved_now;        /* virtual time at the last state save */
    /* clock_now_coarse: the last host read and the instruction count then,
     * the last value returned (cleared by clock_init/clock_rebase). */
    bool coarse_valid;
    int64_t coarse_ns;
    uint64_t coarse_insns;
    int64_t coarse_last;
} Clock;

void clock_init(Clock *c, bool icount, int shift, const uint64_t *insns);
int64_t clock_now(const Clock *c);
/* The time source of the guest's TSC (RDTSC, RDMSR 10h), which guests
 * read at a high rate (Linux's delay loops, sched_clock): in the default
 * mode the host clock is read at most once per CLOCK_COARSE_INSNS retired
 * instructions; in between the time advances by 1 ns per instruction
 * (at most CLOCK_COARSE_INSNS ns), and every value is above the previous
 * one. The long-run rate is the host clock's. With -icount: clock_now. */
#define CLOCK_COARSE_INSNS 1024u
int64_t clock_now_coarse(Clock *c);
/* Host monotonic clock in ns. */
int64_t clock_host_ns(void);

void timer_init(Timer *t, void (*cb)(void *), void *opaque);
void timer_mod(Clock *c, Timer *t, int64_t deadline);
void timer_del(Clock *c, Timer *t);
/* Earliest active deadline or INT64_MAX. */
int64_t clock_next_deadline(const Clock *c);
/* Fire every timer whose deadline has passed. Returns the number fired. */
int clock_run_timers(Clock *c);
/* Continue from virtual time `now` (after loading a saved state): the
 * clock reads `now` at once and advances from there, in both modes.
 * Armed deadlines are absolute and are not moved. */
void clock_rebase(Clock *c, int64_t now);
/* icount mode with a halted CPU: jump virtual time forward to `when`. */
void clock_warp_to(Clock *c, int64_t when);

#endif
