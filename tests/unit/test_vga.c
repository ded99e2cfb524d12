/* test_vga.c - the VGA (devices/vga.c, vga_vbe.c, vga_render.c) through its
 * ports and memory window. Expected values come from the IBM VGA
 * technical reference (register semantics) and Bochs' VBE documentation,
 * worked by hand; none is taken from xlat86's output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vga.h"

static Memory mem;
static IOBus io;
static Clock clk;
static uint64_t insns;
static VGA vga;

static void outb(uint16_t p, uint8_t v) { io_write(&io, p, v, 1); }
static uint8_t inb(uint16_t p) { return (uint8_t)io_read(&io, p, 1); }
static void outw(uint16_t p, uint16_t v) { io_write(&io, p, v, 2); }
static uint16_t inw(uint16_t p) { return (uint16_t)io_read(&io, p, 2); }
static void sr(uint8_t i, uint8_t v) { outb(0x3c4, i), outb(0x3c5, v); }
static void gr(uint8_t i, uint8_t v) { outb(0x3ce, i), outb(0x3cf, v); }
static void cr(uint8_t i, uint8_t v) { outb(0x3d4, i), outb(0x3d5, v); }
static uint8_t rd(uint32_t a) { return (uint8_t)mem_read(&mem, 0xa0000 + a, 1); }
static void wr(uint32_t a, uint8_t v) { mem_write(&mem, 0xa0000 + a, v, 1); }
static uint8_t plane(uint32_t a, int p) { return vga.vram[a * 4 + p]; }

static int setup(void **st)
{
    (void)st;
    memset(&mem, 0, sizeof mem);
    assert_true(mem_init(&mem, 1 << 20));
    io_init(&io);
    insns = 0;
    clock_init(&clk, true, 0, &insns);
    assert_true(vga_isa_init(&vga, &mem, &io, &clk));
    /* planar graphics: A0000 64 KiB, all planes */
    gr(6, 0x05);
    sr(2, 0x0f);
    sr(4, 0x06);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    mem_free(&mem);
    return 0;
}

static void test_write_mode0_setreset_rotate_logic(void **st)
{
    (void)st;
    gr(8, 0xff);
    wr(0, 0xa5);                                  /* plain: every plane */
    for (int p = 0; p < 4; p++) assert_int_equal(plane(0, p), 0xa5);
    gr(0, 0x05); gr(1, 0x07);                     /* set/reset planes 0-2 = 1,0,1 */
    wr(1, 0x3c);
    assert_int_equal(plane(1, 0), 0xff);
    assert_int_equal(plane(1, 1), 0x00);
    assert_int_equal(plane(1, 2), 0xff);
    assert_int_equal(plane(1, 3), 0x3c);          /* plane 3: the data */
    gr(1, 0); gr(3, 0x02);                        /* rotate right 2 */
    wr(2, 0x81);
    assert_int_equal(plane(2, 0), 0x60);
    rd(0);                                        /* latches = a5 x4 */
    gr(3, 0x18);                                  /* XOR, no rotate */
    wr(3, 0x0f);
    assert_int_equal(plane(3, 1), 0xaa);
    gr(3, 0x08);                                  /* AND */
    wr(3, 0x0f);
    assert_int_equal(plane(3, 1), 0x05);
    gr(3, 0x10);                                  /* OR */
    wr(3, 0x0f);
    assert_int_equal(plane(3, 1), 0xaf);
    gr(3, 0); gr(8, 0xf0);                        /* bit mask keeps latch bits */
    wr(3, 0x00);
    assert_int_equal(plane(3, 2), 0x05);
}

static void test_write_modes_1_2_3(void **st)
{
    (void)st;
    gr(8, 0xff);
    sr(2, 0x01); wr(0, 0x11); sr(2, 0x02); wr(0, 0x22); sr(2, 0x04); wr(0, 0x33); sr(2, 0x08); wr(0, 0x44);
    sr(2, 0x0f);
    gr(5, 0x01);                                  /* write mode 1: latches */
    rd(0);
    wr(5, 0xee);
    assert_int_equal(plane(5, 0), 0x11);
    assert_int_equal(plane(5, 3), 0x44);
    gr(5, 0x02); gr(8, 0x0f);                     /* write mode 2: colour 0110 */
    rd(6);
    wr(6, 0x06);
    assert_int_equal(plane(6, 0), 0x00);
    assert_int_equal(plane(6, 1), 0x0f);
    assert_int_equal(plane(6, 2), 0x0f);
    assert_int_equal(plane(6, 3), 0x00);
    gr(5, 0x03); gr(8, 0x3c); gr(0, 0x09);        /* write mode 3: mask & data */
    rd(7);
    wr(7, 0xf0);                                  /* bits = 0x3c & 0xf0 = 0x30 */
    assert_int_equal(plane(7, 0), 0x30);
    assert_int_equal(plane(7, 1), 0x00);
    assert_int_equal(plane(7, 3), 0x30);
}

static void test_read_modes(void **st)
{
    (void)st;
    gr(8, 0xff);
    sr(2, 0x01); wr(0, 0xf0); sr(2, 0x02); wr(0, 0xcc); sr(2, 0x04); wr(0, 0xaa); sr(2, 0x08); wr(0, 0x0f);
    sr(2, 0x0f);
    gr(4, 2);                                     /* read mode 0, map 2 */
    assert_int_equal(rd(0), 0xaa);
    gr(5, 0x08); gr(2, 0x03); gr(7, 0x0f);        /* read mode 1: colour 0011 */
    /* pixel colours (bit 7..0): p0 f0, p1 cc, p2 aa, p3 0f ->
     * bit7: 1,1,1,0 = 7; bit6: 1,1,0,0 = 3; bit5: 1,0,1,0 = 5; bit4: 1,0,0,0 = 1
     * bit3: 0,1,1,1 = e; bit2: 0,1,0,1 = a; bit1: 0,0,1,1 = c; bit0: 0,0,0,1 = 8 */
    assert_int_equal(rd(0), 0x40);
    gr(7, 0x03);                                  /* don't care planes 2, 3 */
    assert_int_equal(rd(0), 0xc0);                /* p0 = p1 = 1 at bits 7 and 6 */
}

static void test_chain4_and_odd_even(void **st)
{
    (void)st;
    sr(4, 0x0e);                                  /* chain-4 */
    for (int i = 0; i < 8; i++) wr((uint32_t)i, (uint8_t)(0x10 + i));
    assert_int_equal(plane(0, 0), 0x10);
    assert_int_equal(plane(0, 3), 0x13);
    assert_int_equal(plane(1, 1), 0x15);
    assert_int_equal(rd(6), 0x16);
    sr(4, 0x02); gr(5, 0x10); gr(6, 0x0e);        /* odd/even at B8000 */
    mem_write(&mem, 0xb8000, 0x41, 1);
    mem_write(&mem, 0xb8001, 0x1f, 1);
    mem_write(&mem, 0xb8002, 0x42, 1);
    assert_int_equal(plane(0, 0), 0x41);
    assert_int_equal(plane(0, 1), 0x1f);
    assert_int_equal(plane(1, 0), 0x42);
    assert_int_equal(mem_read(&mem, 0xb8001, 1), 0x1f);
    assert_int_equal(mem_read(&mem, 0xa0000, 1), 0xff);   /* outside B8000 window */
}

/* A debugger's read (mem_mmio_peek, the monitor's xp) sees what a CPU read
 * sees but leaves the latches alone: a write mode 1 store after it still
 * copies the latches of the last CPU read (IBM VGA reference, write mode 1:
 * the latched planes are written unchanged). */
static void test_peek_keeps_latches(void **st)
{
    (void)st;
    gr(8, 0xff);
    sr(2, 0x01); wr(0, 0x11); wr(1, 0x22); sr(2, 0x02); wr(0, 0x33); wr(1, 0x44); sr(2, 0x0f);
    gr(4, 1);                                     /* read mode 0, map 1 */
    assert_int_equal(rd(0), 0x33);                /* latches = planes at 0 */
    uint8_t b = 0;
    assert_true(mem_mmio_peek(&mem, 0xa0001, &b));
    assert_int_equal(b, 0x44);                    /* the value a read gives */
    gr(5, 0x01);                                  /* write mode 1 */
    wr(2, 0x00);
    assert_int_equal(plane(2, 0), 0x11);          /* latches from offset 0, not 1 */
    assert_int_equal(plane(2, 1), 0x33);
    /* odd/even text at B8000 */
    gr(5, 0x10); gr(6, 0x0e); sr(4, 0x02);
    mem_write(&mem, 0xb8000, 0x41, 1);
    mem_write(&mem, 0xb8001, 0x1f, 1);
    assert_true(mem_mmio_peek(&mem, 0xb8000, &b));
    assert_int_equal(b, 0x41);
    assert_true(mem_mmio_peek(&mem, 0xb8001, &b));
    assert_int_equal(b, 0x1f);
    /* RAM is not MMIO: no peek through the hook */
    assert_false(mem_mmio_peek(&mem, 0x1000, &b));
}

static void test_dac(void **st)
{
    (void)st;
    outb(0x3c8, 5);
    outb(0x3c9, 0x3f); outb(0x3c9, 0x41); outb(0x3c9, 0x12);  /* 0x41 -> 6 bits: 0x01 */
    outb(0x3c9, 0x01);
    assert_int_equal(inb(0x3c7), 0);              /* write mode state */
    assert_int_equal(inb(0x3c8), 6);
    outb(0x3c7, 5);
    assert_int_equal(inb(0x3c7), 3);
    assert_int_equal(inb(0x3c9), 0x3f);
    assert_int_equal(inb(0x3c9), 0x01);
    assert_int_equal(inb(0x3c9), 0x12);
    assert_int_equal(inb(0x3c9), 0x00);           /* entry 6: a lone red is not committed */
    outb(0x3c6, 0x0f);
    assert_int_equal(inb(0x3c6), 0x0f);
}

static void test_crtc_protect_and_ports(void **st)
{
    (void)st;
    cr(0x11, 0x80);
    cr(1, 0x4f);
    assert_int_equal(vga.cr[1], 0);               /* protected */
    cr(7, 0xff);
    assert_int_equal(vga.cr[7], 0x10);            /* except line compare bit 8 */
    cr(0x11, 0x00);
    cr(1, 0x4f);
    assert_int_equal(vga.cr[1], 0x4f);
    outb(0x3d4, 0x0c); outb(0x3d5, 0x12);
    assert_int_equal(inb(0x3d5), 0x12);
    outb(0x3c2, 0x66);                            /* mono: 0x3Dx stops answering */
    assert_int_equal(inb(0x3cc), 0x66);
    assert_int_equal(inb(0x3d5), 0xff);
    outb(0x3b4, 0x0c);
    assert_int_equal(inb(0x3b5), 0x12);
}

static void test_attribute_flip_flop(void **st)
{
    (void)st;
    inb(0x3da);
    outb(0x3c0, 0x10);                            /* index */
    outb(0x3c0, 0x0c);                            /* data */
    outb(0x3c0, 0x31);                            /* index 0x11 | PAS */
    assert_int_equal(inb(0x3c0), 0x31);
    inb(0x3da);                                   /* reset: next is an index again */
    outb(0x3c0, 0x12);
    outb(0x3c0, 0xff);
    assert_int_equal(vga.ar[0x10], 0x0c);
    assert_int_equal(vga.ar[0x12], 0x3f);         /* colour plane enable: bits 5:0 */
    outb(0x3c0, 0x05);
    assert_int_equal(inb(0x3c1), 0x00);
}

static void test_status1_timing(void **st)
{
    (void)st;
    /* mode 3 timing: vertical total 0x1bf + 2 = 449 lines, display end
     * 400, retrace start 0x19c = 412, end (0x8e & 15) = 14 -> 2 lines */
    cr(0x11, 0); cr(6, 0xbf); cr(7, 0x1f); cr(0x10, 0x9c); cr(0x11, 0x8e); cr(0x12, 0x8f);
    int64_t frame = 1000000000 / 70, line = frame / 449;
    assert_int_equal(vga_status1(&vga, line * 10), 0x00);        /* active */
    assert_int_equal(vga_status1(&vga, line * 10 + line * 9 / 10), 0x01);  /* hblank */
    assert_int_equal(vga_status1(&vga, line * 405), 0x01);       /* vblank, no retrace */
    assert_int_equal(vga_status1(&vga, line * 413), 0x09);       /* retrace */
    assert_int_equal(vga_status1(&vga, frame + line * 413), 0x09);
}

static void test_vbe(void **st)
{
    (void)st;
    outw(0x1ce, VBE_INDEX_ID);
    assert_int_equal(inw(0x1cf), VBE_ID5);
    outw(0x1cf, 0xb0c2);
    assert_int_equal(inw(0x1cf), 0xb0c2);
    outw(0x1ce, VBE_INDEX_VIDEO_MEMORY_64K);
    assert_int_equal(inw(0x1cf), 256);
    outw(0x1ce, VBE_INDEX_ENABLE); outw(0x1cf, VBE_GETCAPS);
    outw(0x1ce, VBE_INDEX_XRES);
    assert_true(inw(0x1cf) >= 1600);
    outw(0x1ce, VBE_INDEX_ENABLE); outw(0x1cf, 0);
    outw(0x1ce, VBE_INDEX_XRES); outw(0x1cf, 1600);
    outw(0x1ce, VBE_INDEX_YRES); outw(0x1cf, 1200);
    outw(0x1ce, VBE_INDEX_BPP); outw(0x1cf, 32);
    outw(0x1ce, VBE_INDEX_ENABLE); outw(0x1cf, VBE_ENABLED | VBE_LFB_ENABLED);
    assert_int_equal(vga.vbe_line, 6400);
    outw(0x1ce, VBE_INDEX_BANK); outw(0x1cf, 3);
    wr(0x10, 0x5a);                               /* banked window */
    assert_int_equal(vga.vram[3 * 65536 + 0x10], 0x5a);
    mem_write(&mem, VGA_ISA_LFB + 0x123456, 0xa7, 1);   /* linear frame buffer */
    assert_int_equal(vga.vram[0x123456], 0xa7);
    outw(0x1ce, VBE_INDEX_Y_OFFSET); outw(0x1cf, 2);
    assert_int_equal(vga.vbe_start, 12800);
    /* 1600x1200x32 renders at full size */
    VGAFrame *f = vga_frame_new();
    vga_render(&vga, f, 0, true);
    assert_int_equal(f->width, 1600);
    assert_int_equal(f->height, 1200);
    vga_frame_free(f);
}

/* A mode 3-like text screen with an own font: char 0xc3 and 0xb3 have the
 * row pattern 0x01 (only the 8th dot). */
static void text_mode(void)
{
    sr(1, 0x00); sr(4, 0x02); gr(5, 0x10); gr(6, 0x0e); cr(0x11, 0);
    cr(1, 79); cr(7, 0x1f); cr(9, 0x4f); cr(0x18, 0xff);   /* line compare off-screen */ cr(0x12, 0x8f); cr(0x13, 40); cr(0x0a, 0x20);
    cr(0x17, 0xa3);
    inb(0x3da);
    for (int i = 0; i < 16; i++) outb(0x3c0, (uint8_t)i), outb(0x3c0, (uint8_t)i);
    outb(0x3c0, 0x10), outb(0x3c0, 0x0c);         /* line graphics + blink */
    outb(0x3c0, 0x12), outb(0x3c0, 0x0f);
    outb(0x3c0, 0x13), outb(0x3c0, 0x08);         /* 9-dot text: no pixel panning */
    outb(0x3c0, 0x20);
    outb(0x3c8, 0);
    for (int i = 0; i < 16; i++) outb(0x3c9, (uint8_t)(i * 4)), outb(0x3c9, 0), outb(0x3c9, 0);
    for (int r = 0; r < 16; r++) {
        vga.vram[(0xc3u * 32 + r) * 4 + 2] = 0x01;
        vga.vram[(0xb3u * 32 + r) * 4 + 2] = 0x01;
    }
    vga.font_written = 1;
}

static uint32_t red(uint32_t c) { return c >> 16; }

static void test_text_render_line_graphics_blink(void **st)
{
    (void)st;
    text_mode();
    VGAFrame *f = vga_frame_new();
    mem_write(&mem, 0xb8000, 0xc3, 1), mem_write(&mem, 0xb8001, 0x1f, 1);  /* fg 15, bg 1 */
    mem_write(&mem, 0xb8002, 0xb3, 1), mem_write(&mem, 0xb8003, 0x1f, 1);
    mem_write(&mem, 0xb8004, 0xc3, 1), mem_write(&mem, 0xb8005, 0x9f, 1);  /* blinking */
    vga_render(&vga, f, 0, true);
    assert_int_equal(f->width, 720);
    assert_int_equal(f->height, 400);
    uint32_t fg = red(f->pixels[7]), bg = red(f->pixels[0]);
    assert_int_equal(fg, 0xf0);                   /* 60 -> 8 bits */
    assert_int_equal(bg, 0x10);
    assert_int_equal(red(f->pixels[8]), fg);      /* C3h: 9th dot repeats the 8th */
    assert_int_equal(red(f->pixels[9 + 8]), bg);  /* B3h: 9th dot is background */
    assert_int_equal(red(f->pixels[18 + 7]), fg); /* blink phase on (frame 0) */
    /* 32 frames at 70 Hz later the blinking cell shows its background */
    int64_t later = 32 * (1000000000 / 70) + 1000;
    memset(f->line_dirty, 0, sizeof f->line_dirty);
    assert_true(vga_render(&vga, f, later, false));
    assert_int_equal(red(f->pixels[18 + 7]), bg);
    assert_int_equal(red(f->pixels[7]), fg);      /* not blinking: unchanged */
    /* an idle screen: nothing redrawn */
    memset(f->line_dirty, 0, sizeof f->line_dirty);
    assert_false(vga_render(&vga, f, later + 1000, false));
    for (int y = 0; y < 400; y++) assert_int_equal(f->line_dirty[y], 0);
    /* one cell changes: only its 16 lines */
    mem_write(&mem, 0xb8000 + 160 * 3, 0xc3, 1);
    assert_true(vga_render(&vga, f, later + 2000, false));
    for (int y = 0; y < 400; y++)
        if (f->line_dirty[y] != (y >= 48 && y < 64)) fail_msg("line %d dirty %d", y, f->line_dirty[y]);
    vga_frame_free(f);
}

static void test_graphics_dirty_lines(void **st)
{
    (void)st;
    /* mode 13h */
    sr(1, 0x01); sr(4, 0x0e); gr(5, 0x40); gr(6, 0x05); cr(0x11, 0);
    cr(1, 0x4f); cr(7, 0x1f); cr(9, 0x41); cr(0x12, 0x8f); cr(0x13, 0x28); cr(0x17, 0xa3);
    cr(0x18, 0xff);
    inb(0x3da); outb(0x3c0, 0x20);
    VGAFrame *f = vga_frame_new();
    vga_render(&vga, f, 0, true);
    assert_int_equal(f->width, 640);
    assert_int_equal(f->height, 400);
    memset(f->line_dirty, 0, sizeof f->line_dirty);
    wr(320 * 100 + 5, 7);                         /* line 100 -> output 200, 201 */
    assert_true(vga_render(&vga, f, 0, false));
    int n = 0;
    for (int y = 0; y < 400; y++) n += f->line_dirty[y];
    assert_true(f->line_dirty[200] && f->line_dirty[201]);
    if (n > 2 * 15) fail_msg("%d lines redrawn", n);                    /* the lines touching its 4 KiB page */
    vga_frame_free(f);
}

static void test_reset_and_save_load(void **st)
{
    (void)st;
    sr(4, 0x0e); wr(3, 0x77);
    gr(3, 0x18); sr(2, 0x05); cr(0x0c, 0x34);
    outb(0x3c8, 9); outb(0x3c9, 1); outb(0x3c9, 2); outb(0x3c9, 3);
    outw(0x1ce, VBE_INDEX_XRES); outw(0x1cf, 800);
    VMRegistry r;
    vm_registry_init(&r, &clk);
    assert_true(vm_register(&r, "vga", &vga_vmstate, &vga));
    FILE *fp = tmpfile();
    assert_true(vm_save(&r, fp));
    vm_reset_all(&r);
    assert_int_equal(vga.gr[3], 0);
    assert_int_equal(vga.sr[2], 0);
    assert_int_equal(vga.cr[0x0c], 0);
    assert_int_equal(vga.palette[27], 0);
    assert_int_equal(vga.dac_mask, 0xff);
    assert_int_equal(vga.vbe_regs[VBE_INDEX_XRES], 0);
    vga.vram[3] = 0;
    rewind(fp);
    char err[256];
    assert_true(vm_load(&r, fp, err, sizeof err));
    fclose(fp);
    assert_int_equal(vga.gr[3], 0x18);
    assert_int_equal(vga.sr[2], 0x05);
    assert_int_equal(vga.cr[0x0c], 0x34);
    assert_int_equal(vga.palette[27], 1);
    assert_int_equal(vga.palette[29], 3);
    assert_int_equal(vga.vbe_regs[VBE_INDEX_XRES], 800);
    assert_int_equal(vga.vram[3], 0x77);          /* planar memory is saved */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_mode0_setreset_rotate_logic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_modes_1_2_3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chain4_and_odd_even, setup, teardown),
        cmocka_unit_test_setup_teardown(test_peek_keeps_latches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dac, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crtc_protect_and_ports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attribute_flip_flop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status1_timing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vbe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_render_line_graphics_blink, setup, teardown),
        cmocka_unit_test_setup_teardown(test_graphics_dirty_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_and_save_load, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
