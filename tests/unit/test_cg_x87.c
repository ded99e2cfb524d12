/* test_cg_x87.c - which x87 instructions the inline x87 path runs natively
 * and how a block is cut into runs (translator/cg_x87.c).
 *
 * The forms that must stay with the helpers come from the SDM (vol. 1,
 * 8.1.8 and 8.3.11-8.3.12: the control instructions keep the pointer
 * registers; vol. 2, appendix A.4: the escape opcode maps, whose unlisted
 * register forms are the undocumented aliases; FISTTP is SSE3 and #UD for
 * the guest). The run structure: a run starts at an x87 instruction, spans
 * inlined instructions, and ends at its last x87 instruction before a
 * helper-executed instruction or the end of the block.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/decode.h"
#include "translator/cg_internal.h"

/* Decode bytes as 32-bit code; memory forms get the ModR/M [eax]. */
static bool decode(const uint8_t *b, size_t n, Insn *in)
{
    uint8_t buf[16] = {0};
    memcpy(buf, b, n);
    return decode_insn(buf, sizeof buf, 0x1000, true, in);
}

static bool eligible_reg(uint8_t op, uint8_t m)
{
    uint8_t b[2] = {op, m};
    Insn in;
    if (!decode(b, 2, &in)) return false;   /* Capstone refuses it: never inline */
    return cg_x87_eligible(&in);
}

static bool eligible_mem(uint8_t op, int reg)
{
    uint8_t b[2] = {op, (uint8_t)(reg << 3)};   /* mod 00 rm 000: [eax] */
    Insn in;
    if (!decode(b, 2, &in)) return false;
    return cg_x87_eligible(&in);
}

static void test_control_and_aliases_stay_helpers(void **state)
{
    (void)state;
    /* Control instructions (register forms). */
    static const uint8_t ctl[][2] = {
        {0xd9, 0xd0},                                  /* FNOP */
        {0xd9, 0xf6}, {0xd9, 0xf7},                    /* FDECSTP FINCSTP */
        {0xdb, 0xe0}, {0xdb, 0xe1}, {0xdb, 0xe2}, {0xdb, 0xe3}, {0xdb, 0xe4}, /* FENI FDISI FNCLEX FNINIT FSETPM */
        {0xdf, 0xe0},                                  /* FNSTSW AX */
    };
    for (size_t k = 0; k < sizeof ctl / sizeof ctl[0]; k++) {
        if (eligible_reg(ctl[k][0], ctl[k][1])) fprintf(stderr, "%02x %02x inlined\n", ctl[k][0], ctl[k][1]);
        assert_false(eligible_reg(ctl[k][0], ctl[k][1]));
    }
    for (int i = 0; i < 8; i++) {
        assert_false(eligible_reg(0xdd, (uint8_t)(0xc0 + i)));   /* FFREE */
        assert_false(eligible_reg(0xdf, (uint8_t)(0xc0 + i)));   /* FFREEP */
        /* Undocumented aliases (the reference maps them first). */
        assert_false(eligible_reg(0xd9, (uint8_t)(0xd8 + i)));   /* FSTP1 */
        assert_false(eligible_reg(0xdc, (uint8_t)(0xd0 + i)));   /* FCOM2 */
        assert_false(eligible_reg(0xdc, (uint8_t)(0xd8 + i)));   /* FCOMP3 */
        assert_false(eligible_reg(0xdd, (uint8_t)(0xc8 + i)));   /* FXCH4 */
        assert_false(eligible_reg(0xde, (uint8_t)(0xd0 + i)));   /* FCOMP5 */
        assert_false(eligible_reg(0xdf, (uint8_t)(0xc8 + i)));   /* FXCH7 */
        assert_false(eligible_reg(0xdf, (uint8_t)(0xd0 + i)));   /* FSTP8 */
        assert_false(eligible_reg(0xdf, (uint8_t)(0xd8 + i)));   /* FSTP9 */
    }
    /* Memory control forms, FISTTP, reserved encodings. */
    static const int mctl[][2] = {
        {0xd9, 4}, {0xd9, 5}, {0xd9, 6}, {0xd9, 7},    /* FLDENV FLDCW FNSTENV FNSTCW */
        {0xdd, 4}, {0xdd, 6}, {0xdd, 7},               /* FRSTOR FNSAVE FNSTSW */
        {0xdb, 1}, {0xdd, 1}, {0xdf, 1},               /* FISTTP */
        {0xd9, 1}, {0xdb, 4}, {0xdb, 6}, {0xdd, 5},    /* reserved */
    };
    for (size_t k = 0; k < sizeof mctl / sizeof mctl[0]; k++) {
        if (eligible_mem((uint8_t)mctl[k][0], mctl[k][1]))
            fprintf(stderr, "%02x /%d inlined\n", mctl[k][0], mctl[k][1]);
        assert_false(eligible_mem((uint8_t)mctl[k][0], mctl[k][1]));
    }
    /* A LOCK prefix makes any of them #UD: the helper raises it. */
    static const uint8_t locked[] = {0xf0, 0xd8, 0x00};   /* LOCK FADD m32 */
    Insn in;
    if (decode(locked, sizeof locked, &in)) assert_false(cg_x87_eligible(&in));
    /* Not x87 at all. */
    static const uint8_t add[] = {0x01, 0xc8};
    assert_true(decode(add, sizeof add, &in));
    assert_false(cg_x87_eligible(&in));
}

static void test_data_instructions_inline(void **state)
{
    (void)state;
    /* Every arithmetic memory form (m32fp, m32int, m64fp, m16int). */
    for (int r = 0; r < 8; r++) {
        assert_true(eligible_mem(0xd8, r));
        assert_true(eligible_mem(0xda, r));
        assert_true(eligible_mem(0xdc, r));
        assert_true(eligible_mem(0xde, r));
    }
    /* Loads and stores of every size: FLD FST FSTP m32/m64, FILD FIST FISTP
     * m32/m16, FLD/FSTP m80, FBLD FBSTP, FILD/FISTP m64. */
    static const int ls[][2] = {
        {0xd9, 0}, {0xd9, 2}, {0xd9, 3}, {0xdd, 0}, {0xdd, 2}, {0xdd, 3},
        {0xdb, 0}, {0xdb, 2}, {0xdb, 3}, {0xdb, 5}, {0xdb, 7},
        {0xdf, 0}, {0xdf, 2}, {0xdf, 3}, {0xdf, 4}, {0xdf, 5}, {0xdf, 6}, {0xdf, 7},
    };
    for (size_t k = 0; k < sizeof ls / sizeof ls[0]; k++) assert_true(eligible_mem((uint8_t)ls[k][0], ls[k][1]));
    /* Register forms: all of D8; the arithmetic rows of DC and DE; FLD,
     * FXCH, FST, FSTP, FUCOM(P) ST(i); FCMOVcc; FCOMI/FUCOMI(P); FCOMPP,
     * FUCOMPP; FCHS FABS FTST FXAM, the constants, the D9 F0-FF group
     * except FDECSTP/FINCSTP. */
    for (int m = 0xc0; m <= 0xff; m++) assert_true(eligible_reg(0xd8, (uint8_t)m));
    for (int i = 0; i < 8; i++) {
        static const uint8_t dc_rows[] = {0xc0, 0xc8, 0xe0, 0xe8, 0xf0, 0xf8};
        for (size_t k = 0; k < sizeof dc_rows; k++) {
            assert_true(eligible_reg(0xdc, (uint8_t)(dc_rows[k] + i)));
            assert_true(eligible_reg(0xde, (uint8_t)(dc_rows[k] + i)));
        }
        assert_true(eligible_reg(0xd9, (uint8_t)(0xc0 + i)));   /* FLD ST(i) */
        assert_true(eligible_reg(0xd9, (uint8_t)(0xc8 + i)));   /* FXCH */
        assert_true(eligible_reg(0xdd, (uint8_t)(0xd0 + i)));   /* FST */
        assert_true(eligible_reg(0xdd, (uint8_t)(0xd8 + i)));   /* FSTP */
        assert_true(eligible_reg(0xdd, (uint8_t)(0xe0 + i)));   /* FUCOM */
        assert_true(eligible_reg(0xdd, (uint8_t)(0xe8 + i)));   /* FUCOMP */
        for (int row = 0xc0; row < 0xe0; row += 8) {
            assert_true(eligible_reg(0xda, (uint8_t)(row + i)));   /* FCMOVB E BE U */
            assert_true(eligible_reg(0xdb, (uint8_t)(row + i)));   /* FCMOVNB NE NBE NU */
        }
        assert_true(eligible_reg(0xdb, (uint8_t)(0xe8 + i)));   /* FUCOMI */
        assert_true(eligible_reg(0xdb, (uint8_t)(0xf0 + i)));   /* FCOMI */
        assert_true(eligible_reg(0xdf, (uint8_t)(0xe8 + i)));   /* FUCOMIP */
        assert_true(eligible_reg(0xdf, (uint8_t)(0xf0 + i)));   /* FCOMIP */
    }
    assert_true(eligible_reg(0xde, 0xd9));   /* FCOMPP */
    assert_true(eligible_reg(0xda, 0xe9));   /* FUCOMPP */
    static const uint8_t d9[] = {0xe0, 0xe1, 0xe4, 0xe5, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee,
                                 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf8, 0xf9, 0xfa, 0xfb,
                                 0xfc, 0xfd, 0xfe, 0xff};
    for (size_t k = 0; k < sizeof d9; k++) assert_true(eligible_reg(0xd9, d9[k]));
}

/* A block: FLD1, INC EAX, MOV [EAX],ECX, FADD ST0,ST1, CPUID (a helper),
 * FLDZ, FSTP ST1, ADD EAX,ECX, JMP $. Runs: insns 0-3 and 5-6. */
static void test_runs(void **state)
{
    (void)state;
    static const uint8_t code[] = {0xd9, 0xe8, 0x40, 0x89, 0x08, 0xd8, 0xc1, 0x0f, 0xa2,
                                   0xd9, 0xee, 0xdd, 0xd9, 0x01, 0xc8, 0xeb, 0xfe};
    static const uint8_t want[] = {CGX_FAST | CGX_FIRST, 0, 0, CGX_FAST | CGX_LAST, 0,
                                   CGX_FAST | CGX_FIRST, CGX_FAST | CGX_LAST, 0, 0};
    Insn insns[9];
    size_t off = 0;
    for (int i = 0; i < 9; i++) {
        assert_true(decode_insn(code + off, sizeof code - off, 0x1000 + (uint32_t)off, true, &insns[i]));
        off += insns[i].len;
    }
    assert_int_equal(off, sizeof code);
    static Gen g;
    memset(&g, 0, sizeof g);
    cg_x87_plan(&g, insns, 9);
    for (int i = 0; i < 9; i++) {
        if (g.x87[i] != want[i]) fprintf(stderr, "insn %d: %02x, expected %02x\n", i, g.x87[i], want[i]);
        assert_int_equal(g.x87[i], want[i]);
    }
    /* A run reaching the end of the block ends with it. */
    cg_x87_plan(&g, insns, 7);
    assert_int_equal(g.x87[5], CGX_FAST | CGX_FIRST);
    assert_int_equal(g.x87[6], CGX_FAST | CGX_LAST);
    /* One x87 instruction alone is both ends of its run. */
    cg_x87_plan(&g, &insns[5], 1);
    assert_int_equal(g.x87[0], CGX_FAST | CGX_FIRST | CGX_LAST);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_control_and_aliases_stay_helpers),
        cmocka_unit_test(test_data_instructions_inline),
        cmocka_unit_test(test_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
