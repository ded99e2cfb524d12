/* ops_flagops.c - accumulator sign extensions and direct flag operations:
 * CBW CWDE CWD CDQ, LAHF SAHF, CLC STC CMC CLD STD, and the undocumented
 * SALC (D6) - SDM vol. 2, the instruction pages.
 *
 * The sign extensions are chosen by the effective operand size, not by
 * Capstone's id: Capstone 4 names 98/99 CWDE/CDQ in 16-bit code whatever
 * the 66 prefix says (in 32-bit code its CBW/CWD/CWDE/CDQ ids are right).
 */
#include <capstone/capstone.h>

#include "flags.h"
#include "ops.h"

/* 98: CBW (AX = sext AL) or CWDE (EAX = sext AX). */
static int op_cbw(CPU *cpu, const Insn *in)
{
    if (in->opsize == 2)
        reg_write(cpu, R_EAX, 2, sext(reg_read(cpu, R_EAX, 1), 1));
    else
        cpu->regs[R_EAX] = sext(reg_read(cpu, R_EAX, 2), 2);
    return OPR_NEXT;
}

/* 99: CWD (DX = sign of AX) or CDQ (EDX = sign of EAX). */
static int op_cwd(CPU *cpu, const Insn *in)
{
    if (in->opsize == 2)
        reg_write(cpu, R_EDX, 2, (cpu->regs[R_EAX] & 0x8000u) ? 0xffffu : 0);
    else
        cpu->regs[R_EDX] = (cpu->regs[R_EAX] & 0x80000000u) ? 0xffffffffu : 0;
    return OPR_NEXT;
}

/* LAHF: AH = SF:ZF:0:AF:0:PF:1:CF (EFLAGS bits 7..0, with the reserved
 * bits at their fixed values). */
static int op_lahf(CPU *cpu, const Insn *in)
{
    (void)in;
    uint8_t ah = (uint8_t)((cpu->eflags & (F_SF | F_ZF | F_AF | F_PF | F_CF)) | F_1);
    *cpu_reg8(cpu, 4) = ah;
    return OPR_NEXT;
}

/* SAHF: SF ZF AF PF CF = AH bits 7 6 4 2 0; OF untouched. */
static int op_sahf(CPU *cpu, const Insn *in)
{
    (void)in;
    uint32_t ah = reg_read(cpu, 4, 1);
    flags_set_some(cpu, F_SF | F_ZF | F_AF | F_PF | F_CF, ah);
    return OPR_NEXT;
}

static int op_flagbit(CPU *cpu, const Insn *in)
{
    switch (in->id) {
    case X86_INS_CLC: cpu->eflags &= ~F_CF; break;
    case X86_INS_STC: cpu->eflags |= F_CF; break;
    case X86_INS_CMC: cpu->eflags ^= F_CF; break;
    case X86_INS_CLD: cpu->eflags &= ~F_DF; break;
    default: /* STD */ cpu->eflags |= F_DF; break;
    }
    return OPR_NEXT;
}

/* SALC (D6, undocumented on Intel until recent manuals list it as
 * reserved): AL = CF ? FFh : 00h, flags unchanged. */
static int op_salc(CPU *cpu, const Insn *in)
{
    (void)in;
    *cpu_reg8(cpu, 0) = (cpu->eflags & F_CF) ? 0xff : 0x00;
    return OPR_NEXT;
}

void ops_register_flagops(void)
{
    ops_table[X86_INS_CBW] = op_cbw;
    ops_table[X86_INS_CWDE] = op_cbw;
    ops_table[X86_INS_CWD] = op_cwd;
    ops_table[X86_INS_CDQ] = op_cwd;
    ops_table[X86_INS_LAHF] = op_lahf;
    ops_table[X86_INS_SAHF] = op_sahf;
    ops_table[X86_INS_CLC] = op_flagbit;
    ops_table[X86_INS_STC] = op_flagbit;
    ops_table[X86_INS_CMC] = op_flagbit;
    ops_table[X86_INS_CLD] = op_flagbit;
    ops_table[X86_INS_STD] = op_flagbit;
    ops_table[X86_INS_SALC] = op_salc;
}
