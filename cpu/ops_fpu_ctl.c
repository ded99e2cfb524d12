/* ops_fpu_ctl.c - x87 control instructions done in C: FNINIT FNCLEX FLDCW
 * FNSTCW FNSTSW FNSTENV FLDENV FNSAVE FRSTOR (and the 8087/287 leftovers),
 * plus fpu_reset.
 *
 * Environment layouts (SDM vol. 1, 8.1.10, figures 8-9 to 8-12): the
 * operand size picks the 28-byte (32-bit) or 14-byte (16-bit) form; real
 * and virtual-8086 mode store 20/32-bit linear instruction and operand
 * addresses (segment * 16 + offset) with the opcode beside them, protected
 * mode stores offsets and selectors. FSAVE/FRSTOR append ST(0)..ST(7), 10
 * bytes each, in stack (not physical) order. Reserved halves of the 32-bit
 * forms read back as FFFFh, as the hardware stores them.
 *
 * ES and B always equal "some flag is set whose mask is clear": FLDCW,
 * FLDENV and FRSTOR recompute them, and FNSTENV, which masks every
 * exception after storing, clears them (checked on the host CPU).
 */
#include <string.h>

#include "mem.h"
#include "ops.h"
#include "ops_fpu.h"

static inline void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}
static inline uint32_t get16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static inline uint32_t get32(const uint8_t *p) { return get16(p) | get16(p + 2) << 16; }

/* FLDCW keeps bits 0-5 and 8-12, reads bit 6 as 1 and bits 7, 13-15 as 0
 * (as the power-on value 0040h shows; FLDCW FFFFh reads back 1F7Fh). */
static uint16_t cw_canon(uint32_t v) { return (uint16_t)((v & 0x1f3fu) | 0x40u); }

void fpu_reset(FPU *f, bool finit)
{
    if (!finit) {
        /* SDM vol. 3, table 9-1: registers +0.0, tags 01 (zero). */
        memset(f->st, 0, sizeof f->st);
        f->cw = 0x0040;
        f->tw = 0x5555;
    } else {
        f->cw = 0x037f;
        f->tw = 0xffff;
    }
    f->sw = 0;
    f->fop = 0;
    f->fip = f->fdp = 0;
    f->fcs = f->fds = 0;
    fpu_set_ferr(f, false);
}

/* Non-empty registers get the tag their contents call for, as the P6 does
 * whenever it loads a tag word (SDM vol. 1, 8.1.7). */
static void retag(FPU *f)
{
    uint16_t tw = 0;
    for (int r = 0; r < 8; r++) {
        int t = ((f->tw >> (2 * r)) & 3) == 3 ? 3 : fpu_tag_of(f->st[r]);
        tw |= (uint16_t)(t << (2 * r));
    }
    f->tw = tw;
}

static bool real_layout(const CPU *cpu)
{
    return !(cpu->cr[0] & CR0_PE) || (cpu->eflags & F_VM);
}

static int env_store(const CPU *cpu, uint8_t *b, bool o32)
{
    const FPU *f = &cpu->fpu;
    bool real = real_layout(cpu);
    uint32_t ip = ((uint32_t)f->fcs << 4) + f->fip, dp = ((uint32_t)f->fds << 4) + f->fdp;
    uint32_t fop = f->fop & 0x7ffu;
    if (o32) {
        put32(b + 0, 0xffff0000u | f->cw);
        put32(b + 4, 0xffff0000u | f->sw);
        put32(b + 8, 0xffff0000u | f->tw);
        if (real) {
            put32(b + 12, 0xffff0000u | (ip & 0xffffu));
            put32(b + 16, ((ip >> 16) << 12 & 0x0ffff000u) | fop);
            put32(b + 20, 0xffff0000u | (dp & 0xffffu));
            put32(b + 24, (dp >> 16) << 12 & 0x0ffff000u);
        } else {
            put32(b + 12, f->fip);
            put32(b + 16, f->fcs | fop << 16);
            put32(b + 20, f->fdp);
            put32(b + 24, 0xffff0000u | f->fds);
        }
        return 28;
    }
    put16(b + 0, f->cw);
    put16(b + 2, f->sw);
    put16(b + 4, f->tw);
    if (real) {
        put16(b + 6, ip);
        put16(b + 8, ((ip >> 16) & 0xfu) << 12 | fop);
        put16(b + 10, dp);
        put16(b + 12, ((dp >> 16) & 0xfu) << 12);
    } else {
        put16(b + 6, f->fip);
        put16(b + 8, f->fcs);
        put16(b + 10, f->fdp);
        put16(b + 12, f->fds);
    }
    return 14;
}

/* Load an environment into f (tags not yet recomputed). A real-mode image
 * holds linear addresses: they come back as offsets with selector 0, which
 * a later real-mode store turns into the same linear addresses. */
static void env_load(const CPU *cpu, FPU *f, const uint8_t *b, bool o32)
{
    bool real = real_layout(cpu);
    if (o32) {
        f->cw = cw_canon(get32(b + 0));
        f->sw = (uint16_t)get32(b + 4);
        f->tw = (uint16_t)get32(b + 8);
        if (real) {
            f->fip = (get32(b + 12) & 0xffffu) | ((get32(b + 16) >> 12) & 0xffffu) << 16;
            f->fop = (uint16_t)(get32(b + 16) & 0x7ffu);
            f->fdp = (get32(b + 20) & 0xffffu) | ((get32(b + 24) >> 12) & 0xffffu) << 16;
            f->fcs = f->fds = 0;
        } else {
            f->fip = get32(b + 12);
            f->fcs = (uint16_t)get16(b + 16);
            f->fop = (uint16_t)((get32(b + 16) >> 16) & 0x7ffu);
            f->fdp = get32(b + 20);
            f->fds = (uint16_t)get16(b + 24);
        }
        return;
    }
    f->cw = cw_canon(get16(b + 0));
    f->sw = (uint16_t)get16(b + 2);
    f->tw = (uint16_t)get16(b + 4);
    if (real) {
        f->fip = get16(b + 6) | (get16(b + 8) >> 12) << 16;
        f->fop = (uint16_t)(get16(b + 8) & 0x7ffu);
        f->fdp = get16(b + 10) | (get16(b + 12) >> 12) << 16;
        f->fcs = f->fds = 0;
    } else {
        /* The 16-bit protected-mode form has no opcode field. */
        f->fip = get16(b + 6);
        f->fcs = (uint16_t)get16(b + 8);
        f->fdp = get16(b + 10);
        f->fds = (uint16_t)get16(b + 12);
    }
}

static void do_fninit(FPU *f) { fpu_reset(f, true); }

bool fpu_control(CPU *cpu, const Insn *in, uint8_t op, uint8_t m)
{
    FPU *f = &cpu->fpu;
    if ((m >> 6) == 3) {
        if (op == 0xdf && m == 0xe0) {           /* FNSTSW AX */
            reg_write(cpu, R_EAX, 2, f->sw);
            return true;
        }
        if (op != 0xdb) return false;
        switch (m) {
        case 0xe2:                               /* FNCLEX */
            f->sw &= (uint16_t)~(FSW_EXC | FSW_SF | FSW_ES | FSW_B);
            fpu_update_es(f);
            return true;
        case 0xe3:                               /* FNINIT */
            do_fninit(f);
            return true;
        case 0xe0: case 0xe1: case 0xe4:         /* FNENI FNDISI FNSETPM: no-ops on the 387+ */
            return true;
        default:
            return false;
        }
    }
    const Operand *mo = fpu_mem_operand(in);
    int reg = (m >> 3) & 7;
    if (!mo || !((op == 0xd9 && reg >= 4) || (op == 0xdd && reg >= 4 && reg != 5)))
        return false;
    uint32_t ea = op_ea(cpu, in, mo);
    int seg = mo->seg, as = in->addrsize;
    bool o32 = in->opsize == 4;
    uint8_t b[108];
    if (op == 0xd9) {
        switch (reg) {
        case 4: {                                /* FLDENV */
            int n = o32 ? 28 : 14;
            fpu_mem_read(cpu, seg, ea, b, n, as);
            env_load(cpu, f, b, o32);
            retag(f);
            fpu_update_es(f);
            return true;
        }
        case 5:                                  /* FLDCW */
            fpu_mem_read(cpu, seg, ea, b, 2, as);
            f->cw = cw_canon(get16(b));
            fpu_update_es(f);
            return true;
        case 6: {                                /* FNSTENV, then mask all exceptions */
            int n = env_store(cpu, b, o32);
            fpu_mem_write(cpu, seg, ea, b, n, as);
            f->cw |= FSW_EXC;
            fpu_update_es(f);
            return true;
        }
        default:                                 /* FNSTCW */
            put16(b, f->cw);
            fpu_mem_write(cpu, seg, ea, b, 2, as);
            return true;
        }
    }
    switch (reg) {
    case 4: {                                    /* FRSTOR */
        int n = o32 ? 28 : 14;
        fpu_mem_read(cpu, seg, ea, b, n + 80, as);
        env_load(cpu, f, b, o32);
        int top = fpu_top(f);
        for (int i = 0; i < 8; i++) memcpy(f->st[(top + i) & 7], b + n + 10 * i, 10);
        retag(f);
        fpu_update_es(f);
        return true;
    }
    case 6: {                                    /* FNSAVE, then FNINIT */
        int n = env_store(cpu, b, o32);
        int top = fpu_top(f);
        for (int i = 0; i < 8; i++) memcpy(b + n + 10 * i, f->st[(top + i) & 7], 10);
        fpu_mem_write(cpu, seg, ea, b, n + 80, as);
        do_fninit(f);
        return true;
    }
    default:                                     /* FNSTSW m16 */
        put16(b, f->sw);
        fpu_mem_write(cpu, seg, ea, b, 2, as);
        return true;
    }
}
