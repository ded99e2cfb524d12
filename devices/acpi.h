/* acpi.h - the minimum of ACPI for a guest OS to power the machine off:
 * the PM1a event and control register blocks, the ACPI PM timer, and the
 * tables that describe them (RSDP, RSDT, FADT, FACS, a DSDT holding \_S5).
 *
 * Fixed hardware (ACPI spec 1.0b, chapter 4.7), in I/O space:
 *   0x600 PM1a_EVT_BLK (4 bytes): PM1_STS (write 1 to clear), PM1_EN
 *   0x604 PM1a_CNT_BLK (2 bytes): SCI_EN (bit 0, always 1: there is no SMI
 *         command port, so the machine is in ACPI mode from reset),
 *         SLP_TYP (bits 12-10), SLP_EN (bit 13, write-only)
 *   0x608 PM_TMR_BLK (4 bytes): 24-bit counter at 3.579545 MHz of virtual time
 * Writing SLP_EN with SLP_TYP = ACPI_S5_SLP_TYP (the value the DSDT's \_S5
 * package gives) is the soft-off request: the power_off callback runs.
 *
 * The tables are built into a buffer by acpi_build_tables (no BIOS writes
 * them when the kernel is loaded directly; the loader copies them into the
 * guest's EBDA, where an OS looks for the RSDP).
 */
#ifndef XLAT86_ACPI_H
#define XLAT86_ACPI_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "iobus.h"
#include "irq.h"
#include <stdbool.h>
#include "vmstate.h"

#define ACPI_PM_BASE 0x600
#define ACPI_PM1_EVT_BLK (ACPI_PM_BASE + 0)
#define ACPI_PM1_CNT_BLK (ACPI_PM_BASE + 4)
#define ACPI_PM_TMR_BLK (ACPI_PM_BASE + 8)
#define ACPI_PM_PORTS 12
#define ACPI_SCI_IRQ 9
#define ACPI_S5_SLP_TYP 5
#define ACPI_PM_TIMER_HZ 3579545

/* PM1 control register bits */
#define ACPI_PM1_SCI_EN 0x0001u
#define ACPI_PM1_SLP_TYP_SHIFT 10
#define ACPI_PM1_SLP_TYP_MASK (7u << 10)
#define ACPI_PM1_SLP_EN 0x2000u
/* PM1 status bits */
#define ACPI_PM1_TMR_STS 0x0001u
#define ACPI_PM1_PWRBTN_STS 0x0100u
#define ACPI_PM1_WAK_STS 0x8000u

typedef struct ACPI {
    uint16_t pm1_sts, pm1_en, pm1_cnt;
    uint16_t base;                /* where the block sits (ACPI_PM_BASE, or the PIIX4's PMBA) */
    bool smi_cmd;                 /* SCI_EN follows the SMI command port (PIIX4 mode) */
    IOBus *io;
    IRQ *sci;                     /* SCI: PM1_STS & PM1_EN, level (IRQ 9) */
    Clock *clock;
    void (*power_off)(void *opaque);
    void *opaque;
} ACPI;

void acpi_init(ACPI *a, IOBus *io, Clock *clock, void (*power_off)(void *opaque), void *opaque);
void acpi_reset(ACPI *a);
/* The PIIX4 PM function places the block at base (PMBA) once its I/O space
 * is enabled; from then SCI_EN is set and cleared through the SMI command
 * port (acpi_smi_command) instead of reading 1 always. */
void acpi_set_base(ACPI *a, uint16_t base, bool smi_cmd);
/* A byte written to the APM control port 0xB2: ACPI_ENABLE sets SCI_EN,
 * ACPI_DISABLE clears it (the values SeaBIOS's FADT names). */
#define ACPI_ENABLE_CMD 0xf1
#define ACPI_DISABLE_CMD 0xf0
void acpi_smi_command(ACPI *a, uint8_t cmd);
/* The PM timer's current 24-bit value. */
uint32_t acpi_pm_timer(const ACPI *a);

/* The table set, for the guest physical address `base` (16-byte aligned,
 * so the RSDP sits on a 16-byte boundary where OSes scan for it).
 * Writes at most cap bytes into buf; returns the bytes used (0 when cap is
 * too small). The RSDP is at base + 0. */
#define ACPI_TABLES_SIZE 384
size_t acpi_build_tables(uint8_t *buf, size_t cap, uint32_t base);

/* Registry entry (registered as "acpi"). */
extern const VMStateDesc acpi_vmstate;

#endif
