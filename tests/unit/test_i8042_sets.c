/* test_i8042_sets.c - the keyboard's scan code sets 1 and 3
 * (devices/i8042_sets.c) and the set 3 commands. Expected codes are the
 * IBM PS/2 keyboard technical reference's set 1 and set 3 tables (and its
 * command descriptions: F0 n selects, F0 00 answers the set; FB/FC/FD take
 * a list of key codes, each acknowledged, ended by a command), worked by
 * hand; tests/input's sendkey test compares the same sets with QEMU. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "i8042.h"
#include "pic.h"

static IOBus bus;
static PIC pic;
static Memory mem;
static I8042 kbc;

static void outb(uint16_t port, uint8_t v) { io_write(&bus, port, v, 1); }
static uint8_t inb(uint16_t port) { return (uint8_t)io_read(&bus, port, 1); }

static int setup(void **state)
{
    (void)state;
    io_init(&bus);
    pic_init(&pic, &bus, NULL);
    assert_true(mem_init(&mem, 1u << 20));
    i8042_init(&kbc, &bus, pic_input(&pic, 1), pic_input(&pic, 12), &mem, NULL, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mem_free(&mem);
    return 0;
}

/* All bytes waiting in the output buffer, as hex ("fa 03"). */
static void drain(char *out, size_t len)
{
    size_t n = 0;
    out[0] = 0;
    while ((inb(0x64) & I8042_STR_OBF) && n + 4 < len)
        n += (size_t)snprintf(out + n, len - n, n ? " %02x" : "%02x", inb(0x60));
}

static void expect(const char *want)
{
    char got[256];
    drain(got, sizeof got);
    assert_string_equal(got, want);
}

static void ctr(uint8_t v) { outb(0x64, 0x60), outb(0x60, v); }
static void key(const uint8_t *b, int n) { i8042_key(&kbc, b, n); }

/* The IBM set 3 codes of the 101/102-key keyboard, by set 2 code. */
static const struct { uint8_t set2; bool e0; uint8_t set3; const char *name; } ibm3[] = {
    {0x76, 0, 0x08, "Esc"}, {0x05, 0, 0x07, "F1"}, {0x06, 0, 0x0f, "F2"}, {0x04, 0, 0x17, "F3"},
    {0x0c, 0, 0x1f, "F4"}, {0x03, 0, 0x27, "F5"}, {0x0b, 0, 0x2f, "F6"}, {0x83, 0, 0x37, "F7"},
    {0x0a, 0, 0x3f, "F8"}, {0x01, 0, 0x47, "F9"}, {0x09, 0, 0x4f, "F10"}, {0x78, 0, 0x56, "F11"},
    {0x07, 0, 0x5e, "F12"}, {0x7e, 0, 0x5f, "Scroll Lock"}, {0x58, 0, 0x14, "Caps Lock"},
    {0x14, 0, 0x11, "left Ctrl"}, {0x11, 0, 0x19, "left Alt"}, {0x11, 1, 0x39, "right Alt"},
    {0x14, 1, 0x58, "right Ctrl"}, {0x12, 0, 0x12, "left Shift"}, {0x59, 0, 0x59, "right Shift"},
    {0x5d, 0, 0x5c, "backslash"}, {0x61, 0, 0x13, "102nd key"}, {0x5a, 0, 0x5a, "Enter"},
    {0x66, 0, 0x66, "Backspace"}, {0x0d, 0, 0x0d, "Tab"}, {0x29, 0, 0x29, "Space"},
    {0x1c, 0, 0x1c, "A"}, {0x4a, 0, 0x4a, "slash"}, {0x4e, 0, 0x4e, "minus"},
    {0x77, 0, 0x76, "Num Lock"}, {0x4a, 1, 0x77, "keypad /"}, {0x7c, 0, 0x7e, "keypad *"},
    {0x7b, 0, 0x84, "keypad -"}, {0x79, 0, 0x7c, "keypad +"}, {0x5a, 1, 0x79, "keypad Enter"},
    {0x71, 0, 0x71, "keypad ."}, {0x70, 0, 0x70, "keypad 0"}, {0x6c, 0, 0x6c, "keypad 7"},
    {0x70, 1, 0x67, "Insert"}, {0x71, 1, 0x64, "Delete"}, {0x6c, 1, 0x6e, "Home"},
    {0x69, 1, 0x65, "End"}, {0x7d, 1, 0x6f, "Page Up"}, {0x7a, 1, 0x6d, "Page Down"},
    {0x75, 1, 0x63, "Up"}, {0x72, 1, 0x60, "Down"}, {0x6b, 1, 0x61, "Left"},
    {0x74, 1, 0x6a, "Right"}, {0x7c, 1, 0x57, "Print Screen"}, {0x84, 0, 0x57, "SysRq"},
    {0x1f, 1, 0x8b, "left Windows"}, {0x27, 1, 0x8c, "right Windows"}, {0x2f, 1, 0x8d, "Menu"},
};

static void test_set3_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ibm3 / sizeof ibm3[0]; i++)
        if (i8042_set3_code(ibm3[i].set2, ibm3[i].e0) != ibm3[i].set3)
            fail_msg("%s: set 3 %#x, want %#x", ibm3[i].name,
                     i8042_set3_code(ibm3[i].set2, ibm3[i].e0), ibm3[i].set3);
    /* one code per key: no two keys share a set 3 code */
    int owner[256];
    memset(owner, 0, sizeof owner);
    for (int e0 = 0; e0 < 2; e0++)
        for (int c = 0; c < 0x85; c++) {
            uint8_t s3 = i8042_set3_code((uint8_t)c, e0);
            if (!s3 || (c == 0x84 && !e0))
                continue;             /* SysRq is Print Screen's code */
            int id = e0 << 8 | c;
            if (owner[s3] && owner[s3] != id + 1)
                fail_msg("set 3 code %#x for two keys (%#x, %#x)", s3, owner[s3] - 1, id);
            owner[s3] = id + 1;
        }
}

static void test_select_and_query(void **state)
{
    (void)state;
    ctr(0x04);                              /* no translation */
    outb(0x60, 0xf0); outb(0x60, 0x03);
    outb(0x60, 0xf0); outb(0x60, 0x00);
    expect("fa fa fa fa 03");
    ctr(0x44);                              /* translated: the answer too */
    outb(0x60, 0xf0); outb(0x60, 0x00);
    expect("fa fa 3f");
    outb(0x60, 0xf0); outb(0x60, 0x01);
    outb(0x60, 0xf0); outb(0x60, 0x00);
    expect("fa fa fa fa 43");
    outb(0x60, 0xf6);                       /* defaults: set 2 */
    outb(0x60, 0xf0); outb(0x60, 0x00);
    expect("fa fa fa 41");
}

static void test_set3_commands(void **state)
{
    (void)state;
    ctr(0x04);
    outb(0x60, 0xf0); outb(0x60, 0x03);
    outb(0x60, 0xf8);                       /* all keys make/break */
    outb(0x60, 0xfc);                       /* make/break for: */
    outb(0x60, 0x1c); outb(0x60, 0x62);     /* A, Pause */
    outb(0x60, 0xf4);                       /* a command ends the list */
    expect("fa fa fa fa fa fa fa");
    outb(0x60, 0xfd); outb(0x60, 0x11);     /* make only: left Ctrl */
    outb(0x60, 0xee);                       /* echo ends it */
    expect("fa fa ee");
    for (uint8_t c = 0xf7; c <= 0xfa; c++)
        outb(0x60, c);
    expect("fa fa fa fa");
}

static void test_set3_keys(void **state)
{
    (void)state;
    ctr(0x04);
    outb(0x60, 0xf0); outb(0x60, 0x03);
    expect("fa fa");
    static const uint8_t a_dn[] = {0x1c}, a_up[] = {0xf0, 0x1c};
    key(a_dn, 1), key(a_up, 2);
    expect("1c f0 1c");
    static const uint8_t del_up[] = {0xe0, 0xf0, 0x71};
    key(del_up, 3);
    expect("f0 64");
    static const uint8_t prt_dn[] = {0xe0, 0x12, 0xe0, 0x7c};      /* with its fake shift */
    key(prt_dn, 4);
    expect("57");
    static const uint8_t pause[] = {0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77};
    key(pause, 8);
    expect("62 f0 62");
    static const uint8_t alt_sysrq[] = {0xf0, 0x11, 0x11, 0x84};   /* Alt held: fake Alt up/down */
    key(alt_sysrq, 4);
    expect("57");
    static const uint8_t kp_minus[] = {0x7b};
    key(kp_minus, 1);
    expect("84");
    ctr(0x44);                              /* translated as the 8042 does: 84 -> 54 */
    key(kp_minus, 1);
    expect("54");
}

static void test_set1_keys(void **state)
{
    (void)state;
    ctr(0x04);
    outb(0x60, 0xf0); outb(0x60, 0x01);
    expect("fa fa");
    static const uint8_t a_dn[] = {0x1c}, a_up[] = {0xf0, 0x1c};
    key(a_dn, 1), key(a_up, 2);
    expect("1e 9e");
    static const uint8_t right_up[] = {0xe0, 0xf0, 0x74};
    key(right_up, 3);
    expect("e0 cd");
    static const uint8_t prt_up[] = {0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12};
    key(prt_up, 6);
    expect("e0 b7 e0 aa");
    static const uint8_t pause[] = {0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77};
    key(pause, 8);
    expect("e1 1d 45 e1 9d c5");
    static const uint8_t f7[] = {0x83};
    key(f7, 1);
    expect("41");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_set3_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_select_and_query, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set3_commands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set3_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set1_keys, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
