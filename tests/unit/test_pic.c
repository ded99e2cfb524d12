/* test_pic.c - the cascaded 8259A pair, programmed through its ports as a
 * BIOS or OS would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pic.h"

#define EXPECT_EQ(actual, expected, what)                                                  \
    do {                                                                                   \
        unsigned long long a_ = (unsigned long long)(actual);                              \
        unsigned long long e_ = (unsigned long long)(expected);                            \
        if (a_ != e_)                                                                      \
            fail_msg("%s: expected %#llx, got %#llx", what, e_, a_);                       \
    } while (0)

static IOBus bus;
static PIC pic;
static int intr_level, intr_changes;

static IRQ intr_line;

static void on_intr(void *opaque, int n, int level)
{
    (void)n;
    (void)opaque;
    intr_level = level;
    intr_changes++;
}

static void outb(uint16_t port, uint8_t v)
{
    io_write(&bus, port, v, 1);
}

static uint8_t inb(uint16_t port)
{
    return (uint8_t)io_read(&bus, port, 1);
}

/* The PC BIOS's programming: edge mode, cascade, vectors 08h and 70h, 8086 mode. */
static void init_pc(bool auto_eoi, bool level)
{
    uint8_t icw1 = 0x11 | (level ? 0x08 : 0);
    uint8_t icw4 = 0x01 | (auto_eoi ? 0x02 : 0);
    outb(0x20, icw1);
    outb(0x21, 0x08);
    outb(0x21, 0x04);
    outb(0x21, icw4);
    outb(0xa0, icw1);
    outb(0xa1, 0x70);
    outb(0xa1, 0x02);
    outb(0xa1, icw4);
    outb(0x21, 0x00);
    outb(0xa1, 0x00);
}

/* `info irq`: rising edges per input, as QEMU counts them; a line held
 * high counts once, the counts are not state (reset keeps them). */
static void irq_counts_count_rising_edges(void **state);
static int setup(void **state)
{
    (void)state;
    io_init(&bus);
    intr_level = 0;
    intr_changes = 0;
    irq_init(&intr_line, on_intr, NULL, 0);
    pic_init(&pic, &bus, &intr_line);
    init_pc(false, false);
    return 0;
}

static void eoi(void)
{
    outb(0x20, 0x20);
}

static void init_sequence_programs_vectors_and_clears_imr(void **state)
{
    (void)state;
    outb(0x21, 0xff);
    init_pc(false, false);   /* ICW1 clears IMR; the test BIOS then writes 0 */
    EXPECT_EQ(inb(0x21), 0x00, "master IMR after init");
    pic_set_irq(&pic, 0, 1);
    EXPECT_EQ(pic_ack(&pic), 0x08, "IRQ0 vector with ICW2=08h");
    eoi();
    pic_set_irq(&pic, 9, 1);
    EXPECT_EQ(pic_ack(&pic), 0x71, "IRQ9 vector with slave ICW2=70h");
}

static void icw1_alone_clears_imr(void **state)
{
    (void)state;
    outb(0x21, 0xaa);
    outb(0x20, 0x11);
    EXPECT_EQ(inb(0x21), 0x00, "IMR right after ICW1");
}

static void ocw3_selects_irr_or_isr_and_imr_reads_back(void **state)
{
    (void)state;
    pic_set_irq(&pic, 3, 1);
    pic_set_irq(&pic, 5, 1);
    EXPECT_EQ(inb(0x20), 0x28, "IRR (default read) with IRQ3 and IRQ5 requested");
    EXPECT_EQ(pic_ack(&pic), 0x0b, "vector of IRQ3");
    outb(0x20, 0x0b);   /* OCW3: read ISR */
    EXPECT_EQ(inb(0x20), 0x08, "ISR after acknowledging IRQ3");
    outb(0x20, 0x0a);   /* OCW3: read IRR */
    EXPECT_EQ(inb(0x20), 0x20, "IRR after acknowledging IRQ3 (IRQ5 still requested)");
    outb(0x21, 0x5a);
    EXPECT_EQ(inb(0x21), 0x5a, "IMR reads back what OCW1 wrote");
}

static void lower_irq_number_has_priority(void **state)
{
    (void)state;
    pic_set_irq(&pic, 6, 1);
    pic_set_irq(&pic, 1, 1);
    pic_set_irq(&pic, 4, 1);
    EXPECT_EQ(pic_ack(&pic), 0x09, "first vector: IRQ1 beats IRQ4 and IRQ6");
    eoi();
    EXPECT_EQ(pic_ack(&pic), 0x0c, "second vector: IRQ4");
    eoi();
    EXPECT_EQ(pic_ack(&pic), 0x0e, "third vector: IRQ6");
}

static void higher_priority_nests_while_lower_is_blocked(void **state)
{
    (void)state;
    pic_set_irq(&pic, 3, 1);
    EXPECT_EQ(pic_ack(&pic), 0x0b, "IRQ3 taken");
    EXPECT_EQ(intr_level, 0, "INTR after the only request went in service");
    pic_set_irq(&pic, 5, 1);
    EXPECT_EQ(intr_level, 0, "INTR for IRQ5 while IRQ3 is in service (lower priority waits)");
    pic_set_irq(&pic, 1, 1);
    EXPECT_EQ(intr_level, 1, "INTR for IRQ1 while IRQ3 is in service (nests)");
    EXPECT_EQ(pic_ack(&pic), 0x09, "nested vector IRQ1");
    outb(0x20, 0x0b);
    EXPECT_EQ(inb(0x20), 0x0a, "ISR with IRQ1 and IRQ3 in service");
    eoi();   /* clears IRQ1, the highest in service */
    EXPECT_EQ(inb(0x20), 0x08, "ISR after the first non-specific EOI");
    EXPECT_EQ(intr_level, 0, "IRQ5 still blocked by IRQ3");
    eoi();
    EXPECT_EQ(intr_level, 1, "IRQ5 delivered once IRQ3 is done");
    EXPECT_EQ(pic_ack(&pic), 0x0d, "vector IRQ5");
}

static void specific_eoi_clears_the_named_level(void **state)
{
    (void)state;
    pic_set_irq(&pic, 4, 1);
    pic_ack(&pic);
    pic_set_irq(&pic, 1, 1);
    pic_ack(&pic);
    outb(0x20, 0x0b);
    EXPECT_EQ(inb(0x20), 0x12, "ISR with IRQ1 and IRQ4");
    outb(0x20, 0x64);   /* specific EOI for level 4 */
    EXPECT_EQ(inb(0x20), 0x02, "ISR after specific EOI 4 (IRQ1 left)");
}

static void auto_eoi_never_sets_isr(void **state)
{
    (void)state;
    init_pc(true, false);
    pic_set_irq(&pic, 3, 1);
    EXPECT_EQ(pic_ack(&pic), 0x0b, "vector in auto-EOI mode");
    outb(0x20, 0x0b);
    EXPECT_EQ(inb(0x20), 0x00, "ISR in auto-EOI mode");
    pic_set_irq(&pic, 5, 1);
    EXPECT_EQ(intr_level, 1, "a lower request is not blocked without an EOI");
}

static void masked_request_waits_for_unmask(void **state)
{
    (void)state;
    outb(0x21, 0x01);
    pic_set_irq(&pic, 0, 1);
    EXPECT_EQ(intr_level, 0, "INTR with IRQ0 masked");
    EXPECT_EQ(inb(0x20) & 1, 1, "IRR still records the masked request");
    outb(0x21, 0x00);
    EXPECT_EQ(intr_level, 1, "INTR once IRQ0 is unmasked");
    EXPECT_EQ(pic_ack(&pic), 0x08, "vector IRQ0");
}

static void edge_held_high_does_not_retrigger(void **state)
{
    (void)state;
    pic_set_irq(&pic, 0, 1);
    pic_ack(&pic);
    eoi();
    pic_set_irq(&pic, 0, 1);   /* still high: no new edge */
    EXPECT_EQ(intr_level, 0, "INTR with IRQ0 held high after its EOI");
    EXPECT_EQ(inb(0x20) & 1, 0, "IRR bit 0 with no new edge");
    pic_set_irq(&pic, 0, 0);
    pic_set_irq(&pic, 0, 1);
    EXPECT_EQ(intr_level, 1, "INTR after a fresh low-to-high edge");
}

static void level_mode_requests_again_while_high(void **state)
{
    (void)state;
    init_pc(false, true);
    pic_set_irq(&pic, 0, 1);
    EXPECT_EQ(pic_ack(&pic), 0x08, "vector IRQ0 in level mode");
    EXPECT_EQ(intr_level, 0, "INTR while IRQ0 is in service");
    eoi();
    EXPECT_EQ(intr_level, 1, "level still high after EOI: requests again");
    pic_set_irq(&pic, 0, 0);
    EXPECT_EQ(intr_level, 0, "INTR drops with the level");
}

static void slave_irqs_use_slave_vectors_and_master_irq2(void **state)
{
    (void)state;
    for (int irq = 8; irq < 16; irq++) {
        pic_set_irq(&pic, irq, 1);
        EXPECT_EQ(intr_level, 1, "INTR for a slave request");
        EXPECT_EQ(pic_ack(&pic), 0x70 + irq - 8, "slave vector 70h + (irq - 8)");
        outb(0x20, 0x0b);
        EXPECT_EQ(inb(0x20), 0x04, "master ISR shows IRQ2 for a slave interrupt");
        outb(0xa0, 0x0b);
        EXPECT_EQ(inb(0xa0), 1u << (irq - 8), "slave ISR bit");
        outb(0xa0, 0x20);
        outb(0x20, 0x20);
        pic_set_irq(&pic, irq, 0);
    }
    /* IRQ8 outranks IRQ3 (it comes in through IR2). */
    pic_set_irq(&pic, 3, 1);
    pic_set_irq(&pic, 8, 1);
    EXPECT_EQ(pic_ack(&pic), 0x70, "IRQ8 before IRQ3");
}

static void request_vanishing_before_inta_gives_spurious_irq7(void **state)
{
    (void)state;
    pic_set_irq(&pic, 5, 1);
    EXPECT_EQ(intr_level, 1, "INTR for IRQ5");
    pic_set_irq(&pic, 5, 0);
    EXPECT_EQ(intr_level, 0, "INTR drops when the request goes away");
    EXPECT_EQ(pic_ack(&pic), 0x0f, "an INTA with no request gets IRQ7's vector");
    outb(0x20, 0x0b);
    EXPECT_EQ(inb(0x20), 0x00, "spurious IRQ7 sets no ISR bit");
}

static void slave_spurious_gives_irq15_with_master_irq2_in_service(void **state)
{
    (void)state;
    /* The slave's request vanished after the master latched IR2. */
    pic.chip[0].level |= 0x04;
    pic.chip[0].edge |= 0x04;
    EXPECT_EQ(pic_ack(&pic), 0x77, "vector of a spurious slave interrupt");
    outb(0x20, 0x0b);
    EXPECT_EQ(inb(0x20), 0x04, "master ISR keeps IRQ2 (needs its EOI)");
    outb(0xa0, 0x0b);
    EXPECT_EQ(inb(0xa0), 0x00, "slave ISR stays clear");
}

static void intr_callback_follows_the_output(void **state)
{
    (void)state;
    intr_changes = 0;
    pic_set_irq(&pic, 1, 1);
    pic_set_irq(&pic, 4, 1);   /* already asserted: no change */
    EXPECT_EQ(intr_changes, 1, "callback calls for two requests");
    pic_ack(&pic);
    EXPECT_EQ(intr_changes, 2, "callback calls after INTA drops INTR");
    if (!(pic_intr_pending(&pic) == false))
        fail_msg("pic_intr_pending should be false while IRQ4 waits for EOI");
}

static void rotate_on_eoi_makes_serviced_level_lowest(void **state)
{
    (void)state;
    pic_set_irq(&pic, 3, 1);
    pic_ack(&pic);
    outb(0x20, 0xa0);   /* rotate on non-specific EOI: IRQ3 becomes lowest */
    pic_set_irq(&pic, 3, 0);
    pic_set_irq(&pic, 3, 1);
    pic_set_irq(&pic, 5, 1);
    EXPECT_EQ(pic_ack(&pic), 0x0d, "after rotation IRQ5 outranks IRQ3");
    outb(0x20, 0xc7);   /* set priority: IRQ7 lowest again */
    outb(0x20, 0x20);
    EXPECT_EQ(pic_ack(&pic), 0x0b, "then IRQ3");
}

static void poll_command_returns_and_acknowledges_the_level(void **state)
{
    (void)state;
    pic_set_irq(&pic, 6, 1);
    outb(0x20, 0x0c);   /* OCW3 poll */
    EXPECT_EQ(inb(0x20), 0x86, "poll word: bit 7 set, level 6");
    outb(0x20, 0x0b);
    EXPECT_EQ(inb(0x20), 0x40, "polled level is in service");
    eoi();
    outb(0x20, 0x0c);
    EXPECT_EQ(inb(0x20), 0x00, "poll with nothing pending");
}

static void special_mask_mode_lets_lower_levels_in(void **state)
{
    (void)state;
    pic_set_irq(&pic, 1, 1);
    pic_ack(&pic);
    outb(0x21, 0x02);   /* mask the in-service level */
    outb(0x20, 0x68);   /* OCW3: set special mask */
    pic_set_irq(&pic, 4, 1);
    EXPECT_EQ(intr_level, 1, "IRQ4 gets through in special mask mode");
    EXPECT_EQ(pic_ack(&pic), 0x0c, "vector IRQ4");
}

static void irq_counts_count_rising_edges(void **state)
{
    (void)state;
    uint64_t base0 = pic_irq_counts(&pic)[0], base9 = pic_irq_counts(&pic)[9];
    pic_set_irq(&pic, 0, 1);
    pic_set_irq(&pic, 0, 1);
    pic_set_irq(&pic, 0, 0);
    pic_set_irq(&pic, 0, 1);
    pic_set_irq(&pic, 9, 1);
    assert_int_equal(pic_irq_counts(&pic)[0] - base0, 2);
    assert_int_equal(pic_irq_counts(&pic)[9] - base9, 1);
    pic_reset(&pic);
    assert_int_equal(pic_irq_counts(&pic)[0] - base0, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(init_sequence_programs_vectors_and_clears_imr, setup),
        cmocka_unit_test_setup(icw1_alone_clears_imr, setup),
        cmocka_unit_test_setup(ocw3_selects_irr_or_isr_and_imr_reads_back, setup),
        cmocka_unit_test_setup(lower_irq_number_has_priority, setup),
        cmocka_unit_test_setup(higher_priority_nests_while_lower_is_blocked, setup),
        cmocka_unit_test_setup(specific_eoi_clears_the_named_level, setup),
        cmocka_unit_test_setup(auto_eoi_never_sets_isr, setup),
        cmocka_unit_test_setup(masked_request_waits_for_unmask, setup),
        cmocka_unit_test_setup(edge_held_high_does_not_retrigger, setup),
        cmocka_unit_test_setup(level_mode_requests_again_while_high, setup),
        cmocka_unit_test_setup(slave_irqs_use_slave_vectors_and_master_irq2, setup),
        cmocka_unit_test_setup(request_vanishing_before_inta_gives_spurious_irq7, setup),
        cmocka_unit_test_setup(slave_spurious_gives_irq15_with_master_irq2_in_service, setup),
        cmocka_unit_test_setup(intr_callback_follows_the_output, setup),
        cmocka_unit_test_setup(irq_counts_count_rising_edges, setup),
        cmocka_unit_test_setup(rotate_on_eoi_makes_serviced_level_lowest, setup),
        cmocka_unit_test_setup(poll_command_returns_and_acknowledges_the_level, setup),
        cmocka_unit_test_setup(special_mask_mode_lets_lower_levels_in, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
