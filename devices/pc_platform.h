/* pc_platform.h - the i440FX/PIIX platform half of the board (built by
 * pc_init after the PC/AT devices): PCI bus 0 (0xCF8/0xCFC) with the
 * i440FX host bridge and PAM (00.0), PIIX3 ISA bridge (01.0) and IDE
 * function (01.1), PIIX4 PM (01.3; moves the ACPI block, SCI on IRQ 9),
 * the ELCR, fw_cfg (0x510/0x511, DMA 0x514), the 8237 DMA pair, and the
 * CMOS configuration bytes a BIOS reads (boot order, drives, equipment).
 */
#ifndef XLAT86_PC_PLATFORM_H
#define XLAT86_PC_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct PC;

/* A -fw_cfg name=NAME,file=F|string=S item (data owned by the caller). */
typedef struct PCFwCfgFile {
    const char *name;
    const uint8_t *data;
    uint32_t len;
} PCFwCfgFile;

bool pc_platform_init(struct PC *pc, char *err, size_t errlen);
/* What a kernel entered directly (-kernel, no firmware run) finds that
 * SeaBIOS would have set up: the PIIX3 IDE decode enables. Called after
 * each machine reset before the loader enters the kernel. */
void pc_platform_direct_boot(struct PC *pc);
void pc_platform_free(struct PC *pc);

/* CMOS drive bytes, for the disk devices to register what they attach.
 * Floppy unit 0/1, type: 0 none, 1 360K, 2 1.2M, 3 720K, 4 1.44M, 5 2.88M
 * (register 0x10 nibbles; equipment byte 0x14 bits 0 and 7-6). */
void pc_cmos_set_floppy(struct PC *pc, int unit, int type);
/* Hard disk unit 0/1 (ide0 master/slave): type 47 (0x12 nibble = 0xF,
 * 0x19/0x1A = 47) with the user-defined parameter block at 0x1B/0x24
 * (cylinders, heads, write precompensation, control byte, landing zone,
 * sectors per track); translation (0 none, 1 LBA, 2 large) in 0x39.
 * cyls 0 removes the drive. */
void pc_cmos_set_hd(struct PC *pc, int unit, uint16_t cyls, uint8_t heads, uint8_t spt,
                    int translation);
/* Boot order as QEMU's -boot order=: up to three of 'a' floppy, 'c' disk,
 * 'd' CD-ROM, 'n' network (CMOS 0x3D and 0x38 high nibble). */
void pc_cmos_set_boot_order(struct PC *pc, const char *order);

#endif
