/* vga_pci.h - the standard VGA as a PCI function, and its video BIOS.
 *
 * The device is QEMU's "VGA" (-vga std on -M pc): PCI 1234:1111, class
 * 0300 (VGA-compatible display controller), revision 2, in slot 2
 * (00:02.0), no interrupt pin. BAR0 is the 16 MiB linear frame buffer
 * (prefetchable memory): while the command register's memory bit is set
 * and BAR0 holds an address, vga_map_lfb places video memory there. BAR2
 * is QEMU's 4 KiB register window ("qemu-extended-regs"): 0x400-0x41F the
 * VGA ports 0x3C0-0x3DF (byte accesses), 0x500-0x515 the Bochs VBE
 * registers (index = (offset - 0x500) / 2, 16-bit), 0x600 the size of
 * that area (8), 0x604 the frame buffer byte order (0x1e1e1e1e: little
 * endian); the rest reads as zero. The
 * legacy ports (0x3B0-0x3DF, 0x1CE/0x1CF) and the window at 0xA0000 stay
 * decoded whatever the command register says, as QEMU's VGA does.
 *
 * The video BIOS (pc_vga_pci_init):
 *   - As on QEMU, SeaVGABIOS (/usr/share/seabios/vgabios-stdvga.bin) is
 *     the expansion ROM BAR (offset 0x30, size the image's rounded up to a
 *     power of two); SeaBIOS maps it, copies it to 0xC0000 and runs it.
 *     Other firmware (test ROMs, the -kernel demo ROM) sees the same BAR.
 *   - With Bochs' BIOS (rombios: "rombios32" or "The Bochs Project" in the
 *     image) the LGPL vgabios (/usr/share/vgabios/vgabios.bin) is mapped
 *     read-only at 0xC0000, where rombios scans for option ROMs (as Bochs
 *     loads it), and there is no ROM BAR: rombios32 would copy a VGA ROM
 *     BAR's image over 0xC0000 through PAM (reading its size while the BAR
 *     does not decode: 0 on QEMU, whose unassigned memory reads zero, which
 *     leaves QEMU + Bochs' BIOS without a video BIOS).
 * A missing ROM file is reported on stderr and the VGA runs without it.
 *
 * A BAR whose range would reach 0xFFFFFFFF (all ones written while the
 * firmware sizes it) is treated as unmapped, as in QEMU.
 */
#ifndef XLAT86_VGA_PCI_H
#define XLAT86_VGA_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memory.h"
#include "pci.h"
#include "vga.h"
#include "vmstate.h"

#define VGA_PCI_SLOT 2
#define VGA_PCI_ROM_BAR 0x30
#define VGA_PCI_MMIO_SIZE 0x1000
#define VGA_SEABIOS_ROM "/usr/share/seabios/vgabios-stdvga.bin"
#define VGA_LGPL_ROM "/usr/share/vgabios/vgabios.bin"
#define VGA_LGPL_ROM_ALT "/usr/share/bochs/VGABIOS-lgpl-latest"

/* What the firmware needs besides the ROM BAR. */
typedef enum { VGA_BIOS_NONE, VGA_BIOS_ROM_BAR, VGA_BIOS_C0000 } VGABiosPlace;

typedef struct VGAPCI {
    PCIDevice dev;              /* config space (saved) */
    VGA *vga;
    Memory *mem;
    MemRegion *rom;             /* expansion ROM (ROM BAR), or NULL */
    uint32_t rom_size;          /* ROM BAR size, a power of two >= 2 KiB */
    MemRegion *bios_c0000;      /* video BIOS at 0xC0000 (Bochs' BIOS), or NULL */
    MemRegion *mmio;            /* BAR2 register window */
    uint32_t lfb_at, rom_at, mmio_at; /* where BAR0, the ROM, BAR2 are mapped (0: not) */
} VGAPCI;

/* The function on bus (slot 2) driving vga. rom/rom_len: the expansion ROM
 * image (NULL: no ROM BAR). False if memory is short. */
bool vga_pci_init(VGAPCI *p, PCIBus *bus, Memory *mem, VGA *vga, const uint8_t *rom,
                  size_t rom_len);
/* Map a video BIOS image read-only at 0xC0000 (above the i440FX's PCI
 * hole, below its PAM RAM aliases). */
bool vga_pci_map_bios_c0000(VGAPCI *p, const uint8_t *img, size_t len);
void vga_pci_reset(VGAPCI *p);
/* Which video BIOS a firmware image calls for. */
VGABiosPlace vga_bios_place_for(const uint8_t *fw, size_t len);
/* Read a ROM file (at most 128 KiB); NULL with a reason in err. */
uint8_t *vga_rom_read(const char *path, size_t *len, char *err, size_t errlen);

extern const VMStateDesc vga_pci_vmstate;

struct PC;
/* The board's PCI VGA: the function, its BIOS per the loaded firmware,
 * registered as "vga-pci". Called by pc_init after the platform. */
bool pc_vga_pci_init(struct PC *pc, char *err, size_t errlen);

#endif
