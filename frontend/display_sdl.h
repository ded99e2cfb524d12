/* display_sdl.h - `-display sdl`: an SDL2 window showing the VGA.
 *
 * The window lives in its own thread; the CPU never waits for it. About
 * 60 times a second the thread asks the vCPU thread (machine_request) to
 * bring the shared frame up to date (display_update) and to copy the lines
 * that changed into the window's buffer; it then draws that buffer with
 * an 8-pixel border in the VGA's overscan colour (AR11; the frame and
 * `screendump` are the active area only, as QEMU's) scaled to the window:
 * the largest integer factor that fits, or, when the window is smaller,
 * the largest size with the bordered frame's aspect ratio, centred. Input goes the same way: host keys become PS/2 set-2
 * scan codes (frontend/keymap.c) handed to i8042_key on the vCPU thread;
 * while grabbed (a click grabs), relative mouse motion, buttons and the
 * wheel become one PS/2 packet per round (i8042_mouse_event).
 *
 * Ctrl+Alt+F toggles full screen, Ctrl+Alt+G grabs/releases the keyboard
 * and mouse (relative mouse mode). The title shows the machine state
 * (running/paused) and the guest's MIPS. Closing the window ends the run
 * with status 0 (machine_quit).
 */
#ifndef XLAT86_DISPLAY_SDL_H
#define XLAT86_DISPLAY_SDL_H

#include <stdbool.h>
#include <stddef.h>

#include "machine.h"

typedef struct DisplaySDL DisplaySDL;

/* Whether this build has SDL2. */
bool display_sdl_available(void);
/* Open the window and start its thread; NULL with a one-line reason. */
DisplaySDL *display_sdl_open(Machine *m, char *err, size_t errlen);
/* Stop the thread (after machine_run returned and machine_finish was
 * called, so that a request in flight returns) and close the window. */
void display_sdl_close(DisplaySDL *d);
/* Full screen on or off (-full-screen; Ctrl+Alt+F toggles it), applied by
 * the window's thread on its next round. */
void display_sdl_set_full_screen(DisplaySDL *d, bool on);

#endif
