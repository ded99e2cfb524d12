/* monitor_input.c - the monitor's input commands: QEMU's `sendkey KEYS
 * [HOLD_MS]` (keys joined by '-', QEMU's key names: frontend/keymap.c).
 * As in QEMU, the keys are pressed in order and released in reverse
 * order HOLD_MS milliseconds later (default 100), in virtual time: a
 * timer on the machine's clock releases them on the vCPU thread. A
 * sendkey while keys are still held releases those first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/i8042.h"
#include "devices/pc.h"
#include "keymap.h"
#include "monitor_int.h"

#define SENDKEY_MAX 16
#define SENDKEY_HOLD_MS 100

/* Keys pressed by the last sendkey, waiting for their release. */
static struct {
    Machine *m;
    Timer timer;
    bool armed;
    const KeyDef *k[SENDKEY_MAX];
    int n;
    unsigned mods;
} held;

static void release_held(void *opaque)
{
    (void)opaque;
    uint8_t seq[KEYMAP_SEQ_MAX];
    Machine *m = held.m;
    held.armed = false;
    for (int i = held.n - 1; i >= 0; i--) {
        held.mods &= ~keymap_modifier(held.k[i]);
        i8042_key(&m->pc->kbc, seq, keymap_set2_mods(held.k[i], false, held.mods, seq));
    }
    held.n = 0;
}

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
    long hold = SENDKEY_HOLD_MS;
    const char *h = a + len;
    while (*h == ' ')
        h++;
    if (*h) {
        char *end;
        hold = strtol(h, &end, 10);
        while (*end == ' ')
            end++;
        if (end == h || *end || hold < 0 || hold > 3600 * 1000) {
            out_printf(&c->out, "sendkey: invalid hold time '%s' (milliseconds)\n", h);
            return;
        }
    }
    if (!keymap_parse_combo(keys, k, SENDKEY_MAX, &n, err, sizeof err)) {
        out_printf(&c->out, "%s\n", err);
        return;
    }
    Clock *clk = &m->pc->clock;
    if (held.armed) {                /* the previous keys go up first */
        timer_del(clk, &held.timer);
        release_held(NULL);
    }
    uint8_t seq[KEYMAP_SEQ_MAX];
    unsigned mods = 0;
    for (int i = 0; i < n; i++) {
        i8042_key(&m->pc->kbc, seq, keymap_set2_mods(k[i], true, mods, seq));
        mods |= keymap_modifier(k[i]);
        held.k[i] = k[i];
    }
    held.m = m;
    held.n = n;
    held.mods = mods;
    if (hold == 0) {
        release_held(NULL);
        return;
    }
    timer_init(&held.timer, release_held, NULL);
    held.armed = true;
    timer_mod(clk, &held.timer, clock_now(clk) + (int64_t)hold * 1000000);
}
