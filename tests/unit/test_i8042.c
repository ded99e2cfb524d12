/* test_i8042.c - the keyboard controller through ports 0x60/0x64: the
 * command byte, self tests, keyboard command responses, the probe sequence
 * Linux's i8042 driver runs (AUX loopback, no mouse behind the AUX port),
 * IRQ1/IRQ12 edges, A20 through the output port, and reset requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "i8042.h"
#include "pic.h"

#define EXPECT_EQ(actual, expected, what)                                                  \
    do {                                                                                   \
        long long a_ = (long long)(actual), e_ = (long long)(expected);                    \
        if (a_ != e_)                                                                      \
            fail_msg("%s: expected %lld (%#llx), got %lld (%#llx)", what, e_, e_, a_, a_);   \
    } while (0)

static IOBus bus;
static PIC pic;
static Memory mem;
static I8042 kbc;
static int resets;
static int irq1_count, irq12_count;

static void outb(uint16_t port, uint8_t v)
{
    io_write(&bus, port, v, 1);
}

static uint8_t inb(uint16_t port)
{
    return (uint8_t)io_read(&bus, port, 1);
}

static void on_reset(void *opaque)
{
    (void)opaque;
    resets++;
}

/* Count IRQ1 (vector 0x09) and IRQ12 (vector 0x74) deliveries. */
static void service(void)
{
    while (pic_intr_pending(&pic)) {
        int v = pic_ack(&pic);
        if (v == 0x09)
            irq1_count++;
        if (v == 0x74)
            irq12_count++;
        outb(0xa0, 0x20);
        outb(0x20, 0x20);
    }
}

static int setup(void **state)
{
    (void)state;
    resets = irq1_count = irq12_count = 0;
    io_init(&bus);
    pic_init(&pic, &bus, NULL);
    outb(0x20, 0x11); outb(0x21, 0x08); outb(0x21, 0x04); outb(0x21, 0x01);
    outb(0xa0, 0x11); outb(0xa1, 0x70); outb(0xa1, 0x02); outb(0xa1, 0x01);
    outb(0x21, 0x00);
    outb(0xa1, 0x00);
    assert_true(mem_init(&mem, 1u << 20));
    i8042_init(&kbc, &bus, pic_input(&pic, 1), pic_input(&pic, 12), &mem, on_reset, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mem_free(&mem);
    return 0;
}

/* Read one byte, checking the output buffer was full. */
static uint8_t read_obf(const char *what)
{
    uint8_t st = inb(0x64);
    if (!(st & I8042_STR_OBF))
        fail_msg("%s: output buffer empty (status %#x)", what, st);
    return inb(0x60);
}

static void expect_empty(const char *what)
{
    uint8_t st = inb(0x64);
    if (st & I8042_STR_OBF)
        fail_msg("%s: unexpected byte %#x (status %#x)", what, inb(0x60), st);
}

static void test_status_and_ctr(void **state)
{
    (void)state;
    uint8_t st = inb(0x64);
    EXPECT_EQ(st & (I8042_STR_OBF | I8042_STR_IBF), 0, "idle");
    EXPECT_EQ(st & I8042_STR_SYS, I8042_STR_SYS, "system flag after POST");
    outb(0x64, 0x20);
    EXPECT_EQ(inb(0x64) & I8042_STR_CMD, I8042_STR_CMD, "A2 after a command");
    EXPECT_EQ(read_obf("read CTR"), 0x45, "command byte: XLATE|SYS|KBDINT");
    outb(0x64, 0x60);
    outb(0x60, 0x74);
    EXPECT_EQ(inb(0x64) & I8042_STR_CMD, 0, "A2 clear after data");
    outb(0x64, 0x20);
    EXPECT_EQ(read_obf("read CTR back"), 0x74, "written command byte");
    outb(0x64, 0xa8);              /* aux enable clears CTR bit 5 */
    outb(0x64, 0xae);              /* kbd enable clears CTR bit 4 */
    outb(0x64, 0x20);
    EXPECT_EQ(read_obf("CTR after enables"), 0x44, "AUXDIS and KBDDIS cleared");
    outb(0x64, 0xa7);
    outb(0x64, 0xad);
    outb(0x64, 0x20);
    EXPECT_EQ(read_obf("CTR after disables"), 0x74, "AUXDIS and KBDDIS set");
}

static void test_self_tests(void **state)
{
    (void)state;
    outb(0x64, 0xaa);
    EXPECT_EQ(read_obf("self test"), 0x55, "controller self test passed");
    outb(0x64, 0xab);
    EXPECT_EQ(read_obf("kbd test"), 0x00, "keyboard interface OK");
    outb(0x64, 0xa9);
    EXPECT_EQ(read_obf("aux test"), 0x00, "aux interface OK");
    expect_empty("after the tests");
    EXPECT_EQ(inb(0x60), 0x00, "empty buffer re-reads the last byte");
}

static void test_keyboard_commands(void **state)
{
    (void)state;
    outb(0x60, 0xff);
    EXPECT_EQ(read_obf("reset ack"), 0xfa, "ack");
    EXPECT_EQ(read_obf("reset BAT"), 0xaa, "self-test passed");
    outb(0x60, 0xf2);
    EXPECT_EQ(read_obf("id ack"), 0xfa, "ack");
    EXPECT_EQ(read_obf("id 1"), 0xab, "MF2 id byte 1");
    EXPECT_EQ(read_obf("id 2"), 0x41, "MF2 id byte 2, translated");
    outb(0x64, 0x60);
    outb(0x60, 0x05);              /* translation off */
    outb(0x60, 0xf2);
    read_obf("id ack");
    read_obf("id 1");
    EXPECT_EQ(read_obf("id 2"), 0x83, "MF2 id byte 2, untranslated");
    outb(0x60, 0xed);
    EXPECT_EQ(read_obf("leds ack"), 0xfa, "ack");
    outb(0x60, 0x07);
    EXPECT_EQ(read_obf("leds arg ack"), 0xfa, "ack");
    EXPECT_EQ(kbc.leds, 7, "LEDs");
    outb(0x60, 0xf0);
    read_obf("scan set ack");
    outb(0x60, 0x00);
    EXPECT_EQ(read_obf("get set ack"), 0xfa, "ack");
    EXPECT_EQ(read_obf("get set"), 2, "scan code set 2");
    outb(0x60, 0xf5);
    EXPECT_EQ(read_obf("disable"), 0xfa, "ack");
    i8042_key_byte(&kbc, 0x1c);
    expect_empty("no scan codes while disabled");
    outb(0x60, 0xf4);
    EXPECT_EQ(read_obf("enable"), 0xfa, "ack");
    i8042_key_byte(&kbc, 0x1c);
    EXPECT_EQ(read_obf("key"), 0x1c, "scan code delivered");
    outb(0x60, 0xee);
    EXPECT_EQ(read_obf("echo"), 0xee, "echo");
    outb(0x60, 0x12);
    EXPECT_EQ(read_obf("bad"), 0xfe, "unknown command: resend");
}

/* Linux's probe: loopback through the AUX port, then the PS/2 mouse
 * behind it answering its ID (0xFA, 0x00) as aux data, not a timeout. */
static void test_aux(void **state)
{
    (void)state;
    outb(0x64, 0xd3);
    outb(0x60, 0x5a);
    EXPECT_EQ(inb(0x64) & (I8042_STR_OBF | I8042_STR_AUXB), I8042_STR_OBF | I8042_STR_AUXB,
              "loopback byte comes from the AUX port");
    EXPECT_EQ(inb(0x60), 0x5a, "loopback value");
    outb(0x64, 0xd4);
    outb(0x60, 0xf2);              /* "identify" to the mouse */
    uint8_t st = inb(0x64);
    EXPECT_EQ(st & (I8042_STR_OBF | I8042_STR_AUXB | I8042_STR_TIMEOUT),
              I8042_STR_OBF | I8042_STR_AUXB, "mouse answers from the AUX port, no timeout");
    EXPECT_EQ(inb(0x60), 0xfa, "ack");
    EXPECT_EQ(inb(0x60), 0x00, "standard PS/2 mouse ID");
    outb(0x64, 0xd2);
    outb(0x60, 0x9c);
    EXPECT_EQ(inb(0x64) & I8042_STR_AUXB, 0, "0xD2 is keyboard data");
    EXPECT_EQ(inb(0x60), 0x9c, "0xD2 value");
}

static void mouse_cmd(uint8_t b)
{
    outb(0x64, 0xd4);
    outb(0x60, b);
}

/* The PS/2 mouse command set (IBM PS/2 Technical Reference; IntelliMouse
 * wheel knock: rates 200, 100, 80 -> ID 3). */
static void test_mouse_commands(void **state)
{
    (void)state;
    mouse_cmd(0xff);                                   /* reset */
    EXPECT_EQ(inb(0x60), 0xfa, "reset ack");
    EXPECT_EQ(inb(0x60), 0xaa, "self-test passed");
    EXPECT_EQ(inb(0x60), 0x00, "ID after reset");
    mouse_cmd(0xe9);                                   /* status request: defaults */
    EXPECT_EQ(inb(0x60), 0xfa, "status ack");
    EXPECT_EQ(inb(0x60), 0x00, "stream mode, disabled, 1:1");
    EXPECT_EQ(inb(0x60), 0x02, "resolution 4 counts/mm");
    EXPECT_EQ(inb(0x60), 100, "100 samples/s");
    static const uint8_t knock[3] = {200, 100, 80};
    for (int i = 0; i < 3; i++) {
        mouse_cmd(0xf3);
        EXPECT_EQ(inb(0x60), 0xfa, "rate ack");
        mouse_cmd(knock[i]);
        EXPECT_EQ(inb(0x60), 0xfa, "rate argument ack");
    }
    mouse_cmd(0xf2);
    EXPECT_EQ(inb(0x60), 0xfa, "id ack");
    EXPECT_EQ(inb(0x60), 0x03, "wheel mouse after the knock");
    mouse_cmd(0xe8);
    inb(0x60);
    mouse_cmd(0x07);
    EXPECT_EQ(inb(0x60), 0xfe, "resolution 7 refused");
    mouse_cmd(0xe8);
    inb(0x60);
    mouse_cmd(0x03);
    EXPECT_EQ(inb(0x60), 0xfa, "resolution 3");
    mouse_cmd(0xf4);                                   /* enable reporting */
    inb(0x60);
    mouse_cmd(0xe7);                                   /* scaling 2:1 */
    inb(0x60);
    mouse_cmd(0xe9);
    inb(0x60);
    EXPECT_EQ(inb(0x60), 0x30, "enabled, 2:1");
    EXPECT_EQ(inb(0x60), 0x03, "resolution 3");
    EXPECT_EQ(inb(0x60), 80, "rate 80");
    mouse_cmd(0xeb);                                   /* read data: a packet */
    EXPECT_EQ(inb(0x60), 0xfa, "read data ack");
    EXPECT_EQ(inb(0x60), 0x08, "packet byte 1 (bit 3 always set)");
    EXPECT_EQ(inb(0x60), 0, "dx");
    EXPECT_EQ(inb(0x60), 0, "dy");
    mouse_cmd(0xee);                                   /* wrap mode echoes */
    inb(0x60);
    mouse_cmd(0x42);
    EXPECT_EQ(inb(0x60), 0x42, "wrap echo");
    mouse_cmd(0xec);
    EXPECT_EQ(inb(0x60), 0xfa, "wrap off");
    mouse_cmd(0x12);
    EXPECT_EQ(inb(0x60), 0xfe, "unknown command: resend");
    mouse_cmd(0xf6);                                   /* defaults */
    inb(0x60);
    EXPECT_EQ(kbc.mouse.rate, 100, "defaults: rate");
    EXPECT_EQ(kbc.mouse.reporting, 0, "defaults: disabled");
    EXPECT_EQ(kbc.mouse.id, 3, "defaults keep the ID");
    i8042_reset(&kbc);
    EXPECT_EQ(kbc.mouse.id, 0, "machine reset: plain mouse");
}

static void test_irqs(void **state)
{
    (void)state;
    outb(0x64, 0x60);
    outb(0x60, 0x47);              /* XLATE, SYS, AUXINT, KBDINT */
    service();
    outb(0x60, 0xff);              /* two bytes: two IRQ1 edges */
    service();
    EXPECT_EQ(irq1_count, 1, "IRQ1 for the ack");
    inb(0x60);
    service();
    EXPECT_EQ(irq1_count, 2, "IRQ1 again for the second byte");
    inb(0x60);
    service();
    EXPECT_EQ(irq1_count, 2, "no more bytes");
    outb(0x64, 0xd3);
    outb(0x60, 0x11);
    service();
    EXPECT_EQ(irq12_count, 1, "IRQ12 for aux data");
    inb(0x60);
    outb(0x64, 0x60);
    outb(0x60, 0x44);              /* interrupts off */
    outb(0x60, 0xf4);
    service();
    EXPECT_EQ(irq1_count, 2, "no IRQ1 with KBDINT clear");
    inb(0x60);
}

static void test_a20_and_reset(void **state)
{
    (void)state;
    outb(0x64, 0xd0);
    EXPECT_EQ(read_obf("outport") & 3, 3, "A20 on, reset line high");
    outb(0x64, 0xd1);
    outb(0x60, 0x01);              /* A20 off */
    assert_false(mem.a20);
    outb(0x64, 0xd0);
    EXPECT_EQ(read_obf("outport") & 2, 0, "A20 off in the output port");
    outb(0x64, 0xdf);
    assert_true(mem.a20);
    EXPECT_EQ(resets, 0, "no reset yet");
    outb(0x64, 0xff);              /* pulse nothing */
    EXPECT_EQ(resets, 0, "0xFF pulses no line");
    outb(0x64, 0xfe);
    EXPECT_EQ(resets, 1, "0xFE pulses reset");
    outb(0x64, 0xd1);
    outb(0x60, 0x02);              /* bit 0 low: reset */
    EXPECT_EQ(resets, 2, "output port bit 0 low resets");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_status_and_ctr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_self_tests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyboard_commands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_aux, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mouse_commands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_irqs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a20_and_reset, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
