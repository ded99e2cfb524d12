/* ops.h - the C reference semantics of every guest instruction.
 *
 * One function per instruction (or per family sharing a body), looked up by
 * Capstone id. A helper is called with cpu->eip holding the offset of the
 * instruction itself and cpu->eflags canonical. It returns OPR_NEXT when
 * execution continues with the next instruction (the caller advances EIP),
 * or OPR_JUMP when it has set cpu->eip itself (taken branches, CALL/RET,
 * INT, REP iterations left, HLT) and the block must end. Exceptions leave
 * through cpu_raise() with cpu->eip still at the instruction.
 */
#ifndef XLAT86_OPS_H
#define XLAT86_OPS_H

#include "cpu.h"
#include "insn.h"

enum { OPR_NEXT = 0, OPR_JUMP = 1 };

typedef int (*op_fn)(CPU *cpu, const Insn *in);

/* The table, indexed by X86_INS_*; NULL entries raise #UD. */
extern op_fn ops_table[];
#define OPS_TABLE_SIZE 1600
void ops_init(void);
/* Execute one instruction by its reference semantics. */
int ops_exec(CPU *cpu, const Insn *in);

/* Registration from each family file (called by ops_init). */
void ops_register_alu(void);      /* ops_alu.c: ADD..CMP, INC/DEC, NEG/NOT, TEST */
void ops_register_shift(void);    /* ops_shift.c: SHL/SHR/SAR/ROL/ROR/RCL/RCR/SHLD/SHRD */
void ops_register_muldiv(void);   /* ops_muldiv.c: MUL/IMUL/DIV/IDIV */
void ops_register_bcd(void);      /* ops_bcd.c: DAA/DAS/AAA/AAS/AAM/AAD */
void ops_register_bit(void);      /* ops_bit.c: BT/BTS/BTR/BTC/BSF/BSR, SETcc, CMOVcc */
void ops_register_xchg(void);     /* ops_xchg.c: XCHG/XADD/CMPXCHG/CMPXCHG8B/BSWAP */
void ops_register_flagops(void);  /* ops_flagops.c: CBW.., LAHF/SAHF, CLC/STC/CMC/CLD/STD/SALC */
void ops_register_mov(void);      /* ops_mov.c: MOV/MOVZX/MOVSX/LEA/XLAT/LDS.. */
void ops_register_stack(void);    /* ops_stack.c: PUSH/POP/PUSHA/POPA/PUSHF/POPF/ENTER/LEAVE */
void ops_register_branch(void);   /* ops_branch.c: JMP/Jcc/CALL/RET/LOOP/JCXZ/INT/IRET/BOUND */
void ops_register_string(void);   /* ops_string.c: MOVS/CMPS/SCAS/LODS/STOS/INS/OUTS */
void ops_register_io(void);       /* ops_io.c: IN/OUT */
void ops_register_system(void);   /* ops_system.c: CLI/STI/HLT/CPUID/RDTSC/LGDT/MOV CRn.. */
void ops_register_fpu(void);      /* ops_fpu.c: x87 (ESC D8-DF) and WAIT/FWAIT */

/* Shared helpers for the families. */
/* Effective address of a memory operand (masked to the address size). */
uint32_t op_ea(const CPU *cpu, const Insn *in, const Operand *op);
/* Read/write an operand of kind REG, SREG, MEM or IMM at op->size. */
uint32_t op_read(CPU *cpu, const Insn *in, const Operand *op);
void op_write(CPU *cpu, const Insn *in, const Operand *op, uint32_t v);
/* Register access by size (1: x86 byte numbering, 2, 4). */
uint32_t reg_read(const CPU *cpu, int r, int size);
void reg_write(CPU *cpu, int r, int size, uint32_t v);
/* Condition code evaluation, cc = low nibble of the Jcc opcode (0=O .. F=G). */
bool cond_eval(uint32_t eflags, int cc);
/* Condition code of a Jcc/SETcc/CMOVcc instruction id, or -1. */
int insn_cond(unsigned id);
/* Stack push/pop by the current stack size (SS.B) and operand size. */
void push_val(CPU *cpu, uint32_t v, int size);
uint32_t pop_val(CPU *cpu, int size);

#endif
