/* fdc.h - an Intel 82077AA floppy disk controller in PC/AT mode: ports
 * base+2 (DOR), +3 (TDR), +4 (MSR read / DSR write), +5 (FIFO) and +7
 * (DIR read / CCR write) at 0x3F0 (base+6 belongs to the IDE controller),
 * IRQ 6 and DMA channel 2, two drives.
 *
 * Commands (82077AA datasheet, section 8): READ/WRITE DATA (MT, MFM, SK),
 * VERIFY, READ ID, FORMAT TRACK, RECALIBRATE, SEEK (and relative seek),
 * SENSE INTERRUPT STATUS, SENSE DRIVE STATUS, SPECIFY, CONFIGURE, VERSION,
 * DUMPREG, PERPENDICULAR MODE, LOCK. Anything else is an invalid command
 * (one result byte 0x80). Sectors are 512 bytes (N = 2); the media
 * geometry comes from the image size (fdc_geometry).
 *
 * Data moves by DMA through `dma` (the board wires it to the 8237's
 * dma_transfer on channel 2) until the channel's terminal count, or in
 * non-DMA mode (SPECIFY ND = 1, or no DMA wired) byte by byte through the
 * FIFO. Transfers complete at once (no rotational timing). The execution
 * ends at TC (normal termination), or at EOT without TC (abnormal, ST1 EN)
 * as the datasheet describes. INT follows DOR bit 3 (the PC/AT DMA/INT
 * gate). DIR bit 7 is the selected drive's disk-change line: set at power
 * on with a medium inserted, cleared by a step (SEEK/RECALIBRATE) with a
 * medium in the drive.
 */
#ifndef XLAT86_FDC_H
#define XLAT86_FDC_H

#include <stdbool.h>
#include <stdint.h>

#include "block.h"
#include "iobus.h"
#include "irq.h"
#include "vmstate.h"

#define FDC_DRIVES 2
#define FDC_SECTOR 512

typedef int (*fdc_dma_fn)(void *opaque, int ch, void *buf, int len, bool to_memory);
typedef bool (*fdc_dma_tc_fn)(void *opaque, int ch);

/* A floppy format: image size, geometry and the CMOS 0x10 drive type
 * that reads it. */
typedef struct FDCFormat {
    uint32_t size;
    uint8_t cyls, heads, spt;
    uint8_t cmos_type;        /* 1 = 360K, 2 = 1.2M, 3 = 720K, 4 = 1.44M, 5 = 2.88M */
    uint8_t rate;             /* the medium's data rate, as DSR/CCR bits 1-0: 0 = 500,
                               * 1 = 300 (5.25" DD in a 1.2M drive), 2 = 250, 3 = 1000 kb/s */
} FDCFormat;

/* The format of an image of `size` bytes, or NULL. */
const FDCFormat *fdc_geometry(uint64_t size);

typedef struct FDC {
    /* Wiring (not saved). */
    IRQ *irq;
    int dma_ch;
    fdc_dma_fn dma;           /* NULL: non-DMA mode only */
    fdc_dma_tc_fn dma_tc;     /* NULL: a short transfer is the TC */
    void *dma_opaque;
    BlockDev *blk[FDC_DRIVES];
    const FDCFormat *fmt[FDC_DRIVES];

    /* Registers and state (saved). */
    uint8_t dor, tdr, dsr, ccr;
    uint8_t phase;            /* FDC_PHASE_* */
    uint8_t cmd[10];
    uint8_t cmd_len, cmd_pos;
    uint8_t res[10];
    uint8_t res_len, res_pos;
    uint8_t specify[2];       /* SRT/HUT, HLT/ND */
    uint8_t config, pretrk, perp, lock;
    uint8_t eot;              /* last EOT (DUMPREG's SC/EOT) */
    uint8_t pcn[4];           /* present cylinder number per drive */
    uint8_t head_pos[FDC_DRIVES];  /* last head used, sector under it (READ ID) */
    uint8_t sect_pos[FDC_DRIVES];
    uint8_t dskchg[FDC_DRIVES];
    uint8_t st0;              /* status of the pending seek interrupt */
    uint8_t seek_int;         /* a SEEK/RECALIBRATE interrupt waits for SENSE INTERRUPT */
    uint8_t reset_sensei;     /* polling interrupts left after a reset (4..0) */
    uint8_t int_pending;      /* INT condition (the line is this AND DOR bit 3) */
    /* The execution phase in non-DMA mode. */
    uint8_t x_cmd, x_drive, x_c, x_h, x_r, x_eot, x_mt;
    uint8_t x_fill, x_left;   /* FORMAT: filler byte, sectors left */
    uint16_t x_pos, x_len;    /* bytes done / in the buffer */
    uint8_t buf[FDC_SECTOR];
} FDC;

enum { FDC_PHASE_CMD, FDC_PHASE_EXEC, FDC_PHASE_RESULT };

void fdc_init(FDC *f, IOBus *io, uint16_t base, IRQ *irq, int dma_ch);
/* Insert a medium (NULL: empty drive). False when the image size is not
 * a floppy format. */
bool fdc_attach(FDC *f, int drive, BlockDev *blk);
void fdc_reset(FDC *f);
/* CMOS 0x10: drive 0 type in the high nibble, drive 1 in the low one. */
uint8_t fdc_cmos_types(const FDC *f);

extern const VMStateDesc fdc_vmstate;

#endif
