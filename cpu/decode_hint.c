/* decode_hint.c - the hint-NOP opcode space 0F 18-0F 1F.
 *
 * On P6 and later every encoding of 0F 18 through 0F 1F executes without
 * effect: PREFETCHh (0F 18 /0-3), the reserved-NOP encodings (0F 18 /4-7,
 * 0F 19-0F 1E), ENDBR32/ENDBR64 (F3 0F 1E FB/FA), the multi-byte NOP
 * (0F 1F /0), register and memory forms, with any prefixes (SDM vol. 2,
 * NOP, PREFETCHh, ENDBR32; table A-3, "hint NOP" rows). The memory operand
 * is never accessed, so it cannot fault; only LOCK (#UD, SDM vol. 2, LOCK)
 * and the 15-byte length limit apply. Capstone 4 calls several of these
 * (bad) (register forms of 0F 18/1A-1F, F2/F3 with some ModR/M bytes) and
 * names others ENDBR32/PREFETCH*, so they are decoded here, before
 * Capstone, into one operand-less NOP.
 */
#include "decode.h"

#include <capstone/capstone.h>
#include <string.h>

#include "cpu.h"

/* Length of ModR/M + SIB + displacement starting at m (1..6 bytes). */
static int modrm_len(const uint8_t *m, size_t left, bool addr32)
{
    if (left < 1) return -1;
    int mod = m[0] >> 6, rm = m[0] & 7, len = 1;
    if (mod == 3) return len;
    if (!addr32) {
        if (mod == 1) return len + 1;
        if (mod == 2 || (mod == 0 && rm == 6)) return len + 2;
        return len;
    }
    if (rm == 4) {
        if (left < 2) return -1;
        len++;
        if (mod == 0 && (m[1] & 7) == 5) return len + 4;
    }
    if (mod == 1) return len + 1;
    if (mod == 2 || (mod == 0 && rm == 5)) return len + 4;
    return len;
}

int decode_hint_nop(const uint8_t *code, size_t n, uint32_t eip, bool code32, Insn *out)
{
    size_t lim = n > 15 ? 15 : n;
    size_t i = 0;
    bool osz = false, asz = false;
    uint8_t rep = 0, seg = 0, lock = 0;
    for (; i < lim; i++) {
        uint8_t b = code[i];
        if (b == 0x66) osz = true;
        else if (b == 0x67) asz = true;
        else if (b == 0xf2 || b == 0xf3) rep = b;
        else if (b == 0xf0) lock = b;
        else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65) seg = b;
        else break;
    }
    if (i + 1 >= lim || code[i] != 0x0f || code[i + 1] < 0x18 || code[i + 1] > 0x1f) return 0;
    bool addr32 = code32 ^ asz;
    int ml = modrm_len(code + i + 2, lim - i - 2, addr32);
    if (ml < 0 || i + 2 + (size_t)ml > lim) return -1;   /* too long or truncated */

    memset(out, 0, sizeof *out);
    out->id = X86_INS_NOP;
    out->len = (uint8_t)(i + 2 + (size_t)ml);
    out->opsize = (code32 ^ osz) ? 4 : 2;
    out->addrsize = addr32 ? 4 : 2;
    if (osz) out->flags |= INSN_OPSIZE;
    if (asz) out->flags |= INSN_ADSIZE;
    if (rep == 0xf3) out->flags |= INSN_REP;
    if (rep == 0xf2) out->flags |= INSN_REPNE;
    if (lock) out->flags |= INSN_LOCK;
    out->segovr = S_NONE;
    if (seg) out->flags |= INSN_SEGOVR;
    static const uint8_t segs[6] = {0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65};
    for (int s = 0; s < 6; s++)
        if (seg == segs[s]) out->segovr = (uint8_t)s;
    out->opcode[0] = 0x0f;
    out->opcode[1] = code[i + 1];
    out->modrm = code[i + 2];
    memcpy(out->raw, code, out->len);
    out->eip = eip;
    out->next_eip = code32 ? eip + out->len : ((eip + out->len) & 0xffffu);
    return 1;
}
