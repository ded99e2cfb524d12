/* i440fx.c - the 82441FX host bridge and PAM (see i440fx.h). */
#include "i440fx.h"

#include <stdio.h>
#include <string.h>

uint32_t i440fx_seg_base(int i)
{
    return i == 0 ? 0xf0000u : 0xc0000u + 0x4000u * (uint32_t)(i - 1);
}

uint32_t i440fx_seg_size(int i)
{
    return i == 0 ? 0x10000u : 0x4000u;
}

int i440fx_seg_mode(const I440FX *h, int i)
{
    if (i == 0)
        return (h->dev.config[I440FX_PAM0] >> 4) & 3;
    uint8_t r = h->dev.config[I440FX_PAM0 + 1 + (i - 1) / 2];
    return ((i - 1) & 1 ? r >> 4 : r) & 3;
}

/* Where the BIOS's low alias starts (below it, the PCI side is all ones). */
static uint32_t rom_low_base(const Memory *m)
{
    uint32_t low = m->rom_size < 0x20000 ? m->rom_size : 0x20000;
    return 0x100000u - ((low + PAGE_SIZE - 1) & PAGE_MASK);
}

/* Mode 10: reads see the PCI side, writes reach DRAM. */
static uint32_t wonly_read(void *opaque, uint32_t addr, int size)
{
    I440FX *h = opaque;
    Memory *m = h->mem;
    uint32_t v = 0;
    for (int i = 0; i < size; i++) {
        uint32_t a = addr + (uint32_t)i, b = 0xff;
        if (m->rom && a >= rom_low_base(m) && a < 0x100000u)
            b = m->rom[m->rom_size - (0x100000u - a)];
        v |= b << (8 * i);
    }
    return v;
}

static void wonly_write(void *opaque, uint32_t addr, uint32_t val, int size)
{
    I440FX *h = opaque;
    for (int i = 0; i < size; i++) {
        uint32_t a = addr + (uint32_t)i;
        if (a < h->mem->ram_size)
            h->mem->ram[a] = (uint8_t)(val >> (8 * i));
    }
}

static uint32_t hole_read(void *opaque, uint32_t addr, int size)
{
    (void)opaque;
    (void)addr;
    return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static void hole_write(void *opaque, uint32_t addr, uint32_t val, int size)
{
    (void)opaque;
    (void)addr;
    (void)val;
    (void)size;
}

/* Drop translated code on a segment whose read side changed. */
static void drop_code(Memory *m, uint32_t base, uint32_t size)
{
    for (uint32_t a = base; a < base + size; a += PAGE_SIZE) {
        if (m->code[a / PAGE_SIZE] && m->code_write)
            m->code_write(m->code_opaque, a, PAGE_SIZE);
    }
}

static void apply(I440FX *h, bool force)
{
    Memory *m = h->mem;
    if (!m)
        return;
    for (int i = 0; i < I440FX_PAM_SEGS; i++) {
        int mode = i440fx_seg_mode(h, i);
        if (!force && mode == h->mode[i])
            continue;
        bool read_side_changed = force || ((mode ^ h->mode[i]) & 1) ||
                                 (((mode | h->mode[i]) & 2) && !(mode & 1));
        h->mode[i] = (uint8_t)mode;
        if (h->ram[i]) {
            mem_region_set_readonly(m, h->ram[i], !(mode & 2));
            mem_region_set_enabled(m, h->ram[i], mode & 1);
        }
        if (h->wonly[i])
            mem_region_set_enabled(m, h->wonly[i], mode == 2);
        if (read_side_changed)
            drop_code(m, i440fx_seg_base(i), i440fx_seg_size(i));
    }
}

static void write_hook(PCIDevice *d, uint8_t addr, uint32_t val, int len)
{
    (void)val;
    I440FX *h = d->opaque;
    if (addr + len > I440FX_PAM0 && addr <= I440FX_PAM0 + 6)
        apply(h, false);
}

static void config_defaults(I440FX *h)
{
    PCIDevice *d = &h->dev;
    pci_device_init(d, 0x8086, 0x1237, 0x060000, 0x02, 0x00);
    d->config[PCI_COMMAND] = 0x06;     /* memory and bus master on, as at power-up */
    pci_set16(d, PCI_STATUS, 0x0280);   /* medium DEVSEL, fast back-to-back */
    d->config[I440FX_PAM0] = 0x00;
    for (int i = 0; i <= 6; i++)
        d->wmask[I440FX_PAM0 + i] = i == 0 ? 0x30 : 0x33;
    d->config[I440FX_SMRAM] = 0x02;     /* C_BASE_SEG = 010: SMRAM at 0xA0000 */
    d->wmask[I440FX_SMRAM] = 0x78;
    d->write_hook = write_hook;
    d->opaque = h;
}

void i440fx_init(I440FX *h, PCIBus *bus, Memory *mem)
{
    memset(h, 0, sizeof(*h));
    h->mem = mem;
    config_defaults(h);
    pci_bus_attach(bus, &h->dev, PCI_DEVFN(0, 0));
    if (mem) {
        uint32_t low = rom_low_base(mem);
        if (low > 0xc0000u) {
            h->hole = mem_region_new_mmio(mem, "pci-hole-c0000", low - 0xc0000u, hole_read,
                                          hole_write, h);
            if (h->hole)
                mem_region_add(mem, h->hole, 0xc0000u, I440FX_PAM_PRIO - 1);
        }
        for (int i = 0; i < I440FX_PAM_SEGS; i++) {
            char name[32];
            uint32_t base = i440fx_seg_base(i), size = i440fx_seg_size(i);
            snprintf(name, sizeof name, "pam-ram-%05x", base);
            if (base + size <= mem->ram_size) {
                h->ram[i] = mem_region_new_alias(mem, name, mem->ram_region, base, size);
                if (h->ram[i]) {
                    mem_region_add(mem, h->ram[i], base, I440FX_PAM_PRIO);
                    mem_region_set_enabled(mem, h->ram[i], false);
                }
            }
            snprintf(name, sizeof name, "pam-wo-%05x", base);
            h->wonly[i] = mem_region_new_mmio(mem, name, size, wonly_read, wonly_write, h);
            if (h->wonly[i]) {
                mem_region_add(mem, h->wonly[i], base, I440FX_PAM_PRIO);
                mem_region_set_enabled(mem, h->wonly[i], false);
            }
        }
    }
    apply(h, true);
}

void i440fx_reset(I440FX *h)
{
    config_defaults(h);
    apply(h, true);
}

static void reset_vm(void *opaque) { i440fx_reset(opaque); }
static void post_load(void *opaque) { apply(opaque, true); }

static const VMField i440fx_fields[] = {VMF(I440FX, dev.config), VMF_END};
const VMStateDesc i440fx_vmstate = {1, i440fx_fields, reset_vm, NULL, post_load};
