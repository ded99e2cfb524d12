/* gfuzz_gen.c - random cases for the guest-code fuzzer: a reproducible
 * function of (seed, index). Code is either raw random bytes or a stream
 * of instructions that Capstone decodes (random prefixes, opcode, ModR/M
 * biased to registers and to small displacements, immediates), with
 * random registers (edge values, pointers into the data window and the
 * special pages), flags, data and stack contents. Instructions whose
 * results depend on time (RDTSC, RDTSCP, RDPMC, RDMSR of the TSC) are left
 * out: the two boards' clocks are not meant to agree. */
#include <capstone/capstone.h>
#include <string.h>

#include "cpu/cpu.h"
#include "gfuzz.h"

typedef struct Rng { uint64_t s; } Rng;

static uint64_t next(Rng *r)
{
    /* splitmix64 */
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint32_t below(Rng *r, uint32_t n) { return (uint32_t)(next(r) % n); }

static csh cs16, cs32;
static bool cs_up;

static const uint8_t prefixes[] = {0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65};

static bool time_dependent(unsigned id)
{
    return id == X86_INS_RDTSC || id == X86_INS_RDTSCP || id == X86_INS_RDPMC ||
           id == X86_INS_RDMSR;
}

/* One candidate instruction into b[15]. */
static void candidate(Rng *r, uint8_t *b)
{
    int n = 0;
    uint32_t p = below(r, 100);
    int np = p < 60 ? 0 : p < 90 ? 1 : 2;
    for (int i = 0; i < np; i++) b[n++] = prefixes[below(r, sizeof prefixes)];
    if (below(r, 4) == 0) b[n++] = 0x0f;
    b[n++] = (uint8_t)next(r);
    uint8_t modrm = (uint8_t)next(r);
    if (below(r, 2)) modrm |= 0xc0;
    else if ((modrm >> 6) == 2 && below(r, 2)) modrm = (uint8_t)((modrm & 0x3f) | 0x40);
    b[n++] = modrm;
    while (n < 15) {
        /* displacements and immediates: small values more often */
        uint32_t k = below(r, 4);
        b[n++] = k == 0 ? (uint8_t)below(r, 16) : k == 1 ? 0xff : (uint8_t)next(r);
    }
}

static int gen_insns(Rng *r, uint8_t *code, int max, bool bits16)
{
    if (!cs_up) {
        cs_open(CS_ARCH_X86, CS_MODE_16, &cs16);
        cs_open(CS_ARCH_X86, CS_MODE_32, &cs32);
        cs_up = true;
    }
    csh h = bits16 ? cs16 : cs32;
    int len = 0, want = 2 + (int)below(r, 14);
    for (int k = 0; k < want; k++) {
        uint8_t b[15];
        int got = 0;
        for (int tries = 0; tries < 4 && !got; tries++) {
            candidate(r, b);
            cs_insn *in = NULL;
            if (cs_disasm(h, b, sizeof b, 0, 1, &in) == 1) {
                if (!time_dependent(in->id) && !(in->id == X86_INS_HLT && below(r, 8)))
                    got = in->size;
                cs_free(in, 1);
            }
        }
        if (!got) got = 2;  /* undecodable: let the CPUs raise #UD on it */
        if (len + got > max) break;
        memcpy(code + len, b, (size_t)got);
        len += got;
    }
    return len;
}

static uint32_t pick_reg(Rng *r, bool bits16)
{
    static const uint32_t edge[] = {0, 1, 0xffffffffu, 0x80000000u, 0x7fffffffu, 0xffff, 0x8000,
                                    0x7fff, 0xff, 0x80, 0xfffe};
    switch (below(r, 6)) {
    case 0: return edge[below(r, sizeof edge / sizeof edge[0])];
    case 1: return below(r, 0x100);
    case 2: return bits16 ? below(r, 0x1000) : GF_DATA + below(r, 0x1000);
    case 3: {
        static const uint32_t pages[] = {GF_PG_RO, GF_PG_SUP, GF_PG_NP, GF_STACK, GF_CODE};
        return pages[below(r, 5)] + below(r, 0x1000);
    }
    default: return (uint32_t)next(r);
    }
}

/* Half the cases start with the x87 in the state the translator's inline
 * x87 path (translator/cg_x87.c) runs in: every exception masked (one in
 * eight cases unmasks one, for its fallback), a random precision and
 * rounding control, 0-8 values on the stack. The other half keep the reset
 * state (all exceptions unmasked: the helpers). A generator of its own, so
 * the code, registers and memory of every case stay what they were. */
static void gen_fpu(GfCase *c, uint64_t seed, uint64_t index)
{
    Rng f = {seed * 0x9e3779b97f4a7c15ull ^ index * 0xbf58476d1ce4e5b9ull ^ 0x87};
    next(&f);
    if (below(&f, 2)) return;
    FPU *fp = &c->st.fpu;
    fp->cw = (uint16_t)(0x037fu & ~(FCW_PC | FCW_RC)) | (uint16_t)(next(&f) & (FCW_PC | FCW_RC));
    if (below(&f, 8) == 0) fp->cw &= (uint16_t)~(1u << below(&f, 6));
    int n = (int)below(&f, 9), top = (8 - n) & 7;
    fp->sw = (uint16_t)(top << 11);
    fp->tw = 0xffff;
    static const uint16_t exps[] = {0, 1, 0x3ffe, 0x3fff, 0x4000, 0x401e, 0x7ffe, 0x7fff};
    for (int i = 0; i < n; i++) {
        uint8_t *st = fp->st[(top + i) & 7];
        uint64_t m = next(&f);
        uint32_t e = below(&f, 2) ? exps[below(&f, 8)] : (uint32_t)below(&f, 0x8000);
        if (below(&f, 8)) m |= 1ull << 63;     /* mostly normal encodings */
        if (below(&f, 2)) m &= ~0ull << 40;    /* short significands: exact results */
        e |= below(&f, 2) ? 0x8000u : 0;
        memcpy(st, &m, 8);
        st[8] = (uint8_t)e;
        st[9] = (uint8_t)(e >> 8);
        int phys = (top + i) & 7;
        fp->tw = (uint16_t)((fp->tw & ~(3u << (2 * phys))) | ((unsigned)fpu_tag_of(st) << (2 * phys)));
    }
}

void gf_gen(GfCase *c, const CPUState *reset, uint64_t seed, uint64_t index, int mode)
{
    Rng r = {seed * 0x100000001b3ull ^ index * 0xd6e8feb86659fd93ull};
    next(&r);
    memset(c, 0, sizeof *c);
    c->seed = seed;
    c->index = index;
    c->mode = mode >= 0 ? mode : (int)(index % GM_N);
    bool b16 = gf_mode_16bit(c->mode);
    gf_sys_state(&c->st, reset, c->mode);
    c->style = below(&r, 4) == 0 ? 0 : 1;
    if (c->style == 0) {
        c->len = 8 + (int)below(&r, 41);
        for (int i = 0; i < c->len; i++) c->code[i] = (uint8_t)next(&r);
    } else {
        c->len = gen_insns(&r, c->code, GF_CODE_MAX - 8, b16);
    }
    /* Whatever the decoding (jumps may land mid-instruction), no RDTSC,
     * RDMSR or RDPMC bytes: they become UD2. */
    for (int i = 0; i + 1 < c->len; i++)
        if (c->code[i] == 0x0f && (c->code[i + 1] & 0xfc) == 0x30 && c->code[i + 1] != 0x30)
            c->code[i + 1] = 0x0b;
    for (int i = 0; i < 8; i++) c->st.regs[i] = pick_reg(&r, b16);
    uint32_t sp;
    switch (below(&r, 10)) {
    case 0: sp = below(&r, 8); break;                   /* wraps below zero */
    case 1: sp = b16 ? 0xfffe : 0x1000; break;
    default: sp = 0x800 + 2 * below(&r, 0x100);
    }
    /* Flat stacks (SS base 0) address the stack window directly. */
    c->st.regs[R_ESP] = c->st.seg[S_SS].base == 0 ? GF_STACK + (sp & 0xfff)
                                                   : (c->st.regs[R_ESP] & 0xffff0000u) | sp;
    c->st.eflags |= (uint32_t)next(&r) & (F_ARITH | F_DF);
    if (c->mode == GM_V86 || c->mode == GM_V86_PG || c->mode == GM_PM32_CPL3 ||
        c->mode == GM_PM32_CPL3_PG || c->mode == GM_PM16_CPL3)
        c->st.eflags |= below(&r, 2) ? F_IOPL : 0;
    if (below(&r, 4) == 0) c->st.cr[0] |= 1u << 16;   /* WP */
    for (size_t i = 0; i < sizeof c->data; i++) c->data[i] = (uint8_t)next(&r);
    for (size_t i = 0; i < sizeof c->stack; i++) c->stack[i] = (uint8_t)next(&r);
    gen_fpu(c, seed, index);
}
