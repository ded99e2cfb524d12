/* debug.c - debug exceptions (DR0-DR3 breakpoints, DR6/DR7, single step),
 * the NMI path and the double-fault classification of exceptions.
 *
 * DR7 layout (SDM vol. 3, 17.2.4): L0/G0..L3/G3 in bits 0-7; for
 * breakpoint n, R/Wn in bits 16+4n..17+4n (00 instruction, 01 data write,
 * 10 I/O with CR4.DE, 11 data read or write) and LENn in bits 18+4n..19+4n
 * (00 one byte, 01 two, 11 four, 10 undefined on P6: taken as eight).
 * The address in DRn is aligned down to the length (17.2.5).
 */
#include "cpu.h"

#include "mem.h"

static unsigned bp_rw(const CPU *cpu, int n) { return (cpu->dr[7] >> (16 + 4 * n)) & 3u; }

static uint32_t bp_len(const CPU *cpu, int n)
{
    static const uint32_t len[4] = {1, 2, 8, 4};
    return len[(cpu->dr[7] >> (18 + 4 * n)) & 3u];
}

static bool bp_enabled(const CPU *cpu, int n) { return (cpu->dr[7] >> (2 * n)) & 3u; }

static bool any_rw(const CPU *cpu, unsigned want_mask)
{
    for (int n = 0; n < 4; n++)
        if (bp_enabled(cpu, n) && ((want_mask >> bp_rw(cpu, n)) & 1u)) return true;
    return false;
}

bool cpu_code_breakpoints_on(const CPU *cpu) { return any_rw(cpu, 1u << 0); }

bool cpu_data_breakpoints_on(const CPU *cpu) { return any_rw(cpu, (1u << 1) | (1u << 3)); }

/* Does [a, a+size) overlap breakpoint n's aligned range? */
static bool bp_hits(const CPU *cpu, int n, uint32_t a, int size)
{
    uint32_t len = bp_len(cpu, n);
    uint64_t lo = cpu->dr[n] & ~(len - 1);
    uint64_t hi = lo + len;
    uint64_t alo = a, ahi = (uint64_t)a + (uint64_t)size;
    return alo < hi && lo < ahi;
}

bool cpu_check_code_breakpoint(CPU *cpu, uint32_t lin)
{
    /* RF suppresses instruction breakpoints for one instruction; the
     * processor clears it when that instruction completes (17.3.1.1). */
    if (cpu->eflags & F_RF) {
        cpu->eflags &= ~F_RF;
        return false;
    }
    uint32_t hit = 0;
    for (int n = 0; n < 4; n++)
        if (bp_enabled(cpu, n) && bp_rw(cpu, n) == 0 && cpu->dr[n] == lin) hit |= 1u << n;
    if (!hit) return false;
    /* B0-B3 report the conditions met by this exception (17.2.3). */
    cpu->dr[6] = (cpu->dr[6] & ~0xfu) | hit;
    return true;
}

void cpu_check_data_breakpoint(CPU *cpu, uint32_t lin, int size, bool write)
{
    for (int n = 0; n < 4; n++) {
        if (!bp_enabled(cpu, n)) continue;
        unsigned rw = bp_rw(cpu, n);
        if (!(rw == 3 || (rw == 1 && write))) continue;
        if (bp_hits(cpu, n, lin, size)) {
            cpu->dbg_pending |= 1u << n;
            cpu->stop_block = true;
        }
    }
}

void cpu_check_io_breakpoint(CPU *cpu, uint16_t port, int size)
{
    if (!(cpu->cr[4] & CR4_DE)) return;   /* RW = 10 is undefined without DE */
    for (int n = 0; n < 4; n++) {
        if (bp_enabled(cpu, n) && bp_rw(cpu, n) == 2 && bp_hits(cpu, n, port, size)) {
            cpu->dbg_pending |= 1u << n;
            cpu->stop_block = true;
        }
    }
}

/* Deliver #DB as a trap with the DR6 bits `bits` (B0-B3 replaced, BD, BS
 * and BT accumulated: they are sticky, 17.2.3). The pushed EIP is the
 * next instruction, which cpu->eip already holds. */
static void debug_trap(CPU *cpu, uint32_t bits)
{
    cpu->dbg_pending = 0;
    /* A single step or T-bit trap alone leaves B0-B3 as they were. */
    if (bits & 0xfu) cpu->dr[6] &= ~0xfu;
    cpu->dr[6] |= bits;
    cpu_interrupt(cpu, EXC_DB, cpu->eip, false, 0, false);
}

void cpu_single_step_trap(CPU *cpu)
{
    debug_trap(cpu, (cpu->dbg_pending & 0xfu) | (cpu->dbg_pending & DR6_BT) | DR6_BS);
}

void cpu_debug_trap(CPU *cpu)
{
    if (cpu->dbg_pending) debug_trap(cpu, cpu->dbg_pending);
}

void cpu_nmi(CPU *cpu)
{
    cpu->nmi_pending = true;
    if (cpu->kick) cpu->kick(cpu->kick_opaque);   /* deliver at the next block entry */
}

bool cpu_nmi_deliver(CPU *cpu)
{
    if (!cpu->nmi_pending || cpu->nmi_blocked) return false;
    /* MOV SS/POP SS blocks NMIs for one instruction too (6.8.3). */
    if (cpu->inhibit_irq && cpu->eip == cpu->inhibit_eip) return false;
    cpu->nmi_pending = false;
    cpu->nmi_blocked = true;
    cpu_interrupt(cpu, EXC_NMI, cpu->eip, false, 0, false);
    return true;
}

/* Table 6-4: contributory exceptions are #DE, #TS, #NP, #SS, #GP; #PF has
 * its own class; everything else (and external interrupts, INT n) is
 * benign. */
enum { CLS_BENIGN, CLS_CONTRIB, CLS_PF, CLS_DF };

static int exc_class(int v)
{
    switch (v) {
    case EXC_DE: case EXC_TS: case EXC_NP: case EXC_SS: case EXC_GP:
        return CLS_CONTRIB;
    case EXC_PF:
        return CLS_PF;
    case EXC_DF:
        return CLS_DF;
    default:
        return CLS_BENIGN;
    }
}

int cpu_exception_combine(int first, int second)
{
    int a = exc_class(first), b = exc_class(second);
    if (b == CLS_BENIGN) return EXCC_SERIAL;
    switch (a) {
    case CLS_CONTRIB:
        return b == CLS_CONTRIB ? EXCC_DOUBLE : EXCC_SERIAL;
    case CLS_PF:
        return EXCC_DOUBLE;   /* contributory or #PF during #PF delivery */
    case CLS_DF:
        /* Interrupt 8: a contributory exception or #PF while calling the
         * double-fault handler shuts the processor down. */
        return EXCC_TRIPLE;
    default:
        return EXCC_SERIAL;
    }
}
