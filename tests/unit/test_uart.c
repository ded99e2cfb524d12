/* test_uart.c - the 16550A through its registers: loopback, FIFOs and
 * overrun, interrupt identification and priorities, THRE rules, DLAB,
 * scratch, FIFO detection, and the OUT2 gate on the PC's IRQ line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>
#include <cmocka.h>

#include "uart.h"
#include "pic.h"

#define EXPECT_EQ(actual, expected, what)                                                  \
    do {                                                                                   \
        unsigned long long a_ = (unsigned long long)(actual);                              \
        unsigned long long e_ = (unsigned long long)(expected);                            \
        if (a_ != e_)                                                                      \
            fail_msg("%s: expected %#llx, got %#llx", what, e_, a_);                       \
    } while (0)

#define COM1 0x3f8
enum { RBR = 0, THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

static uint64_t insns;
static Clock clk;
static IOBus bus;
static PIC pic;
static UART uart;
static CharDev *chr;
static char out_path[64];

static void outb(int reg, uint8_t v)
{
    io_write(&bus, (uint16_t)(COM1 + reg), v, 1);
}

static uint8_t inb(int reg)
{
    return (uint8_t)io_read(&bus, (uint16_t)(COM1 + reg), 1);
}

static int irq4_line(void)
{
    return (pic.chip[0].level >> 4) & 1;
}

static int setup(void **state)
{
    (void)state;
    char err[200];
    insns = 0;
    clock_init(&clk, true, 0, &insns);
    io_init(&bus);
    pic_init(&pic, &bus, NULL);
    snprintf(out_path, sizeof(out_path), "/tmp/test_uart_%d.out", (int)getpid());
    char spec[80];
    snprintf(spec, sizeof(spec), "file:%s", out_path);
    chr = chardev_open(spec, err, sizeof(err));
    if (!chr)
        fail_msg("opening %s: %s", spec, err);
    uart_init(&uart, &bus, COM1, pic_input(&pic, 4), &clk, chr);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    chardev_close(chr);
    unlink(out_path);
    return 0;
}

static void advance_ns(uint64_t ns)
{
    insns += ns;
    clock_run_timers(&clk);
}

static void transmitted_bytes_reach_the_chardev(void **state)
{
    (void)state;
    outb(THR, 'h');
    outb(THR, 'i');
    EXPECT_EQ(inb(LSR) & 0x60, 0x60, "THRE and TEMT after transmitting");
    chardev_flush_all();   /* the host may hold transmitted bytes back */
    FILE *f = fopen(out_path, "rb");
    char buf[8] = {0};
    size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
    if (f)
        fclose(f);
    if (n != 2 || memcmp(buf, "hi", 2) != 0)
        fail_msg("backend should have received \"hi\", got %zu bytes \"%.*s\"", n, (int)n, buf);
}

static size_t out_size(void)
{
    struct stat st;
    return stat(out_path, &st) == 0 ? (size_t)st.st_size : (size_t)-1;
}

/* Host-side batching of transmitted bytes: nothing the guest sees changes,
 * bytes leave in order, at 4 KiB, when 5 ms old, or on close. */
static void transmitted_bytes_are_batched_in_order(void **state)
{
    (void)state;
    outb(THR, 'a');
    outb(THR, 'b');
    EXPECT_EQ(inb(LSR) & 0x60, 0x60, "THRE and TEMT at once, held or not");
    EXPECT_EQ(out_size(), 0, "two bytes are held back");
    chardev_flush_due();
    EXPECT_EQ(out_size(), 0, "not yet 5 ms old");
    struct timespec ts = {0, 6000000};
    nanosleep(&ts, NULL);
    chardev_flush_due();
    EXPECT_EQ(out_size(), 2, "flushed once 5 ms old");
    for (int i = 0; i < 4096; i++)
        outb(THR, (uint8_t)('0' + i % 10));
    EXPECT_EQ(out_size(), 2 + 4096, "a full 4 KiB buffer goes out");
    outb(THR, 'z');
    /* an unbuffered write to the same backend sends the held byte first */
    chardev_write(chr, (const uint8_t *)"!", 1);
    EXPECT_EQ(out_size(), 2 + 4096 + 2, "held byte then the direct one");
    outb(THR, 'q');
    chardev_close(chr);
    chr = NULL;
    EXPECT_EQ(out_size(), 2 + 4096 + 3, "close flushes");
    FILE *f = fopen(out_path, "rb");
    static char buf[8192];
    size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
    if (f)
        fclose(f);
    EXPECT_EQ(n, 2 + 4096 + 3, "file size");
    EXPECT_EQ(memcmp(buf, "ab", 2), 0, "first bytes");
    for (int i = 0; i < 4096; i++)
        if (buf[2 + i] != '0' + i % 10)
            fail_msg("byte %d out of order", i);
    EXPECT_EQ(memcmp(buf + 2 + 4096, "z!q", 3), 0, "order kept around the direct write");
}

static void loopback_sends_tx_to_rx_and_mirrors_modem_lines(void **state)
{
    (void)state;
    outb(MCR, 0x10);
    outb(THR, 0x5a);
    EXPECT_EQ(inb(LSR) & 0x01, 0x01, "LSR DR after a loopback transmit");
    EXPECT_EQ(inb(RBR), 0x5a, "received byte in loopback");
    EXPECT_EQ(inb(LSR) & 0x01, 0x00, "LSR DR after reading it");
    outb(MCR, 0x10 | 0x0a);   /* RTS + OUT2 */
    EXPECT_EQ(inb(MSR) & 0xf0, 0x90, "MSR in loopback with RTS and OUT2: CTS and DCD");
    outb(MCR, 0x1f);
    EXPECT_EQ(inb(MSR) & 0xf0, 0xf0, "MSR in loopback with all outputs: CTS DSR RI DCD");
    FILE *f = fopen(out_path, "rb");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    EXPECT_EQ(size, 0, "bytes sent to the backend in loopback");
}

static void fifo_holds_16_bytes_and_flags_overrun(void **state)
{
    (void)state;
    outb(FCR, 0x07);
    uint8_t data[17];
    for (int i = 0; i < 17; i++)
        data[i] = (uint8_t)('A' + i);
    uart_receive(&uart, data, 17);
    uint8_t lsr = inb(LSR);
    EXPECT_EQ(lsr & 0x03, 0x03, "LSR DR and OE after 17 bytes into a 16-byte FIFO");
    EXPECT_EQ(inb(LSR) & 0x02, 0x00, "OE clears when LSR is read");
    for (int i = 0; i < 16; i++)
        EXPECT_EQ(inb(RBR), 'A' + i, "FIFO keeps the first 16 bytes in order");
    EXPECT_EQ(inb(LSR) & 0x01, 0x00, "FIFO empty after 16 reads (17th byte lost)");
}

static void without_fifo_a_second_byte_overruns_the_holding_register(void **state)
{
    (void)state;
    uint8_t data[2] = {1, 2};
    uart_receive(&uart, data, 2);
    EXPECT_EQ(inb(LSR) & 0x03, 0x03, "LSR DR and OE without FIFO");
    EXPECT_EQ(inb(RBR), 2, "RBR holds the newer byte");
}

static void iir_reports_sources_in_priority_order(void **state)
{
    (void)state;
    outb(IER, 0x0f);
    EXPECT_EQ(inb(IIR), 0x02, "THRE interrupt when enabled with THR empty");
    outb(MCR, 0x10);          /* loopback: MCR change gives a modem status delta */
    outb(MCR, 0x11);          /* DTR -> DSR changes */
    uint8_t two[2] = {7, 8};
    uart_receive(&uart, two, 2);   /* non-FIFO: overrun */
    outb(IER, 0x0d);
    outb(IER, 0x0f);          /* re-enable THRE while THR empty */
    EXPECT_EQ(inb(IIR), 0x06, "line status first (overrun)");
    inb(LSR);
    EXPECT_EQ(inb(IIR), 0x04, "then received data");
    inb(RBR);
    EXPECT_EQ(inb(IIR), 0x02, "then THR empty");
    EXPECT_EQ(inb(IIR), 0x00, "THRE cleared by the IIR read that reported it; modem status next");
    inb(MSR);
    EXPECT_EQ(inb(IIR), 0x01, "nothing pending after reading MSR");
}

static void thre_interrupt_rules(void **state)
{
    (void)state;
    EXPECT_EQ(inb(IIR), 0x01, "no interrupt with IER clear");
    outb(IER, 0x02);
    EXPECT_EQ(inb(IIR), 0x02, "enabling THRE with THR empty raises it");
    EXPECT_EQ(inb(IIR), 0x01, "reading IIR cleared it");
    outb(THR, 'x');
    EXPECT_EQ(inb(IIR), 0x02, "THR emptied again after a write: THRE set");
    outb(THR, 'y');           /* write clears, then empties again */
    outb(IER, 0x00);
    EXPECT_EQ(inb(IIR), 0x01, "THRE not reported with IER bit 1 clear");
    outb(IER, 0x02);
    EXPECT_EQ(inb(IIR), 0x02, "re-enabling IER bit 1 re-raises THRE");
    outb(IER, 0x02);
    EXPECT_EQ(inb(IIR), 0x01, "writing IER with bit 1 already set does not re-raise");
}

static void rx_trigger_level_and_character_timeout(void **state)
{
    (void)state;
    outb(LCR, 0x03);          /* 8N1 */
    outb(FCR, 0x41);          /* FIFO on, trigger 4 */
    outb(IER, 0x01);
    uint8_t d[3] = {1, 2, 3};
    uart_receive(&uart, d, 3);
    EXPECT_EQ(inb(IIR), 0xc1, "below the trigger level: no data interrupt yet");
    /* 9600 baud 8N1: 10 bits/char = 1.0417 ms; timeout after 4 chars. */
    advance_ns(4000000);
    EXPECT_EQ(inb(IIR), 0xc1, "no timeout before 4 character times");
    advance_ns(200000);
    EXPECT_EQ(inb(IIR), 0xcc, "character timeout after 4 character times");
    inb(RBR);
    EXPECT_EQ(inb(IIR), 0xc1, "reading RBR clears the timeout");
    uint8_t e[2] = {4, 5};
    uart_receive(&uart, e, 2);
    EXPECT_EQ(inb(IIR), 0xc4, "4 bytes in the FIFO reach the trigger level");
}

static void dlab_exposes_the_divisor_latch(void **state)
{
    (void)state;
    outb(IER, 0x05);
    outb(LCR, 0x83);
    outb(0, 0x01);
    outb(1, 0x00);
    EXPECT_EQ(inb(0), 0x01, "DLL reads back");
    EXPECT_EQ(inb(1), 0x00, "DLM reads back");
    outb(LCR, 0x03);
    EXPECT_EQ(inb(IER), 0x05, "IER untouched by divisor writes");
    EXPECT_EQ(uart.divisor, 1, "divisor value (115200 baud)");
    EXPECT_EQ(inb(LCR), 0x03, "LCR reads back");
}

static void scratch_register_holds_a_byte(void **state)
{
    (void)state;
    outb(SCR, 0xa5);
    EXPECT_EQ(inb(SCR), 0xa5, "scratch register");
}

static void fifo_enable_shows_in_iir_bits_7_6(void **state)
{
    (void)state;
    EXPECT_EQ(inb(IIR) & 0xc0, 0x00, "IIR bits 7:6 with FIFOs off");
    outb(FCR, 0x01);
    EXPECT_EQ(inb(IIR) & 0xc0, 0xc0, "IIR bits 7:6 with FIFOs on (16550A)");
    outb(FCR, 0x00);
    EXPECT_EQ(inb(IIR) & 0xc0, 0x00, "IIR bits 7:6 after turning FIFOs off");
}

static void irq_line_is_gated_by_out2(void **state)
{
    (void)state;
    outb(IER, 0x02);
    EXPECT_EQ(irq4_line(), 0, "IRQ4 with an interrupt pending but OUT2 clear");
    outb(MCR, 0x08);
    EXPECT_EQ(irq4_line(), 1, "IRQ4 with OUT2 set");
    inb(IIR);                 /* clears THRE, the only source */
    EXPECT_EQ(irq4_line(), 0, "IRQ4 drops when the interrupt is cleared");
    outb(THR, 'z');
    EXPECT_EQ(irq4_line(), 1, "IRQ4 again after THR empties");
    outb(MCR, 0x18);
    EXPECT_EQ(irq4_line(), 1, "IRQ4 in loopback follows MCR OUT2 (as QEMU and Bochs)");
    outb(MCR, 0x10);
    EXPECT_EQ(irq4_line(), 0, "IRQ4 in loopback with OUT2 clear");
    outb(MCR, 0x00);
    EXPECT_EQ(irq4_line(), 0, "IRQ4 with OUT2 clear");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(transmitted_bytes_reach_the_chardev, setup, teardown),
        cmocka_unit_test_setup_teardown(transmitted_bytes_are_batched_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(loopback_sends_tx_to_rx_and_mirrors_modem_lines, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(fifo_holds_16_bytes_and_flags_overrun, setup, teardown),
        cmocka_unit_test_setup_teardown(without_fifo_a_second_byte_overruns_the_holding_register,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(iir_reports_sources_in_priority_order, setup, teardown),
        cmocka_unit_test_setup_teardown(thre_interrupt_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(rx_trigger_level_and_character_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(dlab_exposes_the_divisor_latch, setup, teardown),
        cmocka_unit_test_setup_teardown(scratch_register_holds_a_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(fifo_enable_shows_in_iir_bits_7_6, setup, teardown),
        cmocka_unit_test_setup_teardown(irq_line_is_gated_by_out2, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
