#!/usr/bin/env python3
"""mux-test.py XLAT86 ROM: the serial console and the monitor on one
terminal (frontend/mux.c), driven through a pseudo terminal as a user
would: Ctrl-A c shows QEMU's monitor banner and prompt, monitor commands
answer there (info status, stop/cont), Ctrl-A c gives the terminal back to
the guest, whose bytes then never reach the monitor (a `quit` typed to the
guest does not quit), and `quit` in the monitor ends the run. Both
`-serial stdio -monitor stdio` and `-nographic` (QEMU's default mux)."""
import os, pty, select, subprocess, sys, time

XLAT86, ROM = sys.argv[1:3]
fails = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        fails.append(what)


def session(args, label):
    master, slave = pty.openpty()
    p = subprocess.Popen([XLAT86, "-bios", ROM, "-display", "none"] + args, stdin=slave, stdout=slave,
                         stderr=subprocess.PIPE)
    os.close(slave)
    seen = [b""]

    def expect(b, limit=10):
        t0 = time.time()
        while b not in seen[0]:
            if time.time() - t0 > limit:
                return False
            r, _, _ = select.select([master], [], [], 0.2)
            if r:
                try:
                    seen[0] += os.read(master, 4096)
                except OSError:
                    return False
        seen[0] = seen[0][seen[0].index(b) + len(b):]
        return True

    def send(b):
        os.write(master, b)

    time.sleep(0.3)
    send(b"\x01c")
    check(expect(b"QEMU 7.2.0 monitor - type 'help' for more information") and expect(b"(qemu) "),
          "%s: Ctrl-A c shows the monitor banner and prompt" % label)
    send(b"info status\r")
    check(expect(b"VM status: running") and expect(b"(qemu) "), "%s: info status in the monitor" % label)
    send(b"stop\r")
    expect(b"(qemu) ")
    send(b"info statx\x7fus\r")
    check(expect(b"VM status: paused"), "%s: stop, and backspace edits the line" % label)
    send(b"cont\r")
    expect(b"(qemu) ")
    send(b"\x01c")          # back to the guest
    time.sleep(0.2)
    send(b"quit\r")         # for the guest's UART, not the monitor
    time.sleep(0.5)
    check(p.poll() is None, "%s: after Ctrl-A c, typed bytes go to the guest, not the monitor" % label)
    send(b"\x01c")
    check(expect(b"(qemu) "), "%s: Ctrl-A c again: the monitor prompt" % label)
    send(b"quit\r")
    try:
        st = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        st = p.wait()
    check(st == 0, "%s: quit in the monitor ends the run (status %s)" % (label, st))
    os.close(master)


session(["-serial", "stdio", "-monitor", "stdio"], "-serial stdio -monitor stdio")
session(["-nographic"], "-nographic")
session(["-serial", "mon:stdio"], "-serial mon:stdio")
if fails:
    print("%d check(s) failed" % len(fails))
    sys.exit(1)
print("all mux checks passed")
