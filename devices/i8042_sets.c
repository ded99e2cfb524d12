/* i8042_sets.c - the keyboard's scan code sets 1 and 3, made from the set 2
 * bytes the host key events arrive as (i8042_key).
 *
 * Set 1 is set 2 through the 8042's translation table (each make code
 * mapped, 0xF0 turning the next code into its break code | 0x80, 0xE0 and
 * 0xE1 prefixes kept): the IBM set 1 codes, including Pause (E1 1D 45 E1
 * 9D C5), Print Screen's fake shifts and Alt+SysRq (54).
 *
 * Set 3 (IBM PS/2 keyboard technical reference): one byte per key, a
 * break is 0xF0 before it, no 0xE0 prefixes, no fake shifts: Print
 * Screen and SysRq are 57, Pause and Ctrl+Break 62 (QEMU sends 62 at the
 * press and F0 62 at the release; the set 2 Pause has no release bytes, so
 * both come at the press here). The fake Alt release/press around SysRq
 * and the fake shifts (E0 12, E0 59) are dropped. */
#include "i8042.h"

/* Set 2 code (no prefix) -> set 3. 0: no key. */
static const uint8_t set3_plain[0x85] = {
    [0x76] = 0x08, [0x05] = 0x07, [0x06] = 0x0f, [0x04] = 0x17, [0x0c] = 0x1f, [0x03] = 0x27,
    [0x0b] = 0x2f, [0x83] = 0x37, [0x0a] = 0x3f, [0x01] = 0x47, [0x09] = 0x4f, [0x78] = 0x56,
    [0x07] = 0x5e, [0x7e] = 0x5f, [0x84] = 0x57,
    [0x0e] = 0x0e, [0x16] = 0x16, [0x1e] = 0x1e, [0x26] = 0x26, [0x25] = 0x25, [0x2e] = 0x2e,
    [0x36] = 0x36, [0x3d] = 0x3d, [0x3e] = 0x3e, [0x46] = 0x46, [0x45] = 0x45, [0x4e] = 0x4e,
    [0x55] = 0x55, [0x66] = 0x66,
    [0x0d] = 0x0d, [0x15] = 0x15, [0x1d] = 0x1d, [0x24] = 0x24, [0x2d] = 0x2d, [0x2c] = 0x2c,
    [0x35] = 0x35, [0x3c] = 0x3c, [0x43] = 0x43, [0x44] = 0x44, [0x4d] = 0x4d, [0x54] = 0x54,
    [0x5b] = 0x5b, [0x5d] = 0x5c,
    [0x58] = 0x14, [0x1c] = 0x1c, [0x1b] = 0x1b, [0x23] = 0x23, [0x2b] = 0x2b, [0x34] = 0x34,
    [0x33] = 0x33, [0x3b] = 0x3b, [0x42] = 0x42, [0x4b] = 0x4b, [0x4c] = 0x4c, [0x52] = 0x52,
    [0x5a] = 0x5a,
    [0x12] = 0x12, [0x61] = 0x13, [0x1a] = 0x1a, [0x22] = 0x22, [0x21] = 0x21, [0x2a] = 0x2a,
    [0x32] = 0x32, [0x31] = 0x31, [0x3a] = 0x3a, [0x41] = 0x41, [0x49] = 0x49, [0x4a] = 0x4a,
    [0x59] = 0x59,
    [0x14] = 0x11, [0x11] = 0x19, [0x29] = 0x29,
    [0x77] = 0x76, [0x7c] = 0x7e, [0x7b] = 0x84, [0x79] = 0x7c,
    [0x6c] = 0x6c, [0x75] = 0x75, [0x7d] = 0x7d, [0x6b] = 0x6b, [0x73] = 0x73, [0x74] = 0x74,
    [0x69] = 0x69, [0x72] = 0x72, [0x7a] = 0x7a, [0x70] = 0x70, [0x71] = 0x71,
};

/* E0-prefixed set 2 code -> set 3. */
static const uint8_t set3_e0[0x80] = {
    [0x11] = 0x39, [0x14] = 0x58, [0x1f] = 0x8b, [0x27] = 0x8c, [0x2f] = 0x8d,
    [0x4a] = 0x77, [0x5a] = 0x79,
    [0x70] = 0x67, [0x71] = 0x64, [0x6c] = 0x6e, [0x69] = 0x65, [0x7d] = 0x6f, [0x7a] = 0x6d,
    [0x75] = 0x63, [0x72] = 0x60, [0x6b] = 0x61, [0x74] = 0x6a,
    [0x7c] = 0x57, [0x7e] = 0x62,
};

uint8_t i8042_set3_code(uint8_t set2, bool e0)
{
    if (e0)
        return set2 < sizeof set3_e0 ? set3_e0[set2] : 0;
    return set2 < sizeof set3_plain ? set3_plain[set2] : 0;
}

int i8042_set2_to_set1(const uint8_t *in, int n, uint8_t *out)
{
    int m = 0;
    bool brk = false;
    for (int i = 0; i < n; i++) {
        if (in[i] == 0xf0) {
            brk = true;
            continue;
        }
        uint8_t t = in[i] == 0xe0 || in[i] == 0xe1 ? in[i] : i8042_translate(in[i]);
        out[m++] = brk && t != 0xe0 && t != 0xe1 ? (uint8_t)(t | 0x80) : t;
        if (t != 0xe0 && t != 0xe1)
            brk = false;
    }
    return m;
}

typedef struct { uint8_t code; bool e0, brk; } Set2Key;

int i8042_set2_to_set3(const uint8_t *in, int n, uint8_t *out)
{
    static const uint8_t pause2[8] = {0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77};
    Set2Key ev[I8042_KEY_MAX];
    int ne = 0, m = 0;
    for (int i = 0; i < n && ne < I8042_KEY_MAX;) {
        if (in[i] == 0xe1) {                       /* Pause: make and break at once */
            bool pause = n - i >= 8;
            for (int j = 0; pause && j < 8; j++)
                pause = in[i + j] == pause2[j];
            if (pause) {
                ev[ne++] = (Set2Key){0x77, true, false};    /* stands for 62 */
                if (ne < I8042_KEY_MAX)
                    ev[ne++] = (Set2Key){0x77, true, true};
                i += 8;
            } else {
                i++;
            }
            continue;
        }
        Set2Key k = {0, false, false};
        if (in[i] == 0xe0)
            k.e0 = true, i++;
        if (i < n && in[i] == 0xf0)
            k.brk = true, i++;
        if (i >= n)
            break;
        k.code = in[i++];
        if (k.e0 && (k.code == 0x12 || k.code == 0x59))
            continue;                              /* fake shifts */
        ev[ne++] = k;
    }
    for (int i = 0; i < ne; i++) {
        /* a release and press of the same key in one event: the fake
         * Alt around SysRq */
        if (i + 1 < ne && ev[i].brk && !ev[i + 1].brk && ev[i].code == ev[i + 1].code &&
            ev[i].e0 == ev[i + 1].e0) {
            i++;
            continue;
        }
        uint8_t c = ev[i].e0 && ev[i].code == 0x77 ? 0x62 : i8042_set3_code(ev[i].code, ev[i].e0);
        if (!c)
            continue;
        if (ev[i].brk)
            out[m++] = 0xf0;
        out[m++] = c;
    }
    return m;
}
