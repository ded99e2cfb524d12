/* vga.h - a standard VGA with the Bochs VBE ("dispi") extensions.
 *
 * Split by concern:
 *   vga.c         the VGA registers (ports 0x3B0-0x3DF), planar memory
 *                 through the legacy window 0xA0000-0xBFFFF, reset, state
 *   vga_vbe.c     Bochs VBE: ports 0x1CE/0x1CF, the banked window and the
 *                 linear frame buffer (a RAM region with dirty logging)
 *   vga_render.c  VGA state -> an RGB frame (VGAFrame), toolkit-free, with
 *                 dirty tracking (only changed lines are redrawn)
 *
 * Video memory is 16 MiB. The VGA's 256 KiB of planar memory is its first
 * 256 KiB, stored as in QEMU: plane p of address a at byte 4*a + p, so the
 * chain-4 byte at address a is simply vram[a] and the VBE modes see the
 * same memory linearly.
 *
 * The bus hook: vga_init makes the device, its ports and the legacy MMIO
 * window; the frame buffer region (VGA.lfb, "vga.vram") is created but
 * placed by whoever owns the bus: vga_isa_init maps it at VGA_ISA_LFB
 * (QEMU's ISA std-vga address); a PCI bus exposes it as BAR0 of device
 * 1234:1111 instead, moving it with vga_map_lfb(vga, bar0) (0 unmaps).
 */
#ifndef XLAT86_VGA_H
#define XLAT86_VGA_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"
#include "iobus.h"
#include "memory.h"
#include "vmstate.h"

#define VGA_VRAM_SIZE (16u << 20)
#define VGA_PLANAR_SIZE (256u << 10)
#define VGA_ISA_LFB 0xE0000000u
#define VGA_PCI_VENDOR 0x1234
#define VGA_PCI_DEVICE 0x1111

/* Bochs VBE dispi registers (port 0x1CE index, 0x1CF data). */
enum {
    VBE_INDEX_ID, VBE_INDEX_XRES, VBE_INDEX_YRES, VBE_INDEX_BPP, VBE_INDEX_ENABLE,
    VBE_INDEX_BANK, VBE_INDEX_VIRT_WIDTH, VBE_INDEX_VIRT_HEIGHT, VBE_INDEX_X_OFFSET,
    VBE_INDEX_Y_OFFSET, VBE_INDEX_VIDEO_MEMORY_64K, VBE_NREGS
};
#define VBE_ID0 0xB0C0
#define VBE_ID5 0xB0C5
#define VBE_ENABLED 0x01
#define VBE_GETCAPS 0x02
#define VBE_8BIT_DAC 0x20
#define VBE_LFB_ENABLED 0x40
#define VBE_NOCLEARMEM 0x80
/* QEMU's limits (what GETCAPS reports; SeaVGABIOS drops modes above them).
 * Modes larger than VGA_MAX_W x VGA_MAX_H render their top-left part. */
#define VBE_MAX_XRES 16000
#define VBE_MAX_YRES 12000
#define VBE_MAX_BPP 32

/* Maximum frame the renderer produces. */
#define VGA_MAX_W 2560
#define VGA_MAX_H 1600

/* An RGB frame: 0x00RRGGBB pixels, stride = width. */
typedef struct VGAFrame {
    int width, height;
    uint32_t *pixels;           /* VGA_MAX_W * VGA_MAX_H */
    uint8_t line_dirty[VGA_MAX_H]; /* set by the renderer, cleared by the display */
    bool resized;               /* the size changed since the display last looked */
    uint32_t border;            /* the overscan colour (AR11 through the DAC) */
    uint64_t serial;            /* incremented when any line changed */
} VGAFrame;

typedef struct VGA {
    /* ---- registers (saved) ---- */
    uint8_t misc;               /* miscellaneous output (0x3C2 / 0x3CC) */
    uint8_t fcr;                /* feature control (0x3DA/0x3BA write, 0x3CA read) */
    uint8_t sr_index, sr[8];    /* sequencer */
    uint8_t gr_index, gr[16];   /* graphics controller */
    uint8_t cr_index, cr[256];  /* CRT controller */
    uint8_t ar_index, ar[32];   /* attribute controller; ar_index bit 5 = PAS */
    uint8_t ar_flip;            /* 0: next 0x3C0 write is an index */
    uint8_t dac_read_index, dac_write_index, dac_sub, dac_state, dac_mask;
    uint8_t dac_cache[3];
    uint8_t palette[768];       /* 6-bit (or 8-bit with VBE_8BIT_DAC) components */
    uint32_t latch;
    uint16_t vbe_index;
    uint16_t vbe_regs[VBE_NREGS];
    uint32_t vbe_start;         /* byte offset of the visible VBE frame */
    uint32_t vbe_line;          /* VBE bytes per scan line */
    /* The first 256 KiB of video memory (all of the VGA modes), copied
     * here by pre_save and back by post_load. VBE memory above it is not
     * saved (a 16 MiB section per state file was judged too big). */
    uint8_t planes_saved[VGA_PLANAR_SIZE];

    /* ---- wiring, host-side state (not saved) ---- */
    Memory *mem;
    Clock *clock;
    MemRegion *lfb;             /* "vga.vram", RAM, 16 MiB, dirty-logged */
    MemRegion *legacy;          /* MMIO over 0xA0000-0xBFFFF */
    uint8_t *vram;              /* lfb->host */
    uint32_t vram_size;         /* what VBE reports and uses (VGA_VRAM_SIZE; QEMU's
                                 * isa-vga has 8 MiB: devices/pc_vga_isa.c) */
    uint8_t vram_dirty[VGA_VRAM_SIZE / 4096 / 8]; /* pages written through the window */
    bool full_redraw;           /* the renderer must redraw everything */
    /* renderer caches (vga_render.c) */
    uint8_t last_regs[64 + 256 + 32 + 16 + 8 + 24 + 4];
    uint8_t last_palette_raw[768];
    uint16_t last_text[132 * 100];
    int64_t blink_ns;           /* phase origin */
    int last_blink_phase;
    uint8_t font_written;       /* plane 2 changed: text redraw */
} VGA;

/* The device on mem/io: ports, the legacy window (MMIO at 0xA0000,
 * 0x20000 bytes, over the hole the region map leaves) and the frame
 * buffer region (created, not mapped). False if memory is short. */
bool vga_init(VGA *v, Memory *mem, IOBus *io, Clock *clock);
/* The ISA form (-vga std on a board without PCI): vga_init plus the frame
 * buffer at VGA_ISA_LFB. */
bool vga_isa_init(VGA *v, Memory *mem, IOBus *io, Clock *clock);
/* Place the frame buffer (a PCI BAR0 write) at base; 0 unmaps it. */
void vga_map_lfb(VGA *v, uint32_t base);
void vga_free(VGA *v);
void vga_reset(VGA *v);

/* Register-level access (what the guest's IN/OUT do). */
uint8_t vga_port_read(VGA *v, uint16_t port);
void vga_port_write(VGA *v, uint16_t port, uint8_t val);
/* Legacy window access: addr is an offset from 0xA0000 (0..0x1FFFF). */
uint8_t vga_mem_read(VGA *v, uint32_t addr);
/* What vga_mem_read would return, without loading the latches. */
uint8_t vga_mem_peek(const VGA *v, uint32_t addr);
void vga_mem_write(VGA *v, uint32_t addr, uint8_t val);
/* Input status 1 at a given virtual time (display enable, retrace). */
uint8_t vga_status1(const VGA *v, int64_t now_ns);

/* VBE (vga_vbe.c). */
void vga_vbe_init(VGA *v, IOBus *io);
void vga_vbe_reset(VGA *v);
uint16_t vga_vbe_read(VGA *v);
void vga_vbe_write(VGA *v, uint16_t val);
bool vga_vbe_enabled(const VGA *v);
/* Mark VRAM bytes [off, off+len) as written (renderer dirty tracking). */
void vga_mark_dirty(VGA *v, uint32_t off, uint32_t len);

/* Render into f (vga_render.c). now_ns drives cursor and text blink.
 * Returns true when any line changed. force: redraw everything. */
bool vga_render(VGA *v, VGAFrame *f, int64_t now_ns, bool force);
VGAFrame *vga_frame_new(void);
void vga_frame_free(VGAFrame *f);

/* The text screen as cells (vga_text.c): char | attr << 8, row-major,
 * at most max cells. False (cells untouched) in a graphics mode. */
typedef struct VGAText {
    int cols, rows;
    int cursor_x, cursor_y;     /* -1: no cursor */
    bool graphics;              /* a graphics or VBE mode */
    bool blank;                 /* the attribute controller shows no picture */
} VGAText;
bool vga_text_snapshot(const VGA *v, uint16_t *cells, int max, VGAText *t);

extern const VMStateDesc vga_vmstate;

#endif
