/* test_memregion.c - the region map: add, remove, move, enable, priority,
 * aliases, RAM slots and dirty-page tracking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "memory.h"

static Memory mem;
static int map_changes;

static void count_map_change(void *opaque)
{
    (void)opaque;
    map_changes++;
}

static int setup(void **state)
{
    (void)state;
    if (!mem_init(&mem, 4u << 20))
        fail_msg("mem_init failed");
    map_changes = 0;
    mem.map_changed = count_map_change;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mem_free(&mem);
    return 0;
}

static uint32_t mmio_rd(void *opaque, uint32_t addr, int size)
{
    (void)size;
    return *(uint32_t *)opaque + addr;
}

static void layout_has_ram_aliases_and_the_vga_hole(void **state)
{
    (void)state;
    assert_non_null(mem.ram_region);
    assert_int_equal(mem.ram_region->kind, MR_RAM);
    assert_false(mem.ram_region->mapped);
    assert_int_equal(((uintptr_t)mem.ram) % PAGE_SIZE, 0);
    MemRegion *low = mem_region_find(&mem, "ram-low");
    assert_non_null(low);
    assert_int_equal(low->kind, MR_ALIAS);
    assert_ptr_equal(mem_page_ptr(&mem, 0x9f000, false), mem.ram + 0x9f000);
    assert_null(mem_page_ptr(&mem, 0xa0000, false));
    assert_ptr_equal(mem_page_ptr(&mem, 0xc0000, false), mem.ram + 0xc0000);
}

static void add_remove_move_and_enable(void **state)
{
    (void)state;
    uint32_t bias = 0x1000000;
    MemRegion *r = mem_region_new_mmio(&mem, "dev", 0x2000, mmio_rd, NULL, &bias);
    assert_non_null(r);
    assert_false(r->mapped);
    assert_int_equal(mem_read(&mem, 0x10000000, 4), 0xffffffffu);
    mem_region_add(&mem, r, 0x10000000, MEM_PRIO_MMIO);
    assert_int_equal(map_changes, 1);
    assert_int_equal(mem_read(&mem, 0x10001004, 4), 0x11001004u);
    mem_region_move(&mem, r, 0x20000000);
    assert_int_equal(map_changes, 2);
    assert_int_equal(mem_read(&mem, 0x10001004, 4), 0xffffffffu);
    assert_int_equal(mem_read(&mem, 0x20000008, 4), 0x21000008u);
    mem_region_set_enabled(&mem, r, false);
    assert_int_equal(map_changes, 3);
    assert_int_equal(mem_read(&mem, 0x20000008, 4), 0xffffffffu);
    mem_region_set_enabled(&mem, r, true);
    assert_int_equal(mem_read(&mem, 0x20000008, 4), 0x21000008u);
    mem_region_remove(&mem, r);
    assert_int_equal(mem_read(&mem, 0x20000008, 4), 0xffffffffu);
    mem_region_free(&mem, r);
    /* Many regions: no fixed limit of 16. */
    for (int i = 0; i < 40; i++) {
        MemRegion *x = mem_region_new_mmio(&mem, "many", PAGE_SIZE, mmio_rd, NULL, &bias);
        assert_non_null(x);
        mem_region_add(&mem, x, 0x30000000u + (uint32_t)i * PAGE_SIZE, MEM_PRIO_MMIO);
    }
    assert_int_equal(mem_read(&mem, 0x30027000, 4), 0x31027000u);
}

static void higher_priority_wins_and_removal_uncovers(void **state)
{
    (void)state;
    mem_write(&mem, 0x5000, 0x12345678, 4);
    MemRegion *ram2 = mem_region_new_ram(&mem, "ram2", 0x3000);
    assert_non_null(ram2);
    ram2->host[0x10] = 0xab;
    mem_region_add(&mem, ram2, 0x4000, MEM_PRIO_RAM + 1);
    assert_int_equal(mem_read(&mem, 0x5000, 1), 0);
    assert_int_equal(mem_read(&mem, 0x4010, 1), 0xab);
    /* A lower priority added later loses. */
    uint32_t bias = 0;
    MemRegion *low = mem_region_new_mmio(&mem, "low", 0x1000, mmio_rd, NULL, &bias);
    mem_region_add(&mem, low, 0x4000, MEM_PRIO_RAM);
    assert_int_equal(mem_read(&mem, 0x4010, 1), 0xab);
    mem_region_set_priority(&mem, low, MEM_PRIO_MMIO);
    assert_int_equal(mem_read(&mem, 0x4010, 2), 0x4010);
    mem_region_remove(&mem, low);
    mem_region_remove(&mem, ram2);
    assert_int_equal(mem_read(&mem, 0x5000, 4), 0x12345678);
}

static void alias_windows_and_offsets(void **state)
{
    (void)state;
    uint8_t img[0x4000];
    for (size_t i = 0; i < sizeof img; i++)
        img[i] = (uint8_t)(i >> 12);
    MemRegion *rom = mem_region_new_rom(&mem, "rom", sizeof img, img, sizeof img);
    assert_non_null(rom);
    MemRegion *a = mem_region_new_alias(&mem, "win", rom, 0x1000, 0x1000);
    mem_region_add(&mem, a, 0xd0000, MEM_PRIO_ROM);
    assert_int_equal(mem_read(&mem, 0xd0000, 1), 1);
    assert_null(mem_page_ptr(&mem, 0xd0000, true));
    mem_write(&mem, 0xd0000, 9, 1);
    assert_int_equal(mem_read(&mem, 0xd0000, 1), 1);
    mem_region_set_alias_offset(&mem, a, 0x3000);
    assert_int_equal(mem_read(&mem, 0xd0000, 1), 3);
    /* An alias of RAM writes through to the same host bytes. */
    MemRegion *r = mem_region_new_alias(&mem, "ram-mirror", mem.ram_region, 0x2000, 0x1000);
    mem_region_add(&mem, r, 0x20000000, MEM_PRIO_RAM);
    mem_write(&mem, 0x20000004, 0xfeed, 2);
    assert_int_equal(mem_read(&mem, 0x2004, 2), 0xfeed);
    assert_ptr_equal(mem_page_ptr(&mem, 0x20000000, true), mem.ram + 0x2000);
    /* An alias of an alias. */
    MemRegion *aa = mem_region_new_alias(&mem, "mirror2", r, 0, 0x1000);
    mem_region_add(&mem, aa, 0x20100000, MEM_PRIO_RAM);
    assert_int_equal(mem_read(&mem, 0x20100004, 2), 0xfeed);
}

static void count_slot(void *opaque, const MemSlot *s)
{
    MemSlot *out = opaque;
    int i = 0;
    while (out[i].size)
        i++;
    out[i] = *s;
}

static void ram_slots_for_kvm(void **state)
{
    (void)state;
    uint8_t img[0x10000];
    memset(img, 0x90, sizeof img);
    assert_true(mem_load_rom(&mem, img, sizeof img));
    MemSlot slots[16];
    memset(slots, 0, sizeof slots);
    int n = mem_for_each_ram_slot(&mem, count_slot, slots);
    /* RAM below the VGA hole, RAM C0000-EFFFF, the 64 KiB ROM at F0000,
     * RAM above 1 MiB, the ROM again at 4 GiB - 64 KiB. */
    assert_int_equal(n, 5);
    assert_int_equal(slots[0].gpa, 0);
    assert_int_equal(slots[0].size, 0xa0000);
    assert_ptr_equal(slots[0].host, mem.ram);
    assert_false(slots[0].readonly);
    assert_int_equal(slots[1].gpa, 0xc0000);
    assert_int_equal(slots[1].size, 0x30000);
    assert_int_equal(slots[2].gpa, 0xf0000);
    assert_true(slots[2].readonly);
    assert_int_equal(slots[3].gpa, 0x100000);
    assert_int_equal(slots[3].size, (4u << 20) - 0x100000);
    assert_int_equal(slots[4].gpa, 0xffff0000u);
    assert_true(slots[4].readonly);
    for (int i = 0; i < n; i++)
        assert_int_equal(((uintptr_t)slots[i].host) % PAGE_SIZE, 0);
}

static void dirty_pages_are_tracked_and_cleared(void **state)
{
    (void)state;
    MemRegion *ram = mem.ram_region;
    assert_int_equal(mem_dirty_get_and_clear(&mem, ram, NULL), -1);
    map_changes = 0;
    assert_true(mem_dirty_enable(&mem, ram));
    assert_int_equal(map_changes, 1);
    /* Clean pages: no writable pointer, reads still direct. */
    assert_null(mem_page_ptr(&mem, 0x3000, true));
    assert_non_null(mem_page_ptr(&mem, 0x3000, false));
    mem_write(&mem, 0x3004, 1, 1);                 /* the slow path marks it */
    assert_ptr_equal(mem_page_ptr(&mem, 0x3000, true), mem.ram + 0x3000);
    uint8_t buf[100];
    memset(buf, 1, sizeof buf);
    mem_write_bulk(&mem, 0x200000 - 50, buf, sizeof buf);   /* DMA over two pages */
    /* Through an alias at another address: the page of the target. */
    MemRegion *r = mem_region_new_alias(&mem, "mirror", ram, 0x7000, 0x1000);
    mem_region_add(&mem, r, 0x20000000, MEM_PRIO_RAM);
    assert_null(mem_page_ptr(&mem, 0x20000000, true));
    mem_write(&mem, 0x20000000, 2, 1);
    size_t bytes = (ram->size / PAGE_SIZE + 7) / 8;
    uint8_t *bm = calloc(bytes, 1);
    map_changes = 0;
    assert_int_equal(mem_dirty_get_and_clear(&mem, ram, bm), 4);
    assert_int_equal(map_changes, 1);   /* write mappings dropped */
    assert_int_equal(bm[0], (1u << 3) | (1u << 7));
    assert_int_equal(bm[0x1ff / 8], 0x80);
    assert_int_equal(bm[0x200 / 8], 0x01);
    assert_null(mem_page_ptr(&mem, 0x3000, true));   /* clean again */
    assert_int_equal(mem_dirty_get_and_clear(&mem, ram, bm), 0);
    assert_int_equal(bm[0], 0);
    mem_dirty_disable(&mem, ram);
    assert_non_null(mem_page_ptr(&mem, 0x3000, true));
    free(bm);
    /* ROM does not track. */
    uint8_t img[PAGE_SIZE] = {0};
    MemRegion *rom = mem_region_new_rom(&mem, "r", PAGE_SIZE, img, sizeof img);
    assert_false(mem_dirty_enable(&mem, rom));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(layout_has_ram_aliases_and_the_vga_hole, setup, teardown),
        cmocka_unit_test_setup_teardown(add_remove_move_and_enable, setup, teardown),
        cmocka_unit_test_setup_teardown(higher_priority_wins_and_removal_uncovers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(alias_windows_and_offsets, setup, teardown),
        cmocka_unit_test_setup_teardown(ram_slots_for_kvm, setup, teardown),
        cmocka_unit_test_setup_teardown(dirty_pages_are_tracked_and_cleared, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
