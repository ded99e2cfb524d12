/* clock.c - the virtual clock and the device timer list.
 *
 * Default mode: virtual ns = host CLOCK_MONOTONIC - start + offset.
 * icount mode:  virtual ns = (retired instructions << shift) + offset, so
 * time is a pure function of the guest's execution; when the CPU halts the
 * run loop warps the offset forward to the next timer deadline.
 *
 * Active timers are kept in a singly linked list sorted by deadline (equal
 * deadlines fire in the order they were armed); a machine has a handful of
 * timers, so insertion by walking the list is the simplest fast choice.
 */
#include "clock.h"

#include <time.h>

/* A callback that keeps re-arming itself in the past must not hang the
 * run loop: one clock_run_timers call fires at most this many timers. */
#define MAX_FIRES_PER_RUN 10000

int64_t clock_host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void clock_init(Clock *c, bool icount, int shift, const uint64_t *insns)
{
    c->icount = icount;
    c->shift = shift < 0 ? 0 : shift > 30 ? 30 : shift;
    c->insns = insns;
    c->host_start = clock_host_ns();
    c->offset = 0;
    c->head = NULL;
    c->rearm = NULL;
    c->rearm_opaque = NULL;
    c->saved_now = 0;
    c->coarse_valid = false;
    c->coarse_last = INT64_MIN;
}

int64_t clock_now(const Clock *c)
{
    if (c->icount) {
        uint64_t n = c->insns ? *c->insns : 0;
        return (int64_t)(n << c->shift) + c->offset;
    }
    return clock_host_ns() - c->host_start + c->offset;
}

int64_t clock_now_coarse(Clock *c)
{
    if (c->icount || !c->insns) return clock_now(c);
    uint64_t n = *c->insns;
    uint64_t dn = n - c->coarse_insns;   /* huge if the count went back: re-read */
    int64_t v;
    if (c->coarse_valid && dn < CLOCK_COARSE_INSNS) {
        v = c->coarse_ns + (int64_t)dn;
    } else {
        v = clock_now(c);
        c->coarse_ns = v;
        c->coarse_insns = n;
        c->coarse_valid = true;
    }
    if (v <= c->coarse_last) v = c->coarse_last + 1;
    c->coarse_last = v;
    return v;
}

void timer_init(Timer *t, void (*cb)(void *), void *opaque)
{
    t->deadline = 0;
    t->cb = cb;
    t->opaque = opaque;
    t->active = false;
    t->next = NULL;
}

void timer_del(Clock *c, Timer *t)
{
    if (!t->active)
        return;
    for (Timer **pp = &c->head; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->active = false;
    t->next = NULL;
}

void timer_mod(Clock *c, Timer *t, int64_t deadline)
{
    timer_del(c, t);
    Timer **pp = &c->head;
    while (*pp && (*pp)->deadline <= deadline)
        pp = &(*pp)->next;
    t->deadline = deadline;
    t->next = *pp;
    *pp = t;
    t->active = true;
    /* A new earliest deadline: whoever computed a budget from the old
     * one (the machine loop) must look again. */
    if (c->head == t && c->rearm)
        c->rearm(c->rearm_opaque);
}

int64_t clock_next_deadline(const Clock *c)
{
    return c->head ? c->head->deadline : INT64_MAX;
}

int clock_run_timers(Clock *c)
{
    int fired = 0;
    while (c->head && fired < MAX_FIRES_PER_RUN) {
        /* Re-read the time each round: in host mode it moves on while
         * callbacks run, and a callback may arm a timer that is already due. */
        Timer *t = c->head;
        if (t->deadline > clock_now(c))
            break;
        c->head = t->next;
        t->next = NULL;
        t->active = false;
        fired++;
        if (t->cb)
            t->cb(t->opaque);
    }
    return fired;
}

void clock_warp_to(Clock *c, int64_t when)
{
    if (!c->icount)
        return;   /* host time advances by itself */
    int64_t now = clock_now(c);
    if (when > now)
        c->offset += when - now;
}

void clock_rebase(Clock *c, int64_t now)
{
    c->offset += now - clock_now(c);
    c->coarse_valid = false;
    c->coarse_last = INT64_MIN;
}
