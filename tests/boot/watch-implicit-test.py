#!/usr/bin/env python3
"""watch-implicit-test.py XLAT86 WATCH_ROM: the debugger's watchpoints see
the processor's implicit accesses, as QEMU's softmmu watchpoints do:
gate reads from the IDT, interrupt frame pushes, descriptor reads and the
accessed-bit write of a segment load, TSS writes and reads of a task
switch, for a software interrupt (INT n, inside a block) and an external
one (IRQ0, delivered by the run loop).

Expected values come from watch_rom.asm's layout and the SDM (vol. 3:
6.12.1 the 32-bit frame EFLAGS, CS, EIP at ESP-4/-8/-12; 3.4.5.1 the
accessed bit is set on a segment load; 7.2.1 EIP at TSS+20h; 6.11 gate
n at IDT base + 8n), not from xlat86's output: each stop reports the
watched address, the access kind and size, and the handler (or task)
entry the delivery reached."""
import os, re, subprocess, sys, tempfile, shutil, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from hmp import Monitor  # noqa: E402

XLAT86, ROM = sys.argv[1:3]
fails = []
tmp = tempfile.mkdtemp(prefix="xlat86-watchimp-")
H30, H20, TASK_B = 0xF0800, 0xF0810, 0xF0820   # fixed in watch_rom.asm


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        fails.append(what)


def wait_paused(m, limit=30):
    t0 = time.time()
    while time.time() - t0 < limit:
        if "paused" in m.cmd("info status"):
            return True
        time.sleep(0.02)
    return False


def pc(m):
    """Linear PC: CS base is F0000 in every mode this ROM uses."""
    return 0xF0000 + int(m.cmd("print /x $eip").strip(), 16)


def hit(text):
    """(kind, size, address, next pc) of a step's watchpoint stop line."""
    r = re.search(r"Watchpoint \d+: (read|write) of (\d+) bytes at ([0-9a-f]+); next ([0-9a-f]+)", text)
    return (r.group(1), int(r.group(2)), int(r.group(3), 16), int(r.group(4), 16)) if r else None


def show(h):
    return "%s %d at %x, next %x" % h if h else "no watchpoint stop"


# Labels of the protected-mode code from objdump (the code segment's base
# is F0000, so the linear address is F0000 + the image offset).
dis = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386", "--start-address=0x40",
                      "--stop-address=0x100", ROM], capture_output=True, text=True).stdout


def label(pattern):
    return 0xF0000 + int(re.search(r"^\s+([0-9a-f]+):\s+(?:[0-9a-f]{2} )+\s*" + pattern, dis, re.M).group(1), 16)


SOFT = label(r"int\s+\$0x30")
HLT = label(r"hlt")
LDFS = label(r"mov\s+%eax,%fs")

sock = os.path.join(tmp, "m.sock")
p = subprocess.Popen([XLAT86, "-bios", ROM, "-S", "-display", "none", "-monitor", "unix:%s,server,nowait" % sock],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

class Mon(Monitor):
    def cmd(self, line):
        """The reply without the prompt, newlines as \\n."""
        out = super().cmd(line)
        if out.endswith("(qemu) "):
            out = out[:-len("(qemu) ")]
        return out.replace("\r\n", "\n")


m = Mon(sock)
try:
    m.cmd("until 0x%x" % SOFT)
    check(wait_paused(m) and pc(m) == SOFT, "until INT 30h at %05x" % SOFT)

    # INT 30h: the EFLAGS slot of the frame (write watch).
    m.cmd("watch 0x6ffc 4")
    h = hit(m.cmd("step 5"))
    check(h == ("write", 4, 0x6FFC, H30), "INT 30h pushes EFLAGS at 6FFC: %s" % show(h))
    check(int(m.cmd("print /x [0x6ffc]").strip(), 16) & 0x2 == 2, "the EFLAGS image is in the slot (bit 1 set)")
    m.cmd("delete")
    # The same INT again would be needed for the gate read: restart the ROM.
    m.cmd("system_reset")
    m.cmd("until 0x%x" % SOFT)
    check(wait_paused(m) and pc(m) == SOFT, "after system_reset, at INT 30h again")
    m.cmd("rwatch 0x1580 8")
    h = hit(m.cmd("step 5"))
    check(h == ("read", 4, 0x1580, H30), "INT 30h reads its gate IDT[30h] at 1580: %s" % show(h))
    m.cmd("delete")

    # MOV FS, AX with selector 18h (accessed bit clear): a write watch on
    # the descriptor sees only the accessed-bit write of its type byte.
    m.cmd("watch 0x1018 8")
    h = hit(m.cmd("step 5"))
    check(h is not None and h[:3] == ("write", 1, 0x101D), "MOV FS sets the accessed bit of GDT[18h] (101D): %s" % show(h))
    check(int(m.cmd("print /x [0x101c]").strip(), 16) >> 8 & 0xff == 0x93, "type byte now 93h")
    m.cmd("delete")
    m.cmd("rwatch 0x1018 8")
    m.cmd("system_reset")
    m.cmd("cont")
    check(wait_paused(m) and pc(m) == LDFS + 2, "MOV FS reads GDT[18h] (rwatch, after a reset): stop after it")
    m.cmd("delete")

    # CALL 28h:0, a task switch: A's EIP saved at 1820h (write), then B's
    # IRETD back to A reads it (read).
    m.cmd("watch 0x1820 4")
    m.cmd("cont")
    check(wait_paused(m) and pc(m) == TASK_B, "task switch writes TSS A's EIP (1820h), stop in task B")
    m.cmd("delete")
    m.cmd("rwatch 0x1820 4")
    h = hit(m.cmd("step 5"))
    task_back = label(r"lcall\s+\$0x28,\$0x0") + 7
    check(h == ("read", 4, 0x1820, task_back), "IRETD back to task A reads 1820h: %s" % show(h))
    m.cmd("delete")

    # IRQ0, delivered by the run loop: the gate IDT[20h] and the frame.
    m.cmd("until 0x%x" % HLT)
    check(wait_paused(m), "at the HLT loop")
    m.cmd("rwatch 0x1500 8")
    m.cmd("cont")
    check(wait_paused(m) and pc(m) == H20, "IRQ0's gate read (IDT[20h] at 1500h) stops at the handler")
    m.cmd("delete")
    m.cmd("watch 0x6ffc 4")
    m.cmd("cont")
    check(wait_paused(m) and pc(m) == H20, "IRQ0's EFLAGS push at 6FFC stops at the handler")
    check(re.search(r"watch\s+00006ffc\s+4\s+1\b", m.cmd("info break")) is not None, "info break: one hit")
    m.cmd("delete")
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
print("all implicit-access watchpoint checks passed")
