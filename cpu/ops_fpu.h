/* ops_fpu.h - internals shared by the x87 files (cpu/ops_fpu*.c).
 *
 * ops_fpu.c       dispatch by opcode/ModR/M, #NM/#MF, pointer registers,
 *                 memory operands, the instructions the host runs
 * ops_fpu_host.c  the host-x87 execution stubs
 * ops_fpu_ctl.c   control instructions done in C: FNINIT FNCLEX FLDCW
 *                 FNSTCW FNSTSW FNSTENV FLDENV FNSAVE FRSTOR, fpu_reset
 */
#ifndef XLAT86_OPS_FPU_H
#define XLAT86_OPS_FPU_H

#include "cpu.h"
#include "insn.h"

/* The memory operand of a host-run x87 instruction. The stubs run the
 * guest's opcode and ModR/M reg field as is against [RSI], so the buffer
 * must hold the largest operand any x87 memory form has, not only the ones
 * the dispatch in ops_fpu.c sends to the host today: the 108-byte
 * FNSAVE/FRSTOR image (32-bit format, SDM vol. 1, 8.1.10; 94 bytes in the
 * 16-bit format). FNSTENV/FLDENV take 28, data forms 2..10. Taking this
 * type (not a bare pointer) makes every caller's buffer big enough by
 * construction; fpu_host_mem_bytes() says how much of it a form touches. */
#define FPU_HOST_MEM_MAX 108
typedef struct FPUHostMem {
    uint8_t b[FPU_HOST_MEM_MAX];
} FPUHostMem;

/* Bytes the memory form `op` (D8..DF) with ModR/M reg field `reg` reads or
 * writes at its operand when the host runs it (64-bit mode, no prefixes:
 * 32-bit environment/state formats); 0 for reserved encodings. Never more
 * than FPU_HOST_MEM_MAX (checked at compile time). */
int fpu_host_mem_bytes(uint8_t op, int reg);

/* Run the x87 instruction `op` (D8..DF) with ModR/M `modrm` on the host
 * FPU loaded with the state `in`; the result state goes to `out` (in and
 * out may be the same). A memory form uses `mem` as its operand (read
 * and/or written by the host instruction; NULL for register forms).
 * *eflags supplies CF/PF/ZF for FCMOVcc and receives the host's status
 * flags after the instruction (for FCOMI/FUCOMI): see ops_fpu_host.c for
 * the exact rules. The exception flags of `in` are not seen by the host
 * (so nothing is pending there): out->sw has the new flags ORed with the
 * old ones, ES and B are left clear for the caller to recompute
 * (fpu_update_es). Returns the exception flags (and SF) this instruction
 * raised. */
unsigned fpu_host_run(const FPU *in, FPU *out, uint8_t op, uint8_t modrm, FPUHostMem *mem,
                      uint32_t *eflags);

/* Recompute ES and B from the flags and masks (SDM vol. 1, 8.1.3.7: ES is
 * set while any unmasked exception flag is set) and lower FERR# when
 * nothing is pending any more. */
void fpu_update_es(FPU *f);
/* Drive the FERR# hook (only on changes). */
void fpu_set_ferr(FPU *f, bool level);

/* Guest memory for multi-byte operands: the whole range is checked (segment
 * limit, then every page it touches) before the first byte moves, so a
 * fault leaves memory and the FPU untouched. */
void fpu_mem_read(CPU *cpu, int seg, uint32_t off, uint8_t *buf, int n, int addrsize);
void fpu_mem_write(CPU *cpu, int seg, uint32_t off, const uint8_t *buf, int n,
                   int addrsize);

/* The memory operand of an x87 instruction (NULL for register forms). */
const Operand *fpu_mem_operand(const Insn *in);

/* Control instructions implemented in C (ops_fpu_ctl.c). Each returns
 * true when it handled (op, modrm). */
bool fpu_control(CPU *cpu, const Insn *in, uint8_t op, uint8_t modrm);

#endif
