/* ops_ctl.h - helpers shared by the control-transfer, stack and system
 * instruction families (ops_stack.c, ops_branch.c, ops_mov.c,
 * ops_system.c). Not part of the ops.h contract.
 */
#ifndef XLAT86_OPS_CTL_H
#define XLAT86_OPS_CTL_H

#include "ops.h"

/* Mask of the stack pointer by SS.B: 0xffff for a 16-bit stack. */
static inline uint32_t stack_mask(const CPU *cpu)
{
    return (cpu->seg[S_SS].flags & SEGF_DB) ? 0xffffffffu : 0xffffu;
}

/* Push v[0], v[1], ... (in that order) of `size` bytes. Every slot is
 * checked against SS before the first write, and ESP changes only after
 * all writes, so a fault leaves ESP unchanged. */
void stack_push_n(CPU *cpu, const uint32_t *v, int n, int size);
/* Read `size` bytes at SS:(ESP + off) without popping. */
uint32_t stack_peek(CPU *cpu, uint32_t off, int size);
/* ESP += delta within the stack pointer's width. */
void stack_adjust(CPU *cpu, uint32_t delta);

/* Near branch: #GP(0) if target lies beyond the CS limit (SDM vol. 2,
 * JMP/CALL/RET "Operation"), else EIP = target. */
void branch_near(CPU *cpu, uint32_t target);

/* MOV to/from CRn or DRn (ops_system.c); the MOV helper forwards here. */
int sys_mov_ctl(CPU *cpu, const Insn *in);
/* Write CR0 with the side effects (TLB flush, end of block on mode
 * change); raises #GP(0) on invalid combinations. */
void sys_write_cr0(CPU *cpu, uint32_t v);

/* The EFLAGS bits POPF may change at the current privilege (SDM vol. 2,
 * POPF); raises #GP(0) in virtual-8086 mode with IOPL < 3. */
uint32_t popf_mask(CPU *cpu, int opsize);

/* I/O permission (SDM vol. 1, 19.5): in protected mode with CPL > IOPL,
 * and in virtual-8086 mode, every port of the access must be clear in the
 * TSS I/O permission bitmap; otherwise #GP(0). */
void io_check(CPU *cpu, uint16_t port, int size);

/* RDMSR/WRMSR/RDPMC/SYSENTER/SYSEXIT (ops_msr.c), registered by
 * ops_register_system(). */
void ops_register_msr(void);

#endif
