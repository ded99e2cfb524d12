/* test_cmos.c - the MC146818 RTC/CMOS: time registers in BCD and binary,
 * 12/24-hour mode, UIP timing, periodic/alarm/update interrupts on IRQ8,
 * SET-bit writes, NMI mask bit and the PC/AT memory-size bytes. Virtual
 * time is an icount clock (1 ns per "instruction") the test advances. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cmos.h"
#include "pic.h"

#define EXPECT_EQ(actual, expected, what)                                                  \
    do {                                                                                   \
        long long a_ = (long long)(actual), e_ = (long long)(expected);                    \
        if (a_ != e_)                                                                      \
            fail_msg("%s: expected %lld (%#llx), got %lld (%#llx)", what, e_, e_, a_, a_);   \
    } while (0)

#define NS 1000000000ull
#define T_2024 1709214356     /* 2024-02-29 13:45:56 UTC, a Thursday */
#define T_1999 946684798      /* 1999-12-31 23:59:58 UTC, a Friday */

static uint64_t insns;
static Clock clk;
static IOBus bus;
static PIC pic;
static CMOS rtc;
static int irq8_count;

static void outb(uint16_t port, uint8_t v)
{
    io_write(&bus, port, v, 1);
}

static uint8_t inb(uint16_t port)
{
    return (uint8_t)io_read(&bus, port, 1);
}

static uint8_t rd(uint8_t idx)
{
    outb(0x70, idx);
    return inb(0x71);
}

static void wr(uint8_t idx, uint8_t v)
{
    outb(0x70, idx);
    outb(0x71, v);
}

/* An interrupt handler's work: acknowledge IRQ8 (vector 0x70 after the
 * ICWs below), read register C, EOI both PICs. */
static void service(void)
{
    while (pic_intr_pending(&pic)) {
        int v = pic_ack(&pic);
        if (v == 0x70) {
            irq8_count++;
            rd(CMOS_REG_C);
        }
        outb(0xa0, 0x20);
        outb(0x20, 0x20);
    }
}

/* Advance virtual time to t ns, firing timers in order and servicing. */
static void run_to(uint64_t t)
{
    for (;;) {
        int64_t d = clock_next_deadline(&clk);
        if (d > (int64_t)t)
            break;
        if ((uint64_t)d > insns)
            insns = (uint64_t)d;
        clock_run_timers(&clk);
        service();
    }
    insns = t;
    clock_run_timers(&clk);
    service();
}

static void pic_setup(void)
{
    /* ICW1-4 for master (base 0x08) and slave (base 0x70), all unmasked. */
    outb(0x20, 0x11); outb(0x21, 0x08); outb(0x21, 0x04); outb(0x21, 0x01);
    outb(0xa0, 0x11); outb(0xa1, 0x70); outb(0xa1, 0x02); outb(0xa1, 0x01);
    outb(0x21, 0x00);
    outb(0xa1, 0x00);
}

static int setup(void **state)
{
    (void)state;
    insns = 0;
    irq8_count = 0;
    io_init(&bus);
    clock_init(&clk, true, 0, &insns);
    pic_init(&pic, &bus, NULL);
    pic_setup();
    cmos_init(&rtc, &bus, &clk, pic_input(&pic, CMOS_IRQ), 128u << 20);
    cmos_set_time(&rtc, T_2024);
    return 0;
}

static void test_bcd_24h(void **state)
{
    (void)state;
    EXPECT_EQ(rd(CMOS_SEC), 0x56, "seconds");
    EXPECT_EQ(rd(CMOS_MIN), 0x45, "minutes");
    EXPECT_EQ(rd(CMOS_HOUR), 0x13, "hours");
    EXPECT_EQ(rd(CMOS_WDAY), 5, "day of week (Thursday, Sunday = 1)");
    EXPECT_EQ(rd(CMOS_MDAY), 0x29, "day of month");
    EXPECT_EQ(rd(CMOS_MONTH), 0x02, "month");
    EXPECT_EQ(rd(CMOS_YEAR), 0x24, "year");
    EXPECT_EQ(rd(CMOS_CENTURY), 0x20, "century");
    EXPECT_EQ(rd(CMOS_REG_A), 0x26, "register A at reset");
    EXPECT_EQ(rd(CMOS_REG_B), 0x02, "register B at reset");
    EXPECT_EQ(rd(CMOS_REG_D), 0x80, "register D: VRT");
}

static void test_binary_12h(void **state)
{
    (void)state;
    wr(CMOS_REG_B, CMOS_B_DM);   /* binary, 12-hour */
    EXPECT_EQ(rd(CMOS_SEC), 56, "seconds");
    EXPECT_EQ(rd(CMOS_MIN), 45, "minutes");
    EXPECT_EQ(rd(CMOS_HOUR), 0x80 | 1, "1 PM");
    EXPECT_EQ(rd(CMOS_MDAY), 29, "day");
    EXPECT_EQ(rd(CMOS_YEAR), 24, "year");
    EXPECT_EQ(rd(CMOS_CENTURY), 20, "century");
    wr(CMOS_REG_B, 0);           /* BCD, 12-hour */
    EXPECT_EQ(rd(CMOS_HOUR), 0x81, "1 PM in BCD");
    cmos_set_time(&rtc, T_2024 - 13 * 3600);  /* 00:45:56: 12 AM */
    EXPECT_EQ(rd(CMOS_HOUR), 0x12, "12 AM");
    cmos_set_time(&rtc, T_2024 - 3600);       /* 12:45:56: 12 PM */
    EXPECT_EQ(rd(CMOS_HOUR), 0x92, "12 PM");
}

static void test_time_advances(void **state)
{
    (void)state;
    cmos_set_time(&rtc, T_1999);
    run_to(2 * NS + 1);          /* 1999-12-31 23:59:58 + 2 s */
    EXPECT_EQ(rd(CMOS_SEC), 0x00, "seconds rolled over");
    EXPECT_EQ(rd(CMOS_MIN), 0x00, "minutes rolled over");
    EXPECT_EQ(rd(CMOS_HOUR), 0x00, "hours rolled over");
    EXPECT_EQ(rd(CMOS_MDAY), 0x01, "day 1");
    EXPECT_EQ(rd(CMOS_MONTH), 0x01, "January");
    EXPECT_EQ(rd(CMOS_YEAR), 0x00, "year 00");
    EXPECT_EQ(rd(CMOS_CENTURY), 0x20, "century 20");
    EXPECT_EQ(rd(CMOS_WDAY), 7, "Saturday");
}

static void test_uip(void **state)
{
    (void)state;
    /* set_time at virtual 0: second boundaries at multiples of 1 s. */
    run_to(NS - CMOS_UIP_NS - 1);
    EXPECT_EQ(rd(CMOS_REG_A) & CMOS_A_UIP, 0, "UIP before the window");
    EXPECT_EQ(rd(CMOS_SEC), 0x56, "still :56");
    run_to(NS - CMOS_UIP_NS);
    EXPECT_EQ(rd(CMOS_REG_A) & CMOS_A_UIP, CMOS_A_UIP, "UIP in the 244 us window");
    run_to(NS - 1);
    EXPECT_EQ(rd(CMOS_REG_A) & CMOS_A_UIP, CMOS_A_UIP, "UIP just before the boundary");
    run_to(NS);
    EXPECT_EQ(rd(CMOS_REG_A) & CMOS_A_UIP, 0, "UIP clear after the update");
    EXPECT_EQ(rd(CMOS_SEC), 0x57, "seconds updated");
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H);
    run_to(2 * NS - 1000);
    EXPECT_EQ(rd(CMOS_REG_A) & CMOS_A_UIP, 0, "no UIP while SET");
}

/* Periodic interrupts over one second at rate select rs. */
static int periodic_count(int rs)
{
    irq8_count = 0;
    uint64_t t0 = insns;
    wr(CMOS_REG_A, (uint8_t)(0x20 | rs));
    rd(CMOS_REG_C);
    wr(CMOS_REG_B, CMOS_B_PIE | CMOS_B_24H);
    run_to(t0 + NS);
    wr(CMOS_REG_B, CMOS_B_24H);
    return irq8_count;
}

static void test_periodic(void **state)
{
    (void)state;
    int n = periodic_count(6);
    assert_true(n >= 1023 && n <= 1024);
    n = periodic_count(3);
    assert_true(n >= 8191 && n <= 8192);
    n = periodic_count(15);
    assert_true(n >= 1 && n <= 2);
    n = periodic_count(1);         /* RS 1 = 256 Hz */
    assert_true(n >= 255 && n <= 256);
    EXPECT_EQ(periodic_count(0), 0, "RS 0: no periodic interrupt");
    /* PF without PIE: flag set, no IRQ, cleared on read. */
    wr(CMOS_REG_A, 0x26);
    irq8_count = 0;
    run_to(insns + NS / 100);
    uint8_t c = rd(CMOS_REG_C);
    EXPECT_EQ(c & (CMOS_C_PF | CMOS_C_IRQF), CMOS_C_PF, "PF set, IRQF not");
    EXPECT_EQ(rd(CMOS_REG_C), 0, "register C cleared by the read");
    EXPECT_EQ(irq8_count, 0, "no interrupt without PIE");
}

/* The reset line clears PIE/AIE/UIE/SQWE and the flags (lowering IRQ8);
 * the time, register A and the RAM bytes stay. */
static void test_reset(void **state)
{
    (void)state;
    wr(0x40, 0xa5);
    wr(CMOS_REG_A, 0x26);
    wr(CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE | CMOS_B_UIE | CMOS_B_SQWE);
    run_to(insns + NS / 100);
    assert_true(irq8_count > 0);
    /* A raised, unserviced flag: IRQ8 stays high until the reset. */
    insns += NS / 100;
    clock_run_timers(&clk);
    assert_true(rtc.irq_level);
    cmos_reset(&rtc);
    assert_false(rtc.irq_level);
    EXPECT_EQ(rd(CMOS_REG_B), CMOS_B_24H, "register B after reset");
    EXPECT_EQ(rd(CMOS_REG_C), 0, "register C after reset");
    EXPECT_EQ(rd(CMOS_REG_A), 0x26, "register A kept");
    EXPECT_EQ(rd(0x40), 0xa5, "RAM kept");
    EXPECT_EQ(rd(CMOS_HOUR), 0x13, "time kept");
    irq8_count = 0;
    run_to(insns + NS * 2);
    EXPECT_EQ(irq8_count, 0, "no interrupt after reset");
}

static void test_alarm(void **state)
{
    (void)state;
    wr(CMOS_REG_A, 0x20);          /* no periodic flag to confuse the count */
    wr(CMOS_SEC_ALARM, 0x59);      /* 13:45:59: three seconds ahead */
    wr(CMOS_MIN_ALARM, 0x45);
    wr(CMOS_HOUR_ALARM, 0x13);
    rd(CMOS_REG_C);
    wr(CMOS_REG_B, CMOS_B_AIE | CMOS_B_24H);
    run_to(3 * NS - 1);
    EXPECT_EQ(irq8_count, 0, "no alarm before 13:45:59");
    run_to(3 * NS);
    EXPECT_EQ(irq8_count, 1, "alarm at 13:45:59");
    run_to(10 * NS);
    EXPECT_EQ(irq8_count, 1, "the alarm fires once");
    /* "Don't care" hours and minutes: fires when the seconds match. */
    wr(CMOS_MIN_ALARM, 0xc0);
    wr(CMOS_HOUR_ALARM, 0xff);
    wr(CMOS_SEC_ALARM, 0x10);      /* now 13:46:06 -> 13:46:10 is 4 s on */
    run_to(13 * NS);
    EXPECT_EQ(irq8_count, 1, "not yet");
    run_to(14 * NS);
    EXPECT_EQ(irq8_count, 2, "wildcard alarm at 13:46:10");
    run_to(74 * NS);
    EXPECT_EQ(irq8_count, 3, "and again at 13:47:10");
}

static void test_update_interrupt(void **state)
{
    (void)state;
    wr(CMOS_REG_A, 0x20);
    rd(CMOS_REG_C);
    wr(CMOS_REG_B, CMOS_B_UIE | CMOS_B_24H);
    run_to(5 * NS + 1000);
    EXPECT_EQ(irq8_count, 5, "one update-ended interrupt per second");
    /* SET clears UIE and stops updates. */
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_UIE | CMOS_B_24H);
    EXPECT_EQ(rd(CMOS_REG_B) & CMOS_B_UIE, 0, "SET clears UIE");
}

static void test_set_and_write(void **state)
{
    (void)state;
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H);
    wr(CMOS_HOUR, 0x08);
    wr(CMOS_MIN, 0x30);
    wr(CMOS_SEC, 0x00);
    wr(CMOS_MDAY, 0x15);
    wr(CMOS_MONTH, 0x07);
    wr(CMOS_YEAR, 0x31);
    run_to(5 * NS);
    EXPECT_EQ(rd(CMOS_SEC), 0x00, "clock stopped while SET");
    EXPECT_EQ(rd(CMOS_HOUR), 0x08, "written hour");
    wr(CMOS_REG_B, CMOS_B_24H);    /* restart */
    run_to(7 * NS);
    EXPECT_EQ(rd(CMOS_SEC), 0x02, "runs from the written time");
    EXPECT_EQ(rd(CMOS_MIN), 0x30, "minutes");
    EXPECT_EQ(rd(CMOS_MDAY), 0x15, "day");
    EXPECT_EQ(rd(CMOS_MONTH), 0x07, "month");
    EXPECT_EQ(rd(CMOS_YEAR), 0x31, "year");
    EXPECT_EQ(rd(CMOS_WDAY), 3, "2031-07-15 is a Tuesday");
    EXPECT_EQ(cmos_time_ns(&rtc) / (int64_t)NS, 1941870602, "epoch seconds");
}

static void test_nmi_and_ram(void **state)
{
    (void)state;
    outb(0x70, 0x80 | 0x0f);
    assert_true(cmos_nmi_masked(&rtc));
    outb(0x71, 0x5a);              /* shutdown status byte */
    outb(0x70, 0x0f);
    assert_false(cmos_nmi_masked(&rtc));
    EXPECT_EQ(inb(0x71), 0x5a, "CMOS RAM byte");
    EXPECT_EQ(inb(0x70), 0xff, "the index port is write-only");
    wr(CMOS_REG_D, 0);
    EXPECT_EQ(rd(CMOS_REG_D), 0x80, "register D is read-only");

    /* 128 MiB: 640 KiB base, extended memory capped at 0xFFFF KiB,
     * 112 MiB above 16 MiB = 1792 x 64 KiB. */
    EXPECT_EQ(rd(0x15) | rd(0x16) << 8, 640, "base memory");
    EXPECT_EQ(rd(0x17) | rd(0x18) << 8, 0xffff, "extended memory (capped)");
    EXPECT_EQ(rd(0x30) | rd(0x31) << 8, 0xffff, "extended memory copy");
    EXPECT_EQ(rd(0x34) | rd(0x35) << 8, 1792, "memory above 16 MiB");
    EXPECT_EQ(rd(0x14), 0x02, "equipment: FPU");
    unsigned sum = 0;
    for (int i = 0x10; i <= 0x2d; i++)
        sum += rd((uint8_t)i);
    EXPECT_EQ(rd(0x2e) << 8 | rd(0x2f), sum, "checksum");

    CMOS small;
    cmos_init(&small, NULL, &clk, NULL, 32u << 20);
    EXPECT_EQ(cmos_read_reg(&small, 0x17) | cmos_read_reg(&small, 0x18) << 8, 31744,
              "32 MiB: 31 MiB extended");
    EXPECT_EQ(cmos_read_reg(&small, 0x34) | cmos_read_reg(&small, 0x35) << 8, 256,
              "32 MiB: 16 MiB above 16 MiB");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_bcd_24h, setup),
        cmocka_unit_test_setup(test_binary_12h, setup),
        cmocka_unit_test_setup(test_time_advances, setup),
        cmocka_unit_test_setup(test_uip, setup),
        cmocka_unit_test_setup(test_periodic, setup),
        cmocka_unit_test_setup(test_reset, setup),
        cmocka_unit_test_setup(test_alarm, setup),
        cmocka_unit_test_setup(test_update_interrupt, setup),
        cmocka_unit_test_setup(test_set_and_write, setup),
        cmocka_unit_test_setup(test_nmi_and_ram, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
