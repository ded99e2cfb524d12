/* cg_flags.c - the guest status flags in generated code.
 *
 * Between a producing and a consuming instruction the six status flags
 * live in host EFLAGS (g->floc == FL_HOST); a sequence that clobbers host
 * flags, a helper call or a block exit moves them to DbtCPU.aflags (LAHF/SETO
 * form, FL_MEM) when a later reader still needs them. Which flags are live
 * after each instruction comes from a backward pass over the block, with
 * the flag effect of each instruction as the mode translates it: inlined
 * forms per the descriptor table (cg_inline.c), helpers read all six (they
 * see canonical EFLAGS) and kill none. All six are live out of every
 * block: execution may leave translated code at the next block's entry
 * (deadline: an interrupt, the instruction budget, a debugger stop), where
 * EFLAGS must be whole, as on hardware at any instruction boundary.
 */
#include "cg_internal.h"
#include "dbt_stats.h"

uint32_t cg_cond_flags(int cc)
{
    switch (cc >> 1) {
    case 0: return F_OF;
    case 1: return F_CF;
    case 2: return F_ZF;
    case 3: return F_CF | F_ZF;
    case 4: return F_SF;
    case 5: return F_PF;
    case 6: return F_SF | F_OF;
    default: return F_SF | F_OF | F_ZF;
    }
}

void cg_fl_spill(Gen *g)
{
    if (g->floc == FL_HOST) {
        x_lahf(&g->cb);
        uint8_t seto[3] = {0x0f, 0x90, 0xc0};  /* seto al */
        for (int i = 0; i < 3; i++) cb_byte(&g->cb, seto[i]);
        x_mov_mr(&g->cb, 2, hmem(HRBP, CG_OFF_AFLAGS), HRAX);
        if (dbt_stats_on) {
            dbt_stats.spills_emitted++;
            dbt_stats_emit_inc(g, GST_SPILL);
        }
    }
    g->floc = FL_MEM;
}

void cg_fl_exit(Gen *g, uint32_t live)
{
    if (live & F_ARITH) cg_fl_spill(g);
    g->floc = FL_MEM;
}

void cg_fl_load(Gen *g)
{
    if (g->floc == FL_MEM) {
        x_movzx_rm(&g->cb, HRAX, 2, hmem(HRBP, CG_OFF_AFLAGS));
        x_alu_ri(&g->cb, ALU_ADD, 1, HRAX, 0x7f);   /* OF = (AL == 1) */
        x_sahf(&g->cb);
    }
    g->floc = FL_HOST;
}

void cg_fl_before(Gen *g, int i, bool clob, uint32_t fr, uint32_t fw)
{
    uint32_t need = (g->live_after[i] & ~fw) | fr;
    if (clob && g->floc == FL_HOST) {
        if (need) cg_fl_spill(g);
        else g->floc = FL_MEM;
    }
}

void cg_fl_prepare_op(Gen *g, int i, uint32_t fr, uint32_t fw)
{
    uint32_t keep = g->live_after[i] & ~fw & F_ARITH;
    if (fr || (fw && keep)) cg_fl_load(g);
    if (fw) g->floc = FL_HOST;
}

/* ---- liveness ---- */

/* Flags an instruction reads and kills, as the translation of this mode
 * will treat it: helpers read all six (they see canonical EFLAGS). */
static void flag_effect(const Insn *in, bool inl, uint32_t *fr, uint32_t *fw)
{
    const CGInline *d = inl ? cg_inline_lookup(in) : NULL;
    if (d) {
        cg_inline_flags(d, in, fr, fw);
        /* A fault exposes every flag in the exception frame. */
        if (cg_inline_may_fault(d, in)) *fr |= F_ARITH;
    } else {
        *fr = F_ARITH;
        *fw = 0;
    }
}

void cg_compute_liveness(Gen *g, const Insn *insns, int n, bool inl, uint32_t live_out)
{
    uint32_t live = live_out;
    for (int i = n - 1; i >= 0; i--) {
        g->live_after[i] = live;
        uint32_t fr, fw;
        flag_effect(&insns[i], inl, &fr, &fw);
        live = (live & ~fw) | fr;
    }
}

