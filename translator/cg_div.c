/* cg_div.c - DIV and IDIV r/m8/16/32 as inline host code.
 *
 * The host divider runs only where it cannot trap: a zero divisor, a
 * quotient that does not fit (DIV: the high half of the dividend >= the
 * divisor; IDIV: checked after a 64-bit host IDIV, which cannot overflow
 * for these dividends except INT64_MIN / -1, sent to the slow path with
 * every 32-bit divisor of -1) and anything the memory operand's fast path
 * refuses leave for the instruction's slow path, whose C helper
 * (cpu/ops_muldiv.c) raises #DE before any register changes. No guest
 * register is written before the last such branch.
 *
 * Flags: the SDM leaves all six undefined; the helper keeps them, and so
 * does this code (the descriptor says: reads none, writes none, clobbers
 * host EFLAGS, may fault -> they are in DbtCPU.aflags around it).
 *
 * Register cache: EAX/EDX (and for a register divisor the divisor) are
 * loaded before the first branch to the slow path, so the cache state it
 * snapshots is the one it leaves with (see cg_internal.h, Slow).
 */
#include "cg_internal.h"

#include <capstone/x86.h>

/* REX.W 63 /r: movsxd dst, src (host registers). */
static void movsxd_rr(CodeBuf *cb, int dst, int src)
{
    uint8_t o = 0x63;
    x_op_rm(cb, 8, &o, 1, dst, src, NULL);
}

/* REX.W 0F BE/BF: movsx r64, r/m8/16. */
static void movsx64_rm(CodeBuf *cb, int dst, int srcsize, HMem m)
{
    uint8_t o[2] = {0x0f, srcsize == 1 ? 0xbe : 0xbf};
    x_op_rm(cb, 8, o, 2, dst, -1, &m);
}

/* F6/F7 /op on a host register. */
static void divop_r(CodeBuf *cb, int size, int op, int r)
{
    uint8_t o = size == 1 ? 0xf6 : 0xf7;
    x_op_rm(cb, size, &o, 1, op, r, NULL);
}

/* The divisor into rcx: zero-extended (DIV) or sign-extended to 64 bits
 * (IDIV). */
static void load_divisor(Gen *g, const Insn *in, bool sign)
{
    CodeBuf *cb = &g->cb;
    const Operand *a = &in->op[0];
    int sz = a->size;
    HMem src = cg_opnd(g, a, sz, false);
    if (!sign) {
        if (sz == 4) x_mov_rm(cb, 4, HRCX, src);
        else x_movzx_rm(cb, HRCX, sz, src);
    } else if (sz == 4) {
        x_mov_rm(cb, 4, HRCX, src);
        movsxd_rr(cb, HRCX, HRCX);
    } else {
        movsx64_rm(cb, HRCX, sz, src);
    }
}

void cg_emit_div(Gen *g, int i, const Insn *in, const CGInline *d)
{
    (void)i, (void)d;
    CodeBuf *cb = &g->cb;
    const Operand *a = &in->op[0];
    int sz = a->size;
    bool sign = in->id == X86_INS_IDIV;

    /* A register divisor first (AH..BH drop their register's cache slot),
     * then the dividend registers into the cache, all before the first
     * slow-path branch (the memory operand's); the EA's base and index
     * loads then evict neither (at least five slots, least recently used). */
    if (a->kind == OPK_REG) load_divisor(g, in, sign);
    (void)cg_greg(g, R_EAX, sz == 1 ? 2 : sz);
    if (sz > 1) (void)cg_greg(g, R_EDX, sz);
    if (a->kind == OPK_MEM) {
        cg_emit_mem_addr(g, in, a, sz, false);
        load_divisor(g, in, sign);
    }
    x_test_rr(cb, 8, HRCX, HRCX);
    cg_slow_jump(g, 4 /* jz */);

    if (!sign) {
        if (sz == 1) {
            x_movzx_rm(cb, HRAX, 2, cg_greg(g, R_EAX, 2));
            x_mov_rr(cb, 4, HRDX, HRAX);
            x_shift_ri(cb, SH_SHR, 4, HRDX, 8);
        } else {
            x_mov_rm(cb, 4, HRAX, cg_greg(g, R_EAX, 4));
            x_mov_rm(cb, 4, HRDX, cg_greg(g, R_EDX, 4));
            if (sz == 2) {
                x_movzx_rr(cb, HRAX, 2, HRAX);
                x_movzx_rr(cb, HRDX, 2, HRDX);
            }
        }
        /* quotient overflow iff high half >= divisor */
        x_alu_rr(cb, ALU_CMP, 4, HRDX, HRCX);
        cg_slow_jump(g, 3 /* jae */);
        divop_r(cb, sz, 6, HRCX);   /* div cl / cx / ecx */
    } else {
        if (sz == 1) {
            movsx64_rm(cb, HRAX, 2, cg_greg(g, R_EAX, 2));
        } else if (sz == 2) {
            x_movzx_rm(cb, HRAX, 2, cg_greg(g, R_EAX, 2));
            x_movzx_rm(cb, HRDX, 2, cg_greg(g, R_EDX, 2));
            x_shift_ri(cb, SH_SHL, 4, HRDX, 16);
            x_alu_rr(cb, ALU_OR, 4, HRAX, HRDX);
            movsxd_rr(cb, HRAX, HRAX);
        } else {
            /* INT64_MIN / -1 would trap the host: -1 goes to the helper. */
            x_alu_ri(cb, ALU_CMP, 4, HRCX, 0xffffffffu);
            cg_slow_jump(g, 4 /* je */);
            x_mov_rm(cb, 4, HRAX, cg_greg(g, R_EAX, 4));
            x_mov_rm(cb, 4, HRDX, cg_greg(g, R_EDX, 4));
            x_shift_ri(cb, SH_SHL, 8, HRDX, 32);
            x_alu_rr(cb, ALU_OR, 8, HRAX, HRDX);
        }
        cb_byte(cb, 0x48);
        cb_byte(cb, 0x99);          /* cqo */
        divop_r(cb, 8, 7, HRCX);    /* idiv rcx */
        /* the quotient fits iff q + 2^(bits-1) < 2^bits (unsigned) */
        unsigned bits = (unsigned)sz * 8;
        x_mov_ri(cb, HRSI, 1u << (bits - 1));
        x_alu_rr(cb, ALU_ADD, 8, HRSI, HRAX);
        x_shift_ri(cb, SH_SHR, 8, HRSI, (uint8_t)bits);
        cg_slow_jump(g, 5 /* jnz */);
    }

    /* Results: AL = quotient, AH = remainder (the host's DIV r/m8 leaves
     * them so in AX); or (E)AX, (E)DX. */
    if (sz == 1 && !sign) {
        x_mov_mr(cb, 2, cg_greg_w(g, R_EAX, 2, true), HRAX);
    } else if (sz == 1) {
        x_shift_ri(cb, SH_SHL, 4, HRDX, 8);
        x_movzx_rr(cb, HRAX, 1, HRAX);
        x_alu_rr(cb, ALU_OR, 4, HRAX, HRDX);
        x_mov_mr(cb, 2, cg_greg_w(g, R_EAX, 2, true), HRAX);
    } else {
        x_mov_mr(cb, sz, cg_greg_w(g, R_EAX, sz, true), HRAX);
        x_mov_mr(cb, sz, cg_greg_w(g, R_EDX, sz, true), HRDX);
    }
}
