/* gen_seq.c - string instructions, and short sequences of instructions.
 *
 * Strings: MOVS CMPS STOS LODS SCAS (8/16/32), plain and with REP / REPE /
 * REPNE, DF = 0 and 1, ESI/EDI inside the data window and small counts. In
 * long mode an 0x67 prefix makes them use ESI, EDI and ECX, exactly as in
 * 32-bit code.
 *
 * Sequences: 2 to 4 instructions drawn from the single-instruction forms,
 * run as one guest block. Single cases cannot reach the translator's flag
 * liveness (which instruction's flags stay in host EFLAGS, which are
 * spilled around a TLB check or a helper call); sequences do. Only forms
 * that cannot fault and whose memory operands can be absolute are drawn,
 * and every part but the last must leave no flag undefined, so the final
 * state is fully defined.
 */
#include <stdio.h>
#include <string.h>

#include "diff.h"

/* op: 0 MOVS 1 CMPS 2 STOS 3 LODS 4 SCAS; var: 0 none, 1 REP(E), 2 REPNE */
static void gen_string(Case *c, Src *s, const Form *f)
{
    static const uint8_t opc[5] = {0xa4, 0xa6, 0xaa, 0xac, 0xae};
    int sz = f->size, w = sz > 1;
    case_begin(c, s, true);
    bool down = rnd32(s) & 1;
    if (down) c->fl |= XF_DF;
    uint32_t n = f->var ? rnd_below(s, 9) : 0;
    bool cmp = f->op == 1 || f->op == 4;
    if (cmp && f->var && n * (uint32_t)sz > 8) n = 8u / (uint32_t)sz;
    c->r[1] = f->var ? n : pick_val(s, 4);
    /* Pointers with room for 8 elements either way. */
    c->r[6] = WIN_DATA + 64 + rnd_below(s, WIN_SIZE - 128);
    c->r[7] = WIN_DATA + 64 + rnd_below(s, WIN_SIZE - 128);
    c->r[0] = pick_val(s, 4);
    if (cmp) {
        /* Make the compared elements equal up to a random point, so REPE
         * and REPNE run for more than one iteration. */
        uint64_t v = ((uint64_t)rnd32(s) << 32) | rnd32(s);
        uint32_t span = 8;
        uint32_t lo_s = down ? c->r[6] + (uint32_t)sz - span : c->r[6];
        uint32_t lo_d = down ? c->r[7] + (uint32_t)sz - span : c->r[7];
        if (f->op == 4) {
            uint32_t a = c->r[0];
            v = 0;
            for (int i = 0; i < 8; i += sz) v |= (uint64_t)(a & (sz == 1 ? 0xffu : sz == 2 ? 0xffffu : ~0u)) << (8 * i);
        }
        uint64_t v2 = v;
        if (rnd32(s) & 1) v2 ^= (uint64_t)1 << rnd_below(s, 64);
        if (f->op == 1) mem_preset64(c, lo_s, (int)span, v);
        mem_preset64(c, lo_d, (int)span, v2);
    }
    if (f->var == 1) both(c, 0xf3);
    if (f->var == 2) both(c, 0xf2);
    if (sz == 2) both(c, 0x66);
    hbyte(c, 0x67);
    both(c, (uint8_t)(opc[f->op] + w));
}

/* ---- sequences ---- */

static int pool[2048];
static int n_pool;

static bool seq_ok(const Form *f)
{
    static const char *const ok[] = {"alu", "test", "unary", "mov", "movx", "shift", "shxd",
                                     "bt", "setcc", "cmov", "xchg", "flags", "jcc", "lea", "mul"};
    /* LOCK can fault on a register, UD2 always does, XLAT addresses
     * through EBX, which earlier parts may change. */
    if (strstr(f->name, "LOCK") || strstr(f->name, "UD2") || strstr(f->name, "XLAT")) return false;
    if (!strcmp(f->group, "lea") && f->mem == 2) return false;
    /* A count in CL or a bit offset in a register may be changed by an
     * earlier part: its undefined flags (or its address) would no longer
     * be the ones the generator worked out. */
    if ((!strcmp(f->group, "shift") || !strcmp(f->group, "shxd")) && f->var == 1) return false;
    if (!strcmp(f->group, "bt") && f->var == 0 && f->mem) return false;
    for (unsigned i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (!strcmp(f->group, ok[i])) return true;
    return false;
}

static void gen_seq(Case *c, Src *s, const Form *f)
{
    int n = f->op;
    Case part;
    bool started = false;
    rm_abs_only = true;
    for (int i = 0; i < n; i++) {
        const Form *pf = NULL;
        for (int t = 0; t < 32; t++) {
            pf = &forms[pool[rnd_below(s, (uint32_t)n_pool)]];
            pf->gen(&part, s, pf);
            bool last = i == n - 1;
            bool defined = !part.undef_fl;
            for (int r = 0; r < 8; r++) defined = defined && !part.undef_reg[r];
            if ((last || defined) && part.hkind == HK_NATIVE && part.npre + c->npre <= 4) break;
            pf = NULL;
        }
        if (!pf) continue;
        if (!started) {
            /* The first part's registers and flags start the sequence;
             * later parts run on whatever their predecessors left. */
            memcpy(c->r, part.r, sizeof c->r);
            c->fl = part.fl;
            started = true;
        }
        for (int k = 0; k < part.npre; k++) c->pre[c->npre++] = part.pre[k];
        for (int k = 0; k < part.glen; k++) gbyte(c, part.g[k]);
        for (int k = 0; k < part.hlen; k++) hbyte(c, part.h[k]);
        c->undef_fl = part.undef_fl;
        c->undef_why = part.undef_why;
        memcpy(c->undef_reg, part.undef_reg, sizeof c->undef_reg);
    }
    rm_abs_only = false;
    c->hkind = HK_NATIVE;
}

static void gen_seq_entry(Case *c, Src *s, const Form *f)
{
    memset(c, 0, sizeof *c);
    gen_seq(c, s, f);
}

void forms_init_seq(void)
{
    static const char *const sn[5] = {"MOVS", "CMPS", "STOS", "LODS", "SCAS"};
    static const char *const rp[3] = {"", "REP ", "REPNE "};
    for (int op = 0; op < 5; op++)
        for (int var = 0; var < 3; var++) {
            if (var == 2 && op != 1 && op != 4) continue;   /* REPNE: CMPS/SCAS only */
            for (int sz = 1; sz <= 4; sz *= 2) {
                char nm[24];
                const char *rep = (var == 1 && (op == 1 || op == 4)) ? "REPE " : rp[var];
                snprintf(nm, sizeof nm, "%s%s%s", rep, sn[op], sz == 1 ? "B" : sz == 2 ? "W" : "D");
                add_form("string", gen_string, op, sz, 0, var, "%s%s", nm, "");
            }
        }
    n_pool = 0;
    int first = n_forms;
    for (int i = 0; i < first && n_pool < (int)(sizeof pool / sizeof pool[0]); i++)
        if (seq_ok(&forms[i])) pool[n_pool++] = i;
    /* Eight entries per length give sequences a few percent of the
     * round-robin; each entry draws fresh parts. */
    for (int n = 2; n <= 4; n++)
        for (int k = 0; k < 8; k++) {
            char a[8], b[8];
            snprintf(a, sizeof a, "%d", n);
            snprintf(b, sizeof b, "%d", k);
            add_form("sequence", gen_seq_entry, n, 4, 0, k, "SEQ%s #%s", a, b);
        }
}
