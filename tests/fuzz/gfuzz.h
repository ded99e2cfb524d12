/* gfuzz.h - the guest-code fuzzer (tests/fuzz/gfuzz_*.c): shared types.
 *
 * One case is a random code stream with random registers, flags and data
 * in one of the CPU modes below. It runs on two translator engines in the
 * same process, one with inline code and one with inline=off (every
 * instruction through its C reference helper), each on its own board. The
 * end states (CPUState, all of RAM) must agree exactly; a difference
 * confined to status flags that the instruction which produced them leaves
 * undefined (the diff tester's SDM table, tests/diff/undef.c) is found by
 * re-running the case in lock step and is not a mismatch.
 *
 * Physical memory (identity-mapped by the page tables under paging):
 *   0x00000 real-mode IVT (vector v -> 0300:v)
 *   0x01000 GDT, 0x02000 IDT (256 32-bit interrupt gates, DPL 3, -> 08:STUBS+v)
 *   0x03000 HLT stubs, so the halted EIP names the vector; 0x03400 TSS
 *   0x04000 page directory, 0x05000 page table (some pages read-only,
 *           supervisor-only, not present: GF_PG_*)
 *   0x10000 code, 0x20000 data, 0x30000 stack (random contents per case)
 *   0x38000 ring-0 stack top (TSS.ESP0)
 * Every other byte of RAM is HLT (F4), so a wild jump stops.
 */
#ifndef XLAT86_GFUZZ_H
#define XLAT86_GFUZZ_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/state.h"

#define GF_RAM_MIB 2u
#define GF_IVT 0x0000u
#define GF_GDT 0x1000u
#define GF_IDT 0x2000u
#define GF_STUBS 0x3000u
#define GF_TSS 0x3400u
#define GF_PD 0x4000u
#define GF_PT 0x5000u
#define GF_CODE 0x10000u
#define GF_DATA 0x20000u
#define GF_STACK 0x30000u
#define GF_KSTACK 0x38000u
#define GF_PG_RO 0x2e000u       /* read-only page */
#define GF_PG_SUP 0x2d000u      /* supervisor-only page */
#define GF_PG_NP 0x2f000u       /* not-present page */
#define GF_CODE_MAX 64
#define GF_TSC0 0x100000000ull  /* the time-stamp counter at the start of every case */

/* GDT selectors (gfuzz_sys.c). */
#define GS_CODE32 0x08
#define GS_DATA32 0x10
#define GS_UCODE32 0x1b
#define GS_UDATA32 0x23
#define GS_TSS 0x28
#define GS_CODE16 0x30
#define GS_DATA16 0x38
#define GS_STACK16 0x40
#define GS_UCODE16 0x4b
#define GS_UDATA16 0x53
#define GS_USTACK16 0x5b
#define GS_EXPDOWN 0x60

enum GfMode {
    GM_REAL, GM_PM16, GM_PM32, GM_PM32_PG, GM_PM16_CPL3, GM_PM32_CPL3, GM_PM32_CPL3_PG,
    GM_V86, GM_V86_PG, GM_N
};
extern const char *const gf_mode_name[GM_N];

typedef struct GfCase {
    uint64_t seed, index;
    int mode;
    int style;                  /* 0 raw bytes, 1 decodable instructions */
    uint8_t code[GF_CODE_MAX];
    int len;
    CPUState st;                /* the initial CPU state */
    uint8_t data[4096];         /* GF_DATA */
    uint8_t stack[4096];        /* GF_STACK */
} GfCase;

/* gfuzz_sys.c: the system tables (in a RAM template of GF_RAM_MIB MiB) and
 * the initial CPUState of a mode on top of the engine's reset state. */
void gf_sys_template(uint8_t *ram);
void gf_sys_state(CPUState *st, const CPUState *reset, int mode);
bool gf_mode_16bit(int mode);

/* gfuzz_gen.c: case (seed, index); mode < 0 picks index % GM_N. */
void gf_gen(GfCase *c, const CPUState *reset, uint64_t seed, uint64_t index, int mode);

/* gfuzz_undef.c: the status flags the instruction at `code` (executed in
 * state `st`) leaves undefined, per the diff tester's SDM table. */
uint32_t gf_undef_flags(const uint8_t *code, int len, const CPUState *st);
/* The same, and in *written every status flag the instruction writes
 * (defined or not), for the last-writer rule of the whole-block check. */
uint32_t gf_flags_step(const uint8_t *code, int len, const CPUState *st, uint32_t *written);
/* One step of that rule: `undef` (flags undefined so far) after the
 * instruction at `code`: flags it writes take its verdict. */
uint32_t gf_undef_fold(uint32_t undef, const uint8_t *code, int len, const CPUState *st);
/* The union over the stream's instructions, decoded from every offset
 * (jumps may land anywhere), with the counts that leave the most flags
 * undefined. */
uint32_t gf_undef_any(const uint8_t *code, int len, bool bits16);
void gf_undef_fini(void);

/* gfuzz_main.c, for gfuzz_regress.c: run one case on both engines (false
 * and a report on stdout if they disagree), then look at the end state. */
bool gf_check_case(const GfCase *c);
void gf_final_state(int which, CPUState *out);
uint32_t gf_read_phys(int which, uint32_t phys, int size);
const CPUState *gf_reset_state(void);
/* The instruction budget of a case (default 4,096); returns the old one. */
uint64_t gf_set_max_insns(uint64_t n);
/* gfuzz_regress.c: the cases behind the bugs found; returns failures. */
int gf_regress(void);

#endif
