/* test_irq.c - interrupt-line objects and the wired-OR gate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "irq.h"
#include "pic.h"

static int calls, last_n, last_level;

static void recv(void *opaque, int n, int level)
{
    (*(int *)opaque)++;
    calls++;
    last_n = n;
    last_level = level;
}

static void set_raise_lower_pulse(void **state)
{
    (void)state;
    int mine = 0;
    IRQ l;
    calls = 0;
    irq_init(&l, recv, &mine, 7);
    irq_raise(&l);
    assert_int_equal(last_n, 7);
    assert_int_equal(last_level, 1);
    assert_int_equal(irq_level(&l), 1);
    irq_set(&l, 5);   /* any non-zero level is 1 */
    assert_int_equal(last_level, 1);
    irq_lower(&l);
    assert_int_equal(last_level, 0);
    assert_int_equal(irq_level(&l), 0);
    irq_pulse(&l);
    assert_int_equal(calls, 5);
    assert_int_equal(mine, 5);
    assert_int_equal(last_level, 0);
    /* An unconnected pin. */
    irq_raise(NULL);
    irq_pulse(NULL);
    assert_int_equal(irq_level(NULL), 0);
    assert_int_equal(calls, 5);
}

static void wired_or(void **state)
{
    (void)state;
    int outs = 0;
    IRQ out;
    IRQOr gate;
    calls = 0;
    irq_init(&out, recv, &outs, 3);
    irq_or_init(&gate, 3, &out);
    assert_null(irq_or_input(&gate, 3));
    IRQ *a = irq_or_input(&gate, 0), *b = irq_or_input(&gate, 2);
    irq_raise(a);
    assert_int_equal(outs, 1);
    assert_int_equal(irq_level(&out), 1);
    irq_raise(b);              /* already high: output not driven again */
    assert_int_equal(outs, 1);
    irq_lower(a);              /* b still high */
    assert_int_equal(outs, 1);
    assert_int_equal(irq_level(&out), 1);
    irq_lower(b);
    assert_int_equal(outs, 2);
    assert_int_equal(irq_level(&out), 0);
}

/* Two devices sharing IRQ5 through a wired-OR reach the PIC; its INT output
 * line reaches the receiver. */
static void shared_line_into_pic(void **state)
{
    (void)state;
    int intr = 0;
    IRQ intr_line;
    IOBus bus;
    PIC pic;
    IRQOr gate;
    io_init(&bus);
    irq_init(&intr_line, recv, &intr, 0);
    pic_init(&pic, &bus, &intr_line);
    io_write(&bus, 0x20, 0x11, 1);
    io_write(&bus, 0x21, 0x08, 1);
    io_write(&bus, 0x21, 0x04, 1);
    io_write(&bus, 0x21, 0x01, 1);
    io_write(&bus, 0x21, 0x00, 1);
    irq_or_init(&gate, 2, pic_input(&pic, 5));
    irq_raise(irq_or_input(&gate, 1));
    assert_int_equal(irq_level(&intr_line), 1);
    assert_int_equal(pic_ack(&pic), 0x0d);
    assert_int_equal(irq_level(&intr_line), 0);
    assert_null(pic_input(&pic, 16));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_raise_lower_pulse),
        cmocka_unit_test(wired_or),
        cmocka_unit_test(shared_line_into_pic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
