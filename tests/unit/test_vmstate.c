/* test_vmstate.c - the device registry: reset through it, and state
 * save/load of every registered device of the board (a round trip that
 * checks the registers read back and that the device behaves the same
 * afterwards), clock rebasing, and the load errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "pc.h"
#include "vmstate.h"

static PC pc;
static char rom_path[64];

static void outb(uint16_t port, uint8_t v) { io_write(&pc.io, port, v, 1); }
static uint8_t inb(uint16_t port) { return (uint8_t)io_read(&pc.io, port, 1); }

/* Virtual time under -icount 0 without a CPU: 1 ns per "instruction". */
static void advance(int64_t ns)
{
    pc.no_cpu_icount += (uint64_t)ns;
    clock_run_timers(&pc.clock);
}

static int setup(void **state)
{
    (void)state;
    snprintf(rom_path, sizeof rom_path, "/tmp/test_vmstate_romXXXXXX");
    int fd = mkstemp(rom_path);
    assert_true(fd >= 0);
    static uint8_t img[4096];
    memset(img, 0xf4, sizeof img);
    assert_int_equal(write(fd, img, sizeof img), (int)sizeof img);
    close(fd);
    PCConfig cfg = {0};
    cfg.ram_mib = 4;
    cfg.bios_path = rom_path;
    cfg.icount = true;
    cfg.icount_shift = 0;
    char e[256];
    if (!pc_init(&pc, &cfg, e, sizeof e))
        fail_msg("%s", e);
    pc.no_cpu_icount = 1000000;   /* not at time 0 */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pc_free(&pc);
    unlink(rom_path);
    return 0;
}

static void pic_setup(void)
{
    outb(0x20, 0x11); outb(0x21, 0x08); outb(0x21, 0x04); outb(0x21, 0x01);
    outb(0xa0, 0x11); outb(0xa1, 0x70); outb(0xa1, 0x02); outb(0xa1, 0x01);
    outb(0x21, 0x00);
    outb(0xa1, 0x00);
}

static FILE *save(void)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_true(vmstate_save_devices(f, &pc));
    rewind(f);
    return f;
}

static void load(FILE *f)
{
    char err[200] = "";
    rewind(f);
    if (!vmstate_load_devices(f, &pc, err, sizeof err))
        fail_msg("load: %s", err);
}

static void registry_lists_every_device(void **state)
{
    (void)state;
    static const char *const want[] = {"clock", "pic", "pit", "uart0", "uart1",
                                       "a20", "board", "i8042", "acpi", "cmos",
                                       "pcibus", "i440fx", "piix3", "piix4-pm", "dma",
                                       "fw_cfg", "vga", "vga-pci",
                                       "fdc", "ide0", "ide1", "bmdma"};
    assert_int_equal(pc.vm.n, (int)(sizeof want / sizeof want[0]));
    for (int i = 0; i < pc.vm.n; i++)
        assert_string_equal(pc.vm.dev[i].name, want[i]);
    assert_false(vm_register(&pc.vm, "pic", &pic_vmstate, &pc.pic));   /* taken */
}

static void pc_reset_resets_every_device(void **state)
{
    (void)state;
    pic_setup();
    outb(0x21, 0x5a);
    outb(0x43, 0x34); outb(0x40, 0x00); outb(0x40, 0x10);
    outb(0x3fb, 0x03); outb(0x3ff, 0x77); outb(0x2ff, 0x66);
    outb(0x92, 0x00);
    outb(0x64, 0x60); outb(0x60, 0x00);
    io_write(&pc.io, ACPI_PM1_EVT_BLK + 2, 0x0100, 2);
    cmos_write_reg(&pc.cmos, CMOS_REG_B, CMOS_B_PIE | CMOS_B_24H);
    cmos_write_reg(&pc.cmos, 0x40, 0x99);
    pc_reset(&pc);
    assert_int_equal(inb(0x21), 0xff);
    assert_int_equal(inb(0x3fb), 0);
    assert_int_equal(inb(0x3ff), 0);
    assert_int_equal(inb(0x2ff), 0);
    assert_int_equal(inb(0x92), 0x02);
    assert_true(pc.mem.a20);
    outb(0x64, 0x20);
    assert_int_equal(inb(0x60), I8042_CTR_XLATE | I8042_CTR_SYS | I8042_CTR_KBDINT);
    assert_int_equal(io_read(&pc.io, ACPI_PM1_EVT_BLK + 2, 2), 0);
    assert_int_equal(cmos_read_reg(&pc.cmos, CMOS_REG_B), CMOS_B_24H);   /* PIE cleared */
    assert_int_equal(cmos_read_reg(&pc.cmos, 0x40), 0x99);               /* battery RAM kept */
}

static void clock_continues_from_the_saved_time(void **state)
{
    (void)state;
    int64_t t = clock_now(&pc.clock);
    FILE *f = save();
    advance(5000000);
    assert_int_equal(clock_now(&pc.clock), t + 5000000);
    load(f);
    assert_int_equal(clock_now(&pc.clock), t);
    advance(10);
    assert_int_equal(clock_now(&pc.clock), t + 10);
    fclose(f);
    /* Host-clock mode: rebase lands on the requested time. */
    Clock c;
    clock_init(&c, false, 0, NULL);
    clock_rebase(&c, 123456789012);
    int64_t now = clock_now(&c);
    assert_true(now >= 123456789012 && now < 123456789012 + 1000000000);
}

static void pic_round_trip(void **state)
{
    (void)state;
    pic_setup();
    outb(0x21, 0x10);                        /* mask IRQ4 */
    outb(0xa1, 0x02);                        /* mask IRQ9 */
    /* Lines no board device drives (their post_load would re-drive them). */
    irq_raise(pic_input(&pc.pic, 5));
    assert_int_equal(pic_ack(&pc.pic), 0x0d);   /* IRQ5 in service */
    irq_raise(pic_input(&pc.pic, 10));
    irq_raise(pic_input(&pc.pic, 11));       /* IRQ6 is the floppy controller's now */
    irq_raise(pic_input(&pc.pic, 7));
    FILE *f = save();
    /* Reference behaviour after the save point. */
    int ref1 = pic_ack(&pc.pic);
    outb(0x20, 0x20);
    outb(0x20, 0x20);
    int ref2 = pic_ack(&pc.pic);
    pc_reset(&pc);
    assert_int_equal(inb(0x21), 0xff);
    assert_int_equal(irq_level(&pc.intr_line), 0);
    load(f);
    assert_int_equal(inb(0x21), 0x10);
    assert_int_equal(inb(0xa1), 0x02);
    outb(0x20, 0x0b);                        /* OCW3: read ISR */
    assert_int_equal(inb(0x20), 0x20);
    outb(0x20, 0x0a);                        /* read IRR */
    assert_int_equal(inb(0x20), 0x84);       /* IR2 (slave: IR10, IR11), IR7 */
    assert_int_equal(irq_level(&pc.intr_line), 1);   /* INT recomputed */
    assert_int_equal(pic_ack(&pc.pic), ref1);
    outb(0x20, 0x20);
    outb(0x20, 0x20);
    assert_int_equal(pic_ack(&pc.pic), ref2);
    assert_int_equal(ref1, 0x72);
    assert_int_equal(ref2, 0x0f);             /* IR7: IRQ11 waits behind IRQ10 in service on the slave */
    fclose(f);
}

static void pit_round_trip(void **state)
{
    (void)state;
    pic_setup();
    outb(0x43, 0x34); outb(0x40, 0xe8); outb(0x40, 0x03);    /* ch0 mode 2, 1000 */
    outb(0x43, 0xb6); outb(0x42, 0x34); outb(0x42, 0x12);    /* ch2 mode 3 */
    outb(0x61, 0x01);
    advance(300000);
    FILE *f = save();
    uint16_t c0[2], c2[2];
    int irqs[2];
    for (int run = 0; run < 2; run++) {
        if (run == 1) {
            pc_reset(&pc);
            load(f);
            assert_int_equal(inb(0x61) & 1, 1);
        }
        irqs[run] = 0;
        for (int i = 0; i < 20; i++) {
            advance(97000);
            if (pic_intr_pending(&pc.pic)) {
                pic_ack(&pc.pic);
                outb(0x20, 0x20);
                irqs[run]++;
            }
        }
        outb(0x43, 0x00);
        c0[run] = (uint16_t)(inb(0x40) | inb(0x40) << 8);
        outb(0x43, 0x80);
        c2[run] = (uint16_t)(inb(0x42) | inb(0x42) << 8);
    }
    assert_int_equal(c0[0], c0[1]);
    assert_int_equal(c2[0], c2[1]);
    assert_int_equal(irqs[0], irqs[1]);
    assert_true(irqs[0] > 0);
    fclose(f);
}

static void uart_round_trip(void **state)
{
    (void)state;
    pic_setup();
    outb(0x3fb, 0x80); outb(0x3f8, 0x01); outb(0x3f9, 0x00);   /* divisor 1 */
    outb(0x3fb, 0x1b);                                        /* 8E1 */
    outb(0x3fa, 0x07);                                        /* FIFO, trigger 1 */
    outb(0x3fc, 0x0b);                                        /* DTR RTS OUT2 */
    outb(0x3f9, 0x01);                                        /* RX interrupt */
    outb(0x3ff, 0x5a);
    outb(0x2ff, 0xa5);
    const uint8_t bytes[] = "hello, state";
    uart_receive(&pc.uart[0], bytes, sizeof bytes - 1);
    advance(100000);
    FILE *f = save();
    uint8_t iir0 = inb(0x3fa);
    pc_reset(&pc);
    assert_int_equal(inb(0x3ff), 0);
    load(f);
    assert_int_equal(inb(0x3fb), 0x1b);
    assert_int_equal(inb(0x3fc), 0x0b);
    assert_int_equal(inb(0x3f9), 0x01);
    assert_int_equal(inb(0x3ff), 0x5a);
    assert_int_equal(inb(0x2ff), 0xa5);
    outb(0x3fb, 0x9b);
    assert_int_equal(inb(0x3f8), 0x01);
    outb(0x3fb, 0x1b);
    assert_int_equal(inb(0x3fa), iir0);
    assert_int_equal(irq_level(pic_input(&pc.pic, 4)), 1);
    for (size_t i = 0; i < sizeof bytes - 1; i++) {
        assert_true(inb(0x3fd) & UART_LSR_DR);
        assert_int_equal(inb(0x3f8), bytes[i]);
    }
    assert_false(inb(0x3fd) & UART_LSR_DR);
    assert_int_equal(irq_level(pic_input(&pc.pic, 4)), 0);
    fclose(f);
}

static void cmos_round_trip(void **state)
{
    (void)state;
    pic_setup();
    cmos_set_time(&pc.cmos, 1700000000);
    cmos_write_reg(&pc.cmos, CMOS_REG_A, 0x26);                 /* 1024 Hz */
    cmos_write_reg(&pc.cmos, CMOS_REG_B, CMOS_B_PIE | CMOS_B_24H | CMOS_B_DM);
    cmos_write_reg(&pc.cmos, 0x40, 0x42);
    outb(0x70, 0x80 | 0x0f);                                    /* NMI masked */
    advance(3000000);
    int64_t tod = cmos_time_ns(&pc.cmos);
    FILE *f = save();
    int ticks[2];
    uint8_t sec[2];
    for (int run = 0; run < 2; run++) {
        if (run == 1) {
            pc_reset(&pc);
            load(f);
            assert_int_equal(cmos_time_ns(&pc.cmos), tod);
            assert_int_equal(cmos_read_reg(&pc.cmos, 0x40), 0x42);
            assert_true(cmos_nmi_masked(&pc.cmos));
        }
        ticks[run] = 0;
        for (int i = 0; i < 50; i++) {
            advance(500000);
            if (cmos_read_reg(&pc.cmos, CMOS_REG_C) & CMOS_C_PF)
                ticks[run]++;
        }
        sec[run] = cmos_read_reg(&pc.cmos, CMOS_SEC);
    }
    assert_int_equal(ticks[0], ticks[1]);
    assert_true(ticks[0] >= 20);
    assert_int_equal(sec[0], sec[1]);
    fclose(f);
}

static void i8042_round_trip(void **state)
{
    (void)state;
    pic_setup();
    outb(0x64, 0x60); outb(0x60, 0x45);       /* command byte: XLATE SYS KBDINT */
    outb(0x64, 0xaa);                         /* self test -> 0x55 queued */
    outb(0x60, 0xff);                         /* keyboard reset -> FA AA */
    FILE *f = save();
    assert_int_equal(irq_level(pic_input(&pc.pic, 1)), 1);
    pc_reset(&pc);
    load(f);
    assert_int_equal(irq_level(pic_input(&pc.pic, 1)), 1);
    assert_true(inb(0x64) & I8042_STR_OBF);
    assert_int_equal(inb(0x60), 0x55);
    assert_int_equal(inb(0x60), 0xfa);
    assert_int_equal(inb(0x60), 0xaa);
    assert_false(inb(0x64) & I8042_STR_OBF);
    outb(0x64, 0x20);
    assert_int_equal(inb(0x60), 0x45);
    fclose(f);
}

static void acpi_and_board_round_trip(void **state)
{
    (void)state;
    pic_setup();
    io_write(&pc.io, ACPI_PM1_EVT_BLK + 2, 0x0121, 2);
    outb(0x92, 0x00);                                  /* A20 off */
    outb(0xcf9, 0x0a);
    assert_false(pc.mem.a20);
    FILE *f = save();
    uint32_t tmr = io_read(&pc.io, ACPI_PM_TMR_BLK, 4);
    pc_reset(&pc);
    assert_true(pc.mem.a20);
    load(f);
    assert_int_equal(io_read(&pc.io, ACPI_PM1_EVT_BLK + 2, 2), 0x0121);
    assert_int_equal(io_read(&pc.io, ACPI_PM1_CNT_BLK, 2) & ACPI_PM1_SCI_EN, ACPI_PM1_SCI_EN);
    assert_int_equal(io_read(&pc.io, ACPI_PM_TMR_BLK, 4), tmr);
    assert_false(pc.mem.a20);
    assert_int_equal(inb(0x92), 0x00);
    assert_int_equal(inb(0xcf9), 0x0a);
    fclose(f);
}

/* ---- errors, on a registry of test devices ---- */

typedef struct Dev1 { uint32_t a; uint8_t b[3]; Timer t; } Dev1;
typedef struct Dev1Big { uint64_t a; uint8_t b[3]; Timer t; } Dev1Big;
static const VMField dev1_fields[] = {VMF(Dev1, a), VMF(Dev1, b), VMF_TIMER(Dev1, t), VMF_END};
static const VMField dev1big_fields[] = {VMF(Dev1Big, a), VMF(Dev1Big, b), VMF_TIMER(Dev1Big, t),
                                         VMF_END};
static const VMField dev1_short[] = {VMF(Dev1, a), VMF_END};
static int post_loads;
static void dev_post_load(void *o) { (void)o; post_loads++; }
static const VMStateDesc dev1_v1 = {1, dev1_fields, NULL, NULL, dev_post_load};
static const VMStateDesc dev1_v2 = {2, dev1_fields, NULL, NULL, dev_post_load};
static const VMStateDesc dev1_big = {1, dev1big_fields, NULL, NULL, dev_post_load};
static const VMStateDesc dev1_few = {1, dev1_short, NULL, NULL, dev_post_load};

static void timer_cb(void *o) { (void)o; }

static FILE *save_test_device(Clock *c, Dev1 *d)
{
    VMRegistry r;
    vm_registry_init(&r, c);
    assert_true(vm_register(&r, "dev", &dev1_v1, d));
    FILE *f = tmpfile();
    assert_true(vm_save(&r, f));
    rewind(f);
    return f;
}

static void expect_load_error(VMRegistry *r, FILE *f, const char *want)
{
    char err[200] = "";
    rewind(f);
    post_loads = 0;
    assert_false(vm_load(r, f, err, sizeof err));
    if (!strstr(err, want))
        fail_msg("error '%s' does not say '%s'", err, want);
    assert_null(strchr(err, '\n'));
    assert_int_equal(post_loads, 0);
}

static void load_errors(void **state)
{
    (void)state;
    uint64_t insns = 0;
    Clock c;
    clock_init(&c, true, 0, &insns);
    Dev1 d = {0x11223344, {1, 2, 3}, {0}};
    timer_init(&d.t, timer_cb, NULL);
    timer_mod(&c, &d.t, 777);
    FILE *f = save_test_device(&c, &d);

    /* A good load changes the fields and re-arms the timer. */
    Dev1 e = {0};
    timer_init(&e.t, timer_cb, NULL);
    VMRegistry r;
    vm_registry_init(&r, &c);
    vm_register(&r, "dev", &dev1_v1, &e);
    char err[200];
    post_loads = 0;
    assert_true(vm_load(&r, f, err, sizeof err));
    assert_int_equal(post_loads, 1);
    assert_int_equal(e.a, 0x11223344);
    assert_int_equal(e.b[2], 3);
    assert_true(e.t.active);
    assert_int_equal(e.t.deadline, 777);
    timer_del(&c, &e.t);

    /* Another version. */
    Dev1 g = {0};
    vm_registry_init(&r, &c);
    vm_register(&r, "dev", &dev1_v2, &g);
    expect_load_error(&r, f, "device 'dev': saved as version 1, this build has version 2");
    /* A field of another size. */
    Dev1Big big = {0};
    vm_registry_init(&r, &c);
    vm_register(&r, "dev", &dev1_big, &big);
    expect_load_error(&r, f, "device 'dev' field 'a': 4 bytes saved, 8 expected");
    /* A field this build does not know. */
    vm_registry_init(&r, &c);
    vm_register(&r, "dev", &dev1_few, &g);
    expect_load_error(&r, f, "device 'dev': unknown field 'b'");
    /* A device missing from the stream, and one the board does not have. */
    vm_registry_init(&r, &c);
    vm_register(&r, "dev", &dev1_v1, &g);
    vm_register(&r, "other", &dev1_v1, &big);
    expect_load_error(&r, f, "device 'other' missing from the saved state");
    vm_registry_init(&r, &c);
    vm_register(&r, "else", &dev1_v1, &g);
    expect_load_error(&r, f, "device state has device 'dev', which this board does not have");
    assert_int_equal(g.a, 0);   /* nothing was applied by the failed loads */

    /* Every truncation fails, and changes nothing. */
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)len);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    vm_registry_init(&r, &c);
    vm_register(&r, "dev", &dev1_v1, &g);
    for (long cut = 0; cut < len; cut++) {
        FILE *t = fmemopen(buf, (size_t)(cut ? cut : 1), "r");
        if (cut == 0)
            fgetc(t);   /* an empty stream */
        expect_load_error(&r, t, cut < 8 ? "bad magic" : "truncated");
        fclose(t);
    }
    assert_int_equal(g.a, 0);
    /* Not a state at all. */
    buf[0] = 'Y';
    FILE *t = fmemopen(buf, (size_t)len, "r");
    expect_load_error(&r, t, "bad magic");
    fclose(t);
    free(buf);
    fclose(f);
}

/* The PC's own stream, truncated: a clear error and the board untouched. */
static void board_stream_truncated(void **state)
{
    (void)state;
    pic_setup();
    outb(0x21, 0x33);
    FILE *f = save();
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)len);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    outb(0x21, 0x44);
    FILE *t = fmemopen(buf, (size_t)len / 2, "r");
    char err[200];
    assert_false(vmstate_load_devices(t, &pc, err, sizeof err));
    assert_non_null(strstr(err, "truncated"));
    assert_int_equal(inb(0x21), 0x44);
    fclose(t);
    free(buf);
    fclose(f);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(registry_lists_every_device),
        T(pc_reset_resets_every_device),
        T(clock_continues_from_the_saved_time),
        T(pic_round_trip),
        T(pit_round_trip),
        T(uart_round_trip),
        T(cmos_round_trip),
        T(i8042_round_trip),
        T(acpi_and_board_round_trip),
        cmocka_unit_test(load_errors),
        T(board_stream_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
