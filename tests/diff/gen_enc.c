/* gen_enc.c - deterministic value sources and the encoder that writes each
 * case twice: as guest bytes (32-bit protected mode) and as host bytes
 * (x86-64 long mode, where the same opcode has the same semantics once the
 * addressing is adapted; see docs/diff-testing.md, "Host encoding").
 */
#include <string.h>

#include "diff.h"

const uint32_t win_base[NWIN] = {WIN_DATA, WIN_STACK, WIN_LOW};
bool rm_abs_only;

/* splitmix64 (Steele, Lea, Flood 2014): tiny, and good enough to spread
 * (seed, index) into independent streams. */
static uint64_t mix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void src_init(Src *s, uint64_t seed, uint64_t index)
{
    memset(s, 0, sizeof *s);
    s->rng = seed * 0x100000001b3ull ^ (index + 1) * 0xd6e8feb86659fd93ull;
    mix(&s->rng);
}

void src_init_exh(Src *s, int form, uint64_t k)
{
    src_init(s, 0xe8a0u + (uint64_t)form, k);
    s->exh = true;
    s->k = k;
}

uint32_t rnd32(Src *s)
{
    return (uint32_t)mix(&s->rng);
}

uint32_t rnd_below(Src *s, uint32_t n)
{
    return n ? (uint32_t)(((uint64_t)rnd32(s) * n) >> 32) : 0;
}

/* Edge values per operand size: the carry/overflow/sign boundaries and a
 * few BCD-shaped bytes. */
static const uint32_t edge8[16] = {0x00, 0x01, 0x02, 0x7f, 0x80, 0x81, 0xfe, 0xff,
                                   0x09, 0x0f, 0x10, 0x40, 0x55, 0x99, 0x9a, 0xaa};
static const uint32_t edge16[16] = {0x0000, 0x0001, 0x0002, 0x007f, 0x0080, 0x00ff, 0x0100,
                                    0x7ffe, 0x7fff, 0x8000, 0x8001, 0xfffe, 0xffff,
                                    0x5555, 0x0999, 0xaaaa};
static const uint32_t edge32[16] = {0x0, 0x1, 0x2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
                                    0x10000, 0x7fffffff, 0x80000000, 0x80000001,
                                    0xfffffffe, 0xffffffff, 0x55555555};

static int next_digit(Src *s)
{
    if (s->exh && s->ndraw < EXH_DIGITS) return (int)((s->k >> (4 * s->ndraw++)) & 15);
    s->ndraw++;
    return (rnd32(s) & 1) ? (int)(rnd32(s) & 15) : -1;   /* -1: a random value */
}

uint32_t pick_val(Src *s, int size)
{
    int d = next_digit(s);
    uint32_t mask = size == 1 ? 0xffu : size == 2 ? 0xffffu : 0xffffffffu;
    const uint32_t *t = size == 1 ? edge8 : size == 2 ? edge16 : edge32;
    uint32_t v = d >= 0 ? t[d] : rnd32(s);
    return (v & mask) | (rnd32(s) & ~mask);
}

uint32_t pick_flags(Src *s)
{
    static const uint32_t pat[4] = {0, XF_ALL, XF_CF, XF_ALL & ~XF_CF};
    if (s->exh) {
        uint32_t r = rnd32(s) & XF_ALL;
        int p = (int)((s->k >> 12) & 3);
        return p == 0 ? r : pat[p];
    }
    return (rnd32(s) & 7) == 0 ? pat[rnd32(s) & 3] : (rnd32(s) & XF_ALL);
}

uint8_t pick_count(Src *s, int bits)
{
    const uint8_t t[16] = {0, 1, 2, 3, (uint8_t)(bits - 1), (uint8_t)bits, (uint8_t)(bits + 1),
                           7, 9, 16, 17, 31, 32, 33, 0xff, 0xe1};
    int d = next_digit(s);
    return d >= 0 ? t[d] : (uint8_t)rnd32(s);
}

/* ---- case building ---- */

void case_begin(Case *c, Src *s, bool esp_free)
{
    memset(c, 0, sizeof *c);
    for (int i = 0; i < 8; i++) c->r[i] = rnd32(s);
    /* ESP stays in the stack window unless the form neither uses the
     * stack nor can fault (an exception frame is pushed at ESP). */
    c->r[4] = STACK_TOP - 4 * rnd_below(s, 64);
    if (esp_free && rnd_below(s, 4) == 0) c->r[4] = rnd32(s);
    c->fl = pick_flags(s);
    c->hkind = HK_NATIVE;
}

void set_reg(Case *c, int r, int size, uint32_t v)
{
    if (size == 1) {
        int sh = (r & 4) ? 8 : 0;
        c->r[r & 3] = (c->r[r & 3] & ~(0xffu << sh)) | ((v & 0xffu) << sh);
    } else if (size == 2) {
        c->r[r] = (c->r[r] & 0xffff0000u) | (v & 0xffffu);
    } else {
        c->r[r] = v;
    }
}

uint32_t get_reg(const Case *c, int r, int size)
{
    if (size == 1) return (c->r[r & 3] >> ((r & 4) ? 8 : 0)) & 0xffu;
    if (size == 2) return c->r[r] & 0xffffu;
    return c->r[r];
}

void mem_preset64(Case *c, uint32_t addr, int len, uint64_t v)
{
    if (c->npre >= 4 || len > 8) return;
    MemPreset *p = &c->pre[c->npre++];
    p->addr = addr;
    p->len = (uint8_t)len;
    for (int i = 0; i < len; i++) p->b[i] = (uint8_t)(v >> (8 * i));
}

void mem_preset(Case *c, uint32_t addr, int len, uint32_t v)
{
    mem_preset64(c, addr, len, v);
}

void gbyte(Case *c, uint8_t b)
{
    if (c->glen < MAX_GBYTES) c->g[c->glen++] = b;
}

void hbyte(Case *c, uint8_t b)
{
    if (c->hlen < MAX_HBYTES) c->h[c->hlen++] = b;
}

void both(Case *c, uint8_t b)
{
    gbyte(c, b);
    hbyte(c, b);
}

void both_imm(Case *c, uint32_t v, int len)
{
    for (int i = 0; i < len; i++) both(c, (uint8_t)(v >> (8 * i)));
}

/* ---- ModR/M operands ---- */

void rm_reg(Rm *m, int reg)
{
    memset(m, 0, sizeof *m);
    m->reg = reg;
}

static bool avoided(uint32_t avoid, int r)
{
    return (avoid >> r) & 1;
}

static int pick_reg_not(Src *s, uint32_t avoid)
{
    for (int t = 0; t < 32; t++) {
        int r = (int)rnd_below(s, 8);
        if (!avoided(avoid, r)) return r;
    }
    for (int r = 0; r < 8; r++)
        if (!avoided(avoid, r)) return r;
    return -1;
}

/* SDM vol. 2, table 2-1: the 16-bit addressing forms, rm -> registers. */
static const int a16_regs[8][2] = {{3, 6}, {3, 7}, {5, 6}, {5, 7}, {6, -1}, {7, -1}, {5, -1}, {3, -1}};

static void rm_mem16(Case *c, Src *s, Rm *m, int size, uint32_t avoid, uint32_t lin)
{
    if (!lin) lin = WIN_LOW + 16 + rnd_below(s, WIN_SIZE - 32 - (uint32_t)size);
    m->lin = lin;
    int rm = 6, mod = 0;
    for (int t = 0; t < (rm_abs_only ? 0 : 16); t++) {
        int r = (int)rnd_below(s, 8), md = (int)rnd_below(s, 3);
        const int *q = a16_regs[r];
        if (r == 6 && md == 0) { rm = 6; mod = 0; break; }
        if (avoided(avoid, q[0]) || (q[1] >= 0 && avoided(avoid, q[1]))) continue;
        rm = r;
        mod = md;
        break;
    }
    m->rm = (uint8_t)rm;
    m->mod = (uint8_t)mod;
    if (mod == 0 && rm == 6) {
        m->disp = (int32_t)lin;
        m->disp_len = 2;
        return;
    }
    m->disp = mod == 1 ? (int8_t)rnd32(s) : mod == 2 ? (int16_t)rnd32(s) : 0;
    m->disp_len = mod == 1 ? 1 : mod == 2 ? 2 : 0;
    const int *q = a16_regs[rm];
    uint32_t rest = lin - (uint32_t)m->disp;
    if (q[1] >= 0) {
        uint32_t iv = rnd32(s) & 0xffffu;
        set_reg(c, q[1], 2, iv);
        rest -= iv;
    }
    set_reg(c, q[0], 2, rest & 0xffffu);
}

void rm_mem(Case *c, Src *s, Rm *m, bool a16, int size, uint32_t avoid, uint32_t lin)
{
    /* Not CS: a write through a code segment is #GP in protected mode,
     * while long mode ignores the override. */
    static const uint8_t segp[4] = {0x26, 0x36, 0x3e, 0x26};
    memset(m, 0, sizeof *m);
    m->mem = true;
    m->a16 = a16;
    if (rnd_below(s, 8) == 0) m->seg_prefix = segp[rnd_below(s, 4)];
    if (a16) {
        rm_mem16(c, s, m, size, avoid, lin);
        return;
    }
    if (!lin) lin = WIN_DATA + 16 + rnd_below(s, WIN_SIZE - 32 - (uint32_t)size);
    m->lin = lin;
    int mode = rm_abs_only ? 0 : (int)rnd_below(s, 6);
    int b = pick_reg_not(s, avoid | (1u << 4));
    if (b < 0) mode = 0;
    switch (mode) {
    case 0:   /* [disp32] */
        m->mod = 0; m->rm = 5; m->disp = (int32_t)lin; m->disp_len = 4;
        return;
    case 1:   /* [base] (EBP needs a displacement, ESP a SIB) */
        if (b == 5) goto disp8;
        m->mod = 0; m->rm = (uint8_t)b;
        c->r[b] = lin;
        return;
    case 2:
    disp8:
        m->mod = 1; m->rm = (uint8_t)b; m->disp = (int8_t)rnd32(s); m->disp_len = 1;
        c->r[b] = lin - (uint32_t)m->disp;
        return;
    case 3:
        m->mod = 2; m->rm = (uint8_t)b; m->disp = (int32_t)rnd32(s); m->disp_len = 4;
        c->r[b] = lin - (uint32_t)m->disp;
        return;
    default: {
        /* SIB: base (ESP allowed when the case lets ESP go) + index*scale,
         * or no index (index field 100). */
        m->has_sib = true;
        int base = pick_reg_not(s, avoid);
        if (base < 0) base = b;
        int mod = (int)rnd_below(s, 3);
        int scale = (int)rnd_below(s, 4);
        int idx = 4;
        if (mode == 4) {
            idx = pick_reg_not(s, avoid | (1u << 4) | (1u << base));
            if (idx < 0) idx = 4;
        }
        m->mod = (uint8_t)mod;
        m->rm = 4;
        m->sib = (uint8_t)((scale << 6) | (idx << 3) | base);
        m->disp_len = mod == 1 ? 1 : mod == 2 ? 4 : 0;
        bool nobase = mod == 0 && base == 5;
        if (nobase) m->disp_len = 4;
        m->disp = m->disp_len == 1 ? (int8_t)rnd32(s) : m->disp_len == 4 ? (int32_t)rnd32(s) : 0;
        uint32_t iv = 0;
        if (idx != 4) {
            iv = (rnd32(s) & 1) ? rnd32(s) : rnd_below(s, 256);
            c->r[idx] = iv;
            iv <<= scale;
        }
        if (nobase) m->disp = (int32_t)(lin - iv);
        else c->r[base] = lin - iv - (uint32_t)m->disp;
        return;
    }
    }
}

void emit_modrm(Case *c, bool lock, bool o16, const uint8_t *opc, int nopc, int regf,
                const Rm *m)
{
    if (lock) both(c, 0xf0);
    if (o16) both(c, 0x66);
    /* Now and then a redundant ES/SS/DS override: every data segment is
     * flat in the guest, and long mode ignores these. */
    if (m->mem && m->seg_prefix) both(c, m->seg_prefix);
    if (m->mem && m->a16) gbyte(c, 0x67);
    if (m->mem && !m->a16) hbyte(c, 0x67);   /* 32-bit addressing in long mode */
    for (int i = 0; i < nopc; i++) both(c, opc[i]);
    uint8_t rf = (uint8_t)((regf & 7) << 3);
    if (!m->mem) {
        both(c, (uint8_t)(0xc0 | rf | (m->reg & 7)));
        return;
    }
    /* Guest: the chosen form. */
    gbyte(c, (uint8_t)((m->mod << 6) | rf | m->rm));
    if (m->has_sib) gbyte(c, m->sib);
    for (int i = 0; i < m->disp_len; i++) gbyte(c, (uint8_t)((uint32_t)m->disp >> (8 * i)));
    /* Host: mod=00 rm=101 is RIP-relative in long mode, so [disp32] becomes
     * SIB "no base, no index" + disp32; 16-bit addressing does not exist in
     * long mode, so the host gets the linear address the SDM's 16-bit
     * formula gives (the guest must compute the same one). */
    bool absolute = m->a16 || (!m->has_sib && m->mod == 0 && m->rm == 5);
    if (absolute) {
        hbyte(c, (uint8_t)(rf | 4));
        hbyte(c, 0x25);
        uint32_t a = m->a16 ? m->lin : (uint32_t)m->disp;
        for (int i = 0; i < 4; i++) hbyte(c, (uint8_t)(a >> (8 * i)));
        return;
    }
    hbyte(c, (uint8_t)((m->mod << 6) | rf | m->rm));
    if (m->has_sib) hbyte(c, m->sib);
    for (int i = 0; i < m->disp_len; i++) hbyte(c, (uint8_t)((uint32_t)m->disp >> (8 * i)));
}
