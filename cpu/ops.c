/* ops.c - the dispatch table of the C reference semantics and the helpers
 * every instruction family shares: operand access, effective addresses,
 * condition codes and the stack.
 */
#include "ops.h"

#include <capstone/capstone.h>

#include "flags.h"
#include "mem.h"

op_fn ops_table[OPS_TABLE_SIZE];

void ops_init(void)
{
    static bool done;
    if (done) return;
    done = true;
    ops_register_alu();
    ops_register_shift();
    ops_register_muldiv();
    ops_register_bcd();
    ops_register_bit();
    ops_register_xchg();
    ops_register_flagops();
    ops_register_mov();
    ops_register_stack();
    ops_register_branch();
    ops_register_string();
    ops_register_io();
    ops_register_system();
    ops_register_fpu();
}

/* SDM vol. 2, LOCK: the prefix is allowed only on ADD ADC AND BTC BTR BTS
 * CMPXCHG CMPXCHG8B DEC INC NEG NOT OR SBB SUB XOR XADD XCHG, and only when
 * the destination is memory; anything else raises #UD. */
static bool lock_allowed(const Insn *in)
{
    switch (in->id) {
    case X86_INS_ADD: case X86_INS_ADC: case X86_INS_AND: case X86_INS_BTC:
    case X86_INS_BTR: case X86_INS_BTS: case X86_INS_CMPXCHG: case X86_INS_CMPXCHG8B:
    case X86_INS_DEC: case X86_INS_INC: case X86_INS_NEG: case X86_INS_NOT:
    case X86_INS_OR: case X86_INS_SBB: case X86_INS_SUB: case X86_INS_XOR:
    case X86_INS_XADD: case X86_INS_XCHG:
        return in->nops >= 1 && (in->op[0].kind == OPK_MEM ||
                                 (in->id == X86_INS_XCHG && in->op[1].kind == OPK_MEM));
    default:
        return false;
    }
}

/* Read-modify-write instructions whose destination is op[0] in memory. */
static bool rmw_dest(unsigned id)
{
    switch (id) {
    case X86_INS_ADD: case X86_INS_ADC: case X86_INS_AND: case X86_INS_OR:
    case X86_INS_SBB: case X86_INS_SUB: case X86_INS_XOR: case X86_INS_INC:
    case X86_INS_DEC: case X86_INS_NEG: case X86_INS_NOT: case X86_INS_XADD:
    case X86_INS_XCHG: case X86_INS_CMPXCHG:
    case X86_INS_SHL: case X86_INS_SAL: case X86_INS_SHR: case X86_INS_SAR:
    case X86_INS_ROL: case X86_INS_ROR: case X86_INS_RCL: case X86_INS_RCR:
    case X86_INS_SHLD: case X86_INS_SHRD:
        return true;
    default:
        return false;
    }
}

int ops_exec(CPU *cpu, const Insn *in)
{
    if (in->id >= OPS_TABLE_SIZE || !ops_table[in->id]) cpu_raise(cpu, EXC_UD);
    if ((in->flags & INSN_LOCK) && !lock_allowed(in)) cpu_raise(cpu, EXC_UD);
    /* A read-modify-write destination is checked for writing before the
     * read, so a fault reports a write access (#GP on a read-only segment,
     * #PF with the W bit; SDM vol. 3, 4.7 and 5.4). */
    if (in->nops >= 1 && in->op[0].kind == OPK_MEM && in->op[0].size <= 4 && rmw_dest(in->id)) {
        const Operand *d = &in->op[0];
        uint32_t off = op_ea(cpu, in, d);
        cpu_check_seg(cpu, d->seg, off, d->size, true);
        if (cpu->cr[0] & CR0_PG) {
            uint32_t lin = cpu->seg[d->seg].base + off;
            lin_to_phys(cpu, lin, true);
            /* Crossing into a second page: its first byte is the address
             * a fault there reports in CR2 (as the split store does). */
            uint32_t last = lin + (uint32_t)d->size - 1;
            if ((last ^ lin) & 0xfffff000u) lin_to_phys(cpu, last & 0xfffff000u, true);
        }
    }
    return ops_table[in->id](cpu, in);
}

/* SDM vol. 2, 2.1.5: the effective address is base + index * scale + disp,
 * computed modulo 2^16 when the address size is 16 bits (the carry out of
 * bit 15 is lost, so [BX+SI] wraps inside the segment). */
uint32_t op_ea(const CPU *cpu, const Insn *in, const Operand *op)
{
    uint32_t ea = (uint32_t)op->disp;
    if (op->base != REG_NONE) ea += cpu->regs[op->base & 7];
    if (op->index != REG_NONE) ea += cpu->regs[op->index & 7] * op->scale;
    return in->addrsize == 2 ? (ea & 0xffffu) : ea;
}

uint32_t reg_read(const CPU *cpu, int r, int size)
{
    r &= 7;
    if (size == 1) return (cpu->regs[r & 3] >> ((r >> 2) * 8)) & 0xffu;
    if (size == 2) return cpu->regs[r] & 0xffffu;
    return cpu->regs[r];
}

void reg_write(CPU *cpu, int r, int size, uint32_t v)
{
    r &= 7;
    if (size == 1) {
        *cpu_reg8(cpu, r) = (uint8_t)v;
    } else if (size == 2) {
        cpu->regs[r] = (cpu->regs[r] & 0xffff0000u) | (v & 0xffffu);
    } else {
        cpu->regs[r] = v;
    }
}

uint32_t op_read(CPU *cpu, const Insn *in, const Operand *op)
{
    switch (op->kind) {
    case OPK_REG:
        return reg_read(cpu, op->reg, op->size);
    case OPK_SREG:
        return op->reg < 6 ? cpu->seg[op->reg].sel : 0;
    case OPK_MEM:
        return cpu_ld(cpu, op->seg, op_ea(cpu, in, op), op->size > 4 ? 4 : op->size);
    case OPK_IMM:
        return op->imm & size_mask(op->size >= 4 ? 4 : op->size ? op->size : 4);
    default:
        cpu_raise(cpu, EXC_UD);
    }
}

void op_write(CPU *cpu, const Insn *in, const Operand *op, uint32_t v)
{
    switch (op->kind) {
    case OPK_REG:
        reg_write(cpu, op->reg, op->size, v);
        return;
    case OPK_SREG:
        /* MOV to CS is #UD (SDM vol. 2, MOV); loading SS opens the
         * one-instruction interrupt shadow (SDM vol. 3, 6.8.3). */
        if (op->reg == S_CS || op->reg >= 6) cpu_raise(cpu, EXC_UD);
        cpu_load_seg(cpu, op->reg, (uint16_t)v);
        if (op->reg == S_SS) {
            cpu->inhibit_irq = true;
            cpu->inhibit_eip = in->next_eip;
            cpu->stop_block = true;
        }
        return;
    case OPK_MEM:
        cpu_st(cpu, op->seg, op_ea(cpu, in, op), v, op->size > 4 ? 4 : op->size);
        return;
    default:
        cpu_raise(cpu, EXC_UD);
    }
}

/* SDM vol. 2, Jcc: condition codes by the low nibble of the opcode. */
bool cond_eval(uint32_t f, int cc)
{
    bool r;
    switch ((cc >> 1) & 7) {
    case 0: r = f & F_OF; break;                                  /* O */
    case 1: r = f & F_CF; break;                                  /* B/C */
    case 2: r = f & F_ZF; break;                                  /* E/Z */
    case 3: r = f & (F_CF | F_ZF); break;                         /* BE */
    case 4: r = f & F_SF; break;                                  /* S */
    case 5: r = f & F_PF; break;                                  /* P */
    case 6: r = !(f & F_SF) != !(f & F_OF); break;                /* L: SF != OF */
    default: r = (f & F_ZF) || (!(f & F_SF) != !(f & F_OF)); break; /* LE */
    }
    return (cc & 1) ? !r : r;
}

int insn_cond(unsigned id)
{
    switch (id) {
    case X86_INS_JO: case X86_INS_SETO: case X86_INS_CMOVO: return 0;
    case X86_INS_JNO: case X86_INS_SETNO: case X86_INS_CMOVNO: return 1;
    case X86_INS_JB: case X86_INS_SETB: case X86_INS_CMOVB: return 2;
    case X86_INS_JAE: case X86_INS_SETAE: case X86_INS_CMOVAE: return 3;
    case X86_INS_JE: case X86_INS_SETE: case X86_INS_CMOVE: return 4;
    case X86_INS_JNE: case X86_INS_SETNE: case X86_INS_CMOVNE: return 5;
    case X86_INS_JBE: case X86_INS_SETBE: case X86_INS_CMOVBE: return 6;
    case X86_INS_JA: case X86_INS_SETA: case X86_INS_CMOVA: return 7;
    case X86_INS_JS: case X86_INS_SETS: case X86_INS_CMOVS: return 8;
    case X86_INS_JNS: case X86_INS_SETNS: case X86_INS_CMOVNS: return 9;
    case X86_INS_JP: case X86_INS_SETP: case X86_INS_CMOVP: return 10;
    case X86_INS_JNP: case X86_INS_SETNP: case X86_INS_CMOVNP: return 11;
    case X86_INS_JL: case X86_INS_SETL: case X86_INS_CMOVL: return 12;
    case X86_INS_JGE: case X86_INS_SETGE: case X86_INS_CMOVGE: return 13;
    case X86_INS_JLE: case X86_INS_SETLE: case X86_INS_CMOVLE: return 14;
    case X86_INS_JG: case X86_INS_SETG: case X86_INS_CMOVG: return 15;
    default: return -1;
    }
}

/* The stack pointer is SP or ESP by SS.B (SDM vol. 3, 3.4.5: the B flag of
 * a stack segment); with a 16-bit stack only SP changes and the address
 * wraps at 64 KiB. The store comes before the ESP update so a faulting push
 * leaves ESP as it was. */
void push_val(CPU *cpu, uint32_t v, int size)
{
    uint32_t esp = cpu->regs[R_ESP];
    if (cpu->seg[S_SS].flags & SEGF_DB) {
        esp -= (uint32_t)size;
        cpu_st(cpu, S_SS, esp, v, size);
        cpu->regs[R_ESP] = esp;
    } else {
        uint32_t sp = (esp - (uint32_t)size) & 0xffffu;
        cpu_st(cpu, S_SS, sp, v, size);
        cpu->regs[R_ESP] = (esp & 0xffff0000u) | sp;
    }
}

uint32_t pop_val(CPU *cpu, int size)
{
    uint32_t esp = cpu->regs[R_ESP];
    uint32_t v;
    if (cpu->seg[S_SS].flags & SEGF_DB) {
        v = cpu_ld(cpu, S_SS, esp, size);
        cpu->regs[R_ESP] = esp + (uint32_t)size;
    } else {
        v = cpu_ld(cpu, S_SS, esp & 0xffffu, size);
        cpu->regs[R_ESP] = (esp & 0xffff0000u) | ((esp + (uint32_t)size) & 0xffffu);
    }
    return v;
}
