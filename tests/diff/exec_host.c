/* exec_host.c - executor H: the case's host bytes on the host CPU.
 *
 * The tester is an x86-64 process. The case windows are mapped at the same
 * low addresses the guest uses, so 32-bit addresses computed by the host
 * (under an 0x67 prefix) reach the same bytes. A trampoline loads EAX..EDI
 * (ESP too) and the six status flags from a control block at CTL_BASE,
 * jumps to the bytes, which end with "jmp [CTL_RET]" back to it; it stores
 * the registers and flags back, restores the C stack and returns. Writing a
 * 32-bit register in long mode zeroes bits 63:32, which nothing compares.
 *
 * Faults arrive as signals (#DE SIGFPE, #UD SIGILL, #GP/#PF SIGSEGV) on an
 * alternate stack (ESP may hold anything); the handler takes the register
 * state and the vector (the kernel's trap number) from the ucontext and
 * siglongjmps out. SA_NODEFER keeps the signal unblocked, so no
 * sigprocmask call is needed per case.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "diff.h"

#define CTL_BASE 0x40000u
#define CTL_IN (CTL_BASE + 0x00)    /* 8 x u32 */
#define CTL_FL (CTL_BASE + 0x20)    /* u64 */
#define CTL_ENTRY (CTL_BASE + 0x28) /* u64 */
#define CTL_RET (CTL_BASE + 0x30)   /* u64 */
#define CTL_RSP (CTL_BASE + 0x38)   /* u64 */
#define CTL_OUT (CTL_BASE + 0x40)   /* 8 x u32 */
#define CTL_OFL (CTL_BASE + 0x60)   /* u64 */

void diff_host_enter(void);
void diff_host_return(void);

/* The control block addresses are absolute (disp32 with a SIB byte) so the
 * same code works whatever RSP holds. */
__asm__(
    ".text\n"
    ".globl diff_host_enter\n"
    ".type diff_host_enter,@function\n"
    "diff_host_enter:\n"
    "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
    "  mov %rsp, 0x40038\n"
    "  pushq 0x40020\n"
    "  popfq\n"
    "  mov 0x40000, %eax\n"
    "  mov 0x40004, %ecx\n"
    "  mov 0x40008, %edx\n"
    "  mov 0x4000c, %ebx\n"
    "  mov 0x40014, %ebp\n"
    "  mov 0x40018, %esi\n"
    "  mov 0x4001c, %edi\n"
    "  mov 0x40010, %esp\n"
    "  jmp *0x40028\n"
    ".globl diff_host_return\n"
    "diff_host_return:\n"
    "  mov %eax, 0x40040\n"
    "  mov %ecx, 0x40044\n"
    "  mov %edx, 0x40048\n"
    "  mov %ebx, 0x4004c\n"
    "  mov %esp, 0x40050\n"
    "  mov %ebp, 0x40054\n"
    "  mov %esi, 0x40058\n"
    "  mov %edi, 0x4005c\n"
    "  mov 0x40038, %rsp\n"
    "  pushfq\n"
    "  popq 0x40060\n"
    "  cld\n"
    "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
    "  ret\n"
    ".size diff_host_enter, .-diff_host_enter\n");

static sigjmp_buf fault_jb;
static volatile sig_atomic_t in_case;
static State fault_state;
static uint8_t altstack[1 << 16];

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    (void)si;
    if (!in_case) {
        /* A real crash of the tester: let it happen. */
        signal(sig, SIG_DFL);
        return;
    }
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    static const int map[8] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX,
                               REG_RSP, REG_RBP, REG_RSI, REG_RDI};
    for (int i = 0; i < 8; i++) fault_state.r[i] = (uint32_t)g[map[i]];
    fault_state.fl = (uint32_t)g[REG_EFL] & XF_CMP;
    fault_state.vec = (int)g[REG_TRAPNO];
    fault_state.where = (uint32_t)g[REG_RIP] - WIN_CODE;
    in_case = 0;
    siglongjmp(fault_jb, 1);
}

static bool map_at(uint32_t addr, int prot)
{
    void *p = mmap((void *)(uintptr_t)addr, WIN_SIZE, prot,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    return p == (void *)(uintptr_t)addr;
}

bool host_init(char *err, int errlen)
{
    if (!map_at(WIN_CODE, PROT_READ | PROT_WRITE | PROT_EXEC) ||
        !map_at(WIN_DATA, PROT_READ | PROT_WRITE) || !map_at(WIN_STACK, PROT_READ | PROT_WRITE) ||
        !map_at(WIN_LOW, PROT_READ | PROT_WRITE) || !map_at(CTL_BASE, PROT_READ | PROT_WRITE)) {
        snprintf(err, (size_t)errlen,
                 "cannot map the host windows at 8000h-41000h (is vm.mmap_min_addr above 8000h?)");
        return false;
    }
    memset((void *)(uintptr_t)WIN_CODE, 0xf4, WIN_SIZE);
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) {
        snprintf(err, (size_t)errlen, "sigaltstack failed");
        return false;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    int sigs[5] = {SIGSEGV, SIGFPE, SIGILL, SIGBUS, SIGTRAP};
    for (int i = 0; i < 5; i++) sigaction(sigs[i], &sa, NULL);
    return true;
}

void host_run(const Case *c, const uint8_t img[NWIN][WIN_SIZE], State *out)
{
    for (int w = 0; w < NWIN; w++) memcpy((void *)(uintptr_t)win_base[w], img[w], WIN_SIZE);
    volatile uint8_t *code = (uint8_t *)(uintptr_t)WIN_CODE;
    int n = c->hlen;
    for (int i = 0; i < n; i++) code[i] = c->h[i];
    /* jmp qword [CTL_RET] */
    const uint8_t back[7] = {0xff, 0x24, 0x25, (uint8_t)CTL_RET, (uint8_t)(CTL_RET >> 8),
                             (uint8_t)(CTL_RET >> 16), (uint8_t)(CTL_RET >> 24)};
    for (int i = 0; i < 7; i++) code[n + i] = back[i];

    volatile uint32_t *in = (uint32_t *)(uintptr_t)CTL_IN;
    for (int i = 0; i < 8; i++) in[i] = c->r[i];
    *(volatile uint64_t *)(uintptr_t)CTL_FL = (c->fl & (XF_ALL | XF_DF)) | 2u;
    *(volatile uint64_t *)(uintptr_t)CTL_ENTRY = WIN_CODE;
    *(volatile uint64_t *)(uintptr_t)CTL_RET = (uint64_t)(uintptr_t)diff_host_return;

    if (sigsetjmp(fault_jb, 0) == 0) {
        in_case = 1;
        diff_host_enter();
        in_case = 0;
        volatile uint32_t *o = (uint32_t *)(uintptr_t)CTL_OUT;
        for (int i = 0; i < 8; i++) out->r[i] = o[i];
        out->fl = (uint32_t)*(volatile uint64_t *)(uintptr_t)CTL_OFL & XF_CMP;
        out->vec = -1;
        out->where = 0;
    } else {
        memcpy(out->r, fault_state.r, sizeof out->r);
        out->fl = fault_state.fl;
        out->vec = fault_state.vec;
        out->where = fault_state.where;
    }
    for (int w = 0; w < NWIN; w++) memcpy(out->mem[w], (void *)(uintptr_t)win_base[w], WIN_SIZE);
    for (int i = 0; i < n + 7; i++) code[i] = 0xf4;
}
