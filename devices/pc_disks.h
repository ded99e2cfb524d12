/* pc_disks.h - the board's disks: the floppy controller (0x3F0, IRQ 6,
 * DMA 2) and the two IDE channels (0x1F0/0x3F6 IRQ 14, 0x170/0x376
 * IRQ 15), the images under them, and what the BIOS learns about them
 * from CMOS: floppy types (0x10), the equipment byte's floppy bits (0x14),
 * hard disk types (0x12, 0x19, 0x1A) and geometries (0x1B.., 0x24..), LBA
 * translation (0x39) and the boot order (0x3D, 0x38), as QEMU's pc board
 * writes them.
 */
#ifndef XLAT86_PC_DISKS_H
#define XLAT86_PC_DISKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PC_FLOPPIES 2
#define PC_IDE_DRIVES 4     /* ide0 master, ide0 slave, ide1 master, ide1 slave */

enum { PC_MEDIA_DISK, PC_MEDIA_CDROM };

typedef struct PCDriveCfg {
    const char *file;       /* NULL: no drive */
    uint8_t media;          /* PC_MEDIA_* */
    bool readonly;
    bool snapshot;
    bool has_bootindex;     /* bootindex=N given: */
    int bootindex;          /* the drive's rank in fw_cfg "bootorder" (devices/pc_bootorder.c) */
} PCDriveCfg;

typedef struct PCDisks {
    PCDriveCfg fd[PC_FLOPPIES];
    PCDriveCfg ide[PC_IDE_DRIVES];
    char boot_order[8];     /* -boot order=: letters a, b, c, d, n; "" = QEMU's "cad" */
    int boot_menu;          /* -boot menu=on|off: 1 / 0, -1 = not given */
} PCDisks;

struct PC;
/* Open the images, attach them, write CMOS. Called by pc_init after the
 * CMOS exists; false with one line in err. */
bool pc_disks_init(struct PC *pc, const PCDisks *cfg, char *err, size_t errlen);
/* Flush and close the images (pc_free). */
void pc_disks_free(struct PC *pc);
/* The boot order (QEMU's -boot order= letters): CMOS 0x3D and 0x38 now,
 * and kept in PC.boot_order for fw_cfg's "bootorder" file. False for a
 * letter other than a, b, c, d, n or more than three letters. */
bool pc_set_boot_order(struct PC *pc, const char *order);

#endif
