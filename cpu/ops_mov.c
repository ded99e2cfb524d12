/* ops_mov.c - data movement: MOV (general, segment; control and debug
 * registers are forwarded to ops_system.c), MOVZX, MOVSX, LEA, XLAT,
 * LDS/LES/LFS/LGS/LSS and the NOPs.
 */
#include <capstone/capstone.h>

#include "flags.h"
#include "mem.h"
#include "ops_ctl.h"

static int op_mov(CPU *cpu, const Insn *in)
{
    const Operand *d = &in->op[0], *s = &in->op[1];
    if (in->nops != 2) cpu_raise(cpu, EXC_UD);
    /* MOV CS, r/m and the reserved Sreg encodings are #UD before the
     * source operand is read (an encoding check: SDM vol. 2, MOV). */
    if (d->kind == OPK_SREG && (d->reg == S_CS || d->reg > S_GS)) cpu_raise(cpu, EXC_UD);
    if (d->kind == OPK_CREG || d->kind == OPK_DREG || s->kind == OPK_CREG || s->kind == OPK_DREG)
        return sys_mov_ctl(cpu, in);
    /* MOV r32, Sreg zero-extends on P6 and later; to memory it is always a
     * 16-bit store (SDM vol. 2, MOV). op_write honours the operand size. */
    uint32_t v = op_read(cpu, in, s);
    op_write(cpu, in, d, v);
    return OPR_NEXT;
}

static int op_movzx(CPU *cpu, const Insn *in)
{
    op_write(cpu, in, &in->op[0], op_read(cpu, in, &in->op[1]));
    return OPR_NEXT;
}

static int op_movsx(CPU *cpu, const Insn *in)
{
    const Operand *s = &in->op[1];
    op_write(cpu, in, &in->op[0], sext(op_read(cpu, in, s), s->size));
    return OPR_NEXT;
}

/* LEA: the offset, computed at the address size and then truncated or
 * zero-extended to the operand size (SDM vol. 2, LEA table 3-54). */
static int op_lea(CPU *cpu, const Insn *in)
{
    if (in->op[1].kind != OPK_MEM) cpu_raise(cpu, EXC_UD);
    op_write(cpu, in, &in->op[0], op_ea(cpu, in, &in->op[1]));
    return OPR_NEXT;
}

/* XLAT: AL = [seg:(E)BX + zero-extended AL], DS unless overridden. */
static int op_xlat(CPU *cpu, const Insn *in)
{
    int seg = in->segovr != S_NONE ? in->segovr : S_DS;
    uint32_t ea = cpu->regs[R_EBX] + (cpu->regs[R_EAX] & 0xffu);
    if (in->addrsize == 2) ea &= 0xffffu;
    *cpu_reg8(cpu, R_EAX) = cpu_ld8(cpu, seg, ea);
    return OPR_NEXT;
}

/* LDS/LES/LFS/LGS/LSS: a far pointer m16:16 or m16:32 (offset first). The
 * segment load comes first so that a fault leaves the register alone. */
static int load_far(CPU *cpu, const Insn *in, int sreg)
{
    const Operand *m = &in->op[1];
    if (m->kind != OPK_MEM || in->op[0].kind != OPK_REG) cpu_raise(cpu, EXC_UD);
    uint32_t ea = op_ea(cpu, in, m);
    uint32_t amask = in->addrsize == 2 ? 0xffffu : 0xffffffffu;
    uint32_t off = cpu_ld(cpu, m->seg, ea, in->opsize);
    uint16_t sel = cpu_ld16(cpu, m->seg, (ea + in->opsize) & amask);
    cpu_load_seg(cpu, sreg, sel);
    reg_write(cpu, in->op[0].reg, in->opsize, off);
    if (sreg == S_SS) cpu->stop_block = true; /* SS.B may have changed */
    return OPR_NEXT;
}

static int op_lds(CPU *cpu, const Insn *in) { return load_far(cpu, in, S_DS); }
static int op_les(CPU *cpu, const Insn *in) { return load_far(cpu, in, S_ES); }
static int op_lfs(CPU *cpu, const Insn *in) { return load_far(cpu, in, S_FS); }
static int op_lgs(CPU *cpu, const Insn *in) { return load_far(cpu, in, S_GS); }
static int op_lss(CPU *cpu, const Insn *in) { return load_far(cpu, in, S_SS); }

/* NOP, the multi-byte NOP (0F 1F /0: no memory access) and PAUSE. */
static int op_nop(CPU *cpu, const Insn *in)
{
    (void)cpu;
    (void)in;
    return OPR_NEXT;
}

void ops_register_mov(void)
{
    ops_table[X86_INS_MOV] = op_mov;
    ops_table[X86_INS_MOVABS] = op_mov;
    ops_table[X86_INS_MOVZX] = op_movzx;
    ops_table[X86_INS_MOVSX] = op_movsx;
    ops_table[X86_INS_LEA] = op_lea;
    ops_table[X86_INS_XLATB] = op_xlat;
    ops_table[X86_INS_LDS] = op_lds;
    ops_table[X86_INS_LES] = op_les;
    ops_table[X86_INS_LFS] = op_lfs;
    ops_table[X86_INS_LGS] = op_lgs;
    ops_table[X86_INS_LSS] = op_lss;
    ops_table[X86_INS_NOP] = op_nop;
    ops_table[X86_INS_PAUSE] = op_nop;
}
