/* undef.c - the status flags the SDM leaves undefined, per instruction.
 *
 * Written once from the "Flags Affected" sections of the Intel SDM vol. 2;
 * each entry quotes the sentence it comes from. Only these bits are masked
 * before comparing; every other status flag must match the host exactly,
 * including flags an instruction must leave unchanged (INC/DEC keep CF,
 * BT* keep ZF, rotates keep SF ZF AF PF, a zero count changes nothing).
 */
#include <stddef.h>

#include "diff.h"

typedef struct Undef {
    int kind;
    uint32_t mask;
    const char *sdm;
} Undef;

static const Undef table[] = {
    {UK_LOGIC, XF_AF,
     "AND/OR/XOR/TEST: The OF and CF flags are cleared; the SF, ZF, and PF flags are set "
     "according to the result. The state of the AF flag is undefined."},
    {UK_MUL, XF_SF | XF_ZF | XF_AF | XF_PF,
     "MUL/IMUL: The CF and OF flags are set/cleared by the upper half of the result; the SF, "
     "ZF, AF, and PF flags are undefined."},
    {UK_DIV, XF_ALL,
     "DIV/IDIV: The CF, OF, SF, ZF, AF, and PF flags are undefined."},
    {UK_BSF, XF_CF | XF_OF | XF_SF | XF_AF | XF_PF,
     "BSF/BSR: The ZF flag is set to 1 if the source operand is 0; otherwise, the ZF flag is "
     "cleared. The CF, OF, SF, AF, and PF flags are undefined."},
    {UK_BT, XF_OF | XF_SF | XF_AF | XF_PF,
     "BT/BTS/BTR/BTC: The CF flag contains the value of the selected bit before any change. "
     "The ZF flag is unaffected. The OF, SF, AF, and PF flags are undefined."},
    {UK_DAA, XF_OF,
     "DAA/DAS: The CF and AF flags are set if the adjustment results in a decimal carry "
     "(borrow) in either digit of the result. The SF, ZF, and PF flags are set according to "
     "the result. The OF flag is undefined."},
    {UK_AAA, XF_OF | XF_SF | XF_ZF | XF_PF,
     "AAA/AAS: The AF and CF flags are set to 1 if there is a decimal carry (borrow); "
     "otherwise, they are set to 0. The OF, SF, ZF, and PF flags are undefined."},
    {UK_AAM, XF_OF | XF_AF | XF_CF,
     "AAM/AAD: The SF, ZF, and PF flags are set according to the resulting binary value in "
     "the AL register. The OF, AF, and CF flags are undefined."},
};

static const char *shift_why =
    "SAL/SAR/SHL/SHR: The CF flag contains the value of the last bit shifted out; it is "
    "undefined for SHL and SHR where the count is greater than or equal to the size (in "
    "bits) of the destination operand. The OF flag is affected only for 1-bit shifts; "
    "otherwise, it is undefined. If the count is 0, the flags are not affected. For a "
    "non-zero count, the AF flag is undefined.";
static const char *rot_why =
    "RCL/RCR/ROL/ROR: If the masked count is 0, the flags are not affected. The OF flag is "
    "affected only for single-bit rotates; it is undefined for multi-bit rotates. The SF, "
    "ZF, AF, and PF flags are not affected.";
static const char *shxd_why =
    "SHLD/SHRD: If the count is 1 or greater, the CF flag is filled with the last bit "
    "shifted out. For a 1-bit shift, the OF flag is set if a sign change occurred; "
    "otherwise, it is cleared. For shifts greater than 1 bit, the OF flag is undefined. If "
    "a shift occurs, the AF flag is undefined. If the count operand is 0, the flags are "
    "not affected. If the count is greater than the operand size, the flags are undefined.";

void undef_apply(Case *c, int kind, unsigned count, int bits)
{
    c->undef_fl = 0;
    c->undef_why = NULL;
    for (unsigned i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].kind == kind) {
            c->undef_fl = table[i].mask;
            c->undef_why = table[i].sdm;
            return;
        }
    /* The masked count: 5 bits for every operand size (the 8086 did not
     * mask; IA-32 processors do, SDM "IA-32 Architecture Compatibility"). */
    unsigned m = count & 31;
    switch (kind) {
    case UK_SHIFT:
        c->undef_why = shift_why;
        if (m == 0) return;
        c->undef_fl = XF_AF;
        if (m != 1) c->undef_fl |= XF_OF;
        if (m >= (unsigned)bits) c->undef_fl |= XF_CF;
        return;
    case UK_ROT:
    case UK_RCX:
        c->undef_why = rot_why;
        /* RCL/RCR on 8/16-bit operands rotate by (count & 31) mod 9 / 17,
         * but "masked count" in the flags text is the 5-bit one. */
        if (m != 0 && m != 1) c->undef_fl = XF_OF;
        return;
    case UK_SHXD:
        c->undef_why = shxd_why;
        if (m == 0) return;
        c->undef_fl = XF_AF;
        if (m != 1) c->undef_fl |= XF_OF;
        if (m > (unsigned)bits) c->undef_fl = XF_ALL;
        return;
    default:
        return;
    }
}
