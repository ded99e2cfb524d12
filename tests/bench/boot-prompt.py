#!/usr/bin/env python3
# boot-prompt.py EMULATOR [APPEND] - boot the Linux test guest (the kernel
# and initramfs of scripts/build-linux-guest.sh, direct -kernel, 256 MiB,
# serial console) under EMULATOR (an xlat86 binary or qemu-system-i386),
# wait for the shell prompt, then end it. One run, for paired timings:
#   farm-bench -n 7 --vs 'tests/bench/boot-prompt.py BASE/xlat86' -- \
#       tests/bench/boot-prompt.py build/xlat86
# Environment: WORK=cmd runs cmd at the prompt and waits for its end;
# LOG=file keeps the console output; TERM_WAIT=1 ends the emulator with
# SIGTERM and waits (XLAT86_STATS=1 counters are printed then).
# Never part of ctest: no timed assertions.
import os
import select
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
if len(sys.argv) < 2:
    sys.stderr.write("usage: boot-prompt.py EMULATOR [APPEND]\n")
    sys.exit(2)
out = subprocess.run([os.path.join(here, "..", "..", "scripts", "build-linux-guest.sh")],
                     stdout=subprocess.PIPE, check=True).stdout.decode()
paths = dict(l.split("=", 1) for l in out.split() if "=" in l)
exe = sys.argv[1]
append = sys.argv[2] if len(sys.argv) > 2 else "console=ttyS0 nokaslr quiet"
args = [exe]
if "qemu" in os.path.basename(exe):
    args += ["-accel", "tcg", "-nodefaults"]
args += ["-kernel", paths["bzimage"], "-initrd", paths["initramfs"], "-m", "256", "-append", append,
         "-serial", "stdio", "-display", "none", "-no-reboot"]
t0 = time.time()
p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
buf = b""


def wait_for(pat, limit=300):
    global buf
    while time.time() - t0 < limit:
        r, _, _ = select.select([p.stdout], [], [], 0.5)
        if r:
            d = os.read(p.stdout.fileno(), 65536)
            if not d:
                return False
            buf += d
            if pat in buf:
                return True
    return False


ok = wait_for(b"xlat86# ")
t = time.time() - t0
if ok and os.environ.get("WORK"):
    p.stdin.write((os.environ["WORK"] + "; echo DONE-$((6*7))\n").encode())
    p.stdin.flush()
    ok = wait_for(b"DONE-42")
if os.environ.get("TERM_WAIT"):
    p.terminate()
    try:
        rest, _ = p.communicate(timeout=20)
        buf += rest
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
else:
    p.kill()
    p.wait()
if os.environ.get("LOG"):
    with open(os.environ["LOG"], "wb") as f:
        f.write(buf)
sys.stderr.write("boot %.2f s%s\n" % (t, "" if ok else " (no prompt)"))
sys.exit(0 if ok else 1)
