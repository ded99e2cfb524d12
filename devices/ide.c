/* ide.c - an IDE channel and its ATA hard disks (see ide.h; ATAPI in
 * atapi.c). Register and protocol references: ATA/ATAPI-6 (T13 1410D),
 * sections 6 (registers), 8 (commands) and 9 (protocols). */
#include "ide.h"

#include <stdio.h>
#include <string.h>

#define REG_DATA 0
#define DEVCTL_NIEN 0x02
#define DEVCTL_SRST 0x04
#define DEVCTL_HOB 0x80
#define SEL_LBA 0x40
#define SEL_DEV 0x10

static void update_irq(IDEChannel *c)
{
    irq_set(c->irq, c->intrq && !(c->devctl & DEVCTL_NIEN));
}

void ide_raise_irq(IDEChannel *c)
{
    /* The bus master's interrupt bit follows the rising INTRQ (PIIX
     * BMISX bit 2; QEMU's bmdma_irq sets it for any interrupt). */
    if (c->bm && !(c->devctl & DEVCTL_NIEN))
        c->bm->status |= BM_ST_INT;
    c->intrq = 1;
    update_irq(c);
}

static void lower_irq(IDEChannel *c)
{
    c->intrq = 0;
    update_irq(c);
}

/* An ATA string: two characters per word, the first in the high byte,
 * padded with spaces. */
void ide_put_string(uint16_t *w, int first, int nwords, const char *s)
{
    size_t n = strlen(s);
    for (int i = 0; i < nwords * 2; i++) {
        uint8_t ch = (size_t)i < n ? (uint8_t)s[i] : ' ';
        if (i & 1)
            w[first + i / 2] |= ch;
        else
            w[first + i / 2] = (uint16_t)(ch << 8);
    }
}

void ide_set_signature(IDEDrive *d)
{
    d->nsect = 1;
    d->sect = 1;
    if (d->kind == IDE_ATAPI) {
        d->lcyl = 0x14;
        d->hcyl = 0xeb;
    } else {
        d->lcyl = 0;
        d->hcyl = 0;
    }
    d->select &= SEL_DEV;
}

void ide_geometry(uint64_t sectors, uint16_t *cyls, uint16_t *heads, uint16_t *spt)
{
    uint64_t cyl = sectors / (16 * 63);
    if (cyl > 16383)
        cyl = 16383;
    if (cyl == 0)
        cyl = 1;
    *cyls = (uint16_t)cyl;
    *heads = 16;
    *spt = 63;
}

static void drive_reset(IDEChannel *c, int unit)
{
    IDEDrive *d = &c->drv[unit];
    uint8_t kind = d->kind;
    uint64_t total = d->total;
    uint8_t sel = (uint8_t)(unit ? SEL_DEV : 0);
    uint8_t tray = d->tray_open, ev = d->media_event;
    memset(d, 0, sizeof *d);
    d->kind = kind;
    d->total = total;
    d->select = sel;
    d->error = 0x01;          /* diagnostic passed */
    if (kind == IDE_ATA) {
        ide_geometry(total, &d->cyls, &d->heads, &d->spt);
        d->status = IDE_ST_DRDY | IDE_ST_DSC;
        d->wcache = 1;
    } else if (kind == IDE_ATAPI) {
        d->tray_open = tray;
        d->media_event = ev;
        atapi_reset(d);
    }
    ide_set_signature(d);
}

void ide_reset(IDEChannel *c)
{
    c->cur = 0;
    c->devctl = 0;
    c->intrq = 0;
    for (int i = 0; i < 2; i++)
        drive_reset(c, i);
    update_irq(c);
}

static IDEDrive *sel(IDEChannel *c)
{
    return &c->drv[c->cur];
}

static void cmd_done(IDEChannel *c, IDEDrive *d)
{
    d->xfer = IDE_X_NONE;
    d->status = IDE_ST_DRDY | IDE_ST_DSC;
    ide_raise_irq(c);
}

static void cmd_error(IDEChannel *c, IDEDrive *d, uint8_t err)
{
    d->xfer = IDE_X_NONE;
    d->error = err;
    d->status = IDE_ST_DRDY | IDE_ST_ERR;
    ide_raise_irq(c);
}

static bool is_lba48(uint8_t cmd)
{
    return cmd == 0x24 || cmd == 0x29 || cmd == 0x34 || cmd == 0x39 || cmd == 0x42 ||
           cmd == 0x25 || cmd == 0x35;
}

/* The command's starting sector and count, from the registers; false for
 * a CHS address outside the current translation. */
static bool get_address(IDEDrive *d, uint8_t cmd, uint64_t *lba, uint32_t *count)
{
    if (is_lba48(cmd)) {
        *lba = (uint64_t)d->hob_hcyl << 40 | (uint64_t)d->hob_lcyl << 32 |
               (uint64_t)d->hob_sect << 24 | (uint64_t)d->hcyl << 16 | (uint64_t)d->lcyl << 8 |
               d->sect;
        uint32_t n = (uint32_t)d->hob_nsect << 8 | d->nsect;
        *count = n ? n : 65536;
        return true;
    }
    *count = d->nsect ? d->nsect : 256;
    if (d->select & SEL_LBA) {
        *lba = (uint64_t)(d->select & 0x0f) << 24 | (uint64_t)d->hcyl << 16 |
               (uint64_t)d->lcyl << 8 | d->sect;
        return true;
    }
    unsigned cyl = (unsigned)d->hcyl << 8 | d->lcyl, head = d->select & 0x0f, s = d->sect;
    if (!d->heads || !d->spt || s == 0 || s > d->spt || head >= d->heads || cyl >= d->cyls)
        return false;
    *lba = ((uint64_t)cyl * d->heads + head) * d->spt + s - 1;
    return true;
}

/* Write a sector address back into the registers (the last sector moved,
 * or the one in error), in the form the command used. */
static void set_address(IDEDrive *d, uint8_t cmd, uint64_t lba)
{
    if (is_lba48(cmd)) {
        d->sect = (uint8_t)lba;
        d->lcyl = (uint8_t)(lba >> 8);
        d->hcyl = (uint8_t)(lba >> 16);
        d->hob_sect = (uint8_t)(lba >> 24);
        d->hob_lcyl = (uint8_t)(lba >> 32);
        d->hob_hcyl = (uint8_t)(lba >> 40);
    } else if (d->select & SEL_LBA) {
        d->sect = (uint8_t)lba;
        d->lcyl = (uint8_t)(lba >> 8);
        d->hcyl = (uint8_t)(lba >> 16);
        d->select = (uint8_t)((d->select & 0xf0) | ((lba >> 24) & 0x0f));
    } else if (d->heads && d->spt) {
        uint64_t cyl = lba / ((uint64_t)d->heads * d->spt);
        unsigned rest = (unsigned)(lba % ((uint64_t)d->heads * d->spt));
        d->hcyl = (uint8_t)(cyl >> 8);
        d->lcyl = (uint8_t)cyl;
        d->select = (uint8_t)((d->select & 0xf0) | (rest / d->spt));
        d->sect = (uint8_t)(rest % d->spt + 1);
    }
}

static void identify(IDEChannel *c, int unit)
{
    IDEDrive *d = &c->drv[unit];
    uint16_t w[256];
    memset(w, 0, sizeof w);
    char serial[21];
    snprintf(serial, sizeof serial, "XL86-%c%d", c->model[unit][0] ? 'D' : 'X', unit);
    uint16_t dc, dh, ds;
    ide_geometry(d->total, &dc, &dh, &ds);
    uint64_t lba28 = d->total > 0x0fffffff ? 0x0fffffff : d->total;
    uint32_t cur_cap = (uint32_t)d->cyls * d->heads * d->spt;
    w[0] = 0x0040;            /* fixed disk */
    w[1] = dc;
    w[3] = dh;
    w[4] = (uint16_t)(512 * ds);
    w[5] = 512;
    w[6] = ds;
    ide_put_string(w, 10, 10, serial);
    w[20] = 3;
    w[21] = 512;
    w[22] = 4;
    ide_put_string(w, 23, 4, "0.1");
    ide_put_string(w, 27, 20, c->model[unit]);
    w[47] = 0x8000 | IDE_MAX_MULT;
    w[48] = 1;                /* 32-bit PIO */
    w[49] = (1u << 11) | (1u << 9);   /* IORDY, LBA */
    w[51] = 0x200;
    w[52] = 0x200;
    w[53] = 1 | 2;            /* words 54-58 and 64-70 valid */
    w[54] = d->cyls;
    w[55] = d->heads;
    w[56] = d->spt;
    w[57] = (uint16_t)cur_cap;
    w[58] = (uint16_t)(cur_cap >> 16);
    w[59] = d->mult ? (uint16_t)(0x100 | d->mult) : 0;
    w[60] = (uint16_t)lba28;
    w[61] = (uint16_t)(lba28 >> 16);
    w[64] = 0x03;             /* PIO modes 3 and 4 */
    w[65] = w[66] = w[67] = w[68] = 120;
    w[80] = 0x7e;             /* ATA-1..ATA-6 */
    w[81] = 0x19;
    w[82] = (1u << 14) | (1u << 5);              /* NOP, write cache */
    w[83] = (1u << 14) | (1u << 13) | (1u << 12) | (1u << 10);  /* FLUSH EXT, FLUSH, LBA48 */
    w[84] = 1u << 14;
    w[85] = (uint16_t)((1u << 14) | (d->wcache ? 1u << 5 : 0));
    w[86] = (1u << 13) | (1u << 12) | (1u << 10);
    w[87] = 1u << 14;
    w[100] = (uint16_t)d->total;
    w[101] = (uint16_t)(d->total >> 16);
    w[102] = (uint16_t)(d->total >> 32);
    w[103] = (uint16_t)(d->total >> 48);
    ide_dma_identify(c, d, w);
    memcpy(c->buf, w, 512);   /* little-endian words, as the host reads them */
}

/* PIO data-in of c->buf (already filled): one block of len bytes. */
static void start_in(IDEChannel *c, IDEDrive *d, uint32_t len)
{
    d->xfer = IDE_X_IN;
    d->pos = 0;
    d->len = len;
    d->status = IDE_ST_DRDY | IDE_ST_DSC | IDE_ST_DRQ;
    ide_raise_irq(c);
}

static void read_block(IDEChannel *c, int unit)
{
    IDEDrive *d = &c->drv[unit];
    uint32_t per = (d->cmd == 0xc4 || d->cmd == 0x29) ? d->mult : 1;
    uint32_t n = d->left < per ? d->left : per;
    if (!block_read(c->blk[unit], d->lba * 512, c->buf, n * 512)) {
        set_address(d, d->cmd, d->lba);
        cmd_error(c, d, IDE_ER_UNC);
        return;
    }
    d->block = n;
    set_address(d, d->cmd, d->lba + n - 1);
    start_in(c, d, n * 512);
}

static void write_block_ready(IDEChannel *c, IDEDrive *d, bool interrupt)
{
    uint32_t per = (d->cmd == 0xc5 || d->cmd == 0x39) ? d->mult : 1;
    d->block = d->left < per ? d->left : per;
    d->xfer = IDE_X_OUT;
    d->pos = 0;
    d->len = d->block * 512;
    d->status = IDE_ST_DRDY | IDE_ST_DSC | IDE_ST_DRQ;
    if (interrupt)
        ide_raise_irq(c);
}

/* The host read or wrote the last byte of a DRQ block. */
static void block_done(IDEChannel *c, int unit)
{
    IDEDrive *d = &c->drv[unit];
    if (d->xfer == IDE_X_PACKET) {
        atapi_packet_done(c, unit);
        return;
    }
    if (d->xfer == IDE_X_ATAPI_IN) {
        atapi_block_done(c, unit);
        return;
    }
    if (d->xfer == IDE_X_OUT) {
        if (!block_write(c->blk[unit], d->lba * 512, c->buf, d->block * 512)) {
            set_address(d, d->cmd, d->lba);
            cmd_error(c, d, IDE_ER_ABRT);
            return;
        }
        set_address(d, d->cmd, d->lba + d->block - 1);
        d->lba += d->block;
        d->left -= d->block;
        if (d->left) {
            write_block_ready(c, d, true);
        } else {
            d->nsect = 0;
            cmd_done(c, d);
        }
        return;
    }
    /* Data-in. */
    d->xfer = IDE_X_NONE;
    d->status = IDE_ST_DRDY | IDE_ST_DSC;
    if (d->cmd == 0xec || d->left == 0)
        return;
    d->lba += d->block;
    d->left -= d->block;
    if (d->left)
        read_block(c, unit);
    else
        d->nsect = 0;
}

/* The sectors a READ/WRITE (PIO or DMA) command names: in range of the
 * disk (else IDNF|ABRT), and a write to a writable image (else ABRT).
 * Sets the drive's transfer position; false after reporting the error. */
static bool start_transfer(IDEChannel *c, int unit, bool write)
{
    IDEDrive *d = &c->drv[unit];
    uint64_t lba;
    uint32_t count;
    if (!get_address(d, d->cmd, &lba, &count) || lba >= d->total || count > d->total - lba) {
        cmd_error(c, d, IDE_ER_IDNF | IDE_ER_ABRT);
        return false;
    }
    if (write && c->blk[unit]->readonly) {
        cmd_error(c, d, IDE_ER_ABRT);
        return false;
    }
    d->lba = lba;
    d->left = count;
    return true;
}

static void rw_command(IDEChannel *c, int unit, bool write)
{
    IDEDrive *d = &c->drv[unit];
    bool multiple = d->cmd == 0xc4 || d->cmd == 0x29 || d->cmd == 0xc5 || d->cmd == 0x39;
    if (multiple && !d->mult) {
        cmd_error(c, d, IDE_ER_ABRT);
        return;
    }
    if (!start_transfer(c, unit, write))
        return;
    if (write)
        write_block_ready(c, d, false);
    else
        read_block(c, unit);
}

/* READ/WRITE DMA (EXT): checked as the PIO commands, then DRQ and the
 * wait for the bus master (QEMU's ide_sector_start_dma: DRDY|DSC|DRQ). */
static void dma_command(IDEChannel *c, int unit, bool write)
{
    IDEDrive *d = &c->drv[unit];
    if (!c->bm) {
        cmd_error(c, d, IDE_ER_ABRT);
        return;
    }
    if (!start_transfer(c, unit, write))
        return;
    d->xfer = IDE_X_DMA;
    d->status = IDE_ST_DRDY | IDE_ST_DSC | IDE_ST_DRQ;
    ide_dma_kick(c);
}

void ide_dma_ata_end(IDEChannel *c, int unit, uint64_t last, uint8_t err)
{
    IDEDrive *d = &c->drv[unit];
    set_address(d, d->cmd, last);
    if (err) {
        cmd_error(c, d, err);
    } else {
        d->nsect = 0;
        cmd_done(c, d);
    }
}

static void verify(IDEChannel *c, int unit)
{
    IDEDrive *d = &c->drv[unit];
    uint64_t lba;
    uint32_t count;
    if (!get_address(d, d->cmd, &lba, &count) || lba >= d->total || count > d->total - lba) {
        cmd_error(c, d, IDE_ER_IDNF | IDE_ER_ABRT);
        return;
    }
    for (uint32_t i = 0; i < count; i++) {
        if (!block_read(c->blk[unit], (lba + i) * 512, c->buf, 512)) {
            set_address(d, d->cmd, lba + i);
            cmd_error(c, d, IDE_ER_UNC);
            return;
        }
    }
    set_address(d, d->cmd, lba + count - 1);
    d->nsect = 0;
    cmd_done(c, d);
}

static void set_features(IDEChannel *c, IDEDrive *d)
{
    switch (d->feature) {
    case 0x02:
        d->wcache = 1;
        break;
    case 0x82:
        d->wcache = 0;
        break;
    case 0x03: {              /* transfer mode: PIO default/0-4; with a bus master also
                               * single/multiword DMA 0-2 (10h/20h) and UDMA 0-5 (40h) */
        uint8_t mode = d->nsect, m = mode & 7;
        bool ok = mode <= 0x01 || ((mode & 0xf8) == 0x08 && m <= 4);
        if (c->bm)
            ok = ok || (((mode & 0xf8) == 0x10 || (mode & 0xf8) == 0x20) && m <= 2) ||
                 ((mode & 0xf8) == 0x40 && m <= 5);
        if (!ok) {
            cmd_error(c, d, IDE_ER_ABRT);
            return;
        }
        d->xfer_mode = mode;
        break;
    }
    case 0x55: case 0xaa:     /* read look-ahead off/on */
    case 0x66: case 0xcc:     /* reverting to power-on defaults off/on */
        break;
    default:
        cmd_error(c, d, IDE_ER_ABRT);
        return;
    }
    cmd_done(c, d);
}

static void exec_diag(IDEChannel *c)
{
    for (int i = 0; i < 2; i++) {
        IDEDrive *d = &c->drv[i];
        if (d->kind == IDE_NONE)
            continue;
        d->xfer = IDE_X_NONE;
        ide_set_signature(d);
        d->error = 0x01;
        d->status = d->kind == IDE_ATAPI ? 0 : (IDE_ST_DRDY | IDE_ST_DSC);
    }
    c->cur = 0;
    ide_raise_irq(c);
}

static void ata_command(IDEChannel *c, int unit, uint8_t cmd)
{
    IDEDrive *d = &c->drv[unit];
    d->cmd = cmd;
    switch (cmd) {
    case 0xec:                /* IDENTIFY DEVICE */
        identify(c, unit);
        d->left = 0;
        start_in(c, d, 512);
        break;
    case 0x20: case 0x21: case 0x24: case 0xc4: case 0x29:
        rw_command(c, unit, false);
        break;
    case 0x30: case 0x31: case 0x34: case 0xc5: case 0x39:
        rw_command(c, unit, true);
        break;
    case 0xc8: case 0xc9: case 0x25:    /* READ DMA (EXT) */
        dma_command(c, unit, false);
        break;
    case 0xca: case 0xcb: case 0x35:    /* WRITE DMA (EXT) */
        dma_command(c, unit, true);
        break;
    case 0x40: case 0x41: case 0x42:
        verify(c, unit);
        break;
    case 0xe7: case 0xea:     /* FLUSH CACHE (EXT) */
        if (!block_flush(c->blk[unit]))
            cmd_error(c, d, IDE_ER_ABRT);
        else
            cmd_done(c, d);
        break;
    case 0xef:
        set_features(c, d);
        break;
    case 0xc6:                /* SET MULTIPLE MODE */
        if (d->nsect > IDE_MAX_MULT || (d->nsect & (d->nsect - 1))) {
            cmd_error(c, d, IDE_ER_ABRT);
        } else {
            d->mult = d->nsect;
            cmd_done(c, d);
        }
        break;
    case 0x91: {              /* INITIALIZE DEVICE PARAMETERS */
        if (d->nsect == 0) {
            cmd_error(c, d, IDE_ER_ABRT);
            break;
        }
        d->heads = (uint16_t)((d->select & 0x0f) + 1);
        d->spt = d->nsect;
        uint64_t cyl = d->total / ((uint64_t)d->heads * d->spt);
        d->cyls = (uint16_t)(cyl > 65535 ? 65535 : cyl);
        cmd_done(c, d);
        break;
    }
    case 0x10: case 0x11: case 0x12: case 0x13: case 0x14: case 0x15: case 0x16: case 0x17:
    case 0x18: case 0x19: case 0x1a: case 0x1b: case 0x1c: case 0x1d: case 0x1e: case 0x1f:
    case 0x70:                /* RECALIBRATE, SEEK */
    case 0xe0: case 0xe1: case 0xe2: case 0xe3: case 0x94: case 0x95: case 0x96: case 0x97:
        cmd_done(c, d);
        break;
    case 0xe5: case 0x98:     /* CHECK POWER MODE: active or idle */
        d->nsect = 0xff;
        cmd_done(c, d);
        break;
    default:                  /* PACKET, IDENTIFY PACKET, DEVICE RESET, ...: abort */
        cmd_error(c, d, IDE_ER_ABRT);
        break;
    }
}

static void atapi_command(IDEChannel *c, int unit, uint8_t cmd)
{
    IDEDrive *d = &c->drv[unit];
    d->cmd = cmd;
    switch (cmd) {
    case 0xa1: {              /* IDENTIFY PACKET DEVICE */
        uint16_t w[256];      /* c->buf need not be 2-byte aligned */
        atapi_identify(c, unit, w);
        memcpy(c->buf, w, sizeof w);
        d->left = 0;
        start_in(c, d, 512);
        break;
    }
    case 0xa0:
        atapi_packet_cmd(c, unit);
        break;
    case 0x08:                /* DEVICE RESET: no interrupt */
        d->xfer = IDE_X_NONE;
        ide_set_signature(d);
        d->error = 0x01;
        d->status = 0;
        break;
    case 0xef:
        set_features(c, d);
        break;
    case 0xe5: case 0x98:
        d->nsect = 0xff;
        cmd_done(c, d);
        break;
    case 0xe0: case 0xe1: case 0xe2: case 0xe3: case 0xe7:
        cmd_done(c, d);
        break;
    default:                  /* IDENTIFY DEVICE, READ SECTORS...: abort, show the signature */
        ide_set_signature(d);
        cmd_error(c, d, IDE_ER_ABRT);
        break;
    }
}

static void command(IDEChannel *c, uint8_t cmd)
{
    if (cmd == 0x90) {
        if (c->drv[0].kind != IDE_NONE || c->drv[1].kind != IDE_NONE) {
            lower_irq(c);
            exec_diag(c);
        }
        return;
    }
    IDEDrive *d = sel(c);
    if (d->kind == IDE_NONE || (d->status & IDE_ST_BSY))
        return;
    if ((d->status & IDE_ST_DRQ) && cmd != 0x08)
        d->xfer = IDE_X_NONE;     /* a new command ends the data phase */
    lower_irq(c);
    d->error = 0;
    if (d->kind == IDE_ATA)
        ata_command(c, c->cur, cmd);
    else
        atapi_command(c, c->cur, cmd);
}

static uint32_t data_read(IDEChannel *c, int size)
{
    IDEDrive *d = sel(c);
    if (!(d->status & IDE_ST_DRQ) || (d->xfer != IDE_X_IN && d->xfer != IDE_X_ATAPI_IN))
        return size == 4 ? 0xffffffffu : 0xffffu;
    uint32_t v = 0;
    for (int i = 0; i < size && d->pos < d->len; i++)
        v |= (uint32_t)c->buf[d->pos++] << (8 * i);
    if (d->pos >= d->len)
        block_done(c, c->cur);
    return v;
}

static void data_write(IDEChannel *c, uint32_t v, int size)
{
    IDEDrive *d = sel(c);
    if (!(d->status & IDE_ST_DRQ) || (d->xfer != IDE_X_OUT && d->xfer != IDE_X_PACKET))
        return;
    for (int i = 0; i < size && d->pos < d->len; i++)
        c->buf[d->pos++] = (uint8_t)(v >> (8 * i));
    if (d->pos >= d->len)
        block_done(c, c->cur);
}

static uint32_t ide_cmd_read(void *opaque, uint16_t port, int size)
{
    IDEChannel *c = opaque;
    int reg = port & 7;
    if (reg == REG_DATA)
        return data_read(c, size);
    IDEDrive *d = sel(c);
    bool none = c->drv[0].kind == IDE_NONE && c->drv[1].kind == IDE_NONE;
    if (none)
        return 0xff;
    if (d->kind == IDE_NONE)
        return reg == 6 ? (uint32_t)(d->select | 0xa0) : 0;
    bool hob = c->devctl & DEVCTL_HOB;
    switch (reg) {
    case 1: return hob ? d->hob_feature : d->error;
    case 2: return hob ? d->hob_nsect : d->nsect;
    case 3: return hob ? d->hob_sect : d->sect;
    case 4: return hob ? d->hob_lcyl : d->lcyl;
    case 5: return hob ? d->hob_hcyl : d->hcyl;
    case 6: return d->select | 0xa0;
    default:
        lower_irq(c);
        return d->status;
    }
}

static void ide_cmd_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    IDEChannel *c = opaque;
    int reg = port & 7;
    uint8_t v = (uint8_t)val;
    if (reg == REG_DATA) {
        data_write(c, val, size);
        return;
    }
    if (reg == 7) {
        command(c, v);
        return;
    }
    c->devctl &= (uint8_t)~DEVCTL_HOB;   /* a register write clears HOB */
    /* Both drives latch the command block registers. */
    for (int i = 0; i < 2; i++) {
        IDEDrive *d = &c->drv[i];
        switch (reg) {
        case 1: d->hob_feature = d->feature; d->feature = v; break;
        case 2: d->hob_nsect = d->nsect; d->nsect = v; break;
        case 3: d->hob_sect = d->sect; d->sect = v; break;
        case 4: d->hob_lcyl = d->lcyl; d->lcyl = v; break;
        case 5: d->hob_hcyl = d->hcyl; d->hcyl = v; break;
        case 6: d->select = (uint8_t)((v & ~SEL_DEV) | (i ? SEL_DEV : 0)); break;
        default: break;
        }
    }
    if (reg == 6) {
        c->cur = (v & SEL_DEV) ? 1 : 0;
        update_irq(c);
    }
}

static uint32_t ide_ctl_read(void *opaque, uint16_t port, int size)
{
    (void)port;
    (void)size;
    IDEChannel *c = opaque;
    if (c->drv[0].kind == IDE_NONE && c->drv[1].kind == IDE_NONE)
        return 0xff;
    IDEDrive *d = sel(c);
    return d->kind == IDE_NONE ? 0 : d->status;
}

static void ide_ctl_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    (void)port;
    (void)size;
    IDEChannel *c = opaque;
    uint8_t old = c->devctl;
    c->devctl = (uint8_t)val;
    if ((val & DEVCTL_SRST) && !(old & DEVCTL_SRST)) {
        for (int i = 0; i < 2; i++) {
            c->drv[i].status = IDE_ST_BSY;
            c->drv[i].xfer = IDE_X_NONE;
        }
        c->intrq = 0;
    } else if (!(val & DEVCTL_SRST) && (old & DEVCTL_SRST)) {
        for (int i = 0; i < 2; i++) {
            IDEDrive *d = &c->drv[i];
            if (d->kind == IDE_NONE)
                continue;
            ide_set_signature(d);
            d->select = (uint8_t)(i ? SEL_DEV : 0);
            d->error = 0x01;
            d->status = d->kind == IDE_ATAPI ? 0 : (IDE_ST_DRDY | IDE_ST_DSC);
            d->hob_feature = d->hob_nsect = d->hob_sect = d->hob_lcyl = d->hob_hcyl = 0;
        }
        c->cur = 0;
    }
    update_irq(c);
}

void ide_init(IDEChannel *c, IOBus *io, uint16_t base, uint16_t ctl, IRQ *irq)
{
    memset(c, 0, sizeof *c);
    c->irq = irq;
    io_register(io, base, 8, ide_cmd_read, ide_cmd_write, c, IO_SIZE_1 | IO_SIZE_2 | IO_SIZE_4);
    io_register(io, ctl, 1, ide_ctl_read, ide_ctl_write, c, IO_SIZE_1);
    ide_reset(c);
}

void ide_attach(IDEChannel *c, int unit, int kind, BlockDev *blk)
{
    IDEDrive *d = &c->drv[unit & 1];
    c->blk[unit & 1] = blk;
    c->kind[unit & 1] = (uint8_t)kind;
    d->kind = (uint8_t)kind;
    if (kind == IDE_ATA) {
        d->total = blk ? blk->size / 512 : 0;
        snprintf(c->model[unit & 1], sizeof c->model[0], "XLAT86 HARDDISK");
    } else if (kind == IDE_ATAPI) {
        d->total = blk ? blk->size / CD_SECTOR : 0;
        d->tray_open = 0;
        d->media_event = blk ? 2 : 0;   /* "new media" once, for GET EVENT STATUS */
        snprintf(c->model[unit & 1], sizeof c->model[0], "XLAT86 DVD-ROM");
    }
    drive_reset(c, unit & 1);
}

static void ide_reset_vm(void *opaque)
{
    ide_reset(opaque);
}

/* A state file is user input: the drive kinds are the attached ones and
 * every transfer index stays inside the buffer. */
static void ide_post_load(void *opaque)
{
    IDEChannel *c = opaque;
    c->cur &= 1;
    for (int i = 0; i < 2; i++) {
        IDEDrive *d = &c->drv[i];
        d->kind = c->kind[i];
        BlockDev *b = c->blk[i];
        d->total = !b ? 0 : b->size / (d->kind == IDE_ATAPI ? CD_SECTOR : 512);
        if (d->mult > IDE_MAX_MULT || (d->mult & (d->mult - 1)))
            d->mult = 0;
        if (d->len > IDE_BUF_SIZE || d->pos > d->len || d->block > IDE_MAX_MULT ||
            d->xfer > IDE_X_DMA || d->kind == IDE_NONE ||
            (d->xfer != IDE_X_NONE && d->kind == IDE_ATAPI && !b && d->cmd_is_read)) {
            d->xfer = IDE_X_NONE;
            d->pos = d->len = 0;
            d->status &= (uint8_t)~IDE_ST_DRQ;
        }
        if (d->xfer == IDE_X_ATAPI_IN && (d->bcl == 0 || d->bcl > 0xfffe))
            d->bcl = 0xfffe;
        if (d->kind == IDE_ATA && (d->heads == 0 || d->heads > 16 || d->spt == 0))
            ide_geometry(d->total, &d->cyls, &d->heads, &d->spt);
    }
    update_irq(c);
}

static const VMField ide_fields[] = {
    VMF(IDEChannel, drv), VMF(IDEChannel, cur), VMF(IDEChannel, devctl),
    VMF(IDEChannel, intrq), VMF(IDEChannel, buf), VMF_END,
};
const VMStateDesc ide_vmstate = {1, ide_fields, ide_reset_vm, NULL, ide_post_load};
