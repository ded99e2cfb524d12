/* tracelog.h - writing -d in_asm/out_asm listings of translated blocks. */
#ifndef XLAT86_TRACELOG_H
#define XLAT86_TRACELOG_H

#include "tcache.h"

/* Log a freshly translated block: guest code (in_asm) and, per guest
 * instruction, the host code it became (out_asm), both disassembled. */
void tracelog_block(const TB *tb);

#endif
