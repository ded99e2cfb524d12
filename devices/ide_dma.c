/* ide_dma.c - IDE bus-master DMA (see ide_dma.h). */
#include "ide_dma.h"

#include <string.h>

/* ---- the PRD table ---- */

typedef struct PRDCursor {
    Memory *mem;
    uint32_t next;               /* next entry */
    uint32_t addr, left;         /* the current region */
    int eot;                     /* the current region is the table's last */
} PRDCursor;

/* Move len bytes between buf and the regions; returns the bytes moved
 * (fewer when the table ends first). */
static uint32_t prd_move(PRDCursor *p, uint8_t *buf, uint32_t len, int to_mem)
{
    uint32_t done = 0;
    while (done < len) {
        if (p->left == 0) {
            if (p->eot)
                break;
            uint32_t base = mem_read(p->mem, p->next, 4);
            uint32_t ctl = mem_read(p->mem, p->next + 4, 4);
            p->next += 8;
            p->addr = base & ~1u;
            p->left = (ctl & 0xffff) ? (ctl & 0xffff) : 0x10000;
            p->eot = (ctl >> 31) & 1;
        }
        uint32_t n = len - done < p->left ? len - done : p->left;
        if (to_mem)
            mem_write_bulk(p->mem, p->addr, buf + done, n);
        else
            mem_read_bulk(p->mem, p->addr, buf + done, n);
        p->addr += n;
        p->left -= n;
        done += n;
    }
    return done;
}

/* The PRD table ran out before the data: QEMU's "PRDs were too short"
 * (active off, no interrupt, the drive ready). */
static void short_table(IDEDrive *d)
{
    d->xfer = IDE_X_NONE;
    d->dma = 0;
    d->status = IDE_ST_DRDY | IDE_ST_DSC;
}

static void ata_dma(IDEChannel *c, int unit, PRDCursor *p)
{
    IDEDrive *d = &c->drv[unit];
    int write = d->cmd == 0xca || d->cmd == 0xcb || d->cmd == 0x35;
    const uint32_t per = IDE_BUF_SIZE / 512;
    while (d->left) {
        uint32_t n = d->left < per ? d->left : per;
        if (!write && !block_read(c->blk[unit], d->lba * 512, c->buf, (size_t)n * 512)) {
            c->bm->status &= (uint8_t)~BM_ST_ACTIVE;
            ide_dma_ata_end(c, unit, d->lba, IDE_ER_UNC);
            return;
        }
        if (prd_move(p, c->buf, n * 512, !write) < n * 512) {
            c->bm->status &= (uint8_t)~BM_ST_ACTIVE;
            short_table(d);
            return;
        }
        if (write && !block_write(c->blk[unit], d->lba * 512, c->buf, (size_t)n * 512)) {
            c->bm->status &= (uint8_t)~BM_ST_ACTIVE;
            ide_dma_ata_end(c, unit, d->lba, IDE_ER_ABRT);
            return;
        }
        d->lba += n;
        d->left -= n;
    }
    c->bm->status &= (uint8_t)~BM_ST_ACTIVE;
    d->xfer = IDE_X_NONE;
    ide_dma_ata_end(c, unit, d->lba - 1, 0);
}

static void atapi_dma(IDEChannel *c, int unit, PRDCursor *p)
{
    IDEDrive *d = &c->drv[unit];
    for (;;) {
        int n = atapi_dma_chunk(c, unit);
        if (n < 0) {          /* CHECK CONDITION already reported */
            c->bm->status &= (uint8_t)~BM_ST_ACTIVE;
            return;
        }
        if (n == 0)
            break;
        if (prd_move(p, c->buf, (uint32_t)n, 1) < (uint32_t)n) {
            c->bm->status &= (uint8_t)~BM_ST_ACTIVE;
            short_table(d);
            return;
        }
    }
    c->bm->status &= (uint8_t)~BM_ST_ACTIVE;
    atapi_dma_end(c, unit);
}

void ide_dma_kick(IDEChannel *c)
{
    IDEDrive *d = &c->drv[c->cur];
    if (!c->bm || !(c->bm->status & BM_ST_ACTIVE) || d->xfer != IDE_X_DMA)
        return;
    PRDCursor p = {c->dma_mem, c->bm->prdt, 0, 0, 0};
    if (d->kind == IDE_ATA)
        ata_dma(c, c->cur, &p);
    else if (d->kind == IDE_ATAPI)
        atapi_dma(c, c->cur, &p);
}

/* ---- IDENTIFY words (QEMU's ide_identify / ide_atapi_identify) ---- */

void ide_dma_identify(const IDEChannel *c, const IDEDrive *d, uint16_t *w)
{
    if (!c->bm)
        return;
    unsigned mode = d->xfer_mode, m = mode & 7;
    w[49] |= 1u << 8;                            /* DMA supported */
    w[53] |= 4;                                  /* word 88 valid */
    w[62] = (uint16_t)(0x07 | ((mode & 0xf8) == 0x10 ? 1u << (m + 8) : 0));
    w[63] = (uint16_t)(0x07 | ((mode & 0xf8) == 0x20 ? 1u << (m + 8) : 0));
    if (mode == 0)
        w[88] = 0x3f | 1u << 13;                 /* UDMA5 selected until SET FEATURES */
    else
        w[88] = (uint16_t)(0x3f | ((mode & 0xf8) == 0x40 ? 1u << (m + 8) : 0));
}

/* ---- the BMIDE registers ---- */

uint8_t ide_bmdma_readb(IDEBMDMA *b, unsigned off)
{
    IDEBusMaster *m = &b->ch[(off >> 3) & 1];
    switch (off & 7) {
    case 0: return m->cmd;
    case 2: return m->status;
    case 4: case 5: case 6: case 7: return (uint8_t)(m->prdt >> (8 * (off & 3)));
    default: return 0;
    }
}

void ide_bmdma_writeb(IDEBMDMA *b, unsigned off, uint8_t v)
{
    int n = (off >> 3) & 1;
    IDEBusMaster *m = &b->ch[n];
    switch (off & 7) {
    case 0:
        if ((v ^ m->cmd) & BM_CMD_START) {
            if (!(v & BM_CMD_START)) {
                m->status &= (uint8_t)~BM_ST_ACTIVE;
                m->cmd = v & (BM_CMD_START | BM_CMD_TO_MEM);
            } else {
                m->cmd = v & (BM_CMD_START | BM_CMD_TO_MEM);
                m->status |= BM_ST_ACTIVE;
                if (b->ide[n])
                    ide_dma_kick(b->ide[n]);
            }
        } else {
            m->cmd = v & (BM_CMD_START | BM_CMD_TO_MEM);
        }
        break;
    case 2:
        m->status = (uint8_t)((v & 0x60) | (m->status & BM_ST_ACTIVE) |
                              (m->status & ~v & (BM_ST_ERROR | BM_ST_INT)));
        break;
    case 4: case 5: case 6: case 7: {
        unsigned sh = 8 * (off & 3);
        m->prdt = ((m->prdt & ~(0xffu << sh)) | (uint32_t)v << sh) & ~3u;
        break;
    }
    default:
        break;
    }
}

static uint32_t bm_read(void *opaque, uint16_t port, int size)
{
    IDEBMDMA *b = opaque;
    uint32_t v = 0;
    for (int i = 0; i < size; i++)
        v |= (uint32_t)ide_bmdma_readb(b, (unsigned)(port - b->base + i) & 15) << (8 * i);
    return v;
}

static void bm_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    IDEBMDMA *b = opaque;
    for (int i = 0; i < size; i++)
        ide_bmdma_writeb(b, (unsigned)(port - b->base + i) & 15, (uint8_t)(val >> (8 * i)));
}

void ide_bmdma_map(IDEBMDMA *b, uint16_t base)
{
    if (base == b->base)
        return;
    if (b->base)
        io_unregister(b->io, b->base, BMIDE_PORTS, b);
    b->base = base;
    if (base)
        io_register(b->io, base, BMIDE_PORTS, bm_read, bm_write, b,
                    IO_SIZE_1 | IO_SIZE_2 | IO_SIZE_4);
}

void ide_bmdma_reset(IDEBMDMA *b)
{
    memset(b->ch, 0, sizeof b->ch);
}

void ide_bmdma_init(IDEBMDMA *b, IOBus *io, Memory *mem, IDEChannel *ide0, IDEChannel *ide1)
{
    memset(b, 0, sizeof *b);
    b->io = io;
    b->ide[0] = ide0;
    b->ide[1] = ide1;
    for (int i = 0; i < 2; i++) {
        if (b->ide[i]) {
            b->ide[i]->bm = &b->ch[i];
            b->ide[i]->dma_mem = mem;
        }
    }
}

static void bmdma_reset_vm(void *opaque)
{
    ide_bmdma_reset(opaque);
}

/* A state file is user input: keep the registers to their defined bits. */
static void bmdma_post_load(void *opaque)
{
    IDEBMDMA *b = opaque;
    for (int i = 0; i < 2; i++) {
        b->ch[i].cmd &= BM_CMD_START | BM_CMD_TO_MEM;
        b->ch[i].status &= 0x67;
        b->ch[i].prdt &= ~3u;
    }
}

static const VMField bmdma_fields[] = {VMF(IDEBMDMA, ch), VMF_END};
const VMStateDesc ide_bmdma_vmstate = {1, bmdma_fields, bmdma_reset_vm, NULL, bmdma_post_load};
