/* test_options.c - the command-line parser (frontend/options.c) as a pure
 * function: every option, every default, and every error, checking that
 * the error line names the option the user got wrong. Also trace_parse()
 * from translator/trace.c, which -d uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "monitor.h"
#include "options.h"
#include "trace.h"

static Options opt;   /* large: static */
static char err[1024];

/* parse("-m", "64", NULL): argv[0] is the program name. */
static int parse(const char *first, ...)
{
    char *argv[64];
    int argc = 0;
    va_list ap;

    argv[argc++] = (char *)"xlat86";
    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *)) {
        assert_true(argc < 63);
        argv[argc++] = (char *)a;
    }
    va_end(ap);
    argv[argc] = NULL;
    memset(err, 0x55, sizeof err);
    err[sizeof err - 1] = '\0';
    return parse_options(argc, argv, &opt, err, sizeof err);
}

/* The call failed with one line that mentions `needle`. */
#define assert_fails_naming(needle, ...)                                      \
    do {                                                                       \
        assert_int_equal(parse(__VA_ARGS__, NULL), -1);                        \
        if (!strstr(err, needle))                                              \
            fail_msg("error '%s' does not name '%s'", err, needle);            \
        assert_null(strchr(err, '\n'));                                        \
        assert_true(strncmp(err, "xlat86:", 7) != 0);                          \
    } while (0)

static void test_defaults(void **state)
{
    (void)state;
    assert_int_equal(parse(NULL), 0);
    assert_int_equal(opt.ram_mib, 128);
    assert_null(opt.bios_path);
    assert_int_equal(opt.n_serial, 0);
    assert_string_equal(opt.serial[0], "stdio");
    assert_string_equal(opt.serial[1], "");
    assert_int_equal(opt.n_debugcon, 0);
    assert_true(opt.exit_port);
    assert_false(opt.icount);
    assert_true(opt.inline_code);
    assert_false(opt.no_reboot);
    assert_false(opt.snapshot);
    assert_int_equal(opt.trace_mask, 0);
    assert_null(opt.trace_path);
}

static void test_ram(void **state)
{
    (void)state;
    assert_int_equal(parse("-m", "256", NULL), 0);
    assert_int_equal(opt.ram_mib, 256);
    assert_int_equal(parse("-m", "512M", NULL), 0);
    assert_int_equal(opt.ram_mib, 512);
    assert_int_equal(parse("-m", "64m", NULL), 0);
    assert_int_equal(opt.ram_mib, 64);
    assert_int_equal(parse("-m", "1G", NULL), 0);
    assert_int_equal(opt.ram_mib, 1024);
    assert_int_equal(parse("-m", "3g", NULL), 0);
    assert_int_equal(opt.ram_mib, 3072);
    assert_int_equal(parse("-m", "1", NULL), 0);
    assert_int_equal(opt.ram_mib, 1);
    assert_int_equal(parse("-m", "3072", NULL), 0);
    assert_int_equal(opt.ram_mib, 3072);
    assert_int_equal(parse("-m", "size=32M", NULL), 0);
    assert_int_equal(opt.ram_mib, 32);
    assert_int_equal(parse("--m", "16", NULL), 0);
    assert_int_equal(opt.ram_mib, 16);
    /* The last -m wins, as in QEMU. */
    assert_int_equal(parse("-m", "16", "-m", "48", NULL), 0);
    assert_int_equal(opt.ram_mib, 48);
}

static void test_ram_errors(void **state)
{
    (void)state;
    assert_fails_naming("-m abc", "-m", "abc");
    assert_fails_naming("-m 0", "-m", "0");
    assert_fails_naming("-m 3073", "-m", "3073");
    assert_fails_naming("-m 4G", "-m", "4G");
    assert_fails_naming("-m 12X", "-m", "12X");
    assert_fails_naming("-m -5", "-m", "-5");
    assert_fails_naming("-m M", "-m", "M");
    assert_fails_naming("-m 99999999999999999999999", "-m", "99999999999999999999999");
    assert_fails_naming("-m 0x10", "-m", "0x10");
    assert_fails_naming("-m: missing argument", "-m");
    assert_int_equal(parse("-m", "", NULL), -1);
    assert_non_null(strstr(err, "-m"));
    assert_int_equal(parse("-m", "3073", NULL), -1);
    assert_non_null(strstr(err, "1..3072"));
}

static void test_bios(void **state)
{
    (void)state;
    assert_int_equal(parse("-bios", "/tmp/rom.bin", NULL), 0);
    assert_string_equal(opt.bios_path, "/tmp/rom.bin");
    assert_fails_naming("-bios", "-bios");
    assert_fails_naming("-bios", "-bios", "");
}

static void test_serial(void **state)
{
    (void)state;
    assert_int_equal(parse("-serial", "file:/tmp/com1.txt", NULL), 0);
    assert_int_equal(opt.n_serial, 1);
    assert_string_equal(opt.serial[0], "file:/tmp/com1.txt");
    assert_string_equal(opt.serial[1], "");

    assert_int_equal(parse("-serial", "none", "-serial", "stdio", NULL), 0);
    assert_int_equal(opt.n_serial, 2);
    assert_string_equal(opt.serial[0], "");
    assert_string_equal(opt.serial[1], "stdio");

    assert_int_equal(parse("-serial", "mon:stdio", NULL), 0);
    assert_string_equal(opt.serial[0], "stdio");
    assert_int_equal(parse("-serial", "null", NULL), 0);
    assert_string_equal(opt.serial[0], "null");

    assert_fails_naming("-serial", "-serial", "stdio", "-serial", "null", "-serial", "none");
    assert_fails_naming("-serial tty", "-serial", "tty");
    assert_fails_naming("-serial file:", "-serial", "file:");
    assert_fails_naming("-serial chardev:", "-serial", "chardev:");
    assert_fails_naming("-serial", "-serial");
}

static void test_nographic_display(void **state)
{
    (void)state;
    assert_int_equal(parse("-nographic", NULL), 0);
    assert_string_equal(opt.serial[0], "stdio");
    assert_int_equal(parse("-nographic", "-serial", "file:/tmp/x", NULL), 0);
    assert_string_equal(opt.serial[0], "file:/tmp/x");
    assert_int_equal(parse("-display", "none", NULL), 0);
    assert_int_equal(parse("-display", "sdl", NULL), 0);
    assert_int_equal(opt.display, OPT_DISPLAY_SDL);
    assert_int_equal(parse("-display", "curses", NULL), 0);
    assert_int_equal(opt.display, OPT_DISPLAY_CURSES);
    assert_string_equal(opt.serial[0], "null");          /* the terminal is the display's */
    assert_int_equal(parse("-display", "curses", "-serial", "stdio", NULL), -1);
    assert_int_equal(parse("-display", "curses", "-nographic", NULL), -1);
    assert_fails_naming("-display vnc", "-display", "vnc");
    assert_int_equal(parse("-display", "gtk", NULL), -1);
    assert_non_null(strstr(err, "not available"));
    assert_fails_naming("-display", "-display");
}

static void test_debugcon(void **state)
{
    (void)state;
    assert_int_equal(parse("-debugcon", "stdio", NULL), 0);
    assert_int_equal(opt.n_debugcon, 1);
    assert_int_equal(opt.debugcon[0].port, 0xe9);
    assert_string_equal(opt.debugcon[0].spec, "stdio");

    assert_int_equal(parse("-debugcon", "file:/tmp/dbg.log", NULL), 0);
    assert_string_equal(opt.debugcon[0].spec, "file:/tmp/dbg.log");

    assert_int_equal(parse("-debugcon", "none", NULL), 0);
    assert_int_equal(opt.n_debugcon, 0);

    assert_fails_naming("-debugcon bogus", "-debugcon", "bogus");
    /* Two consoles cannot share port 0xe9. */
    assert_fails_naming("-debugcon", "-debugcon", "stdio", "-debugcon", "null");
    assert_fails_naming("-debugcon", "-debugcon");
}

static void test_chardev_and_debugcon_device(void **state)
{
    (void)state;
    assert_int_equal(parse("-chardev", "file,id=dbg,path=/tmp/out.txt",
                           "-device", "isa-debugcon,iobase=0x402,chardev=dbg", NULL), 0);
    assert_int_equal(opt.n_debugcon, 1);
    assert_int_equal(opt.debugcon[0].port, 0x402);
    assert_string_equal(opt.debugcon[0].spec, "file:/tmp/out.txt");

    /* Order does not matter; decimal iobase; default iobase 0xe9. */
    assert_int_equal(parse("-device", "isa-debugcon,chardev=c,iobase=233",
                           "-chardev", "stdio,id=c", NULL), 0);
    assert_int_equal(opt.debugcon[0].port, 0xe9);
    assert_string_equal(opt.debugcon[0].spec, "stdio");
    assert_int_equal(parse("-chardev", "null,id=n", "-device", "isa-debugcon,chardev=n", NULL), 0);
    assert_int_equal(opt.debugcon[0].port, 0xe9);
    assert_string_equal(opt.debugcon[0].spec, "null");

    /* ",," is a literal comma in a value (QemuOpts). */
    assert_int_equal(parse("-chardev", "file,path=/tmp/a,,b,id=x", "-serial", "chardev:x", NULL), 0);
    assert_string_equal(opt.serial[0], "file:/tmp/a,b");

    /* One chardev used by two devices, and -debugcon chardev:ID. */
    assert_int_equal(parse("-chardev", "file,id=log,path=/tmp/l", "-debugcon", "chardev:log",
                           "-device", "isa-debugcon,iobase=0x403,chardev=log", NULL), 0);
    assert_int_equal(opt.n_debugcon, 2);
    assert_string_equal(opt.debugcon[0].spec, "file:/tmp/l");
    assert_string_equal(opt.debugcon[1].spec, "file:/tmp/l");
    assert_int_equal(opt.debugcon[1].port, 0x403);
}

static void test_chardev_errors(void **state)
{
    (void)state;
    assert_fails_naming("-chardev", "-chardev");
    assert_fails_naming("-chardev file,id=x", "-chardev", "file,id=x");
    assert_fails_naming("-chardev file,id=x,path=", "-chardev", "file,id=x,path=");
    assert_fails_naming("-chardev stdio", "-chardev", "stdio");
    assert_fails_naming("-chardev stdio,id=", "-chardev", "stdio,id=");
    assert_fails_naming("-chardev pty,id=x", "-chardev", "pty,id=x");
    assert_fails_naming("-chardev stdio,id=x,signal=off", "-chardev", "stdio,id=x,signal=off");
    assert_fails_naming("-chardev stdio,id=x,path=/tmp/y", "-chardev", "stdio,id=x,path=/tmp/y");
    assert_fails_naming("-chardev id=x", "-chardev", "id=x");
    assert_fails_naming("-chardev stdio,id", "-chardev", "stdio,id");
    assert_fails_naming("-chardev null,id=a", "-chardev", "stdio,id=a", "-chardev", "null,id=a");
    assert_non_null(strstr(err, "already defined"));
    /* Referenced but never defined. */
    assert_fails_naming("-device isa-debugcon", "-device", "isa-debugcon,chardev=nope");
    assert_non_null(strstr(err, "'nope'"));
    assert_non_null(strstr(err, "not defined"));
    assert_fails_naming("-serial chardev:nope", "-serial", "chardev:nope");
    assert_fails_naming("-debugcon chardev:nope", "-debugcon", "chardev:nope");
}

static void test_device_errors(void **state)
{
    (void)state;
    assert_fails_naming("-device isa-debugcon", "-device", "isa-debugcon");
    assert_fails_naming("-device isa-debugcon,iobase=0x10000", "-chardev", "null,id=n",
                        "-device", "isa-debugcon,iobase=0x10000,chardev=n");
    assert_fails_naming("-device isa-debugcon,iobase=zz", "-device", "isa-debugcon,iobase=zz,chardev=n");
    assert_fails_naming("-device isa-debugcon,foo=1", "-device", "isa-debugcon,foo=1");
    assert_fails_naming("-device e1000", "-device", "e1000");
    assert_fails_naming("-device iobase=1", "-device", "iobase=1");
    assert_fails_naming("-device", "-device");
}

static void test_debug_exit(void **state)
{
    (void)state;
    assert_int_equal(parse("-device", "isa-debug-exit", NULL), 0);
    assert_true(opt.exit_port);
    assert_int_equal(parse("-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", NULL), 0);
    assert_int_equal(parse("-device", "isa-debug-exit,iobase=244,iosize=1", NULL), 0);
    assert_fails_naming("-device isa-debug-exit,iobase=0x501", "-device", "isa-debug-exit,iobase=0x501");
    assert_fails_naming("-device isa-debug-exit,iosize=8", "-device", "isa-debug-exit,iosize=8");
    assert_fails_naming("-device isa-debug-exit,bar=1", "-device", "isa-debug-exit,bar=1");
}

static void test_icount(void **state)
{
    (void)state;
    assert_int_equal(parse("-icount", "5", NULL), 0);
    assert_true(opt.icount);
    assert_int_equal(opt.icount_shift, 5);
    assert_int_equal(parse("-icount", "shift=0", NULL), 0);
    assert_true(opt.icount);
    assert_int_equal(opt.icount_shift, 0);
    assert_int_equal(parse("-icount", "shift=10", NULL), 0);
    assert_int_equal(opt.icount_shift, 10);
    assert_fails_naming("-icount 11", "-icount", "11");
    assert_fails_naming("-icount shift=auto", "-icount", "shift=auto");
    assert_fails_naming("-icount abc", "-icount", "abc");
    assert_fails_naming("-icount -1", "-icount", "-1");
    assert_fails_naming("-icount", "-icount");
}

static void test_accel(void **state)
{
    (void)state;
    assert_int_equal(parse("-accel", "dbt", NULL), 0);
    assert_true(opt.inline_code);
    assert_int_equal(parse("-accel", "dbt,inline=off", NULL), 0);
    assert_false(opt.inline_code);
    assert_int_equal(parse("-accel", "dbt,inline=on", NULL), 0);
    assert_true(opt.inline_code);
    assert_int_equal(parse("--accel", "dbt,inline=off", "-accel", "dbt", NULL), 0);
    assert_true(opt.inline_code);

    assert_int_equal(parse("-accel", "kvm", NULL), 0);
    assert_true(opt.kvm);
    assert_false(opt.kvm_irqchip);
    assert_int_equal(parse("-accel", "kvm,kernel-irqchip=on", NULL), 0);
    assert_true(opt.kvm_irqchip);
    assert_int_equal(parse("-enable-kvm", NULL), 0);
    assert_true(opt.kvm);
    assert_int_equal(parse("-accel", "kvm", "-accel", "dbt", NULL), 0);
    assert_false(opt.kvm);
    assert_fails_naming("-accel kvm,kernel-irqchip=maybe", "-accel", "kvm,kernel-irqchip=maybe");
    assert_fails_naming("-accel kvm,inline=off", "-accel", "kvm,inline=off");
    assert_int_equal(parse("-accel", "kvm", "-icount", "0", NULL), -1);
    assert_non_null(strstr(err, "-icount"));
    assert_fails_naming("-accel tcg", "-accel", "tcg");
    assert_fails_naming("-accel dbt,inline=maybe", "-accel", "dbt,inline=maybe");
    assert_fails_naming("-accel dbt,foo=1", "-accel", "dbt,foo=1");
    assert_fails_naming("-accel", "-accel");
}

static void test_trace_options(void **state)
{
    (void)state;
    assert_int_equal(parse("-d", "in_asm,out_asm,exec,int,cpu", NULL), 0);
    assert_int_equal(opt.trace_mask, TRACE_IN_ASM | TRACE_OUT_ASM | TRACE_EXEC | TRACE_INT | TRACE_CPU);
    assert_int_equal(parse("-d", "int", NULL), 0);
    assert_int_equal(opt.trace_mask, TRACE_INT);
    assert_int_equal(parse("-d", "exec,cpu", "-D", "/tmp/log.txt", NULL), 0);
    assert_int_equal(opt.trace_mask, TRACE_EXEC | TRACE_CPU);
    assert_string_equal(opt.trace_path, "/tmp/log.txt");

    assert_fails_naming("-d in_asm,bogus", "-d", "in_asm,bogus");
    assert_non_null(strstr(err, "'bogus'"));
    assert_fails_naming("-d", "-d", "");
    assert_fails_naming("-d", "-d");
    assert_fails_naming("-D", "-D");
    assert_fails_naming("-D", "-D", "");

    assert_int_equal(parse("-d", "help", NULL), 1);
}

static void test_misc_flags(void **state)
{
    (void)state;
    assert_int_equal(parse("-no-reboot", "-snapshot", NULL), 0);
    assert_true(opt.no_reboot);
    assert_true(opt.snapshot);
    assert_int_equal(parse("--no-reboot", NULL), 0);
    assert_true(opt.no_reboot);

    /* -s is -gdb tcp::1234 (QEMU); -gdb takes QEMU's tcp/unix forms. */
    assert_int_equal(parse("-s", NULL), 0);
    assert_string_equal(opt.gdb, "tcp::1234");
    assert_int_equal(parse("-gdb", "tcp::4321", NULL), 0);
    assert_string_equal(opt.gdb, "tcp::4321");
    assert_int_equal(parse("-gdb", "unix:/tmp/g.sock", NULL), 0);
    assert_string_equal(opt.gdb, "unix:/tmp/g.sock");
    assert_fails_naming("-gdb", "-gdb");
    assert_fails_naming("-gdb", "-gdb", "tcp:nohostport", NULL);
    assert_non_null(strstr(err, "use tcp::PORT"));
    assert_fails_naming("-gdb", "-gdb", "tcp::70000", NULL);
    assert_non_null(strstr(err, "bad port"));
}

static void test_monitor(void **state)
{
    (void)state;
    assert_int_equal(parse(NULL), 0);
    assert_null(opt.monitor);
    assert_false(opt.start_paused);
    assert_null(opt.loadvm);

    assert_int_equal(parse("-monitor", "unix:/tmp/m.sock,server,nowait", NULL), 0);
    assert_string_equal(opt.monitor, "unix:/tmp/m.sock,server,nowait");
    assert_string_equal(opt.serial[0], "stdio");
    assert_int_equal(parse("-monitor", "unix:/tmp/m.sock,server=on,wait=off", NULL), 0);
    assert_int_equal(parse("--monitor", "unix:m.sock,server", NULL), 0);
    assert_int_equal(parse("-monitor", "none", NULL), 0);
    assert_null(opt.monitor);
    /* The last -monitor wins, as in QEMU's single-monitor use. */
    assert_int_equal(parse("-monitor", "stdio", "-monitor", "none", NULL), 0);
    assert_null(opt.monitor);

    /* stdio: the terminal belongs to the monitor, the default COM1 is
     * discarded (QEMU sends it to a display console). */
    assert_int_equal(parse("-monitor", "stdio", NULL), 0);
    assert_string_equal(opt.monitor, "stdio");
    assert_string_equal(opt.serial[0], "null");
    assert_int_equal(parse("-monitor", "stdio", "-serial", "file:/tmp/s", NULL), 0);
    assert_string_equal(opt.serial[0], "file:/tmp/s");
    assert_int_equal(parse("-nographic", "-serial", "null", "-monitor", "stdio", NULL), 0);
    assert_false(opt.mux_stdio);
    /* A serial port on the terminal too: QEMU's mux (Ctrl-A c). */
    assert_int_equal(parse("-monitor", "stdio", "-serial", "stdio", NULL), 0);
    assert_true(opt.mux_stdio);
    assert_int_equal(parse("-serial", "null", "-serial", "stdio", "-monitor", "stdio", NULL), 0);
    assert_true(opt.mux_stdio);
    assert_int_equal(parse("-nographic", "-monitor", "stdio", NULL), 0);
    assert_true(opt.mux_stdio);
    assert_int_equal(parse("-chardev", "stdio,id=c", "-serial", "chardev:c", "-monitor", "stdio", NULL), 0);
    assert_true(opt.mux_stdio);
    assert_int_equal(parse("-serial", "mon:stdio", NULL), 0);
    assert_true(opt.mux_stdio);
    assert_string_equal(opt.monitor, "stdio");
    assert_int_equal(parse("-serial", "mon:stdio", "-monitor", "unix:/tmp/m.sock,server,nowait", NULL), 0);
    assert_false(opt.mux_stdio);
    assert_int_equal(parse("-serial", "stdio", NULL), 0);
    assert_false(opt.mux_stdio);
    assert_fails_naming("-monitor stdio", "-serial", "null", "-debugcon", "stdio", "-monitor", "stdio");

    assert_fails_naming("-monitor foo", "-monitor", "foo");
    assert_non_null(strstr(err, "unknown monitor"));
    assert_fails_naming("-monitor unix:", "-monitor", "unix:");
    assert_fails_naming("-monitor unix:/tmp/x", "-monitor", "unix:/tmp/x");
    assert_non_null(strstr(err, "server"));
    assert_fails_naming("'bogus'", "-monitor", "unix:/tmp/x,server,bogus");
    assert_fails_naming("wait", "-monitor", "unix:/tmp/x,server,wait=maybe");
    assert_fails_naming("-monitor", "-monitor");
    {
        char longpath[200];
        memset(longpath, 'a', sizeof longpath);
        memcpy(longpath, "unix:", 5);
        longpath[sizeof longpath - 1] = '\0';
        assert_fails_naming("too long", "-monitor", longpath);
    }

    assert_int_equal(parse("-S", NULL), 0);
    assert_true(opt.start_paused);
    assert_int_equal(parse("-loadvm", "state.bin", "-S", NULL), 0);
    assert_string_equal(opt.loadvm, "state.bin");
    assert_true(opt.start_paused);
    assert_fails_naming("-loadvm", "-loadvm", "");
    assert_fails_naming("-loadvm", "-loadvm");
}

static void test_monitor_spec(void **state)
{
    MonitorSpec ms;
    char why[128];
    (void)state;
    assert_true(monitor_parse_spec("none", &ms, why, sizeof why));
    assert_int_equal(ms.kind, MONITOR_NONE);
    assert_true(monitor_parse_spec("stdio", &ms, why, sizeof why));
    assert_int_equal(ms.kind, MONITOR_STDIO);
    assert_true(monitor_parse_spec("unix:/tmp/a b,server,nowait", &ms, why, sizeof why));
    assert_int_equal(ms.kind, MONITOR_UNIX);
    assert_string_equal(ms.path, "/tmp/a b");
    assert_false(ms.wait);
    assert_true(monitor_parse_spec("unix:s,server=on,wait=off", &ms, why, sizeof why));
    assert_string_equal(ms.path, "s");
    assert_false(ms.wait);
    assert_true(monitor_parse_spec("unix:s,server", &ms, why, sizeof why));
    assert_true(ms.wait);   /* QEMU's default: wait for the first client */
    assert_true(monitor_parse_spec("unix:s,nowait,server", &ms, why, sizeof why));
    assert_false(ms.wait);
    assert_false(monitor_parse_spec("unix:s,server=off,nowait", &ms, why, sizeof why));
    assert_false(monitor_parse_spec("tcp::4444,server,nowait", &ms, why, sizeof why));
    assert_non_null(strstr(why, "unknown monitor"));
    assert_null(strchr(why, '\n'));
}

static void test_help_version(void **state)
{
    (void)state;
    assert_int_equal(parse("-h", NULL), 1);
    assert_int_equal(parse("--help", NULL), 1);
    assert_int_equal(parse("-help", NULL), 1);
    assert_int_equal(parse("-V", NULL), 1);
    assert_int_equal(parse("--version", NULL), 1);
    assert_int_equal(parse("-version", NULL), 1);
    assert_int_equal(parse("-device", "help", NULL), 1);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    assert_fails_naming("-frobnicate", "-frobnicate");
    assert_non_null(strstr(err, "unknown option"));
    assert_fails_naming("--frobnicate", "--frobnicate");
    assert_fails_naming("disk.img", "disk.img");
    assert_fails_naming("-:", "-");
    /* An error later on the line still reports the bad option, and the
     * good options before it do not matter. */
    assert_fails_naming("-x", "-m", "64", "-x");
}

static void test_trace_parse(void **state)
{
    unsigned m = 0xdead;
    char bad[8];
    (void)state;
    assert_int_equal(trace_parse("in_asm", &m, bad, sizeof bad), 0);
    assert_int_equal(m, TRACE_IN_ASM);
    assert_int_equal(trace_parse("cpu,cpu,exec", &m, bad, sizeof bad), 0);
    assert_int_equal(m, TRACE_CPU | TRACE_EXEC);
    m = 7;
    assert_int_equal(trace_parse("exec,in_asmx", &m, bad, sizeof bad), -1);
    assert_string_equal(bad, "in_asmx");
    assert_int_equal(m, 7);   /* untouched on error */
    assert_int_equal(trace_parse("in_asm,,cpu", &m, bad, sizeof bad), -1);
    assert_string_equal(bad, "");
    /* A long bad item is truncated to fit. */
    assert_int_equal(trace_parse("averyveryverylongitem", &m, bad, sizeof bad), -1);
    assert_string_equal(bad, "averyve");
    assert_int_equal(trace_parse("int", &m, NULL, 0), 0);
    assert_int_equal(m, TRACE_INT);
    assert_non_null(trace_file);   /* stderr before anyone sets it */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_ram),
        cmocka_unit_test(test_ram_errors),
        cmocka_unit_test(test_bios),
        cmocka_unit_test(test_serial),
        cmocka_unit_test(test_nographic_display),
        cmocka_unit_test(test_debugcon),
        cmocka_unit_test(test_chardev_and_debugcon_device),
        cmocka_unit_test(test_chardev_errors),
        cmocka_unit_test(test_device_errors),
        cmocka_unit_test(test_debug_exit),
        cmocka_unit_test(test_icount),
        cmocka_unit_test(test_accel),
        cmocka_unit_test(test_trace_options),
        cmocka_unit_test(test_misc_flags),
        cmocka_unit_test(test_monitor),
        cmocka_unit_test(test_monitor_spec),
        cmocka_unit_test(test_help_version),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_trace_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
