/* tcache.c - translation cache: allocation, lookup, chaining, invalidation. */
#include "tcache.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu/cpu.h"
#include "cpu/mem.h"
#include "devices/memory.h"
#include "x64emit.h"

#define AVG_INSNS 12

bool tc_init(TCache *tc, size_t code_bytes, Memory *mem, CPU *cpu)
{
    memset(tc, 0, sizeof *tc);
    code_bytes = (code_bytes + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
    tc->buf_size = code_bytes;
    tc->max_tbs = code_bytes / 256;
    /* One RWX mapping: blocks are patched in place when chained. The
     * blocks' execution counters (count_execs) follow the code on pages of
     * their own, without PROT_EXEC, within rel32 reach of every block (an
     * increment is then `inc qword [rip+disp32]`; counter stores never
     * share a page with code, so they do not look like code writes to the
     * host CPU). */
    size_t cnt_bytes = (tc->max_tbs * sizeof(uint64_t) + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
    tc->map_size = code_bytes + cnt_bytes;
    tc->buf = mmap(NULL, tc->map_size, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (tc->buf == MAP_FAILED) {
        tc->buf = NULL;
        return false;
    }
    tc->execs = (uint64_t *)(void *)(tc->buf + code_bytes);
    if (mprotect(tc->execs, cnt_bytes, PROT_READ | PROT_WRITE) != 0) return false;
    tc->buf_ptr = tc->buf;
    tc->tbs = calloc(tc->max_tbs, sizeof(TB));
    tc->max_insn = tc->max_tbs * AVG_INSNS;
    tc->insn_pool = calloc(tc->max_insn, sizeof(Insn));
    tc->max_off = tc->max_insn + tc->max_tbs;
    tc->off_pool = calloc(tc->max_off, sizeof(uint32_t));
    tc->fl_pool = calloc(tc->max_off, sizeof(uint16_t));
    tc->hash_size = 1u << 16;
    tc->hash = calloc(tc->hash_size, sizeof(TB *));
    tc->mem = mem;
    tc->cpu = cpu;
    tc->n_pages = PHYS_PAGES;
    tc->page_head = calloc(tc->n_pages, sizeof(TB *));
    return tc->tbs && tc->insn_pool && tc->off_pool && tc->fl_pool && tc->hash && tc->page_head;
}

void tc_free(TCache *tc)
{
    if (tc->buf) munmap(tc->buf, tc->map_size);
    free(tc->tbs);
    free(tc->insn_pool);
    free(tc->off_pool);
    free(tc->fl_pool);
    free(tc->hash);
    free(tc->page_head);
    memset(tc, 0, sizeof *tc);
}

static size_t hash_key(uint32_t phys_pc, uint32_t cs_base, uint32_t mode, size_t size)
{
    uint32_t h = phys_pc * 0x9e3779b1u ^ cs_base * 0x85ebca6bu ^ mode * 0xc2b2ae35u;
    return (h ^ (h >> 16)) & (size - 1);
}

TB *tc_lookup(TCache *tc, uint32_t phys_pc, uint32_t cs_base, uint32_t eip, uint32_t mode)
{
    for (TB *tb = tc->hash[hash_key(phys_pc, cs_base, mode, tc->hash_size)]; tb; tb = tb->hash_next)
        if (tb->phys_pc == phys_pc && tb->cs_base == cs_base && tb->mode == mode && tb->eip == eip)
            return tb;
    return NULL;
}

size_t tc_space(const TCache *tc)
{
    return (size_t)(tc->buf + tc->buf_size - tc->buf_ptr);
}

TB *tc_alloc(TCache *tc, int n_insns)
{
    if (tc->n_tbs >= tc->max_tbs || tc->n_insn + (size_t)n_insns > tc->max_insn ||
        tc->n_off + (size_t)n_insns + 1 > tc->max_off)
        return NULL;
    tc->execs[tc->n_tbs] = 0;
    TB *tb = &tc->tbs[tc->n_tbs++];
    memset(tb, 0, sizeof *tb);
    tb->insns = &tc->insn_pool[tc->n_insn];
    tc->n_insn += (size_t)n_insns;
    tb->host_off = &tc->off_pool[tc->n_off];
    tb->fl_after = &tc->fl_pool[tc->n_off];
    tc->n_off += (size_t)n_insns + 1;
    tb->phys_page2 = ~0u;
    return tb;
}

static void page_add(TCache *tc, TB *tb, int which, uint32_t page)
{
    uint32_t pn = page >> 12;
    tb->page_next[which] = tc->page_head[pn];
    tc->page_head[pn] = tb;
    if (tc->mem->code[pn]++ == 0 && tc->cpu)
        tlb_flush_write_phys(tc->cpu, page);
}

void tc_insert(TCache *tc, TB *tb)
{
    if (tb->phys_hi == 0) {
        tb->phys_lo = tb->phys_pc;
        tb->phys_hi = tb->phys_end;
    }
    size_t h = hash_key(tb->phys_pc, tb->cs_base, tb->mode, tc->hash_size);
    tb->hash_next = tc->hash[h];
    tc->hash[h] = tb;
    tb->valid = true;
    page_add(tc, tb, 0, tb->phys_pc & PAGE_MASK);
    if (tb->phys_page2 != ~0u) page_add(tc, tb, 1, tb->phys_page2);
    tc->translations++;
}

void tc_link(TB *from, int slot, TB *to)
{
    TBExit *e = &from->exit[slot];
    if (!e->jmp_field || e->linked || !to->valid) return;
    x_patch_rel32(e->jmp_field, to->code);
    e->linked = to;
    e->next_in = to->in_list;
    e->next_in_slot = to->in_slot;
    to->in_list = from;
    to->in_slot = slot;
}

void tc_ic_reopen(TB *tb)
{
    if (tb->ic_switch) x_patch_rel32(tb->ic_switch, tb->ic_fill);
}

static void unlink_incoming(TB *tb)
{
    TB *from = tb->in_list;
    int slot = tb->in_slot;
    while (from) {
        TBExit *e = &from->exit[slot];
        TB *nf = e->next_in;
        int ns = e->next_in_slot;
        x_patch_rel32(e->jmp_field, e->stub);
        e->linked = NULL;
        e->next_in = NULL;
        if (slot >= TB_IC_SLOT) tc_ic_reopen(from);
        from = nf;
        slot = ns;
    }
    tb->in_list = NULL;
}

/* Remove tb from its target's incoming list (its own outgoing links). */
static void unlink_outgoing(TB *tb)
{
    for (int s = 0; s < TB_NEXITS; s++) {
        TBExit *e = &tb->exit[s];
        TB *to = e->linked;
        if (!to) continue;
        TB **pf = &to->in_list;
        int *ps = &to->in_slot;
        while (*pf) {
            TBExit *ce = &(*pf)->exit[*ps];
            if (*pf == tb && *ps == s) {
                *pf = ce->next_in;
                *ps = ce->next_in_slot;
                break;
            }
            pf = &ce->next_in;
            ps = &ce->next_in_slot;
        }
        x_patch_rel32(e->jmp_field, e->stub);
        e->linked = NULL;
    }
}

void tc_unlink_all(TCache *tc)
{
    for (size_t i = 0; i < tc->n_tbs; i++) {
        TB *tb = &tc->tbs[i];
        for (int s = 0; s < TB_NEXITS; s++) {
            TBExit *e = &tb->exit[s];
            if (e->linked) {
                x_patch_rel32(e->jmp_field, e->stub);
                e->linked = NULL;
                e->next_in = NULL;
                if (s >= TB_IC_SLOT) tc_ic_reopen(tb);
            }
        }
        tb->in_list = NULL;
    }
    memset(tc->jc, 0, sizeof tc->jc);
}

static void page_remove(TCache *tc, TB *tb, int which, uint32_t page)
{
    uint32_t pn = page >> 12;
    TB **pp = &tc->page_head[pn];
    while (*pp) {
        TB *c = *pp;
        int w = (c->phys_pc & PAGE_MASK) == page ? 0 : 1;
        if (c == tb) {
            *pp = c->page_next[which];
            break;
        }
        pp = &c->page_next[w];
    }
    if (tc->mem->code[pn]) tc->mem->code[pn]--;
}

static void tb_invalidate(TCache *tc, TB *tb)
{
    size_t h = hash_key(tb->phys_pc, tb->cs_base, tb->mode, tc->hash_size);
    for (TB **pp = &tc->hash[h]; *pp; pp = &(*pp)->hash_next)
        if (*pp == tb) { *pp = tb->hash_next; break; }
    uint32_t j = tc_jc_index(tb->lin_pc);
    if (tc->jc[j].tb == tb) tc_jc_clear(&tc->jc[j]);
    unlink_incoming(tb);
    unlink_outgoing(tb);
    page_remove(tc, tb, 0, tb->phys_pc & PAGE_MASK);
    if (tb->phys_page2 != ~0u) page_remove(tc, tb, 1, tb->phys_page2);
    tb->valid = false;
    tc->invalidations++;
}

int tc_invalidate_range(TCache *tc, uint32_t phys, uint32_t len, const TB *current, bool *hit_current)
{
    int n = 0;
    uint32_t end = phys + len;
    for (uint32_t page = phys & PAGE_MASK; page < end || page == (phys & PAGE_MASK); page += PAGE_SIZE) {
        TB *tb = tc->page_head[page >> 12];
        while (tb) {
            int w = (tb->phys_pc & PAGE_MASK) == page ? 0 : 1;
            TB *next = tb->page_next[w];
            uint32_t s, e;
            if (w == 0) { s = tb->phys_lo; e = tb->phys_hi; }
            else { s = tb->phys_page2; e = tb->phys2_end; }
            if (tb->valid && phys < e && end > s) {
                if (tb == current && hit_current) *hit_current = true;
                tb_invalidate(tc, tb);
                n++;
            }
            tb = next;
        }
        if (page + PAGE_SIZE == 0) break;
    }
    return n;
}

void tc_flush(TCache *tc)
{
    for (size_t i = 0; i < tc->n_tbs; i++) tc->tbs[i].valid = false;
    memset(tc->hash, 0, tc->hash_size * sizeof(TB *));
    memset(tc->jc, 0, sizeof tc->jc);
    for (uint32_t i = 0; i < tc->n_pages; i++) {
        if (tc->page_head[i]) tc->mem->code[i] = 0;
        tc->page_head[i] = NULL;
    }
    tc->n_tbs = tc->n_insn = tc->n_off = 0;
    tc->buf_ptr = tc->buf;
    tc->flushes++;
}
