/* fwcfg.c - QEMU fw_cfg, port I/O and DMA interfaces (see fwcfg.h). */
#include "fwcfg.h"

#include <stdlib.h>
#include <string.h>

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool set_item(FWCfgItem *it, const void *data, uint32_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return false;
    if (len)
        memcpy(copy, data, len);
    free(it->data);
    it->data = copy;
    it->len = len;
    return true;
}

/* Key 0x19: BE32 count, then 64 bytes per file. */
static void rebuild_dir(FWCfg *f)
{
    uint32_t len = 4 + 64u * (uint32_t)f->n_files;
    uint8_t *d = calloc(1, len);
    if (!d)
        return;
    put_be32(d, (uint32_t)f->n_files);
    for (int i = 0; i < f->n_files; i++) {
        uint8_t *e = d + 4 + 64 * i;
        put_be32(e, f->file[i].len);
        e[4] = (uint8_t)((FW_CFG_FILE_FIRST + i) >> 8);
        e[5] = (uint8_t)(FW_CFG_FILE_FIRST + i);
        memcpy(e + 8, f->name[i], FW_CFG_NAME_MAX);
    }
    free(f->legacy[FW_CFG_FILE_DIR].data);
    f->legacy[FW_CFG_FILE_DIR].data = d;
    f->legacy[FW_CFG_FILE_DIR].len = len;
}

const FWCfgItem *fwcfg_item(const FWCfg *f, uint16_t key)
{
    if (key & 0x8000)
        return NULL;   /* architecture-specific keys: none here (they read 0) */
    key &= 0x3fff;     /* bit 14: the write flag */
    if (key < FW_CFG_LEGACY_KEYS)
        return f->legacy[key].data ? &f->legacy[key] : NULL;
    if (key - FW_CFG_FILE_FIRST < f->n_files)
        return &f->file[key - FW_CFG_FILE_FIRST];
    return NULL;
}

bool fwcfg_add_bytes(FWCfg *f, uint16_t key, const void *data, uint32_t len)
{
    if (key >= FW_CFG_LEGACY_KEYS || key == FW_CFG_FILE_DIR)
        return false;
    return set_item(&f->legacy[key], data, len);
}

bool fwcfg_add_i16(FWCfg *f, uint16_t key, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    return fwcfg_add_bytes(f, key, b, 2);
}

bool fwcfg_add_i32(FWCfg *f, uint16_t key, uint32_t v)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    return fwcfg_add_bytes(f, key, b, 4);
}

bool fwcfg_add_i64(FWCfg *f, uint16_t key, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    return fwcfg_add_bytes(f, key, b, 8);
}

bool fwcfg_add_file(FWCfg *f, const char *name, const void *data, uint32_t len)
{
    size_t nl = strlen(name);
    if (nl == 0 || nl >= FW_CFG_NAME_MAX)
        return false;
    int pos = 0;
    while (pos < f->n_files && strcmp(f->name[pos], name) < 0)
        pos++;
    if (pos < f->n_files && !strcmp(f->name[pos], name)) {
        if (!set_item(&f->file[pos], data, len))
            return false;
    } else {
        if (f->n_files == FW_CFG_MAX_FILES)
            return false;
        FWCfgItem it = {0};
        if (!set_item(&it, data, len))
            return false;
        memmove(&f->file[pos + 1], &f->file[pos], sizeof(f->file[0]) * (size_t)(f->n_files - pos));
        memmove(f->name[pos + 1], f->name[pos], sizeof(f->name[0]) * (size_t)(f->n_files - pos));
        f->file[pos] = it;
        memset(f->name[pos], 0, FW_CFG_NAME_MAX);
        memcpy(f->name[pos], name, nl);
        f->n_files++;
    }
    rebuild_dir(f);
    return true;
}

void fwcfg_select(FWCfg *f, uint16_t key)
{
    f->key = key;
    f->offset = 0;
}

uint8_t fwcfg_read_byte(FWCfg *f)
{
    const FWCfgItem *it = fwcfg_item(f, f->key);
    if (!it || f->offset >= it->len)
        return 0;
    return it->data[f->offset++];
}

/* One DMA request: the 16-byte FWCfgDmaAccess at addr (control, length,
 * address; big-endian). The control word is written back: 0 when done,
 * FW_CFG_DMA_ERROR on failure (writes are not supported). */
static void dma_run(FWCfg *f, uint64_t addr)
{
    uint8_t a[16];
    Memory *m = f->mem;
    if (!m || addr > 0xffffffffu - 16)
        return;
    mem_read_bulk(m, (uint32_t)addr, a, 16);
    uint32_t ctl = get_be32(a), len = get_be32(a + 4);
    uint64_t dst = (uint64_t)get_be32(a + 8) << 32 | get_be32(a + 12);
    uint32_t status = 0;
    if (ctl & FW_CFG_DMA_SELECT)
        fwcfg_select(f, (uint16_t)(ctl >> 16));
    const FWCfgItem *it = fwcfg_item(f, f->key);
    if (ctl & FW_CFG_DMA_WRITE) {
        status = FW_CFG_DMA_ERROR;
    } else if (ctl & (FW_CFG_DMA_READ | FW_CFG_DMA_SKIP)) {
        while (len) {
            /* Past the item only zeros remain: a skip ends there, and a read
             * past the end of RAM has nowhere to go (bulk writes are clipped
             * to RAM; this bounds a guest's huge length). */
            bool past = !it || f->offset >= it->len;
            if (past && (!(ctl & FW_CFG_DMA_READ) || dst >= m->ram_size))
                break;
            uint8_t buf[256];
            uint32_t n = len < sizeof buf ? len : (uint32_t)sizeof buf;
            for (uint32_t i = 0; i < n; i++)
                buf[i] = (it && f->offset < it->len) ? it->data[f->offset++] : 0;
            if ((ctl & FW_CFG_DMA_READ) && dst + n <= 0x100000000ull)
                mem_write_bulk(m, (uint32_t)dst, buf, n);
            dst += n;
            len -= n;
        }
    }
    uint8_t st[4];
    put_be32(st, status);
    mem_write_bulk(m, (uint32_t)addr, st, 4);
}

static uint32_t io_rd(void *opaque, uint16_t port, int size)
{
    FWCfg *f = opaque;
    if (port == FW_CFG_PORT_DATA) {
        uint32_t v = 0;
        for (int i = 0; i < size; i++)
            v |= (uint32_t)fwcfg_read_byte(f) << (8 * i);
        return v;
    }
    if (port >= FW_CFG_PORT_DMA && port < FW_CFG_PORT_DMA + 8 && f->mem) {
        /* Reads of the DMA address register give "QEMU CFG" (big-endian). */
        static const char sig[] = "QEMU CFG";
        uint32_t v = 0;
        for (int i = 0; i < size && port - FW_CFG_PORT_DMA + i < 8; i++)
            v |= (uint32_t)(uint8_t)sig[port - FW_CFG_PORT_DMA + i] << (8 * i);
        return v;
    }
    return 0;   /* the selector reads as 0 */
}

static uint32_t bswap32(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

static void io_wr(void *opaque, uint16_t port, uint32_t val, int size)
{
    FWCfg *f = opaque;
    if (port == FW_CFG_PORT_SEL && size >= 2) {
        fwcfg_select(f, (uint16_t)val);
    } else if (port == FW_CFG_PORT_SEL) {
        fwcfg_select(f, (uint16_t)val);
    } else if (port == FW_CFG_PORT_DMA && size == 4 && f->mem) {
        f->dma_addr_hi = bswap32(val);
    } else if (port == FW_CFG_PORT_DMA + 4 && size == 4 && f->mem) {
        uint64_t addr = (uint64_t)f->dma_addr_hi << 32 | bswap32(val);
        f->dma_addr_hi = 0;
        dma_run(f, addr);
    }
}

void fwcfg_init(FWCfg *f, IOBus *io, Memory *mem)
{
    memset(f, 0, sizeof(*f));
    f->mem = mem;
    fwcfg_add_bytes(f, FW_CFG_SIGNATURE, "QEMU", 4);
    fwcfg_add_i32(f, FW_CFG_ID, FW_CFG_ID_TRADITIONAL | (mem ? FW_CFG_ID_DMA : 0));
    rebuild_dir(f);
    if (io) {
        io_register(io, FW_CFG_PORT_SEL, 2, io_rd, io_wr, f, IO_SIZE_1 | IO_SIZE_2 | IO_SIZE_4);
        if (mem)
            io_register(io, FW_CFG_PORT_DMA, 8, io_rd, io_wr, f, IO_SIZE_1 | IO_SIZE_2 | IO_SIZE_4);
    }
}

void fwcfg_free(FWCfg *f)
{
    for (int i = 0; i < FW_CFG_LEGACY_KEYS; i++)
        free(f->legacy[i].data);
    for (int i = 0; i < f->n_files; i++)
        free(f->file[i].data);
    memset(f, 0, sizeof(*f));
}

static void reset_vm(void *opaque)
{
    FWCfg *f = opaque;
    f->key = 0;
    f->offset = 0;
    f->dma_addr_hi = 0;
}

/* The items are configuration (rebuilt from the command line), not state. */
static const VMField fwcfg_fields[] = {
    VMF(FWCfg, key), VMF(FWCfg, offset), VMF(FWCfg, dma_addr_hi), VMF_END,
};
const VMStateDesc fwcfg_vmstate = {1, fwcfg_fields, reset_vm, NULL, NULL};
