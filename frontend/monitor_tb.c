/* monitor_tb.c - the monitor's commands on translated blocks (info tb,
 * info tbs, tb-invalidate, trace-last): the translator engine only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger.h"
#include "monitor_int.h"
#include "translator/dbt_debug.h"

static void sym_cb(void *opaque, uint32_t a, char *buf, size_t len)
{
    sym_format(&((Debugger *)opaque)->syms, a, buf, len);
}

/* Run fn's listing into c->out through a memory stream. */
static FILE *listing(char **buf, size_t *len) { return open_memstream(buf, len); }

static void flush_listing(Cmd *c, FILE *f, char **buf)
{
    fclose(f);   /* sets *buf */
    if (*buf) out_printf(&c->out, "%s", *buf);
    free(*buf);
}

static bool need_dbt(Machine *m, Cmd *c)
{
    if (dbt_is(m->engine) && m->dbg) return true;
    out_printf(&c->out, "Error: only the translator (-accel dbt) has translated blocks\n");
    return false;
}

static bool addr_arg(Machine *m, Cmd *c, const char *text, uint32_t *a)
{
    CPUState s;
    char err[160];
    engine_get_state(m->engine, &s);
    if (!*text) {
        *a = s.seg[S_CS].base + s.eip;
        return true;
    }
    if (dbg_eval_addr(m->dbg, &s, text, a, err, sizeof err)) return true;
    out_printf(&c->out, "Error: %s\n", err);
    return false;
}

/* info tb [ADDR] [nohost]: default CS:EIP; "noaddr" masks host addresses */
static void do_info_tb(Machine *m, Cmd *c)
{
    uint32_t a;
    char arg[256];
    if (!need_dbt(m, c)) return;
    snprintf(arg, sizeof arg, "%s", c->arg);
    bool addr = true;
    char *opt = strstr(arg, "noaddr");
    if (opt) {
        addr = false;
        *opt = '\0';
    }
    size_t n = strlen(arg);
    while (n && (arg[n - 1] == ' ' || arg[n - 1] == '\t')) arg[--n] = '\0';
    if (!addr_arg(m, c, arg, &a)) return;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = listing(&buf, &len);
    if (!f) return;
    bool any = dbt_info_tb(m->engine, a, addr, f, sym_cb, m->dbg);
    if (!any) fprintf(f, "no translated block covers %08x\n", a);
    flush_listing(c, f, &buf);
}

static void do_info_tbs(Machine *m, Cmd *c)
{
    if (!need_dbt(m, c)) return;
    int max = *c->arg ? atoi(c->arg) : 20;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = listing(&buf, &len);
    if (!f) return;
    dbt_info_tbs(m->engine, max > 0 ? max : 20, f, sym_cb, m->dbg);
    flush_listing(c, f, &buf);
}

static void do_tb_invalidate(Machine *m, Cmd *c)
{
    uint32_t a;
    if (!need_dbt(m, c)) return;
    if (!strcmp(c->arg, "all")) {
        dbt_tb_invalidate_all(m->engine);
        out_printf(&c->out, "all translations dropped\n");
        return;
    }
    if (!*c->arg) {
        out_printf(&c->out, "Error: tb-invalidate ADDR|all\n");
        return;
    }
    if (!addr_arg(m, c, c->arg, &a)) return;
    out_printf(&c->out, "%d block(s) dropped\n", dbt_tb_invalidate(m->engine, a));
}

/* trace-last on|off|[N] */
static void do_trace_last(Machine *m, Cmd *c)
{
    if (!need_dbt(m, c)) return;
    if (!strcmp(c->arg, "on") || !strcmp(c->arg, "off")) {
        dbt_trace_enable(m->engine, c->arg[1] == 'n');
        return;
    }
    if (!dbt_trace_enabled(m->engine)) {
        out_printf(&c->out, "trace-last is off (trace-last on starts recording)\n");
        return;
    }
    int n = *c->arg ? atoi(c->arg) : 10;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = listing(&buf, &len);
    if (!f) return;
    dbt_trace_last(m->engine, n > 0 ? n : 10, f, sym_cb, m->dbg);
    flush_listing(c, f, &buf);
}

const CmdDef mon_tb_commands[] = {
    {"tb-invalidate", "addr|all", "drop the translated blocks covering addr, or all", -1, do_tb_invalidate},
    {"trace-last", "on|off|[n]", "record executed blocks / show the last n (default 10)", -1, do_trace_last},
};
const size_t mon_tb_n_commands = sizeof mon_tb_commands / sizeof mon_tb_commands[0];
const CmdDef mon_tb_info_commands[] = {
    {"tb", "[addr] [noaddr]", "show the translated block(s) covering addr: guest and host code, exits", -1,
     do_info_tb},
    {"tbs", "[n]", "show the n most dispatched translated blocks (default 20)", -1, do_info_tbs},
};
const size_t mon_tb_n_info = sizeof mon_tb_info_commands / sizeof mon_tb_info_commands[0];
