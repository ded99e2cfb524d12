/* test_fdc_rate.c - the floppy controller's data rate check (devices/
 * fdc.c): the rate selected through DSR (0x3F4) or CCR (0x3F7), bits 1-0
 * (82077AA datasheet: 00 = 500, 01 = 300, 10 = 250, 11 = 1000 kb/s), must
 * be the medium's (1.44M and 1.2M 500, 720K 250, 2.88M 1000, 5.25" 40-track
 * media 300 in a 1.2M drive, QEMU's fd_formats); otherwise READ DATA and
 * READ ID end with ST0 abnormal termination and ST1 missing address mark,
 * as QEMU's fdctrl_start_transfer and fdctrl_result_timer do. Power-on
 * rate and the resets as QEMU: 500 kb/s at power on, kept by the DOR reset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "disk_helpers.h"
#include "fdc.h"

static IOBus bus;
static FDC fdc;
static TestIRQ irq6;
static char path[64];
static BlockDev *blk;
static uint8_t gmem[16 * 1024];
static int dma_calls;

static int fake_dma(void *opaque, int ch, void *buf, int len, bool to_memory)
{
    (void)opaque;
    (void)ch;
    dma_calls++;
    int n = len < (int)sizeof gmem ? len : (int)sizeof gmem;
    if (to_memory)
        memcpy(gmem, buf, (size_t)n);
    return n;
}

static bool fake_tc(void *opaque, int ch)
{
    (void)opaque;
    (void)ch;
    return true;              /* one sector per command */
}

static void outb(uint16_t p, uint8_t v) { io_write(&bus, p, v, 1); }
static uint8_t inb(uint16_t p) { return (uint8_t)io_read(&bus, p, 1); }

static void cmd(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        if ((inb(0x3f4) & 0xc0) != 0x80)
            fail_msg("command byte %d: MSR not ready", i);
        outb(0x3f5, (uint8_t)va_arg(ap, int));
    }
    va_end(ap);
}

static void result(uint8_t *r, int n)
{
    for (int i = 0; i < n; i++) {
        if ((inb(0x3f4) & 0xd0) != 0xd0)
            fail_msg("result byte %d: MSR not RQM|DIO|CB", i);
        r[i] = inb(0x3f5);
    }
}

static void dor_reset(void)
{
    uint8_t r[2];
    outb(0x3f2, 0x00);
    outb(0x3f2, 0x1c);
    for (int i = 0; i < 4; i++) {
        cmd(1, 0x08);
        result(r, 2);
    }
}

static void open_size(uint32_t size)
{
    io_init(&bus);
    test_irq_init(&irq6);
    fdc_init(&fdc, &bus, 0x3f0, &irq6.line, 2);
    fdc.dma = fake_dma;
    fdc.dma_tc = fake_tc;
    make_image(path, size, 512);
    char err[256];
    blk = block_open(path, false, false, false, err, sizeof err);
    if (!blk)
        fail_msg("%s", err);
    assert_true(fdc_attach(&fdc, 0, blk));
    dor_reset();
    dma_calls = 0;
}

static void close_image(void)
{
    block_close(blk);
    unlink(path);
}

/* READ ID on drive 0 head 0: ST0 and ST1. */
static void read_id(uint8_t *st0, uint8_t *st1)
{
    uint8_t r[7];
    cmd(2, 0x4a, 0x00);
    EXPECT_EQ(irq6.level, 1, "READ ID interrupts");
    result(r, 7);
    *st0 = r[0];
    *st1 = r[1];
}

static void test_power_on_and_mismatch(void **state)
{
    (void)state;
    open_size(1474560);
    uint8_t st0, st1, r[7];
    read_id(&st0, &st1);
    EXPECT_EQ(st0, 0x00, "1.44M at the power-on rate (500 kb/s): READ ID normal");
    EXPECT_EQ(st1, 0x00, "ST1");
    outb(0x3f7, 0x02);        /* CCR: 250 kb/s */
    read_id(&st0, &st1);
    EXPECT_EQ(st0, 0x40, "250 kb/s: READ ID abnormal termination");
    EXPECT_EQ(st1, 0x01, "ST1 missing address mark");
    cmd(9, 0x46, 0x00, 0, 0, 3, 2, 18, 0x1b, 0xff);   /* READ C0 H0 R3 */
    result(r, 7);
    EXPECT_EQ(r[0], 0x40, "READ DATA at 250 kb/s: abnormal termination");
    EXPECT_EQ(r[1], 0x01, "ST1 MA");
    EXPECT_EQ(r[2], 0x00, "ST2");
    EXPECT_EQ(r[3], 0, "C");
    EXPECT_EQ(r[4], 0, "H");
    EXPECT_EQ(r[5], 3, "R as given");
    EXPECT_EQ(dma_calls, 0, "no data moved");
    /* The DOR reset keeps the rate (QEMU). */
    dor_reset();
    read_id(&st0, &st1);
    EXPECT_EQ(st1, 0x01, "still 250 kb/s after a DOR reset");
    /* DSR selects the rate too. */
    outb(0x3f4, 0x00);
    read_id(&st0, &st1);
    EXPECT_EQ(st0, 0x00, "DSR 500 kb/s: normal");
    outb(0x3f4, 0x03);
    read_id(&st0, &st1);
    EXPECT_EQ(st1, 0x01, "DSR 1 Mb/s: missing address mark");
    outb(0x3f7, 0x00);
    cmd(9, 0x46, 0x00, 0, 0, 3, 2, 18, 0x1b, 0xff);
    result(r, 7);
    EXPECT_EQ(r[0] & 0xc0, 0x00, "READ DATA at 500 kb/s: normal termination");
    EXPECT_EQ(dma_calls, 1, "the sector moved");
    EXPECT_EQ(gmem[0], 2, "sector 2's pattern (C0 H0 R3 = LBA 2)");
    close_image();
}

static void test_media_rates(void **state)
{
    (void)state;
    static const struct { uint32_t size; uint8_t rate; } t[] = {
        {163840, 1}, {184320, 1}, {327680, 1}, {368640, 1}, {737280, 2},
        {1228800, 0}, {1474560, 0}, {2949120, 3},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        open_size(t[i].size);
        for (uint8_t rate = 0; rate < 4; rate++) {
            uint8_t st0, st1;
            outb(0x3f7, rate);
            read_id(&st0, &st1);
            if (rate == t[i].rate && (st0 & 0xc0) != 0)
                fail_msg("%u bytes at its rate %u: ST0 %#x", t[i].size, rate, st0);
            if (rate != t[i].rate && (st0 != 0x40 || st1 != 0x01))
                fail_msg("%u bytes at rate %u: ST0 %#x ST1 %#x", t[i].size, rate, st0, st1);
        }
        close_image();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_power_on_and_mismatch),
        cmocka_unit_test(test_media_rates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
