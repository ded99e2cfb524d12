#!/usr/bin/env python3
"""kvm-gdb-test.py XLAT86 ROM: the GDB stub under -accel kvm, driven by
Debian's gdb in batch mode against tests/boot/monitor_rom.asm: stepi from
the reset vector lands at F000:0000 and then on objdump's next instruction;
a software (break) and a hardware (hbreak) breakpoint at the spin loop stop
with ECX counting one turn per continue (the ROM's own semantics). Skips
(77) without a usable /dev/kvm or without gdb."""
import os, re, shutil, socket, subprocess, sys, tempfile, time

XLAT86, ROM = sys.argv[1:3]
if not os.access("/dev/kvm", os.R_OK | os.W_OK):
    print("SKIP: no usable /dev/kvm on this host")
    sys.exit(77)
if not shutil.which("gdb"):
    print("SKIP: gdb not installed")
    sys.exit(77)
dis = subprocess.run(["objdump", "-D", "-b", "binary", "-mi8086", "--start-address=0", "--stop-address=0x19", ROM],
                     capture_output=True, text=True).stdout
addrs = [int(m.group(1), 16) for m in re.finditer(r"^\s+([0-9a-f]+):\t", dis, re.M)]
s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
p = subprocess.Popen([XLAT86, "-bios", ROM, "-accel", "kvm", "-vga", "none", "-display", "none", "-S",
                      "-gdb", "tcp::%d" % port], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
t0 = time.time()
while time.time() - t0 < 10:
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
        break
    except OSError:
        time.sleep(0.05)
script = """set confirm off
set pagination off
set architecture i8086
target remote 127.0.0.1:%d
stepi
echo === A\\n
info registers eip
stepi
echo === B\\n
info registers eip
break *0xf0017
continue
echo === C\\n
info registers eip ecx
continue
echo === D\\n
info registers eip ecx
delete
hbreak *0xf0015
continue
echo === E\\n
info registers eip ecx
kill
""" % port
tmp = tempfile.mkdtemp(prefix="xlat86-kvmgdb-")
f = os.path.join(tmp, "s.gdb")
open(f, "w").write(script)
try:
    out = subprocess.run(["gdb", "-batch", "-nx", "-x", f], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, timeout=60).stdout
finally:
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
regs = {}
for part in out.split("=== ")[1:]:
    label, body = part.split("\n", 1)
    regs[label.strip()] = {m.group(1): int(m.group(2), 16) for m in re.finditer(r"^(eip|ecx)\s+0x([0-9a-f]+)", body, re.M)}
fails = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        fails.append(what)


check(regs.get("A", {}).get("eip") == 0, "stepi: the far JMP at F000:FFF0 lands at F000:0000")
check(regs.get("B", {}).get("eip") == addrs[1], "stepi again: objdump's second instruction (%#x)" % addrs[1])
c, d, e = regs.get("C", {}), regs.get("D", {}), regs.get("E", {})
check(c.get("eip") == 0x17 and c.get("ecx") == 1, "break *0xf0017: first stop after one INC (ECX 1)")
check(d.get("eip") == 0x17 and d.get("ecx") == 2, "continue: one more turn (ECX 2)")
check(e.get("eip") == 0x15 and e.get("ecx") == 2, "hbreak *0xf0015: the next turn's INC, not yet run")
if fails:
    print(out[-1500:])
    sys.exit(1)
print("PASS")
