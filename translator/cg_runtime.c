/* cg_runtime.c - the routines every block shares and the helper bridge.
 *
 * enter(cpu, code) saves the host's callee-saved registers, aligns the
 * stack for C calls, sets rbp = cpu and jumps into a block; blocks leave
 * through the epilogue with rax = 0 (back to the run loop) or TB | slot
 * (an exit the run loop may chain). Instructions that are not inlined call
 * cg_helper, which runs the C reference semantics on canonical EFLAGS.
 */
#include "cg_internal.h"
#include "dbt_stats.h"

#include "cpu/ops.h"

/* ---- runtime: enter/exit ---- */

size_t cg_init_runtime(TCache *tc, CGRuntime *rt)
{
    CodeBuf cb;
    cb_init(&cb, tc->buf, 256);
    /* enter(cpu=rdi, code=rsi): save callee-saved registers, align the
     * stack to 16 for helper calls, rbp = cpu, jump into the block. */
    uint8_t *enter = cb.p;
    x_push_r(&cb, HRBP);
    x_push_r(&cb, HRBX);
    x_push_r(&cb, HR12);
    x_push_r(&cb, HR13);
    x_push_r(&cb, HR14);
    x_push_r(&cb, HR15);
    x_alu_ri(&cb, ALU_SUB, 8, HRSP, 8);
    x_mov_rr(&cb, 8, HRBP, HRDI);
    x_jmp_r(&cb, HRSI);
    rt->epilogue = cb.p;
    x_alu_ri(&cb, ALU_ADD, 8, HRSP, 8);
    x_pop_r(&cb, HR15);
    x_pop_r(&cb, HR14);
    x_pop_r(&cb, HR13);
    x_pop_r(&cb, HR12);
    x_pop_r(&cb, HRBX);
    x_pop_r(&cb, HRBP);
    x_ret(&cb);
    rt->enter = (uint64_t (*)(CPU *, const uint8_t *))(void *)enter;
    size_t used = (size_t)(cb.p - cb.start);
    used = (used + 63) & ~(size_t)63;
    return used;
}

/* ---- helper call from generated code ---- */

int cg_helper(CPU *cpu, const Insn *in)
{
    if (dbt_cpu_of(cpu)->x87_loaded) cg_x87_flush(cpu);   /* cg_x87.c */
    cpu->eflags = cpu_unpack_aflags(cpu->eflags, dbt_cpu_of(cpu)->aflags);
    cpu->eip = in->eip;
    if (dbt_stats_on) {
        dbt_stats.helpers++;
        dbt_stats.helper_by_id[in->id % DBT_STATS_IDS]++;
    }
    /* The block's entry counted all its instructions; C code (RDTSC with
     * -icount, devices, a fault) sees the count the block that began at
     * this instruction's part would have made (up to the next side exit
     * or followed JMP), as without them and as inline=off; the rest is
     * added back if the block goes on. */
    cpu->icount -= in->icount_tail;
    int r = ops_exec(cpu, in);
    if (r == OPR_NEXT) {
        cpu->eip = in->next_eip;
        /* Leave the block after a code write that hit it, or when the
         * instruction made an interrupt deliverable (OUT to the PIC, ...):
         * the run loop takes it before the next instruction. */
        if (cpu->stop_block || (cpu->irq_line && (cpu->eflags & F_IF))) r = OPR_JUMP;
    }
    if (r == OPR_NEXT) cpu->icount += in->icount_tail;
    dbt_cpu_of(cpu)->aflags = cpu_pack_aflags(cpu->eflags);
    return r;
}

void cg_call_helper(Gen *g, const Insn *in)
{
    if (g->save_frames) cg_frame_save(g);   /* cg_frame.c: r8..r11 */
    x_mov_rr(&g->cb, 8, HRDI, HRBP);
    x_mov_ri64(&g->cb, HRSI, (uint64_t)(uintptr_t)in);
    x_mov_ri64(&g->cb, HRAX, (uint64_t)(uintptr_t)cg_helper);
    x_call_r(&g->cb, HRAX);
    if (g->save_frames) cg_frame_restore(g);
    x_test_rr(&g->cb, 4, HRAX, HRAX);
    g->jf_nochain[g->n_nochain++] = x_jcc_rel32(&g->cb, 5 /* jnz */, NULL);
}
