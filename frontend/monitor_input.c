/* monitor_input.c - the monitor's input commands: QEMU's `sendkey KEYS
 * [HOLD_MS]` (keys joined by '-', QEMU's key names: frontend/keymap.c).
 * As in QEMU, the keys are pressed in order and released in reverse
 * order; the hold time is accepted, but the releases follow at once (the
 * guest reads the same bytes from the i8042's queue). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/i8042.h"
#include "devices/pc.h"
#include "keymap.h"
#include "monitor_int.h"

#define SENDKEY_MAX 16

void mon_sendkey(Machine *m, Cmd *c)
{
    char keys[256], err[128];
    const KeyDef *k[SENDKEY_MAX];
    int n = 0;
    const char *a = c->arg ? c->arg : "";
    while (*a == ' ')
        a++;
    size_t len = strcspn(a, " ");
    if (len == 0 || len >= sizeof keys) {
        out_printf(&c->out, "sendkey: missing or too long key list\n");
        return;
    }
    memcpy(keys, a, len);
    keys[len] = 0;
    if (!keymap_parse_combo(keys, k, SENDKEY_MAX, &n, err, sizeof err)) {
        out_printf(&c->out, "%s\n", err);
        return;
    }
    uint8_t seq[KEYMAP_SEQ_MAX];
    unsigned mods = 0;
    for (int i = 0; i < n; i++) {
        i8042_key(&m->pc->kbc, seq, keymap_set2_mods(k[i], true, mods, seq));
        mods |= keymap_modifier(k[i]);
    }
    for (int i = n - 1; i >= 0; i--) {
        mods &= ~keymap_modifier(k[i]);
        i8042_key(&m->pc->kbc, seq, keymap_set2_mods(k[i], false, mods, seq));
    }
}
