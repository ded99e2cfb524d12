/* bench.c - `xlat86 bench [OPTIONS] [WORKLOAD...]`: the same guest under
 * every engine, one run after the other, as nanoseconds per operation.
 *
 * Micro-workloads (tests/bench/micro/micro.asm, one ROM per operation and
 * iteration count): each engine runs the ROM with OP and the empty loop
 * with the same count; ns/op = (t(OP) - t(empty)) / N, so process start-up
 * and the loop itself cancel out. A small count is tried first and the
 * large one used when the small run is too short to measure. `cpu` is the
 * CPU-bound C workload (tests/bench/bench.bin) in wall seconds, with its
 * native twin (bench-native: the same C source built for the host).
 * Engines: xlat86 itself (fork/exec of /proc/self/exe) with -accel dbt,
 * dbt,inline=off, kvm and kvm,kernel-irqchip=on (when /dev/kvm is usable),
 * and qemu-system-i386
 * -M isapc with TCG and KVM when installed. Prints a table, writes CSV and,
 * with gnuplot installed, a PNG bar chart (bench_chart.c).
 */
#define _GNU_SOURCE
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SMALL_N 20000
#define LARGE_N 2000000
#define SHORT_S 0.25          /* a small run shorter than this: use LARGE_N */

static const char *const micro_ops[] = {"io", "mmio", "int", "cpuid", "movcr3", "pf", "smc", "arith"};
#define N_MICRO (int)(sizeof micro_ops / sizeof micro_ops[0])

typedef struct BenchOpts {
    char dir[PATH_MAX];       /* ROM directory (build/tests/bench) */
    const char *csv, *png;
    double timeout;
    bool quick;               /* SMALL_N only (CI) */
    bool no_qemu;
} BenchOpts;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Run argv with stdio on /dev/null. Returns the exit status (128+signal,
 * -1 on timeout or exec failure); *secs the wall time. */
static int run_timed(char *const argv[], double timeout, double *secs)
{
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int fd = open("/dev/null", O_RDWR);
        if (fd >= 0) {
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    int st = 0;
    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) break;
        if (r < 0 && errno != EINTR) return -1;
        if (now_s() - t0 > timeout) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            *secs = now_s() - t0;
            return -1;
        }
        usleep(2000);
    }
    *secs = now_s() - t0;
    if (WIFEXITED(st)) return WEXITSTATUS(st) == 127 ? -1 : WEXITSTATUS(st);
    return 128 + WTERMSIG(st);
}

typedef struct Eng {
    const char *name;
    bool qemu;
    const char *accel;
} Eng;

static const Eng all_engines[] = {
    {"dbt", false, "dbt"},
    {"dbt-inline-off", false, "dbt,inline=off"},
    {"kvm", false, "kvm"},
    {"kvm-irqchip", false, "kvm,kernel-irqchip=on"},
    {"qemu-tcg", true, "tcg"},
    {"qemu-kvm", true, "kvm"},
};
#define N_ENG (int)(sizeof all_engines / sizeof all_engines[0])

static bool have_kvm(void) { return access("/dev/kvm", R_OK | W_OK) == 0; }

static bool in_path(const char *prog)
{
    const char *p = getenv("PATH");
    char buf[PATH_MAX];
    while (p && *p) {
        const char *e = strchr(p, ':');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, prog);
        if (access(buf, X_OK) == 0) return true;
        p = e ? e + 1 : NULL;
    }
    return false;
}

/* One guest run of ROM under engine e: status 1 is the guest's own exit. */
static int run_rom(const Eng *e, const char *rom, double timeout, double *secs)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n < 0) return -1;
    self[n] = 0;
    if (e->qemu) {
        char *argv[] = {"qemu-system-i386", "-M", "isapc", "-nodefaults", "-m", "16", "-display", "none",
                        "-bios", (char *)rom, "-debugcon", "null", "-device",
                        "isa-debug-exit,iobase=0xf4,iosize=4", "-accel", (char *)e->accel, NULL};
        return run_timed(argv, timeout, secs);
    }
    char *argv[] = {self, "-bios", (char *)rom, "-display", "none", "-vga", "none", "-serial", "none",
                    "-debugcon", "null", "-m", "16", "-accel", (char *)e->accel, NULL};
    return run_timed(argv, timeout, secs);
}

static void micro_rom(const BenchOpts *o, char *out, size_t len, const char *op, long n)
{
    snprintf(out, len, "%s/micro/micro_%s_%ld.bin", o->dir, op, n);
}

/* ns per operation of op under e, or a negative status. */
static double micro_ns(const BenchOpts *o, const Eng *e, const char *op, long *iters, int *status)
{
    char rom[PATH_MAX + 64], base[PATH_MAX + 64];
    double t, tb;
    long n = SMALL_N;
    for (;;) {
        micro_rom(o, rom, sizeof rom, op, n);
        micro_rom(o, base, sizeof base, "empty", n);
        *status = run_rom(e, rom, o->timeout, &t);
        if (*status != 1) return -1;
        if (!o->quick && n == SMALL_N && t < SHORT_S) {
            n = LARGE_N;
            continue;
        }
        break;
    }
    int sb = run_rom(e, base, o->timeout, &tb);
    *iters = n;
    if (sb != 1) {
        *status = sb;
        return -1;
    }
    double ns = (t - tb) / (double)n * 1e9;
    return ns < 0 ? 0 : ns;
}

#ifndef XLAT86_SOURCE_DIR
#define XLAT86_SOURCE_DIR "."
#endif

/* The Linux boot (tests/bench/run-linux-bench.sh in the source tree): its
 * table is shown as it is and its seconds go to the CSV. KVM is not in it:
 * the development host's KVM cannot boot the i686 kernel. */
static void bench_linux(const BenchOpts *o, FILE *csv)
{
    char cmd[3 * PATH_MAX];
    snprintf(cmd, sizeof cmd, "sh '%s/tests/bench/run-linux-bench.sh' '%s/../..' 2>&1", XLAT86_SOURCE_DIR, o->dir);
    printf("linux (tests/bench/run-linux-bench.sh):\n");
    fflush(stdout);
    FILE *p = popen(cmd, "r");
    if (!p) {
        printf("  cannot run: %s\n", strerror(errno));
        return;
    }
    char line[512], name[64];
    double boot, work;
    while (fgets(line, sizeof line, p)) {
        printf("  %s", line);
        if (sscanf(line, "%63s %lfs %lfs", name, &boot, &work) == 3) {
            const char *eng = !strcmp(name, "xlat86") ? "dbt" : name;
            fprintf(csv, "linux-boot,%s,1,%d,%.3f,s\n", eng, boot < 0 ? -1 : 1, boot);
            fprintf(csv, "linux-md5sum,%s,1,%d,%.3f,s\n", eng, work < 0 ? -1 : 1, work);
        }
    }
    int st = pclose(p);
    if (st != 0) printf("  (run-linux-bench.sh failed: status %d)\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    printf("  kvm: not measured (run-linux-bench.sh covers dbt and QEMU TCG; see docs/VIRTUALISATION.md)\n");
}

static void usage(FILE *f)
{
    fprintf(f, "usage: xlat86 bench [--quick] [--no-qemu] [--dir DIR] [--csv FILE] [--png FILE]\n"
               "                    [--timeout SECONDS] [WORKLOAD...]\n"
               "workloads: io mmio int cpuid movcr3 pf smc arith (ns per operation), cpu (the C\n"
               "workload, seconds, with its native twin); default: all of them. linux (only\n"
               "when named): tests/bench/run-linux-bench.sh, boot to the shell under dbt and QEMU TCG\n");
}

static bool is_workload(const char *w)
{
    if (!strcmp(w, "cpu") || !strcmp(w, "linux")) return true;
    for (int i = 0; i < N_MICRO; i++)
        if (!strcmp(w, micro_ops[i])) return true;
    return false;
}

int bench_main(int argc, char **argv)
{
    BenchOpts o = {.csv = "bench.csv", .png = "bench.png", .timeout = 120};
    const char *work[N_MICRO + 1];
    int nwork = 0;
    char self[PATH_MAX];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    self[sl > 0 ? sl : 0] = 0;
    snprintf(o.dir, sizeof o.dir, "%s/tests/bench", dirname(self));
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--quick")) {
            o.quick = true;
        } else if (!strcmp(a, "--no-qemu")) {
            o.no_qemu = true;
        } else if (!strcmp(a, "--dir") && more) {
            snprintf(o.dir, sizeof o.dir, "%s", argv[++i]);
        } else if (!strcmp(a, "--csv") && more) {
            o.csv = argv[++i];
        } else if (!strcmp(a, "--png") && more) {
            o.png = argv[++i];
        } else if (!strcmp(a, "--timeout") && more) {
            char *end;
            o.timeout = strtod(argv[++i], &end);
            if (*end || o.timeout <= 0) {
                fprintf(stderr, "xlat86: bench: --timeout %s: not a positive number of seconds\n", argv[i]);
                return 2;
            }
        } else if (is_workload(a) && nwork <= N_MICRO) {
            work[nwork++] = a;
        } else {
            fprintf(stderr, "xlat86: bench: %s: unknown workload or option (xlat86 bench --help)\n", a);
            return 2;
        }
    }
    if (!nwork) {
        for (int i = 0; i < N_MICRO; i++) work[nwork++] = micro_ops[i];
        work[nwork++] = "cpu";
    }
    char probe[PATH_MAX + 64];
    micro_rom(&o, probe, sizeof probe, "empty", SMALL_N);
    if (access(probe, R_OK) != 0) {
        fprintf(stderr, "xlat86: bench: %s: no such ROM (build the tests, or --dir BUILD/tests/bench)\n", probe);
        return 2;
    }
    Eng eng[N_ENG];
    int neng = 0;
    bool qemu = !o.no_qemu && in_path("qemu-system-i386");
    for (int i = 0; i < N_ENG; i++) {
        const Eng *e = &all_engines[i];
        if (!strncmp(e->accel, "kvm", 3) && !have_kvm()) continue;
        if (e->qemu && !qemu) continue;
        eng[neng++] = *e;
    }
    FILE *csv = fopen(o.csv, "w");
    if (!csv) {
        fprintf(stderr, "xlat86: bench: %s: %s\n", o.csv, strerror(errno));
        return 2;
    }
    fprintf(csv, "workload,engine,iterations,status,value,unit\n");
    BenchTable tab = {.nengines = neng};
    for (int j = 0; j < neng; j++) tab.engines[j] = eng[j].name;
    bool any_micro = false;
    for (int w = 0; w < nwork; w++) any_micro |= strcmp(work[w], "cpu") && strcmp(work[w], "linux");
    if (any_micro) {
        printf("%-8s", "ns/op");
        for (int j = 0; j < neng; j++) printf(" %14s", eng[j].name);
        printf("\n");
    }
    for (int w = 0; w < nwork; w++) {
        if (!strcmp(work[w], "cpu") || !strcmp(work[w], "linux")) continue;
        printf("%-8s", work[w]);
        fflush(stdout);
        BenchRow *row = &tab.rows[tab.nrows++];
        snprintf(row->name, sizeof row->name, "%s", work[w]);
        for (int j = 0; j < neng; j++) {
            long n = 0;
            int st;
            double ns = micro_ns(&o, &eng[j], work[w], &n, &st);
            row->value[j] = ns;
            if (ns < 0) printf(" %14s", st < 0 ? "timeout" : "failed");
            else printf(" %14.1f", ns);
            fflush(stdout);
            fprintf(csv, "%s,%s,%ld,%d,%.3f,ns/op\n", work[w], eng[j].name, n, st, ns);
        }
        printf("\n");
    }
    for (int w = 0; w < nwork; w++) {
        if (strcmp(work[w], "cpu")) continue;
        char rom[PATH_MAX + 32], native[PATH_MAX + 32];
        snprintf(rom, sizeof rom, "%s/bench.bin", o.dir);
        snprintf(native, sizeof native, "%s/bench-native", o.dir);
        double tn = -1, t;
        char *nargv[] = {native, NULL};
        if (access(native, X_OK) == 0 && run_timed(nargv, o.timeout, &t) == 0) tn = t;
        printf("cpu (tests/bench/bench.bin), seconds: native %s", tn < 0 ? "n/a" : "");
        if (tn >= 0) printf("%.3f", tn);
        printf("\n");
        fprintf(csv, "cpu,native,1,%d,%.3f,s\n", tn < 0 ? -1 : 0, tn);
        if (access(rom, R_OK) != 0) {
            printf("  (no bench.bin: gcc -m32 missing at build time)\n");
            continue;
        }
        double ts[N_ENG], interp = -1;
        int sts[N_ENG];
        for (int j = 0; j < neng; j++) {
            sts[j] = run_rom(&eng[j], rom, o.timeout, &ts[j]);
            if (sts[j] == 1 && !strcmp(eng[j].name, "dbt-inline-off")) interp = ts[j];
        }
        for (int j = 0; j < neng; j++) {
            if (sts[j] == 1) {
                printf("  %-16s %8.3f s  %8.1fx native", eng[j].name, ts[j], tn > 0 ? ts[j] / tn : 0);
                if (interp > 0) printf("  %6.1fx faster than inline=off", interp / ts[j]);
                printf("\n");
            } else {
                printf("  %-16s %8s\n", eng[j].name, sts[j] < 0 ? "timeout" : "failed");
            }
            fprintf(csv, "cpu,%s,1,%d,%.3f,s\n", eng[j].name, sts[j], sts[j] == 1 ? ts[j] : -1);
        }
    }
    for (int w = 0; w < nwork; w++)
        if (!strcmp(work[w], "linux")) bench_linux(&o, csv);
    fclose(csv);
    printf("CSV: %s\n", o.csv);
    if (tab.nrows) {
        char err[256];
        if (bench_chart(&tab, o.png, err, sizeof err)) printf("PNG: %s\n", o.png);
        else printf("no chart: %s\n", err);
    }
    return 0;
}
