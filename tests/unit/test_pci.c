/* test_pci.c - PCI configuration mechanism #1 (devices/pci.c), the i440FX
 * host bridge and its PAM registers (devices/i440fx.c), the PIIX3 ISA
 * bridge's PIRQ routing with the ELCR, the PIIX3 IDE function and the
 * PIIX4 PM function (devices/piix.c): identities and register behaviour
 * from the PCI Local Bus spec 2.1 (3.7.4.1, 6.2.5.1), the 82441FX
 * datasheet (PAM, 3.2.17) and the 82371SB/AB datasheets (PIRQRC, ELCR,
 * PMBA, PMREGMISC); reset and save/load of each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "i440fx.h"
#include "pic.h"
#include "piix.h"
#include "vm_roundtrip.h"

static Memory mem;
static IOBus bus;
static PCIBus pci;
static I440FX host;
static PIIX3 piix3;
static PIIX4PM pm;
static ACPI acpi;
static PIC pic;
static Clock clk;
static uint64_t insns;
static int code_writes;
static uint32_t code_write_addr;

static void code_write(void *opaque, uint32_t phys, uint32_t len)
{
    (void)opaque;
    (void)len;
    code_writes++;
    code_write_addr = phys;
}

static int setup(void **state)
{
    (void)state;
    static uint8_t rom[0x20000];
    for (size_t i = 0; i < sizeof rom; i++)
        rom[i] = 0xa5;
    assert_true(mem_init(&mem, 4u << 20));
    assert_true(mem_load_rom(&mem, rom, sizeof rom));
    mem.code_write = code_write;
    io_init(&bus);
    clock_init(&clk, true, 0, &insns);
    pic_init(&pic, &bus, NULL);
    pic_init_elcr(&pic, &bus);
    pci_bus_init(&pci, &bus);
    i440fx_init(&host, &pci, &mem);
    IRQ *in[16];
    for (int i = 0; i < 16; i++)
        in[i] = pic_input(&pic, i);
    piix3_init(&piix3, &pci, in);
    acpi_init(&acpi, &bus, &clk, NULL, NULL);
    acpi.sci = pic_input(&pic, ACPI_SCI_IRQ);
    piix4_pm_init(&pm, &pci, &bus, &acpi);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mem_free(&mem);
    return 0;
}

static uint32_t cfg_read(int dev, int fn, int reg, int size)
{
    io_write(&bus, 0xcf8, 0x80000000u | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (reg & 0xfc), 4);
    return io_read(&bus, (uint16_t)(0xcfc + (reg & 3)), size);
}

static void cfg_write(int dev, int fn, int reg, uint32_t v, int size)
{
    io_write(&bus, 0xcf8, 0x80000000u | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (reg & 0xfc), 4);
    io_write(&bus, (uint16_t)(0xcfc + (reg & 3)), v, size);
}

static void test_pci_config_mechanism1(void **state)
{
    (void)state;
    io_write(&bus, 0xcf8, 0x80000000u, 4);
    assert_int_equal(io_read(&bus, 0xcf8, 4), 0x80000000u);   /* SeaBIOS's probe */
    assert_int_equal(cfg_read(0, 0, 0, 4), 0x12378086u);
    assert_int_equal(cfg_read(1, 0, 0, 4), 0x70008086u);
    assert_int_equal(cfg_read(1, 1, 0, 4), 0x70108086u);
    assert_int_equal(cfg_read(1, 3, 0, 4), 0x71138086u);
    assert_int_equal(cfg_read(2, 0, 0, 4), 0xffffffffu);       /* no device */
    assert_int_equal(cfg_read(1, 2, 0, 2), 0xffff);
    assert_int_equal(cfg_read(0, 0, 0x0a, 2), 0x0600);         /* class: host bridge */
    assert_int_equal(cfg_read(1, 0, 0x0a, 2), 0x0601);         /* ISA bridge */
    assert_int_equal(cfg_read(1, 0, 0x0e, 1), 0x80);           /* multi-function */
    assert_int_equal(cfg_read(1, 1, 0x08, 4) >> 8, 0x010180);  /* IDE, legacy, bus master */
    assert_int_equal(cfg_read(1, 3, 0x08, 4) >> 8, 0x068000);
    assert_int_equal(cfg_read(0, 0, 0x2c, 4), 0x11001af4u);    /* QEMU subsystem IDs */
    /* Enable bit clear: no configuration cycle. */
    io_write(&bus, 0xcf8, 0x00000000u, 4);
    assert_int_equal(io_read(&bus, 0xcfc, 4), 0xffffffffu);
    /* Bus 1 does not exist. */
    io_write(&bus, 0xcf8, 0x80010000u, 4);
    assert_int_equal(io_read(&bus, 0xcfc, 4), 0xffffffffu);
    /* Read-only identity. */
    cfg_write(0, 0, 0, 0xdeadbeef, 4);
    assert_int_equal(cfg_read(0, 0, 0, 4), 0x12378086u);
    /* Byte access to 0xCF9 is the reset control register, not the latch. */
    io_write(&bus, 0xcf8, 0x80000800u, 4);
    assert_int_equal(io_read(&bus, 0xcf8, 4), 0x80000800u);
}

static void test_pci_bar_sizing(void **state)
{
    (void)state;
    cfg_write(1, 1, 0x20, 0xffffffffu, 4);
    assert_int_equal(cfg_read(1, 1, 0x20, 4), 0xfffffff1u);    /* 16 bytes of I/O */
    cfg_write(1, 1, 0x20, 0xc001, 4);
    assert_int_equal(cfg_read(1, 1, 0x20, 4), 0xc001);
    cfg_write(1, 1, 0x10, 0xffffffffu, 4);                     /* no BAR0 */
    assert_int_equal(cfg_read(1, 1, 0x10, 4), 0);
    cfg_write(1, 1, 0x40, 0x8000, 2);                          /* IDETIM: decode enable */
    assert_int_equal(cfg_read(1, 1, 0x40, 2), 0x8000);
    cfg_write(1, 1, 0x04, 0xffff, 2);
    assert_int_equal(cfg_read(1, 1, 0x04, 2), 0x0407);
}

static void test_pam_modes(void **state)
{
    (void)state;
    i440fx_reset(&host);
    /* Reset: F0000 reads the BIOS, writes are dropped. */
    assert_int_equal(mem_read(&mem, 0xf0000, 1), 0xa5);
    mem_write(&mem, 0xf0000, 0x11, 1);
    assert_int_equal(mem_read(&mem, 0xf0000, 1), 0xa5);
    assert_int_equal(mem.ram[0xf0000], 0);
    /* C0000 with PAM off is the PCI side: all ones. */
    assert_int_equal(mem_read(&mem, 0xc0000, 4), 0xffffffffu);
    /* 11: shadow RAM read/write. */
    cfg_write(0, 0, 0x59, 0x30, 1);
    mem_write(&mem, 0xf0000, 0x22, 1);
    assert_int_equal(mem_read(&mem, 0xf0000, 1), 0x22);
    assert_int_equal(mem.ram[0xf0000], 0x22);
    assert_int_equal(mem_read(&mem, 0xfffff, 1), 0);           /* RAM, not the ROM */
    /* 01: read RAM, writes dropped (write-protected shadow). */
    cfg_write(0, 0, 0x59, 0x10, 1);
    mem_write(&mem, 0xf0000, 0x33, 1);
    assert_int_equal(mem_read(&mem, 0xf0000, 1), 0x22);
    /* 10: read the ROM, write RAM. */
    cfg_write(0, 0, 0x59, 0x20, 1);
    mem_write(&mem, 0xf0001, 0x44, 1);
    assert_int_equal(mem_read(&mem, 0xf0001, 1), 0xa5);
    assert_int_equal(mem.ram[0xf0001], 0x44);
    /* The high 4 GiB alias stays ROM whatever PAM says. */
    assert_int_equal(mem_read(&mem, 0xffff0000u, 1), 0xa5);
    /* Nibbles: PAM1 low = C0000-C3FFF, high = C4000-C7FFF. */
    cfg_write(0, 0, 0x5a, 0x30, 1);
    mem_write(&mem, 0xc4000, 0x55, 1);
    assert_int_equal(mem_read(&mem, 0xc4000, 1), 0x55);
    assert_int_equal(mem_read(&mem, 0xc0000, 1), 0xff);
    assert_int_equal(i440fx_seg_mode(&host, 2), 3);
    assert_int_equal(i440fx_seg_mode(&host, 1), 0);
    /* PAM6 high nibble = EC000-EFFFF over the BIOS's low alias. */
    cfg_write(0, 0, 0x5f, 0x30, 1);
    mem_write(&mem, 0xec000, 0x66, 1);
    assert_int_equal(mem_read(&mem, 0xec000, 1), 0x66);
    assert_int_equal(mem_read(&mem, 0xe8000, 1), 0xa5);        /* PAM6 low: still ROM */
    /* Reserved bits do not stick. */
    cfg_write(0, 0, 0x59, 0xff, 1);
    assert_int_equal(cfg_read(0, 0, 0x59, 1), 0x30);
    /* Reset restores the ROM view (a hard reset after SeaBIOS's shadowing). */
    i440fx_reset(&host);
    assert_int_equal(mem_read(&mem, 0xf0000, 1), 0xa5);
    assert_int_equal(mem_read(&mem, 0xc4000, 1), 0xff);
}

static void test_pam_drops_translated_code(void **state)
{
    (void)state;
    i440fx_reset(&host);
    mem.code[0xf0000 / PAGE_SIZE] = 1;
    code_writes = 0;
    cfg_write(0, 0, 0x59, 0x30, 1);          /* ROM -> RAM: the bytes there change */
    assert_int_equal(code_writes, 1);
    assert_int_equal(code_write_addr, 0xf0000);
    code_writes = 0;
    cfg_write(0, 0, 0x59, 0x10, 1);          /* RAM -> write-protected RAM: same bytes */
    assert_int_equal(code_writes, 0);
    mem.code[0xf0000 / PAGE_SIZE] = 0;
    i440fx_reset(&host);
}

static void test_piix3_pirq_routing_elcr(void **state)
{
    (void)state;
    static PCIDevice fake;
    piix3_reset(&piix3);
    pic_reset(&pic);
    /* A function in slot 3 with INTA#: PIRQ (3 + 1 - 1) & 3 = D. */
    pci_device_init(&fake, 0x1234, 0x5678, 0xff0000, 0, 0);
    fake.config[PCI_INTERRUPT_PIN] = 1;
    assert_true(pci_bus_attach(&pci, &fake, PCI_DEVFN(3, 0)));
    assert_int_equal(cfg_read(1, 0, 0x60, 4), 0x80808080u);    /* routing off at reset */
    pci_set_irq(&fake, 1);
    assert_int_equal(pic_irr(&pic.chip[1]), 0);
    cfg_write(1, 0, 0x63, 11, 1);                              /* PIRQD -> IRQ 11 */
    assert_int_equal(pic.chip[1].level & 0x08, 0x08);
    /* ELCR: IRQ 11 level-triggered: stays requested while the line is high. */
    io_write(&bus, 0x4d1, 0x08, 1);
    assert_int_equal(io_read(&bus, 0x4d1, 1), 0x08);
    assert_int_equal(pic_irr(&pic.chip[1]) & 0x08, 0x08);
    io_write(&bus, 0x4d0, 0xff, 1);                            /* IRQ 0-2 are always edge */
    assert_int_equal(io_read(&bus, 0x4d0, 1), 0xf8);
    io_write(&bus, 0x4d1, 0xff, 1);                            /* IRQ 8 and 13 too */
    assert_int_equal(io_read(&bus, 0x4d1, 1), 0xde);
    pci_set_irq(&fake, 0);
    assert_int_equal(pic.chip[1].level & 0x08, 0);
    pci_set_irq(&fake, 1);
    cfg_write(1, 0, 0x63, 0x80 | 11, 1);                       /* disabled again */
    assert_int_equal(pic.chip[1].level & 0x08, 0);
    pci_set_irq(&fake, 0);
    pci.dev[fake.devfn] = NULL;
    io_write(&bus, 0x4d0, 0, 1);
    io_write(&bus, 0x4d1, 0, 1);
}

static void test_piix4_pm_base_and_acpi_enable(void **state)
{
    (void)state;
    piix4_pm_reset(&pm);
    acpi_reset(&acpi);
    /* The ACPI block starts at 0x600 (-kernel's tables) with SCI_EN set. */
    assert_int_equal(io_read(&bus, 0x604, 2) & 1, 1);
    cfg_write(1, 3, 0x40, 0xb000 | 1, 4);
    assert_int_equal(cfg_read(1, 3, 0x40, 4), 0xb001);
    assert_int_equal(io_read(&bus, 0xb004, 2), 0xffff);        /* not enabled yet */
    cfg_write(1, 3, 0x80, 1, 1);                               /* PMIOSE */
    assert_int_equal(io_read(&bus, 0x604, 2), 0xffff);         /* moved away */
    assert_int_equal(io_read(&bus, 0xb004, 2) & 1, 0);         /* legacy mode: SCI_EN 0 */
    uint32_t t0 = io_read(&bus, 0xb008, 4);
    insns += 1000000;                                          /* 1 ms of virtual time */
    uint32_t t1 = io_read(&bus, 0xb008, 4);
    assert_int_equal((t1 - t0) & 0xffffff, 3579);              /* 3.579545 MHz */
    io_write(&bus, 0xb2, ACPI_ENABLE_CMD, 1);                  /* SMI command port */
    assert_int_equal(io_read(&bus, 0xb004, 2) & 1, 1);
    io_write(&bus, 0xb2, ACPI_DISABLE_CMD, 1);
    assert_int_equal(io_read(&bus, 0xb004, 2) & 1, 0);
    io_write(&bus, 0xb3, 0x5a, 1);                             /* APM status: scratch */
    assert_int_equal(io_read(&bus, 0xb3, 1), 0x5a);
    /* SCI: PM1_STS & PM1_EN drives IRQ 9. */
    acpi.pm1_sts = ACPI_PM1_PWRBTN_STS;
    io_write(&bus, 0xb002, ACPI_PM1_PWRBTN_STS, 2);
    assert_int_equal(pic.chip[1].level & 0x02, 0x02);
    io_write(&bus, 0xb000, ACPI_PM1_PWRBTN_STS, 2);            /* write 1 to clear */
    assert_int_equal(pic.chip[1].level & 0x02, 0);
    /* With APMC_EN an APM command "raises an SMI": 0xB3 is cleared. */
    cfg_write(1, 3, 0x58, 1u << 25, 4);
    io_write(&bus, 0xb3, 1, 1);
    io_write(&bus, 0xb2, 0, 1);
    assert_int_equal(io_read(&bus, 0xb3, 1), 0);
    /* Reset puts everything back. */
    piix4_pm_reset(&pm);
    acpi_reset(&acpi);
    assert_int_equal(cfg_read(1, 3, 0x40, 4), 1);
    assert_int_equal(io_read(&bus, 0x604, 2) & 1, 1);
    assert_int_equal(io_read(&bus, 0xb004, 2), 0xffff);
}

static void scramble_host(void *h) { i440fx_reset(h); }
static void scramble_piix3(void *p) { piix3_reset(p); }
static void scramble_pm(void *p) { piix4_pm_reset(p); }
static void scramble_acpi(void *a) { acpi_reset(a); }

static void test_pci_save_load(void **state)
{
    (void)state;
    i440fx_reset(&host);
    cfg_write(0, 0, 0x59, 0x30, 1);
    mem_write(&mem, 0xf0000, 0x77, 1);
    assert_true(vm_roundtrip("i440fx", &i440fx_vmstate, &host, scramble_host));
    assert_int_equal(cfg_read(0, 0, 0x59, 1), 0x30);
    assert_int_equal(mem_read(&mem, 0xf0000, 1), 0x77);        /* the map follows the load */
    cfg_write(1, 0, 0x60, 10, 1);
    assert_true(vm_roundtrip("piix3", &piix3_vmstate, &piix3, scramble_piix3));
    assert_int_equal(cfg_read(1, 0, 0x60, 1), 10);
    cfg_write(1, 3, 0x40, 0xb001, 4);
    cfg_write(1, 3, 0x80, 1, 1);
    assert_true(vm_roundtrip("piix4-pm", &piix4_pm_vmstate, &pm, scramble_pm));
    assert_int_equal(cfg_read(1, 3, 0x40, 4), 0xb001);
    assert_true(vm_roundtrip("acpi", &acpi_vmstate, &acpi, scramble_acpi));
    assert_int_equal(io_read(&bus, 0xb004, 2) & 0x1, 0);       /* the block is at PMBA again */
    assert_int_equal(io_read(&bus, 0x604, 2), 0xffff);
    i440fx_reset(&host);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pci_config_mechanism1),
        cmocka_unit_test(test_pci_bar_sizing),
        cmocka_unit_test(test_pam_modes),
        cmocka_unit_test(test_pam_drops_translated_code),
        cmocka_unit_test(test_piix3_pirq_routing_elcr),
        cmocka_unit_test(test_piix4_pm_base_and_acpi_enable),
        cmocka_unit_test(test_pci_save_load),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
