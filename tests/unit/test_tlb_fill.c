/* test_tlb_fill.c - the TLB fill of cpu/mem.c (tlb_fill_host): which
 * entries one walk fills, where it reads the page tables from, and that a
 * memory-map change reaches the walk's cached page-table pointers.
 * Expected values come from the SDM (vol. 3, 4.3 32-bit paging, 4.8
 * accessed and dirty flags, 4.10.2 what a TLB may cache) and the board's
 * memory layout (host address = RAM buffer + physical address). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cpu/cpu.h"
#include "cpu/mem.h"
#include "devices/memory.h"

#define PD 0x10000u
#define PT 0x11000u
#define LIN(i) ((uint32_t)(i) << 12)   /* linear page i of the first 4 MiB */

static Memory mem;
static CPU cpu;
static unsigned mmio_reads;

static void on_map_changed(void *opaque)
{
    (void)opaque;
    tlb_flush(&cpu);   /* what every engine that uses cpu/mem.c does */
}

static void put32(uint32_t phys, uint32_t v) { memcpy(mem.ram + phys, &v, 4); }
static uint32_t get32(uint32_t phys)
{
    uint32_t v;
    memcpy(&v, mem.ram + phys, 4);
    return v;
}

/* Paging on at CPL 0, PD -> PT for 0-4 MiB, PDE accessed. */
static int setup(void **state)
{
    (void)state;
    if (!mem_init(&mem, 4u << 20)) return -1;
    mem.map_changed = on_map_changed;
    memset(&cpu, 0, sizeof cpu);
    cpu.mem = &mem;
    cpu.ram_base = mem.ram;
    cpu_reset(&cpu);
    memset(mem.ram, 0, 0x200000);
    put32(PD, PT | 0x27);
    put32(PT + 5 * 4, 0x50000 | 0x63);   /* rw, accessed, dirty */
    put32(PT + 6 * 4, 0x60000 | 0x03);   /* rw, clean */
    put32(PT + 7 * 4, 0x70000 | 0x61);   /* read-only, dirty */
    put32(PT + 8 * 4, 0x80000 | 0x63);   /* rw, dirty: a code page below */
    cpu.cr[3] = PD;
    cpu.cr[0] |= CR0_PE | CR0_PG;
    tlb_flush(&cpu);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mem_free(&mem);
    return 0;
}

static const TLBEntry *rd_entry(uint32_t lin) { return &cpu.tlb_read[TLB_SUPER][(lin >> 12) % TLB_SIZE]; }
static const TLBEntry *wr_entry(uint32_t lin) { return &cpu.tlb_write[TLB_SUPER][(lin >> 12) % TLB_SIZE]; }

/* A read of a dirty writable page fills the write entry too. */
static void test_read_fills_write_when_dirty(void **state)
{
    (void)state;
    uintptr_t h = tlb_fill_host(&cpu, LIN(5) + 0x10, 4, false);
    assert_true(h == (uintptr_t)(mem.ram + 0x50010));
    assert_int_equal(rd_entry(LIN(5))->tag, LIN(5));
    assert_int_equal(wr_entry(LIN(5))->tag, LIN(5));
    assert_true(LIN(5) + 0x20 + wr_entry(LIN(5))->addend == (uintptr_t)(mem.ram + 0x50020));
    assert_int_equal(get32(PT + 5 * 4), 0x50000 | 0x63);   /* nothing to set */
}

/* A clean page: the read sets A only and leaves the write entry empty; the
 * write fill sets D and fills the read entry too. */
static void test_clean_page(void **state)
{
    (void)state;
    assert_true(tlb_fill_host(&cpu, LIN(6), 4, false) == (uintptr_t)(mem.ram + 0x60000));
    assert_int_equal(get32(PT + 6 * 4), 0x60000 | 0x23);
    assert_int_equal(wr_entry(LIN(6))->tag, TLB_INVALID);
    tlb_flush(&cpu);
    assert_true(tlb_fill_host(&cpu, LIN(6) + 4, 4, true) == (uintptr_t)(mem.ram + 0x60004));
    assert_int_equal(get32(PT + 6 * 4), 0x60000 | 0x63);
    assert_int_equal(rd_entry(LIN(6))->tag, LIN(6));
}

/* Read-only and dirty: no write entry with CR0.WP set; with WP clear a
 * supervisor write is allowed, so the read fills it. */
static void test_read_only(void **state)
{
    (void)state;
    cpu.cr[0] |= CR0_WP;
    assert_true(tlb_fill_host(&cpu, LIN(7), 4, false) != 0);
    assert_int_equal(wr_entry(LIN(7))->tag, TLB_INVALID);
    assert_true(tlb_fill_host(&cpu, LIN(7), 4, true) == 0);   /* would fault */
    cpu.cr[0] &= ~CR0_WP;
    tlb_flush(&cpu);
    assert_true(tlb_fill_host(&cpu, LIN(7), 4, false) != 0);
    assert_int_equal(wr_entry(LIN(7))->tag, LIN(7));
}

/* A page holding translated code, or a clean page of a dirty-logged
 * region: reads are filled, the write entry is not. */
static void test_no_write_pointer(void **state)
{
    (void)state;
    mem.code[0x80]++;
    assert_true(tlb_fill_host(&cpu, LIN(8), 4, false) == (uintptr_t)(mem.ram + 0x80000));
    assert_int_equal(wr_entry(LIN(8))->tag, TLB_INVALID);
    mem.code[0x80]--;
    assert_true(mem_dirty_enable(&mem, mem.ram_region));
    tlb_flush(&cpu);
    assert_true(tlb_fill_host(&cpu, LIN(5), 4, false) != 0);
    assert_int_equal(wr_entry(LIN(5))->tag, TLB_INVALID);
    mem_dirty_disable(&mem, mem.ram_region);
}

/* The PDE without A: the walk sets it (the slow walk) and still fills. */
static void test_pde_accessed_set(void **state)
{
    (void)state;
    put32(PD, PT | 0x07);
    assert_true(tlb_fill_host(&cpu, LIN(5), 4, false) == (uintptr_t)(mem.ram + 0x50000));
    assert_int_equal(get32(PD), PT | 0x27);
}

/* The page table's physical page is remapped to other memory: the next
 * fill after the map change reads the new table, not the cached host
 * pointer of the old one. */
static void test_page_table_remapped(void **state)
{
    (void)state;
    assert_true(tlb_fill_host(&cpu, LIN(5), 4, false) == (uintptr_t)(mem.ram + 0x50000));
    MemRegion *alt = mem_region_new_ram(&mem, "alt", PAGE_SIZE);
    assert_non_null(alt);
    uint32_t pte = 0x90000 | 0x63;
    memcpy(alt->host + 5 * 4, &pte, 4);
    mem_region_add(&mem, alt, PT, MEM_PRIO_MMIO);
    assert_true(tlb_fill_host(&cpu, LIN(5), 4, false) == (uintptr_t)(mem.ram + 0x90000));
    mem_region_remove(&mem, alt);
    assert_true(tlb_fill_host(&cpu, LIN(5), 4, false) == (uintptr_t)(mem.ram + 0x50000));
    mem_region_free(&mem, alt);
}

static uint32_t mmio_rd(void *opaque, uint32_t addr, int size)
{
    (void)opaque;
    (void)size;
    mmio_reads++;
    return addr == PT + 5 * 4 ? (0xD0000u | 0x63) : 0;
}

static void mmio_wr(void *opaque, uint32_t addr, uint32_t val, int size)
{
    (void)opaque;
    (void)addr;
    (void)val;
    (void)size;
}

/* Page tables in MMIO: the walk reads them through the device. */
static void test_page_table_in_mmio(void **state)
{
    (void)state;
    MemRegion *r = mem_map_mmio(&mem, PT, PAGE_SIZE, mmio_rd, mmio_wr, NULL);
    assert_non_null(r);
    mmio_reads = 0;
    uintptr_t h = tlb_fill_host(&cpu, LIN(5), 4, false);
    assert_true(mmio_reads >= 1);
    assert_true(h == (uintptr_t)(mem.ram + 0xD0000));
    mem_region_free(&mem, r);
    assert_true(tlb_fill_host(&cpu, LIN(5), 4, false) == (uintptr_t)(mem.ram + 0x50000));
}

/* A CPU never flushed (all zero) has no page-table page cached: a page
 * directory at physical 0 is read from RAM, not through a null pointer. */
static void test_zeroed_cpu_directory_at_0(void **state)
{
    (void)state;
    memset(&cpu, 0, sizeof cpu);
    cpu.mem = &mem;
    cpu.cr[0] = CR0_PE | CR0_PG;
    cpu.cr[3] = 0;
    put32(0, PT | 0x27);
    assert_true(tlb_fill_host(&cpu, LIN(5), 4, false) == (uintptr_t)(mem.ram + 0x50000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read_fills_write_when_dirty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_write_pointer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pde_accessed_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_table_remapped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_table_in_mmio, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zeroed_cpu_directory_at_0, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
