/* ops_muldiv.c - MUL IMUL DIV IDIV (SDM vol. 2, the instruction pages).
 *
 * Operand forms as Capstone presents them:
 *   MUL r/m, IMUL r/m, DIV r/m, IDIV r/m: one operand, the accumulator
 *     (AL/AX/EAX, with AH/DX/EDX for the high half) implied;
 *   IMUL r, r/m: two operands, product truncated to the destination;
 *   IMUL r, r/m, imm: three operands (imm sign-extended; op_read masks it to
 *     the operand size, so we sign-extend it again here).
 *
 * Flags after MUL/IMUL: CF = OF = 1 when the product does not fit the
 * destination (MUL: upper half non-zero; IMUL: the full product differs
 * from the sign extension of the truncated one). SF, ZF, AF and PF are
 * undefined; we set SF/ZF/PF from the low half of the result (the value
 * written to AL/AX/EAX or the destination) and clear AF, as Bochs and QEMU
 * do, modelled on Intel parts. (AMD Zen leaves SF/ZF/AF/PF unchanged -
 * measured on the host by tests/unit/test_ops_arith.c, which masks them.)
 *
 * DIV/IDIV: all six status flags are undefined; we leave them unchanged.
 * A zero divisor or a quotient that does not fit raises #DE before any
 * register changes (a fault: EIP stays at the instruction). IDIV of the
 * most negative dividend by -1 is the quotient overflow case and must not
 * reach the host's divider (it would trap the host process).
 */
#include <capstone/capstone.h>

#include "flags.h"
#include "ops.h"

/* Set the flags after a multiply: lo is the destination value. */
static void mul_flags(CPU *cpu, uint32_t lo, int size, bool overflow)
{
    uint32_t f = flags_szp(lo, size);
    if (overflow) f |= F_CF | F_OF;
    flags_set(cpu, f);
}

static int op_mul(CPU *cpu, const Insn *in)
{
    const Operand *s = &in->op[0];
    int size = s->size;
    uint32_t src = op_read(cpu, in, s) & size_mask(size);
    uint32_t acc = reg_read(cpu, R_EAX, size);
    uint64_t p = (uint64_t)acc * src;
    uint32_t lo, hi;
    if (size == 1) {
        reg_write(cpu, R_EAX, 2, (uint32_t)p);
        lo = (uint32_t)p & 0xffu;
        hi = (uint32_t)(p >> 8) & 0xffu;
    } else {
        unsigned bits = (unsigned)size * 8;
        lo = (uint32_t)p & size_mask(size);
        hi = (uint32_t)(p >> bits) & size_mask(size);
        reg_write(cpu, R_EAX, size, lo);
        reg_write(cpu, R_EDX, size, hi);
    }
    mul_flags(cpu, lo, size, hi != 0);
    return OPR_NEXT;
}

static int op_imul(CPU *cpu, const Insn *in)
{
    if (in->nops == 1) {
        const Operand *s = &in->op[0];
        int size = s->size;
        unsigned bits = (unsigned)size * 8;
        int64_t a = (int32_t)sext(reg_read(cpu, R_EAX, size), size);
        int64_t b = (int32_t)sext(op_read(cpu, in, s), size);
        int64_t p = a * b;
        uint32_t lo = (uint32_t)p & size_mask(size);
        if (size == 1) {
            reg_write(cpu, R_EAX, 2, (uint32_t)p);
        } else {
            reg_write(cpu, R_EAX, size, lo);
            reg_write(cpu, R_EDX, size, (uint32_t)((uint64_t)p >> bits));
        }
        mul_flags(cpu, lo, size, p != (int64_t)(int32_t)sext(lo, size));
        return OPR_NEXT;
    }
    /* Two- and three-operand forms: truncated product in the destination. */
    const Operand *d = &in->op[0];
    int size = d->size;
    const Operand *x = in->nops == 3 ? &in->op[1] : &in->op[0];
    const Operand *y = in->nops == 3 ? &in->op[2] : &in->op[1];
    int64_t a = (int32_t)sext(op_read(cpu, in, x), size);
    int64_t b = (int32_t)sext(op_read(cpu, in, y), size);
    int64_t p = a * b;
    uint32_t lo = (uint32_t)p & size_mask(size);
    op_write(cpu, in, d, lo);
    mul_flags(cpu, lo, size, p != (int64_t)(int32_t)sext(lo, size));
    return OPR_NEXT;
}

static int op_div(CPU *cpu, const Insn *in)
{
    const Operand *s = &in->op[0];
    int size = s->size;
    unsigned bits = (unsigned)size * 8;
    uint32_t m = size_mask(size);
    uint64_t dv = op_read(cpu, in, s) & m;
    uint64_t n;
    if (size == 1)
        n = reg_read(cpu, R_EAX, 2);
    else
        n = ((uint64_t)reg_read(cpu, R_EDX, size) << bits) | reg_read(cpu, R_EAX, size);
    if (dv == 0) cpu_raise(cpu, EXC_DE);
    uint64_t q = n / dv, r = n % dv;
    if (q > m) cpu_raise(cpu, EXC_DE);
    if (size == 1) {
        reg_write(cpu, R_EAX, 2, (uint32_t)(r << 8 | q));
    } else {
        reg_write(cpu, R_EAX, size, (uint32_t)q);
        reg_write(cpu, R_EDX, size, (uint32_t)r);
    }
    return OPR_NEXT;
}

static int op_idiv(CPU *cpu, const Insn *in)
{
    const Operand *s = &in->op[0];
    int size = s->size;
    unsigned bits = (unsigned)size * 8;
    int64_t dv = (int32_t)sext(op_read(cpu, in, s), size);
    int64_t n;
    if (size == 1)
        n = (int16_t)reg_read(cpu, R_EAX, 2);
    else if (size == 2)
        n = (int32_t)((reg_read(cpu, R_EDX, 2) << 16) | reg_read(cpu, R_EAX, 2));
    else
        n = (int64_t)(((uint64_t)cpu->regs[R_EDX] << 32) | cpu->regs[R_EAX]);
    if (dv == 0) cpu_raise(cpu, EXC_DE);
    int64_t q, r;
    if (dv == -1) {
        /* n / -1 = -n, remainder 0; -INT64_MIN is not representable. */
        if (n == INT64_MIN) cpu_raise(cpu, EXC_DE);
        q = -n;
        r = 0;
    } else {
        q = n / dv; /* C truncates toward zero, as IDIV does */
        r = n % dv; /* and the remainder takes the dividend's sign */
    }
    int64_t qmax = ((int64_t)1 << (bits - 1)) - 1, qmin = -qmax - 1;
    if (q > qmax || q < qmin) cpu_raise(cpu, EXC_DE);
    if (size == 1) {
        reg_write(cpu, R_EAX, 2, (((uint32_t)r & 0xffu) << 8) | ((uint32_t)q & 0xffu));
    } else {
        reg_write(cpu, R_EAX, size, (uint32_t)q);
        reg_write(cpu, R_EDX, size, (uint32_t)r);
    }
    return OPR_NEXT;
}

void ops_register_muldiv(void)
{
    ops_table[X86_INS_MUL] = op_mul;
    ops_table[X86_INS_IMUL] = op_imul;
    ops_table[X86_INS_DIV] = op_div;
    ops_table[X86_INS_IDIV] = op_idiv;
}
