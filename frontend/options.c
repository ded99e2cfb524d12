/* options.c - parse the xlat86 command line (QEMU spellings).
 *
 * A pure function of argv: no files are opened and nothing global is
 * changed, so tests can call it over and over. Every error is one line
 * that starts with the offending option as the user typed it, so that
 * "xlat86: -m abc: ..." tells a person exactly what to fix.
 *
 * Sub-option lists ("file,id=x,path=/tmp/log") follow QEMU's QemuOpts
 * syntax: comma-separated key=value pairs after an optional leading bare
 * word (the backend or driver), with ",," standing for a literal comma
 * inside a value.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include "gdbstub.h"
#include "monitor.h"
#include "options.h"
#include "trace.h"
#include "version.h"

/* ---------------------------------------------------------------------- */
/* Errors and small helpers                                                */

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Copy src into a fixed buffer; false if it does not fit. */
static bool copy_str(char *dst, size_t dstlen, const char *src)
{
    size_t n = strlen(src);
    if (n >= dstlen)
        return false;
    memcpy(dst, src, n + 1);
    return true;
}

/* Unsigned number: decimal, or hexadecimal with a 0x prefix (QEMU's
 * iobase=0xe9 habit). No sign, no spaces, no trailing text. */
static bool parse_num(const char *s, unsigned long long max, unsigned long long *out)
{
    int base = 10;
    char *end;
    unsigned long long v;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!((s[0] >= '0' && s[0] <= '9') ||
          (base == 16 && ((s[0] >= 'a' && s[0] <= 'f') || (s[0] >= 'A' && s[0] <= 'F')))))
        return false;
    errno = 0;
    v = strtoull(s, &end, base);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

/* QEMU's on/off booleans. */
static int parse_onoff(const char *s)
{
    if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "true"))
        return 1;
    if (!strcmp(s, "off") || !strcmp(s, "no") || !strcmp(s, "false"))
        return 0;
    return -1;
}

/* ---------------------------------------------------------------------- */
/* key=value lists                                                          */

#define KV_MAX 8

typedef struct KV {
    const char *key;
    const char *val;   /* NULL for a bare word */
} KV;

typedef struct KVList {
    char buf[OPT_SPEC_MAX];
    KV kv[KV_MAX];
    int n;
} KVList;

/* Split "a,b=c,d=e,,f" into items; ",," is a literal comma. */
static bool kv_split(const char *arg, KVList *l)
{
    size_t o = 0;
    size_t start[KV_MAX];
    int n = 1;

    start[0] = 0;
    for (const char *p = arg; *p; p++) {
        if (o + 1 >= sizeof l->buf)
            return false;
        if (*p == ',' && p[1] == ',') {
            l->buf[o++] = ',';
            p++;
        } else if (*p == ',') {
            if (n == KV_MAX)
                return false;
            l->buf[o++] = '\0';
            start[n++] = o;
        } else {
            l->buf[o++] = *p;
        }
    }
    l->buf[o] = '\0';
    for (int i = 0; i < n; i++) {
        char *item = l->buf + start[i];
        char *eq = strchr(item, '=');
        if (eq) {
            *eq = '\0';
            l->kv[i].key = item;
            l->kv[i].val = eq + 1;
        } else {
            l->kv[i].key = item;
            l->kv[i].val = NULL;
        }
    }
    l->n = n;
    return true;
}

/* ---------------------------------------------------------------------- */
/* Character devices                                                        */

typedef struct Chardef {
    char id[OPT_ID_MAX];
    char spec[OPT_SPEC_MAX];
} Chardef;

typedef struct ParseState {
    Chardef chardev[OPT_MAX_CHARDEV];
    int n_chardev;
    /* How each debugcon was asked for, to name it in a late error. */
    bool debugcon_from_device[OPT_MAX_DEBUGCON];
} ParseState;

static const char spec_help[] = "use stdio, file:PATH, null, none or chardev:ID";

/* Normalise a -serial/-debugcon SPEC into dst (see options.h). */
static int parse_spec(const char *opt, const char *spec, char *dst, char *err, size_t errlen)
{
    if (!strcmp(spec, "stdio") || !strcmp(spec, "null")) {
        strcpy(dst, spec);
        return 0;
    }
    if (!strcmp(spec, "mon:stdio")) {
        /* The caller marks the mux (Options.mux_stdio). */
        strcpy(dst, "stdio");
        return 0;
    }
    if (!strcmp(spec, "none")) {
        dst[0] = '\0';
        return 0;
    }
    if (!strncmp(spec, "file:", 5)) {
        if (!spec[5])
            return fail(err, errlen, "%s %s: missing file name after 'file:'", opt, spec);
        if (!copy_str(dst, OPT_SPEC_MAX, spec))
            return fail(err, errlen, "%s: file name too long", opt);
        return 0;
    }
    if (!strncmp(spec, "chardev:", 8)) {
        /* Resolved once every -chardev has been seen. */
        if (!spec[8])
            return fail(err, errlen, "%s %s: missing id after 'chardev:'", opt, spec);
        if (!copy_str(dst, OPT_SPEC_MAX, spec))
            return fail(err, errlen, "%s: chardev id too long", opt);
        return 0;
    }
    return fail(err, errlen, "%s %s: unknown character device (%s)", opt, spec, spec_help);
}

/* -chardev BACKEND,id=ID[,path=PATH] */
static int opt_chardev(ParseState *st, const char *arg, char *err, size_t errlen)
{
    KVList *l = malloc(sizeof *l);
    const char *backend, *id = NULL, *path = NULL;
    Chardef *c;
    int rc = -1;

    if (!l)
        return fail(err, errlen, "-chardev: out of memory");
    if (!kv_split(arg, l)) {
        fail(err, errlen, "-chardev %s: too long or too many parameters", arg);
        goto out;
    }
    backend = l->kv[0].key;
    if (l->kv[0].val || !backend[0]) {
        fail(err, errlen, "-chardev %s: must start with a backend (file, stdio or null)", arg);
        goto out;
    }
    if (strcmp(backend, "file") && strcmp(backend, "stdio") && strcmp(backend, "null")) {
        fail(err, errlen, "-chardev %s: unknown backend '%s' (use file, stdio or null)", arg, backend);
        goto out;
    }
    for (int i = 1; i < l->n; i++) {
        const KV *kv = &l->kv[i];
        if (!kv->val) {
            fail(err, errlen, "-chardev %s: '%s' needs a value (%s=...)", arg, kv->key, kv->key);
            goto out;
        }
        if (!strcmp(kv->key, "id")) {
            id = kv->val;
        } else if (!strcmp(kv->key, "path") && !strcmp(backend, "file")) {
            path = kv->val;
        } else {
            fail(err, errlen, "-chardev %s: unknown parameter '%s' for backend %s", arg, kv->key, backend);
            goto out;
        }
    }
    if (!id || !id[0]) {
        fail(err, errlen, "-chardev %s: missing id=ID", arg);
        goto out;
    }
    if (strlen(id) >= OPT_ID_MAX) {
        fail(err, errlen, "-chardev %s: id too long", arg);
        goto out;
    }
    if (!strcmp(backend, "file") && (!path || !path[0])) {
        fail(err, errlen, "-chardev %s: the file backend needs path=PATH", arg);
        goto out;
    }
    for (int i = 0; i < st->n_chardev; i++) {
        if (!strcmp(st->chardev[i].id, id)) {
            fail(err, errlen, "-chardev %s: id '%s' is already defined", arg, id);
            goto out;
        }
    }
    if (st->n_chardev == OPT_MAX_CHARDEV) {
        fail(err, errlen, "-chardev %s: at most %d character devices", arg, OPT_MAX_CHARDEV);
        goto out;
    }
    c = &st->chardev[st->n_chardev];
    strcpy(c->id, id);
    if (path) {
        if (strlen(path) + 5 >= sizeof c->spec) {
            fail(err, errlen, "-chardev %s: path too long", arg);
            goto out;
        }
        snprintf(c->spec, sizeof c->spec, "file:%s", path);
    } else {
        strcpy(c->spec, backend);
    }
    st->n_chardev++;
    rc = 0;
out:
    free(l);
    return rc;
}

/* Replace "chardev:ID" in spec by the definition's spec. */
static int resolve_spec(const ParseState *st, char *spec, const char *what, char *err, size_t errlen)
{
    const char *id;

    if (strncmp(spec, "chardev:", 8))
        return 0;
    id = spec + 8;
    for (int i = 0; i < st->n_chardev; i++) {
        if (!strcmp(st->chardev[i].id, id)) {
            strcpy(spec, st->chardev[i].spec);
            return 0;
        }
    }
    return fail(err, errlen, "%s: chardev '%s' is not defined (add -chardev ...,id=%s)", what, id, id);
}

/* ---------------------------------------------------------------------- */
/* Individual options                                                       */

/* -m [size=]N[M|G]: MiB by default, as in QEMU. */
static int opt_ram(Options *o, const char *arg, char *err, size_t errlen)
{
    const char *s = arg;
    char num[32];
    size_t n;
    unsigned long long v, mult = 1;

    if (!strncmp(s, "size=", 5))
        s += 5;
    n = strlen(s);
    if (n && (s[n - 1] == 'M' || s[n - 1] == 'm')) {
        n--;
    } else if (n && (s[n - 1] == 'G' || s[n - 1] == 'g')) {
        n--;
        mult = 1024;
    }
    if (n == 0 || n >= sizeof num)
        goto bad;
    memcpy(num, s, n);
    num[n] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (num[i] < '0' || num[i] > '9')
            goto bad;
    }
    errno = 0;
    v = strtoull(num, NULL, 10);
    if (errno || v > OPT_RAM_MAX_MIB || v * mult > OPT_RAM_MAX_MIB || v * mult < OPT_RAM_MIN_MIB)
        return fail(err, errlen, "-m %s: RAM size must be %u..%u MiB", arg,
                    OPT_RAM_MIN_MIB, OPT_RAM_MAX_MIB);
    o->ram_mib = (uint32_t)(v * mult);
    return 0;
bad:
    return fail(err, errlen, "-m %s: not a RAM size (e.g. -m 128, -m 512M, -m 1G)", arg);
}

/* -icount N | -icount shift=N[,sleep=on|off] (QEMU's spelling). */
static int opt_icount(Options *o, const char *arg, char *err, size_t errlen)
{
    char buf[64];
    unsigned long long v;

    if (strlen(arg) >= sizeof buf)
        return fail(err, errlen, "-icount %s: malformed", arg);
    strcpy(buf, arg);
    char *s = buf;
    char *opt = strchr(s, ',');
    bool sleep = true;
    if (opt) {
        *opt++ = '\0';
        if (!strcmp(opt, "sleep=on"))
            sleep = true;
        else if (!strcmp(opt, "sleep=off"))
            sleep = false;
        else
            return fail(err, errlen, "-icount %s: unknown suboption '%s' (sleep=on|off)", arg, opt);
    }
    if (!strncmp(s, "shift=", 6))
        s += 6;
    if (!parse_num(s, OPT_ICOUNT_MAX_SHIFT, &v))
        return fail(err, errlen, "-icount %s: shift must be a number 0..%d", arg, OPT_ICOUNT_MAX_SHIFT);
    o->icount = true;
    o->icount_shift = (int)v;
    o->icount_sleep = sleep;
    return 0;
}

/* -accel kvm[,kernel-irqchip=on|off]: the parameters after "kvm". */
static int opt_accel_kvm(Options *o, const char *arg, const KVList *l, char *err, size_t errlen)
{
    bool irqchip = false;
    for (int i = 1; i < l->n; i++) {
        const KV *kv = &l->kv[i];
        int b = kv->val ? parse_onoff(kv->val) : 1;
        if (strcmp(kv->key, "kernel-irqchip"))
            return fail(err, errlen, "-accel %s: unknown parameter '%s' (kvm takes kernel-irqchip=on|off)",
                        arg, kv->key);
        if (b < 0) return fail(err, errlen, "-accel %s: kernel-irqchip must be on or off", arg);
        irqchip = b;
    }
    o->kvm = true;
    o->kvm_irqchip = irqchip;
    return 0;
}

/* -accel dbt[,inline=on|off] | -accel kvm */
static int opt_accel(Options *o, const char *arg, char *err, size_t errlen)
{
    KVList *l = malloc(sizeof *l);
    bool inl = true;
    int rc = -1;

    if (!l)
        return fail(err, errlen, "-accel: out of memory");
    if (!kv_split(arg, l)) {
        fail(err, errlen, "-accel %s: too long or too many parameters", arg);
        goto out;
    }
    if (!strcmp(l->kv[0].key, "kvm") && !l->kv[0].val) {
        rc = opt_accel_kvm(o, arg, l, err, errlen);
        goto out;
    }
    if (strcmp(l->kv[0].key, "dbt") || l->kv[0].val) {
        fail(err, errlen, "-accel %s: unknown accelerator (use dbt or kvm)", arg);
        goto out;
    }
    for (int i = 1; i < l->n; i++) {
        const KV *kv = &l->kv[i];
        int b;
        if (strcmp(kv->key, "inline")) {
            fail(err, errlen, "-accel %s: unknown parameter '%s' (dbt takes inline=on|off)", arg, kv->key);
            goto out;
        }
        /* A bare "inline" means on, like QEMU's boolean shorthand. */
        b = kv->val ? parse_onoff(kv->val) : 1;
        if (b < 0) {
            fail(err, errlen, "-accel %s: inline must be on or off", arg);
            goto out;
        }
        inl = b;
    }
    o->inline_code = inl;
    o->kvm = false;
    rc = 0;
out:
    free(l);
    return rc;
}

static int add_debugcon(Options *o, ParseState *st, const char *what, uint16_t port,
                        const char *spec, bool from_device, char *err, size_t errlen)
{
    for (int i = 0; i < o->n_debugcon; i++) {
        if (o->debugcon[i].port == port)
            return fail(err, errlen, "%s: port 0x%x already has a debug console", what, port);
    }
    if (o->n_debugcon == OPT_MAX_DEBUGCON)
        return fail(err, errlen, "%s: at most %d debug consoles", what, OPT_MAX_DEBUGCON);
    o->debugcon[o->n_debugcon].port = port;
    strcpy(o->debugcon[o->n_debugcon].spec, spec);
    st->debugcon_from_device[o->n_debugcon] = from_device;
    o->n_debugcon++;
    return 0;
}

static void device_help(FILE *f)
{
    fputs("Devices for -device (others are built into the board):\n"
          "isa-debugcon,iobase=N,chardev=ID   debug console on port N (default 0xe9)\n"
          "isa-debug-exit[,iobase=0xf4][,iosize=N]\n"
          "                                   exit port; always present at 0xf4\n"
          "isa-vga                            the standard VGA on the ISA bus instead of\n"
          "                                   PCI (frame buffer at 0xE0000000)\n", f);
}

/* -device isa-debugcon,... | -device isa-debug-exit,... */
static int opt_device(Options *o, ParseState *st, const char *arg, char *err, size_t errlen)
{
    KVList *l = malloc(sizeof *l);
    const char *drv;
    int rc = -1;

    if (!l)
        return fail(err, errlen, "-device: out of memory");
    if (!kv_split(arg, l)) {
        fail(err, errlen, "-device %s: too long or too many parameters", arg);
        goto out;
    }
    drv = l->kv[0].key;
    if (l->kv[0].val || !drv[0]) {
        fail(err, errlen, "-device %s: must start with a device name (try -device help)", arg);
        goto out;
    }
    if (!strcmp(drv, "help")) {
        device_help(stdout);
        rc = 1;
        goto out;
    }
    if (!strcmp(drv, "isa-debugcon")) {
        unsigned long long port = OPT_DEBUGCON_PORT;
        const char *chr = NULL;
        char spec[OPT_ID_MAX + 8];
        for (int i = 1; i < l->n; i++) {
            const KV *kv = &l->kv[i];
            if (!kv->val) {
                fail(err, errlen, "-device %s: '%s' needs a value", arg, kv->key);
                goto out;
            }
            if (!strcmp(kv->key, "iobase")) {
                if (!parse_num(kv->val, 0xffff, &port)) {
                    fail(err, errlen, "-device %s: iobase must be a port number 0..0xffff", arg);
                    goto out;
                }
            } else if (!strcmp(kv->key, "chardev")) {
                chr = kv->val;
            } else {
                fail(err, errlen, "-device %s: unknown parameter '%s' for isa-debugcon", arg, kv->key);
                goto out;
            }
        }
        if (!chr || !chr[0]) {
            fail(err, errlen, "-device %s: isa-debugcon needs chardev=ID", arg);
            goto out;
        }
        if (strlen(chr) >= OPT_ID_MAX) {
            fail(err, errlen, "-device %s: chardev id too long", arg);
            goto out;
        }
        snprintf(spec, sizeof spec, "chardev:%s", chr);
        rc = add_debugcon(o, st, "-device isa-debugcon", (uint16_t)port, spec, true, err, errlen);
        goto out;
    }
    if (!strcmp(drv, "isa-debug-exit")) {
        /* The board always has the exit port at 0xF4 (pc.h exit_port);
         * QEMU scripts name it explicitly, so accept the usual spelling and
         * refuse only a port the board does not provide. */
        for (int i = 1; i < l->n; i++) {
            const KV *kv = &l->kv[i];
            unsigned long long v;
            if (!kv->val) {
                fail(err, errlen, "-device %s: '%s' needs a value", arg, kv->key);
                goto out;
            }
            if (!strcmp(kv->key, "iobase")) {
                if (!parse_num(kv->val, 0xffff, &v) || v != OPT_EXIT_PORT) {
                    fail(err, errlen, "-device %s: the exit port is fixed at iobase=0xf4", arg);
                    goto out;
                }
            } else if (!strcmp(kv->key, "iosize")) {
                if (!parse_num(kv->val, 4, &v) || v == 0) {
                    fail(err, errlen, "-device %s: iosize must be 1, 2 or 4", arg);
                    goto out;
                }
            } else {
                fail(err, errlen, "-device %s: unknown parameter '%s' for isa-debug-exit", arg, kv->key);
                goto out;
            }
        }
        o->exit_port = true;
        rc = 0;
        goto out;
    }
    if (!strcmp(drv, "isa-vga")) {
        /* QEMU's isa-vga (used with -vga none): devices/pc_vga_isa.c. */
        if (l->n > 1) {
            fail(err, errlen, "-device %s: isa-vga takes no parameters", arg);
            goto out;
        }
        o->isa_vga = true;
        rc = 0;
        goto out;
    }
    fail(err, errlen, "-device %s: unknown device '%s' (try -device help)", arg, drv);
out:
    free(l);
    return rc;
}

/* -d help: the items of translator/trace.h. */
static const struct {
    const char *name;
    const char *what;
} log_items[] = {
    { "in_asm", "each guest block when it is translated (disassembly)" },
    { "out_asm", "each guest instruction followed by the host code it became" },
    { "exec", "every block entry (CS:EIP)" },
    { "int", "every interrupt and exception delivered" },
    { "cpu", "the CPU registers before each block runs" },
};

static void log_help(FILE *f)
{
    fputs("Log items (comma separated, for -d; output goes to stderr or the -D file):\n", f);
    for (size_t i = 0; i < sizeof log_items / sizeof log_items[0]; i++)
        fprintf(f, "%-8s %s\n", log_items[i].name, log_items[i].what);
}

/* ---------------------------------------------------------------------- */
/* The table of options                                                     */

enum {
    O_HELP, O_VERSION, O_M, O_BIOS, O_SERIAL, O_DEBUGCON, O_CHARDEV, O_DEVICE,
    O_ICOUNT, O_ACCEL, O_DISPLAY, O_NOGRAPHIC, O_D, O_DFILE, O_NOREBOOT,
    O_SNAPSHOT, O_GDB, O_FREEZE, O_KERNEL, O_INITRD, O_APPEND, O_MONITOR, O_LOADVM, O_GDBDEV,
    O_FW_CFG,
    O_VGA,
    O_ENABLE_KVM,
    O_DEBUGGER,
    O_DISK,
    O_FULL_SCREEN,
};

static const struct {
    const char *name;
    int id;
    bool arg;
} opt_table[] = {
    { "h", O_HELP, false },        { "help", O_HELP, false },
    { "V", O_VERSION, false },     { "version", O_VERSION, false },
    { "m", O_M, true },            { "bios", O_BIOS, true },
    { "serial", O_SERIAL, true },  { "debugcon", O_DEBUGCON, true },
    { "chardev", O_CHARDEV, true }, { "device", O_DEVICE, true },
    { "icount", O_ICOUNT, true },  { "accel", O_ACCEL, true },
    { "display", O_DISPLAY, true }, { "nographic", O_NOGRAPHIC, false },
    { "d", O_D, true },            { "D", O_DFILE, true },
    { "fw_cfg", O_FW_CFG, true },
    { "no-reboot", O_NOREBOOT, false }, { "snapshot", O_SNAPSHOT, false },
    { "s", O_GDB, false },         { "S", O_FREEZE, false },
    { "kernel", O_KERNEL, true },  { "initrd", O_INITRD, true },
    { "append", O_APPEND, true },  { "monitor", O_MONITOR, true },
    { "loadvm", O_LOADVM, true },
    { "gdb", O_GDBDEV, true },
    { "vga", O_VGA, true },
    { "enable-kvm", O_ENABLE_KVM, false },
    { "debugger", O_DEBUGGER, true },
    /* Disks: frontend/options_disk.c */
    { "fda", O_DISK, true },       { "fdb", O_DISK, true },
    { "hda", O_DISK, true },       { "hdb", O_DISK, true },
    { "hdc", O_DISK, true },       { "hdd", O_DISK, true },
    { "cdrom", O_DISK, true },     { "drive", O_DISK, true },
    { "boot", O_DISK, true },
    { "full-screen", O_FULL_SCREEN, false },
};

void options_usage(FILE *f)
{
    fprintf(f,
"usage: xlat86 [options]\n"
"       xlat86 bench [--quick] [--no-qemu] [--csv F] [--png F] [WORKLOAD...]\n"
"                (ns per operation per engine: xlat86 bench --help)\n"
"xlat86 %s: a PC/AT emulator that translates guest x86 code to x86-64 code\n"
"Options use QEMU's spelling; '--option' works as well as '-option'.\n"
"\n"
"Standard options:\n"
"-h, --help              print this help and exit\n"
"-V, --version           print the version and exit\n"
"\n"
"Machine:\n"
"-m SIZE                 guest RAM in MiB, 1..3072; suffix M or G (default 128)\n"
"-vga std|none           standard VGA with Bochs VBE (default), or no VGA\n"
"-display none           no display window (the VGA still runs: monitor screendump)\n"
"-display sdl            SDL2 window (default with a VGA and $DISPLAY set);\n"
"                        Ctrl+Alt+F full screen, Ctrl+Alt+G grab/release\n"
"-display curses         the VGA's text modes in the terminal\n"
"-full-screen            start the SDL window in full screen\n"
"-nographic              no display; COM1 on the terminal unless -serial is given\n"
"-no-reboot              stop instead of resetting on reboot or triple fault\n"
"-snapshot               never write disk images: guest writes stay in memory\n"
"-icount [shift=]N[,sleep=on|off]  virtual ns = instructions << N (N 0..10):\n"
"                        reproducible; sleep=on (default) lets an idle guest's time\n"
"                        follow the host's, sleep=off jumps straight to the next timer\n"
"\n"
"Firmware:\n"
"-bios FILE              BIOS ROM image (default: Debian's SeaBIOS,\n"
"                        /usr/share/seabios/bios.bin; with -kernel the demo ROM)\n"
"-fw_cfg name=NAME,file=FILE | name=NAME,string=STR\n"
"                        add a fw_cfg file for the firmware (as QEMU)\n"
"-kernel FILE            boot a Linux bzImage or a Multiboot kernel directly\n"
"-initrd FILE[,FILE...]  initial ramdisk (Linux: concatenated; Multiboot: modules)\n"
"-append CMDLINE         the kernel command line\n"
"\n"
"Disks (raw images; a writable image is locked against other users):\n"
"-fda/-fdb FILE          floppy drive A/B (160K..2.88M, geometry from the size)\n"
"-hda/-hdb/-hdc/-hdd FILE  IDE hard disk: primary master/slave, secondary ...\n"
"-cdrom FILE             IDE CD-ROM (secondary master, as -hdc)\n"
"-drive file=F[,if=ide|floppy][,index=N][,media=disk|cdrom][,format=raw]\n"
"       [,readonly=on|off][,snapshot=on|off][,bootindex=N]\n"
"                        bootindex: the drive's rank in fw_cfg bootorder,\n"
"                        before -boot order (QEMU: -device ...,bootindex=N)\n"
"-boot [order=]LETTERS[,menu=on|off]  boot order: a floppy, c disk, d CD-ROM,\n"
"                        n network (default cad)\n"
"\n"
"Character devices (SPEC: stdio | file:PATH | null | none | chardev:ID):\n"
"-serial SPEC            next serial port, COM1 then COM2 (default: COM1 stdio)\n"
"-debugcon SPEC          debug console on port 0xe9 (default: none)\n"
"-chardev file,id=ID,path=PATH\n"
"                        define character device ID writing to the file PATH\n"
"-chardev stdio,id=ID    define character device ID on the terminal\n"
"-chardev null,id=ID     define character device ID that discards output\n"
"-device isa-debugcon,iobase=N,chardev=ID\n"
"                        debug console on port N (decimal or 0x hex, def. 0xe9)\n"
"-device isa-debug-exit[,iobase=0xf4][,iosize=N]\n"
"                        accepted: the exit port is always present at 0xf4\n"
"                        (QEMU isa-debug-exit: a guest write ends the run)\n"
"-device isa-vga         the VGA on the ISA bus instead of PCI 00:02.0 (SeaBIOS\n"
"                        runs its video BIOS from fw_cfg vgaroms/, as QEMU)\n"
"-device help            list the devices -device accepts\n"
"\n"
"Accelerator:\n"
"-accel dbt[,inline=on|off]\n"
"                        binary translation (default); inline=off routes every\n"
"                        instruction through the C reference helpers\n"
"-accel kvm[,kernel-irqchip=on|off]\n"
"                        hardware virtualisation through /dev/kvm on the same\n"
"                        board; kernel-irqchip=on uses KVM's PIC and PIT instead\n"
"                        of the board's (default off); not with -icount\n"
"-enable-kvm             the same as -accel kvm\n"
"\n"
"Debugging:\n"
"-monitor SPEC           QEMU's human monitor (HMP) on SPEC: stdio (not with a\n"
"                        serial port on stdio), unix:PATH,server,nowait (or\n"
"                        server=on,wait=off; without nowait the run waits for\n"
"                        the first client), or none (default); see docs/MONITOR.md\n"
"-debugger tui           the full-screen debugger on the terminal (docs/DEBUGGER.md)\n"
"-S                      start with the CPU stopped (the monitor's cont starts it)\n"
"-loadvm FILE            start from the machine state saved in FILE (monitor\n"
"                        `savevm FILE`); QEMU's -loadvm/savevm/loadvm take a\n"
"                        snapshot tag in a qcow2 disk, xlat86's take a file path\n"
"-d ITEM[,ITEM...]       log in_asm, out_asm, exec, int, cpu (-d help lists them)\n"
"-D FILE                 write the -d log to FILE instead of stderr\n"
"-s                      GDB stub on tcp::1234 (shorthand for -gdb tcp::1234)\n"
"-gdb SPEC               GDB remote stub on tcp::PORT, tcp:HOST:PORT or unix:PATH\n"
"\n"
"Exit status: the guest's (exit port), 0 when the machine stops normally,\n"
"2 for a bad command line or firmware image.\n",
            XLAT86_VERSION);
}

static void set_defaults(Options *o)
{
    memset(o, 0, sizeof *o);
    o->ram_mib = OPT_RAM_DEFAULT_MIB;
    o->exit_port = true;
    o->inline_code = true;
    o->boot_menu = -1;
}

int parse_options(int argc, char **argv, Options *out, char *err, size_t errlen)
{
    ParseState *st;
    int rc = 0;

    if (err && errlen)
        err[0] = '\0';
    set_defaults(out);
    /* About 35 KB of chardev definitions: keep them off the stack. */
    st = calloc(1, sizeof *st);
    if (!st)
        return fail(err, errlen, "out of memory");

    for (int i = 1; i < argc && rc == 0; i++) {
        const char *a = argv[i];
        const char *name, *arg = NULL;
        size_t k, nopts = sizeof opt_table / sizeof opt_table[0];

        if (a[0] != '-' || !a[1]) {
            rc = fail(err, errlen, "%s: unexpected argument (options start with '-'; try --help)", a);
            break;
        }
        name = a + 1;
        if (name[0] == '-')   /* --help, --m 128: QEMU accepts both */
            name++;
        for (k = 0; k < nopts; k++) {
            if (!strcmp(opt_table[k].name, name))
                break;
        }
        if (k == nopts) {
            rc = fail(err, errlen, "%s: unknown option (try --help)", a);
            break;
        }
        if (opt_table[k].arg) {
            if (i + 1 >= argc) {
                rc = fail(err, errlen, "%s: missing argument", a);
                break;
            }
            arg = argv[++i];
        }

        switch (opt_table[k].id) {
        case O_HELP:
            options_usage(stdout);
            rc = 1;
            break;
        case O_VERSION:
            printf("xlat86 %s\n", XLAT86_VERSION);
            rc = 1;
            break;
        case O_M:
            rc = opt_ram(out, arg, err, errlen);
            break;
        case O_BIOS:
            if (!arg[0])
                rc = fail(err, errlen, "-bios: empty file name");
            else
                out->bios_path = arg;
            break;
        case O_SERIAL:
            if (out->n_serial == OPT_MAX_SERIAL) {
                rc = fail(err, errlen, "-serial %s: at most %d serial ports (COM1, COM2)", arg,
                          OPT_MAX_SERIAL);
                break;
            }
            if (!strcmp(arg, "mon:stdio"))
                out->mux_stdio = true;   /* the monitor multiplexed with it */
            rc = parse_spec("-serial", arg, out->serial[out->n_serial], err, errlen);
            if (rc == 0)
                out->n_serial++;
            break;
        case O_DEBUGCON: {
            char spec[OPT_SPEC_MAX];
            rc = parse_spec("-debugcon", arg, spec, err, errlen);
            if (rc == 0 && spec[0])   /* "none": no device */
                rc = add_debugcon(out, st, "-debugcon", OPT_DEBUGCON_PORT, spec, false, err, errlen);
            break;
        }
        case O_CHARDEV:
            rc = opt_chardev(st, arg, err, errlen);
            break;
        case O_DEVICE:
            rc = opt_device(out, st, arg, err, errlen);
            break;
        case O_ICOUNT:
            rc = opt_icount(out, arg, err, errlen);
            break;
        case O_ACCEL:
            rc = opt_accel(out, arg, err, errlen);
            break;
        case O_DISPLAY:
            if (!strcmp(arg, "none"))
                out->display = OPT_DISPLAY_NONE;
            else if (!strcmp(arg, "sdl"))
                out->display = OPT_DISPLAY_SDL;
            else if (!strcmp(arg, "curses"))
                out->display = OPT_DISPLAY_CURSES;
            else
                rc = fail(err, errlen, "-display %s: not available (use sdl, curses or none)", arg);
            break;
        case O_VGA:
            if (!strcmp(arg, "std"))
                out->no_vga = false;
            else if (!strcmp(arg, "none"))
                out->no_vga = true;
            else
                rc = fail(err, errlen, "-vga %s: unknown VGA type (use std or none)", arg);
            break;
        case O_FULL_SCREEN:
            out->full_screen = true;
            break;
        case O_NOGRAPHIC:
            /* No display, serial on the terminal: the default COM1 already
             * is stdio when no -serial is given, and there is no display. */
            out->nographic = true;
            break;
        case O_DEBUGGER:
            if (strcmp(arg, "tui"))
                rc = fail(err, errlen, "-debugger %s: unknown debugger (use tui)", arg);
            else
                out->debugger_tui = true;
            break;
        case O_MONITOR: {
            MonitorSpec ms;
            char why[256];
            if (!monitor_parse_spec(arg, &ms, why, sizeof why))
                rc = fail(err, errlen, "-monitor %s: %s", arg, why);
            else
                out->monitor = ms.kind == MONITOR_NONE ? NULL : arg;
            break;
        }
        case O_FREEZE:
            out->start_paused = true;
            break;
        case O_LOADVM:
            if (!arg[0])
                rc = fail(err, errlen, "-loadvm: empty file name");
            else
                out->loadvm = arg;
            break;
        case O_D: {
            char bad[64];
            if (!strcmp(arg, "help")) {
                log_help(stdout);
                rc = 1;
            } else if (trace_parse(arg, &out->trace_mask, bad, sizeof bad) < 0) {
                rc = fail(err, errlen, "-d %s: unknown log item '%s' (try -d help)", arg, bad);
            }
            break;
        }
        case O_DFILE:
            if (!arg[0])
                rc = fail(err, errlen, "-D: empty file name");
            else
                out->trace_path = arg;
            break;
        case O_NOREBOOT:
            out->no_reboot = true;
            break;
        case O_FW_CFG:
            rc = opt_fw_cfg(out, arg, err, errlen);
            break;
        case O_SNAPSHOT:
            out->snapshot = true;
            break;
        case O_KERNEL:
            if (!arg[0])
                rc = fail(err, errlen, "-kernel: empty file name");
            else
                out->kernel_path = arg;
            break;
        case O_INITRD:
            if (!arg[0])
                rc = fail(err, errlen, "-initrd: empty file name");
            else
                out->initrd = arg;
            break;
        case O_APPEND:
            out->append = arg;
            break;
        case O_GDB:
            out->gdb = "tcp::1234";
            break;
        case O_GDBDEV: {
            char why[256];
            if (!gdbstub_parse_spec(arg, NULL, why, sizeof why))
                rc = fail(err, errlen, "-gdb %s: %s", arg, why);
            else
                out->gdb = arg;
            break;
        }
        case O_ENABLE_KVM:
            out->kvm = true;
            break;
        case O_DISK:
            rc = opt_disk(out, name, arg, err, errlen);
            break;
        }
    }

    /* KVM runs the guest at the host's pace: it cannot count guest
     * instructions, so there is no instruction-driven clock. */
    if (rc == 0 && out->kvm && out->icount)
        rc = fail(err, errlen, "-icount: not with -accel kvm (KVM cannot count guest instructions; "
                               "use -accel dbt for a deterministic clock)");
    if (rc == 0)
        rc = opt_disk_finish(out, err, errlen);
    if (rc == 0 && !out->kernel_path && out->initrd)
        rc = fail(err, errlen, "-initrd %s: only allowed with -kernel", out->initrd);
    if (rc == 0 && !out->kernel_path && out->append)
        rc = fail(err, errlen, "-append: only allowed with -kernel");
    if (rc == 0) {
        /* QEMU's default: COM1 on the terminal unless -serial was given;
         * with the monitor on the terminal (and no -nographic), QEMU's COM1
         * goes to a display console instead: here it discards its output. */
        bool mon_stdio = out->monitor && !strcmp(out->monitor, "stdio");
        /* -display curses owns the terminal: COM1 goes nowhere (QEMU: a
         * console inside the display). */
        bool curses = out->display == OPT_DISPLAY_CURSES;
        if (out->n_serial == 0)
            strcpy(out->serial[0], (mon_stdio && !out->nographic) || curses ? "null" : "stdio");
        for (int i = 0; i < out->n_serial && rc == 0; i++) {
            char what[OPT_SPEC_MAX + 16];
            snprintf(what, sizeof what, "-serial %s", out->serial[i]);
            rc = resolve_spec(st, out->serial[i], what, err, errlen);
        }
        for (int i = 0; i < out->n_debugcon && rc == 0; i++) {
            char what[OPT_SPEC_MAX + 32];
            if (st->debugcon_from_device[i])
                snprintf(what, sizeof what, "-device isa-debugcon,chardev=%s", out->debugcon[i].spec + 8);
            else
                snprintf(what, sizeof what, "-debugcon %s", out->debugcon[i].spec);
            rc = resolve_spec(st, out->debugcon[i].spec, what, err, errlen);
        }
        /* One reader of the terminal: with a serial port there too, the
         * monitor and the port share it (QEMU's mux, Ctrl-A c). */
        for (int i = 0; mon_stdio && rc == 0 && i < OPT_MAX_SERIAL; i++) {
            if (!strcmp(out->serial[i], "stdio"))
                out->mux_stdio = true;
        }
        if (rc == 0 && out->mux_stdio && !out->monitor)
            out->monitor = "stdio";   /* -serial mon:stdio */
        if (out->mux_stdio && strcmp(out->monitor, "stdio"))
            out->mux_stdio = false;   /* mon:stdio with the monitor elsewhere */
        if (rc == 0 && out->debugger_tui && out->monitor && !strcmp(out->monitor, "stdio"))
            rc = fail(err, errlen, "-debugger tui: the terminal is the TUI's; use -monitor unix:PATH,server,nowait "
                      "(or the monitor's tui command without -debugger)");
        for (int i = 0; mon_stdio && rc == 0 && i < out->n_debugcon; i++) {
            if (!strcmp(out->debugcon[i].spec, "stdio"))
                rc = fail(err, errlen, "-monitor stdio: the terminal is already a debug console's "
                          "(port 0x%x); use -debugcon file:PATH", out->debugcon[i].port);
        }
        /* -display curses: nothing else may read or write the terminal. */
        for (int i = 0; curses && rc == 0 && i < out->n_serial; i++)
            if (!strcmp(out->serial[i], "stdio"))
                rc = fail(err, errlen, "-serial stdio: the terminal is -display curses'");
        for (int i = 0; curses && rc == 0 && i < out->n_debugcon; i++)
            if (!strcmp(out->debugcon[i].spec, "stdio"))
                rc = fail(err, errlen, "-debugcon stdio: the terminal is -display curses'");
        if (curses && rc == 0 && (mon_stdio || out->nographic))
            rc = fail(err, errlen, "%s: the terminal is -display curses'",
                      mon_stdio ? "-monitor stdio" : "-nographic");
    }
    free(st);
    return rc;
}
