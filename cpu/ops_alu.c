/* ops_alu.c - the two-operand integer ALU group and its one-operand kin:
 * ADD ADC SUB SBB AND OR XOR CMP TEST, INC DEC NEG NOT
 * (SDM vol. 2, the instruction pages of each; vol. 1, appendix A for the
 * flags they write).
 *
 * Operands come in Capstone's order, destination first. Immediates are
 * already sign-extended by the decoder (83 /r ib) and op_read masks them to
 * the operand size. A memory destination is read, the result computed, and
 * the store done before any register or flag changes, so a faulting store
 * leaves the architectural state as it was.
 */
#include <capstone/capstone.h>

#include "flags.h"
#include "ops.h"

/* ADD ADC SUB SBB CMP AND OR XOR TEST: dest op= src. */
static int op_binary(CPU *cpu, const Insn *in)
{
    const Operand *d = &in->op[0], *s = &in->op[1];
    int size = d->size;
    uint32_t m = size_mask(size);
    uint32_t a = op_read(cpu, in, d) & m;
    uint32_t b = op_read(cpu, in, s) & m;
    uint32_t cin = cpu->eflags & F_CF;
    uint32_t r, f;
    bool store = true;

    switch (in->id) {
    case X86_INS_ADD:
        r = (a + b) & m;
        f = flags_add(a, b, 0, r, size);
        break;
    case X86_INS_ADC:
        r = (a + b + cin) & m;
        f = flags_add(a, b, cin, r, size);
        break;
    case X86_INS_SUB:
        r = (a - b) & m;
        f = flags_sub(a, b, 0, r, size);
        break;
    case X86_INS_SBB:
        r = (a - b - cin) & m;
        f = flags_sub(a, b, cin, r, size);
        break;
    case X86_INS_CMP:
        r = (a - b) & m;
        f = flags_sub(a, b, 0, r, size);
        store = false;
        break;
    /* Logic ops: CF = OF = 0, SF ZF PF from the result; AF is undefined
     * (SDM vol. 2, AND/OR/XOR/TEST) and we clear it, as current Intel and
     * AMD processors do. */
    case X86_INS_AND:
        r = a & b;
        f = flags_szp(r, size);
        break;
    case X86_INS_OR:
        r = a | b;
        f = flags_szp(r, size);
        break;
    case X86_INS_XOR:
        r = a ^ b;
        f = flags_szp(r, size);
        break;
    default: /* TEST */
        r = a & b;
        f = flags_szp(r, size);
        store = false;
        break;
    }
    if (store) op_write(cpu, in, d, r);
    flags_set(cpu, f);
    return OPR_NEXT;
}

/* INC/DEC: like ADD/SUB 1 but CF is preserved (SDM vol. 2, INC). */
static int op_incdec(CPU *cpu, const Insn *in)
{
    const Operand *d = &in->op[0];
    int size = d->size;
    uint32_t m = size_mask(size);
    uint32_t a = op_read(cpu, in, d) & m;
    uint32_t r, f;
    if (in->id == X86_INS_INC) {
        r = (a + 1) & m;
        f = flags_add(a, 1, 0, r, size);
    } else {
        r = (a - 1) & m;
        f = flags_sub(a, 1, 0, r, size);
    }
    op_write(cpu, in, d, r);
    flags_set_some(cpu, F_ARITH & ~F_CF, f);
    return OPR_NEXT;
}

/* NEG: 0 - dest; CF = (dest != 0), the other flags as for SUB. */
static int op_neg(CPU *cpu, const Insn *in)
{
    const Operand *d = &in->op[0];
    int size = d->size;
    uint32_t m = size_mask(size);
    uint32_t a = op_read(cpu, in, d) & m;
    uint32_t r = (0u - a) & m;
    op_write(cpu, in, d, r);
    flags_set(cpu, flags_sub(0, a, 0, r, size));
    return OPR_NEXT;
}

/* NOT: one's complement, no flags. */
static int op_not(CPU *cpu, const Insn *in)
{
    const Operand *d = &in->op[0];
    op_write(cpu, in, d, ~op_read(cpu, in, d) & size_mask(d->size));
    return OPR_NEXT;
}

void ops_register_alu(void)
{
    static const unsigned bin[] = {X86_INS_ADD, X86_INS_ADC, X86_INS_SUB, X86_INS_SBB,
                                   X86_INS_CMP, X86_INS_AND, X86_INS_OR,  X86_INS_XOR,
                                   X86_INS_TEST};
    for (unsigned i = 0; i < sizeof bin / sizeof bin[0]; i++) ops_table[bin[i]] = op_binary;
    ops_table[X86_INS_INC] = op_incdec;
    ops_table[X86_INS_DEC] = op_incdec;
    ops_table[X86_INS_NEG] = op_neg;
    ops_table[X86_INS_NOT] = op_not;
}
