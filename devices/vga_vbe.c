/* vga_vbe.c - the Bochs VBE ("dispi") interface of the standard VGA.
 *
 * Port 0x1CE selects a register, 0x1CF reads or writes it (16 bits).
 * IDs 0xB0C0-0xB0C5 are accepted. Enabling (ENABLE bit 0) switches the
 * display to the VBE mode XRES x YRES x BPP (4, 8, 15, 16, 24, 32), with
 * VIRT_WIDTH/HEIGHT and X/Y_OFFSET selecting the visible part, and clears
 * video memory unless NOCLEARMEM is set. GETCAPS makes XRES/YRES/BPP read
 * the maxima. The banked window (BANK, 64 KiB units) shows video memory at
 * 0xA0000 while VBE is on; the linear frame buffer is always the whole
 * 16 MiB (vga.h). The layout follows Bochs' vbe.h/"dispi" documentation.
 */
#include "vga.h"

#include <string.h>

static unsigned vbe_bytes_pp(unsigned bpp)
{
    return bpp <= 8 ? 1 : (bpp + 7) / 8;
}

bool vga_vbe_enabled(const VGA *v)
{
    return v->vbe_regs[VBE_INDEX_ENABLE] & VBE_ENABLED;
}

/* Recompute the line length and start offset from the registers. */
static void vbe_update_geometry(VGA *v)
{
    unsigned bpp = v->vbe_regs[VBE_INDEX_BPP];
    unsigned vw = v->vbe_regs[VBE_INDEX_VIRT_WIDTH];
    if (vw < v->vbe_regs[VBE_INDEX_XRES])
        vw = v->vbe_regs[VBE_INDEX_XRES];
    v->vbe_line = bpp == 4 ? vw / 2 : vw * vbe_bytes_pp(bpp);
    if (v->vbe_line && v->vram_size / v->vbe_line < v->vbe_regs[VBE_INDEX_YRES])
        v->vbe_line = 0;          /* does not fit: nothing shown */
    uint64_t start = (uint64_t)v->vbe_regs[VBE_INDEX_Y_OFFSET] * v->vbe_line +
                     (bpp == 4 ? v->vbe_regs[VBE_INDEX_X_OFFSET] / 2
                               : (uint64_t)v->vbe_regs[VBE_INDEX_X_OFFSET] * vbe_bytes_pp(bpp));
    v->vbe_start = start < v->vram_size ? (uint32_t)start : 0;
    if (bpp == 4)
        v->vbe_start &= ~3u;      /* QEMU keeps the start in 32-bit units */
    v->full_redraw = true;
}

uint16_t vga_vbe_read(VGA *v)
{
    unsigned i = v->vbe_index;
    if (i >= VBE_NREGS)
        return 0;
    if (v->vbe_regs[VBE_INDEX_ENABLE] & VBE_GETCAPS) {
        switch (i) {
        case VBE_INDEX_XRES: return VBE_MAX_XRES;
        case VBE_INDEX_YRES: return VBE_MAX_YRES;
        case VBE_INDEX_BPP: return VBE_MAX_BPP;
        default: break;
        }
    }
    if (i == VBE_INDEX_VIDEO_MEMORY_64K)
        return (uint16_t)(v->vram_size >> 16);
    return v->vbe_regs[i];
}

void vga_vbe_write(VGA *v, uint16_t val)
{
    unsigned i = v->vbe_index;
    switch (i) {
    case VBE_INDEX_ID:
        if (val >= VBE_ID0 && val <= VBE_ID5)
            v->vbe_regs[i] = val;
        break;
    case VBE_INDEX_XRES:
        if (val <= VBE_MAX_XRES && !(val & 7))
            v->vbe_regs[i] = val;
        break;
    case VBE_INDEX_YRES:
        if (val <= VBE_MAX_YRES)
            v->vbe_regs[i] = val;
        break;
    case VBE_INDEX_BPP:
        if (val == 0)
            val = 8;
        if (val == 4 || val == 8 || val == 15 || val == 16 || val == 24 || val == 32)
            v->vbe_regs[i] = val;
        break;
    case VBE_INDEX_BANK:
        if (val < (v->vram_size >> 16))
            v->vbe_regs[i] = val;
        break;
    case VBE_INDEX_ENABLE: {
        bool was = vga_vbe_enabled(v);
        v->vbe_regs[i] = val & (VBE_ENABLED | VBE_GETCAPS | VBE_8BIT_DAC | VBE_LFB_ENABLED |
                                VBE_NOCLEARMEM);
        if ((val & VBE_ENABLED) && !was) {
            v->vbe_regs[VBE_INDEX_VIRT_WIDTH] = v->vbe_regs[VBE_INDEX_XRES];
            v->vbe_regs[VBE_INDEX_VIRT_HEIGHT] = v->vbe_regs[VBE_INDEX_YRES];
            v->vbe_regs[VBE_INDEX_X_OFFSET] = v->vbe_regs[VBE_INDEX_Y_OFFSET] = 0;
            if (!(val & VBE_NOCLEARMEM)) {
                memset(v->vram, 0, VGA_VRAM_SIZE);
                vga_mark_dirty(v, 0, VGA_VRAM_SIZE);
            }
            /* As QEMU leaves the VGA: graphics, A0000 64 KiB window; the
             * packed pixel modes on the chain-4 256-colour pixel path, the
             * 4 bpp mode on the planar 16-colour path (shift control 0,
             * no dot clock halving; the guest's sequencer memory mode
             * decides chain-4 as there). */
            v->gr[6] = (uint8_t)((v->gr[6] & ~0x0c) | 0x05);
            if (v->vbe_regs[VBE_INDEX_BPP] == 4) {
                v->gr[5] &= (uint8_t)~0x60;
                v->sr[1] &= (uint8_t)~0x08;
            } else {
                v->gr[5] = (uint8_t)((v->gr[5] & ~0x60) | 0x40);
                v->sr[4] |= 0x08;
            }
            v->ar[0x10] |= 0x01;
            v->ar_index |= 0x20;
        }
        vbe_update_geometry(v);
        break;
    }
    case VBE_INDEX_VIRT_WIDTH: case VBE_INDEX_X_OFFSET: case VBE_INDEX_Y_OFFSET:
        v->vbe_regs[i] = val;
        vbe_update_geometry(v);
        break;
    default:
        break;
    }
}

static uint32_t vbe_port_read(void *opaque, uint16_t port, int size)
{
    (void)size;
    VGA *v = opaque;
    return port == 0x1ce ? v->vbe_index : vga_vbe_read(v);
}

static void vbe_port_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    (void)size;
    VGA *v = opaque;
    if (port == 0x1ce)
        v->vbe_index = (uint16_t)val;
    else
        vga_vbe_write(v, (uint16_t)val);
}

void vga_vbe_reset(VGA *v)
{
    v->vbe_index = 0;
    memset(v->vbe_regs, 0, sizeof v->vbe_regs);
    v->vbe_regs[VBE_INDEX_ID] = VBE_ID5;
    v->vbe_regs[VBE_INDEX_BPP] = 8;
    v->vbe_start = v->vbe_line = 0;
}

void vga_vbe_init(VGA *v, IOBus *io)
{
    io_register(io, 0x1ce, 2, vbe_port_read, vbe_port_write, v, IO_SIZE_2);
}
