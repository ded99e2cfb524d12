#!/usr/bin/env python3
"""curses-test.py XLAT86 TEXT_ROM ECHO_ROM GRAPHICS_ROM: -display curses under tmux.
 1. TEXT_ROM (tests/vga's 80x25 text ROM: cell i holds character i & 0xFF,
    0xB0-0xBF replaced by 0x30-0x3F) in a 100x30 tmux pane: `tmux
    capture-pane` shows rows 0-24 with each character as code page 437's
    Unicode form (Python's cp437 codec is the reference; 0x00-0x1F and 0x7F,
    which that codec leaves as control characters, are not compared).
 2. ECHO_ROM (tests/input/kbd_echo.asm, set 1): keys sent with `tmux
    send-keys` reach the guest; the echoed scan codes equal QEMU's for the
    same keys through its monitor's sendkey (QEMU is the reference).
 3. GRAPHICS_ROM (tests/vga's mode 13h ROM): the pane shows the one-line
    graphics mode notice.
Skipped (exit 77) without tmux or QEMU."""
import os, shutil, socket, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from hmp import Monitor  # noqa: E402

# tmux key, QEMU sendkey
KEYS = [("a", "a"), ("A", "shift-a"), ("Enter", "ret"), ("Up", "up"), ("F1", "f1"),
        ("Tab", "tab"), ("BSpace", "backspace"), ("!", "shift-1"), ("C-x", "ctrl-x"),
        ("Home", "home"), ("DC", "delete"), ("NPage", "pgdn"), ("/", "slash"), ("~", "shift-grave_accent"),
        ("Escape", "esc")]


def expected_rows():
    rows = []
    for r in range(25):
        line = []
        for i in range(r * 80, r * 80 + 80):
            c = i & 0xff
            if 0xb0 <= c <= 0xbf:
                c -= 0x80
            line.append(None if c < 0x20 or c == 0x7f else bytes([c]).decode("cp437"))
        rows.append(line)
    return rows


def tmux(sock, *args):
    return subprocess.run(["tmux", "-L", sock] + list(args), capture_output=True, text=True,
                          timeout=20)


def wait_file(path, text, limit=30):
    t0 = time.time()
    while not (os.path.exists(path) and text in open(path, "rb").read()):
        if time.time() - t0 > limit:
            raise RuntimeError("no %r in %s" % (text, path))
        time.sleep(0.05)


def settle(path, before, wait):
    time.sleep(wait)
    last, t1 = None, time.time()
    while time.time() - t1 < 5:
        cur = open(path, "rb").read()[before:]
        if cur and cur == last:
            break
        last = cur
        time.sleep(0.05)
    return open(path, "rb").read()[before:].decode().strip()


def run_in_tmux(sock, cmd):
    env = "LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color "
    r = tmux(sock, "new-session", "-d", "-x", "100", "-y", "30",
             env + " ".join("'%s'" % a for a in cmd))
    if r.returncode:
        raise RuntimeError("tmux: " + r.stderr)


def main():
    xlat, text_rom, echo_rom, gfx_rom = sys.argv[1:5]
    for tool in ("tmux", "qemu-system-i386"):
        if not shutil.which(tool):
            print("SKIP: %s not installed" % tool)
            return 77
    fails = 0
    sock = "xlat86-curses-%d" % os.getpid()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            con = os.path.join(tmp, "t.con")
            msock = os.path.join(tmp, "t.sock")
            run_in_tmux(sock, [xlat, "-display", "curses", "-bios", text_rom, "-debugcon",
                               "file:" + con, "-monitor", "unix:%s,server,nowait" % msock])
            wait_file(con, b"OK")
            want = expected_rows()
            t0 = time.time()
            while True:
                pane = tmux(sock, "capture-pane", "-p").stdout.split("\n")
                bad = [r for r in range(25) if r >= len(pane) or len(pane[r]) < 80 or any(
                    w is not None and pane[r][x] != w for x, w in enumerate(want[r]))]
                if not bad or time.time() - t0 > 10:
                    break
                time.sleep(0.2)
            ok = not bad
            print("text screen in the pane: %s%s" % ("ok" if ok else "FAIL rows %s" % bad,
                                                    "" if ok else "\n" + "\n".join(pane[:25])))
            fails += not ok
            Monitor(msock).cmd("quit")
            time.sleep(0.5)
            tmux(sock, "kill-server")

            con = os.path.join(tmp, "g.con")
            run_in_tmux(sock, [xlat, "-display", "curses", "-bios", gfx_rom, "-debugcon",
                               "file:" + con, "-monitor", "unix:%s,server,nowait" % msock])
            wait_file(con, b"OK")
            t0 = time.time()
            while True:
                pane = tmux(sock, "capture-pane", "-p").stdout.split("\n")
                ok = pane[0].startswith("xlat86: graphics mode") and not any(pane[1:25])
                if ok or time.time() - t0 > 10:
                    break
                time.sleep(0.2)
            print("graphics mode notice: %r  %s" % (pane[0], "ok" if ok else "FAIL"))
            fails += not ok
            Monitor(msock).cmd("quit")
            time.sleep(0.5)
            tmux(sock, "kill-server")

            con = os.path.join(tmp, "k.con")
            run_in_tmux(sock, [xlat, "-display", "curses", "-bios", echo_rom, "-debugcon",
                               "file:" + con, "-monitor", "unix:%s,server,nowait" % msock])
            wait_file(con, b"READY\n")
            mine = {}
            for k, _ in KEYS:
                before = len(open(con, "rb").read())
                tmux(sock, "send-keys", k)
                mine[k] = settle(con, before, 0.1)
            Monitor(msock).cmd("quit")
        finally:
            tmux(sock, "kill-server")
        qsock, qcon = os.path.join(tmp, "q.sock"), os.path.join(tmp, "q.con")
        q = subprocess.Popen(["qemu-system-i386", "-M", "pc", "-nodefaults", "-display", "none",
                              "-bios", echo_rom, "-debugcon", "file:" + qcon,
                              "-monitor", "unix:%s,server,nowait" % qsock],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        ref = {}
        try:
            mon = Monitor(qsock)
            wait_file(qcon, b"READY\n")
            for k, keys in KEYS:
                before = len(open(qcon, "rb").read())
                mon.cmd("sendkey " + keys)
                ref[k] = settle(qcon, before, 0.12)
            mon.cmd("quit")
            q.wait(20)
        finally:
            if q.poll() is None:
                q.kill()
                q.wait()
        for k, keys in KEYS:
            ok = mine[k] == ref[k] and mine[k] != ""
            fails += not ok
            print("tmux send-keys %-8s %s  %s" % (k, "ok  " if ok else "FAIL", mine[k]) +
                  ("" if ok else "   (qemu sendkey %s: %s)" % (keys, ref[k])))
    print("%d check(s) failed" % fails)
    return 1 if fails else 0


sys.exit(main())
