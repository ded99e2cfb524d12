/* test_vga_pci.c - the VGA's PCI function (devices/vga_pci.c): identity as
 * QEMU's -vga std (1234:1111, class 0300, revision 2), BAR0 sizing and
 * placement of the frame buffer, the expansion ROM BAR (PCI Local Bus 2.1,
 * 6.2.5.2: address bits 31-11, enable bit 0, sized by writing all ones),
 * the video BIOS at 0xC0000, which firmware gets which BIOS, reset and a
 * save/load round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vga_pci.h"
#include "vm_roundtrip.h"

static Memory mem;
static IOBus io;
static Clock clk;
static uint64_t insns;
static VGA vga;
static PCIBus pci;
static VGAPCI dev;
static uint8_t rom[40000];

static const uint8_t DEVFN = PCI_DEVFN(VGA_PCI_SLOT, 0);

static uint32_t cfg_rd(uint8_t a, int len) { return pci_config_read(&pci, DEVFN, a, len); }
static void cfg_wr(uint8_t a, uint32_t v, int len) { pci_config_write(&pci, DEVFN, a, v, len); }

static int setup(void **st)
{
    (void)st;
    memset(&mem, 0, sizeof mem);
    assert_true(mem_init(&mem, 1 << 20));
    io_init(&io);
    insns = 0;
    clock_init(&clk, true, 0, &insns);
    assert_true(vga_init(&vga, &mem, &io, &clk));
    pci_bus_init(&pci, &io);
    for (size_t i = 0; i < sizeof rom; i++)
        rom[i] = (uint8_t)(i * 7);
    rom[0] = 0x55;
    rom[1] = 0xaa;
    assert_true(vga_pci_init(&dev, &pci, &mem, &vga, rom, sizeof rom));
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    mem_free(&mem);
    return 0;
}

static void test_identity(void **st)
{
    (void)st;
    assert_int_equal(cfg_rd(PCI_VENDOR_ID, 2), 0x1234);
    assert_int_equal(cfg_rd(PCI_DEVICE_ID, 2), 0x1111);
    assert_int_equal(cfg_rd(PCI_CLASS_DEVICE, 2), 0x0300);
    assert_int_equal(cfg_rd(PCI_CLASS_PROG, 1), 0x00);
    assert_int_equal(cfg_rd(PCI_REVISION_ID, 1), 0x02);
    assert_int_equal(cfg_rd(PCI_HEADER_TYPE, 1), 0x00);
    assert_int_equal(cfg_rd(PCI_INTERRUPT_PIN, 1), 0x00);
    assert_int_equal(cfg_rd(PCI_COMMAND, 2), 0x0000);
}

static void test_bar0_sizing(void **st)
{
    (void)st;
    assert_int_equal(cfg_rd(PCI_BAR0, 4), 0x00000008);   /* memory, 32-bit, prefetchable */
    cfg_wr(PCI_BAR0, 0xffffffffu, 4);
    assert_int_equal(cfg_rd(PCI_BAR0, 4), 0xff000008u);  /* 16 MiB */
    for (int n = 3; n < 6; n++)
        assert_int_equal(cfg_rd((uint8_t)(PCI_BAR0 + 4 * n), 4), 0);
    assert_int_equal(cfg_rd(PCI_BAR0 + 4, 4), 0);
}

static void test_bar0_maps_lfb(void **st)
{
    (void)st;
    cfg_wr(PCI_BAR0, 0xfd000000u, 4);
    assert_false(vga.lfb->mapped);                        /* memory decoding off */
    cfg_wr(PCI_COMMAND, 0x0002, 2);
    assert_true(vga.lfb->mapped);
    assert_int_equal(vga.lfb->base, 0xfd000000u);
    mem_write(&mem, 0xfd000010u, 0xa5, 1);
    assert_int_equal(vga.vram[0x10], 0xa5);
    cfg_wr(PCI_BAR0, 0xe0000000u, 4);                     /* moves */
    assert_int_equal(vga.lfb->base, 0xe0000000u);
    assert_int_equal(mem_read(&mem, 0xe0000010u, 1), 0xa5);
    cfg_wr(PCI_BAR0, 0xffffffffu, 4);                     /* sizing: unmapped (QEMU) */
    assert_false(vga.lfb->mapped);
    cfg_wr(PCI_BAR0, 0xe0000000u, 4);
    cfg_wr(PCI_COMMAND, 0x0000, 2);
    assert_false(vga.lfb->mapped);
}

static void test_bar2_register_window(void **st)
{
    (void)st;
    cfg_wr(PCI_BAR0 + 8, 0xffffffffu, 4);
    assert_int_equal(cfg_rd(PCI_BAR0 + 8, 4), 0xfffff000u);  /* 4 KiB memory */
    cfg_wr(PCI_BAR0 + 8, 0xfebf0000u, 4);
    cfg_wr(PCI_COMMAND, 0x0002, 2);
    assert_true(dev.mmio->mapped);
    /* 0x400 + n is VGA port 0x3C0 + n: the sequencer through 0x3C4/0x3C5 */
    mem_write(&mem, 0xfebf0404u, 0x0f02, 2);
    assert_int_equal(vga.sr[2], 0x0f);
    assert_int_equal(io_read(&io, 0x3c5, 1), 0x0f);
    assert_int_equal(mem_read(&mem, 0xfebf0405u, 1), 0x0f);
    /* 0x500 + 2i is VBE register i */
    assert_int_equal(mem_read(&mem, 0xfebf0500u, 2) & 0xfff0, 0xb0c0);
    mem_write(&mem, 0xfebf0502u, 800, 2);
    assert_int_equal(vga.vbe_regs[VBE_INDEX_XRES], 800);
    assert_int_equal(mem_read(&mem, 0xfebf0502u, 2), 800);
    assert_int_equal(mem_read(&mem, 0xfebf0514u, 2), VGA_VRAM_SIZE >> 16);
    assert_int_equal(mem_read(&mem, 0xfebf0600u, 4), 8);
    assert_int_equal(mem_read(&mem, 0xfebf0604u, 4), 0x1e1e1e1eu);
    cfg_wr(PCI_COMMAND, 0x0000, 2);
    assert_false(dev.mmio->mapped);
}

static void test_legacy_ports_always_decode(void **st)
{
    (void)st;
    /* The legacy window and ports do not depend on the command register. */
    io_write(&io, 0x3c4, 0x02, 1);
    io_write(&io, 0x3c5, 0x0f, 1);
    assert_int_equal(io_read(&io, 0x3c5, 1), 0x0f);
    io_write(&io, 0x1ce, VBE_INDEX_ID, 2);
    assert_int_equal(io_read(&io, 0x1cf, 2) & 0xfff0, 0xb0c0);
}

static void test_rom_bar(void **st)
{
    (void)st;
    assert_int_equal(dev.rom_size, 64u << 10);
    assert_int_equal(cfg_rd(VGA_PCI_ROM_BAR, 4), 0);
    cfg_wr(VGA_PCI_ROM_BAR, 0xfffffffeu, 4);              /* size the address bits */
    assert_int_equal(cfg_rd(VGA_PCI_ROM_BAR, 4), 0xffff0000u);
    cfg_wr(VGA_PCI_ROM_BAR, 0xfeb00001u, 4);
    assert_int_equal(cfg_rd(VGA_PCI_ROM_BAR, 4), 0xfeb00001u);
    assert_false(dev.rom->mapped);                        /* memory decoding off */
    cfg_wr(PCI_COMMAND, 0x0002, 2);
    assert_true(dev.rom->mapped);
    assert_int_equal(mem_read(&mem, 0xfeb00000u, 2), 0xaa55);
    assert_int_equal(mem_read(&mem, 0xfeb00000u + 39999, 1), (uint8_t)(39999 * 7));
    mem_write(&mem, 0xfeb00002u, 0x12, 1);                /* ROM: writes dropped */
    assert_int_equal(mem_read(&mem, 0xfeb00002u, 1), 14);
    cfg_wr(VGA_PCI_ROM_BAR, 0xfeb00000u, 4);              /* enable bit off */
    assert_false(dev.rom->mapped);
}

static void test_no_rom_bar_without_image(void **st)
{
    (void)st;
    VGAPCI d2;
    PCIBus b2;
    pci_bus_init(&b2, NULL);
    assert_true(vga_pci_init(&d2, &b2, &mem, &vga, NULL, 0));
    pci_config_write(&b2, DEVFN, VGA_PCI_ROM_BAR, 0xffffffffu, 4);
    assert_int_equal(pci_config_read(&b2, DEVFN, VGA_PCI_ROM_BAR, 4), 0);
}

static void test_bios_at_c0000(void **st)
{
    (void)st;
    assert_true(vga_pci_map_bios_c0000(&dev, rom, sizeof rom));
    assert_int_equal(mem_read(&mem, 0xc0000, 2), 0xaa55);
    assert_int_equal(mem_read(&mem, 0xc0000 + 100, 1), (uint8_t)(100 * 7));
    mem_write(&mem, 0xc0000, 0, 1);
    assert_int_equal(mem_read(&mem, 0xc0000, 1), 0x55);
}

static void test_bios_place_for_firmware(void **st)
{
    (void)st;
    static const char sea[] = "xxxxSeaBIOS (version 1.16.2)";
    static const char bochs[] = "\x10Starting rombios32\n";
    static const char other[] = "an own test ROM";
    assert_int_equal(vga_bios_place_for((const uint8_t *)sea, sizeof sea), VGA_BIOS_ROM_BAR);
    assert_int_equal(vga_bios_place_for((const uint8_t *)bochs, sizeof bochs), VGA_BIOS_C0000);
    assert_int_equal(vga_bios_place_for((const uint8_t *)other, sizeof other), VGA_BIOS_NONE);
    assert_int_equal(vga_bios_place_for(NULL, 0), VGA_BIOS_NONE);
}

static void test_reset(void **st)
{
    (void)st;
    cfg_wr(PCI_BAR0, 0xfd000000u, 4);
    cfg_wr(VGA_PCI_ROM_BAR, 0xfeb00001u, 4);
    cfg_wr(PCI_COMMAND, 0x0003, 2);
    assert_true(vga.lfb->mapped && dev.rom->mapped);
    vga_pci_reset(&dev);
    assert_int_equal(cfg_rd(PCI_COMMAND, 2), 0);
    assert_int_equal(cfg_rd(PCI_BAR0, 4), 0x00000008);
    assert_int_equal(cfg_rd(VGA_PCI_ROM_BAR, 4), 0);
    assert_false(vga.lfb->mapped);
    assert_false(dev.rom->mapped);
    assert_false(dev.mmio->mapped);
    assert_int_equal(cfg_rd(PCI_VENDOR_ID, 4), 0x11111234u);
}

static void scramble(void *p)
{
    vga_pci_reset(p);
}

static void test_save_load(void **st)
{
    (void)st;
    cfg_wr(PCI_BAR0, 0xfd000000u, 4);
    cfg_wr(VGA_PCI_ROM_BAR, 0xfeb00001u, 4);
    cfg_wr(PCI_COMMAND, 0x0003, 2);
    assert_true(vm_roundtrip("vga-pci", &vga_pci_vmstate, &dev, scramble));
    assert_int_equal(cfg_rd(PCI_BAR0, 4), 0xfd000008u);
    assert_true(vga.lfb->mapped);
    assert_int_equal(vga.lfb->base, 0xfd000000u);
    assert_true(dev.rom->mapped);
    assert_int_equal(mem_read(&mem, 0xfeb00000u, 2), 0xaa55);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bar0_sizing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bar0_maps_lfb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bar2_register_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_legacy_ports_always_decode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rom_bar, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_rom_bar_without_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bios_at_c0000, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bios_place_for_firmware, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_load, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
