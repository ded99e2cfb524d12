/* test_decode_string.c - the element size of the string instructions
 * (cpu/decode.c, fix_string_size) with every order of the operand-size,
 * REP and segment prefixes. Reference: SDM vol. 2, INS/OUTS/MOVS/CMPS/
 * STOS/LODS/SCAS: the element is a word or a doubleword by the effective
 * operand size, i.e. the code size toggled by a 66 prefix anywhere among
 * the prefixes (vol. 2, 2.1.1: prefixes may come in any order). Capstone 4
 * gets "66 F3 xx" wrong in 32-bit code (it names the dword form); SeaBIOS's
 * `rep insw` (gas encodes it 66 F3 6D) then stored 1024 bytes of a 512-byte
 * ATA sector, over its thread's return address.
 */
#include "ops_harness.h"

#include <capstone/capstone.h>

static int setup(void **state)
{
    h_setup(state);
    return 0;
}

static const struct {
    uint8_t op;
    uint16_t w, d;
} forms[] = {
    {0x6d, X86_INS_INSW, X86_INS_INSD},   {0x6f, X86_INS_OUTSW, X86_INS_OUTSD},
    {0xa5, X86_INS_MOVSW, X86_INS_MOVSD}, {0xa7, X86_INS_CMPSW, X86_INS_CMPSD},
    {0xab, X86_INS_STOSW, X86_INS_STOSD}, {0xad, X86_INS_LODSW, X86_INS_LODSD},
    {0xaf, X86_INS_SCASW, X86_INS_SCASD},
};

static const struct {
    const char *p;
    int n;
    bool osz;
} prefixes[] = {
    {"", 0, false},           {"\xf3", 1, false},          {"\x66", 1, true},
    {"\x66\xf3", 2, true},    {"\xf3\x66", 2, true},       {"\x66\xf2", 2, true},
    {"\x66\x2e\xf3", 3, true}, {"\x2e\x66\xf3", 3, true},  {"\x66\x67\xf3", 3, true},
    {"\x67\x66\xf3", 3, true}, {"\x67\xf3", 2, false},     {"\x26\xf3", 2, false},
};

static void test_ids_all_prefix_orders(void **state)
{
    (void)state;
    for (int code32 = 0; code32 < 2; code32++)
        for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++)
            for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
                uint8_t b[8];
                memcpy(b, prefixes[p].p, (size_t)prefixes[p].n);
                b[prefixes[p].n] = forms[f].op;
                Insn in;
                if (!decode_insn(b, (size_t)prefixes[p].n + 1, 0, code32, &in))
                    fail_msg("decode %02x prefix #%zu", forms[f].op, p);
                bool dword = (bool)code32 ^ prefixes[p].osz;
                if (in.id != (dword ? forms[f].d : forms[f].w) || in.opsize != (dword ? 4 : 2))
                    fail_msg("%d-bit, prefix #%zu, opcode %02x: id %u opsize %u, want the %s form",
                             code32 ? 32 : 16, p, forms[f].op, in.id, in.opsize,
                             dword ? "dword" : "word");
                EQ(in.len, prefixes[p].n + 1, "length");
                for (int i = 0; i < in.nops; i++) {
                    bool port = in.op[i].kind != OPK_MEM && (forms[f].op == 0x6d || forms[f].op == 0x6f);
                    EQ(in.op[i].size, port ? 2 : (dword ? 4 : 2), "operand size");
                }
            }
}

/* A port that returns 0x1100, 0x2211, ... whatever the access size. */
static uint32_t counter;
static uint32_t io_rd(void *o, uint16_t port, int size)
{
    (void)o;
    (void)port;
    uint32_t v = 0;
    for (int i = 0; i < size; i++)
        v |= (uint32_t)(counter++ & 0xff) << (8 * i);
    return v;
}
static void io_wr(void *o, uint16_t port, uint32_t v, int size)
{
    (void)o;
    (void)port;
    (void)v;
    (void)size;
}

/* 32-bit code (CS.D set over real-mode bases): 66 F3 6D with ECX=4 stores
 * 4 words, 8 bytes, and leaves the next byte alone. */
static void test_rep_insw_32bit_stores_words(void **state)
{
    (void)state;
    io_register(&bus, 0x1f0, 1, io_rd, io_wr, NULL, IO_SIZE_1 | IO_SIZE_2 | IO_SIZE_4);
    real_mode();
    cpu.seg[S_CS].flags |= SEGF_DB;
    cpu.seg[S_DS].flags |= SEGF_DB;
    cpu.seg[S_ES].flags |= SEGF_DB;
    memset(mem.ram + 0x30000, 0xcc, 64);
    counter = 0;
    cpu.regs[R_EDX] = 0x1f0;
    cpu.regs[R_ECX] = 4;
    cpu.regs[R_EDI] = 0x10;
    int r;
    do
        r = RUN("\x66\xf3\x6d");
    while (r == OPR_JUMP);
    EQ(r, OPR_NEXT, "rep insw");
    EQ(cpu.regs[R_ECX], 0, "ECX");
    EQ(cpu.regs[R_EDI], 0x18, "EDI advanced by 4 words");
    EQ(counter, 8, "bytes read from the port");
    EQ(peek(0x30010, 4), 0x03020100, "first two words");
    EQ(peek(0x30014, 4), 0x07060504, "last two words");
    EQ(peek(0x30018, 4), 0xcccccccc, "nothing stored past the count");

    /* 66 F3 AB: REP STOSW stores AX, not EAX. */
    cpu.eip = 0x100;
    cpu.regs[R_EAX] = 0x12345678;
    cpu.regs[R_ECX] = 3;
    cpu.regs[R_EDI] = 0x20;
    EQ(RUN("\x66\xf3\xab"), OPR_NEXT, "rep stosw");
    EQ(cpu.regs[R_EDI], 0x26, "EDI after rep stosw");
    EQ(peek(0x30020, 4), 0x56785678, "stored words");
    EQ(peek(0x30024, 4), 0xcccc5678, "third word, then untouched");
}

/* 16-bit code: 66 F3 A5 is REP MOVSD (dwords). */
static void test_rep_movsd_16bit(void **state)
{
    (void)state;
    real_mode();
    for (int i = 0; i < 16; i++)
        mem.ram[0x20000 + i] = (uint8_t)(0x40 + i);
    memset(mem.ram + 0x30000, 0xcc, 32);
    cpu.regs[R_ECX] = 2;
    cpu.regs[R_ESI] = 0;
    cpu.regs[R_EDI] = 0;
    EQ(RUN("\x66\xf3\xa5"), OPR_NEXT, "rep movsd");
    EQ(cpu.regs[R_EDI], 8, "DI after 2 dwords");
    EQ(peek(0x30004, 4), 0x47464544, "second dword");
    EQ(peek(0x30008, 4), 0xcccccccc, "untouched");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids_all_prefix_orders),
        cmocka_unit_test(test_rep_insw_32bit_stores_words),
        cmocka_unit_test(test_rep_movsd_16bit),
    };
    return cmocka_run_group_tests(tests, setup, h_teardown);
}
