/* monitor_dbg.c - the monitor's debugger commands (docs/MONITOR.md):
 * stepping, breakpoints and watchpoints, memory and expressions,
 * disassembly, symbols, the paging map. They run on the vCPU thread
 * (machine_request), like every monitor command. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/peek.h"
#include "debugger.h"
#include "devices/memory.h"
#include "monitor_int.h"

static Debugger *dbg_of(Machine *m, Cmd *c)
{
    if (!m->dbg) out_printf(&c->out, "Error: no debugger\n");
    return m->dbg;
}

static void state(Machine *m, CPUState *s) { engine_get_state(m->engine, s); }

/* Split "ADDR [rest]" at the first blank outside brackets. */
static const char *split_word(const char *p, char *w, size_t len)
{
    size_t n = 0;
    int depth = 0;
    p += strspn(p, " \t");
    for (; *p && (depth || (*p != ' ' && *p != '\t')); p++) {
        if (*p == '[' || *p == '(') depth++;
        if ((*p == ']' || *p == ')') && depth) depth--;
        if (n + 1 < len) w[n++] = *p;
    }
    w[n] = '\0';
    return p + strspn(p, " \t");
}

static bool eval_addr(Machine *m, Cmd *c, const char *text, uint32_t *v)
{
    CPUState s;
    char err[160];
    state(m, &s);
    if (!dbg_eval_addr(m->dbg, &s, text, v, err, sizeof err)) {
        out_printf(&c->out, "Error: %s\n", err);
        return false;
    }
    return true;
}

static void print_stop(Machine *m, Cmd *c, const DbgStop *st)
{
    char sym[160] = "";
    sym_format(&m->dbg->syms, st->pc, sym, sizeof sym);
    switch (st->reason) {
    case STOP_BREAKPOINT:
        out_printf(&c->out, "Breakpoint %d at %08x%s%s%s\n", st->id, st->pc, sym[0] ? " <" : "", sym,
                   sym[0] ? ">" : "");
        break;
    case STOP_WATCHPOINT:
        out_printf(&c->out, "Watchpoint %d: %s of %u bytes at %08x; next %08x%s%s%s\n", st->id,
                   st->hit.write ? "write" : "read", st->hit.size, st->hit.lin, st->pc, sym[0] ? " <" : "", sym,
                   sym[0] ? ">" : "");
        break;
    case STOP_HALT:
        out_printf(&c->out, "halted at %08x\n", st->pc);
        break;
    default:
        out_printf(&c->out, "%08x%s%s%s\n", st->pc, sym[0] ? " <" : "", sym, sym[0] ? ">" : "");
    }
}

/* step [N] / stepb [N] */
static void do_step(Machine *m, Cmd *c)
{
    if (!dbg_of(m, c)) return;
    uint32_t n = 1;
    if (*c->arg && !eval_addr(m, c, c->arg, &n)) return;
    monitor_clear_prelaunch(c->mon);
    DbgStop st;
    bool blocks = c->def->names[4] == 'b';
    uint64_t before = engine_icount(m->engine);
    dbg_step(m->dbg, n, blocks, &st);
    (void)before;
    print_stop(m, c, &st);
}

/* until ADDR: run to ADDR (a temporary breakpoint) */
static void do_until(Machine *m, Cmd *c)
{
    uint32_t a;
    char err[160];
    if (!dbg_of(m, c) || !eval_addr(m, c, c->arg, &a)) return;
    if (!dbg_break_add(m->dbg, a, true, NULL, false, err, sizeof err)) {
        out_printf(&c->out, "Error: %s\n", err);
        return;
    }
    monitor_clear_prelaunch(c->mon);
    dbg_resume(m->dbg);
    machine_cont(m);
}

static void do_nmi(Machine *m, Cmd *c)
{
    (void)c;
    engine_nmi(m->engine);
}

/* break|tbreak ADDR [if EXPR] */
static void do_break(Machine *m, Cmd *c)
{
    char w[256], err[256];
    uint32_t a;
    if (!dbg_of(m, c)) return;
    const char *rest = split_word(c->arg, w, sizeof w);
    if (!w[0]) {
        out_printf(&c->out, "Error: address expected\n");
        return;
    }
    if (!eval_addr(m, c, w, &a)) return;
    const char *cond = NULL;
    if (*rest) {
        if (strncmp(rest, "if", 2) || (rest[2] && rest[2] != ' ' && rest[2] != '\t')) {
            out_printf(&c->out, "Error: expected 'if EXPR' after the address\n");
            return;
        }
        cond = rest + 2 + strspn(rest + 2, " \t");
    }
    int id = dbg_break_add(m->dbg, a, c->def->names[0] == 't', cond, false, err, sizeof err);
    if (!id) out_printf(&c->out, "Error: %s\n", err);
    else out_printf(&c->out, "%s %d at %08x\n", c->def->names[0] == 't' ? "Temporary breakpoint" : "Breakpoint",
                    id, a);
}

/* watch|rwatch|awatch ADDR LEN [if EXPR] */
static void do_watch(Machine *m, Cmd *c)
{
    char w[256], l[256], err[256];
    uint32_t a, len;
    if (!dbg_of(m, c)) return;
    const char *rest = split_word(split_word(c->arg, w, sizeof w), l, sizeof l);
    if (!w[0] || !l[0]) {
        out_printf(&c->out, "Error: address and length expected\n");
        return;
    }
    if (!eval_addr(m, c, w, &a) || !eval_addr(m, c, l, &len)) return;
    const char *cond = NULL;
    if (*rest) {
        if (strncmp(rest, "if", 2)) {
            out_printf(&c->out, "Error: expected 'if EXPR' after the length\n");
            return;
        }
        cond = rest + 2 + strspn(rest + 2, " \t");
    }
    EngineWatchKind k = c->def->names[0] == 'r' ? WATCH_READ : c->def->names[0] == 'a' ? WATCH_ACCESS : WATCH_WRITE;
    int id = dbg_watch_add(m->dbg, a, len, k, cond, false, err, sizeof err);
    if (!id) out_printf(&c->out, "Error: %s\n", err);
    else out_printf(&c->out, "%s %d: %08x len %u\n",
                    k == WATCH_READ ? "Read watchpoint" : k == WATCH_ACCESS ? "Access watchpoint" : "Watchpoint", id, a,
                    len);
}

/* delete [ID...]: without an id, all */
static void do_delete(Machine *m, Cmd *c)
{
    if (!dbg_of(m, c)) return;
    const char *p = c->arg;
    if (!*p) {
        dbg_delete_all(m->dbg);
        return;
    }
    while (*p) {
        char *end;
        long id = strtol(p, &end, 0);
        if (end == p || !dbg_delete(m->dbg, (int)id)) {
            out_printf(&c->out, "Error: no breakpoint number %.*s\n", (int)strcspn(p, " \t"), p);
            return;
        }
        p = end + strspn(end, " \t");
    }
}

static void do_info_break(Machine *m, Cmd *c)
{
    static const char *const kinds[] = {"", "watch", "rwatch", "awatch"};
    if (!dbg_of(m, c)) return;
    bool any = false;
    for (int i = 0; i < DBG_MAX_POINTS; i++) {
        const DbgPoint *p = &m->dbg->pts[i];
        if (!p->id) continue;
        if (!any) out_printf(&c->out, "Num  Type     Address  Len   Hits  Condition\n");
        any = true;
        char sym[160];
        sym_format(&m->dbg->syms, p->addr, sym, sizeof sym);
        out_printf(&c->out, "%-4d %-8s %08x %-5u %-5" PRIu64 " %s%s%s%s\n", p->id,
                   p->type == DBG_BREAK ? "break" : p->type == DBG_TBREAK ? "tbreak" : kinds[p->kind], p->addr,
                   p->type == DBG_WATCHPOINT ? p->len : 1, p->hits, p->cond, sym[0] ? " <" : "", sym,
                   sym[0] ? ">" : "");
    }
    if (!any) out_printf(&c->out, "No breakpoints or watchpoints.\n");
}

/* print|p EXPR (QEMU: /FMT allowed: x d u) */
static void do_print(Machine *m, Cmd *c)
{
    CPUState s;
    char err[160];
    uint32_t v;
    char fmt = 'x';
    const char *p = c->arg;
    if (!dbg_of(m, c)) return;
    if (*p == '/') {
        fmt = p[1];
        p += 2;
        p += strspn(p, " \t");
    }
    state(m, &s);
    if (!dbg_eval(m->dbg, &s, p, &v, err, sizeof err)) {
        out_printf(&c->out, "Error: %s\n", err);
        return;
    }
    if (fmt == 'd') out_printf(&c->out, "%d\n", (int32_t)v);
    else if (fmt == 'u') out_printf(&c->out, "%u\n", v);
    else out_printf(&c->out, "0x%x\n", v);   /* QEMU's print: "0x%" PRIx64 */
}

/* One disassembled line at linear address a; returns the length (0: no bytes). */
static int disas_line(Machine *m, Out *o, const CPUState *s, uint32_t a, bool code32, bool mark)
{
    uint8_t buf[16];
    size_t got = peek_lin(s, &m->pc->mem, a, buf, sizeof buf);
    if (!got) {
        out_printf(o, "%08x: (not readable)\n", a);
        return 0;
    }
    char txt[128], sym[160] = "";
    int len = 1;
    decode_disasm(code32 ? 32 : 16, buf, got, a - s->seg[S_CS].base, txt, sizeof txt, &len);
    if (len <= 0) len = 1;
    uint32_t off;
    const Symbol *sy = sym_find(&m->dbg->syms, a, &off);
    if (sy && !off) out_printf(o, "<%s>:\n", sy->name);
    (void)sym;
    out_printf(o, "%s%08x: ", mark ? "=> " : "   ", a);
    for (int i = 0; i < 8; i++) {
        if (i < len) out_printf(o, "%02x", buf[i]);
        else out_printf(o, "  ");
    }
    out_printf(o, " %s\n", txt);
    return len;
}

/* disas [ADDR [N]]: N instructions (default 10) from ADDR (default CS:EIP). */
static void do_disas(Machine *m, Cmd *c)
{
    CPUState s;
    char w[256], nw[64];
    uint32_t a, n = 10;
    if (!dbg_of(m, c)) return;
    state(m, &s);
    const char *rest = split_word(c->arg, w, sizeof w);
    split_word(rest, nw, sizeof nw);
    if (w[0] && !eval_addr(m, c, w, &a)) return;
    if (!w[0]) a = s.seg[S_CS].base + s.eip;
    if (nw[0] && !eval_addr(m, c, nw, &n)) return;
    if (n > 1000) n = 1000;
    bool code32 = s.seg[S_CS].flags & SEGF_DB;
    uint32_t pc = s.seg[S_CS].base + s.eip;
    for (uint32_t i = 0; i < n; i++) {
        int len = disas_line(m, &c->out, &s, a, code32, a == pc);
        if (!len) break;
        a += (uint32_t)len;
    }
}

/* QEMU's memory_dump(): x /FMT ADDR (linear) and xp /FMT ADDR (physical). */
static void do_x(Machine *m, Cmd *c)
{
    bool phys = c->def->names[1] == 'p';
    const char *p = c->arg;
    unsigned count = 1;
    if (!dbg_of(m, c)) return;
    Debugger *d = m->dbg;
    /* QEMU's defaults: format and size stay from the last command that
     * gave them (x and 4 at first); the count is 1. */
    char fmt = d->fmt ? d->fmt : 'x';
    unsigned size = d->fmt_size ? d->fmt_size : 4;
    if (*p == '/') {
        int f = -1, sz = -1;
        p++;
        if (isdigit((unsigned char)*p)) count = (unsigned)strtoul(p, (char **)&p, 10);
        for (; *p && *p != ' ' && *p != '\t'; p++) {
            switch (*p) {
            case 'x': case 'd': case 'u': case 'o': case 'c': case 'i': f = *p; break;
            case 'b': sz = 1; break;
            case 'h': sz = 2; break;
            case 'w': sz = 4; break;
            case 'g': case 'L': sz = 8; break;
            default:
                out_printf(&c->out, "invalid char in format: '%c'\n", *p);
                return;
            }
        }
        if (f >= 0) fmt = (char)f;
        if (fmt != 'i') {
            if (sz > 0) size = (unsigned)sz;
            d->fmt_size = size;
        }
        d->fmt = fmt;
        p += strspn(p, " \t");
    }
    uint32_t a;
    if (!*p) {
        out_printf(&c->out, "%s: integer expected\n", c->def->names);
        return;
    }
    if (!eval_addr(m, c, p, &a)) return;
    if (count > 4096) count = 4096;
    CPUState s;
    state(m, &s);
    if (fmt == 'i') {
        bool code32 = s.seg[S_CS].flags & SEGF_DB;
        for (unsigned i = 0; i < count; i++) {
            int len = disas_line(m, &c->out, &s, a, code32, false);
            if (!len) break;
            a += (uint32_t)len;
        }
        return;
    }
    unsigned line_size = size == 1 ? 8 : 16;
    unsigned digits = fmt == 'o' ? (size * 8 + 2) / 3 : fmt == 'x' ? size * 2 : (size * 8 * 10 + 32) / 33;
    unsigned len = count * size;
    if (fmt == 'c') size = 1;   /* QEMU: the length from the size, then one byte per char */
    while (len) {
        unsigned l = len < line_size ? len : line_size;
        if (phys) out_printf(&c->out, "%016" PRIx64 ":", (uint64_t)a);
        else out_printf(&c->out, "%08x:", a);
        uint8_t buf[16];
        size_t got = phys ? peek_phys(&m->pc->mem, a, buf, l) : peek_lin(&s, &m->pc->mem, a, buf, l);
        if (got < l) {
            /* QEMU: "Cannot access memory" for unmapped linear addresses;
             * MMIO is not read (a side effect) and shows as ff bytes. */
            if (!phys) {
                out_printf(&c->out, " Cannot access memory\n");
                return;
            }
            memset(buf + got, 0xff, l - got);
        }
        for (unsigned i = 0; i < l; i += size) {
            uint64_t v = 0;
            for (unsigned b = 0; b < size; b++) v |= (uint64_t)buf[i + b] << (8 * b);
            out_printf(&c->out, " ");
            switch (fmt) {
            case 'o': out_printf(&c->out, "%#*" PRIo64, digits, v); break;
            case 'x': out_printf(&c->out, "0x%0*" PRIx64, digits, v); break;
            case 'u': out_printf(&c->out, "%*" PRIu64, digits, v); break;
            case 'd':   /* as QEMU: loaded zero-extended, so only 8-byte values are negative */
                out_printf(&c->out, "%*" PRId64, digits, (int64_t)v);
                break;
            case 'c':
                if (v >= 32 && v < 127 && v != '\\' && v != '\'') out_printf(&c->out, "'%c'", (int)v);
                else if (v == '\n') out_printf(&c->out, "'\\n'");
                else if (v == '\r') out_printf(&c->out, "'\\r'");
                else if (v == '\\') out_printf(&c->out, "'\\\\'");
                else if (v == '\'') out_printf(&c->out, "'\\''");
                else out_printf(&c->out, "'\\x%02x'", (unsigned)(v & 0xff));
                break;
            }
        }
        out_printf(&c->out, "\n");
        a += l;
        len -= l;
    }
}

/* symbol-file FILE [OFFSET] (no FILE: drop all symbols) */
static void do_symbol_file(Machine *m, Cmd *c)
{
    char file[1024], off[128], err[1200];
    uint32_t o = 0;
    if (!dbg_of(m, c)) return;
    const char *rest = split_word(c->arg, file, sizeof file);
    split_word(rest, off, sizeof off);
    if (!file[0]) {
        sym_free(&m->dbg->syms);
        return;
    }
    if (off[0] && !eval_addr(m, c, off, &o)) return;
    size_t before = m->dbg->syms.n;
    if (!sym_load_elf(&m->dbg->syms, file, o, err, sizeof err)) out_printf(&c->out, "Error: %s\n", err);
    else out_printf(&c->out, "%zu symbols from %s\n", m->dbg->syms.n - before, file);
}

/* info symbols [ADDR|NAME]: the symbol at ADDR, or the whole table */
static void do_info_symbols(Machine *m, Cmd *c)
{
    if (!dbg_of(m, c)) return;
    const Symbols *sy = &m->dbg->syms;
    if (*c->arg) {
        uint32_t a;
        char buf[160];
        if (!eval_addr(m, c, c->arg, &a)) return;
        sym_format(sy, a, buf, sizeof buf);
        if (buf[0]) out_printf(&c->out, "%08x <%s>\n", a, buf);
        else out_printf(&c->out, "No symbol matches %s.\n", c->arg);
        return;
    }
    for (size_t i = 0; i < sy->n; i++)
        out_printf(&c->out, "%08x %8x %s\n", sy->v[i].addr, sy->v[i].size, sy->v[i].name);
    if (!sy->n) out_printf(&c->out, "No symbols loaded.\n");
}

static bool rd32(Machine *m, uint32_t phys, uint32_t *v) { return peek_phys(&m->pc->mem, phys, v, 4) == 4; }

/* QEMU's tlb_info_32(): every present mapping, with its PTE bits. */
static void do_info_tlb(Machine *m, Cmd *c)
{
    CPUState s;
    state(m, &s);
    if (!(s.cr[0] & 0x80000000u)) {
        out_printf(&c->out, "PG disabled\n");
        return;
    }
    for (uint32_t l1 = 0; l1 < 1024; l1++) {
        uint32_t pde, pte;
        if (!rd32(m, (s.cr[3] & PAGE_MASK) + l1 * 4, &pde) || !(pde & 1)) continue;
        if ((pde & 0x80) && (s.cr[4] & 0x10)) {
            uint32_t a = l1 << 22;
            out_printf(&c->out, "%016" PRIx64 ": %016" PRIx64 " %c%c%c%c%c%c%c%c%c\n", (uint64_t)a,
                       (uint64_t)(pde & 0xffc00000u), '-', pde & 0x100 ? 'G' : '-', 'P', pde & 0x40 ? 'D' : '-',
                       pde & 0x20 ? 'A' : '-', pde & 0x10 ? 'C' : '-', pde & 0x8 ? 'T' : '-', pde & 4 ? 'U' : '-',
                       pde & 2 ? 'W' : '-');
            continue;
        }
        for (uint32_t l2 = 0; l2 < 1024; l2++) {
            if (!rd32(m, (pde & PAGE_MASK) + l2 * 4, &pte) || !(pte & 1)) continue;
            uint32_t a = (l1 << 22) | (l2 << 12);
            out_printf(&c->out, "%016" PRIx64 ": %016" PRIx64 " %c%c%c%c%c%c%c%c%c\n", (uint64_t)a,
                       (uint64_t)(pte & PAGE_MASK), '-', pte & 0x100 ? 'G' : '-', '-', pte & 0x40 ? 'D' : '-',
                       pte & 0x20 ? 'A' : '-', pte & 0x10 ? 'C' : '-', pte & 0x8 ? 'T' : '-', pte & 4 ? 'U' : '-',
                       pte & 2 ? 'W' : '-');
        }
    }
}

/* QEMU's mem_info_32(): runs of linear addresses with the same rights. */
static void mem_print(Out *o, uint32_t *start, int *last_prot, uint32_t end, int prot)
{
    if (prot != *last_prot) {
        if (*start != ~0u && *last_prot)
            out_printf(o, "%08x-%08x %08x %c%c%c\n", *start, end, end - *start, *last_prot & 4 ? 'u' : '-', 'r',
                       *last_prot & 2 ? 'w' : '-');
        *start = prot ? end : ~0u;
        *last_prot = prot;
    }
}

static void do_info_mem(Machine *m, Cmd *c)
{
    CPUState s;
    state(m, &s);
    if (!(s.cr[0] & 0x80000000u)) {
        out_printf(&c->out, "PG disabled\n");
        return;
    }
    uint32_t start = ~0u;
    int last = 0;
    for (uint32_t l1 = 0; l1 < 1024; l1++) {
        uint32_t pde, pte, a = l1 << 22;
        if (!rd32(m, (s.cr[3] & PAGE_MASK) + l1 * 4, &pde) || !(pde & 1)) {
            mem_print(&c->out, &start, &last, a, 0);
            continue;
        }
        if ((pde & 0x80) && (s.cr[4] & 0x10)) {
            mem_print(&c->out, &start, &last, a, (int)(pde & 7));
            continue;
        }
        for (uint32_t l2 = 0; l2 < 1024; l2++) {
            uint32_t a2 = a | (l2 << 12);
            int prot = rd32(m, (pde & PAGE_MASK) + l2 * 4, &pte) && (pte & 1) ? (int)(pde & pte & 7) : 0;
            mem_print(&c->out, &start, &last, a2, prot);
        }
    }
    /* The end of the address space closes the last run (4 GiB wraps). */
    if (start != ~0u && last)
        out_printf(&c->out, "%08x-%08x %08x %c%c%c\n", start, 0u, 0u - start, last & 4 ? 'u' : '-', 'r',
                   last & 2 ? 'w' : '-');
}

const CmdDef mon_dbg_commands[] = {
    {"awatch", "addr len [if expr]", "stop after an access (read or write) to [addr, addr+len)", -1, do_watch},
    {"break|b", "addr [if expr]", "stop before the instruction at linear address addr", -1, do_break},
    {"delete|d", "[id...]", "delete breakpoints/watchpoints (all without an id)", -1, do_delete},
    {"disas", "[addr [n]]", "disassemble n instructions at addr (default: 10 at CS:EIP)", -1, do_disas},
    {"nmi", "", "inject an NMI", 0, do_nmi},
    {"print|p", "[/fmt] expr", "print an expression (registers, [memory], symbols)", -1, do_print},
    {"rwatch", "addr len [if expr]", "stop after a read of [addr, addr+len)", -1, do_watch},
    {"step", "[n]", "execute n guest instructions (default 1), then stop", -1, do_step},
    {"stepb", "[n]", "execute n translated blocks (default 1), then stop", -1, do_step},
    {"symbol-file", "[file [offset]]", "load ELF symbols from file (moved by offset); none: drop all", -1,
     do_symbol_file},
    {"tbreak", "addr [if expr]", "a breakpoint deleted when it first stops the guest", -1, do_break},
    {"until", "addr", "run until the instruction at addr", -1, do_until},
    {"watch", "addr len [if expr]", "stop after a write to [addr, addr+len)", -1, do_watch},
    {"x", "/fmt addr", "virtual memory dump starting at addr (linear or SEG:OFF)", -1, do_x},
    {"xp", "/fmt addr", "physical memory dump starting at addr", -1, do_x},
};
const size_t mon_dbg_n_commands = sizeof mon_dbg_commands / sizeof mon_dbg_commands[0];

const CmdDef mon_dbg_info_commands[] = {
    {"break", "", "show breakpoints and watchpoints", 0, do_info_break},
    {"mem", "", "show the active virtual memory mappings", 0, do_info_mem},
    {"symbols", "[addr]", "show the symbol at addr, or all symbols", -1, do_info_symbols},
    {"tlb", "", "show virtual to physical memory mappings", 0, do_info_tlb},
};
const size_t mon_dbg_n_info = sizeof mon_dbg_info_commands / sizeof mon_dbg_info_commands[0];
