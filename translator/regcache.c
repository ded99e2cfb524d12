/* regcache.c - guest registers cached in host registers within a block. */
#include "regcache.h"

#include <stddef.h>
#include <string.h>

#include "cg_internal.h"  /* CG_OFF_REGS */

static const int cache_host[NCACHE] = {HRBX, HR12, HR13, HR14, HR15, HR11, HR10, HR9, HR8};

static HMem greg_mem(int r, int size)
{
    int32_t off = CG_OFF_REGS;
    if (size == 1) return hmem(HRBP, off + 4 * (r & 3) + (r >> 2));
    return hmem(HRBP, off + 4 * r);
}

int rc_host_reg(int s) { return cache_host[s]; }

void rc_reset(RegCache *rc)
{
    memset(rc->slot_of, -1, sizeof rc->slot_of);
    memset(rc->guest_in, -1, sizeof rc->guest_in);
    memset(rc->dirty, 0, sizeof rc->dirty);
    memset(rc->used, 0, sizeof rc->used);
}

static void writeback_slot(CodeBuf *cb, RegCache *rc, int s)
{
    if (rc->guest_in[s] >= 0 && rc->dirty[s]) {
        x_mov_mr(cb, 4, greg_mem(rc->guest_in[s], 4), cache_host[s]);
        rc->dirty[s] = false;
    }
}

static void drop_slot(RegCache *rc, int s)
{
    if (rc->guest_in[s] >= 0) rc->slot_of[rc->guest_in[s]] = -1;
    rc->guest_in[s] = -1;
    rc->dirty[s] = false;
}

void rc_writeback_all(CodeBuf *cb, RegCache *rc)
{
    for (int s = 0; s < NCACHE; s++) writeback_slot(cb, rc, s);
}

void rc_writeback_snapshot(CodeBuf *cb, const RegCache *rc)
{
    for (int s = 0; s < NCACHE; s++)
        if (rc->guest_in[s] >= 0 && rc->dirty[s])
            x_mov_mr(cb, 4, greg_mem(rc->guest_in[s], 4), cache_host[s]);
}

void rc_reload_all(CodeBuf *cb, const RegCache *rc)
{
    for (int s = 0; s < NCACHE; s++)
        if (rc->guest_in[s] >= 0) x_mov_rm(cb, 4, cache_host[s], greg_mem(rc->guest_in[s], 4));
}

void rc_reconcile(CodeBuf *cb, const RegCache *cur, const RegCache *want)
{
    for (int s = 0; s < NCACHE; s++)
        if (cur->guest_in[s] != want->guest_in[s] && cur->guest_in[s] >= 0 && cur->dirty[s])
            x_mov_mr(cb, 4, greg_mem(cur->guest_in[s], 4), cache_host[s]);
    for (int s = 0; s < NCACHE; s++)
        if (cur->guest_in[s] != want->guest_in[s] && want->guest_in[s] >= 0)
            x_mov_rm(cb, 4, cache_host[s], greg_mem(want->guest_in[s], 4));
}

/* A slot for guest register r: a free one, else the least recently used
 * (stored back first if dirty). */
static int take_slot(CodeBuf *cb, RegCache *rc, int r)
{
    int s = -1, n = rc->nslots ? rc->nslots : NCACHE_SAVED;
    for (int k = 0; k < n; k++)
        if (rc->guest_in[k] < 0) { s = k; break; }
    if (s < 0) {
        s = 0;
        for (int k = 1; k < n; k++)
            if (rc->used[k] < rc->used[s]) s = k;
        writeback_slot(cb, rc, s);
        drop_slot(rc, s);
    }
    rc->slot_of[r] = (int8_t)s;
    rc->guest_in[s] = (int8_t)r;
    rc->dirty[s] = false;
    return s;
}

HMem rc_operand(CodeBuf *cb, RegCache *rc, int r, int size, bool write)
{
    if (size == 1 && r >= 4) {
        int s = rc->slot_of[r & 3];
        if (s >= 0) {
            writeback_slot(cb, rc, s);
            drop_slot(rc, s);
        }
        return greg_mem(r, size);
    }
    int s = rc->slot_of[r];
    if (s < 0) {
        s = take_slot(cb, rc, r);
        x_mov_rm(cb, 4, cache_host[s], greg_mem(r, 4));
    }
    rc->used[s] = ++rc->tick;
    if (write) rc->dirty[s] = true;
    return hdirect(cache_host[s]);
}

HMem rc_define(CodeBuf *cb, RegCache *rc, int r, int size)
{
    if (size != 4 || rc->slot_of[r] >= 0) return rc_operand(cb, rc, r, size, true);
    int s = take_slot(cb, rc, r);
    rc->used[s] = ++rc->tick;
    rc->dirty[s] = true;
    return hdirect(cache_host[s]);
}
