/* task.h - hardware task switching (SDM vol. 3, chapter 7 "Task
 * Management"): JMP/CALL to a TSS descriptor or task gate, INT n and
 * exceptions through an IDT task gate, IRET with EFLAGS.NT.
 */
#ifndef XLAT86_TASK_H
#define XLAT86_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"

/* Why the task switch happens: it decides the busy bits, NT and the
 * previous-task link (SDM vol. 3, 7.3, table 7-2). */
enum { TS_JMP, TS_CALL, TS_IRET, TS_INT };

/* Switch to the task whose TSS selector is `sel`. The caller has done the
 * privilege checks of the gate or TSS descriptor it came through; this
 * checks the TSS descriptor (GDT, type, busy, present, limit), saves the
 * current task (EIP = ret_eip) and loads the new one. Faults before the
 * commit point leave everything unchanged (#GP/#TS/#NP with sel + ext);
 * faults while loading the new task's segments are raised in the new
 * task's context. With has_err, `err` is pushed on the new task's stack
 * (exception through a task gate). Ends the translated block. */
void task_switch(CPU *cpu, uint16_t sel, int reason, uint32_t ret_eip, bool has_err,
                 uint32_t err, uint32_t ext);

#endif
