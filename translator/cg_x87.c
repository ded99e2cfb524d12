/* cg_x87.c - inline x87 runs: the guest's x87 instructions executed
 * natively by the host x87, a run of them at a time.
 *
 * The reference path (cpu/ops_fpu.c, cpu/ops_fpu_host.c) already runs
 * every x87 data instruction on the host x87, one helper call each: build
 * a 108-byte FRSTOR image from the guest FPU, FRSTOR, the instruction,
 * FNSAVE, convert back. Here the guest state is loaded into the host x87
 * once and stays there while translated code runs - through the x87
 * instructions of a block, with only inlined instructions between them (a
 * *run*), and on through chained blocks - until C code needs CPU.fpu:
 *
 *   run entry   if DbtCPU.x87_loaded is clear, cg_x87_enter(cpu): the
 *               guard, then the image and FRSTOR. The guard is CR0.EM =
 *               CR0.TS = 0 (no #NM), all six exceptions masked in the
 *               guest's control word and ES = 0 (nothing pending, so no
 *               #MF/FERR# and no unmasked response can arise). If it fails
 *               the block leaves to the run loop before the run's first
 *               instruction (EIP there) with DbtCPU.x87_fallback set: the
 *               run loop then dispatches in mode TMODE_X87H, blocks
 *               translated with x87 helpers (which raise #NM/#MF, FERR#,
 *               and give the unmasked responses), chained among
 *               themselves, until it finds the guard true again at a
 *               dispatch. Sticky, so a program that runs unmasked pays no
 *               guard exits; not a mode derived from the FPU state at every
 *               dispatch, so a program that never fails the guard never
 *               has its code translated twice. With x87_loaded set the guard still holds: only C
 *               code can change CR0 or the control word, and C flushes.
 *   in the run  each x87 instruction is its own opcode bytes; a memory
 *               form is re-encoded as ModR/M mod=00 rm=110, [RSI] in
 *               64-bit code, with RSI the host address from the inline
 *               TLB (cg_mem.c). FDP/FDS are stored into the guest FPU
 *               once the access cannot fault any more. Integer
 *               instructions between them run as usual: they never touch
 *               the x87, and the only C they call, tlb_fill_host, neither
 *               uses the x87 nor unwinds (nor looks at CPU.fpu).
 *   run end     FIP/FCS/FOP of the run's last instruction (known at
 *               translation time) are stored into CPU.fpu; the state stays
 *               in the host x87.
 *   flush       cg_x87_flush(cpu): FNSAVE (which also leaves the host x87
 *               empty), the host control word back, the image into
 *               CPU.fpu. cg_helper calls it first (so every helper, and
 *               every fault a helper raises, sees the right state), and so
 *               does the run loop when translated code returns. A slow
 *               path (C helper) taken inside a run stores the pointers of
 *               the run so far before its helper and reloads the state
 *               after it.
 *
 * So no C code runs with the guest's x87 state in the host x87 except
 * tlb_fill_host, and every value is produced by the host silicon as in the
 * reference path: the guest sees exactly what the helpers give. Status
 * flags: x87 instructions do not touch EFLAGS except FCOMI/FUCOMI(P)
 * (write all six, so afterwards they are in host EFLAGS) and FCMOVcc
 * (reads them from host EFLAGS); for liveness every x87 instruction reads
 * all six, as a helper does, so they are in DbtCPU.aflags whenever a
 * guard or slow path may hand over to C.
 */
#include "cg_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/ops_fpu.h"

/* ---- which instructions ---- */

/* Memory forms run natively: operand bytes (> 0 read, < 0 written), 0 for
 * the forms left to the helpers (control instructions FLDENV FLDCW
 * FNSTENV FNSTCW FRSTOR FNSAVE FNSTSW, FISTTP (SSE3: #UD for the guest),
 * reserved encodings). SDM vol. 2, appendix A.4.1. */
static int mem_bytes(uint8_t op, int reg)
{
    switch (op) {
    case 0xd8: case 0xda: return 4;
    case 0xdc: return 8;
    case 0xde: return 2;
    case 0xd9: return reg == 0 ? 4 : (reg == 2 || reg == 3) ? -4 : 0;
    case 0xdb:
        switch (reg) {
        case 0: return 4;
        case 2: case 3: return -4;
        case 5: return 10;
        case 7: return -10;
        default: return 0;
        }
    case 0xdd: return reg == 0 ? 8 : (reg == 2 || reg == 3) ? -8 : 0;
    default: /* 0xdf */
        switch (reg) {
        case 0: return 2;
        case 2: case 3: return -2;
        case 4: return 10;
        case 5: return 8;
        case 6: return -10;
        case 7: return -8;
        default: return 0;
        }
    }
}

/* Register forms run natively: the documented data instructions (SDM
 * vol. 2, appendix A.4.2). Not here: the control instructions (FNOP
 * FDECSTP FINCSTP FFREE FFREEP FNCLEX FNINIT FNSTSW AX FENI/FDISI/FSETPM),
 * which keep the pointer registers, and the undocumented aliases, which
 * the reference path maps to their documented twins. */
static bool reg_ok(uint8_t op, uint8_t m)
{
    uint8_t row = m & 0xf8;
    switch (op) {
    case 0xd8: return true;
    case 0xd9:
        return row == 0xc0 || row == 0xc8 || m == 0xe0 || m == 0xe1 || m == 0xe4 || m == 0xe5 ||
               (m >= 0xe8 && m <= 0xee) || (m >= 0xf0 && m != 0xf6 && m != 0xf7);
    case 0xda: return m < 0xe0 || m == 0xe9;
    case 0xdb: return (m < 0xe0) || (m >= 0xe8 && m < 0xf8);
    case 0xdc: return row != 0xd0 && row != 0xd8;
    case 0xdd: return m >= 0xd0 && m < 0xf0;
    case 0xde: return row == 0xc0 || row == 0xc8 || m == 0xd9 || m >= 0xe0;
    default: /* 0xdf */ return m >= 0xe8 && m < 0xf8;
    }
}

static bool is_fcomi(uint8_t op, uint8_t m) { return (op == 0xdb || op == 0xdf) && m >= 0xe8 && m < 0xf8; }
static bool is_fcmov(uint8_t op, uint8_t m) { return (op == 0xda || op == 0xdb) && m < 0xe0; }

bool cg_x87_eligible(const Insn *in)
{
    uint8_t op = in->opcode[0], m = in->modrm;
    if (in->id == 0 || op < 0xd8 || op > 0xdf) return false;
    if (in->flags & (INSN_LOCK | INSN_REP | INSN_REPNE | INSN_NOINLINE)) return false;
    if ((m >> 6) == 3) return reg_ok(op, m);
    return mem_bytes(op, (m >> 3) & 7) != 0 && fpu_mem_operand(in) != NULL;
}

/* Instructions a run may span: inlined, not a branch (which ends the
 * block). Their slow paths store and reload the x87 state. */
static bool neutral(const Insn *in)
{
    const CGInline *d = cg_inline_lookup(in);
    return d && !(d->attr & CGI_BRANCH);
}

void cg_x87_plan(Gen *g, const Insn *insns, int n)
{
    memset(g->x87, 0, sizeof g->x87);
    int last = -1;
    for (int i = 0; i < n; i++) {
        if (cg_x87_eligible(&insns[i])) {
            g->x87[i] = CGX_FAST;
            if (last < 0) g->x87[i] |= CGX_FIRST;
            last = i;
        } else if (last >= 0 && !neutral(&insns[i])) {
            g->x87[last] |= CGX_LAST;
            last = -1;
        }
    }
    if (last >= 0) g->x87[last] |= CGX_LAST;
}

/* ---- run time ---- */

enum { IMG_CW = 0, IMG_SW = 4, IMG_TW = 8, IMG_ST = 28, IMG_SIZE = 108 };
_Static_assert(sizeof(((DbtCPU *)0)->x87img) == IMG_SIZE, "the FNSAVE image");

bool cg_x87_guard(const CPU *cpu)
{
    const FPU *f = &cpu->fpu;
    return !(cpu->cr[0] & (CR0_EM | CR0_TS)) && (f->cw & FSW_EXC) == FSW_EXC && !(f->sw & FSW_ES);
}

/* Returns nonzero with the guest x87 state in the host x87, 0 (nothing
 * changed) when the run must go through the helpers. Called from
 * generated code only: it returns with the host x87 holding guest state,
 * which no C code may meet (this function uses no x87 after the FRSTOR). */
static uint64_t cg_x87_enter(CPU *cpu)
{
    const FPU *f = &cpu->fpu;
    if (!cg_x87_guard(cpu)) return 0;
    DbtCPU *d = dbt_cpu_of(cpu);
    uint8_t *img = d->x87img;
    uint16_t sw = (uint16_t)(f->sw & ~(FSW_ES | FSW_B));
    memset(img, 0, IMG_ST);
    memcpy(img + IMG_CW, &f->cw, 2);
    memcpy(img + IMG_SW, &sw, 2);
    memcpy(img + IMG_TW, &f->tw, 2);
    int top = fpu_top(f);
    for (int i = 0; i < 8; i++) memcpy(img + IMG_ST + 10 * i, f->st[(top + i) & 7], 10);
    __asm__ volatile("fnstcw %0\n\tfrstor %1"
                     : "=m"(d->x87_host_cw)
                     : "m"(*(const uint8_t(*)[IMG_SIZE])img)
                     : "memory");
    d->x87_loaded = 1;
    return 1;
}

/* FNSAVE (which also empties the host x87), the host control word back,
 * the image into the guest FPU. FIP/FCS/FOP/FDP/FDS are already there:
 * generated code stores them (they are known at translation time or
 * computed inline), and FNSAVE's host pointers mean nothing to the guest. */
void cg_x87_flush(CPU *cpu)
{
    DbtCPU *d = dbt_cpu_of(cpu);
    if (!d->x87_loaded) return;
    uint8_t *img = d->x87img;
    __asm__ volatile("fnsave %0\n\tfldcw %1"
                     : "=m"(*(uint8_t(*)[IMG_SIZE])img)
                     : "m"(d->x87_host_cw)
                     : "memory");
    d->x87_loaded = 0;
    FPU *f = &cpu->fpu;
    memcpy(&f->sw, img + IMG_SW, 2);
    memcpy(&f->tw, img + IMG_TW, 2);
    int top = fpu_top(f);
    for (int i = 0; i < 8; i++) memcpy(f->st[(top + i) & 7], img + IMG_ST + 10 * i, 10);
    fpu_update_es(f);   /* all masked: ES and B stay clear */
}

/* ---- emission ---- */

#define OFF_FPU(field) ((int32_t)offsetof(CPU, fpu) + (int32_t)offsetof(FPU, field))

static void emit_enter_call(Gen *g)
{
    CodeBuf *cb = &g->cb;
    /* r8-r11 are neither windows nor cache slots in blocks with inline
     * x87 runs (cg_frame.c, codegen.c): this saves nothing today, and
     * keeps them should that change. */
    cg_frame_save(g);
    x_mov_rr(cb, 8, HRDI, HRBP);
    x_mov_ri64(cb, HRAX, (uint64_t)(uintptr_t)cg_x87_enter);
    x_call_r(cb, HRAX);
    cg_frame_restore(g);
}

/* FIP/FCS/FOP of the last x87 instruction executed (flag-neutral MOVs). */
static void emit_pointers(Gen *g, uint32_t fip, uint16_t fop)
{
    CodeBuf *cb = &g->cb;
    x_mov_mi(cb, 4, hmem(HRBP, OFF_FPU(fip)), fip);
    x_mov_mi(cb, 2, hmem(HRBP, OFF_FPU(fop)), fop);
    x_movzx_rm(cb, HRAX, 2, hmem(HRBP, CG_OFF_SEG(S_CS, sel)));
    x_mov_mr(cb, 2, hmem(HRBP, OFF_FPU(fcs)), HRAX);
}

void cg_x87_slow_leave(Gen *g, const Slow *s)
{
    /* cg_helper flushes the state; the pointers must be the run's so far. */
    if (s->x87_fop <= 0x7ff) emit_pointers(g, s->x87_fip, s->x87_fop);
}

void cg_x87_slow_reenter(Gen *g)
{
    /* The helper ran one instruction with every exception masked and no
     * CR0 change (those instructions never join a run): the guard holds. */
    emit_enter_call(g);
}

void cg_x87_emit(Gen *g, int i, const Insn *in)
{
    CodeBuf *cb = &g->cb;
    Slow *s = g->cur_slow;
    uint8_t op = in->opcode[0], m = in->modrm;
    bool isreg = (m >> 6) == 3;

    /* Every x87 instruction reads all six flags for liveness (the helper
     * treatment), so a C call or a fault never loses them. */
    cg_fl_before(g, i, (g->x87[i] & CGX_FIRST) || !isreg, F_ARITH, 0);
    if (g->x87[i] & CGX_FIRST) {
        /* Loaded already (a chained block's run left it there)? The guard
         * held then and nothing since could change it: only helpers can,
         * and they flush. */
        x_test_mi(cb, 1, hmem(HRBP, CG_OFF_X87_LOADED), 1);
        uint8_t *jloaded = x_jcc_rel32(cb, 5 /* jnz */, NULL);
        emit_enter_call(g);
        x_test_rr(cb, 4, HRAX, HRAX);
        CGX87Fail *f = &g->x87_fail[g->n_x87_fail++];
        f->jf = x_jcc_rel32(cb, 4 /* jz */, NULL);
        f->rc = g->rc;
        f->eip = in->eip;
        f->skipped = (uint32_t)(g->counted - i);
        x_patch_rel32(jloaded, cb->p);
        g->x87_live = true;
        g->x87_fop = 0xffff;
        g->x87_fip = 0;
    }
    /* This instruction's slow path stores the pointers as they were
     * before it. */
    s->x87_live = true;
    s->x87_fop = g->x87_fop;
    s->x87_fip = g->x87_fip;

    if (isreg) {
        if (is_fcmov(op, m)) cg_fl_load(g);
        cb_byte(cb, op);
        cb_byte(cb, m);
        if (is_fcomi(op, m)) g->floc = FL_HOST;   /* ZF PF CF set, OF SF AF cleared */
    } else {
        const Operand *mo = fpu_mem_operand(in);
        int n = mem_bytes(op, (m >> 3) & 7);
        cg_emit_ea(g, in, mo);
        x_mov_rr(cb, 4, HRDI, HRSI);                 /* the offset, for FDP */
        cg_emit_seg_tlb(g, mo->seg, n < 0 ? -n : n, n < 0);
        x_mov_mr(cb, 4, hmem(HRBP, OFF_FPU(fdp)), HRDI);
        x_movzx_rm(cb, HRAX, 2, hmem(HRBP, CG_OFF_SEG(mo->seg, sel)));
        x_mov_mr(cb, 2, hmem(HRBP, OFF_FPU(fds)), HRAX);
        cb_byte(cb, op);
        cb_byte(cb, (uint8_t)((m & 0x38) | 6));   /* [rsi] */
    }
    g->x87_fop = (uint16_t)(((op & 7u) << 8) | m);
    g->x87_fip = in->eip;

    if (g->x87[i] & CGX_LAST) {
        /* The state stays in the host x87 until C code needs CPU.fpu. */
        emit_pointers(g, g->x87_fip, g->x87_fop);
        g->x87_live = false;
    }
}

void cg_x87_emit_fails(Gen *g)
{
    CodeBuf *cb = &g->cb;
    for (int k = 0; k < g->n_x87_fail; k++) {
        CGX87Fail *f = &g->x87_fail[k];
        x_patch_rel32(f->jf, cb->p);
        rc_writeback_snapshot(cb, &f->rc);
        x_mov_mi(cb, 4, hmem(HRBP, CG_OFF_EIP), f->eip);
        /* The block counted its instructions at entry: not these. */
        x_alu_mi(cb, ALU_SUB, 8, hmem(HRBP, CG_OFF_ICOUNT), f->skipped);
        x_mov_mi(cb, 1, hmem(HRBP, CG_OFF_X87_FALLBACK), 1);
        x_alu_rr(cb, ALU_XOR, 4, HRAX, HRAX);
        x_jmp_rel32(cb, g->rt->epilogue);
    }
}
