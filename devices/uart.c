/* uart.c - PC16550D UART (National Semiconductor datasheet, June 1995).
 *
 * Interrupt sources, highest priority first (datasheet table IV):
 *   IIR 0x06 receiver line status  (OE/PE/FE/BI; cleared by reading LSR)
 *   IIR 0x04 received data available (FIFO: count >= trigger level;
 *            non-FIFO: RBR full; cleared by draining below it)
 *   IIR 0x0C character timeout (FIFO mode: data in the FIFO and nothing
 *            put in or taken out for 4 character times; cleared by RBR read)
 *   IIR 0x02 THR empty (set when THR empties with IER bit 1 on, or when
 *            IER bit 1 is turned on while THR is empty; cleared by reading
 *            IIR while it is the source shown, or by writing THR)
 *   IIR 0x00 modem status (MSR delta bits; cleared by reading MSR)
 * IIR bits 7:6 read 11 while FIFOs are enabled (how software detects a
 * 16550A).
 *
 * Transmission is instantaneous: a byte written to THR leaves at once, so
 * THR and the transmitter are empty again right after the write (LSR THRE
 * and TEMT stay 1) and the TX FIFO never holds anything.
 *
 * On the PC the UART's INTRPT pin reaches the PIC through a buffer enabled
 * by the OUT2 output, so the line follows MCR bit 3. In loopback mode the
 * datasheet forces the OUT2 *pin* inactive, which on real boards would
 * silence the IRQ; QEMU and Bochs keep delivering loopback interrupts, and
 * self-tests rely on them ("the receiver and transmitter interrupts are
 * fully operational" in diagnostic mode), so we follow the MCR bit there
 * too and keep that one deliberate difference from the board wiring.
 */
#include "uart.h"

#define POLL_NS 1000000      /* host input polled every 1 ms of virtual time */
/* Register reads also poll the host, but at most this often: a driver
 * spinning on LSR must not turn into one poll(2) system call per read. */
#define READ_POLL_NS 100000
#define BASE_CLOCK 115200    /* 1.8432 MHz / 16: baud = 115200 / divisor */

static const int rx_trigger[4] = {1, 4, 8, 14};

static bool fifo_on(const UART *u)
{
    return u->fcr & 1;
}

static int rx_capacity(const UART *u)
{
    return fifo_on(u) ? UART_FIFO_SIZE : 1;
}

/* Time for one character at the programmed rate and frame. */
static int64_t char_time_ns(const UART *u)
{
    int bits = 1 + 5 + (u->lcr & 3) + ((u->lcr & 0x08) ? 1 : 0) + ((u->lcr & 0x04) ? 2 : 1);
    int64_t div = u->divisor ? u->divisor : 65536;
    return bits * div * 1000000000LL / BASE_CLOCK;
}

static uint8_t compute_iir(const UART *u)
{
    if ((u->ier & UART_IER_RLSI) && (u->lsr & 0x1e))
        return UART_IIR_RLSI;
    if (u->ier & UART_IER_RDI) {
        int level = fifo_on(u) ? rx_trigger[u->fcr >> 6] : 1;
        if (u->rx_count >= level)
            return UART_IIR_RDI;
        if (u->timeout_pending)
            return UART_IIR_CTI;
    }
    if ((u->ier & UART_IER_THRI) && u->thr_ipending)
        return UART_IIR_THRI;
    if ((u->ier & UART_IER_MSI) && (u->msr & 0x0f))
        return UART_IIR_MSI;
    return UART_IIR_NONE;
}

static void update_irq(UART *u)
{
    bool pending = !(compute_iir(u) & UART_IIR_NONE);
    int level = pending && (u->mcr & UART_MCR_OUT2);
    if (level != u->irq_level) {
        u->irq_level = level;
        irq_set(u->irq, level);
    }
}

static void arm_timeout(UART *u)
{
    if (!u->clock)
        return;
    if (fifo_on(u) && u->rx_count > 0)
        timer_mod(u->clock, &u->timeout_timer, clock_now(u->clock) + 4 * char_time_ns(u));
    else
        timer_del(u->clock, &u->timeout_timer);
}

static void rx_push(UART *u, uint8_t b)
{
    if (u->rx_count >= rx_capacity(u)) {
        u->lsr |= UART_LSR_OE;
        /* Non-FIFO: the new character overwrites RBR. FIFO: the character
         * in the shift register is lost and the FIFO is kept. */
        if (!fifo_on(u))
            u->rx[u->rx_head] = b;
    } else {
        u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = b;
        u->rx_count++;
    }
    u->lsr |= UART_LSR_DR;
    u->timeout_pending = false;
    arm_timeout(u);
}

static void rx_clear(UART *u)
{
    u->rx_head = 0;
    u->rx_count = 0;
    u->lsr &= (uint8_t)~UART_LSR_DR;
    u->timeout_pending = false;
    if (u->clock)
        timer_del(u->clock, &u->timeout_timer);
}

static void start_polling(UART *u)
{
    if (u->clock && chardev_can_read(u->chr) && !u->poll_timer.active)
        timer_mod(u->clock, &u->poll_timer, clock_now(u->clock) + POLL_NS);
}

/* Take host input while there is room (never overrunning from the host). */
static void poll_input(UART *u)
{
    if (!chardev_can_read(u->chr) || (u->mcr & UART_MCR_LOOP))
        return;
    bool got = false;
    while (u->rx_count < rx_capacity(u)) {
        int b = chardev_read_byte(u->chr);
        if (b < 0)
            break;
        rx_push(u, (uint8_t)b);
        got = true;
    }
    if (got)
        update_irq(u);
}

/* Poll from a register read (RBR/LSR with the receiver empty). */
static void poll_on_read(UART *u)
{
    if (!u->clock || !chardev_can_read(u->chr))
        return;
    int64_t now = clock_now(u->clock);
    if (now - u->last_read_poll < READ_POLL_NS && now >= u->last_read_poll)
        return;
    u->last_read_poll = now;
    poll_input(u);
}

static void poll_cb(void *opaque)
{
    UART *u = opaque;
    poll_input(u);
    if (u->rx_count < rx_capacity(u))
        start_polling(u);   /* stops while the guest has no room */
}

static void timeout_cb(void *opaque)
{
    UART *u = opaque;
    if (fifo_on(u) && u->rx_count > 0) {
        u->timeout_pending = true;
        update_irq(u);
    }
}

void uart_receive(UART *u, const uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rx_push(u, buf[i]);
    update_irq(u);
}

/* Modem status inputs (CTS DSR RI DCD as MSR bits 7:4) and their deltas. */
static void set_modem_inputs(UART *u, uint8_t lines)
{
    uint8_t old = u->msr & 0xf0, delta = 0;
    uint8_t changed = old ^ lines;
    if (changed & UART_MSR_CTS)
        delta |= UART_MSR_DCTS;
    if (changed & UART_MSR_DSR)
        delta |= UART_MSR_DDSR;
    if ((old & UART_MSR_RI) && !(lines & UART_MSR_RI))
        delta |= UART_MSR_TERI;   /* trailing edge of ring indicator */
    if (changed & UART_MSR_DCD)
        delta |= UART_MSR_DDCD;
    u->msr = (uint8_t)(lines | (u->msr & 0x0f) | delta);
}

static uint8_t modem_inputs(const UART *u)
{
    if (!(u->mcr & UART_MCR_LOOP))
        return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;   /* a terminal attached */
    /* Loopback: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD. */
    uint8_t m = 0;
    if (u->mcr & UART_MCR_RTS)
        m |= UART_MSR_CTS;
    if (u->mcr & UART_MCR_DTR)
        m |= UART_MSR_DSR;
    if (u->mcr & UART_MCR_OUT1)
        m |= UART_MSR_RI;
    if (u->mcr & UART_MCR_OUT2)
        m |= UART_MSR_DCD;
    return m;
}

static void transmit(UART *u, uint8_t b)
{
    if (u->mcr & UART_MCR_LOOP)
        rx_push(u, b);
    else
        chardev_write_buffered(u->chr, &b, 1);
}

static uint32_t uart_read(void *opaque, uint16_t port, int size)
{
    (void)size;
    UART *u = opaque;
    uint8_t v = 0;
    switch ((port - u->base) & 7) {
    case 0:
        if (u->lcr & UART_LCR_DLAB)
            return u->divisor & 0xff;
        if (u->rx_count == 0)
            poll_on_read(u);
        if (u->rx_count > 0) {
            v = u->rx[u->rx_head];
            u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
            u->rx_count--;
        }
        if (u->rx_count == 0)
            u->lsr &= (uint8_t)~UART_LSR_DR;
        u->timeout_pending = false;
        arm_timeout(u);
        start_polling(u);
        break;
    case 1:
        if (u->lcr & UART_LCR_DLAB)
            return u->divisor >> 8;
        v = u->ier;
        break;
    case 2:
        v = compute_iir(u);
        if (v == UART_IIR_THRI)
            u->thr_ipending = false;
        if (fifo_on(u))
            v |= UART_IIR_FIFO;
        break;
    case 3:
        v = u->lcr;
        break;
    case 4:
        v = u->mcr;
        break;
    case 5:
        if (u->rx_count == 0)
            poll_on_read(u);
        v = u->lsr;
        u->lsr &= (uint8_t)~0x1e;   /* OE PE FE BI clear on read */
        break;
    case 6:
        v = u->msr;
        u->msr &= 0xf0;
        break;
    default:
        v = u->scr;
        break;
    }
    update_irq(u);
    return v;
}

static void uart_write(void *opaque, uint16_t port, uint32_t val32, int size)
{
    (void)size;
    UART *u = opaque;
    uint8_t val = (uint8_t)val32;
    switch ((port - u->base) & 7) {
    case 0:
        if (u->lcr & UART_LCR_DLAB) {
            u->divisor = (uint16_t)((u->divisor & 0xff00) | val);
            break;
        }
        u->thr_ipending = false;
        transmit(u, val);
        /* THR is empty again at once. */
        if (u->ier & UART_IER_THRI)
            u->thr_ipending = true;
        break;
    case 1:
        if (u->lcr & UART_LCR_DLAB) {
            u->divisor = (uint16_t)((u->divisor & 0x00ff) | (val << 8));
            break;
        }
        if ((val & UART_IER_THRI) && !(u->ier & UART_IER_THRI) && (u->lsr & UART_LSR_THRE))
            u->thr_ipending = true;
        u->ier = val & 0x0f;
        break;
    case 2: {
        bool was_on = fifo_on(u);
        bool on = val & 1;
        if (on != was_on)
            rx_clear(u);   /* changing FIFO enable empties both FIFOs */
        if (on && (val & 0x02))
            rx_clear(u);
        /* bit 2 (clear TX FIFO): the TX FIFO is always empty here. */
        u->fcr = on ? (val & 0xc1) : 0;
        arm_timeout(u);
        start_polling(u);
        break;
    }
    case 3:
        u->lcr = val;
        break;
    case 4:
        u->mcr = val & 0x1f;
        set_modem_inputs(u, modem_inputs(u));
        break;
    case 5:
    case 6:
        break;   /* LSR/MSR writes: factory test only */
    default:
        u->scr = val;
        break;
    }
    update_irq(u);
}

void uart_reset(UART *u)
{
    u->ier = 0;
    u->lcr = 0;
    u->mcr = 0;
    u->lsr = UART_LSR_THRE | UART_LSR_TEMT;
    u->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    u->scr = 0;
    u->fcr = 0;
    u->divisor = 12;   /* 9600 baud; the datasheet leaves it undefined */
    u->thr_ipending = false;
    u->last_read_poll = INT64_MIN / 2;
    rx_clear(u);
    if (u->irq_level)
        irq_lower(u->irq);
    u->irq_level = 0;
    if (u->clock)
        timer_del(u->clock, &u->poll_timer);
    start_polling(u);
}

void uart_init(UART *u, IOBus *io, uint16_t base, IRQ *irq, Clock *c, CharDev *chr)
{
    u->base = base;
    u->irq = irq;
    u->clock = c;
    u->chr = chr;
    u->irq_level = 0;
    timer_init(&u->poll_timer, poll_cb, u);
    timer_init(&u->timeout_timer, timeout_cb, u);
    uart_reset(u);
    io_register(io, base, 8, uart_read, uart_write, u, IO_SIZE_1);
}

static void uart_reset_vm(void *opaque) { uart_reset(opaque); }

static void uart_post_load(void *opaque)
{
    UART *u = opaque;
    /* A foreign saved state: FIFO indices inside the FIFO, a level 0/1
     * (found by tests/fuzz, target vmstate). */
    if (u->rx_head < 0 || u->rx_head >= UART_FIFO_SIZE) u->rx_head = 0;
    if (u->rx_count < 0 || u->rx_count > UART_FIFO_SIZE) u->rx_count = 0;
    u->irq_level = u->irq_level != 0;
    irq_set(u->irq, u->irq_level);
}

static const VMField uart_fields[] = {
    VMF(UART, ier), VMF(UART, lcr), VMF(UART, mcr), VMF(UART, lsr), VMF(UART, msr),
    VMF(UART, scr), VMF(UART, fcr), VMF(UART, divisor), VMF(UART, rx), VMF(UART, rx_head),
    VMF(UART, rx_count), VMF(UART, thr_ipending), VMF(UART, timeout_pending),
    VMF(UART, irq_level), VMF_TIMER(UART, poll_timer), VMF_TIMER(UART, timeout_timer),
    VMF(UART, last_read_poll), VMF_END,
};
const VMStateDesc uart_vmstate = {1, uart_fields, uart_reset_vm, NULL, uart_post_load};
