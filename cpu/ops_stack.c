/* ops_stack.c - PUSH, POP, PUSHA/POPA, PUSHF/POPF, ENTER, LEAVE and the
 * stack helpers the other control families share.
 *
 * The stack width comes from SS.B (SP or ESP), the element size from the
 * operand size (SDM vol. 1, 6.2 and vol. 3, 3.4.5). Multi-slot operations
 * check or read everything before committing ESP, so a #SS/#GP/#PF leaves
 * ESP as it was before the instruction.
 */
#include <capstone/capstone.h>

#include "flags.h"
#include "mem.h"
#include "ops_ctl.h"

void stack_push_n(CPU *cpu, const uint32_t *v, int n, int size)
{
    uint32_t mask = stack_mask(cpu);
    uint32_t esp = cpu->regs[R_ESP];
    uint32_t p = esp;
    for (int i = 0; i < n; i++) {
        p = (p - (uint32_t)size) & mask;
        cpu_check_seg(cpu, S_SS, p, size, true);
    }
    p = esp;
    for (int i = 0; i < n; i++) {
        p = (p - (uint32_t)size) & mask;
        cpu_st(cpu, S_SS, p, v[i], size);
    }
    cpu->regs[R_ESP] = (esp & ~mask) | p;
}

uint32_t stack_peek(CPU *cpu, uint32_t off, int size)
{
    uint32_t mask = stack_mask(cpu);
    return cpu_ld(cpu, S_SS, (cpu->regs[R_ESP] + off) & mask, size);
}

void stack_adjust(CPU *cpu, uint32_t delta)
{
    uint32_t mask = stack_mask(cpu);
    uint32_t esp = cpu->regs[R_ESP];
    cpu->regs[R_ESP] = (esp & ~mask) | ((esp + delta) & mask);
}

/* PUSH: registers, segment registers (zero-extended to a 32-bit slot),
 * memory and sign-extended immediates. PUSH SP/ESP pushes the value before
 * the decrement (286 and later), which reading the operand first gives. */
static int op_push(CPU *cpu, const Insn *in)
{
    const Operand *o = &in->op[0];
    uint32_t v = o->kind == OPK_IMM ? o->imm : op_read(cpu, in, o);
    push_val(cpu, v, in->opsize);
    return OPR_NEXT;
}

/* POP: the value is read first; a memory destination addressed through ESP
 * uses the incremented ESP (SDM vol. 2, POP); ESP is committed only after
 * the destination was written, so a fault leaves it unchanged. POP SS opens
 * the interrupt shadow (SDM vol. 3, 6.8.3). */
static int op_pop(CPU *cpu, const Insn *in)
{
    const Operand *o = &in->op[0];
    int size = in->opsize;
    uint32_t v = stack_peek(cpu, 0, size);
    uint32_t old = cpu->regs[R_ESP];
    stack_adjust(cpu, (uint32_t)size);
    uint32_t new_esp = cpu->regs[R_ESP];
    switch (o->kind) {
    case OPK_REG:
        reg_write(cpu, o->reg, size, v);
        return OPR_NEXT;
    case OPK_MEM: {
        uint32_t ea = op_ea(cpu, in, o);
        cpu->regs[R_ESP] = old;
        cpu_st(cpu, o->seg, ea, v, size);
        cpu->regs[R_ESP] = new_esp;
        return OPR_NEXT;
    }
    case OPK_SREG:
        cpu->regs[R_ESP] = old;
        if (o->reg == S_CS || o->reg > S_GS) cpu_raise(cpu, EXC_UD);
        cpu_load_seg(cpu, o->reg, (uint16_t)v);
        cpu->regs[R_ESP] = new_esp;
        if (o->reg == S_SS) {
            cpu->inhibit_irq = true;
            cpu->inhibit_eip = in->next_eip;
            cpu->stop_block = true;
        }
        return OPR_NEXT;
    default:
        cpu->regs[R_ESP] = old;
        cpu_raise(cpu, EXC_UD);
    }
}

/* PUSHA/PUSHAD: EAX, ECX, EDX, EBX, the original ESP, EBP, ESI, EDI. */
static int op_pusha(CPU *cpu, const Insn *in)
{
    uint32_t v[8];
    for (int i = 0; i < 8; i++) v[i] = cpu->regs[i];
    stack_push_n(cpu, v, 8, in->opsize);
    return OPR_NEXT;
}

/* POPA/POPAD: the reverse order; the saved ESP slot is skipped. */
static int op_popa(CPU *cpu, const Insn *in)
{
    int size = in->opsize;
    uint32_t v[8];
    for (int i = 0; i < 8; i++) v[7 - i] = stack_peek(cpu, (uint32_t)(i * size), size);
    for (int i = 0; i < 8; i++)
        if (i != R_ESP) reg_write(cpu, i, size, v[i]);
    stack_adjust(cpu, (uint32_t)(8 * size));
    return OPR_NEXT;
}

/* PUSHF/PUSHFD: VM and RF read as 0 in the pushed image (SDM vol. 2,
 * PUSHF). In virtual-8086 mode with IOPL < 3 it is #GP(0) (no VME). */
static int op_pushf(CPU *cpu, const Insn *in)
{
    if ((cpu->eflags & F_VM) && (cpu->eflags & F_IOPL) != F_IOPL) cpu_raise_err(cpu, EXC_GP, 0);
    uint32_t v = cpu->eflags & ~(F_VM | F_RF);
    push_val(cpu, in->opsize == 2 ? (v & 0xffffu) : v, in->opsize);
    return OPR_NEXT;
}

uint32_t popf_mask(CPU *cpu, int opsize)
{
    uint32_t m = F_ARITH | F_TF | F_DF | F_NT | F_AC | F_ID;
    int iopl = (int)((cpu->eflags & F_IOPL) >> 12);
    if (cpu->eflags & F_VM) {
        if (iopl != 3) cpu_raise_err(cpu, EXC_GP, 0);
        m |= F_IF;
    } else {
        int cpl = cpu_cpl(cpu);
        if (cpl == 0) m |= F_IOPL;
        if (cpl <= iopl) m |= F_IF;
    }
    if (opsize == 2) m &= 0xffffu;
    return m;
}

/* POPF/POPFD (SDM vol. 2, POPF): VM, VIP, VIF never change; IOPL only at
 * CPL 0; IF only when CPL <= IOPL; RF is cleared. The block ends so that
 * an interrupt enabled here is taken before the next instruction. */
static int op_popf(CPU *cpu, const Insn *in)
{
    uint32_t m = popf_mask(cpu, in->opsize);
    uint32_t v = stack_peek(cpu, 0, in->opsize);
    stack_adjust(cpu, (uint32_t)in->opsize);
    cpu_set_eflags(cpu, v & ~F_RF, m | (in->opsize == 4 ? F_RF : 0));
    cpu->stop_block = true;
    return OPR_NEXT;
}

/* ENTER alloc, level (SDM vol. 2, ENTER): push (E)BP, copy level-1 frame
 * pointers from the enclosing frame, push the new frame pointer, then
 * allocate. StackSize (SS.B) decides SP or ESP for every stack address and
 * which part of (E)BP walks the enclosing frame; FrameTemp is the stack
 * pointer register after the first push, so with SS.B = 0 and a 32-bit
 * operand size EBP receives ESP's upper half and the new SP (Bochs; QEMU
 * agrees), and the frame-pointer slot holds that 32-bit value. All stores
 * go through a local stack pointer; ESP and EBP are committed at the end,
 * after the new stack top was checked for a write of one operand (#SS),
 * as Bochs does. */
static int op_enter(CPU *cpu, const Insn *in)
{
    int size = in->opsize;
    uint32_t alloc = in->op[0].imm & 0xffffu;
    unsigned level = in->op[1].imm & 31u;
    uint32_t mask = stack_mask(cpu);
    uint32_t esp = cpu->regs[R_ESP];
    uint32_t ebp = cpu->regs[R_EBP];
    uint32_t sp = (esp - (uint32_t)size) & mask;
    cpu_st(cpu, S_SS, sp, ebp, size);
    uint32_t frame = (esp & ~mask) | sp;
    if (level > 0) {
        uint32_t bp = ebp;
        for (unsigned i = 1; i < level; i++) {
            bp = (bp & ~mask) | ((bp - (uint32_t)size) & mask);
            uint32_t v = cpu_ld(cpu, S_SS, bp & mask, size);
            sp = (sp - (uint32_t)size) & mask;
            cpu_st(cpu, S_SS, sp, v, size);
        }
        sp = (sp - (uint32_t)size) & mask;
        cpu_st(cpu, S_SS, sp, frame, size);
    }
    sp = (sp - alloc) & mask;
    cpu_check_seg(cpu, S_SS, sp, size, true);
    reg_write(cpu, R_EBP, size, frame);
    cpu->regs[R_ESP] = (esp & ~mask) | sp;
    return OPR_NEXT;
}

/* LEAVE: (E)SP = (E)BP, then pop (E)BP. */
static int op_leave(CPU *cpu, const Insn *in)
{
    int size = in->opsize;
    uint32_t mask = stack_mask(cpu);
    uint32_t bp = cpu->regs[R_EBP] & mask;
    uint32_t v = cpu_ld(cpu, S_SS, bp, size);
    cpu->regs[R_ESP] = (cpu->regs[R_ESP] & ~mask) | ((bp + (uint32_t)size) & mask);
    reg_write(cpu, R_EBP, size, v);
    return OPR_NEXT;
}

void ops_register_stack(void)
{
    ops_table[X86_INS_PUSH] = op_push;
    ops_table[X86_INS_POP] = op_pop;
    ops_table[X86_INS_PUSHAW] = op_pusha;
    ops_table[X86_INS_PUSHAL] = op_pusha;
    ops_table[X86_INS_POPAW] = op_popa;
    ops_table[X86_INS_POPAL] = op_popa;
    ops_table[X86_INS_PUSHF] = op_pushf;
    ops_table[X86_INS_PUSHFD] = op_pushf;
    ops_table[X86_INS_POPF] = op_popf;
    ops_table[X86_INS_POPFD] = op_popf;
    ops_table[X86_INS_ENTER] = op_enter;
    ops_table[X86_INS_LEAVE] = op_leave;
}
