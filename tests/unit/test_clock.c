/* test_clock.c - virtual clock modes and the timer list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "clock.h"

#define EXPECT_EQ(actual, expected, what)                                                  \
    do {                                                                                   \
        long long a_ = (long long)(actual), e_ = (long long)(expected);                    \
        if (a_ != e_)                                                                      \
            fail_msg("%s: expected %lld, got %lld", what, e_, a_);                         \
    } while (0)

static uint64_t insns;
static Clock clk;
static char order[16];
static int norder;

static void record(void *opaque)
{
    if (norder < 15)
        order[norder++] = *(const char *)opaque;
    order[norder] = 0;
}

static int setup(void **state)
{
    (void)state;
    insns = 0;
    norder = 0;
    order[0] = 0;
    clock_init(&clk, true, 0, &insns);
    return 0;
}

static void icount_time_is_insns_shifted_plus_offset(void **state)
{
    (void)state;
    clock_init(&clk, true, 3, &insns);
    insns = 100;
    EXPECT_EQ(clock_now(&clk), 800, "ns after 100 instructions at shift 3");
    clk.offset = 5;
    EXPECT_EQ(clock_now(&clk), 805, "offset is added to the instruction time");
}

static void timers_fire_in_deadline_order(void **state)
{
    (void)state;
    static const char a = 'a', b = 'b', c = 'c', d = 'd';
    Timer ta, tb, tc, td;
    timer_init(&ta, record, (void *)&a);
    timer_init(&tb, record, (void *)&b);
    timer_init(&tc, record, (void *)&c);
    timer_init(&td, record, (void *)&d);
    timer_mod(&clk, &ta, 300);
    timer_mod(&clk, &tb, 100);
    timer_mod(&clk, &tc, 200);
    timer_mod(&clk, &td, 200);   /* same deadline as c, armed later */
    EXPECT_EQ(clock_next_deadline(&clk), 100, "earliest deadline");
    insns = 1000;
    EXPECT_EQ(clock_run_timers(&clk), 4, "timers fired");
    if (strcmp(order, "bcda") != 0)
        fail_msg("firing order: expected bcda (equal deadlines in arming order), got %s", order);
    EXPECT_EQ(clock_next_deadline(&clk), INT64_MAX, "no deadline once all fired");
}

static void timer_does_not_fire_before_deadline(void **state)
{
    (void)state;
    static const char a = 'a';
    Timer t;
    timer_init(&t, record, (void *)&a);
    timer_mod(&clk, &t, 50);
    insns = 49;
    EXPECT_EQ(clock_run_timers(&clk), 0, "timers fired at 49 ns for a 50 ns deadline");
    insns = 50;
    EXPECT_EQ(clock_run_timers(&clk), 1, "timers fired exactly at the deadline");
    if (t.active)
        fail_msg("a fired timer should be inactive");
}

static void rearming_and_deleting_move_the_timer(void **state)
{
    (void)state;
    static const char a = 'a', b = 'b';
    Timer ta, tb;
    timer_init(&ta, record, (void *)&a);
    timer_init(&tb, record, (void *)&b);
    timer_mod(&clk, &ta, 10);
    timer_mod(&clk, &tb, 20);
    timer_mod(&clk, &ta, 30);   /* moves a after b */
    EXPECT_EQ(clock_next_deadline(&clk), 20, "deadline after re-arming a later");
    timer_del(&clk, &tb);
    timer_del(&clk, &tb);       /* deleting twice is harmless */
    EXPECT_EQ(clock_next_deadline(&clk), 30, "deadline after deleting b");
    insns = 100;
    clock_run_timers(&clk);
    if (strcmp(order, "a") != 0)
        fail_msg("only a should fire, got '%s'", order);
}

static Timer periodic;
static int periodic_count;

static void periodic_cb(void *opaque)
{
    (void)opaque;
    periodic_count++;
    timer_mod(&clk, &periodic, clock_now(&clk) + 10);
}

static void self_rearming_timer_fires_once_per_run(void **state)
{
    (void)state;
    periodic_count = 0;
    timer_init(&periodic, periodic_cb, NULL);
    timer_mod(&clk, &periodic, 10);
    insns = 25;
    clock_run_timers(&clk);
    EXPECT_EQ(periodic_count, 1, "fires of a timer re-armed 10 ns after now");
    EXPECT_EQ(clock_next_deadline(&clk), 35, "its next deadline");
    timer_del(&clk, &periodic);
}

static void warp_adds_to_offset_in_icount_mode(void **state)
{
    (void)state;
    insns = 100;
    clock_warp_to(&clk, 1000);
    EXPECT_EQ(clock_now(&clk), 1000, "time after warping to 1000");
    clock_warp_to(&clk, 500);
    EXPECT_EQ(clock_now(&clk), 1000, "warping backwards does nothing");
    insns = 110;
    EXPECT_EQ(clock_now(&clk), 1010, "instructions keep counting after a warp");
}

static void host_clock_moves_forward(void **state)
{
    (void)state;
    Clock h;
    clock_init(&h, false, 0, NULL);
    int64_t a = clock_now(&h);
    int64_t b = clock_now(&h);
    if (a < 0 || b < a)
        fail_msg("host-mode time should start near 0 and never go back: %lld then %lld",
                 (long long)a, (long long)b);
    clock_warp_to(&h, a + 1000000000000LL);   /* no effect in host mode */
    if (clock_now(&h) > b + 1000000000LL)
        fail_msg("warp must not move host-mode time");
}

static void sleep_ms(long ms)
{
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

/* The TSC's source: strictly increasing, re-reads the host clock after
 * CLOCK_COARSE_INSNS instructions, extrapolates 1 ns per instruction
 * before that, and follows a rebase. */
static void coarse_clock_host_mode(void **state)
{
    (void)state;
    Clock h;
    uint64_t n = 0;
    clock_init(&h, false, 0, &n);
    int64_t prev = clock_now_coarse(&h);
    for (int k = 0; k < 10000; k++) {
        n += (uint64_t)(k % 5);   /* also reads with no instruction between */
        int64_t v = clock_now_coarse(&h);
        if (v <= prev) fail_msg("read %d: %lld after %lld", k, (long long)v, (long long)prev);
        prev = v;
    }
    sleep_ms(5);
    int64_t before = clock_now(&h);
    n += CLOCK_COARSE_INSNS;
    int64_t v = clock_now_coarse(&h);
    if (v < before) fail_msg("not re-read after %u instructions: %lld < %lld", CLOCK_COARSE_INSNS,
                             (long long)v, (long long)before);
    sleep_ms(5);
    n += 10;
    EXPECT_EQ(clock_now_coarse(&h), v + 10, "10 instructions later, without a host read");
    clock_rebase(&h, 1000);
    n += 1;
    v = clock_now_coarse(&h);
    if (v < 1000 || v > 1000 + 1000000000LL) fail_msg("after a rebase to 1000: %lld", (long long)v);
}

static void coarse_clock_icount_mode(void **state)
{
    (void)state;
    insns = 12345;
    EXPECT_EQ(clock_now_coarse(&clk), clock_now(&clk), "icount: the clock itself");
    EXPECT_EQ(clock_now_coarse(&clk), 12345, "icount: instructions << 0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(icount_time_is_insns_shifted_plus_offset, setup),
        cmocka_unit_test_setup(timers_fire_in_deadline_order, setup),
        cmocka_unit_test_setup(timer_does_not_fire_before_deadline, setup),
        cmocka_unit_test_setup(rearming_and_deleting_move_the_timer, setup),
        cmocka_unit_test_setup(self_rearming_timer_fires_once_per_run, setup),
        cmocka_unit_test_setup(warp_adds_to_offset_in_icount_mode, setup),
        cmocka_unit_test_setup(host_clock_moves_forward, setup),
        cmocka_unit_test_setup(coarse_clock_host_mode, setup),
        cmocka_unit_test_setup(coarse_clock_icount_mode, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
