/* ops_shift.c - shifts and rotates: SHL/SAL SHR SAR ROL ROR RCL RCR SHLD SHRD
 * (SDM vol. 2, "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR", "SHLD", "SHRD").
 *
 * Rules common to the group (as on every processor since the 80186):
 *  - the count (CL or an immediate; D0/D1 forms come from Capstone as an
 *    immediate 1) is masked to 5 bits;
 *  - a masked count of 0 changes neither the operand nor any flag;
 *  - OF is defined only for a count of 1. For larger counts it is
 *    architecturally undefined; we apply the count-1 formula to the final
 *    result (SHL/RCL: MSB(result) XOR CF; SHR/ROR/RCR: XOR of the two top
 *    bits of the result; SAR: 0; SHLD/SHRD: sign change of the
 *    destination), which is what most emulators and many processors do;
 *  - AF is undefined after a shift with a non-zero count: we clear it
 *    (AMD Zen sets it; tests/unit/test_ops_shift.c masks it).
 *    Rotates leave SF/ZF/AF/PF alone (they write only CF and OF).
 *
 * The result is stored before the flags are changed, so a faulting store
 * leaves EFLAGS intact.
 */
#include <capstone/capstone.h>

#include "flags.h"
#include "ops.h"

static unsigned shift_count(CPU *cpu, const Insn *in, const Operand *c)
{
    return op_read(cpu, in, c) & 0x1fu;
}

static inline uint32_t bit(uint32_t v, unsigned n)
{
    return (v >> n) & 1u;
}

/* SHL SAL SHR SAR. */
static int op_shift(CPU *cpu, const Insn *in)
{
    const Operand *d = &in->op[0];
    int size = d->size;
    unsigned bits = (unsigned)size * 8;
    uint32_t m = size_mask(size);
    uint32_t a = op_read(cpu, in, d) & m;
    unsigned c = shift_count(cpu, in, &in->op[1]);
    if (c == 0) return OPR_NEXT;

    uint32_t r, cf, of;
    if (in->id == X86_INS_SHL || in->id == X86_INS_SAL) {
        /* The last bit shifted out is bit (bits - c) of the source; for
         * counts beyond the width it is 0 (the source is zero-extended),
         * which is what the hardware's wide shifter gives. */
        uint64_t w = (uint64_t)a << c;
        r = (uint32_t)w & m;
        cf = (uint32_t)(w >> bits) & 1u;
        of = bit(r, bits - 1) ^ cf;
    } else if (in->id == X86_INS_SHR) {
        r = (uint32_t)((uint64_t)a >> c);
        cf = (uint32_t)((uint64_t)a >> (c - 1)) & 1u;
        of = bit(r, bits - 1) ^ bit(r, bits - 2);
    } else { /* SAR */
        int32_t sa = (int32_t)sext(a, size);
        r = (uint32_t)(sa >> c) & m;
        cf = (uint32_t)(sa >> (c - 1)) & 1u;
        of = 0;
    }
    op_write(cpu, in, d, r);
    flags_set(cpu, flags_szp(r, size) | (cf ? F_CF : 0) | (of ? F_OF : 0));
    return OPR_NEXT;
}

/* ROL ROR: rotate by count mod width; CF and OF only. With a non-zero
 * masked count that is a multiple of the width the value is unchanged but
 * CF/OF are still written from it (SDM pseudocode: the flag update is
 * conditioned on (COUNT & COUNTMASK) != 0, not on tempCOUNT). */
static int op_rot(CPU *cpu, const Insn *in)
{
    const Operand *d = &in->op[0];
    int size = d->size;
    unsigned bits = (unsigned)size * 8;
    uint32_t m = size_mask(size);
    uint32_t a = op_read(cpu, in, d) & m;
    unsigned c = shift_count(cpu, in, &in->op[1]);
    if (c == 0) return OPR_NEXT;
    unsigned rc = c % bits;
    uint32_t r = a, cf, of;
    if (in->id == X86_INS_ROL) {
        if (rc) r = ((a << rc) | (a >> (bits - rc))) & m;
        cf = r & 1u;
        of = bit(r, bits - 1) ^ cf;
    } else {
        if (rc) r = ((a >> rc) | (a << (bits - rc))) & m;
        cf = bit(r, bits - 1);
        of = bit(r, bits - 1) ^ bit(r, bits - 2);
    }
    op_write(cpu, in, d, r);
    flags_set_some(cpu, F_CF | F_OF, (cf ? F_CF : 0) | (of ? F_OF : 0));
    return OPR_NEXT;
}

/* RCL RCR: rotate the (width+1)-bit value CF:dest. The masked count is
 * taken mod 9 for bytes and mod 17 for words (SDM RCL/RCR tempCOUNT). */
static int op_rotc(CPU *cpu, const Insn *in)
{
    const Operand *d = &in->op[0];
    int size = d->size;
    unsigned bits = (unsigned)size * 8, w = bits + 1;
    uint32_t m = size_mask(size);
    uint32_t a = op_read(cpu, in, d) & m;
    unsigned c = shift_count(cpu, in, &in->op[1]);
    if (c == 0) return OPR_NEXT;
    unsigned tc = size == 1 ? c % 9 : size == 2 ? c % 17 : c;
    uint64_t wm = (1ull << w) - 1;
    uint64_t v = ((uint64_t)(cpu->eflags & F_CF) << bits) | a;
    if (tc) {
        if (in->id == X86_INS_RCL)
            v = ((v << tc) | (v >> (w - tc))) & wm;
        else
            v = ((v >> tc) | (v << (w - tc))) & wm;
    }
    uint32_t r = (uint32_t)v & m;
    uint32_t cf = (uint32_t)(v >> bits) & 1u;
    uint32_t of = in->id == X86_INS_RCL ? bit(r, bits - 1) ^ cf
                                        : bit(r, bits - 1) ^ bit(r, bits - 2);
    op_write(cpu, in, d, r);
    flags_set_some(cpu, F_CF | F_OF, (cf ? F_CF : 0) | (of ? F_OF : 0));
    return OPR_NEXT;
}

/* SHLD dest, src, count / SHRD dest, src, count.
 * 32-bit: dest:src (SHLD) or src:dest (SHRD) shifted by 1..31.
 * 16-bit with a count of 17..31 the result is undefined (SDM). We do what
 * P6-family Intel processors are reported to do (Bochs models it so for
 * CPU level 6): shift the 48-bit pattern dest:src:dest (SHLD) or, mirrored,
 * dest:src:dest with dest lowest (SHRD), so bits of dest re-enter after src
 * is exhausted. CF is the last bit shifted out of that pattern; OF is the
 * sign change of dest; AF is cleared. (AMD Zen instead rotates src:src -
 * measured by tests/unit/test_ops_shift.c, which does not hold us to it.) */
static int op_shxd(CPU *cpu, const Insn *in)
{
    const Operand *d = &in->op[0];
    int size = d->size;
    unsigned bits = (unsigned)size * 8;
    uint32_t m = size_mask(size);
    uint32_t a = op_read(cpu, in, d) & m;
    uint32_t b = op_read(cpu, in, &in->op[1]) & m;
    unsigned c = shift_count(cpu, in, &in->op[2]);
    if (c == 0) return OPR_NEXT;

    uint32_t r, cf;
    bool left = in->id == X86_INS_SHLD;
    if (size == 4) {
        uint64_t t = left ? ((uint64_t)a << 32) | b : ((uint64_t)b << 32) | a;
        if (left) {
            r = (uint32_t)((t << c) >> 32);
            cf = (uint32_t)(t >> (64 - c)) & 1u;
        } else {
            r = (uint32_t)(t >> c);
            cf = (uint32_t)(t >> (c - 1)) & 1u;
        }
    } else {
        /* 16-bit: the 48-bit pattern, c <= 31 keeps every shift in range. */
        uint64_t t = ((uint64_t)a << 32) | ((uint64_t)b << 16) | a;
        if (left) {
            r = (uint32_t)(t >> (32 - c)) & m;
            cf = (uint32_t)(t >> (48 - c)) & 1u;
        } else {
            r = (uint32_t)(t >> c) & m;
            cf = (uint32_t)(t >> (c - 1)) & 1u;
        }
    }
    uint32_t of = bit(r, bits - 1) ^ bit(a, bits - 1);
    op_write(cpu, in, d, r);
    flags_set(cpu, flags_szp(r, size) | (cf ? F_CF : 0) | (of ? F_OF : 0));
    return OPR_NEXT;
}

void ops_register_shift(void)
{
    ops_table[X86_INS_SHL] = op_shift;
    ops_table[X86_INS_SAL] = op_shift;
    ops_table[X86_INS_SHR] = op_shift;
    ops_table[X86_INS_SAR] = op_shift;
    ops_table[X86_INS_ROL] = op_rot;
    ops_table[X86_INS_ROR] = op_rot;
    ops_table[X86_INS_RCL] = op_rotc;
    ops_table[X86_INS_RCR] = op_rotc;
    ops_table[X86_INS_SHLD] = op_shxd;
    ops_table[X86_INS_SHRD] = op_shxd;
}
