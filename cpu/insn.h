/* insn.h - one decoded guest instruction, as both executors see it.
 *
 * cpu/decode.c fills it from Capstone's detail (instruction id,
 * operands, prefixes); the C reference semantics (cpu/ops_*.c) execute it;
 * the translator's inline paths read it to emit host code. Capstone ids
 * (X86_INS_*) name the operation; operand and address sizes are the
 * effective ones for the mode the block was decoded in.
 */
#ifndef XLAT86_INSN_H
#define XLAT86_INSN_H

#include <stdint.h>

enum OperandKind {
    OPK_NONE = 0,
    OPK_REG,    /* general register: reg = 0..7, size 1 (AL..BH numbering), 2 or 4 */
    OPK_SREG,   /* segment register: reg = S_ES..S_GS */
    OPK_MEM,    /* memory: seg:[base + index*scale + disp], masked to addrsize */
    OPK_IMM,    /* immediate: imm (already sign- or zero-extended as the insn wants) */
    OPK_CREG,   /* control register CRn: reg = n */
    OPK_DREG,   /* debug register DRn: reg = n */
    OPK_FPREG,  /* x87 ST(i): reg = i */
};

#define REG_NONE 0xff

typedef struct Operand {
    uint8_t kind;
    uint8_t size;    /* bytes: 1, 2, 4, 6 (far pointer m16:32), 8, 10 ... */
    uint8_t reg;     /* OPK_REG/SREG/CREG/DREG/FPREG */
    uint8_t seg;     /* OPK_MEM: effective segment (override or default) */
    uint8_t base;    /* OPK_MEM: 0..7 or REG_NONE */
    uint8_t index;   /* OPK_MEM: 0..7 or REG_NONE */
    uint8_t scale;   /* OPK_MEM: 1, 2, 4, 8 */
    uint8_t pad;
    int32_t disp;    /* OPK_MEM displacement */
    uint32_t imm;    /* OPK_IMM value */
} Operand;

/* Insn.flags */
#define INSN_REP 0x01u      /* F3 prefix (REP / REPE) */
#define INSN_REPNE 0x02u    /* F2 prefix */
#define INSN_LOCK 0x04u
#define INSN_SEGOVR 0x08u   /* a segment override prefix is present */
#define INSN_OPSIZE 0x10u   /* 66 prefix present */
#define INSN_ADSIZE 0x20u   /* 67 prefix present */
#define INSN_NOINLINE 0x40u /* set by the translator: run through the C helper */

typedef struct Insn {
    uint16_t id;        /* Capstone x86_insn (X86_INS_*) */
    uint8_t len;        /* bytes */
    uint8_t nops;       /* explicit operands in op[] (Capstone's order: dest first) */
    uint8_t opsize;     /* effective operand size: 2 or 4 */
    uint8_t addrsize;   /* effective address size: 2 or 4 */
    uint8_t flags;      /* INSN_* */
    uint8_t segovr;     /* override segment or S_NONE */
    uint8_t opcode[4];  /* Capstone's opcode bytes (without prefixes) */
    uint8_t modrm;
    /* Translator: instructions of its block after the part it is in (the
     * part up to the next side exit or followed JMP, translator/cg_runtime.c). */
    uint8_t icount_tail;
    uint8_t pad[2];
    uint32_t eip;       /* offset of the instruction in CS */
    uint32_t next_eip;  /* offset of the following instruction (masked to 16 bits in 16-bit code) */
    uint32_t flags_read;    /* EFLAGS bits (F_*) the instruction reads */
    uint32_t flags_written; /* EFLAGS bits it writes or leaves undefined */
    Operand op[4];
    uint8_t raw[16];    /* the instruction's bytes, for listings */
} Insn;

#endif
