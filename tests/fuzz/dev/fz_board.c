/* fz_board.c - the board the device fuzz targets drive (fz.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fz.h"

static PC board;
static bool board_up;
static char dir[64];

static void cleanup(void)
{
    char p[96];
    snprintf(p, sizeof p, "%s/rom.bin", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/input", dir);
    unlink(p);
    rmdir(dir);
}

static void make_dir(void)
{
    if (dir[0]) return;
    snprintf(dir, sizeof dir, "/tmp/xlat86-fz-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("xlat86-fz: mkdtemp");
        exit(2);
    }
    atexit(cleanup);
}

const char *fz_rom_path(void)
{
    static char path[96];
    if (path[0]) return path;
    make_dir();
    snprintf(path, sizeof path, "%s/rom.bin", dir);
    static uint8_t rom[65536];
    memset(rom, 0xf4, sizeof rom);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(rom, 1, sizeof rom, f) != sizeof rom) {
        fprintf(stderr, "xlat86-fz: cannot write %s\n", path);
        exit(2);
    }
    fclose(f);
    return path;
}

const char *fz_tmpfile(const uint8_t *data, size_t size)
{
    static char path[96];
    make_dir();
    snprintf(path, sizeof path, "%s/input", dir);
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size)) {
        fprintf(stderr, "xlat86-fz: cannot write %s\n", path);
        exit(2);
    }
    fclose(f);
    return path;
}

PC *fz_board(void)
{
    if (board_up) return &board;
    PCConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.ram_mib = 8;   /* -kernel needs 2 MiB at least, a bzImage more */
    cfg.bios_path = fz_rom_path();
    cfg.serial[0] = "null";
    cfg.exit_port = true;
    cfg.icount = true;
    char err[256];
    if (!pc_init(&board, &cfg, err, sizeof err)) {
        fprintf(stderr, "xlat86-fz: %s\n", err);
        exit(2);
    }
    board_up = true;
    return &board;
}

static void requests(PC *pc)
{
    if (pc->reset_requested) {
        pc->reset_requested = false;
        pc_reset(pc);
    }
    pc->exit_requested = false;
}

void fz_board_reset(PC *pc)
{
    /* Every input starts at virtual time 0: time does not pile up over a
     * session (the devices' timers are re-armed by the reset). */
    pc->no_cpu_icount = 0;
    clock_rebase(&pc->clock, 0);
    pc_reset(pc);
    requests(pc);
}

void fz_advance(PC *pc, uint64_t ns)
{
    pc->no_cpu_icount += ns;
    clock_run_timers(&pc->clock);
    requests(pc);
}

void fz_op(PC *pc, const uint16_t *ports, int nports, const uint8_t op[4])
{
    uint16_t port = ports[(op[0] & 63) % nports];
    static const int sizes[4] = {1, 2, 4, 1};
    int size = sizes[op[3] & 3];
    uint32_t v = (uint32_t)op[1] | (uint32_t)op[2] << 8;
    v |= v << 16;
    switch (op[0] >> 6) {
    case 0: io_write(&pc->io, port, v, size); break;
    case 1: (void)io_read(&pc->io, port, size); break;
    case 2:
        if (pic_intr_pending(&pc->pic)) (void)pic_ack(&pc->pic);
        break;
    default: pic_set_irq(&pc->pic, op[1] & 15, op[2] & 1); break;
    }
    requests(pc);
    unsigned e = op[3] >> 2;
    fz_advance(pc, (uint64_t)1 << (e > 40 ? 40 : e));
}

void fz_touch_all(PC *pc)
{
    static const uint16_t ports[] = {0x20, 0x21, 0xa0, 0xa1, 0x40, 0x41, 0x42, 0x43, 0x61, 0x70,
                                     0x71, 0x60, 0x64, 0x92, 0xcf9, 0x3f8, 0x3f9, 0x3fa, 0x3fb,
                                     0x3fc, 0x3fd, 0x3fe, 0x3ff, 0x600, 0x602, 0x604, 0x608};
    for (unsigned i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        /* CMOS: read through each index too */
        if (ports[i] == 0x71)
            for (int r = 0; r < 128; r += 7) {
                io_write(&pc->io, 0x70, (uint32_t)r, 1);
                (void)io_read(&pc->io, 0x71, 1);
            }
        (void)io_read(&pc->io, ports[i], 1);
    }
    if (pic_intr_pending(&pc->pic)) (void)pic_ack(&pc->pic);
    fz_advance(pc, 10u * 1000 * 1000);
    fz_advance(pc, 1000u * 1000 * 1000);
}
