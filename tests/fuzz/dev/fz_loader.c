/* fz_loader.c - the -kernel loaders (Linux bzImage, Multiboot ELF and
 * a.out kludge, frontend/loader.c) on malformed files: read, then loaded
 * into the board's RAM with a CPU state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fz.h"
#include "cpu/state.h"
#include "frontend/loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    PC *pc = fz_board();
    const char *path = fz_tmpfile(data, size);
    LoaderFiles files;
    char err[256];
    if (!loader_read_files(&files, path, NULL, "console=ttyS0", pc->mem.ram_size, err, sizeof err))
    {
        if (getenv("XLAT86_FZ_VERBOSE")) fprintf(stderr, "read: %s\n", err);
        return 0;
    }
    static CPUState st;
    memset(&st, 0, sizeof st);
    if (!loader_boot_files(&files, &pc->mem, &st, err, sizeof err) && getenv("XLAT86_FZ_VERBOSE"))
        fprintf(stderr, "boot: %s\n", err);
    loader_free_files(&files);
    return 0;
}
