/* monitor.h - the human monitor: QEMU's HMP command syntax on stdio or on
 * a unix socket, so that scripts written for QEMU's -monitor work.
 *
 * The monitor has its own thread. It reads command lines (from stdin, or
 * from one socket client at a time: the next one after a disconnect),
 * and carries each command out on the vCPU thread through
 * machine_request(), so commands see the machine between two engine
 * slices and need no locking. Replies use QEMU's text (and its "\r\n"
 * line ends): the banner, the "(qemu) " prompt, `info registers` in
 * QEMU's i386 layout, "unknown command: 'foo'". See docs/MONITOR.md.
 */
#ifndef XLAT86_MONITOR_H
#define XLAT86_MONITOR_H

#include <stdbool.h>
#include <stddef.h>

#include "machine.h"

#define MONITOR_BANNER "QEMU 7.2.0 monitor - type 'help' for more information"
#define MONITOR_PROMPT "(qemu) "

typedef struct Monitor Monitor;

typedef enum MonitorKind { MONITOR_NONE, MONITOR_STDIO, MONITOR_UNIX } MonitorKind;

typedef struct MonitorSpec {
    MonitorKind kind;
    char path[108];   /* MONITOR_UNIX: the socket (sun_path's size) */
    bool wait;        /* MONITOR_UNIX: wait for a client before running */
} MonitorSpec;

/* Parse a -monitor SPEC: "none", "stdio", "unix:PATH,server[,nowait]" or
 * "unix:PATH,server=on[,wait=on|off]" (without nowait/wait=off, QEMU's
 * default: wait for the first client). Pure (no files touched). False
 * with a one-line reason (without the "-monitor SPEC: " prefix). */
bool monitor_parse_spec(const char *spec, MonitorSpec *out, char *err, size_t errlen);

/* Start the monitor described by spec on machine m (from the thread that
 * will run machine_run). NULL for "none" (err empty) and on failure (err
 * holds a one-line reason). With wait, returns once a client connected.
 * If the machine is paused at this point (-S), `info status` reports
 * QEMU's "paused (prelaunch)" until the first `cont`. */
Monitor *monitor_open(const char *spec, Machine *m, char *err, size_t errlen);

/* A monitor on the terminal multiplexer (frontend/mux.c): reads lines
 * from fd_in, writes to stdout, and prints no banner (the mux does on the
 * first Ctrl-A c). */
Monitor *monitor_open_fd(Machine *m, int fd_in, char *err, size_t errlen);

/* One command line carried out as the monitor would (the GDB stub's
 * `monitor CMD`), from any thread but the vCPU thread. Returns the reply
 * (malloc'd, "\n" line ends). */
char *monitor_command(Machine *m, const char *line);

/* After machine_run returned, on the same thread: stop the monitor's
 * thread, close the client, remove the socket file. NULL is fine. */
void monitor_close(Monitor *mon);

#endif
