/* debugger.h - the debugger shared by the monitor, the GDB stub and the
 * TUI: breakpoints and watchpoints with conditions (engine-neutral, on top
 * of cpu/engine.h's bp/wp ops), stepping, expressions and symbols.
 *
 * Everything here runs on the vCPU thread (inside machine_request), except
 * dbg_create/dbg_free. When a breakpoint or watchpoint fires and its
 * condition holds, the machine pauses and the stop listener (the GDB stub)
 * is told; a condition that does not hold lets the guest run on.
 */
#ifndef XLAT86_DEBUGGER_H
#define XLAT86_DEBUGGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/engine.h"
#include "machine.h"
#include "symbols.h"

#define DBG_MAX_POINTS 64
#define DBG_COND_MAX 256

typedef enum DbgPointType { DBG_BREAK, DBG_TBREAK, DBG_WATCHPOINT } DbgPointType;

typedef struct DbgPoint {
    int id;                   /* 0: free slot */
    DbgPointType type;
    EngineWatchKind kind;     /* watchpoints */
    uint32_t addr, len;
    char cond[DBG_COND_MAX];  /* "" = always */
    uint64_t hits;            /* times it stopped the guest */
    bool gdb;                 /* set by the GDB stub (Z packets) */
} DbgPoint;

/* Why the guest last stopped for the debugger. */
typedef struct DbgStop {
    EngineStop reason;        /* STOP_BREAKPOINT, STOP_WATCHPOINT, or STOP_BUDGET (a step ended) */
    uint32_t pc;              /* linear address of the next instruction */
    int id;                   /* the point, 0 if none (a step) */
    EngineWatchHit hit;       /* STOP_WATCHPOINT */
    EngineWatchKind kind;     /* STOP_WATCHPOINT: the point's kind */
} DbgStop;

typedef struct Debugger {
    Machine *m;
    DbgPoint pts[DBG_MAX_POINTS];
    int next_id;
    Symbols syms;
    DbgStop last;
    char fmt;                 /* the monitor's x/xp: last format and size (QEMU keeps them) */
    unsigned fmt_size;
    /* Told on the vCPU thread after every debugger stop (the GDB stub). */
    void (*listener)(void *opaque, const DbgStop *st);
    void *listener_opaque;
    bool counts_wanted;       /* info tb/tbs/trace-last asked: counters from the next resume */
} Debugger;

/* Creates the debugger and hooks it into the machine loop. */
Debugger *dbg_create(Machine *m);
void dbg_free(Debugger *d);
/* The symbols of a -kernel image, if it is an ELF file with a symtab. */
void dbg_load_kernel_symbols(Debugger *d, const char *path);
/* Exact block execution counts for info tb/info tbs from now on
 * (dbt_count_execs: drops the translations; nothing under KVM). The TUI
 * turns them on at once; the monitor's info tb/info tbs/trace-last ask
 * for them (dbg_want_counts) and they start at the next resume or step,
 * so a monitor or GDB stub that only stops, steps, breaks and watches
 * leaves the code as fast as without one. */
void dbg_front_attached(Debugger *d);
void dbg_want_counts(Debugger *d);

/* New breakpoint/watchpoint; returns its id, or 0 with a reason in err. */
int dbg_break_add(Debugger *d, uint32_t addr, bool temp, const char *cond, bool gdb, char *err, size_t errlen);
int dbg_watch_add(Debugger *d, uint32_t addr, uint32_t len, EngineWatchKind kind, const char *cond, bool gdb,
                  char *err, size_t errlen);
bool dbg_delete(Debugger *d, int id);
void dbg_delete_all(Debugger *d);
/* The GDB stub's z packets: remove the point it set with these values. */
bool dbg_delete_match(Debugger *d, DbgPointType type, uint32_t addr, uint32_t len, EngineWatchKind kind);

/* Execute n guest instructions (step) or n translated blocks (stepb); a
 * breakpoint or watchpoint on the way ends it early. Pauses the machine.
 * Returns the steps done; *st says where and why it ended. */
uint64_t dbg_step(Debugger *d, uint64_t n, bool blocks, DbgStop *st);

/* Before `cont`: leave a breakpoint at the current instruction behind, so
 * that the guest does not stop there again at once. */
void dbg_resume(Debugger *d);

/* Expressions: numbers (0x hex, decimal), registers (eax or $eax, ax, al,
 * eip, eflags, segment and control registers), symbols, [expr] (the dword
 * at a linear address, read without side effects), ( ), unary - ~ !,
 * * / % + - << >> < <= > >= == != & ^ | && ||. */
bool dbg_eval(Debugger *d, const CPUState *s, const char *expr, uint32_t *out, char *err, size_t errlen);
/* An address: an expression, or SEG:OFF (SEG a segment register: its
 * base; a number: real-mode paragraph). Linear result. */
bool dbg_eval_addr(Debugger *d, const CPUState *s, const char *expr, uint32_t *out, char *err, size_t errlen);

#endif
