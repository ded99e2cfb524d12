/* cpu.h - the guest CPU as the C reference semantics run it: the
 * architectural state (CPUState, cpu/state.h) plus the context those
 * semantics need to execute (connections to the board's memory and port
 * buses, the softmmu TLB of cpu/mem.c, the exception landing pad, derived
 * segment-limit caches). None of this context is architectural; engines
 * exchange state through CPUState only (cpu_get_state/cpu_set_state).
 *
 * CPU embeds CPUState as an unnamed member (-fms-extensions), so the
 * semantics read cpu->eax-style fields directly (cpu->regs[R_EAX],
 * cpu->seg[S_CS], ...) and &cpu->state names the architectural part.
 * The translator embeds CPU in its own per-vCPU struct (DbtCPU), right
 * after the few fields only translated code uses, and addresses fields of
 * both at fixed offsets from a host base register that points at the CPU
 * (all in one place: its cg_internal.h).
 */
#ifndef XLAT86_CPU_H
#define XLAT86_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "state.h"

struct Memory;
struct IOBus;

/* EFLAGS bits (SDM vol. 1, 3.4.3). */
#define F_CF 0x00000001u
#define F_1 0x00000002u /* reserved, always 1 */
#define F_PF 0x00000004u
#define F_AF 0x00000010u
#define F_ZF 0x00000040u
#define F_SF 0x00000080u
#define F_TF 0x00000100u
#define F_IF 0x00000200u
#define F_DF 0x00000400u
#define F_OF 0x00000800u
#define F_IOPL 0x00003000u
#define F_NT 0x00004000u
#define F_RF 0x00010000u
#define F_VM 0x00020000u
#define F_AC 0x00040000u
#define F_VIF 0x00080000u
#define F_VIP 0x00100000u
#define F_ID 0x00200000u
/* The six status flags that the host ALU computes identically. */
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

/* CR0 bits. */
#define CR0_PE 0x00000001u
#define CR0_MP 0x00000002u
#define CR0_EM 0x00000004u
#define CR0_TS 0x00000008u
#define CR0_ET 0x00000010u
#define CR0_NE 0x00000020u
#define CR0_WP 0x00010000u
#define CR0_AM 0x00040000u
#define CR0_NW 0x20000000u
#define CR0_CD 0x40000000u
#define CR0_PG 0x80000000u

/* CR4 bits. */
#define CR4_VME 0x00000001u
#define CR4_PVI 0x00000002u
#define CR4_TSD 0x00000004u
#define CR4_DE 0x00000008u
#define CR4_PSE 0x00000010u
#define CR4_PAE 0x00000020u
#define CR4_MCE 0x00000040u
#define CR4_PGE 0x00000080u
#define CR4_PCE 0x00000100u

/* Exception vectors (SDM vol. 3, table 6-1). */
enum {
    EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5,
    EXC_UD = 6, EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11, EXC_SS = 12,
    EXC_GP = 13, EXC_PF = 14, EXC_MF = 16, EXC_AC = 17, EXC_MC = 18,
};

/* Inline fast path of a segment: an access whose last byte offset is
 * <= lim (reads) or lim_w (writes) passes the limit and type checks; -1
 * forces every access to the slow path (expand-down, unusable,
 * execute-only or read-only segments). Derived from Seg by
 * cpu_seg_update_fast(). */
typedef struct SegFast {
    int64_t lim;
    int64_t lim_w;
} SegFast;

/* Softmmu TLB entry: a linear page maps to host memory at lin + addend.
 * tag is the page address (low 12 bits zero) or TLB_INVALID. */
#define TLB_BITS 8
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_INVALID 0x1u
typedef struct TLBEntry {
    uint32_t tag;
    uint32_t phys;    /* physical page address | TLB_GLOBAL */
    uintptr_t addend; /* host pointer = linear address + addend */
} TLBEntry;
#define TLB_GLOBAL 0x1u   /* in TLBEntry.phys: a PGE global page */
enum { TLBF_ALL, TLBF_NONGLOBAL, TLBF_PAGE };   /* CPU.tlb_flush_hook kinds */
/* TLB sets: supervisor accesses (CPL 0-2 and implicit system accesses)
 * and user accesses (CPL 3), so permission checks done at fill time hold. */
enum { TLB_SUPER = 0, TLB_USER = 1 };

/* Why the run loop was entered from generated code or a helper. */
enum {
    CPU_EXC_NONE = -1,
};

/* A debugger watchpoint as the memory layer sees it (cpu/watch.c). */
typedef struct CPUWatch {
    uint32_t lin, len;
    int kind;                 /* EngineWatchKind: 1 write, 2 read, 3 both */
} CPUWatch;
#define CPU_MAX_WATCH 16

typedef struct CPU {
    /* Instructions retired (all engines that count them): drives -icount
     * and the translator's block-entry deadline check. First, so that the
     * translator's exit word (just before CPU in its DbtCPU) shares its
     * cache line: the two are read at every block entry. */
    uint64_t icount;

    union {
        CPUState state;       /* the architectural state, as one value */
        CPUState;             /* ... and its fields, by name (-fms-extensions) */
    };

    SegFast segfast[6];       /* derived from seg[] (cpu_seg_update_fast) */

    /* The board's virtual clock in ns: the TSC then runs at 1 GHz of
     * virtual time (host time, or -icount time), so Linux's TSC clock
     * agrees with the PIT and RTC whatever the guest's load. */
    uint64_t (*tsc_clock)(void *opaque);
    void *tsc_clock_opaque;

    TLBEntry tlb_read[2][TLB_SIZE];
    TLBEntry tlb_write[2][TLB_SIZE];
    /* Instruction fetch: tag and physical page only (addend unused); the
     * run loop's block lookup goes through it (lin_fetch_phys). */
    TLBEntry tlb_fetch[2][TLB_SIZE];
    /* Host pointers of the page directory and page table the last TLB
     * fill read (tag: physical page | 1, 0: none), for cpu/mem.c's
     * walk_fast; dropped by tlb_flush, as every memory-map change is. */
    uint32_t walk_tag[2];
    const uint8_t *walk_host[2];
    /* Called after every TLB flush (the translator drops the entries of
     * its jump cache whose linear->block mappings the flush covers): kind
     * TLBF_ALL, TLBF_NONGLOBAL (global pages kept) or TLBF_PAGE (lin's
     * page only). */
    void (*tlb_flush_hook)(void *opaque, int kind, uint32_t lin);
    void *tlb_flush_opaque;

    /* The INTR input pin, driven by the board's interrupt controller
     * through the engine (engine set_intr). */
    volatile int irq_line;

    /* Exception being raised (valid after a longjmp to jmp). */
    int exc_vector;
    bool exc_has_error;
    uint32_t exc_error;
    int exc_depth;            /* for double/triple fault detection */

    /* Set by the semantics to make the engine stop after the current
     * instruction (self-modifying code, mode switches, device requests);
     * the translator ends the block there. */
    bool stop_block;

    jmp_buf jmp;              /* the engine's landing pad for exceptions */

    struct Memory *mem;
    struct IOBus *io;
    void *engine;             /* the engine running this CPU (opaque here) */
    uint8_t *ram_base;        /* == mem->ram, for quick range checks */

    /* The interrupt acknowledge cycle (the board's PIC). */
    int (*irq_ack)(void *opaque);   /* returns the vector of the highest pending IRQ */
    void *irq_opaque;
    /* Asks the engine to leave generated code at the next block entry
     * (an NMI latched by cpu_nmi). NULL: nothing to do. */
    void (*kick)(void *opaque);
    void *kick_opaque;

    /* Debugger watchpoints: their linear pages never enter the read and
     * write TLBs, so every access to them reaches cpu_ld/cpu_st, which
     * record a match here and set stop_block (cpu/watch.c). */
    int n_watch;
    CPUWatch watch[CPU_MAX_WATCH];
    bool watch_hit;
    uint32_t watch_hit_lin, watch_hit_size;
    bool watch_hit_write;

    /* Set by the engine's single step: a REP string instruction runs one
     * iteration (as with EFLAGS.TF), leaving EIP at it while count is left
     * (cpu/ops_string.c). */
    bool rep_one;
    /* Set by a REP string instruction that returns with count left (EIP
     * at it); the run loop clears it before the block it looks at. */
    bool rep_mid;
} CPU;

/* cpu/watch.c: does lin's page hold a debugger watchpoint? */
bool cpu_watch_page(const CPU *cpu, uint32_t lin);
/* After a successful explicit access: record a matching watchpoint. */
void cpu_watch_check(CPU *cpu, uint32_t lin, int size, bool write);

/* The architectural state: copy out, or replace it (segment caches
 * recomputed, TLBs flushed, the FPU's FERR# wiring kept). */
void cpu_get_state(const CPU *cpu, CPUState *out);
void cpu_set_state(CPU *cpu, const CPUState *in);

/* Family 6 (P6), model 3 (Pentium II), stepping 3: the signature CPUID
 * leaf 1 reports and EDX holds after reset. Model 3 because SYSENTER is
 * reported (SEP): on family 6 below model 3 stepping 3 the SEP bit is an
 * erratum that software ignores (SDM vol. 2, CPUID, SEP note). */
#define CPU_SIGNATURE 0x00000633u
/* CPUID leaf 1 EDX of that part (cpu/ops_system.c op_cpuid; the KVM
 * engine gives the guest the same): FPU DE PSE TSC MSR CX8 SEP MTRR PGE
 * CMOV. */
#define CPU_CPUID_1_EDX ((1u << 0) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 8) | \
                         (1u << 11) | (1u << 12) | (1u << 13) | (1u << 15))

/* Reset the CPU to the architectural power-on state (SDM vol. 3, 9.1.1):
 * CS=F000 base FFFF0000, EIP=FFF0, EDX=family/model/stepping, CR0=60000010. */
void cpu_reset(CPU *cpu);

/* Raise an exception from a helper or the memory slow path: record it and
 * longjmp to the run loop. EIP must already name the faulting instruction
 * (faults) or the next one (traps). */
noreturn void cpu_raise(CPU *cpu, int vector);
noreturn void cpu_raise_err(CPU *cpu, int vector, uint32_t error);

/* Deliver interrupt/exception `vector` now (real mode: through the IVT).
 * eip_ret is the EIP pushed on the stack. */
void cpu_interrupt(CPU *cpu, int vector, uint32_t eip_ret, bool has_err,
                   uint32_t err, bool software);

/* Load a segment register in real mode (base = sel << 4, limit kept). */
void cpu_load_seg_real(CPU *cpu, int sreg, uint16_t sel);
/* Load a segment register by the rules of the current mode (real, V86 or
 * protected: descriptor table lookup with checks). */
void cpu_load_seg(CPU *cpu, int sreg, uint16_t sel);
/* Recompute the fast-path limits after s's base/limit/flags changed; s
 * may be any Seg (only cpu->seg[0..5] have fast paths: others are
 * ignored). */
void cpu_seg_update_fast(CPU *cpu, const Seg *s);
/* All six, after the whole state was replaced. */
void cpu_seg_update_fast_all(CPU *cpu);

/* Mode bits that translated code is specialised for (see translator). */
#define MODE_PE 0x01u      /* CR0.PE */
#define MODE_CS32 0x02u    /* CS.D: default operand/address size 32 */
#define MODE_SS32 0x04u    /* SS.B: 32-bit stack pointer */
#define MODE_VM 0x08u      /* EFLAGS.VM */
#define MODE_PG 0x10u      /* CR0.PG */
#define MODE_CPL_SHIFT 5   /* 2 bits of CPL */
uint32_t cpu_mode(const CPU *cpu);

static inline bool cpu_pe(const CPU *cpu) { return cpu->cr[0] & CR0_PE; }
static inline int cpu_cpl(const CPU *cpu)
{
    if (!(cpu->cr[0] & CR0_PE)) return 0;
    if (cpu->eflags & F_VM) return 3;
    /* SS.DPL always equals CPL in protected mode (SDM vol. 3, 5.7: the
     * stack segment's DPL must match CPL); unlike CS.sel & 3 it is also
     * right between MOV CR0 (PE=1) and the far jump, when CS still holds
     * a real-mode selector, because real-mode loads give DPL 0. */
    return (cpu->seg[S_SS].flags & SEGF_DPL) >> 5;
}

/* Byte register access with x86 numbering (AL..BL, AH..BH). */
static inline uint8_t *cpu_reg8(CPU *cpu, int r)
{
    return (uint8_t *)&cpu->regs[r & 3] + (r >> 2);
}

static inline uint16_t cpu_pack_aflags(uint32_t eflags)
{
    return (uint16_t)((((eflags & 0xd5u) | 2u) << 8) | ((eflags >> 11) & 1u));
}
static inline uint32_t cpu_unpack_aflags(uint32_t eflags, uint16_t af)
{
    return (eflags & ~F_ARITH) | ((uint32_t)(af >> 8) & 0xd5u) | ((uint32_t)(af & 1u) << 11);
}

static inline uint64_t cpu_tsc_base(const CPU *cpu)
{
    return cpu->tsc_clock ? cpu->tsc_clock(cpu->tsc_clock_opaque) : cpu->icount;
}

/* Full EFLAGS write with the bits that software may change in the current
 * mode (mask selected by the caller, e.g. POPF vs IRET). Keeps bit 1 set. */
void cpu_set_eflags(CPU *cpu, uint32_t value, uint32_t changeable);

/* ---- debug exceptions (cpu/debug.c; SDM vol. 3, chapter 17) ----
 * DR7 enables up to four breakpoints; DR6 reports what hit. Instruction
 * breakpoints are faults, data/I/O breakpoints and single steps are traps
 * taken after the instruction. */
#define DR6_BS 0x4000u   /* single step (TF) */
#define DR6_BT 0x8000u   /* task switch to a TSS with the T bit */
#define DR6_BD 0x2000u   /* general detect (MOV DRn with DR7.GD) */
#define DR7_GD 0x2000u
/* True when DR7 enables an instruction breakpoint (RW = 00): the run loop
 * must then call cpu_check_code_breakpoint before every instruction. */
bool cpu_code_breakpoints_on(const CPU *cpu);
/* True when DR7 enables a data breakpoint (RW = 01 or 11): every data
 * access must then reach cpu_check_data_breakpoint. */
bool cpu_data_breakpoints_on(const CPU *cpu);
/* Before executing the instruction at linear address lin: with EFLAGS.RF
 * clear, if an enabled instruction breakpoint matches, set its DR6 B bit
 * and return true; the caller then raises #DB as a fault (EIP = the
 * instruction). With RF set, RF is cleared and nothing matches (the
 * instruction after an IRET that set RF runs once without breakpoints). */
bool cpu_check_code_breakpoint(CPU *cpu, uint32_t lin);
/* A data access of `size` bytes at linear lin (write or read): enabled
 * breakpoints whose range overlaps it are recorded in dbg_pending (a
 * read matches only RW = 11, a write RW = 01 or 11) and stop_block is
 * set; the trap is taken after the instruction (cpu_debug_trap). */
void cpu_check_data_breakpoint(CPU *cpu, uint32_t lin, int size, bool write);
/* An I/O access to `port` (IN/OUT/INS/OUTS): with CR4.DE, RW = 10
 * breakpoints match the port range, as above. */
void cpu_check_io_breakpoint(CPU *cpu, uint16_t port, int size);
/* After an instruction that began with EFLAGS.TF set: DR6.BS, plus any
 * pending data-breakpoint bits, and #DB delivered as a trap (EIP = the
 * next instruction). Call with EFLAGS canonical; may longjmp like any
 * delivery. */
void cpu_single_step_trap(CPU *cpu);
/* Deliver the pending debug trap (dbg_pending != 0) after an instruction:
 * DR6 gets the pending bits (B0-B3 replaced), then #DB as a trap. */
void cpu_debug_trap(CPU *cpu);

/* ---- NMI (cpu/debug.c) ----
 * The board calls cpu_nmi() on a rising NMI edge (it applies the port 70h
 * bit 7 mask itself). The run loop calls cpu_nmi_deliver() at instruction
 * boundaries, before maskable interrupts: it delivers vector 2 when one is
 * pending, not blocked and not in a MOV SS/POP SS shadow, and returns
 * whether it did. IRET unblocks NMIs. */
void cpu_nmi(CPU *cpu);
bool cpu_nmi_deliver(CPU *cpu);

/* ---- exception classes (cpu/debug.c; SDM vol. 3, 6.15, table 6-5) ----
 * What happens when exception `second` arises while the processor delivers
 * `first` (vector; -1 for an external interrupt or INT n): the second is
 * handled serially (EXCC_SERIAL), becomes a double fault (EXCC_DOUBLE), or
 * (first = #DF) shuts the processor down (EXCC_TRIPLE). */
enum { EXCC_SERIAL, EXCC_DOUBLE, EXCC_TRIPLE };
int cpu_exception_combine(int first, int second);

#endif
