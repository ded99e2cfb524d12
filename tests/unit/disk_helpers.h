/* disk_helpers.h - shared by the disk device unit tests (test_block,
 * test_fdc, test_ide, test_atapi): temporary images with a known pattern,
 * an interrupt line that records its level and rising edges, and a
 * save/change/load round trip through the vmstate registry. */
#ifndef XLAT86_TEST_DISK_HELPERS_H
#define XLAT86_TEST_DISK_HELPERS_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block.h"
#include "irq.h"
#include "vmstate.h"

#define EXPECT_EQ(actual, expected, what)                                                  \
    do {                                                                                   \
        long long a_ = (long long)(actual), e_ = (long long)(expected);                    \
        if (a_ != e_)                                                                      \
            fail_msg("%s: expected %lld (%#llx), got %lld (%#llx)", what, e_, e_, a_, a_);   \
    } while (0)

/* The byte at `off` of a pattern image with `ssize`-byte sectors: the
 * sector number in the first 4 bytes, then (sector + i) & 0xff. */
static inline uint8_t pattern_byte(uint64_t off, unsigned ssize)
{
    uint64_t s = off / ssize;
    unsigned i = (unsigned)(off % ssize);
    if (i < 4)
        return (uint8_t)(s >> (8 * i));
    return (uint8_t)(s + i);
}

/* A temporary image of `size` bytes with the pattern; the path is written
 * into `path` (at least 64 bytes). */
static inline void make_image(char *path, uint64_t size, unsigned ssize)
{
    strcpy(path, "/tmp/xlat86-disk-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        abort();
    uint8_t buf[4096];
    for (uint64_t off = 0; off < size; off += sizeof buf) {
        size_t n = size - off < sizeof buf ? (size_t)(size - off) : sizeof buf;
        for (size_t i = 0; i < n; i++)
            buf[i] = pattern_byte(off + i, ssize);
        if (pwrite(fd, buf, n, (off_t)off) != (ssize_t)n)
            abort();
    }
    close(fd);
}

static inline void read_file(const char *path, uint64_t off, void *buf, size_t n)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0 || pread(fd, buf, n, (off_t)off) != (ssize_t)n)
        abort();
    close(fd);
}

/* An interrupt line that counts rising edges. */
typedef struct TestIRQ {
    IRQ line;
    int level;
    int edges;
} TestIRQ;

static inline void test_irq_handler(void *opaque, int n, int level)
{
    (void)n;
    TestIRQ *t = opaque;
    if (level && !t->level)
        t->edges++;
    t->level = level;
}

static inline void test_irq_init(TestIRQ *t)
{
    memset(t, 0, sizeof *t);
    irq_init(&t->line, test_irq_handler, t, 0);
}

/* Save `dev` (described by desc) through a registry, let `mutate` change
 * it, load it back: the state must equal the saved bytes over [0, cmp_len). */
static inline void vm_round_trip(const VMStateDesc *desc, void *dev, size_t cmp_len,
                                 void (*mutate)(void *dev))
{
    static Clock clk;
    static uint64_t insns;
    VMRegistry r;
    clock_init(&clk, true, 0, &insns);
    vm_registry_init(&r, &clk);
    vm_register(&r, "clock", &clock_vmstate, &clk);
    vm_register(&r, "dev", desc, dev);
    void *before = malloc(cmp_len);
    memcpy(before, dev, cmp_len);
    FILE *f = tmpfile();
    assert_true(vm_save(&r, f));
    mutate(dev);
    assert_true(memcmp(before, dev, cmp_len) != 0);
    rewind(f);
    char err[256];
    if (!vm_load(&r, f, err, sizeof err))
        fail_msg("vm_load: %s", err);
    assert_memory_equal(before, dev, cmp_len);
    fclose(f);
    free(before);
}

#endif
