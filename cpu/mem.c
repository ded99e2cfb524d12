/* mem.c - segmented and linear guest memory access for C code, and the
 * softmmu TLB that generated code also reads inline.
 *
 * Order of checks for a segmented access (SDM vol. 3, 5.3): the segment
 * must be usable, the access type allowed by the descriptor type (in
 * protected mode), and every byte within the limit; a violation raises
 * #SS(0) for SS and #GP(0) otherwise. Then the linear address is
 * translated (paging comes with the system-architecture work; until then
 * linear = physical, with the A20 mask) and the TLB caches the host
 * pointer of the page so repeated accesses are one compare.
 */
#include "mem.h"

#include <string.h>

#include "devices/memory.h"

static inline uint32_t tlb_index(uint32_t lin)
{
    return (lin >> 12) & (TLB_SIZE - 1);
}

void tlb_flush(CPU *cpu)
{
    for (unsigned i = 0; i < TLB_SIZE; i++) {
        cpu->tlb_read[i].tag = TLB_INVALID;
        cpu->tlb_write[i].tag = TLB_INVALID;
    }
}

void tlb_flush_write_phys(CPU *cpu, uint32_t phys_page)
{
    phys_page &= PAGE_MASK;
    for (unsigned i = 0; i < TLB_SIZE; i++)
        if (cpu->tlb_write[i].tag != TLB_INVALID && cpu->tlb_write[i].phys == phys_page)
            cpu->tlb_write[i].tag = TLB_INVALID;
}

uint32_t lin_to_phys(CPU *cpu, uint32_t lin, bool write)
{
    (void)write;
    return mem_a20(cpu->mem, lin);
}

/* Try to fill the TLB entry for lin's page; returns the entry or NULL when
 * the page must always go through the slow path. */
static TLBEntry *tlb_fill(CPU *cpu, uint32_t lin, bool write)
{
    uint32_t phys = lin_to_phys(cpu, lin, write);
    uint8_t *host = mem_page_ptr(cpu->mem, phys & PAGE_MASK, write);
    if (!host) return NULL;
    TLBEntry *e = write ? &cpu->tlb_write[tlb_index(lin)] : &cpu->tlb_read[tlb_index(lin)];
    e->tag = lin & PAGE_MASK;
    e->phys = phys & PAGE_MASK;
    e->addend = (uintptr_t)host - (uintptr_t)(lin & PAGE_MASK);
    return e;
}

static inline uint32_t host_ld(const uint8_t *p, int size)
{
    if (size == 1) return *p;
    if (size == 2) { uint16_t v; memcpy(&v, p, 2); return v; }
    uint32_t v; memcpy(&v, p, 4); return v;
}

static inline void host_st(uint8_t *p, uint32_t v, int size)
{
    if (size == 1) *p = (uint8_t)v;
    else if (size == 2) { uint16_t w = (uint16_t)v; memcpy(p, &w, 2); }
    else memcpy(p, &v, 4);
}

/* One access that does not cross a page. */
static uint32_t page_ld(CPU *cpu, uint32_t lin, int size)
{
    TLBEntry *e = &cpu->tlb_read[tlb_index(lin)];
    if (e->tag != (lin & PAGE_MASK)) e = tlb_fill(cpu, lin, false);
    if (e) return host_ld((const uint8_t *)(uintptr_t)(lin + e->addend), size);
    return mem_read(cpu->mem, lin_to_phys(cpu, lin, false), size);
}

static void page_st(CPU *cpu, uint32_t lin, uint32_t v, int size)
{
    TLBEntry *e = &cpu->tlb_write[tlb_index(lin)];
    if (e->tag != (lin & PAGE_MASK)) e = tlb_fill(cpu, lin, true);
    if (e) {
        host_st((uint8_t *)(uintptr_t)(lin + e->addend), v, size);
        return;
    }
    /* ROM, MMIO, unmapped, or a page holding translated code: the memory
     * layer reports code writes to the translator. */
    mem_write(cpu->mem, lin_to_phys(cpu, lin, true), v, size);
}

uint32_t lin_ld(CPU *cpu, uint32_t lin, int size)
{
    if (((lin & 0xfff) + (uint32_t)size) <= PAGE_SIZE) return page_ld(cpu, lin, size);
    uint32_t v = 0;
    for (int i = 0; i < size; i++) v |= page_ld(cpu, lin + (uint32_t)i, 1) << (8 * i);
    return v;
}

void lin_st(CPU *cpu, uint32_t lin, uint32_t v, int size)
{
    if (((lin & 0xfff) + (uint32_t)size) <= PAGE_SIZE) {
        page_st(cpu, lin, v, size);
        return;
    }
    /* A store that crosses a page: with paging, both pages must be checked
     * writable before either is written (done by the paging work). */
    for (int i = 0; i < size; i++) page_st(cpu, lin + (uint32_t)i, (v >> (8 * i)) & 0xff, 1);
}

uint32_t tlb_miss_ld(CPU *cpu, uint32_t lin, int size)
{
    return lin_ld(cpu, lin, size);
}

void tlb_miss_st(CPU *cpu, uint32_t lin, uint32_t v, int size)
{
    lin_st(cpu, lin, v, size);
}

int lin_fetch(CPU *cpu, uint32_t lin, uint8_t *buf, int n, uint32_t *phys)
{
    int room = (int)(PAGE_SIZE - (lin & 0xfff));
    if (n > room) n = room;
    uint32_t p = lin_to_phys(cpu, lin, false);
    *phys = p;
    uint8_t *host = mem_page_ptr(cpu->mem, p & PAGE_MASK, false);
    if (host) {
        memcpy(buf, host + (p & 0xfff), (size_t)n);
    } else {
        for (int i = 0; i < n; i++) buf[i] = (uint8_t)mem_read(cpu->mem, p + (uint32_t)i, 1);
    }
    return n;
}

/* Segment checks (SDM vol. 3, 5.3 limit checking, 5.4 type checking). */
void cpu_check_seg(CPU *cpu, int seg, uint32_t off, int size, bool write)
{
    const Seg *s = &cpu->seg[seg];
    int vec = seg == S_SS ? EXC_SS : EXC_GP;
    bool pm = (cpu->cr[0] & CR0_PE) && !(cpu->eflags & F_VM);
    if (pm) {
        if (!(s->flags & SEGF_P)) cpu_raise_err(cpu, vec, 0);
        unsigned type = s->flags & SEGF_TYPE;
        if (s->flags & SEGF_S) {
            if (type & 8) { /* code: never writable, readable if R */
                if (write || !(type & 2)) cpu_raise_err(cpu, vec, 0);
            } else if (write && !(type & 2)) {
                cpu_raise_err(cpu, vec, 0);
            }
        }
    }
    uint64_t last = (uint64_t)off + (uint64_t)size - 1;
    bool expand_down = (s->flags & SEGF_S) && !(s->flags & 8) && (s->flags & 4);
    if (pm && expand_down) {
        uint64_t upper = (s->flags & SEGF_DB) ? 0xffffffffull : 0xffffull;
        if (off <= s->limit || last > upper) cpu_raise_err(cpu, vec, 0);
    } else if (last > s->limit) {
        cpu_raise_err(cpu, vec, 0);
    }
}

static inline uint32_t seg_lin(CPU *cpu, int seg, uint32_t off, int size, bool write)
{
    const Seg *s = &cpu->seg[seg];
    if ((int64_t)off + size - 1 > (write ? s->fastlim_w : s->fastlim))
        cpu_check_seg(cpu, seg, off, size, write);
    return s->base + off;
}

uint32_t cpu_ld(CPU *cpu, int seg, uint32_t off, int size)
{
    return lin_ld(cpu, seg_lin(cpu, seg, off, size, false), size);
}

void cpu_st(CPU *cpu, int seg, uint32_t off, uint32_t v, int size)
{
    lin_st(cpu, seg_lin(cpu, seg, off, size, true), v, size);
}

uint8_t cpu_ld8(CPU *cpu, int seg, uint32_t off) { return (uint8_t)cpu_ld(cpu, seg, off, 1); }
uint16_t cpu_ld16(CPU *cpu, int seg, uint32_t off) { return (uint16_t)cpu_ld(cpu, seg, off, 2); }
uint32_t cpu_ld32(CPU *cpu, int seg, uint32_t off) { return cpu_ld(cpu, seg, off, 4); }
void cpu_st8(CPU *cpu, int seg, uint32_t off, uint8_t v) { cpu_st(cpu, seg, off, v, 1); }
void cpu_st16(CPU *cpu, int seg, uint32_t off, uint16_t v) { cpu_st(cpu, seg, off, v, 2); }
void cpu_st32(CPU *cpu, int seg, uint32_t off, uint32_t v) { cpu_st(cpu, seg, off, v, 4); }
