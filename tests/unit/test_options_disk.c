/* test_options_disk.c - the disk options (frontend/options_disk.c) in
 * QEMU's spelling: -fda/-fdb/-hda..-hdd/-cdrom slots (QEMU: -cdrom is IDE
 * index 2), -drive keys and the placement of drives without index (first
 * free slot of the interface, after the whole command line), ",," in file
 * names, -boot order/menu and the legacy "-boot cda", and the one-line
 * errors that name the option. Also the board side: the CMOS bytes
 * pc_disks.c writes (QEMU's pc_cmos_init: 0x10, 0x12, 0x19, 0x1B-0x23,
 * 0x39, 0x3D, 0x38, equipment 0x14) for real images. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "disk_helpers.h"
#include "options.h"
#include "pc.h"

static Options opt;
static char err[512];

static int parse(int argc, const char **argv)
{
    return parse_options(argc, (char **)argv, &opt, err, sizeof err);
}

static const OptDrive *find(int iface, int index)
{
    for (int i = 0; i < opt.n_drives; i++) {
        if (opt.drives[i].iface == iface && opt.drives[i].index == index)
            return &opt.drives[i];
    }
    return NULL;
}

static void test_shortcuts(void **state)
{
    (void)state;
    const char *argv[] = {"x", "-fda", "a.img", "-fdb", "b.img", "-hda", "c.img", "-hdb",
                          "d.img", "-cdrom", "cd.iso", "-hdd", "e.img"};
    assert_int_equal(parse(13, argv), 0);
    assert_int_equal(opt.n_drives, 6);
    assert_string_equal(find(OPT_IF_FLOPPY, 0)->file, "a.img");
    assert_string_equal(find(OPT_IF_FLOPPY, 1)->file, "b.img");
    assert_string_equal(find(OPT_IF_IDE, 0)->file, "c.img");
    assert_string_equal(find(OPT_IF_IDE, 1)->file, "d.img");
    assert_string_equal(find(OPT_IF_IDE, 2)->file, "cd.iso");
    assert_true(find(OPT_IF_IDE, 2)->cdrom);
    assert_false(find(OPT_IF_IDE, 3)->cdrom);
    assert_int_equal(opt.boot_menu, -1);
    assert_string_equal(opt.boot_order, "");
}

static void test_drive(void **state)
{
    (void)state;
    const char *argv[] = {"x", "-drive", "file=x,,y.img,if=ide,media=cdrom,readonly=on",
                          "-hda", "h.img", "-drive", "file=f.img,if=floppy,snapshot=on",
                          "-drive", "file=i.img,index=3,format=raw"};
    assert_int_equal(parse(9, argv), 0);
    /* No index: after -hda took 0, the first free IDE slot is 1. */
    const OptDrive *d = find(OPT_IF_IDE, 1);
    assert_non_null(d);
    assert_string_equal(d->file, "x,y.img");
    assert_true(d->cdrom);
    assert_true(d->readonly);
    d = find(OPT_IF_FLOPPY, 0);
    assert_non_null(d);
    assert_true(d->snapshot);
    assert_string_equal(find(OPT_IF_IDE, 3)->file, "i.img");
}

static void test_boot(void **state)
{
    (void)state;
    const char *a1[] = {"x", "-boot", "order=dc,menu=on"};
    assert_int_equal(parse(3, a1), 0);
    assert_string_equal(opt.boot_order, "dc");
    assert_int_equal(opt.boot_menu, 1);
    const char *a2[] = {"x", "-boot", "cda"};
    assert_int_equal(parse(3, a2), 0);
    assert_string_equal(opt.boot_order, "cda");
    const char *a3[] = {"x", "-boot", "menu=off"};
    assert_int_equal(parse(3, a3), 0);
    assert_int_equal(opt.boot_menu, 0);
}

static void expect_error(int argc, const char **argv, const char *needle)
{
    assert_int_equal(parse(argc, argv), -1);
    if (!strstr(err, needle))
        fail_msg("error '%s' lacks '%s'", err, needle);
    assert_null(strchr(err, '\n'));
}

static void test_errors(void **state)
{
    (void)state;
    const char *a1[] = {"x", "-drive", "file=a,if=scsi"};
    expect_error(3, a1, "if=scsi");
    const char *a2[] = {"x", "-drive", "if=ide"};
    expect_error(3, a2, "file=");
    const char *a3[] = {"x", "-drive", "file=a,index=4"};
    expect_error(3, a3, "index=4");
    const char *a4[] = {"x", "-hda", "a", "-drive", "file=b,index=0"};
    expect_error(5, a4, "used twice");
    const char *a5[] = {"x", "-drive", "file=a,format=qcow2"};
    expect_error(3, a5, "qcow2");
    const char *a6[] = {"x", "-drive", "file=a,if=floppy,media=cdrom"};
    expect_error(3, a6, "floppy");
    const char *a7[] = {"x", "-boot", "order=abcd"};
    expect_error(3, a7, "-boot");
    const char *a8[] = {"x", "-boot", "order=x"};
    expect_error(3, a8, "-boot");
    const char *a9[] = {"x", "-boot", "menu=maybe"};
    expect_error(3, a9, "menu=maybe");
    const char *a10[] = {"x", "-fda", ""};
    expect_error(3, a10, "-fda");
    const char *a11[] = {"x", "-drive", "file=a,if=floppy", "-drive", "file=b,if=floppy",
                         "-drive", "file=c,if=floppy"};
    expect_error(7, a11, "no free floppy");
    const char *a12[] = {"x", "-drive", "file=a,readonly=perhaps"};
    expect_error(3, a12, "readonly");
}

/* The board: CMOS bytes for a 1.44M floppy in A, a 720K in B, a 10 MiB
 * disk as hda and a CD as hdc; boot order "dc". */
static void test_board_cmos(void **state)
{
    (void)state;
    char fa[64], fb[64], hd[64], cd[64];
    make_image(fa, 1474560, 512);
    make_image(fb, 737280, 512);
    make_image(hd, 20480 * 512, 512);
    make_image(cd, 300 * 2048, 2048);
    PCDisks disks;
    memset(&disks, 0, sizeof disks);
    disks.fd[0].file = fa;
    disks.fd[1].file = fb;
    disks.ide[0].file = hd;
    disks.ide[2].file = cd;
    disks.ide[2].media = PC_MEDIA_CDROM;
    snprintf(disks.boot_order, sizeof disks.boot_order, "dc");
    disks.boot_menu = 1;
    PCConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.ram_mib = 16;
    cfg.disks = &disks;
    static PC pc;
    /* A BIOS image: 64 KiB of HLT. */
    char bios[64];
    strcpy(bios, "/tmp/xlat86-bios-XXXXXX");
    int fd = mkstemp(bios);
    static uint8_t rom[65536];
    memset(rom, 0xf4, sizeof rom);
    assert_int_equal(write(fd, rom, sizeof rom), (int)sizeof rom);
    close(fd);
    cfg.bios_path = bios;
    char e[256];
    if (!pc_init(&pc, &cfg, e, sizeof e))
        fail_msg("pc_init: %s", e);
    CMOS *c = &pc.cmos;
    EXPECT_EQ(cmos_read_reg(c, 0x10), 0x43, "0x10: A 1.44M (4), B 720K (3)");
    EXPECT_EQ(cmos_read_reg(c, 0x14) & 0xc1, 0x41, "0x14: floppies present, two drives");
    EXPECT_EQ(cmos_read_reg(c, 0x12), 0xf0, "0x12: disk 0 type F (extended), no disk 1");
    EXPECT_EQ(cmos_read_reg(c, 0x19), 47, "0x19: disk 0 type 47 (user)");
    EXPECT_EQ(cmos_read_reg(c, 0x1a), 0, "0x1A: no disk 1");
    EXPECT_EQ(cmos_read_reg(c, 0x1b) | cmos_read_reg(c, 0x1c) << 8, 20, "cylinders");
    EXPECT_EQ(cmos_read_reg(c, 0x1d), 16, "heads");
    EXPECT_EQ(cmos_read_reg(c, 0x20), 0xc8, "control byte: more than 8 heads");
    EXPECT_EQ(cmos_read_reg(c, 0x23), 63, "sectors per track");
    /* QEMU writes 0 (no translation) for a disk within 1024/16/63: its
     * SeaBIOS logs "translation=none" for this image. */
    EXPECT_EQ(cmos_read_reg(c, 0x39) & 3, 0, "0x39: disk 0, 20 cylinders: no translation");
    EXPECT_EQ(cmos_read_reg(c, 0x3d), 0x23, "0x3D: CD-ROM first, disk second");
    EXPECT_EQ(cmos_read_reg(c, 0x38), 0x01, "0x38: no third device, no signature check");
    assert_true(pc.boot_menu);
    assert_string_equal(pc.boot_order, "dc");
    assert_true(pc_set_boot_order(&pc, "acd"));
    EXPECT_EQ(cmos_read_reg(c, 0x3d), 0x21, "acd: floppy, disk");
    EXPECT_EQ(cmos_read_reg(c, 0x38), 0x31, "acd: CD third");
    assert_false(pc_set_boot_order(&pc, "z"));
    /* The devices answer on their ports. */
    EXPECT_EQ(io_read(&pc.io, 0x3f4, 1), 0x80, "FDC MSR");
    EXPECT_EQ(io_read(&pc.io, 0x1f7, 1), 0x50, "IDE 0 status");
    EXPECT_EQ(io_read(&pc.io, 0x174, 1), 0x14, "IDE 1: ATAPI signature");
    pc_free(&pc);
    /* A second board on the same writable images: the locks were dropped. */
    if (!pc_init(&pc, &cfg, e, sizeof e))
        fail_msg("pc_init again: %s", e);
    pc_free(&pc);
    /* A 600 MiB disk (1219 cylinders of 16 x 63): beyond 1024 cylinders,
     * QEMU writes 1 (LBA) and its SeaBIOS logs "translation=lba". */
    char big[64];
    strcpy(big, "/tmp/xlat86-big-XXXXXX");
    int bfd = mkstemp(big);
    assert_true(bfd >= 0 && ftruncate(bfd, 600ll << 20) == 0);
    close(bfd);
    disks.ide[0].file = big;
    if (!pc_init(&pc, &cfg, e, sizeof e))
        fail_msg("pc_init, big disk: %s", e);
    EXPECT_EQ(cmos_read_reg(c, 0x39) & 3, 1, "0x39: disk 0, 1219 cylinders: LBA");
    pc_free(&pc);
    unlink(big);
    disks.ide[0].file = hd;
    /* A floppy image of a wrong size: one line. */
    disks.fd[1].file = hd;
    assert_false(pc_init(&pc, &cfg, e, sizeof e));
    assert_non_null(strstr(e, "not a floppy image size"));
    unlink(fa);
    unlink(fb);
    unlink(hd);
    unlink(cd);
    unlink(bios);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shortcuts), cmocka_unit_test(test_drive),
        cmocka_unit_test(test_boot),      cmocka_unit_test(test_errors),
        cmocka_unit_test(test_board_cmos),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
