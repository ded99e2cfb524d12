/* dbgexpr.c - the debugger's expressions (see debugger.h): a
 * precedence-climbing evaluator over 32-bit unsigned values. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cpu/peek.h"
#include "debugger.h"

typedef struct Ev {
    Debugger *d;
    const CPUState *s;
    const char *p;
    char *err;
    size_t errlen;
    bool failed;
} Ev;

__attribute__((format(printf, 2, 3))) static void fail(Ev *e, const char *fmt, ...)
{
    if (e->failed) return;
    e->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->err, e->errlen, fmt, ap);
    va_end(ap);
}

static void skip(Ev *e)
{
    while (*e->p == ' ' || *e->p == '\t') e->p++;
}

static const char *const r32[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
static const char *const r16[8] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
static const char *const r8[8] = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
static const char *const sr[6] = {"es", "cs", "ss", "ds", "fs", "gs"};

/* A register by name (without '$'); false if name is none. */
static bool reg_value(const CPUState *s, const char *n, uint32_t *v)
{
    for (int i = 0; i < 8; i++) {
        if (!strcmp(n, r32[i])) return *v = s->regs[i], true;
        if (!strcmp(n, r16[i])) return *v = s->regs[i] & 0xffff, true;
        if (!strcmp(n, r8[i])) return *v = i < 4 ? s->regs[i] & 0xff : (s->regs[i - 4] >> 8) & 0xff, true;
    }
    for (int i = 0; i < 6; i++)
        if (!strcmp(n, sr[i])) return *v = s->seg[i].sel, true;
    if (!strcmp(n, "eip") || !strcmp(n, "pc")) return *v = s->eip, true;
    if (!strcmp(n, "ip")) return *v = s->eip & 0xffff, true;
    if (!strcmp(n, "eflags") || !strcmp(n, "efl")) return *v = s->eflags, true;
    if (n[0] == 'c' && n[1] == 'r' && n[2] >= '0' && n[2] <= '4' && !n[3]) return *v = s->cr[n[2] - '0'], true;
    if (n[0] == 'd' && n[1] == 'r' && n[2] >= '0' && n[2] <= '7' && !n[3]) return *v = s->dr[n[2] - '0'], true;
    return false;
}

static uint32_t expr(Ev *e, int prec);

static uint32_t primary(Ev *e)
{
    skip(e);
    char c = *e->p;
    if (c == '(') {
        e->p++;
        uint32_t v = expr(e, 0);
        skip(e);
        if (*e->p != ')') fail(e, "missing ')'");
        else e->p++;
        return v;
    }
    if (c == '[') {
        e->p++;
        uint32_t a = expr(e, 0);
        skip(e);
        if (*e->p != ']') fail(e, "missing ']'");
        else e->p++;
        uint32_t v = 0;
        if (!e->failed && peek_lin(e->s, e->d->m->pc ? &e->d->m->pc->mem : NULL, a, &v, 4) != 4)
            fail(e, "cannot read memory at %08x", a);
        return v;
    }
    if (c == '-' || c == '~' || c == '!') {
        e->p++;
        uint32_t v = primary(e);
        return c == '-' ? (uint32_t)-v : c == '~' ? ~v : !v;
    }
    if (isdigit((unsigned char)c)) {
        char *end;
        unsigned long long v = strtoull(e->p, &end, 0);
        if (v > 0xffffffffull) fail(e, "number too large");
        e->p = end;
        return (uint32_t)v;
    }
    if (c == '$' || isalpha((unsigned char)c) || c == '_' || c == '.') {
        char name[128];
        size_t n = 0;
        bool dollar = c == '$';
        if (dollar) e->p++;
        while (isalnum((unsigned char)*e->p) || *e->p == '_' || *e->p == '.') {
            if (n + 1 < sizeof name) name[n++] = (char)tolower((unsigned char)*e->p);
            e->p++;
        }
        name[n] = '\0';
        uint32_t v;
        if (reg_value(e->s, name, &v)) return v;
        /* Symbols keep their case. */
        size_t len = n;
        memcpy(name, e->p - len, len);
        if (!dollar && sym_lookup(&e->d->syms, name, &v)) return v;
        fail(e, "unknown register or symbol '%s'", name);
        return 0;
    }
    if (c) fail(e, "unexpected '%c'", c);
    else fail(e, "expression expected");
    return 0;
}

/* Binary operators by precedence (higher binds tighter). */
static int binop(const char *p, int *len)
{
    static const struct { const char *op; int prec; } ops[] = {
        {"||", 1}, {"&&", 2}, {"==", 6}, {"!=", 6}, {"<=", 7}, {">=", 7}, {"<<", 8}, {">>", 8},
        {"|", 3},  {"^", 4},  {"&", 5},  {"<", 7},  {">", 7},  {"+", 9},  {"-", 9},  {"*", 10},
        {"/", 10}, {"%", 10},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t n = strlen(ops[i].op);
        if (!strncmp(p, ops[i].op, n)) {
            *len = (int)n;
            return ops[i].prec;
        }
    }
    return -1;
}

static uint32_t apply(Ev *e, const char *op, int len, uint32_t a, uint32_t b)
{
    switch (op[0]) {
    case '|': return len == 2 ? (a || b) : a | b;
    case '&': return len == 2 ? (a && b) : a & b;
    case '^': return a ^ b;
    case '=': return a == b;
    case '!': return a != b;
    case '<': return len == 1 ? a < b : op[1] == '=' ? a <= b : b >= 32 ? 0 : a << b;
    case '>': return len == 1 ? a > b : op[1] == '=' ? a >= b : b >= 32 ? 0 : a >> b;
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/':
    case '%':
        if (!b) {
            fail(e, "division by zero");
            return 0;
        }
        return op[0] == '/' ? a / b : a % b;
    }
    return 0;
}

static uint32_t expr(Ev *e, int prec)
{
    uint32_t v = primary(e);
    for (;;) {
        skip(e);
        int len, p = binop(e->p, &len);
        if (p < 0 || p <= prec || e->failed) return v;
        const char *op = e->p;
        e->p += len;
        uint32_t rhs = expr(e, p);
        v = apply(e, op, len, v, rhs);
    }
}

bool dbg_eval(Debugger *d, const CPUState *s, const char *text, uint32_t *out, char *err, size_t errlen)
{
    Ev e = {d, s, text, err, errlen, false};
    uint32_t v = expr(&e, 0);
    skip(&e);
    if (!e.failed && *e.p) fail(&e, "junk at the end of the expression: '%s'", e.p);
    if (e.failed) return false;
    *out = v;
    return true;
}

bool dbg_eval_addr(Debugger *d, const CPUState *s, const char *text, uint32_t *out, char *err, size_t errlen)
{
    const char *colon = strchr(text, ':');
    if (!colon) return dbg_eval(d, s, text, out, err, errlen);
    char seg[32];
    size_t n = (size_t)(colon - text);
    if (n >= sizeof seg) n = sizeof seg - 1;
    memcpy(seg, text, n);
    seg[n] = '\0';
    uint32_t off, base = 0;
    if (!dbg_eval(d, s, colon + 1, &off, err, errlen)) return false;
    const char *name = seg + strspn(seg, " \t$");
    for (int i = 0; i < 6; i++)
        if (!strncasecmp(name, sr[i], 2) && !name[2 + strspn(name + 2, " \t")]) {
            *out = s->seg[i].base + off;
            return true;
        }
    if (!dbg_eval(d, s, seg, &base, err, errlen)) return false;
    *out = (base << 4) + off;
    return true;
}
