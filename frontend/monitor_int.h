/* monitor_int.h - what the monitor's command files share (monitor.c, the
 * debugger commands in monitor_dbg.c and monitor_tb.c). Not for others. */
#ifndef XLAT86_MONITOR_INT_H
#define XLAT86_MONITOR_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "machine.h"
#include "monitor.h"

typedef struct Out {
    char *buf;
    size_t len, cap;
} Out;

__attribute__((format(printf, 2, 3))) void out_printf(Out *o, const char *fmt, ...);

typedef struct Cmd Cmd;

typedef struct CmdDef {
    const char *names;  /* "stop|s": the name and its aliases */
    const char *params; /* for help */
    const char *help;
    int nargs;          /* 0; 1: one string argument (a file); -1: the rest of the line (may be empty) */
    void (*fn)(Machine *m, Cmd *c); /* runs on the vCPU thread */
} CmdDef;

struct Cmd {
    Monitor *mon;
    const CmdDef *def;
    const char *arg;
    Out out;
};

/* monitor_dbg.c / monitor_tb.c: the debugger's commands and info commands. */
extern const CmdDef mon_dbg_commands[];
extern const size_t mon_dbg_n_commands;
extern const CmdDef mon_dbg_info_commands[];
extern const size_t mon_dbg_n_info;
extern const CmdDef mon_tb_commands[];
extern const size_t mon_tb_n_commands;
extern const CmdDef mon_tb_info_commands[];
extern const size_t mon_tb_n_info;
/* monitor_sys.c: info pic|irq|pit|idt|gdt|ldt|tss. */
extern const CmdDef mon_sys_info_commands[];
extern const size_t mon_sys_n_info;
/* monitor_input.c: sendkey KEYS [HOLD_MS]. */
void mon_sendkey(Machine *m, Cmd *c);
/* The prelaunch flag of `info status` (cleared by cont and step commands). */
void monitor_clear_prelaunch(Monitor *mon);

#endif
