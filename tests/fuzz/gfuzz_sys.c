/* gfuzz_sys.c - system tables and initial CPU states of the guest-code
 * fuzzer's modes (layout in gfuzz.h). Descriptor formats: SDM vol. 3,
 * 3.4.5 (segment descriptors), 6.11 (IDT gates), 7.2.1 (32-bit TSS),
 * 4.3 (32-bit paging). */
#include <string.h>

#include "cpu/cpu.h"
#include "gfuzz.h"

const char *const gf_mode_name[GM_N] = {
    "real", "pm16", "pm32", "pm32-paging", "pm16-cpl3", "pm32-cpl3", "pm32-cpl3-paging",
    "v86", "v86-paging",
};

typedef struct GfDesc {
    uint16_t sel;
    uint32_t base, limit;   /* limit as in the descriptor (G: 4 KiB units) */
    uint8_t access;         /* P DPL S type */
    uint8_t fl;             /* G (8) D/B (4) */
} GfDesc;

static const GfDesc gdt[] = {
    {GS_CODE32, 0, 0xfffff, 0x9b, 0xc},
    {GS_DATA32, 0, 0xfffff, 0x93, 0xc},
    {GS_UCODE32, 0, 0xfffff, 0xfb, 0xc},
    {GS_UDATA32, 0, 0xfffff, 0xf3, 0xc},
    {GS_TSS, GF_TSS, 0x67, 0x8b, 0x0},   /* 32-bit TSS, busy (TR holds it) */
    {GS_CODE16, GF_CODE, 0xffff, 0x9b, 0x0},
    {GS_DATA16, GF_DATA, 0xffff, 0x93, 0x0},
    {GS_STACK16, GF_STACK, 0xffff, 0x93, 0x0},
    {GS_UCODE16, GF_CODE, 0xffff, 0xfb, 0x0},
    {GS_UDATA16, GF_DATA, 0xffff, 0xf3, 0x0},
    {GS_USTACK16, GF_STACK, 0xffff, 0xf3, 0x0},
    {GS_EXPDOWN, GF_DATA, 0x0fff, 0x97, 0x4},   /* expand-down, big */
};
#define GDT_LIMIT (GS_EXPDOWN + 7)

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static const GfDesc *find(uint16_t sel)
{
    for (unsigned i = 0; i < sizeof gdt / sizeof gdt[0]; i++)
        if ((gdt[i].sel & ~3u) == (sel & ~3u)) return &gdt[i];
    return NULL;
}

/* The hidden part a descriptor load would give (accessed bit included). */
static void seg_from(Seg *s, uint16_t sel)
{
    const GfDesc *d = find(sel);
    s->sel = sel;
    s->base = d->base;
    s->limit = (d->fl & 8) ? (d->limit << 12) | 0xfffu : d->limit;
    s->flags = (uint16_t)(d->access | (d->fl << 12));
}

static void seg_real(Seg *s, uint16_t sel, bool code, bool v86)
{
    s->sel = sel;
    s->base = (uint32_t)sel << 4;
    s->limit = 0xffff;
    s->flags = (uint16_t)(SEGF_P | SEGF_S | (code && !v86 ? 0xbu : 0x3u) | (v86 ? 0x60u : 0));
}

void gf_sys_template(uint8_t *ram)
{
    memset(ram, 0xf4, GF_RAM_MIB << 20);
    /* IVT: vector v -> 0300:v = GF_STUBS + v. */
    for (int v = 0; v < 256; v++) put32(ram + GF_IVT + 4 * v, (uint32_t)v | (GF_STUBS >> 4) << 16);
    memset(ram + GF_GDT, 0, 0x1000);
    for (unsigned i = 0; i < sizeof gdt / sizeof gdt[0]; i++) {
        const GfDesc *d = &gdt[i];
        uint8_t *p = ram + GF_GDT + (d->sel & ~7u);
        put32(p, (d->limit & 0xffffu) | (d->base & 0xffffu) << 16);
        put32(p + 4, ((d->base >> 16) & 0xffu) | (uint32_t)d->access << 8 |
                         (d->limit & 0xf0000u) | (uint32_t)d->fl << 20 | (d->base & 0xff000000u));
    }
    for (int v = 0; v < 256; v++) {
        uint32_t off = GF_STUBS + (uint32_t)v;
        put32(ram + GF_IDT + 8 * v, (off & 0xffffu) | (uint32_t)GS_CODE32 << 16);
        put32(ram + GF_IDT + 8 * v + 4, (off & 0xffff0000u) | 0xee00u);
    }
    /* TSS: ESP0/SS0; the I/O map base beyond the limit (no I/O permission
     * bitmap: every port faults when CPL > IOPL or in V86 mode). */
    memset(ram + GF_TSS, 0, 0x68);
    put32(ram + GF_TSS + 4, GF_KSTACK);
    put32(ram + GF_TSS + 8, GS_DATA32);
    put32(ram + GF_TSS + 0x64, 0x68u << 16);
    /* Paging: identity map of the first 4 MiB, user, writable. */
    memset(ram + GF_PD, 0, 0x1000);
    put32(ram + GF_PD, GF_PT | 7u);
    for (uint32_t i = 0; i < 1024; i++) put32(ram + GF_PT + 4 * i, (i << 12) | 7u);
    put32(ram + GF_PT + 4 * (GF_PG_RO >> 12), GF_PG_RO | 5u);
    put32(ram + GF_PT + 4 * (GF_PG_SUP >> 12), GF_PG_SUP | 3u);
    put32(ram + GF_PT + 4 * (GF_PG_NP >> 12), GF_PG_NP | 6u);
}

bool gf_mode_16bit(int mode)
{
    return mode == GM_REAL || mode == GM_PM16 || mode == GM_PM16_CPL3 || mode == GM_V86 ||
           mode == GM_V86_PG;
}

void gf_sys_state(CPUState *st, const CPUState *reset, int mode)
{
    *st = *reset;
    st->halted = st->shutdown = st->inhibit_irq = false;
    st->nmi_pending = st->nmi_blocked = false;
    st->dbg_pending = 0;
    st->eflags = F_1;
    st->cr[0] = (reset->cr[0] & ~(CR0_PG | CR0_PE)) | 0x10u;  /* ET */
    st->cr[3] = 0;
    st->cr[4] = 0;
    if (mode == GM_REAL) {
        st->idtr.base = GF_IVT;
        st->idtr.limit = 0x3ff;
        seg_real(&st->seg[S_CS], GF_CODE >> 4, true, false);
        for (int i = 0; i < 6; i++)
            if (i != S_CS) seg_real(&st->seg[i], GF_DATA >> 4, false, false);
        seg_real(&st->seg[S_SS], GF_STACK >> 4, false, false);
        st->eip = 0;
        return;
    }
    st->cr[0] |= CR0_PE;
    st->gdtr.base = GF_GDT;
    st->gdtr.limit = GDT_LIMIT;
    st->idtr.base = GF_IDT;
    st->idtr.limit = 256 * 8 - 1;
    seg_from(&st->tr, GS_TSS);
    memset(&st->ldtr, 0, sizeof st->ldtr);
    if (mode == GM_PM32_PG || mode == GM_PM32_CPL3_PG || mode == GM_V86_PG) {
        st->cr[0] |= CR0_PG;
        st->cr[3] = GF_PD;
    }
    uint16_t cs, ds, ss;
    switch (mode) {
    case GM_PM16: cs = GS_CODE16; ds = GS_DATA16; ss = GS_STACK16; break;
    case GM_PM16_CPL3: cs = GS_UCODE16; ds = GS_UDATA16; ss = GS_USTACK16; break;
    case GM_PM32: case GM_PM32_PG: cs = GS_CODE32; ds = ss = GS_DATA32; break;
    case GM_PM32_CPL3: case GM_PM32_CPL3_PG: cs = GS_UCODE32; ds = ss = GS_UDATA32; break;
    default: /* V86 */
        st->eflags |= F_VM;
        seg_real(&st->seg[S_CS], GF_CODE >> 4, true, true);
        for (int i = 0; i < 6; i++)
            if (i != S_CS) seg_real(&st->seg[i], GF_DATA >> 4, false, true);
        seg_real(&st->seg[S_SS], GF_STACK >> 4, false, true);
        st->eip = 0;
        return;
    }
    for (int i = 0; i < 6; i++) seg_from(&st->seg[i], ds);
    seg_from(&st->seg[S_CS], cs);
    seg_from(&st->seg[S_SS], ss);
    st->eip = st->seg[S_CS].base == 0 ? GF_CODE : 0;
}
