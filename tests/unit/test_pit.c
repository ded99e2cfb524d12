/* test_pit.c - the 8254 PIT at chosen virtual times (icount clock driven by
 * a counter the test advances), its IRQ0 edges and port 0x61. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pit.h"
#include "pic.h"

#define EXPECT_EQ(actual, expected, what)                                                  \
    do {                                                                                   \
        long long a_ = (long long)(actual), e_ = (long long)(expected);                    \
        if (a_ != e_)                                                                      \
            fail_msg("%s: expected %lld (%#llx), got %lld (%#llx)", what, e_, e_, a_, a_);   \
    } while (0)

static uint64_t insns;   /* 1 ns per "instruction" (shift 0) */
static Clock clk;
static IOBus bus;
static PIC pic;
static PIT pit;
static int irq0_count;

static void outb(uint16_t port, uint8_t v)
{
    io_write(&bus, port, v, 1);
}

static uint8_t inb(uint16_t port)
{
    return (uint8_t)io_read(&bus, port, 1);
}

/* Virtual ns at which input-clock tick t begins. */
static uint64_t tick_ns(int64_t t)
{
    return (uint64_t)(((__int128)t * 1000000000 + PIT_FREQ - 1) / PIT_FREQ);
}

/* Take every interrupt the PIC offers, counting IRQ0 (vector 08h). */
static void service_pic(void)
{
    while (pic_intr_pending(&pic)) {
        if (pic_ack(&pic) == 0x08)
            irq0_count++;
        outb(0x20, 0x20);
    }
}

/* Advance virtual time to tick t, firing due timers in order as the run
 * loop would, and servicing the PIC after each. */
static void run_to_tick(int64_t t)
{
    uint64_t target = tick_ns(t);
    for (;;) {
        int64_t d = clock_next_deadline(&clk);
        if (d > (int64_t)target)
            break;
        if ((uint64_t)d > insns)
            insns = (uint64_t)d;
        clock_run_timers(&clk);
        service_pic();
    }
    insns = target;
    clock_run_timers(&clk);
    service_pic();
}

static int setup(void **state)
{
    (void)state;
    insns = 0;
    clock_init(&clk, true, 0, &insns);
    io_init(&bus);
    pic_init(&pic, &bus, NULL);
    outb(0x20, 0x11);
    outb(0x21, 0x08);
    outb(0x21, 0x04);
    outb(0x21, 0x01);
    outb(0x21, 0x00);
    pit_init(&pit, &bus, &clk, pic_input(&pic, 0));
    service_pic();
    irq0_count = 0;
    return 0;
}

static void program(int ch, int mode, uint16_t count)
{
    outb(0x43, (uint8_t)((ch << 6) | 0x30 | (mode << 1)));
    outb((uint16_t)(0x40 + ch), count & 0xff);
    outb((uint16_t)(0x40 + ch), count >> 8);
}

static void mode0_out_rises_at_terminal_count_once(void **state)
{
    (void)state;
    run_to_tick(1000);
    program(0, 0, 100);
    EXPECT_EQ(pit_get_out(&pit, 0), 0, "mode 0 OUT right after the count write");
    run_to_tick(1030);
    EXPECT_EQ(pit_get_count(&pit, 0), 70, "mode 0 count 30 clocks after loading 100");
    run_to_tick(1099);
    EXPECT_EQ(pit_get_out(&pit, 0), 0, "mode 0 OUT one clock before terminal count");
    EXPECT_EQ(irq0_count, 0, "IRQ0 before terminal count");
    run_to_tick(1100);
    EXPECT_EQ(pit_get_out(&pit, 0), 1, "mode 0 OUT at terminal count");
    EXPECT_EQ(irq0_count, 1, "IRQ0 at terminal count");
    run_to_tick(1101);
    EXPECT_EQ(pit_get_count(&pit, 0), 0xffff, "mode 0 keeps counting through 0 to FFFF");
    run_to_tick(200000);
    EXPECT_EQ(pit_get_out(&pit, 0), 1, "mode 0 OUT stays high");
    EXPECT_EQ(irq0_count, 1, "mode 0 interrupts once");
}

static void mode0_gate_low_pauses_the_count(void **state)
{
    (void)state;
    outb(0x61, 0x01);
    run_to_tick(1000);
    program(2, 0, 100);
    run_to_tick(1040);
    outb(0x61, 0x00);
    run_to_tick(1090);
    EXPECT_EQ(pit_get_count(&pit, 2), 60, "count held while the gate is low");
    EXPECT_EQ(pit_get_out(&pit, 2), 0, "OUT still low while paused");
    outb(0x61, 0x01);
    run_to_tick(1149);
    EXPECT_EQ(pit_get_out(&pit, 2), 0, "OUT one clock before the resumed terminal count");
    run_to_tick(1150);
    EXPECT_EQ(pit_get_out(&pit, 2), 1, "OUT at the resumed terminal count");
}

static void mode1_one_shot_starts_on_gate_edge_and_retriggers(void **state)
{
    (void)state;
    run_to_tick(1000);
    program(2, 1, 50);
    EXPECT_EQ(pit_get_out(&pit, 2), 1, "mode 1 OUT before any trigger");
    run_to_tick(2000);
    outb(0x61, 0x01);   /* gate rising edge: trigger */
    EXPECT_EQ(pit_get_out(&pit, 2), 0, "mode 1 OUT right after the trigger");
    EXPECT_EQ(inb(0x61) & 0x20, 0x00, "port 61h bit 5 shows channel 2 OUT low");
    run_to_tick(2020);
    EXPECT_EQ(pit_get_count(&pit, 2), 30, "mode 1 count 20 clocks after the trigger");
    run_to_tick(2049);
    EXPECT_EQ(pit_get_out(&pit, 2), 0, "mode 1 OUT one clock before the end");
    run_to_tick(2050);
    EXPECT_EQ(pit_get_out(&pit, 2), 1, "mode 1 OUT at the end of the one-shot");
    EXPECT_EQ(inb(0x61) & 0x20, 0x20, "port 61h bit 5 shows channel 2 OUT high");
    run_to_tick(2060);
    outb(0x61, 0x00);
    outb(0x61, 0x01);   /* retrigger */
    run_to_tick(2109);
    EXPECT_EQ(pit_get_out(&pit, 2), 0, "retriggered one-shot still low at +49");
    run_to_tick(2110);
    EXPECT_EQ(pit_get_out(&pit, 2), 1, "retriggered one-shot ends at +50");
}

static void mode2_rate_generator_pulses_low_once_per_period(void **state)
{
    (void)state;
    run_to_tick(1000);
    program(0, 2, 10);
    irq0_count = 0;
    EXPECT_EQ(pit_get_count(&pit, 0), 10, "mode 2 count at load");
    run_to_tick(1005);
    EXPECT_EQ(pit_get_count(&pit, 0), 5, "mode 2 count after 5 clocks");
    EXPECT_EQ(pit_get_out(&pit, 0), 1, "mode 2 OUT mid-period");
    run_to_tick(1009);
    EXPECT_EQ(pit_get_count(&pit, 0), 1, "mode 2 count at the end of the period");
    EXPECT_EQ(pit_get_out(&pit, 0), 0, "mode 2 OUT low while the count is 1");
    run_to_tick(1010);
    EXPECT_EQ(pit_get_out(&pit, 0), 1, "mode 2 OUT high again after reload");
    EXPECT_EQ(pit_get_count(&pit, 0), 10, "mode 2 count reloaded");
    run_to_tick(1100);
    EXPECT_EQ(irq0_count, 10, "IRQ0 edges in 10 periods");
}

/* pit_peek (the monitor's `info pit`): the datasheet's count and OUT, and
 * the channel itself untouched (a pending count stays pending). */
static void peek_reads_count_and_out_without_changing_the_channel(void **state)
{
    (void)state;
    run_to_tick(1000);
    program(0, 2, 100);
    run_to_tick(1040);
    outb(0x40, 20);
    outb(0x40, 0);
    run_to_tick(1099);
    PITPeek pk;
    PITChannel before = pit.ch[0];
    pit_peek(&pit, 0, &pk);
    EXPECT_EQ(pk.count, 1, "mode 2 count 1 at the end of the period");
    EXPECT_EQ(pk.out, 0, "mode 2 OUT low while the count is 1");
    EXPECT_EQ(memcmp(&before, &pit.ch[0], sizeof before), 0, "peek leaves the channel as it was");
    insns = tick_ns(1100);
    pit_peek(&pit, 0, &pk);
    EXPECT_EQ(pk.count, 20, "the new count, seen through the peek at the period end");
    EXPECT_EQ(pit.ch[0].pending, 1, "... while the channel's pending count is still pending");
}

static void mode2_new_count_waits_for_the_end_of_the_period(void **state)
{
    (void)state;
    run_to_tick(1000);
    program(0, 2, 100);
    run_to_tick(1040);
    outb(0x40, 20);
    outb(0x40, 0);
    EXPECT_EQ(pit_get_count(&pit, 0), 60, "current period continues after a new count");
    run_to_tick(1100);
    EXPECT_EQ(pit_get_count(&pit, 0), 20, "new count loaded at the end of the period");
    irq0_count = 0;
    run_to_tick(1200);
    EXPECT_EQ(irq0_count, 5, "IRQ0 edges at the new rate over 100 clocks");
}

static void mode3_square_wave_halves(void **state)
{
    (void)state;
    run_to_tick(1000);
    program(0, 3, 10);
    irq0_count = 0;
    for (int t = 0; t < 10; t++) {
        run_to_tick(1000 + t);
        EXPECT_EQ(pit_get_out(&pit, 0), t < 5, "mode 3 (count 10) OUT during the period");
        EXPECT_EQ((pic.chip[0].level & 1), t < 5, "IRQ0 line follows OUT in mode 3");
    }
    run_to_tick(1001);
    EXPECT_EQ(pit_get_count(&pit, 0), 8, "mode 3 counts down by two");
    run_to_tick(1100);
    EXPECT_EQ(irq0_count, 10, "IRQ0 edges in 10 square-wave periods");
    program(0, 3, 11);
    int64_t t0 = 1100;
    int high = 0;
    for (int t = 0; t < 11; t++) {
        run_to_tick(t0 + t);
        high += pit_get_out(&pit, 0);
    }
    EXPECT_EQ(high, 6, "mode 3 with odd count 11: clocks high (low is 5)");
}

static void mode4_strobes_low_for_one_clock(void **state)
{
    (void)state;
    run_to_tick(1000);
    program(0, 4, 20);
    irq0_count = 0;
    EXPECT_EQ(pit_get_out(&pit, 0), 1, "mode 4 OUT after loading");
    run_to_tick(1005);
    EXPECT_EQ(pit_get_count(&pit, 0), 15, "mode 4 count after 5 clocks");
    run_to_tick(1019);
    EXPECT_EQ(pit_get_out(&pit, 0), 1, "mode 4 OUT before terminal count");
    run_to_tick(1020);
    EXPECT_EQ(pit_get_out(&pit, 0), 0, "mode 4 strobe at terminal count");
    run_to_tick(1021);
    EXPECT_EQ(pit_get_out(&pit, 0), 1, "mode 4 OUT high after the strobe");
    run_to_tick(300000);
    EXPECT_EQ(irq0_count, 1, "mode 4 strobes once");
}

static void mode5_strobe_counts_from_gate_edge(void **state)
{
    (void)state;
    run_to_tick(1000);
    program(2, 5, 30);
    run_to_tick(3000);
    EXPECT_EQ(pit_get_out(&pit, 2), 1, "mode 5 OUT before trigger");
    outb(0x61, 0x01);
    run_to_tick(3029);
    EXPECT_EQ(pit_get_out(&pit, 2), 1, "mode 5 OUT before terminal count");
    run_to_tick(3030);
    EXPECT_EQ(pit_get_out(&pit, 2), 0, "mode 5 strobe 30 clocks after the gate edge");
    run_to_tick(3031);
    EXPECT_EQ(pit_get_out(&pit, 2), 1, "mode 5 OUT after the strobe");
}

static void gate_low_holds_mode2_high_and_rising_gate_reloads(void **state)
{
    (void)state;
    outb(0x61, 0x01);
    run_to_tick(1000);
    program(2, 2, 10);
    run_to_tick(1009);
    EXPECT_EQ(pit_get_out(&pit, 2), 0, "mode 2 low at count 1");
    outb(0x61, 0x00);
    EXPECT_EQ(pit_get_out(&pit, 2), 1, "gate low forces mode 2 OUT high");
    run_to_tick(1500);
    outb(0x61, 0x01);
    EXPECT_EQ(pit_get_count(&pit, 2), 10, "rising gate reloads the count");
    run_to_tick(1509);
    EXPECT_EQ(pit_get_out(&pit, 2), 0, "period restarts from the gate edge");
}

static void counter_latch_freezes_the_value_read(void **state)
{
    (void)state;
    run_to_tick(1000);
    program(0, 2, 1000);
    run_to_tick(1100);
    outb(0x43, 0x00);   /* latch channel 0 */
    run_to_tick(1300);
    outb(0x43, 0x00);   /* a second latch before reading is ignored */
    uint16_t v = inb(0x40);
    v |= (uint16_t)(inb(0x40) << 8);
    EXPECT_EQ(v, 900, "latched count (latched 100 clocks after loading 1000)");
    v = inb(0x40);
    v |= (uint16_t)(inb(0x40) << 8);
    EXPECT_EQ(v, 700, "live count once the latch has been read");
}

static void access_modes_lobyte_hibyte_and_lohi(void **state)
{
    (void)state;
    run_to_tick(1000);
    outb(0x43, 0x14);   /* ch0, lobyte only, mode 2 */
    outb(0x40, 0x50);
    EXPECT_EQ(pit_get_count(&pit, 0), 0x50, "lobyte-only write loads the low byte");
    run_to_tick(1010);
    EXPECT_EQ(inb(0x40), 0x46, "lobyte-only read");
    EXPECT_EQ(inb(0x40), 0x46, "lobyte-only reads do not alternate");
    outb(0x43, 0x24);   /* ch0, hibyte only, mode 2 */
    outb(0x40, 0x02);
    EXPECT_EQ(pit_get_count(&pit, 0), 0x200, "hibyte-only write loads the high byte");
    run_to_tick(1026);
    EXPECT_EQ(inb(0x40), 0x01, "hibyte-only read of 0x1F0");
    outb(0x43, 0x34);   /* lo then hi */
    outb(0x40, 0x34);
    outb(0x40, 0x12);
    EXPECT_EQ(pit_get_count(&pit, 0), 0x1234, "lo/hi write pair");
    EXPECT_EQ(inb(0x40), 0x34, "lo/hi read: low byte first");
    EXPECT_EQ(inb(0x40), 0x12, "lo/hi read: then the high byte");
}

static void read_back_latches_status_and_count(void **state)
{
    (void)state;
    run_to_tick(1000);
    outb(0x43, 0x34);   /* ch0 lohi mode 2, no count yet */
    outb(0x43, 0xe2);   /* read-back: status only, channel 0 */
    EXPECT_EQ(inb(0x40), 0x40 | 0x80 | 0x34, "status before a count: OUT high, null count, lohi, mode 2");
    outb(0x40, 0x00);
    outb(0x40, 0x10);   /* 0x1000 */
    run_to_tick(1016);
    outb(0x43, 0xc2);   /* read-back: count and status, channel 0 */
    run_to_tick(1100);
    EXPECT_EQ(inb(0x40), 0x80 | 0x34, "status first: OUT high, count loaded");
    uint16_t v = inb(0x40);
    v |= (uint16_t)(inb(0x40) << 8);
    EXPECT_EQ(v, 0x1000 - 16, "then the count latched at the read-back");
    outb(0x43, 0x37);   /* mode 3 BCD */
    outb(0x43, 0xe2);
    EXPECT_EQ(inb(0x40) & 0x0f, 0x07, "status reports mode 3 and the BCD flag");
}

static void port61_gate_out_and_refresh_bits(void **state)
{
    (void)state;
    EXPECT_EQ(inb(0x61) & 0x01, 0, "gate bit after reset");
    outb(0x61, 0x03);
    EXPECT_EQ(inb(0x61) & 0x03, 0x03, "gate and speaker bits read back");
    program(2, 0, 100);
    EXPECT_EQ(inb(0x61) & 0x20, 0, "bit 5: channel 2 OUT low in mode 0");
    run_to_tick(200);
    EXPECT_EQ(inb(0x61) & 0x20, 0x20, "bit 5: channel 2 OUT high after terminal count");
    insns = 1000;
    int r1 = inb(0x61) & 0x10;
    insns += 15085;
    int r2 = inb(0x61) & 0x10;
    if (r1 == r2)
        fail_msg("bit 4 (refresh) should toggle every 15.085 us of virtual time");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(mode0_out_rises_at_terminal_count_once, setup),
        cmocka_unit_test_setup(mode0_gate_low_pauses_the_count, setup),
        cmocka_unit_test_setup(mode1_one_shot_starts_on_gate_edge_and_retriggers, setup),
        cmocka_unit_test_setup(mode2_rate_generator_pulses_low_once_per_period, setup),
        cmocka_unit_test_setup(peek_reads_count_and_out_without_changing_the_channel, setup),
        cmocka_unit_test_setup(mode2_new_count_waits_for_the_end_of_the_period, setup),
        cmocka_unit_test_setup(mode3_square_wave_halves, setup),
        cmocka_unit_test_setup(mode4_strobes_low_for_one_clock, setup),
        cmocka_unit_test_setup(mode5_strobe_counts_from_gate_edge, setup),
        cmocka_unit_test_setup(gate_low_holds_mode2_high_and_rising_gate_reloads, setup),
        cmocka_unit_test_setup(counter_latch_freezes_the_value_read, setup),
        cmocka_unit_test_setup(access_modes_lobyte_hibyte_and_lohi, setup),
        cmocka_unit_test_setup(read_back_latches_status_and_count, setup),
        cmocka_unit_test_setup(port61_gate_out_and_refresh_bits, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
