#!/usr/bin/env python3
"""savevm-v1-test.py XLAT86 ROM: state files of format version 1 (before
the CPU fields irq_injected and irq_vector) still load.

ROM is tests/boot/savevm_rom.asm (rounds with a hash of registers and RAM).
A run under -icount 0 is saved after a few rounds (a version 2 file); the
file is rewritten as version 1 would have written it (version word 1, the
two fields left out of the "cpu" section) and restored with -loadvm: the
rounds before the save and after the restore must be those of an
uninterrupted run. The same two fields left out of a version 2 file are
still refused (a missing field). No KVM needed."""
import os, re, struct, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from hmp import Monitor  # noqa: E402

xlat86, rom = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="savevm-v1-")
failures = []
NEW = (b"irq_injected", b"irq_vector")


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures.append(what)


def rounds(path):
    with open(path, "rb") as f:
        return re.findall(rb"round (\d\d) hash ([0-9A-F]{8})", f.read())


def base(out):
    return [xlat86, "-bios", rom, "-display", "none", "-serial", "none", "-icount", "0", "-debugcon", "file:" + out]


def without_new_fields(data, version):
    """The state file with the two fields removed from its "cpu" section."""
    assert data[:8] == b"XLAT86VM"
    out = bytearray(data[:8] + struct.pack("<I", version))
    pos = 12
    while pos < len(data):
        (n,) = struct.unpack_from("<H", data, pos)
        name = data[pos + 2:pos + 2 + n]
        (plen,) = struct.unpack_from("<Q", data, pos + 2 + n)
        payload = data[pos + 10 + n:pos + 10 + n + plen]
        if name == b"cpu":
            kept, p = bytearray(), 0
            while True:
                (fn,) = struct.unpack_from("<H", payload, p)
                if fn == 0:
                    kept += payload[p:p + 2]
                    break
                fname = payload[p + 2:p + 2 + fn]
                (size,) = struct.unpack_from("<I", payload, p + 2 + fn)
                end = p + 6 + fn + size
                if fname not in NEW:
                    kept += payload[p:end]
                p = end
            payload = bytes(kept)
        out += struct.pack("<H", n) + name + struct.pack("<Q", len(payload)) + payload
        pos += 10 + n + plen
    return bytes(out)


ref = os.path.join(tmp, "ref.txt")
subprocess.run(base(ref), timeout=120)
full = rounds(ref)
check(len(full) >= 20, "reference run prints its rounds (%d)" % len(full))

out1 = os.path.join(tmp, "1.txt")
sock = os.path.join(tmp, "mon.sock")
state = os.path.join(tmp, "v2.state")
p = subprocess.Popen(base(out1) + ["-monitor", "unix:%s,server,nowait" % sock])
mon = Monitor(sock, limit=60)
t0 = time.time()
while len(rounds(out1)) < 3 and time.time() - t0 < 60 and p.poll() is None:
    time.sleep(0.01)
mon.cmd("stop")
mon.cmd("savevm " + state)
mon.s.sendall(b"quit\n")
p.wait(timeout=30)
before = rounds(out1)
data = open(state, "rb").read()
check(struct.unpack_from("<I", data, 8)[0] == 2, "savevm writes format version 2")
check(all(f in data for f in NEW), "the version 2 file has the fields irq_injected and irq_vector")

v1 = os.path.join(tmp, "v1.state")
open(v1, "wb").write(without_new_fields(data, 1))
out2 = os.path.join(tmp, "2.txt")
r = subprocess.run(base(out2) + ["-loadvm", v1], stderr=subprocess.PIPE, timeout=120)
check(r.returncode == 1, "a version 1 file loads and the run ends through port 0xF4 (%d %s)"
      % (r.returncode, r.stderr.decode(errors="replace").strip()))
after = rounds(out2)
check(len(before) >= 3 and before + after == full,
      "rounds before the save + after the version 1 restore == the reference (%d + %d)" % (len(before), len(after)))

bad = os.path.join(tmp, "v2-missing.state")
open(bad, "wb").write(without_new_fields(data, 2))
r = subprocess.run(base(os.path.join(tmp, "3.txt")) + ["-loadvm", bad], stderr=subprocess.PIPE, timeout=60)
msg = r.stderr.decode(errors="replace").strip()
check(r.returncode == 2 and "CPU field 'irq_injected' is missing" in msg,
      "a version 2 file without the fields is refused (%d %s)" % (r.returncode, msg))
sys.exit(1 if failures else 0)
