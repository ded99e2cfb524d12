/* test_ops_bcd.c - DAA DAS AAA AAS AAM AAD (cpu/ops_bcd.c).
 *
 * These are invalid in 64-bit mode, so the host cannot be the oracle.
 * Instead: (1) exhaustive arithmetic identities - ADD/ADC then DAA must
 * give the packed-BCD sum of every pair of two-digit numbers with the
 * decimal carry in CF, SUB/SBB then DAS the decimal difference, ADD then
 * AAA / SUB then AAS the unpacked digit with the carry into AH, AAM/AAD
 * the division/multiplication they define, for every AL (and AH); and
 * (2) hand-derived results from the SDM pseudocode for inputs outside
 * valid BCD and with AF/CF preset.
 */
#include "ops_hostcmp.h"

static uint32_t szp8(uint8_t v)
{
    return (v == 0 ? F_ZF : 0) | (v & 0x80 ? F_SF : 0) |
           (__builtin_parity(v) ? 0 : F_PF);
}

static void exec(const char *code, size_t n, Regs *r)
{
    int exc = emu_exec((const uint8_t *)code, n, true, r, false);
    if (exc >= 0) fail_msg("unexpected exception %d", exc);
}

static uint8_t bcd(unsigned v) { return (uint8_t)((v / 10) << 4 | (v % 10)); }

static void test_daa_das_identities(void **state)
{
    (void)state;
    for (unsigned a = 0; a < 100; a++)
        for (unsigned b = 0; b < 100; b++)
            for (unsigned cin = 0; cin < 2; cin++) {
                /* ADC AL, BL; DAA */
                Regs r = {{0x1234ff00u | bcd(a), 0, 0, bcd(b)}, cin ? F_CF : 0};
                exec("\x10\xd8", 2, &r);
                exec("\x27", 1, &r);
                unsigned sum = a + b + cin;
                uint8_t want = bcd(sum % 100);
                if ((uint8_t)r.r[R_EAX] != want || !(r.fl & F_CF) != !(sum >= 100))
                    fail_msg("DAA %02x+%02x+%u: AL=%02x CF=%u", bcd(a), bcd(b), cin,
                             r.r[R_EAX] & 0xff, r.fl & F_CF);
                assert_int_equal(r.r[R_EAX] >> 8, 0x1234ffu);
                assert_int_equal(r.fl & (F_ZF | F_SF | F_PF), szp8(want));
                /* SBB AL, BL; DAS */
                r = (Regs){{0x1234ff00u | bcd(a), 0, 0, bcd(b)}, cin ? F_CF : 0};
                exec("\x18\xd8", 2, &r);
                exec("\x2f", 1, &r);
                int diff = (int)a - (int)b - (int)cin;
                want = bcd((unsigned)(diff + 100) % 100);
                if ((uint8_t)r.r[R_EAX] != want || !(r.fl & F_CF) != !(diff < 0))
                    fail_msg("DAS %02x-%02x-%u: AL=%02x CF=%u", bcd(a), bcd(b), cin,
                             r.r[R_EAX] & 0xff, r.fl & F_CF);
                assert_int_equal(r.fl & (F_ZF | F_SF | F_PF), szp8(want));
            }
}

static void test_aaa_aas_identities(void **state)
{
    (void)state;
    for (unsigned a = 0; a < 10; a++)
        for (unsigned b = 0; b < 10; b++)
            for (unsigned ascii = 0; ascii < 2; ascii++)
                for (unsigned ah = 0; ah < 256; ah += 51) {
                    uint8_t x = (uint8_t)(a + (ascii ? '0' : 0));
                    uint8_t y = (uint8_t)(b + (ascii ? '0' : 0));
                    Regs r = {{0xabcd0000u | ah << 8 | x, 0, 0, y}, 0};
                    exec("\x00\xd8", 2, &r); /* add al, bl */
                    exec("\x37", 1, &r);     /* aaa */
                    bool carry = a + b >= 10;
                    assert_int_equal(r.r[R_EAX],
                                     0xabcd0000u | ((ah + carry) & 0xff) << 8 | (a + b) % 10);
                    assert_int_equal(r.fl & (F_CF | F_AF), carry ? F_CF | F_AF : 0);
                    r = (Regs){{0xabcd0000u | ah << 8 | x, 0, 0, y}, 0};
                    exec("\x28\xd8", 2, &r); /* sub al, bl */
                    exec("\x3f", 1, &r);     /* aas */
                    bool borrow = a < b;
                    assert_int_equal(r.r[R_EAX], 0xabcd0000u | ((ah - borrow) & 0xff) << 8 |
                                                     (a + 10 - b) % 10);
                    assert_int_equal(r.fl & (F_CF | F_AF), borrow ? F_CF | F_AF : 0);
                }
}

static void test_aam_aad(void **state)
{
    (void)state;
    static const uint8_t bases[] = {10, 16, 7, 1, 255};
    for (size_t k = 0; k < sizeof bases; k++) {
        uint8_t base = bases[k];
        char aam[2] = {'\xd4', (char)base}, aad[2] = {'\xd5', (char)base};
        for (unsigned al = 0; al < 256; al++) {
            Regs r = {{0x5a5a3300u | al}, F_ARITH};
            exec(aam, 2, &r);
            assert_int_equal(r.r[R_EAX], 0x5a5a0000u | (al / base) << 8 | al % base);
            assert_int_equal(r.fl, szp8((uint8_t)(al % base))); /* OF AF CF cleared */
            for (unsigned ah = 0; ah < 256; ah += 17) {
                r = (Regs){{0x5a5a0000u | ah << 8 | al}, F_ARITH};
                exec(aad, 2, &r);
                uint8_t want = (uint8_t)(al + ah * base);
                assert_int_equal(r.r[R_EAX], 0x5a5a0000u | want);
                assert_int_equal(r.fl, szp8(want));
            }
        }
    }
    /* AAM 0: #DE, nothing changed, EIP at the instruction. */
    Regs r = {{0x1234u}, F_CF};
    assert_int_equal(emu_exec((const uint8_t *)"\xd4\x00", 2, true, &r, false), EXC_DE);
    assert_int_equal(hc_cpu.regs[R_EAX], 0x1234u);
    assert_int_equal(hc_cpu.eip, 0x100);
    /* AAD 0 is fine: AL unchanged, AH cleared. */
    r = (Regs){{0x1234u}, 0};
    exec("\xd5\x00", 2, &r);
    assert_int_equal(r.r[R_EAX], 0x0034u);
    /* The default encodings (D4 0A, D5 0A) also decode in 16-bit code. */
    r = (Regs){{0x0063u}, 0};
    assert_int_equal(emu_exec((const uint8_t *)"\xd4\x0a", 2, false, &r, false), -1);
    assert_int_equal(r.r[R_EAX], 0x0909u);
    assert_int_equal(emu_exec((const uint8_t *)"\xd5\x0a", 2, false, &r, false), -1);
    assert_int_equal(r.r[R_EAX], 0x0063u);
}

/* Hand-derived from the SDM pseudocode (vol. 2, DAA/DAS/AAA/AAS). */
static void test_bcd_known(void **state)
{
    (void)state;
    static const struct {
        const char *name, *code;
        uint32_t eax_in, fl_in, eax_out, fl_out;
    } cases[] = {
        /* SDM DAA example: 79h + 35h = AEh, then DAA = 14h, CF AF PF set */
        {"daa ae", "\x27", 0xae, 0, 0x14, F_CF | F_AF | F_PF},
        /* 9Ah: +6 -> A0h (AF), old AL > 99h -> +60h -> 00h, CF */
        {"daa 9a", "\x27", 0x9a, 0, 0x00, F_CF | F_AF | F_ZF | F_PF},
        /* AF and CF in: 00h -> 06h -> 66h */
        {"daa 00 af cf", "\x27", 0x00, F_AF | F_CF, 0x66, F_CF | F_AF | F_PF},
        /* FFh: +6 carries out -> 05h, then +60h -> 65h */
        {"daa ff", "\x27", 0xff, 0, 0x65, F_CF | F_AF | F_PF},
        /* valid BCD, no adjust: flags from AL, CF AF cleared */
        {"daa 42", "\x27", 0x42, F_OF, 0x42, F_PF},
        /* DAS: 00h with AF: -6 borrows -> FAh, CF kept from that borrow */
        {"das 00 af", "\x2f", 0x00, F_AF, 0xfa, F_CF | F_AF | F_SF | F_PF},
        /* DAS 9Ah: -6 -> 94h (AF), old AL > 99h -> -60h -> 34h, CF */
        {"das 9a", "\x2f", 0x9a, 0, 0x34, F_CF | F_AF},
        /* DAS with CF in only: 25h -> C5h, CF */
        {"das 25 cf", "\x2f", 0x25, F_CF, 0xc5, F_CF | F_SF | F_PF},
        /* AAA: AX + 106h (IA-32; the 8086 gave 0105h), then AL &= 0Fh */
        {"aaa 00ff", "\x37", 0x00ff, 0, 0x0205, F_CF | F_AF | F_PF},
        {"aaa 0009 af", "\x37", 0x0009, F_AF, 0x010f, F_CF | F_AF | F_PF},
        {"aaa ff0a", "\x37", 0xff0a, 0, 0x0000, F_CF | F_AF | F_ZF | F_PF},
        {"aaa 0035", "\x37", 0x0035, F_CF, 0x0005, F_PF},
        /* AAS: AX - 6, AH - 1, AL &= 0Fh */
        {"aas 0200 af", "\x3f", 0x0200, F_AF, 0x000a, F_CF | F_AF | F_PF},
        {"aas 0005", "\x3f", 0x0005, F_CF, 0x0005, F_PF},
        {"aas 000f", "\x3f", 0x000f, 0, 0xff09, F_CF | F_AF | F_PF},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Regs r = {{0x77770000u | cases[i].eax_in}, cases[i].fl_in};
        exec(cases[i].code, 1, &r);
        if (r.r[R_EAX] != (0x77770000u | cases[i].eax_out) || r.fl != cases[i].fl_out)
            fail_msg("%s: EAX=%08x flags=%03x, expected %08x %03x", cases[i].name, r.r[R_EAX],
                     r.fl, 0x77770000u | cases[i].eax_out, cases[i].fl_out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_daa_das_identities),
        cmocka_unit_test(test_aaa_aas_identities),
        cmocka_unit_test(test_aam_aad),
        cmocka_unit_test(test_bcd_known),
    };
    return cmocka_run_group_tests(tests, hc_setup, hc_teardown);
}
