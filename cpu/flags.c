/* flags.c - status flag computation for the reference semantics. */
#include "flags.h"

uint32_t flags_pf(uint32_t res)
{
    return __builtin_parity(res & 0xffu) ? 0 : F_PF;
}

uint32_t flags_szp(uint32_t res, int size)
{
    uint32_t m = size_mask(size);
    uint32_t f = flags_pf(res);
    if ((res & m) == 0) f |= F_ZF;
    if (res & size_sign(size)) f |= F_SF;
    return f;
}

/* CF: carry out of the top bit; AF: carry out of bit 3; OF: both inputs had
 * the same sign and the result's sign differs. */
uint32_t flags_add(uint32_t a, uint32_t b, uint32_t cin, uint32_t res, int size)
{
    uint32_t m = size_mask(size), s = size_sign(size);
    uint32_t f = flags_szp(res, size);
    a &= m; b &= m; res &= m;
    if (res < a || (cin && res == a)) f |= F_CF;
    if ((a ^ b ^ res) & 0x10) f |= F_AF;
    if ((~(a ^ b) & (a ^ res)) & s) f |= F_OF;
    return f;
}

/* CF: borrow into the top bit; OF: inputs had different signs and the
 * result's sign differs from the minuend's. */
uint32_t flags_sub(uint32_t a, uint32_t b, uint32_t bin, uint32_t res, int size)
{
    uint32_t m = size_mask(size), s = size_sign(size);
    uint32_t f = flags_szp(res, size);
    a &= m; b &= m; res &= m;
    if (a < b || (bin && a == b)) f |= F_CF;
    if ((a ^ b ^ res) & 0x10) f |= F_AF;
    if (((a ^ b) & (a ^ res)) & s) f |= F_OF;
    return f;
}
