/* mem.c - segmented and linear guest memory access for C code, and the
 * softmmu TLB that generated code also reads inline.
 *
 * Order of checks for a segmented access (SDM vol. 3, 5.3): the segment
 * must be usable, the access type allowed by the descriptor type (in
 * protected mode), and every byte within the limit; a violation raises
 * #SS(0) for SS and #GP(0) otherwise. Then the linear address is
 * translated by the two-level page walk when CR0.PG is set (4 KiB pages,
 * 4 MiB pages with CR4.PSE, global pages with CR4.PGE, U/S and R/W checks
 * with CR0.WP, accessed/dirty bits, #PF with CR2 and the error code), then
 * the A20 mask; the TLB caches the host pointer of the page, in separate
 * sets for supervisor and user accesses, so repeated accesses are one
 * compare.
 */
#include "mem.h"

#include <string.h>

#include "devices/memory.h"

static inline uint32_t tlb_index(uint32_t lin)
{
    return (lin >> 12) & (TLB_SIZE - 1);
}

static inline int tlb_set(const CPU *cpu)
{
    return cpu_cpl(cpu) == 3 ? TLB_USER : TLB_SUPER;
}

static void flush_hook(CPU *cpu, int kind, uint32_t lin)
{
    if (cpu->tlb_flush_hook) cpu->tlb_flush_hook(cpu->tlb_flush_opaque, kind, lin);
}

void tlb_flush(CPU *cpu)
{
    for (int s = 0; s < 2; s++)
        for (unsigned i = 0; i < TLB_SIZE; i++) {
            cpu->tlb_read[s][i].tag = TLB_INVALID;
            cpu->tlb_write[s][i].tag = TLB_INVALID;
            cpu->tlb_fetch[s][i].tag = TLB_INVALID;
        }
    cpu->walk_tag[0] = cpu->walk_tag[1] = 0;
    flush_hook(cpu, TLBF_ALL, 0);
}

void tlb_flush_nonglobal(CPU *cpu)
{
    for (int s = 0; s < 2; s++)
        for (unsigned i = 0; i < TLB_SIZE; i++) {
            if (!(cpu->tlb_read[s][i].phys & TLB_GLOBAL)) cpu->tlb_read[s][i].tag = TLB_INVALID;
            if (!(cpu->tlb_write[s][i].phys & TLB_GLOBAL)) cpu->tlb_write[s][i].tag = TLB_INVALID;
            if (!(cpu->tlb_fetch[s][i].phys & TLB_GLOBAL)) cpu->tlb_fetch[s][i].tag = TLB_INVALID;
        }
    flush_hook(cpu, TLBF_NONGLOBAL, 0);
}

void tlb_flush_page(CPU *cpu, uint32_t lin)
{
    uint32_t i = tlb_index(lin);
    for (int s = 0; s < 2; s++) {
        if (cpu->tlb_read[s][i].tag == (lin & PAGE_MASK)) cpu->tlb_read[s][i].tag = TLB_INVALID;
        if (cpu->tlb_write[s][i].tag == (lin & PAGE_MASK)) cpu->tlb_write[s][i].tag = TLB_INVALID;
        if (cpu->tlb_fetch[s][i].tag == (lin & PAGE_MASK)) cpu->tlb_fetch[s][i].tag = TLB_INVALID;
    }
    flush_hook(cpu, TLBF_PAGE, lin);
}

void tlb_flush_write_phys(CPU *cpu, uint32_t phys_page)
{
    phys_page &= PAGE_MASK;
    for (int s = 0; s < 2; s++)
        for (unsigned i = 0; i < TLB_SIZE; i++) {
            TLBEntry *e = &cpu->tlb_write[s][i];
            if (e->tag != TLB_INVALID && (e->phys & PAGE_MASK) == phys_page) e->tag = TLB_INVALID;
        }
}

/* ---- paging (SDM vol. 3, 4.3: 32-bit paging) ---- */

#define PTE_P 0x001u
#define PTE_RW 0x002u
#define PTE_US 0x004u
#define PTE_A 0x020u
#define PTE_D 0x040u
#define PTE_PS 0x080u
#define PTE_G 0x100u

static inline uint32_t phys_ld32(CPU *cpu, uint32_t phys)
{
    return mem_read(cpu->mem, phys, 4);
}

/* Raise #PF for lin: error code bit 0 = protection violation (vs not
 * present), bit 1 = write, bit 2 = user-mode access (SDM vol. 3, 4.7). */
static noreturn void page_fault(CPU *cpu, uint32_t lin, bool present, int access, bool user)
{
    cpu->cr[2] = lin;
    uint32_t err = (present ? 1u : 0u) | (access == ACC_WRITE ? 2u : 0u) | (user ? 4u : 0u);
    cpu_raise_err(cpu, EXC_PF, err);
}

/* Walk the page tables for one access. Returns false (no side effects on
 * CPU state) if it must fault and raise is false. On success sets *phys
 * and *global and updates the accessed/dirty bits. */
static bool page_walk_x(CPU *cpu, uint32_t lin, int access, bool user, bool raise, bool mark,
                        uint32_t *phys, bool *global)
{
    bool write = access == ACC_WRITE;
    uint32_t pde_addr = mem_a20(cpu->mem, (cpu->cr[3] & PAGE_MASK) | ((lin >> 20) & 0xffcu));
    uint32_t pde = phys_ld32(cpu, pde_addr);
    if (!(pde & PTE_P)) {
        if (raise) page_fault(cpu, lin, false, access, user);
        return false;
    }
    bool big = (pde & PTE_PS) && (cpu->cr[4] & CR4_PSE);
    uint32_t pte_addr = 0, pte = 0, perm;
    if (big) {
        perm = pde;
    } else {
        pte_addr = mem_a20(cpu->mem, (pde & PAGE_MASK) | ((lin >> 10) & 0xffcu));
        pte = phys_ld32(cpu, pte_addr);
        if (!(pte & PTE_P)) {
            if (raise) page_fault(cpu, lin, false, access, user);
            return false;
        }
        perm = pde & pte;   /* U/S and R/W: both levels must allow */
    }
    /* SDM vol. 3, 4.6: user accesses need U/S=1 at every level and R/W=1
     * to write; supervisor writes need R/W=1 only when CR0.WP is set. */
    bool ok = true;
    if (user && !(perm & PTE_US)) ok = false;
    if (write && !(perm & PTE_RW) && (user || (cpu->cr[0] & CR0_WP))) ok = false;
    if (!ok) {
        if (raise) page_fault(cpu, lin, true, access, user);
        return false;
    }
    /* Accessed and dirty bits, set as the processor does (locked RMW). */
    if (mark && (!(pde & PTE_A) || (big && write && !(pde & PTE_D)))) {
        uint32_t npde = pde | PTE_A | (big && write ? PTE_D : 0);
        mem_write(cpu->mem, pde_addr, npde, 4);
    }
    if (big) {
        *phys = (pde & 0xffc00000u) | (lin & 0x003ff000u);
        *global = (pde & PTE_G) && (cpu->cr[4] & CR4_PGE);
    } else {
        if (mark && (!(pte & PTE_A) || (write && !(pte & PTE_D))))
            mem_write(cpu->mem, pte_addr, pte | PTE_A | (write ? PTE_D : 0), 4);
        *phys = pte & PAGE_MASK;
        *global = (pte & PTE_G) && (cpu->cr[4] & CR4_PGE);
    }
    *phys = mem_a20(cpu->mem, *phys | (lin & 0xfffu));
    return true;
}

static bool page_walk(CPU *cpu, uint32_t lin, int access, bool user, bool raise,
                      uint32_t *phys, bool *global)
{
    return page_walk_x(cpu, lin, access, user, raise, true, phys, global);
}

/* Host pointer of the page-table entry at physical a (after A20), through
 * the one-entry cache of level lvl (0 directory, 1 table): tag = page | 1,
 * so a zeroed CPU has nothing cached. */
static inline const uint8_t *walk_entry(CPU *cpu, int lvl, uint32_t a)
{
    uint32_t tag = (a & PAGE_MASK) | 1u;
    if (cpu->walk_tag[lvl] != tag) {
        const uint8_t *h = mem_page_ptr(cpu->mem, a & PAGE_MASK, false);
        if (!h) return NULL;
        cpu->walk_tag[lvl] = tag;
        cpu->walk_host[lvl] = h;
    }
    return cpu->walk_host[lvl] + (a & 0xfffu);
}

/* The common case of a walk, for TLB fills: both levels (or the 4 MiB
 * PDE) in RAM or ROM, present, the access allowed, and the accessed bit
 * (and for a write the dirty bit) already set, so the walk changes
 * nothing in guest memory. Reads the entries through host pointers and
 * returns false for anything else (page_walk_x then decides: fault, A/D
 * update through mem_write, MMIO page tables). *wr_ok: a write through
 * this translation needs no walk either (writable at this privilege and
 * dirty), so a read fill may fill the write entry too, as a processor
 * caches the dirty state of a translation (SDM vol. 3, 4.10.2.2). */
static inline bool walk_fast(CPU *cpu, uint32_t lin, bool write, bool user, uint32_t *phys,
                             bool *global, bool *wr_ok)
{
    Memory *m = cpu->mem;
    uint32_t pde_addr = mem_a20(m, (cpu->cr[3] & PAGE_MASK) | ((lin >> 20) & 0xffcu));
    const uint8_t *h = walk_entry(cpu, 0, pde_addr);
    if (!h) return false;
    uint32_t pde, leaf, perm;
    memcpy(&pde, h, 4);
    if ((pde & (PTE_P | PTE_A)) != (PTE_P | PTE_A)) return false;
    bool big = (pde & PTE_PS) && (cpu->cr[4] & CR4_PSE);
    if (big) {
        leaf = perm = pde;
        *phys = (pde & 0xffc00000u) | (lin & 0x003ff000u);
    } else {
        uint32_t pte_addr = mem_a20(m, (pde & PAGE_MASK) | ((lin >> 10) & 0xffcu));
        h = walk_entry(cpu, 1, pte_addr);
        if (!h) return false;
        memcpy(&leaf, h, 4);
        if ((leaf & (PTE_P | PTE_A)) != (PTE_P | PTE_A)) return false;
        perm = pde & leaf;
        *phys = leaf & PAGE_MASK;
    }
    if (user && !(perm & PTE_US)) return false;
    bool writable = (perm & PTE_RW) || (!user && !(cpu->cr[0] & CR0_WP));
    *wr_ok = writable && (leaf & PTE_D);
    if (write && !*wr_ok) return false;
    *global = (leaf & PTE_G) && (cpu->cr[4] & CR4_PGE);
    *phys = mem_a20(m, *phys | (lin & 0xfffu));
    return true;
}

static uint32_t translate(CPU *cpu, uint32_t lin, int access, bool user, bool *global)
{
    *global = false;
    if (!(cpu->cr[0] & CR0_PG)) return mem_a20(cpu->mem, lin);
    uint32_t phys;
    page_walk(cpu, lin, access, user, true, &phys, global);
    return phys;
}

uint32_t lin_to_phys(CPU *cpu, uint32_t lin, bool write)
{
    bool g;
    return translate(cpu, lin, write ? ACC_WRITE : ACC_READ, cpu_cpl(cpu) == 3, &g);
}

/* Instruction fetch at the current privilege level through tlb_fetch;
 * raise: #PF on a failed walk, else return false. */
static bool fetch_translate(CPU *cpu, uint32_t lin, bool raise, uint32_t *phys)
{
    if (!(cpu->cr[0] & CR0_PG)) {
        *phys = mem_a20(cpu->mem, lin);
        return true;
    }
    int s = tlb_set(cpu);
    TLBEntry *e = &cpu->tlb_fetch[s][tlb_index(lin)];
    if (e->tag == (lin & PAGE_MASK)) {
        *phys = (e->phys & PAGE_MASK) | (lin & 0xfffu);
        return true;
    }
    bool global;
    if (!page_walk(cpu, lin, ACC_FETCH, s == TLB_USER, raise, phys, &global)) return false;
    e->tag = lin & PAGE_MASK;
    e->phys = (*phys & PAGE_MASK) | (global ? TLB_GLOBAL : 0);
    e->addend = 0;
    return true;
}

uint32_t lin_fetch_phys(CPU *cpu, uint32_t lin)
{
    uint32_t phys;
    fetch_translate(cpu, lin, true, &phys);
    return phys;
}

bool lin_fetch_probe(CPU *cpu, uint32_t lin, uint32_t *phys)
{
    return fetch_translate(cpu, lin, false, phys);
}

bool lin_probe(CPU *cpu, uint32_t lin, int access, bool user, uint32_t *phys)
{
    bool g;
    if (!(cpu->cr[0] & CR0_PG)) {
        *phys = mem_a20(cpu->mem, lin);
        return true;
    }
    return page_walk(cpu, lin, access, user, false, phys, &g);
}

bool lin_peek(CPU *cpu, uint32_t lin, bool user, uint32_t *phys)
{
    bool g;
    if (!(cpu->cr[0] & CR0_PG)) {
        *phys = mem_a20(cpu->mem, lin);
        return true;
    }
    return page_walk_x(cpu, lin, ACC_FETCH, user, false, false, phys, &g);
}

/* Point the TLB entry for lin's page at host memory. */
static TLBEntry *tlb_set_entry(CPU *cpu, uint32_t lin, uint32_t phys, bool global, uint8_t *host,
                               bool write, bool user)
{
    int s = user ? TLB_USER : TLB_SUPER;
    TLBEntry *e = write ? &cpu->tlb_write[s][tlb_index(lin)] : &cpu->tlb_read[s][tlb_index(lin)];
    e->tag = lin & PAGE_MASK;
    e->phys = (phys & PAGE_MASK) | (global ? TLB_GLOBAL : 0);
    e->addend = (uintptr_t)host - (uintptr_t)(lin & PAGE_MASK);
    return e;
}

/* Fill the TLB entry for an access to lin's page in set `user` and
 * return it, or NULL when the page must take the slow path (a fault with
 * raise false, a watchpoint, MMIO, ROM or code-page writes); *phys_out
 * gets the physical address for that path. A fill whose walk shows the
 * other kind of access needs no walk either fills that entry too (a write
 * implies a read; a read of a writable dirty page, a later write), so a
 * read-modify-write of a fresh page is one miss, as in QEMU's TLB. */
static TLBEntry *tlb_fill_x(CPU *cpu, uint32_t lin, bool write, bool user, bool raise,
                            uint32_t *phys_out)
{
    if (cpu->n_watch && cpu_watch_page(cpu, lin)) {   /* debugger watchpoint */
        bool g;
        if (raise) *phys_out = translate(cpu, lin, write ? ACC_WRITE : ACC_READ, user, &g);
        return NULL;
    }
    uint32_t phys;
    bool global = false, other = true;
    if (cpu->cr[0] & CR0_PG) {
        if (!walk_fast(cpu, lin, write, user, &phys, &global, &other)) {
            other = write;   /* a write walk leaves A and D set: reads may follow */
            if (!page_walk(cpu, lin, write ? ACC_WRITE : ACC_READ, user, raise, &phys, &global)) return NULL;
        }
    } else {
        phys = mem_a20(cpu->mem, lin);
    }
    *phys_out = phys;
    uint8_t *host = mem_page_ptr(cpu->mem, phys & PAGE_MASK, write);
    if (!host) return NULL;
    if (other) {
        /* The read pointer of a writable page is the same; a read fill
         * asks the memory map whether the page takes writes inline. */
        uint8_t *oh = write ? host : mem_page_ptr(cpu->mem, phys & PAGE_MASK, true);
        if (oh) tlb_set_entry(cpu, lin, phys, global, oh, !write, user);
    }
    return tlb_set_entry(cpu, lin, phys, global, host, write, user);
}

static TLBEntry *tlb_fill(CPU *cpu, uint32_t lin, bool write, bool user, uint32_t *phys_out)
{
    return tlb_fill_x(cpu, lin, write, user, true, phys_out);
}

uintptr_t tlb_fill_host(CPU *cpu, uint32_t lin, int size, bool write)
{
    if ((lin & 0xfff) + (uint32_t)size > PAGE_SIZE) return 0;
    uint32_t phys;
    TLBEntry *e = tlb_fill_x(cpu, lin, write, tlb_set(cpu) == TLB_USER, false, &phys);
    return e ? lin + e->addend : 0;
}

uint8_t *cpu_host_ptr(CPU *cpu, uint32_t lin, bool write)
{
    int s = tlb_set(cpu);
    TLBEntry *e = write ? &cpu->tlb_write[s][tlb_index(lin)] : &cpu->tlb_read[s][tlb_index(lin)];
    if (e->tag == (lin & PAGE_MASK)) return (uint8_t *)(uintptr_t)(lin + e->addend);
    return (uint8_t *)tlb_fill_host(cpu, lin, 1, write);
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
static uint32_t page_ld(CPU *cpu, uint32_t lin, int size, bool user)
{
    TLBEntry *e = &cpu->tlb_read[user][tlb_index(lin)];
    uint32_t phys = 0;
    if (e->tag != (lin & PAGE_MASK)) e = tlb_fill(cpu, lin, false, user, &phys);
    if (e) return host_ld((const uint8_t *)(uintptr_t)(lin + e->addend), size);
    return mem_read(cpu->mem, phys, size);
}

static void page_st(CPU *cpu, uint32_t lin, uint32_t v, int size, bool user)
{
    TLBEntry *e = &cpu->tlb_write[user][tlb_index(lin)];
    uint32_t phys = 0;
    if (e->tag != (lin & PAGE_MASK)) e = tlb_fill(cpu, lin, true, user, &phys);
    if (e) {
        host_st((uint8_t *)(uintptr_t)(lin + e->addend), v, size);
        return;
    }
    /* ROM, MMIO, unmapped, or a page holding translated code: the memory
     * layer reports code writes to the translator. */
    mem_write(cpu->mem, phys, v, size);
}

static uint32_t access_ld(CPU *cpu, uint32_t lin, int size, bool user)
{
    if (((lin & 0xfff) + (uint32_t)size) <= PAGE_SIZE) return page_ld(cpu, lin, size, user);
    uint32_t v = 0;
    for (int i = 0; i < size; i++) v |= page_ld(cpu, lin + (uint32_t)i, 1, user) << (8 * i);
    return v;
}

static void access_st(CPU *cpu, uint32_t lin, uint32_t v, int size, bool user)
{
    if (((lin & 0xfff) + (uint32_t)size) <= PAGE_SIZE) {
        page_st(cpu, lin, v, size, user);
        return;
    }
    /* A store that crosses a page: both pages must be writable before
     * either is written, so the instruction faults with nothing done. */
    uint32_t second = (lin + (uint32_t)size - 1) & PAGE_MASK;
    if (cpu->cr[0] & CR0_PG) {
        bool g;
        translate(cpu, lin, ACC_WRITE, user, &g);
        translate(cpu, second, ACC_WRITE, user, &g);
    }
    for (int i = 0; i < size; i++) page_st(cpu, lin + (uint32_t)i, (v >> (8 * i)) & 0xff, 1, user);
}

/* The implicit accesses are watched too (descriptor and gate reads,
 * accessed bits, interrupt frames, TSS fields), as QEMU's softmmu
 * watchpoints see them. */
uint32_t lin_ld(CPU *cpu, uint32_t lin, int size)
{
    uint32_t v = access_ld(cpu, lin, size, false);
    if (cpu->n_watch) cpu_watch_check(cpu, lin, size, false);
    return v;
}

void lin_st(CPU *cpu, uint32_t lin, uint32_t v, int size)
{
    access_st(cpu, lin, v, size, false);
    if (cpu->n_watch) cpu_watch_check(cpu, lin, size, true);
}

uint32_t tlb_miss_ld(CPU *cpu, uint32_t lin, int size)
{
    return access_ld(cpu, lin, size, tlb_set(cpu));
}

void tlb_miss_st(CPU *cpu, uint32_t lin, uint32_t v, int size)
{
    access_st(cpu, lin, v, size, tlb_set(cpu));
}

int lin_fetch_try(CPU *cpu, uint32_t lin, uint8_t *buf, int n, uint32_t *phys)
{
    int room = (int)(PAGE_SIZE - (lin & 0xfff));
    if (n > room) n = room;
    uint32_t p;
    if (!lin_fetch_probe(cpu, lin, &p)) return -1;
    *phys = p;
    uint8_t *host = mem_page_ptr(cpu->mem, p & PAGE_MASK, false);
    if (host) {
        memcpy(buf, host + (p & 0xfff), (size_t)n);
    } else {
        for (int i = 0; i < n; i++) buf[i] = (uint8_t)mem_read(cpu->mem, p + (uint32_t)i, 1);
    }
    return n;
}

int lin_fetch(CPU *cpu, uint32_t lin, uint8_t *buf, int n, uint32_t *phys)
{
    int r = lin_fetch_try(cpu, lin, buf, n, phys);
    if (r < 0) {
        /* Raise the architectural #PF for the fetch. */
        bool g;
        translate(cpu, lin, ACC_FETCH, cpu_cpl(cpu) == 3, &g);
    }
    return r;
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
    const SegFast *f = &cpu->segfast[seg];
    if ((int64_t)off + size - 1 > (write ? f->lim_w : f->lim))
        cpu_check_seg(cpu, seg, off, size, write);
    return cpu->seg[seg].base + off;
}

/* Explicit data accesses of instructions. With a breakpoint enabled in
 * DR7 the run loop translates without inline code, so every one of them
 * comes here and is matched against DR0-DR3 once it has succeeded (data
 * breakpoints are traps, SDM vol. 3, 17.2.4). Far-transfer and interrupt
 * stack frames are matched in seg_push_list; other implicit supervisor
 * accesses (descriptor tables, the TSS, frames popped by far RET/IRET) are
 * not. */
uint32_t cpu_ld(CPU *cpu, int seg, uint32_t off, int size)
{
    uint32_t lin = seg_lin(cpu, seg, off, size, false);
    uint32_t v = access_ld(cpu, lin, size, tlb_set(cpu));
    if (cpu->dr[7] & 0xffu) cpu_check_data_breakpoint(cpu, lin, size, false);
    if (cpu->n_watch) cpu_watch_check(cpu, lin, size, false);
    return v;
}

void cpu_st(CPU *cpu, int seg, uint32_t off, uint32_t v, int size)
{
    uint32_t lin = seg_lin(cpu, seg, off, size, true);
    access_st(cpu, lin, v, size, tlb_set(cpu));
    if (cpu->dr[7] & 0xffu) cpu_check_data_breakpoint(cpu, lin, size, true);
    if (cpu->n_watch) cpu_watch_check(cpu, lin, size, true);
}

uint8_t cpu_ld8(CPU *cpu, int seg, uint32_t off) { return (uint8_t)cpu_ld(cpu, seg, off, 1); }
uint16_t cpu_ld16(CPU *cpu, int seg, uint32_t off) { return (uint16_t)cpu_ld(cpu, seg, off, 2); }
uint32_t cpu_ld32(CPU *cpu, int seg, uint32_t off) { return cpu_ld(cpu, seg, off, 4); }
void cpu_st8(CPU *cpu, int seg, uint32_t off, uint8_t v) { cpu_st(cpu, seg, off, v, 1); }
void cpu_st16(CPU *cpu, int seg, uint32_t off, uint16_t v) { cpu_st(cpu, seg, off, v, 2); }
void cpu_st32(CPU *cpu, int seg, uint32_t off, uint32_t v) { cpu_st(cpu, seg, off, v, 4); }
