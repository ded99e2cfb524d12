/* test_cmos_wrap.c - the RTC's time of day at the ends of 64-bit ns:
 * centuries of virtual time, and dates up to 9999, must not overflow a
 * signed 64-bit integer, which the UBSan build of the device fuzzers
 * reported (tests/fuzz/README.md, targets pic and cmos); time saturates
 * at the representable range instead. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cmos.h"

static void irq_sink(void *opaque, int n, int level)
{
    (void)opaque, (void)n, (void)level;
}

static void test_time_wraps(void **state)
{
    (void)state;
    static uint64_t insns;
    static Clock clk;
    static IOBus bus;
    static CMOS rtc;
    static IRQ irq;
    insns = 0;
    io_init(&bus);
    clock_init(&clk, true, 0, &insns);
    irq_init(&irq, irq_sink, NULL, 8);
    cmos_init(&rtc, &bus, &clk, &irq, 1u << 20);
    cmos_set_time(&rtc, 1709214356);   /* 2024-02-29 13:45:56 UTC */
    int64_t base = rtc.tod_base, vbase = rtc.virt_base;
    insns = 0x6700000000000000ull;     /* ~236 years of virtual ns: still representable */
    __int128 want = (__int128)base + ((__int128)insns - vbase);
    assert_true((__int128)cmos_time_ns(&rtc) == want);
    insns = 0x7f00000000000000ull;     /* beyond: saturated, positive, no overflow */
    assert_true(cmos_time_ns(&rtc) > (int64_t)0x7f00000000000000ll);
    /* The registers stay readable. */
    io_write(&bus, 0x70, 0x00, 1);
    (void)io_read(&bus, 0x71, 1);
}

/* A guest sets century 99 (year 9999): beyond the 64-bit ns range
 * (years 1678-2262). The write must not overflow (the UBSan build traps on
 * it; input tests/fuzz/corpus/cmos/regress-century-9999-overflow) and the
 * clock keeps counting with valid BCD registers. */
static void test_century_9999(void **state)
{
    (void)state;
    static uint64_t insns;
    static Clock clk;
    static IOBus bus;
    static CMOS rtc;
    static IRQ irq;
    insns = 0;
    io_init(&bus);
    clock_init(&clk, true, 0, &insns);
    irq_init(&irq, irq_sink, NULL, 8);
    cmos_init(&rtc, &bus, &clk, &irq, 1u << 20);
    cmos_set_time(&rtc, 1709214356);
    io_write(&bus, 0x70, 0x0b, 1);
    io_write(&bus, 0x71, 0x12, 1);     /* BCD, 24 h, UIE */
    io_write(&bus, 0x70, 0x32, 1);
    io_write(&bus, 0x71, 0x99, 1);     /* century 99 */
    io_write(&bus, 0x70, 0x09, 1);
    io_write(&bus, 0x71, 0x99, 1);     /* year 99 */
    insns += 3000000000ull;
    clock_run_timers(&clk);
    for (int r = 0; r <= 9; r++) {
        io_write(&bus, 0x70, (uint32_t)r, 1);
        uint32_t v = io_read(&bus, 0x71, 1);
        assert_true((v & 0x0f) <= 9 && (v >> 4) <= 9);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_wraps),
        cmocka_unit_test(test_century_9999),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
