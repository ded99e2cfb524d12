/* mux.h - the terminal shared by the serial console and the monitor
 * (QEMU's mux chardev): `-serial stdio -monitor stdio`, `-serial
 * mon:stdio`. A thread owns stdin: bytes go to the guest's stdio backend
 * (through a pipe, chardev_set_input_fd) or to the monitor (a line at a
 * time, echoed, with backspace); Ctrl-A c switches between them, Ctrl-A
 * Ctrl-A sends Ctrl-A to whichever has the terminal, other Ctrl-A keys are
 * the chardev's escapes (x, h, n). The guest has the terminal first; the
 * first switch prints the monitor's banner. */
#ifndef XLAT86_MUX_H
#define XLAT86_MUX_H

#include <stddef.h>

#include "machine.h"

typedef struct Mux Mux;

/* Call before the machine runs. NULL with a reason in err on failure. */
Mux *mux_open(Machine *m, char *err, size_t errlen);
/* After machine_run: stops the monitor and the thread. NULL is fine. */
void mux_close(Mux *x);

#endif
