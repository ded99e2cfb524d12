/* ops_msr.c - model-specific registers and the instructions around them:
 * RDMSR, WRMSR, RDPMC, SYSENTER, SYSEXIT.
 *
 * The MSR set is that of a P6 family part without PAT, MCA or a local APIC
 * (SDM vol. 4, table 2-3 "MSRs in the P6 family"), as CPUID reports it
 * (ops_system.c): the TSC (10h), the microcode signature (8Bh), the
 * SYSENTER MSRs (174h-176h), the MTRRs (FEh capabilities, 200h-20Fh
 * variable, 250h/258h/259h/268h-26Fh fixed, 2FFh default type) and the two
 * performance counters with their event selects (C1h/C2h, 186h/187h),
 * which hold values but do not count. Any other MSR, including PAT (277h),
 * raises #GP(0) (SDM vol. 2, RDMSR/WRMSR).
 */
#include <capstone/capstone.h>

#include "ops_ctl.h"

#define MSR_TSC 0x10u
#define MSR_BIOS_SIGN 0x8bu
#define MSR_PERFCTR0 0xc1u
#define MSR_MTRRCAP 0xfeu
#define MSR_SYSENTER_CS 0x174u
#define MSR_SYSENTER_ESP 0x175u
#define MSR_SYSENTER_EIP 0x176u
#define MSR_EVNTSEL0 0x186u
#define MSR_MTRR_VAR 0x200u
#define MSR_MTRR_DEF 0x2ffu

/* MTRRcap: 8 variable ranges (VCNT), fixed ranges (FIX, bit 8) and the
 * write-combining type (WC, bit 10); no SMRR (SDM vol. 3, 11.11.1). */
#define MTRRCAP_VALUE 0x508u
/* The physical address width is 36 bits on P6 (MAXPHYADDR): bits 36-63
 * of the base/mask registers are reserved. */
#define PHYS_RESERVED 0xfffffff000000000ull

/* Fixed-range MTRR MSR -> index in CPU.mtrr_fixed (11.11.2.2), or -1. */
static int fixed_index(uint32_t msr)
{
    if (msr == 0x250) return 0;
    if (msr == 0x258) return 1;
    if (msr == 0x259) return 2;
    if (msr >= 0x268 && msr <= 0x26f) return 3 + (int)(msr - 0x268);
    return -1;
}

/* Memory types a range may have: UC 0, WC 1, WT 4, WP 5, WB 6 (table
 * 11-8); 2, 3 and 7-255 are reserved and #GP(0) when written. */
static bool mem_type_ok(unsigned t) { return t <= 6 && t != 2 && t != 3; }

static void need_cpl0(CPU *cpu)
{
    if (cpu_cpl(cpu) != 0) cpu_raise_err(cpu, EXC_GP, 0);
}

static uint64_t tsc_now(const CPU *cpu) { return cpu_tsc_base(cpu) + cpu->tsc_offset; }

/* Read MSR `msr` into *v; false for an MSR this CPU does not have. */
static bool msr_read(CPU *cpu, uint32_t msr, uint64_t *v)
{
    int fx = fixed_index(msr);
    if (fx >= 0) {
        *v = cpu->mtrr_fixed[fx];
        return true;
    }
    if (msr >= MSR_MTRR_VAR && msr < MSR_MTRR_VAR + 16) {
        *v = cpu->mtrr_var[msr - MSR_MTRR_VAR];
        return true;
    }
    switch (msr) {
    case MSR_TSC: *v = tsc_now(cpu); return true;
    case MSR_BIOS_SIGN: *v = 0; return true;   /* no microcode update loaded */
    case MSR_PERFCTR0: case MSR_PERFCTR0 + 1: *v = cpu->perfctr[msr - MSR_PERFCTR0]; return true;
    case MSR_EVNTSEL0: case MSR_EVNTSEL0 + 1: *v = cpu->perfevtsel[msr - MSR_EVNTSEL0]; return true;
    case MSR_MTRRCAP: *v = MTRRCAP_VALUE; return true;
    case MSR_SYSENTER_CS: *v = cpu->sysenter_cs; return true;
    case MSR_SYSENTER_ESP: *v = cpu->sysenter_esp; return true;
    case MSR_SYSENTER_EIP: *v = cpu->sysenter_eip; return true;
    case MSR_MTRR_DEF: *v = cpu->mtrr_deftype; return true;
    default: return false;
    }
}

/* Write MSR `msr`; false for an unknown MSR or a value with reserved bits
 * set (both #GP(0)). */
static bool msr_write(CPU *cpu, uint32_t msr, uint64_t v)
{
    int fx = fixed_index(msr);
    if (fx >= 0) {
        for (int i = 0; i < 8; i++)
            if (!mem_type_ok((unsigned)(v >> (8 * i)) & 0xffu)) return false;
        cpu->mtrr_fixed[fx] = v;
        return true;
    }
    if (msr >= MSR_MTRR_VAR && msr < MSR_MTRR_VAR + 16) {
        /* PHYSBASEn: type in 7:0, base in 35:12; PHYSMASKn: V in bit 11,
         * mask in 35:12 (11.11.2.3). */
        if (v & PHYS_RESERVED) return false;
        if (!(msr & 1) && ((v & 0xf00u) || !mem_type_ok((unsigned)v & 0xffu))) return false;
        if ((msr & 1) && (v & 0x7ffu)) return false;
        cpu->mtrr_var[msr - MSR_MTRR_VAR] = v;
        return true;
    }
    switch (msr) {
    case MSR_TSC:
        /* P6: only the low 32 bits can be written; the high half becomes
         * 0 (SDM vol. 3, 17.17). */
        cpu->tsc_offset = (v & 0xffffffffu) - cpu_tsc_base(cpu);
        return true;
    case MSR_BIOS_SIGN:
        return true;   /* software writes 0 before CPUID; nothing to latch */
    case MSR_PERFCTR0: case MSR_PERFCTR0 + 1:
        /* 40-bit counters of which only the low 32 bits are writable;
         * bits 32-39 take the sign of bit 31 (SDM vol. 3, P6 family
         * performance monitoring, "PerfCtr0 and PerfCtr1"). */
        cpu->perfctr[msr - MSR_PERFCTR0] =
            (uint64_t)(int64_t)(int32_t)(uint32_t)v & 0xffffffffffull;
        return true;
    case MSR_EVNTSEL0: case MSR_EVNTSEL0 + 1:
        if (v >> 32) return false;
        cpu->perfevtsel[msr - MSR_EVNTSEL0] = v;
        return true;
    case MSR_SYSENTER_CS: cpu->sysenter_cs = (uint32_t)v; return true;
    case MSR_SYSENTER_ESP: cpu->sysenter_esp = (uint32_t)v; return true;
    case MSR_SYSENTER_EIP: cpu->sysenter_eip = (uint32_t)v; return true;
    case MSR_MTRR_DEF:
        /* Type in 7:0, FE bit 10, E bit 11; the rest is reserved. */
        if ((v & ~0xcffull) || !mem_type_ok((unsigned)v & 0xffu)) return false;
        cpu->mtrr_deftype = v;
        return true;
    default:
        return false;   /* MTRRcap is read-only */
    }
}

/* RDMSR/WRMSR: CPL 0 only (virtual-8086 mode is CPL 3), ECX names the MSR,
 * EDX:EAX the value. */
static int op_rdmsr(CPU *cpu, const Insn *in)
{
    (void)in;
    need_cpl0(cpu);
    uint64_t v;
    if (!msr_read(cpu, cpu->regs[R_ECX], &v)) cpu_raise_err(cpu, EXC_GP, 0);
    cpu->regs[R_EAX] = (uint32_t)v;
    cpu->regs[R_EDX] = (uint32_t)(v >> 32);
    return OPR_NEXT;
}

static int op_wrmsr(CPU *cpu, const Insn *in)
{
    (void)in;
    need_cpl0(cpu);
    uint64_t v = ((uint64_t)cpu->regs[R_EDX] << 32) | cpu->regs[R_EAX];
    if (!msr_write(cpu, cpu->regs[R_ECX], v)) cpu_raise_err(cpu, EXC_GP, 0);
    cpu->stop_block = true;   /* SYSENTER_CS etc. may matter to the next insn */
    return OPR_NEXT;
}

/* RDPMC (SDM vol. 2): at CPL > 0 only with CR4.PCE; ECX selects counter 0
 * or 1 (P6), anything else is #GP(0). Returns the 40-bit count. */
static int op_rdpmc(CPU *cpu, const Insn *in)
{
    (void)in;
    if (cpu_cpl(cpu) != 0 && !(cpu->cr[4] & CR4_PCE)) cpu_raise_err(cpu, EXC_GP, 0);
    uint32_t c = cpu->regs[R_ECX];
    if (c > 1) cpu_raise_err(cpu, EXC_GP, 0);
    cpu->regs[R_EAX] = (uint32_t)cpu->perfctr[c];
    cpu->regs[R_EDX] = (uint32_t)(cpu->perfctr[c] >> 32) & 0xffu;
    return OPR_NEXT;
}

/* The fixed flat segments SYSENTER/SYSEXIT load without reading the GDT
 * (SDM vol. 2, SYSENTER/SYSEXIT "Operation"): base 0, limit 4 GiB, G and
 * D/B set, present, accessed; code is execute/read, stack read/write. */
static void flat_seg(CPU *cpu, Seg *s, uint16_t sel, int dpl, bool code)
{
    s->sel = sel;
    s->base = 0;
    s->limit = 0xffffffffu;
    s->flags = (uint16_t)(SEGF_G | SEGF_DB | SEGF_P | SEGF_S | ((unsigned)dpl << 5) |
                          (code ? 0xbu : 0x3u));
    cpu_seg_update_fast(cpu, s);
}

/* SYSENTER: #GP(0) in real mode or with a null SYSENTER_CS; allowed from
 * any CPL and from virtual-8086 mode. Clears VM, IF and RF. */
static int op_sysenter(CPU *cpu, const Insn *in)
{
    (void)in;
    if (!cpu_pe(cpu) || (cpu->sysenter_cs & 0xfffcu) == 0) cpu_raise_err(cpu, EXC_GP, 0);
    cpu->eflags &= ~(F_VM | F_IF | F_RF);
    uint16_t cs = (uint16_t)(cpu->sysenter_cs & 0xfffcu);
    flat_seg(cpu, &cpu->seg[S_CS], cs, 0, true);
    flat_seg(cpu, &cpu->seg[S_SS], (uint16_t)(cs + 8), 0, false);
    cpu->regs[R_ESP] = cpu->sysenter_esp;
    cpu->eip = cpu->sysenter_eip;
    cpu->inhibit_irq = false;
    cpu->stop_block = true;
    return OPR_JUMP;
}

/* SYSEXIT: only at CPL 0 in protected mode with SYSENTER_CS set; returns
 * to CPL 3 at EDX with ESP = ECX, CS = SYSENTER_CS + 16, SS = + 24. */
static int op_sysexit(CPU *cpu, const Insn *in)
{
    (void)in;
    if (!cpu_pe(cpu) || (cpu->sysenter_cs & 0xfffcu) == 0 || cpu_cpl(cpu) != 0)
        cpu_raise_err(cpu, EXC_GP, 0);
    uint16_t cs = (uint16_t)((cpu->sysenter_cs + 16) | 3u);
    uint16_t ss = (uint16_t)((cpu->sysenter_cs + 24) | 3u);
    flat_seg(cpu, &cpu->seg[S_CS], cs, 3, true);
    flat_seg(cpu, &cpu->seg[S_SS], ss, 3, false);
    cpu->regs[R_ESP] = cpu->regs[R_ECX];
    cpu->eip = cpu->regs[R_EDX];
    cpu->stop_block = true;
    return OPR_JUMP;
}

void ops_register_msr(void)
{
    ops_table[X86_INS_RDMSR] = op_rdmsr;
    ops_table[X86_INS_WRMSR] = op_wrmsr;
    ops_table[X86_INS_RDPMC] = op_rdpmc;
    ops_table[X86_INS_SYSENTER] = op_sysenter;
    ops_table[X86_INS_SYSEXIT] = op_sysexit;
}
