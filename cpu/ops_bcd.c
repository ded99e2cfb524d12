/* ops_bcd.c - decimal adjust instructions: DAA DAS AAA AAS AAM AAD
 * (SDM vol. 2, the instruction pages; their pseudocode is followed line
 * by line, with the choices for the undefined flags noted at each one).
 *
 * AAM/AAD carry their base as an immediate operand (D4 ib / D5 ib); the
 * decoder supplies 10 when Capstone prints the default form without one.
 */
#include <capstone/capstone.h>

#include "flags.h"
#include "ops.h"

static uint8_t get_al(const CPU *cpu) { return (uint8_t)cpu->regs[R_EAX]; }
static uint8_t get_ah(const CPU *cpu) { return (uint8_t)(cpu->regs[R_EAX] >> 8); }
static void set_al(CPU *cpu, uint8_t v) { *cpu_reg8(cpu, 0) = v; }
static void set_ah(CPU *cpu, uint8_t v) { *cpu_reg8(cpu, 4) = v; }

/* DAA: CF AF SF ZF PF defined; OF undefined, cleared here. */
static int op_daa(CPU *cpu, const Insn *in)
{
    (void)in;
    uint8_t al = get_al(cpu), old_al = al;
    bool old_cf = cpu->eflags & F_CF, cf = false, af = false;
    if ((al & 0x0f) > 9 || (cpu->eflags & F_AF)) {
        cf = old_cf || al > 0xff - 6; /* carry out of AL + 6 */
        al = (uint8_t)(al + 6);
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        al = (uint8_t)(al + 0x60);
        cf = true;
    } else {
        cf = false;
    }
    set_al(cpu, al);
    flags_set(cpu, flags_szp(al, 1) | (cf ? F_CF : 0) | (af ? F_AF : 0));
    return OPR_NEXT;
}

/* DAS: CF AF SF ZF PF defined; OF undefined, cleared here. Unlike DAA,
 * the second step has no ELSE: CF keeps the borrow of the first step. */
static int op_das(CPU *cpu, const Insn *in)
{
    (void)in;
    uint8_t al = get_al(cpu), old_al = al;
    bool old_cf = cpu->eflags & F_CF, cf = false, af = false;
    if ((al & 0x0f) > 9 || (cpu->eflags & F_AF)) {
        cf = old_cf || al < 6; /* borrow from AL - 6 */
        al = (uint8_t)(al - 6);
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        al = (uint8_t)(al - 0x60);
        cf = true;
    }
    set_al(cpu, al);
    flags_set(cpu, flags_szp(al, 1) | (cf ? F_CF : 0) | (af ? F_AF : 0));
    return OPR_NEXT;
}

/* AAA/AAS: AF and CF defined; OF SF ZF PF undefined. We set SF/ZF/PF from
 * the final AL (after the AND with 0Fh, so SF is always 0) and clear OF. */
static int op_aaa(CPU *cpu, const Insn *in)
{
    (void)in;
    uint16_t ax = (uint16_t)cpu->regs[R_EAX];
    bool adj = (ax & 0x0f) > 9 || (cpu->eflags & F_AF);
    if (adj) ax = (uint16_t)(ax + 0x106); /* IA-32: AX + 106h, carry into AH */
    ax &= 0xff0f;
    reg_write(cpu, R_EAX, 2, ax);
    flags_set(cpu, flags_szp(ax & 0xff, 1) | (adj ? F_CF | F_AF : 0));
    return OPR_NEXT;
}

static int op_aas(CPU *cpu, const Insn *in)
{
    (void)in;
    uint16_t ax = (uint16_t)cpu->regs[R_EAX];
    bool adj = (ax & 0x0f) > 9 || (cpu->eflags & F_AF);
    if (adj) {
        ax = (uint16_t)(ax - 6);        /* AX <- AX - 6 (borrow reaches AH) */
        ax = (uint16_t)(ax - 0x100);    /* AH <- AH - 1 */
    }
    ax &= 0xff0f;
    reg_write(cpu, R_EAX, 2, ax);
    flags_set(cpu, flags_szp(ax & 0xff, 1) | (adj ? F_CF | F_AF : 0));
    return OPR_NEXT;
}

/* AAM imm8: AH = AL / imm, AL = AL mod imm; #DE when imm is 0.
 * SF ZF PF from AL; OF AF CF undefined, cleared here. */
static int op_aam(CPU *cpu, const Insn *in)
{
    uint8_t base = in->nops ? (uint8_t)op_read(cpu, in, &in->op[0]) : 10;
    if (base == 0) cpu_raise(cpu, EXC_DE);
    uint8_t al = get_al(cpu);
    set_ah(cpu, (uint8_t)(al / base));
    set_al(cpu, (uint8_t)(al % base));
    flags_set(cpu, flags_szp(get_al(cpu), 1));
    return OPR_NEXT;
}

/* AAD imm8: AL = (AL + AH * imm) & FFh, AH = 0.
 * SF ZF PF from AL; OF AF CF undefined, cleared here. */
static int op_aad(CPU *cpu, const Insn *in)
{
    uint8_t base = in->nops ? (uint8_t)op_read(cpu, in, &in->op[0]) : 10;
    uint8_t al = (uint8_t)(get_al(cpu) + get_ah(cpu) * base);
    reg_write(cpu, R_EAX, 2, al);
    flags_set(cpu, flags_szp(al, 1));
    return OPR_NEXT;
}

void ops_register_bcd(void)
{
    ops_table[X86_INS_DAA] = op_daa;
    ops_table[X86_INS_DAS] = op_das;
    ops_table[X86_INS_AAA] = op_aaa;
    ops_table[X86_INS_AAS] = op_aas;
    ops_table[X86_INS_AAM] = op_aam;
    ops_table[X86_INS_AAD] = op_aad;
}
