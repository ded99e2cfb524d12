/* gfuzz_main.c - xlat86-gfuzz: random code streams on two translator
 * engines (inline code on / off), end states compared exactly (gfuzz.h).
 *
 *   xlat86-gfuzz [--seed S] [--start I] [--count N] [--mode NAME] [--max-insns N]
 *   xlat86-gfuzz --seed S --case I [-d in_asm,...]     replay one case, verbosely
 *   xlat86-gfuzz --seed S --case I1,I2,...,I           the same after other cases (one process)
 *   xlat86-gfuzz --regress                              the fixed regression cases
 *
 * Exit status: 0 all cases agree, 1 a mismatch, 2 bad usage.
 */
#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "devices/pc.h"
#include "gfuzz.h"
#include "translator/dbt.h"
#include "translator/trace.h"

#define PAGES ((GF_RAM_MIB << 20) >> 12)

typedef struct Guest {
    PC pc;
    Engine *e;
    uint8_t touched[PAGES / 8];   /* pages written since the last load (dirty log) */
} Guest;

static Guest g[2];            /* 0: inline code, 1: inline=off (reference helpers) */
static uint8_t *tmpl;
static CPUState reset_state;
static uint64_t max_insns = 4096;
static bool verbose;

static void die(const char *msg)
{
    fprintf(stderr, "xlat86-gfuzz: %s\n", msg);
    exit(2);
}

static void setup(void)
{
    char dir[] = "/tmp/xlat86-gfuzz-XXXXXX", rom[64], err[256];
    if (!mkdtemp(dir)) die("mkdtemp failed");
    snprintf(rom, sizeof rom, "%s/rom.bin", dir);
    static uint8_t romimg[65536];
    memset(romimg, 0xf4, sizeof romimg);
    FILE *f = fopen(rom, "wb");
    if (!f || fwrite(romimg, 1, sizeof romimg, f) != sizeof romimg) die("cannot write the dummy ROM");
    fclose(f);
    tmpl = malloc(GF_RAM_MIB << 20);
    if (!tmpl) die("out of memory");
    gf_sys_template(tmpl);
    for (int i = 0; i < 2; i++) {
        PCConfig cfg;
        memset(&cfg, 0, sizeof cfg);
        cfg.ram_mib = GF_RAM_MIB;
        cfg.bios_path = rom;
        cfg.icount = true;
        if (!pc_init(&g[i].pc, &cfg, err, sizeof err)) die(err);
        DbtConfig dc = {.inline_code = i == 0, .code_buffer = 4u << 20};
        g[i].e = dbt_create(&g[i].pc, &dc, err, sizeof err);
        if (!g[i].e) die(err);
        /* No devices on the port bus: reads give all ones, writes vanish
         * (devices have their own fuzzers; here they would only add time). */
        io_init(&g[i].pc.io);
        mem_write_bulk(&g[i].pc.mem, 0, tmpl, GF_RAM_MIB << 20);
        /* The dirty log says which pages a case wrote: only those are
         * compared and restored. */
        if (!mem_dirty_enable(&g[i].pc.mem, g[i].pc.mem.ram_region)) die("out of memory");
    }
    unlink(rom);
    rmdir(dir);
    engine_get_state(g[1].e, &reset_state);
}

static void teardown(void)
{
    for (int i = 0; i < 2; i++) {
        engine_destroy(g[i].e);
        pc_free(&g[i].pc);
    }
    free(tmpl);
    gf_undef_fini();
}

static const uint8_t *page(Guest *x, uint32_t p)
{
    return mem_page_ptr(&x->pc.mem, p << 12, false);
}

static void collect_dirty(Guest *x)
{
    uint8_t bm[PAGES / 8];
    Memory *m = &x->pc.mem;
    if (mem_dirty_get_and_clear(m, m->ram_region, bm) < 0) return;
    for (unsigned i = 0; i < sizeof bm; i++) x->touched[i] |= bm[i];
}

static bool touched(uint32_t p)
{
    return ((g[0].touched[p / 8] | g[1].touched[p / 8]) >> (p % 8)) & 1;
}

static void load(Guest *x, const GfCase *c)
{
    Memory *m = &x->pc.mem;
    collect_dirty(x);
    for (uint32_t p = 0; p < PAGES; p++)
        if ((x->touched[p / 8] >> (p % 8)) & 1) mem_write_bulk(m, p << 12, tmpl + (p << 12), 4096);
    uint8_t code[GF_CODE_MAX];
    memset(code, 0xf4, sizeof code);
    memcpy(code, c->code, (size_t)c->len);
    mem_write_bulk(m, GF_CODE, code, sizeof code);
    mem_write_bulk(m, GF_DATA, c->data, sizeof c->data);
    mem_write_bulk(m, GF_STACK, c->stack, sizeof c->stack);
    mem_set_a20(m, true);
    collect_dirty(x);
    memset(x->touched, 0, sizeof x->touched);
    /* No flush: mem_write_bulk dropped the translations of rewritten code
     * (the code-write hook), and set_state flushes the TLBs. */
    engine_set_intr(x->e, 0);
    /* Every case starts at the same time-stamp count on both boards: the
     * boards' clocks (instruction counts) part when earlier cases ran
     * different paths (an undefined flag steering a branch, a budget stop),
     * and code may reach RDTSC through data or stack bytes (seed 16 case
     * 918329 after case 916558). Within a case the count is the same. */
    CPUState st = c->st;
    st.tsc_offset = GF_TSC0 - (uint64_t)clock_now(&x->pc.clock);
    engine_set_state(x->e, &st);
}

enum { END_HALT, END_TRIPLE, END_TIMEOUT, END_ERROR };
static const char *const end_name[] = {"halt", "triple fault", "timeout", "engine error"};

static int run(Guest *x)
{
    uint64_t start = engine_icount(x->e);
    for (;;) {
        uint64_t done = engine_icount(x->e) - start;
        if (done >= max_insns) return END_TIMEOUT;
        EngineStop s = engine_run(x->e, max_insns - done);
        if (s == STOP_HALT) return END_HALT;
        if (s == STOP_TRIPLE) return END_TRIPLE;
        if (s == STOP_ERROR) return END_ERROR;
        x->pc.reset_requested = false;
        x->pc.exit_requested = false;
    }
}

/* Differences between the two end states, written into buf (empty: none).
 * *only_flags: every difference is in EFLAGS. */
static uint32_t mem_xor;   /* diff_state: OR of the XOR of every differing RAM byte */
static int reg_fields;     /* diff_state: differing fields other than EFLAGS and RAM */

static void diff_state(char *buf, size_t n, bool *only_flags)
{
    mem_xor = 0;
    CPUState a, b;
    engine_get_state(g[0].e, &a);
    engine_get_state(g[1].e, &b);
    size_t o = 0;
    int fields = 0;
    buf[0] = 0;
#define D(cond, ...)                                                            \
    do {                                                                        \
        if (cond) {                                                             \
            fields++;                                                           \
            if (o < n) o += (size_t)snprintf(buf + o, n - o, __VA_ARGS__);      \
        }                                                                       \
    } while (0)
    static const char *rn[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    for (int i = 0; i < 8; i++)
        D(a.regs[i] != b.regs[i], " %s=%08x/%08x", rn[i], a.regs[i], b.regs[i]);
    D(a.eip != b.eip, " eip=%08x/%08x", a.eip, b.eip);
    for (int i = 0; i < 6; i++)
        D(a.seg[i].sel != b.seg[i].sel || a.seg[i].base != b.seg[i].base ||
              a.seg[i].limit != b.seg[i].limit || a.seg[i].flags != b.seg[i].flags,
          " seg%d=%04x:%08x:%08x:%04x/%04x:%08x:%08x:%04x", i, a.seg[i].sel, a.seg[i].base,
          a.seg[i].limit, a.seg[i].flags, b.seg[i].sel, b.seg[i].base, b.seg[i].limit, b.seg[i].flags);
    for (int i = 0; i < 5; i++) D(a.cr[i] != b.cr[i], " cr%d=%08x/%08x", i, a.cr[i], b.cr[i]);
    for (int i = 0; i < 8; i++) D(a.dr[i] != b.dr[i], " dr%d=%08x/%08x", i, a.dr[i], b.dr[i]);
    D(memcmp(&a.gdtr, &b.gdtr, sizeof a.gdtr) || memcmp(&a.idtr, &b.idtr, sizeof a.idtr), " gdtr/idtr");
    D(memcmp(&a.ldtr, &b.ldtr, sizeof a.ldtr) || memcmp(&a.tr, &b.tr, sizeof a.tr), " ldtr/tr");
    D(memcmp(a.fpu.st, b.fpu.st, sizeof a.fpu.st) || a.fpu.cw != b.fpu.cw || a.fpu.sw != b.fpu.sw ||
          a.fpu.tw != b.fpu.tw || a.fpu.fop != b.fpu.fop || a.fpu.fip != b.fpu.fip ||
          a.fpu.fdp != b.fpu.fdp || a.fpu.fcs != b.fpu.fcs || a.fpu.fds != b.fpu.fds,
      " fpu(sw=%04x/%04x)", a.fpu.sw, b.fpu.sw);
    D(a.halted != b.halted || a.shutdown != b.shutdown, " halted/shutdown=%d%d/%d%d", a.halted,
      a.shutdown, b.halted, b.shutdown);
    D(a.inhibit_irq != b.inhibit_irq || (a.inhibit_irq && a.inhibit_eip != b.inhibit_eip),
      " inhibit=%d/%d", a.inhibit_irq, b.inhibit_irq);
    D(a.dbg_pending != b.dbg_pending || a.nmi_pending != b.nmi_pending ||
          a.nmi_blocked != b.nmi_blocked, " events");
    D(a.sysenter_cs != b.sysenter_cs || a.sysenter_esp != b.sysenter_esp ||
          a.sysenter_eip != b.sysenter_eip || memcmp(a.mtrr_var, b.mtrr_var, sizeof a.mtrr_var) ||
          memcmp(a.mtrr_fixed, b.mtrr_fixed, sizeof a.mtrr_fixed) || a.mtrr_deftype != b.mtrr_deftype,
      " msrs");
    reg_fields = fields;
    collect_dirty(&g[0]);
    collect_dirty(&g[1]);
    for (uint32_t p = 0; p < PAGES; p++) {
        if (!touched(p)) continue;
        const uint8_t *x = page(&g[0], p), *y = page(&g[1], p);
        if (!x && !y) continue;
        if (!x || !y || memcmp(x, y, 4096)) {
            uint32_t k = 0;
            if (x && y) {
                while (x[k] == y[k]) k++;
                for (uint32_t j = k; j < 4096; j++) mem_xor |= (uint32_t)(x[j] ^ y[j]);
            } else {
                mem_xor = ~0u;
            }
            D(true, " mem[%05x]=%02x/%02x", (p << 12) + k, x ? x[k] : 0, y ? y[k] : 0);
        }
    }
    *only_flags = fields == 0;
    D(a.eflags != b.eflags, " eflags=%08x/%08x", a.eflags, b.eflags);
#undef D
}

static void print_code(const GfCase *c, FILE *f)
{
    csh h;
    if (cs_open(CS_ARCH_X86, gf_mode_16bit(c->mode) ? CS_MODE_16 : CS_MODE_32, &h) != CS_ERR_OK) return;
    cs_insn *in;
    size_t n = cs_disasm(h, c->code, (size_t)c->len, c->st.eip, 0, &in);
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        char hex[40] = "";
        for (int k = 0; k < in[i].size && k < 15; k++) sprintf(hex + 2 * k, "%02x", in[i].bytes[k]);
        fprintf(f, "  %08" PRIx64 ": %-30s %s %s\n", in[i].address, hex, in[i].mnemonic, in[i].op_str);
        used += in[i].size;
    }
    if (used < (size_t)c->len) fprintf(f, "  ... %d undecodable bytes\n", c->len - (int)used);
    if (n) cs_free(in, n);
    cs_close(&h);
}

typedef struct Tally {
    uint64_t cases, equal, undef, undef_block, timeout, triple, unverified, mismatch;
} Tally;

/* Lock step from the start: after each instruction the states must agree,
 * except in the status flags the instruction leaves undefined, which are
 * then copied from the reference side. Returns the number of such copies,
 * or -1 with the first defined divergence in buf. */
static uint32_t lock_undef;   /* lockstep: flags whose last writer left them undefined */

static bool in_stubs(const CPUState *s)
{
    uint32_t lin = s->seg[S_CS].base + s->eip;
    return lin >= GF_STUBS && lin <= GF_STUBS + 0x100;
}

static int lockstep(const GfCase *c, char *buf, size_t n)
{
    load(&g[0], c);
    load(&g[1], c);
    int patched = 0;
    lock_undef = 0;
    for (uint64_t i = 0; i < max_insns; i++) {
        CPUState pre, a, b;
        engine_get_state(g[1].e, &pre);
        uint8_t bytes[16] = {0};
        uint32_t lin = pre.seg[S_CS].base + pre.eip;
        if (lin + 16 <= (GF_RAM_MIB << 20)) mem_read_bulk(&g[1].pc.mem, lin, bytes, sizeof bytes);
        EngineStop s0 = engine_step(g[0].e), s1 = engine_step(g[1].e);
        {
            /* The last-writer rule: a flag is undefined at the end when the
             * last instruction that wrote it left it undefined. A step that
             * ended in an exception or interrupt handler's stub wrote none
             * (the faulting instruction did not complete). */
            CPUState post;
            engine_get_state(g[1].e, &post);
            if (!in_stubs(&post) || in_stubs(&pre))
                lock_undef = gf_undef_fold(lock_undef, bytes, sizeof bytes, &pre);
        }
        bool only_flags;
        diff_state(buf, n, &only_flags);
        if (buf[0]) {
            engine_get_state(g[0].e, &a);
            engine_get_state(g[1].e, &b);
            uint32_t undef = gf_undef_flags(bytes, sizeof bytes, &pre);
            if (!only_flags || ((a.eflags ^ b.eflags) & ~undef)) {
                size_t o = strlen(buf);
                snprintf(buf + o, n - o, " (lock step %" PRIu64 ", at %04x:%08x)", i, pre.seg[S_CS].sel, pre.eip);
                if (verbose) {
                    printf("before the diverging step: bytes");
                    for (int k = 0; k < 8; k++) printf(" %02x", bytes[k]);
                    printf("\n  cr0=%08x eflags=%08x", pre.cr[0], pre.eflags);
                    for (int k = 0; k < 8; k++) printf(" r%d=%08x", k, pre.regs[k]);
                    for (int k = 0; k < 6; k++)
                        printf("\n  seg%d %04x base %08x limit %08x flags %04x", k, pre.seg[k].sel,
                               pre.seg[k].base, pre.seg[k].limit, pre.seg[k].flags);
                    printf("\n");
                }
                return -1;
            }
            a.eflags = b.eflags;
            engine_set_state(g[0].e, &a);
            patched++;
        }
        if (s0 != s1) {
            snprintf(buf, n, " stop %s/%s (lock step %" PRIu64 ")", engine_stop_name(s0), engine_stop_name(s1), i);
            return -1;
        }
        if (s0 == STOP_HALT || s0 == STOP_TRIPLE || s0 == STOP_ERROR) break;
    }
    return patched;
}

static void run_block_again(const GfCase *c)
{
    for (int i = 0; i < 2; i++) {
        load(&g[i], c);
        run(&g[i]);
    }
}

static bool run_case(const GfCase *c, Tally *t)
{
    char buf[1024];
    bool only_flags;
    int end[2];
    t->cases++;
    for (int i = 0; i < 2; i++) {
        load(&g[i], c);
        end[i] = run(&g[i]);
    }
    diff_state(buf, sizeof buf, &only_flags);
    if (verbose) {
        for (int i = 0; i < 2; i++) {
            CPUState s;
            engine_get_state(g[i].e, &s);
            printf("%s: %s, cs:eip=%04x:%08x eflags=%08x eax=%08x ecx=%08x edx=%08x ebx=%08x "
                   "esp=%08x ebp=%08x esi=%08x edi=%08x inhibit=%d@%08x\n",
                   i ? "inline=off" : "inline=on ", end_name[end[i]], s.seg[S_CS].sel, s.eip,
                   s.eflags, s.regs[0], s.regs[1], s.regs[2], s.regs[3], s.regs[4], s.regs[5],
                   s.regs[6], s.regs[7], s.inhibit_irq, s.inhibit_eip);
        }
    }
    if (end[0] == END_TRIPLE) t->triple++;
    if (end[0] == END_TIMEOUT || end[1] == END_TIMEOUT) t->timeout++;
    if (!buf[0] && end[0] == end[1]) {
        t->equal++;
        return true;
    }
    char why[1100];
    snprintf(why, sizeof why, "end %s/%s:%s", end_name[end[0]], end_name[end[1]], buf);
    int r = lockstep(c, buf, sizeof buf);
    if (r > 0) {
        t->undef++;
        if (verbose) printf("equal up to %d undefined-flag differences (lock step)\n", r);
        return true;
    }
    if (r == 0 && end[0] == end[1]) {
        /* Lock step agrees everywhere, but whole blocks did not: inline
         * code left different values in flags that some instruction of
         * the stream leaves undefined (one-instruction blocks compute
         * them differently). Accepted only if every differing bit, in
         * EFLAGS and in RAM (pushed EFLAGS images), is such a flag. */
        run_block_again(c);
        if (verbose) printf("lock step: status flags whose last writer left them undefined: %03x\n", lock_undef);
        CPUState a, b;
        engine_get_state(g[0].e, &a);
        engine_get_state(g[1].e, &b);
        bool of;
        diff_state(buf, sizeof buf, &of);
        uint32_t u = gf_undef_any(c->code, c->len, gf_mode_16bit(c->mode));
        uint32_t ub = (u & 0xff) | (u >> 8);
        /* EFLAGS: only flags whose last writer (in lock step) left them
         * undefined may differ; RAM (pushed EFLAGS images): any flag some
         * instruction of the stream leaves undefined. */
        if (reg_fields == 0 && !((a.eflags ^ b.eflags) & ~lock_undef) && !(mem_xor & ~ub)) {
            t->undef_block++;
            if (verbose) printf("equal up to undefined flags (whole blocks)\n");
            return true;
        }
    }
    if (r == 0 && gf_undef_any(c->code, c->len, gf_mode_16bit(c->mode))) {
        /* Whole blocks differ, lock step does not, and the stream leaves
         * flags undefined that later instructions may have consumed (LAHF,
         * PUSHF, ADC, SETcc, or a branch: then the runs may even end
         * differently, e.g. JG after DAS's undefined OF decides when a
         * loop ends, seed 17 case 91908): not proven either way. Listed,
         * counted apart, and not a failure. */
        t->unverified++;
        printf("UNVERIFIED seed=%" PRIu64 " case=%" PRIu64 " mode=%s: %s\n", c->seed, c->index,
               gf_mode_name[c->mode], why);
        return true;
    }
    t->mismatch++;
    printf("MISMATCH seed=%" PRIu64 " case=%" PRIu64 " mode=%s: %s\n", c->seed, c->index,
           gf_mode_name[c->mode], why);
    if (r < 0) printf("  lock step: first divergence:%s\n", buf);
    else printf("  lock step: no divergence (differs only with whole blocks)\n");
    print_code(c, stdout);
    printf("  replay: xlat86-gfuzz --seed %" PRIu64 " --case %" PRIu64 " -d in_asm\n", c->seed, c->index);
    return false;
}

/* For the regression cases (gfuzz_regress.c). */
static Tally regress_tally;
bool gf_check_case(const GfCase *c) { return run_case(c, &regress_tally); }
void gf_final_state(int which, CPUState *out) { engine_get_state(g[which].e, out); }
uint32_t gf_read_phys(int which, uint32_t phys, int size)
{
    return mem_read(&g[which].pc.mem, phys, size);
}
const CPUState *gf_reset_state(void) { return &reset_state; }
uint64_t gf_set_max_insns(uint64_t n)
{
    uint64_t old = max_insns;
    max_insns = n;
    return old;
}

static uint64_t num(const char *s, const char *opt)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    if (!*s || *end) {
        fprintf(stderr, "xlat86: %s: bad number '%s'\n", opt, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    uint64_t seed = 1, start = 0, count = 1000, one = 0;
    bool replay = false, regress = false;
    uint64_t before[16];
    int nbefore = 0;
    int mode = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool has = v != NULL;
        if (!strcmp(a, "--seed") && has) seed = num(argv[++i], a);
        else if (!strcmp(a, "--start") && has) start = num(argv[++i], a);
        else if (!strcmp(a, "--count") && has) count = num(argv[++i], a);
        else if (!strcmp(a, "--max-insns") && has) max_insns = num(argv[++i], a);
        else if (!strcmp(a, "--regress")) regress = true;
        else if (!strcmp(a, "--case") && has) {
            /* I or I1,I2,...: the earlier cases run first in the same
             * process (quietly), as in a chunk, then the last one verbosely. */
            char *list = argv[++i], *comma;
            while ((comma = strchr(list, ',')) && nbefore < 16) {
                *comma = 0;
                before[nbefore++] = num(list, a);
                list = comma + 1;
            }
            one = num(list, a);
            replay = true;
        }
        else if (!strcmp(a, "--mode") && has) {
            const char *m = argv[++i];
            for (mode = 0; mode < GM_N && strcmp(m, gf_mode_name[mode]); mode++) {}
            if (mode == GM_N) {
                fprintf(stderr, "xlat86: --mode: unknown mode '%s'\n", m);
                return 2;
            }
        } else if (!strcmp(a, "-d") && has) {
            char bad[64];
            if (trace_parse(argv[++i], &trace_mask, bad, sizeof bad) < 0) {
                fprintf(stderr, "xlat86: -d: unknown item '%s'\n", bad);
                return 2;
            }
            trace_file = stderr;
        } else {
            fprintf(stderr, "xlat86: unknown or incomplete option '%s'\n"
                            "usage: xlat86-gfuzz [--seed S] [--start I] [--count N] [--mode NAME] "
                            "[--max-insns N] | --seed S --case I [-d ITEMS] | --regress\n", a);
            return 2;
        }
    }
    setup();
    Tally t[GM_N];
    memset(t, 0, sizeof t);
    bool ok = true;
    GfCase *c = malloc(sizeof *c);
    if (!c) die("out of memory");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (regress) {
        int bad = gf_regress();
        teardown();
        free(c);
        return bad ? 1 : 0;
    }
    if (replay) {
        for (int k = 0; k < nbefore; k++) {
            gf_gen(c, &reset_state, seed, before[k], mode);
            ok &= run_case(c, &t[c->mode]);
        }
        verbose = true;
        gf_gen(c, &reset_state, seed, one, mode);
        printf("seed %" PRIu64 " case %" PRIu64 " mode %s, %d code bytes:\n", seed, one,
               gf_mode_name[c->mode], c->len);
        print_code(c, stdout);
        const uint32_t *r = c->st.regs;
        printf("start: eax=%08x ecx=%08x edx=%08x ebx=%08x esp=%08x ebp=%08x esi=%08x edi=%08x "
               "eflags=%08x cr0=%08x\n", r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
               c->st.eflags, c->st.cr[0]);
        ok = run_case(c, &t[c->mode]);
    } else {
        for (uint64_t k = start; k < start + count; k++) {
            gf_gen(c, &reset_state, seed, k, mode);
            ok &= run_case(c, &t[c->mode]);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    Tally all = {0};
    printf("%-18s %10s %10s %10s %10s %10s %10s %10s %10s\n", "mode", "programs", "equal",
           "undef-eq", "undef-blk", "timeout", "triple", "unverif", "MISMATCH");
    for (int m = 0; m < GM_N; m++) {
        Tally *x = &t[m];
        if (!x->cases) continue;
        printf("%-18s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64
               " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n", gf_mode_name[m], x->cases, x->equal,
               x->undef, x->undef_block, x->timeout, x->triple, x->unverified, x->mismatch);
        all.unverified += x->unverified;
        all.undef_block += x->undef_block;
        all.cases += x->cases;
        all.equal += x->equal;
        all.undef += x->undef;
        all.timeout += x->timeout;
        all.triple += x->triple;
        all.mismatch += x->mismatch;
    }
    printf("%-18s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64
           " %10" PRIu64 " %10" PRIu64 "   (seed %" PRIu64 ", cases %" PRIu64 "..%" PRIu64
           ", %.1f s)\n",
           "total", all.cases, all.equal, all.undef, all.undef_block, all.timeout,
           all.triple, all.unverified,
           all.mismatch, seed,
           replay ? one : start, replay ? one : start + count - 1, secs);
    free(c);
    teardown();
    return ok ? 0 : 1;
}
