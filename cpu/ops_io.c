/* ops_io.c - IN and OUT (imm8 and DX port forms; 1, 2 or 4 bytes) through
 * the I/O bus, with the protected-mode I/O permission check.
 */
#include <capstone/capstone.h>

#include "devices/iobus.h"
#include "mem.h"
#include "ops_ctl.h"

void io_check(CPU *cpu, uint16_t port, int size)
{
    if (!cpu_pe(cpu)) return;
    int iopl = (int)((cpu->eflags & F_IOPL) >> 12);
    if (!(cpu->eflags & F_VM) && cpu_cpl(cpu) <= iopl) return;
    /* The bitmap exists only in a 32-bit TSS (type 9 or 11); its offset is
     * the word at 0x66. Two bytes are read because an access may span a
     * byte boundary; both must lie within the TSS limit. */
    unsigned type = cpu->tr.flags & SEGF_TYPE;
    if ((type != 9 && type != 11) || cpu->tr.limit < 0x67) cpu_raise_err(cpu, EXC_GP, 0);
    uint32_t base = lin_ld(cpu, cpu->tr.base + 0x66, 2);
    uint32_t off = base + (port >> 3);
    if (off + 1 > cpu->tr.limit) cpu_raise_err(cpu, EXC_GP, 0);
    uint32_t bits = lin_ld(cpu, cpu->tr.base + off, 2);
    uint32_t want = ((1u << size) - 1) << (port & 7);
    if (bits & want) cpu_raise_err(cpu, EXC_GP, 0);
}

static uint16_t port_of(const CPU *cpu, const Operand *o)
{
    return o->kind == OPK_IMM ? (uint16_t)(o->imm & 0xffu) : (uint16_t)cpu->regs[R_EDX];
}

/* IN acc, port: op[0] is AL/AX/EAX, op[1] the port (imm8 or DX). */
static int op_in(CPU *cpu, const Insn *in)
{
    const Operand *d = &in->op[0];
    int size = d->size;
    uint16_t port = port_of(cpu, &in->op[1]);
    io_check(cpu, port, size);
    cpu_check_io_breakpoint(cpu, port, size);
    uint32_t v = cpu->io ? io_read(cpu->io, port, size) : 0xffffffffu;
    reg_write(cpu, R_EAX, size, v);
    return OPR_NEXT;
}

/* OUT port, acc. */
static int op_out(CPU *cpu, const Insn *in)
{
    const Operand *s = &in->op[1];
    int size = s->size;
    uint16_t port = port_of(cpu, &in->op[0]);
    io_check(cpu, port, size);
    cpu_check_io_breakpoint(cpu, port, size);
    if (cpu->io) io_write(cpu->io, port, reg_read(cpu, R_EAX, size), size);
    return OPR_NEXT;
}

void ops_register_io(void)
{
    ops_table[X86_INS_IN] = op_in;
    ops_table[X86_INS_OUT] = op_out;
}
