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

/* Run the x87 instruction `op` (D8..DF) with ModR/M `modrm` on the host
 * FPU loaded with the state `in`; the result state goes to `out` (in and
 * out may be the same). A memory form uses the 16-byte buffer `mem` as its
 * operand (read and/or written by the host instruction). *eflags supplies
 * CF/PF/ZF for FCMOVcc and receives the host's status flags after the
 * instruction (for FCOMI/FUCOMI): see ops_fpu_host.c for the exact rules.
 * The exception flags of `in` are not seen by the host (so nothing is
 * pending there): out->sw has the new flags ORed with the old ones, ES
 * and B are left clear for the caller to recompute (fpu_update_es).
 * Returns the exception flags (and SF) this instruction raised. */
unsigned fpu_host_run(const FPU *in, FPU *out, uint8_t op, uint8_t modrm, uint8_t *mem,
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
