/* piix.c - PIIX3 ISA bridge and IDE function, PIIX4 PM function (see piix.h). */
#include "piix.h"

#include <string.h>

/* ---- ISA bridge: PIRQ routing ---- */

static void route_all(PIIX3 *p)
{
    uint16_t want = 0;
    for (int n = 0; n < 4; n++) {
        uint8_t r = p->isa.config[PIIX_PIRQRC + n];
        if (p->bus && p->bus->pirq_count[n] > 0 && !(r & 0x80) && (r & 0x0f) < 16)
            want |= (uint16_t)(1u << (r & 0x0f));
    }
    uint16_t changed = want ^ p->driven;
    p->driven = want;
    for (int i = 0; i < 16; i++) {
        if (changed & (1u << i))
            irq_set(p->pic_in[i], (want >> i) & 1);
    }
}

static void route_irq(void *opaque, int pirq, int level)
{
    (void)pirq;
    (void)level;
    route_all(opaque);
}

static void isa_write_hook(PCIDevice *d, uint8_t addr, uint32_t val, int len)
{
    (void)val;
    if (addr < PIIX_PIRQRC + 4 && addr + len > PIIX_PIRQRC)
        route_all(d->opaque);
}

/* ---- IDE function: where BAR4 decodes ---- */

static void bmide_place(PIIX3 *p)
{
    const PCIDevice *e = &p->ide;
    uint32_t bar = e->config[0x20] | (uint32_t)e->config[0x21] << 8;
    uint16_t base = (e->config[PCI_COMMAND] & 1) ? (uint16_t)(bar & 0xfff0) : 0;
    if (p->bmide_map)
        p->bmide_map(p->bmide_opaque, base);
}

static void ide_write_hook(PCIDevice *d, uint8_t addr, uint32_t val, int len)
{
    (void)val;
    if ((addr < 0x24 && addr + len > 0x20) || (addr <= PCI_COMMAND && addr + len > PCI_COMMAND))
        bmide_place(d->opaque);
}

static void piix3_defaults(PIIX3 *p)
{
    PCIDevice *d = &p->isa;
    pci_device_init(d, 0x8086, 0x7000, 0x060100, 0x00, 0x80);   /* multi-function */
    d->config[PCI_COMMAND] = 0x07;
    pci_set16(d, PCI_STATUS, 0x0200);
    for (int n = 0; n < 4; n++) {
        d->config[PIIX_PIRQRC + n] = 0x80;   /* routing disabled at reset */
        d->wmask[PIIX_PIRQRC + n] = 0x8f;
    }
    d->config[0x4c] = 0x4d;    /* ISA I/O recovery timer */
    d->wmask[0x4c] = 0xff;
    d->config[0x69] = 0x02;    /* top of memory */
    d->wmask[0x69] = 0xfe;
    d->write_hook = isa_write_hook;
    d->opaque = p;

    PCIDevice *e = &p->ide;
    pci_device_init(e, 0x8086, 0x7010, 0x010180, 0x00, 0x00);
    pci_set16(e, PCI_STATUS, 0x0280);
    pci_device_set_bar(e, 4, 16, true);
    for (int i = 0x40; i < 0x44; i++)
        e->wmask[i] = 0xff;    /* IDETIM primary / secondary */
    e->wmask[0x44] = 0xff;     /* SIDETIM */
    e->write_hook = ide_write_hook;
    e->opaque = p;
}

void piix3_init(PIIX3 *p, PCIBus *bus, IRQ *pic_inputs[16])
{
    memset(p, 0, sizeof(*p));
    p->bus = bus;
    for (int i = 0; i < 16; i++)
        p->pic_in[i] = pic_inputs ? pic_inputs[i] : NULL;
    piix3_defaults(p);
    pci_bus_attach(bus, &p->isa, PCI_DEVFN(1, 0));
    pci_bus_attach(bus, &p->ide, PCI_DEVFN(1, 1));
    bus->route_irq = route_irq;
    bus->route_opaque = p;
}

void piix3_reset(PIIX3 *p)
{
    piix3_defaults(p);
    route_all(p);
    bmide_place(p);
}

static void piix3_reset_vm(void *opaque) { piix3_reset(opaque); }

static void piix3_post_load(void *opaque)
{
    PIIX3 *p = opaque;
    p->driven = 0;
    pci_bus_refresh_irqs(p->bus);
    route_all(p);
    bmide_place(p);
}

static const VMField piix3_fields[] = {VMF(PIIX3, isa.config), VMF(PIIX3, ide.config), VMF_END};
const VMStateDesc piix3_vmstate = {1, piix3_fields, piix3_reset_vm, NULL, piix3_post_load};

/* ---- PIIX4 power management ---- */

static void pm_place(PIIX4PM *pm)
{
    const uint8_t *c = pm->dev.config;
    uint16_t base = (uint16_t)((c[PIIX_PMBA] | c[PIIX_PMBA + 1] << 8) & 0xffc0);
    if (c[PIIX_PMREGMISC] & 1)
        acpi_set_base(pm->acpi, base, true);
}

static void pm_write_hook(PCIDevice *d, uint8_t addr, uint32_t val, int len)
{
    (void)val;
    if ((addr < PIIX_PMBA + 4 && addr + len > PIIX_PMBA) || addr == PIIX_PMREGMISC)
        pm_place(d->opaque);
}

static void pm_defaults(PIIX4PM *pm)
{
    PCIDevice *d = &pm->dev;
    pci_device_init(d, 0x8086, 0x7113, 0x068000, 0x03, 0x00);
    pci_set16(d, PCI_STATUS, 0x0280);
    d->config[PCI_INTERRUPT_PIN] = 0x01;
    pci_set32(d, PIIX_PMBA, 1);          /* I/O space indicator */
    d->wmask[PIIX_PMBA] = 0xc0;
    d->wmask[PIIX_PMBA + 1] = 0xff;
    d->wmask[PIIX_PMREGMISC] = 0x01;
    pci_set32(d, 0x90, 1);               /* SMBBA */
    d->wmask[0x90] = 0xf0;
    d->wmask[0x91] = 0xff;
    d->wmask[0xd2] = 0x0f;               /* SMBHSTCFG */
    for (int i = 0x58; i < 0x5c; i++)
        d->wmask[i] = 0xff;              /* DEVACTB: bit 25 APMC_EN */
    d->write_hook = pm_write_hook;
    d->opaque = pm;
    pm->apm_cnt = pm->apm_sts = 0;
}

static uint32_t apm_read(void *opaque, uint16_t port, int size)
{
    (void)size;
    PIIX4PM *pm = opaque;
    return port == 0xb2 ? pm->apm_cnt : pm->apm_sts;
}

static void apm_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    (void)size;
    PIIX4PM *pm = opaque;
    if (port == 0xb2) {
        pm->apm_cnt = (uint8_t)val;
        acpi_smi_command(pm->acpi, (uint8_t)val);
        /* With APMC_EN the write raises an SMI. There is no SMM here; the
         * one effect firmware waits for is its SMI handler clearing the
         * status port (Bochs's rombios32 smm_init spins until 0xB3 reads
         * 0), so that is done in its place. */
        if (pm->dev.config[0x5b] & 0x02)
            pm->apm_sts = 0;
    } else {
        pm->apm_sts = (uint8_t)val;
    }
}

void piix4_pm_init(PIIX4PM *pm, PCIBus *bus, IOBus *io, ACPI *acpi)
{
    memset(pm, 0, sizeof(*pm));
    pm->acpi = acpi;
    pm_defaults(pm);
    pci_bus_attach(bus, &pm->dev, PCI_DEVFN(1, 3));
    if (io)
        io_register(io, 0xb2, 2, apm_read, apm_write, pm, IO_SIZE_1);
}

/* The ACPI block goes back to its reset place through acpi's own reset. */
void piix4_pm_reset(PIIX4PM *pm)
{
    pm_defaults(pm);
}

static void pm_reset_vm(void *opaque) { piix4_pm_reset(opaque); }

static const VMField pm_fields[] = {
    VMF(PIIX4PM, dev.config), VMF(PIIX4PM, apm_cnt), VMF(PIIX4PM, apm_sts), VMF_END,
};
const VMStateDesc piix4_pm_vmstate = {1, pm_fields, pm_reset_vm, NULL, NULL};
