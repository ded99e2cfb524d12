/* pc_platform.c - the i440FX/PIIX platform, fw_cfg, DMA and the CMOS
 * configuration bytes (see pc_platform.h). */
#include "pc.h"

#include <stdio.h>
#include <string.h>

/* ---- CMOS configuration bytes (IBM PC/AT BIOS layout, as QEMU fills them) ---- */

static void cmos_checksum(CMOS *c)
{
    unsigned sum = 0;
    for (int i = 0x10; i <= 0x2d; i++)
        sum += c->ram[i];
    c->ram[0x2e] = (uint8_t)(sum >> 8);
    c->ram[0x2f] = (uint8_t)sum;
}

static void cmos_equipment(PC *pc)
{
    uint8_t *r = pc->cmos.ram;
    int n = ((r[0x10] >> 4) != 0) + ((r[0x10] & 15) != 0);
    uint8_t v = 0x02 | 0x04;                    /* x87 present, PS/2 mouse port */
    if (n)
        v |= (uint8_t)(0x01 | (n - 1) << 6);    /* diskette drives present, count - 1 */
    r[0x14] = v;                                /* bits 5-4 = 00: EGA/VGA display */
    cmos_checksum(&pc->cmos);
}

void pc_cmos_set_floppy(PC *pc, int unit, int type)
{
    uint8_t *r = pc->cmos.ram;
    if (unit < 0 || unit > 1 || type < 0 || type > 5)
        return;
    if (unit == 0)
        r[0x10] = (uint8_t)((r[0x10] & 0x0f) | type << 4);
    else
        r[0x10] = (uint8_t)((r[0x10] & 0xf0) | type);
    cmos_equipment(pc);
}

void pc_cmos_set_hd(PC *pc, int unit, uint16_t cyls, uint8_t heads, uint8_t spt,
                    int translation)
{
    uint8_t *r = pc->cmos.ram;
    if (unit < 0 || unit > 1)
        return;
    uint8_t *p = r + (unit ? 0x24 : 0x1b);
    if (unit == 0)
        r[0x12] = (uint8_t)((r[0x12] & 0x0f) | (cyls ? 0xf0 : 0));
    else
        r[0x12] = (uint8_t)((r[0x12] & 0xf0) | (cyls ? 0x0f : 0));
    r[unit ? 0x1a : 0x19] = cyls ? 47 : 0;
    memset(p, 0, 9);
    if (cyls) {
        p[0] = (uint8_t)cyls;
        p[1] = (uint8_t)(cyls >> 8);
        p[2] = heads;
        p[3] = 0xff;                                /* write precompensation: none */
        p[4] = 0xff;
        p[5] = (uint8_t)(0xc0 | (heads > 8 ? 0x08 : 0));
        p[6] = (uint8_t)cyls;                       /* landing zone */
        p[7] = (uint8_t)(cyls >> 8);
        p[8] = spt;
    }
    int shift = 2 * unit;
    r[0x39] = (uint8_t)((r[0x39] & ~(3 << shift)) | ((translation & 3) << shift));
    cmos_checksum(&pc->cmos);
}

static uint8_t boot_code(char c)
{
    switch (c) {
    case 'a': return 1;
    case 'c': return 2;
    case 'd': return 3;
    case 'n': return 4;
    default: return 0;
    }
}

void pc_cmos_set_boot_order(PC *pc, const char *order)
{
    uint8_t b[3] = {0, 0, 0};
    for (int i = 0; i < 3 && order && order[i]; i++)
        b[i] = boot_code(order[i]);
    pc->cmos.ram[0x3d] = (uint8_t)(b[0] | b[1] << 4);
    /* Bit 0 = 0: check the floppy boot signature (QEMU's fd_bootchk default). */
    pc->cmos.ram[0x38] = (uint8_t)(b[2] << 4);
}

static void cmos_platform(PC *pc)
{
    uint8_t *r = pc->cmos.ram;
    r[0x5b] = r[0x5c] = r[0x5d] = 0;                /* no RAM above 4 GiB */
    r[0x5f] = 0;                                    /* CPUs - 1 */
    pc_cmos_set_boot_order(pc, pc->cfg.boot_order ? pc->cfg.boot_order : "cad");
    cmos_equipment(pc);
}

/* ---- fw_cfg items ---- */

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static bool fwcfg_platform(PC *pc, char *err, size_t errlen)
{
    FWCfg *f = &pc->fwcfg;
    const PCConfig *cfg = &pc->cfg;
    static const uint8_t uuid[16];
    fwcfg_add_bytes(f, FW_CFG_UUID, uuid, sizeof uuid);
    fwcfg_add_i64(f, FW_CFG_RAM_SIZE, pc->mem.ram_size);
    fwcfg_add_i16(f, FW_CFG_NOGRAPHIC, cfg->nographic);
    fwcfg_add_i16(f, FW_CFG_NB_CPUS, 1);
    fwcfg_add_i16(f, FW_CFG_MAX_CPUS, 1);
    fwcfg_add_i64(f, FW_CFG_NUMA, 0);
    fwcfg_add_i16(f, FW_CFG_BOOT_MENU, cfg->boot_menu);

    /* etc/e820: one entry per RAM range (LE64 address, LE64 length, LE32 type). */
    uint8_t e820[20];
    put_le(e820, 0, 8);
    put_le(e820 + 8, pc->mem.ram_size, 8);
    put_le(e820 + 16, 1, 4);
    fwcfg_add_file(f, "etc/e820", e820, sizeof e820);

    /* QEMU's -boot reboot-timeout default (-1): no retry after a failed boot. */
    uint8_t fail_wait[4] = {0xff, 0xff, 0xff, 0xff};
    fwcfg_add_file(f, "etc/boot-fail-wait", fail_wait, 4);
    if (cfg->boot_menu && cfg->boot_menu_wait_ms > 0) {
        uint8_t w[2];
        put_le(w, (uint64_t)cfg->boot_menu_wait_ms, 2);
        fwcfg_add_file(f, "etc/boot-menu-wait", w, 2);
    }
    /* QEMU with -nographic and no display adapter turns SeaBIOS's serial
     * console on (COM1), so INT 10h text reaches the terminal. */
    if (cfg->nographic) {
        uint8_t port[2] = {0xf8, 0x03};
        fwcfg_add_file(f, "etc/sercon-port", port, 2);
    }
    for (int i = 0; i < cfg->n_fw_cfg; i++) {
        const PCFwCfgFile *u = &cfg->fw_cfg[i];
        if (!fwcfg_add_file(f, u->name, u->data, u->len)) {
            snprintf(err, errlen, "-fw_cfg name=%s: %s", u->name,
                     strlen(u->name) >= FW_CFG_NAME_MAX ? "name longer than 55 characters"
                                                         : "too many fw_cfg files");
            return false;
        }
    }
    return true;
}

/* ---- the bus's own state (the CONFIG_ADDRESS latch) ---- */

static void pcibus_reset(void *opaque)
{
    PCIBus *b = opaque;
    b->config_addr = 0;
}

static const VMField pcibus_fields[] = {VMF(PCIBus, config_addr), VMF_END};
static const VMStateDesc pcibus_vmstate = {1, pcibus_fields, pcibus_reset, NULL, NULL};

bool pc_platform_init(PC *pc, char *err, size_t errlen)
{
    IRQ *isa[16];
    for (int i = 0; i < 16; i++)
        isa[i] = pic_input(&pc->pic, i);
    pic_init_elcr(&pc->pic, &pc->io);
    pci_bus_init(&pc->pci, &pc->io);
    i440fx_init(&pc->i440fx, &pc->pci, &pc->mem);
    piix3_init(&pc->piix3, &pc->pci, isa);
    piix4_pm_init(&pc->pm, &pc->pci, &pc->io, &pc->acpi);
    pc->acpi.sci = pic_input(&pc->pic, ACPI_SCI_IRQ);
    dma_init(&pc->dma, &pc->io, &pc->mem);
    fwcfg_init(&pc->fwcfg, &pc->io, &pc->mem);
    if (!fwcfg_platform(pc, err, errlen))
        return false;
    cmos_platform(pc);

    vm_register(&pc->vm, "pcibus", &pcibus_vmstate, &pc->pci);
    vm_register(&pc->vm, "i440fx", &i440fx_vmstate, &pc->i440fx);
    vm_register(&pc->vm, "piix3", &piix3_vmstate, &pc->piix3);
    vm_register(&pc->vm, "piix4-pm", &piix4_pm_vmstate, &pc->pm);
    vm_register(&pc->vm, "dma", &dma_vmstate, &pc->dma);
    vm_register(&pc->vm, "fw_cfg", &fwcfg_vmstate, &pc->fwcfg);
    return true;
}

void pc_platform_direct_boot(PC *pc)
{
    /* SeaBIOS's piix_ide_setup: IDETIM bit 15 (IDE decode enable) for
     * both channels; ata_piix treats a channel without it as disabled. */
    pci_config_write(&pc->pci, PCI_DEVFN(1, 1), 0x40, 0x8000, 2);
    pci_config_write(&pc->pci, PCI_DEVFN(1, 1), 0x42, 0x8000, 2);
}

void pc_platform_free(PC *pc)
{
    fwcfg_free(&pc->fwcfg);
}
