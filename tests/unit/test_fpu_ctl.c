/* test_fpu_ctl.c - x87 control, exceptions and state images
 * (cpu/ops_fpu*.c), with expected values taken from the SDM rather than
 * from the host: reset/FNINIT values, #NM by CR0.EM/TS/MP, #MF or FERR#
 * by CR0.NE, the unmasked responses (bias-adjusted overflow/underflow,
 * untouched destinations), the four FSTENV/FSAVE layouts and FRSTOR round
 * trips, FIP/FCS/FOP/FDP/FDS updates, FLDPI under each rounding mode,
 * FBLD/FBSTP, FNSTSW, #UD for FISTTP, atomicity of faulting stores.
 * Guest code runs in 16-bit real mode (CS=1000, DS=2000) unless noted;
 * memory operands are [disp16] in DS.
 */
#include "ops_harness.h"

#include "cpu/fpu.h"

#define DS0 0x20000u

static int setup(void **state)
{
    h_setup(state);
    ops_register_fpu();
    return 0;
}

static void fresh(void)
{
    real_mode();
    fpu_reset(&cpu.fpu, false);
}

static void put80(uint32_t off, uint64_t m, uint16_t se)
{
    poke(DS0 + off, &m, 8);
    poke(DS0 + off + 8, &se, 2);
}

static uint64_t st_m(int i) /* mantissa of ST(i) */
{
    uint64_t m;
    memcpy(&m, cpu.fpu.st[(fpu_top(&cpu.fpu) + i) & 7], 8);
    return m;
}
static uint16_t st_se(int i)
{
    uint16_t se;
    memcpy(&se, cpu.fpu.st[(fpu_top(&cpu.fpu) + i) & 7] + 8, 2);
    return se;
}

static void test_reset_values(void **state)
{
    (void)state;
    fresh();
    /* Power-on (SDM vol. 3, table 9-1). */
    EQ(cpu.fpu.cw, 0x0040, "power-on CW");
    EQ(cpu.fpu.sw, 0, "power-on SW");
    EQ(cpu.fpu.tw, 0x5555, "power-on TW");
    EQ(RUN("\xd9\x3e\x00\x02"), OPR_NEXT, "fnstcw");
    EQ(peek(DS0 + 0x200, 2), 0x0040, "fnstcw value");
    EQ(RUN("\xdb\xe3"), OPR_NEXT, "fninit");
    EQ(cpu.fpu.cw, 0x037f, "FNINIT CW");
    EQ(cpu.fpu.tw, 0xffff, "FNINIT TW");
    EQ(cpu.fpu.sw, 0, "FNINIT SW");
    /* FLDCW keeps bits 0-5 and 8-12, bit 6 reads as 1. */
    poke16(DS0 + 0x200, 0xffff);
    EQ(RUN("\xd9\x2e\x00\x02"), OPR_NEXT, "fldcw");
    EQ(cpu.fpu.cw, 0x1f7f, "FLDCW FFFF");
    poke16(DS0 + 0x200, 0x0000);
    EQ(RUN("\xd9\x2e\x00\x02"), OPR_NEXT, "fldcw");
    EQ(cpu.fpu.cw, 0x0040, "FLDCW 0");
}

static void test_nm(void **state)
{
    (void)state;
    fresh();
    cpu.cr[0] |= CR0_TS;
    EQ(RUN("\xd9\xe8"), EXC(EXC_NM), "FLD1 with TS");
    EQ(RUN("\xdb\xe3"), EXC(EXC_NM), "FNINIT with TS");
    EQ(RUN("\x9b"), OPR_NEXT, "WAIT with TS, MP=0");
    cpu.cr[0] |= CR0_MP;
    EQ(RUN("\x9b"), EXC(EXC_NM), "WAIT with TS, MP");
    cpu.cr[0] &= ~(CR0_TS | CR0_MP);
    cpu.cr[0] |= CR0_EM;
    EQ(RUN("\xd9\xe8"), EXC(EXC_NM), "FLD1 with EM");
    EQ(RUN("\x9b"), OPR_NEXT, "WAIT with EM only");
    cpu.cr[0] &= ~CR0_EM;
    EQ(RUN("\xd9\xe8"), OPR_NEXT, "FLD1");
    /* FISTTP is SSE3: #UD on this processor; LOCK on x87: #UD (when
     * Capstone decodes them at all; a decode failure is #UD anyway). */
    Insn in;
    if (decode_insn((const uint8_t *)"\xdf\x0e\x00\x02", 4, 0, false, &in))
        EQ(RUN("\xdf\x0e\x00\x02"), EXC(EXC_UD), "FISTTP");
    if (decode_insn((const uint8_t *)"\xdb\x0f", 2, 0, true, &in)) {
        cpu.seg[S_CS].flags |= SEGF_DB; /* 32-bit code: Capstone decodes it there */
        EQ(RUN("\xdb\x0f"), EXC(EXC_UD), "FISTTP m32");
        cpu.seg[S_CS].flags &= (uint16_t)~SEGF_DB;
    }
    if (decode_insn((const uint8_t *)"\xf0\xd9\xe8", 3, 0, false, &in))
        EQ(RUN("\xf0\xd9\xe8"), EXC(EXC_UD), "LOCK FLD1");
}

static int ferr_calls, ferr_last = -1;
static void ferr_hook(void *opaque, int level)
{
    (void)opaque;
    ferr_calls++;
    ferr_last = level;
}

/* Unmasked zero divide: ES/B set, destination untouched, #MF at the next
 * waiting instruction with CR0.NE=1, FERR# with NE=0. */
static void test_mf_and_ferr(void **state)
{
    (void)state;
    fresh();
    cpu.fpu.ferr = ferr_hook;
    EQ(RUN("\xdb\xe3"), OPR_NEXT, "fninit");
    poke16(DS0 + 0x200, 0x037b); /* ZE unmasked */
    EQ(RUN("\xd9\x2e\x00\x02"), OPR_NEXT, "fldcw");
    EQ(RUN("\xd9\xe8"), OPR_NEXT, "fld1");
    EQ(RUN("\xd9\xee"), OPR_NEXT, "fldz");
    uint32_t fdiv_eip = cpu.eip;
    EQ(RUN("\xde\xf9"), OPR_NEXT, "fdivp st(1),st: the exception is only flagged");
    EQ(cpu.fpu.sw & 0x80ff, FSW_ZE | FSW_ES | FSW_B, "ZE ES B");
    EQ(fpu_top(&cpu.fpu), 6, "no pop on unmasked ZE");
    EQ(st_se(0), 0, "ST0 still +0");
    EQ(st_se(1), 0x3fff, "ST1 still 1");
    EQ(cpu.fpu.fop, 0x6f9, "FOP of FDIVP");
    EQ(cpu.fpu.fip, fdiv_eip, "FIP");
    EQ(cpu.fpu.fcs, 0x1000, "FCS");

    cpu.cr[0] |= CR0_NE;
    uint32_t at = cpu.eip;
    EQ(RUN("\xd9\xe8"), EXC(EXC_MF), "#MF at next FLD1");
    EQ(cpu.eip, at, "fault EIP");
    EQ(RUN("\x9b"), EXC(EXC_MF), "#MF at WAIT");
    EQ(RUN("\xdf\xe0"), OPR_NEXT, "FNSTSW AX does not wait");
    EQ(cpu.regs[R_EAX] & 0xffff, cpu.fpu.sw, "AX = SW");
    EQ(RUN("\xd9\x3e\x00\x02"), OPR_NEXT, "FNSTCW does not wait");
    EQ(RUN("\xd9\x2e\x00\x02"), EXC(EXC_MF), "FLDCW waits");
    EQ(ferr_calls, 0, "no FERR# with NE=1");

    /* NE=0: FERR# and a freeze before the FLD1 until an interrupt (SDM
     * vol. 1, 8.7.2); restarted with FERR# still asserted (IGNNE#), it runs. */
    cpu.cr[0] &= ~CR0_NE;
    at = cpu.eip;
    EQ(RUN("\xd9\xe8"), OPR_JUMP, "NE=0: FLD1 freezes");
    EQ(cpu.halted, true, "halted until an interrupt");
    EQ(cpu.eip, at, "EIP at the FLD1");
    EQ(ferr_calls, 1, "FERR# asserted");
    EQ(ferr_last, 1, "FERR# level");
    EQ(fpu_top(&cpu.fpu), 6, "FLD1 not run yet");
    cpu.halted = false;
    EQ(RUN("\xd9\xe8"), OPR_NEXT, "restarted FLD1 runs");
    EQ(ferr_calls, 1, "no new FERR# edge");
    EQ(fpu_top(&cpu.fpu), 5, "FLD1 pushed");
    EQ(RUN("\xdb\xe2"), OPR_NEXT, "fnclex");
    EQ(cpu.fpu.sw & 0x80ff, 0, "flags cleared");
    EQ(ferr_last, 0, "FERR# dropped");
    EQ(ferr_calls, 2, "two FERR# changes");
    cpu.cr[0] |= CR0_NE;
    EQ(RUN("\x9b"), OPR_NEXT, "WAIT passes");

    /* FLDCW unmasking an already set flag makes it pending. */
    EQ(RUN("\xd9\xee"), OPR_NEXT, "fldz");
    poke16(DS0 + 0x200, 0x037f);
    EQ(RUN("\xd9\x2e\x00\x02"), OPR_NEXT, "fldcw masked");
    EQ(RUN("\xde\xf9"), OPR_NEXT, "masked 1/0");
    EQ(cpu.fpu.sw & 0x80ff, FSW_ZE, "ZE only");
    EQ(st_se(0), 0x7fff, "+inf");
    poke16(DS0 + 0x200, 0x037b);
    EQ(RUN("\xd9\x2e\x00\x02"), OPR_NEXT, "fldcw unmask");
    EQ(cpu.fpu.sw & 0x80ff, FSW_ZE | FSW_ES | FSW_B, "now pending");
    EQ(RUN("\xd9\xe8"), EXC(EXC_MF), "#MF");
    /* FNSTENV masks everything, which clears ES. */
    EQ(RUN("\xd9\x36\x00\x03"), OPR_NEXT, "fnstenv");
    EQ(cpu.fpu.cw, 0x037f, "masked after FNSTENV");
    EQ(cpu.fpu.sw & 0x80ff, FSW_ZE, "ES clear");
    EQ(peek(DS0 + 0x300, 2), 0x037b, "stored CW is the old one");
    cpu.fpu.ferr = NULL;
}

/* Overflow/underflow unmasked with a register destination: the result is
 * divided/multiplied by 2^24576 (SDM vol. 1, 8.5.4, 8.5.5). */
static void test_bias_adjust(void **state)
{
    (void)state;
    fresh();
    EQ(RUN("\xdb\xe3"), OPR_NEXT, "fninit");
    poke16(DS0 + 0x200, 0x0367); /* OE, UE unmasked */
    EQ(RUN("\xd9\x2e\x00\x02"), OPR_NEXT, "fldcw");
    put80(0x210, 0x8000000000000000ull, 0x3fff + 16000);
    EQ(RUN("\xdb\x2e\x10\x02"), OPR_NEXT, "fld m80");
    EQ(RUN("\xd9\xc0"), OPR_NEXT, "fld st0");
    EQ(RUN("\xde\xc9"), OPR_NEXT, "fmulp: 2^32000 overflows");
    EQ(cpu.fpu.sw & 0x80ff, FSW_OE | FSW_ES | FSW_B, "OE pending");
    EQ(st_se(0), 0x3fff + 32000 - 24576, "bias-adjusted exponent");
    EQ(st_m(0), 0x8000000000000000ull, "exact significand");
    EQ(RUN("\xdb\xe2"), OPR_NEXT, "fnclex");
    put80(0x210, 0x8000000000000000ull, 0x3fff - 16000);
    EQ(RUN("\xdb\x2e\x10\x02"), OPR_NEXT, "fld m80");
    EQ(RUN("\xd9\xc0"), OPR_NEXT, "fld st0");
    EQ(RUN("\xde\xc9"), OPR_NEXT, "fmulp: 2^-32000 underflows");
    EQ(cpu.fpu.sw & 0x80ff, FSW_UE | FSW_ES | FSW_B, "UE pending");
    EQ(st_se(0), 0x3fff - 32000 + 24576, "bias-adjusted exponent");
    EQ(RUN("\xdb\xe2"), OPR_NEXT, "fnclex");
    /* Memory destination: nothing stored, no pop (8.5.4). */
    int top = fpu_top(&cpu.fpu);
    poke32(DS0 + 0x220, 0xdeadbeef);
    EQ(RUN("\xd9\x1e\x20\x02"), OPR_NEXT, "fstp m32 of 2^-7424");
    EQ(peek(DS0 + 0x220, 4), 0xdeadbeef, "not stored");
    EQ(fpu_top(&cpu.fpu), top, "not popped");
    EQ(cpu.fpu.sw & FSW_UE, FSW_UE, "UE");
    EQ(cpu.fpu.fdp, 0x220, "FDP");
    EQ(cpu.fpu.fds, 0x2000, "FDS");
    EQ(cpu.fpu.fop, 0x11e, "FOP D9 1E");
}

/* FLDPI rounds the 66-bit-or-more constant by RC (SDM vol. 2, FLD1/FLDL2T/
 * ...: "the value is rounded per RC"): pi = C90FDAA2 2168C234 C4...,
 * so nearest and up give ...C235, down and chop ...C234. */
static void test_constants(void **state)
{
    (void)state;
    static const uint64_t want[4] = {0xc90fdaa22168c235ull, 0xc90fdaa22168c234ull,
                                     0xc90fdaa22168c235ull, 0xc90fdaa22168c234ull};
    for (int rc = 0; rc < 4; rc++) {
        fresh();
        EQ(RUN("\xdb\xe3"), OPR_NEXT, "fninit");
        poke16(DS0 + 0x200, (uint16_t)(0x037f | rc << 10));
        EQ(RUN("\xd9\x2e\x00\x02"), OPR_NEXT, "fldcw");
        EQ(RUN("\xd9\xeb"), OPR_NEXT, "fldpi");
        EQ(st_m(0), want[rc], "pi significand");
        EQ(st_se(0), 0x4000, "pi exponent");
        EQ(cpu.fpu.tw, 0x3fff, "tag valid in R7");
        EQ(RUN("\xd9\xe8"), OPR_NEXT, "fld1");
        EQ(RUN("\xd9\xee"), OPR_NEXT, "fldz");
        EQ(cpu.fpu.tw, 0x07ff, "tags: R5 zero, R6 R7 valid");
    }
}

static void test_fcomi(void **state)
{
    (void)state;
    fresh();
    EQ(RUN("\xdb\xe3"), OPR_NEXT, "fninit");
    EQ(RUN("\xd9\xe8"), OPR_NEXT, "fld1");    /* ST1 = 1 */
    EQ(RUN("\xd9\xee"), OPR_NEXT, "fldz");    /* ST0 = 0 */
    cpu.eflags = F_1 | F_OF | F_SF | F_AF | F_ZF;
    EQ(RUN("\xdb\xf1"), OPR_NEXT, "fcomi st,st1");
    EQ(cpu.eflags & F_ARITH, F_CF, "0 < 1: CF only");
    EQ(RUN("\xdf\xe9"), OPR_NEXT, "fucomip st,st1");
    EQ(fpu_top(&cpu.fpu), 7, "popped");
    EQ(cpu.eflags & F_ARITH, F_CF, "still 0 < 1");
    EQ(RUN("\xdb\xe8"), OPR_NEXT, "fucomi st,st0");
    EQ(cpu.eflags & F_ARITH, F_ZF, "equal");
    /* FCMOVB ST0, ST1 with CF. */
    EQ(RUN("\xd9\xee"), OPR_NEXT, "fldz");
    cpu.eflags = F_1;
    EQ(RUN("\xda\xc1"), OPR_NEXT, "fcmovb: not taken");
    EQ(st_se(0), 0, "still 0");
    cpu.eflags = F_1 | F_CF;
    EQ(RUN("\xda\xc1"), OPR_NEXT, "fcmovb: taken");
    EQ(st_se(0), 0x3fff, "now 1");
}

/* Packed BCD: 18 digits, sign in bit 79 (SDM vol. 1, 4.7). */
static void test_bcd(void **state)
{
    (void)state;
    fresh();
    EQ(RUN("\xdb\xe3"), OPR_NEXT, "fninit");
    uint8_t bcd[10] = {0x78, 0x56, 0x34, 0x12, 0x90, 0x78, 0x56, 0x34, 0x12, 0x80};
    poke(DS0 + 0x200, bcd, 10);
    EQ(RUN("\xdf\x26\x00\x02"), OPR_NEXT, "fbld");
    EQ(RUN("\xdf\x3e\x10\x02"), OPR_NEXT, "fistp m64");
    uint64_t v;
    memcpy(&v, mem.ram + DS0 + 0x210, 8);
    EQ(v, (uint64_t)-123456789012345678ll, "FBLD value");
    int64_t n = 987654321098765432ll;
    memcpy(mem.ram + DS0 + 0x220, &n, 8);
    EQ(RUN("\xdf\x2e\x20\x02"), OPR_NEXT, "fild m64");
    EQ(RUN("\xdf\x36\x30\x02"), OPR_NEXT, "fbstp");
    static const uint8_t want[10] = {0x32, 0x54, 0x76, 0x98, 0x10, 0x32, 0x54, 0x76, 0x98, 0};
    assert_memory_equal(mem.ram + DS0 + 0x230, want, 10);
    EQ(cpu.fpu.tw, 0xffff, "empty again");
    /* Out of range: 10^18 -> invalid, masked response stores the packed
     * BCD indefinite FFFF C000000000000000. */
    put80(0x240, 0xde0b6b3a76400000ull, 0x403a);
    EQ(RUN("\xdb\x2e\x40\x02"), OPR_NEXT, "fld m80 1e18");
    EQ(RUN("\xdf\x36\x50\x02"), OPR_NEXT, "fbstp");
    static const uint8_t indef[10] = {0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff};
    assert_memory_equal(mem.ram + DS0 + 0x250, indef, 10);
    EQ(cpu.fpu.sw & FSW_IE, FSW_IE, "IE");
}

/* Fill a known state: 3 registers, odd pointers. */
static void known_state(void)
{
    EQ(RUN("\xdb\xe3"), OPR_NEXT, "fninit");
    EQ(RUN("\xd9\xe8"), OPR_NEXT, "fld1");
    EQ(RUN("\xd9\xeb"), OPR_NEXT, "fldpi");
    poke32(0x30000 + 0x1234, 0x3fc00000u);
    EQ(RUN("\x26\xd8\x0e\x34\x12"), OPR_NEXT, "fmul dword es:[1234]"); /* FOP 0x00e */
    EQ(RUN("\xd9\xee"), OPR_NEXT, "fldz");
    poke16(DS0 + 0x200, 0x0b7e); /* RC up, PC 64, IE unmasked (nothing pending) */
    EQ(RUN("\xd9\x2e\x00\x02"), OPR_NEXT, "fldcw");
}

static void test_env_layouts(void **state)
{
    (void)state;
    for (int pm = 0; pm < 2; pm++)
        for (int o32 = 0; o32 < 2; o32++) {
            fresh();
            if (pm) cpu.cr[0] |= CR0_PE; /* 16-bit protected mode, real-mode caches */
            cpu.eip = 0x0500;
            known_state();
            FPU f0 = cpu.fpu;
            EQ(f0.fop, 0x1ee, "FOP of FLDZ");
            EQ(f0.fip, 0x0500 + 2 + 2 + 2 + 5, "FIP of FLDZ (FLDCW is control)");
            EQ(f0.fdp, 0x1234, "FDP of FMUL");
            EQ(f0.fds, 0x3000, "FDS = ES");
            EQ(f0.fcs, 0x1000, "FCS");
            uint32_t lip = 0x10000 + f0.fip, ldp = 0x30000 + 0x1234;
            if (o32) EQ(RUN("\x66\xd9\x36\x00\x06"), OPR_NEXT, "fnstenv32");
            else EQ(RUN("\xd9\x36\x00\x06"), OPR_NEXT, "fnstenv16");
            uint32_t b = DS0 + 0x600;
            if (o32) {
                EQ(peek(b + 0, 4), 0xffff0000u | f0.cw, "cw");
                EQ(peek(b + 4, 4), 0xffff0000u | f0.sw, "sw");
                EQ(peek(b + 8, 4), 0xffff0000u | f0.tw, "tw");
                if (pm) {
                    EQ(peek(b + 12, 4), f0.fip, "fip");
                    EQ(peek(b + 16, 4), 0x1000u | 0x1eeu << 16, "fcs/fop");
                    EQ(peek(b + 20, 4), 0x1234, "fdp");
                    EQ(peek(b + 24, 4), 0xffff3000u, "fds");
                } else {
                    EQ(peek(b + 12, 4), 0xffff0000u | (lip & 0xffff), "ip 15..0");
                    EQ(peek(b + 16, 4), (lip >> 16) << 12 | 0x1ee, "ip 31..16, fop");
                    EQ(peek(b + 20, 4), 0xffff0000u | (ldp & 0xffff), "dp 15..0");
                    EQ(peek(b + 24, 4), (ldp >> 16) << 12, "dp 31..16");
                }
            } else {
                EQ(peek(b + 0, 2), f0.cw, "cw");
                EQ(peek(b + 2, 2), f0.sw, "sw");
                EQ(peek(b + 4, 2), f0.tw, "tw");
                if (pm) {
                    EQ(peek(b + 6, 2), f0.fip, "fip");
                    EQ(peek(b + 8, 2), 0x1000, "fcs");
                    EQ(peek(b + 10, 2), 0x1234, "fdp");
                    EQ(peek(b + 12, 2), 0x3000, "fds");
                } else {
                    EQ(peek(b + 6, 2), lip & 0xffff, "ip 15..0");
                    EQ(peek(b + 8, 2), (lip >> 16) << 12 | 0x1ee, "ip 19..16, fop");
                    EQ(peek(b + 10, 2), ldp & 0xffff, "dp 15..0");
                    EQ(peek(b + 12, 2), (ldp >> 16) << 12, "dp 19..16");
                }
            }
            EQ(cpu.fpu.cw, f0.cw | 0x3f, "FNSTENV masks");

            /* FNSAVE, FRSTOR, FNSAVE again: identical images; FNSAVE
             * reinitialises. */
            cpu.fpu = f0;
            int n = o32 ? 108 : 94;
            if (o32) EQ(RUN("\x66\xdd\x36\x00\x07"), OPR_NEXT, "fnsave32");
            else EQ(RUN("\xdd\x36\x00\x07"), OPR_NEXT, "fnsave16");
            EQ(cpu.fpu.cw, 0x037f, "FNINIT after FNSAVE");
            EQ(cpu.fpu.tw, 0xffff, "FNINIT after FNSAVE");
            int hdr = o32 ? 28 : 14;
            uint8_t st0[10];
            memcpy(st0, f0.st[fpu_top(&f0)], 10);
            assert_memory_equal(mem.ram + DS0 + 0x700 + hdr, st0, 10);
            if (o32) EQ(RUN("\x66\xdd\x26\x00\x07"), OPR_NEXT, "frstor32");
            else EQ(RUN("\xdd\x26\x00\x07"), OPR_NEXT, "frstor16");
            EQ(cpu.fpu.cw, f0.cw, "cw back");
            EQ(cpu.fpu.sw, f0.sw, "sw back");
            EQ(cpu.fpu.tw, f0.tw, "tw back");
            EQ(cpu.fpu.fop, (pm && !o32) ? 0 : f0.fop, "fop back (none in 16-bit PM)");
            if (pm) {
                EQ(cpu.fpu.fip, f0.fip, "fip back");
                EQ(cpu.fpu.fcs, f0.fcs, "fcs back");
                EQ(cpu.fpu.fdp, f0.fdp, "fdp back");
                EQ(cpu.fpu.fds, f0.fds, "fds back");
            } else {
                EQ(cpu.fpu.fip, lip, "linear fip back");
                EQ(cpu.fpu.fdp, ldp, "linear fdp back");
            }
            assert_memory_equal(cpu.fpu.st, f0.st, sizeof f0.st);
            if (o32) EQ(RUN("\x66\xdd\x36\x00\x08"), OPR_NEXT, "fnsave32 again");
            else EQ(RUN("\xdd\x36\x00\x08"), OPR_NEXT, "fnsave16 again");
            assert_memory_equal(mem.ram + DS0 + 0x700, mem.ram + DS0 + 0x800, (size_t)n);
            /* FLDENV of the FNSTENV image. */
            cpu.fpu = f0;
            cpu.fpu.cw = 0x037f;
            if (o32) EQ(RUN("\x66\xd9\x26\x00\x06"), OPR_NEXT, "fldenv32");
            else EQ(RUN("\xd9\x26\x00\x06"), OPR_NEXT, "fldenv16");
            EQ(cpu.fpu.cw, f0.cw, "cw from env");
            EQ(cpu.fpu.tw, f0.tw, "tw from env");
        }
}

/* A tag word loaded by FLDENV only says empty / not empty: the others are
 * recomputed from the registers (SDM vol. 1, 8.1.7). */
static void test_fldenv_retag(void **state)
{
    (void)state;
    fresh();
    known_state();
    EQ(RUN("\xd9\x36\x00\x06"), OPR_NEXT, "fnstenv16");
    uint16_t tw = cpu.fpu.tw;
    uint16_t scrambled = 0;
    for (int r = 0; r < 8; r++) /* every non-empty tag claims "special" */
        scrambled |= (uint16_t)((((tw >> (2 * r)) & 3) == 3 ? 3 : 2) << (2 * r));
    assert_int_not_equal(scrambled, tw);
    poke16(DS0 + 0x604, scrambled);
    EQ(RUN("\xd9\x26\x00\x06"), OPR_NEXT, "fldenv16");
    EQ(cpu.fpu.tw, tw, "tags recomputed");
}

/* Pointer registers: control instructions leave them. */
static void test_pointers(void **state)
{
    (void)state;
    fresh();
    EQ(RUN("\xdb\xe3"), OPR_NEXT, "fninit");
    EQ(cpu.fpu.fop, 0, "FNINIT clears FOP");
    uint32_t e = cpu.eip;
    EQ(RUN("\xd9\xe8"), OPR_NEXT, "fld1");
    EQ(RUN("\xd9\xd0"), OPR_NEXT, "fnop");
    EQ(RUN("\xd9\xf7"), OPR_NEXT, "fincstp");
    EQ(RUN("\xd9\xf6"), OPR_NEXT, "fdecstp");
    EQ(RUN("\xdd\xc3"), OPR_NEXT, "ffree st3");
    EQ(RUN("\x9b"), OPR_NEXT, "wait");
    EQ(RUN("\xdf\xe0"), OPR_NEXT, "fnstsw ax");
    EQ(cpu.fpu.fip, e, "FIP still FLD1");
    EQ(cpu.fpu.fop, 0x1e8, "FOP still FLD1");
    EQ(RUN("\xd9\xe1"), OPR_NEXT, "fabs");
    EQ(cpu.fpu.fop, 0x1e1, "FOP of FABS");
    /* FNSTSW m16 writes two bytes only. */
    poke32(DS0 + 0x200, 0xaaaaaaaau);
    EQ(RUN("\xdd\x3e\x00\x02"), OPR_NEXT, "fnstsw m16");
    EQ(peek(DS0 + 0x200, 4), 0xaaaa0000u | cpu.fpu.sw, "two bytes");
}

/* A faulting store changes neither memory nor the FPU. */
static void test_fault_atomic(void **state)
{
    (void)state;
    fresh();
    EQ(RUN("\xdb\xe3"), OPR_NEXT, "fninit");
    EQ(RUN("\xd9\xe8"), OPR_NEXT, "fld1");
    FPU before = cpu.fpu;
    memset(mem.ram + DS0 + 0xfff8, 0x5a, 8);
    EQ(RUN("\xdd\x1e\xfc\xff"), EXC(EXC_GP), "fstp m64 at FFFC: limit");
    EQ(peek(DS0 + 0xfffc, 4), 0x5a5a5a5au, "memory untouched");
    assert_memory_equal(&cpu.fpu, &before, offsetof(FPU, ferr));
    EQ(RUN("\xdd\x36\xf0\xff"), EXC(EXC_GP), "fnsave at FFF0");
    assert_memory_equal(&cpu.fpu, &before, offsetof(FPU, ferr));
    EQ(RUN("\xdb\x2e\xf8\xff"), EXC(EXC_GP), "fld m80 at FFF8");
    assert_memory_equal(&cpu.fpu, &before, offsetof(FPU, ferr));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_values), cmocka_unit_test(test_nm),
        cmocka_unit_test(test_mf_and_ferr),  cmocka_unit_test(test_bias_adjust),
        cmocka_unit_test(test_constants),    cmocka_unit_test(test_fcomi),
        cmocka_unit_test(test_bcd),          cmocka_unit_test(test_env_layouts),
        cmocka_unit_test(test_fldenv_retag), cmocka_unit_test(test_pointers),
        cmocka_unit_test(test_fault_atomic),
    };
    return cmocka_run_group_tests(tests, setup, h_teardown);
}
