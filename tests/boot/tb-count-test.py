#!/usr/bin/env python3
"""tb-count-test.py XLAT86 TBCOUNT_ROM: `info tb` counts every execution of
a block, chained entries included, from the first resume after an `info
tb`/`info tbs`/`trace-last` (before that, blocks carry no counter).

tbcount_rom.asm runs `loop: dec ecx; jnz loop` with ECX = 100000, entered
by a JMP: the block at F000:0100 runs exactly 100000 times (the ROM's own
loop count, the independent reference), 99999 of them through its exit
chained to itself. `info tb` must say 100000 executions, `info tbs` must
list it first with 100000, and the exit must be chained to itself (so
the count is not just the run loop's dispatches)."""
import os, re, shutil, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from hmp import Monitor  # noqa: E402

XLAT86, ROM = sys.argv[1:3]
LOOP, N = 0xF0100, 100000
fails = []
tmp = tempfile.mkdtemp(prefix="xlat86-tbcount-")


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        fails.append(what)


sock, con = os.path.join(tmp, "m.sock"), os.path.join(tmp, "con")
p = subprocess.Popen([XLAT86, "-bios", ROM, "-display", "none", "-debugcon", "file:" + con,
                      "-monitor", "unix:%s,server,nowait" % sock, "-S"],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
m = Monitor(sock)
try:
    pre = m.cmd("info tbs")        # asks for counts: they start at the cont
    check("chained entries not counted" in pre, "before the cont, info tbs counts dispatches only")
    m.cmd("cont")
    t0 = time.time()
    while time.time() - t0 < 60 and not (os.path.exists(con) and "D" in open(con).read()):
        time.sleep(0.05)
    check("D" in open(con).read(), "the ROM finished its loop")
    m.cmd("stop")
    tb = m.cmd("info tb 0x%x" % LOOP)
    r = re.search(r"^TB %08x: .* (\d+) executions, (\d+) dispatches" % LOOP, tb, re.M)
    check(r is not None and int(r.group(1)) == N,
          "info tb: %s executions of the loop block (the ROM loops %d times)" % (r.group(1) if r else "no", N))
    check(r is not None and int(r.group(2)) < N,
          "the dispatches from the run loop (%s) are fewer: the rest came through the chain" % (r.group(2) if r else "?"))
    check(re.search(r"exit \d -> eip 00000100: chained to TB %08x" % LOOP, tb) is not None,
          "the taken exit is chained to the block itself")
    tbs = m.cmd("info tbs 3").replace("\r\n", "\n").splitlines()
    first = next((l for l in tbs if re.match(r"^\s*\d+\s+[0-9a-f]{8}", l)), "")
    check(re.match(r"^\s*%d\s+%08x" % (N, LOOP), first) is not None, "info tbs: hottest first, %d executions (%s)" % (N, first.strip()))
finally:
    try:
        m.cmd("quit")
    except Exception:
        pass
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()

# A monitor that only stops, resumes, steps or sets a breakpoint asks for
# no counts: the blocks carry no counter (the CPU benchmark keeps its
# speed), so info tb reports run-loop dispatches only.
sock2, con2 = os.path.join(tmp, "m2.sock"), os.path.join(tmp, "con2")
p = subprocess.Popen([XLAT86, "-bios", ROM, "-display", "none", "-debugcon", "file:" + con2,
                      "-monitor", "unix:%s,server,nowait" % sock2, "-S"],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
m = Monitor(sock2)
try:
    m.cmd("break 0xe0000")         # elsewhere: never reached
    m.cmd("step")
    m.cmd("cont")
    t0 = time.time()
    while time.time() - t0 < 60 and not (os.path.exists(con2) and "D" in open(con2).read()):
        time.sleep(0.05)
    m.cmd("stop")
    tb = m.cmd("info tb 0x%x" % LOOP)
    check(re.search(r"^TB %08x: " % LOOP, tb, re.M) is not None and "executions" not in tb
          and "execution count" not in tb,
          "stop/break/step/cont add no counter to the blocks (info tb without executions)")
finally:
    try:
        m.cmd("quit")
    except Exception:
        pass
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
shutil.rmtree(tmp, ignore_errors=True)
if fails:
    print("%d check(s) failed" % len(fails))
    sys.exit(1)
print("all tb-count checks passed")
