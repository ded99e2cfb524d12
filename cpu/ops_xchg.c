/* ops_xchg.c - exchanges: XCHG, XADD (486), CMPXCHG (486), CMPXCHG8B
 * (Pentium), BSWAP (486) - SDM vol. 2, the instruction pages.
 *
 * There is a single vCPU and devices run synchronously with it, so the
 * LOCK semantics (atomic read-modify-write) hold trivially; what matters
 * is the order of side effects: every memory store comes before any
 * register write, so a faulting store leaves registers and flags intact.
 */
#include <capstone/capstone.h>

#include "flags.h"
#include "mem.h"
#include "ops.h"

/* XCHG a, b (either may be memory; Capstone lists "xchg cl, al" for
 * 86 C1 and "xchg [m], r" or "xchg r, [m]" as encoded). */
static int op_xchg(CPU *cpu, const Insn *in)
{
    const Operand *a = &in->op[0], *b = &in->op[1];
    uint32_t va = op_read(cpu, in, a), vb = op_read(cpu, in, b);
    if (b->kind == OPK_MEM) {
        op_write(cpu, in, b, va);
        op_write(cpu, in, a, vb);
    } else {
        op_write(cpu, in, a, vb);
        op_write(cpu, in, b, va);
    }
    return OPR_NEXT;
}

/* XADD dest, src: TEMP = SRC + DEST; SRC = DEST; DEST = TEMP. Flags as ADD.
 * With dest and src the same register the final value is TEMP (the
 * destination is written last). */
static int op_xadd(CPU *cpu, const Insn *in)
{
    const Operand *d = &in->op[0], *s = &in->op[1];
    int size = d->size;
    uint32_t m = size_mask(size);
    uint32_t vd = op_read(cpu, in, d) & m, vs = op_read(cpu, in, s) & m;
    uint32_t t = (vd + vs) & m;
    if (d->kind == OPK_MEM) {
        op_write(cpu, in, d, t);
        op_write(cpu, in, s, vd);
    } else {
        op_write(cpu, in, s, vd);
        op_write(cpu, in, d, t);
    }
    flags_set(cpu, flags_add(vd, vs, 0, t, size));
    return OPR_NEXT;
}

/* CMPXCHG dest, src: compare the accumulator with dest (flags as
 * CMP acc, dest). Equal: ZF = 1, dest = src. Not equal: ZF = 0,
 * acc = dest; the processor writes dest back with its own value so a
 * memory destination always sees a write cycle (and write faults). */
static int op_cmpxchg(CPU *cpu, const Insn *in)
{
    const Operand *d = &in->op[0], *s = &in->op[1];
    int size = d->size;
    uint32_t m = size_mask(size);
    uint32_t acc = reg_read(cpu, R_EAX, size);
    uint32_t vd = op_read(cpu, in, d) & m;
    uint32_t vs = op_read(cpu, in, s) & m;
    uint32_t f = flags_sub(acc, vd, 0, (acc - vd) & m, size);
    if (acc == vd) {
        op_write(cpu, in, d, vs);
    } else {
        if (d->kind == OPK_MEM) op_write(cpu, in, d, vd);
        reg_write(cpu, R_EAX, size, vd);
    }
    flags_set(cpu, f);
    return OPR_NEXT;
}

/* CMPXCHG8B m64: compare EDX:EAX with m64. Equal: ZF = 1, m64 = ECX:EBX.
 * Not equal: ZF = 0, EDX:EAX = m64 (and m64 is written back unchanged).
 * Only ZF changes. A register operand is #UD (Capstone does not decode
 * one, but an Insn built otherwise is checked). The whole 8 bytes are
 * checked for writing in the segment before the first store. */
static int op_cmpxchg8b(CPU *cpu, const Insn *in)
{
    const Operand *d = &in->op[0];
    if (d->kind != OPK_MEM) cpu_raise(cpu, EXC_UD);
    uint32_t amask = in->addrsize == 2 ? 0xffffu : 0xffffffffu;
    uint32_t ea = op_ea(cpu, in, d);
    uint32_t ea_hi = (ea + 4) & amask;
    uint32_t lo = cpu_ld32(cpu, d->seg, ea);
    uint32_t hi = cpu_ld32(cpu, d->seg, ea_hi);
    cpu_check_seg(cpu, d->seg, ea, 8, true);
    bool eq = lo == cpu->regs[R_EAX] && hi == cpu->regs[R_EDX];
    if (eq) {
        cpu_st32(cpu, d->seg, ea, cpu->regs[R_EBX]);
        cpu_st32(cpu, d->seg, ea_hi, cpu->regs[R_ECX]);
    } else {
        cpu_st32(cpu, d->seg, ea, lo);
        cpu_st32(cpu, d->seg, ea_hi, hi);
        cpu->regs[R_EAX] = lo;
        cpu->regs[R_EDX] = hi;
    }
    flags_set_some(cpu, F_ZF, eq ? F_ZF : 0);
    return OPR_NEXT;
}

/* BSWAP r32: reverse the byte order. With a 16-bit operand (66 prefix)
 * the result is undefined (SDM); Intel and AMD processors write 0 to the
 * low word (the upper word is kept), and so do we. */
static int op_bswap(CPU *cpu, const Insn *in)
{
    const Operand *d = &in->op[0];
    if (d->size == 2)
        reg_write(cpu, d->reg, 2, 0);
    else
        reg_write(cpu, d->reg, 4, __builtin_bswap32(reg_read(cpu, d->reg, 4)));
    return OPR_NEXT;
}

void ops_register_xchg(void)
{
    ops_table[X86_INS_XCHG] = op_xchg;
    ops_table[X86_INS_XADD] = op_xadd;
    ops_table[X86_INS_CMPXCHG] = op_cmpxchg;
    ops_table[X86_INS_CMPXCHG8B] = op_cmpxchg8b;
    ops_table[X86_INS_BSWAP] = op_bswap;
}
