/* ops_hostcmp.h - differential testing of the C reference semantics
 * (cpu/ops_*.c) against the host CPU, for the test_ops_*.c unit tests.
 *
 * The host is an x86-64 processor. Without a REX prefix, an instruction
 * on 8/16/32-bit registers encodes and behaves the same in 64-bit mode as
 * in 32-bit protected mode (32-bit results zero the upper half of the
 * 64-bit register, which we ignore). So the very bytes the guest decoder
 * sees can run natively: host_exec() copies them into a small executable
 * stub that loads RAX..RDI and RFLAGS from a state block, runs the bytes,
 * and stores registers and RFLAGS back. Memory forms use [EBX]-based
 * addressing (ModR/M rm=011, no SIB), which on the host means [RBX]: the
 * guest gets EBX = a guest offset, the host RBX = a pointer to a host
 * buffer holding the same bytes. ESP is never an operand (it is the host
 * stack pointer). A #DE on the host arrives as SIGFPE and is turned into a
 * "faulted" result by siglongjmp.
 *
 * Exceptions in the emulator come back from emu_exec as the vector.
 */
#ifndef XLAT86_OPS_HOSTCMP_H
#define XLAT86_OPS_HOSTCMP_H

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "cpu/cpu.h"
#include "cpu/mem.h"
#include "cpu/ops.h"
#include "devices/memory.h"
#include "cpu/decode.h"

/* Guest memory window for [EBX] operands: DS base 0 (real mode after
 * reset), offsets GMEM_BASE.. GMEM_BASE + MEMWIN, EBX points at the middle. */
#define GMEM_BASE 0x2000u
#define MEMWIN 1024u

typedef struct Regs {
    uint32_t r[8];
    uint32_t fl; /* EFLAGS: status flags + DF only */
} Regs;

static Memory hc_mem;
static CPU hc_cpu;
static uint8_t *hc_jit;
static uint8_t hc_hbuf[MEMWIN] __attribute__((aligned(16)));
static sigjmp_buf hc_fpe;
/* The base register of [reg] memory operands (EBX unless a test needs EBX
 * as data, e.g. CMPXCHG8B). */
static int hc_memreg = R_EBX;
static unsigned long hc_checks, hc_undef_diff, hc_undef_bits[12];

static inline void hc_on_fpe(int sig)
{
    (void)sig;
    siglongjmp(hc_fpe, 1);
}

static inline int hc_setup(void **state)
{
    (void)state;
    if (!mem_init(&hc_mem, 1u << 20)) fail_msg("mem_init failed");
    memset(&hc_cpu, 0, sizeof hc_cpu);
    hc_cpu.mem = &hc_mem;
    hc_cpu.ram_base = hc_mem.ram;
    cpu_reset(&hc_cpu);
    ops_init();
    hc_jit = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                  -1, 0);
    if (hc_jit == MAP_FAILED) fail_msg("mmap RWX failed");
    return 0;
}

static inline int hc_teardown(void **state)
{
    (void)state;
    munmap(hc_jit, 4096);
    mem_free(&hc_mem);
    return 0;
}

/* Run `code` on the host. Regs in/out; mem: whether RBX is the buffer.
 * Returns false if the host raised #DE. */
static inline bool host_exec(const uint8_t *code, size_t n, Regs *s, bool mem)
{
    uint64_t st[9];
    for (int i = 0; i < 8; i++) st[i] = s->r[i];
    if (mem) st[hc_memreg] = (uint64_t)(uintptr_t)(hc_hbuf + MEMWIN / 2);
    st[8] = (s->fl & (F_ARITH | F_DF)) | F_1;
    uint8_t *p = hc_jit;
    *p++ = 0x53;                            /* push rbx */
    *p++ = 0x55;                            /* push rbp */
    *p++ = 0x57;                            /* push rdi (state pointer) */
    *p++ = 0x49; *p++ = 0x89; *p++ = 0xfb;  /* mov r11, rdi */
    for (int r = 0; r < 8; r++) {
        if (r == R_ESP) continue;           /* mov r64, [r11 + 8r] */
        *p++ = 0x49; *p++ = 0x8b; *p++ = (uint8_t)(0x43 | r << 3); *p++ = (uint8_t)(8 * r);
    }
    *p++ = 0x41; *p++ = 0xff; *p++ = 0x73; *p++ = 64; /* push qword [r11+64] */
    *p++ = 0x9d;                                       /* popfq */
    memcpy(p, code, n);
    p += n;
    *p++ = 0x9c;                                       /* pushfq */
    *p++ = 0x4c; *p++ = 0x8b; *p++ = 0x5c; *p++ = 0x24; *p++ = 0x08; /* mov r11, [rsp+8] */
    *p++ = 0x41; *p++ = 0x8f; *p++ = 0x43; *p++ = 64; /* pop qword [r11+64] */
    for (int r = 0; r < 8; r++) {
        if (r == R_ESP) continue;           /* mov [r11 + 8r], r64 */
        *p++ = 0x49; *p++ = 0x89; *p++ = (uint8_t)(0x43 | r << 3); *p++ = (uint8_t)(8 * r);
    }
    *p++ = 0xfc;                            /* cld: the ABI wants DF = 0 */
    *p++ = 0x5f; *p++ = 0x5d; *p++ = 0x5b;  /* pop rdi, rbp, rbx */
    *p++ = 0xc3;                            /* ret */
    void (*fn)(uint64_t *) = (void (*)(uint64_t *))(void *)hc_jit;
    /* cmocka installs its own SIGFPE handler around each test: take it
     * over for the duration of the host run only. */
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = hc_on_fpe;
    sigaction(SIGFPE, &sa, &old);
    if (sigsetjmp(hc_fpe, 1)) {
        sigaction(SIGFPE, &old, NULL);
        return false;
    }
    fn(st);
    sigaction(SIGFPE, &old, NULL);
    for (int i = 0; i < 8; i++)
        if (i != R_ESP && !(mem && i == hc_memreg)) s->r[i] = (uint32_t)st[i];
    s->fl = (uint32_t)st[8] & (F_ARITH | F_DF);
    return true;
}

/* Run `code` in the emulator (decoded for 32-bit or 16-bit code).
 * Returns -1, or the exception vector raised. */
static inline int emu_exec(const uint8_t *code, size_t n, bool code32, Regs *s, bool mem)
{
    Insn in;
    uint8_t buf[16] = {0};
    memcpy(buf, code, n);
    if (!decode_insn(buf, n, 0x100, code32, &in)) fail_msg("decode failed");
    if (in.len != n) fail_msg("decode length %d, expected %zu", in.len, n);
    memcpy(hc_cpu.regs, s->r, sizeof s->r);
    if (mem) hc_cpu.regs[hc_memreg] = GMEM_BASE + MEMWIN / 2;
    hc_cpu.eflags = (s->fl & (F_ARITH | F_DF)) | F_1;
    hc_cpu.eip = 0x100;
    if (setjmp(hc_cpu.jmp)) return hc_cpu.exc_vector;
    ops_exec(&hc_cpu, &in);
    for (int i = 0; i < 8; i++)
        if (!(mem && i == hc_memreg)) s->r[i] = hc_cpu.regs[i];
    s->fl = hc_cpu.eflags & (F_ARITH | F_DF);
    if ((hc_cpu.eflags & ~(F_ARITH | F_DF)) != F_1) fail_msg("EFLAGS non-status bits changed");
    return -1;
}

static inline void fmt_code(char *out, const uint8_t *code, size_t n)
{
    for (size_t i = 0; i < n; i++) sprintf(out + 3 * i, "%02x ", code[i]);
}

/* Run code both ways from `in` (the emulator decoding ecode in 32- or
 * 16-bit mode) and compare registers, the status flags
 * outside `undef`, the memory window (if mem) and the #DE outcome.
 * reg_undef: registers whose value is not compared (bit r). */
static inline void hc_compare_ex(const uint8_t *code, size_t n, const uint8_t *ecode,
                                 size_t en, bool code32, const Regs *in, uint32_t undef,
                                 bool mem, unsigned reg_undef)
{
    Regs h = *in, e = *in;
    if (mem) memcpy(hc_hbuf, hc_mem.ram + GMEM_BASE, MEMWIN);
    bool hok = host_exec(code, n, &h, mem);
    int exc = emu_exec(ecode, en, code32, &e, mem);
    hc_checks++;
    char cs[64] = "";
    fmt_code(cs, code, n);
    if (!hok || exc >= 0) {
        if (hok || exc != EXC_DE)
            fail_msg("[%s] eax=%08x ecx=%08x edx=%08x: host %s, emulator exception %d", cs,
                     in->r[0], in->r[1], in->r[2], hok ? "ok" : "#DE", exc);
        /* A fault changes nothing. */
        return;
    }
    for (int i = 0; i < 8; i++) {
        if (i == R_ESP || (reg_undef >> i & 1) || (mem && i == hc_memreg)) continue;
        if (h.r[i] != e.r[i])
            fail_msg("[%s] in eax=%08x ecx=%08x edx=%08x fl=%03x: reg %d host %08x emu %08x",
                     cs, in->r[0], in->r[1], in->r[2], in->fl, i, h.r[i], e.r[i]);
    }
    uint32_t cmpmask = (F_ARITH | F_DF) & ~undef;
    if ((h.fl ^ e.fl) & cmpmask)
        fail_msg("[%s] in eax=%08x ecx=%08x edx=%08x fl=%03x: flags host %03x emu %03x "
                 "(differ %03x)",
                 cs, in->r[0], in->r[1], in->r[2], in->fl, h.fl, e.fl, (h.fl ^ e.fl) & cmpmask);
    if ((h.fl ^ e.fl) & undef) {
        hc_undef_diff++;
        for (int b = 0; b < 12; b++) hc_undef_bits[b] += ((h.fl ^ e.fl) & undef) >> b & 1;
    }
    if (mem && memcmp(hc_hbuf, hc_mem.ram + GMEM_BASE, MEMWIN) != 0)
        fail_msg("[%s] eax=%08x ecx=%08x: memory differs", cs, in->r[0], in->r[1]);
}

static inline void hc_compare(const uint8_t *code, size_t n, const Regs *in, uint32_t undef,
                              bool mem, unsigned reg_undef)
{
    hc_compare_ex(code, n, code, n, true, in, undef, mem, reg_undef);
}

/* The emulator decodes `ecode` as 16-bit code; the host runs the
 * equivalent 32-bit encoding `code` (66 prefix toggled, [BX]/[SI] for
 * [EBX]/[ESI]). */
static inline void hc_compare16(const char *code, const char *ecode, const Regs *in,
                                uint32_t undef, bool mem)
{
    hc_compare_ex((const uint8_t *)code, strlen(code), (const uint8_t *)ecode, strlen(ecode),
                  false, in, undef, mem, 0);
}

/* Edge values for a size: 0, 1, 2, small, nibble edges, sign edges, all-ones,
 * alternating patterns and a few arbitrary ones. */
static inline size_t edge_values(int size, uint32_t *out)
{
    uint32_t m = size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu;
    uint32_t s = (m >> 1) + 1;
    uint32_t v[] = {0, 1, 2, 7, 8, 9, 0xf, 0x10, 0x11, s - 1, s, s + 1, m, m - 1,
                    0x55555555u & m, 0xaaaaaaaau & m, 0x12345678u & m, 0x9abcdef0u & m,
                    (s >> 1) - 1, s >> 1};
    size_t n = sizeof v / sizeof v[0];
    memcpy(out, v, sizeof v);
    return n;
}

/* Input flag sets: none, CF, AF, all status flags. */
static const uint32_t flag_inputs[] = {0, F_CF, F_AF, F_ARITH};

static inline void hc_report(const char *what)
{
    printf("%s: %lu host comparisons passed (%lu differed only in undefined flags)\n", what,
           hc_checks, hc_undef_diff);
    static const char *const names[12] = {"CF", "", "PF", "", "AF", "", "ZF", "SF", "", "", "", "OF"};
    for (int b = 0; b < 12; b++)
        if (hc_undef_bits[b]) printf("  undefined %s differed %lu times\n", names[b], hc_undef_bits[b]);
    memset(hc_undef_bits, 0, sizeof hc_undef_bits);
    hc_checks = hc_undef_diff = 0;
}

#endif
