/* test_vga_pan.c - what the VGA renderer (devices/vga_render.c) shows for
 * panned text screens, the monochrome text mode and the 4 bpp VBE mode's
 * window. Expected pixels are worked by hand from the IBM VGA technical
 * reference (AR13 pixel panning: in 9-dot text modes 8 = no shift, 0-7 =
 * 1-8 dots, in 8-dot modes 0-7 dots; AR10 bit 5 stops panning below a
 * line compare match; CR08 bits 6:5 byte panning and 4:0 the preset row
 * scan; CR14 the underline row of monochrome attributes; AR11 the
 * overscan colour's DAC index) and QEMU's
 * 4 bpp VBE layout (plane p of plane address a at byte 4a + p); none is
 * taken from xlat86's output. (QEMU 7.2 ignores text panning, so these
 * are unit tests; the graphics panning is compared with QEMU's images in
 * tests/vga.) */
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
static VGAFrame *f;

static void outb(uint16_t p, uint8_t v) { io_write(&io, p, v, 1); }
static uint8_t inb(uint16_t p) { return (uint8_t)io_read(&io, p, 1); }
static void outw(uint16_t p, uint16_t v) { io_write(&io, p, v, 2); }
static void sr(uint8_t i, uint8_t v) { outb(0x3c4, i), outb(0x3c5, v); }
static void gr(uint8_t i, uint8_t v) { outb(0x3ce, i), outb(0x3cf, v); }
static void cr(uint8_t i, uint8_t v) { outb(0x3d4, i), outb(0x3d5, v); }
static void ar(uint8_t i, uint8_t v) { inb(0x3da), outb(0x3c0, i), outb(0x3c0, v), outb(0x3c0, 0x20); }
static void vbe(uint16_t i, uint16_t v) { outw(0x1ce, i), outw(0x1cf, v); }

static int setup(void **st)
{
    (void)st;
    memset(&mem, 0, sizeof mem);
    assert_true(mem_init(&mem, 1 << 20));
    io_init(&io);
    insns = 0;
    clock_init(&clk, true, 0, &insns);
    assert_true(vga_isa_init(&vga, &mem, &io, &clk));
    f = vga_frame_new();
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    vga_frame_free(f);
    mem_free(&mem);
    return 0;
}

/* Red component of pixel (x, y): the DAC entry i is (i * 4, 0, 0), so a
 * pixel of attribute colour c reads 4c widened to 8 bits. */
static unsigned px(int x, int y)
{
    return f->pixels[(size_t)y * f->width + x] >> 18;   /* the 6-bit DAC value */
}

/* 80x25 text, 16-line characters, 9 dots (SR01 bit 0 clear), line compare
 * at scan line lc; glyph 0x41 has only its first dot set in every row,
 * glyph 0x42 only its first row. */
static void text_mode(int lc)
{
    sr(1, 0x00); sr(2, 0x03); sr(4, 0x02); gr(5, 0x10); gr(6, 0x0e); cr(0x11, 0);
    cr(1, 79); cr(0x12, 0x8f); cr(0x13, 40); cr(0x0a, 0x20); cr(0x17, 0xa3);
    cr(7, (uint8_t)(0x0f | ((lc >> 4) & 0x10))); cr(9, (uint8_t)(0x0f | ((lc >> 3) & 0x40)));
    cr(0x18, (uint8_t)lc); cr(0x14, 0x1f);
    for (int i = 0; i < 16; i++) ar((uint8_t)i, (uint8_t)i);
    ar(0x10, 0x00); ar(0x12, 0x0f); ar(0x13, 0x08); ar(0x14, 0x00);
    outb(0x3c8, 0);
    for (int i = 0; i < 256; i++) outb(0x3c9, (uint8_t)(i & 63)), outb(0x3c9, 0), outb(0x3c9, 0);
    for (int r = 0; r < 32; r++) {
        vga.vram[(0x41u * 32 + r) * 4 + 2] = 0x80;
        vga.vram[(0x42u * 32 + r) * 4 + 2] = r == 0 ? 0xff : 0x00;
    }
    vga.font_written = 1;
    for (int i = 0; i < 80 * 50; i++)
        mem_write(&mem, 0xb8000 + 2 * i, 0x20, 1), mem_write(&mem, 0xb8001 + 2 * i, 0x0f, 1);
}

static void cell(int i, uint8_t ch) { mem_write(&mem, 0xb8000 + 2 * i, ch, 1); }
static void render(void) { vga_render(&vga, f, 0, false); }

static void test_text_pixel_panning_9dot(void **st)
{
    (void)st;
    text_mode(0x3ff);
    cell(1, 0x41);                  /* its dot at x = 9 */
    cell(80, 0x41);                 /* row 1, column 0: the cell after row 0's last */
    render();
    assert_int_equal(f->width, 720);
    assert_int_equal(px(9, 0), 15);
    assert_int_equal(px(8, 0), 0);
    ar(0x13, 0x00);                 /* 9-dot: 0 shifts by 1 */
    render();
    assert_int_equal(px(8, 0), 15);
    assert_int_equal(px(9, 0), 0);
    assert_int_equal(px(719, 0), 15);   /* row 1 column 0's first dot pans in */
    assert_int_equal(px(719, 16), 0);   /* row 1: from column 80 of its own */
    ar(0x13, 0x03);                 /* 4 dots */
    render();
    assert_int_equal(px(5, 0), 15);
    ar(0x13, 0x07);                 /* 8 dots */
    render();
    assert_int_equal(px(1, 0), 15);
    ar(0x13, 0x08);                 /* no shift again */
    render();
    assert_int_equal(px(9, 0), 15);
    assert_int_equal(px(1, 0), 0);
}

static void test_text_pixel_panning_8dot(void **st)
{
    (void)st;
    text_mode(0x3ff);
    sr(1, 0x01);                    /* 8-dot characters: 640 wide */
    ar(0x13, 0x00);
    cell(1, 0x41);
    render();
    assert_int_equal(f->width, 640);
    assert_int_equal(px(8, 0), 15);
    ar(0x13, 0x03);                 /* 8-dot: 3 shifts by 3 */
    render();
    assert_int_equal(px(5, 0), 15);
    assert_int_equal(px(8, 0), 0);
}

static void test_text_pel_panning_compatibility(void **st)
{
    (void)st;
    text_mode(100);                 /* line compare at scan line 100 */
    cell(1, 0x41);
    cell(6 * 80 + 1, 0x41);         /* character row 6: scan lines 96-111 */
    ar(0x13, 0x00);                 /* 1 dot */
    render();
    assert_int_equal(px(8, 10), 15);    /* above the split: panned */
    assert_int_equal(px(8, 101), 15);   /* below it: still panned (bit 5 clear) */
    ar(0x10, 0x20);                 /* PEL panning compatibility */
    render();
    assert_int_equal(px(8, 10), 15);
    assert_int_equal(px(8, 100), 15);   /* the matching line itself is panned */
    assert_int_equal(px(9, 101), 15);   /* below: unpanned, from address 0 */
    assert_int_equal(px(8, 101), 0);
}

static void test_text_preset_row_scan_and_byte_panning(void **st)
{
    (void)st;
    text_mode(0x3ff);
    cell(2, 0x42);                  /* first glyph row only, x = 18-26 */
    render();
    assert_int_equal(px(18, 0), 15);
    assert_int_equal(px(18, 1), 0);
    cr(8, 0x01);                    /* start at glyph row 1 */
    render();
    assert_int_equal(px(18, 0), 0);
    assert_int_equal(px(18, 15), 0);    /* row 1's first glyph row: column 82 blank */
    cell(82, 0x42);
    render();
    assert_int_equal(px(18, 15), 15);
    cr(8, 0x20);                    /* byte pan 1: column 1 first */
    render();
    assert_int_equal(px(9, 0), 15);     /* cell 2 now at x = 9 */
    assert_int_equal(px(18, 0), 0);
}

/* Mode 7: 80x25 monochrome, 9x14 characters, B0000, CRTC at 0x3B4, CR14
 * underline on row 13; attributes through the mono palette (0 black, 8
 * normal, 0x18 intense). */
static void test_mono_underline(void **st)
{
    (void)st;
    outb(0x3c2, 0xa6);              /* mono: CRTC at 0x3B4 */
    sr(1, 0x00); sr(2, 0x03); sr(4, 0x02); gr(5, 0x10); gr(6, 0x0a);
    outb(0x3b4, 0x11), outb(0x3b5, 0);
    static const uint8_t crt[] = {0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4d,
                                  0x0b, 0x0c, 0, 0, 0, 0, 0x83, 0x85, 0x5d, 0x28, 0x0d, 0x63,
                                  0xba, 0xa3, 0xff};
    for (unsigned i = 0; i < sizeof crt; i++)
        outb(0x3b4, (uint8_t)i), outb(0x3b5, crt[i]);
    outb(0x3b4, 0x0a), outb(0x3b5, 0x20);  /* no cursor */
    inb(0x3ba);
    for (int i = 0; i < 16; i++) outb(0x3c0, (uint8_t)i), outb(0x3c0, i & 8 ? 0x18 : (i ? 0x08 : 0));
    outb(0x3c0, 0x10), outb(0x3c0, 0x0e);   /* mono emulation, line graphics, blink */
    outb(0x3c0, 0x12), outb(0x3c0, 0x0f);
    outb(0x3c0, 0x13), outb(0x3c0, 0x08);
    outb(0x3c0, 0x20);
    outb(0x3c8, 0);
    for (int i = 0; i < 64; i++) outb(0x3c9, (uint8_t)i), outb(0x3c9, 0), outb(0x3c9, 0);
    /* glyph 0x20 blank; cells: 0 attr 0x01 (underline), 1 attr 0x07
     * (normal, no underline), 2 attr 0x09 (intense underline), 3 attr
     * 0x70 (reverse) */
    static const uint8_t at[] = {0x01, 0x07, 0x09, 0x70};
    for (int i = 0; i < 4; i++)
        mem_write(&mem, 0xb0000 + 2 * i, 0x20, 1), mem_write(&mem, 0xb0001 + 2 * i, at[i], 1);
    render();
    assert_int_equal(f->width, 720);
    assert_int_equal(f->height, 350);
    assert_int_equal(px(0, 12), 0);     /* blank above the underline row */
    assert_int_equal(px(0, 13), 8);     /* attr 01: underline in the foreground */
    assert_int_equal(px(8, 13), 8);     /* across all 9 dots */
    assert_int_equal(px(9, 13), 0);     /* attr 07: none */
    assert_int_equal(px(18, 13), 0x18); /* attr 09: intense underline */
    assert_int_equal(px(27, 13), 8);    /* attr 70: reverse, background 7 -> 8 */
    assert_int_equal(px(0, 14), 0);     /* row 0 of the next character row */
}

static void test_vbe4_window(void **st)
{
    (void)st;
    for (int i = 0; i < 16; i++) ar((uint8_t)i, (uint8_t)i);
    ar(0x10, 0x01); ar(0x12, 0x0f); ar(0x14, 0x00);
    outb(0x3c8, 0);
    for (int i = 0; i < 64; i++) outb(0x3c9, (uint8_t)i), outb(0x3c9, 0), outb(0x3c9, 0);
    sr(2, 0x0f); sr(4, 0x06);
    vbe(VBE_INDEX_XRES, 1024); vbe(VBE_INDEX_YRES, 768); vbe(VBE_INDEX_BPP, 4);
    vbe(VBE_INDEX_ENABLE, VBE_ENABLED | VBE_LFB_ENABLED);
    assert_int_equal(vga.vbe_line, 512);         /* 1024 pixels: 128 plane bytes x 4 */
    gr(5, 0x02); gr(8, 0xff);                    /* write mode 2 */
    mem_write(&mem, 0xa0000, 0x0a, 1);           /* plane address 0: colour 10 */
    vbe(VBE_INDEX_BANK, 1);
    mem_read(&mem, 0xa0010, 1);
    mem_write(&mem, 0xa0010, 0x05, 1);           /* plane address 0x10010 */
    assert_int_equal(vga.vram[0x10010 * 4 + 0], 0xff);
    assert_int_equal(vga.vram[0x10010 * 4 + 1], 0x00);
    assert_int_equal(vga.vram[0x10010 * 4 + 2], 0xff);
    assert_int_equal(vga.vram[0x10010 * 4 + 3], 0x00);
    gr(5, 0x00); gr(4, 2);
    assert_int_equal(mem_read(&mem, 0xa0010, 1), 0xff);   /* read map 2 */
    vga_render(&vga, f, 0, true);
    assert_int_equal(f->width, 1024);
    assert_int_equal(f->height, 768);
    assert_int_equal(px(0, 0), 10);
    assert_int_equal(px(7, 0), 10);
    assert_int_equal(px(8, 0), 0);
    /* plane address 0x10010 = 65552: line 512 (128 per line), x = 16 * 8 */
    assert_int_equal(px(128, 512), 5);
}

/* AR11, the overscan colour: a DAC index as it is (no palette, no colour
 * select), black while the palette address source is clear. */
static void test_overscan(void **st)
{
    (void)st;
    text_mode(0x3ff);
    ar(0x14, 0x0c);                 /* colour select: would move palette entries */
    ar(0x11, 0x25);
    render();
    assert_int_equal(f->border >> 18, 0x25);    /* DAC entry 25h: red 25h */
    inb(0x3da), outb(0x3c0, 0x11);  /* palette address source clear: no picture */
    render();
    assert_int_equal(f->border, 0);
}

/* Register extremes a guest may set: 256 columns of doubled 9-dot cells,
 * panned, 32-line cells with the preset row scan past them; 2048-dot
 * panned graphics lines with the halved dot clock. The frame stays within
 * its maximum (run under ASan in CI's sanitizer build). */
static void test_limits(void **st)
{
    (void)st;
    text_mode(0x3ff);
    sr(1, 0x08);                    /* 9-dot, halved dot clock: 18 pixels a cell */
    cr(1, 0xff); cr(9, 0x1f); cr(8, 0x7f); ar(0x13, 0x03);
    render();
    assert_true(f->width <= VGA_MAX_W);
    assert_true(f->height <= VGA_MAX_H);
    gr(6, 0x05); gr(5, 0x00);       /* planar graphics */
    cr(9, 0x00); cr(0x13, 0xff); ar(0x13, 0x07); ar(0x10, 0x21);
    render();
    assert_true(f->width <= VGA_MAX_W);
    gr(5, 0x40);                    /* 256 colours */
    render();
    gr(5, 0x20);                    /* CGA */
    render();
    assert_true(f->width <= VGA_MAX_W);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_text_pixel_panning_9dot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_pixel_panning_8dot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_pel_panning_compatibility, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_preset_row_scan_and_byte_panning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mono_underline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vbe4_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overscan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
