/* pci.h - PCI bus 0 with configuration mechanism #1 (ports 0xCF8/0xCFC).
 *
 * 0xCF8 (32-bit only) latches CONFIG_ADDRESS: bit 31 enable, bits 23-16
 * bus, 15-11 device, 10-8 function, 7-2 register. 0xCFC-0xCFF is
 * CONFIG_DATA: a 1-, 2- or 4-byte access at 0xCFC + n reaches register
 * (addr & 0xFC) + n of the addressed function (PCI Local Bus 2.1, 3.7.4.1).
 * Only bus 0 exists; a function that is not present reads all ones.
 *
 * A function (PCIDevice) is 256 bytes of configuration space with a mask
 * of guest-writable bits per byte; BARs are writable only in their
 * address bits, so writing all ones and reading back gives the size
 * (PCI 2.1, 6.2.5.1). A device may add a hook called after each write.
 *
 * Interrupts: a function drives its INTx pin with pci_set_irq. On the
 * i440FX board, pin p of the device in slot s reaches PIRQ (s + p - 1) & 3,
 * and the PIIX3 routes PIRQA-D to ISA IRQs (devices/piix.c). The bus keeps
 * per-PIRQ levels (a wired OR of every function on it) and tells the
 * router through route_irq.
 */
#ifndef XLAT86_PCI_H
#define XLAT86_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "iobus.h"

#define PCI_CONFIG_ADDR 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_DEVFN(slot, fn) ((uint8_t)(((slot) << 3) | (fn)))

/* Configuration header offsets (type 0). */
enum {
    PCI_VENDOR_ID = 0x00, PCI_DEVICE_ID = 0x02, PCI_COMMAND = 0x04, PCI_STATUS = 0x06,
    PCI_REVISION_ID = 0x08, PCI_CLASS_PROG = 0x09, PCI_CLASS_DEVICE = 0x0a,
    PCI_HEADER_TYPE = 0x0e, PCI_BAR0 = 0x10, PCI_SUBSYSTEM_VENDOR_ID = 0x2c,
    PCI_INTERRUPT_LINE = 0x3c, PCI_INTERRUPT_PIN = 0x3d,
};

struct PCIBus;

typedef struct PCIDevice {
    uint8_t config[256];
    uint8_t wmask[256];           /* guest-writable bits */
    uint8_t devfn;
    bool irq_level;               /* INTx as driven */
    struct PCIBus *bus;
    /* After a guest write of len bytes at addr (already merged). */
    void (*write_hook)(struct PCIDevice *d, uint8_t addr, uint32_t val, int len);
    void *opaque;
} PCIDevice;

typedef struct PCIBus {
    uint32_t config_addr;         /* 0xCF8 latch */
    PCIDevice *dev[256];          /* by devfn */
    int pirq_count[4];            /* functions driving PIRQA-D high */
    void (*route_irq)(void *opaque, int pirq, int level);
    void *route_opaque;
} PCIBus;

void pci_bus_init(PCIBus *b, IOBus *io);
/* The device's identity: vendor, device, class (base<<16 | sub<<8 | prog-if),
 * revision, header type. Clears config and write masks, sets the command
 * register's I/O, memory and bus-master bits writable. */
void pci_device_init(PCIDevice *d, uint16_t vendor, uint16_t device, uint32_t class_code,
                     uint8_t revision, uint8_t header_type);
/* BAR n: size a power of two (I/O >= 4, memory >= 16), writable in its
 * address bits only. */
void pci_device_set_bar(PCIDevice *d, int n, uint32_t size, bool io);
bool pci_bus_attach(PCIBus *b, PCIDevice *d, uint8_t devfn);
/* Guest-visible configuration accesses (len 1, 2, 4 within the dword). */
uint32_t pci_config_read(PCIBus *b, uint8_t devfn, uint8_t addr, int len);
void pci_config_write(PCIBus *b, uint8_t devfn, uint8_t addr, uint32_t val, int len);
/* INTx of a function (uses its Interrupt Pin register). */
void pci_set_irq(PCIDevice *d, int level);
/* Recompute the PIRQ counts from the functions' levels (after a load). */
void pci_bus_refresh_irqs(PCIBus *b);

static inline uint16_t pci_get16(const PCIDevice *d, uint8_t a)
{
    return (uint16_t)(d->config[a] | d->config[a + 1] << 8);
}
static inline void pci_set16(PCIDevice *d, uint8_t a, uint16_t v)
{
    d->config[a] = (uint8_t)v;
    d->config[a + 1] = (uint8_t)(v >> 8);
}
static inline void pci_set32(PCIDevice *d, uint8_t a, uint32_t v)
{
    pci_set16(d, a, (uint16_t)v);
    pci_set16(d, (uint8_t)(a + 2), (uint16_t)(v >> 16));
}

#endif
