#!/usr/bin/env python3
"""hold-test.py XLAT86 ROM: `sendkey KEYS HOLD_MS` holds the keys HOLD_MS
milliseconds of virtual time (QEMU: default 100 ms) before releasing
them. kbd_time.asm timestamps every scan code it reads with the PIT
(1,193,182 Hz); for `sendkey a` (make 1C, break F0 1C) the time from the
make code to the break's F0 must be near the hold time: 100 ms by default,
then 500 and 1000 ms, each within [0.8 x hold, 0.8 x hold + 400 ms] (the
upper bound generous: the vCPU may be descheduled on a loaded host, but
virtual time follows the host clock, so the PIT interval stays close).
Also runs under -icount 4 where virtual time is instructions: the
interval must be within 10%. With QEMU installed, its figure is printed
beside ours (no assertion on it): QEMU 7.2's help and documentation give
100 ms as the default, but its HMP passes no hold time and the input
layer then waits its 10 ms default key delay (about 9-10 ms measured);
xlat86 follows the documented 100 ms."""
import os, shutil, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from hmp import Monitor  # noqa: E402

PIT_HZ = 1193182.0


def measure(cmd, tmp, tag, rom, holds):
    sock, con = os.path.join(tmp, tag + ".sock"), os.path.join(tmp, tag + ".con")
    p = subprocess.Popen(cmd + ["-bios", rom, "-display", "none", "-debugcon", "file:" + con,
                                "-monitor", "unix:%s,server,nowait" % sock],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    res = []
    try:
        mon = Monitor(sock)
        t0 = time.time()
        while not (os.path.exists(con) and b"READY\n" in open(con, "rb").read()):
            if p.poll() is not None or time.time() - t0 > 30:
                raise RuntimeError("%s: the ROM did not start" % tag)
            time.sleep(0.05)
        for hold in holds:
            before = len(open(con, "rb").read())
            mon.cmd("sendkey a" + ("" if hold is None else " %d" % hold))
            t0 = time.time()
            while True:
                out = open(con, "rb").read()[before:].decode().split()
                if len(out) >= 3 or time.time() - t0 > 30:
                    break
                time.sleep(0.05)
            codes = [w.split("@") for w in out]
            if [c[0] for c in codes[:3]] != ["1c", "f0", "1c"]:
                raise RuntimeError("%s: unexpected scan codes %s" % (tag, out))
            ms = (int(codes[1][1], 16) - int(codes[0][1], 16)) / PIT_HZ * 1000
            res.append(ms)
        mon.cmd("quit")
        p.wait(20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return res


def main():
    xlat, rom = sys.argv[1], sys.argv[2]
    holds = [None, 500, 1000]
    want = [100, 500, 1000]
    fails = 0
    with tempfile.TemporaryDirectory() as tmp:
        runs = [("xlat86", [xlat], False), ("xlat86 -icount 4", [xlat, "-icount", "4"], True)]
        for name, cmd, exact in runs:
            got = measure(cmd, tmp, "x%d" % exact, rom, holds)
            for h, w, g in zip(holds, want, got):
                ok = (0.9 * w <= g <= 1.1 * w) if exact else (0.8 * w <= g <= 0.8 * w + 400)
                fails += not ok
                print("%-18s sendkey a%-6s make -> break %7.1f ms (hold %d ms)  %s"
                      % (name, "" if h is None else " %d" % h, g, w, "ok" if ok else "FAIL"))
        qemu = shutil.which("qemu-system-i386")
        if qemu:
            got = measure([qemu, "-M", "pc", "-nodefaults"], tmp, "q", rom, holds)
            for h, w, g in zip(holds, want, got):
                print("%-18s sendkey a%-6s make -> break %7.1f ms (reference, not checked)"
                      % ("qemu", "" if h is None else " %d" % h, g))
    return 1 if fails else 0


sys.exit(main())
