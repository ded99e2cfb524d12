/* test_dma.c - the 8237A pair (devices/dma.c): register access through the
 * byte-pointer flip-flop, page registers, transfers in both directions,
 * decrement, terminal count (status bit, dma_tc, mask on EOP), autoinit,
 * masking and the disable bit, 16-bit channels, reset and save/load.
 * Expected behaviour: Intel 8237A datasheet (register set, "Autoinitialize",
 * "Terminal count"), IBM PC/AT Technical Reference (page ports, word DMA). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dma.h"
#include "vm_roundtrip.h"

static Memory mem;
static IOBus bus;
static DMA dma;

static int setup(void **state)
{
    (void)state;
    assert_true(mem_init(&mem, 2u << 20));
    io_init(&bus);
    dma_init(&dma, &bus, &mem);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mem_free(&mem);
    return 0;
}

/* Program channel ch (0-3) of DMA1 as a BIOS would: mask, clear the
 * flip-flop, mode, address, count, page, unmask. */
static void program8(int ch, uint8_t mode, uint32_t phys, uint16_t count_minus_1)
{
    static const uint16_t page[4] = {0x87, 0x83, 0x81, 0x82};
    io_write(&bus, 0x0a, 4 | (uint32_t)ch, 1);
    io_write(&bus, 0x0c, 0, 1);
    io_write(&bus, 0x0b, mode | (uint32_t)ch, 1);
    io_write(&bus, (uint16_t)(ch * 2), phys & 0xff, 1);
    io_write(&bus, (uint16_t)(ch * 2), (phys >> 8) & 0xff, 1);
    io_write(&bus, (uint16_t)(ch * 2 + 1), count_minus_1 & 0xff, 1);
    io_write(&bus, (uint16_t)(ch * 2 + 1), count_minus_1 >> 8, 1);
    io_write(&bus, page[ch], phys >> 16, 1);
    io_write(&bus, 0x0a, (uint32_t)ch, 1);
}

static void test_dma_address_count_flipflop(void **state)
{
    (void)state;
    dma_reset(&dma);
    io_write(&bus, 0x0c, 0, 1);
    io_write(&bus, 0x04, 0x34, 1);
    io_write(&bus, 0x04, 0x12, 1);
    io_write(&bus, 0x05, 0xff, 1);
    io_write(&bus, 0x05, 0x01, 1);
    io_write(&bus, 0x0c, 0, 1);   /* reads start with the low byte again */
    assert_int_equal(io_read(&bus, 0x04, 1), 0x34);
    assert_int_equal(io_read(&bus, 0x04, 1), 0x12);
    assert_int_equal(io_read(&bus, 0x05, 1), 0xff);
    assert_int_equal(io_read(&bus, 0x05, 1), 0x01);
}

static void test_dma_page_registers(void **state)
{
    (void)state;
    static const uint16_t port[8] = {0x87, 0x83, 0x81, 0x82, 0x8f, 0x8b, 0x89, 0x8a};
    for (int i = 0; i < 8; i++) {
        io_write(&bus, port[i], 0x10 + (uint32_t)i, 1);
        assert_int_equal(dma.c[i >> 2].ch[i & 3].page, 0x10 + i);
        assert_int_equal(io_read(&bus, port[i], 1), 0x10 + i);
    }
    io_write(&bus, 0x84, 0x5a, 1);   /* spare page byte: a scratch register */
    assert_int_equal(io_read(&bus, 0x84, 1), 0x5a);
}

static void test_dma_write_to_memory_tc(void **state)
{
    (void)state;
    uint8_t buf[600];
    for (int i = 0; i < 600; i++)
        buf[i] = (uint8_t)(i * 7);
    dma_reset(&dma);
    program8(2, 0x44 /* single, write (to memory), increment */, 0x12300, 511);
    assert_false(dma_tc(&dma, 2));
    int n = dma_transfer(&dma, 2, buf, 600, true);
    assert_int_equal(n, 512);                       /* stops at terminal count */
    for (int i = 0; i < 512; i++)
        assert_int_equal(mem.ram[0x12300 + i], (uint8_t)(i * 7));
    assert_int_equal(mem.ram[0x12300 + 512], 0);
    assert_true(dma_tc(&dma, 2));
    uint8_t st = (uint8_t)io_read(&bus, 0x08, 1);
    assert_int_equal(st & 0x0f, 0x04);              /* TC of channel 2 */
    assert_int_equal(io_read(&bus, 0x08, 1) & 0x0f, 0);   /* cleared by the read */
    /* Without autoinit, EOP masks the channel: nothing more moves. */
    assert_int_equal(dma_transfer(&dma, 2, buf, 16, true), 0);
    assert_int_equal(io_read(&bus, 0x0f, 1) & 0x04, 0x04);
}

static void test_dma_read_from_memory_decrement(void **state)
{
    (void)state;
    uint8_t out[4] = {0};
    dma_reset(&dma);
    mem.ram[0x20010] = 0xa1;
    mem.ram[0x2000f] = 0xb2;
    mem.ram[0x2000e] = 0xc3;
    program8(1, 0x68 /* read (from memory), decrement */, 0x20010, 2);
    assert_int_equal(dma_transfer(&dma, 1, out, 4, false), 3);
    assert_int_equal(out[0], 0xa1);
    assert_int_equal(out[1], 0xb2);
    assert_int_equal(out[2], 0xc3);
    assert_true(dma_tc(&dma, 1));
}

static void test_dma_autoinit_and_partial(void **state)
{
    (void)state;
    uint8_t buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    dma_reset(&dma);
    program8(3, 0x54 /* write, autoinit */, 0x30000, 3);
    assert_int_equal(dma_transfer(&dma, 3, buf, 2, true), 2);   /* partial: no TC yet */
    assert_false(dma_tc(&dma, 3));
    assert_int_equal(dma_transfer(&dma, 3, buf + 2, 6, true), 2);
    assert_true(dma_tc(&dma, 3));
    /* Reloaded: the next transfer starts at the base address again. */
    assert_int_equal(dma.c[0].ch[3].cur_addr, 0x0000);
    assert_int_equal(dma.c[0].ch[3].cur_count, 3);
    assert_int_equal(dma_transfer(&dma, 3, buf + 4, 1, true), 1);
    assert_int_equal(mem.ram[0x30000], 5);
    assert_int_equal(mem.ram[0x30003], 4);
    /* Programming the channel again clears dma_tc. */
    program8(3, 0x44, 0x30000, 3);
    assert_false(dma_tc(&dma, 3));
}

static void test_dma_mask_and_disable(void **state)
{
    (void)state;
    uint8_t b = 0x77;
    dma_reset(&dma);
    assert_int_equal(dma_transfer(&dma, 2, &b, 1, true), 0);   /* masked after reset */
    program8(2, 0x44, 0x40000, 0);
    io_write(&bus, 0x0a, 4 | 2, 1);                             /* single mask set */
    assert_int_equal(dma_transfer(&dma, 2, &b, 1, true), 0);
    io_write(&bus, 0x0e, 0, 1);                                 /* clear all masks */
    assert_int_equal(io_read(&bus, 0x0f, 1) & 0x0f, 0);
    io_write(&bus, 0x08, DMA_CMD_DISABLE, 1);                   /* controller disable */
    assert_int_equal(dma_transfer(&dma, 2, &b, 1, true), 0);
    io_write(&bus, 0x08, 0, 1);
    assert_int_equal(dma_transfer(&dma, 2, &b, 1, true), 1);
    assert_int_equal(mem.ram[0x40000], 0x77);
    io_write(&bus, 0x0f, 0x0f, 1);                              /* write all masks */
    assert_int_equal(io_read(&bus, 0x0f, 1) & 0x0f, 0x0f);
    io_write(&bus, 0x0d, 0, 1);                                 /* master clear */
    assert_int_equal(dma.c[0].command, 0);
    assert_int_equal(io_read(&bus, 0x0f, 1) & 0x0f, 0x0f);
}

static void test_dma_16bit_channel(void **state)
{
    (void)state;
    uint8_t buf[6] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66};
    dma_reset(&dma);
    /* Channel 5: word address 0x8000 in page 0x02 -> byte 0x20000 + 0x10000. */
    io_write(&bus, 0xd4, 4 | 1, 1);
    io_write(&bus, 0xd8, 0, 1);
    io_write(&bus, 0xd6, 0x44 | 1, 1);
    io_write(&bus, 0xc4, 0x00, 1);
    io_write(&bus, 0xc4, 0x80, 1);
    io_write(&bus, 0xc6, 0x01, 1);   /* 2 words */
    io_write(&bus, 0xc6, 0x00, 1);
    io_write(&bus, 0x8b, 0x02, 1);
    io_write(&bus, 0xd4, 1, 1);
    assert_int_equal(dma_transfer(&dma, 5, buf, 5, true), 4);   /* whole words only, TC at 2 */
    assert_int_equal(mem.ram[0x30000], 0x11);
    assert_int_equal(mem.ram[0x30003], 0x44);
    assert_int_equal(mem.ram[0x30004], 0);
    assert_true(dma_tc(&dma, 5));
}

static void test_dma_reset(void **state)
{
    (void)state;
    program8(2, 0x44, 0x12345, 10);
    io_write(&bus, 0x84, 0x99, 1);
    dma_reset(&dma);
    assert_int_equal(io_read(&bus, 0x0f, 1) & 0x0f, 0x0f);     /* all masked */
    assert_int_equal(dma.c[0].ch[2].cur_count, 0);
    assert_int_equal(dma.c[0].ch[2].page, 0);
    assert_int_equal(io_read(&bus, 0x84, 1), 0);
    assert_false(dma.c[0].flipflop);
}

static void scramble(void *d) { dma_reset(d); }

static void test_dma_save_load(void **state)
{
    (void)state;
    dma_reset(&dma);
    program8(2, 0x54, 0x12345, 0x1ff);
    io_write(&bus, 0x04, 0x00, 1);   /* leave the flip-flop mid-pair */
    assert_true(vm_roundtrip("dma", &dma_vmstate, &dma, scramble));
    assert_int_equal(dma.c[0].ch[2].base_count, 0x1ff);
    assert_int_equal(dma.c[0].ch[2].page, 0x01);
    assert_int_equal(dma.c[0].ch[2].mode, 0x54 | 2);
    assert_int_equal(dma.c[0].mask & 4, 0);
    assert_true(dma.c[0].flipflop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dma_address_count_flipflop),
        cmocka_unit_test(test_dma_page_registers),
        cmocka_unit_test(test_dma_write_to_memory_tc),
        cmocka_unit_test(test_dma_read_from_memory_decrement),
        cmocka_unit_test(test_dma_autoinit_and_partial),
        cmocka_unit_test(test_dma_mask_and_disable),
        cmocka_unit_test(test_dma_16bit_channel),
        cmocka_unit_test(test_dma_reset),
        cmocka_unit_test(test_dma_save_load),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
