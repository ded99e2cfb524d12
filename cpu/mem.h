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

/* Linear accesses with supervisor privilege (the "implicit" system
 * accesses of SDM vol. 3, 4.6: descriptor tables, the IVT/IDT, the TSS,
 * and stack pushes during interrupt delivery). */
uint32_t lin_ld(CPU *cpu, uint32_t lin, int size);
void lin_st(CPU *cpu, uint32_t lin, uint32_t v, int size);

/* Fetch for the decoder: copy up to n bytes of code at linear address lin,
 * stopping at the end of the page. Returns the number of bytes copied;
 * *phys gets the physical address of lin. Raises #PF/#GP like a fetch only
 * if not a single byte can be fetched. */
int lin_fetch(CPU *cpu, uint32_t lin, uint8_t *buf, int n, uint32_t *phys);

/* Fetch that never raises: returns -1 if the page is not executable. */
int lin_fetch_try(CPU *cpu, uint32_t lin, uint8_t *buf, int n, uint32_t *phys);

enum { ACC_READ = 0, ACC_WRITE = 1, ACC_FETCH = 2 };
/* Translate a linear address for an access at the current privilege
 * (page walk when CR0.PG is set, then A20); raises #PF. */
uint32_t lin_to_phys(CPU *cpu, uint32_t lin, bool write);
/* The same without raising or side effects on CPU state (A/D bits are
 * still set on success); false if the access would fault. */
bool lin_probe(CPU *cpu, uint32_t lin, int access, bool user, uint32_t *phys);
/* A look at the translation of an instruction fetch with no side effect
 * at all (no accessed bits, no TLB fill), for the translator's look-ahead:
 * code that may never run must leave no trace in guest memory. */
bool lin_peek(CPU *cpu, uint32_t lin, bool user, uint32_t *phys);
/* Instruction fetch at the current privilege level, through the fetch TLB
 * (filled by a page walk on a miss, flushed with the other two):
 * lin_fetch_phys raises #PF when the fetch faults, lin_fetch_probe
 * returns false instead. */
uint32_t lin_fetch_phys(CPU *cpu, uint32_t lin);
bool lin_fetch_probe(CPU *cpu, uint32_t lin, uint32_t *phys);

/* Drop every TLB entry (CR0/CR4 writes, A20 change). */
void tlb_flush(CPU *cpu);
/* CR3 load: drop all but global-page entries. */
void tlb_flush_nonglobal(CPU *cpu);
/* INVLPG: drop the entries for one linear page. */
void tlb_flush_page(CPU *cpu, uint32_t lin);
/* Drop the entries that map physical page `phys_page` for writing. */
void tlb_flush_write_phys(CPU *cpu, uint32_t phys_page);

/* Slow-path entry points the generated code calls when the inline TLB check
 * misses. lin is the linear address; they return/perform the access and may
 * raise exceptions (EIP was stored by the generated code beforehand). */
uint32_t tlb_miss_ld(CPU *cpu, uint32_t lin, int size);
/* Inline-path TLB miss: fill the entry for an access of `size` bytes at
 * lin and return the host address, or 0 when the access cannot be done
 * through host memory (fault, MMIO, ROM or code-page write, page
 * crossing); never raises. The caller then runs the whole instruction
 * through its reference helper, which raises precisely. */
uintptr_t tlb_fill_host(CPU *cpu, uint32_t lin, int size, bool write);
void tlb_miss_st(CPU *cpu, uint32_t lin, uint32_t v, int size);
/* Host address of the byte at linear lin for an explicit access at the
 * current privilege level, through the TLB (filled on a miss), or NULL
 * when the page cannot be accessed through host memory (it would fault, or
 * is MMIO, ROM or a code page for a write). Never raises; bulk helpers
 * (REP MOVS/STOS) use it for whole pages and fall back to cpu_ld/cpu_st. */
uint8_t *cpu_host_ptr(CPU *cpu, uint32_t lin, bool write);

#endif
