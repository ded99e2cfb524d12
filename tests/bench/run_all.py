#!/usr/bin/env python3
"""run_all.py BUILD GUEST-INFO: the measuring half of run-all.sh (see there).

Runs every (workload, engine) cell REPS times, one process at a time, and
prints medians. GUEST-INFO is build-linux-guest.sh's output (bzimage=...,
initramfs=...) or empty (no Linux rows)."""
import os, re, select, shutil, statistics, subprocess, sys, tempfile, time

BUILD, GUEST = sys.argv[1], sys.argv[2]
REPS = int(os.environ.get("REPS", "3"))
ONLY = os.environ.get("ONLY", "bench mix paging kern boot md5sum").split()
# NOINLINE=0 leaves out the inline=off rows (the helpers-only mode takes
# minutes per workload).
NOINLINE = os.environ.get("NOINLINE", "1") != "0"
QEMU = shutil.which(os.environ.get("QEMU", "qemu-system-i386"))
XLAT86 = os.path.join(BUILD, "xlat86")
BENCH = os.path.join(BUILD, "tests", "bench")
TMP = tempfile.mkdtemp(prefix="runall.")
ok = True


def load():
    return os.getloadavg()[0]


def gnu_time(cmd, out_file):
    """Run cmd under /usr/bin/time -v; return (wall, user+sys, maxrss KiB, status)."""
    tf = os.path.join(TMP, "time.txt")
    p = subprocess.run(["/usr/bin/time", "-v", "-o", tf] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    txt = open(tf).read()
    def field(name):
        m = re.search(re.escape(name) + r":\s*(\S+)", txt)
        return m.group(1) if m else "0"
    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    secs = 0.0
    for part in wall.split(":"):
        secs = secs * 60 + float(part)
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    status = p.returncode
    m = re.search(r"Command exited with non-zero status (\d+)", txt)
    if m:
        status = int(m.group(1))
    return secs, cpu, int(field("Maximum resident set size (kbytes)")), status


def checksum(path):
    try:
        lines = [l for l in open(path, errors="replace").read().splitlines() if l.startswith("checksum ")]
    except OSError:
        return None
    return lines[-1].split()[1] if lines else None


def rom_cmds(img):
    out = os.path.join(TMP, "con.txt")
    if img.endswith(".elf"):
        return kernel_cmds(img, out)
    xl = [XLAT86, "-bios", img, "-display", "none", "-serial", "none",
          "-debugcon", "file:" + out, "-m", "16", "-accel"]
    cmds = [("xlat86", xl + ["dbt"])] + ([("xlat86-inline=off", xl + ["dbt,inline=off"])] if NOINLINE else [])
    if QEMU:
        cmds.append(("qemu-tcg", [QEMU, "-accel", "tcg", "-M", "isapc", "-cpu", "pentium3",
                                  "-nodefaults", "-m", "16", "-display", "none", "-bios", img,
                                  "-debugcon", "file:" + out,
                                  "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]))
    return out, cmds


def kernel_cmds(elf, out):
    """A Multiboot kernel workload: -kernel on both, 64 MiB, QEMU -M pc."""
    xl = [XLAT86, "-kernel", elf, "-display", "none", "-serial", "none",
          "-debugcon", "file:" + out, "-m", "64", "-accel"]
    cmds = [("xlat86", xl + ["dbt"])] + ([("xlat86-inline=off", xl + ["dbt,inline=off"])] if NOINLINE else [])
    if QEMU:
        cmds.append(("qemu-tcg", [QEMU, "-accel", "tcg", "-M", "pc", "-nodefaults", "-m", "64",
                                  "-display", "none", "-kernel", elf, "-debugcon", "file:" + out,
                                  "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]))
    return out, cmds


def rom_rows(name, img, native=None):
    """One workload: list of (engine, wall, cpu, rss, checksum)."""
    global ok
    rows = []
    if not os.path.exists(img):
        print("%s: %s not built (gcc-multilib?), skipped" % (name, img))
        return rows
    out, cmds = rom_cmds(img)
    if native and os.path.exists(native):
        cmds.insert(0, ("native", [native]))
    for eng, cmd in cmds:
        runs, sums = [], set()
        for _ in range(REPS):
            if os.path.exists(out):
                os.unlink(out)
            if eng == "native":
                tf = os.path.join(TMP, "native.txt")
                with open(tf, "w") as f:
                    t0 = time.time()
                    p = subprocess.Popen(["/usr/bin/time", "-v", "-o", os.path.join(TMP, "time.txt")] + cmd,
                                         stdout=f, stderr=subprocess.DEVNULL)
                    p.wait()
                wall, cpu, rss, st = gnu_time_parse(os.path.join(TMP, "time.txt"), p.returncode)
                st = 1 if st == 0 else st   # a host main() returns 0, the ROMs exit 1
                s = checksum(tf)
            else:
                wall, cpu, rss, st = gnu_time(["timeout", "900"] + cmd, out)
                s = checksum(out)
            if st != 1 or not s:
                print("%s/%s: exit status %d, checksum %s" % (name, eng, st, s))
                ok = False
            sums.add(s)
            runs.append((wall, cpu, rss))
        rows.append((eng, statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs),
                     max(r[2] for r in runs), ",".join(sorted(x or "none" for x in sums))))
    if len(set(r[4] for r in rows)) > 1:
        print("%s: MISMATCH between engines: %s" % (name, ", ".join("%s=%s" % (r[0], r[4]) for r in rows)))
        ok = False
    return rows


def gnu_time_parse(tf, rc):
    txt = open(tf).read()
    def field(n):
        m = re.search(re.escape(n) + r":\s*(\S+)", txt)
        return m.group(1) if m else "0"
    secs = 0.0
    for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
        secs = secs * 60 + float(part)
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    return secs, cpu, int(field("Maximum resident set size (kbytes)")), rc


def wait_for(p, pat, limit):
    buf = b""
    t0 = time.time()
    while time.time() - t0 < limit:
        r, _, _ = select.select([p.stdout], [], [], 0.5)
        if r:
            d = os.read(p.stdout.fileno(), 65536)
            if not d:
                break
            buf += d
            if pat in buf:
                return time.time()
    return None


def linux_rows():
    info = dict(l.split("=", 1) for l in GUEST.splitlines() if "=" in l)
    bz, rd = info.get("bzimage"), info.get("initramfs")
    if not bz or not rd:
        print("boot/md5sum: no Linux guest (scripts/build-linux-guest.sh failed), skipped")
        return [], []
    append = "console=ttyS0 nokaslr quiet"
    common = ["-kernel", bz, "-initrd", rd, "-m", "256", "-append", append,
              "-serial", "stdio", "-display", "none", "-no-reboot"]
    engines = [("xlat86", [XLAT86] + common + ["-accel", "dbt"])]
    if NOINLINE:
        engines.append(("xlat86-inline=off", [XLAT86] + common + ["-accel", "dbt,inline=off"]))
    if QEMU:
        engines.append(("qemu-tcg", [QEMU, "-accel", "tcg", "-M", "pc", "-nodefaults"] + common))
    boot, md5 = [], []
    cmd = b"dd if=/dev/zero bs=1024 count=8192 2>/dev/null | md5sum; echo DONE-$((6*7))\n"
    for eng, args in engines:
        b_runs, m_runs, rss = [], [], 0
        for _ in range(REPS):
            t0 = time.time()
            p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            t = wait_for(p, b"xlat86# ", 600)
            if t:
                b_runs.append(t - t0)
                time.sleep(0.5)
                t1 = time.time()
                p.stdin.write(cmd)
                p.stdin.flush()
                t2 = wait_for(p, b"DONE-42", 600)
                if t2:
                    m_runs.append(t2 - t1)
            p.kill()
            _, _, ru = os.wait4(p.pid, 0)
            rss = max(rss, ru.ru_maxrss)
        med = lambda v: statistics.median(v) if v else None
        boot.append((eng, med(b_runs), None, rss, ""))
        md5.append((eng, med(m_runs), None, rss, ""))
    t0 = time.time()
    subprocess.run("dd if=/dev/zero bs=1024 count=8192 2>/dev/null | md5sum", shell=True,
                   stdout=subprocess.DEVNULL)
    md5.insert(0, ("native", time.time() - t0, None, 0, ""))
    return boot, md5


def show(name, rows):
    t = dict((r[0], r) for r in rows)
    q, n = t.get("qemu-tcg"), t.get("native")
    for eng, wall, cpu, rss, _ in rows:
        def ratio(ref, i):
            if not ref or ref[i] is None or not ref[i] or (wall if i == 1 else cpu) is None:
                return "-"
            return "%.2f" % ((wall if i == 1 else cpu) / ref[i])
        print("%-8s %-18s %9s %9s %9s %9s %8s %8s" % (
            name, eng, "%.2f" % wall if wall is not None else "fail",
            "%.2f" % cpu if cpu is not None else "-",
            ratio(q, 1) if eng != "qemu-tcg" else "-", ratio(n, 1) if eng != "native" else "-",
            ratio(q, 2) if eng != "qemu-tcg" and cpu is not None else "-",
            "%d" % (rss // 1024) if rss else "-"))


print("run-all: %d runs per cell, medians; load average %.1f at start (%d CPUs)"
      % (REPS, load(), os.cpu_count() or 0))
table = []
if "bench" in ONLY:
    table.append(("bench", rom_rows("bench", os.path.join(BENCH, "bench.bin"))))
if "mix" in ONLY:
    table.append(("mix", rom_rows("mix", os.path.join(BENCH, "mix.bin"), os.path.join(BENCH, "mix-native"))))
if "paging" in ONLY:
    table.append(("paging", rom_rows("paging", os.path.join(BENCH, "paging.bin"))))
if "kern" in ONLY:
    table.append(("kern", rom_rows("kern", os.path.join(BENCH, "kern.elf"), os.path.join(BENCH, "kern-native"))))
if "boot" in ONLY or "md5sum" in ONLY:
    b, m = linux_rows()
    table.append(("boot", b))
    table.append(("md5sum", m))
print("%-8s %-18s %9s %9s %9s %9s %8s %8s" % ("workload", "engine", "wall s", "cpu s",
                                               "/qemu", "/native", "cpu/qemu", "RSS MiB"))
for name, rows in table:
    show(name, rows)
print("load average %.1f at the end; wall times under load are inflated: compare cpu s" % load())
print("checksums agree" if ok else "MISMATCH or failed run (see above)")
shutil.rmtree(TMP, ignore_errors=True)
sys.exit(0 if ok else 1)
