/* i440fx.h - the Intel 82441FX PCI and memory controller (host bridge,
 * 8086:1237, bus 0 device 0) and its PAM shadow-RAM control.
 *
 * PAM0-PAM6 (config 0x59-0x5F; 82441FX datasheet 3.2.17): each nibble
 * controls one segment of 0xC0000-0xFFFFF, bit 0 (4 in the high nibble)
 * read enable, bit 1 (5) write enable:
 *   PAM0 bits 5:4 -> 0xF0000-0xFFFFF (64 KiB, the BIOS area; low nibble reserved)
 *   PAM1..PAM6    -> 0xC0000-0xEFFFF, 16 KiB per nibble, low nibble first.
 * Read enabled: reads come from DRAM, else from the PCI side (the BIOS ROM
 * where its low alias sits, all ones elsewhere). Write enabled: writes go
 * to DRAM, else to the PCI side (dropped). So 11 is shadow RAM, 01
 * write-protected shadow, 00 the ROM, 10 "copy ROM to RAM".
 *
 * In the memory map (devices/memory.h) each segment owns a RAM alias at
 * priority I440FX_PAM_PRIO, enabled when reads come from DRAM and made
 * read-only when writes do not; mode 10 uses an MMIO region (reads from
 * the ROM or all ones, writes to DRAM). A "pci-hole" MMIO region under the
 * aliases hides RAM at 0xC0000 up to the BIOS's low alias. When the read
 * side of a segment changes, translations of code there are dropped (the
 * bytes at those physical addresses changed).
 */
#ifndef XLAT86_I440FX_H
#define XLAT86_I440FX_H

#include <stdint.h>

#include "memory.h"
#include "pci.h"
#include "vmstate.h"

#define I440FX_PAM0 0x59
#define I440FX_PAM_SEGS 13         /* F0000 (64 KiB) + 12 x 16 KiB from C0000 */
#define I440FX_PAM_PRIO 5
#define I440FX_SMRAM 0x72

typedef struct I440FX {
    PCIDevice dev;
    Memory *mem;
    MemRegion *ram[I440FX_PAM_SEGS];
    MemRegion *wonly[I440FX_PAM_SEGS];
    MemRegion *hole;
    uint8_t mode[I440FX_PAM_SEGS];  /* as applied to the map (2 bits: WE RE) */
} I440FX;

/* Attach at 00.0 and build the PAM regions (mem may be NULL in tests). */
void i440fx_init(I440FX *h, PCIBus *bus, Memory *mem);
void i440fx_reset(I440FX *h);
/* Segment i's base and size (i = 0: 0xF0000, 64 KiB; 1..12: 0xC0000 + 16 KiB (i-1)). */
uint32_t i440fx_seg_base(int i);
uint32_t i440fx_seg_size(int i);
/* The 2-bit mode (bit 0 read enable, bit 1 write enable) of segment i
 * as programmed in config space. */
int i440fx_seg_mode(const I440FX *h, int i);

extern const VMStateDesc i440fx_vmstate;

#endif
