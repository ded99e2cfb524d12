/* x64emit.h - a small x86-64 machine-code encoder for the translator.
 *
 * Only what the code generator needs: general ALU/MOV forms on registers and
 * [base + index*scale + disp32] memory, immediates, shifts, conditional and
 * unconditional branches with patchable rel32, flag transfer (LAHF/SAHF,
 * SETcc, PUSHFQ/POPFQ) and calls through memory. Encodings follow the
 * Intel SDM vol. 2 (ModR/M, SIB, REX). Every function appends to a CodeBuf
 * and never writes past its end (it sets overflow instead).
 */
#ifndef XLAT86_X64EMIT_H
#define XLAT86_X64EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { HRAX, HRCX, HRDX, HRBX, HRSP, HRBP, HRSI, HRDI,
       HR8, HR9, HR10, HR11, HR12, HR13, HR14, HR15, HNONE = -1 };

typedef struct CodeBuf {
    uint8_t *start, *p, *end;
    bool overflow;
} CodeBuf;

/* A host memory operand [base + index*scale + disp]. */
typedef struct HMem {
    int base;    /* host register or HNONE (absolute disp32) */
    int index;   /* host register or HNONE */
    int scale;   /* 1, 2, 4, 8 */
    int32_t disp;
} HMem;

/* An HMem can also name a host register (base == HDIRECT, index = the
 * register): every r/m encoder then emits the register form. The code
 * generator uses this for guest registers cached in host registers. */
#define HDIRECT (-2)
static inline HMem hdirect(int reg)
{
    HMem m = {HDIRECT, reg, 1, 0};
    return m;
}

static inline HMem hmem(int base, int32_t disp)
{
    HMem m = {base, HNONE, 1, disp};
    return m;
}

/* x86 ALU operation numbers (the /digit of opcodes 80-83 and the opcode
 * row of the 00-3F block). */
enum { ALU_ADD = 0, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };
/* Shift group 2 /digit. */
enum { SH_ROL = 0, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

void cb_init(CodeBuf *cb, uint8_t *mem, size_t size);
void cb_byte(CodeBuf *cb, uint8_t b);
void cb_u32(CodeBuf *cb, uint32_t v);
void cb_u64(CodeBuf *cb, uint64_t v);

/* Generic: [prefixes] opcode bytes, ModR/M with reg field `reg` and r/m a
 * register (rm_reg >= 0) or memory m. size selects 66h (2) or REX.W (8);
 * size 1 forces a REX prefix when a byte register SPL..DIL is named. */
void x_op_rm(CodeBuf *cb, int size, const uint8_t *opc, int nopc, int reg,
             int rm_reg, const HMem *m);

void x_mov_rr(CodeBuf *cb, int size, int dst, int src);
void x_mov_rm(CodeBuf *cb, int size, int dst, HMem m);          /* dst <- [m] */
void x_mov_mr(CodeBuf *cb, int size, HMem m, int src);          /* [m] <- src */
void x_mov_mi(CodeBuf *cb, int size, HMem m, uint32_t imm);     /* [m] <- imm (sign-extended for size 8) */
void x_mov_ri(CodeBuf *cb, int dst, uint32_t imm);              /* 32-bit, zero-extends */
void x_mov_ri64(CodeBuf *cb, int dst, uint64_t imm);
void x_movzx_rm(CodeBuf *cb, int dst, int srcsize, HMem m);     /* 32-bit dst */
void x_movsx_rm(CodeBuf *cb, int dst, int srcsize, HMem m);
void x_movzx_rr(CodeBuf *cb, int dst, int srcsize, int src);
void x_lea(CodeBuf *cb, int size, int dst, HMem m);
void x_alu_rr(CodeBuf *cb, int op, int size, int dst, int src);
void x_alu_mr(CodeBuf *cb, int op, int size, HMem m, int src);  /* [m] op= src */
void x_alu_rm(CodeBuf *cb, int op, int size, int dst, HMem m);  /* dst op= [m] */
void x_alu_ri(CodeBuf *cb, int op, int size, int dst, uint32_t imm);
void x_alu_mi(CodeBuf *cb, int op, int size, HMem m, uint32_t imm);
void x_test_rr(CodeBuf *cb, int size, int a, int b);
void x_test_mr(CodeBuf *cb, int size, HMem m, int r);
void x_test_mi(CodeBuf *cb, int size, HMem m, uint32_t imm);
void x_test_ri(CodeBuf *cb, int size, int r, uint32_t imm);
/* Group 3/4/5 unary: 2=NOT 3=NEG (F6/F7), 0=INC 1=DEC (FE/FF). */
void x_not_m(CodeBuf *cb, int size, HMem m);
void x_neg_m(CodeBuf *cb, int size, HMem m);
void x_inc_m(CodeBuf *cb, int size, HMem m);
/* inc qword [rip + disp32] at target; false (nothing emitted) when target
 * is out of rel32 reach of the code. */
bool x_inc64_rip(CodeBuf *cb, const void *target);
void x_dec_m(CodeBuf *cb, int size, HMem m);
void x_shift_mi(CodeBuf *cb, int op, int size, HMem m, uint8_t count);
void x_shift_ri(CodeBuf *cb, int op, int size, int r, uint8_t count);
void x_imul_rm(CodeBuf *cb, int size, int dst, HMem m);         /* dst *= [m] */
void x_xchg_mr(CodeBuf *cb, int size, HMem m, int r);

void x_setcc_m(CodeBuf *cb, int cc, HMem m);
void x_setcc_r(CodeBuf *cb, int cc, int r);
void x_cmov_rm(CodeBuf *cb, int cc, int size, int dst, HMem m);
void x_lahf(CodeBuf *cb);
void x_sahf(CodeBuf *cb);
void x_pushfq(CodeBuf *cb);
void x_popfq(CodeBuf *cb);
void x_push_r(CodeBuf *cb, int r);
void x_pop_r(CodeBuf *cb, int r);
void x_ret(CodeBuf *cb);
void x_call_m(CodeBuf *cb, HMem m);
void x_call_r(CodeBuf *cb, int r);
void x_jmp_r(CodeBuf *cb, int r);
void x_jmp_m(CodeBuf *cb, HMem m);
void x_bswap_r(CodeBuf *cb, int r);

/* Branches with a rel32 field; return the address of the rel32 field so it
 * can be patched with x_patch_rel32(). */
uint8_t *x_jmp_rel32(CodeBuf *cb, const uint8_t *target);
uint8_t *x_jcc_rel32(CodeBuf *cb, int cc, const uint8_t *target);
uint8_t *x_jcc_rel8(CodeBuf *cb, int cc);   /* forward, patch with x_patch_rel8 */
uint8_t *x_jmp_rel8(CodeBuf *cb);
void x_patch_rel32(uint8_t *field, const uint8_t *target);
void x_patch_rel8(uint8_t *field, const uint8_t *target);

#endif
