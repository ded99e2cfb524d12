/* test_fwcfg.c - QEMU's fw_cfg (devices/fwcfg.c) as QEMU documents it
 * (docs/specs/fw_cfg.rst): selector and data ports, signature, ID,
 * integers little-endian, the big-endian file directory sorted by name,
 * reads past the end, DMA select/read/skip and the error bit for writes,
 * architecture keys, reset and save/load. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fwcfg.h"
#include "vm_roundtrip.h"

static Memory mem;
static IOBus bus;
static FWCfg fw;

static int setup_each(void **state)
{
    (void)state;
    assert_true(mem_init(&mem, 1u << 20));
    io_init(&bus);
    fwcfg_init(&fw, &bus, &mem);
    return 0;
}

static int teardown_each(void **state)
{
    (void)state;
    fwcfg_free(&fw);
    mem_free(&mem);
    return 0;
}

static void sel(uint16_t key) { io_write(&bus, FW_CFG_PORT_SEL, key, 2); }
static uint8_t rd(void) { return (uint8_t)io_read(&bus, FW_CFG_PORT_DATA, 1); }

static void test_fwcfg_signature_and_id(void **state)
{
    (void)state;
    sel(FW_CFG_SIGNATURE);
    char sig[5] = {0};
    for (int i = 0; i < 4; i++)
        sig[i] = (char)rd();
    assert_string_equal(sig, "QEMU");
    assert_int_equal(rd(), 0);              /* past the end */
    sel(FW_CFG_ID);
    assert_int_equal(rd(), FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA);
    /* Reselecting starts over. */
    sel(FW_CFG_SIGNATURE);
    assert_int_equal(rd(), 'Q');
    /* The DMA address register reads "QEMU CFG". */
    assert_int_equal(io_read(&bus, FW_CFG_PORT_DMA, 1), 'Q');
    assert_int_equal(io_read(&bus, FW_CFG_PORT_DMA + 7, 1), 'G');
}

static void test_fwcfg_integers_little_endian(void **state)
{
    (void)state;
    fwcfg_add_i16(&fw, FW_CFG_NB_CPUS, 0x0102);
    fwcfg_add_i64(&fw, FW_CFG_RAM_SIZE, 0x0807060504030201ull);
    sel(FW_CFG_NB_CPUS);
    assert_int_equal(rd(), 0x02);
    assert_int_equal(rd(), 0x01);
    sel(FW_CFG_RAM_SIZE);
    for (int i = 1; i <= 8; i++)
        assert_int_equal(rd(), i);
    /* Unknown and architecture-specific keys read 0. */
    sel(0x0a);
    assert_int_equal(rd(), 0);
    sel(0x8000);
    assert_int_equal(rd(), 0);
}

static void test_fwcfg_directory_sorted(void **state)
{
    (void)state;
    assert_true(fwcfg_add_file(&fw, "opt/b", "bb", 2));
    assert_true(fwcfg_add_file(&fw, "etc/a", "a", 1));
    assert_true(fwcfg_add_file(&fw, "opt/b", "BBB", 3));     /* replaces */
    char longname[60];
    memset(longname, 'x', sizeof longname - 1);
    longname[59] = 0;
    assert_false(fwcfg_add_file(&fw, longname, "", 0));
    sel(FW_CFG_FILE_DIR);
    uint8_t d[4 + 128];
    for (size_t i = 0; i < sizeof d; i++)
        d[i] = rd();
    assert_int_equal(d[3], 2);                               /* BE32 count */
    /* entry 0: etc/a, size 1, key 0x20 */
    assert_int_equal(d[4 + 3], 1);
    assert_int_equal(d[4 + 4] << 8 | d[4 + 5], 0x20);
    assert_string_equal((char *)d + 4 + 8, "etc/a");
    /* entry 1: opt/b, size 3, key 0x21 */
    assert_int_equal(d[68 + 3], 3);
    assert_int_equal(d[68 + 4] << 8 | d[68 + 5], 0x21);
    assert_string_equal((char *)d + 68 + 8, "opt/b");
    sel(0x21);
    assert_int_equal(rd(), 'B');
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void dma(uint32_t desc, uint32_t ctl, uint32_t len, uint32_t addr)
{
    uint8_t d[16] = {0};
    put_be32(d, ctl);
    put_be32(d + 4, len);
    put_be32(d + 12, addr);
    memcpy(mem.ram + desc, d, 16);
    io_write(&bus, FW_CFG_PORT_DMA, 0, 4);
    uint32_t a = desc;
    io_write(&bus, FW_CFG_PORT_DMA + 4,
             (a >> 24) | ((a >> 8) & 0xff00) | ((a << 8) & 0xff0000) | (a << 24), 4);
}

static void test_fwcfg_dma(void **state)
{
    (void)state;
    fwcfg_add_file(&fw, "opt/x", "0123456789", 10);
    memset(mem.ram + 0x2000, 0xcc, 32);
    /* select opt/x (key 0x20), skip 2, then read 4 */
    dma(0x1000, 0x20u << 16 | FW_CFG_DMA_SELECT | FW_CFG_DMA_SKIP, 2, 0);
    assert_int_equal(mem.ram[0x1003], 0);                    /* control written back: done */
    dma(0x1000, FW_CFG_DMA_READ, 4, 0x2000);
    assert_memory_equal(mem.ram + 0x2000, "2345", 4);
    assert_int_equal(mem.ram[0x2004], 0xcc);
    /* reading past the end gives zeros */
    dma(0x1000, FW_CFG_DMA_READ, 8, 0x2000);
    assert_memory_equal(mem.ram + 0x2000, "6789\0\0\0\0", 8);
    /* writes are refused with the error bit */
    dma(0x1000, FW_CFG_DMA_WRITE, 1, 0x2000);
    assert_int_equal(mem.ram[0x1003], FW_CFG_DMA_ERROR);
}

static void test_fwcfg_reset(void **state)
{
    (void)state;
    sel(FW_CFG_SIGNATURE);
    rd();
    fwcfg_vmstate.reset(&fw);
    assert_int_equal(fw.key, 0);
    assert_int_equal(rd(), 'Q');
}

static void scramble(void *f) { fwcfg_select(f, 0); }

static void test_fwcfg_save_load(void **state)
{
    (void)state;
    fwcfg_add_file(&fw, "opt/x", "abcdef", 6);
    sel(0x20);
    rd();
    rd();
    assert_true(vm_roundtrip("fw_cfg", &fwcfg_vmstate, &fw, scramble));
    assert_int_equal(rd(), 'c');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fwcfg_signature_and_id, setup_each, teardown_each),
        cmocka_unit_test_setup_teardown(test_fwcfg_integers_little_endian, setup_each, teardown_each),
        cmocka_unit_test_setup_teardown(test_fwcfg_directory_sorted, setup_each, teardown_each),
        cmocka_unit_test_setup_teardown(test_fwcfg_dma, setup_each, teardown_each),
        cmocka_unit_test_setup_teardown(test_fwcfg_reset, setup_each, teardown_each),
        cmocka_unit_test_setup_teardown(test_fwcfg_save_load, setup_each, teardown_each),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
