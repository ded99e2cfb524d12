/* debugger.c - breakpoints, watchpoints, stepping (see debugger.h). */
#include "debugger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/clock.h"
#include "translator/dbt_debug.h"

static uint32_t cur_pc(Machine *m)
{
    CPUState s;
    engine_get_state(m->engine, &s);
    return s.seg[S_CS].base + s.eip;
}

static bool cond_holds(Debugger *d, const DbgPoint *p)
{
    if (!p->cond[0]) return true;
    CPUState s;
    uint32_t v;
    char err[128];
    engine_get_state(d->m->engine, &s);
    /* A condition that cannot be evaluated stops, as gdb does. */
    if (!dbg_eval(d, &s, p->cond, &v, err, sizeof err)) return true;
    return v != 0;
}

static bool watch_matches(const DbgPoint *p, const EngineWatchHit *h)
{
    if (p->type != DBG_WATCHPOINT || !(p->kind & (h->write ? WATCH_WRITE : WATCH_READ))) return false;
    return (uint32_t)(h->lin - p->addr) < p->len || (uint32_t)(p->addr - h->lin) < h->size;
}

static void notify(Debugger *d)
{
    if (d->listener) d->listener(d->listener_opaque, &d->last);
}

/* Which point (if any) explains the engine's stop, with its condition. */
static bool explain(Debugger *d, EngineStop why, DbgStop *st)
{
    memset(st, 0, sizeof *st);
    st->reason = why;
    st->pc = cur_pc(d->m);
    if (why == STOP_WATCHPOINT && d->m->engine->ops->watch_hit) d->m->engine->ops->watch_hit(d->m->engine, &st->hit);
    for (int i = 0; i < DBG_MAX_POINTS; i++) {
        DbgPoint *p = &d->pts[i];
        if (!p->id) continue;
        bool hit = why == STOP_BREAKPOINT ? p->type != DBG_WATCHPOINT && p->addr == st->pc
                                          : watch_matches(p, &st->hit);
        if (!hit || !cond_holds(d, p)) continue;
        p->hits++;
        st->id = p->id;
        st->kind = p->kind;
        if (p->type == DBG_TBREAK) dbg_delete(d, p->id);
        return true;
    }
    return false;
}

static bool on_stop(Machine *m, EngineStop why, void *opaque)
{
    Debugger *d = opaque;
    (void)m;
    DbgStop st;
    if (!explain(d, why, &st)) return false;
    d->last = st;
    notify(d);
    return true;
}

Debugger *dbg_create(Machine *m)
{
    Debugger *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->m = m;
    d->next_id = 1;
    m->debug_stop = on_stop;
    m->debug_opaque = d;
    m->dbg = d;
    return d;
}

void dbg_load_kernel_symbols(Debugger *d, const char *path)
{
    char err[512];
    /* A Multiboot ELF has symbols; a bzImage or a.out kernel has none. */
    (void)sym_load_elf(&d->syms, path, 0, err, sizeof err);
}

void dbg_front_attached(Debugger *d)
{
    if (d && dbt_is(d->m->engine)) dbt_count_execs(d->m->engine, true);
}

void dbg_want_counts(Debugger *d)
{
    if (d) d->counts_wanted = true;
}

/* Before the guest runs again for a debugger (resume, step). */
static void counts_on_resume(Debugger *d)
{
    if (!d->counts_wanted) return;
    d->counts_wanted = false;
    dbg_front_attached(d);
}

void dbg_free(Debugger *d)
{
    if (!d) return;
    if (d->m->debug_opaque == d) d->m->debug_stop = NULL;
    if (d->m->dbg == d) d->m->dbg = NULL;
    sym_free(&d->syms);
    free(d);
}

static DbgPoint *new_point(Debugger *d, const char *cond, char *err, size_t errlen)
{
    if (cond && strlen(cond) >= DBG_COND_MAX) {
        snprintf(err, errlen, "condition too long");
        return NULL;
    }
    if (cond && *cond) {
        CPUState s;
        uint32_t v;
        engine_get_state(d->m->engine, &s);
        if (!dbg_eval(d, &s, cond, &v, err, errlen)) return NULL;
    }
    for (int i = 0; i < DBG_MAX_POINTS; i++)
        if (!d->pts[i].id) {
            DbgPoint *p = &d->pts[i];
            memset(p, 0, sizeof *p);
            snprintf(p->cond, sizeof p->cond, "%s", cond ? cond : "");
            return p;
        }
    snprintf(err, errlen, "too many breakpoints and watchpoints (%d)", DBG_MAX_POINTS);
    return NULL;
}

/* Engine breakpoints are shared by points at the same address. */
static bool bp_used(const Debugger *d, uint32_t addr, const DbgPoint *except)
{
    for (int i = 0; i < DBG_MAX_POINTS; i++) {
        const DbgPoint *p = &d->pts[i];
        if (p != except && p->id && p->type != DBG_WATCHPOINT && p->addr == addr) return true;
    }
    return false;
}

int dbg_break_add(Debugger *d, uint32_t addr, bool temp, const char *cond, bool gdb, char *err, size_t errlen)
{
    DbgPoint *p = new_point(d, cond, err, errlen);
    if (!p) return 0;
    if (!bp_used(d, addr, NULL) && !engine_bp_insert(d->m->engine, addr)) {
        snprintf(err, errlen, "the engine cannot set a breakpoint here");
        return 0;
    }
    p->type = temp ? DBG_TBREAK : DBG_BREAK;
    p->addr = addr;
    p->gdb = gdb;
    p->id = d->next_id++;
    return p->id;
}

int dbg_watch_add(Debugger *d, uint32_t addr, uint32_t len, EngineWatchKind kind, const char *cond, bool gdb,
                  char *err, size_t errlen)
{
    if (len == 0 || len > 0x10000) {
        snprintf(err, errlen, "watchpoint length must be 1 to 65536 bytes");
        return 0;
    }
    DbgPoint *p = new_point(d, cond, err, errlen);
    if (!p) return 0;
    if (!engine_wp_insert(d->m->engine, addr, len, kind)) {
        snprintf(err, errlen, "the engine cannot set more watchpoints");
        return 0;
    }
    p->type = DBG_WATCHPOINT;
    p->kind = kind;
    p->addr = addr;
    p->len = len;
    p->gdb = gdb;
    p->id = d->next_id++;
    return p->id;
}

bool dbg_delete(Debugger *d, int id)
{
    for (int i = 0; i < DBG_MAX_POINTS; i++) {
        DbgPoint *p = &d->pts[i];
        if (p->id != id || !id) continue;
        if (p->type == DBG_WATCHPOINT) engine_wp_remove(d->m->engine, p->addr, p->len, p->kind);
        else if (!bp_used(d, p->addr, p)) engine_bp_remove(d->m->engine, p->addr);
        p->id = 0;
        return true;
    }
    return false;
}

void dbg_delete_all(Debugger *d)
{
    for (int i = 0; i < DBG_MAX_POINTS; i++)
        if (d->pts[i].id) dbg_delete(d, d->pts[i].id);
}

bool dbg_delete_match(Debugger *d, DbgPointType type, uint32_t addr, uint32_t len, EngineWatchKind kind)
{
    for (int i = 0; i < DBG_MAX_POINTS; i++) {
        DbgPoint *p = &d->pts[i];
        if (!p->id || !p->gdb || p->addr != addr) continue;
        if (type == DBG_WATCHPOINT ? (p->type != DBG_WATCHPOINT || p->len != len || p->kind != kind)
                                   : p->type == DBG_WATCHPOINT)
            continue;
        return dbg_delete(d, p->id);
    }
    return false;
}

void dbg_resume(Debugger *d)
{
    counts_on_resume(d);
    engine_run(d->m->engine, 0);   /* take the request's kick */
    if (bp_used(d, cur_pc(d->m), NULL) && engine_step(d->m->engine) != STOP_BREAKPOINT) {
        /* The instruction at the breakpoint ran (the engine had already
         * stopped there): nothing else to do. */
    }
}

uint64_t dbg_step(Debugger *d, uint64_t n, bool blocks, DbgStop *st)
{
    counts_on_resume(d);
    Machine *m = d->m;
    uint64_t done = 0;
    memset(st, 0, sizeof *st);
    st->reason = STOP_BUDGET;
    m->paused = true;
    /* The request that brought us here kicked the engine: run(0) takes
     * that kick (and executes nothing), so the first step is a real one. */
    engine_run(m->engine, 0);
    uint32_t start = cur_pc(m);
    bool first = true;
    while (done < n) {
        /* Timers due now fire first, as between two slices of the loop. */
        clock_run_timers(&m->pc->clock);
        EngineStop why = blocks ? engine_run(m->engine, 1) : engine_step(m->engine);
        bool was_first = first;
        first = false;
        /* Stepping away from a breakpoint: the engine stops there once,
         * then lets the instruction run. */
        if (why == STOP_BREAKPOINT && was_first && cur_pc(m) == start) continue;
        if (why == STOP_BREAKPOINT || why == STOP_WATCHPOINT) {
            if (why == STOP_WATCHPOINT) done++;   /* the access's instruction completed */
            DbgStop hit;
            if (explain(d, why, &hit)) {
                *st = hit;
                break;
            }
            continue;                             /* a condition that does not hold */
        }
        done++;
        if (why == STOP_HALT || why == STOP_TRIPLE || why == STOP_ERROR) {
            st->reason = why;
            break;
        }
    }
    if (st->reason == STOP_BUDGET) st->pc = cur_pc(m);
    d->last = *st;
    return done;
}
