/* test_fpu_host.c - the host x87 stub path (cpu/ops_fpu_host.c) and its
 * memory operand buffer.
 *
 * The stubs execute the guest's opcode/ModR/M reg field against [RSI]
 * with no knowledge of the operand size, so the buffer behind FPUHostMem
 * must hold the largest x87 memory operand (the 108-byte FNSAVE/FRSTOR
 * image). These tests push the 28- and 108-byte control forms through the
 * stub path directly (the dispatch in ops_fpu.c keeps them in C): the
 * bytes beyond the first 16 must be right, and canaries around the buffer
 * must survive. A buffer shrunk to 16 bytes fails them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/fpu.h"
#include "cpu/ops_fpu.h"

#define GUARD 64
#define CANARY 0xa5
#define FILL 0x5a

/* FPUHostMem with guard bytes on both sides (alignment 1, so no padding). */
typedef struct Guarded {
    uint8_t pre[GUARD];
    FPUHostMem m;
    uint8_t post[GUARD];
} Guarded;

_Static_assert(offsetof(Guarded, m) == GUARD && offsetof(Guarded, post) == GUARD + sizeof(FPUHostMem),
               "no padding around the buffer");

static void guard_init(Guarded *g)
{
    memset(g->pre, CANARY, GUARD);
    memset(g->m.b, FILL, sizeof g->m.b);
    memset(g->post, CANARY, GUARD);
}

static void guard_check(const Guarded *g)
{
    for (int i = 0; i < GUARD; i++) {
        assert_int_equal(g->pre[i], CANARY);
        assert_int_equal(g->post[i], CANARY);
    }
}

static uint16_t get16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

/* A state with eight valid, distinct finite registers: R[k] = (k+1) * 1.5
 * as raw 80-bit values (mantissa with explicit integer bit, exponent). */
static void make_state(FPU *f, int top)
{
    memset(f, 0, sizeof *f);
    f->cw = 0x037f;
    f->sw = (uint16_t)(top << 11);
    f->tw = 0x0000;   /* all valid */
    for (int k = 0; k < 8; k++) {
        uint64_t mant = 0xc000000000000000ull | ((uint64_t)k << 40);
        uint16_t se = (uint16_t)(0x3fff + k);
        memcpy(f->st[k], &mant, 8);
        memcpy(f->st[k] + 8, &se, 2);
    }
}

static void test_buffer_holds_every_form(void **state)
{
    (void)state;
    assert_true(sizeof(FPUHostMem) >= 108);
    int max = 0;
    for (int op = 0xd8; op <= 0xdf; op++)
        for (int reg = 0; reg < 8; reg++) {
            int n = fpu_host_mem_bytes((uint8_t)op, reg);
            assert_true(n >= 0 && n <= (int)sizeof(FPUHostMem));
            if (n > max) max = n;
        }
    assert_int_equal(max, 108);
    assert_int_equal(fpu_host_mem_bytes(0xdd, 6), 108);  /* FNSAVE */
    assert_int_equal(fpu_host_mem_bytes(0xdd, 4), 108);  /* FRSTOR */
    assert_int_equal(fpu_host_mem_bytes(0xd9, 6), 28);   /* FNSTENV */
    assert_int_equal(fpu_host_mem_bytes(0xd9, 4), 28);   /* FLDENV */
    assert_int_equal(fpu_host_mem_bytes(0xdb, 7), 10);   /* FSTP m80 */
}

/* FNSAVE (DD /6) through the stub: the whole 108-byte image lands in the
 * buffer, registers in ST order from offset 28 to 107. */
static void test_fnsave_108(void **state)
{
    (void)state;
    for (int top = 0; top < 8; top += 3) {
        FPU in, out;
        make_state(&in, top);
        Guarded g;
        guard_init(&g);
        uint32_t fl = 0;
        fpu_host_run(&in, &out, 0xdd, 0x36, &g.m, &fl);
        guard_check(&g);
        assert_int_equal(get16(g.m.b + 0), in.cw);
        assert_int_equal(get16(g.m.b + 4) & 0x3800, top << 11);
        assert_int_equal(get16(g.m.b + 8), 0x0000);
        for (int i = 0; i < 8; i++)
            assert_memory_equal(g.m.b + 28 + 10 * i, in.st[(top + i) & 7], 10);
    }
}

/* FRSTOR (DD /4) through the stub: all 108 bytes are read; the registers
 * at offsets 28..107 become the state. */
static void test_frstor_108(void **state)
{
    (void)state;
    FPU in, out;
    make_state(&in, 0);
    Guarded g;
    guard_init(&g);
    memset(g.m.b, 0, 28);
    g.m.b[0] = 0x7f;   /* CW 037F */
    g.m.b[1] = 0x03;
    g.m.b[5] = 2 << 3; /* SW: TOP = 2 */
    /* TW 0: all valid */
    for (int i = 0; i < 8; i++) {
        uint64_t mant = 0x8000000000000000ull | ((uint64_t)(0x11 * (i + 1)) << 32);
        uint16_t se = (uint16_t)(0x4000 + 3 * i);
        memcpy(g.m.b + 28 + 10 * i, &mant, 8);
        memcpy(g.m.b + 28 + 10 * i + 8, &se, 2);
    }
    Guarded before = g;
    uint32_t fl = 0;
    fpu_host_run(&in, &out, 0xdd, 0x26, &g.m, &fl);
    guard_check(&g);
    assert_memory_equal(&g, &before, sizeof g);   /* read only */
    assert_int_equal(fpu_top(&out), 2);
    assert_int_equal(out.tw, 0x0000);
    for (int i = 0; i < 8; i++)
        assert_memory_equal(out.st[(2 + i) & 7], g.m.b + 28 + 10 * i, 10);
}

/* FNSTENV (D9 /6) writes its 28 bytes and nothing after them. */
static void test_fnstenv_28(void **state)
{
    (void)state;
    FPU in, out;
    make_state(&in, 5);
    in.tw = 0xf000;   /* R6, R7 empty */
    Guarded g;
    guard_init(&g);
    uint32_t fl = 0;
    fpu_host_run(&in, &out, 0xd9, 0x36, &g.m, &fl);
    guard_check(&g);
    assert_int_equal(get16(g.m.b + 0), in.cw);
    assert_int_equal(get16(g.m.b + 4) & 0x3800, 5 << 11);
    assert_int_equal(get16(g.m.b + 8), 0xf000);
    for (size_t i = 28; i < sizeof g.m.b; i++) assert_int_equal(g.m.b[i], FILL);
}

/* A data form still works with the typed buffer: FSTP m80 (DB /7) writes
 * 10 bytes and pops. */
static void test_fstp_m80(void **state)
{
    (void)state;
    FPU in, out;
    make_state(&in, 1);
    Guarded g;
    guard_init(&g);
    uint32_t fl = 0;
    fpu_host_run(&in, &out, 0xdb, 0x3e, &g.m, &fl);
    guard_check(&g);
    assert_memory_equal(g.m.b, in.st[1], 10);
    for (size_t i = 10; i < sizeof g.m.b; i++) assert_int_equal(g.m.b[i], FILL);
    assert_int_equal(fpu_top(&out), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buffer_holds_every_form),
        cmocka_unit_test(test_fnsave_108),
        cmocka_unit_test(test_frstor_108),
        cmocka_unit_test(test_fnstenv_28),
        cmocka_unit_test(test_fstp_m80),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
