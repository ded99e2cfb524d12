/* test_ops_shift.c - shifts and rotates of the C reference semantics
 * (cpu/ops_shift.c) against the host CPU (ops_hostcmp.h): every operand
 * size, edge values, every count 0..33 through CL, plus the immediate,
 * implied-1 and memory forms. Architecturally undefined flags (AF after a
 * shift, OF for counts other than 1, CF of SHL/SHR for counts >= width)
 * and the undefined 16-bit SHLD/SHRD results for counts > 16 are masked;
 * for the latter we report how often the host differed.
 */
#include "ops_hostcmp.h"

static uint32_t with_junk(uint32_t v, int size, uint32_t junk)
{
    uint32_t m = size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu;
    return (junk & ~m) | (v & m);
}

/* Undefined flags of group-2 operation k (ROL ROR RCL RCR SHL SHR SAL SAR)
 * for masked count c at width bits. */
static uint32_t grp2_undef(int k, unsigned c, unsigned bits)
{
    if (c == 0) return 0;
    uint32_t u = c == 1 ? 0 : F_OF;
    if (k >= 4) {
        u |= F_AF;
        if (k != 7 && c >= bits) u |= F_CF;
    }
    return u;
}

static void test_grp2(void **state)
{
    (void)state;
    uint32_t vals[32];
    for (int k = 0; k < 8; k++)
        for (int size = 1; size <= 4; size *= 2) {
            unsigned bits = (unsigned)size * 8;
            uint8_t w = size > 1;
            size_t nv = edge_values(size, vals);
            for (size_t i = 0; i < nv; i++)
                for (unsigned cnt = 0; cnt <= 33; cnt++)
                    for (size_t f = 0; f < 4; f++) {
                        unsigned c = cnt & 31;
                        uint32_t undef = grp2_undef(k, c, bits);
                        Regs in = {{0}, flag_inputs[f]};
                        in.r[R_EAX] = with_junk(vals[i], size, 0xa5a5a5a5u);
                        in.r[R_ECX] = 0x5a5a5a00u | cnt;
                        in.r[R_EDX] = with_junk(vals[(i + 3) % nv], size, 0x3c3c3c3cu);
                        uint8_t code[8];
                        size_t n = 0;
                        if (size == 2) code[n++] = 0x66;
                        code[n++] = (uint8_t)(0xd2 | w); /* op r/m, cl */
                        code[n++] = (uint8_t)(0xc0 | k << 3);
                        hc_compare(code, n, &in, undef, false, 0);
                        code[n - 1] = (uint8_t)(0xc2 | k << 3); /* on DL/DX/EDX */
                        hc_compare(code, n, &in, undef, false, 0);
                        if (f == 0 && (i & 1) == 0) {
                            memcpy(hc_mem.ram + GMEM_BASE + MEMWIN / 2, &vals[i], 4);
                            code[n - 1] = (uint8_t)(0x03 | k << 3); /* [ebx] */
                            hc_compare(code, n, &in, undef, true, 0);
                        }
                        n = 0;
                        if (size == 2) code[n++] = 0x66;
                        code[n++] = (uint8_t)(0xc0 | w); /* op r/m, imm8 */
                        code[n++] = (uint8_t)(0xc0 | k << 3);
                        code[n++] = (uint8_t)(cnt | (f & 1 ? 0xe0 : 0)); /* masked anyway */
                        hc_compare(code, n, &in, undef, false, 0);
                        if (cnt == 1) {
                            n = 0;
                            if (size == 2) code[n++] = 0x66;
                            code[n++] = (uint8_t)(0xd0 | w); /* op r/m, 1 */
                            code[n++] = (uint8_t)(0xc0 | k << 3);
                            hc_compare(code, n, &in, undef, false, 0);
                        }
                    }
        }
}

/* AH/CH byte registers through group 2 (the x86 byte numbering). */
static void test_grp2_highbyte(void **state)
{
    (void)state;
    for (int k = 0; k < 8; k++)
        for (unsigned cnt = 0; cnt < 12; cnt++) {
            Regs in = {{0x1234f056u, 0x00000000u | cnt, 0, 0, 0, 0, 0, 0}, F_CF};
            uint8_t code[3] = {0xd2, (uint8_t)(0xc4 | k << 3)}; /* op ah, cl */
            hc_compare(code, 2, &in, grp2_undef(k, cnt, 8), false, 0);
            in.r[R_ECX] = 0x8100u | cnt;
            code[1] = (uint8_t)(0xc5 | k << 3); /* op ch, cl */
            hc_compare(code, 2, &in, grp2_undef(k, cnt, 8), false, 0);
        }
}

static unsigned long shxd_undef_result_diff, shxd_undef_cases;

/* SHLD/SHRD with CL and imm8 counts, 16 and 32 bits, register and memory
 * destinations. */
static void test_shxd(void **state)
{
    (void)state;
    uint32_t vals[32];
    for (int right = 0; right < 2; right++)
        for (int size = 2; size <= 4; size *= 2) {
            unsigned bits = (unsigned)size * 8;
            size_t nv = edge_values(size, vals);
            for (size_t i = 0; i < nv; i++)
                for (size_t j = 0; j < nv; j += 2)
                    for (unsigned cnt = 0; cnt <= 33; cnt++) {
                        unsigned c = cnt & 31;
                        Regs in = {{0}, j & 2 ? F_ARITH : 0};
                        in.r[R_EAX] = with_junk(vals[i], size, 0xa5a5a5a5u);
                        in.r[R_ECX] = 0x5a5a5a00u | cnt;
                        in.r[R_EDX] = with_junk(vals[j], size, 0x3c3c3c3cu);
                        uint8_t code[8];
                        size_t n = 0;
                        if (size == 2) code[n++] = 0x66;
                        code[n++] = 0x0f;
                        code[n++] = right ? 0xad : 0xa5;
                        code[n++] = 0xd0; /* shld/shrd eax, edx, cl */
                        uint32_t undef = c == 0 ? 0 : F_AF | (c == 1 ? 0 : F_OF);
                        if (c > bits) {
                            /* Undefined result and flags: only count how
                             * often the host disagrees with our choice. */
                            Regs h = in, e = in;
                            host_exec(code, n, &h, false);
                            emu_exec(code, n, true, &e, false);
                            shxd_undef_cases++;
                            if (h.r[R_EAX] != e.r[R_EAX] ||
                                ((h.fl ^ e.fl) & (F_CF | F_ZF | F_SF | F_PF)))
                                shxd_undef_result_diff++;
                            continue;
                        }
                        hc_compare(code, n, &in, undef, false, 0);
                        code[n - 1] = 0x13; /* [ebx], edx */
                        memcpy(hc_mem.ram + GMEM_BASE + MEMWIN / 2, &vals[i], 4);
                        hc_compare(code, n, &in, undef, true, 0);
                        n = 0;
                        if (size == 2) code[n++] = 0x66;
                        code[n++] = 0x0f;
                        code[n++] = right ? 0xac : 0xa4;
                        code[n++] = 0xd0;
                        code[n++] = (uint8_t)cnt;
                        hc_compare(code, n, &in, undef, false, 0);
                    }
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grp2),
        cmocka_unit_test(test_grp2_highbyte),
        cmocka_unit_test(test_shxd),
    };
    int r = cmocka_run_group_tests(tests, hc_setup, hc_teardown);
    hc_report("test_ops_shift");
    printf("  16-bit SHLD/SHRD count > 16 (undefined): host result/flags differed in %lu of %lu\n",
           shxd_undef_result_diff, shxd_undef_cases);
    return r;
}
