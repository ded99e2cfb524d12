/* pc_bootorder.h - fw_cfg's "bootorder" file from the drives' bootindex
 * (QEMU's get_boot_devices_list): one OpenFirmware device path per drive
 * that has a bootindex, lowest index first, separated by '\n', the last
 * one ending in NUL. The paths are QEMU's for the i440FX board, which
 * SeaBIOS matches (boot.c, bootprio_find_*):
 *   floppy unit U        /pci@i0cf8/isa@1/fdc@03f0/floppy@U
 *   IDE channel C unit U /pci@i0cf8/ide@1,1/drive@C/disk@U  (disk or CD)
 * Without any bootindex there is no file (QEMU's SeaBIOS log then has no
 * "boot order:" block); -boot order= stays in CMOS either way.
 */
#ifndef XLAT86_PC_BOOTORDER_H
#define XLAT86_PC_BOOTORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pc_disks.h"

#define PC_BOOTORDER_MAX 512

/* Build the file into out; *len = 0 when no drive has a bootindex. False
 * (one line in err) when two drives share an index, as QEMU refuses. */
bool pc_bootorder_build(const PCDisks *cfg, char out[PC_BOOTORDER_MAX], uint32_t *len,
                        char *err, size_t errlen);

#endif
