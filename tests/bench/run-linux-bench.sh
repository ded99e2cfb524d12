#!/bin/sh
# run-linux-bench.sh [BUILD_DIR]
# Linux boot benchmark: wall time from start to the busybox shell prompt
# for xlat86 (inline on) and qemu-system-i386 TCG (when installed), with the
# same kernel, initramfs and command line (direct -kernel boot), one after
# the other; then a CPU-bound command inside each guest (busybox md5sum over
# 8 MiB generated in the guest), timed from the host. Prints a table with
# the ratios. Never part of ctest: no timed assertions.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-build}
GUEST=$("$HERE/../../scripts/build-linux-guest.sh") || exit 2
BZ=$(echo "$GUEST" | sed -n 's/^bzimage=//p')
RD=$(echo "$GUEST" | sed -n 's/^initramfs=//p')
exec python3 - "$BUILD/xlat86" "$BZ" "$RD" <<'PY'
import os, select, shutil, subprocess, sys, time
xlat86, bz, rd = sys.argv[1:4]
APPEND = "console=ttyS0 nokaslr quiet"
engines = [("xlat86", [xlat86, "-kernel", bz, "-initrd", rd, "-m", "256", "-append", APPEND,
                       "-serial", "stdio", "-display", "none", "-no-reboot"])]
q = shutil.which("qemu-system-i386")
if q:
    engines.append(("qemu-tcg", [q, "-accel", "tcg", "-kernel", bz, "-initrd", rd, "-m", "256",
                                 "-append", APPEND, "-serial", "stdio", "-display", "none",
                                 "-no-reboot", "-nodefaults"]))
def wait_for(p, pat, limit):
    buf = b""; t0 = time.time()
    while time.time() - t0 < limit:
        r, _, _ = select.select([p.stdout], [], [], 0.5)
        if r:
            d = os.read(p.stdout.fileno(), 65536)
            if not d: break
            buf += d
            if pat in buf: return time.time()
    return None
rows = []
for name, args in engines:
    t0 = time.time()
    p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    t = wait_for(p, b"xlat86# ", 600)
    boot = (t - t0) if t else None
    work = None
    if t:
        time.sleep(0.5)
        t1 = time.time()
        p.stdin.write(b"dd if=/dev/zero bs=1024 count=8192 2>/dev/null | md5sum; echo DONE-$((6*7))\n"); p.stdin.flush()
        t2 = wait_for(p, b"DONE-42", 600)
        work = (t2 - t1) if t2 else None
    p.kill(); p.wait()
    rows.append((name, boot, work))
ref = dict((n, (b, w)) for n, b, w in rows).get("qemu-tcg")
print("%-10s %12s %16s" % ("engine", "boot to shell", "md5sum 8 MiB"))
for n, b, w in rows:
    print("%-10s %11.2fs %15.2fs" % (n, b or -1, w or -1))
if ref and rows[0][1] and ref[0]:
    print("xlat86 boot time / qemu: %.2fx; md5sum time / qemu: %.2fx" % (rows[0][1] / ref[0], (rows[0][2] or 0) / (ref[1] or 1)))
PY
