/* test_iobus.c - port bus dispatch: size splitting, unclaimed ports, override. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "iobus.h"

#define EXPECT_EQ(actual, expected, what)                                                  \
    do {                                                                                   \
        unsigned long long a_ = (unsigned long long)(actual);                              \
        unsigned long long e_ = (unsigned long long)(expected);                            \
        if (a_ != e_)                                                                      \
            fail_msg("%s: expected %#llx, got %#llx", what, e_, a_);                       \
    } while (0)

typedef struct Rec {
    int n;
    uint16_t port[8];
    int size[8];
    uint32_t val[8];
    uint8_t id;
} Rec;

static uint32_t rec_read(void *opaque, uint16_t port, int size)
{
    Rec *r = opaque;
    if (r->n < 8) {
        r->port[r->n] = port;
        r->size[r->n] = size;
        r->n++;
    }
    /* Reads return the port's low byte repeated with the device id mixed in. */
    uint32_t b = (uint32_t)(port & 0xff) ^ r->id;
    return b | (b << 8) | (b << 16) | (b << 24);
}

static void rec_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    Rec *r = opaque;
    if (r->n < 8) {
        r->port[r->n] = port;
        r->size[r->n] = size;
        r->val[r->n] = val;
        r->n++;
    }
}

static IOBus bus;

static void unclaimed_port_reads_all_ones(void **state)
{
    (void)state;
    io_init(&bus);
    EXPECT_EQ(io_read(&bus, 0x1234, 1), 0xff, "byte read of an unclaimed port");
    EXPECT_EQ(io_read(&bus, 0x1234, 2), 0xffff, "word read of an unclaimed port");
    EXPECT_EQ(io_read(&bus, 0x1234, 4), 0xffffffffu, "dword read of an unclaimed port");
    io_write(&bus, 0x1234, 0x55, 1);   /* dropped, must not crash */
}

static void word_access_to_byte_device_splits_into_consecutive_ports(void **state)
{
    (void)state;
    Rec r = {.id = 0};
    io_init(&bus);
    io_register(&bus, 0x100, 4, rec_read, rec_write, &r, IO_SIZE_1);
    io_write(&bus, 0x100, 0xaabbccdd, 4);
    EXPECT_EQ(r.n, 4, "number of byte writes a dword write becomes");
    for (int i = 0; i < 4; i++) {
        EXPECT_EQ(r.port[i], 0x100 + i, "port of each byte write");
        EXPECT_EQ(r.size[i], 1, "size of each split write");
    }
    EXPECT_EQ(r.val[0], 0xdd, "first byte written is the low byte");
    EXPECT_EQ(r.val[3], 0xaa, "last byte written is the high byte");
    r.n = 0;
    EXPECT_EQ(io_read(&bus, 0x101, 2), 0x0201, "word read assembles bytes little-endian");
    EXPECT_EQ(r.n, 2, "number of byte reads a word read becomes");
}

static void dword_access_to_word_device_becomes_two_word_accesses(void **state)
{
    (void)state;
    Rec r = {.id = 0};
    io_init(&bus);
    io_register(&bus, 0x200, 4, rec_read, rec_write, &r, IO_SIZE_2);
    io_write(&bus, 0x200, 0x11223344, 4);
    EXPECT_EQ(r.n, 2, "word accesses for one dword write");
    EXPECT_EQ(r.size[0], 2, "size of the first access");
    EXPECT_EQ(r.val[0], 0x3344, "low word written first");
    EXPECT_EQ(r.port[1], 0x202, "second word goes to port+2");
    EXPECT_EQ(r.val[1], 0x1122, "high word written second");
}

static void accepted_size_reaches_handler_whole(void **state)
{
    (void)state;
    Rec r = {.id = 0};
    io_init(&bus);
    io_register(&bus, 0x300, 4, rec_read, rec_write, &r, IO_SIZE_1 | IO_SIZE_2 | IO_SIZE_4);
    io_write(&bus, 0x300, 0xdeadbeef, 4);
    EXPECT_EQ(r.n, 1, "accesses for a dword write the device accepts");
    EXPECT_EQ(r.size[0], 4, "size seen by the device");
    EXPECT_EQ(r.val[0], 0xdeadbeef, "value seen by the device");
}

static void wide_access_spans_two_devices(void **state)
{
    (void)state;
    Rec a = {.id = 0x10}, b = {.id = 0x20};
    io_init(&bus);
    io_register(&bus, 0x400, 1, rec_read, rec_write, &a, IO_SIZE_1);
    io_register(&bus, 0x401, 1, rec_read, rec_write, &b, IO_SIZE_1);
    uint32_t v = io_read(&bus, 0x400, 2);
    EXPECT_EQ(v & 0xff, 0x00 ^ 0x10, "low byte from the first device");
    EXPECT_EQ(v >> 8, 0x01 ^ 0x20, "high byte from the second device");
    EXPECT_EQ(a.n + b.n, 2, "one byte access per device");
}

static void partly_unclaimed_wide_read_has_ones_in_unclaimed_bytes(void **state)
{
    (void)state;
    Rec a = {.id = 0};
    io_init(&bus);
    io_register(&bus, 0x500, 1, rec_read, rec_write, &a, IO_SIZE_1);
    EXPECT_EQ(io_read(&bus, 0x500, 2), 0xff00, "unclaimed port 0x501 reads 0xff");
}

static void later_registration_overrides_earlier(void **state)
{
    (void)state;
    Rec a = {.id = 0x10}, b = {.id = 0x20};
    io_init(&bus);
    io_register(&bus, 0x600, 8, rec_read, rec_write, &a, IO_SIZE_1);
    io_register(&bus, 0x604, 1, rec_read, rec_write, &b, IO_SIZE_1);
    io_write(&bus, 0x604, 1, 1);
    io_write(&bus, 0x603, 1, 1);
    io_write(&bus, 0x605, 1, 1);
    EXPECT_EQ(b.n, 1, "writes reaching the overriding device (only port 0x604)");
    EXPECT_EQ(a.n, 2, "writes reaching the first device (0x603, 0x605)");
}

static void byte_access_to_dword_only_device_uses_low_byte(void **state)
{
    (void)state;
    Rec r = {.id = 0};
    io_init(&bus);
    io_register(&bus, 0x700, 4, rec_read, rec_write, &r, IO_SIZE_4);
    EXPECT_EQ(io_read(&bus, 0x700, 1), 0x00, "byte read keeps the low byte of the dword");
    EXPECT_EQ(r.size[0], 4, "device sees its own access size");
    io_write(&bus, 0x700, 0x5a, 1);
    EXPECT_EQ(r.size[1], 4, "byte write reaches the device as a dword");
    EXPECT_EQ(r.val[1], 0x5a, "value of that write");
}

static void port_range_wraps_at_ffff(void **state)
{
    (void)state;
    Rec r = {.id = 0};
    io_init(&bus);
    io_register(&bus, 0xffff, 1, rec_read, rec_write, &r, IO_SIZE_1);
    io_write(&bus, 0xffff, 0x1234, 2);
    EXPECT_EQ(r.n, 1, "only the claimed byte at 0xffff is written");
    EXPECT_EQ(r.val[0], 0x34, "low byte to 0xffff");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unclaimed_port_reads_all_ones),
        cmocka_unit_test(word_access_to_byte_device_splits_into_consecutive_ports),
        cmocka_unit_test(dword_access_to_word_device_becomes_two_word_accesses),
        cmocka_unit_test(accepted_size_reaches_handler_whole),
        cmocka_unit_test(wide_access_spans_two_devices),
        cmocka_unit_test(partly_unclaimed_wide_read_has_ones_in_unclaimed_bytes),
        cmocka_unit_test(later_registration_overrides_earlier),
        cmocka_unit_test(byte_access_to_dword_only_device_uses_low_byte),
        cmocka_unit_test(port_range_wraps_at_ffff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
