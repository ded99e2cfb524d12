/* fz_rom.c - the firmware image loader (pc_init's -bios path) on
 * malformed files: every input is a ROM for a new board. */
#include <string.h>

#include "fz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static PC pc;
    PCConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.ram_mib = 1;
    cfg.bios_path = fz_tmpfile(data, size);
    char err[256];
    if (pc_init(&pc, &cfg, err, sizeof err)) {
        (void)mem_read(&pc.mem, 0xffff0, 4);
        (void)mem_read(&pc.mem, 0xfffffff0u, 4);
        pc_free(&pc);
    }
    return 0;
}
