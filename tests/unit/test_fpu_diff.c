/* test_fpu_diff.c - every x87 data instruction (cpu/ops_fpu*.c) against the
 * host CPU running the same instruction natively.
 *
 * For each instruction form, edge operands (signed zeros, denormals and
 * pseudo-denormals, smallest/largest normals, infinities, QNaN/SNaN, the
 * indefinite, unnormals and pseudo-infinities, halfway cases for single
 * and double rounding, values near the single/double exponent limits,
 * large integers) and control words (all 4 rounding modes x precision
 * 24/53/64 bits, all masked, all unmasked, and each exception unmasked
 * alone), and three stack shapes (3 registers in use, empty, full):
 *  - native: a 108-byte FSAVE image is loaded with FRSTOR, the two
 *    instruction bytes run (memory forms address [RSI], a buffer holding
 *    the operand), FNSAVE stores the result state (FNSAVE does not wait,
 *    so unmasked exceptions never trap);
 *  - emulated: in real mode, the guest runs FRSTOR (66 DD /4, 32-bit
 *    real-mode layout) of the same image, the instruction with its operand
 *    at DS:0200 (ModR/M mod=00 rm=110: [disp16] in 16-bit code, the very
 *    same byte means [RSI] on the host), then FNSAVE (66 DD /6).
 * Compared: control, status and tag words, all 8 registers, the memory
 * operand after the instruction, and EFLAGS (FCOMI, FCMOVcc).
 */
#include "ops_harness.h"

#include <stdio.h>
#include <sys/mman.h>

#include "cpu/fpu.h"

typedef struct F80 {
    uint64_t m;
    uint16_t se;
} F80;

static const F80 V[] = {
    {0, 0},                                       /* +0 */
    {0, 0x8000},                                  /* -0 */
    {0x8000000000000000ull, 0x3fff},              /* 1 */
    {0xc000000000000000ull, 0xbfff},              /* -1.5 */
    {0xa000000000000000ull, 0x4000},              /* 2.5 */
    {0xc90fdaa22168c235ull, 0x4000},              /* ~pi */
    {0x8000000000000001ull, 0x3fff},              /* 1 + ulp */
    {0x8000000000000400ull, 0x3fff},              /* double halfway */
    {0x8000008000000000ull, 0xbfff},              /* single halfway */
    {0xffffffffffffffffull, 0x3ffe},              /* just below 1 */
    {1, 0},                                       /* smallest denormal */
    {0x7fffffffffffffffull, 0x8000},              /* largest -denormal */
    {0x8000000000000000ull, 0x0000},              /* pseudo-denormal */
    {0x8000000000000000ull, 0x0001},              /* smallest normal */
    {0xffffffffffffffffull, 0x7ffe},              /* largest normal */
    {0x8000000000000000ull, 0x7fff},              /* +inf */
    {0x8000000000000000ull, 0xffff},              /* -inf */
    {0xc000000000000000ull, 0x7fff},              /* QNaN */
    {0xa000000000000001ull, 0xffff},              /* -SNaN */
    {0xc000000000000000ull, 0xffff},              /* indefinite */
    {0x4000000000000000ull, 0x3fff},              /* unnormal */
    {0x0000000000000000ull, 0x7fff},              /* pseudo-infinity */
    {0xffffffffffffffffull, 0x43fe},              /* ~2^1024: above double max */
    {0x8000000000000000ull, 0x3c01},              /* 2^-1022 */
    {0xc000000000000000ull, 0x3f80},              /* 1.5 * 2^-127: single denormal */
    {0xffffff8000000000ull, 0x407e},              /* ~single max + half ulp */
    {0xde0b6b3a76400000ull, 0x403a},              /* 1e18 */
    {0x8000000000000000ull, 0xc03e},              /* -2^63 */
    {0xbc614e0000000000ull, 0x4016},              /* 12345678 */
    {0xffff000000000000ull, 0xc00d},              /* -32767.5... */
};
#define NV (int)(sizeof V / sizeof V[0])

static const uint32_t M32[] = {0, 0x80000000u, 0x3f800000u, 0x00000001u, 0x807fffffu,
                               0x00800000u, 0x7f7fffffu, 0x7f800000u, 0xff800000u,
                               0x7fc00000u, 0x7fa00000u, 0x3f800001u, 0xc0490fdbu,
                               0x4effffffu, 0xcf000000u, 0x12345678u, 0xffffffffu};
static const uint64_t M64[] = {0, 0x8000000000000000ull, 0x3ff0000000000000ull, 1,
                               0x000fffffffffffffull, 0x0010000000000000ull,
                               0x7fefffffffffffffull, 0x7ff0000000000000ull,
                               0xfff0000000000000ull, 0x7ff8000000000000ull,
                               0x7ff4000000000000ull, 0x3ff0000000000001ull,
                               0x400921fb54442d18ull, 0x7fffffffffffffffull,
                               0x0de0b6b3a7640000ull, 0xffffffffffffffffull};
static const uint16_t M16[] = {0, 1, 0xffff, 0x7fff, 0x8000, 0x1234, 0x00ff, 0xfff0};

#define NEL(a) (int)(sizeof(a) / sizeof((a)[0]))

static uint8_t *jit;
static unsigned long checks, fails;

static int setup(void **state)
{
    h_setup(state);
    ops_register_fpu();
    jit = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (jit == MAP_FAILED) fail_msg("mmap RWX failed");
    real_mode();
    fpu_reset(&cpu.fpu, false);
    return 0;
}

static int teardown(void **state)
{
    munmap(jit, 4096);
    printf("fpu diff: %lu cases compared\n", checks);
    return h_teardown(state);
}

/* Native: FNSTCW [rsp-8]; MOV AH,[rdx+1]; FRSTOR [rdi]; SAHF; insn; LAHF;
 * SETO AL; FNSAVE [rdi]; MOV [rdx],AX; FLDCW [rsp-8]; RET. */
static void native(uint8_t *img, uint8_t *mem, uint8_t *fl, uint8_t op, uint8_t modrm)
{
    static const uint8_t pre[] = {0xd9, 0x7c, 0x24, 0xf8, 0x8a, 0x62, 0x01, 0xdd, 0x27, 0x9e};
    static const uint8_t post[] = {0x9f, 0x0f, 0x90, 0xc0, 0xdd, 0x37, 0x66, 0x89, 0x02,
                                   0xd9, 0x6c, 0x24, 0xf8, 0xc3};
    size_t n = 0;
    memcpy(jit, pre, sizeof pre);
    n = sizeof pre;
    jit[n++] = op;
    jit[n++] = modrm;
    memcpy(jit + n, post, sizeof post);
    ((void (*)(uint8_t *, uint8_t *, uint8_t *))(void *)jit)(img, mem, fl);
}

enum { SHAPE_3, SHAPE_EMPTY, SHAPE_FULL };

static void make_image(uint8_t *img, uint16_t cw, int top, int shape, const F80 *a,
                       const F80 *b, const F80 *c, uint16_t cbits)
{
    memset(img, 0, 108);
    uint32_t w = 0xffff0000u | cw;
    memcpy(img, &w, 4);
    w = 0xffff0000u | (uint32_t)(top << 11) | cbits;
    memcpy(img + 4, &w, 4);
    uint16_t tw = 0;
    for (int i = 0; i < 8; i++) {
        const F80 *v = i == 0 ? a : i == 1 ? b : i == 2 ? c : &V[(i * 5) % NV];
        bool used = shape == SHAPE_FULL || (shape == SHAPE_3 && i < 3);
        memcpy(img + 28 + 10 * i, &v->m, 8);
        memcpy(img + 36 + 10 * i, &v->se, 2);
        int phys = (top + i) & 7;
        tw |= (uint16_t)((used ? 0 : 3) << (2 * phys));
    }
    w = 0xffff0000u | tw;
    memcpy(img + 8, &w, 4);
}

/* Run one case both ways and compare. mem_n: operand bytes (0 for a
 * register form); store: the instruction writes memory instead. */
static void one(uint8_t op, uint8_t modrm, const uint8_t *img0, const uint8_t *memin, int mem_n,
                uint32_t eflags)
{
    uint8_t nimg[108], nmem[16], fl[2] = {0, (uint8_t)eflags};
    memcpy(nimg, img0, 108);
    memset(nmem, 0xa5, sizeof nmem);
    if (mem_n > 0) memcpy(nmem, memin, (size_t)mem_n);
    native(nimg, nmem, fl, op, modrm);

    /* Emulated. */
    poke(0x20300, img0, 108);
    memset(mem.ram + 0x20200, 0xa5, 16);
    if (mem_n > 0) poke(0x20200, memin, (size_t)mem_n);
    cpu.eip = 0x100;
    EQ(RUN("\x66\xdd\x26\x00\x03"), OPR_NEXT, "frstor");
    cpu.eflags = F_1 | (eflags & (F_SF | F_ZF | F_AF | F_PF | F_CF));
    uint32_t ef0 = cpu.eflags;
    cpu.eip = 0x100;
    char code[4] = {(char)op, (char)modrm, 0x00, 0x02};
    int r = run(code, (modrm >> 6) == 3 ? 2 : 4);
    cpu.eip = 0x100;
    EQ(RUN("\x66\xdd\x36\x00\x04"), OPR_NEXT, "fnsave");
    checks++;

    const uint8_t *eimg = mem.ram + 0x20400;
    bool bad = r != OPR_NEXT || memcmp(eimg, nimg, 12) || memcmp(eimg + 28, nimg + 28, 80) ||
               memcmp(mem.ram + 0x20200, nmem, 16);
    bool fcomi = (op == 0xdb || op == 0xdf) && modrm >= 0xe8 && modrm < 0xf8;
    uint32_t want_fl = ef0;
    if (fcomi) {
        /* The native run's flags count only if the host instruction got to
         * set them, i.e. no unmasked invalid operation. */
        uint16_t nsw;
        memcpy(&nsw, nimg + 4, 2);
        uint16_t ncw;
        memcpy(&ncw, nimg, 2);
        if (!(nsw & ~ncw & FSW_IE))
            want_fl = (ef0 & ~F_ARITH) | (fl[1] & (F_SF | F_ZF | F_AF | F_PF | F_CF)) |
                      (fl[0] ? F_OF : 0);
    }
    if (cpu.eflags != want_fl) bad = true;
    if (bad) {
        fails++;
        uint16_t cw, nsw, esw, ntw, etw;
        memcpy(&cw, img0, 2);
        memcpy(&nsw, nimg + 4, 2);
        memcpy(&esw, eimg + 4, 2);
        memcpy(&ntw, nimg + 8, 2);
        memcpy(&etw, eimg + 8, 2);
        print_message("MISMATCH %02x %02x cw=%04x r=%d: sw host %04x emu %04x, tw host %04x emu "
                      "%04x, eflags host %x emu %x\n",
                      op, modrm, cw, r, nsw, esw, ntw, etw, want_fl, cpu.eflags);
        for (int i = 0; i < 8; i++) {
            if (memcmp(eimg + 28 + 10 * i, nimg + 28 + 10 * i, 10)) {
                uint64_t hm, em;
                uint16_t hs, es;
                memcpy(&hm, nimg + 28 + 10 * i, 8);
                memcpy(&hs, nimg + 36 + 10 * i, 2);
                memcpy(&em, eimg + 28 + 10 * i, 8);
                memcpy(&es, eimg + 36 + 10 * i, 2);
                print_message("  ST%d host %04x:%016llx emu %04x:%016llx\n", i, hs,
                              (unsigned long long)hm, es, (unsigned long long)em);
            }
        }
        if (fails > 20) fail_msg("too many mismatches");
    }
}

/* Control words: every RC x PC with all masked and all unmasked, and each
 * exception unmasked alone (RC nearest, PC 64). */
static int cw_list(uint16_t *out)
{
    int n = 0;
    static const uint16_t pcs[3] = {0x000, 0x200, 0x300};
    for (int rc = 0; rc < 4; rc++)
        for (int p = 0; p < 3; p++) {
            out[n++] = (uint16_t)(0x1040 | rc << 10 | pcs[p] | 0x3f);
            out[n++] = (uint16_t)(0x0040 | rc << 10 | pcs[p]);
        }
    for (int e = 0; e < 6; e++) out[n++] = (uint16_t)(0x0340 | (0x3f & ~(1u << e)));
    return n;
}

static uint16_t CW[40];
static int NCW;

/* Register forms: ST0 = a, ST1 = b, ST2 = c. */
static void reg_form(uint8_t op, uint8_t modrm, bool pairs)
{
    for (int ia = 0; ia < NV; ia++)
        for (int ib = 0; ib < (pairs ? NV : 1); ib++) {
            const F80 *a = &V[ia], *b = &V[pairs ? ib : (ia + 3) % NV];
            const F80 *c = &V[(ia + ib + 7) % NV];
            for (int k = 0; k < NCW; k++) {
                uint8_t img[108];
                make_image(img, CW[k], (ia + k) & 7, SHAPE_3, a, b, c,
                           (uint16_t)(((ia ^ k) & 0x47) << 8));
                one(op, modrm, img, NULL, 0, (uint32_t)(ia * 7 + ib + k));
            }
        }
    /* Empty and full stacks: underflow / overflow responses. */
    for (int k = 0; k < NCW; k++)
        for (int s = SHAPE_EMPTY; s <= SHAPE_FULL; s++) {
            uint8_t img[108];
            make_image(img, CW[k], k & 7, s, &V[2], &V[4], &V[5], 0);
            one(op, modrm, img, NULL, 0, F_CF | F_ZF);
        }
}

static void test_binary_reg(void **state)
{
    (void)state;
    fails = 0;
    for (int r = 0; r < 8; r++)
        for (int i = 0; i < 3; i++) {
            uint8_t m = (uint8_t)(0xc0 | r << 3 | i);
            reg_form(0xd8, m, i == 1);
            reg_form(0xdc, m, i == 1);
            if (r != 3) reg_form(0xde, m, i == 1 && r != 2); /* DE D8+i: only D9 exists */
        }
    reg_form(0xde, 0xd9, true); /* FCOMPP */
    if (fails) fail_msg("%lu mismatches", fails);
}

static void test_unary_reg(void **state)
{
    (void)state;
    fails = 0;
    /* D9 E0..FF: FCHS FABS FTST FXAM, constants, F2XM1 .. FCOS. */
    static const uint8_t d9[] = {0xe0, 0xe1, 0xe4, 0xe5, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed,
                                 0xee, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
                                 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff, 0xd0};
    for (size_t j = 0; j < sizeof d9; j++) {
        bool two = d9[j] == 0xf1 || d9[j] == 0xf3 || d9[j] == 0xf5 || d9[j] == 0xf8 ||
                   d9[j] == 0xf9 || d9[j] == 0xfd;
        reg_form(0xd9, d9[j], two);
    }
    if (fails) fail_msg("%lu mismatches", fails);
}

static void test_move_compare_reg(void **state)
{
    (void)state;
    fails = 0;
    for (int i = 0; i < 3; i++) {
        reg_form(0xd9, (uint8_t)(0xc0 | i), false); /* FLD ST(i) */
        reg_form(0xd9, (uint8_t)(0xc8 | i), false); /* FXCH */
        reg_form(0xd9, (uint8_t)(0xd8 | i), false); /* FSTP1 alias */
        reg_form(0xdd, (uint8_t)(0xc0 | i), false); /* FFREE */
        reg_form(0xdd, (uint8_t)(0xc8 | i), false); /* FXCH4 alias */
        reg_form(0xdd, (uint8_t)(0xd0 | i), false); /* FST */
        reg_form(0xdd, (uint8_t)(0xd8 | i), false); /* FSTP */
        reg_form(0xdd, (uint8_t)(0xe0 | i), i == 1); /* FUCOM */
        reg_form(0xdd, (uint8_t)(0xe8 | i), i == 1); /* FUCOMP */
        reg_form(0xdf, (uint8_t)(0xc0 | i), false); /* FFREEP */
        reg_form(0xdf, (uint8_t)(0xc8 | i), false); /* FXCH7 */
        reg_form(0xdf, (uint8_t)(0xd0 | i), false); /* FSTP8 */
        reg_form(0xdf, (uint8_t)(0xd8 | i), false); /* FSTP9 */
        reg_form(0xdb, (uint8_t)(0xe8 | i), i == 1); /* FUCOMI */
        reg_form(0xdb, (uint8_t)(0xf0 | i), i == 1); /* FCOMI */
        reg_form(0xdf, (uint8_t)(0xe8 | i), i == 1); /* FUCOMIP */
        reg_form(0xdf, (uint8_t)(0xf0 | i), i == 1); /* FCOMIP */
        reg_form(0xde, (uint8_t)(0xd0 | i), false); /* FCOMP5 alias */
    }
    reg_form(0xda, 0xe9, true); /* FUCOMPP */
    /* FCMOVcc with every CF/ZF/PF combination (reg_form varies EFLAGS). */
    for (int cc = 0; cc < 4; cc++) {
        reg_form(0xda, (uint8_t)(0xc1 | cc << 3), false);
        reg_form(0xdb, (uint8_t)(0xc1 | cc << 3), false);
    }
    if (fails) fail_msg("%lu mismatches", fails);
}

/* Memory forms: ST0 = a, operand from the list for the size. */
static void mem_form(uint8_t op, int reg, int size, bool store)
{
    uint8_t modrm = (uint8_t)(reg << 3 | 6);
    int nm = store ? 1 : size == 2 ? NEL(M16) : size == 4 ? NEL(M32) : size == 8 ? NEL(M64) : NV;
    for (int ia = 0; ia < NV; ia++)
        for (int j = 0; j < nm; j++)
            for (int k = 0; k < NCW; k++) {
                uint8_t memb[16] = {0};
                if (size == 2) memcpy(memb, &M16[j], 2);
                else if (size == 4) memcpy(memb, &M32[j], 4);
                else if (size == 8) memcpy(memb, &M64[j], 8);
                else {
                    memcpy(memb, &V[j].m, 8);
                    memcpy(memb + 8, &V[j].se, 2);
                }
                /* FBLD: valid packed BCD in most cases. */
                if (op == 0xdf && reg == 4 && (j & 1)) {
                    uint64_t d = 0;
                    for (int q = 0; q < 16; q++)
                        d |= (uint64_t)((j * 7 + q * 3 + ia) % 10) << (4 * q);
                    memcpy(memb, &d, 8);
                    memb[8] = (uint8_t)(j % 10 | (ia % 10) << 4);
                    memb[9] = (uint8_t)(ia & 1 ? 0x80 : 0);
                }
                uint8_t img[108];
                int shape = (j + ia) % 17 == 0 ? SHAPE_FULL : (j + ia) % 19 == 0 ? SHAPE_EMPTY
                                                                                 : SHAPE_3;
                make_image(img, CW[k], (ia + k) & 7, shape, &V[ia], &V[(ia + 2) % NV], &V[2],
                           0);
                one(op, modrm, img, memb, store ? 0 : size, 0);
            }
}

static void test_mem_arith(void **state)
{
    (void)state;
    fails = 0;
    for (int r = 0; r < 8; r++) {
        mem_form(0xd8, r, 4, false);
        mem_form(0xdc, r, 8, false);
        mem_form(0xda, r, 4, false);
        mem_form(0xde, r, 2, false);
    }
    if (fails) fail_msg("%lu mismatches", fails);
}

static void test_mem_load_store(void **state)
{
    (void)state;
    fails = 0;
    mem_form(0xd9, 0, 4, false);   /* FLD m32 */
    mem_form(0xdd, 0, 8, false);   /* FLD m64 */
    mem_form(0xdb, 5, 10, false);  /* FLD m80 */
    mem_form(0xdf, 0, 2, false);   /* FILD m16 */
    mem_form(0xdb, 0, 4, false);   /* FILD m32 */
    mem_form(0xdf, 5, 8, false);   /* FILD m64 */
    mem_form(0xdf, 4, 10, false);  /* FBLD */
    mem_form(0xd9, 2, 4, true);    /* FST m32 */
    mem_form(0xd9, 3, 4, true);    /* FSTP m32 */
    mem_form(0xdd, 2, 8, true);    /* FST m64 */
    mem_form(0xdd, 3, 8, true);    /* FSTP m64 */
    mem_form(0xdb, 7, 10, true);   /* FSTP m80 */
    mem_form(0xdf, 2, 2, true);    /* FIST m16 */
    mem_form(0xdf, 3, 2, true);    /* FISTP m16 */
    mem_form(0xdb, 2, 4, true);    /* FIST m32 */
    mem_form(0xdb, 3, 4, true);    /* FISTP m32 */
    mem_form(0xdf, 7, 8, true);    /* FISTP m64 */
    mem_form(0xdf, 6, 10, true);   /* FBSTP */
    if (fails) fail_msg("%lu mismatches", fails);
}

int main(void)
{
    NCW = cw_list(CW);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binary_reg),
        cmocka_unit_test(test_unary_reg),
        cmocka_unit_test(test_move_compare_reg),
        cmocka_unit_test(test_mem_arith),
        cmocka_unit_test(test_mem_load_store),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
