/* descriptors.h - protected-mode segment descriptors: fetching them from the
 * GDT/LDT, the checks that guard loading a segment register (SDM vol. 3,
 * chapter 5 "Protection", and vol. 2 MOV/POP Sreg, JMP, CALL, RET, IRET),
 * and filling the segment cache.
 *
 * The descriptor layout (SDM vol. 3, 3.4.5): dword 0 = limit 15:0 | base
 * 15:0 << 16; dword 1 = base 23:16 | access byte << 8 | limit 19:16 << 16 |
 * AVL/L/D/G << 20 | base 31:24 << 24.
 */
#ifndef XLAT86_DESCRIPTORS_H
#define XLAT86_DESCRIPTORS_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"

typedef struct Desc {
    uint32_t lo, hi;
} Desc;

/* Access-byte fields of a raw descriptor. */
static inline unsigned desc_type(const Desc *d) { return (d->hi >> 8) & 0xfu; }
static inline bool desc_s(const Desc *d) { return d->hi & (1u << 12); }
static inline unsigned desc_dpl(const Desc *d) { return (d->hi >> 13) & 3u; }
static inline bool desc_p(const Desc *d) { return d->hi & (1u << 15); }
/* Code segment (S=1, type bit 3). */
static inline bool desc_code(const Desc *d) { return desc_s(d) && (desc_type(d) & 8); }
static inline bool desc_conforming(const Desc *d) { return desc_code(d) && (desc_type(d) & 4); }

/* Seg.flags of a descriptor (access byte and the AVL/L/D/G nibble). */
static inline uint16_t desc_flags(const Desc *d) { return (uint16_t)((d->hi >> 8) & 0xf0ffu); }
uint32_t desc_base(const Desc *d);
/* Limit in bytes (expanded by G: limit << 12 | 0xfff). */
uint32_t desc_limit(const Desc *d);

/* Read the descriptor named by sel from the GDT or LDT (TI bit). Returns
 * false when the index lies beyond the table limit (or the LDT is null). */
bool desc_fetch(CPU *cpu, uint16_t sel, Desc *d);

/* Fill a segment cache from a descriptor and recompute its fast limits. */
void seg_from_desc(CPU *cpu, Seg *s, uint16_t sel, const Desc *d);

/* Set the accessed bit (type bit 0) in the descriptor table entry, as the
 * processor does on a segment load (SDM vol. 3, 3.4.5.1). */
void desc_set_accessed(CPU *cpu, uint16_t sel, Desc *d);

/* Validate a code segment for a far JMP/CALL to a code segment at the same
 * privilege (SDM vol. 2, JMP: conforming DPL <= CPL; non-conforming
 * RPL <= CPL and DPL == CPL). Raises #GP(sel)/#NP(sel). System descriptors
 * (call/task gates, TSS) are not handled here: they raise #GP(sel). */
void desc_check_code_xfer(CPU *cpu, uint16_t sel, Desc *d);

/* Validate the CS of a far RET/IRET (SDM vol. 2, RET: RPL >= CPL;
 * conforming DPL <= RPL; non-conforming DPL == RPL; present). */
void desc_check_code_ret(CPU *cpu, uint16_t sel, Desc *d);

/* Validate a stack segment to be loaded at privilege `cpl`: not null,
 * RPL == cpl, writable data, DPL == cpl (raising vec(sel)), present
 * (raising #SS(sel) or, for a TSS stack, vec). */
void desc_check_ss(CPU *cpu, uint16_t sel, int cpl, Desc *d, int vec);

/* After a return to an outer privilege level, data segment registers whose
 * DPL is below the new CPL become null (SDM vol. 2, RET "RETURN-TO-OUTER-
 * PRIVILEGE-LEVEL"). */
void seg_null_invalid(CPU *cpu, int cpl);

/* Check that [off, off+size) lies inside segment s by its limit and, in
 * protected mode, its expand direction (SDM vol. 3, 5.3); raise vec(err)
 * otherwise. Used for stacks that are not (yet) loaded in SS. */
void seg_check_limit(CPU *cpu, const Seg *s, uint32_t off, int size, int vec, uint32_t err);

/* Make a segment register null (protected mode): unusable, any access
 * raises #GP(0). */
void seg_make_null(CPU *cpu, Seg *s, uint16_t sel);

/* The inner stack for privilege level dpl (0-2) from the current TSS
 * (32- or 16-bit by TR's type); #TS(TR selector + ext) when the slots lie
 * beyond the TSS limit. */
void tss_inner_stack(CPU *cpu, int dpl, uint16_t *ss, uint32_t *sp, uint32_t ext);

/* Push v[0], v[1], ... (n values of `size` bytes, in that order) onto the
 * stack segment s (not necessarily the loaded SS) from offset sp, with
 * supervisor access. Every slot is checked against s's limit (raising
 * vec(err)) and, with paging, probed for writing before the first store,
 * so a fault changes nothing. Returns the new stack pointer (the upper
 * half of sp kept for a 16-bit stack). */
uint32_t seg_push_list(CPU *cpu, const Seg *s, uint32_t sp, const uint32_t *v, int n, int size,
                       int vec, uint32_t err);

/* With paging, raise the #PF a supervisor store of one byte at lin would
 * raise (byte: the value the caller is about to store there). */
void lin_probe_write(CPU *cpu, uint32_t lin, uint8_t byte);

#endif
