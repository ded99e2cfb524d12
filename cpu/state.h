/* state.h - the architectural state of the guest CPU, and nothing else.
 *
 * CPUState is what the IA-32 architecture defines for an i686-class
 * processor (SDM vol. 3): general registers, EIP, EFLAGS, segment
 * registers with their hidden parts, control, debug and model-specific
 * registers, the descriptor-table registers, the x87 unit, and the events
 * a processor holds between instructions (halted, shutdown, interrupt
 * shadow, pending NMI and debug traps). It is a plain value: no caches, no
 * engine bookkeeping, and no pointers except the wiring of the x87's
 * FERR# output pin (FPU.ferr/ferr_opaque), which state transfers
 * (cpu_get_state/cpu_set_state, saved machine states) leave alone. Every engine maps its own
 * representation to it (the translator embeds it, the KVM engine converts
 * it to and from KVM's register calls); the monitor, the GDB stub and
 * saved machine states read and write only this.
 *
 * Register numbering follows the x86 encoding so that ModR/M fields index
 * the arrays directly: EAX=0 ECX=1 EDX=2 EBX=3 ESP=4 EBP=5 ESI=6 EDI=7, and
 * for byte registers AL CL DL BL AH CH DH BH = 0..7 (AH..BH are byte 1 of
 * regs[0..3]). Segment registers: ES=0 CS=1 SS=2 DS=3 FS=4 GS=5.
 */
#ifndef XLAT86_STATE_H
#define XLAT86_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "fpu.h"

enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };
enum { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS, S_NONE = 0xff };

/* Segment descriptor attribute bits kept in Seg.flags: the descriptor's
 * bytes 5 and 6 (type/S/DPL/P, and AVL/L/D/G) as in the access-rights word
 * that LAR returns, shifted down by 8. */
#define SEGF_TYPE 0x000fu
#define SEGF_S 0x0010u
#define SEGF_DPL 0x0060u
#define SEGF_P 0x0080u
#define SEGF_DB 0x4000u
#define SEGF_G 0x8000u

/* A segment register: the visible selector and the hidden descriptor
 * cache (SDM vol. 3, 3.4.3). */
typedef struct Seg {
    uint32_t base;
    uint32_t limit;   /* byte granular, already expanded by G */
    uint16_t sel;
    uint16_t flags;   /* SEGF_* */
} Seg;

typedef struct DescTable {
    uint32_t base;
    uint32_t limit;
} DescTable;

typedef struct CPUState {
    uint32_t regs[8];
    uint32_t eip;
    uint32_t eflags;
    Seg seg[6];
    uint32_t cr[5];
    uint32_t dr[8];
    DescTable gdtr, idtr;
    Seg ldtr, tr;
    /* TSC = the board's virtual clock in ns (1 GHz) + tsc_offset. */
    uint64_t tsc_offset;
    FPU fpu;
    /* Model-specific registers (SDM vol. 4, table 2-3 "MSRs in the P6
     * family"): SYSENTER_CS/ESP/EIP (174h-176h), the MTRRs (variable pairs
     * 200h-20Fh, the 11 fixed-range registers 250h/258h/259h/268h-26Fh,
     * MTRRdefType 2FFh), PerfCtr0/1 (C1h/C2h, not counting) and
     * PerfEvtSel0/1 (186h/187h). They only hold values. */
    uint32_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t mtrr_var[16];
    uint64_t mtrr_fixed[11];
    uint64_t mtrr_deftype;
    uint64_t perfctr[2];
    uint64_t perfevtsel[2];

    /* Events held between instructions. */
    bool halted;              /* HLT: waits for an interrupt or NMI */
    bool shutdown;            /* triple fault: waits for RESET */
    bool inhibit_irq;         /* one-instruction shadow after STI/MOV SS/POP SS */
    uint32_t inhibit_eip;     /* EIP at which the shadow ends */
    /* DR6 bits (B0-B3, BS, BT) of a debug trap to deliver after the
     * current instruction (data and I/O breakpoints, the TSS T bit). */
    uint32_t dbg_pending;
    /* An NMI latched and not yet delivered; NMIs blocked from the delivery
     * of one until the next IRET (SDM vol. 3, 6.7.1). */
    bool nmi_pending;
    bool nmi_blocked;
    /* An external interrupt already acknowledged from the interrupt
     * controller (its vector) and not yet delivered: delivered before
     * anything else, whatever EFLAGS.IF says. KVM holds one between
     * KVM_INTERRUPT and the entry that delivers it (its vCPU events'
     * interrupt.injected/nr), so a state transfer at that moment must
     * carry it (the controller's ISR already shows it in service). */
    bool irq_injected;
    uint8_t irq_vector;
} CPUState;

#endif
