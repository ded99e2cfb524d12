/* atapi.c - the ATAPI CD-ROM on an IDE channel: the PACKET protocol
 * (ATA/ATAPI-6 section 9.8: the packet DRQ with interrupt reason CoD=1,
 * data-in DRQ blocks of at most the byte count limit with IO=1, the
 * status phase with IO=1 CoD=1) and the MMC commands a BIOS and an OS
 * use (SPC-3 / MMC-5 command layouts). */
#include "ide.h"

#include <string.h>

#define IR_COD 0x01
#define IR_IO 0x02

#define SK_NOT_READY 0x02
#define SK_ILLEGAL 0x05
#define SK_UNIT_ATTENTION 0x06
#define ASC_INV_OPCODE 0x20
#define ASC_LBA_RANGE 0x21
#define ASC_INV_FIELD 0x24
#define ASC_NO_MEDIUM 0x3a
#define ASC_REMOVAL_PREVENTED 0x53

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned get16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

void atapi_reset(IDEDrive *d)
{
    d->status = 0;
    d->sense_key = d->asc = d->ascq = 0;
    d->locked = 0;
}

void atapi_identify(IDEChannel *c, int unit, uint16_t *w)
{
    memset(w, 0, 512);
    /* ATAPI, CD-ROM (type 5), removable, DRQ within 50 us, 12-byte packets. */
    w[0] = (2u << 14) | (5u << 8) | (1u << 7) | (2u << 5);
    ide_put_string(w, 10, 10, unit ? "XL86-CD1" : "XL86-CD0");
    ide_put_string(w, 23, 4, "0.1");
    ide_put_string(w, 27, 20, c->model[unit]);
    w[48] = 1;
    w[49] = (1u << 11) | (1u << 9);   /* IORDY, LBA (DMA: ide_dma_identify) */
    w[53] = 3;
    w[64] = 3;
    w[65] = 0xb4;
    w[66] = 0xb4;
    w[67] = 0x12c;
    w[68] = 0xb4;
    w[71] = 30;
    w[72] = 30;
    w[80] = 0x1e;             /* ATA/ATAPI-1..4 */
    ide_dma_identify(c, &c->drv[unit], w);
}

static bool has_medium(const IDEChannel *c, int unit)
{
    return c->blk[unit] && !c->drv[unit].tray_open;
}

/* The status phase: IO=1, CoD=1, and the interrupt. */
static void status_phase(IDEChannel *c, IDEDrive *d)
{
    d->xfer = IDE_X_NONE;
    d->dma = 0;
    d->nsect = (uint8_t)((d->nsect & ~7u) | IR_IO | IR_COD);
    ide_raise_irq(c);
}

static void ok(IDEChannel *c, IDEDrive *d)
{
    d->sense_key = d->asc = d->ascq = 0;
    d->status = IDE_ST_DRDY | IDE_ST_DSC;
    status_phase(c, d);
}

/* CHECK CONDITION: the sense key in the error register's high nibble. */
static void check(IDEChannel *c, IDEDrive *d, uint8_t key, uint8_t asc, uint8_t ascq)
{
    d->sense_key = key;
    d->asc = asc;
    d->ascq = ascq;
    d->error = (uint8_t)(key << 4 | (key == SK_ILLEGAL ? IDE_ER_ABRT : 0));
    d->status = IDE_ST_DRDY | IDE_ST_ERR;
    status_phase(c, d);
}

/* Fill c->buf with the next DRQ block of the reply (from the buffer the
 * command built, or the medium for READ) and raise DRQ with IO=1. */
static void next_block(IDEChannel *c, int unit)
{
    IDEDrive *d = &c->drv[unit];
    if (d->left == 0) {
        ok(c, d);
        return;
    }
    if (d->dma) {
        /* The data phase belongs to the bus master (ide_dma.c), which
         * takes the reply through atapi_dma_chunk. */
        d->xfer = IDE_X_DMA;
        d->nsect = (uint8_t)((d->nsect & ~7u) | IR_IO);
        d->status = IDE_ST_DRDY | IDE_ST_DSC | IDE_ST_DRQ;
        ide_dma_kick(c);
        return;
    }
    uint32_t n = d->left < d->bcl ? d->left : d->bcl;
    if (n < d->left)
        n &= ~1u;             /* an odd limit: every block but the last is even */
    if (d->cmd_is_read) {
        uint64_t first = d->stream / CD_SECTOR;
        uint32_t skip = (uint32_t)(d->stream % CD_SECTOR);
        uint32_t nsec = (skip + n + CD_SECTOR - 1) / CD_SECTOR;
        /* The sectors are read into the buffer's tail and the block
         * moved to its head. */
        if ((uint64_t)nsec * CD_SECTOR > IDE_BUF_SIZE ||
            !block_read(c->blk[unit], first * CD_SECTOR, c->buf, (size_t)nsec * CD_SECTOR)) {
            check(c, d, 0x03, 0x11, 0x00);   /* MEDIUM ERROR, unrecovered read error */
            return;
        }
        memmove(c->buf, c->buf + skip, n);
        d->stream += n;
    } else if (d->pos) {
        memmove(c->buf, c->buf + d->pos, d->left);
    }
    d->xfer = IDE_X_ATAPI_IN;
    d->pos = 0;
    d->len = n;
    d->lcyl = (uint8_t)n;
    d->hcyl = (uint8_t)(n >> 8);
    d->nsect = (uint8_t)((d->nsect & ~7u) | IR_IO);
    d->status = IDE_ST_DRDY | IDE_ST_DSC | IDE_ST_DRQ;
    ide_raise_irq(c);
}

#define ATAPI_DMA_CHUNK (32 * CD_SECTOR)

int atapi_dma_chunk(IDEChannel *c, int unit)
{
    IDEDrive *d = &c->drv[unit];
    if (d->left == 0)
        return 0;
    uint32_t n = d->left;
    if (d->cmd_is_read) {
        if (n > ATAPI_DMA_CHUNK)
            n = ATAPI_DMA_CHUNK;
        uint64_t first = d->stream / CD_SECTOR;
        uint32_t skip = (uint32_t)(d->stream % CD_SECTOR);
        uint32_t nsec = (skip + n + CD_SECTOR - 1) / CD_SECTOR;
        if (!block_read(c->blk[unit], first * CD_SECTOR, c->buf, (size_t)nsec * CD_SECTOR)) {
            d->dma = 0;
            check(c, d, 0x03, 0x11, 0x00);   /* MEDIUM ERROR, unrecovered read error */
            return -1;
        }
        memmove(c->buf, c->buf + skip, n);
        d->stream += n;
    } else if (n > IDE_BUF_SIZE) {
        n = IDE_BUF_SIZE;     /* replies built in c->buf are far shorter */
    }
    d->left -= n;
    return (int)n;
}

void atapi_dma_end(IDEChannel *c, int unit)
{
    IDEDrive *d = &c->drv[unit];
    d->dma = 0;
    ok(c, d);
}

void atapi_block_done(IDEChannel *c, int unit)
{
    IDEDrive *d = &c->drv[unit];
    d->left -= d->len;
    if (!d->cmd_is_read)
        d->pos = d->len;      /* next_block moves the rest of the reply down */
    next_block(c, unit);
}

/* Reply with `len` bytes built in c->buf, cut to the allocation length. */
static void reply(IDEChannel *c, int unit, uint32_t len, uint32_t alloc)
{
    IDEDrive *d = &c->drv[unit];
    d->cmd_is_read = 0;
    d->left = len < alloc ? len : alloc;
    d->pos = 0;
    next_block(c, unit);
}

static void lba_to_msf(uint8_t *p, uint32_t lba)
{
    lba += 150;
    p[0] = (uint8_t)(lba / (75 * 60));
    p[1] = (uint8_t)(lba / 75 % 60);
    p[2] = (uint8_t)(lba % 75);
}

/* An address field of READ TOC: LBA, or 0:M:S:F. */
static void toc_addr(uint8_t *p, uint32_t lba, bool msf)
{
    if (msf) {
        p[0] = 0;
        lba_to_msf(p + 1, lba);
    } else {
        put32(p, lba);
    }
}

static int read_toc(IDEChannel *c, int unit, const uint8_t *pk, uint8_t *b)
{
    IDEDrive *d = &c->drv[unit];
    bool msf = pk[1] & 2;
    int format = pk[2] & 0x0f;
    if (format == 0 && (pk[9] >> 6))
        format = pk[9] >> 6;  /* the older format field in the control byte */
    uint32_t end = (uint32_t)d->total;
    int n = 4;
    switch (format) {
    case 0: {
        int start = pk[6];
        if (start > 1 && start != 0xaa)
            return -1;
        b[2] = 1;
        b[3] = 1;
        if (start <= 1) {
            b[n + 1] = 0x14;  /* ADR 1, data track */
            b[n + 2] = 1;
            toc_addr(b + n + 4, 0, msf);
            n += 8;
        }
        b[n + 1] = 0x14;
        b[n + 2] = 0xaa;      /* lead-out */
        toc_addr(b + n + 4, end, msf);
        n += 8;
        break;
    }
    case 1:                   /* session information */
        b[2] = 1;
        b[3] = 1;
        b[n + 1] = 0x14;
        b[n + 2] = 1;
        toc_addr(b + n + 4, 0, msf);
        n += 8;
        break;
    case 2: {                 /* raw TOC: points A0, A1, A2, track 1 */
        b[2] = 1;
        b[3] = 1;
        static const uint8_t points[4] = {0xa0, 0xa1, 0xa2, 0x01};
        for (int i = 0; i < 4; i++) {
            uint8_t *e = b + n;
            e[0] = 1;         /* session */
            e[1] = 0x14;
            e[3] = points[i];
            if (points[i] == 0xa0) {
                e[8] = 1;     /* first track; disc type 0 (CD-ROM) */
            } else if (points[i] == 0xa1) {
                e[8] = 1;     /* last track */
            } else if (points[i] == 0xa2) {
                lba_to_msf(e + 8, end);
            } else {
                lba_to_msf(e + 8, 0);
            }
            n += 11;
        }
        break;
    }
    default:
        return -1;
    }
    put16(b, (unsigned)(n - 2));
    return n;
}

static int get_configuration(IDEChannel *c, int unit, uint8_t *b)
{
    bool medium = has_medium(c, unit);
    int n = 8;
    put16(b + 6, medium ? 0x0008 : 0);   /* current profile: CD-ROM */
    /* Feature 0000h, profile list: one profile, CD-ROM. */
    put16(b + n, 0x0000);
    b[n + 2] = 0x03;          /* persistent, current */
    b[n + 3] = 4;
    put16(b + n + 4, 0x0008);
    b[n + 6] = medium ? 1 : 0;
    n += 8;
    /* Feature 0001h, core: ATAPI physical interface. */
    put16(b + n, 0x0001);
    b[n + 2] = 0x07;          /* version 1, persistent, current */
    b[n + 3] = 8;
    put32(b + n + 4, 2);      /* ATAPI */
    b[n + 8] = 0;
    n += 12;
    /* Feature 0003h, removable medium: tray, eject, lock. */
    put16(b + n, 0x0003);
    b[n + 2] = 0x03;
    b[n + 3] = 4;
    b[n + 4] = (uint8_t)(0x20 | 0x08 | 0x01 | (c->drv[unit].locked ? 0x04 : 0));
    n += 8;
    put32(b, (uint32_t)(n - 4));
    return n;
}

static int mode_sense(IDEChannel *c, int unit, const uint8_t *pk, uint8_t *b)
{
    int page = pk[2] & 0x3f, pc = pk[2] >> 6;
    if (pc == 3) {
        check(c, &c->drv[unit], SK_ILLEGAL, 0x39, 0);   /* saving parameters not supported */
        return -2;
    }
    int n = 8;
    b[2] = has_medium(c, unit) ? 0x01 : 0x70;   /* 120 mm CD-ROM data only / door closed, no disc */
    if (page == 0x01 || page == 0x3f) {
        /* Read/write error recovery: default retry count. */
        uint8_t *p = b + n;
        p[0] = 0x01;
        p[1] = 0x06;
        p[3] = pc == 1 ? 0 : 5;
        n += 8;
    }
    if (page == 0x2a || page == 0x3f) {
        /* CD/DVD capabilities and mechanical status. */
        uint8_t *p = b + n;
        memset(p, 0, 20);
        p[0] = 0x2a;
        p[1] = 0x12;
        if (pc != 1) {
            p[2] = 0x01;      /* reads CD-R */
            p[4] = 0x71;      /* audio play, mode 2 form 1/2, multi-session */
            p[5] = 0x00;
            p[6] = (uint8_t)(0x20 | 0x08 | 0x01 | (c->drv[unit].locked ? 0x02 : 0));  /* tray, eject, lock */
            put16(p + 8, 706);    /* maximum read speed, kB/s (4x) */
            put16(p + 10, 2);     /* volume levels */
            put16(p + 12, 512);   /* buffer, KiB */
            put16(p + 14, 706);   /* current read speed */
        }
        n += 20;
    }
    if (n == 8) {
        check(c, &c->drv[unit], SK_ILLEGAL, ASC_INV_FIELD, 0);
        return -2;
    }
    put16(b, (unsigned)(n - 2));
    return n;
}

static void event_status(IDEChannel *c, int unit, const uint8_t *pk)
{
    IDEDrive *d = &c->drv[unit];
    uint8_t *b = c->buf;
    if (!(pk[1] & 1)) {       /* only the polled form */
        check(c, d, SK_ILLEGAL, ASC_INV_FIELD, 0);
        return;
    }
    memset(b, 0, 8);
    b[3] = 0x10;              /* supported classes: media */
    int n;
    if (pk[4] & 0x10) {
        b[2] = 0x04;          /* media class */
        put16(b, 6 - 2);
        b[4] = d->media_event;
        b[5] = (uint8_t)((has_medium(c, unit) ? 0x02 : 0) | (d->tray_open ? 0x01 : 0));
        d->media_event = 0;
        n = 8;
    } else {
        b[2] = 0x80;          /* NEA: no event of a requested class */
        put16(b, 2);
        n = 4;
    }
    reply(c, unit, (uint32_t)n, get16(pk + 7));
}

static void start_read(IDEChannel *c, int unit, uint32_t lba, uint32_t count)
{
    IDEDrive *d = &c->drv[unit];
    if ((uint64_t)lba + count > d->total) {
        check(c, d, SK_ILLEGAL, ASC_LBA_RANGE, 0);
        return;
    }
    if (count == 0) {
        ok(c, d);
        return;
    }
    d->cmd_is_read = 1;
    d->stream = (uint64_t)lba * CD_SECTOR;
    d->left = count * CD_SECTOR;
    next_block(c, unit);
}

void atapi_packet_done(IDEChannel *c, int unit)
{
    IDEDrive *d = &c->drv[unit];
    uint8_t pk[12];
    memcpy(pk, c->buf, 12);
    memcpy(d->packet, pk, 12);
    d->xfer = IDE_X_NONE;
    uint8_t *b = c->buf;
    memset(b, 0, 64);
    uint8_t op = pk[0];
    bool needs_medium = op == 0x00 || op == 0x25 || op == 0x28 || op == 0xa8 || op == 0x43;
    if (needs_medium && !has_medium(c, unit)) {
        check(c, d, SK_NOT_READY, ASC_NO_MEDIUM, 0);
        return;
    }
    int n;
    switch (op) {
    case 0x00:                /* TEST UNIT READY */
        ok(c, d);
        break;
    case 0x03:                /* REQUEST SENSE */
        b[0] = 0x70;
        b[2] = d->sense_key;
        b[7] = 10;
        b[12] = d->asc;
        b[13] = d->ascq;
        d->sense_key = d->asc = d->ascq = 0;
        reply(c, unit, 18, pk[4]);
        break;
    case 0x12:                /* INQUIRY */
        if (pk[1] & 1) {      /* vital product data pages: none */
            check(c, d, SK_ILLEGAL, ASC_INV_FIELD, 0);
            break;
        }
        b[0] = 0x05;          /* CD/DVD device */
        b[1] = 0x80;          /* removable */
        b[2] = 0x00;
        b[3] = 0x21;          /* response data format 1, ATAPI */
        b[4] = 31;
        memcpy(b + 8, "XLAT86  ", 8);
        memcpy(b + 16, "DVD-ROM         ", 16);
        memcpy(b + 32, "0.1 ", 4);
        reply(c, unit, 36, get16(pk + 3));
        break;
    case 0x25:                /* READ CAPACITY */
        put32(b, (uint32_t)d->total - 1);
        put32(b + 4, CD_SECTOR);
        reply(c, unit, 8, 8);
        break;
    case 0x28:                /* READ(10) */
        start_read(c, unit, get32(pk + 2), get16(pk + 7));
        break;
    case 0xa8:                /* READ(12) */
        start_read(c, unit, get32(pk + 2), get32(pk + 6));
        break;
    case 0x43:                /* READ TOC/PMA/ATIP */
        n = read_toc(c, unit, pk, b);
        if (n < 0)
            check(c, d, SK_ILLEGAL, ASC_INV_FIELD, 0);
        else
            reply(c, unit, (uint32_t)n, get16(pk + 7));
        break;
    case 0x46:                /* GET CONFIGURATION */
        n = get_configuration(c, unit, b);
        reply(c, unit, (uint32_t)n, get16(pk + 7));
        break;
    case 0x5a:                /* MODE SENSE(10) */
        n = mode_sense(c, unit, pk, b);
        if (n >= 0)
            reply(c, unit, (uint32_t)n, get16(pk + 7));
        break;
    case 0x1b: {              /* START STOP UNIT */
        bool loej = pk[4] & 2, start = pk[4] & 1;
        if (loej && !start) {
            if (d->locked) {
                check(c, d, SK_ILLEGAL, ASC_REMOVAL_PREVENTED, 0x02);
                break;
            }
            d->tray_open = 1;
            d->media_event = 3;   /* media removal */
        } else if (loej && start) {
            d->tray_open = 0;
            if (c->blk[unit])
                d->media_event = 2;
        }
        ok(c, d);
        break;
    }
    case 0x1e:                /* PREVENT ALLOW MEDIUM REMOVAL */
        d->locked = pk[4] & 1;
        ok(c, d);
        break;
    case 0x4a:                /* GET EVENT STATUS NOTIFICATION */
        event_status(c, unit, pk);
        break;
    case 0xbd:                /* MECHANISM STATUS */
        b[1] = d->tray_open ? 0x10 : 0;
        b[5] = 1;
        reply(c, unit, 8, get16(pk + 8));
        break;
    default:
        check(c, d, SK_ILLEGAL, ASC_INV_OPCODE, 0);
        break;
    }
}

void atapi_packet_cmd(IDEChannel *c, int unit)
{
    IDEDrive *d = &c->drv[unit];
    if ((d->feature & 1) && !c->bm) {     /* DMA without a bus master */
        d->error = IDE_ER_ABRT;
        d->status = IDE_ST_DRDY | IDE_ST_ERR;
        ide_raise_irq(c);
        return;
    }
    d->dma = d->feature & 1;
    unsigned bcl = (unsigned)d->hcyl << 8 | d->lcyl;
    if (bcl == 0 || bcl == 0xffff)
        bcl = 0xfffe;
    d->bcl = (uint16_t)bcl;
    d->xfer = IDE_X_PACKET;
    d->pos = 0;
    d->len = 12;
    d->nsect = (uint8_t)((d->nsect & ~7u) | IR_COD);
    d->status = IDE_ST_DRDY | IDE_ST_DSC | IDE_ST_DRQ;
}
