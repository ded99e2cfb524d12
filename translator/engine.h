/* engine.h - running the guest CPU: the translator's run loop.
 *
 * engine_run() executes the guest until the machine asks to stop (exit
 * port, triple fault with -no-reboot, the user quitting) and returns the
 * process exit status. It translates blocks on demand, delivers interrupts
 * and exceptions at block boundaries, sleeps while the guest is halted and
 * fires device timers.
 */
#ifndef XLAT86_ENGINE_H
#define XLAT86_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

struct PC;
struct CPU;

typedef struct EngineConfig {
    bool inline_code;     /* -accel dbt (true) or dbt,inline=off (false) */
    size_t code_buffer;   /* bytes of host code buffer (0 = default) */
    bool stop_on_halt;    /* return from engine_exec when the CPU executes HLT
                             (test harnesses: run a snippet, then inspect) */
    bool no_reset;        /* engine_create leaves the CPU state as it is */
} EngineConfig;

typedef struct Engine Engine;

/* Whole run: create, reset the CPU, execute until the machine stops,
 * destroy. Returns the process exit status. */
int engine_run(struct PC *pc, struct CPU *cpu, const EngineConfig *cfg);

/* The same in pieces, for harnesses that run many snippets on one engine. */
Engine *engine_create(struct PC *pc, struct CPU *cpu, const EngineConfig *cfg);
/* Run until exit (returns the exit status) or, with stop_on_halt, until
 * HLT (returns -1; cpu->halted is set, EIP is after the HLT). */
int engine_exec(Engine *e);
void engine_destroy(Engine *e);

#endif
