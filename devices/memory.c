/* memory.c - guest physical address space: the region map and A20.
 *
 * Regions live in Memory.regions (slots, so a page can name its region
 * with 16 bits). The page table is a cache of the map: after a change,
 * rebuild_range() recomputes every page of the affected range by taking,
 * among the mapped and enabled regions covering the page, the highest
 * priority (ties: added last), then following aliases to the leaf region.
 * A machine has a few dozen regions at most, so a linear scan of the
 * candidates per page is the simplest fast choice; changes are rare (BIOS
 * load, PAM/VGA reprogramming) compared with accesses.
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

#include "vmstate.h"

#define ROM_LOW_MAX (128u * 1024u)   /* BIOS bytes visible below 1 MiB */
#define LEGACY_VGA_START 0xA0000u
#define LEGACY_VGA_END 0xC0000u
#define ONE_MIB 0x100000u
#define SPACE (1ull << 32)
#define NO_OWNER 0xffffu
#define MAX_ALIAS_DEPTH 8

static uint64_t page_round(uint64_t n)
{
    return (n + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
}

static void notify_map_changed(Memory *m)
{
    if (m->map_changed)
        m->map_changed(m->map_opaque);
}

/* ---- the page table ---- */

/* Follow aliases from region r at byte offset off to the region that
 * answers; NULL when the window runs past its target (unmapped). */
static MemRegion *resolve(MemRegion *r, uint64_t *off, bool *ro)
{
    for (int depth = 0; r && r->kind == MR_ALIAS; depth++) {
        if (depth >= MAX_ALIAS_DEPTH || !r->target)
            return NULL;
        *ro |= r->readonly;
        *off += r->offset;
        r = r->target;
    }
    return r && *off < r->size ? r : NULL;
}

static bool covers(const MemRegion *r, uint64_t a)
{
    return r->mapped && r->enabled && a >= r->base && a < r->base + r->size;
}

/* Does a beat b where both cover a page? */
static bool wins(const MemRegion *a, const MemRegion *b)
{
    return !b || a->priority > b->priority || (a->priority == b->priority && a->seq > b->seq);
}

static void rebuild_range(Memory *m, uint64_t start, uint64_t end)
{
    if (end > SPACE)
        end = SPACE;
    if (start >= end)
        return;
    /* Candidates overlapping the range, best first. */
    MemRegion *cand[m->n_regions > 0 ? m->n_regions : 1];
    int n = 0;
    for (int i = 0; i < m->n_regions; i++) {
        MemRegion *r = m->regions[i];
        if (!r || !r->mapped || !r->enabled || r->base >= end || r->base + r->size <= start)
            continue;
        int j = n++;
        while (j > 0 && wins(r, cand[j - 1])) {
            cand[j] = cand[j - 1];
            j--;
        }
        cand[j] = r;
    }
    for (uint64_t p = start / PAGE_SIZE; p < page_round(end) / PAGE_SIZE; p++) {
        uint64_t a = p * PAGE_SIZE;
        m->kind[p] = PG_UNMAPPED;
        m->host[p] = NULL;
        m->owner[p] = NO_OWNER;
        m->leaf_page[p] = 0;
        for (int i = 0; i < n; i++) {
            if (!covers(cand[i], a))
                continue;
            uint64_t off = a - cand[i]->base;
            bool ro = false;
            MemRegion *leaf = resolve(cand[i], &off, &ro);
            if (leaf) {
                m->owner[p] = (uint16_t)leaf->index;
                m->leaf_page[p] = (uint32_t)(off / PAGE_SIZE);
                if (leaf->kind == MR_MMIO) {
                    m->kind[p] = PG_MMIO;
                } else {
                    m->kind[p] = leaf->kind == MR_RAM && !ro ? PG_RAM : PG_ROM;
                    m->host[p] = leaf->host + (off & ~(uint64_t)(PAGE_SIZE - 1));
                }
            }
            break;
        }
    }
}

static void changed(Memory *m, uint64_t start, uint64_t size)
{
    rebuild_range(m, start, start + size);
    notify_map_changed(m);
}

/* The range where r (or aliases of it) appear: r's own placement; a change
 * to an alias target's contents has no placement of its own, so the whole
 * space is rebuilt then. */
static bool is_alias_target(const Memory *m, const MemRegion *r)
{
    for (int i = 0; i < m->n_regions; i++) {
        const MemRegion *a = m->regions[i];
        if (a && a->kind == MR_ALIAS && a->target == r && a->mapped)
            return true;
    }
    return false;
}

/* ---- regions ---- */

static uint8_t *alloc_pages(uint64_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static MemRegion *region_new(Memory *m, MemRegionKind kind, const char *name, uint64_t size)
{
    size = page_round(size);
    if (size == 0 || size > SPACE) {
        errno = EINVAL;
        return NULL;
    }
    int slot = -1;
    for (int i = 0; i < m->n_regions; i++) {
        if (!m->regions[i]) {
            slot = i;
            break;
        }
    }
    if (slot < 0) {
        if (m->n_regions >= (int)NO_OWNER) {
            errno = ENOSPC;
            return NULL;
        }
        if (m->n_regions == m->cap_regions) {
            int cap = m->cap_regions ? 2 * m->cap_regions : 16;
            MemRegion **nr = realloc(m->regions, (size_t)cap * sizeof(*nr));
            if (!nr)
                return NULL;
            m->regions = nr;
            m->cap_regions = cap;
        }
        slot = m->n_regions++;
    }
    MemRegion *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->kind = kind;
    snprintf(r->name, sizeof(r->name), "%s", name ? name : "");
    r->size = size;
    r->index = slot;
    r->enabled = true;
    m->regions[slot] = r;
    return r;
}

MemRegion *mem_region_new_ram(Memory *m, const char *name, uint64_t size)
{
    MemRegion *r = region_new(m, MR_RAM, name, size);
    if (!r)
        return NULL;
    r->host = alloc_pages(r->size);
    if (!r->host) {
        mem_region_free(m, r);
        return NULL;
    }
    return r;
}

MemRegion *mem_region_new_rom(Memory *m, const char *name, uint64_t size, const void *data,
                              size_t len)
{
    MemRegion *r = region_new(m, MR_ROM, name, size);
    if (!r)
        return NULL;
    r->host = alloc_pages(r->size);
    if (!r->host) {
        mem_region_free(m, r);
        return NULL;
    }
    if (len > r->size)
        len = (size_t)r->size;
    if (len)
        memcpy(r->host, data, len);
    memset(r->host + len, 0xff, (size_t)(r->size - len));
    return r;
}

MemRegion *mem_region_new_mmio(Memory *m, const char *name, uint64_t size, mmio_read_fn rd,
                               mmio_write_fn wr, void *opaque)
{
    MemRegion *r = region_new(m, MR_MMIO, name, size);
    if (r) {
        r->read = rd;
        r->write = wr;
        r->opaque = opaque;
    }
    return r;
}

MemRegion *mem_region_new_alias(Memory *m, const char *name, MemRegion *target, uint64_t offset,
                                uint64_t size)
{
    if (!target || offset % PAGE_SIZE) {
        errno = EINVAL;
        return NULL;
    }
    MemRegion *r = region_new(m, MR_ALIAS, name, size);
    if (r) {
        r->target = target;
        r->offset = offset;
    }
    return r;
}

void mem_region_add(Memory *m, MemRegion *r, uint32_t base, int priority)
{
    if (r->mapped)
        mem_region_remove(m, r);
    r->base = base & PAGE_MASK;
    r->priority = priority;
    r->mapped = true;
    r->enabled = true;
    r->seq = ++m->seq;
    changed(m, r->base, r->size);
}

void mem_region_remove(Memory *m, MemRegion *r)
{
    if (!r->mapped)
        return;
    r->mapped = false;
    changed(m, r->base, r->size);
}

void mem_region_move(Memory *m, MemRegion *r, uint32_t base)
{
    base &= PAGE_MASK;
    if (!r->mapped) {
        r->base = base;
        return;
    }
    uint64_t old = r->base;
    r->base = base;
    rebuild_range(m, old, old + r->size);
    changed(m, r->base, r->size);
}

void mem_region_set_enabled(Memory *m, MemRegion *r, bool enabled)
{
    if (r->enabled == enabled)
        return;
    r->enabled = enabled;
    if (r->mapped)
        changed(m, r->base, r->size);
}

void mem_region_set_readonly(Memory *m, MemRegion *r, bool readonly)
{
    if (r->readonly == readonly)
        return;
    r->readonly = readonly;
    if (r->mapped)
        changed(m, r->base, r->size);
}

void mem_region_set_priority(Memory *m, MemRegion *r, int priority)
{
    if (r->priority == priority)
        return;
    r->priority = priority;
    if (r->mapped)
        changed(m, r->base, r->size);
}

void mem_region_set_alias_offset(Memory *m, MemRegion *r, uint64_t offset)
{
    if (r->kind != MR_ALIAS || offset % PAGE_SIZE || r->offset == offset)
        return;
    r->offset = offset;
    if (r->mapped)
        changed(m, r->base, r->size);
}

void mem_region_free(Memory *m, MemRegion *r)
{
    if (!r)
        return;
    mem_region_remove(m, r);
    if (is_alias_target(m, r)) {
        /* Aliases still mapped onto it turn into holes. */
        for (int i = 0; i < m->n_regions; i++) {
            MemRegion *a = m->regions[i];
            if (a && a->kind == MR_ALIAS && a->target == r)
                a->target = NULL;
        }
        changed(m, 0, SPACE);
    }
    if (r->host)
        munmap(r->host, r->size);
    free(r->dirty);
    if (m->regions[r->index] == r)
        m->regions[r->index] = NULL;
    if (m->ram_region == r)
        m->ram_region = NULL;
    if (m->rom_region == r)
        m->rom_region = NULL;
    free(r);
}

MemRegion *mem_region_find(Memory *m, const char *name)
{
    for (int i = 0; i < m->n_regions; i++) {
        if (m->regions[i] && strcmp(m->regions[i]->name, name) == 0)
            return m->regions[i];
    }
    return NULL;
}

int mem_for_each_ram_slot(Memory *m, void (*fn)(void *opaque, const MemSlot *slot), void *opaque)
{
    int n = 0;
    MemSlot s = {0};
    for (uint64_t p = 0; p <= PHYS_PAGES; p++) {
        bool ok = p < PHYS_PAGES && (m->kind[p] == PG_RAM || m->kind[p] == PG_ROM);
        if (s.size && ok && s.gpa + s.size == p * PAGE_SIZE && m->host[p] == s.host + s.size &&
            s.readonly == (m->kind[p] == PG_ROM)) {
            s.size += PAGE_SIZE;
            continue;
        }
        if (s.size) {
            if (fn)
                fn(opaque, &s);
            n++;
            s.size = 0;
        }
        if (ok)
            s = (MemSlot){p * PAGE_SIZE, PAGE_SIZE, m->host[p], m->kind[p] == PG_ROM};
    }
    return n;
}

/* ---- dirty tracking ---- */

static void flush_writes(Memory *m)
{
    if (m->tlb_flush)
        m->tlb_flush(m->tlb_opaque);
    else
        notify_map_changed(m);
}

bool mem_dirty_enable(Memory *m, MemRegion *r)
{
    if (r->kind != MR_RAM)
        return false;
    if (r->dirty)
        return true;
    r->dirty = calloc((size_t)(r->size / PAGE_SIZE + 7) / 8, 1);
    if (!r->dirty)
        return false;
    flush_writes(m);   /* existing write mappings would bypass the tracking */
    return true;
}

void mem_dirty_disable(Memory *m, MemRegion *r)
{
    (void)m;
    free(r->dirty);
    r->dirty = NULL;
}

long mem_dirty_get_and_clear(Memory *m, MemRegion *r, uint8_t *bitmap)
{
    if (!r->dirty)
        return -1;
    if (m->dirty_sync)
        m->dirty_sync(m->dirty_opaque, r);
    size_t bytes = (size_t)(r->size / PAGE_SIZE + 7) / 8;
    long n = 0;
    for (size_t i = 0; i < bytes; i++)
        n += __builtin_popcount(r->dirty[i]);
    if (bitmap)
        memcpy(bitmap, r->dirty, bytes);
    memset(r->dirty, 0, bytes);
    flush_writes(m);
    return n;
}

static inline void mark_dirty(Memory *m, uint32_t page)
{
    MemRegion *r = m->regions[m->owner[page]];
    if (r->dirty) {
        uint32_t i = m->leaf_page[page];
        r->dirty[i / 8] |= (uint8_t)(1u << (i % 8));
    }
}

/* ---- the board's layout ---- */

bool mem_init(Memory *m, uint32_t ram_bytes)
{
    memset(m, 0, sizeof(*m));
    m->a20 = true;
    m->ram_size = (ram_bytes + PAGE_SIZE - 1) & PAGE_MASK;
    if (m->ram_size < ram_bytes) {
        errno = EINVAL;
        return false;
    }
    m->kind = calloc(PHYS_PAGES, 1);
    m->owner = calloc(PHYS_PAGES, sizeof(uint16_t));
    m->leaf_page = calloc(PHYS_PAGES, sizeof(uint32_t));
    m->host = calloc(PHYS_PAGES, sizeof(uint8_t *));
    m->code = calloc(PHYS_PAGES, sizeof(*m->code));
    if (!m->kind || !m->owner || !m->leaf_page || !m->host || !m->code) {
        mem_free(m);
        errno = ENOMEM;
        return false;
    }
    rebuild_range(m, 0, SPACE);
    if (m->ram_size) {
        /* Anonymous mapping: zero-filled and committed lazily, so a large
         * -m costs nothing until the guest touches the memory. */
        MemRegion *ram = mem_region_new_ram(m, "ram", m->ram_size);
        if (!ram) {
            int e = errno;
            mem_free(m);
            errno = e ? e : ENOMEM;
            return false;
        }
        m->ram_region = ram;
        m->ram = ram->host;
        uint32_t low = m->ram_size < LEGACY_VGA_START ? m->ram_size : LEGACY_VGA_START;
        MemRegion *a = mem_region_new_alias(m, "ram-low", ram, 0, low);
        if (a)
            mem_region_add(m, a, 0, MEM_PRIO_RAM);
        if (m->ram_size > LEGACY_VGA_END) {
            a = mem_region_new_alias(m, "ram-high", ram, LEGACY_VGA_END,
                                     m->ram_size - LEGACY_VGA_END);
            if (a)
                mem_region_add(m, a, LEGACY_VGA_END, MEM_PRIO_RAM);
        }
    }
    return true;
}

void mem_free(Memory *m)
{
    /* Aliases first, so no target is freed under a live alias. */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < m->n_regions; i++) {
            MemRegion *r = m->regions[i];
            if (r && (pass == 1 || r->kind == MR_ALIAS)) {
                if (r->host)
                    munmap(r->host, r->size);
                free(r->dirty);
                free(r);
                m->regions[i] = NULL;
            }
        }
    }
    free(m->regions);
    free(m->kind);
    free(m->owner);
    free(m->leaf_page);
    free(m->host);
    free(m->code);
    m->regions = NULL;
    m->n_regions = m->cap_regions = 0;
    m->ram_region = m->rom_region = NULL;
    m->ram = m->rom = NULL;
    m->kind = NULL;
    m->owner = NULL;
    m->leaf_page = NULL;
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
    MemRegion *rom = mem_region_new_rom(m, "bios", alloc, NULL, 0);
    if (!rom)
        return false;
    memcpy(rom->host + (alloc - size), data, size);
    uint32_t low = alloc < ROM_LOW_MAX ? alloc : ROM_LOW_MAX;
    MemRegion *alias = mem_region_new_alias(m, "bios-low", rom, alloc - low, low);
    if (!alias) {
        mem_region_free(m, rom);
        return false;
    }
    MemRegion *old = m->rom_region, *old_alias = mem_region_find(m, "bios-low");
    if (old_alias != alias)
        mem_region_free(m, old_alias);
    mem_region_free(m, old);
    m->rom_region = rom;
    m->rom = rom->host;
    m->rom_size = alloc;
    mem_region_add(m, rom, (uint32_t)(SPACE - alloc), MEM_PRIO_ROM);
    mem_region_add(m, alias, ONE_MIB - low, MEM_PRIO_ROM);
    return true;
}

MemRegion *mem_map_mmio(Memory *m, uint32_t base, uint32_t size, mmio_read_fn rd,
                        mmio_write_fn wr, void *opaque)
{
    MemRegion *r = size ? mem_region_new_mmio(m, "mmio", size, rd, wr, opaque) : NULL;
    if (!r) {
        fprintf(stderr, "xlat86: internal error: cannot map MMIO region at %#x\n", base);
        return NULL;
    }
    mem_region_add(m, r, base, MEM_PRIO_MMIO);
    return r;
}

void mem_set_a20(Memory *m, bool enabled)
{
    if (m->a20 == enabled)
        return;
    m->a20 = enabled;
    notify_map_changed(m);
}

/* ---- accesses ---- */

/* The MMIO region answering page `page` and the address it is given. */
static const MemRegion *mmio_at(const Memory *m, uint32_t a, uint32_t *addr)
{
    uint32_t page = a / PAGE_SIZE;
    const MemRegion *r = m->regions[m->owner[page]];
    *addr = (uint32_t)(r->base + (uint64_t)m->leaf_page[page] * PAGE_SIZE + (a & ~PAGE_MASK));
    return r;
}

bool mem_mmio_peek(const Memory *m, uint32_t phys, uint8_t *v)
{
    uint32_t a = mem_a20(m, phys);
    if (m->kind[a / PAGE_SIZE] != PG_MMIO) return false;
    uint32_t addr;
    const MemRegion *r = mmio_at(m, a, &addr);
    if (!r->peek) return false;
    *v = (uint8_t)r->peek(r->opaque, addr, 1);
    return true;
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
        uint32_t addr;
        const MemRegion *r = mmio_at(m, a, &addr);
        if (!r->read)
            break;
        v = r->read(r->opaque, addr, size);
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
        mark_dirty(m, page);
        if (m->code[page] && m->code_write)
            m->code_write(m->code_opaque, a, (uint32_t)size);
        break;
    case PG_MMIO: {
        uint32_t addr;
        const MemRegion *r = mmio_at(m, a, &addr);
        if (r->write)
            r->write(r->opaque, addr, val, size);
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
    while (len > 0 && a < SPACE) {
        uint32_t page = (uint32_t)(a / PAGE_SIZE);
        uint32_t off = (uint32_t)(a & ~PAGE_MASK);
        size_t chunk = PAGE_SIZE - off;
        if (chunk > len)
            chunk = len;
        if (m->kind[page] == PG_RAM) {
            memcpy(m->host[page] + off, s, chunk);
            mark_dirty(m, page);
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
        if (a >= SPACE) {
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

/* ---- the A20 gate as a device ---- */

static void a20_reset(void *opaque)
{
    /* A20 passes through after reset, as on QEMU's PC (the CPU's A20 mask
     * is reset to all ones). */
    mem_set_a20(opaque, true);
}

static void a20_post_load(void *opaque)
{
    Memory *m = opaque;
    bool v = m->a20;
    m->a20 = !v;
    mem_set_a20(m, v);   /* the CPU's view of memory changed */
}

static const VMField a20_fields[] = {VMF(Memory, a20), VMF_END};
const VMStateDesc mem_a20_vmstate = {1, a20_fields, a20_reset, NULL, a20_post_load};
