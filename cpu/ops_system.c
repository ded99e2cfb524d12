/* ops_system.c - system instructions: CLI/STI, HLT, CPUID, RDTSC, the
 * descriptor-table registers (LGDT/LIDT/SGDT/SIDT/LLDT/SLDT/LTR/STR), the
 * machine status word (LMSW/SMSW/CLTS), MOV to/from CRn and DRn, cache and
 * TLB control (WBINVD/INVD/INVLPG) and the protection queries
 * (ARPL/LAR/LSL/VERR/VERW).
 *
 * Privileged instructions raise #GP(0) at CPL > 0, which includes
 * virtual-8086 mode (SDM vol. 3, 2.8 "System instruction summary").
 */
#include <capstone/capstone.h>

#include "descriptors.h"
#include "flags.h"
#include "mem.h"
#include "ops_ctl.h"

/* CR4 bits this CPU implements: TSD, DE (I/O breakpoints, DR4/DR5 #UD),
 * PSE (4 MiB pages), PGE (global pages), PCE (RDPMC at CPL > 0). Not VME,
 * PVI, PAE or MCE, which CPUID does not report either; writing any bit
 * that is not implemented is #GP(0) (SDM vol. 2, MOV CRn). */
#define CR4_VALID (CR4_TSD | CR4_DE | CR4_PSE | CR4_PGE | CR4_PCE)
#define CR0_VALID (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | \
                   CR0_AM | CR0_NW | CR0_CD | CR0_PG)

static void need_cpl0(CPU *cpu)
{
    if (cpu_cpl(cpu) != 0) cpu_raise_err(cpu, EXC_GP, 0);
}

/* Instructions that exist only in protected mode (#UD in real and
 * virtual-8086 mode): LLDT, SLDT, LTR, STR, ARPL, LAR, LSL, VERR, VERW. */
static void need_pm(CPU *cpu)
{
    if (!cpu_pe(cpu) || (cpu->eflags & F_VM)) cpu_raise(cpu, EXC_UD);
}

/* CLI/STI are IOPL-sensitive: #GP(0) when CPL > IOPL in protected mode,
 * or IOPL < 3 in virtual-8086 mode (no VME/PVI; SDM vol. 2, CLI/STI). */
static void check_iopl(CPU *cpu)
{
    if (!cpu_pe(cpu)) return;
    int iopl = (int)((cpu->eflags & F_IOPL) >> 12);
    if (cpu_cpl(cpu) > iopl) cpu_raise_err(cpu, EXC_GP, 0);
}

static int op_cli(CPU *cpu, const Insn *in)
{
    (void)in;
    check_iopl(cpu);
    cpu->eflags &= ~F_IF;
    return OPR_NEXT;
}

/* STI: when IF was clear, interrupts stay blocked until after the next
 * instruction (SDM vol. 2, STI). An STI that finds IF set starts no
 * shadow, and one that covered it ends with it ("STI; STI; RET":
 * interrupts may be recognized before RET); the run loop only drops a
 * shadow it sees at another EIP, which a loop ending in STI never shows
 * (gfuzz seed 16 case 956151). The block ends so the run loop sees it. */
static int op_sti(CPU *cpu, const Insn *in)
{
    check_iopl(cpu);
    if (!(cpu->eflags & F_IF)) {
        cpu->inhibit_irq = true;
        cpu->inhibit_eip = in->next_eip;
    } else {
        cpu->inhibit_irq = false;
    }
    cpu->eflags |= F_IF;
    cpu->stop_block = true;
    return OPR_NEXT;
}

static int op_hlt(CPU *cpu, const Insn *in)
{
    need_cpl0(cpu);
    cpu->halted = true;
    cpu->eip = in->next_eip;
    return OPR_JUMP;
}

/* CPUID for a P6 family part (family 6, model 3, stepping 3: the
 * signature of a Pentium II, see CPU_SIGNATURE) without MMX/SSE, PAE, PAT,
 * MCE/MCA, a local APIC or VME. Leaf 1 EDX (SDM vol. 2, CPUID, table
 * 3-11): FPU (0), DE (2), PSE (3), TSC (4), MSR (5), CX8 (8), SEP (11),
 * MTRR (12), PGE (13), CMOV (15).
 * Leaves above the maximum return the highest basic leaf (SDM vol. 2,
 * CPUID). */
static int op_cpuid(CPU *cpu, const Insn *in)
{
    (void)in;
    uint32_t leaf = cpu->regs[R_EAX];
    if (leaf == 0) {
        cpu->regs[R_EAX] = 1;
        cpu->regs[R_EBX] = 0x756e6547u; /* "Genu" */
        cpu->regs[R_EDX] = 0x49656e69u; /* "ineI" */
        cpu->regs[R_ECX] = 0x6c65746eu; /* "ntel" */
    } else {
        cpu->regs[R_EAX] = CPU_SIGNATURE;
        cpu->regs[R_EBX] = 0;
        cpu->regs[R_ECX] = 0;
        cpu->regs[R_EDX] = CPU_CPUID_1_EDX;
    }
    return OPR_NEXT;
}

/* RDTSC: the counter is the instruction count plus an offset, so that runs
 * are deterministic. CR4.TSD makes it privileged. */
static int op_rdtsc(CPU *cpu, const Insn *in)
{
    (void)in;
    if ((cpu->cr[4] & CR4_TSD) && cpu_cpl(cpu) != 0) cpu_raise_err(cpu, EXC_GP, 0);
    uint64_t t = cpu_tsc_base(cpu) + cpu->tsc_offset;
    cpu->regs[R_EAX] = (uint32_t)t;
    cpu->regs[R_EDX] = (uint32_t)(t >> 32);
    return OPR_NEXT;
}

/* LGDT/LIDT m16&32: limit word then base dword; with a 16-bit operand size
 * only 24 bits of base are loaded (SDM vol. 2, LGDT). */
static void load_dtr(CPU *cpu, const Insn *in, DescTable *t)
{
    const Operand *m = &in->op[0];
    if (m->kind != OPK_MEM) cpu_raise(cpu, EXC_UD);
    need_cpl0(cpu);
    uint32_t ea = op_ea(cpu, in, m);
    uint32_t amask = in->addrsize == 2 ? 0xffffu : 0xffffffffu;
    uint32_t limit = cpu_ld16(cpu, m->seg, ea);
    uint32_t base = cpu_ld32(cpu, m->seg, (ea + 2) & amask);
    if (in->opsize == 2) base &= 0x00ffffffu;
    t->limit = limit;
    t->base = base;
}

static int op_lgdt(CPU *cpu, const Insn *in)
{
    load_dtr(cpu, in, &cpu->gdtr);
    return OPR_NEXT;
}

static int op_lidt(CPU *cpu, const Insn *in)
{
    load_dtr(cpu, in, &cpu->idtr);
    return OPR_NEXT;
}

/* SGDT/SIDT store the limit and the full 32-bit base for either operand
 * size (SDM vol. 2, SGDT). Not privileged on this CPU (no UMIP). */
static void store_dtr(CPU *cpu, const Insn *in, const DescTable *t)
{
    const Operand *m = &in->op[0];
    if (m->kind != OPK_MEM) cpu_raise(cpu, EXC_UD);
    uint32_t ea = op_ea(cpu, in, m);
    uint32_t amask = in->addrsize == 2 ? 0xffffu : 0xffffffffu;
    uint32_t ea2 = (ea + 2) & amask;
    cpu_check_seg(cpu, m->seg, ea, 2, true);
    cpu_check_seg(cpu, m->seg, ea2, 4, true);
    cpu_st16(cpu, m->seg, ea, (uint16_t)t->limit);
    cpu_st32(cpu, m->seg, ea2, t->base);
}

static int op_sgdt(CPU *cpu, const Insn *in)
{
    store_dtr(cpu, in, &cpu->gdtr);
    return OPR_NEXT;
}

static int op_sidt(CPU *cpu, const Insn *in)
{
    store_dtr(cpu, in, &cpu->idtr);
    return OPR_NEXT;
}

/* CR0 writes (SDM vol. 3, 2.5 and vol. 2, MOV CRn): ET is hardwired to 1
 * on P6; PG without PE and NW without CD are #GP(0); reserved bits are
 * ignored. Any change may alter translation, so the TLB is flushed and the
 * block ends. */
void sys_write_cr0(CPU *cpu, uint32_t v)
{
    v = (v & CR0_VALID) | CR0_ET;
    if ((v & CR0_PG) && !(v & CR0_PE)) cpu_raise_err(cpu, EXC_GP, 0);
    if ((v & CR0_NW) && !(v & CR0_CD)) cpu_raise_err(cpu, EXC_GP, 0);
    cpu->cr[0] = v;
    tlb_flush(cpu);
    cpu->stop_block = true;
}

/* LMSW loads PE, MP, EM, TS from the low 4 bits; it can set PE but not
 * clear it (SDM vol. 2, LMSW). */
static int op_lmsw(CPU *cpu, const Insn *in)
{
    need_cpl0(cpu);
    uint32_t v = op_read(cpu, in, &in->op[0]) & 0xfu;
    uint32_t cr0 = cpu->cr[0];
    sys_write_cr0(cpu, (cr0 & ~0xeu) | v | (cr0 & CR0_PE));
    return OPR_NEXT;
}

/* SMSW: to memory 16 bits; to a 32-bit register the whole of CR0 (P6). */
static int op_smsw(CPU *cpu, const Insn *in)
{
    op_write(cpu, in, &in->op[0], cpu->cr[0]);
    return OPR_NEXT;
}

static int op_clts(CPU *cpu, const Insn *in)
{
    (void)in;
    need_cpl0(cpu);
    cpu->cr[0] &= ~CR0_TS;
    return OPR_NEXT;
}

/* DR4/DR5 alias DR6/DR7 unless CR4.DE is set, when they are #UD. */
static int dr_index(CPU *cpu, int n)
{
    if (n == 4 || n == 5) {
        if (cpu->cr[4] & CR4_DE) cpu_raise(cpu, EXC_UD);
        return n + 2;
    }
    if (n > 7) cpu_raise(cpu, EXC_UD);
    return n;
}

/* DR7.GD: any MOV to or from a debug register is a #DB fault with DR6.BD,
 * and GD is cleared so the handler can use the registers (SDM vol. 3,
 * 17.2.4). Checked after #GP and #UD (vol. 2, MOV DRn). */
static void general_detect(CPU *cpu, int n)
{
    (void)dr_index(cpu, n);
    if (cpu->dr[7] & DR7_GD) {
        cpu->dr[6] |= DR6_BD;
        cpu->dr[7] &= ~DR7_GD;
        cpu_raise(cpu, EXC_DB);
    }
}

int sys_mov_ctl(CPU *cpu, const Insn *in)
{
    const Operand *d = &in->op[0], *s = &in->op[1];
    need_cpl0(cpu);
    if (s->kind == OPK_DREG) general_detect(cpu, s->reg);
    if (d->kind == OPK_DREG) general_detect(cpu, d->reg);
    if (s->kind == OPK_CREG) {
        if (s->reg == 1 || s->reg > 4) cpu_raise(cpu, EXC_UD);
        reg_write(cpu, d->reg, 4, cpu->cr[s->reg]);
        return OPR_NEXT;
    }
    if (s->kind == OPK_DREG) {
        reg_write(cpu, d->reg, 4, cpu->dr[dr_index(cpu, s->reg)]);
        return OPR_NEXT;
    }
    uint32_t v = reg_read(cpu, s->reg, 4);
    if (d->kind == OPK_CREG) {
        switch (d->reg) {
        case 0:
            sys_write_cr0(cpu, v);
            break;
        case 2:
            cpu->cr[2] = v;
            break;
        case 3:
            /* Page-directory base, PWT and PCD; other bits are ignored. */
            cpu->cr[3] = v & 0xfffff018u;
            /* A CR3 load keeps global-page entries (SDM vol. 3, 4.10.4.1). */
            tlb_flush_nonglobal(cpu);
            cpu->stop_block = true;
            break;
        case 4:
            if (v & ~CR4_VALID) cpu_raise_err(cpu, EXC_GP, 0);
            cpu->cr[4] = v;
            tlb_flush(cpu);
            cpu->stop_block = true;
            break;
        default:
            cpu_raise(cpu, EXC_UD);
        }
        return OPR_NEXT;
    }
    /* Debug registers: the breakpoints they describe are checked by
     * cpu/debug.c. DR6/DR7 reserved bits read back as the SDM specifies
     * (17.2.3, 17.2.4). A DR7 write ends the block so the run loop sees
     * newly enabled breakpoints. */
    int n = dr_index(cpu, d->reg);
    if (n == 6) v = (v & 0x0000e00fu) | 0xffff0ff0u;
    else if (n == 7) v = (v & ~0x0000d800u) | 0x00000400u;
    cpu->dr[n] = v;
    cpu->stop_block = true;
    return OPR_NEXT;
}

static int op_cache(CPU *cpu, const Insn *in)
{
    (void)in;
    need_cpl0(cpu);
    return OPR_NEXT;
}

/* INVLPG m: drop the TLB entries of the page holding the linear address
 * of m, global or not (SDM vol. 2, INVLPG). */
static int op_invlpg(CPU *cpu, const Insn *in)
{
    if (in->op[0].kind != OPK_MEM) cpu_raise(cpu, EXC_UD);
    need_cpl0(cpu);
    uint32_t lin = cpu->seg[in->op[0].seg].base + op_ea(cpu, in, &in->op[0]);
    tlb_flush_page(cpu, lin);
    cpu->stop_block = true;
    return OPR_NEXT;
}

static int op_sldt(CPU *cpu, const Insn *in)
{
    need_pm(cpu);
    op_write(cpu, in, &in->op[0], cpu->ldtr.sel);
    return OPR_NEXT;
}

static int op_str(CPU *cpu, const Insn *in)
{
    need_pm(cpu);
    op_write(cpu, in, &in->op[0], cpu->tr.sel);
    return OPR_NEXT;
}

/* LLDT: a GDT descriptor of type 2 (LDT); a null selector leaves the LDTR
 * unusable (SDM vol. 2, LLDT). */
static int op_lldt(CPU *cpu, const Insn *in)
{
    need_pm(cpu);
    need_cpl0(cpu);
    uint16_t sel = (uint16_t)op_read(cpu, in, &in->op[0]);
    if ((sel & 0xfffcu) == 0) {
        seg_make_null(cpu, &cpu->ldtr, sel);
        return OPR_NEXT;
    }
    Desc d;
    if ((sel & 4) || !desc_fetch(cpu, sel, &d)) cpu_raise_err(cpu, EXC_GP, sel & 0xfffcu);
    if (desc_s(&d) || desc_type(&d) != 2) cpu_raise_err(cpu, EXC_GP, sel & 0xfffcu);
    if (!desc_p(&d)) cpu_raise_err(cpu, EXC_NP, sel & 0xfffcu);
    seg_from_desc(cpu, &cpu->ldtr, sel, &d);
    return OPR_NEXT;
}

/* LTR: an available TSS (type 1 or 9) in the GDT, which becomes busy. */
static int op_ltr(CPU *cpu, const Insn *in)
{
    need_pm(cpu);
    need_cpl0(cpu);
    uint16_t sel = (uint16_t)op_read(cpu, in, &in->op[0]);
    if ((sel & 0xfffcu) == 0) cpu_raise_err(cpu, EXC_GP, 0);
    Desc d;
    if ((sel & 4) || !desc_fetch(cpu, sel, &d)) cpu_raise_err(cpu, EXC_GP, sel & 0xfffcu);
    unsigned type = desc_type(&d);
    if (desc_s(&d) || (type != 1 && type != 9)) cpu_raise_err(cpu, EXC_GP, sel & 0xfffcu);
    if (!desc_p(&d)) cpu_raise_err(cpu, EXC_NP, sel & 0xfffcu);
    d.hi |= 2u << 8; /* busy */
    lin_st(cpu, cpu->gdtr.base + (sel & 0xfff8u) + 5, (d.hi >> 8) & 0xffu, 1);
    seg_from_desc(cpu, &cpu->tr, sel, &d);
    return OPR_NEXT;
}

/* ARPL dst, src: raise dst's RPL to src's, ZF tells whether it changed. */
static int op_arpl(CPU *cpu, const Insn *in)
{
    need_pm(cpu);
    uint32_t dst = op_read(cpu, in, &in->op[0]);
    uint32_t src = op_read(cpu, in, &in->op[1]);
    if ((dst & 3) < (src & 3)) {
        op_write(cpu, in, &in->op[0], (dst & ~3u) | (src & 3));
        cpu->eflags |= F_ZF;
    } else {
        cpu->eflags &= ~F_ZF;
    }
    return OPR_NEXT;
}

/* The common part of LAR/LSL/VERR/VERW: fetch the descriptor and apply
 * the privilege rule (non-conforming segments need DPL >= CPL and
 * DPL >= RPL). Returns false when the selector does not qualify. */
static bool query_desc(CPU *cpu, uint16_t sel, Desc *d)
{
    if ((sel & 0xfffcu) == 0 || !desc_fetch(cpu, sel, d)) return false;
    if (desc_conforming(d)) return true;
    int dpl = (int)desc_dpl(d);
    return dpl >= cpu_cpl(cpu) && dpl >= (int)(sel & 3);
}

static void set_zf(CPU *cpu, bool z)
{
    cpu->eflags = z ? (cpu->eflags | F_ZF) : (cpu->eflags & ~F_ZF);
}

/* System descriptor types LAR accepts: 16-bit TSS (1, 3), LDT (2), call
 * gates (4, 12), task gate (5), 32-bit TSS (9, 11); LSL only those with a
 * limit: 1, 2, 3, 9, 11. */
static int op_lar_lsl(CPU *cpu, const Insn *in)
{
    need_pm(cpu);
    bool lsl = in->id == X86_INS_LSL;
    uint16_t sel = (uint16_t)op_read(cpu, in, &in->op[1]);
    Desc d;
    bool ok = query_desc(cpu, sel, &d);
    if (ok && !desc_s(&d)) {
        unsigned t = desc_type(&d);
        unsigned okset = lsl ? 0x0a0eu : 0x1a3eu;
        ok = (okset >> t) & 1;
    }
    set_zf(cpu, ok);
    if (!ok) return OPR_NEXT;
    uint32_t v = lsl ? desc_limit(&d) : (d.hi & 0x00f0ff00u);
    reg_write(cpu, in->op[0].reg, in->opsize, v);
    return OPR_NEXT;
}

static int op_verr_verw(CPU *cpu, const Insn *in)
{
    need_pm(cpu);
    uint16_t sel = (uint16_t)op_read(cpu, in, &in->op[0]);
    Desc d;
    bool ok = query_desc(cpu, sel, &d) && desc_s(&d);
    if (ok) {
        unsigned t = desc_type(&d);
        if (in->id == X86_INS_VERR) ok = !(t & 8) || (t & 2);  /* data, or readable code */
        else ok = !(t & 8) && (t & 2);                         /* writable data */
    }
    set_zf(cpu, ok);
    return OPR_NEXT;
}

void ops_register_system(void)
{
    ops_table[X86_INS_CLI] = op_cli;
    ops_table[X86_INS_STI] = op_sti;
    ops_table[X86_INS_HLT] = op_hlt;
    ops_table[X86_INS_CPUID] = op_cpuid;
    ops_table[X86_INS_RDTSC] = op_rdtsc;
    ops_table[X86_INS_LGDT] = op_lgdt;
    ops_table[X86_INS_LIDT] = op_lidt;
    ops_table[X86_INS_SGDT] = op_sgdt;
    ops_table[X86_INS_SIDT] = op_sidt;
    ops_table[X86_INS_LMSW] = op_lmsw;
    ops_table[X86_INS_SMSW] = op_smsw;
    ops_table[X86_INS_CLTS] = op_clts;
    ops_table[X86_INS_WBINVD] = op_cache;
    ops_table[X86_INS_INVD] = op_cache;
    ops_table[X86_INS_INVLPG] = op_invlpg;
    ops_table[X86_INS_SLDT] = op_sldt;
    ops_table[X86_INS_STR] = op_str;
    ops_table[X86_INS_LLDT] = op_lldt;
    ops_table[X86_INS_LTR] = op_ltr;
    ops_table[X86_INS_ARPL] = op_arpl;
    ops_table[X86_INS_LAR] = op_lar_lsl;
    ops_table[X86_INS_LSL] = op_lar_lsl;
    ops_table[X86_INS_VERR] = op_verr_verw;
    ops_table[X86_INS_VERW] = op_verr_verw;
    ops_register_msr();
}
