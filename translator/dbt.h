/* dbt.h - the translator as an engine (cpu/engine.h): `-accel dbt`.
 *
 * dbt_create() builds a CPU context on a board, connects it (memory, ports,
 * interrupt acknowledge) and attaches the engine to the board. Its run()
 * translates blocks on demand, chains them, and delivers interrupts and
 * exceptions at block boundaries; it returns to the machine loop for time,
 * halts and board requests.
 */
#ifndef XLAT86_DBT_H
#define XLAT86_DBT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/engine.h"

struct PC;

typedef struct DbtConfig {
    bool inline_code;     /* -accel dbt (true) or dbt,inline=off (false) */
    size_t code_buffer;   /* bytes of host code buffer (0 = default) */
} DbtConfig;

/* The translator's per-vCPU struct. Generated code addresses it through a
 * host base register that points at `cpu` (the CPU context: architectural
 * state and the C semantics' context), which helpers receive as their CPU
 * pointer; what only translated code uses sits just before it, so that
 * these hot fields and the first fields of CPUState (registers, EIP,
 * EFLAGS, segments) all have 8-bit displacements. */
typedef struct DbtCPU {
    /* While translated code runs, the six status flags live in host EFLAGS
     * or here, in the form LAHF/SETO leave them: byte 0 = OF (0/1), byte 1
     * = SF:ZF:0:AF:0:PF:1:CF. The run loop converts at every switch
     * between C and generated code (cpu_pack_aflags()). */
    uint16_t aflags;
    /* Set at the entry of a block with inner boundaries (a side exit's
     * fall-through, a followed JMP: cg_exit.c), one byte per boundary,
     * when the deadline falls at or before it: the block stops there,
     * where a block boundary was before. */
    uint8_t side_stop[4];
    /* Every block adds its length to cpu.icount and leaves to the run
     * loop when icount >= deadline; a kick sets it to 0. Right before
     * cpu.icount: one cache line for both. */
    volatile uint64_t deadline;
    CPU cpu;
    /* XLAT86_STATS=1: counters bumped by generated code, emitted only when
     * the variable was set at translation time (translator/dbt_stats.h). */
    uint64_t gstat[6];
    /* Inline x87 runs (translator/cg_x87.c): the guest state as the
     * 108-byte FRSTOR/FNSAVE image while a run has it in the host x87,
     * and the host control word to put back when the run ends. */
    uint8_t x87img[108];
    uint16_t x87_host_cw;
    /* Set by a run whose guard failed: dispatches are TMODE_X87H until the
     * run loop finds the guard true again (cg_x87_guard). */
    uint8_t x87_fallback;
    /* The guest x87 state is in the host x87 (x87img is stale): C code
     * that is not cg_x87.c's calls cg_x87_flush() first. */
    uint8_t x87_loaded;
} DbtCPU;

/* The DbtCPU around a CPU context that the translator created. */
static inline DbtCPU *dbt_cpu_of(CPU *cpu)
{
    return (DbtCPU *)(void *)((char *)cpu - offsetof(DbtCPU, cpu));
}

/* NULL with a one-line reason in err when memory runs out. The CPU is in
 * its reset state. */
Engine *dbt_create(struct PC *pc, const DbtConfig *cfg, char *err, size_t errlen);
/* The CPU context the engine runs (harnesses and tests read it). */
CPU *dbt_cpu(Engine *e);

#endif
