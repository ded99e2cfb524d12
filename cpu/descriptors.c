/* descriptors.c - segment descriptors and segment register loads in real,
 * virtual-8086 and protected mode (SDM vol. 3, chapters 3 and 5).
 */
#include "descriptors.h"

#include "mem.h"

uint32_t desc_base(const Desc *d)
{
    return (d->lo >> 16) | ((d->hi & 0xffu) << 16) | (d->hi & 0xff000000u);
}

uint32_t desc_limit(const Desc *d)
{
    uint32_t lim = (d->lo & 0xffffu) | (d->hi & 0x000f0000u);
    if (d->hi & (1u << 23)) lim = (lim << 12) | 0xfffu; /* G: 4 KiB units */
    return lim;
}

bool desc_fetch(CPU *cpu, uint16_t sel, Desc *d)
{
    uint32_t base, limit;
    if (sel & 4) {
        /* LDT: a null LDTR (unusable) makes every LDT reference fail. */
        if (!(cpu->ldtr.flags & SEGF_P) || (cpu->ldtr.sel & 0xfffcu) == 0) return false;
        base = cpu->ldtr.base;
        limit = cpu->ldtr.limit;
    } else {
        base = cpu->gdtr.base;
        limit = cpu->gdtr.limit;
    }
    uint32_t off = sel & 0xfff8u;
    if (off + 7 > limit) return false;
    d->lo = lin_ld(cpu, base + off, 4);
    d->hi = lin_ld(cpu, base + off + 4, 4);
    return true;
}

void cpu_seg_update_fast(CPU *cpu, const Seg *s)
{
    if (s < cpu->seg || s >= cpu->seg + 6) return;
    SegFast *f = &cpu->segfast[s - cpu->seg];
    bool usable = s->flags & SEGF_P;
    bool data = (s->flags & SEGF_S) && !(s->flags & 8);
    bool expand_down = data && (s->flags & 4);
    /* Execute-only code segments (type bit 1 clear) cannot be read
     * (SDM vol. 3, 5.5): the slow path raises #GP/#SS in protected mode.
     * In real and V86 mode the loads make every segment readable data. */
    bool readable = data || (s->flags & 2);
    if (!usable || expand_down) {
        f->lim = -1;
        f->lim_w = -1;
        return;
    }
    f->lim = readable ? (int64_t)s->limit : -1;
    /* Writes only to writable data segments (type bit 1); code segments
     * and read-only data take the slow path, which raises the fault in
     * protected mode and allows the write in real mode. */
    f->lim_w = (data && (s->flags & 2)) ? (int64_t)s->limit : -1;
}

void cpu_seg_update_fast_all(CPU *cpu)
{
    for (int i = 0; i < 6; i++) cpu_seg_update_fast(cpu, &cpu->seg[i]);
}

void seg_from_desc(CPU *cpu, Seg *s, uint16_t sel, const Desc *d)
{
    s->sel = sel;
    s->base = desc_base(d);
    s->limit = desc_limit(d);
    s->flags = desc_flags(d);
    cpu_seg_update_fast(cpu, s);
}

void seg_make_null(CPU *cpu, Seg *s, uint16_t sel)
{
    s->sel = sel;
    s->base = 0;
    s->limit = 0;
    s->flags = 0;
    cpu_seg_update_fast(cpu, s);
}

void desc_set_accessed(CPU *cpu, uint16_t sel, Desc *d)
{
    if (!desc_s(d) || (d->hi & (1u << 8))) return;
    d->hi |= 1u << 8;
    uint32_t base = (sel & 4) ? cpu->ldtr.base : cpu->gdtr.base;
    lin_st(cpu, base + (sel & 0xfff8u) + 5, (d->hi >> 8) & 0xffu, 1);
}

/* Real mode: the selector and base change; limit and attributes stay, which
 * is what makes "unreal mode" work. The segment becomes a present writable
 * data segment as far as later checks are concerned (Bochs and real parts
 * behave this way; the D/B and G bits are kept). */
void cpu_load_seg_real(CPU *cpu, int sreg, uint16_t sel)
{
    Seg *s = &cpu->seg[sreg];
    s->sel = sel;
    s->base = (uint32_t)sel << 4;
    s->flags = (uint16_t)((s->flags & (SEGF_DB | SEGF_G)) | SEGF_P | SEGF_S | 0x3u);
    cpu_seg_update_fast(cpu, s);
}

/* Virtual-8086 mode (SDM vol. 3, 20.1.1): base = sel << 4, limit 64 KiB,
 * a present DPL 3 read/write data segment. */
static void load_seg_v86(CPU *cpu, int sreg, uint16_t sel)
{
    Seg *s = &cpu->seg[sreg];
    s->sel = sel;
    s->base = (uint32_t)sel << 4;
    s->limit = 0xffff;
    s->flags = SEGF_P | SEGF_S | SEGF_DPL | 0x3u;
    cpu_seg_update_fast(cpu, s);
}

void desc_check_ss(CPU *cpu, uint16_t sel, int cpl, Desc *d, int vec)
{
    if ((sel & 0xfffcu) == 0) cpu_raise_err(cpu, vec, 0);
    if (!desc_fetch(cpu, sel, d)) cpu_raise_err(cpu, vec, sel & 0xfffcu);
    if ((int)(sel & 3) != cpl || !desc_s(d) || (desc_type(d) & 0xa) != 0x2 ||
        (int)desc_dpl(d) != cpl)
        cpu_raise_err(cpu, vec, sel & 0xfffcu);
    /* A stack segment that is not present is #SS(sel) for MOV/POP SS,
     * interrupt and call-gate stack switches alike (SDM vol. 2, MOV, INT n,
     * CALL); task switches check it themselves (cpu/task.c). */
    if (!desc_p(d)) cpu_raise_err(cpu, EXC_SS, sel & 0xfffcu);
}

void lin_probe_write(CPU *cpu, uint32_t lin, uint8_t byte)
{
    uint32_t phys;
    if (!(cpu->cr[0] & CR0_PG) || lin_probe(cpu, lin, ACC_WRITE, false, &phys)) return;
    /* The walk says this store faults: make it, so the #PF is raised with
     * the right error code and CR2. `byte` is what the real store will put
     * there, so nothing changes even through a stale TLB entry. */
    lin_st(cpu, lin, byte, 1);
}

void tss_inner_stack(CPU *cpu, int dpl, uint16_t *ss, uint32_t *sp, uint32_t ext)
{
    /* 32-bit TSS: ESPn at 4 + 8n, SSn at 8 + 8n; 16-bit TSS: SPn at
     * 2 + 4n, SSn at 4 + 4n (SDM vol. 3, 7.2.1 and 7.6). */
    bool tss32 = cpu->tr.flags & 8;
    uint32_t pos = tss32 ? 4u + 8u * (uint32_t)dpl : 2u + 4u * (uint32_t)dpl;
    uint32_t need = tss32 ? 7 : 3;
    if (pos + need > cpu->tr.limit) cpu_raise_err(cpu, EXC_TS, (cpu->tr.sel & 0xfffcu) + ext);
    if (tss32) {
        *sp = lin_ld(cpu, cpu->tr.base + pos, 4);
        *ss = (uint16_t)lin_ld(cpu, cpu->tr.base + pos + 4, 2);
    } else {
        *sp = lin_ld(cpu, cpu->tr.base + pos, 2);
        *ss = (uint16_t)lin_ld(cpu, cpu->tr.base + pos + 2, 2);
    }
}

uint32_t seg_push_list(CPU *cpu, const Seg *s, uint32_t sp, const uint32_t *v, int n, int size,
                       int vec, uint32_t err)
{
    uint32_t mask = (s->flags & SEGF_DB) ? 0xffffffffu : 0xffffu;
    uint32_t p = sp;
    for (int i = 0; i < n; i++) {
        p = (p - (uint32_t)size) & mask;
        seg_check_limit(cpu, s, p, size, vec, err);
    }
    /* Probe every page before the first store, so that a #PF on the
     * second page does not leave the first half written. */
    p = sp;
    for (int i = 0; i < n; i++) {
        p = (p - (uint32_t)size) & mask;
        lin_probe_write(cpu, s->base + p, (uint8_t)v[i]);
        lin_probe_write(cpu, s->base + p + (uint32_t)size - 1, (uint8_t)(v[i] >> (8 * (size - 1))));
    }
    p = sp;
    for (int i = 0; i < n; i++) {
        p = (p - (uint32_t)size) & mask;
        lin_st(cpu, s->base + p, v[i], size);
        /* Stack frames of far calls and interrupts are data writes for
         * the debug registers too. */
        if (cpu->dr[7] & 0xffu) cpu_check_data_breakpoint(cpu, s->base + p, size, true);
    }
    return (sp & ~mask) | p;
}

/* Protected mode MOV/POP/LxS to a segment register (SDM vol. 2, MOV
 * "Operation"): SS needs a writable data segment at CPL; the data segment
 * registers accept data or readable code, with DPL >= max(CPL, RPL) unless
 * the code is conforming; a null selector is allowed for them. */
static void load_seg_pm(CPU *cpu, int sreg, uint16_t sel)
{
    Seg *s = &cpu->seg[sreg];
    int cpl = cpu_cpl(cpu);
    Desc d;
    if (sreg == S_SS) {
        desc_check_ss(cpu, sel, cpl, &d, EXC_GP);
    } else if (sreg == S_CS) {
        desc_check_code_xfer(cpu, sel, &d);
        sel = (uint16_t)((sel & 0xfffcu) | (unsigned)cpl);
    } else {
        if ((sel & 0xfffcu) == 0) {
            seg_make_null(cpu, s, sel);
            return;
        }
        if (!desc_fetch(cpu, sel, &d)) cpu_raise_err(cpu, EXC_GP, sel & 0xfffcu);
        unsigned type = desc_type(&d);
        if (!desc_s(&d) || (type & 0xa) == 0x8) /* system, or execute-only code */
            cpu_raise_err(cpu, EXC_GP, sel & 0xfffcu);
        if (!desc_conforming(&d)) {
            int rpl = sel & 3;
            if (rpl > (int)desc_dpl(&d) || cpl > (int)desc_dpl(&d))
                cpu_raise_err(cpu, EXC_GP, sel & 0xfffcu);
        }
        if (!desc_p(&d)) cpu_raise_err(cpu, EXC_NP, sel & 0xfffcu);
    }
    desc_set_accessed(cpu, sel, &d);
    seg_from_desc(cpu, s, sel, &d);
}

void cpu_load_seg(CPU *cpu, int sreg, uint16_t sel)
{
    if (sreg < 0 || sreg > S_GS) cpu_raise(cpu, EXC_UD);
    if (!(cpu->cr[0] & CR0_PE)) cpu_load_seg_real(cpu, sreg, sel);
    else if (cpu->eflags & F_VM) load_seg_v86(cpu, sreg, sel);
    else load_seg_pm(cpu, sreg, sel);
}

void desc_check_code_xfer(CPU *cpu, uint16_t sel, Desc *d)
{
    int cpl = cpu_cpl(cpu);
    if ((sel & 0xfffcu) == 0) cpu_raise_err(cpu, EXC_GP, 0);
    if (!desc_fetch(cpu, sel, d)) cpu_raise_err(cpu, EXC_GP, sel & 0xfffcu);
    /* Call gates, task gates and TSS descriptors: not yet supported. */
    if (!desc_code(d)) cpu_raise_err(cpu, EXC_GP, sel & 0xfffcu);
    if (desc_conforming(d)) {
        if ((int)desc_dpl(d) > cpl) cpu_raise_err(cpu, EXC_GP, sel & 0xfffcu);
    } else if ((int)(sel & 3) > cpl || (int)desc_dpl(d) != cpl) {
        cpu_raise_err(cpu, EXC_GP, sel & 0xfffcu);
    }
    if (!desc_p(d)) cpu_raise_err(cpu, EXC_NP, sel & 0xfffcu);
}

void desc_check_code_ret(CPU *cpu, uint16_t sel, Desc *d)
{
    int cpl = cpu_cpl(cpu);
    int rpl = sel & 3;
    if ((sel & 0xfffcu) == 0) cpu_raise_err(cpu, EXC_GP, 0);
    if (!desc_fetch(cpu, sel, d)) cpu_raise_err(cpu, EXC_GP, sel & 0xfffcu);
    if (!desc_code(d) || rpl < cpl) cpu_raise_err(cpu, EXC_GP, sel & 0xfffcu);
    if (desc_conforming(d) ? (int)desc_dpl(d) > rpl : (int)desc_dpl(d) != rpl)
        cpu_raise_err(cpu, EXC_GP, sel & 0xfffcu);
    if (!desc_p(d)) cpu_raise_err(cpu, EXC_NP, sel & 0xfffcu);
}

void seg_null_invalid(CPU *cpu, int cpl)
{
    static const int regs[4] = {S_ES, S_DS, S_FS, S_GS};
    for (int i = 0; i < 4; i++) {
        Seg *s = &cpu->seg[regs[i]];
        bool code = (s->flags & SEGF_S) && (s->flags & 8);
        bool conforming = code && (s->flags & 4);
        int dpl = (s->flags & SEGF_DPL) >> 5;
        if ((s->flags & SEGF_P) && !conforming && dpl < cpl) seg_make_null(cpu, s, 0);
    }
}

void seg_check_limit(CPU *cpu, const Seg *s, uint32_t off, int size, int vec, uint32_t err)
{
    uint64_t last = (uint64_t)off + (uint64_t)size - 1;
    bool pm = (cpu->cr[0] & CR0_PE) && !(cpu->eflags & F_VM);
    bool expand_down = (s->flags & SEGF_S) && !(s->flags & 8) && (s->flags & 4);
    if (pm && expand_down) {
        uint64_t upper = (s->flags & SEGF_DB) ? 0xffffffffull : 0xffffull;
        if (off <= s->limit || last > upper) cpu_raise_err(cpu, vec, err);
    } else if (last > s->limit) {
        cpu_raise_err(cpu, vec, err);
    }
}
