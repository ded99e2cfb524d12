/* fz_savevm.c - the saved-state loader (machine_loadvm) on arbitrary
 * files, then a few thousand guest instructions from whatever state was
 * loaded (a triple fault ends them early) and every device read. */
#include <stdio.h>
#include <stdlib.h>

#include "fz.h"
#include "frontend/machine.h"
#include "translator/dbt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Machine m;
    static Engine *e;
    PC *pc = fz_board();
    char err[256];
    if (!e) {
        DbtConfig dc = {.inline_code = true, .code_buffer = 4u << 20};
        e = dbt_create(pc, &dc, err, sizeof err);
        if (!e || !machine_init(&m, pc, e)) {
            fprintf(stderr, "xlat86-fz: %s\n", e ? "machine_init failed" : err);
            exit(2);
        }
    }
    fz_board_reset(pc);
    engine_reset(e);
    const char *path = fz_tmpfile(data, size);
    if (machine_loadvm(&m, path, err, sizeof err)) {
        for (int i = 0; i < 4; i++) {
            EngineStop s = engine_run(e, 1000);
            if (s == STOP_TRIPLE || s == STOP_HALT || s == STOP_ERROR) break;
            fz_advance(pc, 100000);
        }
    }
    fz_touch_all(pc);
    return 0;
}
