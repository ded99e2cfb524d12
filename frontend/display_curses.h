/* display_curses.h - `-display curses`: the VGA's text screen drawn in the
 * terminal (ncursesw).
 *
 * Its own thread, like the SDL window: about 30 times a second it asks the
 * vCPU thread (machine_request) for the text cells (vga_text_snapshot) and
 * redraws the cells that changed: code page 437 as Unicode (cp437.c), the
 * 16 text colours (bright foregrounds as bold on an 8-colour terminal;
 * the blink bit is shown as a bright background off, blinking is not
 * drawn), the hardware cursor. A graphics mode shows a one-line notice.
 * Keys typed in the terminal become PS/2 set-2 scan codes (press and
 * release; shifted characters with Shift, control characters with Ctrl)
 * for i8042_key on the vCPU thread. The run is ended from the monitor or
 * with a signal (SIGINT stays xlat86's: the terminal is in cbreak mode).
 */
#ifndef XLAT86_DISPLAY_CURSES_H
#define XLAT86_DISPLAY_CURSES_H

#include <stdbool.h>
#include <stddef.h>

#include "machine.h"

typedef struct DisplayCurses DisplayCurses;

bool display_curses_available(void);
/* Take over the terminal and start the thread; NULL with a reason. */
DisplayCurses *display_curses_open(Machine *m, char *err, size_t errlen);
/* Stop the thread (after machine_finish) and give the terminal back. */
void display_curses_close(DisplayCurses *d);

#endif
