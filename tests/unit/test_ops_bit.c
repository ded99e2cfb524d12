/* test_ops_bit.c - BT/BTS/BTR/BTC, BSF/BSR, SETcc, CMOVcc (cpu/ops_bit.c)
 * and XCHG/XADD/CMPXCHG/CMPXCHG8B/BSWAP (cpu/ops_xchg.c) against the host
 * CPU (ops_hostcmp.h), register and memory forms, 16 and 32 bits.
 */
#include "ops_hostcmp.h"

static uint32_t with_junk(uint32_t v, int size, uint32_t junk)
{
    uint32_t m = size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu;
    return (junk & ~m) | (v & m);
}

/* Fill the memory window with a pattern (same bytes for host and guest:
 * hc_compare copies guest memory to the host buffer). */
static void fill_window(uint32_t seed)
{
    for (uint32_t i = 0; i < MEMWIN; i++) {
        seed = seed * 1103515245u + 12345u;
        hc_mem.ram[GMEM_BASE + i] = (uint8_t)(seed >> 16);
    }
}

static uint32_t flags_of(unsigned f)
{
    return (f & 1 ? F_CF : 0) | (f & 2 ? F_PF : 0) | (f & 4 ? F_AF : 0) |
           (f & 8 ? F_ZF : 0) | (f & 16 ? F_SF : 0) | (f & 32 ? F_OF : 0);
}

static void test_bt(void **state)
{
    (void)state;
    const uint32_t undef = F_OF | F_SF | F_AF | F_PF;
    uint32_t vals[32];
    for (int size = 2; size <= 4; size *= 2) {
        size_t nv = edge_values(size, vals);
        for (int g = 0; g < 4; g++) { /* BT BTS BTR BTC */
            static const uint8_t rr[4] = {0xa3, 0xab, 0xb3, 0xbb};
            for (size_t i = 0; i < nv; i++)
                for (int off = -40; off < 80; off++)
                    for (int f = 0; f < 2; f++) {
                        Regs in = {{0}, f ? F_ARITH : 0};
                        in.r[R_EAX] = with_junk(vals[i], size, 0xa5a5a5a5u);
                        in.r[R_ECX] = with_junk((uint32_t)off, size, 0x5a5a5a5au);
                        uint8_t c[8];
                        size_t n = 0;
                        if (size == 2) c[n++] = 0x66;
                        c[n++] = 0x0f; c[n++] = rr[g]; c[n++] = 0xc8; /* bt eax, ecx */
                        hc_compare(c, n, &in, undef, false, 0);
                        n = 0;
                        if (size == 2) c[n++] = 0x66;
                        c[n++] = 0x0f; c[n++] = 0xba; /* bt eax, imm8 */
                        c[n++] = (uint8_t)(0xe0 | g << 3);
                        c[n++] = (uint8_t)off;
                        hc_compare(c, n, &in, undef, false, 0);
                        if (i == 0) {
                            /* bit strings in memory: [ebx] with a signed
                             * register offset, and the imm8 form */
                            fill_window((uint32_t)off * 77u + (uint32_t)g);
                            for (int scale = 1; scale <= 25; scale += 24) {
                                Regs m = in;
                                m.r[R_ECX] = with_junk((uint32_t)(off * scale), size, 0x5a5a5a5au);
                                n = 0;
                                if (size == 2) c[n++] = 0x66;
                                c[n++] = 0x0f; c[n++] = rr[g]; c[n++] = 0x0b;
                                hc_compare(c, n, &m, undef, true, 0);
                            }
                            n = 0;
                            if (size == 2) c[n++] = 0x66;
                            c[n++] = 0x0f; c[n++] = 0xba;
                            c[n++] = (uint8_t)(0x23 | g << 3);
                            c[n++] = (uint8_t)off;
                            hc_compare(c, n, &in, undef, true, 0);
                        }
                    }
        }
    }
}

static void test_bsf_bsr(void **state)
{
    (void)state;
    const uint32_t undef = F_CF | F_OF | F_SF | F_AF | F_PF;
    uint32_t vals[64];
    for (int size = 2; size <= 4; size *= 2) {
        size_t nv = edge_values(size, vals);
        for (unsigned b = 0; b < (unsigned)size * 8; b++) vals[nv++] = 1u << b;
        for (size_t i = 0; i < nv; i++)
            for (int f = 0; f < 2; f++)
                for (int rev = 0; rev < 2; rev++) {
                    Regs in = {{0}, f ? F_ARITH : 0};
                    in.r[R_EAX] = 0xdeadbeefu;
                    in.r[R_ECX] = with_junk(vals[i], size, 0x5a5a5a5au);
                    uint8_t c[8];
                    size_t n = 0;
                    if (size == 2) c[n++] = 0x66;
                    c[n++] = 0x0f; c[n++] = rev ? 0xbd : 0xbc; c[n++] = 0xc1;
                    hc_compare(c, n, &in, undef, false, 0);
                    memcpy(hc_mem.ram + GMEM_BASE + MEMWIN / 2, &vals[i], 4);
                    c[n - 1] = 0x03; /* bsf eax, [ebx] */
                    hc_compare(c, n, &in, undef, true, 0);
                }
    }
}

static void test_setcc_cmov(void **state)
{
    (void)state;
    for (unsigned cc = 0; cc < 16; cc++)
        for (unsigned f = 0; f < 64; f++) {
            Regs in = {{0x11223344u, 0x55667788u, 0x99aabbccu}, flags_of(f)};
            uint8_t c[8] = {0x0f, (uint8_t)(0x90 | cc), 0xc0}; /* setcc al */
            hc_compare(c, 3, &in, 0, false, 0);
            c[2] = 0xc4; /* setcc ah */
            hc_compare(c, 3, &in, 0, false, 0);
            c[2] = 0x03; /* setcc [ebx] */
            hc_compare(c, 3, &in, 0, true, 0);
            c[1] = (uint8_t)(0x40 | cc); /* cmovcc eax, [ebx] */
            hc_compare(c, 3, &in, 0, true, 0);
            c[2] = 0xc1; /* cmovcc eax, ecx */
            hc_compare(c, 3, &in, 0, false, 0);
            uint8_t c16[4] = {0x66, 0x0f, (uint8_t)(0x40 | cc), 0xc1};
            hc_compare(c16, 4, &in, 0, false, 0);
        }
}

static void test_xchg_xadd(void **state)
{
    (void)state;
    static const struct { const char *code; size_t n; bool mem; } forms[] = {
        {"\x87\xc8", 2, false},         /* xchg eax, ecx */
        {"\x86\xc8", 2, false},         /* xchg al, cl */
        {"\x86\xe1", 2, false},         /* xchg cl, ah */
        {"\x66\x87\xc8", 3, false},     /* xchg ax, cx */
        {"\x91", 1, false},             /* xchg eax, ecx (short form) */
        {"\x66\x92", 2, false},         /* xchg ax, dx */
        {"\x87\x0b", 2, true},          /* xchg [ebx], ecx */
        {"\x86\x2b", 2, true},          /* xchg [ebx], ch */
        {"\x0f\xc1\xc8", 3, false},     /* xadd eax, ecx */
        {"\x0f\xc0\xc8", 3, false},     /* xadd al, cl */
        {"\x0f\xc0\xe8", 3, false},     /* xadd al, ch */
        {"\x66\x0f\xc1\xc8", 4, false}, /* xadd ax, cx */
        {"\x0f\xc1\xc0", 3, false},     /* xadd eax, eax */
        {"\x0f\xc1\x0b", 3, true},      /* xadd [ebx], ecx */
        {"\x66\x0f\xc1\x0b", 4, true},  /* xadd [ebx], cx */
        {"\x0f\xc0\x0b", 3, true},      /* xadd [ebx], cl */
    };
    uint32_t vals[32];
    size_t nv = edge_values(4, vals);
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++)
        for (size_t i = 0; i < nv; i++)
            for (size_t j = 0; j < nv; j++) {
                Regs in = {{vals[i], vals[j], vals[(i + j) % nv]}, j & 1 ? F_ARITH : 0};
                memcpy(hc_mem.ram + GMEM_BASE + MEMWIN / 2, &vals[(i * 3 + j) % nv], 4);
                hc_compare((const uint8_t *)forms[k].code, forms[k].n, &in, 0, forms[k].mem, 0);
            }
}

static void test_cmpxchg(void **state)
{
    (void)state;
    static const struct { const char *code; size_t n; bool mem; int size; } forms[] = {
        {"\x0f\xb1\xca", 3, false, 4},     /* cmpxchg edx, ecx */
        {"\x0f\xb0\xca", 3, false, 1},     /* cmpxchg dl, cl */
        {"\x66\x0f\xb1\xca", 4, false, 2}, /* cmpxchg dx, cx */
        {"\x0f\xb1\xc8", 3, false, 4},     /* cmpxchg eax, ecx */
        {"\x0f\xb0\xe0", 3, false, 1},     /* cmpxchg al, ah */
        {"\x0f\xb1\x0b", 3, true, 4},      /* cmpxchg [ebx], ecx */
        {"\x66\x0f\xb1\x0b", 4, true, 2},  /* cmpxchg [ebx], cx */
        {"\x0f\xb0\x0b", 3, true, 1},      /* cmpxchg [ebx], cl */
    };
    uint32_t vals[32];
    size_t nv = edge_values(4, vals);
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++)
        for (size_t i = 0; i < nv; i++)
            for (size_t j = 0; j < nv; j++)
                for (int eq = 0; eq < 2; eq++) {
                    uint32_t d = eq ? vals[i] : vals[j];
                    Regs in = {{vals[i], 0xc0ffee00u ^ vals[j], d}, eq ? F_ARITH : 0};
                    memcpy(hc_mem.ram + GMEM_BASE + MEMWIN / 2, &d, 4);
                    hc_compare((const uint8_t *)forms[k].code, forms[k].n, &in, 0,
                               forms[k].mem, 0);
                }
}

static void test_cmpxchg8b(void **state)
{
    (void)state;
    uint32_t vals[32];
    size_t nv = edge_values(4, vals);
    const uint8_t code[] = {0x0f, 0xc7, 0x0e}; /* cmpxchg8b [esi] */
    hc_memreg = R_ESI;
    for (size_t i = 0; i < nv; i++)
        for (size_t j = 0; j < nv; j++)
            for (int eq = 0; eq < 4; eq++) {
                uint32_t m[2] = {vals[i], vals[j]};
                memcpy(hc_mem.ram + GMEM_BASE + MEMWIN / 2, m, 8);
                Regs in = {{0}, eq & 1 ? F_ARITH : 0};
                in.r[R_EAX] = eq & 1 ? vals[i] : vals[i] ^ 1;
                in.r[R_EDX] = eq & 2 ? vals[j] : vals[j] ^ 0x80000000u;
                in.r[R_ECX] = 0x13579bdfu;
                in.r[R_EBX] = 0x2468ace0u;
                hc_compare(code, sizeof code, &in, 0, true, 0);
            }
    hc_memreg = R_EBX;
}

static void test_bswap(void **state)
{
    (void)state;
    uint32_t vals[32];
    size_t nv = edge_values(4, vals);
    for (size_t i = 0; i < nv; i++)
        for (int r = 0; r < 8; r++) {
            if (r == R_ESP) continue;
            Regs in = {{0}, F_CF};
            for (int k = 0; k < 8; k++) in.r[k] = vals[(i + (size_t)k) % nv];
            uint8_t c[3] = {0x0f, (uint8_t)(0xc8 | r)};
            hc_compare(c, 2, &in, 0, false, 0);
            uint8_t c16[3] = {0x66, 0x0f, (uint8_t)(0xc8 | r)}; /* undefined, but compare */
            hc_compare(c16, 3, &in, 0, false, 0);
        }
}

/* The same operations decoded as 16-bit code (opsize 2 by default, 66
 * selecting 32 bits, 16-bit addressing through [BX]/[SI]). */
static void test_mode16(void **state)
{
    (void)state;
    static const struct { const char *host, *emu; bool mem; uint32_t undef; } forms[] = {
        {"\x66\x01\x03", "\x01\x07", true, 0},                   /* add [bx], ax */
        {"\x01\x03", "\x66\x01\x07", true, 0},                   /* add [bx], eax */
        {"\x66\x83\xc1\xff", "\x83\xc1\xff", false, 0},         /* add cx, -1 */
        {"\x66\x0f\xa3\x0b", "\x0f\xa3\x0f", true, F_OF | F_SF | F_AF | F_PF}, /* bt [bx], cx */
        {"\x0f\xab\x0b", "\x66\x0f\xab\x0f", true, F_OF | F_SF | F_AF | F_PF}, /* bts [bx], ecx */
        {"\x66\xd3\xe0", "\xd3\xe0", false, F_AF | F_OF},         /* shl ax, cl */
        {"\x66\x0f\xa5\xd0", "\x0f\xa5\xd0", false, F_AF | F_OF}, /* shld ax, dx, cl */
        {"\x66\xf7\xf2", "\xf7\xf2", false, F_ARITH},             /* div dx */
        {"\x66\xf7\xf9", "\xf7\xf9", false, F_ARITH},             /* idiv cx */
        {"\xf7\xf9", "\x66\xf7\xf9", false, F_ARITH},             /* idiv ecx */
        {"\x66\x0f\xaf\xc1", "\x0f\xaf\xc1", false, F_SF | F_ZF | F_AF | F_PF},
        {"\x66\x6b\xc1\xff", "\x6b\xc1\xff", false, F_SF | F_ZF | F_AF | F_PF},
        {"\x66\x69\xc1\x01\x80", "\x69\xc1\x01\x80", false, F_SF | F_ZF | F_AF | F_PF},
        {"\x66\x98", "\x98", false, 0},                           /* cbw */
        {"\x98", "\x66\x98", false, 0},                           /* cwde */
        {"\x66\x99", "\x99", false, 0},                           /* cwd */
        {"\x66\x0f\xc8", "\x0f\xc8", false, 0},                   /* bswap ax */
        {"\x66\x0f\xc1\x0b", "\x0f\xc1\x0f", true, 0},           /* xadd [bx], cx */
        {"\x66\x0f\xb1\x0b", "\x0f\xb1\x0f", true, 0},           /* cmpxchg [bx], cx */
        {"\x66\x0f\x44\x03", "\x0f\x44\x07", true, 0},           /* cmove ax, [bx] */
    };
    uint32_t vals[32];
    size_t nv = edge_values(4, vals);
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++)
        for (size_t i = 0; i < nv; i++)
            for (size_t j = 0; j < nv; j++) {
                Regs in = {{vals[i], vals[j] & 0xffff000fu, vals[(i + j) % nv]},
                           j & 1 ? F_ARITH : F_CF};
                /* a 32-bit bit-string offset must stay inside the window */
                if (strstr(forms[k].emu, "\x0f\xab")) in.r[R_ECX] = vals[j] & 0x8000001fu ? 0xfffffc1fu : 0;
                in.r[R_EBX] = 0x12345678u;
                memcpy(hc_mem.ram + GMEM_BASE + MEMWIN / 2, &vals[(i * 3 + j) % nv], 4);
                hc_compare16(forms[k].host, forms[k].emu, &in, forms[k].undef, forms[k].mem);
            }
    /* cmpxchg8b qword [si] in 16-bit code */
    hc_memreg = R_ESI;
    for (size_t i = 0; i < nv; i++) {
        uint32_t m[2] = {vals[i], vals[(i + 1) % nv]};
        memcpy(hc_mem.ram + GMEM_BASE + MEMWIN / 2, m, 8);
        Regs in = {{m[0], 0x11111111u, i & 1 ? m[1] : 0, 0x22222222u}, 0};
        hc_compare16("\x0f\xc7\x0e", "\x0f\xc7\x0c", &in, 0, true);
    }
    hc_memreg = R_EBX;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bt),          cmocka_unit_test(test_bsf_bsr),
        cmocka_unit_test(test_setcc_cmov),  cmocka_unit_test(test_xchg_xadd),
        cmocka_unit_test(test_cmpxchg),     cmocka_unit_test(test_cmpxchg8b),
        cmocka_unit_test(test_bswap),       cmocka_unit_test(test_mode16),
    };
    int r = cmocka_run_group_tests(tests, hc_setup, hc_teardown);
    hc_report("test_ops_bit");
    return r;
}
