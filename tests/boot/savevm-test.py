#!/usr/bin/env python3
"""savevm-test.py XLAT86 ROM [--linux BZIMAGE INITRAMFS]

Saved machine states (monitor `savevm FILE`, `-loadvm FILE`):

rom     ROM (savevm_rom.asm) under -icount 0 prints 40 rounds whose values
        depend on RAM, registers, PIT/PIC ticks, CMOS RAM and the UART.  A
        second run is stopped through the monitor socket part-way, saved and
        quit; a third run starts from the file with -loadvm.  The output of
        the second run followed by the third's must equal the uninterrupted
        run's, byte for byte (and the third must not start from the top).
        The same is checked for a state saved while the CPU was paused with
        -S before the first instruction.
errors  a truncated state file, a file that is not a state, one saved with
        another -m, and a missing file: one line on stderr, exit status 2.
linux   (with --linux) Debian's kernel booted to the busybox shell, a file
        written in the guest, saved at the prompt; restored with -loadvm,
        the shell answers, the file is still there, `poweroff -f` ends the
        run with status 0.
Exit status 0 when every check passes, 1 otherwise."""
import os, re, select, socket, subprocess, sys, tempfile, time

xlat86, rom = sys.argv[1], sys.argv[2]
linux = None
if len(sys.argv) >= 6 and sys.argv[3] == "--linux":
    linux = (sys.argv[4], sys.argv[5])
tmp = tempfile.mkdtemp(prefix="savevm-test-")
failures = []


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


class Monitor:
    """A client of -monitor unix:PATH,server,nowait (QEMU's HMP)."""

    def __init__(self, path, timeout=20):
        deadline = time.time() + timeout
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        self.s.settimeout(60)
        self.buf = b""
        self.read_prompt()

    def read_prompt(self):
        while b"(qemu) " not in self.buf:
            data = self.s.recv(4096)
            if not data:
                raise EOFError("monitor closed")
            self.buf += data
        text, _, self.buf = self.buf.partition(b"(qemu) ")
        return text.decode(errors="replace")

    def cmd(self, line):
        self.s.sendall(line.encode() + b"\n")
        if line in ("quit", "q"):
            try:
                while self.s.recv(4096):
                    pass
            except OSError:
                pass
            return ""
        return self.read_prompt()


def run_plain(out):
    r = subprocess.run([xlat86, "-bios", rom, "-icount", "0", "-debugcon", "file:" + out],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return r.returncode


def read(path):
    with open(path, "rb") as f:
        return f.read()


def split_run(tag, paused):
    """Run with a monitor, save part-way (or at once with -S), quit; then
    restore.  Returns (before, after) outputs."""
    sock = os.path.join(tmp, tag + ".sock")
    out1 = os.path.join(tmp, tag + ".1.txt")
    state = os.path.join(tmp, tag + ".state")
    args = [xlat86, "-bios", rom, "-icount", "0", "-debugcon", "file:" + out1,
            "-monitor", "unix:%s,server,nowait" % sock]
    if paused:
        args.append("-S")
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    mon = Monitor(sock)
    if not paused:
        # Let a few rounds through, then stop wherever the CPU is.
        deadline = time.time() + 60
        while read(out1).count(b"\n") < 5 and time.time() < deadline and p.poll() is None:
            time.sleep(0.01)
        mon.cmd("stop")
    status = mon.cmd("info status")
    check("paused" in status, "%s: info status says paused (%r)" % (tag, status.strip()))
    reply = mon.cmd("savevm " + state)
    check(reply.strip() == "", "%s: savevm is silent on success (%r)" % (tag, reply.strip()))
    mon.cmd("quit")
    rc = p.wait(timeout=30)
    check(rc == 0, "%s: quit ends the run with status 0 (got %d)" % (tag, rc))
    before = read(out1)
    out2 = os.path.join(tmp, tag + ".2.txt")
    r = subprocess.run([xlat86, "-bios", rom, "-icount", "0", "-debugcon", "file:" + out2,
                        "-loadvm", state], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    check(r.returncode == 1, "%s: the restored run ends through port 0xF4 (status %d, %s)"
          % (tag, r.returncode, r.stderr.decode(errors="replace").strip()))
    return before, read(out2), state


def test_rom():
    ref = os.path.join(tmp, "ref.txt")
    rc = run_plain(ref)
    full = read(ref)
    check(rc == 1 and full.endswith(b"SAVEVM ROM DONE\n"), "uninterrupted run completes (status %d)" % rc)
    before, after, state = split_run("mid", False)
    check(len(before) > 0 and not after.startswith(b"round 00"),
          "mid-run save: the restored run does not start from the top")
    check(before + after == full,
          "mid-run save: output before the save + after the restore == the uninterrupted output")
    before, after, _ = split_run("start", True)
    check(before == b"" and after == full, "save at reset (-S): the restored run prints everything")
    return state


def test_errors(state):
    data = read(state)
    cases = []
    trunc = os.path.join(tmp, "trunc.state")
    with open(trunc, "wb") as f:
        f.write(data[: len(data) // 2])
    cases.append(("truncated file", ["-loadvm", trunc]))
    foreign = os.path.join(tmp, "foreign.state")
    with open(foreign, "wb") as f:
        f.write(b"this is not a machine state\n" * 10)
    cases.append(("not a state file", ["-loadvm", foreign]))
    other = os.path.join(tmp, "version.state")
    with open(other, "wb") as f:     # format version 99: a future xlat86's file
        f.write(data[:8] + bytes([99, 0, 0, 0]) + data[12:])
    cases.append(("another format version", ["-loadvm", other]))
    cases.append(("saved with another -m", ["-m", "64", "-loadvm", state]))
    cases.append(("saved with another firmware", ["-bios", os.path.join(os.path.dirname(rom), "reset_rom.bin"),
                                                  "-loadvm", state]))
    cases.append(("missing file", ["-loadvm", os.path.join(tmp, "nope.state")]))
    for what, extra in cases:
        args = [xlat86] + ([] if "-bios" in extra else ["-bios", rom]) + ["-icount", "0"] + extra
        r = subprocess.run(args,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        err = r.stderr.decode(errors="replace")
        lines = err.strip().splitlines()
        check(r.returncode == 2 and len(lines) == 1 and lines[0].startswith("xlat86: -loadvm "),
              "%s: one line and status 2 (%d: %r)" % (what, r.returncode, err.strip()))


PROMPT = "xlat86# "


class Console:
    def __init__(self, args):
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, bufsize=0)
        self.buf = ""
        self.log = ""

    def until(self, pattern, timeout):
        deadline = time.time() + timeout
        while True:
            m = re.search(pattern, self.buf)
            if m:
                text = self.buf[: m.start()]
                self.buf = self.buf[m.end():]
                return text
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("waiting for %r; last output: %r" % (pattern, self.log[-800:]))
            r, _, _ = select.select([self.p.stdout], [], [], min(left, 1.0))
            if r:
                data = os.read(self.p.stdout.fileno(), 65536)
                if not data:
                    raise EOFError("xlat86 ended; last output: %r" % self.log[-800:])
                t = data.decode("utf-8", "replace").replace("\r", "")
                self.buf += t
                self.log += t

    def cmd(self, line, timeout=120):
        self.p.stdin.write(line.encode() + b"\n")
        self.until(re.escape(line) + "\n", timeout)
        return self.until(re.escape(PROMPT), timeout)


def test_linux():
    bz, initrd = linux
    common = [xlat86, "-kernel", bz, "-initrd", initrd, "-m", "256", "-append",
              "console=ttyS0 nokaslr panic=-1 loglevel=3", "-serial", "stdio", "-display", "none"]
    sock = os.path.join(tmp, "linux.sock")
    state = os.path.join(tmp, "linux.state")
    c = Console(common + ["-monitor", "unix:%s,server,nowait" % sock])
    try:
        c.until(re.escape(PROMPT), 600)
        c.cmd("echo saved-file-contents > /tmp/kept.txt")
        mon = Monitor(sock)
        mon.cmd("stop")
        reply = mon.cmd("savevm " + state)
        check(reply.strip() == "", "linux: savevm at the shell (%r)" % reply.strip())
        mon.cmd("quit")
        check(c.p.wait(timeout=60) == 0, "linux: quit ends the first run with status 0")
    except (TimeoutError, EOFError) as e:
        check(False, "linux: boot and save: %s" % e)
        c.p.kill()
        return
    r = Console(common + ["-loadvm", state])
    try:
        r.p.stdin.write(b"\n")
        r.until(re.escape(PROMPT), 120)
        out = r.cmd("cat /tmp/kept.txt")
        check(out.strip() == "saved-file-contents", "linux: the file written before the save is there (%r)" % out.strip())
        out = r.cmd("uname -m")
        check(out.strip() == "i686", "linux: the restored shell answers uname -m (%r)" % out.strip())
        # Time and interrupts go on from the saved state: IRQ 0 keeps
        # counting in the restored guest.
        def irq0():
            m = re.search(r"^\s*0:\s+(\d+)", r.cmd("cat /proc/interrupts"), re.M)
            return int(m.group(1)) if m else -1
        a = irq0()
        r.cmd("sleep 1")
        b = irq0()
        check(a > 0 and b > a, "linux: the timer interrupt keeps counting after the restore (%d -> %d)" % (a, b))
        r.p.stdin.write(b"poweroff -f\n")
        check(r.p.wait(timeout=120) == 0, "linux: poweroff -f ends the restored run with status 0")
    except (TimeoutError, EOFError) as e:
        check(False, "linux: restored run: %s" % e)
        r.p.kill()


state = test_rom()
test_errors(state)
if linux:
    test_linux()
print("savevm-test: %d failure(s)" % len(failures) if failures else "savevm-test: all checks passed")
sys.exit(1 if failures else 0)
