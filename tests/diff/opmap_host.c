/* opmap_host.c - the host CPU's answer for one instruction form of the
 * opcode-map sweep (opmap.c): does it raise #UD, and how long is it.
 *
 * The bytes run in 32-bit compatibility mode (Linux's __USER32_CS, 0x23):
 * an IRETQ loads CS, EIP, SS:ESP and EFLAGS with TF set, so the CPU traps
 * (SIGTRAP) right after the one instruction completes. The length comes
 * from the page boundary: the first k bytes sit at the end of an executable
 * page whose successor is inaccessible; while k is shorter than the
 * instruction, fetching it faults at the boundary (SIGSEGV, si_addr = the
 * next page) before anything executes. The smallest k without that fault is
 * the length; the signal then says #UD (SIGILL) or executed (SIGTRAP, or a
 * fault of the instruction itself: SIGSEGV elsewhere, SIGFPE, SIGBUS).
 * Registers point into a scratch area filled with 0x00000102 (so a POPF
 * keeps TF). The caller keeps away forms that would reach the kernel
 * (INT 80h, SYSCALL, SYSENTER) or load FS/GS (the host's TLS).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "opmap.h"

#define CODE_BASE 0x20000000u
#define SCRATCH_BASE 0x21000000u
#define SCRATCH_SIZE 0x10000u
#define REG_VALUE (SCRATCH_BASE + 0x8000u)

void opmap_enter(uint64_t rip, uint64_t regs);
__asm__(
    ".text\n"
    ".globl opmap_enter\n"
    ".type opmap_enter,@function\n"
    "opmap_enter:\n"
    "  pushq $0x2b\n"          /* SS: __USER_DS */
    "  pushq %rsi\n"           /* RSP */
    "  pushq $0x302\n"         /* RFLAGS: TF | IF | bit 1 */
    "  pushq $0x23\n"          /* CS: __USER32_CS */
    "  pushq %rdi\n"           /* RIP */
    "  mov %esi, %eax\n  mov %esi, %ebx\n  mov %esi, %ecx\n  mov %esi, %edx\n"
    "  mov %esi, %ebp\n  mov %esi, %edi\n"
    "  iretq\n");

static sigjmp_buf probe_jb;
static volatile int probe_sig;
static volatile uintptr_t probe_addr;
static uint8_t *code_page;
static uint8_t altstack[65536];

static void on_signal(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    probe_sig = sig;
    probe_addr = (uintptr_t)si->si_addr;
    siglongjmp(probe_jb, 1);
}

bool opmap_host_init(void)
{
    void *c = mmap((void *)(uintptr_t)CODE_BASE, 8192, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (c == MAP_FAILED) return false;
    if (mprotect((uint8_t *)c + 4096, 4096, PROT_NONE) != 0) return false;
    void *s = mmap((void *)(uintptr_t)SCRATCH_BASE, SCRATCH_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (s == MAP_FAILED) return false;
    code_page = c;
    stack_t st = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    if (sigaltstack(&st, NULL) != 0) return false;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGILL, SIGSEGV, SIGTRAP, SIGFPE, SIGBUS};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigaction(sigs[i], &sa, NULL) != 0) return false;
    return true;
}

/* Run the first k bytes of b at the end of the code page. */
static int probe(const uint8_t *b, int k)
{
    uint32_t *scr = (uint32_t *)(uintptr_t)SCRATCH_BASE;
    for (unsigned i = 0; i < SCRATCH_SIZE / 4; i++) scr[i] = 0x00000102u;
    uint8_t *at = code_page + 4096 - k;
    memcpy(at, b, (size_t)k);
    probe_sig = 0;
    if (!sigsetjmp(probe_jb, 0)) opmap_enter((uint64_t)(uintptr_t)at, REG_VALUE);
    /* the instruction may have changed x87/SSE control state */
    __asm__ volatile("fninit");
    uint32_t mxcsr = 0x1f80;
    __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
    if (probe_sig == SIGSEGV && probe_addr == (uintptr_t)code_page + 4096) return -1;
    return probe_sig;
}

OpResult opmap_host(const uint8_t *b)
{
    OpResult r = {OPR_VALID, 0};
    for (int k = 1; k <= 15; k++) {
        int s = probe(b, k);
        if (s < 0) continue;
        r.len = k;
        r.kind = s == SIGILL ? OPR_UD : OPR_VALID;
        return r;
    }
    r.kind = OPR_UD;   /* longer than 15 bytes: #GP on hardware; not in this sweep */
    r.len = 16;
    return r;
}
