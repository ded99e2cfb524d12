/* test_atapi.c - the ATAPI CD-ROM on an IDE channel, against ATA/ATAPI-6
 * (PACKET protocol, interrupt reason, byte count limit), SPC-3 and MMC-5
 * (command layouts and replies): signature, IDENTIFY DEVICE aborted,
 * IDENTIFY PACKET DEVICE, TEST UNIT READY, REQUEST SENSE, INQUIRY, READ
 * CAPACITY, READ(10) and READ(12) in DRQ blocks (even and odd limits),
 * READ TOC formats 0/1/2 in LBA and MSF, GET CONFIGURATION, MODE SENSE(10),
 * START STOP UNIT with PREVENT ALLOW MEDIUM REMOVAL, GET EVENT STATUS
 * NOTIFICATION, an unknown opcode, an empty drive, and a save/load round
 * trip in the middle of a transfer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "disk_helpers.h"
#include "ide.h"

#define CD_SECTORS 300u

static IOBus bus;
static IDEChannel ch;
static TestIRQ irq15;
static char path[64];
static BlockDev *blk;
static uint8_t data[128 * 1024];

static void outb(uint16_t p, uint8_t v) { io_write(&bus, p, v, 1); }
static uint8_t inb(uint16_t p) { return (uint8_t)io_read(&bus, p, 1); }
static uint16_t inw(uint16_t p) { return (uint16_t)io_read(&bus, p, 2); }
static void outw(uint16_t p, uint16_t v) { io_write(&bus, p, v, 2); }

static int setup(void **state)
{
    (void)state;
    io_init(&bus);
    test_irq_init(&irq15);
    ide_init(&ch, &bus, 0x170, 0x376, &irq15.line);
    make_image(path, (uint64_t)CD_SECTORS * 2048, 2048);
    char err[256];
    blk = block_open(path, true, false, false, err, sizeof err);
    assert_non_null(blk);
    ide_attach(&ch, 0, IDE_ATAPI, blk);
    ide_reset(&ch);
    outb(0x176, 0xa0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    block_close(blk);
    unlink(path);
    return 0;
}

/* Send a packet with byte count limit bcl; collect the reply into data[]
 * block by block, checking the protocol. Returns the bytes received, or
 * -1 when the command ended in CHECK CONDITION. *blocks: DRQ blocks. */
static int packet(const uint8_t *cdb, uint16_t bcl, int *blocks)
{
    outb(0x171, 0);           /* PIO */
    outb(0x174, (uint8_t)bcl);
    outb(0x175, (uint8_t)(bcl >> 8));
    irq15.edges = 0;
    outb(0x177, 0xa0);
    EXPECT_EQ(inb(0x376) & 0x88, 0x08, "packet DRQ, not BSY");
    EXPECT_EQ(inb(0x172) & 3, 1, "interrupt reason: CoD=1 IO=0");
    EXPECT_EQ(irq15.edges, 0, "no interrupt for the packet DRQ");
    for (int i = 0; i < 6; i++)
        outw(0x170, (uint16_t)(cdb[2 * i] | cdb[2 * i + 1] << 8));
    int got = 0, n = 0;
    for (;;) {
        EXPECT_EQ(irq15.level, 1, "an interrupt for each phase");
        uint8_t st = inb(0x177);
        uint8_t ir = inb(0x172) & 3;
        if (!(st & 0x08)) {
            EXPECT_EQ(ir, 3, "status phase: IO=1 CoD=1");
            if (blocks)
                *blocks = n;
            return (st & 0x01) ? -1 : got;
        }
        EXPECT_EQ(ir, 2, "data phase: IO=1 CoD=0");
        unsigned len = inb(0x174) | inb(0x175) << 8;
        if (len > bcl)
            fail_msg("DRQ block of %u bytes over the limit %u", len, bcl);
        for (unsigned i = 0; i < len; i += 2) {
            uint16_t w = inw(0x170);
            data[got + (int)i] = (uint8_t)w;
            if (i + 1 < len)
                data[got + (int)i + 1] = (uint8_t)(w >> 8);
        }
        got += (int)len;
        n++;
    }
}

static void sense(uint8_t *key, uint8_t *asc)
{
    uint8_t cdb[12] = {0x03, 0, 0, 0, 18};
    EXPECT_EQ(packet(cdb, 0xfffe, NULL), 18, "REQUEST SENSE length");
    EXPECT_EQ(data[0], 0x70, "fixed format, current");
    *key = data[2] & 0x0f;
    *asc = data[12];
}

static void test_signature_identify(void **state)
{
    (void)state;
    EXPECT_EQ(inb(0x177), 0x00, "ATAPI status at power on");
    EXPECT_EQ(inb(0x174), 0x14, "signature LBA mid");
    EXPECT_EQ(inb(0x175), 0xeb, "signature LBA high");
    outb(0x177, 0xec);
    EXPECT_EQ(inb(0x177), 0x41, "IDENTIFY DEVICE: aborted");
    EXPECT_EQ(inb(0x171), 0x04, "ABRT");
    EXPECT_EQ(inb(0x174), 0x14, "signature kept");
    EXPECT_EQ(inb(0x175), 0xeb, "signature kept");
    outb(0x177, 0xa1);
    EXPECT_EQ(inb(0x177) & 0x08, 0x08, "IDENTIFY PACKET: DRQ");
    uint16_t w[256];
    for (int i = 0; i < 256; i++)
        w[i] = inw(0x170);
    EXPECT_EQ(w[0], 0x85c0, "word 0: ATAPI, CD-ROM, removable, 12-byte packets");
    EXPECT_EQ(w[27], ('X' << 8) | 'L', "model byte-swapped");
    EXPECT_EQ(w[49] & 0x0200, 0x0200, "LBA");
    EXPECT_EQ(inb(0x177) & 0x08, 0, "DRQ off");
}

static void test_tur_sense_inquiry(void **state)
{
    (void)state;
    uint8_t tur[12] = {0};
    EXPECT_EQ(packet(tur, 0xfffe, NULL), 0, "TEST UNIT READY: good");
    uint8_t inq[12] = {0x12, 0, 0, 0, 36};
    EXPECT_EQ(packet(inq, 0xfffe, NULL), 36, "INQUIRY length");
    EXPECT_EQ(data[0], 0x05, "CD/DVD device");
    EXPECT_EQ(data[1], 0x80, "removable");
    EXPECT_EQ(data[4], 31, "additional length");
    assert_memory_equal(data + 8, "XLAT86  ", 8);
    inq[4] = 5;
    EXPECT_EQ(packet(inq, 0xfffe, NULL), 5, "INQUIRY cut to the allocation length");
    uint8_t bad[12] = {0xff};
    EXPECT_EQ(packet(bad, 0xfffe, NULL), -1, "unknown opcode: CHECK CONDITION");
    EXPECT_EQ(inb(0x171) >> 4, 5, "error register: sense key ILLEGAL REQUEST");
    uint8_t key, asc;
    sense(&key, &asc);
    EXPECT_EQ(key, 5, "sense key");
    EXPECT_EQ(asc, 0x20, "invalid command operation code");
    sense(&key, &asc);
    EXPECT_EQ(key, 0, "sense cleared after being read");
}

static void test_capacity_read(void **state)
{
    (void)state;
    uint8_t cap[12] = {0x25};
    EXPECT_EQ(packet(cap, 0xfffe, NULL), 8, "READ CAPACITY length");
    EXPECT_EQ(data[0] << 24 | data[1] << 16 | data[2] << 8 | data[3], CD_SECTORS - 1, "last LBA");
    EXPECT_EQ(data[4] << 24 | data[5] << 16 | data[6] << 8 | data[7], 2048, "block size");
    int blocks;
    uint8_t r10[12] = {0x28, 0, 0, 0, 0, 10, 0, 0, 3};
    EXPECT_EQ(packet(r10, 0xfffe, &blocks), 3 * 2048, "READ(10) 3 sectors");
    EXPECT_EQ(blocks, 1, "one DRQ block under a 64K limit");
    for (int i = 0; i < 3 * 2048; i++)
        EXPECT_EQ(data[i], pattern_byte(10 * 2048 + (uint64_t)i, 2048), "READ(10) data");
    /* Limit 2048: one block per sector. */
    EXPECT_EQ(packet(r10, 2048, &blocks), 3 * 2048, "READ(10) limit 2048");
    EXPECT_EQ(blocks, 3, "three blocks");
    /* An odd limit (1001): even blocks of 1000, then the rest. */
    EXPECT_EQ(packet(r10, 1001, &blocks), 3 * 2048, "READ(10) odd limit");
    EXPECT_EQ(blocks, 7, "6144 bytes in blocks of 1000");
    for (int i = 0; i < 3 * 2048; i++)
        EXPECT_EQ(data[i], pattern_byte(10 * 2048 + (uint64_t)i, 2048), "odd-limit data");
    uint8_t r12[12] = {0xa8, 0, 0, 0, 1, 0x20, 0, 0, 0, 12};
    EXPECT_EQ(packet(r12, 0xfffe, &blocks), 12 * 2048, "READ(12) 12 sectors from 288");
    for (int i = 0; i < 12 * 2048; i++)
        EXPECT_EQ(data[i], pattern_byte(288 * 2048 + (uint64_t)i, 2048), "READ(12) data");
    uint8_t past[12] = {0x28, 0, 0, 0, 1, 0x2b, 0, 0, 2};   /* 299 + 2 */
    EXPECT_EQ(packet(past, 0xfffe, NULL), -1, "READ past the end");
    uint8_t key, asc;
    sense(&key, &asc);
    EXPECT_EQ(key, 5, "ILLEGAL REQUEST");
    EXPECT_EQ(asc, 0x21, "LBA out of range");
}

static void test_toc(void **state)
{
    (void)state;
    uint8_t toc[12] = {0x43, 0, 0, 0, 0, 0, 0, 0, 100};
    EXPECT_EQ(packet(toc, 0xfffe, NULL), 20, "TOC format 0: header + track 1 + lead-out");
    EXPECT_EQ(data[0] << 8 | data[1], 18, "TOC data length");
    EXPECT_EQ(data[2], 1, "first track");
    EXPECT_EQ(data[3], 1, "last track");
    EXPECT_EQ(data[5], 0x14, "track 1: ADR 1, data");
    EXPECT_EQ(data[6], 1, "track number");
    EXPECT_EQ(data[8] | data[9] | data[10] | data[11], 0, "track 1 at LBA 0");
    EXPECT_EQ(data[14], 0xaa, "lead-out");
    EXPECT_EQ(data[16] << 24 | data[17] << 16 | data[18] << 8 | data[19], CD_SECTORS,
              "lead-out LBA");
    toc[1] = 0x02;            /* MSF */
    EXPECT_EQ(packet(toc, 0xfffe, NULL), 20, "TOC MSF");
    EXPECT_EQ(data[9] << 16 | data[10] << 8 | data[11], 0x000200, "track 1 at 00:02:00");
    /* 300 + 150 = 450 frames = 00:06:00 */
    EXPECT_EQ(data[17] << 16 | data[18] << 8 | data[19], 0x000600, "lead-out at 00:06:00");
    uint8_t ses[12] = {0x43, 0, 1, 0, 0, 0, 0, 0, 12};
    EXPECT_EQ(packet(ses, 0xfffe, NULL), 12, "TOC format 1: session info");
    EXPECT_EQ(data[0] << 8 | data[1], 10, "length");
    EXPECT_EQ(data[6], 1, "first track of the last session");
    uint8_t raw[12] = {0x43, 0x02, 2, 0, 0, 0, 0, 0, 100};
    EXPECT_EQ(packet(raw, 0xfffe, NULL), 4 + 4 * 11, "TOC format 2: four descriptors");
    EXPECT_EQ(data[4 + 3], 0xa0, "point A0");
    EXPECT_EQ(data[4 + 8], 1, "A0: first track 1");
    EXPECT_EQ(data[4 + 11 + 3], 0xa1, "point A1");
    EXPECT_EQ(data[4 + 22 + 3], 0xa2, "point A2");
    EXPECT_EQ(data[4 + 22 + 8] << 16 | data[4 + 22 + 9] << 8 | data[4 + 22 + 10], 0x000600,
              "A2: lead-out 00:06:00");
    EXPECT_EQ(data[4 + 33 + 3], 1, "track 1");
    EXPECT_EQ(data[4 + 33 + 9], 2, "track 1 at 00:02:00");
    uint8_t bad[12] = {0x43, 0, 0, 0, 0, 0, 5, 0, 100};
    EXPECT_EQ(packet(bad, 0xfffe, NULL), -1, "TOC from track 5: invalid field");
}

static void test_config_mode_sense(void **state)
{
    (void)state;
    uint8_t gc[12] = {0x46, 0, 0, 0, 0, 0, 0, 0, 200};
    int n = packet(gc, 0xfffe, NULL);
    assert_true(n >= 16);
    EXPECT_EQ(data[0] << 24 | data[1] << 16 | data[2] << 8 | data[3], n - 4, "data length");
    EXPECT_EQ(data[6] << 8 | data[7], 0x0008, "current profile CD-ROM");
    EXPECT_EQ(data[8] << 8 | data[9], 0x0000, "feature 0: profile list");
    EXPECT_EQ(data[12] << 8 | data[13], 0x0008, "profile CD-ROM");
    EXPECT_EQ(data[14] & 1, 1, "current");
    uint8_t ms[12] = {0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 28};
    EXPECT_EQ(packet(ms, 0xfffe, NULL), 28, "MODE SENSE page 2A");
    EXPECT_EQ(data[0] << 8 | data[1], 26, "mode data length");
    EXPECT_EQ(data[8], 0x2a, "page code");
    EXPECT_EQ(data[9], 0x12, "page length");
    uint8_t ms1[12] = {0x5a, 0, 0x01, 0, 0, 0, 0, 0, 16};
    EXPECT_EQ(packet(ms1, 0xfffe, NULL), 16, "MODE SENSE page 01");
    EXPECT_EQ(data[8], 0x01, "page 01");
    uint8_t msx[12] = {0x5a, 0, 0x05, 0, 0, 0, 0, 0, 16};
    EXPECT_EQ(packet(msx, 0xfffe, NULL), -1, "MODE SENSE unknown page");
    uint8_t key, asc;
    sense(&key, &asc);
    EXPECT_EQ(asc, 0x24, "invalid field in CDB");
}

static void test_eject_lock_events(void **state)
{
    (void)state;
    uint8_t ev[12] = {0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8};
    EXPECT_EQ(packet(ev, 0xfffe, NULL), 8, "GET EVENT STATUS media");
    EXPECT_EQ(data[2], 0x04, "media class");
    EXPECT_EQ(data[4], 2, "new media (once)");
    EXPECT_EQ(data[5] & 2, 2, "media present");
    packet(ev, 0xfffe, NULL);
    EXPECT_EQ(data[4], 0, "no change the second time");
    uint8_t async[12] = {0x4a, 0, 0, 0, 0x10, 0, 0, 0, 8};
    EXPECT_EQ(packet(async, 0xfffe, NULL), -1, "asynchronous form: invalid");
    uint8_t prevent[12] = {0x1e, 0, 0, 0, 1};
    EXPECT_EQ(packet(prevent, 0xfffe, NULL), 0, "PREVENT");
    uint8_t eject[12] = {0x1b, 0, 0, 0, 0x02};
    EXPECT_EQ(packet(eject, 0xfffe, NULL), -1, "eject while locked");
    uint8_t key, asc;
    sense(&key, &asc);
    EXPECT_EQ(asc, 0x53, "medium removal prevented");
    prevent[4] = 0;
    EXPECT_EQ(packet(prevent, 0xfffe, NULL), 0, "ALLOW");
    EXPECT_EQ(packet(eject, 0xfffe, NULL), 0, "eject");
    uint8_t tur[12] = {0};
    EXPECT_EQ(packet(tur, 0xfffe, NULL), -1, "TEST UNIT READY with the tray open");
    sense(&key, &asc);
    EXPECT_EQ(key, 2, "NOT READY");
    EXPECT_EQ(asc, 0x3a, "medium not present");
    packet(ev, 0xfffe, NULL);
    EXPECT_EQ(data[4], 3, "event: media removal");
    uint8_t load[12] = {0x1b, 0, 0, 0, 0x03};
    EXPECT_EQ(packet(load, 0xfffe, NULL), 0, "load");
    EXPECT_EQ(packet(tur, 0xfffe, NULL), 0, "ready again");
}

static void test_empty_drive(void **state)
{
    (void)state;
    ide_attach(&ch, 0, IDE_ATAPI, NULL);
    ide_reset(&ch);
    uint8_t cap[12] = {0x25};
    EXPECT_EQ(packet(cap, 0xfffe, NULL), -1, "READ CAPACITY without a disc");
    uint8_t key, asc;
    sense(&key, &asc);
    EXPECT_EQ(key, 2, "NOT READY");
    EXPECT_EQ(asc, 0x3a, "medium not present");
    uint8_t inq[12] = {0x12, 0, 0, 0, 36};
    EXPECT_EQ(packet(inq, 0xfffe, NULL), 36, "INQUIRY works without a disc");
}

static void test_reset_srst(void **state)
{
    (void)state;
    uint8_t r10[12] = {0x28, 0, 0, 0, 0, 1, 0, 0, 1};
    outb(0x174, 0);
    outb(0x175, 8);
    outb(0x177, 0xa0);
    for (int i = 0; i < 6; i++)
        outw(0x170, (uint16_t)(r10[2 * i] | r10[2 * i + 1] << 8));
    EXPECT_EQ(inb(0x177) & 0x08, 0x08, "data waiting");
    outb(0x376, 0x04);
    outb(0x376, 0x00);
    EXPECT_EQ(inb(0x177), 0x00, "ATAPI status after SRST");
    EXPECT_EQ(inb(0x174), 0x14, "signature");
    EXPECT_EQ(inb(0x175), 0xeb, "signature");
    outb(0x177, 0x08);        /* DEVICE RESET */
    EXPECT_EQ(inb(0x177), 0x00, "DEVICE RESET");
}

static void mutate(void *dev)
{
    IDEChannel *c = dev;
    c->drv[0].left = 1;
    c->drv[0].stream = 0;
    c->drv[0].locked ^= 1;
}

static void test_vmstate(void **state)
{
    (void)state;
    /* Stop in the middle of a 4-sector READ(10) with 2048-byte blocks. */
    uint8_t r10[12] = {0x28, 0, 0, 0, 0, 20, 0, 0, 4};
    outb(0x174, 0x00);
    outb(0x175, 0x08);
    outb(0x177, 0xa0);
    for (int i = 0; i < 6; i++)
        outw(0x170, (uint16_t)(r10[2 * i] | r10[2 * i + 1] << 8));
    for (int i = 0; i < 1024 + 100; i++) {
        if (i == 1024)
            inb(0x177);
        uint16_t w = inw(0x170);
        data[2 * i] = (uint8_t)w;
        data[2 * i + 1] = (uint8_t)(w >> 8);
    }
    vm_round_trip(&ide_vmstate, &ch, sizeof ch, mutate);
    for (int i = 1124; i < 4 * 1024; i++) {
        if (i % 1024 == 0)
            inb(0x177);
        uint16_t w = inw(0x170);
        data[2 * i] = (uint8_t)w;
        data[2 * i + 1] = (uint8_t)(w >> 8);
    }
    for (int i = 0; i < 4 * 2048; i++)
        EXPECT_EQ(data[i], pattern_byte(20 * 2048 + (uint64_t)i, 2048), "data across the load");
    EXPECT_EQ(inb(0x177) & 0x08, 0, "done");
    EXPECT_EQ(inb(0x172) & 3, 3, "status phase");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_signature_identify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tur_sense_inquiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capacity_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_toc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_mode_sense, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eject_lock_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_drive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_srst, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vmstate, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
