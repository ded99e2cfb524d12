/* vga_pci.c - the VGA as PCI 1234:1111 with its frame buffer in BAR0 and
 * its video BIOS (see vga_pci.h). */
#define _GNU_SOURCE   /* memmem */
#include "vga_pci.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i440fx.h"
#include "pc.h"

#define VGA_PCI_CLASS 0x030000u      /* display controller, VGA-compatible */
#define VGA_PCI_REVISION 0x02        /* QEMU's */
#define BAR_PREFETCH 0x08
#define ROM_ENABLE 0x01u
#define ROM_ADDR_MASK 0xfffff800u
#define ROM_MAX (128u << 10)

static uint32_t get32(const PCIDevice *d, uint8_t a)
{
    return (uint32_t)pci_get16(d, a) | (uint32_t)pci_get16(d, (uint8_t)(a + 2)) << 16;
}

/* The address a memory BAR decodes, or 0 (memory decoding off, no address,
 * or a range reaching 0xFFFFFFFF: QEMU's PCI_BAR_UNMAPPED rule). */
static uint32_t decoded(const PCIDevice *d, uint32_t addr, uint32_t size)
{
    if (!(d->config[PCI_COMMAND] & 0x02) || addr == 0)
        return 0;
    if ((uint64_t)addr + size - 1 >= 0xffffffffull)
        return 0;
    return addr;
}

/* BAR2: QEMU's register window (see vga_pci.h). */
static uint32_t mmio_read(void *opaque, uint32_t addr, int size)
{
    VGAPCI *p = opaque;
    uint32_t v = 0;
    addr -= (uint32_t)p->mmio->base;
    if (addr >= 0x400 && addr < 0x420) {
        for (int i = 0; i < size && addr + (uint32_t)i < 0x420; i++)
            v |= (uint32_t)vga_port_read(p->vga, (uint16_t)(0x3c0 + addr - 0x400 + (uint32_t)i))
                 << (8 * i);
    } else if (addr >= 0x500 && addr < 0x516) {
        uint16_t saved = p->vga->vbe_index;
        p->vga->vbe_index = (uint16_t)((addr - 0x500) / 2);
        v = vga_vbe_read(p->vga);
        p->vga->vbe_index = saved;
        if (addr & 1)
            v >>= 8;
    } else if (addr == 0x600) {
        v = 8;
    } else if (addr == 0x604) {
        v = 0x1e1e1e1eu;
    }
    return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void mmio_write(void *opaque, uint32_t addr, uint32_t val, int size)
{
    VGAPCI *p = opaque;
    addr -= (uint32_t)p->mmio->base;      /* the callbacks get bus addresses */
    if (addr >= 0x400 && addr < 0x420) {
        for (int i = 0; i < size && addr + (uint32_t)i < 0x420; i++)
            vga_port_write(p->vga, (uint16_t)(0x3c0 + addr - 0x400 + (uint32_t)i),
                           (uint8_t)(val >> (8 * i)));
    } else if (addr >= 0x500 && addr < 0x516 && !(addr & 1) && size >= 2) {
        uint16_t saved = p->vga->vbe_index;
        p->vga->vbe_index = (uint16_t)((addr - 0x500) / 2);
        vga_vbe_write(p->vga, (uint16_t)val);
        p->vga->vbe_index = saved;
    }
}

static void place(VGAPCI *p, MemRegion *r, uint32_t *at, uint32_t want)
{
    if (want == *at)
        return;
    if (r->mapped)
        mem_region_remove(p->mem, r);
    if (want)
        mem_region_add(p->mem, r, want, MEM_PRIO_MMIO);
    *at = want;
}

static void vga_pci_apply(VGAPCI *p)
{
    PCIDevice *d = &p->dev;
    uint32_t lfb = decoded(d, get32(d, PCI_BAR0) & ~15u, VGA_VRAM_SIZE);
    if (lfb != p->lfb_at) {
        vga_map_lfb(p->vga, lfb);
        p->lfb_at = lfb;
    }
    place(p, p->mmio, &p->mmio_at,
          decoded(d, get32(d, PCI_BAR0 + 8) & ~15u, VGA_PCI_MMIO_SIZE));
    if (!p->rom)
        return;
    uint32_t rbar = get32(d, VGA_PCI_ROM_BAR);
    uint32_t rom = (rbar & ROM_ENABLE) ? decoded(d, rbar & ROM_ADDR_MASK, p->rom_size) : 0;
    place(p, p->rom, &p->rom_at, rom);
}

static void vga_pci_write_hook(PCIDevice *d, uint8_t addr, uint32_t val, int len)
{
    (void)val;
    unsigned end = (unsigned)addr + (unsigned)len;
    bool cmd = addr <= PCI_COMMAND && end > PCI_COMMAND;
    bool bar0 = addr < PCI_BAR0 + 4 && end > PCI_BAR0;
    bool bar2 = addr < PCI_BAR0 + 12 && end > PCI_BAR0 + 8;
    bool rom = addr < VGA_PCI_ROM_BAR + 4 && end > VGA_PCI_ROM_BAR;
    if (cmd || bar0 || bar2 || rom)
        vga_pci_apply(d->opaque);
}

static void vga_pci_defaults(VGAPCI *p)
{
    PCIDevice *d = &p->dev;
    pci_device_init(d, VGA_PCI_VENDOR, VGA_PCI_DEVICE, VGA_PCI_CLASS, VGA_PCI_REVISION, 0);
    pci_device_set_bar(d, 0, VGA_VRAM_SIZE, false);
    d->config[PCI_BAR0] |= BAR_PREFETCH;
    pci_device_set_bar(d, 2, VGA_PCI_MMIO_SIZE, false);
    if (p->rom) {
        uint32_t mask = ~(p->rom_size - 1) & ROM_ADDR_MASK;
        mask |= ROM_ENABLE;
        for (int i = 0; i < 4; i++)
            d->wmask[VGA_PCI_ROM_BAR + i] = (uint8_t)(mask >> (8 * i));
    }
    d->write_hook = vga_pci_write_hook;
    d->opaque = p;
}

bool vga_pci_init(VGAPCI *p, PCIBus *bus, Memory *mem, VGA *vga, const uint8_t *rom,
                  size_t rom_len)
{
    memset(p, 0, sizeof(*p));
    p->vga = vga;
    p->mem = mem;
    if (rom && rom_len) {
        uint32_t size = 2048;
        while (size < rom_len)
            size <<= 1;
        p->rom_size = size;
        p->rom = mem_region_new_rom(mem, "vga.rom", size, rom, rom_len);
        if (!p->rom)
            return false;
    }
    p->mmio = mem_region_new_mmio(mem, "vga.mmio", VGA_PCI_MMIO_SIZE, mmio_read, mmio_write, p);
    if (!p->mmio)
        return false;
    vga_pci_defaults(p);
    vga_map_lfb(vga, 0);
    return pci_bus_attach(bus, &p->dev, PCI_DEVFN(VGA_PCI_SLOT, 0));
}

bool vga_pci_map_bios_c0000(VGAPCI *p, const uint8_t *img, size_t len)
{
    p->bios_c0000 = mem_region_new_rom(p->mem, "vga.bios", len, img, len);
    if (!p->bios_c0000)
        return false;
    /* The i440FX's PCI hole over 0xC0000 has I440FX_PAM_PRIO - 1 and was
     * added before: this ROM wins the tie; PAM's DRAM aliases sit above. */
    mem_region_add(p->mem, p->bios_c0000, 0xc0000u, I440FX_PAM_PRIO - 1);
    return true;
}

void vga_pci_reset(VGAPCI *p)
{
    vga_pci_defaults(p);
    vga_pci_apply(p);
}

static void vga_pci_reset_vm(void *opaque)
{
    vga_pci_reset(opaque);
}

static void vga_pci_post_load(void *opaque)
{
    vga_pci_apply(opaque);
}

static const VMField vga_pci_fields[] = {VMF(VGAPCI, dev.config), VMF_END};
const VMStateDesc vga_pci_vmstate = {1, vga_pci_fields, vga_pci_reset_vm, NULL,
                                     vga_pci_post_load};

VGABiosPlace vga_bios_place_for(const uint8_t *fw, size_t len)
{
    if (!fw)
        return VGA_BIOS_NONE;
    if (memmem(fw, len, "SeaBIOS", 7))
        return VGA_BIOS_ROM_BAR;
    if (memmem(fw, len, "rombios32", 9) || memmem(fw, len, "The Bochs Project", 17))
        return VGA_BIOS_C0000;
    return VGA_BIOS_NONE;
}

uint8_t *vga_rom_read(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    uint8_t *buf = malloc(ROM_MAX + 1);
    size_t n = buf ? fread(buf, 1, ROM_MAX + 1, f) : 0;
    fclose(f);
    if (!buf || n == 0 || n > ROM_MAX) {
        snprintf(err, errlen, "%s: %s", path,
                 !buf ? "out of memory" : n ? "larger than 128 KiB" : "empty");
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

bool pc_vga_pci_init(PC *pc, char *err, size_t errlen)
{
    if (!pc->vga)
        return true;
    pc->vga_pci = calloc(1, sizeof *pc->vga_pci);
    if (!pc->vga_pci) {
        snprintf(err, errlen, "out of memory for the PCI VGA");
        return false;
    }
    MemRegion *fw = pc->mem.rom_region;
    VGABiosPlace place = fw ? vga_bios_place_for(fw->host, pc->mem.rom_size) : VGA_BIOS_NONE;
    uint8_t *img = NULL;
    size_t len = 0;
    char why[256];
    bool ok;
    if (place == VGA_BIOS_C0000) {
        /* Bochs' BIOS: the LGPL vgabios at 0xC0000, no ROM BAR. */
        ok = vga_pci_init(pc->vga_pci, &pc->pci, &pc->mem, pc->vga, NULL, 0);
        img = vga_rom_read(VGA_LGPL_ROM, &len, why, sizeof why);
        if (!img)
            img = vga_rom_read(VGA_LGPL_ROM_ALT, &len, why, sizeof why);
        if (!img)
            fprintf(stderr, "xlat86: warning: no video BIOS at 0xC0000 (%s)\n", why);
        else if (ok)
            ok = vga_pci_map_bios_c0000(pc->vga_pci, img, len);
    } else {
        /* The ROM BAR, as QEMU's: SeaVGABIOS. */
        img = vga_rom_read(VGA_SEABIOS_ROM, &len, why, sizeof why);
        if (!img && place == VGA_BIOS_ROM_BAR)
            fprintf(stderr, "xlat86: warning: no video BIOS (%s); the VGA runs without it\n", why);
        ok = vga_pci_init(pc->vga_pci, &pc->pci, &pc->mem, pc->vga, img, img ? len : 0);
    }
    free(img);
    if (!ok) {
        snprintf(err, errlen, "cannot set up the PCI VGA");
        return false;
    }
    vm_register(&pc->vm, "vga-pci", &vga_pci_vmstate, pc->vga_pci);
    return true;
}
