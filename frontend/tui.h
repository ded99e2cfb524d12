/* tui.h - the full-screen debugger (-debugger tui, monitor `tui`): an
 * ncurses view of the machine with panes for the guest disassembly around
 * the current instruction, the translated host code of the current block
 * (the monitor's `info tb`: each guest instruction with its host code),
 * registers (changed ones highlighted), the stack and a memory view.
 * It is the interactive form of the monitor: every action is a monitor
 * command (monitor_command: step, stepb, cont, stop, break, info tb), and
 * the views are read on the vCPU thread through machine_request and
 * cpu/peek.c (no side effects).
 *
 * Keys: s step an instruction, b step a block, c continue, p stop,
 * Up/Down move the cursor, k break at the cursor, v toggle the guest/host
 * view, f follow the block's chained exit (again: the next one), m set the
 * memory view's address, o the raw serial console (Ctrl-A c comes back),
 * q quit. */
#ifndef XLAT86_TUI_H
#define XLAT86_TUI_H

#include <stdbool.h>
#include <stddef.h>

#include "machine.h"

typedef struct Tui Tui;

/* -debugger tui: the TUI on its own thread owns the terminal; a stdio
 * serial port reads through it (the `o` key). q quits the emulator. */
Tui *tui_open(Machine *m, char *err, size_t errlen);
void tui_close(Tui *t);

/* The monitor's `tui` on a terminal monitor: runs on the calling thread
 * until q, then the monitor prompt comes back. */
void tui_run_from_monitor(Machine *m);

#endif
