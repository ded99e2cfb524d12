/* x64emit.c - x86-64 instruction encoding (SDM vol. 2, chapter 2). */
#include "x64emit.h"

#include <string.h>

/* Bytes kept free at the end of the buffer: once it overflows, emitters
 * still return jump fields (at cb->end), and the code generator may patch
 * them before it notices the overflow and gives up the block; those 4-byte
 * writes must stay inside the mapping. */
#define CB_SLACK 16

void cb_init(CodeBuf *cb, uint8_t *mem, size_t size)
{
    cb->start = cb->p = mem;
    cb->end = mem + (size > CB_SLACK ? size - CB_SLACK : 0);
    cb->overflow = false;
}

void cb_byte(CodeBuf *cb, uint8_t b)
{
    if (cb->p < cb->end) *cb->p++ = b;
    else cb->overflow = true;
}

void cb_u32(CodeBuf *cb, uint32_t v)
{
    for (int i = 0; i < 4; i++) cb_byte(cb, (uint8_t)(v >> (8 * i)));
}

void cb_u64(CodeBuf *cb, uint64_t v)
{
    for (int i = 0; i < 8; i++) cb_byte(cb, (uint8_t)(v >> (8 * i)));
}

static void cb_u16(CodeBuf *cb, uint16_t v)
{
    cb_byte(cb, (uint8_t)v);
    cb_byte(cb, (uint8_t)(v >> 8));
}

static void emit_imm(CodeBuf *cb, int size, uint32_t imm)
{
    if (size == 1) cb_byte(cb, (uint8_t)imm);
    else if (size == 2) cb_u16(cb, (uint16_t)imm);
    else cb_u32(cb, imm);
}

/* REX = 0100WRXB. A byte-sized operation naming SPL/BPL/SIL/DIL needs an
 * (empty) REX prefix, or the encoding would mean AH/CH/DH/BH. */
void x_op_rm(CodeBuf *cb, int size, const uint8_t *opc, int nopc, int reg,
             int rm_reg, const HMem *m)
{
    if (rm_reg < 0 && m && m->base == HDIRECT) {
        rm_reg = m->index;
        m = NULL;
    }
    uint8_t rex = 0;
    bool need_rex = false;
    if (size == 2) cb_byte(cb, 0x66);
    if (size == 8) rex |= 8;
    if (reg >= 8) rex |= 4;
    if (rm_reg >= 0) {
        if (rm_reg >= 8) rex |= 1;
        if (size == 1 && rm_reg >= 4 && rm_reg < 8) need_rex = true;
    } else {
        if (m->index != HNONE && m->index >= 8) rex |= 2;
        if (m->base != HNONE && m->base >= 8) rex |= 1;
    }
    if (size == 1 && reg >= 4 && reg < 8) need_rex = true;
    if (rex || need_rex) cb_byte(cb, 0x40 | rex);
    for (int i = 0; i < nopc; i++) cb_byte(cb, opc[i]);
    int r = reg & 7;
    if (rm_reg >= 0) {
        cb_byte(cb, (uint8_t)(0xc0 | (r << 3) | (rm_reg & 7)));
        return;
    }
    int32_t disp = m->disp;
    if (m->base == HNONE) {
        /* [disp32] needs a SIB with no base in 64-bit mode (mod=00 rm=101 is RIP-relative). */
        cb_byte(cb, (uint8_t)(0x04 | (r << 3)));
        int idx = m->index == HNONE ? 4 : (m->index & 7);
        int ss = m->scale == 8 ? 3 : m->scale == 4 ? 2 : m->scale == 2 ? 1 : 0;
        cb_byte(cb, (uint8_t)((ss << 6) | (idx << 3) | 5));
        cb_u32(cb, (uint32_t)disp);
        return;
    }
    int base = m->base & 7;
    int mod;
    if (disp == 0 && base != 5) mod = 0;          /* rbp/r13 need a displacement */
    else if (disp >= -128 && disp <= 127) mod = 1;
    else mod = 2;
    bool sib = m->index != HNONE || base == 4;    /* rsp/r12 base needs SIB */
    if (sib) {
        cb_byte(cb, (uint8_t)((mod << 6) | (r << 3) | 4));
        int idx = m->index == HNONE ? 4 : (m->index & 7);
        int ss = m->scale == 8 ? 3 : m->scale == 4 ? 2 : m->scale == 2 ? 1 : 0;
        cb_byte(cb, (uint8_t)((ss << 6) | (idx << 3) | base));
    } else {
        cb_byte(cb, (uint8_t)((mod << 6) | (r << 3) | base));
    }
    if (mod == 1) cb_byte(cb, (uint8_t)disp);
    else if (mod == 2) cb_u32(cb, (uint32_t)disp);
}

static void op1(CodeBuf *cb, int size, uint8_t opc8, uint8_t opc, int reg, int rm_reg, const HMem *m)
{
    uint8_t o = size == 1 ? opc8 : opc;
    x_op_rm(cb, size, &o, 1, reg, rm_reg, m);
}

void x_mov_rr(CodeBuf *cb, int size, int dst, int src) { op1(cb, size, 0x88, 0x89, src, dst, NULL); }
void x_mov_rm(CodeBuf *cb, int size, int dst, HMem m) { op1(cb, size, 0x8a, 0x8b, dst, -1, &m); }
void x_mov_mr(CodeBuf *cb, int size, HMem m, int src) { op1(cb, size, 0x88, 0x89, src, -1, &m); }

void x_mov_mi(CodeBuf *cb, int size, HMem m, uint32_t imm)
{
    op1(cb, size, 0xc6, 0xc7, 0, -1, &m);
    emit_imm(cb, size == 8 ? 4 : size, imm);
}

void x_mov_ri(CodeBuf *cb, int dst, uint32_t imm)
{
    if (dst >= 8) cb_byte(cb, 0x41);
    cb_byte(cb, (uint8_t)(0xb8 + (dst & 7)));
    cb_u32(cb, imm);
}

void x_mov_ri64(CodeBuf *cb, int dst, uint64_t imm)
{
    if (imm <= 0xffffffffu) {
        x_mov_ri(cb, dst, (uint32_t)imm);
        return;
    }
    cb_byte(cb, (uint8_t)(0x48 | (dst >= 8 ? 1 : 0)));
    cb_byte(cb, (uint8_t)(0xb8 + (dst & 7)));
    cb_u64(cb, imm);
}

void x_movzx_rm(CodeBuf *cb, int dst, int srcsize, HMem m)
{
    if (srcsize == 4) { x_mov_rm(cb, 4, dst, m); return; }
    uint8_t o[2] = {0x0f, srcsize == 1 ? 0xb6 : 0xb7};
    x_op_rm(cb, 4, o, 2, dst, -1, &m);
}

void x_movsx_rm(CodeBuf *cb, int dst, int srcsize, HMem m)
{
    if (srcsize == 4) { x_mov_rm(cb, 4, dst, m); return; }
    uint8_t o[2] = {0x0f, srcsize == 1 ? 0xbe : 0xbf};
    x_op_rm(cb, 4, o, 2, dst, -1, &m);
}

void x_movzx_rr(CodeBuf *cb, int dst, int srcsize, int src)
{
    uint8_t o[2] = {0x0f, srcsize == 1 ? 0xb6 : 0xb7};
    /* byte source from SPL..DIL needs REX: x_op_rm checks `size`, so pass
     * size 1 semantics by hand. */
    if (srcsize == 1 && src >= 4 && src < 8 && dst < 8) cb_byte(cb, 0x40);
    x_op_rm(cb, 4, o, 2, dst, src, NULL);
}

void x_lea(CodeBuf *cb, int size, int dst, HMem m)
{
    uint8_t o = 0x8d;
    x_op_rm(cb, size, &o, 1, dst, -1, &m);
}

void x_alu_rr(CodeBuf *cb, int op, int size, int dst, int src)
{
    op1(cb, size, (uint8_t)(op * 8 + 0), (uint8_t)(op * 8 + 1), src, dst, NULL);
}

void x_alu_mr(CodeBuf *cb, int op, int size, HMem m, int src)
{
    op1(cb, size, (uint8_t)(op * 8 + 0), (uint8_t)(op * 8 + 1), src, -1, &m);
}

void x_alu_rm(CodeBuf *cb, int op, int size, int dst, HMem m)
{
    op1(cb, size, (uint8_t)(op * 8 + 2), (uint8_t)(op * 8 + 3), dst, -1, &m);
}

static void alu_i(CodeBuf *cb, int op, int size, int rm_reg, const HMem *m, uint32_t imm)
{
    int32_t s = (int32_t)imm;
    if (size != 1 && s >= -128 && s <= 127) {
        uint8_t o = 0x83;
        x_op_rm(cb, size, &o, 1, op, rm_reg, m);
        cb_byte(cb, (uint8_t)imm);
        return;
    }
    op1(cb, size, 0x80, 0x81, op, rm_reg, m);
    emit_imm(cb, size == 8 ? 4 : size, imm);
}

void x_alu_ri(CodeBuf *cb, int op, int size, int dst, uint32_t imm) { alu_i(cb, op, size, dst, NULL, imm); }
void x_alu_mi(CodeBuf *cb, int op, int size, HMem m, uint32_t imm) { alu_i(cb, op, size, -1, &m, imm); }

void x_test_rr(CodeBuf *cb, int size, int a, int b) { op1(cb, size, 0x84, 0x85, b, a, NULL); }
void x_test_mr(CodeBuf *cb, int size, HMem m, int r) { op1(cb, size, 0x84, 0x85, r, -1, &m); }

void x_test_mi(CodeBuf *cb, int size, HMem m, uint32_t imm)
{
    op1(cb, size, 0xf6, 0xf7, 0, -1, &m);
    emit_imm(cb, size == 8 ? 4 : size, imm);
}

void x_test_ri(CodeBuf *cb, int size, int r, uint32_t imm)
{
    op1(cb, size, 0xf6, 0xf7, 0, r, NULL);
    emit_imm(cb, size == 8 ? 4 : size, imm);
}

void x_not_m(CodeBuf *cb, int size, HMem m) { op1(cb, size, 0xf6, 0xf7, 2, -1, &m); }
void x_neg_m(CodeBuf *cb, int size, HMem m) { op1(cb, size, 0xf6, 0xf7, 3, -1, &m); }
void x_inc_m(CodeBuf *cb, int size, HMem m) { op1(cb, size, 0xfe, 0xff, 0, -1, &m); }

bool x_inc64_rip(CodeBuf *cb, const void *target)
{
    /* REX.W FF /0 with mod=00 rm=101: [rip + disp32], rip = end of insn. */
    int64_t disp = (int64_t)((intptr_t)target - (intptr_t)(cb->p + 7));
    if (disp != (int32_t)disp) return false;
    cb_byte(cb, 0x48);
    cb_byte(cb, 0xff);
    cb_byte(cb, 0x05);
    cb_u32(cb, (uint32_t)(int32_t)disp);
    return true;
}
void x_dec_m(CodeBuf *cb, int size, HMem m) { op1(cb, size, 0xfe, 0xff, 1, -1, &m); }

void x_shift_mi(CodeBuf *cb, int op, int size, HMem m, uint8_t count)
{
    op1(cb, size, 0xc0, 0xc1, op, -1, &m);
    cb_byte(cb, count);
}

void x_shift_ri(CodeBuf *cb, int op, int size, int r, uint8_t count)
{
    op1(cb, size, 0xc0, 0xc1, op, r, NULL);
    cb_byte(cb, count);
}

void x_imul_rm(CodeBuf *cb, int size, int dst, HMem m)
{
    uint8_t o[2] = {0x0f, 0xaf};
    x_op_rm(cb, size, o, 2, dst, -1, &m);
}

void x_xchg_mr(CodeBuf *cb, int size, HMem m, int r) { op1(cb, size, 0x86, 0x87, r, -1, &m); }

void x_setcc_m(CodeBuf *cb, int cc, HMem m)
{
    uint8_t o[2] = {0x0f, (uint8_t)(0x90 + cc)};
    x_op_rm(cb, 1, o, 2, 0, -1, &m);
}

void x_setcc_r(CodeBuf *cb, int cc, int r)
{
    uint8_t o[2] = {0x0f, (uint8_t)(0x90 + cc)};
    x_op_rm(cb, 1, o, 2, 0, r, NULL);
}

void x_cmov_rm(CodeBuf *cb, int cc, int size, int dst, HMem m)
{
    uint8_t o[2] = {0x0f, (uint8_t)(0x40 + cc)};
    x_op_rm(cb, size, o, 2, dst, -1, &m);
}

void x_lahf(CodeBuf *cb) { cb_byte(cb, 0x9f); }
void x_sahf(CodeBuf *cb) { cb_byte(cb, 0x9e); }
void x_pushfq(CodeBuf *cb) { cb_byte(cb, 0x9c); }
void x_popfq(CodeBuf *cb) { cb_byte(cb, 0x9d); }

void x_push_r(CodeBuf *cb, int r)
{
    if (r >= 8) cb_byte(cb, 0x41);
    cb_byte(cb, (uint8_t)(0x50 + (r & 7)));
}

void x_pop_r(CodeBuf *cb, int r)
{
    if (r >= 8) cb_byte(cb, 0x41);
    cb_byte(cb, (uint8_t)(0x58 + (r & 7)));
}

void x_ret(CodeBuf *cb) { cb_byte(cb, 0xc3); }

void x_call_m(CodeBuf *cb, HMem m)
{
    uint8_t o = 0xff;
    x_op_rm(cb, 4, &o, 1, 2, -1, &m);
}

void x_call_r(CodeBuf *cb, int r)
{
    uint8_t o = 0xff;
    x_op_rm(cb, 4, &o, 1, 2, r, NULL);
}

void x_jmp_r(CodeBuf *cb, int r)
{
    uint8_t o = 0xff;
    x_op_rm(cb, 4, &o, 1, 4, r, NULL);
}

void x_jmp_m(CodeBuf *cb, HMem m)
{
    uint8_t o = 0xff;
    x_op_rm(cb, 4, &o, 1, 4, -1, &m);
}

void x_bswap_r(CodeBuf *cb, int r)
{
    if (r >= 8) cb_byte(cb, 0x41);
    cb_byte(cb, 0x0f);
    cb_byte(cb, (uint8_t)(0xc8 + (r & 7)));
}

void x_patch_rel32(uint8_t *field, const uint8_t *target)
{
    int32_t rel = (int32_t)(target - (field + 4));
    memcpy(field, &rel, 4);
}

void x_patch_rel8(uint8_t *field, const uint8_t *target)
{
    *field = (uint8_t)(int8_t)(target - (field + 1));
}

uint8_t *x_jmp_rel32(CodeBuf *cb, const uint8_t *target)
{
    cb_byte(cb, 0xe9);
    uint8_t *f = cb->p;
    cb_u32(cb, 0);
    if (!cb->overflow && target) x_patch_rel32(f, target);
    return f;
}

uint8_t *x_jcc_rel32(CodeBuf *cb, int cc, const uint8_t *target)
{
    cb_byte(cb, 0x0f);
    cb_byte(cb, (uint8_t)(0x80 + cc));
    uint8_t *f = cb->p;
    cb_u32(cb, 0);
    if (!cb->overflow && target) x_patch_rel32(f, target);
    return f;
}

uint8_t *x_jcc_rel8(CodeBuf *cb, int cc)
{
    cb_byte(cb, (uint8_t)(0x70 + cc));
    uint8_t *f = cb->p;
    cb_byte(cb, 0);
    return f;
}

uint8_t *x_jmp_rel8(CodeBuf *cb)
{
    cb_byte(cb, 0xeb);
    uint8_t *f = cb->p;
    cb_byte(cb, 0);
    return f;
}
