/* trace.h - QEMU-style debug logs (-d ITEMS, -D FILE).
 *
 * in_asm:  each guest block when it is translated (Capstone disassembly)
 * out_asm: each guest instruction followed by the host code it became
 * exec:    every block entry (guest EIP, CS:EIP)
 * int:     every interrupt and exception delivered
 * cpu:     the CPU registers before each block runs
 */
#ifndef XLAT86_TRACE_H
#define XLAT86_TRACE_H

#include <stdio.h>

#define TRACE_IN_ASM 0x01u
#define TRACE_OUT_ASM 0x02u
#define TRACE_EXEC 0x04u
#define TRACE_INT 0x08u
#define TRACE_CPU 0x10u

extern unsigned trace_mask;
extern FILE *trace_file;   /* stderr unless -D FILE */

/* Parse "in_asm,out_asm,..." into a mask; returns -1 and names the bad item. */
int trace_parse(const char *items, unsigned *mask, char *bad, size_t badlen);
#define TRACE_ON(bit) (trace_mask & (bit))

#endif
