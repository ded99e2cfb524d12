/* test_cmos_wrap.c - the RTC's time of day after centuries of virtual
 * time: tod_base + (now - virt_base) must wrap (unsigned arithmetic), not
 * overflow a signed 64-bit integer, which the UBSan build of the device
 * fuzzers reported (tests/fuzz/README.md, target pic). The expected value
 * is the sum modulo 2^64, computed here independently. */
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
    insns = 0x6700000000000000ull;     /* ~236 years of virtual ns */
    uint64_t want = (uint64_t)base + ((uint64_t)(int64_t)insns - (uint64_t)vbase);
    assert_int_equal((uint64_t)cmos_time_ns(&rtc), want);
    /* The registers stay readable. */
    io_write(&bus, 0x70, 0x00, 1);
    (void)io_read(&bus, 0x71, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_wraps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
