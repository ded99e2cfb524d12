/* gfuzz_undef.c - which status flags one executed instruction leaves
 * undefined: Capstone names the instruction, the differential tester's
 * table of SDM "Flags Affected" sentences (tests/diff/undef.c) gives the
 * bits, with the shift/rotate count taken from the immediate or from CL
 * in the state the instruction ran in. */
#include <capstone/capstone.h>
#include <string.h>

#include "../diff/diff.h"
#include "cpu/cpu.h"
#include "gfuzz.h"

static csh h16, h32;
static bool up;

static int kind_of(unsigned id)
{
    switch (id) {
    case X86_INS_AND: case X86_INS_OR: case X86_INS_XOR: case X86_INS_TEST: return UK_LOGIC;
    case X86_INS_MUL: case X86_INS_IMUL: return UK_MUL;
    case X86_INS_DIV: case X86_INS_IDIV: return UK_DIV;
    case X86_INS_BSF: case X86_INS_BSR: return UK_BSF;
    case X86_INS_BT: case X86_INS_BTS: case X86_INS_BTR: case X86_INS_BTC: return UK_BT;
    case X86_INS_DAA: case X86_INS_DAS: return UK_DAA;
    case X86_INS_AAA: case X86_INS_AAS: return UK_AAA;
    case X86_INS_AAM: case X86_INS_AAD: return UK_AAM;
    case X86_INS_SHL: case X86_INS_SAL: case X86_INS_SHR: case X86_INS_SAR: return UK_SHIFT;
    case X86_INS_ROL: case X86_INS_ROR: return UK_ROT;
    case X86_INS_RCL: case X86_INS_RCR: return UK_RCX;
    case X86_INS_SHLD: case X86_INS_SHRD: return UK_SHXD;
    default: return UK_NONE;
    }
}

/* Capstone's per-instruction EFLAGS detail: the status flags it writes
 * (modified, set, cleared or left undefined). */
static uint32_t written_of(uint64_t ef)
{
    static const struct { uint64_t bits; uint32_t flag; } map[] = {
        {X86_EFLAGS_MODIFY_CF | X86_EFLAGS_SET_CF | X86_EFLAGS_RESET_CF | X86_EFLAGS_UNDEFINED_CF, F_CF},
        {X86_EFLAGS_MODIFY_PF | X86_EFLAGS_RESET_PF | X86_EFLAGS_UNDEFINED_PF, F_PF},
        {X86_EFLAGS_MODIFY_AF | X86_EFLAGS_RESET_AF | X86_EFLAGS_UNDEFINED_AF, F_AF},
        {X86_EFLAGS_MODIFY_ZF | X86_EFLAGS_UNDEFINED_ZF, F_ZF},
        {X86_EFLAGS_MODIFY_SF | X86_EFLAGS_RESET_SF | X86_EFLAGS_UNDEFINED_SF, F_SF},
        {X86_EFLAGS_MODIFY_OF | X86_EFLAGS_RESET_OF | X86_EFLAGS_UNDEFINED_OF, F_OF},
    };
    uint32_t w = 0;
    for (unsigned i = 0; i < sizeof map / sizeof map[0]; i++)
        if (ef & map[i].bits) w |= map[i].flag;
    return w;
}

uint32_t gf_undef_flags(const uint8_t *code, int len, const CPUState *st)
{
    uint32_t w;
    return gf_flags_step(code, len, st, &w);
}

uint32_t gf_flags_step(const uint8_t *code, int len, const CPUState *st, uint32_t *written)
{
    *written = 0;
    if (!up) {
        cs_open(CS_ARCH_X86, CS_MODE_16, &h16);
        cs_open(CS_ARCH_X86, CS_MODE_32, &h32);
        cs_option(h16, CS_OPT_DETAIL, CS_OPT_ON);
        cs_option(h32, CS_OPT_DETAIL, CS_OPT_ON);
        up = true;
    }
    bool b16 = !(st->cr[0] & CR0_PE) || (st->eflags & F_VM) || !(st->seg[S_CS].flags & SEGF_DB);
    cs_insn *in = NULL;
    if (cs_disasm(b16 ? h16 : h32, code, (size_t)len, st->eip, 1, &in) != 1) return 0;
    int kind = kind_of(in->id);
    const cs_x86 *x = &in->detail->x86;
    uint32_t w = written_of(x->eflags);
    /* x87: Capstone 4 lists EFLAGS writes for FCOM and others; only the
     * FCOMI family writes EFLAGS (ZF PF CF; OF SF AF cleared; SDM vol. 2). */
    if (x->opcode[0] >= 0xd8 && x->opcode[0] <= 0xdf) w = 0;
    switch (in->id) {
    case X86_INS_FCOMI: case X86_INS_FCOMIP: case X86_INS_FUCOMI: case X86_INS_FUCOMIP:
        w = F_ARITH;
        break;
    case X86_INS_POPF: case X86_INS_POPFD: case X86_INS_IRET: case X86_INS_IRETD:
        w = F_ARITH;   /* the whole image from the stack */
        break;
    case X86_INS_SAHF:
        w = F_ARITH & ~F_OF;
        break;
    default:
        break;
    }
    unsigned count = 1;
    int bits = x->op_count > 0 ? x->operands[0].size * 8 : 32;
    if (kind >= UK_SHIFT && x->op_count >= 2) {
        const cs_x86_op *o = &x->operands[x->op_count - 1];
        if (o->type == X86_OP_IMM) count = (unsigned)o->imm;
        else if (o->type == X86_OP_REG && o->reg == X86_REG_CL) count = st->regs[R_ECX] & 0xff;
    }
    cs_free(in, 1);
    Case c;
    undef_apply(&c, kind, count, bits);
    /* A shift or rotate whose masked count is 0 writes no flag (SDM). */
    if (kind >= UK_SHIFT && !(count & 31)) w = 0;
    *written = w | c.undef_fl;
    return c.undef_fl;
}

uint32_t gf_undef_fold(uint32_t undef, const uint8_t *code, int len, const CPUState *st)
{
    uint32_t w, u = gf_flags_step(code, len, st, &w);
    return (undef & ~w) | u;
}

uint32_t gf_undef_any(const uint8_t *code, int len, bool bits16)
{
    CPUState st;
    memset(&st, 0, sizeof st);
    if (!bits16) {
        st.cr[0] = CR0_PE;
        st.seg[S_CS].flags = SEGF_DB;
    }
    st.regs[R_ECX] = 31;   /* a count that leaves the most flags undefined */
    /* The bytes after the stream are HLT (F4) in guest RAM: an instruction
     * cut off at the end takes its tail (an immediate count) from there. */
    uint8_t buf[GF_CODE_MAX + 16];
    memset(buf, 0xf4, sizeof buf);
    if (len > GF_CODE_MAX) len = GF_CODE_MAX;
    memcpy(buf, code, (size_t)len);
    uint32_t u = 0;
    for (int off = 0; off < len; off++) {
        st.eip = 0;
        u |= gf_undef_flags(buf + off, (int)sizeof buf - off, &st);
    }
    return u;
}

void gf_undef_fini(void)
{
    if (!up) return;
    cs_close(&h16);
    cs_close(&h32);
    up = false;
}
