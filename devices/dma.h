/* dma.h - the PC/AT's two Intel 8237A DMA controllers and their page
 * registers (8237A datasheet; IBM PC/AT Technical Reference, "DMA").
 *
 *   DMA1 (channels 0-3, byte transfers): ports 0x00-0x0F
 *   DMA2 (channels 4-7, word transfers; channel 4 cascades DMA1): ports
 *        0xC0-0xDE, register n at 0xC0 + 2n
 *   page registers: 0x87 ch0, 0x83 ch1, 0x81 ch2, 0x82 ch3, 0x8F ch4,
 *        0x8B ch5, 0x89 ch6, 0x8A ch7 (the others are scratch bytes; 0x80
 *        is the board's POST port).
 * Registers per controller: 0-7 base/current address and word count of
 * each channel (low byte then high byte through the byte-pointer flip-flop),
 * 8 status (read: TC bits 3-0, request bits 7-4; clears the TC bits) /
 * command (write), 9 request, 10 single mask, 11 mode, 12 clear flip-flop,
 * 13 temporary (read) / master clear (write), 14 clear all masks, 15 write
 * all masks (read back too, as on the 82374/PIIX).
 *
 * Devices move data with dma_transfer (the floppy controller reaches it
 * through a function pointer): it copies as programmed — address and page,
 * increment or decrement, count, autoinitialise — and stops at terminal
 * count. DMA2 addresses and counts are in words: page bits 7-1 and
 * address << 1 form the byte address (the AT's 128 KiB word pages).
 */
#ifndef XLAT86_DMA_H
#define XLAT86_DMA_H

#include <stdbool.h>
#include <stdint.h>

#include "iobus.h"
#include "memory.h"
#include "vmstate.h"

typedef struct DMAChannel {
    uint16_t base_addr, base_count;    /* as programmed (autoinit reloads them) */
    uint16_t cur_addr, cur_count;
    uint8_t mode;
    uint8_t page;
    bool tc;                           /* terminal count since last programmed */
} DMAChannel;

typedef struct DMAController {
    DMAChannel ch[4];
    uint8_t command;
    uint8_t status;                    /* TC bits 3-0, request bits 7-4 */
    uint8_t mask;                      /* bit n: channel n masked */
    uint8_t request;
    bool flipflop;                     /* next byte is the high one */
} DMAController;

typedef struct DMA {
    DMAController c[2];
    uint8_t page_extra[16];            /* unused page-register bytes 0x80-0x8F */
    Memory *mem;
} DMA;

/* Mode register */
#define DMA_MODE_TYPE 0x0c             /* 00 verify, 01 write (to memory), 10 read */
#define DMA_MODE_AUTOINIT 0x10
#define DMA_MODE_DECREMENT 0x20
/* Command register */
#define DMA_CMD_DISABLE 0x04

void dma_init(DMA *d, IOBus *io, Memory *mem);
void dma_reset(DMA *d);
/* Move up to len bytes between buf and guest memory on channel ch (0-7)
 * as programmed; to_memory: device -> memory. Returns the bytes moved
 * (0 when the channel is masked or its controller disabled); stops at
 * terminal count, setting the status TC bit (and reloading under
 * autoinitialise). For channels 4-7 len is rounded down to whole words. */
int dma_transfer(DMA *d, int ch, void *buf, int len, bool to_memory);
/* Terminal count reached since the channel was last programmed. */
bool dma_tc(DMA *d, int ch);
/* Guest-visible register access (controller 0 or 1, register 0-15). */
uint8_t dma_read_reg(DMA *d, int ctrl, int reg);
void dma_write_reg(DMA *d, int ctrl, int reg, uint8_t v);

extern const VMStateDesc dma_vmstate;

#endif
