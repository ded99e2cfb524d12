/* ops_bit.c - bit tests and scans, and the flag-to-data instructions:
 * BT BTS BTR BTC, BSF BSR (80386), SETcc (80386), CMOVcc (P6)
 * (SDM vol. 2, the instruction pages).
 */
#include <capstone/capstone.h>

#include "flags.h"
#include "ops.h"

/* BT/BTS/BTR/BTC dest, offset.
 * Register destination, or any immediate offset: the offset is taken
 * modulo the operand width. Memory destination with a register offset:
 * the operand is a bit string starting at the effective address and the
 * offset is a signed integer (-2^15..2^15-1 or -2^31..2^31-1), so the
 * bit lives in the word/dword at EA + size * (offset SAR log2(width)),
 * bit (offset AND width-1) - SDM vol. 2, BT, and vol. 1, 3.5.1
 * "Bit(BitBase, BitOffset)". We access exactly that operand-sized unit,
 * as the processor does, so limit and page checks apply to it.
 * Flags: CF = the selected bit's old value; ZF unchanged; OF SF AF PF are
 * undefined and left unchanged. */
static int op_bt(CPU *cpu, const Insn *in)
{
    const Operand *d = &in->op[0], *s = &in->op[1];
    int size = d->size;
    unsigned bits = (unsigned)size * 8;
    uint32_t off = op_read(cpu, in, s);
    Operand unit = *d;
    if (d->kind == OPK_MEM && s->kind != OPK_IMM) {
        int32_t soff = (int32_t)sext(off, size);
        int32_t idx = soff >> (size == 2 ? 4 : 5); /* arithmetic: floor division */
        unit.disp = (int32_t)((uint32_t)unit.disp + (uint32_t)idx * (uint32_t)size);
        off = (uint32_t)soff & (bits - 1);
    } else {
        off &= bits - 1;
    }
    uint32_t v = op_read(cpu, in, &unit);
    uint32_t mask = 1u << off;
    bool cf = v & mask;
    switch (in->id) {
    case X86_INS_BTS: v |= mask; break;
    case X86_INS_BTR: v &= ~mask; break;
    case X86_INS_BTC: v ^= mask; break;
    default: break;
    }
    if (in->id != X86_INS_BT) op_write(cpu, in, &unit, v);
    flags_set_some(cpu, F_CF, cf ? F_CF : 0);
    return OPR_NEXT;
}

/* BSF/BSR dest, src: index of the lowest/highest set bit of src.
 * src = 0: ZF = 1 and the destination is left unchanged (what Intel and
 * AMD processors do; the SDM calls the content undefined). Otherwise
 * ZF = 0. CF OF SF AF PF are undefined and left unchanged. */
static int op_bsf(CPU *cpu, const Insn *in)
{
    const Operand *d = &in->op[0];
    uint32_t v = op_read(cpu, in, &in->op[1]) & size_mask(d->size);
    if (v == 0) {
        flags_set_some(cpu, F_ZF, F_ZF);
        return OPR_NEXT;
    }
    uint32_t r = in->id == X86_INS_BSF ? (uint32_t)__builtin_ctz(v)
                                       : 31u - (uint32_t)__builtin_clz(v);
    op_write(cpu, in, d, r);
    flags_set_some(cpu, F_ZF, 0);
    return OPR_NEXT;
}

/* SETcc r/m8: 1 if the condition holds, else 0. */
static int op_setcc(CPU *cpu, const Insn *in)
{
    op_write(cpu, in, &in->op[0], cond_eval(cpu->eflags, insn_cond(in->id)) ? 1 : 0);
    return OPR_NEXT;
}

/* CMOVcc r, r/m: the source is read (and may fault) whatever the
 * condition; the destination is written only when it holds. */
static int op_cmovcc(CPU *cpu, const Insn *in)
{
    uint32_t v = op_read(cpu, in, &in->op[1]);
    if (cond_eval(cpu->eflags, insn_cond(in->id))) op_write(cpu, in, &in->op[0], v);
    return OPR_NEXT;
}

void ops_register_bit(void)
{
    ops_table[X86_INS_BT] = op_bt;
    ops_table[X86_INS_BTS] = op_bt;
    ops_table[X86_INS_BTR] = op_bt;
    ops_table[X86_INS_BTC] = op_bt;
    ops_table[X86_INS_BSF] = op_bsf;
    ops_table[X86_INS_BSR] = op_bsf;
    static const unsigned setcc[] = {
        X86_INS_SETO, X86_INS_SETNO, X86_INS_SETB,  X86_INS_SETAE,
        X86_INS_SETE, X86_INS_SETNE, X86_INS_SETBE, X86_INS_SETA,
        X86_INS_SETS, X86_INS_SETNS, X86_INS_SETP,  X86_INS_SETNP,
        X86_INS_SETL, X86_INS_SETGE, X86_INS_SETLE, X86_INS_SETG};
    static const unsigned cmov[] = {
        X86_INS_CMOVO, X86_INS_CMOVNO, X86_INS_CMOVB,  X86_INS_CMOVAE,
        X86_INS_CMOVE, X86_INS_CMOVNE, X86_INS_CMOVBE, X86_INS_CMOVA,
        X86_INS_CMOVS, X86_INS_CMOVNS, X86_INS_CMOVP,  X86_INS_CMOVNP,
        X86_INS_CMOVL, X86_INS_CMOVGE, X86_INS_CMOVLE, X86_INS_CMOVG};
    for (unsigned i = 0; i < 16; i++) {
        ops_table[setcc[i]] = op_setcc;
        ops_table[cmov[i]] = op_cmovcc;
    }
}
