/* ide.h - one IDE (ATA/ATAPI) channel in ISA-compatible mode: the command
 * block at `base` (0x1F0 / 0x170), the control block at `ctl` (0x3F6 /
 * 0x376: alternate status, device control), one interrupt line (IRQ 14 /
 * IRQ 15), a master and a slave.
 *
 * A drive is a hard disk (ATA, PIO: IDENTIFY DEVICE, READ/WRITE SECTOR(S)
 * and MULTIPLE in LBA28, LBA48 and CHS, VERIFY, FLUSH CACHE, SET
 * FEATURES, SET MULTIPLE, INITIALIZE DEVICE PARAMETERS, EXECUTE DEVICE
 * DIAGNOSTIC, power-mode commands) or an ATAPI CD-ROM (devices/atapi.c:
 * IDENTIFY PACKET DEVICE, PACKET with the MMC commands listed there).
 * Commands complete at once: BSY is never seen; DRQ blocks and interrupts
 * follow the ATA-6 protocols (PIO data-in: an interrupt before every DRQ
 * block; PIO data-out: DRQ without an interrupt for the first block, an
 * interrupt after each block; non-data: one interrupt). The interrupt line
 * is INTRQ gated by nIEN (device control bit 1); reading the status
 * register (not the alternate status) or writing a command clears INTRQ.
 * SRST (device control bit 2) resets both drives, which then show their
 * signatures (ATA 01/01/00/00, ATAPI 01/01/14/EB).
 */
#ifndef XLAT86_IDE_H
#define XLAT86_IDE_H

#include <stdbool.h>
#include <stdint.h>

#include "block.h"
#include "iobus.h"
#include "irq.h"
#include "memory.h"
#include "vmstate.h"

enum { IDE_NONE, IDE_ATA, IDE_ATAPI };

#define IDE_MAX_MULT 16          /* sectors per READ/WRITE MULTIPLE block */
#define IDE_BUF_SIZE (34 * 2048) /* one ATAPI DRQ block (<= 0xFFFE bytes) across sector edges */
#define CD_SECTOR 2048

/* One drive's registers and protocol state (plain data: saved as is). */
typedef struct IDEDrive {
    uint8_t kind;                /* IDE_NONE / IDE_ATA / IDE_ATAPI */
    uint8_t status, error;
    uint8_t feature, nsect, sect, lcyl, hcyl, select;
    uint8_t hob_feature, hob_nsect, hob_sect, hob_lcyl, hob_hcyl;
    uint16_t cyls, heads, spt;   /* current CHS translation */
    uint16_t mult;               /* SET MULTIPLE: sectors per block (0 = off) */
    uint8_t wcache;              /* SET FEATURES 02h/82h */
    uint64_t total;              /* sectors (512 bytes; ATAPI: 2048) */
    /* The transfer in progress. */
    uint8_t xfer;                /* IDE_X_* */
    uint8_t cmd;                 /* the ATA command */
    uint64_t lba;                /* next sector */
    uint32_t left;               /* sectors (ATA) or bytes (ATAPI) still to move */
    uint32_t block;              /* ATA: sectors in this DRQ block */
    uint32_t pos, len;           /* bytes done / in this DRQ block */
    /* ATAPI */
    uint8_t packet[12];
    uint16_t bcl;                /* byte count limit of this command */
    uint64_t stream;             /* ATAPI READ: byte offset of the next DRQ block */
    uint8_t sense_key, asc, ascq;
    uint8_t locked, tray_open, media_event;
    uint8_t cmd_is_read;         /* the reply comes from the medium */
    /* DMA (devices/ide_dma.c) */
    uint8_t dma;                 /* ATAPI: this PACKET's data moves by DMA (feature bit 0) */
    uint8_t xfer_mode;           /* SET FEATURES 03h value (0: default PIO) */
} IDEDrive;

/* One channel's bus-master registers (PIIX3 BMIDE, devices/ide_dma.c):
 * command (bit 0 start, bit 3 direction: 1 = write to memory), status
 * (bit 0 active, bit 1 error, bit 2 interrupt, bits 5-6 drive 0/1 DMA
 * capable), PRD table address. */
typedef struct IDEBusMaster {
    uint8_t cmd;
    uint8_t status;
    uint32_t prdt;
} IDEBusMaster;
#define BM_CMD_START 0x01
#define BM_CMD_TO_MEM 0x08
#define BM_ST_ACTIVE 0x01
#define BM_ST_ERROR 0x02
#define BM_ST_INT 0x04

typedef struct IDEChannel {
    /* Wiring (not saved). */
    IRQ *irq;
    BlockDev *blk[2];
    char model[2][41];
    uint8_t kind[2];             /* IDE_* as attached */
    IDEBusMaster *bm;            /* its bus master (NULL: no DMA commands) */
    Memory *dma_mem;             /* what the bus master reads and writes */

    IDEDrive drv[2];
    uint8_t cur;                 /* selected drive (device/head bit 4) */
    uint8_t devctl;
    uint8_t intrq;
    uint8_t buf[IDE_BUF_SIZE];   /* the data register's block */
} IDEChannel;

/* IDE_X_DMA: a DMA command waits for (or is moved by) the bus master. */
enum { IDE_X_NONE, IDE_X_IN, IDE_X_OUT, IDE_X_PACKET, IDE_X_ATAPI_IN, IDE_X_DMA };

void ide_init(IDEChannel *c, IOBus *io, uint16_t base, uint16_t ctl, IRQ *irq);
/* Attach an image as drive 0/1: a hard disk (ATA) or a CD-ROM (ATAPI,
 * blk may be NULL: an empty tray). Call before the first reset. */
void ide_attach(IDEChannel *c, int unit, int kind, BlockDev *blk);
void ide_reset(IDEChannel *c);
/* The hard disk's default CHS geometry (cylinders capped at 16383). */
void ide_geometry(uint64_t sectors, uint16_t *cyls, uint16_t *heads, uint16_t *spt);

extern const VMStateDesc ide_vmstate;

/* Shared with atapi.c. */
#define IDE_ST_ERR 0x01
#define IDE_ST_DRQ 0x08
#define IDE_ST_DSC 0x10
#define IDE_ST_DRDY 0x40
#define IDE_ST_BSY 0x80
#define IDE_ER_ABRT 0x04
#define IDE_ER_IDNF 0x10
#define IDE_ER_UNC 0x40

void ide_raise_irq(IDEChannel *c);
void ide_put_string(uint16_t *words, int first, int nwords, const char *s);
void ide_set_signature(IDEDrive *d);
void atapi_identify(IDEChannel *c, int unit, uint16_t *w);
void atapi_packet_cmd(IDEChannel *c, int unit);       /* PACKET (A0h) arrived */
void atapi_packet_done(IDEChannel *c, int unit);      /* 12 bytes received */
void atapi_block_done(IDEChannel *c, int unit);       /* the host drained a DRQ block */
void atapi_reset(IDEDrive *d);
/* DMA (ide_dma.c): run the selected drive's pending DMA transfer if the
 * bus master is started; ATA completion from ide.c; ATAPI chunks. */
void ide_dma_kick(IDEChannel *c);
void ide_dma_ata_end(IDEChannel *c, int unit, uint64_t last, uint8_t err);
int atapi_dma_chunk(IDEChannel *c, int unit);   /* bytes at c->buf, 0 done, -1 error */
void atapi_dma_end(IDEChannel *c, int unit);
void ide_dma_identify(const IDEChannel *c, const IDEDrive *d, uint16_t *w);

#endif
