/* vga.c - the VGA registers and planar memory (see vga.h).
 *
 * Register behaviour follows the IBM VGA technical reference: the
 * sequencer, graphics controller, CRT controller (write protection of
 * indices 0-7 by CR11 bit 7, except CR07 bit 4), the attribute controller
 * with its index/data flip-flop (reset by reading input status 1), the DAC
 * with separate read and write indices and 6-bit components, and input
 * status 1 whose display-enable and vertical-retrace bits follow the
 * virtual clock at the mode's frame rate (70 Hz for 400-line timings, 60
 * Hz for 480 lines and up).
 */
#include "vga.h"

#include <stdlib.h>
#include <string.h>

/* Writable bits of each sequencer / graphics register. */
static const uint8_t sr_mask[8] = {0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0x00, 0x00, 0xff};
static const uint8_t gr_mask[16] = {0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff};

/* Each bit of a 4-bit plane mask widened to a byte lane. */
static uint32_t mask16(unsigned m)
{
    return ((m & 1) ? 0x000000ffu : 0) | ((m & 2) ? 0x0000ff00u : 0) |
           ((m & 4) ? 0x00ff0000u : 0) | ((m & 8) ? 0xff000000u : 0);
}

void vga_mark_dirty(VGA *v, uint32_t off, uint32_t len)
{
    if (!len || off >= VGA_VRAM_SIZE)
        return;
    uint32_t last = off + len - 1;
    if (last >= VGA_VRAM_SIZE)
        last = VGA_VRAM_SIZE - 1;
    for (uint32_t p = off >> 12; p <= last >> 12; p++)
        v->vram_dirty[p >> 3] |= (uint8_t)(1u << (p & 7));
    if (off < 0x40000 && (off & 3) == 2)
        v->font_written = 1;
    else if (off < 0x40000 && len >= 4)
        v->font_written = 1;
}

static bool crtc_port_ok(const VGA *v, uint16_t port)
{
    /* Miscellaneous output bit 0: 1 = colour (0x3Dx), 0 = mono (0x3Bx). */
    return (port & 0xfff0) == ((v->misc & 1) ? 0x3d0 : 0x3b0);
}

uint8_t vga_status1(const VGA *v, int64_t now)
{
    unsigned vtotal = v->cr[6] | ((v->cr[7] & 1u) << 8) | ((v->cr[7] & 0x20u) << 4);
    unsigned vde = v->cr[0x12] | ((v->cr[7] & 2u) << 7) | ((v->cr[7] & 0x40u) << 3);
    unsigned vrs = v->cr[0x10] | ((v->cr[7] & 4u) << 6) | ((v->cr[7] & 0x80u) << 2);
    vtotal += 2;
    vde += 1;
    if (vtotal < 16 || vde >= vtotal)
        vtotal = 449, vde = 400, vrs = 412;
    unsigned vrlen = ((v->cr[0x11] & 0x0fu) - (vrs & 0x0fu)) & 0x0fu;
    if (!vrlen)
        vrlen = 16;
    int64_t frame_ns = vde >= 480 ? 1000000000 / 60 : 1000000000 / 70;
    int64_t line_ns = frame_ns / vtotal;
    if (line_ns <= 0)
        line_ns = 1;
    if (now < 0)
        now = 0;
    int64_t in_frame = now % frame_ns;
    int64_t line = in_frame / line_ns;
    int64_t in_line = in_frame % line_ns;
    uint8_t st = 0;
    /* Bit 0: the display is not showing pixels (horizontal or vertical
     * blanking); the active part of a line is about 80% of it. */
    if (line >= (int64_t)vde || in_line >= line_ns * 4 / 5)
        st |= 0x01;
    if (line >= (int64_t)vrs && line < (int64_t)(vrs + vrlen))
        st |= 0x08;
    return st;
}

uint8_t vga_port_read(VGA *v, uint16_t port)
{
    if ((port & 0xfff0) == 0x3b0 || (port & 0xfff0) == 0x3d0) {
        if (!crtc_port_ok(v, port))
            return 0xff;
    }
    switch (port) {
    case 0x3c0:
        return v->ar_index;
    case 0x3c1:
        return (v->ar_index & 0x1f) < 0x15 ? v->ar[v->ar_index & 0x1f] : 0;
    case 0x3c2:
        return 0x10;              /* input status 0: switch sense */
    case 0x3c4:
        return v->sr_index;
    case 0x3c5:
        return v->sr[v->sr_index & 7];
    case 0x3c6:
        return v->dac_mask;
    case 0x3c7:
        return v->dac_state;
    case 0x3c8:
        return v->dac_write_index;
    case 0x3c9: {
        uint8_t val = v->palette[v->dac_read_index * 3 + v->dac_sub];
        if (++v->dac_sub == 3) {
            v->dac_sub = 0;
            v->dac_read_index++;
        }
        return val;
    }
    case 0x3ca:
        return v->fcr;
    case 0x3cc:
        return v->misc;
    case 0x3ce:
        return v->gr_index;
    case 0x3cf:
        return v->gr[v->gr_index & 0x0f];
    case 0x3b4: case 0x3d4:
        return v->cr_index;
    case 0x3b5: case 0x3d5:
        return v->cr[v->cr_index];
    case 0x3ba: case 0x3da:
        v->ar_flip = 0;           /* reading input status 1 resets the flip-flop */
        return vga_status1(v, v->clock ? clock_now(v->clock) : 0);
    default:
        return 0xff;
    }
}

static void ar_write(VGA *v, uint8_t val)
{
    if (!v->ar_flip) {
        v->ar_index = val & 0x3f;
        v->ar_flip = 1;
        return;
    }
    v->ar_flip = 0;
    unsigned i = v->ar_index & 0x1f;
    if (i < 0x10)
        v->ar[i] = val & 0x3f;
    else if (i == 0x10)
        v->ar[i] = val & ~0x10;
    else if (i == 0x11)
        v->ar[i] = val;
    else if (i == 0x12)
        v->ar[i] = val & 0x3f;
    else if (i == 0x13 || i == 0x14)
        v->ar[i] = val & 0x0f;
}

void vga_port_write(VGA *v, uint16_t port, uint8_t val)
{
    if ((port & 0xfff0) == 0x3b0 || (port & 0xfff0) == 0x3d0) {
        if (!crtc_port_ok(v, port))
            return;
    }
    switch (port) {
    case 0x3c0: case 0x3c1:
        ar_write(v, val);
        break;
    case 0x3c2:
        v->misc = val & ~0x10;
        break;
    case 0x3c4:
        v->sr_index = val & 7;
        break;
    case 0x3c5:
        v->sr[v->sr_index] = val & sr_mask[v->sr_index];
        break;
    case 0x3c6:
        v->dac_mask = val;
        break;
    case 0x3c7:
        v->dac_read_index = val;
        v->dac_sub = 0;
        v->dac_state = 3;
        break;
    case 0x3c8:
        v->dac_write_index = val;
        v->dac_sub = 0;
        v->dac_state = 0;
        break;
    case 0x3c9: {
        bool dac8 = v->vbe_regs[VBE_INDEX_ENABLE] & VBE_8BIT_DAC;
        v->dac_cache[v->dac_sub] = dac8 ? val : (val & 0x3f);
        if (++v->dac_sub == 3) {
            memcpy(&v->palette[v->dac_write_index * 3], v->dac_cache, 3);
            v->dac_sub = 0;
            v->dac_write_index++;
        }
        break;
    }
    case 0x3ce:
        v->gr_index = val & 0x0f;
        break;
    case 0x3cf:
        v->gr[v->gr_index] = val & gr_mask[v->gr_index];
        break;
    case 0x3b4: case 0x3d4:
        v->cr_index = val;
        break;
    case 0x3b5: case 0x3d5:
        /* CR11 bit 7 protects CR00-CR07, except the line compare bit 8
         * in CR07 bit 4. */
        if ((v->cr[0x11] & 0x80) && v->cr_index <= 7) {
            if (v->cr_index == 7)
                v->cr[7] = (uint8_t)((v->cr[7] & ~0x10) | (val & 0x10));
            break;
        }
        v->cr[v->cr_index] = val;
        break;
    case 0x3ba: case 0x3da:
        v->fcr = val & 0x03;
        break;
    default:
        break;
    }
}

/* The legacy window: which part of 0xA0000-0xBFFFF the memory map bits
 * (GR06 bits 3:2) select; -1 outside it. */
static int64_t window_offset(const VGA *v, uint32_t addr)
{
    switch ((v->gr[6] >> 2) & 3) {
    case 0: return addr;                                      /* A0000, 128 KiB */
    case 1: return addr < 0x10000 ? (int64_t)addr : -1;      /* A0000, 64 KiB */
    case 2: return addr >= 0x10000 && addr < 0x18000 ? (int64_t)addr - 0x10000 : -1;
    default: return addr >= 0x18000 ? (int64_t)addr - 0x18000 : -1;
    }
}

/* A VBE mode's banked window: bank * 64 KiB + addr, bytes in the packed
 * pixel modes; in the 4 bpp mode plane addresses (the planar path, as
 * QEMU), with all of video memory in reach (*lim). -1 when VBE is off. */
static int64_t vbe_window(const VGA *v, uint32_t addr, uint32_t *lim)
{
    if (!vga_vbe_enabled(v) || addr >= 0x10000)
        return -1;
    *lim = VGA_VRAM_SIZE;
    return ((int64_t)v->vbe_regs[VBE_INDEX_BANK] << 16) + addr;
}

static bool vbe_planar(const VGA *v)
{
    return v->vbe_regs[VBE_INDEX_BPP] == 4;
}

/* A CPU read of the legacy window; `latch` receives the four planes at the
 * address when the read mode loads the latches (left alone otherwise). */
static uint8_t mem_read_common(const VGA *v, uint32_t addr, uint32_t *latch)
{
    uint32_t lim = VGA_PLANAR_SIZE;
    int64_t a = vbe_window(v, addr, &lim);
    if (a >= 0 && !vbe_planar(v))
        return a < VGA_VRAM_SIZE ? v->vram[a] : 0xff;
    if (a < 0) {
        lim = VGA_PLANAR_SIZE;
        a = window_offset(v, addr);
    }
    if (a < 0)
        return 0xff;
    if (v->sr[4] & 0x08) {                       /* chain-4 */
        return v->vram[a & (lim - 1)];
    }
    if (v->gr[5] & 0x10) {                       /* odd/even */
        unsigned plane = (v->gr[4] & 2) | (a & 1);
        uint32_t off = ((uint32_t)(a & ~1) << 1) | plane;
        return off < lim ? v->vram[off] : 0xff;
    }
    if ((uint64_t)a * 4 >= lim)
        return 0xff;
    memcpy(latch, &v->vram[a * 4], 4);
    if (!(v->gr[5] & 0x08))                      /* read mode 0 */
        return (uint8_t)(*latch >> ((v->gr[4] & 3) * 8));
    /* read mode 1: colour compare with don't care */
    uint32_t r = (*latch ^ mask16(v->gr[2])) & mask16(v->gr[7]);
    r |= r >> 16;
    r |= r >> 8;
    return (uint8_t)~r;
}

uint8_t vga_mem_read(VGA *v, uint32_t addr)
{
    return mem_read_common(v, addr, &v->latch);
}

uint8_t vga_mem_peek(const VGA *v, uint32_t addr)
{
    uint32_t latch;
    return mem_read_common(v, addr, &latch);
}

void vga_mem_write(VGA *v, uint32_t addr, uint8_t val)
{
    uint32_t lim = VGA_PLANAR_SIZE;
    int64_t a = vbe_window(v, addr, &lim);
    if (a >= 0 && !vbe_planar(v)) {
        if (a < VGA_VRAM_SIZE) {
            v->vram[a] = val;
            vga_mark_dirty(v, (uint32_t)a, 1);
        }
        return;
    }
    if (a < 0) {
        lim = VGA_PLANAR_SIZE;
        a = window_offset(v, addr);
    }
    if (a < 0)
        return;
    if (v->sr[4] & 0x08) {                       /* chain-4 */
        uint32_t off = (uint32_t)a & (lim - 1);
        if (v->sr[2] & (1u << (off & 3))) {
            v->vram[off] = val;
            vga_mark_dirty(v, off, 1);
        }
        return;
    }
    if (v->gr[5] & 0x10) {                       /* odd/even */
        unsigned plane = (v->gr[4] & 2) | (a & 1);
        uint32_t off = ((uint32_t)(a & ~1) << 1) | plane;
        if ((v->sr[2] & (1u << plane)) && off < lim) {
            v->vram[off] = val;
            vga_mark_dirty(v, off, 1);
        }
        return;
    }
    if ((uint64_t)a * 4 >= lim)
        return;
    uint32_t d, bit_mask = v->gr[8];
    unsigned rot = v->gr[3] & 7;
    switch (v->gr[5] & 3) {
    case 0:
        d = (uint8_t)((val >> rot) | (val << (8 - rot)));
        d *= 0x01010101u;
        d = (d & ~mask16(v->gr[1])) | (mask16(v->gr[0]) & mask16(v->gr[1]));
        break;
    case 1:
        d = v->latch;
        goto store;
    case 2:
        d = mask16(val & 0x0f);
        break;
    default:
        d = (uint8_t)((val >> rot) | (val << (8 - rot)));
        bit_mask &= d;
        d = mask16(v->gr[0]);
        break;
    }
    switch (v->gr[3] >> 3) {                     /* logical operation */
    case 1: d &= v->latch; break;
    case 2: d |= v->latch; break;
    case 3: d ^= v->latch; break;
    default: break;
    }
    bit_mask *= 0x01010101u;
    d = (d & bit_mask) | (v->latch & ~bit_mask);
store:;
    uint32_t wm = mask16(v->sr[2]), old;
    memcpy(&old, &v->vram[a * 4], 4);
    old = (old & ~wm) | (d & wm);
    memcpy(&v->vram[a * 4], &old, 4);
    vga_mark_dirty(v, (uint32_t)a * 4, 4);
}

static uint32_t legacy_read(void *opaque, uint32_t addr, int size)
{
    VGA *v = opaque;
    uint32_t r = 0;
    for (int i = 0; i < size; i++)
        r |= (uint32_t)vga_mem_read(v, addr - 0xa0000 + i) << (8 * i);
    return r;
}

static uint32_t legacy_peek(void *opaque, uint32_t addr, int size)
{
    const VGA *v = opaque;
    uint32_t r = 0;
    for (int i = 0; i < size; i++)
        r |= (uint32_t)vga_mem_peek(v, addr - 0xa0000 + i) << (8 * i);
    return r;
}

static void legacy_write(void *opaque, uint32_t addr, uint32_t val, int size)
{
    VGA *v = opaque;
    for (int i = 0; i < size; i++)
        vga_mem_write(v, addr - 0xa0000 + i, (uint8_t)(val >> (8 * i)));
}

static uint32_t port_read(void *opaque, uint16_t port, int size)
{
    (void)size;
    return vga_port_read(opaque, port);
}

static void port_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    (void)size;
    vga_port_write(opaque, port, (uint8_t)val);
}

void vga_reset(VGA *v)
{
    /* Power-on: everything zero (the BIOS programs a mode), DAC mask
     * all ones, colour I/O addresses so that 0x3Dx answers. */
    v->misc = 0x01;
    v->fcr = 0;
    v->sr_index = v->gr_index = v->cr_index = v->ar_index = v->ar_flip = 0;
    memset(v->sr, 0, sizeof v->sr);
    memset(v->gr, 0, sizeof v->gr);
    memset(v->cr, 0, sizeof v->cr);
    memset(v->ar, 0, sizeof v->ar);
    v->dac_read_index = v->dac_write_index = v->dac_sub = v->dac_state = 0;
    v->dac_mask = 0xff;
    memset(v->dac_cache, 0, sizeof v->dac_cache);
    memset(v->palette, 0, sizeof v->palette);
    v->latch = 0;
    vga_vbe_reset(v);
    v->full_redraw = true;
}

static void vga_reset_cb(void *opaque) { vga_reset(opaque); }

static void vga_pre_save(void *opaque)
{
    VGA *v = opaque;
    memcpy(v->planes_saved, v->vram, VGA_PLANAR_SIZE);
}

static void vga_post_load(void *opaque)
{
    VGA *v = opaque;
    memcpy(v->vram, v->planes_saved, VGA_PLANAR_SIZE);
    v->full_redraw = true;
    v->font_written = 1;
}

static const VMField vga_fields[] = {
    VMF(VGA, misc), VMF(VGA, fcr), VMF(VGA, sr_index), VMF(VGA, sr), VMF(VGA, gr_index),
    VMF(VGA, gr), VMF(VGA, cr_index), VMF(VGA, cr), VMF(VGA, ar_index), VMF(VGA, ar),
    VMF(VGA, ar_flip), VMF(VGA, dac_read_index), VMF(VGA, dac_write_index), VMF(VGA, dac_sub),
    VMF(VGA, dac_state), VMF(VGA, dac_mask), VMF(VGA, dac_cache), VMF(VGA, palette),
    VMF(VGA, latch), VMF(VGA, vbe_index), VMF(VGA, vbe_regs), VMF(VGA, vbe_start),
    VMF(VGA, vbe_line), VMF(VGA, planes_saved), VMF_END,
};
const VMStateDesc vga_vmstate = {1, vga_fields, vga_reset_cb, vga_pre_save, vga_post_load};

bool vga_init(VGA *v, Memory *mem, IOBus *io, Clock *clock)
{
    memset(v, 0, sizeof *v);
    v->mem = mem;
    v->clock = clock;
    v->lfb = mem_region_new_ram(mem, "vga.vram", VGA_VRAM_SIZE);
    if (!v->lfb)
        return false;
    v->vram = v->lfb->host;
    v->vram_size = VGA_VRAM_SIZE;
    mem_dirty_enable(mem, v->lfb);
    v->legacy = mem_region_new_mmio(mem, "vga.legacy", 0x20000, legacy_read, legacy_write, v);
    if (!v->legacy)
        return false;
    v->legacy->peek = legacy_peek;   /* the monitor's xp on the screen */
    mem_region_add(mem, v->legacy, 0xa0000, MEM_PRIO_MMIO);
    io_register(io, 0x3b0, 0x30, port_read, port_write, v, IO_SIZE_1);
    vga_vbe_init(v, io);
    vga_reset(v);
    return true;
}

void vga_map_lfb(VGA *v, uint32_t base)
{
    if (v->lfb->mapped)
        mem_region_remove(v->mem, v->lfb);
    if (base) {
        mem_region_add(v->mem, v->lfb, base, MEM_PRIO_MMIO);
    }
}

bool vga_isa_init(VGA *v, Memory *mem, IOBus *io, Clock *clock)
{
    if (!vga_init(v, mem, io, clock))
        return false;
    vga_map_lfb(v, VGA_ISA_LFB);
    return true;
}

void vga_free(VGA *v)
{
    (void)v;   /* the regions belong to the Memory and go with mem_free */
}
