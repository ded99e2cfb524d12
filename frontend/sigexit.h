/* sigexit.h - end the run cleanly on SIGINT, SIGTERM and SIGHUP.
 *
 * The handler only records the signal, asks the machine loop to quit
 * (status 128 + signal number, as a shell reports a process killed by it)
 * and kicks the engine, so the loop returns at the next block boundary and
 * main() closes and flushes the -D log and the character devices as on any
 * other exit. A second signal of the same kind kills the process the
 * default way (SA_RESETHAND), should the loop be stuck. */
#ifndef XLAT86_SIGEXIT_H
#define XLAT86_SIGEXIT_H

#include "machine.h"

void sigexit_install(Machine *m);
/* Back to the default actions (before the machine is torn down). */
void sigexit_detach(void);
/* The signal that ended the run, or 0. */
int sigexit_signal(void);

#endif
