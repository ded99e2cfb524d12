/* piix.h - the PIIX3 south bridge functions on bus 0 device 1, and a
 * PIIX4-style power-management function:
 *   01.0 PIIX3 PCI-to-ISA bridge (8086:7000): PIRQRC[A-D] at config
 *        0x60-0x63 (bit 7 disables, bits 3-0 the ISA IRQ; 82371SB
 *        datasheet 2.2.11) route the PCI interrupt lines to PIC inputs.
 *   01.1 PIIX3 IDE (8086:7010), class 0101 prog-if 0x80 (legacy ports,
 *        bus-master capable), BAR4 = 16 bytes of bus-master registers,
 *        IDETIM at 0x40/0x42. The ATA ports themselves are devices/ide.c.
 *   01.3 PIIX4 power management (8086:7113): PMBA at config 0x40 (bits
 *        15-6, bit 0 reads 1) and PMREGMISC 0x80 bit 0 (PMIOSE) place the
 *        ACPI block of devices/acpi.c; SMBBA 0x90, SMBHSTCFG 0xD2 are
 *        plain registers. The APM ports 0xB2 (control: ACPI enable/disable
 *        commands, no SMI) and 0xB3 (status, a scratch byte) belong here.
 */
#ifndef XLAT86_PIIX_H
#define XLAT86_PIIX_H

#include "acpi.h"
#include "irq.h"
#include "pci.h"
#include "vmstate.h"

#define PIIX_PIRQRC 0x60
#define PIIX_PMBA 0x40
#define PIIX_PMREGMISC 0x80

typedef struct PIIX3 {
    PCIDevice isa;
    PCIDevice ide;
    IRQ *pic_in[16];             /* ISA IRQ inputs of the PIC */
    uint16_t driven;             /* ISA IRQs currently driven high by a PIRQ */
    PCIBus *bus;
    /* The IDE function's BAR4 (bus-master registers) as it decodes: the
     * base when the command register's I/O bit is set, else 0. */
    void (*bmide_map)(void *opaque, uint16_t base);
    void *bmide_opaque;
} PIIX3;

typedef struct PIIX4PM {
    PCIDevice dev;
    ACPI *acpi;
    uint8_t apm_cnt, apm_sts;    /* ports 0xB2, 0xB3 */
} PIIX4PM;

void piix3_init(PIIX3 *p, PCIBus *bus, IRQ *pic_inputs[16]);
void piix3_reset(PIIX3 *p);
void piix4_pm_init(PIIX4PM *pm, PCIBus *bus, IOBus *io, ACPI *acpi);
void piix4_pm_reset(PIIX4PM *pm);

extern const VMStateDesc piix3_vmstate;
extern const VMStateDesc piix4_pm_vmstate;

#endif
