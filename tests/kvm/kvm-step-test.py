#!/usr/bin/env python3
"""kvm-step-test.py XLAT86 ROM: the monitor's `step` over a far jump whose
descriptor lives in a ROM GDT (tests/kvm/kvm_farjmp.asm).

Under KVM the ROM is a read-only slot and the processor's write of the
descriptor's accessed bit is one KVM's emulator cannot finish (cpu/kvm_slots.c,
kvm_unstick): a single step there came back without executing anything
before. Stopped at the breakpoint on the far jump (F0000+1000h), three
steps must give EIP 1005h with CS = 0018h (the jump), 1007h (INC EBX,
66 43), 1000h (JMP short, EB F7), as the instruction lengths say; under
-accel kvm and -accel dbt alike, and the loop must go on after `cont`
(under KVM each iteration costs a few slices, plus the monitor's own
interruptions: up to seconds here). Skips (77) without /dev/kvm."""
import os, re, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from hmp import Monitor  # noqa: E402

xlat86, rom = sys.argv[1], sys.argv[2]
if not os.access("/dev/kvm", os.R_OK | os.W_OK):
    print("SKIP: /dev/kvm absent or not accessible")
    sys.exit(77)
tmp = tempfile.mkdtemp(prefix="kvm-step-")
failures = []


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures.append(what)


def regs(mon):
    text = mon.cmd("info registers")
    eip = int(re.search(r"EIP=([0-9a-f]{8})", text).group(1), 16)
    cs = int(re.search(r"CS =([0-9a-f]{4})", text).group(1), 16)
    ebx = int(re.search(r"EBX=([0-9a-f]{8})", text).group(1), 16)
    return eip, cs, ebx


for accel in ("kvm", "dbt"):
    sock = os.path.join(tmp, accel + ".sock")
    p = subprocess.Popen([xlat86, "-bios", rom, "-display", "none", "-vga", "none", "-serial", "none", "-m", "16",
                          "-monitor", "unix:%s,server,nowait" % sock, "-accel", accel],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    mon = Monitor(sock, limit=60)
    mon.cmd("stop")
    mon.cmd("break 0xf1000")
    mon.cmd("system_reset")
    mon.cmd("cont")
    t0 = time.time()
    while regs(mon)[0] != 0x1000 and time.time() - t0 < 30:
        time.sleep(0.05)
    first = regs(mon)
    check(first[0] == 0x1000, "%s: stopped at the breakpoint on the far jump (EIP %#x)" % (accel, first[0]))
    seen = []
    for _ in range(3):
        mon.cmd("step")
        seen.append(regs(mon))
    got = [(e, c) for e, c, _ in seen]
    check(got == [(0x1005, 0x18), (0x1007, 0x18), (0x1000, 0x18)],
          "%s: three steps: EIP/CS %s" % (accel, ", ".join("%04x:%04x" % (c, e) for e, c in got)))
    check(seen[1][2] == (first[2] + 1) & 0xffffffff, "%s: INC EBX ran once (%#x -> %#x)" % (accel, first[2], seen[1][2]))
    mon.cmd("delete")
    mon.cmd("cont")
    t0 = time.time()
    while regs(mon)[2] == seen[2][2] and time.time() - t0 < 20:
        time.sleep(0.05)
    mon.cmd("stop")
    later = regs(mon)
    check(later[2] != seen[2][2], "%s: the loop goes on after cont (EBX %#x -> %#x)" % (accel, seen[2][2], later[2]))
    mon.s.sendall(b"quit\n")
    p.wait(timeout=30)
sys.exit(1 if failures else 0)
