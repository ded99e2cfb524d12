/* decode.h - guest instruction decoding with Capstone into Insn.
 *
 * Part of cpu/: both executors decode the same way (the C reference
 * semantics in cpu/ops_*.c and the translator), so decoding belongs to the
 * engine-neutral CPU, not to one engine. */
#ifndef XLAT86_DECODE_H
#define XLAT86_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "insn.h"

/* Decode one instruction from code[0..n) located at CS offset eip, in
 * 32-bit (code32) or 16-bit default size. Returns false if Capstone cannot
 * decode it (invalid opcode or not enough bytes); out->len is then the
 * number of bytes needed when known, else 0. */
bool decode_insn(const uint8_t *code, size_t n, uint32_t eip, bool code32, Insn *out);

/* decode_hint.c: the hint-NOP space 0F 18-0F 1F (prefetches, ENDBR32/64,
 * multi-byte NOPs, reserved NOPs) as one operand-less X86_INS_NOP. Returns
 * 1 if code holds such an instruction (out filled), 0 if it is another
 * opcode, -1 if it is one but truncated or longer than 15 bytes. */
int decode_hint_nop(const uint8_t *code, size_t n, uint32_t eip, bool code32, Insn *out);

/* Capstone handle for disassembly listings of guest code (16 or 32 bit) and
 * of host code (x86-64), with AT&T off (Intel syntax), detail off. */
size_t decode_disasm(int bits, const uint8_t *code, size_t n, uint64_t addr,
                     char *out, size_t outlen, int *insn_len);

#endif
