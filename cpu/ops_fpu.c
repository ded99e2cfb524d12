/* ops_fpu.c - x87 instructions: dispatch, #NM/#MF, pointer registers,
 * memory operands; the data-handling instructions themselves run on the
 * host x87 (ops_fpu_host.c), the control instructions in ops_fpu_ctl.c.
 *
 * Dispatch is by the escape opcode (D8..DF) and the ModR/M byte, not by
 * Capstone's id and operands: the encoding says exactly which instruction
 * and operand size it is (SDM vol. 2, appendix A.4, tables A-7..A-22),
 * while Capstone 4 shows some operands oddly (FNSTSW m16 and FNSAVE as
 * dword, implicit ST(0) omitted in FADD ST(i) forms...).
 *
 * Order of checks at the start of an ESC instruction (SDM vol. 3, 2.5,
 * table 2-2; vol. 1, 8.7): CR0.EM or CR0.TS -> #NM; then, for every
 * waiting instruction (all but FNINIT FNCLEX FNSTSW FNSTCW FNSTENV FNSAVE),
 * a pending unmasked exception (ES=1) -> #MF when CR0.NE=1, or, when
 * CR0.NE=0, the FERR# output is asserted (PC-style IRQ13 reporting, SDM
 * vol. 1, 8.7.2 and appendix D) and the processor freezes before the
 * instruction until an interrupt (see check_pending). WAIT/FWAIT: #NM
 * only if CR0.MP and CR0.TS are both set.
 */
#include <capstone/capstone.h>
#include <string.h>

#include "mem.h"
#include "ops.h"
#include "ops_fpu.h"

void fpu_set_ferr(FPU *f, bool level)
{
    if (f->ferr_level == level) return;
    f->ferr_level = level;
    if (f->ferr) f->ferr(f->ferr_opaque, level);
}

void fpu_update_es(FPU *f)
{
    if (f->sw & ~f->cw & FSW_EXC) {
        f->sw |= FSW_ES | FSW_B;
    } else {
        f->sw &= (uint16_t)~(FSW_ES | FSW_B);
        fpu_set_ferr(f, false);
    }
}

int fpu_tag_of(const uint8_t r[10])
{
    uint64_t m;
    uint16_t se;
    memcpy(&m, r, 8);
    memcpy(&se, r + 8, 2);
    unsigned e = se & 0x7fffu;
    if (e == 0x7fff) return 2;
    if (e == 0) return m ? 2 : 1;
    return (m >> 63) ? 0 : 2; /* integer bit clear: unnormal, unsupported */
}

const Operand *fpu_mem_operand(const Insn *in)
{
    for (int i = 0; i < in->nops; i++)
        if (in->op[i].kind == OPK_MEM) return &in->op[i];
    return NULL;
}

/* Check [off, off+n) for the access: segment limit and rights, then the
 * pages of the first and last byte (n <= 108 spans at most two pages). */
static void check_range(CPU *cpu, int seg, uint32_t off, int n, bool write)
{
    cpu_check_seg(cpu, seg, off, n, write);
    uint32_t lin = cpu->seg[seg].base + off;
    lin_to_phys(cpu, lin, write);
    lin_to_phys(cpu, lin + (uint32_t)n - 1, write);
}

static uint32_t wrap(uint32_t off, int addrsize)
{
    return addrsize == 2 ? (off & 0xffffu) : off;
}

void fpu_mem_read(CPU *cpu, int seg, uint32_t off, uint8_t *buf, int n, int addrsize)
{
    check_range(cpu, seg, off, n, false);
    for (int i = 0; i < n; i++) buf[i] = cpu_ld8(cpu, seg, wrap(off + (uint32_t)i, addrsize));
}

void fpu_mem_write(CPU *cpu, int seg, uint32_t off, const uint8_t *buf, int n, int addrsize)
{
    check_range(cpu, seg, off, n, true);
    for (int i = 0; i < n; i++) cpu_st8(cpu, seg, wrap(off + (uint32_t)i, addrsize), buf[i]);
}

/* Register forms that exist (SDM vol. 2, appendix A.4.2, the escape
 * opcode maps), plus the undocumented aliases every P6 executes: FSTP1,
 * FCOM2, FCOMP3, FXCH4, FCOMP5, FFREEP, FXCH7, FSTP8/9. Anything else is #UD
 * here, whatever the decoder thinks, so the host never meets an opcode it
 * might not implement. */
static bool reg_form_valid(uint8_t op, uint8_t m)
{
    switch (op) {
    case 0xd8: case 0xdc: return true;
    case 0xd9:
        return m <= 0xd0 || (m >= 0xd8 && m <= 0xe1) || m == 0xe4 || m == 0xe5 ||
               (m >= 0xe8 && m <= 0xee) || m >= 0xf0;
    case 0xda: return m < 0xe0 || m == 0xe9;
    case 0xdb: return m <= 0xe4 || (m >= 0xe8 && m < 0xf8);
    case 0xdd: return m < 0xf0;
    case 0xde: return m < 0xd8 || m == 0xd9 || m >= 0xe0;
    default: /* 0xdf */ return m <= 0xe0 || (m >= 0xe8 && m < 0xf8);
    }
}

/* The aliases run on the host as the documented instruction they behave
 * like (same operation, same flags; test_fpu_diff checks that the host
 * agrees), so an x86-64 host that dropped an alias is never asked for it.
 * FFREEP stays (AMD documents it, Intel executes it), and so does FSTP1
 * (D9 D8+i): some processors run it as "FSTPNCE", an FSTP that does not
 * check for an empty ST(0), so only the host itself can say what it does. */
static void canon_alias(uint8_t *op, uint8_t *m)
{
    uint8_t i = *m & 7, row = *m & 0xf8;
    switch (*op) {
    case 0xdc: if (row == 0xd0 || row == 0xd8) *op = 0xd8; break;       /* FCOM2, FCOMP3 */
    case 0xdd: if (row == 0xc8) *op = 0xd9; break;                      /* FXCH4 */
    case 0xde: if (row == 0xd0) { *op = 0xd8; *m = 0xd8 | i; } break;   /* FCOMP5 */
    case 0xdf:
        if (row == 0xc8) *op = 0xd9;                                      /* FXCH7 */
        else if (row == 0xd0 || row == 0xd8) { *op = 0xdd; *m = 0xd8 | i; } /* FSTP8/9 */
        break;
    default: break;
    }
}

/* Memory forms the host executes: bytes read (> 0) or written (< 0);
 * 0 for the control forms (done in C) and reserved ones. */
static int mem_form(uint8_t op, int reg)
{
    switch (op) {
    case 0xd8: case 0xda: return 4;              /* arith m32fp / m32int */
    case 0xdc: return 8;                         /* arith m64fp */
    case 0xde: return 2;                         /* arith m16int */
    case 0xd9: return reg == 0 ? 4 : (reg == 2 || reg == 3) ? -4 : 0;
    case 0xdb:
        switch (reg) {
        case 0: return 4;                        /* FILD m32int */
        case 2: case 3: return -4;               /* FIST(P) m32int */
        case 5: return 10;                       /* FLD m80fp */
        case 7: return -10;                      /* FSTP m80fp */
        default: return 0;                       /* /1 FISTTP (SSE3), /4 /6 reserved */
        }
    case 0xdd: return reg == 0 ? 8 : (reg == 2 || reg == 3) ? -8 : 0;
    default: /* 0xdf */
        switch (reg) {
        case 0: return 2;                        /* FILD m16int */
        case 2: case 3: return -2;               /* FIST(P) m16int */
        case 4: return 10;                       /* FBLD */
        case 5: return 8;                        /* FILD m64int */
        case 6: return -10;                      /* FBSTP */
        case 7: return -8;                       /* FISTP m64int */
        default: return 0;                       /* /1 FISTTP (SSE3) */
        }
    }
}

/* Memory forms done in C: FLDENV FLDCW FNSTENV FNSTCW, FRSTOR FNSAVE FNSTSW. */
static bool mem_control(uint8_t op, int reg)
{
    return (op == 0xd9 && reg >= 4) || (op == 0xdd && (reg == 4 || reg == 6 || reg == 7));
}

/* Non-waiting instructions: no pending-exception check (SDM vol. 1, 8.3.12):
 * FNINIT FNCLEX FNSTSW FNSTCW FNSTENV FNSAVE, and FNENI/FNDISI/FNSETPM,
 * which the 387 and later execute as no-ops. */
static bool is_nowait(uint8_t op, uint8_t m)
{
    int reg = (m >> 3) & 7;
    if ((m >> 6) == 3) return (op == 0xdb && m >= 0xe0 && m <= 0xe4) || (op == 0xdf && m == 0xe0);
    return (op == 0xd9 || op == 0xdd) && (reg == 6 || reg == 7);
}

/* Control instructions leave FIP/FCS/FDP/FDS/FOP alone (SDM vol. 1, 8.1.8;
 * the list of 8.3.11 and 5.2.4: FINIT FCLEX FLDCW FSTCW FSTSW FSTENV FLDENV FSAVE
 * FRSTOR FINCSTP FDECSTP FFREE FNOP WAIT). FFREEP goes with FFREE. */
static bool is_control(uint8_t op, uint8_t m)
{
    if (is_nowait(op, m)) return true;
    if ((m >> 6) != 3) return mem_control(op, (m >> 3) & 7);
    if (op == 0xd9) return m == 0xd0 || m == 0xf6 || m == 0xf7;
    if (op == 0xdd || op == 0xdf) return m >= 0xc0 && m <= 0xc7;
    return false;
}

static bool is_fcomi(uint8_t op, uint8_t m)
{
    return (op == 0xdb || op == 0xdf) && m >= 0xe8 && m < 0xf8;
}

/* Pending unmasked exception at a waiting instruction. With CR0.NE=1 it
 * is #MF, a fault on this instruction. With CR0.NE=0 (SDM vol. 1, 8.7.2,
 * steps 2-3) FERR# is asserted and the processor freezes just before the
 * instruction until an interrupt arrives, so the IRQ13 handler runs before
 * it and returns to it: here the CPU halts with EIP at the instruction
 * (returns true; the caller ends it with OPR_JUMP), and the interrupt that
 * wakes it pushes that EIP. The restarted instruction then proceeds if the
 * handler cleared the exception (FNCLEX: ES=0), or, with ES still set,
 * because FERR# stays asserted from the first attempt: this stands for
 * IGNNE#, which the PC asserts when the handler writes port F0h (vol. 1,
 * D.2.1.2) and which the board does not model separately. So each pending
 * exception freezes the processor once (hardware would freeze again if an
 * unrelated interrupt woke it before the handler wrote port F0h; here the
 * IRQ13 still pending in the PIC is taken before the instruction anyway
 * when it is unmasked). An STI shadow does not hold the wake-up interrupt
 * off (as for HLT). */
static bool check_pending(CPU *cpu, const Insn *in)
{
    if (!(cpu->fpu.sw & FSW_ES)) return false;
    if (cpu->cr[0] & CR0_NE) cpu_raise(cpu, EXC_MF);
    if (cpu->fpu.ferr_level) return false;
    fpu_set_ferr(&cpu->fpu, true);
    cpu->halted = true;
    cpu->inhibit_irq = false;
    cpu->eip = in->eip;
    return true;
}

static int op_x87(CPU *cpu, const Insn *in)
{
    uint8_t op = in->opcode[0], m = in->modrm;
    if (op < 0xd8 || op > 0xdf) cpu_raise(cpu, EXC_UD);
    /* SDM vol. 3, table 2-2: EM=1 or TS=1 -> #NM for every ESC opcode. */
    if (cpu->cr[0] & (CR0_EM | CR0_TS)) cpu_raise(cpu, EXC_NM);
    bool isreg = (m >> 6) == 3;
    int reg = (m >> 3) & 7;
    int mf = isreg ? 0 : mem_form(op, reg);
    if (isreg ? !reg_form_valid(op, m) : (mf == 0 && !mem_control(op, reg)))
        cpu_raise(cpu, EXC_UD);
    const Operand *mo = isreg ? NULL : fpu_mem_operand(in);
    if (!isreg && !mo) cpu_raise(cpu, EXC_UD);
    if (!is_nowait(op, m) && check_pending(cpu, in)) return OPR_JUMP;
    if (fpu_control(cpu, in, op, m)) return OPR_NEXT;

    FPU *f = &cpu->fpu;
    FPUHostMem buf = {{0}};
    uint32_t ea = 0;
    if (mo) {
        ea = op_ea(cpu, in, mo);
        if (mf > 0) fpu_mem_read(cpu, mo->seg, ea, buf.b, mf, in->addrsize);
    }
    uint8_t hop = op, hm = m;
    if (isreg) canon_alias(&hop, &hm);
    FPU nf;
    uint32_t fl = cpu->eflags;
    unsigned raised = fpu_host_run(f, &nf, hop, hm, mo ? &buf : NULL, &fl);
    unsigned unmasked = raised & ~f->cw & FSW_EXC;
    /* A memory destination is written unless the instruction was stopped
     * by an unmasked exception; only an unmasked precision exception lets
     * the store happen (SDM vol. 1, 8.5.4-8.5.6). */
    if (mf < 0 && !(unmasked & (FSW_IE | FSW_DE | FSW_ZE | FSW_OE | FSW_UE)))
        fpu_mem_write(cpu, mo->seg, ea, buf.b, -mf, in->addrsize);
    /* FCOMI family: ZF PF CF from the comparison, OF SF AF cleared; with
     * an unmasked invalid operation EFLAGS stays as it was. */
    if (is_fcomi(op, m) && !(unmasked & FSW_IE))
        cpu->eflags = (cpu->eflags & ~F_ARITH) | (fl & F_ARITH);

    /* Commit (nothing below can fault). */
    *f = nf;
    if (!is_control(op, m)) {
        f->fop = (uint16_t)(((op & 7u) << 8) | m);
        f->fcs = cpu->seg[S_CS].sel;
        f->fip = in->eip;
        if (mo) {
            f->fds = cpu->seg[mo->seg].sel;
            f->fdp = ea;
        }
    }
    fpu_update_es(f);
    return OPR_NEXT;
}

/* WAIT/FWAIT (SDM vol. 2, WAIT/FWAIT; vol. 3, table 2-2). */
static int op_wait(CPU *cpu, const Insn *in)
{
    if ((cpu->cr[0] & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS)) cpu_raise(cpu, EXC_NM);
    return check_pending(cpu, in) ? OPR_JUMP : OPR_NEXT;
}

void ops_register_fpu(void)
{
    static const unsigned ids[] = {
        X86_INS_FABS, X86_INS_FADD, X86_INS_FIADD, X86_INS_FADDP, X86_INS_FCHS,
        X86_INS_FCMOVBE, X86_INS_FCMOVB, X86_INS_FCMOVE, X86_INS_FCMOVNBE, X86_INS_FCMOVNB,
        X86_INS_FCMOVNE, X86_INS_FCMOVNU, X86_INS_FCMOVU, X86_INS_FCOMP, X86_INS_FCOMIP,
        X86_INS_FCOMI, X86_INS_FCOM, X86_INS_FCOS, X86_INS_FDIVR, X86_INS_FIDIVR,
        X86_INS_FDIVRP, X86_INS_FDIV, X86_INS_FIDIV, X86_INS_FDIVP, X86_INS_F2XM1,
        X86_INS_FBLD, X86_INS_FBSTP, X86_INS_FCOMPP, X86_INS_FDECSTP, X86_INS_FFREE,
        X86_INS_FICOM, X86_INS_FICOMP, X86_INS_FINCSTP, X86_INS_FLDCW, X86_INS_FLDENV,
        X86_INS_FLDL2E, X86_INS_FLDL2T, X86_INS_FLDLG2, X86_INS_FLDLN2, X86_INS_FLDPI,
        X86_INS_FNCLEX, X86_INS_FNINIT, X86_INS_FNOP, X86_INS_FNSTCW, X86_INS_FNSTSW,
        X86_INS_FPATAN, X86_INS_FPREM, X86_INS_FPREM1, X86_INS_FPTAN, X86_INS_FFREEP,
        X86_INS_FRNDINT, X86_INS_FRSTOR, X86_INS_FNSAVE, X86_INS_FSCALE, X86_INS_FSETPM,
        X86_INS_FSINCOS, X86_INS_FNSTENV, X86_INS_FXAM, X86_INS_FXTRACT, X86_INS_FYL2X,
        X86_INS_FYL2XP1, X86_INS_FILD, X86_INS_FIST, X86_INS_FISTP, X86_INS_FLDZ,
        X86_INS_FLD1, X86_INS_FLD, X86_INS_FMUL, X86_INS_FIMUL, X86_INS_FMULP, X86_INS_FSIN,
        X86_INS_FSQRT, X86_INS_FST, X86_INS_FSTP, X86_INS_FSTPNCE, X86_INS_FXCH,
        X86_INS_FSUBR, X86_INS_FISUBR, X86_INS_FSUBRP, X86_INS_FSUB, X86_INS_FISUB,
        X86_INS_FSUBP, X86_INS_FTST, X86_INS_FUCOMIP, X86_INS_FUCOMI, X86_INS_FUCOMPP,
        X86_INS_FUCOMP, X86_INS_FUCOM, X86_INS_FDISI8087_NOP, X86_INS_FENI8087_NOP,
    };
    /* Not registered, so #UD: FISTTP (SSE3) and the FXSAVE family (SSE). */
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (ids[i] < OPS_TABLE_SIZE) ops_table[ids[i]] = op_x87;
    ops_table[X86_INS_WAIT] = op_wait;
}
