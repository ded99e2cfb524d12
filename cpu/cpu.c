/* cpu.c - CPU reset, exception raising, interrupt/exception delivery and the
 * mode bits the translator specialises code for.
 */
#include "cpu.h"

#include <string.h>

#include "descriptors.h"
#include "mem.h"
#include "task.h"


static void seg_reset(CPU *cpu, Seg *s, uint16_t sel, uint32_t base, uint16_t flags)
{
    s->sel = sel;
    s->base = base;
    s->limit = 0xffff;
    s->flags = flags;
    cpu_seg_update_fast(cpu, s);
}

/* SDM vol. 3, 9.1.1, table 9-1: the state after power-up or RESET. */
void cpu_reset(CPU *cpu)
{
    memset(cpu->regs, 0, sizeof cpu->regs);
    cpu->regs[R_EDX] = CPU_SIGNATURE;   /* SDM vol. 3, 9.1.3 */
    cpu->eip = 0xfff0;
    cpu->eflags = F_1;
    memset(cpu->cr, 0, sizeof cpu->cr);
    cpu->cr[0] = CR0_CD | CR0_NW | CR0_ET;
    memset(cpu->dr, 0, sizeof cpu->dr);
    cpu->dr[6] = 0xffff0ff0u;
    cpu->dr[7] = 0x00000400u;
    fpu_reset(&cpu->fpu, false);   /* power-on x87 state (SDM vol. 3, table 9-1) */
    /* Segments: present, read/write, accessed; CS = F000 with base
     * FFFF0000 so the first fetch is at FFFFFFF0. */
    const uint16_t data = SEGF_P | SEGF_S | 0x3u;
    for (int i = 0; i < 6; i++) seg_reset(cpu, &cpu->seg[i], 0, 0, data);
    seg_reset(cpu, &cpu->seg[S_CS], 0xf000, 0xffff0000u, data);
    /* Table 9-1 gives base 0, limit FFFF for both GDTR and IDTR. */
    cpu->gdtr.base = 0;
    cpu->gdtr.limit = 0xffff;
    cpu->idtr.base = 0;
    cpu->idtr.limit = 0xffff;
    seg_reset(cpu, &cpu->ldtr, 0, 0, SEGF_P | 0x2u);  /* LDT */
    seg_reset(cpu, &cpu->tr, 0, 0, SEGF_P | 0xbu);    /* busy 32-bit TSS */
    /* The time-stamp counter restarts at 0 (TSC = icount + tsc_offset). */
    cpu->tsc_offset = (uint64_t)0 - cpu_tsc_base(cpu);
    cpu->halted = false;
    cpu->shutdown = false;
    cpu->inhibit_irq = false;
    cpu->inhibit_eip = 0;
    cpu->exc_vector = CPU_EXC_NONE;
    cpu->exc_has_error = false;
    cpu->exc_error = 0;
    cpu->exc_depth = 0;
    cpu->stop_block = true;
    /* MSRs: SYSENTER_CS/ESP/EIP are 0 and the MTRRs disabled after reset
     * (SDM vol. 3, table 9-1, 11.11.2.1). */
    cpu->sysenter_cs = cpu->sysenter_esp = cpu->sysenter_eip = 0;
    memset(cpu->mtrr_var, 0, sizeof cpu->mtrr_var);
    memset(cpu->mtrr_fixed, 0, sizeof cpu->mtrr_fixed);
    cpu->mtrr_deftype = 0;
    memset(cpu->perfctr, 0, sizeof cpu->perfctr);
    memset(cpu->perfevtsel, 0, sizeof cpu->perfevtsel);
    cpu->dbg_pending = 0;
    cpu->nmi_pending = false;
    cpu->nmi_blocked = false;
    cpu->irq_injected = false;
    cpu->irq_vector = 0;
    tlb_flush(cpu);
}

void cpu_get_state(const CPU *cpu, CPUState *out)
{
    *out = cpu->state;
}

void cpu_set_state(CPU *cpu, const CPUState *in)
{
    void (*ferr)(void *, int) = cpu->fpu.ferr;
    void *ferr_opaque = cpu->fpu.ferr_opaque;
    bool ferr_level = cpu->fpu.ferr_level;
    cpu->state = *in;
    cpu->fpu.ferr = ferr;
    cpu->fpu.ferr_opaque = ferr_opaque;
    cpu_seg_update_fast_all(cpu);
    tlb_flush(cpu);
    /* FERR# follows the loaded state: tell the board when it changes. */
    if (cpu->fpu.ferr_level != ferr_level && ferr) ferr(ferr_opaque, cpu->fpu.ferr_level);
}

noreturn void cpu_raise(CPU *cpu, int vector)
{
    cpu->exc_vector = vector;
    cpu->exc_has_error = false;
    cpu->exc_error = 0;
    longjmp(cpu->jmp, 1);
}

noreturn void cpu_raise_err(CPU *cpu, int vector, uint32_t error)
{
    cpu->exc_vector = vector;
    cpu->exc_has_error = true;
    cpu->exc_error = error;
    longjmp(cpu->jmp, 1);
}

uint32_t cpu_mode(const CPU *cpu)
{
    uint32_t m = 0;
    if (cpu->cr[0] & CR0_PE) m |= MODE_PE;
    if (cpu->cr[0] & CR0_PG) m |= MODE_PG;
    if (cpu->eflags & F_VM) m |= MODE_VM;
    if (cpu->seg[S_CS].flags & SEGF_DB) m |= MODE_CS32;
    if (cpu->seg[S_SS].flags & SEGF_DB) m |= MODE_SS32;
    m |= (uint32_t)cpu_cpl(cpu) << MODE_CPL_SHIFT;
    return m;
}

/* Bits 3, 5, 15 and 22-31 are reserved (always 0), bit 1 always 1
 * (SDM vol. 1, 3.4.3). */
#define EFLAGS_RESERVED 0xffc08028u

void cpu_set_eflags(CPU *cpu, uint32_t value, uint32_t changeable)
{
    uint32_t f = (cpu->eflags & ~changeable) | (value & changeable);
    cpu->eflags = (f & ~EFLAGS_RESERVED) | F_1;
}

/* Real-address mode (SDM vol. 3, 20.1.4): push FLAGS, CS, IP; clear IF, TF
 * and AC; jump through the 4-byte IVT entry at IDTR.base + vector * 4. */
static void real_interrupt(CPU *cpu, int vector, uint32_t eip_ret)
{
    uint32_t ent = (uint32_t)vector * 4;
    /* An IVT entry beyond the IDTR limit raises #GP (which, in turn, will
     * not fit either: the run loop escalates to double/triple fault). */
    if (ent + 3 > cpu->idtr.limit) cpu_raise(cpu, EXC_GP);
    uint32_t target = lin_ld(cpu, cpu->idtr.base + ent, 4);
    uint32_t vals[3] = {cpu->eflags & 0xffffu, cpu->seg[S_CS].sel, eip_ret & 0xffffu};
    cpu->regs[R_ESP] = seg_push_list(cpu, &cpu->seg[S_SS], cpu->regs[R_ESP], vals, 3, 2, EXC_SS, 0);
    cpu->eflags &= ~(F_IF | F_TF | F_AC);
    cpu_load_seg_real(cpu, S_CS, (uint16_t)(target >> 16));
    cpu->eip = target & 0xffffu;
}

/* Protected mode through an interrupt, trap or task gate of the IDT (SDM
 * vol. 3, 6.12.1 and 6.12.2, vol. 2 INT n "Operation"). */
static void pm_interrupt(CPU *cpu, int vector, uint32_t eip_ret, bool has_err,
                         uint32_t err, bool software)
{
    uint32_t ext = software ? 0 : 1;
    uint32_t idx = (uint32_t)vector * 8;
    uint32_t gerr = idx + 2 + ext;
    if (idx + 7 > cpu->idtr.limit) cpu_raise_err(cpu, EXC_GP, gerr);
    Desc g = {lin_ld(cpu, cpu->idtr.base + idx, 4), lin_ld(cpu, cpu->idtr.base + idx + 4, 4)};
    unsigned type = desc_type(&g);
    if (desc_s(&g) || (type != 0x5 && type != 0x6 && type != 0x7 && type != 0xe && type != 0xf))
        cpu_raise_err(cpu, EXC_GP, gerr);
    int cpl = cpu_cpl(cpu);
    if (software && (int)desc_dpl(&g) < cpl) cpu_raise_err(cpu, EXC_GP, idx + 2);
    if (!desc_p(&g)) cpu_raise_err(cpu, EXC_NP, gerr);
    if (type == 0x5) {
        /* Task gate: switch to the task of the gate's TSS selector; an
         * error code goes onto the new task's stack (6.12.2). */
        task_switch(cpu, (uint16_t)(g.lo >> 16), TS_INT, eip_ret, has_err, err, ext);
        return;
    }
    bool gate32 = type & 8;
    uint16_t sel = (uint16_t)(g.lo >> 16);
    uint32_t off = (g.lo & 0xffffu) | (gate32 ? (g.hi & 0xffff0000u) : 0);

    Desc cd;
    if ((sel & 0xfffcu) == 0) cpu_raise_err(cpu, EXC_GP, ext);
    if (!desc_fetch(cpu, sel, &cd)) cpu_raise_err(cpu, EXC_GP, (sel & 0xfffcu) + ext);
    if (!desc_code(&cd) || (int)desc_dpl(&cd) > cpl)
        cpu_raise_err(cpu, EXC_GP, (sel & 0xfffcu) + ext);
    if (!desc_p(&cd)) cpu_raise_err(cpu, EXC_NP, (sel & 0xfffcu) + ext);
    int dpl = (int)desc_dpl(&cd);
    bool vm = cpu->eflags & F_VM;
    int size = gate32 ? 4 : 2;
    if (off > desc_limit(&cd)) cpu_raise_err(cpu, EXC_GP, 0);

    uint32_t vals[10];
    int n = 0;
    Seg newss;
    uint16_t newss_sel = 0;
    Desc ssd;
    bool inner = !desc_conforming(&cd) && dpl < cpl;
    int newcpl = inner ? dpl : cpl;
    uint32_t sp;
    if (inner) {
        /* Stack switch: SS:ESP for the new privilege level from the TSS
         * (32-bit TSS: ESPn at 4 + 8n, SSn at 8 + 8n; 16-bit TSS: SPn at
         * 2 + 4n, SSn at 4 + 4n; SDM vol. 3, 7.2.1 and 7.6). */
        if (vm && dpl != 0) cpu_raise_err(cpu, EXC_GP, (sel & 0xfffcu) + ext);
        tss_inner_stack(cpu, dpl, &newss_sel, &sp, ext);
        desc_check_ss(cpu, newss_sel, dpl, &ssd, EXC_TS);
        seg_from_desc(cpu, &newss, newss_sel, &ssd);
        /* A 16-bit inner stack (SS.B = 0): only SP comes from the TSS, the
         * upper half of ESP stays (as QEMU and Bochs; SDM vol. 3, 3.4.5:
         * its stack pointer is SP; tests/oracle resolved.md S9). */
        if (!(newss.flags & SEGF_DB)) sp = (cpu->regs[R_ESP] & 0xffff0000u) | (sp & 0xffffu);
        if (vm) {
            vals[n++] = cpu->seg[S_GS].sel;
            vals[n++] = cpu->seg[S_FS].sel;
            vals[n++] = cpu->seg[S_DS].sel;
            vals[n++] = cpu->seg[S_ES].sel;
        }
        vals[n++] = cpu->seg[S_SS].sel;
        vals[n++] = cpu->regs[R_ESP];
    } else {
        if (vm) cpu_raise_err(cpu, EXC_GP, (sel & 0xfffcu) + ext);
        newss = cpu->seg[S_SS];
        sp = cpu->regs[R_ESP];
    }
    vals[n++] = cpu->eflags;
    vals[n++] = cpu->seg[S_CS].sel;
    vals[n++] = eip_ret;
    if (has_err) vals[n++] = err;
    if (size == 2)
        for (int i = 0; i < n; i++) vals[i] &= 0xffffu;
    uint32_t faultsel = inner ? (newss_sel & 0xfffcu) + ext : 0;
    sp = seg_push_list(cpu, &newss, sp, vals, n, size, EXC_SS, faultsel);

    /* Commit: nothing below can fault except the accessed-bit writes. */
    if (inner) {
        desc_set_accessed(cpu, newss_sel, &ssd);
        cpu->seg[S_SS] = newss;
        cpu_seg_update_fast(cpu, &cpu->seg[S_SS]);
        if (vm) {
            seg_make_null(cpu, &cpu->seg[S_ES], 0);
            seg_make_null(cpu, &cpu->seg[S_DS], 0);
            seg_make_null(cpu, &cpu->seg[S_FS], 0);
            seg_make_null(cpu, &cpu->seg[S_GS], 0);
        }
    }
    cpu->regs[R_ESP] = sp;
    uint16_t cs_sel = (uint16_t)((sel & 0xfffcu) | (unsigned)newcpl);
    desc_set_accessed(cpu, cs_sel, &cd);
    seg_from_desc(cpu, &cpu->seg[S_CS], cs_sel, &cd);
    cpu->eip = gate32 ? off : (off & 0xffffu);
    uint32_t clear = F_TF | F_NT | F_VM | F_RF;
    if (!(type & 1)) clear |= F_IF; /* interrupt gate, not trap gate */
    cpu->eflags &= ~clear;
}

void cpu_interrupt(CPU *cpu, int vector, uint32_t eip_ret, bool has_err, uint32_t err,
                   bool software)
{
    vector &= 0xff;
    if (cpu->cr[0] & CR0_PE) pm_interrupt(cpu, vector, eip_ret, has_err, err, software);
    else real_interrupt(cpu, vector, eip_ret);
    cpu->halted = false;
    cpu->stop_block = true;
}
