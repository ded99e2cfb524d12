/* fz_vmstate.c - the device-state loader (vmstate_load_devices) on
 * arbitrary bytes; every device is then read and the timers run, so that
 * a loaded value the devices do not expect shows up as a sanitizer
 * report. */
#include <stdio.h>

#include "fz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    PC *pc = fz_board();
    fz_board_reset(pc);
    FILE *f = fmemopen((void *)data, size ? size : 1, "rb");
    if (!f) return 0;
    if (!size) fgetc(f);
    char err[256];
    (void)vmstate_load_devices(f, pc, err, sizeof err);
    fclose(f);
    fz_touch_all(pc);
    return 0;
}
