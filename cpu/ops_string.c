/* ops_string.c - the string instructions MOVS, CMPS, SCAS, LODS, STOS, INS,
 * OUTS with their REP/REPE/REPNE forms (SDM vol. 1, 7.3.9; vol. 2, REP).
 *
 * Source operands are seg:(E)SI with seg = DS unless overridden; the
 * destination is always ES:(E)DI. The address size picks SI/DI/CX or
 * ESI/EDI/ECX; DF picks the direction. Registers are updated after every
 * element, so a fault in the middle leaves them describing exactly the
 * iterations completed, and the instruction restarts from there.
 *
 * A REP loop runs at most REP_CHUNK elements per call (fewer if an
 * interrupt is pending); with count left, EIP stays at the instruction and
 * the helper returns OPR_JUMP so the run loop can take interrupts and then
 * re-execute it, as the hardware does between iterations.
 *
 * With EFLAGS.TF set, or under the debugger's single step (CPU.rep_one),
 * a call runs exactly one iteration: the single-step trap comes after each
 * iteration with EIP still at the instruction while it repeats (SDM vol. 2,
 * REP: "...a single-step trap after each iteration"; vol. 3, 17.3.1.4), and
 * a debugger `step`/stepi stops there too, as QEMU's does. A debugger
 * watchpoint hit also ends the loop after the iteration that hit it.
 */
#include <string.h>

#include <capstone/capstone.h>

#include "devices/iobus.h"
#include "devices/memory.h"
#include "flags.h"
#include "mem.h"
#include "ops_ctl.h"

#define REP_CHUNK 4096

enum StrKind { K_MOVS, K_CMPS, K_SCAS, K_LODS, K_STOS, K_INS, K_OUTS };

typedef struct StrCtx {
    uint32_t amask;   /* 0xffff or 0xffffffff */
    uint32_t delta;   /* +size or -size by DF */
    int size;
    int src;          /* source segment */
} StrCtx;

static inline uint32_t areg(const CPU *cpu, const StrCtx *c, int r)
{
    return cpu->regs[r] & c->amask;
}

static inline void astep(CPU *cpu, const StrCtx *c, int r)
{
    cpu->regs[r] = (cpu->regs[r] & ~c->amask) | ((cpu->regs[r] + c->delta) & c->amask);
}

static uint32_t port_in(CPU *cpu, uint16_t port, int size)
{
    cpu_check_io_breakpoint(cpu, port, size);
    if (!cpu->io) return size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu;
    return io_read(cpu->io, port, size);
}

static void port_out(CPU *cpu, uint16_t port, uint32_t v, int size)
{
    cpu_check_io_breakpoint(cpu, port, size);
    if (cpu->io) io_write(cpu->io, port, v, size);
}

/* One element. Returns the ZF outcome for CMPS/SCAS (true = equal). */
static bool str_step(CPU *cpu, const StrCtx *c, enum StrKind k)
{
    int sz = c->size;
    switch (k) {
    case K_MOVS: {
        uint32_t v = cpu_ld(cpu, c->src, areg(cpu, c, R_ESI), sz);
        cpu_st(cpu, S_ES, areg(cpu, c, R_EDI), v, sz);
        astep(cpu, c, R_ESI);
        astep(cpu, c, R_EDI);
        return false;
    }
    case K_CMPS: {
        uint32_t a = cpu_ld(cpu, c->src, areg(cpu, c, R_ESI), sz);
        uint32_t b = cpu_ld(cpu, S_ES, areg(cpu, c, R_EDI), sz);
        uint32_t r = (a - b) & size_mask(sz);
        flags_set(cpu, flags_sub(a, b, 0, r, sz));
        astep(cpu, c, R_ESI);
        astep(cpu, c, R_EDI);
        return r == 0;
    }
    case K_SCAS: {
        uint32_t a = reg_read(cpu, R_EAX, sz);
        uint32_t b = cpu_ld(cpu, S_ES, areg(cpu, c, R_EDI), sz);
        uint32_t r = (a - b) & size_mask(sz);
        flags_set(cpu, flags_sub(a, b, 0, r, sz));
        astep(cpu, c, R_EDI);
        return r == 0;
    }
    case K_LODS:
        reg_write(cpu, R_EAX, sz, cpu_ld(cpu, c->src, areg(cpu, c, R_ESI), sz));
        astep(cpu, c, R_ESI);
        return false;
    case K_STOS:
        cpu_st(cpu, S_ES, areg(cpu, c, R_EDI), reg_read(cpu, R_EAX, sz), sz);
        astep(cpu, c, R_EDI);
        return false;
    case K_INS: {
        /* Check the destination before the port read: a device read may
         * have side effects that must not happen twice on restart. */
        uint32_t di = areg(cpu, c, R_EDI);
        cpu_check_seg(cpu, S_ES, di, sz, true);
        uint32_t v = port_in(cpu, (uint16_t)cpu->regs[R_EDX], sz);
        cpu_st(cpu, S_ES, di, v, sz);
        astep(cpu, c, R_EDI);
        return false;
    }
    case K_OUTS:
        port_out(cpu, (uint16_t)cpu->regs[R_EDX], cpu_ld(cpu, c->src, areg(cpu, c, R_ESI), sz), sz);
        astep(cpu, c, R_ESI);
        return false;
    }
    return false;
}

/* Whole elements of `size` bytes from offset off on, within segment s's
 * fast limit (the limit checks cpu_check_seg would pass without looking
 * at the type), the address-size wrap and the linear page. */
static uint32_t span(const CPU *cpu, const StrCtx *c, int s, uint32_t off, bool write)
{
    const Seg *sg = &cpu->seg[s];
    int64_t lim = write ? cpu->segfast[s].lim_w : cpu->segfast[s].lim;
    if ((int64_t)off > lim) return 0;
    uint64_t bytes = (uint64_t)(lim - (int64_t)off) + 1;
    uint64_t wrap = (uint64_t)c->amask - off + 1;
    if (wrap < bytes) bytes = wrap;
    uint32_t page = PAGE_SIZE - ((sg->base + off) & 0xfffu);
    if (page < bytes) bytes = page;
    return (uint32_t)(bytes / (uint64_t)c->size);
}

/* REP MOVS/STOS going up (DF = 0) through RAM: as many elements as stay
 * within one source and one destination page, done with host memory
 * operations, registers updated as if element by element. Returns how
 * many were done; 0 when this stretch needs the element-by-element path
 * (MMIO, ROM, code pages, faults, limits, a page-crossing element, data
 * breakpoints), which then raises any fault precisely. */
static uint32_t rep_fast(CPU *cpu, const StrCtx *c, enum StrKind k, uint32_t count)
{
    if (c->delta != (uint32_t)c->size || (cpu->dr[7] & 0xffu)) return 0;
    uint32_t di = areg(cpu, c, R_EDI);
    uint32_t n = span(cpu, c, S_ES, di, true);
    if (n > count) n = count;
    uint8_t *ps = NULL;
    if (k == K_MOVS) {
        uint32_t si = areg(cpu, c, R_ESI);
        uint32_t ns = span(cpu, c, c->src, si, false);
        if (ns < n) n = ns;
        if (n == 0) return 0;
        ps = cpu_host_ptr(cpu, cpu->seg[c->src].base + si, false);
        if (!ps) return 0;
    } else if (n == 0) {
        return 0;
    }
    uint8_t *pd = cpu_host_ptr(cpu, cpu->seg[S_ES].base + di, true);
    if (!pd) return 0;
    size_t len = (size_t)n * (size_t)c->size;
    if (k == K_MOVS) {
        if (pd > ps && pd < ps + len) {
            /* Destination just above the source: an element-by-element
             * forward copy repeats the pattern, unlike memmove. */
            for (size_t i = 0; i < len; i += (size_t)c->size) memmove(pd + i, ps + i, (size_t)c->size);
        } else {
            memmove(pd, ps, len);
        }
        cpu->regs[R_ESI] = (cpu->regs[R_ESI] & ~c->amask) | ((cpu->regs[R_ESI] + (uint32_t)len) & c->amask);
    } else {
        uint32_t v = cpu->regs[R_EAX];
        if (c->size == 1) {
            memset(pd, (int)(v & 0xffu), len);
        } else {
            for (size_t i = 0; i < len; i += (size_t)c->size) memcpy(pd + i, &v, (size_t)c->size);
        }
    }
    cpu->regs[R_EDI] = (cpu->regs[R_EDI] & ~c->amask) | ((cpu->regs[R_EDI] + (uint32_t)len) & c->amask);
    return n;
}

static int str_exec(CPU *cpu, const Insn *in, enum StrKind k, int size)
{
    StrCtx c;
    c.size = size;
    c.amask = in->addrsize == 2 ? 0xffffu : 0xffffffffu;
    c.delta = (cpu->eflags & F_DF) ? (uint32_t)-size : (uint32_t)size;
    c.src = in->segovr != S_NONE ? in->segovr : S_DS;
    if (k == K_INS || k == K_OUTS) io_check(cpu, (uint16_t)cpu->regs[R_EDX], size);

    if (!(in->flags & (INSN_REP | INSN_REPNE))) {
        str_step(cpu, &c, k);
        return OPR_NEXT;
    }
    /* CMPS/SCAS: F3 repeats while equal, F2 while not equal. The other
     * string instructions treat either prefix as REP. */
    bool cmp = k == K_CMPS || k == K_SCAS;
    bool want_eq = (in->flags & INSN_REP) != 0;
    bool bulk = k == K_MOVS || k == K_STOS;
    uint32_t limit = ((cpu->eflags & F_TF) || cpu->rep_one) ? 1 : REP_CHUNK;
    for (uint32_t n = 0; n < limit;) {
        uint32_t count = cpu->regs[R_ECX] & c.amask;
        if (count == 0) return OPR_NEXT;
        uint32_t want = count < limit - n ? count : limit - n;
        uint32_t done = bulk ? rep_fast(cpu, &c, k, want) : 0;
        if (done) {
            cpu->regs[R_ECX] = (cpu->regs[R_ECX] & ~c.amask) | ((count - done) & c.amask);
            n += done;
            if (cpu->irq_line && (cpu->eflags & F_IF)) break;
            continue;
        }
        n++;
        bool eq = str_step(cpu, &c, k);
        cpu->regs[R_ECX] = (cpu->regs[R_ECX] & ~c.amask) | ((count - 1) & c.amask);
        if (cmp && eq != want_eq) return OPR_NEXT;
        /* An interrupt may be taken between iterations (SDM vol. 2, REP);
         * a data or I/O breakpoint hit is a trap after the iteration that
         * hit it, with EIP still at the instruction if count is left. */
        if (cpu->irq_line && (cpu->eflags & F_IF)) break;
        if ((cpu->dbg_pending & 0xfu) || cpu->watch_hit) break;
    }
    if ((cpu->regs[R_ECX] & c.amask) == 0) return OPR_NEXT;
    cpu->eip = in->eip;
    cpu->rep_mid = true;
    return OPR_JUMP;
}

#define STR_OP(name, kind, size) \
    static int name(CPU *cpu, const Insn *in) { return str_exec(cpu, in, kind, size); }

STR_OP(op_movsb, K_MOVS, 1)
STR_OP(op_movsw, K_MOVS, 2)
STR_OP(op_cmpsb, K_CMPS, 1)
STR_OP(op_cmpsw, K_CMPS, 2)
STR_OP(op_scasb, K_SCAS, 1)
STR_OP(op_scasw, K_SCAS, 2)
STR_OP(op_scasd, K_SCAS, 4)
STR_OP(op_lodsb, K_LODS, 1)
STR_OP(op_lodsw, K_LODS, 2)
STR_OP(op_lodsd, K_LODS, 4)
STR_OP(op_stosb, K_STOS, 1)
STR_OP(op_stosw, K_STOS, 2)
STR_OP(op_stosd, K_STOS, 4)
STR_OP(op_insb, K_INS, 1)
STR_OP(op_insw, K_INS, 2)
STR_OP(op_insd, K_INS, 4)
STR_OP(op_outsb, K_OUTS, 1)
STR_OP(op_outsw, K_OUTS, 2)
STR_OP(op_outsd, K_OUTS, 4)

/* Capstone uses the same ids for the SSE2 scalar-double MOVSD/CMPSD; only
 * the string forms (A5, A7) exist on this CPU. */
static int op_movsd(CPU *cpu, const Insn *in)
{
    if (in->opcode[0] != 0xa5) cpu_raise(cpu, EXC_UD);
    return str_exec(cpu, in, K_MOVS, 4);
}

static int op_cmpsd(CPU *cpu, const Insn *in)
{
    if (in->opcode[0] != 0xa7) cpu_raise(cpu, EXC_UD);
    return str_exec(cpu, in, K_CMPS, 4);
}

void ops_register_string(void)
{
    ops_table[X86_INS_MOVSB] = op_movsb;
    ops_table[X86_INS_MOVSW] = op_movsw;
    ops_table[X86_INS_MOVSD] = op_movsd;
    ops_table[X86_INS_CMPSB] = op_cmpsb;
    ops_table[X86_INS_CMPSW] = op_cmpsw;
    ops_table[X86_INS_CMPSD] = op_cmpsd;
    ops_table[X86_INS_SCASB] = op_scasb;
    ops_table[X86_INS_SCASW] = op_scasw;
    ops_table[X86_INS_SCASD] = op_scasd;
    ops_table[X86_INS_LODSB] = op_lodsb;
    ops_table[X86_INS_LODSW] = op_lodsw;
    ops_table[X86_INS_LODSD] = op_lodsd;
    ops_table[X86_INS_STOSB] = op_stosb;
    ops_table[X86_INS_STOSW] = op_stosw;
    ops_table[X86_INS_STOSD] = op_stosd;
    ops_table[X86_INS_INSB] = op_insb;
    ops_table[X86_INS_INSW] = op_insw;
    ops_table[X86_INS_INSD] = op_insd;
    ops_table[X86_INS_OUTSB] = op_outsb;
    ops_table[X86_INS_OUTSW] = op_outsw;
    ops_table[X86_INS_OUTSD] = op_outsd;
}
