/* test_kvm_dirty.c - the engine side of dirty-page logging without
 * /dev/kvm: mem_dirty_get_and_clear pulls an engine's log first
 * (Memory.dirty_sync), and kvm_dirty_region finds the dirty-tracked region
 * that holds a RAM slot (that slot gets KVM_MEM_LOG_DIRTY_PAGES). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cpu/kvm.h"
#include "memory.h"

static Memory mem;
static int syncs;

static int setup(void **state)
{
    (void)state;
    if (!mem_init(&mem, 4u << 20))
        fail_msg("mem_init failed");
    syncs = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mem_free(&mem);
    return 0;
}

/* An engine's log: pages 1 and 5 of the region were written. */
static void fake_sync(void *opaque, MemRegion *r)
{
    (void)opaque;
    syncs++;
    r->dirty[0] |= 0x22;
}

static void get_and_clear_pulls_the_engine_log(void **state)
{
    (void)state;
    MemRegion *fb = mem_region_new_ram(&mem, "fb", 16 * PAGE_SIZE);
    assert_non_null(fb);
    mem_region_add(&mem, fb, 0xE0000000u, MEM_PRIO_RAM);
    assert_true(mem_dirty_enable(&mem, fb));
    mem.dirty_sync = fake_sync;
    uint8_t bits[2] = {0xff, 0xff};
    assert_int_equal(mem_dirty_get_and_clear(&mem, fb, bits), 2);
    assert_int_equal(syncs, 1);
    assert_int_equal(bits[0], 0x22);
    assert_int_equal(bits[1], 0);
    /* A guest write through the map and the engine's log add up. */
    mem_write(&mem, 0xE0000000u + 9 * PAGE_SIZE, 1, 1);
    assert_int_equal(mem_dirty_get_and_clear(&mem, fb, bits), 3);
    assert_int_equal(bits[1], 0x02);
    /* Untracked region: -1, the engine is not asked. */
    mem_dirty_disable(&mem, fb);
    assert_int_equal(mem_dirty_get_and_clear(&mem, fb, bits), -1);
    assert_int_equal(syncs, 2);
}

static void slot_inside_a_tracked_region_is_logged(void **state)
{
    (void)state;
    MemRegion *fb = mem_region_new_ram(&mem, "fb", 16 * PAGE_SIZE);
    mem_region_add(&mem, fb, 0xE0000000u, MEM_PRIO_RAM);
    MemSlot in = {0xE0000000u, 16 * PAGE_SIZE, fb->host, false};
    MemSlot part = {0xE0004000u, 4 * PAGE_SIZE, fb->host + 4 * PAGE_SIZE, false};
    MemSlot ram = {0, 0xA0000, mem.ram, false};
    assert_null(kvm_dirty_region(&mem, &in));          /* not tracked yet */
    assert_true(mem_dirty_enable(&mem, fb));
    assert_ptr_equal(kvm_dirty_region(&mem, &in), fb);
    assert_ptr_equal(kvm_dirty_region(&mem, &part), fb);
    assert_null(kvm_dirty_region(&mem, &ram));         /* guest RAM: no log */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(get_and_clear_pulls_the_engine_log, setup, teardown),
        cmocka_unit_test_setup_teardown(slot_inside_a_tracked_region_is_logged, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
