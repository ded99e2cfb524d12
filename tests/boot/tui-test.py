#!/usr/bin/env python3
"""tui-test.py XLAT86 ROM: the full-screen debugger (-debugger tui) under
tmux, on tests/boot/monitor_rom.asm with -S -nographic. Keys are sent with
`tmux send-keys`, the screen is read with `tmux capture-pane -p`:
- s (step) moves the current line (=>) along objdump's listing of the ROM
  (binutils is the reference): F000:FFF0 -> F000:0000 -> ... -> the spin
  loop at F000:0015;
- b (block step) runs the loop's block (inc ecx; jmp) once: back at
  000f0015 with ECX one higher, and the host pane shows that block's
  guest instructions with host code under them;
- k sets a breakpoint at the cursor, c runs into it, v switches to the
  host view, q quits xlat86.
Skipped (status 77) without tmux."""
import os, re, shutil, subprocess, sys, time

XLAT86, ROM = sys.argv[1:3]
if not shutil.which("tmux"):
    print("tmux not installed: the TUI test is skipped")
    sys.exit(77)
fails = []
SOCK = "xlat86-tui-%d" % os.getpid()


def check(ok, what, screen=None):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        fails.append(what)
        if screen is not None:
            print(screen)


def tmux(*a):
    return subprocess.run(["tmux", "-L", SOCK] + list(a), capture_output=True, text=True).stdout


def screen():
    return tmux("capture-pane", "-p", "-t", "t")


def wait_for(pattern, limit=10):
    t0 = time.time()
    while time.time() - t0 < limit:
        s = screen()
        if re.search(pattern, s, re.M):
            return True, s
        time.sleep(0.1)
    return False, screen()


def key(k, pattern, what):
    tmux("send-keys", "-t", "t", k)
    ok, s = wait_for(pattern)
    check(ok, what, s)
    return s


dis = subprocess.run(["objdump", "-D", "-b", "binary", "-mi8086", "--start-address=0", "--stop-address=0x19", ROM],
                     capture_output=True, text=True).stdout
addrs = [int(m.group(1), 16) for m in re.finditer(r"^\s+([0-9a-f]+):\t", dis, re.M)]
check(addrs[:1] == [0] and 0x15 in addrs, "objdump lists the ROM (%s)" % addrs)

tmux("new-session", "-d", "-s", "t", "-x", "150", "-y", "45",
     "%s -debugger tui -bios %s -S -display none -nographic; echo XLAT86-EXITED $?; sleep 30" % (XLAT86, ROM))
try:
    ok, s = wait_for(r"^=> fffffff0: ljmp")
    check(ok and "[paused]" in s, "the TUI starts paused at the reset vector (=> fffffff0)", s)
    key("s", r"^=> 000f0000: cli", "s: the far jump lands at F000:0000")
    for a in addrs[1:addrs.index(0x15) + 1]:
        key("s", r"^=> %08x: " % (0xf0000 + a), "s: the current line moves to objdump's %08x" % (0xf0000 + a))
    s = screen()
    ecx = int(re.search(r"ECX=([0-9a-f]{8})", s).group(1), 16)
    s = key("b", r"ECX=%08x" % (ecx + 1), "b: one block (inc ecx; jmp) -> ECX + 1")
    check(re.search(r"^=> 000f0015: inc ecx", s, re.M) is not None, "b: back at the loop's head (=> 000f0015)", s)
    host = s[s.index("Host code of the block at 000f0015"):]
    check(re.search(r"^\s+000f0015: inc ecx", host, re.M) and re.search(r"^\s+000f0017: jmp", host, re.M),
          "host pane: the block's guest instructions", s)
    check(re.search(r"^\s+0x[0-9a-f]+: inc ebx", host, re.M) is not None,
          "host pane: host code under them (inc ecx -> inc ebx, the register cache)", s)
    key("k", r"Breakpoint 1 at 000f0015", "k: a breakpoint at the cursor line (000f0015)")
    key("c", r"\[paused\]", "c: runs into the breakpoint and stops")
    s = key("v", r"^Host code of the block at 000f0015", "v: the host view takes the listing's place")
    # The screen may be caught mid-redraw: wait for the old pane to go.
    t0 = time.time()
    while "Guest code" in s and time.time() - t0 < 10:
        time.sleep(0.1)
        s = screen()
    check("Guest code" not in s, "v: the guest listing is hidden", s)
    key("v", r"^Guest code", "v again: the guest listing is back")
    key("q", r"XLAT86-EXITED 0", "q quits xlat86 (status 0)")
finally:
    tmux("kill-server")
if fails:
    print("%d check(s) failed" % len(fails))
    sys.exit(1)
print("all TUI checks passed")
