/* cg_mem.c - guest memory operands in generated code.
 *
 * effective address (esi) -> segment limit check against CPU.segfast[].lim(_w)
 * (skipped for the flat segments of TMODE_FLAT) -> + segment base -> TLB
 * tag compare, which also catches accesses crossing a page -> rsi = host
 * pointer. A limit failure jumps to the instruction's slow path (its C
 * helper); a tag miss first tries tlb_fill_host and rejoins the fast path.
 */
#include "cg_internal.h"
#include "dbt_stats.h"

#include "cpu/mem.h"
#include "devices/memory.h"

const HMem CG_HM_RSI = {HRSI, HNONE, 1, 0};

static void slow_snapshot(Gen *g)
{
    Slow *s = g->cur_slow;
    if (!s->have_rc_jump) {
        s->rc_jump = g->rc;
        s->have_rc_jump = true;
    }
}

void cg_slow_jump(Gen *g, int cc)
{
    Slow *s = g->cur_slow;
    slow_snapshot(g);
    s->jf[s->nj++] = x_jcc_rel32(&g->cb, cc, NULL);
}

void cg_emit_ea(Gen *g, const Insn *in, const Operand *op)
{
    CodeBuf *cb = &g->cb;
    bool a16 = in->addrsize == 2;
    int b = op->base, x = op->index;
    if (b == REG_NONE && x == REG_NONE) {
        x_mov_ri(cb, HRSI, a16 ? ((uint32_t)op->disp & 0xffffu) : (uint32_t)op->disp);
        return;
    }
    if (a16) {
        if (b != REG_NONE) x_movzx_rm(cb, HRSI, 2, cg_greg(g, b, 2));
        else x_mov_ri(cb, HRSI, 0);
        if (x != REG_NONE) {
            x_movzx_rm(cb, HRCX, 2, cg_greg(g, x, 2));
            HMem m = {HRSI, HRCX, 1, op->disp};
            x_lea(cb, 4, HRSI, m);
        } else if (op->disp) {
            x_lea(cb, 4, HRSI, hmem(HRSI, op->disp));
        }
        x_movzx_rr(cb, HRSI, 2, HRSI);
        return;
    }
    HMem mb = b != REG_NONE ? cg_greg(g, b, 4) : hmem(HNONE, 0);
    HMem mx = x != REG_NONE ? cg_greg(g, x, 4) : hmem(HNONE, 0);
    if ((b == REG_NONE || mb.base == HDIRECT) && (x == REG_NONE || mx.base == HDIRECT)) {
        /* Both in host registers (the register cache): one LEA. */
        HMem m = {b != REG_NONE ? mb.index : HNONE, x != REG_NONE ? mx.index : HNONE,
                  x != REG_NONE ? op->scale : 1, op->disp};
        x_lea(cb, 4, HRSI, m);
        return;
    }
    if (b != REG_NONE) x_mov_rm(cb, 4, HRSI, mb);
    if (x != REG_NONE) {
        x_mov_rm(cb, 4, HRCX, mx);
        HMem m = {b != REG_NONE ? HRSI : HNONE, HRCX, op->scale, op->disp};
        x_lea(cb, 4, HRSI, m);
    } else if (op->disp) {
        x_lea(cb, 4, HRSI, hmem(HRSI, op->disp));
    }
}

void cg_emit_seg_tlb(Gen *g, int seg, int size, bool write)
{
    CodeBuf *cb = &g->cb;
    bool flat = g->flat && (seg == S_DS || seg == S_ES || seg == S_SS || (seg == S_CS && !write));
    if (!flat) {
        x_lea(cb, 8, HRAX, hmem(HRSI, size - 1));
        x_alu_rm(cb, ALU_CMP, 8, HRAX,
                 hmem(HRBP, write ? CG_OFF_SEGFAST(seg, lim_w) : CG_OFF_SEGFAST(seg, lim)));
        cg_slow_jump(g, 0xf /* jg */);
        x_alu_rm(cb, ALU_ADD, 4, HRSI, hmem(HRBP, CG_OFF_SEG(seg, base)));
    }
    /* index*16 = ((lin >> 12) & 0xff) << 4 = (lin >> 8) & 0xff0 */
    x_mov_rr(cb, 4, HRAX, HRSI);
    x_shift_ri(cb, SH_SHR, 4, HRAX, 8);
    x_alu_ri(cb, ALU_AND, 4, HRAX, (TLB_SIZE - 1) << 4);
    x_lea(cb, 4, HRCX, hmem(HRSI, size - 1));
    x_alu_ri(cb, ALU_AND, 4, HRCX, PAGE_MASK);
    int32_t tlb = write ? CG_OFF_TLB_WRITE : CG_OFF_TLB_READ;
    if (((g->mode >> 5) & 3) == 3) tlb += (int32_t)(TLB_SIZE * sizeof(TLBEntry));  /* user set */
    HMem tag = {HRBP, HRAX, 1, tlb};
    x_alu_rm(cb, ALU_CMP, 4, HRCX, tag);
    Slow *s = g->cur_slow;
    slow_snapshot(g);
    int k = s->nmiss++;
    s->miss_jf[k] = x_jcc_rel32(cb, 5 /* jne */, NULL);
    s->miss_size[k] = (uint8_t)size;
    s->miss_write[k] = write;
    HMem add = {HRBP, HRAX, 1, tlb + (int32_t)offsetof(TLBEntry, addend)};
    x_alu_rm(cb, ALU_ADD, 8, HRSI, add);
    s->miss_resume[k] = cb->p;
}

/* TLB miss: fill the entry from C and continue inline with rsi = host
 * address; rdx and rdi may hold the value to store / the new stack
 * pointer, so they are preserved across the call. */
void cg_emit_tlb_miss(Gen *g, Slow *s, int k, uint8_t *full_helper)
{
    CodeBuf *cb = &g->cb;
    x_patch_rel32(s->miss_jf[k], cb->p);
    x_push_r(cb, HRDX);
    x_push_r(cb, HRDI);
    cg_frame_save(g);
    x_mov_rr(cb, 8, HRDI, HRBP);
    x_mov_ri(cb, HRDX, s->miss_size[k]);
    x_mov_ri(cb, HRCX, s->miss_write[k]);
    x_mov_ri64(cb, HRAX, (uint64_t)(uintptr_t)(dbt_stats_on ? dbt_stats_tlb_fill : tlb_fill_host));
    x_call_r(cb, HRAX);
    cg_frame_restore(g);
    x_pop_r(cb, HRDI);
    x_pop_r(cb, HRDX);
    x_test_rr(cb, 8, HRAX, HRAX);
    x_jcc_rel32(cb, 4 /* jz */, full_helper);
    x_mov_rr(cb, 8, HRSI, HRAX);
    x_jmp_rel32(cb, s->miss_resume[k]);
}

void cg_emit_mem_addr(Gen *g, const Insn *in, const Operand *op, int size, bool write)
{
    if (cg_frame_access(g, in, op, size, write)) return;
    cg_emit_ea(g, in, op);
    cg_emit_seg_tlb(g, op->seg, size, write);
}

HMem cg_opnd(Gen *g, const Operand *op, int size, bool write)
{
    if (op->kind == OPK_REG) return cg_greg_w(g, op->reg, size, write);
    return CG_HM_RSI;
}

/* ---- stack ---- */

void cg_emit_stack_addr(Gen *g, int size, bool push)
{
    CodeBuf *cb = &g->cb;
    if (g->ss32) {
        x_mov_rm(cb, 4, HRSI, cg_greg(g, R_ESP, 4));
        if (push) x_lea(cb, 4, HRSI, hmem(HRSI, -size));
    } else {
        x_movzx_rm(cb, HRSI, 2, cg_greg(g, R_ESP, 2));
        if (push) {
            x_lea(cb, 4, HRSI, hmem(HRSI, -size));
            x_movzx_rr(cb, HRSI, 2, HRSI);
        }
    }
    x_mov_rr(cb, 4, HRDI, HRSI);
    if (!push) x_lea(cb, 4, HRDI, hmem(HRSI, size));
    cg_emit_seg_tlb(g, S_SS, size, push);
}

void cg_emit_store_sp(Gen *g)
{
    x_mov_mr(&g->cb, g->ss32 ? 4 : 2, cg_greg_w(g, R_ESP, 4, true), HRDI);
}
