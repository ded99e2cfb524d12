/* test_fdc.c - the 82077AA floppy controller, register by register and
 * command by command, against the Intel 82077AA datasheet (section 5
 * registers, section 8 command set, table 8-x result phases): reset and
 * the four polling interrupts, DOR/MSR/DSR/DIR/CCR, SPECIFY, CONFIGURE,
 * DUMPREG, VERSION, LOCK, PERPENDICULAR MODE, RECALIBRATE/SEEK/SENSE
 * INTERRUPT STATUS, SENSE DRIVE STATUS, READ/WRITE DATA by DMA (TC, EOT,
 * multi-track, write protect), VERIFY, READ ID, FORMAT TRACK, non-DMA
 * reads and writes, the disk-change line, geometry by size, a machine
 * reset, and a save/load round trip. The DMA controller is a fake that
 * moves bytes between a buffer and a "guest memory" array until its
 * programmed count runs out (terminal count). */
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
static uint8_t gmem[64 * 1024];
static struct { int ch; uint32_t addr, count; bool tc; int calls; } dmac;

static int fake_dma(void *opaque, int ch, void *buf, int len, bool to_memory)
{
    (void)opaque;
    dmac.ch = ch;
    dmac.calls++;
    int n = len < (int)dmac.count ? len : (int)dmac.count;
    if (to_memory)
        memcpy(gmem + dmac.addr, buf, (size_t)n);
    else
        memcpy(buf, gmem + dmac.addr, (size_t)n);
    dmac.addr += (uint32_t)n;
    dmac.count -= (uint32_t)n;
    dmac.tc = dmac.count == 0;
    return n;
}

static bool fake_tc(void *opaque, int ch)
{
    (void)opaque;
    (void)ch;
    return dmac.tc;
}

static void dma_program(uint32_t addr, uint32_t count)
{
    dmac.addr = addr;
    dmac.count = count;
    dmac.tc = false;
}

static void outb(uint16_t p, uint8_t v) { io_write(&bus, p, v, 1); }
static uint8_t inb(uint16_t p) { return (uint8_t)io_read(&bus, p, 1); }

static void cmd(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        uint8_t msr = inb(0x3f4);
        if ((msr & 0xc0) != 0x80)
            fail_msg("command byte %d: MSR %#x is not RQM, DIO=0", i, msr);
        outb(0x3f5, (uint8_t)va_arg(ap, int));
    }
    va_end(ap);
}

/* Read n result bytes (MSR must say RQM|DIO|CB for each). */
static void result(uint8_t *r, int n)
{
    for (int i = 0; i < n; i++) {
        uint8_t msr = inb(0x3f4);
        if ((msr & 0xd0) != 0xd0)
            fail_msg("result byte %d: MSR %#x is not RQM|DIO|CB", i, msr);
        r[i] = inb(0x3f5);
    }
    EXPECT_EQ(inb(0x3f4) & 0xd0, 0x80, "MSR after the result phase");
}

static int setup_size(uint32_t size, bool readonly)
{
    io_init(&bus);
    test_irq_init(&irq6);
    fdc_init(&fdc, &bus, 0x3f0, &irq6.line, 2);
    fdc.dma = fake_dma;
    fdc.dma_tc = fake_tc;
    make_image(path, size, 512);
    char err[256];
    blk = block_open(path, readonly, false, false, err, sizeof err);
    if (!blk)
        fail_msg("%s", err);
    if (!fdc_attach(&fdc, 0, blk))
        return -1;
    memset(gmem, 0, sizeof gmem);
    /* The BIOS's reset: DOR = 0 then 0x0C (DMA gate, not reset). */
    outb(0x3f2, 0x00);
    outb(0x3f2, 0x1c);        /* motor A on, DMA gate, out of reset, drive 0 */
    uint8_t r[2];
    for (int i = 0; i < 4; i++) {
        cmd(1, 0x08);
        result(r, 2);
    }
    irq6.edges = 0;
    return 0;
}

static int setup(void **state)
{
    (void)state;
    return setup_size(1474560, false);
}

static int teardown(void **state)
{
    (void)state;
    block_close(blk);
    unlink(path);
    return 0;
}

static void test_geometry(void **state)
{
    (void)state;
    static const struct { uint32_t size; int c, h, s, type; } t[] = {
        {163840, 40, 1, 8, 1}, {184320, 40, 1, 9, 1}, {327680, 40, 2, 8, 1},
        {368640, 40, 2, 9, 1}, {737280, 80, 2, 9, 3}, {1228800, 80, 2, 15, 2},
        {1474560, 80, 2, 18, 4}, {2949120, 80, 2, 36, 5},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        const FDCFormat *f = fdc_geometry(t[i].size);
        assert_non_null(f);
        EXPECT_EQ(f->cyls * f->heads * f->spt * 512, t[i].size, "geometry covers the image");
        EXPECT_EQ(f->cyls, t[i].c, "cylinders");
        EXPECT_EQ(f->heads, t[i].h, "heads");
        EXPECT_EQ(f->spt, t[i].s, "sectors");
        EXPECT_EQ(f->cmos_type, t[i].type, "CMOS type");
    }
    assert_null(fdc_geometry(1474560 + 512));
    assert_null(fdc_geometry(1000));
    EXPECT_EQ(fdc_cmos_types(&fdc), 0x40, "CMOS 0x10: 1.44M in drive A");
}

static void test_reset_polling(void **state)
{
    (void)state;
    EXPECT_EQ(inb(0x3f4), 0x80, "MSR idle: RQM");
    outb(0x3f2, 0x08);        /* reset asserted */
    EXPECT_EQ(inb(0x3f4), 0x00, "MSR in reset");
    EXPECT_EQ(irq6.level, 0, "no INT in reset");
    outb(0x3f2, 0x0c);
    EXPECT_EQ(irq6.level, 1, "INT after reset (polling)");
    uint8_t r[2];
    for (int i = 0; i < 4; i++) {
        cmd(1, 0x08);
        result(r, 2);
        EXPECT_EQ(r[0], 0xc0 | i, "SENSE INTERRUPT after reset: ST0 = C0h + drive");
        EXPECT_EQ(r[1], 0, "PCN");
    }
    EXPECT_EQ(irq6.level, 0, "INT cleared by the sense interrupts");
    cmd(1, 0x08);
    result(r, 1);
    EXPECT_EQ(r[0], 0x80, "SENSE INTERRUPT with nothing pending: invalid");
    /* DSR bit 7: a software reset, self-clearing. */
    outb(0x3f4, 0x80);
    EXPECT_EQ(irq6.level, 1, "INT after DSR reset");
    EXPECT_EQ(inb(0x3f4), 0x80, "MSR after DSR reset");
    /* INT follows DOR bit 3. */
    outb(0x3f2, 0x04);
    EXPECT_EQ(irq6.level, 0, "DMA gate off: no INT");
    outb(0x3f2, 0x0c);
    EXPECT_EQ(irq6.level, 1, "DMA gate on: INT again");
}

static void test_registers(void **state)
{
    (void)state;
    outb(0x3f2, 0x3d);
    EXPECT_EQ(inb(0x3f2), 0x3d, "DOR reads back");
    outb(0x3f2, 0x1c);
    outb(0x3f3, 0xff);
    EXPECT_EQ(inb(0x3f3) & 3, 3, "TDR");
    outb(0x3f7, 0x00);        /* CCR: 500 kb/s */
    EXPECT_EQ(fdc.ccr, 0, "CCR data rate");
    EXPECT_EQ(inb(0x3f7) & 0x80, 0x80, "DIR DSKCHG set at power on with a disk");
    cmd(2, 0x07, 0x00);       /* recalibrate drive 0 */
    uint8_t r[2];
    cmd(1, 0x08);
    result(r, 2);
    EXPECT_EQ(inb(0x3f7) & 0x80, 0, "DSKCHG cleared by a step with a disk in");
}

static void test_version_invalid(void **state)
{
    (void)state;
    uint8_t r[1];
    cmd(1, 0x10);
    result(r, 1);
    EXPECT_EQ(r[0], 0x90, "VERSION: enhanced controller");
    cmd(1, 0x1f);
    result(r, 1);
    EXPECT_EQ(r[0], 0x80, "invalid command");
    cmd(1, 0x83);             /* SPECIFY with MT: invalid */
    result(r, 1);
    EXPECT_EQ(r[0], 0x80, "SPECIFY with a flag bit");
}

static void test_specify_configure_dumpreg(void **state)
{
    (void)state;
    cmd(3, 0x03, 0xaf, 0x02);             /* SRT=A HUT=F, HLT=1 ND=0 */
    cmd(4, 0x13, 0x00, 0x57, 0x09);       /* EIS, EFIFO... FIFOTHR=7, PRETRK=9 */
    cmd(2, 0x12, 0x80 | 0x14 | 0x02);     /* OW, D0/D2... and GAP */
    uint8_t r[10];
    cmd(1, 0x0e);
    result(r, 10);
    EXPECT_EQ(r[4], 0xaf, "DUMPREG SRT/HUT");
    EXPECT_EQ(r[5], 0x02, "DUMPREG HLT/ND");
    EXPECT_EQ(r[7], 0x16, "DUMPREG LOCK/perpendicular (D bits, GAP)");
    EXPECT_EQ(r[8], 0x57, "DUMPREG config");
    EXPECT_EQ(r[9], 0x09, "DUMPREG PRETRK");
    /* LOCK: EFIFO/FIFOTHR/PRETRK survive a software reset. */
    uint8_t l;
    cmd(1, 0x94);
    result(&l, 1);
    EXPECT_EQ(l, 0x10, "LOCK result");
    outb(0x3f4, 0x80);
    for (int i = 0; i < 4; i++) {
        cmd(1, 0x08);
        result(r, 2);
    }
    cmd(1, 0x0e);
    result(r, 10);
    EXPECT_EQ(r[7] & 0x80, 0x80, "DUMPREG LOCK bit");
    EXPECT_EQ(r[8] & 0x3f, 0x17, "locked: FIFO settings kept (EIS cleared)");
    EXPECT_EQ(r[9], 0x09, "locked: PRETRK kept");
    cmd(1, 0x14);
    result(&l, 1);
    EXPECT_EQ(l, 0x00, "UNLOCK result");
    outb(0x3f4, 0x80);
    for (int i = 0; i < 4; i++) {
        cmd(1, 0x08);
        result(r, 2);
    }
    cmd(1, 0x0e);
    result(r, 10);
    EXPECT_EQ(r[8], 0x20, "unlocked: reset restores the CONFIGURE default");
    EXPECT_EQ(r[9], 0, "unlocked: PRETRK 0");
}

static void test_seek_sense(void **state)
{
    (void)state;
    uint8_t r[2];
    cmd(3, 0x0f, 0x04, 40);   /* seek drive 0 head 1 to 40 */
    EXPECT_EQ(irq6.level, 1, "seek interrupt");
    EXPECT_EQ(inb(0x3f4), 0x80, "MSR after seek");
    cmd(1, 0x08);
    result(r, 2);
    EXPECT_EQ(r[0], 0x24, "ST0: SE, head 1, drive 0");
    EXPECT_EQ(r[1], 40, "PCN");
    EXPECT_EQ(irq6.level, 0, "INT cleared");
    cmd(3, 0xcf, 0x00, 5);    /* relative seek, inward by 5 */
    cmd(1, 0x08);
    result(r, 2);
    EXPECT_EQ(r[1], 45, "relative seek in");
    cmd(3, 0x8f, 0x00, 10);   /* relative seek, outward by 10 */
    cmd(1, 0x08);
    result(r, 2);
    EXPECT_EQ(r[1], 35, "relative seek out");
    cmd(2, 0x07, 0x00);
    cmd(1, 0x08);
    result(r, 2);
    EXPECT_EQ(r[0], 0x20, "recalibrate ST0");
    EXPECT_EQ(r[1], 0, "recalibrate PCN");
}

static void test_sense_drive(void **state)
{
    (void)state;
    uint8_t st3;
    cmd(2, 0x04, 0x04);
    result(&st3, 1);
    EXPECT_EQ(st3, 0x20 | 0x10 | 0x08 | 0x04, "ST3: ready, track 0, two side, head 1");
    cmd(3, 0x0f, 0x00, 3);
    uint8_t r[2];
    cmd(1, 0x08);
    result(r, 2);
    cmd(2, 0x04, 0x00);
    result(&st3, 1);
    EXPECT_EQ(st3, 0x28, "ST3 off track 0");
    cmd(2, 0x04, 0x01);
    result(&st3, 1);
    EXPECT_EQ(st3 & 0x20, 0, "ST3 drive 1: empty, not ready");
}

static void seek_to(int cyl, int head)
{
    uint8_t r[2];
    cmd(3, 0x0f, head << 2, cyl);
    cmd(1, 0x08);
    result(r, 2);
}

static void check_gmem(uint32_t at, uint64_t image_off, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (gmem[at + i] != pattern_byte(image_off + i, 512))
            fail_msg("guest memory %#x: %#x, image offset %llu has %#x", at + i, gmem[at + i],
                     (unsigned long long)(image_off + i), pattern_byte(image_off + i, 512));
    }
}

static uint64_t chs(int c, int h, int s)
{
    return ((uint64_t)(c * 2 + h) * 18 + (uint64_t)(s - 1)) * 512;
}

static void test_read_dma(void **state)
{
    (void)state;
    uint8_t r[7];
    seek_to(10, 0);
    irq6.edges = 0;
    dma_program(0x1000, 3 * 512);
    cmd(9, 0xe6, 0x00, 10, 0, 5, 2, 18, 0x1b, 0xff);   /* MT MFM SK READ C10 H0 R5 */
    EXPECT_EQ(irq6.edges, 1, "one interrupt at the result phase");
    EXPECT_EQ(dmac.ch, 2, "DMA channel 2");
    result(r, 7);
    EXPECT_EQ(r[0], 0x00, "ST0 normal termination");
    EXPECT_EQ(r[1], 0, "ST1");
    EXPECT_EQ(r[2], 0, "ST2");
    EXPECT_EQ(r[3], 10, "C");
    EXPECT_EQ(r[4], 0, "H");
    EXPECT_EQ(r[5], 8, "R: the sector after the last one read");
    EXPECT_EQ(r[6], 2, "N");
    EXPECT_EQ(irq6.level, 0, "INT cleared by reading the result");
    check_gmem(0x1000, chs(10, 0, 5), 3 * 512);

    /* Multi-track: from head 0 sector 17 on into head 1. */
    dma_program(0x4000, 4 * 512);
    cmd(9, 0xc6, 0x00, 10, 0, 17, 2, 18, 0x1b, 0xff);
    result(r, 7);
    EXPECT_EQ(r[0], 0x04, "MT: normal, ST0 HD = the head it ended on");
    EXPECT_EQ(r[4], 1, "MT: ends on head 1");
    EXPECT_EQ(r[5], 3, "MT: next sector 3");
    check_gmem(0x4000, chs(10, 0, 17), 4 * 512);

    /* The last sector of the cylinder with MT: C+1, H0, R1. */
    dma_program(0x8000, 512);
    cmd(9, 0xc6, 0x04, 10, 1, 18, 2, 18, 0x1b, 0xff);
    result(r, 7);
    EXPECT_EQ(r[0], 0x04, "ST0 head 1");
    EXPECT_EQ(r[3], 11, "C+1");
    EXPECT_EQ(r[4], 0, "H0");
    EXPECT_EQ(r[5], 1, "R1");

    /* No MT, EOT reached before TC: abnormal, ST1 EN. */
    dma_program(0x8000, 8 * 512);
    cmd(9, 0x46, 0x00, 10, 0, 16, 2, 18, 0x1b, 0xff);
    result(r, 7);
    EXPECT_EQ(r[0], 0x40, "EOT without TC: abnormal");
    EXPECT_EQ(r[1], 0x80, "ST1 EN");
    check_gmem(0x8000, chs(10, 0, 16), 3 * 512);

    /* Wrong cylinder without implied seek. */
    dma_program(0x8000, 512);
    cmd(9, 0x46, 0x00, 11, 0, 1, 2, 18, 0x1b, 0xff);
    result(r, 7);
    EXPECT_EQ(r[0], 0x40, "wrong cylinder: abnormal");
    EXPECT_EQ(r[1], 0x04, "ST1 ND");
    EXPECT_EQ(r[2], 0x10, "ST2 WC");
    /* Implied seek (CONFIGURE EIS) reaches it. */
    cmd(4, 0x13, 0x00, 0x60, 0x00);
    dma_program(0x8000, 512);
    cmd(9, 0x46, 0x00, 11, 0, 1, 2, 18, 0x1b, 0xff);
    result(r, 7);
    EXPECT_EQ(r[0], 0x00, "implied seek: normal");
    check_gmem(0x8000, chs(11, 0, 1), 512);
    /* A sector beyond the track. */
    dma_program(0x8000, 512);
    cmd(9, 0x46, 0x00, 11, 0, 19, 2, 19, 0x1b, 0xff);
    result(r, 7);
    EXPECT_EQ(r[0], 0x40, "sector 19: abnormal");
    EXPECT_EQ(r[1], 0x04, "ST1 ND");
}

static void test_write_dma(void **state)
{
    (void)state;
    uint8_t r[7];
    seek_to(2, 1);
    for (int i = 0; i < 1024; i++)
        gmem[0x2000 + i] = (uint8_t)(i * 3 + 1);
    dma_program(0x2000, 1024);
    cmd(9, 0x45, 0x04, 2, 1, 7, 2, 18, 0x1b, 0xff);
    result(r, 7);
    EXPECT_EQ(r[0], 0x04, "write: normal, head 1");
    EXPECT_EQ(r[5], 9, "write: next sector");
    uint8_t back[1024];
    read_file(path, chs(2, 1, 7), back, 1024);
    assert_memory_equal(back, gmem + 0x2000, 1024);
    uint8_t next[512];
    read_file(path, chs(2, 1, 9), next, 512);
    EXPECT_EQ(next[4], pattern_byte(chs(2, 1, 9) + 4, 512), "the sector after is untouched");
}

static void test_write_protect(void **state)
{
    (void)state;
    teardown(NULL);
    setup_size(737280, true);
    uint8_t st3, r[7];
    cmd(2, 0x04, 0x00);
    result(&st3, 1);
    EXPECT_EQ(st3 & 0x40, 0x40, "ST3 WP");
    dma_program(0, 512);
    cmd(9, 0x45, 0x00, 0, 0, 1, 2, 9, 0x1b, 0xff);
    result(r, 7);
    EXPECT_EQ(r[0], 0x40, "write to a protected disk: abnormal");
    EXPECT_EQ(r[1], 0x02, "ST1 NW");
    EXPECT_EQ(fdc_cmos_types(&fdc), 0x30, "CMOS: 720K drive");
}

static void test_verify(void **state)
{
    (void)state;
    uint8_t r[7];
    dma_program(0, 0);
    dmac.calls = 0;
    cmd(9, 0x56 | 0x80, 0x80, 0, 0, 3, 2, 18, 0x1b, 4);   /* MT, EC=1, SC=4 */
    result(r, 7);
    EXPECT_EQ(r[0], 0x00, "verify EC=1: normal");
    EXPECT_EQ(r[5], 7, "verify: next sector");
    EXPECT_EQ(dmac.calls, 0, "verify moves no data");
    cmd(9, 0x56, 0x00, 0, 0, 15, 2, 18, 0x1b, 0);         /* EC=0: to EOT */
    result(r, 7);
    EXPECT_EQ(r[0], 0x40, "verify EC=0 at EOT: abnormal");
    EXPECT_EQ(r[1], 0x80, "ST1 EN");
}

static void test_read_id(void **state)
{
    (void)state;
    uint8_t r[7];
    seek_to(7, 0);
    cmd(2, 0x4a, 0x04);
    EXPECT_EQ(irq6.level, 1, "READ ID interrupts");
    result(r, 7);
    EXPECT_EQ(r[0], 0x04, "READ ID ST0");
    EXPECT_EQ(r[3], 7, "C");
    EXPECT_EQ(r[4], 1, "H");
    assert_true(r[5] >= 1 && r[5] <= 18);
    EXPECT_EQ(r[6], 2, "N");
    cmd(2, 0x4a, 0x01);       /* empty drive 1 */
    result(r, 7);
    EXPECT_EQ(r[0] & 0xc0, 0x40, "READ ID on an empty drive: abnormal");
    EXPECT_EQ(r[1] & 0x01, 0x01, "ST1 MA");
}

static void test_format(void **state)
{
    (void)state;
    uint8_t r[7];
    seek_to(5, 0);
    for (int s = 0; s < 18; s++) {
        gmem[s * 4] = 5;
        gmem[s * 4 + 1] = 1;
        gmem[s * 4 + 2] = (uint8_t)(s + 1);
        gmem[s * 4 + 3] = 2;
    }
    dma_program(0, 18 * 4);
    cmd(6, 0x4d, 0x04, 2, 18, 0x54, 0xf6);
    result(r, 7);
    EXPECT_EQ(r[0], 0x04, "format: normal, head 1");
    uint8_t back[512];
    for (int s = 1; s <= 18; s += 17) {
        read_file(path, chs(5, 1, s), back, 512);
        for (int i = 0; i < 512; i++)
            EXPECT_EQ(back[i], 0xf6, "formatted sector filler");
    }
    read_file(path, chs(5, 0, 1), back, 512);
    EXPECT_EQ(back[4], pattern_byte(chs(5, 0, 1) + 4, 512), "head 0 untouched");
}

static void test_nondma(void **state)
{
    (void)state;
    uint8_t r[7];
    cmd(3, 0x03, 0xaf, 0x03);   /* ND = 1 */
    seek_to(1, 0);
    cmd(9, 0x46, 0x00, 1, 0, 17, 2, 18, 0x1b, 0xff);
    uint8_t msr = inb(0x3f4);
    EXPECT_EQ(msr & 0xf0, 0xf0, "MSR execution phase: RQM DIO NDMA CB");
    EXPECT_EQ(irq6.level, 1, "non-DMA: INT while data waits");
    uint8_t data[1024];
    for (int i = 0; i < 1024; i++)
        data[i] = inb(0x3f5);
    for (int i = 0; i < 1024; i++)
        EXPECT_EQ(data[i], pattern_byte(chs(1, 0, 17) + (uint64_t)i, 512), "PIO data");
    result(r, 7);
    EXPECT_EQ(r[0], 0x40, "non-DMA read ends at EOT (no TC): abnormal");
    EXPECT_EQ(r[1], 0x80, "ST1 EN");
    cmd(9, 0x45, 0x00, 1, 0, 18, 2, 18, 0x1b, 0xff);
    EXPECT_EQ(inb(0x3f4) & 0xf0, 0xb0, "MSR execution, host to FDC");
    for (int i = 0; i < 512; i++)
        outb(0x3f5, (uint8_t)(0xff - i));
    result(r, 7);
    uint8_t back[512];
    read_file(path, chs(1, 0, 18), back, 512);
    for (int i = 0; i < 512; i++)
        EXPECT_EQ(back[i], (uint8_t)(0xff - i), "PIO write");
}

static void test_machine_reset(void **state)
{
    (void)state;
    seek_to(30, 0);
    cmd(3, 0x03, 0x12, 0x34);
    fdc_reset(&fdc);
    EXPECT_EQ(inb(0x3f2), 0x0c, "DOR after reset");
    EXPECT_EQ(inb(0x3f4), 0x80, "MSR after reset");
    uint8_t r[10];
    cmd(1, 0x0e);
    result(r, 10);
    EXPECT_EQ(r[0], 0, "PCN cleared");
    EXPECT_EQ(r[4], 0, "SPECIFY cleared");
    EXPECT_EQ(r[8], 0x20, "CONFIGURE default");
    EXPECT_EQ(irq6.level, 0, "no INT after a machine reset");
}

static void mutate_fdc(void *dev)
{
    FDC *f = dev;
    f->pcn[0] = 77;
    f->specify[0] = 0x11;
    f->phase = FDC_PHASE_RESULT;
    f->dskchg[0] ^= 1;
    f->buf[100] ^= 0xff;
}

static void test_vmstate(void **state)
{
    (void)state;
    seek_to(12, 1);
    cmd(3, 0x03, 0xdf, 0x02);
    cmd(1, 0x10);             /* leave a result pending */
    size_t from = offsetof(FDC, dor);
    (void)from;
    vm_round_trip(&fdc_vmstate, &fdc, sizeof fdc, mutate_fdc);
    uint8_t v;
    result(&v, 1);
    EXPECT_EQ(v, 0x90, "the pending result survives the round trip");
}

/* A state file is user input: indices out of range are repaired. */
static void test_hostile_state(void **state)
{
    (void)state;
    fdc.phase = FDC_PHASE_EXEC;
    fdc.x_cmd = 0x06;
    fdc.x_drive = 3;
    fdc.x_pos = 600;
    fdc.x_len = 9000;
    fdc.res_len = 200;
    fdc.cmd_pos = 50;
    fdc_vmstate.post_load(&fdc);
    EXPECT_EQ(fdc.phase, FDC_PHASE_CMD, "execution phase dropped");
    for (int i = 0; i < 2000; i++)
        inb(0x3f5);
    uint8_t v;
    cmd(1, 0x10);
    result(&v, 1);
    EXPECT_EQ(v, 0x90, "the controller still answers");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_geometry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_polling, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_specify_configure_dumpreg, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seek_sense, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sense_drive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_dma, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_dma, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_protect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nondma, setup, teardown),
        cmocka_unit_test_setup_teardown(test_machine_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vmstate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_state, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
