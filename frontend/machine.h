/* machine.h - the machine loop: one board, one engine, the virtual clock.
 *
 * The loop above the engines (cpu/engine.h). It runs the engine in
 * slices of guest instructions, fires device timers between slices (with
 * -icount a slice ends exactly at the next timer), sleeps while the CPU is
 * halted (warping virtual time with -icount), carries out the board's
 * requests (reset, power-off, exit port) and the monitor's commands, and
 * reloads a -kernel guest after each reset. It runs on the vCPU thread;
 * other threads (the monitor) reach it only through machine_request().
 */
#ifndef XLAT86_MACHINE_H
#define XLAT86_MACHINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/engine.h"
#include "cpu/state.h"
#include "devices/pc.h"

struct Monitor;

typedef struct Machine Machine;

/* A firmware-less boot (-kernel): load the guest into cleared RAM and set
 * up *st (the CPU's reset state on entry) as the boot protocol wants.
 * Returns false after printing why it failed. */
typedef bool (*MachineBootFn)(void *opaque, PC *pc, CPUState *st);

/* Work that another thread hands to the vCPU thread: fn runs there
 * between two engine slices (the engine stopped), then the requester is
 * woken. */
typedef struct MachineRequest {
    void (*fn)(Machine *m, void *arg);
    void *arg;
    bool done;
    bool ran;                  /* fn was called (not dropped by machine_finish) */
    struct MachineRequest *next;
} MachineRequest;

struct Machine {
    PC *pc;
    Engine *engine;
    MachineBootFn boot;
    void *boot_opaque;
    bool paused;               /* monitor `stop` (or -S) */
    bool quit;                 /* monitor `quit` */
    int quit_status;
    uint64_t boots;            /* machine resets carried out */
    /* Cross-thread requests (machine_request). */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    MachineRequest *requests;
    volatile int pending;      /* requests queued: the loop looks at its next slice */
    int wake_fd[2];            /* a pipe that wakes a halted or paused loop */
    bool finished;             /* machine_finish: requests are refused */
    /* The debugger (frontend/debugger.c): called on STOP_BREAKPOINT and
     * STOP_WATCHPOINT; true pauses the machine, false runs on. */
    bool (*debug_stop)(Machine *m, EngineStop why, void *opaque);
    void *debug_opaque;
    struct Debugger *dbg;      /* the debugger (dbg_create), NULL before */
};

/* Bind a board and an engine (the engine is already attached to the
 * board). Returns false if the wake-up pipe cannot be made. */
bool machine_init(Machine *m, PC *pc, Engine *e);
void machine_free(Machine *m);
/* -kernel: the boot that replaces firmware, after every machine reset. */
void machine_set_boot(Machine *m, MachineBootFn fn, void *opaque);
/* Reset the devices and the CPU, then the firmware-less boot if any.
 * Returns false if that boot failed. */
bool machine_reset(Machine *m);
/* Run until the machine stops; returns the process exit status. */
int machine_run(Machine *m);

/* From any thread: run fn on the vCPU thread between two engine slices
 * and wait for it. Must not be called on the vCPU thread itself. Returns
 * false, without running fn, once machine_finish was called. */
bool machine_request(Machine *m, void (*fn)(Machine *m, void *arg), void *arg);
/* After machine_run returned, on its thread: drop the requests still
 * queued (their machine_request returns false) and refuse new ones, so
 * that a thread waiting in machine_request (the monitor) can be joined. */
void machine_finish(Machine *m);

/* ---- used by the monitor, on the vCPU thread (inside a request) ---- */
void machine_stop(Machine *m);
void machine_cont(Machine *m);
void machine_quit(Machine *m, int status);
/* Saved machine states (frontend/savevm.c): the CPU's architectural
 * state, RAM and every registered device. False with a one-line reason. */
bool machine_savevm(Machine *m, const char *path, char *err, size_t errlen);
bool machine_loadvm(Machine *m, const char *path, char *err, size_t errlen);

#endif
