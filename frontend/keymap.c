/* keymap.c - QEMU key names -> PS/2 scan code set 2 (see keymap.h). The
 * codes are the IBM PS/2 keyboard's set 2 (make codes; a break is 0xF0
 * before the code, after any 0xE0 prefix). */
#include "keymap.h"

#include <stdio.h>
#include <string.h>

static const KeyDef keys[] = {
    {"esc", 0x76, false}, {"1", 0x16, false}, {"2", 0x1e, false}, {"3", 0x26, false},
    {"4", 0x25, false}, {"5", 0x2e, false}, {"6", 0x36, false}, {"7", 0x3d, false},
    {"8", 0x3e, false}, {"9", 0x46, false}, {"0", 0x45, false}, {"minus", 0x4e, false},
    {"equal", 0x55, false}, {"backspace", 0x66, false}, {"tab", 0x0d, false},
    {"q", 0x15, false}, {"w", 0x1d, false}, {"e", 0x24, false}, {"r", 0x2d, false},
    {"t", 0x2c, false}, {"y", 0x35, false}, {"u", 0x3c, false}, {"i", 0x43, false},
    {"o", 0x44, false}, {"p", 0x4d, false}, {"bracket_left", 0x54, false},
    {"bracket_right", 0x5b, false}, {"ret", 0x5a, false}, {"ctrl", 0x14, false},
    {"a", 0x1c, false}, {"s", 0x1b, false}, {"d", 0x23, false}, {"f", 0x2b, false},
    {"g", 0x34, false}, {"h", 0x33, false}, {"j", 0x3b, false}, {"k", 0x42, false},
    {"l", 0x4b, false}, {"semicolon", 0x4c, false}, {"apostrophe", 0x52, false},
    {"grave_accent", 0x0e, false}, {"shift", 0x12, false}, {"backslash", 0x5d, false},
    {"z", 0x1a, false}, {"x", 0x22, false}, {"c", 0x21, false}, {"v", 0x2a, false},
    {"b", 0x32, false}, {"n", 0x31, false}, {"m", 0x3a, false}, {"comma", 0x41, false},
    {"dot", 0x49, false}, {"slash", 0x4a, false}, {"shift_r", 0x59, false},
    {"asterisk", 0x7c, false}, {"kp_multiply", 0x7c, false}, {"alt", 0x11, false},
    {"spc", 0x29, false}, {"caps_lock", 0x58, false}, {"f1", 0x05, false},
    {"f2", 0x06, false}, {"f3", 0x04, false}, {"f4", 0x0c, false}, {"f5", 0x03, false},
    {"f6", 0x0b, false}, {"f7", 0x83, false}, {"f8", 0x0a, false}, {"f9", 0x01, false},
    {"f10", 0x09, false}, {"num_lock", 0x77, false}, {"scroll_lock", 0x7e, false},
    {"kp_7", 0x6c, false}, {"kp_8", 0x75, false}, {"kp_9", 0x7d, false},
    {"kp_subtract", 0x7b, false}, {"kp_4", 0x6b, false}, {"kp_5", 0x73, false},
    {"kp_6", 0x74, false}, {"kp_add", 0x79, false}, {"kp_1", 0x69, false},
    {"kp_2", 0x72, false}, {"kp_3", 0x7a, false}, {"kp_0", 0x70, false},
    {"kp_decimal", 0x71, false}, {"less", 0x61, false}, {"f11", 0x78, false},
    {"f12", 0x07, false}, {"sysrq", 0x84, false},
    {"kp_enter", 0x5a, true}, {"ctrl_r", 0x14, true}, {"kp_divide", 0x4a, true},
    {"alt_r", 0x11, true}, {"home", 0x6c, true}, {"up", 0x75, true}, {"pgup", 0x7d, true},
    {"left", 0x6b, true}, {"right", 0x74, true}, {"end", 0x69, true}, {"down", 0x72, true},
    {"pgdn", 0x7a, true}, {"insert", 0x70, true}, {"delete", 0x71, true},
    {"meta_l", 0x1f, true}, {"meta_r", 0x27, true}, {"compose", 0x2f, true},
    {"print", 0x7c, true}, {"pause", 0x77, false},
};

const KeyDef *keymap_find(const char *name)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strcmp(keys[i].name, name))
            return &keys[i];
    return NULL;
}

unsigned keymap_modifier(const KeyDef *k)
{
    if (!strcmp(k->name, "shift") || !strcmp(k->name, "shift_r"))
        return KEYMOD_SHIFT;
    if (!strcmp(k->name, "ctrl") || !strcmp(k->name, "ctrl_r"))
        return KEYMOD_CTRL;
    if (!strcmp(k->name, "alt"))
        return KEYMOD_ALT;
    if (!strcmp(k->name, "alt_r"))
        return KEYMOD_ALT_R;
    return 0;
}

int keymap_set2_mods(const KeyDef *k, bool down, unsigned mods, uint8_t *out)
{
    static const uint8_t brk[5] = {0xe0, 0x7e, 0xe0, 0xf0, 0x7e};
    if (!strcmp(k->name, "pause") && (mods & KEYMOD_CTRL)) {
        if (!down)
            return 0;
        memcpy(out, brk, sizeof brk);
        return 5;
    }
    bool print = !strcmp(k->name, "print") || !strcmp(k->name, "sysrq");
    if (print && (mods & (KEYMOD_ALT | KEYMOD_ALT_R))) {
        bool r = !(mods & KEYMOD_ALT);
        int n = 0;
        if (!down) {
            out[n++] = 0xf0;
            out[n++] = 0x84;
        }
        if (r)
            out[n++] = 0xe0;
        out[n++] = 0xf0;
        out[n++] = 0x11;
        if (r)
            out[n++] = 0xe0;
        out[n++] = 0x11;
        if (down)
            out[n++] = 0x84;
        return n;
    }
    if (print && (mods & (KEYMOD_SHIFT | KEYMOD_CTRL))) {
        int n = 0;
        out[n++] = 0xe0;
        if (!down)
            out[n++] = 0xf0;
        out[n++] = 0x7c;
        return n;
    }
    return keymap_set2(k, down, out);
}

int keymap_set2(const KeyDef *k, bool down, uint8_t *out)
{
    int n = 0;
    if (!strcmp(k->name, "pause")) {
        static const uint8_t seq[8] = {0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77};
        if (!down)
            return 0;
        memcpy(out, seq, sizeof seq);
        return 8;
    }
    if (!strcmp(k->name, "print") || !strcmp(k->name, "sysrq")) {
        /* As a lone key: a fake left shift around the E0 7C code. */
        static const uint8_t make[4] = {0xe0, 0x12, 0xe0, 0x7c};
        static const uint8_t brk[6] = {0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12};
        memcpy(out, down ? make : brk, down ? 4 : 6);
        return down ? 4 : 6;
    }
    if (k->e0)
        out[n++] = 0xe0;
    if (!down)
        out[n++] = 0xf0;
    out[n++] = k->code;
    return n;
}

bool keymap_parse_combo(const char *arg, const KeyDef **out, int max, int *n, char *err,
                        size_t errlen)
{
    *n = 0;
    const char *p = arg;
    while (*p) {
        const char *dash = strchr(p, '-');
        size_t len = dash ? (size_t)(dash - p) : strlen(p);
        char name[32];
        if (len == 0 || len >= sizeof name) {
            snprintf(err, errlen, "invalid parameter: %s", arg);
            return false;
        }
        memcpy(name, p, len);
        name[len] = 0;
        const KeyDef *k = keymap_find(name);
        if (!k) {
            snprintf(err, errlen, "invalid parameter: %s", name);
            return false;
        }
        if (*n >= max) {
            snprintf(err, errlen, "too many keys");
            return false;
        }
        out[(*n)++] = k;
        if (!dash)
            break;
        p = dash + 1;
    }
    return *n > 0;
}
