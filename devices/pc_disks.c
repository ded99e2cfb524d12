/* pc_disks.c - floppy and IDE drives on the board (see pc_disks.h). */
#include "pc_disks.h"

#include <stdio.h>
#include <string.h>

#include "pc.h"
#include "pc_bootorder.h"

static const char *const ide_names[PC_IDE_DRIVES] = {"hda", "hdb", "hdc", "hdd"};

static BlockDev *open_drive(const PCDriveCfg *d, const char *what, char *err, size_t errlen)
{
    char why[512];
    bool cd = d->media == PC_MEDIA_CDROM;
    BlockDev *b = block_open(d->file, d->readonly || cd, d->snapshot, true, why, sizeof why);
    if (!b)
        snprintf(err, errlen, "%s %s", what, why);
    return b;
}

/* QEMU's cmos_init_hd: type 47 (user defined) and the geometry block. */
static void cmos_hd(CMOS *cm, uint8_t type_ofs, uint8_t info, const IDEDrive *d)
{
    cmos_write_reg(cm, type_ofs, 47);
    cmos_write_reg(cm, info, (uint8_t)d->cyls);
    cmos_write_reg(cm, (uint8_t)(info + 1), (uint8_t)(d->cyls >> 8));
    cmos_write_reg(cm, (uint8_t)(info + 2), (uint8_t)d->heads);
    cmos_write_reg(cm, (uint8_t)(info + 3), 0xff);
    cmos_write_reg(cm, (uint8_t)(info + 4), 0xff);
    cmos_write_reg(cm, (uint8_t)(info + 5), (uint8_t)(0xc0 | ((d->heads > 8) << 3)));
    cmos_write_reg(cm, (uint8_t)(info + 6), (uint8_t)d->cyls);
    cmos_write_reg(cm, (uint8_t)(info + 7), (uint8_t)(d->cyls >> 8));
    cmos_write_reg(cm, (uint8_t)(info + 8), (uint8_t)d->spt);
}

static void write_cmos(PC *pc)
{
    CMOS *cm = &pc->cmos;
    cmos_write_reg(cm, 0x10, fdc_cmos_types(&pc->fdc));
    int nfd = (pc->fdc.blk[0] ? 1 : 0) + (pc->fdc.blk[1] ? 1 : 0);
    uint8_t eq = cmos_read_reg(cm, 0x14) & 0x3e;
    if (nfd)
        eq |= (uint8_t)(0x01 | ((nfd - 1) << 6));
    cmos_write_reg(cm, 0x14, eq);
    const IDEDrive *hd0 = &pc->ide[0].drv[0], *hd1 = &pc->ide[0].drv[1];
    bool h0 = hd0->kind == IDE_ATA, h1 = hd1->kind == IDE_ATA;
    cmos_write_reg(cm, 0x12, (uint8_t)((h0 ? 0xf0 : 0) | (h1 ? 0x0f : 0)));
    cmos_write_reg(cm, 0x19, 0);
    cmos_write_reg(cm, 0x1a, 0);
    if (h0)
        cmos_hd(cm, 0x19, 0x1b, hd0);
    if (h1)
        cmos_hd(cm, 0x1a, 0x24, hd1);
    /* 0x39: BIOS translation, two bits per ATA drive: 0 = none, 1 = LBA.
     * QEMU's rule for a geometry taken from the size (hd-geometry.c,
     * hd_bios_chs_auto_trans): none while the physical geometry fits the
     * INT 13h limits (1024/16/63), LBA beyond. SeaBIOS trusts this byte
     * on QEMU's board ("translation=none" in its log for a small disk). */
    uint8_t tr = 0;
    for (int i = 0; i < PC_IDE_DRIVES; i++) {
        const IDEDrive *d = &pc->ide[i / 2].drv[i % 2];
        if (d->kind == IDE_ATA && (d->cyls > 1024 || d->heads > 16 || d->spt > 63))
            tr |= (uint8_t)(1u << (2 * i));
    }
    cmos_write_reg(cm, 0x39, tr);
}

bool pc_set_boot_order(PC *pc, const char *order)
{
    uint8_t dev[3] = {0, 0, 0};
    size_t n = strlen(order);
    if (n > 3)
        return false;
    for (size_t i = 0; i < n; i++) {
        switch (order[i]) {
        case 'a': case 'b': dev[i] = 1; break;
        case 'c': dev[i] = 2; break;
        case 'd': dev[i] = 3; break;
        case 'n': dev[i] = 4; break;
        default: return false;
        }
    }
    snprintf(pc->boot_order, sizeof pc->boot_order, "%s", order);
    cmos_write_reg(&pc->cmos, 0x3d, (uint8_t)(dev[1] << 4 | dev[0]));
    /* Bit 0 set: skip the floppy boot signature check (QEMU's default). */
    cmos_write_reg(&pc->cmos, 0x38, (uint8_t)(dev[2] << 4 | 0x01));
    return true;
}

static void bmide_map(void *opaque, uint16_t base)
{
    ide_bmdma_map(opaque, base);
}

static int fdc_dma(void *opaque, int ch, void *buf, int len, bool to_memory)
{
    return dma_transfer(opaque, ch, buf, len, to_memory);
}

static bool fdc_dma_tc(void *opaque, int ch)
{
    return dma_tc(opaque, ch);
}

bool pc_disks_init(PC *pc, const PCDisks *cfg, char *err, size_t errlen)
{
    static const PCDisks none = {.boot_menu = -1};
    if (!cfg)
        cfg = &none;
    fdc_init(&pc->fdc, &pc->io, 0x3f0, pic_input(&pc->pic, 6), 2);
    /* The floppy's DMA goes through the board's 8237 (devices/dma.c),
     * channel 2. */
    pc->fdc.dma = fdc_dma;
    pc->fdc.dma_tc = fdc_dma_tc;
    pc->fdc.dma_opaque = &pc->dma;
    ide_init(&pc->ide[0], &pc->io, 0x1f0, 0x3f6, pic_input(&pc->pic, 14));
    ide_init(&pc->ide[1], &pc->io, 0x170, 0x376, pic_input(&pc->pic, 15));
    /* Bus-master DMA through the PIIX3 IDE function's BAR4. */
    ide_bmdma_init(&pc->bmdma, &pc->io, &pc->mem, &pc->ide[0], &pc->ide[1]);
    pc->piix3.bmide_map = bmide_map;
    pc->piix3.bmide_opaque = &pc->bmdma;
    for (int i = 0; i < PC_FLOPPIES; i++) {
        const PCDriveCfg *d = &cfg->fd[i];
        if (!d->file)
            continue;
        char what[16];
        snprintf(what, sizeof what, "-fd%c", 'a' + i);
        BlockDev *b = open_drive(d, what, err, errlen);
        if (!b)
            return false;
        pc->disk_blk[i] = b;
        if (!fdc_attach(&pc->fdc, i, b)) {
            snprintf(err, errlen,
                     "%s %s: %llu bytes is not a floppy image size (160K, 180K, 320K, 360K, "
                     "720K, 1.2M, 1.44M or 2.88M)", what, d->file, (unsigned long long)b->size);
            return false;
        }
    }
    for (int i = 0; i < PC_IDE_DRIVES; i++) {
        const PCDriveCfg *d = &cfg->ide[i];
        if (!d->file)
            continue;
        char what[16];
        snprintf(what, sizeof what, "-%s", d->media == PC_MEDIA_CDROM ? "cdrom" : ide_names[i]);
        BlockDev *b = open_drive(d, what, err, errlen);
        if (!b)
            return false;
        pc->disk_blk[PC_FLOPPIES + i] = b;
        uint64_t unit = d->media == PC_MEDIA_CDROM ? CD_SECTOR : 512;
        if (b->size < unit) {
            snprintf(err, errlen, "%s %s: image is smaller than one %llu-byte sector", what,
                     d->file, (unsigned long long)unit);
            return false;
        }
        ide_attach(&pc->ide[i / 2], i % 2, d->media == PC_MEDIA_CDROM ? IDE_ATAPI : IDE_ATA, b);
    }
    write_cmos(pc);
    if (!pc_set_boot_order(pc, cfg->boot_order[0] ? cfg->boot_order : "cad")) {
        snprintf(err, errlen, "-boot order=%s: use up to three of the letters a, b, c, d, n",
                 cfg->boot_order);
        return false;
    }
    pc->boot_menu = cfg->boot_menu == 1;
    char order[PC_BOOTORDER_MAX];
    uint32_t olen;
    if (!pc_bootorder_build(cfg, order, &olen, err, errlen))
        return false;
    if (olen)
        fwcfg_add_file(&pc->fwcfg, "bootorder", order, olen);
    vm_register(&pc->vm, "fdc", &fdc_vmstate, &pc->fdc);
    vm_register(&pc->vm, "ide0", &ide_vmstate, &pc->ide[0]);
    vm_register(&pc->vm, "ide1", &ide_vmstate, &pc->ide[1]);
    vm_register(&pc->vm, "bmdma", &ide_bmdma_vmstate, &pc->bmdma);
    return true;
}

void pc_disks_free(PC *pc)
{
    for (int i = 0; i < PC_FLOPPIES + PC_IDE_DRIVES; i++) {
        block_close(pc->disk_blk[i]);
        pc->disk_blk[i] = NULL;
    }
}
