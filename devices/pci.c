/* pci.c - PCI bus 0, configuration mechanism #1 and the function model
 * (see pci.h). */
#include "pci.h"

#include <string.h>

static PCIDevice *target(PCIBus *b, uint32_t addr)
{
    if (!(addr & 0x80000000u) || ((addr >> 16) & 0xff) != 0)
        return NULL;
    return b->dev[(addr >> 8) & 0xff];
}

uint32_t pci_config_read(PCIBus *b, uint8_t devfn, uint8_t addr, int len)
{
    PCIDevice *d = b->dev[devfn];
    uint32_t v = 0;
    if (!d)
        return len == 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
    for (int i = 0; i < len && addr + i < 256; i++)
        v |= (uint32_t)d->config[addr + i] << (8 * i);
    return v;
}

void pci_config_write(PCIBus *b, uint8_t devfn, uint8_t addr, uint32_t val, int len)
{
    PCIDevice *d = b->dev[devfn];
    if (!d)
        return;
    for (int i = 0; i < len && addr + i < 256; i++) {
        uint8_t m = d->wmask[addr + i], nv = (uint8_t)(val >> (8 * i));
        d->config[addr + i] = (uint8_t)((d->config[addr + i] & ~m) | (nv & m));
    }
    if (d->write_hook)
        d->write_hook(d, addr, val, len);
}

static uint32_t io_rd(void *opaque, uint16_t port, int size)
{
    PCIBus *b = opaque;
    if (port == PCI_CONFIG_ADDR && size == 4)
        return b->config_addr;
    if (port >= PCI_CONFIG_DATA) {
        PCIDevice *d = target(b, b->config_addr);
        unsigned off = port - PCI_CONFIG_DATA;
        if (!d)
            return 0xffffffffu;
        return pci_config_read(b, d->devfn, (uint8_t)((b->config_addr & 0xfc) + off), size);
    }
    return 0xffffffffu;   /* byte/word reads of 0xCF8-0xCFB: not mechanism #1 */
}

static void io_wr(void *opaque, uint16_t port, uint32_t val, int size)
{
    PCIBus *b = opaque;
    if (port == PCI_CONFIG_ADDR && size == 4) {
        b->config_addr = val & 0x80fffffcu;
        return;
    }
    if (port >= PCI_CONFIG_DATA) {
        PCIDevice *d = target(b, b->config_addr);
        unsigned off = port - PCI_CONFIG_DATA;
        if (d)
            pci_config_write(b, d->devfn, (uint8_t)((b->config_addr & 0xfc) + off), val, size);
    }
}

void pci_bus_init(PCIBus *b, IOBus *io)
{
    memset(b, 0, sizeof(*b));
    /* 0xCF8-0xCFB takes dword accesses only; 0xCF9 (reset control) stays
     * the board's: byte accesses there are not claimed here. */
    if (io) {
        io_register(io, PCI_CONFIG_ADDR, 1, io_rd, io_wr, b, IO_SIZE_4);
        io_register(io, PCI_CONFIG_DATA, 4, io_rd, io_wr, b, IO_SIZE_1 | IO_SIZE_2 | IO_SIZE_4);
    }
}

void pci_device_init(PCIDevice *d, uint16_t vendor, uint16_t device, uint32_t class_code,
                     uint8_t revision, uint8_t header_type)
{
    memset(d->config, 0, sizeof d->config);
    memset(d->wmask, 0, sizeof d->wmask);
    pci_set16(d, PCI_VENDOR_ID, vendor);
    pci_set16(d, PCI_DEVICE_ID, device);
    d->config[PCI_REVISION_ID] = revision;
    d->config[PCI_CLASS_PROG] = (uint8_t)class_code;
    pci_set16(d, PCI_CLASS_DEVICE, (uint16_t)(class_code >> 8));
    d->config[PCI_HEADER_TYPE] = header_type;
    /* QEMU's subsystem IDs on every function (Red Hat 1af4:1100): SeaBIOS
     * recognises "Running on QEMU" by them on the host bridge. */
    pci_set16(d, PCI_SUBSYSTEM_VENDOR_ID, 0x1af4);
    pci_set16(d, PCI_SUBSYSTEM_VENDOR_ID + 2, 0x1100);
    d->wmask[PCI_COMMAND] = 0x07;             /* I/O, memory, bus master */
    d->wmask[PCI_COMMAND + 1] = 0x04;         /* interrupt disable */
    d->wmask[PCI_INTERRUPT_LINE] = 0xff;
    d->irq_level = false;
}

void pci_device_set_bar(PCIDevice *d, int n, uint32_t size, bool io)
{
    uint8_t a = (uint8_t)(PCI_BAR0 + 4 * n);
    uint32_t mask = ~(size - 1) & (io ? ~3u : ~15u);
    pci_set32(d, a, io ? 1u : 0u);
    for (int i = 0; i < 4; i++)
        d->wmask[a + i] = (uint8_t)(mask >> (8 * i));
}

bool pci_bus_attach(PCIBus *b, PCIDevice *d, uint8_t devfn)
{
    if (b->dev[devfn])
        return false;
    d->devfn = devfn;
    d->bus = b;
    b->dev[devfn] = d;
    return true;
}

/* i440FX/PIIX3 swizzle: INTA# of slot s is PIRQ s mod 4, INTB# the next. */
static int pirq_of(const PCIDevice *d)
{
    int pin = d->config[PCI_INTERRUPT_PIN];
    return pin ? ((d->devfn >> 3) + pin - 1) & 3 : -1;
}

void pci_set_irq(PCIDevice *d, int level)
{
    bool l = level != 0;
    int p = pirq_of(d);
    if (l == d->irq_level)
        return;
    d->irq_level = l;
    if (p < 0 || !d->bus)
        return;
    PCIBus *b = d->bus;
    int old = b->pirq_count[p] > 0;
    b->pirq_count[p] += l ? 1 : -1;
    if ((b->pirq_count[p] > 0) != old && b->route_irq)
        b->route_irq(b->route_opaque, p, b->pirq_count[p] > 0);
}

void pci_bus_refresh_irqs(PCIBus *b)
{
    memset(b->pirq_count, 0, sizeof b->pirq_count);
    for (int i = 0; i < 256; i++) {
        PCIDevice *d = b->dev[i];
        int p = d ? pirq_of(d) : -1;
        if (p >= 0 && d->irq_level)
            b->pirq_count[p]++;
    }
    for (int p = 0; p < 4 && b->route_irq; p++)
        b->route_irq(b->route_opaque, p, b->pirq_count[p] > 0);
}
