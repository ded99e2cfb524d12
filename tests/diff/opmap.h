/* opmap.h - the opcode-map sweep (xlat86-opmap): shared types. */
#ifndef XLAT86_OPMAP_H
#define XLAT86_OPMAP_H

#include <stdbool.h>
#include <stdint.h>

enum { OPR_VALID, OPR_UD };

typedef struct OpResult {
    int kind;   /* OPR_VALID or OPR_UD */
    int len;    /* instruction length in bytes (meaningful when valid) */
} OpResult;

bool opmap_host_init(void);
OpResult opmap_host(const uint8_t *bytes);   /* bytes: 16, zero-padded */

bool opmap_guest_init(void);
OpResult opmap_guest(const uint8_t *bytes);

#endif
