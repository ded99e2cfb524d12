#!/bin/sh
# linux-boot-test.sh XLAT86 [--reboot|--long]
# Boots Debian's i686 kernel with the project's busybox initramfs (built by
# scripts/build-linux-guest.sh, cached outside the repo) on COM1, drives
# the shell over the serial line and checks:
#   uname -a                 a Linux i686 kernel answers
#   cat /proc/cpuinfo        the CPU is listed, with an FPU
#   cat /proc/interrupts     the timer interrupt is counting
#   md5sum /testdata.bin     same digest as the host's copy of the file
#   date +%s                 within a minute of the host clock (RTC; with
#                            inline=off under -icount, between the start of
#                            the run and now)
#   awk (floating point)     same output as the host's awk
#   /bin/cet-test            (when XLAT86_CET_TEST names it: a static
#                            i386 program from gcc -fcf-protection, ENDBR32
#                            everywhere, added to the initramfs as a second
#                            cpio archive) prints what it prints on the host
#   poweroff                 busybox signals /init (SIGUSR2), which powers
#                            off: ACPI soft-off, xlat86 exits with status 0
# (one boot, with -no-reboot).
# --reboot checks the machine reset instead: booted without -no-reboot,
#   `reboot` (SIGTERM to /init) must reset the machine and xlat86 must
#   load the same kernel
#   and initrd again (the kernel's banner and /init's appear a second time;
#   uname, /proc/interrupts and md5sum are checked before and after), then
#   poweroff -f ends it with status 0; booted with -no-reboot, `reboot -f`
#   must end xlat86 with status 0.
# --long (nightly: a ctest only with -DXLAT86_LONG_TESTS=ON) runs all of
#   it plus a few slower commands (a shell loop, /proc walks, dmesg), under
#   -accel dbt and again under -accel dbt,inline=off, and prints how long
#   each boot took.
#
# Environment: XLAT86_ICOUNT=N runs with -icount N (sleep=on keeps the
# guest clock with the host's); BOOT_TIMEOUT (s, default 900) bounds each
# boot, CMD_TIMEOUT (s, default 300) each command; XLAT86_MEM (MiB, default
# 256); SERIAL_LOG=FILE keeps the console output (one file per run of
# xlat86: FILE, FILE.2, ...; default: temporary files, printed on failure).
# Exit status: 0 pass, 1 fail, 2 usage or missing guest files.
set -u
usage() {
    echo "usage: $0 XLAT86 [--reboot|--long]" >&2
    exit 2
}
[ $# -ge 1 ] && [ $# -le 2 ] || usage
XLAT86=$1
MODE=${2:-}
case $MODE in
    ""|--reboot|--long) ;;
    *) usage ;;
esac
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

exec python3 - "$XLAT86" "$BZIMAGE" "$INITRAMFS" "$TESTFILE" "$MODE" <<'EOF'
import hashlib, os, re, select, subprocess, sys, tempfile, time

xlat86, bzimage, initramfs, testfile, mode = sys.argv[1:6]
icount = os.environ.get("XLAT86_ICOUNT")
boot_timeout = float(os.environ.get("BOOT_TIMEOUT", "900"))
cmd_timeout = float(os.environ.get("CMD_TIMEOUT", "300"))
mem = os.environ.get("XLAT86_MEM", "256")
log_base = os.environ.get("SERIAL_LOG")
cet_test = os.environ.get("XLAT86_CET_TEST")
PROMPT = "xlat86# "
BANNER = "xlat86 Linux guest"
t_all = time.time()
failures = []
n_sessions = 0
timings = []

def cpio_newc(files):
    """A cpio "newc" archive of (name, mode, data), padded to 512 bytes."""
    out = b""
    for i, (name, mode, data) in enumerate(files + [("TRAILER!!!", 0, b"")]):
        hdr = "070701" + "".join("%08X" % v for v in (
            400000 + i, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name) + 1, 0))
        b = hdr.encode() + name.encode() + b"\0"
        b += b"\0" * (-len(b) % 4)
        out += b + data + b"\0" * (-len(data) % 4)
    return out + b"\0" * (-len(out) % 512)

if cet_test:
    # The kernel unpacks concatenated archives: the cached initramfs, zero
    # padding to a 4-byte boundary, then an uncompressed one with the test
    # program (the cache stays as it is).
    base = open(initramfs, "rb").read()
    extra = cpio_newc([("bin/cet-test", 0o100755, open(cet_test, "rb").read())])
    fd, combined = tempfile.mkstemp(prefix="linux-initrd-", suffix=".img")
    os.write(fd, base + b"\0" * (-len(base) % 512) + extra)
    os.close(fd)
    initramfs = combined

def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond

class Fatal(Exception):
    pass

class Session:
    """One run of xlat86 with the guest on its serial port (stdio)."""

    def __init__(self, accel, no_reboot):
        global n_sessions
        n_sessions += 1
        if log_base:
            self.log_path = log_base if n_sessions == 1 else "%s.%d" % (log_base, n_sessions)
        else:
            self.log_path = tempfile.mktemp(prefix="linux-boot-", suffix=".log")
        args = [xlat86, "-kernel", bzimage, "-initrd", initramfs, "-m", mem, "-append",
                "console=ttyS0 earlyprintk=serial,ttyS0,115200 nokaslr panic=-1 loglevel=6",
                "-serial", "stdio", "-display", "none", "-accel", accel]
        if no_reboot:
            args.append("-no-reboot")
        if icount is not None:
            args += ["-icount", icount]
        self.accel = accel
        self.name = "-accel %s%s" % (accel, " -no-reboot" if no_reboot else "")
        print("running:", " ".join(args), flush=True)
        self.t_start = time.time()
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, bufsize=0)
        self.log = open(self.log_path, "wb")
        self.buf = ""      # console text not consumed yet
        self.echo_on = True

    def close(self, ok):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()
        self.log.close()
        if not ok:
            print("--- last console output of %s (%s):" % (self.name, self.log_path))
            data = open(self.log_path, "rb").read()[-4000:]
            print(data.decode("utf-8", "replace"), flush=True)
        elif not log_base:
            os.unlink(self.log_path)

    def fatal(self, why):
        check(False, "%s: %s" % (self.name, why))
        raise Fatal()

    def feed(self, timeout):
        """Wait up to timeout for console output; False at end of file."""
        r, _, _ = select.select([self.p.stdout], [], [], timeout)
        if not r:
            return True
        data = os.read(self.p.stdout.fileno(), 65536)
        if not data:
            return False
        self.log.write(data)
        self.log.flush()
        self.buf += data.decode("utf-8", "replace").replace("\r", "")
        return True

    def read_until(self, pattern, timeout):
        """Read console output until the regex matches; returns the text
        before the match and consumes through it."""
        deadline = time.time() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.buf)
            if m:
                before = self.buf[:m.start()]
                self.buf = self.buf[m.end():]
                return before
            if "Kernel panic" in self.buf:
                self.fatal("kernel panic")
            left = deadline - time.time()
            if left <= 0:
                self.fatal("timed out waiting for %r" % pattern)
            if not self.feed(min(left, 1.0)):
                self.fatal("xlat86 exited (status %s) waiting for %r" % (self.p.wait(), pattern))

    def send(self, line):
        self.p.stdin.write((line + "\n").encode())
        self.p.stdin.flush()

    def run(self, cmd, timeout=None):
        """Type a command, return its output (without the echoed command line)."""
        self.send(cmd)
        out = self.read_until(re.escape(PROMPT), timeout or cmd_timeout)
        lines = out.split("\n")
        if self.echo_on and lines:
            lines = lines[1:]
        return "\n".join(lines).strip("\n")

    def boot(self, what="boot"):
        """Wait for the kernel, /init's banner and the prompt."""
        t0 = time.time()
        self.read_until(r"Linux version", boot_timeout)
        self.read_until(re.escape(BANNER), boot_timeout)
        dt = time.time() - t0
        timings.append((self.name, what, dt))
        print("%s: %s to /init in %.1f s" % (self.name, what, dt), flush=True)
        self.read_until(re.escape(PROMPT), cmd_timeout)
        # Without ECHO busybox's shell reads plain lines: no echo, no
        # line-editing escape sequences around long commands.
        self.echo_on = True
        self.run("stty -echo")
        self.echo_on = False

    def wait_exit(self, timeout):
        """Wait for xlat86 to end (reading its output meanwhile); its exit
        status, or None on timeout."""
        deadline = time.time() + timeout
        while self.p.poll() is None and time.time() < deadline:
            if not self.feed(max(min(1.0, deadline - time.time()), 0.01)):
                break
        try:
            return self.p.wait(timeout=max(deadline - time.time(), 0.1))
        except subprocess.TimeoutExpired:
            return None

    def poweroff(self, cmd="poweroff -f"):
        self.send(cmd)
        status = self.wait_exit(cmd_timeout)
        check(status == 0, "%s: %s: exit status %s (expected 0)" % (self.name, cmd, status))

def checks_basic(s):
    out = s.run("uname -a")
    check(re.search(r"^Linux xlat86 \S+ .* i686", out, re.M) is not None, "uname -a: " + out)
    out = s.run("cat /proc/interrupts")
    m = re.search(r"^\s*0:\s+(\d+)", out, re.M)
    check(m is not None and int(m.group(1)) > 0,
          "/proc/interrupts: IRQ0 count %s" % (m.group(1) if m else "?"))
    want = hashlib.md5(open(testfile, "rb").read()).hexdigest()
    out = s.run("md5sum /testdata.bin")
    check(out.split()[:1] == [want], "md5sum %s (host %s)" % (out.split()[:1], want))

def checks_full(s):
    checks_basic(s)
    out = s.run("cat /proc/cpuinfo")
    check("vendor_id" in out and re.search(r"^fpu\s*: yes", out, re.M) is not None,
          "/proc/cpuinfo lists the CPU with an FPU")
    # The RTC starts at the host's time and must be within a minute of the
    # host's. Under -icount (sleep=on) an idle guest's clock keeps pace with
    # the host's but a busy one runs at 1 ns per instruction, behind the
    # host when instructions are slower than that: with inline=off (the
    # --long run) the guest's time must only lie between the start of the
    # run and now.
    out = s.run("date +%s")
    now = time.time()
    try:
        guest = int(out.strip())
    except ValueError:
        guest = -1e9
    if icount is None or "inline=off" not in s.accel:
        ok = abs(guest - now) < 60
    else:
        ok = s.t_start - 60 < guest < now + 60
    check(ok, "date: guest %s, host %d (run started at %d)" % (out.strip(), now, s.t_start))
    # Debian's busybox awk is built without libm (no sin/exp/sqrt/^), so the
    # computation sticks to + - * / and printf: a harmonic sum, Newton's
    # square root of 2, and a few divisions that exercise x87 rounding.
    prog = 'BEGIN { s = 0; for (i = 1; i <= 1000; i++) s += 1 / i; printf "%.10f\\n", s; x = 1; for (k = 0; k < 30; k++) x = (x + 2 / x) / 2; printf "%.15f %.6e %.12g\\n", x, 1 / 3, 355 / 113; print 10 / 3, 1e10 / 7, 0.1 + 0.2 }'
    out = s.run("awk '%s'" % prog)
    host = subprocess.run(["awk", prog.replace("\\\\", "\\")], capture_output=True,
                          text=True).stdout.strip()
    check(out.strip() == host, "awk: guest %r, host %r" % (out.strip(), host))
    if cet_test:
        checks_cet(s)

def checks_cet(s):
    """A CET-enabled static binary (ENDBR32 at every function entry, the C
    runtime's frame_dummy first) prints what the host CPU prints."""
    data = open(cet_test, "rb").read()
    check(data.count(b"\xf3\x0f\x1e\xfb") >= 10, "cet-test holds ENDBR32 instructions")
    host = subprocess.run([cet_test], capture_output=True, text=True).stdout.strip()
    out = s.run("/bin/cet-test; echo status=$?")
    check(host.startswith("cet-test: ") and out.strip() == host + "\nstatus=0",
          "cet-test: guest %r, host %r" % (out.strip(), host))

def checks_long(s):
    out = s.run("i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done; echo $i")
    check(out.strip() == "20000", "shell loop: " + out.strip())
    out = s.run("ls /proc/sys/kernel | wc -l")
    check(out.strip().isdigit() and int(out) > 10, "/proc/sys/kernel entries: " + out.strip())
    out = s.run("dmesg | grep -c .")
    check(out.strip().isdigit(), "dmesg lines: " + out.strip())
    out = s.run("cat /proc/meminfo | head -n 2")
    check("MemTotal" in out, "meminfo: " + " ".join(out.split()))

def session(accel, no_reboot, body):
    """Run xlat86 once: boot, then body(session)."""
    s = Session(accel, no_reboot)
    n_fail = len(failures)
    try:
        s.boot()
        body(s)
    except Fatal:
        pass
    s.close(len(failures) == n_fail)
    dt = time.time() - s.t_start
    timings.append((s.name, "whole run", dt))
    print("%s: %.1f s in all" % (s.name, dt), flush=True)

def poweroff_after(checks, cmd="poweroff -f"):
    def body(s):
        for c in checks:
            c(s)
        s.poweroff(cmd)
    return body

def reboot_then_poweroff(checks):
    """reboot (busybox signals /init, which runs reboot -f) resets the
    machine; xlat86 loads the same kernel and initrd again, which boot to
    the shell a second time."""
    def body(s):
        for c in checks:
            c(s)
        s.send("reboot")
        s.boot("after reboot")
        checks_basic(s)
        s.poweroff()
    return body

def reboot_stops(s):
    """-no-reboot: reboot -f ends xlat86 with status 0; no second boot."""
    t0 = time.time()
    s.send("reboot -f")
    status = s.wait_exit(cmd_timeout)
    check(status == 0 and "Linux version" not in s.buf,
          "%s: reboot: exit status %s after %.1f s (expected 0, no second boot)"
          % (s.name, status, time.time() - t0))

if mode == "":
    session("dbt", True, poweroff_after([checks_full], "poweroff"))
elif mode == "--reboot":
    session("dbt", False, reboot_then_poweroff([checks_basic]))
    session("dbt", True, reboot_stops)
else:
    for accel in ("dbt", "dbt,inline=off"):
        session(accel, False, reboot_then_poweroff([checks_full, checks_long]))
        session(accel, True, reboot_stops)
    print("timings:")
    for name, what, dt in timings:
        print("  %-36s %-14s %6.1f s" % (name, what, dt))

if cet_test:
    os.unlink(initramfs)
if failures:
    print("FAIL: %d check(s) failed" % len(failures))
    sys.exit(1)
print("PASS (%.0f s)" % (time.time() - t_all))
sys.exit(0)
EOF
