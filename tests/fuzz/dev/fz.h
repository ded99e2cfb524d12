/* fz.h - the device fuzz targets (tests/fuzz/dev/): shared board setup.
 *
 * Each target defines LLVMFuzzerTestOneInput. Built with clang's libFuzzer
 * (-DXLAT86_FUZZERS=ON) it fuzzes; built with the normal compiler and
 * fz_replay.c it replays a corpus once (the CI check).
 *
 * Port-operation inputs are a sequence of 4-byte operations [k v0 v1 t]:
 *   k >> 6   0 write, 1 read, 2 interrupt acknowledge (INTA), 3 IRQ line
 *   k & 63   which of the target's ports (modulo their number)
 *   v0 v1    the value (a 32-bit access repeats them: v0 v1 v0 v1)
 *   t & 3    access size 1, 2, 4 (3 = 1)
 *   t >> 2   the virtual time that passes afterwards: 2^(t>>2) ns (at most
 *            ~2^63 ns would hang any emulator's catch-up; capped at 2^40)
 * After every operation the board's timers run, and reset/exit requests
 * are carried out as the machine loop would (a reset resets the devices).
 */
#ifndef XLAT86_FZ_H
#define XLAT86_FZ_H

#include <stddef.h>
#include <stdint.h>

#include "devices/pc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A board (8 MiB RAM, a 64 KiB ROM of HLT, COM1 on "null", icount clock)
 * made once per process; NULL and a message on failure. */
PC *fz_board(void);
/* The devices back to their reset state between inputs. */
void fz_board_reset(PC *pc);
/* Run one 4-byte operation on `ports`. */
void fz_op(PC *pc, const uint16_t *ports, int nports, const uint8_t op[4]);
/* Let `ns` of virtual time pass and run the timers (reset/exit requests
 * honoured). */
void fz_advance(PC *pc, uint64_t ns);
/* Read every port of every device once (after a state load). */
void fz_touch_all(PC *pc);
/* Write data to a private temporary file; returns its path (static). */
const char *fz_tmpfile(const uint8_t *data, size_t size);
/* The path of the 64 KiB HLT ROM used by fz_board. */
const char *fz_rom_path(void);

#endif
