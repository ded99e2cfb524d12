/* dbt_debug.c - the debugger's view of translated blocks (see dbt_debug.h). */
#include "dbt_debug.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/mem.h"
#include "dbt_int.h"

static Dbt *dbt(Engine *e) { return (Dbt *)e; }

bool dbt_is(Engine *e) { return e && !strcmp(e->ops->name, "dbt"); }

/* One past the last guest byte of tb (linear). */
static uint32_t tb_end(const TB *tb)
{
    const Insn *last = &tb->insns[tb->n_insns - 1];
    return tb->cs_base + last->eip + last->len;
}

static void name(DbtSymFn sym, void *opaque, uint32_t a, char *buf, size_t len)
{
    buf[0] = '\0';
    if (sym) sym(opaque, a, buf, len);
}

static void host_listing(FILE *f, const TB *tb, uint32_t s, uint32_t e, bool addr)
{
    while (s < e) {
        char txt[128];
        int len = 1;
        decode_disasm(64, tb->code + s, e - s, (uint64_t)(uintptr_t)(tb->code + s), txt, sizeof txt, &len);
        if (len <= 0) len = 1;
        /* Host code addresses change from run to run: with addr off, the
         * offset in the block instead, and targets outside it masked. */
        if (addr) fprintf(f, "      %p: %s\n", (void *)(tb->code + s), txt);
        else {
            char *hex = strstr(txt, "0x");
            if (hex && strtoull(hex, NULL, 16) > 0xffffffffull) strcpy(hex, "<host>");
            /* [rip + disp]: the distance to data beside the code buffer. */
            char *rip = strstr(txt, "[rip ");
            if (rip) strcpy(rip, "[rip + <host>]");
            fprintf(f, "      +%04x: %s\n", s, txt);
        }
        s += (uint32_t)len;
    }
}

/* Where the guest status flags are after instruction i and which are live:
 * "[flags: host ZF SF]" (in host EFLAGS), "[flags: aflags CF]" (spilled to
 * DbtCPU.aflags), "[flags: none live]". */
static void flags_note(const TB *tb, int i, char *buf, size_t len)
{
    static const struct { uint16_t bit; const char *name; } fl[] = {
        {F_CF, "CF"}, {F_PF, "PF"}, {F_AF, "AF"}, {F_ZF, "ZF"}, {F_SF, "SF"}, {F_OF, "OF"},
    };
    uint16_t v = tb->fl_after[i];
    size_t o = 0;
    if (!(v & F_ARITH)) {
        snprintf(buf, len, "[flags: none live]");
        return;
    }
    o += (size_t)snprintf(buf, len, "[flags: %s", (v & TB_FL_HOST) ? "host" : "aflags");
    for (size_t k = 0; k < sizeof fl / sizeof fl[0] && o < len; k++)
        if (v & fl[k].bit) o += (size_t)snprintf(buf + o, len - o, " %s", fl[k].name);
    if (o < len) snprintf(buf + o, len - o, "]");
}

static void describe(Dbt *d, const TB *tb, bool addr, FILE *f, DbtSymFn sym, void *opaque)
{
    char nm[160];
    int bits = (tb->mode & TMODE_CODE32) ? 32 : 16;
    name(sym, opaque, tb->lin_pc, nm, sizeof nm);
    fprintf(f, "TB %08x%s%s%s: cs_base %08x mode %03x, %u guest instructions -> %u host bytes, ", tb->lin_pc,
            nm[0] ? " <" : "", nm, nm[0] ? ">" : "", tb->cs_base, tb->mode, tb->n_insns, tb->code_size);
    if (d->tc.count_execs) fprintf(f, "%" PRIu64 " executions, ", tc_execs(&d->tc, tb));
    fprintf(f, "%" PRIu64 " dispatches from the run loop\n", tb->dispatches);
    fprintf(f, "  block entry (icount/deadline check%s):\n", d->tc.count_execs ? ", execution count" : "");
    host_listing(f, tb, 0, tb->host_off[0], addr);
    for (int i = 0; i < tb->n_insns; i++) {
        const Insn *in = &tb->insns[i];
        char txt[128];
        int len;
        decode_disasm(bits, in->raw, in->len, in->eip, txt, sizeof txt, &len);
        name(sym, opaque, tb->cs_base + in->eip, nm, sizeof nm);
        char fln[64];
        flags_note(tb, i, fln, sizeof fln);
        if (nm[0]) fprintf(f, "  %08x: %-32s %-24s <%s>\n", tb->cs_base + in->eip, txt, fln, nm);
        else fprintf(f, "  %08x: %-32s %s\n", tb->cs_base + in->eip, txt, fln);
        host_listing(f, tb, tb->host_off[i], tb->host_off[i + 1], addr);
    }
    fprintf(f, "  exits and slow paths:\n");
    host_listing(f, tb, tb->host_off[tb->n_insns], tb->code_size, addr);
    for (int s = 0; s < TB_NEXITS; s++) {
        const TBExit *x = &tb->exit[s];
        if (!x->jmp_field && !x->linked) continue;
        if (s >= TB_IC_SLOT) {
            if (x->linked)
                fprintf(f, "  inline cache %d: eip %08x -> TB %08x\n", s - TB_IC_SLOT, x->target_eip,
                        x->linked->lin_pc);
            continue;
        }
        if (x->linked)
            fprintf(f, "  exit %d -> eip %08x: chained to TB %08x\n", s, x->target_eip, x->linked->lin_pc);
        else
            fprintf(f, "  exit %d -> eip %08x: not chained (through the run loop or the jump cache)\n", s,
                    x->target_eip);
    }
    if (tb->self_loop)
        fprintf(f, "  back edge -> eip %08x: to this block's start, inside it (registers kept)\n", tb->eip);
}

bool dbt_info_tb(Engine *e, uint32_t lin, bool addr, FILE *f, DbtSymFn sym, void *opaque)
{
    Dbt *d = dbt(e);
    bool any = false;
    for (size_t i = 0; i < d->tc.n_tbs; i++) {
        const TB *tb = &d->tc.tbs[i];
        if (!tb->valid || !tb->n_insns || lin < tb->lin_pc || lin >= tb_end(tb)) continue;
        if (any) fputc('\n', f);
        describe(d, tb, addr, f, sym, opaque);
        any = true;
    }
    return any;
}

static int hotter(const void *a, const void *b)
{
    const TB *x = *(const TB *const *)a, *y = *(const TB *const *)b;
    return x->dispatches < y->dispatches ? 1 : x->dispatches > y->dispatches ? -1 : 0;
}

static const TCache *sort_tc;   /* hotter_execs' cache (vCPU thread only) */

static int hotter_execs(const void *a, const void *b)
{
    uint64_t x = tc_execs(sort_tc, *(const TB *const *)a), y = tc_execs(sort_tc, *(const TB *const *)b);
    return x < y ? 1 : x > y ? -1 : 0;
}

void dbt_count_execs(Engine *e, bool on)
{
    Dbt *d = dbt(e);
    if (d->tc.count_execs == on) return;
    d->tc.count_execs = on;
    engine_flush(e);   /* every block from now on has (or lacks) the counter */
}

void dbt_info_tbs(Engine *e, int max, FILE *f, DbtSymFn sym, void *opaque)
{
    Dbt *d = dbt(e);
    size_t n = 0;
    const TB **v = malloc(sizeof *v * (d->tc.n_tbs + 1));
    if (!v) return;
    for (size_t i = 0; i < d->tc.n_tbs; i++)
        if (d->tc.tbs[i].valid) v[n++] = &d->tc.tbs[i];
    bool ex = d->tc.count_execs;
    sort_tc = &d->tc;
    qsort(v, n, sizeof *v, ex ? hotter_execs : hotter);
    fprintf(f, ex ? "%zu valid blocks; hottest first (executions, chained entries included)\n"
                  : "%zu valid blocks; hottest first (dispatches from the run loop; chained entries not counted)\n",
            n);
    for (size_t i = 0; i < n && (int)i < max; i++) {
        char nm[160];
        name(sym, opaque, v[i]->lin_pc, nm, sizeof nm);
        fprintf(f, "%12" PRIu64 "  %08x  %3u insns %5u bytes%s%s%s\n", ex ? tc_execs(&d->tc, v[i]) : v[i]->dispatches, v[i]->lin_pc,
                v[i]->n_insns, v[i]->code_size, nm[0] ? "  <" : "", nm, nm[0] ? ">" : "");
    }
    free(v);
}

int dbt_tb_invalidate(Engine *e, uint32_t lin)
{
    Dbt *d = dbt(e);
    int n = 0;
    for (size_t i = 0; i < d->tc.n_tbs; i++) {
        TB *tb = &d->tc.tbs[i];
        if (!tb->valid || !tb->n_insns || lin < tb->lin_pc || lin >= tb_end(tb)) continue;
        bool hit;
        n += tc_invalidate_range(&d->tc, tb->phys_pc, 1, NULL, &hit);
    }
    memset(d->tc.jc, 0, sizeof d->tc.jc);
    return n;
}

void dbt_tb_invalidate_all(Engine *e) { engine_flush(e); }

void dbt_ring_record(Dbt *e, const TB *tb, uint64_t exit)
{
    DbtRingEnt *r = &e->ring[e->ring_pos];
    r->lin_pc = tb->lin_pc;
    r->n_insns = tb->n_insns;
    r->icount = e->cpu->icount;
    r->exit = exit;
    e->ring_pos = (e->ring_pos + 1) % DBT_RING;
    if (e->ring_n < DBT_RING) e->ring_n++;
}

void dbt_trace_enable(Engine *e, bool on)
{
    Dbt *d = dbt(e);
    if (on && !d->ring) d->ring = calloc(DBT_RING, sizeof *d->ring);
    if (!on) {
        free(d->ring);
        d->ring = NULL;
        d->ring_pos = d->ring_n = 0;
    }
    d->ring_on = on && d->ring;
}

bool dbt_trace_enabled(Engine *e) { return dbt(e)->ring_on; }

void dbt_trace_last(Engine *e, int n, FILE *f, DbtSymFn sym, void *opaque)
{
    Dbt *d = dbt(e);
    if (n > (int)d->ring_n) n = (int)d->ring_n;
    for (int i = n; i > 0; i--) {
        const DbtRingEnt *r = &d->ring[(d->ring_pos + DBT_RING - (unsigned)i) % DBT_RING];
        char nm[160];
        name(sym, opaque, r->lin_pc, nm, sizeof nm);
        fprintf(f, "icount %10" PRIu64 "  TB %08x %3u insns%s%s%s  exit: ", r->icount, r->lin_pc, r->n_insns,
                nm[0] ? " <" : "", nm, nm[0] ? ">" : "");
        if (r->exit) {
            const TB *from = (const TB *)(uintptr_t)(r->exit & ~(uint64_t)TB_SLOT_MASK);
            int slot = (int)(r->exit & TB_SLOT_MASK);
            if (from->valid) fprintf(f, "direct %d -> %08x\n", slot, from->exit[slot].target_eip);
            else fprintf(f, "direct %d\n", slot);
        } else {
            fprintf(f, "indirect, helper or event\n");
        }
    }
}
