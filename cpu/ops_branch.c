/* ops_branch.c - control transfers: JMP, Jcc, CALL, RET, far JMP/CALL/RET,
 * LOOP/LOOPE/LOOPNE, JCXZ/JECXZ, INT n/INT3/INTO/INT1, IRET, BOUND, UD2.
 *
 * Relative targets arrive as CS offsets already masked to the operand size
 * by the decoder. Taken branches set EIP and return OPR_JUMP. Far transfers
 * in protected mode go to code segments at the same privilege, through call
 * gates (to the same or, for CALL, a more privileged level with a stack
 * switch and parameter copying), or to another task (TSS descriptor or
 * task gate, cpu/task.c); RET/IRET also return to outer privilege levels,
 * IRET to virtual-8086 mode and, with NT set, to the previous task.
 */
#include <capstone/capstone.h>

#include "descriptors.h"
#include "flags.h"
#include "mem.h"
#include "ops_ctl.h"
#include "task.h"

void branch_near(CPU *cpu, uint32_t target)
{
    if (target > cpu->seg[S_CS].limit) cpu_raise_err(cpu, EXC_GP, 0);
    cpu->eip = target;
}

static uint32_t near_target(CPU *cpu, const Insn *in)
{
    const Operand *o = &in->op[0];
    uint32_t t = o->kind == OPK_IMM ? o->imm : op_read(cpu, in, o);
    return in->opsize == 2 ? (t & 0xffffu) : t;
}

static int op_jmp(CPU *cpu, const Insn *in)
{
    branch_near(cpu, near_target(cpu, in));
    return OPR_JUMP;
}

static int op_jcc(CPU *cpu, const Insn *in)
{
    if (!cond_eval(cpu->eflags, insn_cond(in->id))) return OPR_NEXT;
    branch_near(cpu, in->op[0].imm);
    return OPR_JUMP;
}

static int op_call(CPU *cpu, const Insn *in)
{
    uint32_t t = near_target(cpu, in);
    if (t > cpu->seg[S_CS].limit) cpu_raise_err(cpu, EXC_GP, 0);
    push_val(cpu, in->next_eip, in->opsize);
    cpu->eip = t;
    return OPR_JUMP;
}

static int op_ret(CPU *cpu, const Insn *in)
{
    uint32_t t = stack_peek(cpu, 0, in->opsize);
    branch_near(cpu, t);
    uint32_t imm = in->nops ? (in->op[0].imm & 0xffffu) : 0;
    stack_adjust(cpu, (uint32_t)in->opsize + imm);
    return OPR_JUMP;
}

/* The far pointer of LJMP/LCALL: ptr16:16/32 (Capstone gives selector,
 * offset) or m16:16/32 (offset first in memory). */
static void far_operand(CPU *cpu, const Insn *in, uint16_t *sel, uint32_t *off)
{
    if (in->nops == 2) {
        *sel = (uint16_t)in->op[0].imm;
        *off = in->op[1].imm;
    } else {
        const Operand *m = &in->op[0];
        if (m->kind != OPK_MEM) cpu_raise(cpu, EXC_UD);
        uint32_t ea = op_ea(cpu, in, m);
        uint32_t amask = in->addrsize == 2 ? 0xffffu : 0xffffffffu;
        *off = cpu_ld(cpu, m->seg, ea, in->opsize);
        *sel = cpu_ld16(cpu, m->seg, (ea + in->opsize) & amask);
    }
    if (in->opsize == 2) *off &= 0xffffu;
}

/* Load CS:EIP for a far JMP/CALL after the checks, without side effects
 * before the last check. */
static void far_check(CPU *cpu, uint16_t sel, uint32_t off, Desc *d)
{
    if (cpu_pe(cpu) && !(cpu->eflags & F_VM)) {
        desc_check_code_xfer(cpu, sel, d);
        if (off > desc_limit(d)) cpu_raise_err(cpu, EXC_GP, 0);
    } else if (off > cpu->seg[S_CS].limit) {
        cpu_raise_err(cpu, EXC_GP, 0);
    }
}

static void far_load(CPU *cpu, uint16_t sel, uint32_t off, Desc *d)
{
    if (cpu_pe(cpu) && !(cpu->eflags & F_VM)) {
        sel = (uint16_t)((sel & 0xfffcu) | (unsigned)cpu_cpl(cpu));
        desc_set_accessed(cpu, sel, d);
        seg_from_desc(cpu, &cpu->seg[S_CS], sel, d);
    } else {
        cpu_load_seg(cpu, S_CS, sel);
    }
    cpu->eip = off;
    cpu->stop_block = true;
}

/* CALL through a call gate to a more privileged non-conforming segment
 * (SDM vol. 2, CALL "MORE-PRIVILEGE"): the inner stack comes from the TSS,
 * the caller's SS:ESP and `count` parameters (gate-sized) are copied to
 * it, then CS:EIP. Everything is read and checked before the first
 * store. */
static void call_gate_inner(CPU *cpu, const Insn *in, uint16_t csel, Desc *cd, uint32_t off,
                            bool g32, unsigned count)
{
    int dpl = (int)desc_dpl(cd);
    int size = g32 ? 4 : 2;
    uint16_t ss_sel;
    uint32_t sp;
    Desc sd;
    tss_inner_stack(cpu, dpl, &ss_sel, &sp, 0);
    /* Null, out of the table, RPL/DPL != new CPL, not writable data:
     * #TS(SS); not present: #SS(SS). */
    if ((ss_sel & 0xfffcu) == 0) cpu_raise_err(cpu, EXC_TS, 0);
    desc_check_ss(cpu, ss_sel, dpl, &sd, EXC_TS);
    Seg newss;
    seg_from_desc(cpu, &newss, ss_sel, &sd);
    /* 16-bit inner stack: SP from the TSS, ESP's upper half kept (as in
     * cpu_interrupt; resolved.md S9). */
    if (!(newss.flags & SEGF_DB)) sp = (cpu->regs[R_ESP] & 0xffff0000u) | (sp & 0xffffu);
    uint32_t v[36];
    int n = 0;
    v[n++] = cpu->seg[S_SS].sel;
    v[n++] = cpu->regs[R_ESP];
    for (unsigned i = count; i-- > 0;) v[n++] = stack_peek(cpu, i * (uint32_t)size, size);
    v[n++] = cpu->seg[S_CS].sel;
    v[n++] = in->next_eip;
    if (size == 2)
        for (int i = 0; i < n; i++) v[i] &= 0xffffu;
    if (off > desc_limit(cd)) cpu_raise_err(cpu, EXC_GP, 0);
    sp = seg_push_list(cpu, &newss, sp, v, n, size, EXC_SS, ss_sel & 0xfffcu);
    /* Commit. */
    desc_set_accessed(cpu, ss_sel, &sd);
    cpu->seg[S_SS] = newss;
        cpu_seg_update_fast(cpu, &cpu->seg[S_SS]);
    cpu->seg[S_SS].sel = ss_sel;
    cpu->regs[R_ESP] = sp;
    uint16_t cs = (uint16_t)((csel & 0xfffcu) | (unsigned)dpl);
    desc_set_accessed(cpu, cs, cd);
    seg_from_desc(cpu, &cpu->seg[S_CS], cs, cd);
    cpu->eip = off;
    cpu->stop_block = true;
}

/* Far JMP/CALL to a system descriptor in protected mode (SDM vol. 2, JMP
 * and CALL "Operation"): a call gate (type 4: 16-bit, 12: 32-bit), a task
 * gate (5) or an available TSS (1, 9). The gate's or TSS's DPL must be
 * >= CPL and >= RPL. */
static void far_system(CPU *cpu, const Insn *in, uint16_t sel, Desc *g, bool call)
{
    int cpl = cpu_cpl(cpu);
    unsigned type = desc_type(g);
    uint32_t gerr = sel & 0xfffcu;
    if (type != 1 && type != 4 && type != 5 && type != 9 && type != 12)
        cpu_raise_err(cpu, EXC_GP, gerr);   /* LDT, busy TSS, interrupt/trap gates */
    if ((int)desc_dpl(g) < cpl || (int)desc_dpl(g) < (int)(sel & 3)) cpu_raise_err(cpu, EXC_GP, gerr);
    if (!desc_p(g)) cpu_raise_err(cpu, EXC_NP, gerr);
    int reason = call ? TS_CALL : TS_JMP;
    if (type == 1 || type == 9) {
        task_switch(cpu, sel, reason, in->next_eip, false, 0, 0);
        return;
    }
    if (type == 5) {
        uint16_t tss = (uint16_t)(g->lo >> 16);
        if (tss & 4) cpu_raise_err(cpu, EXC_GP, tss & 0xfffcu);
        task_switch(cpu, tss, reason, in->next_eip, false, 0, 0);
        return;
    }
    /* Call gate: target code segment checks. */
    bool g32 = type == 12;
    uint16_t csel = (uint16_t)(g->lo >> 16);
    uint32_t off = (g->lo & 0xffffu) | (g32 ? (g->hi & 0xffff0000u) : 0);
    uint32_t cerr = csel & 0xfffcu;
    Desc cd;
    if ((csel & 0xfffcu) == 0) cpu_raise_err(cpu, EXC_GP, 0);
    if (!desc_fetch(cpu, csel, &cd)) cpu_raise_err(cpu, EXC_GP, cerr);
    if (!desc_code(&cd) || (int)desc_dpl(&cd) > cpl) cpu_raise_err(cpu, EXC_GP, cerr);
    bool conforming = desc_conforming(&cd);
    if (!call && !conforming && (int)desc_dpl(&cd) != cpl) cpu_raise_err(cpu, EXC_GP, cerr);
    if (!desc_p(&cd)) cpu_raise_err(cpu, EXC_NP, cerr);
    if (call && !conforming && (int)desc_dpl(&cd) < cpl) {
        call_gate_inner(cpu, in, csel, &cd, off, g32, g->hi & 0x1fu);
        return;
    }
    /* Same privilege: CS:EIP pushed in the gate's size. */
    if (off > desc_limit(&cd)) cpu_raise_err(cpu, EXC_GP, 0);
    if (call) {
        uint32_t v[2] = {cpu->seg[S_CS].sel, in->next_eip};
        stack_push_n(cpu, v, 2, g32 ? 4 : 2);
    }
    uint16_t cs = (uint16_t)((csel & 0xfffcu) | (unsigned)cpl);
    desc_set_accessed(cpu, cs, &cd);
    seg_from_desc(cpu, &cpu->seg[S_CS], cs, &cd);
    cpu->eip = off;
    cpu->stop_block = true;
}

/* A far JMP/CALL in protected mode whose selector names a system
 * descriptor; false when it names a segment (the caller goes on). */
static bool far_to_system(CPU *cpu, const Insn *in, uint16_t sel, bool call)
{
    if (!cpu_pe(cpu) || (cpu->eflags & F_VM) || (sel & 0xfffcu) == 0) return false;
    Desc d;
    if (!desc_fetch(cpu, sel, &d)) cpu_raise_err(cpu, EXC_GP, sel & 0xfffcu);
    if (desc_s(&d)) return false;
    far_system(cpu, in, sel, &d, call);
    return true;
}

static int op_ljmp(CPU *cpu, const Insn *in)
{
    uint16_t sel;
    uint32_t off;
    Desc d;
    far_operand(cpu, in, &sel, &off);
    if (far_to_system(cpu, in, sel, false)) return OPR_JUMP;
    far_check(cpu, sel, off, &d);
    far_load(cpu, sel, off, &d);
    return OPR_JUMP;
}

static int op_lcall(CPU *cpu, const Insn *in)
{
    uint16_t sel;
    uint32_t off;
    Desc d;
    far_operand(cpu, in, &sel, &off);
    if (far_to_system(cpu, in, sel, true)) return OPR_JUMP;
    far_check(cpu, sel, off, &d);
    uint32_t v[2] = {cpu->seg[S_CS].sel, in->next_eip};
    stack_push_n(cpu, v, 2, in->opsize);
    far_load(cpu, sel, off, &d);
    return OPR_JUMP;
}

/* Protected-mode return to CS:EIP at privilege sel.RPL; for an outer level
 * the stack pointer follows at `ss_at` bytes above ESP (SDM vol. 2, RET
 * and IRET "RETURN-TO-OUTER-PRIVILEGE-LEVEL"). */
static void pm_return(CPU *cpu, uint16_t sel, uint32_t off, int size, uint32_t ss_at,
                      uint32_t imm)
{
    Desc cd;
    desc_check_code_ret(cpu, sel, &cd);
    int rpl = sel & 3;
    int cpl = cpu_cpl(cpu);
    if (size == 2) off &= 0xffffu;
    if (rpl == cpl) {
        if (off > desc_limit(&cd)) cpu_raise_err(cpu, EXC_GP, 0);
        desc_set_accessed(cpu, sel, &cd);
        seg_from_desc(cpu, &cpu->seg[S_CS], sel, &cd);
        stack_adjust(cpu, ss_at + imm);
    } else {
        uint32_t esp = stack_peek(cpu, ss_at + imm, size);
        uint16_t ss = (uint16_t)stack_peek(cpu, ss_at + imm + (uint32_t)size, 2);
        Desc sd;
        desc_check_ss(cpu, ss, rpl, &sd, EXC_GP);
        if (off > desc_limit(&cd)) cpu_raise_err(cpu, EXC_GP, 0);
        desc_set_accessed(cpu, sel, &cd);
        desc_set_accessed(cpu, ss, &sd);
        seg_from_desc(cpu, &cpu->seg[S_CS], sel, &cd);
        seg_from_desc(cpu, &cpu->seg[S_SS], ss, &sd);
        if (size == 2) esp &= 0xffffu;
        /* A 16-bit outer stack (SS.B = 0) has SP as its stack pointer (SDM
         * vol. 3, 3.4.5): only SP is loaded and ESP's upper half stays (the
         * hardware behaviour Linux's espfix works around; QEMU and Bochs
         * agree; tests/oracle resolved.md S9). */
        if (sd.hi & (1u << 22)) cpu->regs[R_ESP] = esp;
        else cpu->regs[R_ESP] = (cpu->regs[R_ESP] & 0xffff0000u) | (esp & 0xffffu);
        stack_adjust(cpu, imm);
        seg_null_invalid(cpu, rpl);
    }
    cpu->eip = off;
    cpu->stop_block = true;
}

static int op_retf(CPU *cpu, const Insn *in)
{
    int size = in->opsize;
    uint32_t imm = in->nops ? (in->op[0].imm & 0xffffu) : 0;
    uint32_t off = stack_peek(cpu, 0, size);
    uint16_t sel = (uint16_t)stack_peek(cpu, (uint32_t)size, 2);
    if (cpu_pe(cpu) && !(cpu->eflags & F_VM)) {
        pm_return(cpu, sel, off, size, 2u * (uint32_t)size, imm);
        return OPR_JUMP;
    }
    if (size == 2) off &= 0xffffu;
    if (off > cpu->seg[S_CS].limit) cpu_raise_err(cpu, EXC_GP, 0);
    cpu_load_seg(cpu, S_CS, sel);
    cpu->eip = off;
    stack_adjust(cpu, 2u * (uint32_t)size + imm);
    cpu->stop_block = true;
    return OPR_JUMP;
}

/* IRET (SDM vol. 2, IRET). Real mode: pop IP, CS, FLAGS (32-bit: VM, VIF,
 * VIP kept). Virtual-8086 mode: needs IOPL 3 and keeps VM and IOPL. Protected
 * mode: same or outer privilege, or back to virtual-8086 from CPL 0. */
static int op_iret(CPU *cpu, const Insn *in)
{
    int size = in->opsize;
    /* IRET ends the blocking of NMIs that began with an NMI's delivery
     * (SDM vol. 3, 6.7.1). */
    cpu->nmi_blocked = false;
    cpu->stop_block = true;
    /* NT set in protected mode: return to the task named by the back link
     * of the current TSS, without touching the stack (SDM vol. 3, 7.3 and
     * vol. 2 IRET "TASK-RETURN"); the link must be a GDT selector, else
     * #TS(link). */
    if (cpu_pe(cpu) && !(cpu->eflags & F_VM) && (cpu->eflags & F_NT)) {
        uint16_t link = (uint16_t)lin_ld(cpu, cpu->tr.base, 2);
        if (link & 4) cpu_raise_err(cpu, EXC_TS, link & 0xfffcu);
        task_switch(cpu, link, TS_IRET, in->next_eip, false, 0, 0);
        return OPR_JUMP;
    }
    uint32_t off = stack_peek(cpu, 0, size);
    uint16_t sel = (uint16_t)stack_peek(cpu, (uint32_t)size, 2);
    uint32_t fl = stack_peek(cpu, 2u * (uint32_t)size, size);
    uint32_t m16 = size == 2 ? 0xffffu : 0xffffffffu;
    if (!cpu_pe(cpu)) {
        off &= m16;
        if (off > cpu->seg[S_CS].limit) cpu_raise_err(cpu, EXC_GP, 0);
        cpu_load_seg(cpu, S_CS, sel);
        cpu->eip = off;
        stack_adjust(cpu, 3u * (uint32_t)size);
        uint32_t m = (F_ARITH | F_TF | F_IF | F_DF | F_IOPL | F_NT | F_RF | F_AC | F_ID) & m16;
        cpu_set_eflags(cpu, fl, m);
        return OPR_JUMP;
    }
    if (cpu->eflags & F_VM) {
        if ((cpu->eflags & F_IOPL) != F_IOPL) cpu_raise_err(cpu, EXC_GP, 0);
        off &= m16;
        if (off > cpu->seg[S_CS].limit) cpu_raise_err(cpu, EXC_GP, 0);
        cpu_load_seg(cpu, S_CS, sel);
        cpu->eip = off;
        stack_adjust(cpu, 3u * (uint32_t)size);
        uint32_t m = (F_ARITH | F_TF | F_IF | F_DF | F_NT | F_RF | F_AC | F_ID) & m16;
        cpu_set_eflags(cpu, fl, m);
        return OPR_JUMP;
    }
    int cpl = cpu_cpl(cpu);
    if (size == 4 && (fl & F_VM) && cpl == 0) {
        /* Return to virtual-8086 mode: EIP, CS, EFLAGS, ESP, SS, ES, DS,
         * FS, GS, all 32-bit slots. */
        uint32_t v[6];
        for (int i = 0; i < 6; i++) v[i] = stack_peek(cpu, 12u + 4u * (uint32_t)i, 4);
        cpu_set_eflags(cpu, fl, 0x003f7fd5u); /* all flags incl. VM, VIF, VIP */
        static const int order[5] = {S_SS, S_ES, S_DS, S_FS, S_GS};
        for (int i = 0; i < 5; i++) cpu_load_seg(cpu, order[i], (uint16_t)v[i + 1]);
        cpu_load_seg(cpu, S_CS, sel);
        cpu->regs[R_ESP] = v[0];
        cpu->eip = off & 0xffffu;
        return OPR_JUMP;
    }
    int iopl = (int)((cpu->eflags & F_IOPL) >> 12);
    uint32_t m = F_ARITH | F_TF | F_DF | F_NT;
    if (size == 4) m |= F_RF | F_AC | F_ID | F_VIF | F_VIP;
    if (cpl <= iopl) m |= F_IF;
    if (cpl == 0) m |= F_IOPL;
    pm_return(cpu, sel, off, size, 3u * (uint32_t)size, 0);
    cpu_set_eflags(cpu, fl, m & m16);
    return OPR_JUMP;
}

/* LOOP/LOOPE/LOOPNE: the count is CX or ECX by the address size. */
static int op_loop(CPU *cpu, const Insn *in)
{
    uint32_t mask = in->addrsize == 2 ? 0xffffu : 0xffffffffu;
    uint32_t c = (cpu->regs[R_ECX] - 1) & mask;
    bool take = c != 0;
    if (in->id == X86_INS_LOOPE) take = take && (cpu->eflags & F_ZF);
    if (in->id == X86_INS_LOOPNE) take = take && !(cpu->eflags & F_ZF);
    if (take) branch_near(cpu, in->op[0].imm);
    cpu->regs[R_ECX] = (cpu->regs[R_ECX] & ~mask) | c;
    return take ? OPR_JUMP : OPR_NEXT;
}

static int op_jcxz(CPU *cpu, const Insn *in)
{
    uint32_t mask = in->addrsize == 2 ? 0xffffu : 0xffffffffu;
    if (cpu->regs[R_ECX] & mask) return OPR_NEXT;
    branch_near(cpu, in->op[0].imm);
    return OPR_JUMP;
}

/* Software interrupts are traps: the pushed EIP is the next instruction.
 * INT n in virtual-8086 mode with IOPL < 3 is #GP(0) (SDM vol. 3, 20.2.7). */
static int soft_int(CPU *cpu, const Insn *in, int vector, bool software)
{
    cpu_interrupt(cpu, vector, in->next_eip, false, 0, software);
    return OPR_JUMP;
}

static int op_int(CPU *cpu, const Insn *in)
{
    if ((cpu->eflags & F_VM) && (cpu->eflags & F_IOPL) != F_IOPL) cpu_raise_err(cpu, EXC_GP, 0);
    return soft_int(cpu, in, (int)(in->op[0].imm & 0xffu), true);
}

static int op_int3(CPU *cpu, const Insn *in) { return soft_int(cpu, in, EXC_BP, true); }

/* INT1 (ICEBP, F1) delivers #DB like a hardware event: no gate DPL check. */
static int op_int1(CPU *cpu, const Insn *in) { return soft_int(cpu, in, EXC_DB, false); }

static int op_into(CPU *cpu, const Insn *in)
{
    if (!(cpu->eflags & F_OF)) return OPR_NEXT;
    return soft_int(cpu, in, EXC_OF, true);
}

/* BOUND r, m: #BR unless lower <= r <= upper (signed, operand size). */
static int op_bound(CPU *cpu, const Insn *in)
{
    const Operand *m = &in->op[1];
    if (m->kind != OPK_MEM) cpu_raise(cpu, EXC_UD);
    int size = in->opsize;
    uint32_t ea = op_ea(cpu, in, m);
    uint32_t amask = in->addrsize == 2 ? 0xffffu : 0xffffffffu;
    int32_t lo = (int32_t)sext(cpu_ld(cpu, m->seg, ea, size), size);
    int32_t hi = (int32_t)sext(cpu_ld(cpu, m->seg, (ea + (uint32_t)size) & amask, size), size);
    int32_t v = (int32_t)sext(reg_read(cpu, in->op[0].reg, size), size);
    if (v < lo || v > hi) cpu_raise(cpu, EXC_BR);
    return OPR_NEXT;
}

static int op_ud(CPU *cpu, const Insn *in)
{
    (void)in;
    cpu_raise(cpu, EXC_UD);
}

void ops_register_branch(void)
{
    static const unsigned jcc[] = {
        X86_INS_JO, X86_INS_JNO, X86_INS_JB, X86_INS_JAE, X86_INS_JE, X86_INS_JNE,
        X86_INS_JBE, X86_INS_JA, X86_INS_JS, X86_INS_JNS, X86_INS_JP, X86_INS_JNP,
        X86_INS_JL, X86_INS_JGE, X86_INS_JLE, X86_INS_JG,
    };
    for (unsigned i = 0; i < sizeof jcc / sizeof jcc[0]; i++) ops_table[jcc[i]] = op_jcc;
    ops_table[X86_INS_JMP] = op_jmp;
    ops_table[X86_INS_CALL] = op_call;
    ops_table[X86_INS_RET] = op_ret;
    ops_table[X86_INS_LJMP] = op_ljmp;
    ops_table[X86_INS_LCALL] = op_lcall;
    ops_table[X86_INS_RETF] = op_retf;
    ops_table[X86_INS_IRET] = op_iret;
    ops_table[X86_INS_IRETD] = op_iret;
    ops_table[X86_INS_LOOP] = op_loop;
    ops_table[X86_INS_LOOPE] = op_loop;
    ops_table[X86_INS_LOOPNE] = op_loop;
    ops_table[X86_INS_JCXZ] = op_jcxz;
    ops_table[X86_INS_JECXZ] = op_jcxz;
    ops_table[X86_INS_INT] = op_int;
    ops_table[X86_INS_INT3] = op_int3;
    ops_table[X86_INS_INT1] = op_int1;
    ops_table[X86_INS_INTO] = op_into;
    ops_table[X86_INS_BOUND] = op_bound;
    ops_table[X86_INS_UD2] = op_ud;
    ops_table[X86_INS_UD2B] = op_ud;
    ops_table[X86_INS_UD0] = op_ud;
}
