/* test_bootorder.c - fw_cfg "bootorder" from bootindex (devices/
 * pc_bootorder.c) and -drive's bootindex= key. Expected file contents are
 * QEMU 7.2's, as SeaBIOS prints them ("boot order:" in its port 0x402 log
 * under qemu-system-i386 -M pc with -device ide-hd/ide-cd,bootindex=N and
 * -global isa-fdc.bootindexA=N): paths joined by '\n', NUL after the last. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "options.h"
#include "pc_bootorder.h"

static char err[256];

static void test_order(void **state)
{
    (void)state;
    PCDisks d;
    memset(&d, 0, sizeof d);
    d.ide[0].file = "hd";
    d.ide[0].has_bootindex = true;
    d.ide[0].bootindex = 2;
    d.ide[3].file = "cd";
    d.ide[3].has_bootindex = true;
    d.ide[3].bootindex = 1;
    d.fd[0].file = "fd";
    d.fd[0].has_bootindex = true;
    d.fd[0].bootindex = 3;
    d.ide[1].file = "no-index";        /* no bootindex: not listed */
    char out[PC_BOOTORDER_MAX];
    uint32_t len = 99;
    assert_true(pc_bootorder_build(&d, out, &len, err, sizeof err));
    static const char want[] = "/pci@i0cf8/ide@1,1/drive@1/disk@1\n"
                               "/pci@i0cf8/ide@1,1/drive@0/disk@0\n"
                               "/pci@i0cf8/isa@1/fdc@03f0/floppy@0";
    assert_int_equal(len, sizeof want);            /* with the NUL */
    assert_memory_equal(out, want, sizeof want);
}

static void test_none_and_duplicate(void **state)
{
    (void)state;
    PCDisks d;
    memset(&d, 0, sizeof d);
    d.ide[0].file = "hd";
    d.fd[1].file = "fd";
    char out[PC_BOOTORDER_MAX];
    uint32_t len = 99;
    assert_true(pc_bootorder_build(&d, out, &len, err, sizeof err));
    assert_int_equal(len, 0);
    d.ide[0].has_bootindex = d.fd[1].has_bootindex = true;
    d.ide[0].bootindex = d.fd[1].bootindex = 4;
    assert_false(pc_bootorder_build(&d, out, &len, err, sizeof err));
    assert_non_null(strstr(err, "bootindex=4"));
    d.fd[1].bootindex = 0;
    assert_true(pc_bootorder_build(&d, out, &len, err, sizeof err));
    static const char want[] = "/pci@i0cf8/isa@1/fdc@03f0/floppy@1\n"
                               "/pci@i0cf8/ide@1,1/drive@0/disk@0";
    assert_int_equal(len, sizeof want);
    assert_memory_equal(out, want, sizeof want);
}

static void test_option(void **state)
{
    (void)state;
    static Options opt;
    const char *argv[] = {"x", "-drive", "file=a.img,bootindex=7", "-hdb", "b.img"};
    assert_int_equal(parse_options(5, (char **)argv, &opt, err, sizeof err), 0);
    assert_int_equal(opt.n_drives, 2);
    assert_int_equal(opt.drives[0].bootindex, 7);
    assert_int_equal(opt.drives[1].bootindex, -1);
    const char *bad[] = {"x", "-drive", "file=a.img,bootindex=x"};
    assert_int_not_equal(parse_options(3, (char **)bad, &opt, err, sizeof err), 0);
    assert_non_null(strstr(err, "bootindex=x"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_none_and_duplicate),
        cmocka_unit_test(test_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
