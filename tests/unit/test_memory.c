/* test_memory.c - physical address space: RAM, ROM and its aliases,
 * unmapped space, MMIO dispatch, A20 and the code-write hook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "memory.h"

#define EXPECT_EQ(actual, expected, what)                                                  \
    do {                                                                                   \
        unsigned long long a_ = (unsigned long long)(actual);                              \
        unsigned long long e_ = (unsigned long long)(expected);                            \
        if (a_ != e_)                                                                      \
            fail_msg("%s: expected %#llx, got %#llx", what, e_, a_);                       \
    } while (0)

static Memory mem;

static int setup(void **state)
{
    (void)state;
    if (!mem_init(&mem, 16u << 20))
        fail_msg("mem_init of 16 MiB failed");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mem_free(&mem);
    return 0;
}

static void ram_reads_back_little_endian_in_every_size(void **state)
{
    (void)state;
    mem_write(&mem, 0x1000, 0x11223344, 4);
    EXPECT_EQ(mem_read(&mem, 0x1000, 1), 0x44, "byte 0 of a dword store");
    EXPECT_EQ(mem_read(&mem, 0x1002, 2), 0x1122, "word at +2");
    EXPECT_EQ(mem.ram[0x1003], 0x11, "host RAM byte 3");
    mem_write(&mem, 0x1001, 0xab, 1);
    EXPECT_EQ(mem_read(&mem, 0x1000, 4), 0x1122ab44, "dword after a byte store");
}

static void access_across_a_page_boundary_is_split(void **state)
{
    (void)state;
    mem_write(&mem, 0x1ffe, 0xa1b2c3d4, 4);
    EXPECT_EQ(mem_read(&mem, 0x1ffe, 4), 0xa1b2c3d4, "dword straddling two RAM pages");
    EXPECT_EQ(mem.ram[0x2001], 0xa1, "last byte lands on the next page");
    /* Last RAM page followed by unmapped space. */
    uint32_t end = 16u << 20;
    mem_write(&mem, end - 2, 0x5566, 2);
    EXPECT_EQ(mem_read(&mem, end - 2, 4), 0xffff5566, "read running off the end of RAM");
}

static void unmapped_space_reads_all_ones_and_ignores_writes(void **state)
{
    (void)state;
    uint32_t a = 0x40000000;   /* far above 16 MiB of RAM */
    EXPECT_EQ(mem_read(&mem, a, 4), 0xffffffffu, "dword read above RAM");
    EXPECT_EQ(mem_read(&mem, a, 1), 0xff, "byte read above RAM");
    mem_write(&mem, a, 0, 4);
    EXPECT_EQ(mem_read(&mem, a, 4), 0xffffffffu, "read after writing unmapped space");
    EXPECT_EQ(mem_read(&mem, 0xa0000, 2), 0xffff, "legacy VGA hole without a VGA");
    if (mem_page_ptr(&mem, a, false) != NULL)
        fail_msg("unmapped page must have no host pointer");
}

static void rom_ends_at_1mib_and_is_aliased_at_4gib(void **state)
{
    (void)state;
    uint32_t size = 256 * 1024;
    uint8_t *img = malloc(size);
    for (uint32_t i = 0; i < size; i++)
        img[i] = (uint8_t)(i * 7 + (i >> 12));
    if (!mem_load_rom(&mem, img, size))
        fail_msg("loading a 256 KiB ROM failed");
    EXPECT_EQ(mem_read(&mem, 0xfffffff0, 1), img[size - 16], "reset vector byte at FFFFFFF0");
    EXPECT_EQ(mem_read(&mem, 0xfffc0000, 1), img[0], "first ROM byte at 4 GiB - 256 KiB");
    EXPECT_EQ(mem_read(&mem, 0xffff0, 1), img[size - 16], "same byte at F000:FFF0");
    EXPECT_EQ(mem_read(&mem, 0xe0000, 1), img[size - 128 * 1024],
              "0xE0000 shows the start of the last 128 KiB");
    uint32_t before = mem_read(&mem, 0xf0000, 4);
    mem_write(&mem, 0xf0000, ~before, 4);
    EXPECT_EQ(mem_read(&mem, 0xf0000, 4), before, "ROM below 1 MiB ignores writes");
    mem_write(&mem, 0xfffffff0, 0, 1);
    EXPECT_EQ(mem_read(&mem, 0xfffffff0, 1), img[size - 16], "ROM at 4 GiB ignores writes");
    if (mem_page_ptr(&mem, 0xf0000, true) != NULL)
        fail_msg("ROM must have no writable host pointer");
    if (mem_page_ptr(&mem, 0xf0000, false) == NULL)
        fail_msg("ROM must be readable through a host pointer");
    /* 0xC0000-0xDFFFF is RAM (option-ROM shadow area), not ROM. */
    mem_write(&mem, 0xc0000, 0x12, 1);
    EXPECT_EQ(mem_read(&mem, 0xc0000, 1), 0x12, "0xC0000 is writable RAM");
    free(img);
}

static void small_rom_is_padded_so_it_still_ends_at_the_top(void **state)
{
    (void)state;
    uint8_t img[2048];
    memset(img, 0x90, sizeof(img));
    img[2047] = 0xab;
    img[0] = 0xcd;
    if (!mem_load_rom(&mem, img, sizeof(img)))
        fail_msg("loading a 2 KiB ROM failed");
    EXPECT_EQ(mem_read(&mem, 0xfffff, 1), 0xab, "last ROM byte at 0xFFFFF");
    EXPECT_EQ(mem_read(&mem, 0xfffffff0 + 15, 1), 0xab, "last ROM byte at 0xFFFFFFFF");
    EXPECT_EQ(mem_read(&mem, 0x100000 - 2048, 1), 0xcd, "first ROM byte at 1 MiB - 2 KiB");
    EXPECT_EQ(mem_read(&mem, 0xff000, 1), 0xff, "padding before a short ROM reads as ones");
}

typedef struct MmioLog {
    uint32_t addr;
    int size;
    uint32_t val;
    int reads, writes;
} MmioLog;

static uint32_t mmio_rd(void *opaque, uint32_t addr, int size)
{
    MmioLog *l = opaque;
    l->addr = addr;
    l->size = size;
    l->reads++;
    return 0xcafe0000u | (addr & 0xffff);
}

static void mmio_wr(void *opaque, uint32_t addr, uint32_t val, int size)
{
    MmioLog *l = opaque;
    l->addr = addr;
    l->size = size;
    l->val = val;
    l->writes++;
}

static int map_changes;
static void count_map_change(void *opaque)
{
    (void)opaque;
    map_changes++;
}

static void mmio_region_gets_absolute_address_and_size(void **state)
{
    (void)state;
    MmioLog log = {0};
    map_changes = 0;
    mem.map_changed = count_map_change;
    mem_map_mmio(&mem, 0xfebf0000, 0x1000, mmio_rd, mmio_wr, &log);
    EXPECT_EQ(map_changes, 1, "map_changed calls after mapping MMIO");
    EXPECT_EQ(mem_read(&mem, 0xfebf0010, 2), 0x0010, "word read result from the handler (masked)");
    EXPECT_EQ(log.addr, 0xfebf0010, "address passed to the handler");
    EXPECT_EQ(log.size, 2, "size passed to the handler");
    mem_write(&mem, 0xfebf0024, 0x87654321, 4);
    EXPECT_EQ(log.writes, 1, "writes reaching the handler");
    EXPECT_EQ(log.val, 0x87654321, "value reaching the handler");
    if (mem_page_ptr(&mem, 0xfebf0000, false) != NULL)
        fail_msg("MMIO pages must take the slow path (no host pointer)");
    /* MMIO over RAM wins (a VGA window in the legacy hole, or over RAM). */
    mem_map_mmio(&mem, 0xa0000, 0x20000, mmio_rd, mmio_wr, &log);
    EXPECT_EQ(mem_read(&mem, 0xb8000, 4), 0xcafe8000, "read of the VGA window");
    mem_map_mmio(&mem, 0x5000, 0x1000, mmio_rd, mmio_wr, &log);
    mem_write(&mem, 0x5004, 7, 1);
    EXPECT_EQ(log.addr, 0x5004, "a region mapped over RAM takes its writes");
}

static void a20_off_wraps_the_second_megabyte_onto_the_first(void **state)
{
    (void)state;
    map_changes = 0;
    mem.map_changed = count_map_change;
    mem_write(&mem, 0x100010, 0x11, 1);
    mem_write(&mem, 0x000010, 0x22, 1);
    EXPECT_EQ(mem_read(&mem, 0x100010, 1), 0x11, "A20 on: 1 MiB + 16 is its own byte");
    mem_set_a20(&mem, false);
    EXPECT_EQ(map_changes, 1, "map_changed calls after disabling A20");
    EXPECT_EQ(mem_read(&mem, 0x100010, 1), 0x22, "A20 off: 1 MiB + 16 reads address 16");
    mem_write(&mem, 0x100010, 0x33, 1);
    EXPECT_EQ(mem.ram[0x10], 0x33, "A20 off: the write lands at address 16");
    EXPECT_EQ(mem_read(&mem, 0x300010, 1), mem_read(&mem, 0x200010, 1),
              "A20 off: 3 MiB aliases 2 MiB");
    if (mem_page_ptr(&mem, 0x100000, false) != mem.ram)
        fail_msg("A20 off: host pointer of page 0x100000 should be RAM page 0");
    mem_set_a20(&mem, false);
    EXPECT_EQ(map_changes, 1, "setting A20 to the same state is not a change");
    mem_set_a20(&mem, true);
    EXPECT_EQ(mem_read(&mem, 0x100010, 1), 0x11, "A20 back on: the second megabyte returns");
}

static uint32_t cw_phys, cw_len;
static int cw_calls;
static void code_written(void *opaque, uint32_t phys, uint32_t len)
{
    (void)opaque;
    cw_phys = phys;
    cw_len = len;
    cw_calls++;
}

static void writes_to_code_pages_call_the_code_write_hook(void **state)
{
    (void)state;
    cw_calls = 0;
    mem.code_write = code_written;
    mem_write(&mem, 0x3000, 1, 4);
    EXPECT_EQ(cw_calls, 0, "hook calls for a page without code");
    mem.code[3] = 1;
    if (mem_page_ptr(&mem, 0x3000, true) != NULL)
        fail_msg("a code page must not hand out a writable host pointer");
    if (mem_page_ptr(&mem, 0x3000, false) == NULL)
        fail_msg("a code page is still readable directly");
    mem_write(&mem, 0x3ffc, 0xdeadbeef, 4);
    EXPECT_EQ(cw_calls, 1, "hook calls for a write to a code page");
    EXPECT_EQ(cw_phys, 0x3ffc, "address reported to the hook");
    EXPECT_EQ(cw_len, 4, "length reported to the hook");
    EXPECT_EQ(mem_read(&mem, 0x3ffc, 4), 0xdeadbeef, "the write itself happened");
    uint8_t buf[8192];
    memset(buf, 0x90, sizeof(buf));
    cw_calls = 0;
    mem_write_bulk(&mem, 0x2800, buf, 0x1000);   /* covers 0x2800-0x37ff */
    EXPECT_EQ(cw_calls, 1, "hook calls for a bulk copy touching one code page");
    EXPECT_EQ(cw_phys, 0x3000, "bulk copy: start reported within the code page");
    EXPECT_EQ(cw_len, 0x800, "bulk copy: length within the code page");
    mem.code[3] = 0;
}

static void bulk_copies_are_clipped_to_ram(void **state)
{
    (void)state;
    uint8_t buf[16];
    memset(buf, 0x5a, sizeof(buf));
    uint32_t end = 16u << 20;
    mem_write_bulk(&mem, end - 8, buf, sizeof(buf));   /* half past the end */
    EXPECT_EQ(mem.ram[end - 1], 0x5a, "last RAM byte written by the bulk copy");
    mem_write_bulk(&mem, 0xfffffff8, buf, sizeof(buf));  /* runs past 4 GiB: no crash */
    uint8_t out[16];
    mem_read_bulk(&mem, end - 8, out, sizeof(out));
    EXPECT_EQ(out[7], 0x5a, "bulk read of RAM");
    EXPECT_EQ(out[8], 0xff, "bulk read past RAM reads ones");
    mem_read_bulk(&mem, 0xfffffffc, out, sizeof(out));
    EXPECT_EQ(out[15], 0xff, "bulk read past 4 GiB reads ones");
}

static void clear_ram_zeroes_all_of_it_and_keeps_rom(void **state)
{
    (void)state;
    uint8_t rom[4096];
    memset(rom, 0xc3, sizeof(rom));
    assert_true(mem_load_rom(&mem, rom, sizeof(rom)));
    mem_write(&mem, 0x0, 0x11111111, 4);
    mem_write(&mem, 0x123454, 0x22222222, 4);
    mem_write(&mem, (16u << 20) - 4, 0x33333333, 4);
    mem_clear_ram(&mem);
    EXPECT_EQ(mem_read(&mem, 0x0, 4), 0, "first RAM dword cleared");
    EXPECT_EQ(mem_read(&mem, 0x123454, 4), 0, "RAM dword cleared");
    EXPECT_EQ(mem_read(&mem, (16u << 20) - 4, 4), 0, "last RAM dword cleared");
    EXPECT_EQ(mem_read(&mem, 0xffff0, 1), 0xc3, "ROM kept");
    mem_write(&mem, 0x123454, 0x44444444, 4);
    EXPECT_EQ(mem_read(&mem, 0x123454, 4), 0x44444444, "RAM writable after clearing");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(ram_reads_back_little_endian_in_every_size, setup, teardown),
        cmocka_unit_test_setup_teardown(access_across_a_page_boundary_is_split, setup, teardown),
        cmocka_unit_test_setup_teardown(unmapped_space_reads_all_ones_and_ignores_writes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(rom_ends_at_1mib_and_is_aliased_at_4gib, setup, teardown),
        cmocka_unit_test_setup_teardown(small_rom_is_padded_so_it_still_ends_at_the_top, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(mmio_region_gets_absolute_address_and_size, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a20_off_wraps_the_second_megabyte_onto_the_first, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(writes_to_code_pages_call_the_code_write_hook, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(bulk_copies_are_clipped_to_ram, setup, teardown),
        cmocka_unit_test_setup_teardown(clear_ram_zeroes_all_of_it_and_keeps_rom, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
