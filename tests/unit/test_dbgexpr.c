/* test_dbgexpr.c - the debugger's expressions (frontend/dbgexpr.c) and the
 * GDB stub's register file (frontend/gdbregs.c) over a hand-made CPUState.
 * Expected values follow C's operator rules and the i386 layout gdb's
 * 32bit-core.xml gives (eax ecx edx ebx esp ebp esi edi eip eflags cs ss
 * ds es fs gs st0-7 fctrl ... fop). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "frontend/debugger.h"
#include "frontend/gdbregs.h"

static Debugger dbg;
static CPUState st;

static uint32_t ev(const char *e)
{
    uint32_t v = 0xdeadbeef;
    char err[128];
    if (!dbg_eval(&dbg, &st, e, &v, err, sizeof err)) fail_msg("'%s': %s", e, err);
    return v;
}

static bool ev_fails(const char *e)
{
    uint32_t v;
    char err[128] = "";
    bool ok = dbg_eval(&dbg, &st, e, &v, err, sizeof err);
    return !ok && err[0];
}

static void setup_state(void)
{
    memset(&st, 0, sizeof st);
    for (int i = 0; i < 8; i++) st.regs[i] = 0x11111111u * (uint32_t)(i + 1);
    st.regs[0] = 0x12345678;
    st.eip = 0x1000;
    st.eflags = 0x246;
    st.seg[S_CS].sel = 0x10;
    st.seg[S_CS].base = 0x20000;
    st.seg[S_DS].base = 0x30000;
    st.cr[0] = 0x11;
}

static void test_numbers_and_registers(void **state)
{
    (void)state;
    setup_state();
    assert_int_equal(ev("42"), 42);
    assert_int_equal(ev("0x2a"), 42);
    assert_int_equal(ev("eax"), 0x12345678);
    assert_int_equal(ev("$eax"), 0x12345678);
    assert_int_equal(ev("ax"), 0x5678);
    assert_int_equal(ev("al"), 0x78);
    assert_int_equal(ev("ah"), 0x56);
    assert_int_equal(ev("ECX"), 0x22222222);
    assert_int_equal(ev("eip"), 0x1000);
    assert_int_equal(ev("pc"), 0x1000);
    assert_int_equal(ev("eflags"), 0x246);
    assert_int_equal(ev("cs"), 0x10);
    assert_int_equal(ev("cr0"), 0x11);
}

static void test_operators(void **state)
{
    (void)state;
    setup_state();
    assert_int_equal(ev("1 + 2 * 3"), 7);
    assert_int_equal(ev("(1 + 2) * 3"), 9);
    assert_int_equal(ev("10 - 2 - 3"), 5);      /* left associative */
    assert_int_equal(ev("100 / 10 / 5"), 2);
    assert_int_equal(ev("7 % 4"), 3);
    assert_int_equal(ev("1 << 4 | 1"), 17);     /* << binds tighter than | */
    assert_int_equal(ev("0xf0 & 0x3c ^ 0x01"), 0x31);
    assert_int_equal(ev("-1"), 0xffffffffu);
    assert_int_equal(ev("~0 >> 28"), 0xf);
    assert_int_equal(ev("!0"), 1);
    assert_int_equal(ev("3 < 4 && 4 <= 4 && 5 > 4 && 4 >= 4"), 1);
    assert_int_equal(ev("1 == 2 || 2 != 2"), 0);
    assert_int_equal(ev("eax == 0x12345678 && ecx > 5"), 1);
    assert_int_equal(ev("1 << 32"), 0);         /* no undefined shift */
}

static void test_errors(void **state)
{
    (void)state;
    setup_state();
    assert_true(ev_fails("1 +"));
    assert_true(ev_fails("(1"));
    assert_true(ev_fails("nosuchsym"));
    assert_true(ev_fails("1 / 0"));
    assert_true(ev_fails("1 2"));
    assert_true(ev_fails("0x100000000"));
}

static void test_symbols_and_segments(void **state)
{
    (void)state;
    setup_state();
    Symbol v[2] = {{(char *)"main", 0x100190, 0x40}, {(char *)"putdec", 0x100070, 0}};
    dbg.syms.v = v;
    dbg.syms.n = 2;
    assert_int_equal(ev("main + 4"), 0x100194);
    assert_true(ev_fails("$main"));   /* $ names registers only */
    uint32_t a;
    char err[64];
    assert_true(dbg_eval_addr(&dbg, &st, "cs:0x10", &a, err, sizeof err));
    assert_int_equal(a, 0x20010);
    assert_true(dbg_eval_addr(&dbg, &st, "$ds:eip", &a, err, sizeof err));
    assert_int_equal(a, 0x31000);
    assert_true(dbg_eval_addr(&dbg, &st, "0xf000:0xfff0", &a, err, sizeof err));
    assert_int_equal(a, 0xffff0);
    dbg.syms.v = NULL;
    dbg.syms.n = 0;
}

static void test_gdb_registers(void **state)
{
    (void)state;
    setup_state();
    st.seg[S_ES].sel = 0x18;
    st.seg[S_SS].sel = 0x20;
    st.fpu.cw = 0x37f;
    st.fpu.sw = 3u << 11;    /* TOP = 3: ST0 is physical R3 */
    st.fpu.st[3][0] = 0xaa;
    st.fpu.fop = 0x123;
    uint8_t buf[GDB_REGS_BYTES];
    gdbregs_get(&st, buf);
    uint32_t w;
    memcpy(&w, buf + 0, 4), assert_int_equal(w, 0x12345678);   /* eax */
    memcpy(&w, buf + 4, 4), assert_int_equal(w, 0x22222222);   /* ecx */
    memcpy(&w, buf + 32, 4), assert_int_equal(w, 0x1000);      /* eip */
    memcpy(&w, buf + 36, 4), assert_int_equal(w, 0x246);       /* eflags */
    memcpy(&w, buf + 40, 4), assert_int_equal(w, 0x10);        /* cs */
    memcpy(&w, buf + 44, 4), assert_int_equal(w, 0x20);        /* ss */
    memcpy(&w, buf + 52, 4), assert_int_equal(w, 0x18);        /* es */
    assert_int_equal(buf[64], 0xaa);                           /* st0 = R3 */
    memcpy(&w, buf + 144, 4), assert_int_equal(w, 0x37f);      /* fctrl */
    memcpy(&w, buf + 172, 4), assert_int_equal(w, 0x123);      /* fop */
    /* P: write eip and a real-mode selector (the base follows it). */
    st.cr[0] = 0;
    uint8_t v[4] = {0x34, 0x12, 0, 0};
    assert_true(gdbregs_set_one(&st, 8, v, 4));
    assert_int_equal(st.eip, 0x1234);
    assert_true(gdbregs_set_one(&st, 12, v, 4));   /* ds */
    assert_int_equal(st.seg[S_DS].sel, 0x1234);
    assert_int_equal(st.seg[S_DS].base, 0x12340);
    assert_false(gdbregs_set_one(&st, 32, v, 4));
    assert_false(gdbregs_set_one(&st, 16, v, 4));  /* st0 needs 10 bytes */
    assert_non_null(strstr(gdbregs_target_xml(), "org.gnu.gdb.i386.core"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_and_registers), cmocka_unit_test(test_operators),
        cmocka_unit_test(test_errors), cmocka_unit_test(test_symbols_and_segments),
        cmocka_unit_test(test_gdb_registers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
