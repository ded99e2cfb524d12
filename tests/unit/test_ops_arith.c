/* test_ops_arith.c - ALU, MUL/IMUL/DIV/IDIV and the flag/accumulator ops
 * of the C reference semantics, checked against the host CPU (see
 * ops_hostcmp.h) over edge values of every operand size, with only the
 * architecturally undefined flags masked.
 */
#include "ops_hostcmp.h"

/* Fill a 32-bit register image: value v in the low `size` bytes, a junk
 * pattern above it (which 8/16-bit operations must preserve). */
static uint32_t with_junk(uint32_t v, int size, uint32_t junk)
{
    uint32_t m = size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu;
    return (junk & ~m) | (v & m);
}

/* Append an immediate of `size` bytes. */
static size_t put_imm(uint8_t *p, uint32_t v, int size)
{
    for (int i = 0; i < size; i++) p[i] = (uint8_t)(v >> (8 * i));
    return (size_t)size;
}

/* ADD OR ADC SBB AND SUB XOR CMP: opcode row k = 0..7. */
static void test_alu_binary(void **state)
{
    (void)state;
    uint32_t vals[32];
    for (int k = 0; k < 8; k++) {
        uint32_t undef = (k == 1 || k == 4 || k == 6) ? F_AF : 0; /* OR AND XOR */
        for (int size = 1; size <= 4; size *= 2) {
            size_t nv = edge_values(size, vals);
            for (size_t i = 0; i < nv; i++)
                for (size_t j = 0; j < nv; j++)
                    for (size_t f = 0; f < 4; f++) {
                        Regs in = {{0}, flag_inputs[f]};
                        in.r[R_EAX] = with_junk(vals[i], size, 0xa5a5a5a5u);
                        in.r[R_ECX] = with_junk(vals[j], size, 0x5a5a5a5au);
                        in.r[R_EDX] = with_junk(vals[j], size, 0x3c3c3c3cu);
                        uint8_t c[16];
                        size_t n = 0;
                        uint8_t w = size == 1 ? 0 : 1;
                        /* op r/m, r: dest AL/AX/EAX, src CL/CX/ECX */
                        if (size == 2) c[n++] = 0x66;
                        c[n++] = (uint8_t)(k << 3 | w);
                        c[n++] = 0xc8;
                        hc_compare(c, n, &in, undef, false, 0);
                        /* op r, r/m: dest ECX-family, src EDX */
                        n = 0;
                        if (size == 2) c[n++] = 0x66;
                        c[n++] = (uint8_t)(k << 3 | 2 | w);
                        c[n++] = 0xca;
                        hc_compare(c, n, &in, undef, false, 0);
                        /* op r/m, imm (80/81 group) on ECX-family */
                        n = 0;
                        if (size == 2) c[n++] = 0x66;
                        c[n++] = size == 1 ? 0x80 : 0x81;
                        c[n++] = (uint8_t)(0xc1 | k << 3);
                        n += put_imm(c + n, vals[j], size);
                        hc_compare(c, n, &in, undef, false, 0);
                        /* accumulator, imm (04/05 + 8k) */
                        n = 0;
                        if (size == 2) c[n++] = 0x66;
                        c[n++] = (uint8_t)(k << 3 | 4 | w);
                        n += put_imm(c + n, vals[j], size);
                        hc_compare(c, n, &in, undef, false, 0);
                        if (size > 1) {
                            /* 83 /k ib: sign-extended imm8 */
                            n = 0;
                            if (size == 2) c[n++] = 0x66;
                            c[n++] = 0x83;
                            c[n++] = (uint8_t)(0xc0 | k << 3);
                            c[n++] = (uint8_t)vals[j];
                            hc_compare(c, n, &in, undef, false, 0);
                        } else {
                            /* high byte registers: op AH, CH (00 /r modrm ec) */
                            c[0] = (uint8_t)(k << 3);
                            c[1] = 0xec;
                            Regs in2 = in;
                            in2.r[R_EAX] = (in.r[R_EAX] & 0xffff00ffu) | (vals[i] << 8);
                            in2.r[R_ECX] = (in.r[R_ECX] & 0xffff00ffu) | (vals[j] << 8);
                            hc_compare(c, 2, &in2, undef, false, 0);
                        }
                    }
        }
    }
}

/* Memory destination and source forms through [EBX]. */
static void test_alu_memory(void **state)
{
    (void)state;
    uint32_t vals[32];
    for (int k = 0; k < 8; k++) {
        uint32_t undef = (k == 1 || k == 4 || k == 6) ? F_AF : 0;
        for (int size = 1; size <= 4; size *= 2) {
            size_t nv = edge_values(size, vals);
            for (size_t i = 0; i < nv; i++)
                for (size_t j = 0; j < nv; j += 3) {
                    Regs in = {{0}, F_CF};
                    in.r[R_ECX] = with_junk(vals[j], size, 0x5a5a5a5au);
                    in.r[R_EAX] = with_junk(vals[j], size, 0x77777777u);
                    uint32_t v = vals[i];
                    memcpy(hc_mem.ram + GMEM_BASE + MEMWIN / 2, &v, 4);
                    uint8_t c[4];
                    size_t n = 0;
                    if (size == 2) c[n++] = 0x66;
                    c[n++] = (uint8_t)(k << 3 | (size > 1));
                    c[n++] = 0x0b; /* op [ebx], ecx */
                    hc_compare(c, n, &in, undef, true, 0);
                    c[n - 2] |= 2; /* op ecx, [ebx] */
                    hc_compare(c, n, &in, undef, true, 0);
                    n = 0; /* op byte/word/dword [ebx+disp8], imm8 */
                    if (size == 2) c[n++] = 0x66;
                    c[n++] = size == 1 ? 0x80 : 0x83;
                    c[n++] = (uint8_t)(0x43 | k << 3);
                    c[n++] = 0;
                    uint8_t full[8];
                    memcpy(full, c, n);
                    full[n] = (uint8_t)vals[j];
                    hc_compare(full, n + 1, &in, undef, true, 0);
                }
        }
    }
}

/* TEST, INC, DEC, NEG, NOT in register and memory forms. */
static void test_alu_unary(void **state)
{
    (void)state;
    uint32_t vals[32];
    for (int size = 1; size <= 4; size *= 2) {
        size_t nv = edge_values(size, vals);
        uint8_t w = size > 1;
        for (size_t i = 0; i < nv; i++)
            for (size_t f = 0; f < 4; f++) {
                Regs in = {{0}, flag_inputs[f]};
                in.r[R_EAX] = with_junk(vals[i], size, 0xa5a5a5a5u);
                in.r[R_ECX] = with_junk(vals[(i * 7 + 3) % nv], size, 0x5a5a5a5au);
                memcpy(hc_mem.ram + GMEM_BASE + MEMWIN / 2, &vals[i], 4);
                static const uint8_t modrms[] = {
                    0xc0, /* inc r/m (FE/FF /0) */
                    0xc8, /* dec (FE/FF /1) */
                };
                for (int m = 0; m < 2; m++) {
                    uint8_t c[4];
                    size_t n = 0;
                    if (size == 2) c[n++] = 0x66;
                    c[n++] = (uint8_t)(0xfe | w);
                    c[n++] = modrms[m];
                    hc_compare(c, n, &in, 0, false, 0);
                    c[n - 1] = (uint8_t)(modrms[m] & 0x38) | 0x03; /* [ebx] */
                    hc_compare(c, n, &in, 0, true, 0);
                }
                /* F6/F7 group: /2 NOT, /3 NEG, /0 TEST imm */
                for (int g = 2; g <= 3; g++) {
                    uint8_t c[4];
                    size_t n = 0;
                    if (size == 2) c[n++] = 0x66;
                    c[n++] = (uint8_t)(0xf6 | w);
                    c[n++] = (uint8_t)(0xc0 | g << 3);
                    hc_compare(c, n, &in, 0, false, 0);
                    c[n - 1] = (uint8_t)(g << 3 | 0x03);
                    hc_compare(c, n, &in, 0, true, 0);
                }
                for (size_t j = 0; j < nv; j++) {
                    uint8_t c[8];
                    size_t n = 0;
                    if (size == 2) c[n++] = 0x66;
                    c[n++] = (uint8_t)(0xf6 | w); /* test r/m, imm */
                    c[n++] = 0xc1;
                    n += put_imm(c + n, vals[j], size);
                    hc_compare(c, n, &in, F_AF, false, 0);
                    n = 0;
                    if (size == 2) c[n++] = 0x66;
                    c[n++] = (uint8_t)(0xa8 | w); /* test acc, imm */
                    n += put_imm(c + n, vals[j], size);
                    hc_compare(c, n, &in, F_AF, false, 0);
                    n = 0;
                    if (size == 2) c[n++] = 0x66;
                    c[n++] = (uint8_t)(0x84 | w); /* test r/m, r */
                    c[n++] = 0xc8;
                    Regs in2 = in;
                    in2.r[R_ECX] = with_junk(vals[j], size, 0);
                    hc_compare(c, n, &in2, F_AF, false, 0);
                    c[n - 1] = 0x0b; /* test [ebx], ecx */
                    hc_compare(c, n, &in2, F_AF, true, 0);
                }
            }
    }
}

/* MUL IMUL DIV IDIV (one operand), IMUL 2- and 3-operand forms. */
static void test_muldiv(void **state)
{
    (void)state;
    uint32_t vals[32], hiv[32];
    const uint32_t mul_undef = F_SF | F_ZF | F_AF | F_PF;
    for (int size = 1; size <= 4; size *= 2) {
        size_t nv = edge_values(size, vals);
        size_t nh = edge_values(size, hiv);
        uint8_t w = size > 1;
        for (size_t i = 0; i < nv; i++)
            for (size_t j = 0; j < nv; j++)
                for (size_t h = 0; h < nh; h += 2) {
                    Regs in = {{0}, h & 2 ? F_ARITH : 0};
                    in.r[R_EAX] = with_junk(vals[i], size, 0xa5a5a5a5u);
                    if (size == 1) in.r[R_EAX] = (in.r[R_EAX] & 0xffff00ffu) | (hiv[h] & 0xff) << 8;
                    in.r[R_ECX] = with_junk(vals[j], size, 0x5a5a5a5au);
                    in.r[R_EDX] = with_junk(hiv[h], size, 0x3c3c3c3cu);
                    for (int g = 4; g <= 7; g++) { /* F6/F7 /4 MUL /5 IMUL /6 DIV /7 IDIV */
                        uint8_t c[4];
                        size_t n = 0;
                        if (size == 2) c[n++] = 0x66;
                        c[n++] = (uint8_t)(0xf6 | w);
                        c[n++] = (uint8_t)(0xc1 | g << 3);
                        uint32_t undef = g < 6 ? mul_undef : F_ARITH;
                        hc_compare(c, n, &in, undef, false, 0);
                        if (h == 0 && (j & 3) == 0) { /* memory source */
                            memcpy(hc_mem.ram + GMEM_BASE + MEMWIN / 2, &vals[j], 4);
                            c[n - 1] = (uint8_t)(g << 3 | 0x03);
                            hc_compare(c, n, &in, undef, true, 0);
                        }
                    }
                    if (size == 1 || h != 0) continue;
                    uint8_t c[8];
                    size_t n = 0;
                    if (size == 2) c[n++] = 0x66;
                    c[n++] = 0x0f; c[n++] = 0xaf; c[n++] = 0xc1; /* imul eax, ecx */
                    hc_compare(c, n, &in, mul_undef, false, 0);
                    n = 0;
                    if (size == 2) c[n++] = 0x66;
                    c[n++] = 0x6b; c[n++] = 0xd1; c[n++] = (uint8_t)vals[i]; /* imul edx, ecx, ib */
                    hc_compare(c, n, &in, mul_undef, false, 0);
                    n = 0;
                    if (size == 2) c[n++] = 0x66;
                    c[n++] = 0x69; c[n++] = 0xd1; /* imul edx, ecx, iw/id */
                    n += put_imm(c + n, vals[i], size);
                    hc_compare(c, n, &in, mul_undef, false, 0);
                }
    }
}

/* Division corner cases by hand: #DE leaves every register as it was. */
static void test_div_faults(void **state)
{
    (void)state;
    static const struct { const char *code; size_t n; uint32_t eax, ecx, edx; } cases[] = {
        {"\xf7\xf1", 2, 5, 0, 0},                     /* div ecx, ecx=0 */
        {"\xf7\xf1", 2, 0, 1, 1},                     /* quotient 2^32 */
        {"\xf7\xf9", 2, 0, 0xffffffffu, 0x80000000u}, /* idiv INT64_MIN / -1 */
        {"\xf7\xf9", 2, 0, 0xffffffffu, 0x00000000u}, /* idiv 0 / -1 -> fine? no: 0 */
        {"\xf6\xf9", 2, 0x8000, 0xff, 0},             /* idiv cl: -32768 / -1 */
        {"\xf6\xf1", 2, 0x0100, 0x01, 0},             /* div cl: 256 / 1 */
        {"\x66\xf7\xf9", 3, 0x0000, 0xffff, 0x8000},  /* idiv cx: INT32_MIN / -1 */
        {"\xf6\xf9", 2, 0xff80, 0x01, 0},             /* idiv cl: -128 / 1 = -128: ok */
        {"\xf6\xf9", 2, 0x0080, 0xff, 0},             /* idiv cl: 128 / -1 = -128: ok */
        {"\xf6\xf9", 2, 0x0080, 0x01, 0},             /* idiv cl: 128 / 1: #DE */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Regs in = {{0}, F_CF | F_ZF};
        in.r[R_EAX] = cases[i].eax;
        in.r[R_ECX] = cases[i].ecx;
        in.r[R_EDX] = cases[i].edx;
        hc_compare((const uint8_t *)cases[i].code, cases[i].n, &in, F_ARITH, false, 0);
        Regs e = in;
        int exc = emu_exec((const uint8_t *)cases[i].code, cases[i].n, true, &e, false);
        if (exc >= 0) {
            assert_int_equal(exc, EXC_DE);
            assert_int_equal(hc_cpu.regs[R_EAX], cases[i].eax);
            assert_int_equal(hc_cpu.regs[R_EDX], cases[i].edx);
            assert_int_equal(hc_cpu.eip, 0x100);
        }
    }
}

/* CBW CWDE CWD CDQ LAHF SAHF CLC STC CMC CLD STD. */
static void test_flagops(void **state)
{
    (void)state;
    static const char *const codes[] = {"\x98", "\x66\x98", "\x99", "\x66\x99", "\x9f",
                                        "\x9e", "\xf8", "\xf9", "\xf5", "\xfc", "\xfd"};
    uint32_t vals[32];
    size_t nv = edge_values(4, vals);
    for (size_t c = 0; c < sizeof codes / sizeof codes[0]; c++)
        for (size_t i = 0; i < nv; i++)
            for (uint32_t f = 0; f < 64; f++) {
                /* every combination of the six status flags, DF on or off */
                uint32_t fl = (f & 1 ? F_CF : 0) | (f & 2 ? F_PF : 0) | (f & 4 ? F_AF : 0) |
                              (f & 8 ? F_ZF : 0) | (f & 16 ? F_SF : 0) | (f & 32 ? F_OF : 0) |
                              (i & 1 ? F_DF : 0);
                Regs in = {{vals[i] ^ (f << 8), vals[(i + 5) % nv], vals[(i + 9) % nv]}, fl};
                hc_compare((const uint8_t *)codes[c], strlen(codes[c]), &in, 0, false, 0);
            }
}

/* SALC is invalid in 64-bit mode: known answers. */
static void test_salc(void **state)
{
    (void)state;
    for (int cf = 0; cf < 2; cf++) {
        Regs e = {{0x12345678u}, cf ? F_CF | F_ZF : F_ZF};
        assert_int_equal(emu_exec((const uint8_t *)"\xd6", 1, true, &e, false), -1);
        assert_int_equal(e.r[R_EAX], cf ? 0x123456ffu : 0x12345600u);
        assert_int_equal(e.fl, cf ? F_CF | F_ZF : F_ZF);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alu_binary), cmocka_unit_test(test_alu_memory),
        cmocka_unit_test(test_alu_unary),  cmocka_unit_test(test_muldiv),
        cmocka_unit_test(test_div_faults), cmocka_unit_test(test_flagops),
        cmocka_unit_test(test_salc),
    };
    int r = cmocka_run_group_tests(tests, hc_setup, hc_teardown);
    hc_report("test_ops_arith");
    return r;
}
