/* memory.h - guest physical address space: RAM, ROM, MMIO regions, A20.
 *
 * The 4 GiB physical space is described at page (4 KiB) granularity by a
 * table, so that a lookup is one index. RAM occupies [0, ram_size) except
 * where ROM or MMIO regions are mapped over it (the legacy hole 0xA0000-
 * 0xFFFFF); the BIOS image is mapped to end at 0x100000 (its last 64 KiB or
 * 128 KiB) and aliased to end at 4 GiB, where the reset vector is fetched.
 *
 * Writes to RAM that the translator holds code for must be reported to it:
 * mem_write* call the code_write hook for pages marked as code pages.
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

typedef struct MMIORegion {
    uint32_t base, size;
    mmio_read_fn read;
    mmio_write_fn write;
    void *opaque;
} MMIORegion;

#define MAX_MMIO 16

typedef struct Memory {
    uint8_t *ram;
    uint32_t ram_size;        /* bytes, multiple of 4 KiB */
    uint8_t *rom;
    uint32_t rom_size;
    bool a20;                 /* true: address line 20 passes through */

    /* Per page: kind in the low byte; for RAM/ROM the host pointer of the
     * page is computed from ram/rom. code[] marks RAM pages that hold
     * translated code (a counter per page). */
    uint8_t *kind;            /* PHYS_PAGES entries */
    uint8_t *mmio_index;      /* PHYS_PAGES entries: index into mmio[] */
    uint8_t **host;           /* PHYS_PAGES entries: host pointer of page or NULL */
    uint16_t *code;           /* PHYS_PAGES entries: translated blocks on the page */
    MMIORegion mmio[MAX_MMIO];
    int n_mmio;

    /* Called for every guest write that touches a code page (phys, len). */
    void (*code_write)(void *opaque, uint32_t phys, uint32_t len);
    void *code_opaque;
    /* Called when the mapping changes (A20 toggled, regions mapped): the
     * CPU must flush its TLB. */
    void (*map_changed)(void *opaque);
    void *map_opaque;
} Memory;

/* ram_mib: RAM size. Returns false (with errno) on allocation failure. */
bool mem_init(Memory *m, uint32_t ram_bytes);
void mem_free(Memory *m);
/* Zero all of RAM (a fresh boot after a reset with -kernel). Code-page
 * counters are not touched and no hook is called: the caller drops the
 * translated code itself. */
void mem_clear_ram(Memory *m);
/* Map a ROM image so that it ends at 1 MiB (up to 128 KiB of it) and at 4 GiB. */
bool mem_load_rom(Memory *m, const uint8_t *data, uint32_t size);
void mem_map_mmio(Memory *m, uint32_t base, uint32_t size, mmio_read_fn rd,
                  mmio_write_fn wr, void *opaque);
void mem_set_a20(Memory *m, bool enabled);

static inline uint32_t mem_a20(const Memory *m, uint32_t phys)
{
    return m->a20 ? phys : (phys & ~0x100000u);
}

/* Host pointer to the page holding phys (after A20), for reads (RAM or
 * ROM) or writes (RAM only, and only if no translated code is on the
 * page when for_tlb is set). NULL when the access must take the slow path. */
uint8_t *mem_page_ptr(Memory *m, uint32_t phys, bool write);

/* Slow-path physical accesses of 1, 2 or 4 bytes within one page. */
uint32_t mem_read(Memory *m, uint32_t phys, int size);
void mem_write(Memory *m, uint32_t phys, uint32_t val, int size);
/* Bulk copies for loaders and DMA (clipped to RAM, code pages reported). */
void mem_write_bulk(Memory *m, uint32_t phys, const void *src, size_t len);
void mem_read_bulk(Memory *m, uint32_t phys, void *dst, size_t len);

#endif
