/* pc_vga_isa.c - the ISA VGA and its video BIOS (see pc_vga_isa.h). */
#include "pc_vga_isa.h"

#include <stdio.h>
#include <stdlib.h>

#include "pc.h"

bool pc_vga_isa_init(PC *pc, char *err, size_t errlen)
{
    if (!pc->vga)
        return true;
    pc->vga->vram_size = VGA_ISA_VBE_MEM;
    vga_map_lfb(pc->vga, VGA_ISA_LFB);
    MemRegion *fw = pc->mem.rom_region;
    VGABiosPlace place = fw ? vga_bios_place_for(fw->host, pc->mem.rom_size) : VGA_BIOS_NONE;
    char why[256];
    size_t len = 0;
    uint8_t *img = NULL;
    bool ok = true;
    if (place == VGA_BIOS_ROM_BAR) {
        img = vga_rom_read(VGA_ISA_SEABIOS_ROM, &len, why, sizeof why);
        if (img)
            ok = fwcfg_add_file(&pc->fwcfg, VGA_ISA_FWCFG_NAME, img, (uint32_t)len);
    } else if (place == VGA_BIOS_C0000) {
        img = vga_rom_read(VGA_LGPL_ROM, &len, why, sizeof why);
        if (!img)
            img = vga_rom_read(VGA_LGPL_ROM_ALT, &len, why, sizeof why);
        if (img) {
            MemRegion *r = mem_region_new_rom(&pc->mem, "vga.bios", len, img, len);
            ok = r != NULL;
            /* Over the i440FX's PCI hole at 0xC0000, below PAM's RAM aliases
             * (as the PCI VGA's devices/vga_pci.c places it for Bochs). */
            if (r)
                mem_region_add(&pc->mem, r, 0xc0000u, I440FX_PAM_PRIO - 1);
        }
    } else {
        return true;
    }
    if (!img)
        fprintf(stderr, "xlat86: warning: no video BIOS for the ISA VGA (%s)\n", why);
    free(img);
    if (!ok)
        snprintf(err, errlen, "cannot place the ISA VGA's video BIOS");
    return ok;
}
