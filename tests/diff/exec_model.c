/* exec_model.c - the host column for forms that have no long-mode encoding
 * (DAA DAS AAA AAS AAM AAD and BOUND are #UD in 64-bit mode, and this
 * machine's kernel offers no 32-bit code segment). Each model is the
 * "Operation" pseudocode of the Intel SDM vol. 2 entry, transcribed; it is
 * the oracle only where the host CPU cannot be.
 */
#include <string.h>

#include "diff.h"

static uint32_t szp8(uint8_t v)
{
    uint32_t f = 0;
    if (!v) f |= XF_ZF;
    if (v & 0x80) f |= XF_SF;
    if (!(__builtin_popcount(v) & 1)) f |= XF_PF;
    return f;
}

static void set_al(State *st, uint8_t al)
{
    st->r[0] = (st->r[0] & ~0xffu) | al;
}

static void set_ax(State *st, uint16_t ax)
{
    st->r[0] = (st->r[0] & ~0xffffu) | ax;
}

/* The opcode byte after any legacy prefixes. */
static int opc_index(const Case *c)
{
    static const uint8_t pfx[11] = {0x66, 0x67, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0xf0, 0xf2, 0xf3};
    int i = 0;
    while (i < c->glen && memchr(pfx, c->g[i], sizeof pfx)) i++;
    return i;
}

void model_run(const Case *c, const uint8_t img[NWIN][WIN_SIZE], State *out)
{
    memcpy(out->r, c->r, sizeof out->r);
    out->fl = c->fl & XF_CMP;
    out->vec = -1;
    out->where = 0;
    for (int w = 0; w < NWIN; w++) memcpy(out->mem[w], img[w], WIN_SIZE);
    uint8_t al = (uint8_t)c->r[0], ah = (uint8_t)(c->r[0] >> 8);
    bool cf = c->fl & XF_CF, af = c->fl & XF_AF;
    uint32_t f = out->fl;
    switch (c->model) {
    case M_DAA: {
        /* SDM DAA: old_AL <- AL; old_CF <- CF; CF <- 0; low-digit adjust
         * (+6, CF <- old_CF or carry, AF <- 1, else AF <- 0); high-digit
         * adjust if old_AL > 99H or old_CF (+60H, CF <- 1, else CF <- 0). */
        uint8_t old = al;
        bool ncf = false, naf = false;
        if ((al & 0x0f) > 9 || af) {
            ncf = cf || (al + 6 > 0xff);
            al = (uint8_t)(al + 6);
            naf = true;
        }
        if (old > 0x99 || cf) {
            al = (uint8_t)(al + 0x60);
            ncf = true;
        } else {
            ncf = false;
        }
        set_al(out, al);
        f = (f & XF_OF) | szp8(al) | (ncf ? XF_CF : 0) | (naf ? XF_AF : 0);
        break;
    }
    case M_DAS: {
        /* SDM DAS: as DAA with subtraction, but the high-digit step has no
         * ELSE: CF keeps the borrow of the low-digit step. */
        uint8_t old = al;
        bool ncf = false, naf = false;
        if ((al & 0x0f) > 9 || af) {
            ncf = cf || (al < 6);
            al = (uint8_t)(al - 6);
            naf = true;
        }
        if (old > 0x99 || cf) {
            al = (uint8_t)(al - 0x60);
            ncf = true;
        }
        set_al(out, al);
        f = (f & XF_OF) | szp8(al) | (ncf ? XF_CF : 0) | (naf ? XF_AF : 0);
        break;
    }
    case M_AAA:
    case M_AAS: {
        /* SDM AAA: IF ((AL AND 0FH) > 9) or AF THEN AX <- AX + 106H; AF <- 1;
         * CF <- 1 ELSE AF <- 0; CF <- 0; AL <- AL AND 0FH.
         * SDM AAS: ... THEN AX <- AX - 6; AH <- AH - 1; ... */
        uint16_t ax = (uint16_t)c->r[0];
        bool adj = (al & 0x0f) > 9 || af;
        if (adj) {
            if (c->model == M_AAA) ax = (uint16_t)(ax + 0x106);
            else ax = (uint16_t)((uint16_t)(ax - 6) - 0x100);
        }
        ax = (uint16_t)((ax & 0xff00u) | (ax & 0x0fu));
        set_ax(out, ax);
        f = (f & ~(XF_CF | XF_AF)) | (adj ? (XF_CF | XF_AF) : 0);
        break;
    }
    case M_AAM: {
        uint8_t base = c->g[opc_index(c) + 1];
        if (base == 0) {
            out->vec = 0;   /* #DE: "If imm8 = 0, raise #DE" */
            return;
        }
        uint8_t nah = (uint8_t)(al / base), nal = (uint8_t)(al % base);
        set_ax(out, (uint16_t)((nah << 8) | nal));
        f = (f & (XF_OF | XF_AF | XF_CF)) | szp8(nal);
        break;
    }
    case M_AAD: {
        uint8_t base = c->g[opc_index(c) + 1];
        uint8_t nal = (uint8_t)(al + ah * base);
        set_ax(out, nal);
        f = (f & (XF_OF | XF_AF | XF_CF)) | szp8(nal);
        break;
    }
    case M_BOUND16:
    case M_BOUND32: {
        /* SDM BOUND: IF (ArrayIndex < LowerBound OR ArrayIndex > UpperBound)
         * THEN #BR; signed comparisons. */
        int i = opc_index(c);
        int reg = (c->g[i + 1] >> 3) & 7;
        const MemPreset *p = &c->pre[c->npre - 1];
        int32_t lo, hi, ix;
        if (c->model == M_BOUND16) {
            lo = (int16_t)(p->b[0] | p->b[1] << 8);
            hi = (int16_t)(p->b[2] | p->b[3] << 8);
            ix = (int16_t)c->r[reg];
        } else {
            lo = (int32_t)((uint32_t)p->b[0] | (uint32_t)p->b[1] << 8 | (uint32_t)p->b[2] << 16 |
                           (uint32_t)p->b[3] << 24);
            hi = (int32_t)((uint32_t)p->b[4] | (uint32_t)p->b[5] << 8 | (uint32_t)p->b[6] << 16 |
                           (uint32_t)p->b[7] << 24);
            ix = (int32_t)c->r[reg];
        }
        if (ix < lo || ix > hi) out->vec = 5;
        return;
    }
    default:
        out->vec = -3;
        return;
    }
    out->fl = f & XF_CMP;
}
