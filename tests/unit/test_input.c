/* test_input.c - host input into the guest: i8042_key's set 2 -> set 1
 * translation (the 8042 translation of the IBM PS/2 keyboard's scan code
 * sets, e.g. set 2 1C = set 1 1E for 'A'), frontend/keymap.c's QEMU key
 * names and their set 2 sequences, and PS/2 mouse packets from host
 * pointer events (IBM PS/2 Technical Reference, pointing device data
 * report; IntelliMouse 4-byte packets after the 200/100/80 rate knock). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devices/i8042.h"
#include "frontend/keymap.h"

static IOBus bus;
static Memory mem;
static I8042 kbc;

static int setup(void **state)
{
    (void)state;
    io_init(&bus);
    assert_true(mem_init(&mem, 1u << 20));
    i8042_init(&kbc, &bus, NULL, NULL, &mem, NULL, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mem_free(&mem);
    return 0;
}

/* Everything in the output queue. */
static int drain(uint8_t *out, int max)
{
    int n = 0;
    while ((i8042_read_status(&kbc) & I8042_STR_OBF) && n < max)
        out[n++] = i8042_read_data(&kbc);
    return n;
}

static void expect_bytes(const uint8_t *want, int n)
{
    uint8_t got[64];
    int m = drain(got, 64);
    assert_int_equal(m, n);
    assert_memory_equal(got, want, (size_t)n);
}

static void key(const uint8_t *b, int n) { i8042_key(&kbc, b, n); }

static void test_translation(void **state)
{
    (void)state;
    assert_true(kbc.ctr & I8042_CTR_XLATE);       /* what a BIOS leaves */
    static const uint8_t a_make[] = {0x1c}, a_break[] = {0xf0, 0x1c};
    key(a_make, 1);
    key(a_break, 2);
    expect_bytes((const uint8_t[]){0x1e, 0x9e}, 2);
    static const uint8_t del[] = {0xe0, 0x71, 0xe0, 0xf0, 0x71};
    key(del, 5);
    expect_bytes((const uint8_t[]){0xe0, 0x53, 0xe0, 0xd3}, 4);
    static const uint8_t f7[] = {0x83, 0xf0, 0x83};   /* set 2 F7 is 0x83 */
    key(f7, 3);
    expect_bytes((const uint8_t[]){0x41, 0xc1}, 2);
    static const uint8_t pause[] = {0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77};
    key(pause, 8);
    expect_bytes((const uint8_t[]){0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5}, 6);
    /* A few table rows: Esc, Enter, left Shift, keypad 5, F12, space. */
    static const uint8_t s2[] = {0x76, 0x5a, 0x12, 0x73, 0x07, 0x29};
    static const uint8_t s1[] = {0x01, 0x1c, 0x2a, 0x4c, 0x58, 0x39};
    for (int i = 0; i < 6; i++)
        assert_int_equal(i8042_translate(s2[i]), s1[i]);
}

static void test_no_translation_and_disabled(void **state)
{
    (void)state;
    i8042_write_command(&kbc, 0x60);
    i8042_write_data(&kbc, 0x04);                  /* XLATE off */
    static const uint8_t del[] = {0xe0, 0xf0, 0x71};
    key(del, 3);
    expect_bytes(del, 3);
    i8042_write_command(&kbc, 0xad);               /* keyboard interface off */
    key(del, 3);
    expect_bytes(NULL, 0);
}

static void test_keymap(void **state)
{
    (void)state;
    const KeyDef *k[8];
    int n;
    char err[64];
    uint8_t b[KEYMAP_SEQ_MAX];
    assert_true(keymap_parse_combo("ctrl-alt-delete", k, 8, &n, err, sizeof err));
    assert_int_equal(n, 3);
    assert_int_equal(keymap_set2(k[0], true, b), 1);
    assert_int_equal(b[0], 0x14);
    assert_int_equal(keymap_set2(k[1], false, b), 2);
    assert_memory_equal(b, ((const uint8_t[]){0xf0, 0x11}), 2);
    assert_int_equal(keymap_set2(k[2], false, b), 3);
    assert_memory_equal(b, ((const uint8_t[]){0xe0, 0xf0, 0x71}), 3);
    assert_false(keymap_parse_combo("ctrl-bogus", k, 8, &n, err, sizeof err));
    assert_string_equal(err, "invalid parameter: bogus");
    assert_false(keymap_parse_combo("a--b", k, 8, &n, err, sizeof err));
    const KeyDef *p = keymap_find("print");
    assert_int_equal(keymap_set2(p, true, b), 4);
    assert_memory_equal(b, ((const uint8_t[]){0xe0, 0x12, 0xe0, 0x7c}), 4);
    assert_int_equal(keymap_set2(keymap_find("pause"), false, b), 0);
    assert_non_null(keymap_find("kp_enter"));
    assert_null(keymap_find("menu"));
}

static void mouse_cmd(uint8_t c)
{
    uint8_t ack;
    i8042_write_command(&kbc, 0xd4);
    i8042_write_data(&kbc, c);
    assert_int_equal(drain(&ack, 1), 1);
    assert_int_equal(ack, 0xfa);
}

static void test_mouse_packets(void **state)
{
    (void)state;
    i8042_write_command(&kbc, 0xa8);               /* aux port on */
    i8042_mouse_event(&kbc, 5, -3, 0, 1);          /* not reporting yet */
    expect_bytes(NULL, 0);
    mouse_cmd(0xf4);
    i8042_mouse_event(&kbc, 5, -3, 0, 1);          /* left button, right 5, down 3 */
    assert_true(i8042_read_status(&kbc) & I8042_STR_AUXB);
    expect_bytes((const uint8_t[]){0x29, 0x05, 0xfd}, 3);
    i8042_mouse_event(&kbc, -300, 400, 0, 6);      /* clamped, overflow bits */
    expect_bytes((const uint8_t[]){0x08 | 0x06 | 0x10 | 0x40 | 0x80, 0x00, 0xff}, 3);
    /* IntelliMouse: sample rates 200, 100, 80, then ID 3 and 4-byte packets */
    static const uint8_t knock[] = {200, 100, 80};
    for (int i = 0; i < 3; i++) {
        mouse_cmd(0xf3);
        mouse_cmd(knock[i]);
    }
    uint8_t id[2];
    i8042_write_command(&kbc, 0xd4);
    i8042_write_data(&kbc, 0xf2);
    assert_int_equal(drain(id, 2), 2);
    assert_int_equal(id[1], 3);
    i8042_mouse_event(&kbc, 0, 0, -1, 0);          /* wheel away from the user */
    expect_bytes((const uint8_t[]){0x08, 0x00, 0x00, 0xff}, 4);
    i8042_write_command(&kbc, 0xa7);               /* aux port off: dropped */
    i8042_mouse_event(&kbc, 1, 1, 0, 0);
    expect_bytes(NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_translation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_translation_and_disabled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keymap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mouse_packets, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
