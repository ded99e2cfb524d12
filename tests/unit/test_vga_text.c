/* test_vga_text.c - the text cells the curses display draws
 * (devices/vga_text.c) and code page 437 -> Unicode (frontend/cp437.c;
 * reference: the Unicode Consortium's CP437 mapping table, and the IBM
 * PC's graphic forms of 0x01-0x1F and 0x7F). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devices/vga.h"
#include "frontend/cp437.h"

static Memory mem;
static IOBus io;
static Clock clk;
static uint64_t insns;
static VGA vga;

static int setup(void **st)
{
    (void)st;
    memset(&mem, 0, sizeof mem);
    assert_true(mem_init(&mem, 1 << 20));
    io_init(&io);
    clock_init(&clk, true, 0, &insns);
    assert_true(vga_init(&vga, &mem, &io, &clk));
    /* 80x25 text, 16-line characters (the mode 3 CRTC values) */
    vga.cr[0x01] = 79;
    vga.cr[0x12] = 0x8f;
    vga.cr[0x07] = 0x1f;
    vga.cr[0x09] = 0x4f;
    vga.cr[0x13] = 40;
    vga.cr[0x18] = 0xff;
    vga.cr[0x0a] = 0x0d;
    vga.ar_index = 0x20;
    vga.gr[6] = 0x0e;
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    mem_free(&mem);
    return 0;
}

static void put(uint32_t cell, uint8_t ch, uint8_t attr)
{
    vga.vram[cell * 4] = ch;          /* plane 0: character */
    vga.vram[cell * 4 + 1] = attr;    /* plane 1: attribute */
}

static void test_cells_and_cursor(void **st)
{
    (void)st;
    static uint16_t cells[132 * 60];
    VGAText t;
    put(0, 'A', 0x1f);
    put(80 * 24 + 79, 0xdb, 0x4e);
    vga.cr[0x0e] = 0;
    vga.cr[0x0f] = 81;                /* row 1, column 1 */
    assert_true(vga_text_snapshot(&vga, cells, 132 * 60, &t));
    assert_int_equal(t.cols, 80);
    assert_int_equal(t.rows, 25);
    assert_int_equal(cells[0], 0x1f41);
    assert_int_equal(cells[80 * 24 + 79], 0x4edb);
    assert_int_equal(t.cursor_x, 1);
    assert_int_equal(t.cursor_y, 1);
    assert_false(t.blank);
    /* start address 80: the screen starts at row 1 */
    vga.cr[0x0d] = 80;
    put(80, 'B', 0x07);
    assert_true(vga_text_snapshot(&vga, cells, 132 * 60, &t));
    assert_int_equal(cells[0], 0x0742);
    assert_int_equal(t.cursor_x, 1);
    assert_int_equal(t.cursor_y, 0);
    /* CR08 byte panning 2: two more characters into the start address
     * (as the renderer draws it) */
    vga.cr[0x08] = 0x40;
    put(82, 'C', 0x07);
    assert_true(vga_text_snapshot(&vga, cells, 132 * 60, &t));
    assert_int_equal(cells[0], 0x0743);
    vga.cr[0x08] = 0;
    vga.cr[0x0a] = 0x20;              /* cursor off */
    assert_true(vga_text_snapshot(&vga, cells, 132 * 60, &t));
    assert_int_equal(t.cursor_x, -1);
}

static void test_graphics_and_limits(void **st)
{
    (void)st;
    static uint16_t cells[80 * 10];
    VGAText t;
    assert_true(vga_text_snapshot(&vga, cells, 80 * 10, &t));
    assert_int_equal(t.rows, 10);     /* clipped to the buffer */
    vga.gr[6] |= 1;                   /* graphics */
    assert_false(vga_text_snapshot(&vga, cells, 80 * 10, &t));
    assert_true(t.graphics);
}

static void test_cp437(void **st)
{
    (void)st;
    assert_int_equal(cp437_to_unicode(0x00), 0x0020);
    assert_int_equal(cp437_to_unicode(0x01), 0x263a);
    assert_int_equal(cp437_to_unicode(0x0f), 0x263c);
    assert_int_equal(cp437_to_unicode(0x1f), 0x25bc);
    assert_int_equal(cp437_to_unicode('A'), 'A');
    assert_int_equal(cp437_to_unicode(0x7f), 0x2302);
    assert_int_equal(cp437_to_unicode(0x80), 0x00c7);
    assert_int_equal(cp437_to_unicode(0x9e), 0x20a7);
    assert_int_equal(cp437_to_unicode(0xb0), 0x2591);
    assert_int_equal(cp437_to_unicode(0xc5), 0x253c);
    assert_int_equal(cp437_to_unicode(0xdb), 0x2588);
    assert_int_equal(cp437_to_unicode(0xe1), 0x00df);
    assert_int_equal(cp437_to_unicode(0xf9), 0x2219);
    assert_int_equal(cp437_to_unicode(0xff), 0x00a0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cells_and_cursor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_graphics_and_limits, setup, teardown),
        cmocka_unit_test(test_cp437),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
