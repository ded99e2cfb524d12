/* ide_dma.h - IDE bus-master DMA: the PIIX3 IDE function's BMIDE
 * registers (82371SB datasheet 2.7: 16 I/O ports at BAR4, primary channel
 * at +0, secondary at +8) and the DMA data phase of the drives.
 *
 * Per channel: +0 BMICX command (bit 0 start/stop, bit 3 direction,
 * 1 = write to memory), +2 BMISX status (bit 0 active, read-only; bits 1
 * error and 2 interrupt, write 1 to clear; bits 5-6 drive DMA capable,
 * read/write), +4 BMIDTPX PRD table address (dword aligned). A PRD entry
 * is 8 bytes: the memory address (bit 0 ignored), the byte count (bits
 * 15-0, 0 = 64 KiB) and bit 31 of the second dword, end of table.
 *
 * The drives (ide.c, atapi.c) accept READ/WRITE DMA (C8h/CAh), their EXT
 * forms (25h/35h) and PACKET with the DMA feature bit while a bus master
 * is wired; the command raises DRQ and waits. The transfer runs, whole,
 * when both the command and the start bit are there (whichever comes
 * last), as QEMU's bmdma does asynchronously: the data moves through the
 * PRD table, the active bit clears, and the drive's completion interrupt
 * sets the interrupt bit (which any INTRQ rising edge sets, as QEMU's
 * bmdma_irq). A PRD table shorter than the transfer ends it with active
 * clear, no interrupt and the drive ready (QEMU's "PRDs were too short").
 * Clearing the start bit stops the engine (active clear). IDENTIFY then
 * advertises DMA (word 49 bit 8), single and multiword DMA 0-2 (words 62,
 * 63) and UDMA 0-5 (word 88) with the mode SET FEATURES 03h selected,
 * UDMA5 before any (QEMU's identify data).
 */
#ifndef XLAT86_IDE_DMA_H
#define XLAT86_IDE_DMA_H

#include <stdint.h>

#include "ide.h"
#include "iobus.h"
#include "memory.h"
#include "vmstate.h"

#define BMIDE_PORTS 16

typedef struct IDEBMDMA {
    IDEBusMaster ch[2];          /* saved */
    /* wiring */
    IDEChannel *ide[2];
    IOBus *io;
    uint16_t base;               /* where the ports are (0: not mapped) */
} IDEBMDMA;

/* Wire the bus master to both channels (sets their bm and dma_mem). */
void ide_bmdma_init(IDEBMDMA *b, IOBus *io, Memory *mem, IDEChannel *ide0, IDEChannel *ide1);
/* Place the 16 ports at base (BAR4 with the I/O space enable), 0 removes. */
void ide_bmdma_map(IDEBMDMA *b, uint16_t base);
void ide_bmdma_reset(IDEBMDMA *b);
/* Register access as the guest does it (offset 0..15, one byte). */
uint8_t ide_bmdma_readb(IDEBMDMA *b, unsigned off);
void ide_bmdma_writeb(IDEBMDMA *b, unsigned off, uint8_t v);

extern const VMStateDesc ide_bmdma_vmstate;

#endif
