/* test_ide.c - an IDE channel with ATA hard disks, against ATA/ATAPI-6
 * (T13 1410D): signatures after SRST and EXECUTE DEVICE DIAGNOSTIC,
 * IDENTIFY DEVICE words, READ/WRITE SECTOR(S) in LBA28, CHS and LBA48,
 * READ/WRITE MULTIPLE blocks and interrupts, VERIFY, FLUSH CACHE, SET
 * FEATURES, SET MULTIPLE, INITIALIZE DEVICE PARAMETERS, error reporting
 * (IDNF, ABRT), nIEN, status vs alternate status, an absent slave, HOB
 * reads, 32-bit data access, a machine reset and a save/load round trip.
 * Status after an error is DRDY|ERR (0x41) as QEMU reports it (DSC is
 * command-specific and obsolete in ATA-6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "disk_helpers.h"
#include "ide.h"

#define DISK_SECTORS 20480u   /* 10 MiB */

static IOBus bus;
static IDEChannel ch;
static TestIRQ irq14;
static char path[64];
static BlockDev *blk;

static void outb(uint16_t p, uint8_t v) { io_write(&bus, p, v, 1); }
static uint8_t inb(uint16_t p) { return (uint8_t)io_read(&bus, p, 1); }
static uint16_t inw(uint16_t p) { return (uint16_t)io_read(&bus, p, 2); }
static void outw(uint16_t p, uint16_t v) { io_write(&bus, p, v, 2); }

static int setup(void **state)
{
    (void)state;
    io_init(&bus);
    test_irq_init(&irq14);
    ide_init(&ch, &bus, 0x1f0, 0x3f6, &irq14.line);
    make_image(path, (uint64_t)DISK_SECTORS * 512, 512);
    char err[256];
    blk = block_open(path, false, false, false, err, sizeof err);
    assert_non_null(blk);
    ide_attach(&ch, 0, IDE_ATA, blk);
    ide_reset(&ch);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    block_close(blk);
    unlink(path);
    return 0;
}

static void lba28(uint32_t lba, uint8_t count)
{
    outb(0x1f6, (uint8_t)(0xe0 | (lba >> 24)));
    outb(0x1f2, count);
    outb(0x1f3, (uint8_t)lba);
    outb(0x1f4, (uint8_t)(lba >> 8));
    outb(0x1f5, (uint8_t)(lba >> 16));
}

static void read_words(uint16_t *w, int n)
{
    for (int i = 0; i < n; i++)
        w[i] = inw(0x1f0);
}

static void check_sector(const uint16_t *w, uint64_t lba)
{
    const uint8_t *b = (const uint8_t *)w;
    for (int i = 0; i < 512; i++) {
        if (b[i] != pattern_byte(lba * 512 + (uint64_t)i, 512))
            fail_msg("sector %llu byte %d: %#x", (unsigned long long)lba, i, b[i]);
    }
}

static void test_signature_reset(void **state)
{
    (void)state;
    outb(0x3f6, 0x04);        /* SRST */
    EXPECT_EQ(inb(0x3f6) & 0x80, 0x80, "BSY during SRST");
    outb(0x3f6, 0x00);
    EXPECT_EQ(inb(0x1f7), 0x50, "status after reset: DRDY DSC");
    EXPECT_EQ(inb(0x1f1), 0x01, "error: diagnostic passed");
    EXPECT_EQ(inb(0x1f2), 1, "signature sector count");
    EXPECT_EQ(inb(0x1f3), 1, "signature LBA low");
    EXPECT_EQ(inb(0x1f4), 0, "signature LBA mid (ATA)");
    EXPECT_EQ(inb(0x1f5), 0, "signature LBA high (ATA)");
    /* EXECUTE DEVICE DIAGNOSTIC: the same, with an interrupt. */
    outb(0x1f2, 0x55);
    outb(0x1f7, 0x90);
    EXPECT_EQ(irq14.level, 1, "diagnostic interrupt");
    EXPECT_EQ(inb(0x1f2), 1, "diag signature");
    EXPECT_EQ(inb(0x1f1), 0x01, "diag code");
    EXPECT_EQ(inb(0x1f7), 0x50, "status");
    EXPECT_EQ(irq14.level, 0, "status read clears INTRQ");
}

static void test_absent_slave(void **state)
{
    (void)state;
    outb(0x1f6, 0xb0);        /* slave */
    EXPECT_EQ(inb(0x1f7), 0x00, "absent slave: status 0");
    EXPECT_EQ(inb(0x3f6), 0x00, "absent slave: alternate status 0");
    outb(0x1f7, 0xec);
    EXPECT_EQ(irq14.level, 0, "a command to an absent drive does nothing");
    outb(0x1f6, 0xa0);
    EXPECT_EQ(inb(0x1f7), 0x50, "master back");
    /* A channel without drives floats (0xFF). */
    IOBus b2;
    IDEChannel *c2 = calloc(1, sizeof *c2);
    io_init(&b2);
    ide_init(c2, &b2, 0x170, 0x376, NULL);
    EXPECT_EQ(io_read(&b2, 0x177, 1), 0xff, "empty channel status");
    free(c2);
}

static void test_identify(void **state)
{
    (void)state;
    outb(0x1f6, 0xa0);
    outb(0x1f7, 0xec);
    EXPECT_EQ(irq14.level, 1, "IDENTIFY: interrupt before the data");
    EXPECT_EQ(inb(0x3f6), 0x58, "alternate status: DRDY DSC DRQ");
    EXPECT_EQ(irq14.level, 1, "alternate status keeps INTRQ");
    EXPECT_EQ(inb(0x1f7), 0x58, "status: DRDY DSC DRQ");
    EXPECT_EQ(irq14.level, 0, "status clears INTRQ");
    uint16_t w[256];
    read_words(w, 256);
    EXPECT_EQ(inb(0x1f7), 0x50, "DRQ off after 256 words");
    EXPECT_EQ(w[0], 0x0040, "word 0: fixed disk");
    /* 20480 sectors: 16 heads x 63 sectors -> 20 cylinders. */
    EXPECT_EQ(w[1], 20, "cylinders");
    EXPECT_EQ(w[3], 16, "heads");
    EXPECT_EQ(w[6], 63, "sectors per track");
    EXPECT_EQ(w[27], ('X' << 8) | 'L', "model: first two characters, byte-swapped");
    EXPECT_EQ(w[28], ('A' << 8) | 'T', "model characters 3-4");
    EXPECT_EQ(w[46], 0x2020, "model padded with spaces");
    EXPECT_EQ(w[47], 0x8010, "max 16 sectors per MULTIPLE block");
    EXPECT_EQ(w[49] & 0x0200, 0x0200, "LBA supported");
    EXPECT_EQ(w[53] & 1, 1, "words 54-58 valid");
    EXPECT_EQ(w[54], 20, "current cylinders");
    EXPECT_EQ(w[57] | (uint32_t)w[58] << 16, 20 * 16 * 63, "current capacity");
    EXPECT_EQ(w[59], 0, "multiple mode off");
    EXPECT_EQ(w[60] | (uint32_t)w[61] << 16, DISK_SECTORS, "LBA28 capacity");
    EXPECT_EQ(w[83] & 0x0400, 0x0400, "LBA48 supported");
    EXPECT_EQ(w[83] & 0x3000, 0x3000, "FLUSH CACHE (EXT) supported");
    EXPECT_EQ(w[86] & 0x0400, 0x0400, "LBA48 enabled");
    EXPECT_EQ(w[100] | (uint64_t)w[101] << 16 | (uint64_t)w[102] << 32, DISK_SECTORS,
              "LBA48 capacity");
    char serial[21];
    for (int i = 0; i < 10; i++) {
        serial[2 * i] = (char)(w[10 + i] >> 8);
        serial[2 * i + 1] = (char)w[10 + i];
    }
    serial[20] = 0;
    assert_true(serial[0] != ' ' && serial[0] != 0);
}

static void test_read_lba28(void **state)
{
    (void)state;
    lba28(1000, 3);
    irq14.edges = 0;
    outb(0x1f7, 0x20);
    uint16_t w[256];
    for (int s = 0; s < 3; s++) {
        EXPECT_EQ(irq14.level, 1, "an interrupt before every sector");
        EXPECT_EQ(inb(0x1f7), 0x58, "DRQ");
        read_words(w, 256);
        check_sector(w, 1000 + (uint64_t)s);
    }
    EXPECT_EQ(irq14.edges, 3, "three interrupts");
    EXPECT_EQ(inb(0x1f7), 0x50, "done: DRDY DSC");
    /* The registers hold the last sector read. */
    EXPECT_EQ(inb(0x1f3) | inb(0x1f4) << 8 | inb(0x1f5) << 16, 1002, "LBA of the last sector");
    /* Sector count 0 = 256 sectors. */
    lba28(0, 0);
    outb(0x1f7, 0x20);
    for (int s = 0; s < 256; s++) {
        inb(0x1f7);
        read_words(w, 256);
    }
    check_sector(w, 255);
    EXPECT_EQ(inb(0x1f7), 0x50, "256 sectors done");
}

static void test_read_chs_initparams(void **state)
{
    (void)state;
    /* Default translation 16/63: C=1 H=2 S=5 -> (16 + 2) * 63 + 4. */
    outb(0x1f6, 0xa2);
    outb(0x1f2, 1);
    outb(0x1f3, 5);
    outb(0x1f4, 1);
    outb(0x1f5, 0);
    outb(0x1f7, 0x20);
    uint16_t w[256];
    inb(0x1f7);
    read_words(w, 256);
    check_sector(w, (16 + 2) * 63 + 4);
    /* INITIALIZE DEVICE PARAMETERS: 4 heads, 17 sectors. */
    outb(0x1f6, 0xa3);
    outb(0x1f2, 17);
    outb(0x1f7, 0x91);
    EXPECT_EQ(irq14.level, 1, "INITIALIZE DEVICE PARAMETERS interrupts");
    EXPECT_EQ(inb(0x1f7), 0x50, "accepted");
    outb(0x1f6, 0xa2);
    outb(0x1f2, 1);
    outb(0x1f3, 5);
    outb(0x1f4, 1);
    outb(0x1f5, 0);
    outb(0x1f7, 0x20);
    inb(0x1f7);
    read_words(w, 256);
    check_sector(w, (4 + 2) * 17 + 4);
    outb(0x1f7, 0xec);
    inb(0x1f7);
    read_words(w, 256);
    EXPECT_EQ(w[55], 4, "IDENTIFY current heads");
    EXPECT_EQ(w[56], 17, "IDENTIFY current sectors");
    EXPECT_EQ(w[54], DISK_SECTORS / (4 * 17), "IDENTIFY current cylinders");
    /* A sector beyond the translation: IDNF. */
    outb(0x1f6, 0xa0);
    outb(0x1f2, 1);
    outb(0x1f3, 18);
    outb(0x1f7, 0x20);
    EXPECT_EQ(inb(0x1f7), 0x41, "CHS out of range: ERR");
    EXPECT_EQ(inb(0x1f1) & 0x10, 0x10, "IDNF");
}

static void test_lba48(void **state)
{
    (void)state;
    outb(0x1f6, 0x40);
    outb(0x1f2, 0);           /* count high */
    outb(0x1f2, 2);           /* count low */
    outb(0x1f3, 0);           /* LBA 31:24 */
    outb(0x1f3, 0x10);        /* LBA 7:0 */
    outb(0x1f4, 0);
    outb(0x1f4, 0x27);
    outb(0x1f5, 0);
    outb(0x1f5, 0x00);
    outb(0x3f6, 0x80);
    EXPECT_EQ(inb(0x1f3), 0, "HOB reads the previous value");
    outb(0x3f6, 0x00);
    EXPECT_EQ(inb(0x1f3), 0x10, "current value");
    outb(0x1f7, 0x24);
    uint16_t w[256];
    inb(0x1f7);
    read_words(w, 256);
    check_sector(w, 0x2710);
    inb(0x1f7);
    read_words(w, 256);
    check_sector(w, 0x2711);
    /* Beyond the disk: IDNF + ABRT. */
    outb(0x1f2, 0);
    outb(0x1f2, 1);
    outb(0x1f3, 0x01);        /* LBA 31:24 = 1 -> way past 10 MiB */
    outb(0x1f3, 0);
    outb(0x1f7, 0x24);
    EXPECT_EQ(irq14.level, 1, "error interrupts");
    EXPECT_EQ(inb(0x1f7), 0x41, "ERR");
    EXPECT_EQ(inb(0x1f1), 0x14, "IDNF ABRT");
}

static void test_write_and_flush(void **state)
{
    (void)state;
    lba28(77, 2);
    irq14.edges = 0;
    outb(0x1f7, 0x30);
    EXPECT_EQ(irq14.edges, 0, "PIO out: no interrupt before the first block");
    EXPECT_EQ(inb(0x3f6), 0x58, "DRQ for the first block");
    for (int i = 0; i < 256; i++)
        outw(0x1f0, (uint16_t)(0x1234 + i));
    EXPECT_EQ(irq14.edges, 1, "interrupt after block 1");
    EXPECT_EQ(inb(0x1f7), 0x58, "DRQ for block 2");
    for (int i = 0; i < 128; i++)
        io_write(&bus, 0x1f0, 0xdeadbeefu + (uint32_t)i, 4);   /* 32-bit data */
    EXPECT_EQ(irq14.edges, 2, "interrupt after the last block");
    EXPECT_EQ(inb(0x1f7), 0x50, "done");
    outb(0x1f7, 0xe7);
    EXPECT_EQ(inb(0x1f7), 0x50, "FLUSH CACHE");
    uint8_t back[1024];
    read_file(path, 77 * 512, back, 1024);
    EXPECT_EQ(back[0] | back[1] << 8, 0x1234, "word 0");
    EXPECT_EQ(back[510] | back[511] << 8, 0x1234 + 255, "word 255");
    EXPECT_EQ(back[512] | back[513] << 8 | back[514] << 16 | (uint32_t)back[515] << 24,
              0xdeadbeefu, "dword 0 of sector 2");
    /* VERIFY: no data, one interrupt. */
    lba28(10, 4);
    outb(0x1f7, 0x40);
    EXPECT_EQ(irq14.level, 1, "VERIFY interrupts");
    EXPECT_EQ(inb(0x1f7), 0x50, "VERIFY ok");
}

static void test_multiple(void **state)
{
    (void)state;
    lba28(0, 8);
    outb(0x1f7, 0xc4);
    EXPECT_EQ(inb(0x1f7), 0x41, "READ MULTIPLE before SET MULTIPLE: ABRT");
    EXPECT_EQ(inb(0x1f1), 0x04, "ABRT");
    outb(0x1f2, 3);
    outb(0x1f7, 0xc6);
    EXPECT_EQ(inb(0x1f7), 0x41, "SET MULTIPLE 3: not a power of two");
    outb(0x1f2, 4);
    outb(0x1f7, 0xc6);
    EXPECT_EQ(inb(0x1f7), 0x50, "SET MULTIPLE 4");
    lba28(100, 10);
    irq14.edges = 0;
    outb(0x1f7, 0xc4);
    uint16_t w[4 * 256];
    int blocks = 0;
    while (inb(0x1f7) & 0x08) {
        int n = blocks < 2 ? 4 : 2;
        read_words(w, n * 256);
        check_sector(w + (n - 1) * 256, 100 + (uint64_t)blocks * 4 + (uint64_t)n - 1);
        blocks++;
    }
    EXPECT_EQ(blocks, 3, "10 sectors in blocks of 4, 4, 2");
    EXPECT_EQ(irq14.edges, 3, "one interrupt per block");
    outb(0x1f7, 0xec);
    inb(0x1f7);
    uint16_t id[256];
    read_words(id, 256);
    EXPECT_EQ(id[59], 0x104, "IDENTIFY word 59: multiple 4 valid");
    /* WRITE MULTIPLE */
    lba28(200, 5);
    irq14.edges = 0;
    outb(0x1f7, 0xc5);
    for (int i = 0; i < 4 * 256; i++)
        outw(0x1f0, 0xaaaa);
    EXPECT_EQ(irq14.edges, 1, "after block 1");
    EXPECT_EQ(inb(0x1f7), 0x58, "DRQ for block 2");
    for (int i = 0; i < 256; i++)
        outw(0x1f0, 0x5555);
    EXPECT_EQ(irq14.edges, 2, "after block 2");
    uint8_t b[2];
    read_file(path, 204 * 512, b, 2);
    EXPECT_EQ(b[0], 0x55, "sector 5 of the WRITE MULTIPLE");
}

static void test_set_features_nien(void **state)
{
    (void)state;
    outb(0x1f1, 0x03);
    outb(0x1f2, 0x0c);        /* PIO mode 4 */
    outb(0x1f7, 0xef);
    EXPECT_EQ(inb(0x1f7), 0x50, "SET FEATURES PIO 4");
    outb(0x1f1, 0x03);
    outb(0x1f2, 0x46);        /* UDMA 6: no DMA here */
    outb(0x1f7, 0xef);
    EXPECT_EQ(inb(0x1f7), 0x41, "SET FEATURES UDMA: ABRT");
    outb(0x1f1, 0x82);
    outb(0x1f7, 0xef);
    EXPECT_EQ(inb(0x1f7), 0x50, "write cache off");
    outb(0x1f1, 0x77);
    outb(0x1f7, 0xef);
    EXPECT_EQ(inb(0x1f7), 0x41, "unknown feature: ABRT");
    /* nIEN masks the line, INTRQ stays pending. */
    outb(0x3f6, 0x02);
    outb(0x1f7, 0xe7);
    EXPECT_EQ(irq14.level, 0, "nIEN: no interrupt");
    outb(0x3f6, 0x00);
    EXPECT_EQ(irq14.level, 1, "INTRQ appears when nIEN clears");
    /* Unknown command: ABRT. */
    outb(0x1f7, 0xa1);
    EXPECT_EQ(inb(0x1f7), 0x41, "IDENTIFY PACKET on a disk: ABRT");
    outb(0x1f7, 0xe5);
    EXPECT_EQ(inb(0x1f2), 0xff, "CHECK POWER MODE: active");
}

static void test_readonly_image(void **state)
{
    (void)state;
    block_close(blk);
    char err[256];
    blk = block_open(path, true, false, false, err, sizeof err);
    ch.blk[0] = blk;
    lba28(5, 1);
    outb(0x1f7, 0x30);
    EXPECT_EQ(inb(0x1f7), 0x41, "write to a read-only image: ERR");
    EXPECT_EQ(inb(0x1f1), 0x04, "ABRT");
}

static void test_machine_reset(void **state)
{
    (void)state;
    outb(0x1f2, 4);
    outb(0x1f7, 0xc6);
    lba28(3, 2);
    outb(0x1f7, 0x20);        /* leave a transfer open */
    outb(0x3f6, 0x02);
    ide_reset(&ch);
    EXPECT_EQ(inb(0x1f7), 0x50, "status after reset");
    EXPECT_EQ(ch.devctl, 0, "device control cleared");
    EXPECT_EQ(ch.drv[0].mult, 0, "multiple mode off");
    EXPECT_EQ(inb(0x1f2), 1, "signature");
    uint16_t w = inw(0x1f0);
    EXPECT_EQ(w, 0xffff, "no data after reset");
}

static void mutate(void *dev)
{
    IDEChannel *c = dev;
    c->drv[0].pos = 3;
    c->drv[0].mult = 8;
    c->devctl = 0x02;
    c->buf[7] ^= 0xff;
}

static void test_vmstate(void **state)
{
    (void)state;
    lba28(50, 2);
    outb(0x1f7, 0x20);
    inb(0x1f7);
    uint16_t w[256];
    read_words(w, 100);       /* stop in the middle of a sector */
    vm_round_trip(&ide_vmstate, &ch, sizeof ch, mutate);
    read_words(w + 100, 156);
    check_sector(w, 50);
    inb(0x1f7);
    read_words(w, 256);
    check_sector(w, 51);
}

/* A state file is user input: out-of-range indices and a drive kind that
 * is not attached are repaired by post_load, and the ports stay safe. */
static void test_hostile_state(void **state)
{
    (void)state;
    ch.drv[0].xfer = IDE_X_IN;
    ch.drv[0].status = 0x58;
    ch.drv[0].pos = 5;
    ch.drv[0].len = IDE_BUF_SIZE + 4096;
    ch.drv[0].mult = 7;
    ch.drv[1].kind = IDE_ATA;     /* no image behind the slave */
    ch.cur = 0xff;
    ide_vmstate.post_load(&ch);
    EXPECT_EQ(ch.drv[1].kind, IDE_NONE, "kind from the attachment");
    EXPECT_EQ(ch.drv[0].xfer, IDE_X_NONE, "transfer dropped");
    EXPECT_EQ(ch.drv[0].mult, 0, "multiple count repaired");
    EXPECT_EQ(ch.cur, 1, "selection masked");
    for (int i = 0; i < 70000; i++)
        inw(0x1f0);
    outb(0x1f6, 0xb0);
    outb(0x1f7, 0x20);        /* to the absent slave: ignored */
    EXPECT_EQ(inb(0x1f7), 0, "absent slave");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_signature_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absent_slave, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_lba28, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_chs_initparams, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lba48, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_and_flush, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multiple, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_features_nien, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readonly_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_machine_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vmstate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_state, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
