#!/bin/sh
# linux-boot-test.sh XLAT86 [--long]
# Boots Debian's i686 kernel with the project's busybox initramfs (built by
# scripts/build-linux-guest.sh, cached outside the repo) on COM1, drives
# the shell over the serial line and checks:
#   uname -a                 a Linux i686 kernel answers
#   cat /proc/cpuinfo        the CPU is listed, with an FPU
#   cat /proc/interrupts     the timer interrupt is counting
#   md5sum /testdata.bin     same digest as the host's copy of the file
#   date +%s                 within a minute of the host clock (RTC)
#   awk (floating point)     same output as the host's awk
#   poweroff -f              ACPI soft-off: xlat86 exits with status 0
# --long adds a few slower commands (a shell loop, /proc walks, dmesg).
#
# Environment: XLAT86_ICOUNT=N runs with -icount N (then guest time follows
# instructions, and the date check is skipped); BOOT_TIMEOUT (s, default
# 900) bounds the boot, CMD_TIMEOUT (s, default 300) each command;
# XLAT86_MEM (MiB, default 256); SERIAL_LOG=FILE keeps the console output
# (default: a temporary file, printed on failure).
# Exit status: 0 pass, 1 fail, 2 usage or missing guest files.
set -u
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 XLAT86 [--long]" >&2
    exit 2
fi
XLAT86=$1
LONG=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
GUEST=$("$HERE/../../scripts/build-linux-guest.sh") || {
    echo "FAIL: could not build the Linux guest (scripts/build-linux-guest.sh)" >&2
    exit 2
}
BZIMAGE=$(echo "$GUEST" | sed -n 's/^bzimage=//p')
INITRAMFS=$(echo "$GUEST" | sed -n 's/^initramfs=//p')
TESTFILE=$(echo "$GUEST" | sed -n 's/^testfile=//p')
for f in "$XLAT86" "$BZIMAGE" "$INITRAMFS" "$TESTFILE"; do
    [ -e "$f" ] || { echo "FAIL: $f does not exist" >&2; exit 2; }
done

exec python3 - "$XLAT86" "$BZIMAGE" "$INITRAMFS" "$TESTFILE" "$LONG" <<'EOF'
import hashlib, os, re, select, subprocess, sys, tempfile, time

xlat86, bzimage, initramfs, testfile, long_mode = sys.argv[1:6]
icount = os.environ.get("XLAT86_ICOUNT")
boot_timeout = float(os.environ.get("BOOT_TIMEOUT", "900"))
cmd_timeout = float(os.environ.get("CMD_TIMEOUT", "300"))
mem = os.environ.get("XLAT86_MEM", "256")
log_path = os.environ.get("SERIAL_LOG") or tempfile.mktemp(prefix="linux-boot-", suffix=".log")
PROMPT = "xlat86# "

args = [xlat86, "-kernel", bzimage, "-initrd", initramfs, "-m", mem,
        "-append", "console=ttyS0 earlyprintk=serial,ttyS0,115200 nokaslr panic=-1 loglevel=6",
        "-serial", "stdio", "-display", "none", "-no-reboot"]
if icount is not None:
    args += ["-icount", icount]
print("running:", " ".join(args), flush=True)
t_start = time.time()
p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT, bufsize=0)
log = open(log_path, "wb")
buf = ""        # console text not consumed yet
failures = []

def finish(ok, why=""):
    if p.poll() is None:
        p.kill()
        p.wait()
    log.close()
    if not ok:
        print("FAIL:", why)
        print("--- last console output (%s):" % log_path)
        data = open(log_path, "rb").read()[-4000:]
        print(data.decode("utf-8", "replace"))
        sys.exit(1)
    print("PASS (%.0f s)" % (time.time() - t_start))
    sys.exit(0)

def read_until(pattern, timeout):
    """Read console output until the regex matches; returns the text before
    the match and consumes through it."""
    global buf
    deadline = time.time() + timeout
    rx = re.compile(pattern)
    while True:
        m = rx.search(buf)
        if m:
            before = buf[:m.start()]
            buf = buf[m.end():]
            return before
        if "Kernel panic" in buf:
            finish(False, "kernel panic")
        left = deadline - time.time()
        if left <= 0:
            finish(False, "timed out waiting for %r" % pattern)
        r, _, _ = select.select([p.stdout], [], [], min(left, 1.0))
        if r:
            data = os.read(p.stdout.fileno(), 65536)
            if not data:
                finish(False, "xlat86 exited (status %s) waiting for %r" % (p.wait(), pattern))
            log.write(data)
            log.flush()
            buf += data.decode("utf-8", "replace").replace("\r", "")

echo_on = True

def run(cmd, timeout=None):
    """Type a command, return its output (without the echoed command line)."""
    p.stdin.write((cmd + "\n").encode())
    p.stdin.flush()
    out = read_until(re.escape(PROMPT), timeout or cmd_timeout)
    lines = out.split("\n")
    if echo_on and lines:
        lines = lines[1:]
    return "\n".join(lines).strip("\n")

def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures.append(what)

read_until(r"xlat86 Linux guest", boot_timeout)
print("booted to /init in %.0f s" % (time.time() - t_start), flush=True)
read_until(re.escape(PROMPT), cmd_timeout)
# Without ECHO busybox's shell reads plain lines: no echo, no line-editing
# escape sequences around long commands.
run("stty -echo")
echo_on = False

out = run("uname -a")
check(re.search(r"^Linux xlat86 \S+ .* i686", out, re.M) is not None, "uname -a: " + out)
out = run("cat /proc/cpuinfo")
check("vendor_id" in out and re.search(r"^fpu\s*: yes", out, re.M) is not None,
      "/proc/cpuinfo lists the CPU with an FPU")
out = run("cat /proc/interrupts")
m = re.search(r"^\s*0:\s+(\d+)", out, re.M)
check(m is not None and int(m.group(1)) > 0, "/proc/interrupts: IRQ0 count %s" % (m.group(1) if m else "?"))
want = hashlib.md5(open(testfile, "rb").read()).hexdigest()
out = run("md5sum /testdata.bin")
check(out.split()[:1] == [want], "md5sum %s (host %s)" % (out.split()[:1], want))
out = run("date +%s")
# -icount runs with sleep=on: an idle guest's clock keeps pace with the host.
if True:
    try:
        delta = abs(int(out.strip()) - time.time())
    except ValueError:
        delta = 1e9
    check(delta < 60, "date: guest %s, host %d" % (out.strip(), time.time()))
else:
    pass
# Debian's busybox awk is built without libm (no sin/exp/sqrt/^), so the
# computation sticks to + - * / and printf: a harmonic sum, Newton's
# square root of 2, and a few divisions that exercise x87 rounding.
prog = 'BEGIN { s = 0; for (i = 1; i <= 1000; i++) s += 1 / i; printf "%.10f\\n", s; x = 1; for (k = 0; k < 30; k++) x = (x + 2 / x) / 2; printf "%.15f %.6e %.12g\\n", x, 1 / 3, 355 / 113; print 10 / 3, 1e10 / 7, 0.1 + 0.2 }'
out = run("awk '%s'" % prog)
host = subprocess.run(["awk", prog.replace("\\\\", "\\")], capture_output=True, text=True).stdout.strip()
check(out.strip() == host, "awk: guest %r, host %r" % (out.strip(), host))

if long_mode == "--long":
    out = run("i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done; echo $i")
    check(out.strip() == "20000", "shell loop: " + out.strip())
    out = run("ls /proc/sys/kernel | wc -l")
    check(out.strip().isdigit() and int(out) > 10, "/proc/sys/kernel entries: " + out.strip())
    out = run("dmesg | grep -c .")
    check(out.strip().isdigit(), "dmesg lines: " + out.strip())
    out = run("cat /proc/meminfo | head -n 2")
    check("MemTotal" in out, "meminfo: " + " ".join(out.split()))

p.stdin.write(b"poweroff -f\n")
p.stdin.flush()
deadline = time.time() + cmd_timeout
while p.poll() is None and time.time() < deadline:
    r, _, _ = select.select([p.stdout], [], [], 1.0)
    if r:
        data = os.read(p.stdout.fileno(), 65536)
        if data:
            log.write(data)
status = p.poll()
check(status == 0, "poweroff: exit status %s (expected 0)" % status)
if failures:
    finish(False, "%d check(s) failed" % len(failures))
finish(True)
EOF
