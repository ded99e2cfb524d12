/* test_block.c - the block backend: bad images, read/write through the
 * file, read-only images, -snapshot's overlay (the file stays byte-
 * identical), and QEMU-compatible image locking (a second writer, and a
 * foreign lock as QEMU takes it, are refused). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "disk_helpers.h"

static char err[512];

static void test_bad_images(void **state)
{
    (void)state;
    char path[64];
    strcpy(path, "/tmp/xlat86-empty-XXXXXX");
    close(mkstemp(path));
    assert_null(block_open(path, false, false, false, err, sizeof err));
    assert_non_null(strstr(err, "empty"));
    unlink(path);
    assert_null(block_open("/tmp", false, false, false, err, sizeof err));
    assert_non_null(strstr(err, "directory"));
    assert_null(block_open("/nonexistent/x.img", false, false, false, err, sizeof err));
    assert_non_null(strstr(err, "No such file"));
    assert_null(strchr(err, '\n'));
}

static void test_read_write(void **state)
{
    (void)state;
    char path[64];
    make_image(path, 64 * 1024, 512);
    BlockDev *b = block_open(path, false, false, false, err, sizeof err);
    assert_non_null(b);
    EXPECT_EQ(b->size, 64 * 1024, "size");
    uint8_t buf[1024];
    assert_true(block_read(b, 512 * 3, buf, 1024));
    for (int i = 0; i < 1024; i++)
        EXPECT_EQ(buf[i], pattern_byte(512 * 3 + (uint64_t)i, 512), "read byte");
    memset(buf, 0xa5, sizeof buf);
    assert_true(block_write(b, 512 * 5, buf, 1024));
    assert_true(block_flush(b));
    uint8_t back[1024];
    read_file(path, 512 * 5, back, 1024);   /* in the file at once */
    assert_memory_equal(buf, back, 1024);
    /* Past the end, unaligned: refused. */
    assert_false(block_read(b, 64 * 1024 - 512, buf, 1024));
    assert_false(block_write(b, 100, buf, 512));
    block_close(b);
    unlink(path);
}

static void test_readonly(void **state)
{
    (void)state;
    char path[64];
    make_image(path, 8192, 512);
    BlockDev *b = block_open(path, true, false, false, err, sizeof err);
    assert_non_null(b);
    uint8_t buf[512] = {0};
    assert_false(block_write(b, 0, buf, 512));
    block_close(b);
    /* A file nobody may write: read-only when allowed (even for root);
     * refused otherwise (root's open() succeeds: only for other users). */
    chmod(path, 0444);
    b = block_open(path, false, false, true, err, sizeof err);
    assert_non_null(b);
    assert_true(b->readonly);
    assert_false(block_write(b, 0, buf, 512));
    block_close(b);
    if (geteuid() != 0)
        assert_null(block_open(path, false, false, false, err, sizeof err));
    unlink(path);
}

static void test_snapshot(void **state)
{
    (void)state;
    char path[64];
    make_image(path, 256 * 1024, 512);
    uint8_t *orig = malloc(256 * 1024);
    read_file(path, 0, orig, 256 * 1024);
    BlockDev *b = block_open(path, false, true, false, err, sizeof err);
    assert_non_null(b);
    uint8_t buf[2048];
    memset(buf, 0x5a, sizeof buf);
    /* Across a 64 KiB chunk edge. */
    assert_true(block_write(b, 65536 - 1024, buf, 2048));
    assert_true(block_flush(b));
    uint8_t back[4096];
    assert_true(block_read(b, 65536 - 2048, back, 4096));
    for (int i = 0; i < 4096; i++) {
        uint8_t want = (i >= 1024 && i < 3072) ? 0x5a : pattern_byte(65536 - 2048 + (uint64_t)i, 512);
        EXPECT_EQ(back[i], want, "overlay merge");
    }
    block_close(b);
    uint8_t *after = malloc(256 * 1024);
    read_file(path, 0, after, 256 * 1024);
    assert_memory_equal(orig, after, 256 * 1024);
    free(orig);
    free(after);
    unlink(path);
}

static void test_locks(void **state)
{
    (void)state;
    char path[64];
    make_image(path, 8192, 512);
    BlockDev *a = block_open(path, false, false, false, err, sizeof err);
    assert_non_null(a);
    /* A second writer: refused with one line naming the lock. */
    assert_null(block_open(path, false, false, false, err, sizeof err));
    assert_non_null(strstr(err, "lock"));
    /* Readers and -snapshot users may share it (QEMU's readonly and
     * snapshot openers do not ask for "write"). */
    BlockDev *r = block_open(path, true, false, false, err, sizeof err);
    assert_non_null(r);
    block_close(r);
    BlockDev *s = block_open(path, false, true, false, err, sizeof err);
    assert_non_null(s);
    block_close(s);
    block_close(a);
    /* After close: free again. */
    a = block_open(path, false, false, false, err, sizeof err);
    assert_non_null(a);
    block_close(a);

    /* A lock as QEMU's file-posix driver takes it for a writable image
     * (shared lock on byte 100 + 1, "write", and 200 + 1, "write not
     * shared") held by another open file description. */
    int fd = open(path, O_RDWR);
    struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 201, .l_len = 1};
    assert_int_equal(fcntl(fd, F_OFD_SETLK, &fl), 0);
    assert_null(block_open(path, false, false, false, err, sizeof err));
    close(fd);

    /* And the other way: our writable open holds the bytes QEMU tests. */
    a = block_open(path, false, false, false, err, sizeof err);
    assert_non_null(a);
    fd = open(path, O_RDWR);
    for (int byte = 101; byte <= 201; byte += 100) {
        struct flock q = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1};
        assert_int_equal(fcntl(fd, F_OFD_GETLK, &q), 0);
        EXPECT_EQ(q.l_type, F_RDLCK, "lock byte held");
    }
    close(fd);
    block_close(a);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_images), cmocka_unit_test(test_read_write),
        cmocka_unit_test(test_readonly),   cmocka_unit_test(test_snapshot),
        cmocka_unit_test(test_locks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
