/* tcache.h - the translation cache: host code buffer, block lookup,
 * chaining and invalidation by physical address.
 *
 * A block is identified by (physical address of its first byte, CS base,
 * mode bits). Lookup by the current CPU goes first through a small jump
 * cache indexed by linear PC (also read inline by generated code for
 * indirect branches), then through a hash table of all valid blocks.
 * Blocks are registered on the physical pages their code occupies; a
 * guest write that overlaps a block's bytes invalidates it: it leaves the
 * tables, every chained jump into it is unpatched, and it is never entered
 * again (its host code stays in the buffer until the next full flush, so a
 * block that invalidated itself can still run to its exit).
 */
#ifndef XLAT86_TCACHE_H
#define XLAT86_TCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/insn.h"

struct CPU;
struct Memory;

#define TB_MAX_INSNS 64
#define JC_BITS 12
#define JC_SIZE (1u << JC_BITS)
#define JC_FILTER_WORDS 16   /* 1024 bits */

/* Exit slots: each Jcc inside the block (a side exit, translator/
 * cg_exit.c; up to TB_NEXITS_DIRECT - 2 of them) uses one, in order, and
 * the block's last instruction up to two more. The slot is in the low bits
 * of the value an exit stub returns (TB pointer | slot). Slots TB_IC_SLOT..
 * are the inline cache of an indirect exit (translator/cg_ic.c): chained
 * like direct exits (and unlinked with them), but filled from generated
 * code, never returned to the run loop. */
#define TB_NEXITS_DIRECT 5
#define TB_IC_SLOT TB_NEXITS_DIRECT
#define TB_IC_N 4
#define TB_NEXITS (TB_NEXITS_DIRECT + TB_IC_N)
#define TB_SLOT_MASK 7u

typedef struct TBExit {
    uint8_t *jmp_field;     /* rel32 of the patchable jump; NULL if none */
    uint8_t *stub;          /* where the jump goes when unlinked */
    uint32_t target_eip;    /* guest EIP this exit continues at */
    struct TB *linked;      /* block it is chained to, or NULL */
    struct TB *next_in;     /* next exit in linked's incoming list */
    int next_in_slot;
} TBExit;

/* A jump-cache entry: the key the inline probe compares (linear PC and CS
 * base as one 8-byte word, then the mode) and the host code it jumps to,
 * in one 32-byte slot: the probe's loads all depend on the hash alone
 * (cg_exit.c). tb is NULL in an empty entry (whose mode 0 no inline probe
 * looks for: those blocks have TMODE_INLINE). page: the page of lin_pc,
 * | 1 if that page's translation was global (PGE) when it was entered:
 * TLB flushes drop only the entries they cover (dbt.c on_tlb_flush). */
typedef struct JCEntry {
    uint32_t lin_pc;
    uint32_t cs_base;
    uint32_t mode;
    uint32_t page;
    const uint8_t *code;
    struct TB *tb;
} JCEntry;
_Static_assert(sizeof(JCEntry) == 32, "the probe indexes by << 5");

typedef struct TB {
    uint32_t lin_pc;        /* CS base + EIP of the first instruction */
    uint32_t cs_base;
    uint32_t eip;
    uint32_t mode;
    uint32_t phys_pc;
    uint32_t phys_end;      /* one past the last code byte (physical, first page) */
    /* Bytes on the first page whose change must invalidate the block: its
     * own code plus the successor code its flag-liveness scan read
     * (codegen.c); [phys_lo, phys_hi) contains [phys_pc, phys_end). */
    uint32_t phys_lo, phys_hi;
    uint32_t phys_page2;    /* second page if the code crosses a page, else ~0 */
    uint32_t phys2_end;
    bool valid;
    uint16_t n_insns;
    uint8_t n_bounds;       /* inner boundaries: side exits, followed JMPs */
    uint8_t *code;          /* host code */
    uint32_t code_size;
    Insn *insns;            /* decoded guest instructions */
    uint32_t *host_off;     /* host code offset of each instruction (n_insns + 1 entries) */
    /* Per instruction, for the debugger (info tb): where the guest status
     * flags are after its host code (TB_FL_HOST: host EFLAGS, else
     * DbtCPU.aflags) and which of them are live there (F_CF..F_OF bits). */
    uint16_t *fl_after;
    TBExit exit[TB_NEXITS];
    struct TB *in_list;     /* exits of other blocks chained to this one */
    int in_slot;
    struct TB *hash_next;
    struct TB *page_next[2];
    uint64_t dispatches;    /* entries from the run loop (not through chains) */
    bool self_loop;         /* the last branch goes back to the start inside
                             * the block (translator/cg_loop.c) */
    /* The indirect exit's inline cache (translator/cg_ic.c): the imm32 of
     * each entry's key compare, the patchable jmp that sends a miss to the
     * fill call (while an entry is free) or straight to the jump-cache
     * probe, and those two places. NULL ic_switch: no inline cache. */
    uint8_t *ic_key[TB_IC_N];
    uint8_t *ic_switch, *ic_fill, *ic_probe;
    uint8_t ic_refused;     /* fills refused (another linear page under paging) */
} TB;
_Static_assert(_Alignof(TB) > TB_SLOT_MASK, "exit stubs return TB | slot");

#define TB_FL_HOST 0x8000u

#define TC_MAX_BP 64

typedef struct TCache {
    /* Translate blocks with an execution counter in their entry code (a
     * debugger front end is attached: dbt_count_execs). */
    bool count_execs;
    /* execs[tb - tbs]: every entry of the block (run loop, chain, jump
     * cache), counted by its own entry code when translated with
     * count_execs; lies in the mapping right after the code. */
    uint64_t *execs;
    size_t map_size;        /* the mapping: code (buf_size) then execs */
    uint8_t *buf;
    size_t buf_size;
    uint8_t *buf_ptr;
    TB *tbs;                /* pool */
    size_t n_tbs, max_tbs;
    Insn *insn_pool;
    size_t n_insn, max_insn;
    uint32_t *off_pool;
    uint16_t *fl_pool;      /* TB.fl_after, indexed like off_pool */
    size_t n_off, max_off;
    TB **hash;              /* buckets */
    size_t hash_size;
    TB **page_head;         /* per physical page (RAM only), list of blocks */
    uint32_t n_pages;
    JCEntry jc[JC_SIZE];    /* jump cache by linear PC (read by generated code) */
    /* A filter of the pages the entries hold (JCEntry.page; one bit per
     * hash of the page number; set when an entry is made, rebuilt when
     * entries go): an INVLPG of a page with no bit set has nothing to
     * drop, so it skips the scan (most INVLPGs are of data pages). */
    uint64_t jc_pages[JC_FILTER_WORDS];
    bool jc_global;         /* some entry may be global: a CR3 load must scan */
    /* Indices of the entries filled since the last flush (dbt.c): a flush
     * clears or scans those only, not the whole 128 KiB table. Stale
     * indices (entries emptied since) are harmless; past JC_SIZE of them
     * (jc_used_over) a flush goes through the whole table. */
    uint16_t jc_used[JC_SIZE];
    uint32_t n_jc_used;
    bool jc_used_over;
    struct Memory *mem;     /* code[] page counts live there */
    struct CPU *cpu;        /* its write TLB must drop code pages */
    uint64_t flushes, translations, invalidations;
    /* Debugger breakpoints (linear): a block ends before one, and a block
     * starting at one is entered only from the run loop (never chained to,
     * never in the jump cache), which stops there. */
    int n_bp;
    uint32_t bp[TC_MAX_BP];
} TCache;

/* The block's execution count (meaningful while count_execs is on). */
static inline uint64_t tc_execs(const TCache *tc, const TB *tb) { return tc->execs[tb - tc->tbs]; }

static inline bool tc_is_bp(const TCache *tc, uint32_t lin)
{
    for (int i = 0; i < tc->n_bp; i++)
        if (tc->bp[i] == lin) return true;
    return false;
}

static inline uint32_t tc_jc_index(uint32_t lin_pc)
{
    return (lin_pc ^ (lin_pc >> JC_BITS)) & (JC_SIZE - 1);
}

static inline void tc_jc_set(JCEntry *e, struct TB *tb, uint32_t page)
{
    e->lin_pc = tb->lin_pc;
    e->cs_base = tb->cs_base;
    e->mode = tb->mode;
    e->page = page;
    e->code = tb->code;
    e->tb = tb;
}

static inline void tc_jc_clear(JCEntry *e)
{
    *e = (JCEntry){0, 0, 0, 0, NULL, NULL};
}

/* The jc_pages filter bit of a linear page. */
static inline uint32_t tc_jc_filter_bit(uint32_t lin)
{
    uint32_t p = lin >> 12;
    return (p ^ (p >> 10)) & (JC_FILTER_WORDS * 64 - 1);
}

bool tc_init(TCache *tc, size_t code_bytes, struct Memory *mem, struct CPU *cpu);
void tc_free(TCache *tc);
TB *tc_lookup(TCache *tc, uint32_t phys_pc, uint32_t cs_base, uint32_t eip, uint32_t mode);
/* Allocate a block and its tables; NULL if the cache is full (flush first). */
TB *tc_alloc(TCache *tc, int n_insns);
void tc_insert(TCache *tc, TB *tb);
/* Remove every block; the caller must not be running generated code. */
void tc_flush(TCache *tc);
/* Invalidate blocks whose code overlaps [phys, phys+len). Returns the
 * number invalidated; *hit_current is set if `current` was among them. */
int tc_invalidate_range(TCache *tc, uint32_t phys, uint32_t len, const TB *current, bool *hit_current);
/* Unpatch every chained jump (linear->physical mapping changed). */
void tc_unlink_all(TCache *tc);
/* Chain exit `slot` of `from` directly to `to`. */
void tc_link(TB *from, int slot, TB *to);
/* An inline-cache entry of `tb` was unlinked: let misses fill again. */
void tc_ic_reopen(TB *tb);
/* Bytes of code buffer left. */
size_t tc_space(const TCache *tc);

#endif
