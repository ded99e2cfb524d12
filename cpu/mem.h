/* mem.h - guest memory as the CPU sees it: segmentation, then (when paging
 * arrives) the page walk, then physical memory, through the softmmu TLB.
 *
 * Every access by a reference helper goes through these functions. They
 * check the segment limit (raising #GP(0), or #SS(0) for SS), translate
 * linear to physical, and use the TLB fast path or the physical slow path
 * (MMIO, ROM, pages holding translated code). A fault longjmps to the run
 * loop through cpu_raise(), so a helper must read and check everything
 * before its first write when the instruction must not partially complete.
 */
#ifndef XLAT86_CPU_MEM_H
#define XLAT86_CPU_MEM_H

#include "cpu.h"

/* Segmented accesses: seg is S_ES..S_GS, off the effective address (already
 * masked to the address size). */
uint8_t cpu_ld8(CPU *cpu, int seg, uint32_t off);
uint16_t cpu_ld16(CPU *cpu, int seg, uint32_t off);
uint32_t cpu_ld32(CPU *cpu, int seg, uint32_t off);
void cpu_st8(CPU *cpu, int seg, uint32_t off, uint8_t v);
void cpu_st16(CPU *cpu, int seg, uint32_t off, uint16_t v);
void cpu_st32(CPU *cpu, int seg, uint32_t off, uint32_t v);
/* Generic by size (1, 2, 4). */
uint32_t cpu_ld(CPU *cpu, int seg, uint32_t off, int size);
void cpu_st(CPU *cpu, int seg, uint32_t off, uint32_t v, int size);
/* Check that [off, off+size) is writable/readable in seg without accessing
 * it (for instructions that must fault before any side effect). */
void cpu_check_seg(CPU *cpu, int seg, uint32_t off, int size, bool write);

/* Linear accesses (after segmentation): used for descriptor tables, the
 * IVT/IDT, TSS, and by the segmented functions above. */
uint32_t lin_ld(CPU *cpu, uint32_t lin, int size);
void lin_st(CPU *cpu, uint32_t lin, uint32_t v, int size);

/* Fetch for the decoder: copy up to n bytes of code at linear address lin,
 * stopping at the end of the page. Returns the number of bytes copied;
 * *phys gets the physical address of lin. Raises #PF/#GP like a fetch only
 * if not a single byte can be fetched. */
int lin_fetch(CPU *cpu, uint32_t lin, uint8_t *buf, int n, uint32_t *phys);

/* Translate a linear address for the given access (no paging yet: identity,
 * then A20). */
uint32_t lin_to_phys(CPU *cpu, uint32_t lin, bool write);

/* Drop every TLB entry (CR3/CR0/CR4 writes, A20 change, code page marked). */
void tlb_flush(CPU *cpu);
/* Drop the entries that map physical page `phys_page` for writing. */
void tlb_flush_write_phys(CPU *cpu, uint32_t phys_page);

/* Slow-path entry points the generated code calls when the inline TLB check
 * misses. lin is the linear address; they return/perform the access and may
 * raise exceptions (EIP was stored by the generated code beforehand). */
uint32_t tlb_miss_ld(CPU *cpu, uint32_t lin, int size);
void tlb_miss_st(CPU *cpu, uint32_t lin, uint32_t v, int size);

#endif
