/* keymap.h - key names (QEMU's QKeyCode names, as its monitor's sendkey
 * takes them) and their PS/2 scan code set 2 sequences, shared by the
 * monitor's sendkey and the displays. */
#ifndef XLAT86_KEYMAP_H
#define XLAT86_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEYMAP_SEQ_MAX 8

typedef struct KeyDef {
    const char *name;
    uint8_t code;               /* set 2 make code (after the prefix) */
    bool e0;                    /* extended: 0xE0 prefix */
} KeyDef;

/* Modifiers held when a key goes down (they change Pause and Print
 * Screen, as on a PS/2 keyboard). */
#define KEYMOD_SHIFT 1u
#define KEYMOD_CTRL 2u
#define KEYMOD_ALT 4u            /* left Alt */
#define KEYMOD_ALT_R 8u

/* The key called name, or NULL. */
const KeyDef *keymap_find(const char *name);
/* Set 2 bytes for pressing (down) or releasing the key into out
 * (KEYMAP_SEQ_MAX bytes); returns the count (Pause sends all of its bytes
 * on press and none on release; Print Screen its E0 12 E0 7C form). */
int keymap_set2(const KeyDef *k, bool down, uint8_t *out);
/* The same with the modifiers held, as QEMU's PS/2 keyboard sends them:
 * Ctrl+Pause is Break (E0 7E E0 F0 7E); Alt+Print Screen (or SysRq) is
 * SysRq 84 wrapped in a release and press of that Alt (F0 11 11 84, and
 * F0 84 F0 11 11 on release; E0-prefixed for the right Alt); Shift or
 * Ctrl+Print Screen is E0 7C alone. */
int keymap_set2_mods(const KeyDef *k, bool down, unsigned mods, uint8_t *out);
/* The modifier bit a key is (0 for others). */
unsigned keymap_modifier(const KeyDef *k);
/* Parse QEMU's sendkey argument ("ctrl-alt-delete"): keys in order into
 * keys (at most max). False with the offending name in err. */
bool keymap_parse_combo(const char *arg, const KeyDef **keys, int max, int *n, char *err,
                        size_t errlen);

#endif
