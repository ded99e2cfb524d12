/* options.h - the xlat86 command line, parsed into a plain struct.
 *
 * Flags follow QEMU's spelling (single dash; a double dash is accepted for
 * every option too). The parser is a pure function of argv: it does not
 * touch files, the environment or the machine, so it can be unit-tested.
 * The only output it produces is the text of --help, --version, -d help
 * and -device help, on stdout.
 *
 * Character-device SPECs ("-serial SPEC", "-debugcon SPEC", and the specs
 * produced from -chardev definitions) are normalised to one of
 *     "stdio"   "file:PATH"   "null"
 * or the empty string for "none" (no device at all). "chardev:ID" in a
 * -serial or -debugcon SPEC and "chardev=ID" in -device isa-debugcon are
 * resolved against the -chardev definitions after the whole command line
 * is read, so the order of the options does not matter (as in QEMU).
 */
#ifndef XLAT86_OPTIONS_H
#define XLAT86_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OPT_MAX_SERIAL 2     /* COM1, COM2 */
#define OPT_MAX_DEBUGCON 4   /* same as PC_MAX_DEBUGCON in devices/pc.h */
#define OPT_MAX_CHARDEV 8
#define OPT_SPEC_MAX 4200    /* "file:" + a PATH_MAX path */
#define OPT_ID_MAX 64

#define OPT_RAM_MIN_MIB 1u
#define OPT_RAM_MAX_MIB 3072u  /* RAM ends below the 3 GiB..4 GiB PCI/ROM hole */
#define OPT_RAM_DEFAULT_MIB 128u
#define OPT_ICOUNT_MAX_SHIFT 10
#define OPT_DEBUGCON_PORT 0xE9u  /* Bochs/QEMU debug console port */
#define OPT_EXIT_PORT 0xF4u      /* isa-debug-exit, always present */

/* -display TYPE; DEFAULT: SDL when a VGA is present and $DISPLAY is set. */
enum { OPT_DISPLAY_DEFAULT, OPT_DISPLAY_NONE, OPT_DISPLAY_SDL, OPT_DISPLAY_CURSES };

typedef struct OptDebugcon {
    uint16_t port;
    char spec[OPT_SPEC_MAX];
} OptDebugcon;

#define OPT_MAX_FW_CFG 16

typedef struct OptFwCfg {
    char name[56];                     /* fw_cfg file name */
    char value[OPT_SPEC_MAX];          /* file path or the string's bytes */
    bool is_file;
} OptFwCfg;
/* Disks: -fda/-fdb/-hda/-hdb/-hdc/-hdd/-cdrom FILE, -drive, -boot
 * (frontend/options_disk.c). After parsing, every drive has its slot. */
#define OPT_MAX_DRIVES 6       /* 2 floppies + 4 IDE */
#define OPT_PATH_MAX 4096
enum { OPT_IF_FLOPPY, OPT_IF_IDE };

typedef struct OptDrive {
    char file[OPT_PATH_MAX];
    int iface;                         /* OPT_IF_* */
    int index;                         /* floppy 0-1, IDE 0-3 (-1 until placed) */
    bool cdrom;                        /* media=cdrom */
    bool readonly;
    bool snapshot;
    int bootindex;                     /* bootindex=N (fw_cfg "bootorder"), -1 = none */
} OptDrive;

typedef struct Options {
    uint32_t ram_mib;                  /* -m */
    const char *bios_path;             /* -bios FILE (points into argv), NULL = default ROM */
    const char *kernel_path;           /* -kernel FILE (points into argv), NULL = none */
    const char *initrd;                /* -initrd FILE[,FILE...], needs -kernel */
    const char *append;                /* -append CMDLINE, needs -kernel */

    int n_serial;                      /* how many -serial options were given */
    char serial[OPT_MAX_SERIAL][OPT_SPEC_MAX];  /* "" = none */

    int n_debugcon;
    OptDebugcon debugcon[OPT_MAX_DEBUGCON];

    bool exit_port;                    /* isa-debug-exit at 0xF4 (on by default) */
    bool icount;                       /* -icount */
    int icount_shift;
    bool icount_sleep;                 /* halted: sleep the host while virtual time jumps */
    bool inline_code;                  /* -accel dbt[,inline=on|off] */
    bool kvm;                          /* -accel kvm / -enable-kvm */
    bool kvm_irqchip;                  /* -accel kvm,kernel-irqchip=on */
    bool no_reboot;                    /* -no-reboot */
    bool snapshot;                     /* -snapshot (no disks yet: nothing to protect) */

    bool nographic;                    /* -nographic */
    int display;                       /* -display: OPT_DISPLAY_* */
    bool no_vga;                       /* -vga none */
    bool isa_vga;                      /* -device isa-vga */
    bool full_screen;                  /* -full-screen (the SDL window) */
    const char *monitor;               /* -monitor SPEC (points into argv), NULL = none */
    bool start_paused;                 /* -S: the CPU waits for the monitor's `cont` */
    /* The terminal is shared by COM1 and the monitor (QEMU's mux: Ctrl-A c
     * switches): -monitor stdio with a serial port on stdio, or
     * -serial mon:stdio. frontend/mux.c. */
    bool mux_stdio;
    bool debugger_tui;                 /* -debugger tui (frontend/tui.c) */
    const char *gdb;                   /* -gdb SPEC / -s (tcp::1234), NULL = no GDB stub */
    const char *loadvm;                /* -loadvm FILE: saved state to start from */

    int n_fw_cfg;                      /* -fw_cfg name=NAME,file=F|string=S */
    OptFwCfg fw_cfg[OPT_MAX_FW_CFG];

    unsigned trace_mask;               /* -d ITEMS (TRACE_* bits of translator/trace.h) */
    const char *trace_path;            /* -D FILE (points into argv), NULL = stderr */

    int n_drives;                      /* disks, in command-line order */
    OptDrive drives[OPT_MAX_DRIVES];
    char boot_order[8];                /* -boot order=LETTERS ("" = default) */
    int boot_menu;                     /* -boot menu=on|off: 1/0, -1 = not given */
} Options;

/* Parse argv[1..argc-1] into *out (which is fully initialised with the
 * defaults first). Returns
 *    0  run the machine with *out,
 *    1  an informational option (--help, --version, -d help, -device help)
 *       printed its text on stdout: exit with status 0,
 *   -1  error: err holds one line (no "xlat86: " prefix, no newline) that
 *       names the offending option; exit with status 2.
 */
int parse_options(int argc, char **argv, Options *out, char *err, size_t errlen);

/* -fw_cfg ARG into o (frontend/opt_fwcfg.c): 0, or -1 with err set. */
int opt_fw_cfg(Options *o, const char *arg, char *err, size_t errlen);
/* Read the -fw_cfg items into items[0..n_fw_cfg) for the board; file
 * contents go to bufs[i] (malloc'd, the caller frees them). */
struct PCFwCfgFile;
bool opt_fw_cfg_load(const Options *o, struct PCFwCfgFile *items, uint8_t **bufs, char *err,
                     size_t errlen);
/* options_disk.c: one disk option (opt is "fda", "hdc", "cdrom", "drive"
 * or "boot"), and the placement of drives without an index after the
 * whole command line was read. 0 or -1 with err as parse_options. */
int opt_disk(Options *o, const char *opt, const char *arg, char *err, size_t errlen);
int opt_disk_finish(Options *o, char *err, size_t errlen);

/* The --help text (also printed by parse_options). */
void options_usage(FILE *out);

#endif
