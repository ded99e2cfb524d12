/* fdc.c - the 82077AA floppy disk controller (see fdc.h). */
#include "fdc.h"

#include <string.h>

#define DOR_SEL 0x03
#define DOR_NRESET 0x04
#define DOR_DMAEN 0x08
#define MSR_RQM 0x80
#define MSR_DIO 0x40
#define MSR_NDMA 0x20
#define MSR_CB 0x10
#define DSR_SWRESET 0x80
#define ST0_ABNORMAL 0x40
#define ST0_INVALID 0x80
#define ST0_SE 0x20
#define ST0_NR 0x08
#define ST1_EN 0x80
#define ST1_ND 0x04
#define ST1_NW 0x02
#define ST1_MA 0x01
#define ST2_WC 0x10
#define ST3_WP 0x40
#define ST3_RDY 0x20
#define ST3_T0 0x10
#define ST3_TS 0x08
#define CFG_EIS 0x40
#define CMD_MT 0x80

enum {
    C_READ_TRACK = 0x02, C_SPECIFY = 0x03, C_SENSE_DRIVE = 0x04, C_WRITE = 0x05, C_READ = 0x06,
    C_RECAL = 0x07, C_SENSEI = 0x08, C_WRITE_DEL = 0x09, C_READ_ID = 0x0a, C_READ_DEL = 0x0c,
    C_FORMAT = 0x0d, C_DUMPREG = 0x0e, C_SEEK = 0x0f, C_VERSION = 0x10, C_PERP = 0x12,
    C_CONFIGURE = 0x13, C_LOCK = 0x14, C_VERIFY = 0x16,
};

/* Per command (low 5 bits): bytes including the command byte, and which
 * of the MT/MFM/SK bits (7..5) it may carry. 0 = invalid. */
static const struct { uint8_t len, flags; } cmd_tab[32] = {
    [C_SPECIFY] = {3, 0x00},   [C_SENSE_DRIVE] = {2, 0x00}, [C_WRITE] = {9, 0xc0},
    [C_READ] = {9, 0xe0},      [C_RECAL] = {2, 0x00},       [C_SENSEI] = {1, 0x00},
    [C_READ_ID] = {2, 0x40},   [C_FORMAT] = {6, 0x40},      [C_DUMPREG] = {1, 0x00},
    [C_SEEK] = {3, 0xc0},      [C_VERSION] = {1, 0x00},     [C_PERP] = {2, 0x00},
    [C_CONFIGURE] = {4, 0x00}, [C_LOCK] = {1, 0x80},        [C_VERIFY] = {9, 0xe0},
};

static const FDCFormat formats[] = {
    {163840, 40, 1, 8, 1, 1},    {184320, 40, 1, 9, 1, 1},   {327680, 40, 2, 8, 1, 1},
    {368640, 40, 2, 9, 1, 1},    {737280, 80, 2, 9, 3, 2},   {1228800, 80, 2, 15, 2, 0},
    {1474560, 80, 2, 18, 4, 0},  {2949120, 80, 2, 36, 5, 3},
};

const FDCFormat *fdc_geometry(uint64_t size)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (formats[i].size == size)
            return &formats[i];
    }
    return NULL;
}

static void update_irq(FDC *f)
{
    irq_set(f->irq, f->int_pending && (f->dor & DOR_DMAEN) && (f->dor & DOR_NRESET));
}

static void set_int(FDC *f, bool on)
{
    f->int_pending = on;
    update_irq(f);
}

static bool nondma(const FDC *f)
{
    return (f->specify[1] & 1) || !f->dma;
}

/* The controller's reset (DOR bit 2 low, DSR bit 7): registers and the
 * command state; LOCK keeps EFIFO, FIFOTHR and PRETRK. */
static void controller_reset(FDC *f)
{
    f->phase = FDC_PHASE_CMD;
    f->cmd_pos = f->cmd_len = 0;
    f->res_pos = f->res_len = 0;
    f->seek_int = 0;
    f->perp &= 0x3c;          /* the drive bits survive; GAP and WGATE clear */
    if (!f->lock) {
        f->config = 0x20;
        f->pretrk = 0;
    }
    f->config &= (uint8_t)~CFG_EIS;
    f->config &= 0x3f;
    f->reset_sensei = 0;
    set_int(f, false);
}

/* End of reset: the polling interrupt, and four SENSE INTERRUPT STATUS
 * answers 0xC0..0xC3 (one per drive, polling enabled). */
static void controller_unreset(FDC *f)
{
    f->reset_sensei = 4;
    set_int(f, true);
}

void fdc_reset(FDC *f)
{
    f->lock = 0;
    f->perp = 0;
    f->dor = DOR_NRESET | DOR_DMAEN;
    f->tdr = 0;
    f->specify[0] = f->specify[1] = 0;
    f->eot = 0;
    memset(f->pcn, 0, sizeof f->pcn);
    memset(f->head_pos, 0, sizeof f->head_pos);
    memset(f->sect_pos, 0, sizeof f->sect_pos);
    /* Power on: 500 kb/s, as QEMU's controller starts (a 1.44M disk
     * reads without programming the rate); the DOR and DSR software
     * resets keep the selected rate. */
    f->dsr = 0;
    f->ccr = 0;
    controller_reset(f);
    /* Machine reset: RESET# pulses; the BIOS sees the polling interrupt
     * only after its own DOR reset, so none is left pending here. */
}

static int cur_drive(const FDC *f)
{
    return f->dor & 1;
}

static bool has_medium(const FDC *f, int d)
{
    return d < FDC_DRIVES && f->blk[d] && f->fmt[d];
}

/* The programmed data rate (DSR/CCR bits 1-0) against the medium's: at a
 * wrong rate the controller finds no address mark (82077AA; QEMU fails
 * READ/WRITE/VERIFY and READ ID the same way). */
static bool rate_ok(const FDC *f, int d)
{
    return (f->dsr & 3) == f->fmt[d]->rate;
}

static void result(FDC *f, const uint8_t *bytes, int n, bool interrupt)
{
    memcpy(f->res, bytes, (size_t)n);
    f->res_len = (uint8_t)n;
    f->res_pos = 0;
    f->phase = n ? FDC_PHASE_RESULT : FDC_PHASE_CMD;
    if (interrupt)
        set_int(f, true);
}

/* The 7-byte result of a data command. */
static void rw_result(FDC *f, uint8_t st0, uint8_t st1, uint8_t st2, uint8_t c, uint8_t h,
                      uint8_t r)
{
    uint8_t res[7] = {st0, st1, st2, c, h, r, 2};
    result(f, res, 7, true);
}

static uint64_t sector_offset(const FDC *f, int d, int c, int h, int r)
{
    const FDCFormat *fm = f->fmt[d];
    return (((uint64_t)c * fm->heads + (uint64_t)h) * fm->spt + (uint64_t)(r - 1)) * FDC_SECTOR;
}

/* Step to the sector after (c,h,r): false past EOT (MT: past head 1). */
static bool next_sector(FDC *f)
{
    if (f->x_r < f->x_eot) {
        f->x_r++;
        return true;
    }
    f->x_r = 1;
    if (f->x_mt && f->x_h == 0) {
        f->x_h = 1;
        return true;
    }
    f->x_c++;
    if (f->x_mt)
        f->x_h = 0;
    return false;
}

/* ST0 with the head the last sector was on (the head select line at the
 * end of the execution phase) and the drive. */
static uint8_t st0_of(const FDC *f, uint8_t flags)
{
    return (uint8_t)(flags | (f->head_pos[f->x_drive & 1] << 2) | f->x_drive);
}

/* The sector (x_c, x_h, x_r) exists on the medium. */
static bool sector_ok(const FDC *f)
{
    const FDCFormat *fm = f->fmt[f->x_drive];
    return f->x_c < fm->cyls && f->x_h < fm->heads && f->x_r >= 1 && f->x_r <= fm->spt;
}

static void end_transfer(FDC *f, uint8_t st0, uint8_t st1, uint8_t st2)
{
    f->sect_pos[f->x_drive & 1] = f->x_r;
    rw_result(f, st0_of(f, st0), st1, st2, f->x_c, f->x_h, f->x_r);
}

static bool dma_tc(FDC *f)
{
    return f->dma_tc && f->dma_tc(f->dma_opaque, f->dma_ch);
}

/* READ/WRITE/VERIFY by DMA, or (verify) without data: run to TC or EOT. */
static void dma_transfer(FDC *f)
{
    uint8_t kind = f->x_cmd;
    for (int guard = 0; guard < 256; guard++) {
        if (!sector_ok(f)) {
            end_transfer(f, ST0_ABNORMAL, ST1_ND, 0);
            return;
        }
        uint64_t off = sector_offset(f, f->x_drive, f->x_c, f->x_h, f->x_r);
        int n = FDC_SECTOR;
        if (kind == C_READ || kind == C_VERIFY) {
            if (!block_read(f->blk[f->x_drive], off, f->buf, FDC_SECTOR)) {
                end_transfer(f, ST0_ABNORMAL, ST1_ND, 0);
                return;
            }
            if (kind == C_READ)
                n = f->dma(f->dma_opaque, f->dma_ch, f->buf, FDC_SECTOR, true);
        } else {
            n = f->dma(f->dma_opaque, f->dma_ch, f->buf, FDC_SECTOR, false);
            if (n < FDC_SECTOR)   /* TC inside the sector: the rest is zero-filled */
                memset(f->buf + (n > 0 ? n : 0), 0, (size_t)(FDC_SECTOR - (n > 0 ? n : 0)));
            if (n > 0 && !block_write(f->blk[f->x_drive], off, f->buf, FDC_SECTOR)) {
                end_transfer(f, ST0_ABNORMAL, ST1_NW, 0);
                return;
            }
        }
        bool tc = kind == C_VERIFY ? false : (n < FDC_SECTOR || dma_tc(f));
        if (kind == C_VERIFY && (f->cmd[1] & 0x80) && --f->x_left == 0)
            tc = true;                /* EC = 1: SC sectors verified */
        f->head_pos[f->x_drive] = f->x_h;
        bool more = next_sector(f);
        if (tc) {
            end_transfer(f, 0, 0, 0);
            return;
        }
        if (!more) {
            end_transfer(f, ST0_ABNORMAL, ST1_EN, 0);
            return;
        }
    }
    end_transfer(f, ST0_ABNORMAL, ST1_EN, 0);
}

/* Non-DMA execution: load the next sector for the host to read (or ready
 * the buffer for it to write). */
static void pio_begin_sector(FDC *f)
{
    f->x_pos = 0;
    f->x_len = FDC_SECTOR;
    if (f->x_cmd == C_READ &&
        !block_read(f->blk[f->x_drive], sector_offset(f, f->x_drive, f->x_c, f->x_h, f->x_r),
                    f->buf, FDC_SECTOR)) {
        end_transfer(f, ST0_ABNORMAL, ST1_ND, 0);
        return;
    }
    f->phase = FDC_PHASE_EXEC;
    /* Non-DMA mode interrupts for every byte (datasheet 5.2); one
     * interrupt per sector is what a polled or INT-driven host needs. */
    set_int(f, true);
}

static void pio_sector_done(FDC *f)
{
    if (f->x_cmd == C_WRITE &&
        !block_write(f->blk[f->x_drive], sector_offset(f, f->x_drive, f->x_c, f->x_h, f->x_r),
                     f->buf, FDC_SECTOR)) {
        end_transfer(f, ST0_ABNORMAL, ST1_NW, 0);
        return;
    }
    f->head_pos[f->x_drive] = f->x_h;
    if (!next_sector(f)) {
        end_transfer(f, ST0_ABNORMAL, ST1_EN, 0);
        return;
    }
    if (!sector_ok(f)) {
        end_transfer(f, ST0_ABNORMAL, ST1_ND, 0);
        return;
    }
    pio_begin_sector(f);
}

/* FORMAT TRACK: one ID field (C, H, R, N) per sector; the data field is
 * the filler byte. */
static void format_sector(FDC *f, const uint8_t id[4])
{
    uint8_t fill[FDC_SECTOR];
    const FDCFormat *fm = f->fmt[f->x_drive];
    uint8_t c = id[0], h = id[1], r = id[2];
    memset(fill, f->x_fill, sizeof fill);
    if (c < fm->cyls && h < fm->heads && r >= 1 && r <= fm->spt && id[3] == 2)
        block_write(f->blk[f->x_drive], sector_offset(f, f->x_drive, c, h, r), fill, FDC_SECTOR);
    f->x_r = r;
}

static void do_format(FDC *f)
{
    if (nondma(f)) {
        f->x_pos = 0;
        f->x_len = 4;
        f->phase = FDC_PHASE_EXEC;
        set_int(f, true);
        return;
    }
    while (f->x_left) {
        uint8_t id[4];
        int n = f->dma(f->dma_opaque, f->dma_ch, id, 4, false);
        if (n < 4)
            break;
        format_sector(f, id);
        f->x_left--;
        if (dma_tc(f))
            break;
    }
    end_transfer(f, 0, 0, 0);
}

/* Start READ/WRITE/VERIFY/FORMAT after the command bytes. */
static void start_data_cmd(FDC *f, uint8_t op)
{
    const uint8_t *c = f->cmd;
    f->x_cmd = op;
    f->x_drive = c[1] & 3;
    f->x_h = (c[1] >> 2) & 1;
    f->x_mt = (c[0] & CMD_MT) && op != C_FORMAT;
    f->x_c = f->x_drive < 4 ? f->pcn[f->x_drive] : 0;
    f->x_r = 1;
    if (op != C_FORMAT) {
        f->x_c = c[2];
        f->x_h = c[3] & 1;
        f->x_r = c[4];
        f->x_eot = c[6];
        f->x_left = c[8];     /* VERIFY with EC: sector count */
        f->eot = c[6];
    }
    if (f->x_drive >= FDC_DRIVES || !has_medium(f, f->x_drive)) {
        uint8_t res[7] = {(uint8_t)(ST0_ABNORMAL | ST0_NR | ((c[1] >> 2 & 1) << 2) | (c[1] & 3)),
                          ST1_MA, 0, c[2], c[3], c[4], c[5]};
        result(f, res, 7, true);
        return;
    }
    int d = f->x_drive;
    f->head_pos[d] = f->x_h;
    if ((op == C_WRITE || op == C_FORMAT) && f->blk[d]->readonly) {
        end_transfer(f, ST0_ABNORMAL, ST1_NW, 0);
        return;
    }
    if (op == C_FORMAT) {
        f->x_left = c[3];
        f->x_fill = c[5];
        f->x_c = f->pcn[d];
        do_format(f);
        return;
    }
    if (!rate_ok(f, d)) {
        end_transfer(f, ST0_ABNORMAL, ST1_MA, 0);
        return;
    }
    if (c[5] != 2) {          /* only 512-byte sectors are on our media */
        end_transfer(f, ST0_ABNORMAL, ST1_ND, 0);
        return;
    }
    if (f->x_c != f->pcn[d]) {
        if (f->config & CFG_EIS) {
            f->pcn[d] = f->x_c;   /* implied seek */
        } else {
            end_transfer(f, ST0_ABNORMAL, ST1_ND, ST2_WC);
            return;
        }
    }
    if (!sector_ok(f)) {
        end_transfer(f, ST0_ABNORMAL, ST1_ND, 0);
        return;
    }
    if (op == C_VERIFY || !nondma(f))
        dma_transfer(f);
    else
        pio_begin_sector(f);
}

static void seek_done(FDC *f, int d, uint8_t cyl, int head)
{
    if (d < 4)
        f->pcn[d] = cyl;
    if (d < FDC_DRIVES && has_medium(f, d))
        f->dskchg[d] = 0;
    f->st0 = (uint8_t)(ST0_SE | (head << 2) | d);
    f->seek_int = 1;
    f->phase = FDC_PHASE_CMD;
    set_int(f, true);
}

static void execute(FDC *f)
{
    const uint8_t *c = f->cmd;
    uint8_t op = c[0] & 0x1f;
    int d = c[1] & 3;
    switch (op) {
    case C_SPECIFY:
        f->specify[0] = c[1];
        f->specify[1] = c[2];
        f->phase = FDC_PHASE_CMD;
        break;
    case C_SENSE_DRIVE: {
        uint8_t st3 = (uint8_t)(d | ((c[1] >> 2 & 1) << 2));
        if (d < FDC_DRIVES && f->blk[d]) {
            st3 |= ST3_RDY | ST3_TS;
            if (f->blk[d]->readonly)
                st3 |= ST3_WP;
        }
        if (f->pcn[d] == 0)
            st3 |= ST3_T0;
        result(f, &st3, 1, false);
        break;
    }
    case C_RECAL:
        seek_done(f, d, 0, 0);
        break;
    case C_SEEK: {
        int ncn = c[2];
        if (c[0] & 0x80)      /* relative seek: bit 6 is the direction (1 = inward) */
            ncn = (c[0] & 0x40) ? f->pcn[d] + c[2] : f->pcn[d] - c[2];
        if (ncn < 0)
            ncn = 0;
        if (ncn > 255)
            ncn = 255;
        seek_done(f, d, (uint8_t)ncn, c[1] >> 2 & 1);
        break;
    }
    case C_SENSEI: {
        uint8_t res[2];
        if (f->reset_sensei) {
            int drv = 4 - f->reset_sensei;
            res[0] = (uint8_t)(0xc0 | drv);
            res[1] = f->pcn[drv];
            if (--f->reset_sensei == 0)
                set_int(f, false);
        } else if (f->seek_int) {
            res[0] = f->st0;
            res[1] = f->pcn[f->st0 & 3];
            f->seek_int = 0;
            set_int(f, false);
        } else {
            res[0] = ST0_INVALID;
            result(f, res, 1, false);
            break;
        }
        result(f, res, 2, false);
        break;
    }
    case C_READ_ID: {
        f->x_drive = (uint8_t)d;
        f->x_h = c[1] >> 2 & 1;
        if (d >= FDC_DRIVES || !has_medium(f, d) || f->x_h >= f->fmt[d]->heads ||
            !rate_ok(f, d)) {
            uint8_t res[7] = {(uint8_t)(ST0_ABNORMAL | (f->x_h << 2) | d), ST1_MA, 0,
                              f->pcn[d], f->x_h, 1, 2};
            result(f, res, 7, true);
            break;
        }
        /* The next ID field to pass under the head. */
        uint8_t r = (uint8_t)(f->sect_pos[d] % f->fmt[d]->spt + 1);
        f->sect_pos[d] = r;
        f->head_pos[d] = f->x_h;
        rw_result(f, (uint8_t)((f->x_h << 2) | d), 0, 0, f->pcn[d], f->x_h, r);
        break;
    }
    case C_READ:
    case C_WRITE:
    case C_VERIFY:
    case C_FORMAT:
        start_data_cmd(f, op);
        break;
    case C_DUMPREG: {
        uint8_t res[10] = {f->pcn[0], f->pcn[1], f->pcn[2], f->pcn[3], f->specify[0],
                           f->specify[1], f->eot,
                           (uint8_t)((f->lock ? 0x80 : 0) | (f->perp & 0x3f)), f->config,
                           f->pretrk};
        result(f, res, 10, false);
        break;
    }
    case C_VERSION: {
        uint8_t v = 0x90;     /* 82077AA / enhanced controller */
        result(f, &v, 1, false);
        break;
    }
    case C_PERP:
        /* OW = 1: D3..D0 are overwritten; GAP and WGATE always are. */
        f->perp = (uint8_t)((c[1] & 0x80 ? (c[1] & 0x3c) : (f->perp & 0x3c)) | (c[1] & 0x03));
        f->phase = FDC_PHASE_CMD;
        break;
    case C_CONFIGURE:
        f->config = c[2] & 0x7f;
        f->pretrk = c[3];
        f->phase = FDC_PHASE_CMD;
        break;
    case C_LOCK: {
        f->lock = (c[0] & CMD_MT) ? 1 : 0;
        uint8_t v = (uint8_t)(f->lock << 4);
        result(f, &v, 1, false);
        break;
    }
    default: {
        uint8_t v = ST0_INVALID;
        result(f, &v, 1, false);
        break;
    }
    }
}

static uint8_t msr(const FDC *f)
{
    if (!(f->dor & DOR_NRESET))
        return 0;
    uint8_t busy = 0;
    switch (f->phase) {
    case FDC_PHASE_CMD:
        return (uint8_t)(MSR_RQM | (f->cmd_pos ? MSR_CB : 0));
    case FDC_PHASE_EXEC:
        busy = (uint8_t)(1u << f->x_drive);
        return (uint8_t)(MSR_RQM | MSR_NDMA | MSR_CB | busy |
                         ((f->x_cmd == C_READ) ? MSR_DIO : 0));
    default:
        return MSR_RQM | MSR_DIO | MSR_CB;
    }
}

static uint8_t fifo_read(FDC *f)
{
    if (f->phase == FDC_PHASE_RESULT) {
        uint8_t v = f->res[f->res_pos++];
        if (f->res_pos == 1 && f->int_pending && !f->seek_int && !f->reset_sensei)
            set_int(f, false);
        if (f->res_pos >= f->res_len) {
            f->phase = FDC_PHASE_CMD;
            f->cmd_pos = 0;
        }
        return v;
    }
    if (f->phase == FDC_PHASE_EXEC && f->x_cmd == C_READ) {
        uint8_t v = f->buf[f->x_pos++];
        set_int(f, false);
        if (f->x_pos >= f->x_len)
            pio_sector_done(f);
        return v;
    }
    return 0xff;
}

static void fifo_write(FDC *f, uint8_t v)
{
    if (f->phase == FDC_PHASE_EXEC) {
        if (f->x_cmd == C_WRITE) {
            f->buf[f->x_pos++] = v;
            set_int(f, false);
            if (f->x_pos >= f->x_len)
                pio_sector_done(f);
        } else if (f->x_cmd == C_FORMAT) {
            f->buf[f->x_pos++] = v;
            set_int(f, false);
            if (f->x_pos >= 4) {
                format_sector(f, f->buf);
                if (--f->x_left == 0)
                    end_transfer(f, 0, 0, 0);
                else
                    f->x_pos = 0;
            }
        }
        return;
    }
    if (f->phase == FDC_PHASE_RESULT) {
        /* A byte written during the result phase: the datasheet leaves it
         * undefined; start over with it as a new command. */
        f->phase = FDC_PHASE_CMD;
        f->cmd_pos = 0;
    }
    if (f->cmd_pos == 0) {
        uint8_t op = v & 0x1f;
        if (!cmd_tab[op].len || (v & 0xe0 & (uint8_t)~cmd_tab[op].flags)) {
            uint8_t inv = ST0_INVALID;
            result(f, &inv, 1, false);
            return;
        }
        f->cmd_len = cmd_tab[op].len;
    }
    f->cmd[f->cmd_pos++] = v;
    if (f->cmd_pos >= f->cmd_len) {
        f->cmd_pos = 0;
        execute(f);
    }
}

static uint32_t fdc_read(void *opaque, uint16_t port, int size)
{
    (void)size;
    FDC *f = opaque;
    switch (port & 7) {
    case 2:
        return f->dor;
    case 3:
        return f->tdr;
    case 4:
        return msr(f);
    case 5:
        return (f->dor & DOR_NRESET) ? fifo_read(f) : 0xff;
    case 7: {
        int d = cur_drive(f);
        return (uint32_t)(f->dskchg[d] ? 0x80 : 0x00);
    }
    default:
        return 0xff;
    }
}

static void fdc_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    (void)size;
    FDC *f = opaque;
    uint8_t v = (uint8_t)val;
    switch (port & 7) {
    case 2: {
        uint8_t old = f->dor;
        f->dor = v;
        if (!(v & DOR_NRESET))
            controller_reset(f);
        else if (!(old & DOR_NRESET))
            controller_unreset(f);
        update_irq(f);
        break;
    }
    case 3:
        f->tdr = v & 3;
        break;
    case 4:
        f->dsr = v & 0x7f;
        f->ccr = v & 3;
        if (v & DSR_SWRESET) {
            controller_reset(f);
            controller_unreset(f);
        }
        break;
    case 5:
        if (f->dor & DOR_NRESET)
            fifo_write(f, v);
        break;
    case 7:
        f->ccr = v & 3;
        f->dsr = (uint8_t)((f->dsr & ~3u) | (v & 3));
        break;
    default:
        break;
    }
}

void fdc_init(FDC *f, IOBus *io, uint16_t base, IRQ *irq, int dma_ch)
{
    memset(f, 0, sizeof *f);
    f->irq = irq;
    f->dma_ch = dma_ch;
    io_register(io, (uint16_t)(base + 2), 4, fdc_read, fdc_write, f, IO_SIZE_1);
    io_register(io, (uint16_t)(base + 7), 1, fdc_read, fdc_write, f, IO_SIZE_1);
    fdc_reset(f);
}

bool fdc_attach(FDC *f, int drive, BlockDev *blk)
{
    if (drive < 0 || drive >= FDC_DRIVES)
        return false;
    const FDCFormat *fm = blk ? fdc_geometry(blk->size) : NULL;
    if (blk && !fm)
        return false;
    f->blk[drive] = blk;
    f->fmt[drive] = fm;
    f->dskchg[drive] = 1;     /* power on / a new medium: the change line is set */
    return true;
}

uint8_t fdc_cmos_types(const FDC *f)
{
    uint8_t t0 = f->fmt[0] ? f->fmt[0]->cmos_type : 0;
    uint8_t t1 = f->fmt[1] ? f->fmt[1]->cmos_type : 0;
    return (uint8_t)(t0 << 4 | t1);
}

static void fdc_reset_vm(void *opaque)
{
    fdc_reset(opaque);
}

/* A state file is user input: keep every index inside its array. */
static void fdc_post_load(void *opaque)
{
    FDC *f = opaque;
    if (f->phase > FDC_PHASE_RESULT)
        f->phase = FDC_PHASE_CMD;
    if (f->cmd_len > sizeof f->cmd || f->cmd_pos >= sizeof f->cmd)
        f->cmd_pos = f->cmd_len = 0;
    if (f->res_len > sizeof f->res || f->res_pos > f->res_len) {
        f->res_pos = f->res_len = 0;
        if (f->phase == FDC_PHASE_RESULT)
            f->phase = FDC_PHASE_CMD;
    }
    f->x_drive &= 1;
    if (f->x_len > sizeof f->buf || f->x_pos >= f->x_len) {
        f->x_pos = 0;
        f->x_len = 0;
        if (f->phase == FDC_PHASE_EXEC)
            f->phase = FDC_PHASE_CMD;
    }
    if (f->phase == FDC_PHASE_EXEC && !has_medium(f, f->x_drive))
        f->phase = FDC_PHASE_CMD;
    if (f->reset_sensei > 4)
        f->reset_sensei = 4;
    update_irq(f);
}

static const VMField fdc_fields[] = {
    VMF(FDC, dor), VMF(FDC, tdr), VMF(FDC, dsr), VMF(FDC, ccr), VMF(FDC, phase), VMF(FDC, cmd),
    VMF(FDC, cmd_len), VMF(FDC, cmd_pos), VMF(FDC, res), VMF(FDC, res_len), VMF(FDC, res_pos),
    VMF(FDC, specify), VMF(FDC, config), VMF(FDC, pretrk), VMF(FDC, perp), VMF(FDC, lock),
    VMF(FDC, eot), VMF(FDC, pcn), VMF(FDC, head_pos), VMF(FDC, sect_pos), VMF(FDC, dskchg),
    VMF(FDC, st0), VMF(FDC, seek_int), VMF(FDC, reset_sensei), VMF(FDC, int_pending),
    VMF(FDC, x_cmd), VMF(FDC, x_drive), VMF(FDC, x_c), VMF(FDC, x_h), VMF(FDC, x_r),
    VMF(FDC, x_eot), VMF(FDC, x_mt), VMF(FDC, x_fill), VMF(FDC, x_left), VMF(FDC, x_pos),
    VMF(FDC, x_len), VMF(FDC, buf), VMF_END,
};
const VMStateDesc fdc_vmstate = {1, fdc_fields, fdc_reset_vm, NULL, fdc_post_load};
