/* decode.c - Capstone 4 -> Insn.
 *
 * Capstone gives the instruction id, its length, prefixes and operand list.
 * We normalise what the executors need:
 *  - effective operand/address size from the mode and the 66/67 prefixes;
 *  - register operands as x86-encoding numbers (byte registers AL..BH = 0..7);
 *  - memory operands with their effective segment (Capstone leaves the
 *    segment empty when it is the default: SS for BP/SP/EBP/ESP bases,
 *    DS otherwise; string destinations come with ES);
 *  - relative branch targets as CS offsets masked to the operand size
 *    (Capstone computes eip + len + rel in 64 bits);
 *  - AAM/AAD with the default base 10, which Capstone omits as an operand;
 *  - the EFLAGS bits read and written, from Capstone's eflags mask
 *    (undefined results do not count as written: a later reader must still
 *    see whatever the producer left, so liveness stays conservative).
 */
#include "decode.h"

#include <capstone/capstone.h>
#include <stdio.h>
#include <string.h>

#include "cpu.h"

static csh cs16, cs32, cs64;
static cs_insn *ci16, *ci32;

static bool ensure_open(void)
{
    if (cs16) return true;
    if (cs_open(CS_ARCH_X86, CS_MODE_16, &cs16) != CS_ERR_OK) return false;
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs32) != CS_ERR_OK) return false;
    cs_option(cs16, CS_OPT_DETAIL, CS_OPT_ON);
    cs_option(cs32, CS_OPT_DETAIL, CS_OPT_ON);
    ci16 = cs_malloc(cs16);
    ci32 = cs_malloc(cs32);
    return ci16 && ci32;
}

/* Map a Capstone register to (kind, number, size). */
static bool map_reg(x86_reg r, uint8_t *kind, uint8_t *num, uint8_t *size)
{
    static const x86_reg r32[8] = {X86_REG_EAX, X86_REG_ECX, X86_REG_EDX, X86_REG_EBX,
                                   X86_REG_ESP, X86_REG_EBP, X86_REG_ESI, X86_REG_EDI};
    static const x86_reg r16[8] = {X86_REG_AX, X86_REG_CX, X86_REG_DX, X86_REG_BX,
                                   X86_REG_SP, X86_REG_BP, X86_REG_SI, X86_REG_DI};
    static const x86_reg r8[8] = {X86_REG_AL, X86_REG_CL, X86_REG_DL, X86_REG_BL,
                                  X86_REG_AH, X86_REG_CH, X86_REG_DH, X86_REG_BH};
    static const x86_reg sr[6] = {X86_REG_ES, X86_REG_CS, X86_REG_SS,
                                  X86_REG_DS, X86_REG_FS, X86_REG_GS};
    for (int i = 0; i < 8; i++) {
        if (r == r32[i]) { *kind = OPK_REG; *num = i; *size = 4; return true; }
        if (r == r16[i]) { *kind = OPK_REG; *num = i; *size = 2; return true; }
        if (r == r8[i]) { *kind = OPK_REG; *num = i; *size = 1; return true; }
    }
    for (int i = 0; i < 6; i++)
        if (r == sr[i]) { *kind = OPK_SREG; *num = i; *size = 2; return true; }
    if (r >= X86_REG_CR0 && r <= X86_REG_CR15) {
        *kind = OPK_CREG; *num = r - X86_REG_CR0; *size = 4; return true;
    }
    if (r >= X86_REG_DR0 && r <= X86_REG_DR15) {
        *kind = OPK_DREG; *num = r - X86_REG_DR0; *size = 4; return true;
    }
    if (r >= X86_REG_ST0 && r <= X86_REG_ST7) {
        *kind = OPK_FPREG; *num = r - X86_REG_ST0; *size = 10; return true;
    }
    return false;
}

static uint8_t map_base(x86_reg r)
{
    uint8_t k, n, s;
    if (r == X86_REG_INVALID) return REG_NONE;
    if (map_reg(r, &k, &n, &s) && k == OPK_REG && s >= 2) return n;
    return REG_NONE;
}

static int seg_from_prefix(uint8_t p)
{
    switch (p) {
    case 0x26: return S_ES;
    case 0x2e: return S_CS;
    case 0x36: return S_SS;
    case 0x3e: return S_DS;
    case 0x64: return S_FS;
    case 0x65: return S_GS;
    default: return S_NONE;
    }
}

static uint32_t map_eflags(uint64_t m, bool read)
{
    uint32_t f = 0;
    if (read) {
        if (m & (X86_EFLAGS_TEST_CF | X86_EFLAGS_PRIOR_CF)) f |= F_CF;
        if (m & (X86_EFLAGS_TEST_PF | X86_EFLAGS_PRIOR_PF)) f |= F_PF;
        if (m & (X86_EFLAGS_TEST_AF | X86_EFLAGS_PRIOR_AF)) f |= F_AF;
        if (m & (X86_EFLAGS_TEST_ZF | X86_EFLAGS_PRIOR_ZF)) f |= F_ZF;
        if (m & (X86_EFLAGS_TEST_SF | X86_EFLAGS_PRIOR_SF)) f |= F_SF;
        if (m & (X86_EFLAGS_TEST_OF | X86_EFLAGS_PRIOR_OF)) f |= F_OF;
        if (m & (X86_EFLAGS_TEST_DF | X86_EFLAGS_PRIOR_DF)) f |= F_DF;
    } else {
        if (m & (X86_EFLAGS_MODIFY_CF | X86_EFLAGS_RESET_CF | X86_EFLAGS_SET_CF)) f |= F_CF;
        if (m & (X86_EFLAGS_MODIFY_PF | X86_EFLAGS_RESET_PF | X86_EFLAGS_SET_PF)) f |= F_PF;
        if (m & (X86_EFLAGS_MODIFY_AF | X86_EFLAGS_RESET_AF | X86_EFLAGS_SET_AF)) f |= F_AF;
        if (m & (X86_EFLAGS_MODIFY_ZF | X86_EFLAGS_RESET_ZF | X86_EFLAGS_SET_ZF)) f |= F_ZF;
        if (m & (X86_EFLAGS_MODIFY_SF | X86_EFLAGS_RESET_SF | X86_EFLAGS_SET_SF)) f |= F_SF;
        if (m & (X86_EFLAGS_MODIFY_OF | X86_EFLAGS_RESET_OF | X86_EFLAGS_SET_OF)) f |= F_OF;
        if (m & (X86_EFLAGS_MODIFY_DF | X86_EFLAGS_RESET_DF | X86_EFLAGS_SET_DF)) f |= F_DF;
    }
    return f;
}

/* Capstone 4's masks omit some flag inputs (seen: ADC/SBB/RCL/RCR/CMC carry
 * no TEST_CF). Liveness must never miss a reader, so add them here (SDM
 * vol. 1, appendix A, "EFLAGS cross-reference"). */
static uint32_t missing_reads(unsigned id)
{
    switch (id) {
    case X86_INS_ADC: case X86_INS_SBB: case X86_INS_RCL: case X86_INS_RCR:
    case X86_INS_CMC: case X86_INS_SALC:
        return F_CF;
    case X86_INS_DAA: case X86_INS_DAS: case X86_INS_AAA: case X86_INS_AAS:
        return F_CF | F_AF;
    case X86_INS_INTO:
        return F_OF;
    case X86_INS_LAHF:
        return F_SF | F_ZF | F_AF | F_PF | F_CF;
    case X86_INS_PUSHF: case X86_INS_PUSHFD: case X86_INS_INT: case X86_INS_INT1:
    case X86_INS_INT3:
        return F_ARITH;
    default:
        return 0;
    }
}

static bool is_rel_branch(unsigned id, const uint8_t *opc)
{
    switch (id) {
    case X86_INS_JMP:
    case X86_INS_CALL:
        /* E8/E9/EB are relative; FF /2, FF /4 are not. */
        return opc[0] == 0xe8 || opc[0] == 0xe9 || opc[0] == 0xeb;
    case X86_INS_LOOP: case X86_INS_LOOPE: case X86_INS_LOOPNE:
    case X86_INS_JCXZ: case X86_INS_JECXZ:
    case X86_INS_JO: case X86_INS_JNO: case X86_INS_JB: case X86_INS_JAE:
    case X86_INS_JE: case X86_INS_JNE: case X86_INS_JBE: case X86_INS_JA:
    case X86_INS_JS: case X86_INS_JNS: case X86_INS_JP: case X86_INS_JNP:
    case X86_INS_JL: case X86_INS_JGE: case X86_INS_JLE: case X86_INS_JG:
        return true;
    default:
        return false;
    }
}

/* The string instructions (6C-6F, A4-A7, AA-AF): in 32-bit code Capstone 4
 * ignores a 66 prefix that comes before F2/F3 or a segment prefix and
 * names the dword form ("66 F3 6D", gas's encoding of `rep insw`, decodes
 * as REP INSD), so SeaBIOS's ATA PIO read stored 1024 bytes into its
 * 512-byte buffer. The element size is the effective operand size (SDM
 * vol. 2, INS/MOVS/...): take it from the prefix bytes, not the id. */
static void fix_string_size(const cs_insn *ci, Insn *out)
{
    static const uint16_t ids[16][2] = {
        [0x0] = {X86_INS_INSW, X86_INS_INSD},   [0x1] = {X86_INS_OUTSW, X86_INS_OUTSD},
        [0x2] = {X86_INS_MOVSW, X86_INS_MOVSD}, [0x3] = {X86_INS_CMPSW, X86_INS_CMPSD},
        [0x4] = {X86_INS_STOSW, X86_INS_STOSD}, [0x5] = {X86_INS_LODSW, X86_INS_LODSD},
        [0x6] = {X86_INS_SCASW, X86_INS_SCASD},
    };
    uint8_t op = ci->detail->x86.opcode[0];
    int k;
    switch (op) {
    case 0x6d: k = 0x0; break;
    case 0x6f: k = 0x1; break;
    case 0xa5: k = 0x2; break;
    case 0xa7: k = 0x3; break;
    case 0xab: k = 0x4; break;
    case 0xad: k = 0x5; break;
    case 0xaf: k = 0x6; break;
    default: return;
    }
    if (ci->detail->x86.opcode[1] != 0)
        return;
    uint8_t sz = out->opsize;
    out->id = ids[k][sz == 4];
    for (int i = 0; i < out->nops; i++) {
        Operand *o = &out->op[i];
        bool port = (op == 0x6d || op == 0x6f) && o->kind != OPK_MEM;
        if (!port && (o->size == 2 || o->size == 4))
            o->size = sz;
    }
}

/* True for the SIMD groups, where 66/F2/F3 select the instruction
 * (mandatory prefixes) rather than the operand size. */
static bool simd_insn(const cs_insn *ci)
{
    const cs_detail *d = ci->detail;
    for (int i = 0; i < d->groups_count; i++)
        switch (d->groups[i]) {
        case X86_GRP_MMX: case X86_GRP_SSE1: case X86_GRP_SSE2: case X86_GRP_SSE3:
        case X86_GRP_SSSE3: case X86_GRP_SSE41: case X86_GRP_SSE42: case X86_GRP_SSE4A:
        case X86_GRP_3DNOW: case X86_GRP_AVX: case X86_GRP_AVX2: case X86_GRP_AES:
            return true;
        default:
            break;
        }
    return false;
}

/* In 32-bit code Capstone 4 sizes the memory operand of every
 * instruction whose 66 prefix comes before F2/F3 as if the 66 were not
 * there ("66 F2 39 61 5E" reads "cmp dword ptr [ecx + 0x5e], sp"), while
 * the register, the immediate and F2/F3-then-66 are right. Prefixes of
 * different groups may come in any order (SDM vol. 2, 2.1.1), so decode
 * again with the F2/F3 bytes moved in front: same length, same operands,
 * correct sizes (found by xlat86-gfuzz: seed 27 case 40110, seed 14 case
 * 70505). A LOCK goes first ("F2 F0 66 39 ..." does not decode at all;
 * "F0 F2 66" may drop Capstone's lock, but xlat86 reads LOCK from the
 * bytes). Not for
 * SIMD instructions, where the prefixes pick the form. */
static bool reorder_66_rep(csh h, const uint8_t *code, size_t n, uint32_t eip, cs_insn *ci)
{
    size_t lim = n > 15 ? 15 : n, k = 0;
    bool seen66 = false, late_rep = false;
    for (; k < lim; k++) {
        uint8_t b = code[k];
        if (b == 0x66) seen66 = true;
        else if (b == 0xf2 || b == 0xf3) late_rep |= seen66;
        else if (b != 0x67 && b != 0xf0 && b != 0x26 && b != 0x2e && b != 0x36 && b != 0x3e &&
                 b != 0x64 && b != 0x65)
            break;
    }
    if (!late_rep || simd_insn(ci)) return false;
    uint8_t re[15];
    size_t m = 0;
    for (size_t i = 0; i < k; i++)   /* LOCK, then F2/F3, then the rest */
        if (code[i] == 0xf0) re[m++] = code[i];
    for (size_t i = 0; i < k; i++)
        if (code[i] == 0xf2 || code[i] == 0xf3) re[m++] = code[i];
    for (size_t i = 0; i < k; i++)
        if (code[i] != 0xf2 && code[i] != 0xf3 && code[i] != 0xf0) re[m++] = code[i];
    memcpy(re + k, code + k, lim - k);
    size_t before = ci->size;
    const uint8_t *p = re;
    size_t left = lim;
    uint64_t addr = eip;
    if (cs_disasm_iter(h, &p, &left, &addr, ci) && ci->size == before && !simd_insn(ci)) return true;
    /* Not the same instruction after all: decode the original again (ci
     * is the one buffer). */
    p = code, left = lim, addr = eip;
    return cs_disasm_iter(h, &p, &left, &addr, ci);
}

bool decode_insn(const uint8_t *code, size_t n, uint32_t eip, bool code32, Insn *out)
{
    int hint = decode_hint_nop(code, n, eip, code32, out);
    if (hint) return hint > 0;
    memset(out, 0, sizeof *out);
    if (!ensure_open()) return false;
    csh h = code32 ? cs32 : cs16;
    cs_insn *ci = code32 ? ci32 : ci16;
    const uint8_t *p = code;
    size_t left = n > 15 ? 15 : n;
    uint64_t addr = eip;
    if (!cs_disasm_iter(h, &p, &left, &addr, ci)) return false;

    const cs_x86 *x = &ci->detail->x86;
    /* F2/F3 before a relative branch (the MPX BND prefix on newer CPUs, a
     * prefix the branch ignores before them): Capstone 4 then drops a 66
     * prefix's rel16 and reads rel32. Decode without the F2/F3 bytes and
     * count them back into the length. */
    if (ci->size > 1 && ((x->opcode[0] >= 0x70 && x->opcode[0] <= 0x7f) || x->opcode[0] == 0xe8 ||
                         x->opcode[0] == 0xe9 || x->opcode[0] == 0xeb ||
                         (x->opcode[0] == 0x0f && (x->opcode[1] & 0xf0) == 0x80))) {
        uint8_t strip[15];
        size_t m = 0, k = 0, lim = n > 15 ? 15 : n;
        for (; k < lim; k++) {
            uint8_t b = code[k];
            if (b == 0xf2 || b == 0xf3) continue;
            if (b != 0x66 && b != 0x67 && b != 0xf0 && b != 0x26 && b != 0x2e &&
                b != 0x36 && b != 0x3e && b != 0x64 && b != 0x65)
                break;
            strip[m++] = b;
        }
        size_t removed = k - m;
        bool branch = k < lim && (code[k] == 0xe8 || code[k] == 0xe9 || code[k] == 0xeb ||
                                  (code[k] >= 0x70 && code[k] <= 0x7f) ||
                                  (code[k] == 0x0f && k + 1 < lim && (code[k + 1] & 0xf0) == 0x80));
        if (branch && removed > 0) {
            memcpy(strip + m, code + k, lim - k);
            if (!decode_insn(strip, m + lim - k, eip + (uint32_t)removed, code32, out)) return false;
            out->len = (uint8_t)(out->len + removed);
            out->eip = eip;
            memcpy(out->raw, code, out->len <= n ? out->len : n);
            return true;
        }
    }
    if (code32 && reorder_66_rep(h, code, n, eip, ci)) x = &ci->detail->x86;
    out->id = (uint16_t)ci->id;
    out->len = (uint8_t)ci->size;

    bool osz = x->prefix[2] == 0x66, asz = x->prefix[3] == 0x67;
    out->opsize = (code32 ^ osz) ? 4 : 2;
    out->addrsize = (code32 ^ asz) ? 4 : 2;
    if (osz) out->flags |= INSN_OPSIZE;
    if (asz) out->flags |= INSN_ADSIZE;
    if (x->prefix[0] == 0xf3) out->flags |= INSN_REP;
    if (x->prefix[0] == 0xf2) out->flags |= INSN_REPNE;
    if (x->prefix[0] == 0xf0) out->flags |= INSN_LOCK;
    /* Capstone keeps one byte of the LOCK/REP group: LOCK next to F2/F3
     * is lost there, so look at the prefix bytes themselves. */
    for (size_t i = 0; i < ci->size && i < 14; i++) {
        uint8_t b = code[i];
        if (b == 0xf0) out->flags |= INSN_LOCK;
        else if (b != 0x66 && b != 0x67 && b != 0xf2 && b != 0xf3 && b != 0x26 &&
                 b != 0x2e && b != 0x36 && b != 0x3e && b != 0x64 && b != 0x65)
            break;
    }
    out->segovr = (uint8_t)seg_from_prefix(x->prefix[1]);
    if (out->segovr != S_NONE) out->flags |= INSN_SEGOVR;
    memcpy(out->opcode, x->opcode, 4);
    memcpy(out->raw, code, ci->size <= 16 ? ci->size : 16);
    out->modrm = x->modrm;
    out->eip = eip;
    out->next_eip = code32 ? eip + ci->size : ((eip + ci->size) & 0xffffu);
    out->flags_read = map_eflags(x->eflags, true) | missing_reads(ci->id);
    out->flags_written = map_eflags(x->eflags, false);

    int nops = x->op_count > 4 ? 4 : x->op_count;
    bool rel = is_rel_branch(ci->id, x->opcode);
    for (int i = 0; i < nops; i++) {
        const cs_x86_op *o = &x->operands[i];
        Operand *d = &out->op[i];
        d->size = o->size;
        switch (o->type) {
        case X86_OP_REG:
            if (!map_reg(o->reg, &d->kind, &d->reg, &d->size)) return false;
            break;
        case X86_OP_IMM:
            d->kind = OPK_IMM;
            d->imm = (uint32_t)o->imm;
            if (rel && i == 0) {
                /* The target from the instruction's own displacement (its
                 * last bytes: rel8, or rel16/rel32 by the operand size), not
                 * Capstone's, which wraps an o32 Jcc target to 16 bits in
                 * 16-bit code (found by tests/oracle pm.gate c16 cases). */
                uint8_t op0 = x->opcode[0];
                int n = (op0 == 0xeb || (op0 >= 0x70 && op0 <= 0x7f) || (op0 >= 0xe0 && op0 <= 0xe3))
                            ? 1 : out->opsize;
                uint32_t disp = 0;
                for (int k = 0; k < n; k++) disp |= (uint32_t)ci->bytes[ci->size - n + k] << (8 * k);
                if (n < 4) disp = (uint32_t)(((int32_t)(disp << (32 - 8 * n))) >> (32 - 8 * n));
                d->imm = (eip + ci->size + disp) & (out->opsize == 2 ? 0xffffu : 0xffffffffu);
            }
            break;
        case X86_OP_MEM: {
            d->kind = OPK_MEM;
            d->base = map_base(o->mem.base);
            d->index = map_base(o->mem.index);
            d->scale = (uint8_t)(o->mem.scale ? o->mem.scale : 1);
            d->disp = (int32_t)o->mem.disp;
            uint8_t k, num, sz;
            if (o->mem.segment != X86_REG_INVALID && map_reg(o->mem.segment, &k, &num, &sz))
                d->seg = num;
            else if (d->base == R_EBP || d->base == R_ESP)
                d->seg = S_SS;
            else
                d->seg = S_DS;
            break;
        }
        default:
            return false;
        }
    }
    out->nops = (uint8_t)nops;
    /* Capstone 4 names 98h/99h CWDE/CDQ in 16-bit code whatever the
     * operand size; the operand size decides (SDM: CBW/CWDE, CWD/CDQ). */
    if (x->opcode[0] == 0x98 && (ci->id == X86_INS_CBW || ci->id == X86_INS_CWDE))
        out->id = out->opsize == 2 ? X86_INS_CBW : X86_INS_CWDE;
    if (x->opcode[0] == 0x99 && (ci->id == X86_INS_CWD || ci->id == X86_INS_CDQ))
        out->id = out->opsize == 2 ? X86_INS_CWD : X86_INS_CDQ;
    fix_string_size(ci, out);
    /* x87 (opcodes D8-DF): Capstone 4's EFLAGS masks are wrong (FCOM
     * claims OF/SF/ZF/AF, FCOMI only OF). No x87 instruction touches
     * EFLAGS except FCOMI/FCOMIP/FUCOMI/FUCOMIP (ZF/PF/CF set, OF/SF/AF
     * cleared) and FCMOVcc reads them (Capstone's read masks are right). */
    if (x->opcode[0] >= 0xd8 && x->opcode[0] <= 0xdf) {
        bool fcomi = ci->id == X86_INS_FCOMI || ci->id == X86_INS_FCOMIP ||
                     ci->id == X86_INS_FUCOMI || ci->id == X86_INS_FUCOMIP;
        out->flags_written = fcomi ? F_ARITH : 0;
        bool fcmov = ci->id == X86_INS_FCMOVB || ci->id == X86_INS_FCMOVE ||
                     ci->id == X86_INS_FCMOVBE || ci->id == X86_INS_FCMOVU ||
                     ci->id == X86_INS_FCMOVNB || ci->id == X86_INS_FCMOVNE ||
                     ci->id == X86_INS_FCMOVNBE || ci->id == X86_INS_FCMOVNU;
        if (!fcmov) out->flags_read = 0;
    }
    /* F3 0F BC/BD are TZCNT/LZCNT only with BMI1/LZCNT (CPUID bits this
     * i686 does not report); elsewhere the F3 prefix is ignored and they
     * execute as BSF/BSR (SDM vol. 2, TZCNT/LZCNT), which Linux relies on. */
    if (ci->id == X86_INS_TZCNT || ci->id == X86_INS_LZCNT) {
        out->id = ci->id == X86_INS_TZCNT ? X86_INS_BSF : X86_INS_BSR;
        out->flags &= (uint8_t)~INSN_REP;
        out->flags_read = 0;
        out->flags_written = F_ZF;
    }
    /* 90+r with a 66 prefix: Capstone 4 reports "xchg eax, si" in 32-bit
     * code ("xchg ax, esi" in 16-bit code); both operands have the
     * effective operand size (SDM vol. 2, XCHG: 90+rw / 90+rd). */
    if (ci->id == X86_INS_XCHG && (x->opcode[0] & 0xf8) == 0x90 && nops == 2) {
        out->op[0].size = out->opsize;
        out->op[1].size = out->opsize;
    }
    if ((ci->id == X86_INS_AAM || ci->id == X86_INS_AAD) && nops == 0) {
        out->op[0].kind = OPK_IMM;
        out->op[0].size = 1;
        out->op[0].imm = 10;
        out->nops = 1;
    }
    return true;
}

size_t decode_disasm(int bits, const uint8_t *code, size_t n, uint64_t addr,
                     char *out, size_t outlen, int *insn_len)
{
    static csh d16, d32, d64;
    csh *h = bits == 16 ? &d16 : bits == 32 ? &d32 : &d64;
    if (!*h) {
        cs_mode m = bits == 16 ? CS_MODE_16 : bits == 32 ? CS_MODE_32 : CS_MODE_64;
        if (cs_open(CS_ARCH_X86, m, h) != CS_ERR_OK) return 0;
    }
    (void)cs64;
    cs_insn *ci;
    size_t c = cs_disasm(*h, code, n, addr, 1, &ci);
    if (!c) {
        snprintf(out, outlen, "(bad)");
        *insn_len = 1;
        return 0;
    }
    snprintf(out, outlen, "%s%s%s", ci->mnemonic, ci->op_str[0] ? " " : "", ci->op_str);
    *insn_len = ci->size;
    cs_free(ci, c);
    return 1;
}
