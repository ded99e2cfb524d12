/* gen_forms.c - the instruction forms under test and their case generators.
 *
 * Every user-level integer form that xlat86 translates gets one or more
 * Form entries (by operand size, register or memory operand, 32- or
 * 16-bit addressing). A generator draws operand values (edge cases or
 * random), incoming flags and an addressing form, and writes the guest
 * bytes and the equivalent host bytes (gen_enc.c).
 */
#include <stdio.h>
#include <string.h>

#include "diff.h"

#define MAX_FORMS 2048
Form forms[MAX_FORMS];
int n_forms;

enum { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };
#define BIT(r) (1u << (r))

static const char *const alu_name[8] = {"ADD", "OR", "ADC", "SBB", "AND", "SUB", "XOR", "CMP"};
static const char *const cc_name[16] = {"O", "NO", "B", "AE", "E", "NE", "BE", "A",
                                        "S", "NS", "P", "NP", "L", "GE", "LE", "G"};

/* ---- shared pieces ---- */

static uint32_t smask(int size)
{
    return size == 1 ? 0xffu : size == 2 ? 0xffffu : 0xffffffffu;
}

/* The dword register a (size-coded) register operand lives in. */
static uint32_t rbit(int r, int size)
{
    return BIT(size == 1 ? (r & 3) : r);
}

/* A register for an operand of `size`: byte registers 0..7 (AL..BH), or
 * any GPR except those in avoid. */
static int pick_reg(Src *s, int size, uint32_t avoid)
{
    for (int t = 0; t < 64; t++) {
        int r = (int)rnd_below(s, 8);
        if (!(avoid & rbit(r, size))) return r;
    }
    return size == 1 ? 1 : EBX;
}

/* The r/m operand of a form: a register, or memory by f->mem (1: 32-bit
 * addressing, 2: 16-bit addressing), holding value v. */
static void rm_value(Case *c, Src *s, const Form *f, Rm *m, int size, uint32_t v, uint32_t avoid)
{
    if (f->mem) {
        rm_mem(c, s, m, f->mem == 2, size, avoid, 0);
        mem_preset(c, m->lin, size, v);
    } else {
        rm_reg(m, pick_reg(s, size, avoid));
        set_reg(c, m->reg, size, v);
    }
}

void add_form(const char *group, GenFn gen, int op, int size, int mem, int var,
                     const char *fmt, const char *a, const char *b)
{
    if (n_forms >= MAX_FORMS) return;
    Form *f = &forms[n_forms++];
    static const char *const msuf[3] = {"", " [m32]", " [m16]"};
    char nm[40];
    snprintf(nm, sizeof nm, fmt, a ? a : "", b ? b : "");
    snprintf(f->name, sizeof f->name, "%s%s", nm, msuf[mem]);
    f->group = group;
    f->gen = gen;
    f->op = op;
    f->size = size;
    f->mem = mem;
    f->var = var;
}

static const char *szs(int size)
{
    return size == 1 ? "8" : size == 2 ? "16" : "32";
}

static void imm(Case *c, uint32_t v, int size)
{
    both_imm(c, v, size);
}

/* ---- ALU: ADD OR ADC SBB AND SUB XOR CMP ---- */

/* var: 0 r/m,r  1 r,r/m  2 acc,imm  3 r/m,imm (80/81)  4 r/m,imm8 (83)
 *      5 r/m8,imm8 via 82 (host: 80)  6 LOCK r/m,r (register: #UD) */
static void gen_alu(Case *c, Src *s, const Form *f)
{
    int sz = f->size, w = sz > 1, op = f->op;
    bool lock = f->var == 6;
    bool fault = lock && (!f->mem || op == 7);
    case_begin(c, s, !fault);
    uint32_t av = fault ? BIT(ESP) : 0;
    uint32_t a = pick_val(s, sz), b = pick_val(s, sz);
    Rm m;
    uint8_t opc;
    switch (f->var) {
    case 0: case 1: case 6: {
        int r = pick_reg(s, sz, av);
        set_reg(c, r, sz, b);
        rm_value(c, s, f, &m, sz, a, av | rbit(r, sz));
        opc = (uint8_t)(op * 8 + (f->var == 1 ? 2 : 0) + w);
        emit_modrm(c, lock, sz == 2, &opc, 1, r, &m);
        break;
    }
    case 2:
        set_reg(c, EAX, sz, a);
        if (sz == 2) both(c, 0x66);
        both(c, (uint8_t)(op * 8 + 4 + w));
        imm(c, b, sz);
        break;
    case 3: case 4: case 5:
        rm_value(c, s, f, &m, sz, a, av);
        opc = f->var == 3 ? (uint8_t)(0x80 + w) : f->var == 4 ? 0x83 : 0x80;
        emit_modrm(c, false, sz == 2, &opc, 1, op, &m);
        if (f->var == 5) {
            /* 82 /op is the 32-bit-mode alias of 80 /op (#UD in long mode). */
            for (int i = 0; i < c->glen; i++)
                if (c->g[i] == 0x80) { c->g[i] = 0x82; break; }
        }
        imm(c, b, f->var == 3 ? sz : 1);
        break;
    }
    undef_apply(c, (op == 1 || op == 4 || op == 6) ? UK_LOGIC : UK_NONE, 0, 0);
}

/* var: 0 TEST r/m,r  1 TEST acc,imm  2 TEST r/m,imm (F6/F7 /0) */
static void gen_test(Case *c, Src *s, const Form *f)
{
    int sz = f->size, w = sz > 1;
    case_begin(c, s, true);
    uint32_t a = pick_val(s, sz), b = pick_val(s, sz);
    Rm m;
    uint8_t opc;
    if (f->var == 0) {
        int r = pick_reg(s, sz, 0);
        set_reg(c, r, sz, b);
        rm_value(c, s, f, &m, sz, a, rbit(r, sz));
        opc = (uint8_t)(0x84 + w);
        emit_modrm(c, false, sz == 2, &opc, 1, r, &m);
    } else if (f->var == 1) {
        set_reg(c, EAX, sz, a);
        if (sz == 2) both(c, 0x66);
        both(c, (uint8_t)(0xa8 + w));
        imm(c, b, sz);
    } else {
        rm_value(c, s, f, &m, sz, a, 0);
        opc = (uint8_t)(0xf6 + w);
        emit_modrm(c, false, sz == 2, &opc, 1, 0, &m);
        imm(c, b, sz);
    }
    undef_apply(c, UK_LOGIC, 0, 0);
}

/* INC DEC NOT NEG; var: 0 modrm form, 1 short 40+r/48+r, 2 LOCK */
static void gen_unary(Case *c, Src *s, const Form *f)
{
    int sz = f->size, w = sz > 1, op = f->op;
    bool lock = f->var == 2;
    case_begin(c, s, !(lock && !f->mem));   /* LOCK on a register: #UD */
    uint32_t av = lock && !f->mem ? BIT(ESP) : 0;
    uint32_t a = pick_val(s, sz);
    Rm m;
    if (f->var == 1) {
        int r = pick_reg(s, sz, 0);
        set_reg(c, r, sz, a);
        if (sz == 2) both(c, 0x66);
        gbyte(c, (uint8_t)(0x40 + 8 * op + r));
        /* 40..4F are REX prefixes in long mode: the host runs FF /0, /1. */
        hbyte(c, 0xff);
        hbyte(c, (uint8_t)(0xc0 | (op << 3) | r));
        undef_apply(c, UK_NONE, 0, 0);
        return;
    }
    rm_value(c, s, f, &m, sz, a, av);
    uint8_t opc = (uint8_t)((op < 2 ? 0xfe : 0xf6) + w);
    /* FE/FF /0 INC, /1 DEC; F6/F7 /2 NOT, /3 NEG: the op number is the /reg. */
    emit_modrm(c, lock, sz == 2, &opc, 1, op, &m);
    undef_apply(c, UK_NONE, 0, 0);
}

/* ---- data movement ---- */

/* var: 0 MOV r/m,r  1 MOV r,r/m  2 MOV r,imm (B0/B8+r)  3 MOV r/m,imm (C6/C7)
 *      4 MOV acc,moffs (A0/A1)  5 MOV moffs,acc (A2/A3) */
static void gen_mov(Case *c, Src *s, const Form *f)
{
    int sz = f->size, w = sz > 1;
    case_begin(c, s, true);
    uint32_t a = pick_val(s, sz), b = pick_val(s, sz);
    Rm m;
    uint8_t opc;
    switch (f->var) {
    case 0: case 1: {
        int r = pick_reg(s, sz, 0);
        set_reg(c, r, sz, b);
        rm_value(c, s, f, &m, sz, a, rbit(r, sz));
        opc = (uint8_t)(0x88 + (f->var ? 2 : 0) + w);
        emit_modrm(c, false, sz == 2, &opc, 1, r, &m);
        break;
    }
    case 2: {
        int r = pick_reg(s, sz, 0);
        if (sz == 2) both(c, 0x66);
        both(c, (uint8_t)((sz == 1 ? 0xb0 : 0xb8) + r));
        imm(c, b, sz);
        break;
    }
    case 3:
        rm_value(c, s, f, &m, sz, a, 0);
        opc = (uint8_t)(0xc6 + w);
        emit_modrm(c, false, sz == 2, &opc, 1, 0, &m);
        imm(c, b, sz);
        break;
    default: {
        /* moffs: the address is the immediate (16 bits under 0x67). In
         * long mode A0..A3 take a 64-bit moffs, or a 32-bit one under 0x67. */
        bool a16 = f->mem == 2;
        uint32_t lin = (a16 ? WIN_LOW : WIN_DATA) + 16 + rnd_below(s, WIN_SIZE - 32);
        mem_preset(c, lin, sz, a);
        set_reg(c, EAX, sz, b);
        if (sz == 2) both(c, 0x66);
        if (a16) gbyte(c, 0x67);
        hbyte(c, 0x67);
        both(c, (uint8_t)(0xa0 + (f->var == 5 ? 2 : 0) + w));
        for (int i = 0; i < (a16 ? 2 : 4); i++) gbyte(c, (uint8_t)(lin >> (8 * i)));
        for (int i = 0; i < 4; i++) hbyte(c, (uint8_t)(lin >> (8 * i)));
        break;
    }
    }
}

/* MOVZX/MOVSX: op 0 zx, 1 sx; size = destination, var = source size */
static void gen_movx(Case *c, Src *s, const Form *f)
{
    int dsz = f->size, ssz = f->var;
    case_begin(c, s, true);
    uint32_t a = pick_val(s, ssz);
    int r = pick_reg(s, dsz, 0);
    set_reg(c, r, dsz, pick_val(s, dsz));
    Rm m;
    rm_value(c, s, f, &m, ssz, a, rbit(r, dsz));
    uint8_t opc[2] = {0x0f, (uint8_t)((f->op ? 0xbe : 0xb6) + (ssz == 2))};
    emit_modrm(c, false, dsz == 2, opc, 2, r, &m);
}

/* LEA r,m: every addressing form; the address need not be mapped. */
static void gen_lea(Case *c, Src *s, const Form *f)
{
    int sz = f->size;
    case_begin(c, s, true);
    int r = pick_reg(s, sz, 0);
    set_reg(c, r, sz, pick_val(s, sz));
    Rm m;
    bool a16 = f->mem == 2;
    uint32_t lin = rnd32(s);
    if (a16) lin &= 0xffffu;
    if (lin == 0) lin = 1;
    rm_mem(c, s, &m, a16, sz, BIT(ESP), lin);
    uint8_t opc = 0x8d;
    emit_modrm(c, false, sz == 2, &opc, 1, r, &m);
    if (a16) {
        /* No 16-bit addressing in long mode: the host loads the address
         * SDM table 2-1 gives (zero-extended to 32 bits for LEA r32). */
        c->hlen = 0;
        c->hkind = HK_SEQ;
        if (sz == 2) hbyte(c, 0x66);
        hbyte(c, (uint8_t)(0xb8 + r));
        for (int i = 0; i < sz; i++) hbyte(c, (uint8_t)(m.lin >> (8 * i)));
    }
}

/* ---- shifts and rotates ---- */

/* op = the /reg field (0 ROL 1 ROR 2 RCL 3 RCR 4 SHL 5 SHR 7 SAR);
 * var: 0 by 1 (D0/D1), 1 by CL (D2/D3), 2 by imm8 (C0/C1) */
static void gen_shift(Case *c, Src *s, const Form *f)
{
    int sz = f->size, w = sz > 1, op = f->op;
    case_begin(c, s, true);
    uint32_t a = pick_val(s, sz);
    uint8_t cnt = f->var == 0 ? 1 : pick_count(s, sz * 8);
    Rm m;
    uint32_t av = f->var == 1 ? BIT(ECX) : 0;
    rm_value(c, s, f, &m, sz, a, av);
    if (f->var == 1) set_reg(c, ECX, 1, cnt);
    uint8_t opc = (uint8_t)((f->var == 0 ? 0xd0 : f->var == 1 ? 0xd2 : 0xc0) + w);
    emit_modrm(c, false, sz == 2, &opc, 1, op, &m);
    if (f->var == 2) imm(c, cnt, 1);
    if (!m.mem && f->var == 1 && (m.reg == ECX || (sz == 1 && m.reg == 1))) cnt = (uint8_t)a;
    int k = op < 2 ? UK_ROT : op < 4 ? UK_RCX : UK_SHIFT;
    undef_apply(c, k, cnt, sz * 8);
}

/* SHLD (op 0) / SHRD (op 1); var 0 imm8, 1 CL */
static void gen_shxd(Case *c, Src *s, const Form *f)
{
    int sz = f->size;
    case_begin(c, s, true);
    uint32_t a = pick_val(s, sz), b = pick_val(s, sz);
    uint8_t cnt = pick_count(s, sz * 8);
    /* 16-bit operands with a masked count above 16: the SDM leaves the
     * result undefined, so such counts are not generated. */
    if (sz == 2 && (cnt & 31) > 16) cnt &= 0x0f;
    uint32_t av = f->var ? BIT(ECX) : 0;
    int r = pick_reg(s, sz, av);
    set_reg(c, r, sz, b);
    Rm m;
    rm_value(c, s, f, &m, sz, a, av | rbit(r, sz));
    if (f->var) set_reg(c, ECX, 1, cnt);
    uint8_t opc[2] = {0x0f, (uint8_t)((f->op ? 0xac : 0xa4) + f->var)};
    emit_modrm(c, false, sz == 2, opc, 2, r, &m);
    if (!f->var) imm(c, cnt, 1);
    undef_apply(c, UK_SHXD, cnt, sz * 8);
}

/* ---- multiply and divide ---- */

/* F6/F7 /op: op 4 MUL 5 IMUL 6 DIV 7 IDIV */
static void gen_muldiv(Case *c, Src *s, const Form *f)
{
    int sz = f->size, w = sz > 1, op = f->op;
    bool div = op >= 6;
    case_begin(c, s, !div);
    uint32_t av = div ? BIT(ESP) | BIT(EAX) | BIT(EDX) : BIT(EAX) | BIT(EDX);
    uint32_t d = pick_val(s, sz), lo = pick_val(s, sz);
    uint32_t mask = smask(sz);
    uint32_t hi = rnd32(s);
    if (div && (rnd32(s) & 1)) {
        /* Make the quotient fit half the time. */
        if (op == 6) hi = (d & mask) ? rnd32(s) % (d & mask) : 0;
        else hi = ((lo & mask) >> (sz * 8 - 1)) ? mask : 0;
    }
    if (sz == 1) {
        set_reg(c, EAX, 1, lo);
        set_reg(c, 4 /* AH */, 1, hi);
        av = div ? BIT(ESP) | BIT(EAX) : BIT(EAX);
    } else {
        set_reg(c, EAX, sz, lo);
        set_reg(c, EDX, sz, hi);
    }
    Rm m;
    rm_value(c, s, f, &m, sz, d, av);
    uint8_t opc = (uint8_t)(0xf6 + w);
    emit_modrm(c, false, sz == 2, &opc, 1, op, &m);
    undef_apply(c, div ? UK_DIV : UK_MUL, 0, 0);
}

/* IMUL r,r/m (0F AF), r,r/m,imm (69), r,r/m,imm8 (6B): var 0, 1, 2 */
static void gen_imul(Case *c, Src *s, const Form *f)
{
    int sz = f->size;
    case_begin(c, s, true);
    uint32_t a = pick_val(s, sz), b = pick_val(s, sz);
    int r = pick_reg(s, sz, 0);
    set_reg(c, r, sz, b);
    Rm m;
    rm_value(c, s, f, &m, sz, a, rbit(r, sz));
    if (f->var == 0) {
        uint8_t opc[2] = {0x0f, 0xaf};
        emit_modrm(c, false, sz == 2, opc, 2, r, &m);
    } else {
        uint8_t opc = f->var == 1 ? 0x69 : 0x6b;
        emit_modrm(c, false, sz == 2, &opc, 1, r, &m);
        imm(c, pick_val(s, sz), f->var == 1 ? sz : 1);
    }
    undef_apply(c, UK_MUL, 0, 0);
}

/* ---- bits ---- */

/* op 4 BT 5 BTS 6 BTR 7 BTC; var 0 r/m,r (bit string in memory), 1 r/m,imm8 */
static void gen_bt(Case *c, Src *s, const Form *f)
{
    int sz = f->size, op = f->op;
    case_begin(c, s, true);
    uint32_t a = pick_val(s, sz);
    Rm m;
    if (f->var == 0) {
        int r = pick_reg(s, sz, BIT(ESP));
        uint32_t off = pick_val(s, sz);
        if (f->mem) {
            /* A register bit offset reaches EA + (offset >> 3), signed: keep
             * it within +-1.5 KiB of the window's middle. */
            off = (uint32_t)((int32_t)rnd_below(s, 0x6000) - 0x3000);
            if (rnd32(s) & 1) off &= 0x3f;
        }
        set_reg(c, r, sz, off);
        if (f->mem) {
            rm_mem(c, s, &m, f->mem == 2, sz, rbit(r, sz) | BIT(ESP),
                   (f->mem == 2 ? WIN_LOW : WIN_DATA) + 0x800);
            mem_preset(c, m.lin, sz, a);
        } else {
            rm_reg(&m, pick_reg(s, sz, rbit(r, sz)));
            set_reg(c, m.reg, sz, a);
        }
        static const uint8_t o2[4] = {0xa3, 0xab, 0xb3, 0xbb};
        uint8_t opc[2] = {0x0f, o2[op - 4]};
        emit_modrm(c, false, sz == 2, opc, 2, r, &m);
    } else {
        rm_value(c, s, f, &m, sz, a, 0);
        uint8_t opc[2] = {0x0f, 0xba};
        emit_modrm(c, false, sz == 2, opc, 2, op, &m);
        imm(c, pick_count(s, sz * 8), 1);
    }
    undef_apply(c, UK_BT, 0, 0);
}

/* BSF (op 0) / BSR (op 1) */
static void gen_bsf(Case *c, Src *s, const Form *f)
{
    int sz = f->size;
    case_begin(c, s, true);
    uint32_t a = pick_val(s, sz);
    if (rnd_below(s, 8) == 0) a &= ~smask(sz);
    int r = pick_reg(s, sz, 0);
    Rm m;
    rm_value(c, s, f, &m, sz, a, rbit(r, sz));
    uint8_t opc[2] = {0x0f, (uint8_t)(0xbc + f->op)};
    emit_modrm(c, false, sz == 2, opc, 2, r, &m);
    undef_apply(c, UK_BSF, 0, 0);
    /* "If the content of the source operand is 0, the content of the
     * destination operand is undefined." */
    if (!m.mem && m.reg == r) a = get_reg(c, r, sz);
    if (!(a & smask(sz))) c->undef_reg[r] = smask(sz);
}

/* SETcc r/m8 (op = cc) */
static void gen_setcc(Case *c, Src *s, const Form *f)
{
    case_begin(c, s, true);
    Rm m;
    rm_value(c, s, f, &m, 1, pick_val(s, 1), 0);
    uint8_t opc[2] = {0x0f, (uint8_t)(0x90 + f->op)};
    emit_modrm(c, false, false, opc, 2, 0, &m);
}

/* CMOVcc r,r/m (op = cc) */
static void gen_cmov(Case *c, Src *s, const Form *f)
{
    int sz = f->size;
    case_begin(c, s, true);
    int r = pick_reg(s, sz, 0);
    set_reg(c, r, sz, pick_val(s, sz));
    Rm m;
    rm_value(c, s, f, &m, sz, pick_val(s, sz), rbit(r, sz));
    uint8_t opc[2] = {0x0f, (uint8_t)(0x40 + f->op)};
    emit_modrm(c, false, sz == 2, opc, 2, r, &m);
}

/* ---- exchange ---- */

/* op 0 XCHG r/m,r  1 XCHG acc,r (90+r)  2 XADD  3 CMPXCHG  4 BSWAP;
 * var 1 = LOCK (memory forms) */
static void gen_xchg(Case *c, Src *s, const Form *f)
{
    int sz = f->size, w = sz > 1;
    case_begin(c, s, true);
    uint32_t a = pick_val(s, sz), b = pick_val(s, sz);
    bool lock = f->var == 1;
    Rm m;
    if (f->op == 1) {
        int r = 1 + (int)rnd_below(s, 7);
        set_reg(c, EAX, sz, a);
        set_reg(c, r, sz, b);
        if (sz == 2) both(c, 0x66);
        both(c, (uint8_t)(0x90 + r));
        return;
    }
    if (f->op == 4) {
        int r = pick_reg(s, 4, 0);
        set_reg(c, r, 4, a);
        both(c, 0x0f);
        both(c, (uint8_t)(0xc8 + r));
        return;
    }
    uint32_t av = f->op == 3 ? BIT(EAX) : 0;
    int r = pick_reg(s, sz, av);
    set_reg(c, r, sz, b);
    rm_value(c, s, f, &m, sz, a, av | rbit(r, sz));
    if (f->op == 3) {
        /* CMPXCHG compares the accumulator with the destination: equal
         * half the time. */
        uint32_t acc = (rnd32(s) & 1) ? a : pick_val(s, sz);
        set_reg(c, EAX, sz, acc);
        if (!m.mem) set_reg(c, m.reg, sz, a);
    }
    if (f->op == 0) {
        uint8_t opc = (uint8_t)(0x86 + w);
        emit_modrm(c, lock, sz == 2, &opc, 1, r, &m);
    } else {
        uint8_t opc[2] = {0x0f, (uint8_t)((f->op == 2 ? 0xc0 : 0xb0) + w)};
        emit_modrm(c, lock, sz == 2, opc, 2, r, &m);
    }
}

/* ---- one-byte flag and conversion instructions ---- */

/* op: 0 CBW 1 CWDE 2 CWD 3 CDQ 4 LAHF 5 SAHF 6 CLC 7 STC 8 CMC 9 CLD 10 STD
 *     11 NOP 12 NOP r/m32 (0F 1F /0) 13 UD2 (#UD) */
static void gen_misc(Case *c, Src *s, const Form *f)
{
    case_begin(c, s, f->op != 13);
    c->r[EAX] = pick_val(s, 4);
    c->r[EDX] = pick_val(s, 4);
    if (rnd32(s) & 1) c->fl |= XF_DF;
    static const uint8_t ops[14][3] = {{0x66, 0x98}, {0, 0x98}, {0x66, 0x99}, {0, 0x99},
                                       {0, 0x9f}, {0, 0x9e}, {0, 0xf8}, {0, 0xf9}, {0, 0xf5},
                                       {0, 0xfc}, {0, 0xfd}, {0, 0x90}, {0x0f, 0x1f, 0x00},
                                       {0, 0x0f, 0x0b}};
    if (f->op == 12) {
        /* The multi-byte NOP takes an r/m operand it never accesses. */
        Rm m;
        uint8_t opc[2] = {0x0f, 0x1f};
        rm_mem(c, s, &m, false, 4, BIT(ESP), 0);
        emit_modrm(c, false, rnd32(s) & 1, opc, 2, 0, &m);
        return;
    }
    for (int i = 0; i < 3; i++)
        if (ops[f->op][i] || (i == 1)) both(c, ops[f->op][i]);
}

/* XLAT (D7): AL <- [EBX + zero-extended AL] (0x67 in long mode: EBX) */
static void gen_xlat(Case *c, Src *s, const Form *f)
{
    (void)f;
    case_begin(c, s, true);
    c->r[EAX] = pick_val(s, 4);
    c->r[EBX] = WIN_DATA + rnd_below(s, WIN_SIZE - 256);
    hbyte(c, 0x67);
    both(c, 0xd7);
}

/* CMPXCHG8B m64 (0F C7 /1): EDX:EAX against m64, equal half the time;
 * var 1 = LOCK. */
static void gen_cx8(Case *c, Src *s, const Form *f)
{
    case_begin(c, s, true);
    uint64_t v = ((uint64_t)pick_val(s, 4) << 32) | pick_val(s, 4);
    c->r[ECX] = pick_val(s, 4);
    c->r[EBX] = rnd32(s);
    if (rnd32(s) & 1) {
        c->r[EAX] = (uint32_t)v;
        c->r[EDX] = (uint32_t)(v >> 32);
    } else {
        c->r[EAX] = pick_val(s, 4);
        c->r[EDX] = (rnd32(s) & 1) ? (uint32_t)(v >> 32) : rnd32(s);
    }
    Rm m;
    rm_mem(c, s, &m, f->mem == 2, 8, BIT(EAX) | BIT(ECX) | BIT(EDX) | BIT(EBX) | BIT(ESP), 0);
    mem_preset64(c, m.lin, 8, v);
    uint8_t opc[2] = {0x0f, 0xc7};
    emit_modrm(c, f->var == 1, false, opc, 2, 1, &m);
}

/* ---- BCD: DAA DAS AAA AAS AAM AAD (no long-mode encoding: model) ---- */

static void gen_bcd(Case *c, Src *s, const Form *f)
{
    static const uint8_t opc[6] = {0x27, 0x2f, 0x37, 0x3f, 0xd4, 0xd5};
    static const int model[6] = {M_DAA, M_DAS, M_AAA, M_AAS, M_AAM, M_AAD};
    static const int uk[6] = {UK_DAA, UK_DAA, UK_AAA, UK_AAA, UK_AAM, UK_AAM};
    case_begin(c, s, f->op != 4);
    set_reg(c, EAX, 2, pick_val(s, 2));
    if (rnd32(s) & 1) set_reg(c, EAX, 1, pick_val(s, 1));
    gbyte(c, opc[f->op]);
    if (f->op >= 4) {
        uint32_t base = (rnd32(s) & 3) ? 10 : pick_val(s, 1) & 0xff;
        gbyte(c, (uint8_t)base);
    }
    c->hkind = HK_MODEL;
    c->model = model[f->op];
    undef_apply(c, uk[f->op], 0, 0);
}

/* ---- stack ---- */

static void host_push32_from(Case *c, int r)
{
    /* mov [esp-4], r32 ; lea esp, [esp-4]  (PUSH ESP stores the old ESP) */
    uint8_t seq[10] = {0x67, 0x89, (uint8_t)(0x44 | (r << 3)), 0x24, 0xfc,
                       0x67, 0x8d, 0x64, 0x24, 0xfc};
    for (int i = 0; i < 10; i++) hbyte(c, seq[i]);
}

/* op 0 PUSH r (50+r)  1 PUSH imm8 (6A)  2 PUSH imm (68)  3 PUSH r/m (FF /6)
 * 4 POP r (58+r)  5 POP r/m (8F /0)  6 LEAVE  7 PUSH/POP [esp+disp8] */
static void gen_stack(Case *c, Src *s, const Form *f)
{
    int sz = f->size;
    bool o16 = sz == 2;
    case_begin(c, s, false);
    uint32_t v = pick_val(s, sz);
    /* The value at the top of the stack, for pops. */
    mem_preset(c, c->r[ESP], 4, pick_val(s, 4));
    c->hkind = o16 ? HK_NATIVE : HK_SEQ;
    Rm m;
    switch (f->op) {
    case 0: case 4: {
        int r = (int)rnd_below(s, 8);
        if (r != ESP) set_reg(c, r, sz, v);
        if (o16) both(c, 0x66);
        gbyte(c, (uint8_t)((f->op ? 0x58 : 0x50) + r));
        if (o16) hbyte(c, (uint8_t)((f->op ? 0x58 : 0x50) + r));
        else if (f->op == 0) host_push32_from(c, r);
        else {
            /* lea esp, [esp+4] ; mov r32, [esp-4]  (POP ESP loads the value) */
            uint8_t seq[10] = {0x67, 0x8d, 0x64, 0x24, 0x04,
                               0x67, 0x8b, (uint8_t)(0x44 | (r << 3)), 0x24, 0xfc};
            for (int i = 0; i < 10; i++) hbyte(c, seq[i]);
        }
        return;
    }
    case 1: case 2: {
        uint32_t iv = f->op == 1 ? (uint32_t)(int32_t)(int8_t)v : v;
        if (o16) both(c, 0x66);
        gbyte(c, f->op == 1 ? 0x6a : 0x68);
        for (int i = 0; i < (f->op == 1 ? 1 : sz); i++) gbyte(c, (uint8_t)(v >> (8 * i)));
        if (o16) {
            hbyte(c, f->op == 1 ? 0x6a : 0x68);
            for (int i = 0; i < (f->op == 1 ? 1 : 2); i++) hbyte(c, (uint8_t)(v >> (8 * i)));
        } else {
            uint8_t seq[5] = {0x67, 0xc7, 0x44, 0x24, 0xfc};
            for (int i = 0; i < 5; i++) hbyte(c, seq[i]);
            for (int i = 0; i < 4; i++) hbyte(c, (uint8_t)(iv >> (8 * i)));
            uint8_t l[5] = {0x67, 0x8d, 0x64, 0x24, 0xfc};
            for (int i = 0; i < 5; i++) hbyte(c, l[i]);
        }
        return;
    }
    case 3: case 5: {
        rm_value(c, s, f, &m, sz, v, BIT(ESP));
        uint8_t opc = f->op == 3 ? 0xff : 0x8f;
        emit_modrm(c, false, o16, &opc, 1, f->op == 3 ? 6 : 0, &m);
        /* PUSH/POP m32 have no long-mode form (64-bit operand size). */
        if (!o16) c->hkind = HK_NONE;
        return;
    }
    case 6:
        c->r[EBP] = STACK_TOP - 4 * rnd_below(s, 64);
        mem_preset(c, c->r[EBP], 4, v);
        if (o16) both(c, 0x66);
        gbyte(c, 0xc9);
        if (o16) hbyte(c, 0xc9);
        else {
            /* mov esp, ebp ; mov ebp, [esp] ; lea esp, [esp+4] */
            uint8_t seq[11] = {0x89, 0xec, 0x67, 0x8b, 0x2c, 0x24, 0x67, 0x8d, 0x64, 0x24, 0x04};
            for (int i = 0; i < 11; i++) hbyte(c, seq[i]);
        }
        return;
    default: {
        /* PUSH [esp+d8] (var 0) addresses with ESP before the push; POP
         * [esp+d8] (var 1) "computes the effective address of the operand
         * after it increments the ESP register" (SDM vol. 2, POP). */
        int8_t d = (int8_t)(4 * (int)rnd_below(s, 16) - 32);
        mem_preset(c, c->r[ESP] + (uint32_t)(int32_t)d, 4, v);
        if (o16) both(c, 0x66);
        gbyte(c, f->var ? 0x8f : 0xff);
        gbyte(c, f->var ? 0x44 : 0x74);
        gbyte(c, 0x24);
        gbyte(c, (uint8_t)d);
        if (o16) {
            uint8_t seq[5] = {0x67, (uint8_t)(f->var ? 0x8f : 0xff), (uint8_t)(f->var ? 0x44 : 0x74),
                              0x24, (uint8_t)d};
            for (int i = 0; i < 5; i++) hbyte(c, seq[i]);
        } else {
            c->hkind = HK_NONE;
        }
        return;
    }
    }
}

/* BOUND r, m (62 /r): signed bounds at m and m+size; #BR when outside. */
static void gen_bound(Case *c, Src *s, const Form *f)
{
    int sz = f->size;
    case_begin(c, s, false);
    uint32_t lo = pick_val(s, sz), hi = pick_val(s, sz), ix = pick_val(s, sz);
    if (rnd32(s) & 1) {
        int32_t l = (int32_t)(sz == 2 ? (int16_t)lo : (int32_t)lo);
        int32_t h = (int32_t)(sz == 2 ? (int16_t)hi : (int32_t)hi);
        if (l > h) { uint32_t t = lo; lo = hi; hi = t; }
    }
    int r = pick_reg(s, sz, BIT(ESP));
    set_reg(c, r, sz, ix);
    Rm m;
    rm_mem(c, s, &m, f->mem == 2, 2 * sz, rbit(r, sz) | BIT(ESP), 0);
    mem_preset64(c, m.lin, 2 * sz, (lo & smask(sz)) | ((uint64_t)(hi & smask(sz)) << (8 * sz)));
    uint8_t opc = 0x62;
    emit_modrm(c, false, sz == 2, &opc, 1, r, &m);
    c->hkind = HK_MODEL;
    c->model = sz == 2 ? M_BOUND16 : M_BOUND32;
}

/* ---- control transfer probes: the branch jumps over MOV EDI, marker ---- */

/* op 0..15 Jcc (var 0 rel8, 1 rel32), 16 JMP, 17 LOOP, 18 LOOPE, 19 LOOPNE,
 * 20 JECXZ (the last four need 0x67 on the host to use ECX, not RCX) */
static void gen_jcc(Case *c, Src *s, const Form *f)
{
    case_begin(c, s, true);
    c->r[ECX] = pick_val(s, 4);
    c->r[EDI] = pick_val(s, 4);
    int op = f->op;
    if (op < 16) {
        if (f->var == 0) both(c, (uint8_t)(0x70 + op)), both(c, 5);
        else both(c, 0x0f), both(c, (uint8_t)(0x80 + op)), both_imm(c, 5, 4);
    } else if (op == 16) {
        if (f->var == 0) both(c, 0xeb), both(c, 5);
        else both(c, 0xe9), both_imm(c, 5, 4);
    } else {
        static const uint8_t lo[4] = {0xe2, 0xe1, 0xe0, 0xe3};
        hbyte(c, 0x67);
        both(c, lo[op - 17]);
        both(c, 5);
    }
    both(c, 0xbf);
    both_imm(c, 0x600dcafeu, 4);
}

/* ---- the table ---- */

void forms_init(void)
{
    static const int sizes[3] = {1, 2, 4};
    n_forms = 0;
    for (int op = 0; op < 8; op++)
        for (int si = 0; si < 3; si++) {
            int sz = sizes[si];
            const char *n = alu_name[op], *z = szs(sz);
            char buf[32];
            for (int mem = 0; mem < 3; mem++) {
                snprintf(buf, sizeof buf, "%s r/m%s,r", n, z);
                add_form("alu", gen_alu, op, sz, mem, 0, "%s%s", buf, NULL);
                snprintf(buf, sizeof buf, "%s r%s,r/m", n, z);
                add_form("alu", gen_alu, op, sz, mem, 1, "%s%s", buf, NULL);
                snprintf(buf, sizeof buf, "%s r/m%s,imm", n, z);
                add_form("alu", gen_alu, op, sz, mem, 3, "%s%s", buf, NULL);
                if (sz > 1) {
                    snprintf(buf, sizeof buf, "%s r/m%s,imm8", n, z);
                    add_form("alu", gen_alu, op, sz, mem, 4, "%s%s", buf, NULL);
                } else {
                    snprintf(buf, sizeof buf, "%s r/m8,imm8 (82)", n);
                    add_form("alu", gen_alu, op, sz, mem, 5, "%s%s", buf, NULL);
                }
                if (mem < 2) {
                    snprintf(buf, sizeof buf, "LOCK %s r/m%s,r", n, z);
                    add_form("alu", gen_alu, op, sz, mem, 6, "%s%s", buf, NULL);
                }
            }
            snprintf(buf, sizeof buf, "%s acc%s,imm", n, z);
            add_form("alu", gen_alu, op, sz, 0, 2, "%s%s", buf, NULL);
        }
    for (int si = 0; si < 3; si++) {
        int sz = sizes[si];
        const char *z = szs(sz);
        add_form("test", gen_test, 0, sz, 0, 1, "TEST acc%s,imm%s", z, "");
        for (int mem = 0; mem < 3; mem++) {
            add_form("test", gen_test, 0, sz, mem, 0, "TEST r/m%s,r%s", z, "");
            add_form("test", gen_test, 0, sz, mem, 2, "TEST r/m%s,imm%s", z, "");
            static const char *const un[4] = {"INC", "DEC", "NOT", "NEG"};
            for (int op = 0; op < 4; op++) {
                add_form("unary", gen_unary, op, sz, mem, 0, "%s r/m%s", un[op], z);
                if (mem < 2) add_form("unary", gen_unary, op, sz, mem, 2, "LOCK %s r/m%s", un[op], z);
                if (mem == 0 && op < 2 && sz > 1)
                    add_form("unary", gen_unary, op, sz, 0, 1, "%s r%s (40+r)", un[op], z);
            }
            add_form("mov", gen_mov, 0, sz, mem, 0, "MOV r/m%s,r%s", z, "");
            add_form("mov", gen_mov, 0, sz, mem, 1, "MOV r%s,r/m%s", z, "");
            add_form("mov", gen_mov, 0, sz, mem, 3, "MOV r/m%s,imm%s", z, "");
            if (mem) {
                add_form("mov", gen_mov, 0, sz, mem, 4, "MOV acc%s,moffs%s", z, "");
                add_form("mov", gen_mov, 0, sz, mem, 5, "MOV moffs,acc%s%s", z, "");
            }
            static const char *const sn[8] = {"ROL", "ROR", "RCL", "RCR", "SHL", "SHR", "SAL", "SAR"};
            static const char *const sv[3] = {"1", "CL", "imm8"};
            for (int op = 0; op < 8; op++) {
                if (op == 6) continue;
                for (int v = 0; v < 3; v++) {
                    char b2[24];
                    snprintf(b2, sizeof b2, "%s r/m%s,%s", sn[op], z, sv[v]);
                    add_form("shift", gen_shift, op, sz, mem, v, "%s%s", b2, NULL);
                }
            }
            static const char *const md[4] = {"MUL", "IMUL", "DIV", "IDIV"};
            for (int op = 4; op < 8; op++)
                add_form(op < 6 ? "mul" : "div", gen_muldiv, op, sz, mem, 0, "%s r/m%s", md[op - 4], z);
            if (sz > 1) {
                add_form("movx", gen_movx, 0, sz, mem, 1, "MOVZX r%s,r/m8%s", z, "");
                add_form("movx", gen_movx, 1, sz, mem, 1, "MOVSX r%s,r/m8%s", z, "");
                add_form("movx", gen_movx, 0, sz, mem, 2, "MOVZX r%s,r/m16%s", z, "");
                add_form("movx", gen_movx, 1, sz, mem, 2, "MOVSX r%s,r/m16%s", z, "");
                for (int op = 0; op < 2; op++)
                    for (int v = 0; v < 2; v++)
                        add_form("shxd", gen_shxd, op, sz, mem, v, op ? "SHRD r/m%s,r,%s" : "SHLD r/m%s,r,%s",
                                 z, v ? "CL" : "imm8");
                add_form("mul", gen_imul, 0, sz, mem, 0, "IMUL r%s,r/m%s", z, "");
                add_form("mul", gen_imul, 0, sz, mem, 1, "IMUL r%s,r/m,imm%s", z, "");
                add_form("mul", gen_imul, 0, sz, mem, 2, "IMUL r%s,r/m,imm8%s", z, "");
                static const char *const bn[4] = {"BT", "BTS", "BTR", "BTC"};
                for (int op = 4; op < 8; op++) {
                    add_form("bt", gen_bt, op, sz, mem, 0, "%s r/m%s,r", bn[op - 4], z);
                    add_form("bt", gen_bt, op, sz, mem, 1, "%s r/m%s,imm8", bn[op - 4], z);
                }
                add_form("bsf", gen_bsf, 0, sz, mem, 0, "BSF r%s,r/m%s", z, "");
                add_form("bsf", gen_bsf, 1, sz, mem, 0, "BSR r%s,r/m%s", z, "");
                for (int cc = 0; cc < 16; cc++)
                    add_form("cmov", gen_cmov, cc, sz, mem, 0, "CMOV%s r%s,r/m", cc_name[cc], z);
                if (mem) add_form("lea", gen_lea, 0, sz, mem, 0, "LEA r%s,m%s", z, "");
                if (mem) add_form("bound", gen_bound, 0, sz, mem, 0, "BOUND r%s,m%s", z, "");
                if (mem < 2) {
                    add_form("stack", gen_stack, 3, sz, mem, 0, "PUSH r/m%s%s", z, "");
                    add_form("stack", gen_stack, 5, sz, mem, 0, "POP r/m%s%s", z, "");
                }
            }
            static const char *const xn[4] = {"XCHG", "", "XADD", "CMPXCHG"};
            for (int op = 0; op < 4; op++) {
                if (op == 1) continue;
                add_form("xchg", gen_xchg, op, sz, mem, 0, "%s r/m%s,r", xn[op], z);
                if (mem == 1) add_form("xchg", gen_xchg, op, sz, mem, 1, "LOCK %s r/m%s,r", xn[op], z);
            }
        }
        if (sz > 1) {
            add_form("xchg", gen_xchg, 1, sz, 0, 0, "XCHG acc%s,r (90+r)%s", z, "");
            add_form("stack", gen_stack, 0, sz, 0, 0, "PUSH r%s (50+r)%s", z, "");
            add_form("stack", gen_stack, 4, sz, 0, 0, "POP r%s (58+r)%s", z, "");
            add_form("stack", gen_stack, 1, sz, 0, 0, "PUSH imm8 (o%s)%s", z, "");
            add_form("stack", gen_stack, 2, sz, 0, 0, "PUSH imm (o%s)%s", z, "");
            add_form("stack", gen_stack, 6, sz, 0, 0, "LEAVE (o%s)%s", z, "");
            add_form("stack", gen_stack, 7, sz, 0, 0, "PUSH [esp+d8] (o%s)%s", z, "");
            add_form("stack", gen_stack, 7, sz, 0, 1, "POP [esp+d8] (o%s)%s", z, "");
        }
    }
    /* SETcc: every condition on a register and on memory. */
    for (int cc = 0; cc < 16; cc++)
        for (int mem = 0; mem < 3; mem++)
            add_form("setcc", gen_setcc, cc, 1, mem, 0, "SET%s r/m8%s", cc_name[cc], "");
    add_form("xchg", gen_xchg, 4, 4, 0, 0, "BSWAP r32%s%s", "", "");
    static const char *const mn[14] = {"CBW", "CWDE", "CWD", "CDQ", "LAHF", "SAHF", "CLC",
                                       "STC", "CMC", "CLD", "STD", "NOP", "NOP r/m (0F 1F)", "UD2"};
    for (int op = 0; op < 14; op++) add_form("flags", gen_misc, op, 4, 0, 0, "%s%s", mn[op], "");
    add_form("mov", gen_xlat, 0, 1, 0, 0, "XLAT%s%s", "", "");
    for (int mem = 1; mem < 3; mem++) add_form("xchg", gen_cx8, 0, 8, mem, 0, "CMPXCHG8B m64%s%s", "", "");
    add_form("xchg", gen_cx8, 0, 8, 1, 1, "LOCK CMPXCHG8B m64%s%s", "", "");
    static const char *const bc[6] = {"DAA", "DAS", "AAA", "AAS", "AAM", "AAD"};
    for (int op = 0; op < 6; op++) add_form("bcd", gen_bcd, op, 1, 0, 0, "%s%s", bc[op], "");
    for (int op = 0; op < 16; op++)
        for (int v = 0; v < 2; v++)
            add_form("jcc", gen_jcc, op, 4, 0, v, "J%s %s", cc_name[op], v ? "rel32" : "rel8");
    add_form("jcc", gen_jcc, 16, 4, 0, 0, "JMP rel8%s%s", "", "");
    add_form("jcc", gen_jcc, 16, 4, 0, 1, "JMP rel32%s%s", "", "");
    static const char *const ln[4] = {"LOOP", "LOOPE", "LOOPNE", "JECXZ"};
    for (int op = 0; op < 4; op++) add_form("jcc", gen_jcc, 17 + op, 4, 0, 0, "%s rel8%s", ln[op], "");
    forms_init_seq();
}
