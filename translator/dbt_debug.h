/* dbt_debug.h - the translator's blocks as the debugger sees them (the
 * monitor's info tb, info tbs, tb-invalidate, trace-last). Only for an
 * engine made by dbt_create (dbt_is() tells); vCPU thread only. */
#ifndef XLAT86_DBT_DEBUG_H
#define XLAT86_DBT_DEBUG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/engine.h"

/* Names a guest address ("sym+0x4" or ""), for listings. */
typedef void (*DbtSymFn)(void *opaque, uint32_t addr, char *buf, size_t len);

bool dbt_is(Engine *e);
/* The valid translations whose guest code covers linear address lin:
 * each guest instruction with its host instructions (host addresses
 * printed only with show_host_addr), the block's exits (chained or not,
 * to which block) and its dispatch count. False if there is none. */
bool dbt_info_tb(Engine *e, uint32_t lin, bool show_host_addr, FILE *f, DbtSymFn sym, void *opaque);
/* The max most dispatched blocks, hottest first. */
void dbt_info_tbs(Engine *e, int max, FILE *f, DbtSymFn sym, void *opaque);
/* Exact execution counts: blocks translated from now on count every entry
 * (chains and the jump cache too) in their entry code; switching drops all
 * translations. Off by default, so that a guest without a debugger front
 * end runs the code it always ran. */
void dbt_count_execs(Engine *e, bool on);
/* Drop the translations covering linear lin; returns how many. */
int dbt_tb_invalidate(Engine *e, uint32_t lin);
void dbt_tb_invalidate_all(Engine *e);
/* trace-last: recording on/off (off drops the ring), and the last n blocks. */
void dbt_trace_enable(Engine *e, bool on);
bool dbt_trace_enabled(Engine *e);
void dbt_trace_last(Engine *e, int n, FILE *f, DbtSymFn sym, void *opaque);

#endif
