/* diff_main.c - the differential tester's driver: generate cases, run them
 * on the host (H), xlat86 inline (I) and xlat86 inline=off (R), compare,
 * count per form and per group, and replay single cases.
 *
 *   xlat86-diff [--seed N] [--count N] [--form TEXT] [--known FILE]
 *   xlat86-diff --exhaustive [--form TEXT]
 *   xlat86-diff --replay CASE        (CASE = SEED:INDEX or x:FORM:K)
 *   xlat86-diff --list
 * Exit status: 0 when every mismatch is listed in the known-failures file,
 * 1 on any new mismatch, 2 on a usage or setup error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diff.h"
#include "cpu/decode.h"
#include "translator/trace.h"

enum { P_HI, P_HR, P_IR, NPAIR };
static const char *const pair_name[NPAIR] = {"H-I", "H-R", "I-R"};

typedef struct Tally {
    uint64_t n, hskip, fail[NPAIR], known[NPAIR];
    int shown;
} Tally;

#define MAX_KNOWN 256
typedef struct Known {
    char form[48];
    unsigned pairs;   /* bit per pair */
    char why[160];
    uint64_t hits;
} Known;

static Known known[MAX_KNOWN];
static int n_known;
static Tally *tally;
static uint8_t base_img[NWIN][WIN_SIZE];
static uint8_t init_img[NWIN][WIN_SIZE];
static State st[3];
static int max_show = 25, shown_total;

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

/* Lines "FORM | PAIRS | reason"; PAIRS is a comma list of H-I, H-R, I-R
 * or '*'. '#' starts a comment. */
static bool load_known(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "xlat86-diff: cannot open %s\n", path);
        return false;
    }
    char line[512];
    while (fgets(line, sizeof line, f) && n_known < MAX_KNOWN) {
        char *l = trim(line);
        if (!*l || *l == '#') continue;
        char *p1 = strchr(l, '|');
        char *p2 = p1 ? strchr(p1 + 1, '|') : NULL;
        if (!p2) continue;
        *p1 = 0;
        *p2 = 0;
        Known *k = &known[n_known++];
        snprintf(k->form, sizeof k->form, "%s", trim(l));
        char *pp = trim(p1 + 1);
        k->pairs = 0;
        for (int p = 0; p < NPAIR; p++)
            if (strstr(pp, pair_name[p]) || strchr(pp, '*')) k->pairs |= 1u << p;
        snprintf(k->why, sizeof k->why, "%s", trim(p2 + 1));
        k->hits = 0;
    }
    fclose(f);
    return true;
}

static Known *known_for(int form, int pair)
{
    for (int i = 0; i < n_known; i++)
        if (!strcmp(known[i].form, forms[form].name) && (known[i].pairs >> pair & 1)) return &known[i];
    return NULL;
}

/* The windows every executor starts from: a fixed random image (the same
 * for every run and seed, so a case id alone replays) plus the case's
 * presets. */
static void make_base(void)
{
    Src s;
    src_init(&s, 0x1b873593u, 0);
    for (int w = 0; w < NWIN; w++)
        for (unsigned i = 0; i < WIN_SIZE; i += 4) {
            uint32_t v = rnd32(&s);
            memcpy(&base_img[w][i], &v, 4);
        }
}

static void make_init(const Case *c)
{
    memcpy(init_img, base_img, sizeof init_img);
    for (int i = 0; i < c->npre; i++)
        for (int j = 0; j < c->pre[i].len; j++) {
            uint32_t a = c->pre[i].addr + (uint32_t)j;
            for (int w = 0; w < NWIN; w++)
                if (a - win_base[w] < WIN_SIZE) init_img[w][a - win_base[w]] = c->pre[i].b[j];
        }
}

static bool gen_case(Case *c, const char *id, int *form_out)
{
    Src s;
    unsigned long long a, b;
    int form;
    if (id[0] == 'x' && sscanf(id, "x:%d:%llu", &form, &b) == 2) {
        if (form < 0 || form >= n_forms) return false;
        src_init_exh(&s, form, b);
    } else if (sscanf(id, "%llu:%llu", &a, &b) == 2) {
        form = (int)(b % (unsigned long long)n_forms);
        src_init(&s, a, b);
    } else {
        return false;
    }
    forms[form].gen(c, &s, &forms[form]);
    c->form = form;
    snprintf(c->id, sizeof c->id, "%s", id);
    *form_out = form;
    return true;
}

static void run_all(const Case *c)
{
    make_init(c);
    if (c->hkind == HK_MODEL) model_run(c, init_img, &st[0]);
    else if (c->hkind != HK_NONE) host_run(c, init_img, &st[0]);
    guest_run(0, c, init_img, &st[1]);
    guest_run(1, c, init_img, &st[2]);
}

/* Differences between two outcomes, with the case's undefined bits
 * masked. Returns a bit mask: 1 vector, 2 registers, 4 flags, 8 memory. */
static unsigned compare(const Case *c, const State *a, const State *b)
{
    unsigned d = 0;
    if (a->vec != b->vec) d |= 1;
    if (a->vec == -2 || b->vec == -2) return d | 1;
    /* A fault must name the faulting instruction: the same guest EIP on
     * I and R; on the host (whose bytes may differ in length) at least the
     * same "first instruction or not". */
    if (a->vec >= 0 && b->vec >= 0 && c->hkind != HK_SEQ && (a->where == 0) != (b->where == 0))
        d |= 1;
    for (int r = 0; r < 8; r++)
        if ((a->r[r] ^ b->r[r]) & ~c->undef_reg[r]) d |= 2;
    if ((a->fl ^ b->fl) & XF_CMP & ~c->undef_fl) d |= 4;
    for (int w = 0; w < NWIN; w++)
        if (memcmp(a->mem[w], b->mem[w], WIN_SIZE)) d |= 8;
    return d;
}

static void hex(FILE *f, const uint8_t *p, int n)
{
    for (int i = 0; i < n; i++) fprintf(f, "%02x", p[i]);
}

static void disasm(const Case *c, char *out, size_t len)
{
    out[0] = 0;
    size_t used = 0;
    int off = 0;
    while (off < c->glen && used + 8 < len) {
        char one[96];
        int il = 0;
        if (!decode_disasm(32, c->g + off, (size_t)(c->glen - off), WIN_CODE + (uint32_t)off, one,
                           sizeof one, &il))
            il = 1;
        used += (size_t)snprintf(out + used, len - used, "%s%s", off ? "; " : "", one);
        off += il > 0 ? il : 1;
    }
}

static void show_line(const Case *c, int pair, unsigned d)
{
    char dis[160];
    disasm(c, dis, sizeof dis);
    const State *x = &st[pair == P_IR ? 1 : 0], *y = &st[pair == P_HI ? 1 : 2];
    printf("MISMATCH %s CASE %s  [%s]  %s  bytes=", pair_name[pair], c->id, forms[c->form].name, dis);
    hex(stdout, c->g, c->glen);
    printf(" :");
    if (d & 1) printf(" vec %d/%d", x->vec, y->vec);
    if (d & 2)
        for (int r = 0; r < 8; r++)
            if ((x->r[r] ^ y->r[r]) & ~c->undef_reg[r])
                printf(" r%d %08x/%08x", r, x->r[r], y->r[r]);
    if (d & 4) printf(" fl %03x/%03x (undef %03x)", x->fl, y->fl, c->undef_fl);
    if (d & 8) printf(" memory");
    printf("\n");
}

static void count_case(const Case *c)
{
    Tally *t = &tally[c->form];
    t->n++;
    bool hok = c->hkind != HK_NONE;
    if (!hok) t->hskip++;
    for (int p = 0; p < NPAIR; p++) {
        if (p != P_IR && !hok) continue;
        const State *x = &st[p == P_IR ? 1 : 0], *y = &st[p == P_HI ? 1 : 2];
        unsigned d = compare(c, x, y);
        if (!d) continue;
        Known *k = known_for(c->form, p);
        if (k) {
            k->hits++;
            t->known[p]++;
            continue;
        }
        t->fail[p]++;
        if (t->shown < 3 && shown_total < max_show) {
            t->shown++;
            shown_total++;
            show_line(c, p, d);
        }
    }
}

static void print_state_col(const char *label, const Case *c, int k)
{
    static const char *const rn[8] = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};
    (void)label;
    for (int r = 0; r < 8; r++) {
        printf("  %s", rn[r]);
        for (int e = 0; e < k; e++) {
            bool bad = ((st[e].r[r] ^ st[0].r[r]) | (st[e].r[r] ^ st[1].r[r])) & ~c->undef_reg[r];
            printf("  %08x%c", st[e].r[r], bad ? '*' : ' ');
        }
        printf("  in %08x\n", c->r[r]);
    }
}

static int replay(const char *id)
{
    Case c;
    int form;
    if (!gen_case(&c, id, &form)) {
        fprintf(stderr, "xlat86-diff: bad case id '%s' (SEED:INDEX or x:FORM:K)\n", id);
        return 2;
    }
    char dis[160];
    disasm(&c, dis, sizeof dis);
    printf("case %s  form %d [%s] group %s\n", id, form, forms[form].name, forms[form].group);
    printf("guest bytes: ");
    hex(stdout, c.g, c.glen);
    printf("   %s\n", dis);
    static const char *const hk[4] = {"native", "sequence", "SDM model", "none"};
    printf("host  bytes: ");
    hex(stdout, c.h, c.hlen);
    printf("   (%s)\n", hk[c.hkind]);
    printf("flags in %03x, undefined %03x%s%s\n", c.fl, c.undef_fl, c.undef_why ? ": " : "",
           c.undef_why ? c.undef_why : "");
    for (int i = 0; i < c.npre; i++) {
        printf("memory %08x = ", c.pre[i].addr);
        hex(stdout, c.pre[i].b, c.pre[i].len);
        printf("\n");
    }
    run_all(&c);
    if (c.hkind == HK_NONE) memset(&st[0], 0, sizeof st[0]);
    printf("             host        inline      reference\n");
    print_state_col("", &c, 3);
    printf("  FLAGS");
    for (int e = 0; e < 3; e++) printf(" %03x       ", st[e].fl);
    printf("\n  VEC  ");
    for (int e = 0; e < 3; e++) printf(" %-4d@%-6x", st[e].vec, st[e].where);
    printf("\n");
    for (int w = 0; w < NWIN; w++)
        for (unsigned i = 0; i < WIN_SIZE; i++) {
            uint8_t h = st[0].mem[w][i], a = st[1].mem[w][i], b = st[2].mem[w][i];
            if (h != a || a != b || a != init_img[w][i])
                printf("  mem %08x: %02x %02x %02x (was %02x)\n", win_base[w] + (uint32_t)i, h, a, b,
                       init_img[w][i]);
        }
    unsigned d1 = c.hkind == HK_NONE ? 0 : compare(&c, &st[0], &st[1]);
    unsigned d2 = c.hkind == HK_NONE ? 0 : compare(&c, &st[0], &st[2]);
    unsigned d3 = compare(&c, &st[1], &st[2]);
    printf("H-I %s  H-R %s  I-R %s\n", d1 ? "DIFF" : "ok", d2 ? "DIFF" : "ok", d3 ? "DIFF" : "ok");
    return (d1 | d2 | d3) ? 1 : 0;
}

static bool form_selected(int f, const char *filter)
{
    return !filter || strstr(forms[f].name, filter) || !strcmp(forms[f].group, filter);
}

static int report(double secs)
{
    uint64_t tot = 0, bad = 0, kn = 0;
    printf("\n%-34s %8s %7s %7s %7s %7s\n", "form", "cases", "H-I", "H-R", "I-R", "known");
    const char *last = NULL;
    for (int pass = 0; pass < 2; pass++) {
        /* Per form (only forms with failures or known failures, to keep the
         * listing short), then per group. */
        for (int f = 0; f < n_forms; f++) {
            Tally *t = &tally[f];
            uint64_t k = t->known[0] + t->known[1] + t->known[2];
            uint64_t b = t->fail[0] + t->fail[1] + t->fail[2];
            if (pass == 0 && (b || k))
                printf("%-34s %8llu %7llu %7llu %7llu %7llu%s\n", forms[f].name,
                       (unsigned long long)t->n, (unsigned long long)t->fail[0],
                       (unsigned long long)t->fail[1], (unsigned long long)t->fail[2],
                       (unsigned long long)k, t->hskip == t->n && t->n ? "  (no host)" : "");
        }
        if (pass == 0) printf("\n%-34s %8s %7s %7s %7s %7s\n", "group", "cases", "H-I", "H-R", "I-R", "known");
    }
    for (int f = 0; f < n_forms; f++) {
        if (last && !strcmp(last, forms[f].group)) continue;
        bool seen = false;
        for (int g = 0; g < f; g++)
            if (!strcmp(forms[g].group, forms[f].group)) seen = true;
        if (seen) continue;
        last = forms[f].group;
        uint64_t n = 0, p[NPAIR] = {0}, k = 0, forms_n = 0;
        for (int g = f; g < n_forms; g++) {
            if (strcmp(forms[g].group, forms[f].group)) continue;
            Tally *t = &tally[g];
            forms_n++;
            n += t->n;
            for (int q = 0; q < NPAIR; q++) p[q] += t->fail[q], k += t->known[q];
        }
        printf("%-34s %8llu %7llu %7llu %7llu %7llu   (%llu forms)\n", forms[f].group,
               (unsigned long long)n, (unsigned long long)p[0], (unsigned long long)p[1],
               (unsigned long long)p[2], (unsigned long long)k, (unsigned long long)forms_n);
        tot += n;
        bad += p[0] + p[1] + p[2];
        kn += k;
    }
    for (int i = 0; i < n_known; i++)
        if (!known[i].hits)
            printf("note: known failure no longer seen (remove it?): %s | %s\n", known[i].form,
                   known[i].why);
    printf("\nxlat86-diff: %llu cases in %.1f s, %llu new mismatches, %llu known\n",
           (unsigned long long)tot, secs, (unsigned long long)bad, (unsigned long long)kn);
    printf("%llu passed, %llu failed\n", (unsigned long long)(tot - bad), (unsigned long long)bad);
    return bad ? 1 : 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: xlat86-diff [--seed N] [--count N] [--form TEXT] [--known FILE] [--show N]\n"
            "       xlat86-diff --exhaustive [--form TEXT] [--known FILE]\n"
            "       xlat86-diff --replay CASE [--trace in_asm,out_asm,int] | --list\n");
}

int main(int argc, char **argv)
{
    unsigned long long seed = 1, count = 200000;
    const char *filter = NULL, *known_path = NULL, *replay_id = NULL;
    bool exhaustive = false, list = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--seed") && v) seed = strtoull(v, NULL, 0), i++;
        else if (!strcmp(a, "--count") && v) count = strtoull(v, NULL, 0), i++;
        else if (!strcmp(a, "--form") && v) filter = v, i++;
        else if (!strcmp(a, "--known") && v) known_path = v, i++;
        else if (!strcmp(a, "--show") && v) max_show = atoi(v), i++;
        else if (!strcmp(a, "--replay") && v) replay_id = v, i++;
        else if (!strcmp(a, "--trace") && v) {
            /* xlat86's -d items (in_asm, out_asm, exec, int, cpu), on stderr. */
            char bad[32];
            if (trace_parse(v, &trace_mask, bad, sizeof bad) < 0) {
                fprintf(stderr, "xlat86-diff: bad trace item '%s'\n", bad);
                return 2;
            }
            trace_file = stderr;
            i++;
        }
        else if (!strcmp(a, "--exhaustive")) exhaustive = true;
        else if (!strcmp(a, "--list")) list = true;
        else {
            usage();
            return 2;
        }
    }
    forms_init();
    if (list) {
        for (int f = 0; f < n_forms; f++) printf("%4d  %-8s %s\n", f, forms[f].group, forms[f].name);
        return 0;
    }
    if (known_path && !load_known(known_path)) return 2;
    char err[256];
    if (!host_init(err, sizeof err) || !guest_init(err, sizeof err)) {
        fprintf(stderr, "xlat86-diff: %s\n", err);
        return 2;
    }
    make_base();
    tally = calloc((size_t)n_forms, sizeof *tally);
    if (!tally) return 2;
    int rc;
    if (replay_id) {
        rc = replay(replay_id);
    } else {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        static Case c;
        char id[40];
        int form;
        if (exhaustive) {
            for (int f = 0; f < n_forms; f++) {
                if (!form_selected(f, filter)) continue;
                for (uint64_t k = 0; k < EXH_CASES * 4; k++) {
                    snprintf(id, sizeof id, "x:%d:%llu", f, (unsigned long long)k);
                    gen_case(&c, id, &form);
                    run_all(&c);
                    count_case(&c);
                }
            }
        } else {
            uint64_t done = 0;
            for (uint64_t i = 0; done < count; i++) {
                if (!form_selected((int)(i % (uint64_t)n_forms), filter)) continue;
                snprintf(id, sizeof id, "%llu:%llu", seed, (unsigned long long)i);
                gen_case(&c, id, &form);
                run_all(&c);
                count_case(&c);
                done++;
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        rc = report((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    }
    guest_fini();
    free(tally);
    return rc;
}
