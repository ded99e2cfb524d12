/* test_decode_prefix66.c - operand sizes when a 66 prefix comes before
 * F2/F3 (cpu/decode.c, reorder_66_rep). Reference: SDM vol. 2, 2.1.1
 * (prefixes of different groups may come in any order) and 2.1.1's
 * operand-size rule: in 32-bit code a 66 prefix selects 16-bit operands
 * wherever it stands among the prefixes, and F2/F3 change nothing for
 * these instructions. Capstone 4 sized the memory operand as 32 bits when
 * the 66 came first ("66 F2 39 61 5E": cmp dword ptr [ecx+0x5e], sp),
 * and the inline code compared 32 bits where the helpers compared 16
 * (xlat86-gfuzz seed 27 case 40110). */
#include "ops_harness.h"

#include <capstone/capstone.h>

static int setup(void **state)
{
    h_setup(state);
    return 0;
}

static const struct {
    const char *b;
    int n;
    int mem_op;            /* index of the memory operand */
    int want;              /* its size at 16-bit operand size */
} forms[] = {
    {"\x39\x61\x5e", 3, 0, 2},                 /* cmp [ecx+5e], r */
    {"\x8b\x08", 2, 1, 2},                     /* mov r, [eax] */
    {"\x01\x08", 2, 0, 2},                     /* add [eax], r */
    {"\xf7\x00\x34\x12\x00\x00", 6, 0, 2},     /* test [eax], imm (imm16 with 66) */
    {"\xff\x30", 2, 0, 2},                     /* push [eax] */
    {"\xd1\x20", 2, 0, 2},                     /* shl [eax], 1 */
    {"\x0f\xb1\x08", 3, 0, 2},                 /* cmpxchg [eax], r */
    {"\x0f\xa3\x08", 3, 0, 2},                 /* bt [eax], r */
    {"\x0f\xaf\x08", 3, 1, 2},                 /* imul r, [eax] */
    {"\x0f\x44\x08", 3, 1, 2},                 /* cmove r, [eax] */
    {"\xc4\x08", 2, 1, 4},                     /* les r, m16:32 / m16:16 */
};

static const struct {
    const char *p;
    int n;
} prefixes[] = {
    {"\x66\xf2", 2}, {"\x66\xf3", 2}, {"\xf2\x66", 2}, {"\xf3\x66", 2},
    {"\x66\x2e\xf3", 3}, {"\x66\xf0\xf2", 3}, {"\x66", 1},
};

static void test_sizes_all_orders(void **state)
{
    (void)state;
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++)
        for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
            uint8_t b[16];
            int pn = prefixes[p].n;
            memcpy(b, prefixes[p].p, (size_t)pn);
            int fn = forms[f].n;
            /* F7 /0 with a 66 prefix has an imm16: two bytes fewer */
            if (forms[f].b[0] == '\xf7') fn = 4;
            memcpy(b + pn, forms[f].b, (size_t)fn);
            Insn in;
            if (!decode_insn(b, (size_t)(pn + fn), 0, true, &in))
                fail_msg("decode form %zu prefix #%zu", f, p);
            EQ(in.len, pn + fn, "length");
            EQ(in.opsize, 2, "operand size");
            const Operand *m = &in.op[forms[f].mem_op];
            EQ(m->kind, OPK_MEM, "memory operand");
            if (m->size != forms[f].want)
                fail_msg("form %zu (%02x), prefix #%zu: memory operand %u bytes, want %d", f,
                         (uint8_t)forms[f].b[0], p, m->size, forms[f].want);
            for (int i = 0; i < in.nops; i++)
                if (in.op[i].kind == OPK_REG && in.op[i].size != 2)
                    fail_msg("form %zu, prefix #%zu: register operand %d is %u bytes", f, p, i,
                             in.op[i].size);
        }
}

/* The instruction the fuzzer found, executed: CMP word [ECX+5Eh], SP with
 * the word equal to SP but the dword not: ZF = 1 (a 16-bit compare). */
static void test_cmp_word_executes(void **state)
{
    (void)state;
    real_mode();
    cpu.seg[S_CS].flags |= SEGF_DB;
    cpu.seg[S_DS].flags |= SEGF_DB;
    cpu.regs[R_ECX] = 0x100;
    cpu.regs[R_ESP] = 0x00001234;
    poke32(0x2015e, 0x77661234);   /* DS = 2000h */
    EQ(RUN("\x66\xf2\x39\x61\x5e"), OPR_NEXT, "cmp");
    EQ(cpu.eflags & F_ZF, F_ZF, "ZF: the words are equal");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_sizes_all_orders, setup),
        cmocka_unit_test_setup(test_cmp_word_executes, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
