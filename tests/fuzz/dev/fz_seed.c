/* fz_seed.c - xlat86-fz-seed DIR: write the vmstate and savevm seed
 * corpora (DIR/vmstate/, DIR/savevm/) from the fuzz board: one in the
 * reset state, one with the PIC, PIT, CMOS and UART programmed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fz.h"
#include "frontend/machine.h"
#include "translator/dbt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)data, (void)size;
    return 0;
}

static void save(Machine *m, PC *pc, const char *dir, const char *name)
{
    char p[4096], err[256];
    snprintf(p, sizeof p, "%s/vmstate", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/vmstate/%s", dir, name);
    FILE *f = fopen(p, "wb");
    if (!f || !vmstate_save_devices(f, pc)) {
        fprintf(stderr, "xlat86: cannot write %s\n", p);
        exit(2);
    }
    fclose(f);
    snprintf(p, sizeof p, "%s/savevm", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/savevm/%s", dir, name);
    if (!machine_savevm(m, p, err, sizeof err)) {
        fprintf(stderr, "xlat86: %s\n", err);
        exit(2);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: xlat86-fz-seed DIR\n");
        return 2;
    }
    PC *pc = fz_board();
    char err[256];
    DbtConfig dc = {.inline_code = true, .code_buffer = 4u << 20};
    Engine *e = dbt_create(pc, &dc, err, sizeof err);
    static Machine m;
    if (!e || !machine_init(&m, pc, e)) {
        fprintf(stderr, "xlat86: %s\n", e ? "machine_init failed" : err);
        return 2;
    }
    engine_reset(e);
    save(&m, pc, argv[1], "reset");
    static const uint16_t w[][2] = {
        {0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01}, {0xa0, 0x11}, {0xa1, 0x70},
        {0xa1, 0x02}, {0xa1, 0x01}, {0x21, 0xb8}, {0x43, 0x34}, {0x40, 0x9c}, {0x40, 0x2e},
        {0x43, 0xb6}, {0x42, 0x00}, {0x42, 0x10}, {0x61, 0x03}, {0x70, 0x0a}, {0x71, 0x26},
        {0x70, 0x0b}, {0x71, 0x42}, {0x3fb, 0x83}, {0x3f8, 0x01}, {0x3fb, 0x03}, {0x3fa, 0xc7},
        {0x3f9, 0x03}, {0x64, 0x60}, {0x60, 0x47},
    };
    for (unsigned i = 0; i < sizeof w / sizeof w[0]; i++) io_write(&pc->io, w[i][0], w[i][1], 1);
    fz_advance(pc, 5u * 1000 * 1000);
    save(&m, pc, argv[1], "programmed");
    return 0;
}
