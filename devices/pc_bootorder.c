/* pc_bootorder.c - fw_cfg "bootorder" from bootindex (see pc_bootorder.h). */
#include "pc_bootorder.h"

#include <stdio.h>
#include <string.h>

typedef struct BootEntry {
    int index;
    char path[64];
} BootEntry;

bool pc_bootorder_build(const PCDisks *cfg, char out[PC_BOOTORDER_MAX], uint32_t *len,
                        char *err, size_t errlen)
{
    BootEntry e[PC_FLOPPIES + PC_IDE_DRIVES];
    int n = 0;
    *len = 0;
    for (int i = 0; i < PC_FLOPPIES + PC_IDE_DRIVES; i++) {
        const PCDriveCfg *d = i < PC_FLOPPIES ? &cfg->fd[i] : &cfg->ide[i - PC_FLOPPIES];
        if (!d->file || !d->has_bootindex)
            continue;
        for (int k = 0; k < n; k++) {
            if (e[k].index == d->bootindex) {
                snprintf(err, errlen, "bootindex=%d is used by two drives", d->bootindex);
                return false;
            }
        }
        /* Insertion by index. */
        int at = n;
        while (at > 0 && e[at - 1].index > d->bootindex) {
            e[at] = e[at - 1];
            at--;
        }
        e[at].index = d->bootindex;
        if (i < PC_FLOPPIES)
            snprintf(e[at].path, sizeof e[at].path, "/pci@i0cf8/isa@1/fdc@03f0/floppy@%x", i);
        else
            snprintf(e[at].path, sizeof e[at].path, "/pci@i0cf8/ide@1,1/drive@%x/disk@%x",
                     (i - PC_FLOPPIES) / 2, (i - PC_FLOPPIES) % 2);
        n++;
    }
    size_t o = 0;
    for (int k = 0; k < n; k++) {
        size_t l = strlen(e[k].path);
        memcpy(out + o, e[k].path, l);       /* 6 paths of < 64 bytes fit */
        o += l;
        out[o++] = k + 1 < n ? '\n' : '\0';
    }
    *len = (uint32_t)o;
    return true;
}
