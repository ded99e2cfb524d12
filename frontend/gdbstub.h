/* gdbstub.h - the GDB remote serial protocol stub (-s, -gdb SPEC).
 *
 * One client at a time on a TCP or unix socket; the stub's own thread
 * reads packets and carries every command that looks at or changes the
 * machine out on the vCPU thread through machine_request (the debugger of
 * frontend/debugger.c underneath: breakpoints and watchpoints are the
 * debugger's, not the guest's DR0-DR7). Addresses are linear, as in QEMU.
 * The target description (qXfer:features:read) is i386 without SSE:
 * general registers, EFLAGS, segment selectors, x87 registers and
 * control words. See docs/DEBUGGER.md. */
#ifndef XLAT86_GDBSTUB_H
#define XLAT86_GDBSTUB_H

#include <stdbool.h>
#include <stddef.h>

#include "machine.h"

typedef struct GdbStub GdbStub;

typedef struct GdbSpec {
    bool unix_socket;
    char host[64];       /* tcp: "" = all interfaces */
    int port;
    char path[108];
} GdbSpec;

/* tcp::PORT, tcp:HOST:PORT, unix:PATH[,server[,nowait]] (QEMU's forms). Pure;
 * out may be NULL. False with a one-line reason. */
bool gdbstub_parse_spec(const char *spec, GdbSpec *out, char *err, size_t errlen);
/* Listen and start the stub's thread. NULL with a reason in err. */
GdbStub *gdbstub_open(const char *spec, Machine *m, char *err, size_t errlen);
/* After machine_run returned, on its thread. NULL is fine. */
void gdbstub_close(GdbStub *g);

#endif
