/* uart.h - a National PC16550D UART as wired on the PC: eight registers at
 * `base` (COM1 0x3F8 IRQ4, COM2 0x2F8 IRQ3), its interrupt reaching the
 * PIC only while MCR OUT2 is set (the PC's IRQ enable buffer).
 *
 * Transmitted bytes go to the CharDev at once (which may hold them back a
 * few ms to batch host writes: chardev_write_buffered); received bytes come from
 * uart_receive() and from polling the CharDev (a 1 ms virtual-time timer
 * while there is room, and on reads of RBR/LSR).
 */
#ifndef XLAT86_UART_H
#define XLAT86_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chardev.h"
#include "clock.h"
#include "iobus.h"
#include "vmstate.h"
#include "irq.h"

#define UART_FIFO_SIZE 16

typedef struct UART {
    uint16_t base;
    IRQ *irq;                 /* the interrupt output (through the OUT2 buffer) */
    Clock *clock;
    CharDev *chr;

    uint8_t ier, lcr, mcr, lsr, msr, scr;
    uint8_t fcr;              /* bit 0 FIFO enable, bits 7:6 RX trigger */
    uint16_t divisor;
    uint8_t rx[UART_FIFO_SIZE];
    int rx_head, rx_count;
    bool thr_ipending;        /* THRE interrupt condition latched */
    bool timeout_pending;     /* FIFO character timeout */
    int irq_level;            /* as driven on the PIC */
    Timer poll_timer;         /* host input polling */
    Timer timeout_timer;      /* 4 character times without FIFO activity */
    int64_t last_read_poll;   /* virtual ns of the last host poll from a register read */
} UART;

void uart_init(UART *u, IOBus *io, uint16_t base, IRQ *irq, Clock *c, CharDev *chr);
void uart_reset(UART *u);
/* Bytes arriving on the serial line (overrun sets LSR OE when full). */
void uart_receive(UART *u, const uint8_t *buf, size_t n);

/* Register offsets and bits (PC16550D datasheet, table II). */
#define UART_IER_RDI 0x01
#define UART_IER_THRI 0x02
#define UART_IER_RLSI 0x04
#define UART_IER_MSI 0x08
#define UART_IIR_NONE 0x01
#define UART_IIR_MSI 0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_CTI 0x0c
#define UART_IIR_FIFO 0xc0
#define UART_LCR_DLAB 0x80
#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_BI 0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

/* Registry entry (the board registers "uart0", "uart1"). */
extern const VMStateDesc uart_vmstate;

#endif
