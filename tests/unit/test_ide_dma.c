/* test_ide_dma.c - IDE bus-master DMA (devices/ide_dma.c) against the
 * 82371SB (PIIX3) datasheet section 2.7 (BMICX, BMISX, BMIDTPX, the PRD
 * format) and ATA/ATAPI-6 (READ/WRITE DMA, the EXT forms, PACKET with
 * DMA). Where the datasheet leaves a choice the expected value is QEMU
 * 7.2's hw/ide behaviour: the transfer ends with active clear and the
 * interrupt bit set; a PRD table too short for the transfer ends it with
 * active clear, no interrupt and the drive ready (0x50); any INTRQ rising
 * edge sets the interrupt bit; IDENTIFY words 49/53/62/63/88 as QEMU's
 * ide_identify (multiword and single-word DMA 0-2 and UDMA 0-5 supported,
 * UDMA5 selected until SET FEATURES picks a mode). Also reset and a
 * save/load round trip of the registers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "disk_helpers.h"
#include "ide.h"
#include "ide_dma.h"

#define DISK_SECTORS 4096u
#define CD_SECTORS 64u
#define BM 0xc000
#define PRD 0x1000          /* PRD table */
#define BUF 0x10000         /* data */

static IOBus bus;
static Memory mem;
static IDEChannel ch0, ch1;
static IDEBMDMA bm;
static TestIRQ irq14, irq15;
static char hd_path[64], cd_path[64];
static BlockDev *hd, *cd;

static void outb(uint16_t p, uint8_t v) { io_write(&bus, p, v, 1); }
static uint8_t inb(uint16_t p) { return (uint8_t)io_read(&bus, p, 1); }
static void outl(uint16_t p, uint32_t v) { io_write(&bus, p, v, 4); }
static uint32_t inl(uint16_t p) { return io_read(&bus, p, 4); }
static uint16_t inw(uint16_t p) { return (uint16_t)io_read(&bus, p, 2); }
static void outw(uint16_t p, uint16_t v) { io_write(&bus, p, v, 2); }

static int setup(void **state)
{
    (void)state;
    io_init(&bus);
    assert_true(mem_init(&mem, 1u << 20));
    test_irq_init(&irq14);
    test_irq_init(&irq15);
    ide_init(&ch0, &bus, 0x1f0, 0x3f6, &irq14.line);
    ide_init(&ch1, &bus, 0x170, 0x376, &irq15.line);
    make_image(hd_path, (uint64_t)DISK_SECTORS * 512, 512);
    make_image(cd_path, (uint64_t)CD_SECTORS * 2048, 2048);
    char err[256];
    hd = block_open(hd_path, false, false, false, err, sizeof err);
    cd = block_open(cd_path, true, false, false, err, sizeof err);
    assert_non_null(hd);
    assert_non_null(cd);
    ide_attach(&ch0, 0, IDE_ATA, hd);
    ide_attach(&ch1, 0, IDE_ATAPI, cd);
    ide_bmdma_init(&bm, &bus, &mem, &ch0, &ch1);
    ide_bmdma_map(&bm, BM);
    ide_reset(&ch0);
    ide_reset(&ch1);
    ide_bmdma_reset(&bm);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    block_close(hd);
    block_close(cd);
    unlink(hd_path);
    unlink(cd_path);
    mem_free(&mem);
    return 0;
}

static void prd(int i, uint32_t addr, uint32_t count, bool eot)
{
    mem_write(&mem, PRD + 8 * i, addr, 4);
    mem_write(&mem, PRD + 8 * i + 4, (count & 0xffff) | (eot ? 0x80000000u : 0), 4);
}

static void lba28(uint32_t lba, uint8_t count)
{
    outb(0x1f6, (uint8_t)(0xe0 | (lba >> 24)));
    outb(0x1f2, count);
    outb(0x1f3, (uint8_t)lba);
    outb(0x1f4, (uint8_t)(lba >> 8));
    outb(0x1f5, (uint8_t)(lba >> 16));
}

static void check_mem(uint32_t addr, uint64_t img_off, uint32_t len, unsigned ssize)
{
    for (uint32_t i = 0; i < len; i++) {
        uint8_t b = (uint8_t)mem_read(&mem, addr + i, 1);
        if (b != pattern_byte(img_off + i, ssize))
            fail_msg("memory %#x: %#x, image byte %llu is %#x", addr + i, b,
                     (unsigned long long)(img_off + i), pattern_byte(img_off + i, ssize));
    }
}

static void test_registers(void **state)
{
    (void)state;
    /* Reset values. */
    EXPECT_EQ(inb(BM + 0), 0, "BMICX at reset");
    EXPECT_EQ(inb(BM + 2), 0, "BMISX at reset");
    EXPECT_EQ(inl(BM + 4), 0, "BMIDTP at reset");
    /* Command: start (bit 0) and direction (bit 3) only. */
    outb(BM + 0, 0xf6);
    EXPECT_EQ(inb(BM + 0), 0x00, "BMICX reserved bits");
    outb(BM + 0, 0x08);
    EXPECT_EQ(inb(BM + 0), 0x08, "BMICX direction");
    /* PRD address: dword aligned. */
    outl(BM + 4, 0x12345677);
    EXPECT_EQ(inl(BM + 4), 0x12345674, "BMIDTP alignment");
    outb(BM + 5, 0xab);
    EXPECT_EQ(inl(BM + 4), 0x1234ab74, "BMIDTP byte write");
    /* Status: bits 5-6 read/write, 1-2 write-one-to-clear, 0 read-only. */
    outb(BM + 2, 0xff);
    EXPECT_EQ(inb(BM + 2), 0x60, "BMISX after writing ones");
    outb(BM + 2, 0x00);
    EXPECT_EQ(inb(BM + 2), 0x00, "BMISX capable bits cleared");
    /* Start sets active; stop clears it. */
    outb(BM + 0, 0x01);
    EXPECT_EQ(inb(BM + 2) & 1, 1, "active after start");
    outb(BM + 0, 0x00);
    EXPECT_EQ(inb(BM + 2) & 1, 0, "active after stop");
    /* The secondary channel's block at +8 is separate. */
    outl(BM + 12, 0x2000);
    EXPECT_EQ(inl(BM + 12), 0x2000, "secondary BMIDTP");
    EXPECT_EQ(inl(BM + 4), 0x1234ab74, "primary BMIDTP untouched");
    /* Any INTRQ rising edge sets the interrupt bit; write 1 clears it. */
    outb(0x1f6, 0xe0);
    outb(0x1f7, 0xe7);        /* FLUSH CACHE: non-data, one interrupt */
    EXPECT_EQ(inb(BM + 2), 0x04, "interrupt bit after a PIO command");
    outb(BM + 2, 0x04);
    EXPECT_EQ(inb(BM + 2), 0x00, "interrupt bit cleared");
    /* ... unless nIEN holds INTRQ off. */
    outb(0x3f6, 0x02);
    outb(0x1f7, 0xe7);
    EXPECT_EQ(inb(BM + 2), 0x00, "no interrupt bit with nIEN");
    outb(0x3f6, 0x00);
    /* Unmapped: the ports are gone. */
    ide_bmdma_map(&bm, 0);
    EXPECT_EQ(inb(BM + 4), 0xff, "unmapped port");
    ide_bmdma_map(&bm, BM);
    EXPECT_EQ(inb(BM + 5), 0xab, "mapped again");
}

/* READ DMA of 3 sectors into two PRD regions (1024 + 512 bytes). */
static void test_read_dma(void **state)
{
    (void)state;
    prd(0, BUF, 1024, false);
    prd(1, BUF + 0x3000, 512, true);
    outl(BM + 4, PRD);
    outb(BM + 0, 0x08);       /* direction: to memory, not started */
    lba28(100, 3);
    outb(0x1f7, 0xc8);
    EXPECT_EQ(inb(0x3f6), 0x58, "status waiting for the bus master (DRDY DSC DRQ)");
    EXPECT_EQ(irq14.edges, 0, "no interrupt before the transfer");
    outb(BM + 0, 0x09);       /* start */
    EXPECT_EQ(inb(BM + 2), 0x04, "BMISX after the transfer: interrupt, not active");
    EXPECT_EQ(irq14.edges, 1, "one interrupt");
    EXPECT_EQ(inb(0x3f6), 0x50, "drive status");
    check_mem(BUF, 100 * 512, 1024, 512);
    check_mem(BUF + 0x3000, 102 * 512, 512, 512);
    EXPECT_EQ(inb(0x1f3), 102, "sector number: the last sector");
    EXPECT_EQ(inb(0x1f2), 0, "sector count 0");
    inb(0x1f7);
    EXPECT_EQ(irq14.level, 0, "status read clears INTRQ");
    outb(BM + 0, 0x08);
    outb(BM + 2, 0x04);
    EXPECT_EQ(inb(BM + 2), 0x00, "BMISX cleared");
}

/* Started first, then the command: READ DMA EXT with a 64 KiB (count 0)
 * region, and the transfer runs when the command arrives. */
static void test_read_dma_ext_started_first(void **state)
{
    (void)state;
    prd(0, BUF, 0, true);     /* 0 = 64 KiB */
    outl(BM + 4, PRD);
    outb(BM + 0, 0x09);
    EXPECT_EQ(inb(BM + 2), 0x01, "active, waiting");
    outb(0x1f6, 0x40);
    outb(0x1f2, 0);           /* count high byte */
    outb(0x1f2, 128);
    outb(0x1f3, 0x00);        /* LBA 47:24 = 0 */
    outb(0x1f4, 0);
    outb(0x1f5, 0);
    outb(0x1f3, 0x10);        /* LBA 0x000000000210 */
    outb(0x1f4, 0x02);
    outb(0x1f5, 0);
    outb(0x1f7, 0x25);
    EXPECT_EQ(inb(BM + 2), 0x04, "done");
    check_mem(BUF, 0x210 * 512, 65536, 512);
    EXPECT_EQ(inb(0x3f6), 0x50, "status");
}

static void test_write_dma(void **state)
{
    (void)state;
    for (uint32_t i = 0; i < 1024; i++)
        mem_write(&mem, BUF + i, (uint8_t)(i * 7 + 1), 1);
    prd(0, BUF, 512, false);
    prd(1, BUF + 512, 512, true);
    outl(BM + 4, PRD);
    lba28(300, 2);
    outb(0x1f7, 0xca);
    outb(BM + 0, 0x01);       /* start, direction: from memory */
    EXPECT_EQ(inb(BM + 2), 0x04, "BMISX after the write");
    EXPECT_EQ(inb(0x1f7), 0x50, "status");
    uint8_t got[1024];
    read_file(hd_path, 300 * 512, got, sizeof got);
    for (int i = 0; i < 1024; i++)
        EXPECT_EQ(got[i], (uint8_t)(i * 7 + 1), "written byte");
    uint8_t next[4];
    read_file(hd_path, 302 * 512, next, 4);
    EXPECT_EQ(next[0], 302 & 0xff, "the next sector untouched");
}

/* The PRD table ends before the data: active clear, no interrupt, ready. */
static void test_short_prd(void **state)
{
    (void)state;
    prd(0, BUF, 512, true);
    outl(BM + 4, PRD);
    lba28(10, 4);
    outb(0x1f7, 0xc8);
    outb(BM + 0, 0x09);
    EXPECT_EQ(inb(BM + 2), 0x00, "BMISX: not active, no interrupt");
    EXPECT_EQ(irq14.edges, 0, "no interrupt");
    EXPECT_EQ(inb(0x3f6), 0x50, "drive ready");
    check_mem(BUF, 10 * 512, 512, 512);
}

/* Stopping before the command leaves the drive waiting; a new start
 * moves the data. */
static void test_stop_and_restart(void **state)
{
    (void)state;
    prd(0, BUF, 512, true);
    outl(BM + 4, PRD);
    outb(BM + 0, 0x09);
    outb(BM + 0, 0x08);
    EXPECT_EQ(inb(BM + 2), 0x00, "stopped");
    lba28(20, 1);
    outb(0x1f7, 0xc8);
    EXPECT_EQ(inb(0x3f6), 0x58, "waiting");
    outb(BM + 0, 0x09);
    EXPECT_EQ(inb(BM + 2), 0x04, "done after the new start");
    check_mem(BUF, 20 * 512, 512, 512);
}

static void test_dma_errors(void **state)
{
    (void)state;
    lba28(DISK_SECTORS - 1, 2);   /* beyond the end */
    outb(0x1f7, 0xc8);
    EXPECT_EQ(inb(0x1f7), 0x41, "IDNF: DRDY ERR");
    EXPECT_EQ(inb(0x1f1), 0x14, "error: IDNF ABRT");
    /* Without a bus master the DMA commands abort, as before. */
    IDEBusMaster *keep = ch0.bm;
    ch0.bm = NULL;
    lba28(0, 1);
    outb(0x1f7, 0xc8);
    EXPECT_EQ(inb(0x1f7), 0x41, "no bus master: abort");
    EXPECT_EQ(inb(0x1f1), 0x04, "ABRT");
    ch0.bm = keep;
}

static void identify(uint16_t *w)
{
    outb(0x1f6, 0xa0);
    outb(0x1f7, 0xec);
    inb(0x1f7);
    for (int i = 0; i < 256; i++)
        w[i] = inw(0x1f0);
}

static void set_mode(uint8_t mode, uint8_t want_status)
{
    outb(0x1f1, 0x03);
    outb(0x1f2, mode);
    outb(0x1f7, 0xef);
    EXPECT_EQ(inb(0x1f7), want_status, "SET FEATURES transfer mode");
}

static void test_identify_modes(void **state)
{
    (void)state;
    uint16_t w[256];
    identify(w);
    EXPECT_EQ(w[49] & 0x0f00, 0x0b00, "word 49: IORDY, LBA, DMA");
    EXPECT_EQ(w[53], 0x0007, "word 53: 54-58, 64-70, 88 valid");
    EXPECT_EQ(w[62], 0x0007, "word 62");
    EXPECT_EQ(w[63], 0x0007, "word 63");
    EXPECT_EQ(w[88], 0x203f, "word 88: UDMA0-5, UDMA5 selected");
    set_mode(0x22, 0x50);     /* multiword DMA 2 */
    identify(w);
    EXPECT_EQ(w[63], 0x0407, "word 63 after MWDMA2");
    EXPECT_EQ(w[88], 0x003f, "word 88 after MWDMA2");
    set_mode(0x42, 0x50);     /* UDMA 2 */
    identify(w);
    EXPECT_EQ(w[63], 0x0007, "word 63 after UDMA2");
    EXPECT_EQ(w[88], 0x043f, "word 88 after UDMA2");
    set_mode(0x12, 0x50);     /* single-word DMA 2 */
    identify(w);
    EXPECT_EQ(w[62], 0x0407, "word 62 after SWDMA2");
    set_mode(0x0c, 0x50);     /* PIO 4 */
    identify(w);
    EXPECT_EQ(w[62], 0x0007, "word 62 after PIO4");
    EXPECT_EQ(w[88], 0x003f, "word 88 after PIO4");
    set_mode(0x46, 0x41);     /* UDMA 6: not supported */
    set_mode(0x23, 0x41);     /* MWDMA 3: not supported */
}

/* ATAPI READ(10) of 3 sectors by DMA: the packet goes by PIO, the data
 * through the PRD table, then the status phase (IO|CoD) and the interrupt. */
static void test_atapi_dma(void **state)
{
    (void)state;
    prd(0, BUF, 4096, false);
    prd(1, BUF + 0x8000, 2048, true);
    outl(BM + 12, PRD);
    outb(BM + 8, 0x08);
    outb(0x176, 0x00);
    inb(0x177);
    outb(0x171, 0x01);        /* DMA */
    outb(0x174, 0x00);
    outb(0x175, 0x80);
    outb(0x177, 0xa0);
    EXPECT_EQ(inb(0x376) & 0x08, 0x08, "DRQ for the packet");
    const uint8_t pk[12] = {0x28, 0, 0, 0, 0, 7, 0, 0, 3, 0, 0, 0};
    for (int i = 0; i < 12; i += 2)
        outw(0x170, (uint16_t)(pk[i] | pk[i + 1] << 8));
    EXPECT_EQ(inb(0x376), 0x58, "waiting for the bus master");
    int before = irq15.edges;
    outb(BM + 8, 0x09);
    EXPECT_EQ(inb(BM + 10), 0x04, "secondary BMISX: interrupt, not active");
    EXPECT_EQ(irq15.edges, before + 1, "one interrupt");
    EXPECT_EQ(inb(0x172) & 3, 3, "interrupt reason IO|CoD");
    EXPECT_EQ(inb(0x177), 0x50, "status");
    check_mem(BUF, 7 * 2048, 4096, 2048);
    check_mem(BUF + 0x8000, 9 * 2048, 2048, 2048);
    /* INQUIRY by DMA: a reply built by the drive. */
    outb(BM + 8, 0x08);
    outb(BM + 10, 0x04);
    prd(0, BUF, 36, true);
    outb(0x171, 0x01);
    outb(0x177, 0xa0);
    const uint8_t inq[12] = {0x12, 0, 0, 0, 36, 0, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 12; i += 2)
        outw(0x170, (uint16_t)(inq[i] | inq[i + 1] << 8));
    outb(BM + 8, 0x09);
    EXPECT_EQ(inb(BM + 10), 0x04, "INQUIRY done");
    EXPECT_EQ(mem_read(&mem, BUF, 1), 0x05, "peripheral type CD/DVD");
    EXPECT_EQ(mem_read(&mem, BUF + 8, 1), 'X', "vendor");
}

static void test_reset(void **state)
{
    (void)state;
    outl(BM + 4, 0x4444);
    outb(BM + 0, 0x09);
    outb(BM + 2, 0x60);
    ide_bmdma_reset(&bm);
    EXPECT_EQ(inb(BM + 0), 0, "BMICX after reset");
    EXPECT_EQ(inb(BM + 2), 0, "BMISX after reset");
    EXPECT_EQ(inl(BM + 4), 0, "BMIDTP after reset");
}

static void mutate(void *dev)
{
    IDEBMDMA *b = dev;
    b->ch[0].prdt ^= 0x100;
    b->ch[1].status ^= 0x20;
}

static void test_vmstate(void **state)
{
    (void)state;
    outl(BM + 4, 0x8888);
    outb(BM + 0, 0x08);
    outb(BM + 10, 0x60);
    outl(BM + 12, 0x9990);
    vm_round_trip(&ide_bmdma_vmstate, &bm, offsetof(IDEBMDMA, ide), mutate);
    EXPECT_EQ(inl(BM + 4), 0x8888, "primary PRD address after load");
    EXPECT_EQ(inb(BM + 10), 0x60, "secondary status after load");
    /* A state file's stray bits are dropped. */
    bm.ch[0].cmd = 0xff;
    bm.ch[0].status = 0xff;
    bm.ch[0].prdt = 0xffffffff;
    ide_bmdma_vmstate.post_load(&bm);
    EXPECT_EQ(inb(BM + 0), 0x09, "cmd masked");
    EXPECT_EQ(inb(BM + 2), 0x67, "status masked");
    EXPECT_EQ(inl(BM + 4), 0xfffffffc, "PRD address masked");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_dma, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_dma_ext_started_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_dma, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_prd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_and_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dma_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identify_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_atapi_dma, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vmstate, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
