#!/usr/bin/env python3
"""kvm-savevm-test.py XLAT86 ROM: a machine saved under KVM, restored under
the translator (and the reverse).

ROM is tests/boot/savevm_rom.asm: rounds; each prints its number, a hash
of registers and RAM (independent of time) and the timer ticks so far
(which depend on time without -icount).  A run under -accel kvm is stopped
through the monitor after a few rounds and saved; the state is restored
with -loadvm under -accel dbt.  The rounds before the save followed by the
restored ones must be rounds 00..39 in order with exactly the hashes of an
uninterrupted translator run.  Then the reverse: saved under dbt,
restored under kvm (only the first restored rounds are checked: the
nested development host runs this ROM slowly).  Skips (77) without /dev/kvm."""
import os, re, socket, subprocess, sys, tempfile, time

xlat86, rom = sys.argv[1], sys.argv[2]
if not os.access("/dev/kvm", os.R_OK | os.W_OK):
    print("SKIP: /dev/kvm absent or not accessible")
    sys.exit(77)
tmp = tempfile.mkdtemp(prefix="kvm-savevm-")
failures = []


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures.append(what)


def rounds(path):
    with open(path, "rb") as f:
        return re.findall(rb"round (\d\d) hash ([0-9A-F]{8})", f.read())


def monitor(path):
    deadline = time.time() + 20
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            break
        except OSError:
            s.close()
            if time.time() > deadline:
                raise
            time.sleep(0.05)
    s.settimeout(60)
    buf = [b""]

    def cmd(line=None):
        if line is not None:
            s.sendall(line.encode() + b"\n")
            if line == "quit":
                return ""
        while b"(qemu) " not in buf[0]:
            d = s.recv(4096)
            if not d:
                raise EOFError
            buf[0] += d
        text, _, buf[0] = buf[0].partition(b"(qemu) ")
        return text.decode(errors="replace")
    cmd()
    return cmd


def save(accel, after, tag):
    out = os.path.join(tmp, tag + ".1.txt")
    open(out, "w").close()
    sock = os.path.join(tmp, tag + ".sock")
    state = os.path.join(tmp, tag + ".state")
    args = [xlat86, "-bios", rom, "-display", "none", "-serial", "none", "-debugcon", "file:" + out,
            "-monitor", "unix:%s,server,nowait" % sock, "-accel", accel]
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    cmd = monitor(sock)
    deadline = time.time() + 60
    while len(rounds(out)) < after and time.time() < deadline and p.poll() is None:
        time.sleep(0.01)
    cmd("stop")
    r = cmd("savevm " + state)
    check(r.strip() == "", "%s: savevm under %s is silent (%r)" % (tag, accel, r.strip()))
    cmd("quit")
    p.wait(timeout=30)
    return rounds(out), state


ref = os.path.join(tmp, "ref.txt")
subprocess.run([xlat86, "-bios", rom, "-display", "none", "-serial", "none", "-icount", "0",
                "-debugcon", "file:" + ref], timeout=120)
full = rounds(ref)
check(len(full) >= 20, "reference run under dbt prints its rounds (%d)" % len(full))

before, state = save("kvm", 3, "kvm2dbt")
out2 = os.path.join(tmp, "kvm2dbt.2.txt")
r = subprocess.run([xlat86, "-bios", rom, "-display", "none", "-serial", "none", "-accel", "dbt",
                    "-debugcon", "file:" + out2, "-loadvm", state], stderr=subprocess.PIPE, timeout=120)
after = rounds(out2)
check(r.returncode == 1, "kvm->dbt: the restored run ends through port 0xF4 (%d %s)"
      % (r.returncode, r.stderr.decode(errors="replace").strip()))
check(len(before) >= 3 and before + after == full,
      "kvm->dbt: rounds before the save + after the restore == the reference (%d + %d)"
      % (len(before), len(after)))

before, state = save("dbt", 3, "dbt2kvm")
out3 = os.path.join(tmp, "dbt2kvm.2.txt")
open(out3, "w").close()
p = subprocess.Popen([xlat86, "-bios", rom, "-display", "none", "-serial", "none", "-accel", "kvm",
                      "-debugcon", "file:" + out3, "-loadvm", state], stderr=subprocess.PIPE)
deadline = time.time() + 30
while len(rounds(out3)) < 3 and time.time() < deadline and p.poll() is None:
    time.sleep(0.05)
p.kill()
p.wait()
got = rounds(out3)
n = len(before)
check(len(got) >= 3 and before + got == full[: n + len(got)],
      "dbt->kvm: the restored run continues with the reference's rounds (%d + %d)" % (n, len(got)))
sys.exit(1 if failures else 0)
