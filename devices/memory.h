/* memory.h - guest physical address space: a map of regions, and A20.
 *
 * Regions (MemRegion) are RAM, ROM, MMIO or aliases (a window onto part of
 * another region). A region is created unmapped, then added at a base with
 * a priority; it can be removed, moved, disabled and enabled again. Where
 * mapped regions overlap, the higher priority wins, and among equals the
 * one added last. After every change the per-page table (kind, host
 * pointer, owning region) is rebuilt for the affected range, so a lookup
 * stays one index, and map_changed is called (the CPU flushes its TLBs,
 * the translator unlinks chained blocks).
 *
 * The PC/AT layout built by mem_init and mem_load_rom:
 *   "ram" (RAM, never mapped itself) seen through two aliases:
 *     "ram-low"  [0, 0xA0000)          and
 *     "ram-high" [0xC0000, ram_size)   (0xA0000-0xBFFFF: the VGA hole)
 *   "bios" (ROM) at 4 GiB - size, and its alias "bios-low" ending at 1 MiB
 *   (the image's last 128 KiB at most), priority MEM_PRIO_ROM over RAM.
 * MMIO regions (mem_map_mmio) take MEM_PRIO_MMIO, above both.
 *
 * RAM and ROM host buffers are page-aligned mappings (what KVM memory
 * slots need); mem_for_each_ram_slot lists them as the guest sees them.
 *
 * MMIO handlers receive an absolute physical address: the accessed one,
 * or through an alias, the address in the target region's own placement.
 *
 * Writes to RAM that the translator holds code for must be reported to it:
 * mem_write* call the code_write hook for pages marked as code pages.
 * RAM regions may track dirty pages (mem_dirty_enable): a clean page of a
 * tracked region hands out no writable host pointer, so the first write
 * takes the slow path, which marks it dirty.
 */
#ifndef XLAT86_MEMORY_H
#define XLAT86_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096u
#define PAGE_MASK 0xfffff000u
#define PHYS_PAGES (1u << 20)

enum PageKind {
    PG_UNMAPPED = 0, /* reads all ones, writes ignored */
    PG_RAM,
    PG_ROM,          /* readable host memory, writes ignored */
    PG_MMIO,
};

typedef uint32_t (*mmio_read_fn)(void *opaque, uint32_t addr, int size);
typedef void (*mmio_write_fn)(void *opaque, uint32_t addr, uint32_t val, int size);

typedef enum MemRegionKind { MR_RAM, MR_ROM, MR_MMIO, MR_ALIAS } MemRegionKind;

/* Priorities of the board's own regions. */
enum { MEM_PRIO_RAM = 0, MEM_PRIO_ROM = 1, MEM_PRIO_MMIO = 2 };

typedef struct MemRegion {
    MemRegionKind kind;
    char name[32];
    uint64_t size;            /* bytes, a multiple of PAGE_SIZE */
    /* Placement: valid while mapped. */
    uint64_t base;
    int priority;
    bool mapped;              /* added to the map */
    bool enabled;             /* takes part in the map while mapped */
    uint32_t seq;             /* order of adding (later wins a tie) */
    int index;                /* slot in Memory.regions */
    /* RAM / ROM */
    uint8_t *host;            /* page-aligned, size bytes */
    uint8_t *dirty;           /* RAM with dirty tracking: one bit per page */
    /* MMIO */
    mmio_read_fn read;
    mmio_write_fn write;
    mmio_read_fn peek;        /* optional: the same value as read, no side effects */
    void *opaque;
    /* alias: [offset, offset + size) of target */
    struct MemRegion *target;
    uint64_t offset;
    bool readonly;            /* alias: a RAM target shows as ROM (writes dropped) */
} MemRegion;

/* A run of guest-physical RAM or ROM backed by contiguous host memory. */
typedef struct MemSlot {
    uint64_t gpa;
    uint64_t size;
    uint8_t *host;
    bool readonly;
} MemSlot;

typedef struct Memory {
    uint8_t *ram;             /* host buffer of the "ram" region */
    uint32_t ram_size;        /* bytes, multiple of 4 KiB */
    uint8_t *rom;             /* host buffer of the "bios" region, or NULL */
    uint32_t rom_size;
    bool a20;                 /* true: address line 20 passes through */

    MemRegion **regions;      /* slots; NULL = free */
    int n_regions, cap_regions;
    uint32_t seq;
    MemRegion *ram_region, *rom_region;

    /* Per page: kind; host pointer (RAM/ROM); the leaf region that answers
     * (after resolving aliases) and the page's index inside it. code[]
     * counts translated blocks on the page. */
    uint8_t *kind;            /* PHYS_PAGES entries */
    uint16_t *owner;          /* PHYS_PAGES entries: leaf region slot */
    uint32_t *leaf_page;      /* PHYS_PAGES entries: page index within the leaf */
    uint8_t **host;           /* PHYS_PAGES entries: host pointer of page or NULL */
    uint32_t *code;           /* PHYS_PAGES entries: translated blocks on the page (32 bits:
                               * a page can hold more than 65,535 translations, one
                               * per CS base and offset; see tests/guest/smc_many) */

    /* Called for every guest write that touches a code page (phys, len). */
    void (*code_write)(void *opaque, uint32_t phys, uint32_t len);
    void *code_opaque;
    /* Called when the mapping changes (A20 toggled, regions mapped): the
     * CPU must flush its TLB. */
    void (*map_changed)(void *opaque);
    void *map_opaque;
    /* Optional: drop write mappings (TLB flush) after dirty bits were
     * cleared; map_changed is called instead when unset. */
    void (*tlb_flush)(void *opaque);
    void *tlb_opaque;
    /* Optional: an engine that logs dirty pages itself (KVM) merges its
     * log into r->dirty here; called first by mem_dirty_get_and_clear. */
    void (*dirty_sync)(void *opaque, MemRegion *r);
    void *dirty_opaque;
} Memory;

/* RAM of ram_bytes (rounded up to pages). Returns false (with errno) on
 * allocation failure. */
bool mem_init(Memory *m, uint32_t ram_bytes);
void mem_free(Memory *m);
/* Zero all of RAM (a fresh boot after a reset with -kernel). Code-page
 * counters are not touched and no hook is called: the caller drops the
 * translated code itself. */
void mem_clear_ram(Memory *m);
/* Map a ROM image so that it ends at 1 MiB (up to 128 KiB of it) and at
 * 4 GiB (replacing an earlier one). */
bool mem_load_rom(Memory *m, const uint8_t *data, uint32_t size);
/* An MMIO region at base, priority MEM_PRIO_MMIO (NULL on failure). */
MemRegion *mem_map_mmio(Memory *m, uint32_t base, uint32_t size, mmio_read_fn rd,
                        mmio_write_fn wr, void *opaque);
void mem_set_a20(Memory *m, bool enabled);

/* Regions. Created unmapped and owned by the Memory (freed by mem_free or
 * mem_region_free). Sizes are rounded up to whole pages; NULL on failure.
 * RAM reads as zero; ROM holds data (len bytes, the rest reads 0xFF). */
MemRegion *mem_region_new_ram(Memory *m, const char *name, uint64_t size);
MemRegion *mem_region_new_rom(Memory *m, const char *name, uint64_t size,
                              const void *data, size_t len);
MemRegion *mem_region_new_mmio(Memory *m, const char *name, uint64_t size, mmio_read_fn rd,
                               mmio_write_fn wr, void *opaque);
/* A window of `size` bytes at `offset` into target (any kind, itself
 * mapped or not). The target must outlive the alias. */
MemRegion *mem_region_new_alias(Memory *m, const char *name, MemRegion *target,
                                uint64_t offset, uint64_t size);
/* Map at base (page-aligned; the part past 4 GiB is ignored), enabled. */
void mem_region_add(Memory *m, MemRegion *r, uint32_t base, int priority);
void mem_region_remove(Memory *m, MemRegion *r);
void mem_region_move(Memory *m, MemRegion *r, uint32_t base);
void mem_region_set_enabled(Memory *m, MemRegion *r, bool enabled);
void mem_region_set_priority(Memory *m, MemRegion *r, int priority);
/* Alias: show another window of the target. */
void mem_region_set_alias_offset(Memory *m, MemRegion *r, uint64_t offset);
/* Alias: writes through it are dropped (RAM seen read-only, as PAM's
 * read-enable-only mode of the i440FX). */
void mem_region_set_readonly(Memory *m, MemRegion *r, bool readonly);
/* Remove (if mapped) and free. */
void mem_region_free(Memory *m, MemRegion *r);
MemRegion *mem_region_find(Memory *m, const char *name);

/* Call fn for every maximal run of guest-physical pages that are RAM or
 * ROM on contiguous host memory, in address order (A20 not applied: the
 * map as seen with the gate open). Returns the number of slots. */
int mem_for_each_ram_slot(Memory *m, void (*fn)(void *opaque, const MemSlot *slot),
                          void *opaque);

/* Dirty-page tracking of a RAM region. Enabling starts with every page
 * clean. get_and_clear copies the bits (bit i of byte i/8 = page i of the
 * region; the bitmap holds size/4096 bits), clears them and drops write
 * mappings (tlb_flush or map_changed). Returns the number of dirty pages,
 * or -1 when the region does not track. */
bool mem_dirty_enable(Memory *m, MemRegion *r);
void mem_dirty_disable(Memory *m, MemRegion *r);
long mem_dirty_get_and_clear(Memory *m, MemRegion *r, uint8_t *bitmap);

/* The A20 gate as a registered device ("a20"; reset: gate open). */
struct VMStateDesc;
extern const struct VMStateDesc mem_a20_vmstate;

static inline uint32_t mem_a20(const Memory *m, uint32_t phys)
{
    return m->a20 ? phys : (phys & ~0x100000u);
}

/* Host pointer to the page holding phys (after A20), for reads (RAM or
 * ROM) or writes (RAM only, and only if no translated code is on the page
 * and, in a dirty-tracked region, the page is already dirty). NULL when
 * the access must take the slow path. */
static inline uint8_t *mem_page_ptr(Memory *m, uint32_t phys, bool write)
{
    /* Inline: the CPU's TLB fill calls it up to three times per miss. */
    uint32_t page = mem_a20(m, phys) / PAGE_SIZE;
    switch (m->kind[page]) {
    case PG_RAM:
        if (write) {
            if (m->code[page])
                return NULL;   /* writes must reach the code_write hook */
            const MemRegion *r = m->regions[m->owner[page]];
            if (r->dirty) {
                uint32_t i = m->leaf_page[page];
                if (!(r->dirty[i / 8] & (1u << (i % 8))))
                    return NULL;   /* first write marks the page dirty */
            }
        }
        return m->host[page];
    case PG_ROM:
        return write ? NULL : m->host[page];
    default:
        return NULL;
    }
}
/* A debugger's read of one byte of an MMIO page through its region's peek
 * hook (set by the device: what a read would return, without the read's
 * side effects, e.g. VGA latches). False for pages that are not MMIO or
 * whose device has no peek. */
bool mem_mmio_peek(const Memory *m, uint32_t phys, uint8_t *v);

/* Slow-path physical accesses of 1, 2 or 4 bytes within one page. */
uint32_t mem_read(Memory *m, uint32_t phys, int size);
void mem_write(Memory *m, uint32_t phys, uint32_t val, int size);
/* Bulk copies for loaders and DMA (clipped to RAM, code pages reported). */
void mem_write_bulk(Memory *m, uint32_t phys, const void *src, size_t len);
void mem_read_bulk(Memory *m, uint32_t phys, void *dst, size_t len);

#endif
