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

/* The key called name, or NULL. */
const KeyDef *keymap_find(const char *name);
/* Set 2 bytes for pressing (down) or releasing the key into out
 * (KEYMAP_SEQ_MAX bytes); returns the count (Pause sends all of its bytes
 * on press and none on release; Print Screen its E0 12 E0 7C form). */
int keymap_set2(const KeyDef *k, bool down, uint8_t *out);
/* Parse QEMU's sendkey argument ("ctrl-alt-delete"): keys in order into
 * keys (at most max). False with the offending name in err. */
bool keymap_parse_combo(const char *arg, const KeyDef **keys, int max, int *n, char *err,
                        size_t errlen);

#endif
