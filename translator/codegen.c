/* codegen.c - guest block -> x86-64 host code: the driver.
 *
 * The mode key a block is specialised for, decoding the block, deciding
 * where it ends, and the translation loop: per instruction, the inline
 * emitter its descriptor names (cg_inline.c) or a call of its C helper
 * (cg_runtime.c); then the block's exits (cg_exit.c), the out-of-line slow
 * paths of memory operands (cg_mem.c) and the deadline exit. The
 * conventions of generated code are described in cg_internal.h.
 */
#include "codegen.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/x86.h>

#include "cg_internal.h"
#include "cpu/decode.h"
#include "cpu/mem.h"
#include "devices/memory.h"

/* ---- mode ---- */

/* Inlined near branches do not check the target against the CS limit (the
 * C helpers do, raising #GP(0) at the branch, SDM vol. 2 JMP/Jcc/CALL/RET).
 * They are only inlined where no target can exceed it: CS limit 4 GiB in
 * 32-bit code, 0FFFFh in 16-bit code with a 16-bit operand size (targets
 * wrap at 64 KiB). The limit's kind is in the mode key (TMODE_CSLIM). */
static bool branch_needs_limit_check(const Insn *in, uint32_t mode)
{
    switch (in->id) {
    case X86_INS_JMP: case X86_INS_CALL: case X86_INS_RET:
    case X86_INS_JAE: case X86_INS_JA: case X86_INS_JBE: case X86_INS_JB: case X86_INS_JCXZ:
    case X86_INS_JECXZ: case X86_INS_JE: case X86_INS_JGE: case X86_INS_JG: case X86_INS_JLE:
    case X86_INS_JL: case X86_INS_JNE: case X86_INS_JNO: case X86_INS_JNP: case X86_INS_JNS:
    case X86_INS_JO: case X86_INS_JP: case X86_INS_JS:
        break;
    default:
        return false;
    }
    if (mode & TMODE_CSLIM) return true;
    return !(mode & TMODE_CODE32) && in->opsize == 4;
}

uint32_t cg_cpu_mode(const CPU *cpu, bool inline_code)
{
    uint32_t m = 0;
    bool pe = cpu->cr[0] & CR0_PE, vm = cpu->eflags & F_VM;
    if (pe && !vm && (cpu->seg[S_CS].flags & SEGF_DB)) m |= TMODE_CODE32;
    /* The stack size is the cached SS.B in every mode, as the C helpers
     * (cpu/ops.c), QEMU and Bochs have it: clearing CR0.PE with a 32-bit
     * SS keeps a 32-bit stack until SS is loaded again. */
    if (cpu->seg[S_SS].flags & SEGF_DB) m |= TMODE_SS32;
    if (pe) m |= TMODE_PE;
    if (vm) m |= TMODE_VM;
    if (cpu->cr[0] & CR0_PG) m |= TMODE_PG;
    m |= TMODE_CPL(cpu_cpl(cpu));
    if (inline_code) m |= TMODE_INLINE;
    if (cpu->seg[S_CS].limit != ((m & TMODE_CODE32) ? 0xffffffffu : 0xffffu)) m |= TMODE_CSLIM;
    if ((m & TMODE_CODE32) && (m & TMODE_SS32)) {
        bool flat = true;
        static const int segs[4] = {S_ES, S_CS, S_SS, S_DS};
        for (int i = 0; i < 4; i++) {
            const SegFast *f = &cpu->segfast[segs[i]];
            if (cpu->seg[segs[i]].base != 0 || f->lim != 0xffffffffLL) flat = false;
            if (segs[i] != S_CS && f->lim_w != 0xffffffffLL) flat = false;
        }
        if (flat) m |= TMODE_FLAT;
    }
    return m;
}

/* Instructions executed by helpers that must end the block: control
 * transfers and anything that changes how following code is translated
 * or when interrupts may arrive. */
static bool helper_ends_block(const Insn *in)
{
    switch (in->id) {
    case X86_INS_JMP: case X86_INS_CALL: case X86_INS_RET: case X86_INS_RETF:
    case X86_INS_LJMP: case X86_INS_LCALL: case X86_INS_IRET: case X86_INS_IRETD:
    case X86_INS_INT: case X86_INS_INT1: case X86_INS_INT3: case X86_INS_INTO:
    case X86_INS_LOOP: case X86_INS_LOOPE: case X86_INS_LOOPNE:
    case X86_INS_JCXZ: case X86_INS_JECXZ:
    case X86_INS_HLT: case X86_INS_STI: case X86_INS_CLI: case X86_INS_POPF: case X86_INS_POPFD:
    case X86_INS_LDS: case X86_INS_LES: case X86_INS_LSS: case X86_INS_LFS: case X86_INS_LGS:
    case X86_INS_LMSW: case X86_INS_CLTS: case X86_INS_LGDT: case X86_INS_LIDT:
    case X86_INS_LLDT: case X86_INS_LTR: case X86_INS_UD2: case X86_INS_BOUND:
    case X86_INS_SYSENTER: case X86_INS_SYSEXIT: case X86_INS_WRMSR: case X86_INS_INVLPG:
    case X86_INS_SAHF: /* not needed, but keeps flag state simple */
        return true;
    case X86_INS_MOV:
    case X86_INS_POP:
        return in->op[0].kind == OPK_SREG || in->op[0].kind == OPK_CREG || in->op[0].kind == OPK_DREG;
    case X86_INS_JO: case X86_INS_JNO: case X86_INS_JB: case X86_INS_JAE:
    case X86_INS_JE: case X86_INS_JNE: case X86_INS_JBE: case X86_INS_JA:
    case X86_INS_JS: case X86_INS_JNS: case X86_INS_JP: case X86_INS_JNP:
    case X86_INS_JL: case X86_INS_JGE: case X86_INS_JLE: case X86_INS_JG:
        return true;
    default:
        return false;
    }
}

/* An inlined conditional near branch (two direct exits). */
static bool is_inline_jcc(const Insn *in, bool inl)
{
    if (!inl) return false;
    const CGInline *d = cg_inline_lookup(in);
    return d && (d->attr & CGI_BRANCH) && (d->attr & CGI_COND);
}

bool cg_ends_block(const Insn *in, bool inl)
{
    if (inl) {
        const CGInline *d = cg_inline_lookup(in);
        if (d && (d->attr & CGI_BRANCH)) return true;
    }
    return helper_ends_block(in);
}

/* ---- translation ---- */

/* Fetch and decode one instruction at lin. Returns 0 on success, -1 if
 * its bytes cannot be fetched (page not present: the caller ends the block
 * before it, or raises the fault if it is the first), -2 if the bytes do
 * not decode (the helper for id 0 raises #UD when it runs). */
static int fetch_insn(CPU *cpu, uint32_t lin, uint32_t eip, bool code32, Insn *out,
                      bool *crosses)
{
    uint8_t buf[16];
    uint32_t phys;
    int n = lin_fetch_try(cpu, lin, buf, 15, &phys);
    if (n < 0) return -1;
    *crosses = false;
    if (n < 15) {
        /* The next page is looked at without side effects first: only an
         * instruction that really crosses into it uses its translation
         * (accessed bit, fetch TLB), so what a block leaves in guest
         * memory does not depend on whether it was translated before
         * (found by tests/fuzz: the PTE of the next page got A set). */
        uint32_t p2, lin2 = lin + (uint32_t)n;
        const uint8_t *h = NULL;
        if (lin_peek(cpu, lin2, cpu_cpl(cpu) == 3, &p2)) h = mem_page_ptr(cpu->mem, p2 & PAGE_MASK, false);
        if (h) {
            memcpy(buf + n, h + (p2 & 0xfff), (size_t)(15 - n));
            if (decode_insn(buf, 15, eip, code32, out) && (lin & 0xfff) + out->len <= PAGE_SIZE) {
                *crosses = false;
                return 0;
            }
        }
        int m = lin_fetch_try(cpu, lin2, buf + n, 15 - n, &p2);
        if (m > 0) n += m;
    }
    if (!decode_insn(buf, (size_t)n, eip, code32, out)) return -2;
    *crosses = ((lin & 0xfff) + out->len) > PAGE_SIZE;
    return 0;
}

uint8_t *cg_emit_entry_check(Gen *g)
{
    CodeBuf *cb = &g->cb;
    TCache *tc = g->tc;
    TB *tb = g->tb;
    /* Entry: the block runs only if all of it fits before the deadline
     * (interrupts, timers, exit requests): icount + n <= deadline; then it
     * counts all n instructions at once (a side exit gives back the ones
     * it skipped, cg_emit_side_tail). The run loop sets the deadline so
     * that the first block it enters fits (dbt.c). Flags are in
     * DbtCPU.aflags here, so ADD and CMP are free. */
    x_mov_rm(cb, 8, HRAX, hmem(HRBP, CG_OFF_ICOUNT));
    x_alu_ri(cb, ALU_ADD, 8, HRAX, (uint32_t)tb->n_insns);
    x_alu_rm(cb, ALU_CMP, 8, HRAX, hmem(HRBP, CG_OFF_DEADLINE));
    uint8_t *jdead = x_jcc_rel32(cb, 7 /* ja */, NULL);
    x_mov_mr(cb, 8, hmem(HRBP, CG_OFF_ICOUNT), HRAX);
    g->counted = tb->n_insns;
    if (tc->count_execs) {
        /* info tb's execution count, chained entries included: one
         * memory increment per entry (7 bytes), only while a debugger
         * front end is attached (RAX and the flags are free here). */
        uint64_t *ctr = &tc->execs[tb - tc->tbs];
        if (!x_inc64_rip(cb, ctr)) {
            x_mov_ri64(cb, HRAX, (uint64_t)(uintptr_t)ctr);
            x_inc_m(cb, 8, hmem(HRAX, 0));
        }
    }

    return jdead;
}

TB *cg_translate(TCache *tc, const CGRuntime *rt, CPU *cpu, uint32_t mode)
{
    static Insn tmp[TB_MAX_INSNS];
    bool code32 = mode & TMODE_CODE32;
    bool inl = mode & TMODE_INLINE;
    uint32_t cs_base = cpu->seg[S_CS].base;
    uint32_t eip = cpu->eip;
    uint32_t lin0 = cs_base + eip;
    uint32_t phys0 = lin_to_phys(cpu, lin0, false);   /* raises #PF for the fetch */

    /* Decode the block. */
    int n = 0;
    uint32_t cur = eip;
    bool undecodable = false;
    uint32_t last_end_lin = lin0;
    int max_insns = (mode & TMODE_ONE) ? 1 : TB_MAX_INSNS;
    int nside = 0;   /* side-exit Jccs so far (cg_exit.c) */
    int bounds[CG_MAX_BOUNDS], nb = 0;   /* inner boundaries (cg_emit_boundary) */
    uint32_t lin_lo = lin0, lin_hi = lin0;   /* followed JMPs may go backwards */
    while (n < max_insns) {
        uint32_t lin = cs_base + cur;
        if (n > 0 && (lin & PAGE_MASK) != (lin0 & PAGE_MASK)) break;
        if (n > 0 && tc->n_bp && tc_is_bp(tc, lin)) break;   /* a debugger breakpoint */
        Insn *in = &tmp[n];
        bool crosses = false;
        int fr = fetch_insn(cpu, lin, cur, code32, in, &crosses);
        if (fr == -1) {
            if (n > 0) break;
            uint8_t b;
            uint32_t p;
            lin_fetch(cpu, lin, &b, 1, &p);   /* raises the fetch's #PF */
            break;
        }
        /* With paging, an instruction that crosses into the next page ends
         * up alone in its block, so the block's second page is checked on
         * every lookup (engine.c) instead of being trusted through chains. */
        if (fr == 0 && crosses && (mode & TMODE_PG) && n > 0) break;
        if (fr != 0) {
            /* An invalid opcode: a one-"instruction" block whose helper
             * (no table entry) raises #UD at the right EIP. */
            memset(in, 0, sizeof *in);
            in->id = 0;
            in->len = 1;
            in->eip = cur;
            in->next_eip = cur + 1;
            in->opsize = code32 ? 4 : 2;
            in->addrsize = in->opsize;
            undecodable = true;
            n++;
            last_end_lin = lin + 1;
            break;
        }
        if (branch_needs_limit_check(in, mode)) in->flags |= INSN_NOINLINE;
        /* Up to CG_MAX_SIDE inlined Jccs may sit inside a block as side
         * exits (slots 0.., cg_exit.c): the block then spans what were
         * several blocks, and ends where the last did. */
        /* A JMP rel forward on the same page may be followed: the block
         * goes on at its target (a boundary too, without an exit). */
        bool jcc = is_inline_jcc(in, inl);
        bool room = !(mode & (TMODE_ONE | TMODE_NOSIDE)) && n + 1 < max_insns && !crosses && nb < CG_MAX_BOUNDS;
        bool jmpf = false;
        if (room && inl && in->id == X86_INS_JMP && in->op[0].kind == OPK_IMM && cg_inline_lookup(in)) {
            uint32_t tl = cs_base + in->op[0].imm;
            jmpf = (tl & PAGE_MASK) == (lin0 & PAGE_MASK);
            for (int k = 0; k <= n && jmpf; k++)   /* no code twice (nor the start) */
                if (tmp[k].eip == in->op[0].imm) jmpf = false;
        }
        n++;
        last_end_lin = lin + in->len;
        if (lin < lin_lo) lin_lo = lin;
        if (last_end_lin > lin_hi) lin_hi = last_end_lin;
        cur = in->next_eip;
        /* A Jcc back to the block's start ends it: a self-loop (cg_loop.c). */
        if (jcc && nside < CG_MAX_SIDE && room && in->op[0].imm != eip) {
            nside++;
            bounds[nb++] = n - 1;
            continue;
        }
        if (jmpf) {
            bounds[nb++] = n - 1;
            cur = in->op[0].imm;
            continue;
        }
        if (cg_ends_block(in, inl) || (crosses && (mode & TMODE_PG))) break;
    }
    (void)undecodable;
    if (nb > 0 && bounds[nb - 1] == n - 1) nb--;   /* the branch ended the block after all */
    if (nb > 0 && n == max_insns && !cg_ends_block(&tmp[n - 1], inl)) {
        /* Cut by the length limit, the last part would end elsewhere than
         * the block that starts at the last boundary: the instruction
         * counts C code sees (helpers, faults, RDTSC) must be those of
         * that block, so the block ends at that boundary's branch. */
        int b = bounds[--nb];
        n = b + 1;
        cur = tmp[b].next_eip;
        last_end_lin = cs_base + tmp[b].eip + tmp[b].len;
        lin_lo = lin_hi = lin0;
        for (int k = 0; k < n; k++) {
            uint32_t l = cs_base + tmp[k].eip;
            if (l < lin_lo) lin_lo = l;
            if (l + tmp[k].len > lin_hi) lin_hi = l + tmp[k].len;
        }
    }
    if (lin_hi > last_end_lin) last_end_lin = lin_hi;

    TB *tb = tc_alloc(tc, n);
    if (!tb) return NULL;
    memcpy(tb->insns, tmp, sizeof(Insn) * (size_t)n);
    for (int i = 0, k = 0; i < n; i++) {   /* cg_helper's count correction */
        while (k < nb && bounds[k] < i) k++;
        tb->insns[i].icount_tail = (uint8_t)(k < nb ? n - (bounds[k] + 1) : 0);
    }
    tb->n_insns = (uint16_t)n;
    tb->n_bounds = (uint8_t)nb;
    tb->lin_pc = lin0;
    tb->cs_base = cs_base;
    tb->eip = eip;
    tb->mode = mode;
    tb->phys_pc = phys0;
    uint32_t last_byte_lin = last_end_lin - 1;
    if ((last_byte_lin & PAGE_MASK) != (lin0 & PAGE_MASK)) {
        tb->phys_end = (phys0 & PAGE_MASK) + PAGE_SIZE;
        tb->phys_page2 = lin_to_phys(cpu, last_byte_lin, false) & PAGE_MASK;
        tb->phys2_end = lin_to_phys(cpu, last_byte_lin, false) + 1;
    } else {
        tb->phys_end = phys0 + (last_end_lin - lin0);
    }

    static Gen gs;
    Gen *g = &gs;
    memset(g, 0, sizeof *g);
    g->cpu = cpu;
    g->tc = tc;
    g->rt = rt;
    g->tb = tb;
    g->mode = mode;
    g->code32 = code32;
    g->ss32 = mode & TMODE_SS32;
    g->flat = mode & TMODE_FLAT;
    g->floc = FL_MEM;
    rc_reset(&g->rc);
    size_t space = tc_space(tc);
    if (space < 4096) return NULL;
    cb_init(&g->cb, tc->buf_ptr, space);
    CodeBuf *cb = &g->cb;
    tb->code = cb->p;
    tb->phys_lo = tb->phys_pc;
    tb->phys_hi = tb->phys_end;
    if (lin_lo < lin0) tb->phys_lo = tb->phys_pc - (lin0 - lin_lo);   /* same page */
    /* Inline x87 runs (cg_x87.c); not in one-instruction blocks, whose
     * return to the run loop counts as a step even when a failed guard
     * left before the instruction. */
    if (inl && !(mode & (TMODE_X87H | TMODE_ONE))) cg_x87_plan(g, tb->insns, n);
    /* All six flags live out: the next block's entry may leave translated
     * code (deadline) and an interrupt delivered there pushes EFLAGS, which
     * on hardware is whole at every instruction boundary. A look-ahead over
     * the successor's code used to skip flags it overwrites; those were
     * stale in that frame (gfuzz "tmo-flags", issue 16). */
    cg_compute_liveness(g, tb->insns, n, inl, F_ARITH);

    g->nbound = nb;
    for (int k = 0; k < nb; k++) g->bcount[k] = bounds[k] + 1;
    g->bcount[nb] = n;
    cg_fwd_plan(g, tb->insns, n, inl);
    uint8_t *jdead = cg_emit_entry_check(g);
    tb->self_loop = cg_loop_plan(g, tb->insns, n);
    cg_frame_plan(g, tb->insns, n);
    if (g->nfp && g->nfwd) cg_fwd_drop_skips(g, n);
    cg_frame_setup(g);
    if (tb->self_loop) cg_loop_top(g);
    /* r8-r11 that no window holds cache guest registers too, where the
     * C calls that return into the block keep them (not x87 runs). */
    g->hi_regs = g->nfp > 0;
    if (inl && !(mode & TMODE_ONE)) {
        bool x87 = false;
        for (int i = 0; i < n; i++) x87 |= (g->x87[i] & CGX_FAST) != 0;
        if (!x87) {
            g->rc.nslots = (uint8_t)(NCACHE_SAVED + CG_MAX_FRAMES - g->nfp);
            g->hi_regs = true;
        }
    }

    bool ended = false;
    for (int i = 0; i < n; i++) {
        const Insn *in = &tb->insns[i];
        if (g->nfwd) cg_fwd_target(g, i);
        tb->host_off[i] = (uint32_t)(cb->p - tb->code);
        Slow *s = &g->slow[g->nslow];
        memset(s, 0, sizeof *s);
        s->in = in;
        g->cur_slow = s;
        bool last = i == n - 1;
        const CGInline *d = inl ? cg_inline_lookup(in) : NULL;
        s->x87_live = g->x87_live;   /* a slow path inside an x87 run (cg_x87.c) */
        s->x87_fop = g->x87_fop;
        s->x87_fip = g->x87_fip;
        if (g->nfp) cg_frame_before_insn(g, i);
        if (g->x87[i] & CGX_FAST) {
            cg_x87_emit(g, i, in);
        } else if (d) {
            cg_emit_inline(g, i, in, d);
            if ((d->attr & CGI_BRANCH) && last) ended = true;
        } else {
            if (g->x87_live) abort();   /* cg_x87_plan ends every run before a helper */
            cg_fl_before(g, i, true, F_ARITH, 0);
            if (g->floc == FL_HOST) cg_fl_spill(g);
            rc_writeback_all(cb, &g->rc);
            cg_call_helper(g, in);
            rc_reset(&g->rc);   /* the helper may have changed any register */
            g->floc = FL_MEM;
            if (last && helper_ends_block(in)) {
                /* cg_helper stored the next EIP; no chaining across these. */
                x_alu_rr(cb, ALU_XOR, 4, HRAX, HRAX);
                x_jmp_rel32(cb, rt->epilogue);
                ended = true;
            }
        }
        tb->fl_after[i] = (uint16_t)((g->live_after[i] & F_ARITH) | (g->floc == FL_HOST ? TB_FL_HOST : 0));
        if (s->nj || s->nmiss || s->frame_jf) {
            s->rc_resume = g->rc;
            s->resume = cb->p;
            s->restore = g->floc == FL_HOST;
            g->nslow++;
        }
    }
    tb->host_off[n] = (uint32_t)(cb->p - tb->code);
    if (!ended) {
        cg_fl_exit(g, g->live_after[n - 1]);
        rc_writeback_all(cb, &g->rc);
        cg_emit_direct_exit(g, 0, cur, -1);
    }

    /* Out-of-line code: the side exit's tail, the self-loop's back edge,
     * exit stubs, slow paths, deadline exit. */
    cg_emit_side_tail(g);
    cg_fwd_emit_tail(g);
    if (g->loop.on) cg_loop_emit_tail(g);
    for (int s = 0; s < TB_NEXITS_DIRECT; s++) {
        TBExit *e = &tb->exit[s];
        if (!e->jmp_field) continue;
        e->stub = cg_emit_exit_stub(g, s, e->target_eip);
        x_patch_rel32(e->jmp_field, e->stub);
    }
    g->save_frames = true;   /* these paths return into the block */
    for (int k = 0; k < g->nslow; k++) {
        Slow *s = &g->slow[k];
        uint8_t *full = cb->p;
        for (int j = 0; j < s->nj; j++) x_patch_rel32(s->jf[j], cb->p);
        rc_writeback_snapshot(cb, &s->rc_jump);
        if (s->x87_live) cg_x87_slow_leave(g, s);
        cg_call_helper(g, s->in);
        if (s->x87_live) cg_x87_slow_reenter(g);
        rc_reload_all(cb, &s->rc_resume);
        if (s->restore) {
            g->floc = FL_MEM;
            cg_fl_load(g);
        }
        x_jmp_rel32(cb, s->resume);
        if (s->frame_jf) cg_frame_emit_ool(g, s);
        for (int m = 0; m < s->nmiss; m++) cg_emit_tlb_miss(g, s, m, full);
    }
    g->save_frames = false;
    cg_x87_emit_fails(g);
    uint8_t *dead = cb->p;
    x_patch_rel32(jdead, dead);
    x_mov_mi(cb, 4, hmem(HRBP, CG_OFF_EIP), eip);
    uint8_t *nochain = cb->p;
    x_alu_rr(cb, ALU_XOR, 4, HRAX, HRAX);
    x_jmp_rel32(cb, rt->epilogue);
    for (int k = 0; k < g->n_nochain; k++) x_patch_rel32(g->jf_nochain[k], nochain);

    if (cb->overflow) return NULL;
    tb->code_size = (uint32_t)(cb->p - tb->code);
    tc->buf_ptr = (uint8_t *)(((uintptr_t)cb->p + 63) & ~(uintptr_t)63);
    tc_insert(tc, tb);
    return tb;
}
