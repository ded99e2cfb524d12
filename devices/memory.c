/* memory.c - guest physical address space: RAM, ROM, MMIO, A20.
 *
 * The map is a flat per-page table (kind, host pointer, MMIO index) so a
 * lookup is one index. Layout of a PC/AT:
 *   [0, ram_size)            RAM, except the legacy hole below
 *   [0xA0000, 0xC0000)       unmapped until a VGA maps its MMIO window there
 *   [0xC0000, 1 MiB - rom)   RAM (option-ROM / upper-memory area, writable so
 *                            a BIOS can shadow option ROMs into it)
 *   [1 MiB - min(rom,128K), 1 MiB)  the end of the BIOS image, read-only
 *   [4 GiB - rom, 4 GiB)     the whole BIOS image (reset vector at FFFFFFF0)
 * MMIO regions mapped later override any of these.
 *
 * MMIO handlers receive the absolute physical address (not an offset into
 * the region): region bases are fixed by the board, and an absolute address
 * is what a person reads in a datasheet and in logs.
 *
 * A20: mem_read/mem_write/mem_page_ptr are the CPU's view and apply the A20
 * mask (address line 20 forced to 0 when the gate is off, as on the PC/AT).
 * The bulk copies model loaders and DMA, which on the PC bypass the CPU's
 * A20 gate, so they use the address unchanged.
 */
#include "memory.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ROM_LOW_MAX (128u * 1024u)   /* BIOS bytes visible below 1 MiB */
#define LEGACY_VGA_START 0xA0000u
#define LEGACY_VGA_END 0xC0000u
#define ONE_MIB 0x100000u

static void notify_map_changed(Memory *m)
{
    if (m->map_changed)
        m->map_changed(m->map_opaque);
}

static void set_page(Memory *m, uint32_t page, uint8_t kind, uint8_t *host)
{
    m->kind[page] = kind;
    m->host[page] = host;
    m->mmio_index[page] = 0;
}

/* Lay out RAM and (if loaded) ROM, then re-apply MMIO regions on top. */
static void rebuild_map(Memory *m)
{
    for (uint32_t p = 0; p < PHYS_PAGES; p++)
        set_page(m, p, PG_UNMAPPED, NULL);
    uint32_t ram_pages = m->ram_size / PAGE_SIZE;
    for (uint32_t p = 0; p < ram_pages; p++) {
        uint32_t a = p * PAGE_SIZE;
        if (a >= LEGACY_VGA_START && a < LEGACY_VGA_END)
            continue;
        set_page(m, p, PG_RAM, m->ram + a);
    }
    if (m->rom) {
        /* Alias ending at 4 GiB: the whole image. */
        uint32_t pages = m->rom_size / PAGE_SIZE;
        uint32_t first = PHYS_PAGES - pages;
        for (uint32_t i = 0; i < pages; i++)
            set_page(m, first + i, PG_ROM, m->rom + (size_t)i * PAGE_SIZE);
        /* Copy ending at 1 MiB: at most the last 128 KiB. */
        uint32_t low = m->rom_size < ROM_LOW_MAX ? m->rom_size : ROM_LOW_MAX;
        uint32_t lfirst = (ONE_MIB - low) / PAGE_SIZE;
        uint8_t *src = m->rom + (m->rom_size - low);
        for (uint32_t i = 0; i < low / PAGE_SIZE; i++)
            set_page(m, lfirst + i, PG_ROM, src + (size_t)i * PAGE_SIZE);
    }
    for (int r = 0; r < m->n_mmio; r++) {
        const MMIORegion *reg = &m->mmio[r];
        uint32_t first = reg->base / PAGE_SIZE;
        uint64_t end = ((uint64_t)reg->base + reg->size + PAGE_SIZE - 1) / PAGE_SIZE;
        for (uint64_t p = first; p < end && p < PHYS_PAGES; p++) {
            m->kind[p] = PG_MMIO;
            m->host[p] = NULL;
            m->mmio_index[p] = (uint8_t)r;
        }
    }
}

bool mem_init(Memory *m, uint32_t ram_bytes)
{
    memset(m, 0, sizeof(*m));
    m->a20 = true;
    m->ram_size = (ram_bytes + PAGE_SIZE - 1) & PAGE_MASK;
    if (m->ram_size < ram_bytes) {
        errno = EINVAL;
        return false;
    }
    if (m->ram_size) {
        /* Anonymous mapping: zero-filled and committed lazily, so a large
         * -m costs nothing until the guest touches the memory. */
        void *p = mmap(NULL, m->ram_size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED)
            return false;
        m->ram = p;
    }
    m->kind = calloc(PHYS_PAGES, 1);
    m->mmio_index = calloc(PHYS_PAGES, 1);
    m->host = calloc(PHYS_PAGES, sizeof(uint8_t *));
    m->code = calloc(PHYS_PAGES, sizeof(uint16_t));
    if (!m->kind || !m->mmio_index || !m->host || !m->code) {
        mem_free(m);
        errno = ENOMEM;
        return false;
    }
    rebuild_map(m);
    return true;
}

void mem_free(Memory *m)
{
    if (m->ram)
        munmap(m->ram, m->ram_size);
    free(m->rom);
    free(m->kind);
    free(m->mmio_index);
    free(m->host);
    free(m->code);
    m->ram = m->rom = NULL;
    m->kind = m->mmio_index = NULL;
    m->host = NULL;
    m->code = NULL;
}

void mem_clear_ram(Memory *m)
{
    if (!m->ram)
        return;
    /* Dropping the pages of the private anonymous mapping makes them read
     * as zero again and returns the memory to the host; memset is the
     * fallback (and what other mappings would need). */
    if (madvise(m->ram, m->ram_size, MADV_DONTNEED) != 0)
        memset(m->ram, 0, m->ram_size);
}

bool mem_load_rom(Memory *m, const uint8_t *data, uint32_t size)
{
    if (size == 0 || size > 16u * 1024 * 1024)
        return false;
    /* Pad at the front to whole pages so the image still ends exactly at
     * 1 MiB and 4 GiB; the padding reads as erased flash (all ones). */
    uint32_t alloc = (size + PAGE_SIZE - 1) & PAGE_MASK;
    uint8_t *rom = malloc(alloc);
    if (!rom)
        return false;
    memset(rom, 0xff, alloc - size);
    memcpy(rom + (alloc - size), data, size);
    free(m->rom);
    m->rom = rom;
    m->rom_size = alloc;
    rebuild_map(m);
    notify_map_changed(m);
    return true;
}

void mem_map_mmio(Memory *m, uint32_t base, uint32_t size, mmio_read_fn rd,
                  mmio_write_fn wr, void *opaque)
{
    if (m->n_mmio >= MAX_MMIO || size == 0) {
        fprintf(stderr, "xlat86: internal error: cannot map MMIO region at %#x\n", base);
        return;
    }
    MMIORegion *r = &m->mmio[m->n_mmio++];
    r->base = base & PAGE_MASK;
    r->size = size;
    r->read = rd;
    r->write = wr;
    r->opaque = opaque;
    rebuild_map(m);
    notify_map_changed(m);
}

void mem_set_a20(Memory *m, bool enabled)
{
    if (m->a20 == enabled)
        return;
    m->a20 = enabled;
    notify_map_changed(m);
}

uint8_t *mem_page_ptr(Memory *m, uint32_t phys, bool write)
{
    uint32_t page = mem_a20(m, phys) / PAGE_SIZE;
    switch (m->kind[page]) {
    case PG_RAM:
        if (write && m->code[page])
            return NULL;   /* writes must reach the code_write hook */
        return m->host[page];
    case PG_ROM:
        return write ? NULL : m->host[page];
    default:
        return NULL;
    }
}

/* One access that does not cross a page, address already A20-masked. */
static uint32_t read_in_page(Memory *m, uint32_t a, int size)
{
    uint32_t page = a / PAGE_SIZE;
    uint32_t v = 0;
    switch (m->kind[page]) {
    case PG_RAM:
    case PG_ROM:
        memcpy(&v, m->host[page] + (a & ~PAGE_MASK), (size_t)size);
        return v;
    case PG_MMIO: {
        const MMIORegion *r = &m->mmio[m->mmio_index[page]];
        if (!r->read)
            break;
        v = r->read(r->opaque, a, size);
        return size == 4 ? v : v & ((1u << (8 * size)) - 1);
    }
    default:
        break;
    }
    return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static void write_in_page(Memory *m, uint32_t a, uint32_t val, int size)
{
    uint32_t page = a / PAGE_SIZE;
    switch (m->kind[page]) {
    case PG_RAM:
        memcpy(m->host[page] + (a & ~PAGE_MASK), &val, (size_t)size);
        if (m->code[page] && m->code_write)
            m->code_write(m->code_opaque, a, (uint32_t)size);
        break;
    case PG_MMIO: {
        const MMIORegion *r = &m->mmio[m->mmio_index[page]];
        if (r->write)
            r->write(r->opaque, a, val, size);
        break;
    }
    default:
        break;   /* ROM and unmapped: writes are dropped */
    }
}

static bool valid_size(int size)
{
    return size == 1 || size == 2 || size == 4;
}

uint32_t mem_read(Memory *m, uint32_t phys, int size)
{
    if (!valid_size(size))
        return 0xffffffffu;
    uint32_t a = mem_a20(m, phys);
    if ((a & ~PAGE_MASK) + (uint32_t)size <= PAGE_SIZE)
        return read_in_page(m, a, size);
    /* Crosses a page: byte by byte, each byte through its own page. */
    uint32_t v = 0;
    for (int i = 0; i < size; i++)
        v |= read_in_page(m, mem_a20(m, phys + (uint32_t)i), 1) << (8 * i);
    return v;
}

void mem_write(Memory *m, uint32_t phys, uint32_t val, int size)
{
    if (!valid_size(size))
        return;
    uint32_t a = mem_a20(m, phys);
    if ((a & ~PAGE_MASK) + (uint32_t)size <= PAGE_SIZE) {
        write_in_page(m, a, val, size);
        return;
    }
    for (int i = 0; i < size; i++)
        write_in_page(m, mem_a20(m, phys + (uint32_t)i), (val >> (8 * i)) & 0xff, 1);
}

void mem_write_bulk(Memory *m, uint32_t phys, const void *src, size_t len)
{
    const uint8_t *s = src;
    uint64_t a = phys;
    while (len > 0 && a < (1ull << 32)) {
        uint32_t page = (uint32_t)(a / PAGE_SIZE);
        uint32_t off = (uint32_t)(a & ~PAGE_MASK);
        size_t chunk = PAGE_SIZE - off;
        if (chunk > len)
            chunk = len;
        if (m->kind[page] == PG_RAM) {
            memcpy(m->host[page] + off, s, chunk);
            if (m->code[page] && m->code_write)
                m->code_write(m->code_opaque, (uint32_t)a, (uint32_t)chunk);
        } else if (m->kind[page] == PG_MMIO) {
            for (size_t i = 0; i < chunk; i++)
                write_in_page(m, (uint32_t)a + (uint32_t)i, s[i], 1);
        }
        s += chunk;
        a += chunk;
        len -= chunk;
    }
}

void mem_read_bulk(Memory *m, uint32_t phys, void *dst, size_t len)
{
    uint8_t *d = dst;
    uint64_t a = phys;
    while (len > 0) {
        if (a >= (1ull << 32)) {
            memset(d, 0xff, len);   /* past 4 GiB: nothing answers */
            return;
        }
        uint32_t page = (uint32_t)(a / PAGE_SIZE);
        uint32_t off = (uint32_t)(a & ~PAGE_MASK);
        size_t chunk = PAGE_SIZE - off;
        if (chunk > len)
            chunk = len;
        if (m->kind[page] == PG_RAM || m->kind[page] == PG_ROM) {
            memcpy(d, m->host[page] + off, chunk);
        } else if (m->kind[page] == PG_MMIO) {
            for (size_t i = 0; i < chunk; i++)
                d[i] = (uint8_t)read_in_page(m, (uint32_t)a + (uint32_t)i, 1);
        } else {
            memset(d, 0xff, chunk);
        }
        d += chunk;
        a += chunk;
        len -= chunk;
    }
}
