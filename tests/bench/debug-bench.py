#!/usr/bin/env python3
"""debug-bench.py [BUILD_DIR] [RUNS]: the debugger's cost on a CPU-bound guest.

Times the benchmark guest (tests/bench/bench.bin) under xlat86 -accel dbt
three ways, one run after the other (never two at once), RUNS times each
(default 3, best time kept):
  plain        no debugger points
  break        one breakpoint elsewhere (the reset vector, never reached
               again), set through the monitor before `cont`
  watch        one write watchpoint on an unrelated page (0x9f000, below
               the guest's data), set the same way
and prints the wall times and the slowdown against plain (aim: < 10%).
Not part of ctest: benchmarks make no timed assertions. Every run must
print the same checksum line and exit with status 1 (the exit port)."""
import os, socket, subprocess, sys, tempfile, time

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
XLAT86 = os.path.join(BUILD, "xlat86")
IMG = os.path.join(BUILD, "tests/bench/bench.bin")
tmp = tempfile.mkdtemp(prefix="xlat86-dbgbench-")


def monitor(sock, lines):
    t0 = time.time()
    while True:
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(sock)
            break
        except OSError:
            s.close()
            if time.time() - t0 > 10:
                raise
            time.sleep(0.02)
    buf = b""

    def prompt():
        nonlocal buf
        while b"(qemu) " not in buf:
            buf += s.recv(65536)
        i = buf.index(b"(qemu) ") + 7
        out, buf = buf[:i], buf[i:]
        return out

    prompt()
    for line in lines:
        s.sendall(line.encode() + b"\n")
        out = prompt()
        if b"Error" in out:
            raise SystemExit("monitor: %s -> %s" % (line, out))
    return s


def run(points):
    out = os.path.join(tmp, "out.txt")
    sock = os.path.join(tmp, "m.sock")
    cmd = [XLAT86, "-bios", IMG, "-display", "none", "-serial", "none", "-debugcon", "file:" + out, "-m", "16",
           "-accel", "dbt", "-monitor", "unix:%s,server,nowait" % sock, "-S"]
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    s = monitor(sock, points)
    t0 = time.time()
    s.sendall(b"cont\n")
    st = p.wait(600)
    secs = time.time() - t0
    s.close()
    sums = [l for l in open(out).read().splitlines() if l.startswith("checksum ")]
    return secs, (sums[-1] if sums else "none"), st


cases = [("plain", []), ("break", ["break 0xfffffff0"]), ("watch", ["watch 0x9f000 4"])]
res = {}
for name, pts in cases:
    best = None
    for _ in range(RUNS):
        secs, csum, st = run(pts)
        if st != 1:
            print("%s: exit status %d (expected 1)" % (name, st))
        best = secs if best is None or secs < best else best
    res[name] = (best, csum)
base = res["plain"][0]
print("%-8s %9s  %-24s %s" % ("case", "seconds", "checksum", "vs plain"))
for name, _ in cases:
    secs, csum = res[name]
    print("%-8s %9.3f  %-24s %+.1f%%" % (name, secs, csum, (secs / base - 1) * 100))
if len({c for _, c in res.values()}) != 1:
    print("checksums differ!")
    sys.exit(1)
