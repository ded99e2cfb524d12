/* chardev.h - host-side character backends for serial ports and debug
 * consoles, named by QEMU-style specs:
 *   "stdio"      the terminal (or whatever stdin/stdout are); with a TTY,
 *                stdin goes to raw mode and Ctrl-A starts an escape as in
 *                QEMU (Ctrl-A x quit, Ctrl-A h help, Ctrl-A Ctrl-A sends
 *                Ctrl-A). "mon:stdio" is accepted as the same thing.
 *   "file:PATH"  output written to PATH (created/truncated), no input.
 *   "null"       output discarded, no input.
 *   "none"       no backend: same as null for a device that exists.
 * Several backends may be "stdio": all write to stdout, and only the first
 * one that asks for input reads stdin (so an output-only debug console does
 * not take the terminal from a serial port).
 */
#ifndef XLAT86_CHARDEV_H
#define XLAT86_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct CharDev CharDev;

/* NULL on a bad spec or an unopenable file, with a one-line reason in err. */
CharDev *chardev_open(const char *spec, char *err, size_t errlen);
void chardev_write(CharDev *c, const uint8_t *buf, size_t n);
/* Output the host may hold back (a UART's transmitter: one write(2) per
 * byte was 14% of a Linux boot). Held bytes go out when 4 KiB gather,
 * when chardev_flush_due finds them 5 ms old, before any other write to
 * the same descriptor, on chardev_flush(_all), on close and at exit. */
void chardev_write_buffered(CharDev *c, const uint8_t *buf, size_t n);
void chardev_flush(CharDev *c);
void chardev_flush_all(void);
/* Cheap when nothing is held (the machine loop calls it every slice). */
void chardev_flush_due(void);
/* Next input byte, or -1 when none is available now (never blocks). */
int chardev_read_byte(CharDev *c);
/* True when this backend can ever deliver input (worth polling). The
 * first stdio backend to call this or chardev_read_byte owns stdin. */
bool chardev_can_read(CharDev *c);
void chardev_close(CharDev *c);
/* Called on Ctrl-A x. Without one, the process restores the terminal and
 * exits with status 0. */
void chardev_set_quit_handler(void (*fn)(void *opaque), void *opaque);
/* Called on Ctrl-A n (the board raises an NMI). */
void chardev_set_nmi_handler(void (*fn)(void *opaque), void *opaque);

/* The terminal multiplexer (frontend/mux.c) owns stdin: stdio backends
 * then read fd instead (bytes already past the Ctrl-A escapes) and leave
 * the terminal mode to it. Call before any backend reads. */
void chardev_set_input_fd(int fd);
/* Put the terminal (stdin) in the raw mode the stdio backend uses; the
 * previous mode comes back at exit. */
void chardev_terminal_raw(void);
/* Carry out the escape command Ctrl-A key (x quit, h help, n NMI); false
 * for a key it does not know. */
bool chardev_escape(int key);

#endif
