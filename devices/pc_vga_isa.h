/* pc_vga_isa.h - the standard VGA as an ISA device (-device isa-vga), as
 * QEMU's isa-vga: the VGA ports and 0xA0000 window, the Bochs VBE ports,
 * the frame buffer fixed at VGA_ISA_LFB (0xE0000000), 8 MiB of it
 * reported through VBE (QEMU's isa-vga vgamem_mb default), no PCI
 * function. Its video BIOS:
 *   - SeaBIOS: QEMU's rom_add_vga("vgabios.bin") puts the ISA build of
 *     SeaVGABIOS (Debian: /usr/share/seabios/vgabios.bin, a link to
 *     vgabios-isavga.bin) into fw_cfg as "vgaroms/vgabios.bin"; SeaBIOS
 *     finds no PCI VGA, runs the fw_cfg "vgaroms/" files ("No VGA found,
 *     scan for other display"), and the ROM sets mode 3.
 *   - Bochs' BIOS: the LGPL vgabios read-only at 0xC0000, where rombios
 *     scans for option ROMs (as Bochs loads it).
 *   - Other firmware: no video BIOS.
 * A missing ROM file is a warning on stderr; the VGA runs without it. */
#ifndef XLAT86_PC_VGA_ISA_H
#define XLAT86_PC_VGA_ISA_H

#include <stdbool.h>
#include <stddef.h>

#define VGA_ISA_SEABIOS_ROM "/usr/share/seabios/vgabios-isavga.bin"
#define VGA_ISA_FWCFG_NAME "vgaroms/vgabios.bin"
#define VGA_ISA_VBE_MEM (8u << 20)

struct PC;
/* After pc_platform_init (fw_cfg) with pc->vga made by vga_init. */
bool pc_vga_isa_init(struct PC *pc, char *err, size_t errlen);

#endif
