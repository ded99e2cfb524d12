/* task.c - hardware task switching (SDM vol. 3, 7.3 "Task Switching").
 *
 * TSS layouts (7.2.1 and 7.6, figures 7-2 and 7-11):
 *   32-bit (limit >= 67h): 00 link, 04 ESP0, 08 SS0, 0C ESP1, 10 SS1,
 *     14 ESP2, 18 SS2, 1C CR3, 20 EIP, 24 EFLAGS, 28-44 EAX ECX EDX EBX ESP
 *     EBP ESI EDI, 48-5C ES CS SS DS FS GS, 60 LDT, 64 T (bit 0),
 *     66 I/O map base.
 *   16-bit (limit >= 2Bh): 00 link, 02 SP0, 04 SS0, 06 SP1, 08 SS1,
 *     0A SP2, 0C SS2, 0E IP, 10 FLAGS, 12-20 AX CX DX BX SP BP SI DI,
 *     22-28 ES CS SS DS, 2A LDT.
 * The processor writes only the dynamic fields (EIP, EFLAGS, the general
 * and segment registers, and the link of the new task); CR3 and the LDT
 * selector are read but never saved.
 */
#include "task.h"

#include "descriptors.h"
#include "mem.h"

/* Everything a task switch loads, read from the new TSS before the commit
 * point so that a fault there changes nothing. */
typedef struct TaskImage {
    uint32_t eip, eflags, cr3;
    uint32_t regs[8];
    uint16_t segs[6];   /* ES CS SS DS FS GS (FS and GS 0 in a 16-bit TSS) */
    uint16_t ldt;
    bool trap;          /* T bit: #DB after the switch (17.3.1.5) */
} TaskImage;

static void read_image(CPU *cpu, uint32_t base, bool t32, TaskImage *im)
{
    if (t32) {
        im->cr3 = lin_ld(cpu, base + 0x1c, 4);
        im->eip = lin_ld(cpu, base + 0x20, 4);
        im->eflags = lin_ld(cpu, base + 0x24, 4);
        for (int i = 0; i < 8; i++) im->regs[i] = lin_ld(cpu, base + 0x28 + 4u * (uint32_t)i, 4);
        for (int i = 0; i < 6; i++) im->segs[i] = (uint16_t)lin_ld(cpu, base + 0x48 + 4u * (uint32_t)i, 2);
        im->ldt = (uint16_t)lin_ld(cpu, base + 0x60, 2);
        im->trap = lin_ld(cpu, base + 0x64, 2) & 1u;
    } else {
        im->cr3 = cpu->cr[3];
        im->eip = lin_ld(cpu, base + 0x0e, 2);
        /* A 16-bit task gets the upper halves of the general registers
         * set to FFFFh (what Bochs and QEMU do, modelling the 386; the SDM
         * leaves it unspecified) and keeps EFLAGS bits 16-31 but VM. */
        im->eflags = (cpu->eflags & 0xffff0000u & ~F_VM) | lin_ld(cpu, base + 0x10, 2);
        for (int i = 0; i < 8; i++)
            im->regs[i] = 0xffff0000u | lin_ld(cpu, base + 0x12 + 2u * (uint32_t)i, 2);
        for (int i = 0; i < 4; i++) im->segs[i] = (uint16_t)lin_ld(cpu, base + 0x22 + 2u * (uint32_t)i, 2);
        im->segs[S_FS] = im->segs[S_GS] = 0;
        im->ldt = (uint16_t)lin_ld(cpu, base + 0x2a, 2);
        im->trap = false;
    }
}

/* Save the outgoing task's dynamic fields (7.3, step 8). */
static void save_state(CPU *cpu, uint32_t base, bool t32, uint32_t eip, uint32_t eflags)
{
    if (t32) {
        lin_st(cpu, base + 0x20, eip, 4);
        lin_st(cpu, base + 0x24, eflags, 4);
        for (int i = 0; i < 8; i++) lin_st(cpu, base + 0x28 + 4u * (uint32_t)i, cpu->regs[i], 4);
        for (int i = 0; i < 6; i++) lin_st(cpu, base + 0x48 + 4u * (uint32_t)i, cpu->seg[i].sel, 2);
    } else {
        lin_st(cpu, base + 0x0e, eip & 0xffffu, 2);
        lin_st(cpu, base + 0x10, eflags & 0xffffu, 2);
        for (int i = 0; i < 8; i++) lin_st(cpu, base + 0x12 + 2u * (uint32_t)i, cpu->regs[i] & 0xffffu, 2);
        for (int i = 0; i < 4; i++) lin_st(cpu, base + 0x22 + 2u * (uint32_t)i, cpu->seg[i].sel, 2);
    }
}

/* Set or clear the busy bit (type bit 1) of the TSS descriptor sel in the
 * GDT (7.2.2). */
static void set_busy(CPU *cpu, uint16_t sel, bool busy)
{
    uint32_t a = cpu->gdtr.base + (sel & 0xfff8u) + 5;
    uint32_t b = lin_ld(cpu, a, 1);
    lin_st(cpu, a, busy ? (b | 2u) : (b & ~2u), 1);
}

/* The new task's LDTR (table 7-1: invalid or not present -> #TS(LDT)). */
static void load_ldt(CPU *cpu, uint16_t sel)
{
    if ((sel & 0xfffcu) == 0) {
        seg_make_null(cpu, &cpu->ldtr, sel);
        return;
    }
    Desc d;
    uint32_t err = sel & 0xfffcu;
    if ((sel & 4) || !desc_fetch(cpu, sel, &d)) cpu_raise_err(cpu, EXC_TS, err);
    if (desc_s(&d) || desc_type(&d) != 2 || !desc_p(&d)) cpu_raise_err(cpu, EXC_TS, err);
    seg_from_desc(cpu, &cpu->ldtr, sel, &d);
}

/* The new task's segment registers in protected mode (table 7-1). CPL is
 * the RPL of the new CS. */
static void load_segs_pm(CPU *cpu, const uint16_t *segs)
{
    Desc d;
    uint16_t cs = segs[S_CS];
    int cpl = cs & 3;
    uint32_t err = cs & 0xfffcu;
    if ((cs & 0xfffcu) == 0 || !desc_fetch(cpu, cs, &d) || !desc_code(&d))
        cpu_raise_err(cpu, EXC_TS, err);
    if (desc_conforming(&d) ? (int)desc_dpl(&d) > cpl : (int)desc_dpl(&d) != cpl)
        cpu_raise_err(cpu, EXC_TS, err);
    if (!desc_p(&d)) cpu_raise_err(cpu, EXC_NP, err);
    desc_set_accessed(cpu, cs, &d);
    seg_from_desc(cpu, &cpu->seg[S_CS], cs, &d);

    uint16_t ss = segs[S_SS];
    err = ss & 0xfffcu;
    if ((ss & 0xfffcu) == 0 || !desc_fetch(cpu, ss, &d)) cpu_raise_err(cpu, EXC_TS, err);
    if ((int)(ss & 3) != cpl || !desc_s(&d) || (desc_type(&d) & 0xa) != 0x2 ||
        (int)desc_dpl(&d) != cpl)
        cpu_raise_err(cpu, EXC_TS, err);
    if (!desc_p(&d)) cpu_raise_err(cpu, EXC_SS, err);
    desc_set_accessed(cpu, ss, &d);
    seg_from_desc(cpu, &cpu->seg[S_SS], ss, &d);

    static const int data[4] = {S_ES, S_DS, S_FS, S_GS};
    for (int i = 0; i < 4; i++) {
        uint16_t sel = segs[data[i]];
        Seg *s = &cpu->seg[data[i]];
        err = sel & 0xfffcu;
        if ((sel & 0xfffcu) == 0) {
            seg_make_null(cpu, s, sel);
            continue;
        }
        if (!desc_fetch(cpu, sel, &d) || !desc_s(&d) || (desc_type(&d) & 0xa) == 0x8)
            cpu_raise_err(cpu, EXC_TS, err);   /* not data or readable code */
        if (!desc_conforming(&d) &&
            ((int)desc_dpl(&d) < cpl || (int)desc_dpl(&d) < (int)(sel & 3)))
            cpu_raise_err(cpu, EXC_TS, err);
        if (!desc_p(&d)) cpu_raise_err(cpu, EXC_NP, err);
        desc_set_accessed(cpu, sel, &d);
        seg_from_desc(cpu, s, sel, &d);
    }
}

void task_switch(CPU *cpu, uint16_t sel, int reason, uint32_t ret_eip, bool has_err,
                 uint32_t err, uint32_t ext)
{
    /* Checks on the new TSS descriptor (7.3 steps 2-4, table 7-1). IRET
     * reports a bad back link as #TS, the others as #GP. */
    int bad = reason == TS_IRET ? EXC_TS : EXC_GP;
    uint32_t serr = (sel & 0xfffcu) + ext;
    Desc nd;
    if ((sel & 4) || (sel & 0xfffcu) == 0 || !desc_fetch(cpu, sel, &nd)) cpu_raise_err(cpu, bad, serr);
    unsigned type = desc_type(&nd);
    if (desc_s(&nd) || (type & 5u) != 1u) cpu_raise_err(cpu, bad, serr);   /* 1, 3, 9, 11 */
    bool busy = type & 2u;
    if (reason == TS_IRET ? !busy : busy) cpu_raise_err(cpu, bad, serr);
    if (!desc_p(&nd)) cpu_raise_err(cpu, EXC_NP, serr);
    bool n32 = type & 8u;
    uint32_t nbase = desc_base(&nd);
    if (desc_limit(&nd) < (n32 ? 0x67u : 0x2bu)) cpu_raise_err(cpu, EXC_TS, serr);

    bool o32 = cpu->tr.flags & 8u;
    uint32_t obase = cpu->tr.base;
    if (cpu->tr.limit < (o32 ? 0x5fu : 0x29u)) cpu_raise_err(cpu, EXC_TS, (cpu->tr.sel & 0xfffcu) + ext);

    /* Read the whole new state and touch every byte the switch will write
     * (old TSS dynamic fields, new link, both descriptors), so a #PF is
     * raised before anything changes (7.3 step 5). */
    TaskImage im;
    read_image(cpu, nbase, n32, &im);
    lin_probe_write(cpu, obase + (o32 ? 0x20u : 0x0eu), (uint8_t)lin_ld(cpu, obase + (o32 ? 0x20u : 0x0eu), 1));
    lin_probe_write(cpu, obase + (o32 ? 0x5du : 0x29u), (uint8_t)lin_ld(cpu, obase + (o32 ? 0x5du : 0x29u), 1));
    if (reason == TS_CALL || reason == TS_INT)
        lin_probe_write(cpu, nbase, (uint8_t)cpu->tr.sel);

    /* Commit point. */
    uint32_t old_eflags = cpu->eflags;
    if (reason == TS_JMP || reason == TS_IRET) set_busy(cpu, cpu->tr.sel, false);
    if (reason == TS_IRET) old_eflags &= ~F_NT;   /* step 7: NT cleared in the saved image */
    save_state(cpu, obase, o32, ret_eip, old_eflags);
    if (reason == TS_CALL || reason == TS_INT) {
        lin_st(cpu, nbase, cpu->tr.sel, 2);   /* previous task link */
        im.eflags |= F_NT;
    }
    if (reason != TS_IRET) set_busy(cpu, sel, true);
    nd.hi |= 2u << 8;
    seg_from_desc(cpu, &cpu->tr, sel, &nd);
    cpu->cr[0] |= CR0_TS;   /* step 11: lets the OS switch FPU state lazily */
    cpu->stop_block = true;

    /* Load the new task (step 12). CR3 only from a 32-bit TSS, and only
     * when paging is on; it flushes the TLB's non-global entries. */
    if (n32 && (cpu->cr[0] & CR0_PG)) {
        cpu->cr[3] = im.cr3 & 0xfffff018u;
        tlb_flush_nonglobal(cpu);
    }
    cpu->eflags = (im.eflags & ~0xffc08028u) | F_1;
    if (!n32) cpu->eflags &= ~F_VM;
    cpu->eip = n32 ? im.eip : (im.eip & 0xffffu);
    for (int i = 0; i < 8; i++) cpu->regs[i] = im.regs[i];
    /* Until loaded, the segment registers hold the new selectors with
     * unusable caches, so a fault below sees the new task's state. */
    for (int i = 0; i < 6; i++) seg_make_null(cpu, &cpu->seg[i], im.segs[i]);
    seg_make_null(cpu, &cpu->ldtr, im.ldt);
    cpu->inhibit_irq = false;
    load_ldt(cpu, im.ldt);
    if (cpu->eflags & F_VM) {
        for (int i = 0; i < 6; i++) cpu_load_seg(cpu, i, im.segs[i]);
    } else {
        load_segs_pm(cpu, im.segs);
    }
    if (cpu->eip > cpu->seg[S_CS].limit) cpu_raise_err(cpu, EXC_GP, 0);
    if (has_err) {
        /* The error code of an exception delivered through a task gate,
         * pushed on the new task's stack in its size (6.12.2). */
        int size = n32 ? 4 : 2;
        uint32_t v = size == 2 ? (err & 0xffffu) : err;
        cpu->regs[R_ESP] = seg_push_list(cpu, &cpu->seg[S_SS], cpu->regs[R_ESP], &v, 1, size, EXC_SS, 0);
    }
    if (im.trap) {
        cpu->dbg_pending |= DR6_BT;
    }
}
