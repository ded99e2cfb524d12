/* main.c - xlat86: parse the command line, build the PC, run the guest.
 *
 * Everything a person can get wrong on the command line or with a firmware
 * file ends here as one line on stderr ("xlat86: ...") and exit status 2;
 * otherwise the exit status is the one the machine stopped with (the
 * guest's write to the exit port, or 0).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpu/engine.h"
#include "cpu/kvm.h"
#include "loader.h"
#include "machine.h"
#include "debugger.h"
#include "display_curses.h"
#include "display_sdl.h"
#include "gdbstub.h"
#include "monitor.h"
#include "mux.h"
#include "tui.h"
#include "options.h"
#include "pc.h"
#include "sigexit.h"
#include "trace.h"
#include "translator/dbt.h"
#include "bench.h"

#define EXIT_USAGE 2
#define DEMO_ROM "demo.bin"

_Static_assert(OPT_MAX_DEBUGCON == PC_MAX_DEBUGCON, "options.h and pc.h disagree on debugcon slots");
_Static_assert(OPT_RAM_MAX_MIB == PC_RAM_MAX_MIB, "options.h and pc.h disagree on the RAM limit");

static bool is_regular_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The default firmware is the project's own demo ROM. The build puts the
 * executable in build/ and the ROMs in build/roms/, so look beside the
 * executable first (/proc/self/exe names it whatever the current directory
 * is), then in $XLAT86_ROM_DIR for installed or relocated copies. */
static bool find_default_rom(char *buf, size_t len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *env;

    if (n > 0) {
        char *slash;
        exe[n] = '\0';
        slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            if ((size_t)snprintf(buf, len, "%s/roms/" DEMO_ROM, exe) < len && is_regular_file(buf))
                return true;
        }
    }
    env = getenv("XLAT86_ROM_DIR");
    if (env && env[0]) {
        if ((size_t)snprintf(buf, len, "%s/" DEMO_ROM, env) < len && is_regular_file(buf))
            return true;
    }
    return false;
}

/* pc_boot hook for -kernel: after a machine reset, load the same kernel,
 * initrds and command line again and enter the kernel, as QEMU's -kernel
 * does (its option ROM copies the images from fw_cfg on every boot). */
static bool boot_kernel(void *opaque, PC *pc, CPUState *st)
{
    char err[1024];
    pc_platform_direct_boot(pc);
    if (loader_boot_files(opaque, &pc->mem, st, err, sizeof err))
        return true;
    fprintf(stderr, "xlat86: reboot: %s\n", err);
    return false;
}

int main(int argc, char **argv)
{
    /* Options holds fixed-size spec buffers (tens of KB): not on the stack. */
    static Options opt;
    static char rom[PATH_MAX + 32];
    static LoaderFiles kernel_files;
    char err[1024];
    PCConfig cfg;
    DbtConfig dcfg = {0};
    static Machine machine;
    PC *pc;
    Engine *engine = NULL;
    Monitor *mon = NULL;
    Mux *mux = NULL;
    Tui *tui = NULL;
    Debugger *debugger = NULL;
    GdbStub *gdb = NULL;
    DisplaySDL *sdl = NULL;
    DisplayCurses *curses = NULL;
    int rc, status;

    /* `xlat86 bench ...`: the engine comparison (bench.c). */
    if (argc > 1 && !strcmp(argv[1], "bench"))
        return bench_main(argc - 1, argv + 1);

    rc = parse_options(argc, argv, &opt, err, sizeof err);
    if (rc > 0)
        return 0;
    if (rc < 0) {
        fprintf(stderr, "xlat86: %s\n", err);
        return EXIT_USAGE;
    }

    /* -nographic on a terminal: the monitor shares it with COM1, as in
     * QEMU (Ctrl-A c; frontend/mux.c). */
    if (opt.nographic && !opt.monitor && !opt.debugger_tui && !strcmp(opt.serial[0], "stdio") &&
        isatty(STDIN_FILENO)) {
        opt.monitor = "stdio";
        opt.mux_stdio = true;
    }

    /* A closed pipe on a serial "stdio" or a -D log must not kill the
     * emulator silently: writes then fail with EPIPE instead. */
    signal(SIGPIPE, SIG_IGN);

    memset(&cfg, 0, sizeof cfg);
    cfg.ram_mib = opt.ram_mib;
    if (opt.bios_path) {
        /* The board validates the image's contents; a path that is not a
         * file at all is the user's typo, reported against -bios. */
        struct stat sb;
        if (stat(opt.bios_path, &sb) != 0) {
            fprintf(stderr, "xlat86: -bios %s: %s\n", opt.bios_path, strerror(errno));
            return EXIT_USAGE;
        }
        if (!S_ISREG(sb.st_mode)) {
            fprintf(stderr, "xlat86: -bios %s: not a regular file\n", opt.bios_path);
            return EXIT_USAGE;
        }
        cfg.bios_path = opt.bios_path;
    } else if (opt.kernel_path) {
        /* -kernel: the loader starts the kernel itself; the demo ROM only
         * sits at the reset vector. Without -kernel the board takes
         * Debian's SeaBIOS (pc_init, bios_path NULL). */
        if (!find_default_rom(rom, sizeof rom)) {
            fprintf(stderr, "xlat86: default ROM " DEMO_ROM
                            " not found (build the roms target or pass -bios FILE)\n");
            return EXIT_USAGE;
        }
        cfg.bios_path = rom;
    }
    for (int i = 0; i < OPT_MAX_SERIAL; i++)
        cfg.serial[i] = opt.serial[i][0] ? opt.serial[i] : NULL;
    for (int i = 0; i < opt.n_debugcon; i++) {
        cfg.debugcon[i].port = opt.debugcon[i].port;
        cfg.debugcon[i].spec = opt.debugcon[i].spec;
    }
    cfg.n_debugcon = opt.n_debugcon;
    cfg.exit_port = opt.exit_port;
    cfg.icount = opt.icount;
    cfg.icount_shift = opt.icount_shift;
    cfg.icount_sleep = opt.icount_sleep;
    cfg.no_reboot = opt.no_reboot;
    cfg.kernel = opt.kernel_path;
    cfg.initrd = opt.initrd;
    cfg.append = opt.append;
    cfg.nographic = opt.nographic;
    static PCFwCfgFile fw_items[OPT_MAX_FW_CFG];
    static uint8_t *fw_bufs[OPT_MAX_FW_CFG];
    if (!opt_fw_cfg_load(&opt, fw_items, fw_bufs, err, sizeof err)) {
        fprintf(stderr, "xlat86: %s\n", err);
        return EXIT_USAGE;
    }
    cfg.fw_cfg = fw_items;
    cfg.n_fw_cfg = opt.n_fw_cfg;
    cfg.no_vga = opt.no_vga;
    cfg.isa_vga = opt.isa_vga;
    /* Disks: -fda.. -cdrom, -drive, -boot, -snapshot. */
    static PCDisks disks;
    for (int i = 0; i < opt.n_drives; i++) {
        const OptDrive *od = &opt.drives[i];
        PCDriveCfg *dc = od->iface == OPT_IF_FLOPPY ? &disks.fd[od->index] : &disks.ide[od->index];
        dc->file = od->file;
        dc->media = od->cdrom ? PC_MEDIA_CDROM : PC_MEDIA_DISK;
        dc->readonly = od->readonly;
        dc->snapshot = od->snapshot || opt.snapshot;
        dc->has_bootindex = od->bootindex >= 0;
        dc->bootindex = od->bootindex;
    }
    memcpy(disks.boot_order, opt.boot_order, sizeof disks.boot_order);
    disks.boot_menu = opt.boot_menu;
    cfg.disks = &disks;

    trace_mask = opt.trace_mask;
    trace_file = stderr;
    if (opt.trace_path) {
        FILE *f = fopen(opt.trace_path, "w");
        if (!f) {
            fprintf(stderr, "xlat86: -D %s: %s\n", opt.trace_path, strerror(errno));
            return EXIT_USAGE;
        }
        trace_file = f;
    }

    pc = calloc(1, sizeof *pc);
    if (!pc) {
        fprintf(stderr, "xlat86: out of memory\n");
        status = EXIT_USAGE;
        goto out;
    }

    /* pc_init undoes its own partial work on failure (pc.h contract). */
    err[0] = '\0';
    if (!pc_init(pc, &cfg, err, sizeof err)) {
        if (!err[0])
            snprintf(err, sizeof err, "cannot build the machine");
        fprintf(stderr, "xlat86: %s\n", err);
        status = EXIT_USAGE;
        goto out;
    }

    dcfg.inline_code = opt.inline_code;
    if (opt.kvm) {
        /* No /dev/kvm, no permission, a KVM too old: the user's choice
         * cannot be honoured, reported like a bad option. */
        KvmConfig kcfg = {.kernel_irqchip = opt.kvm_irqchip};
        engine = kvm_create(pc, &kcfg, err, sizeof err);
        if (!engine) {
            fprintf(stderr, "xlat86: %s\n", err);
            pc_free(pc);
            status = EXIT_USAGE;
            goto out;
        }
    } else {
        engine = dbt_create(pc, &dcfg, err, sizeof err);
    }
    if (!engine || !machine_init(&machine, pc, engine)) {
        fprintf(stderr, "xlat86: %s\n", engine ? "cannot create the machine loop" : err);
        engine_destroy(engine);
        pc_free(pc);
        status = 1;
        goto out;
    }

    /* -kernel: there is no firmware run; the loader puts the kernel in RAM
     * and the CPU in the state its boot protocol expects. The files stay
     * in memory for the boots after a reset (machine_reset). */
    if (cfg.kernel) {
        CPUState st;
        engine_get_state(engine, &st);
        pc_platform_direct_boot(pc);
        if (!loader_read_files(&kernel_files, cfg.kernel, cfg.initrd, cfg.append,
                               pc->mem.ram_size, err, sizeof err) ||
            !loader_boot_files(&kernel_files, &pc->mem, &st, err, sizeof err)) {
            fprintf(stderr, "xlat86: %s\n", err);
            machine_free(&machine);
            engine_destroy(engine);
            pc_free(pc);
            status = EXIT_USAGE;
            goto out;
        }
        engine_set_state(engine, &st);
        machine_set_boot(&machine, boot_kernel, &kernel_files);
    }

    /* -loadvm: the saved state replaces the one just built (QEMU restores
     * its snapshot at the same point, before the CPU runs). */
    if (opt.loadvm && !machine_loadvm(&machine, opt.loadvm, err, sizeof err)) {
        fprintf(stderr, "xlat86: -loadvm %s\n", err);   /* err starts with the path */
        status = EXIT_USAGE;
        goto out_machine;
    }
    if (opt.start_paused)
        machine_stop(&machine);
    debugger = dbg_create(&machine);
    if (debugger && cfg.kernel) dbg_load_kernel_symbols(debugger, cfg.kernel);
    if (opt.gdb && !(gdb = gdbstub_open(opt.gdb, &machine, err, sizeof err))) {
        fprintf(stderr, "xlat86: -gdb %s: %s\n", opt.gdb, err);
        status = EXIT_USAGE;
        goto out_machine;
    }
    if (opt.monitor) {
        err[0] = '\0';
        if (opt.mux_stdio) mux = mux_open(&machine, err, sizeof err);   /* Ctrl-A c */
        else mon = monitor_open(opt.monitor, &machine, err, sizeof err);
        if (!mon && !mux) {
            fprintf(stderr, "xlat86: -monitor %s: %s\n", opt.monitor, err);
            status = EXIT_USAGE;
            goto out_machine;
        }
    }

    /* -display sdl, or by default with a VGA and $DISPLAY set (display_sdl.h). */
    if (opt.display == OPT_DISPLAY_SDL ||
        (opt.display == OPT_DISPLAY_DEFAULT && !opt.nographic && pc->vga && getenv("DISPLAY") &&
         *getenv("DISPLAY") && display_sdl_available())) {
        err[0] = '\0';
        sdl = display_sdl_open(&machine, err, sizeof err);
        if (sdl && opt.full_screen)
            display_sdl_set_full_screen(sdl, true);
        if (!sdl && opt.display == OPT_DISPLAY_SDL) {
            fprintf(stderr, "xlat86: -display sdl: %s\n", err);
            status = EXIT_USAGE;
            goto out_machine;
        }
    }

    if (opt.display == OPT_DISPLAY_CURSES && !(curses = display_curses_open(&machine, err, sizeof err))) {
        fprintf(stderr, "xlat86: -display curses: %s\n", err);
        status = EXIT_USAGE;
        goto out_machine;
    }

    if (opt.debugger_tui && !(tui = tui_open(&machine, err, sizeof err))) {
        fprintf(stderr, "xlat86: -debugger tui: %s\n", err);
        status = EXIT_USAGE;
        monitor_close(mon);
        mux_close(mux);
        goto out_machine;
    }
    /* info tb's execution counts include chained entries (a counter in
     * each block's entry, about 16% of the CPU benchmark's time): from the
     * start with the TUI, which shows them; with a monitor from the first
     * resume after an info tb/info tbs/trace-last (debugger.h). */
    if (tui) dbg_front_attached(debugger);

    sigexit_install(&machine);
    status = machine_run(&machine);
    sigexit_detach();
    tui_close(tui);
    if (sigexit_signal())   /* QEMU says the same ("terminating on signal N") */
        fprintf(stderr, "xlat86: terminating on signal %d\n", sigexit_signal());
    monitor_close(mon);
    mux_close(mux);
out_machine:
    machine_finish(&machine);
    display_sdl_close(sdl);
    display_curses_close(curses);
    gdbstub_close(gdb);
    dbg_free(debugger);
    machine_free(&machine);
    engine_destroy(engine);
    pc_free(pc);

out:
    loader_free_files(&kernel_files);
    free(pc);
    fflush(stdout);
    if (trace_file != stderr)
        fclose(trace_file);
    trace_file = stderr;
    return status;
}
