/* display.h - what the displays and the monitor share: one rendered frame
 * of the board's VGA, and screenshots.
 *
 * display_update renders the VGA into the shared frame; it runs on the
 * vCPU thread (the monitor's commands, and the display threads through
 * machine_request), so the renderer never races the guest.
 */
#ifndef XLAT86_DISPLAY_H
#define XLAT86_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "devices/pc.h"
#include "devices/vga.h"

/* The shared frame, brought up to date (NULL without a VGA or memory). */
VGAFrame *display_update(PC *pc);
/* Write the screen to path: PNG (libpng, 8-bit RGB), or binary PPM when
 * the name ends in ".ppm" (QEMU's default format). False with a one-line
 * reason. */
bool display_screendump(PC *pc, const char *path, char *err, size_t errlen);
/* Write a frame as PNG. */
bool display_write_png(const VGAFrame *f, const char *path, char *err, size_t errlen);

#endif
