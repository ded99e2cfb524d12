#!/usr/bin/env python3
"""sdl-test.py XLAT86 TEXT_ROM ECHO_ROM: -display sdl under Xvfb.
 1. TEXT_ROM (tests/vga's 80x25 text mode ROM) in an SDL window: the
    window's picture (ImageMagick `import -window`) is the monitor's
    screendump pixel for pixel (ImageMagick `compare -metric AE`) inside an
    8-pixel border of the overscan colour (the ROM sets AR11 = 3Ch; DAC
    entry 3Ch by the ROM's palette rule), and the title says "running" and
    the guest's MIPS.
 2. ECHO_ROM (tests/input/kbd_echo.asm, set 1): keys typed with xdotool
    (XTEST) reach the guest; the echoed scan codes equal QEMU's for the
    same keys pressed and released in the same order through its monitor's
    sendkey (QEMU is the reference; QEMU's own SDL window is not installed
    here).
 2b. Ctrl+Alt+G grabs the pointer (the title says so) and releases it.
    (Ctrl+Alt+F is not checked: without a window manager, Xvfb does not
    honour full-screen requests.)
 3. Closing the window (WM_DELETE_WINDOW, sent through libX11) ends the run
    with status 0.
 4. MOUSE_ROM (the echo ROM with the PS/2 mouse reporting): a click grabs
    the pointer, then xdotool moves it right and scrolls; the guest reads
    well-formed 3-byte packets (bit 3 set, X sign clear, X > 0, Y = 0) and
    a button press/release (bit 0) - no QEMU reference (its SDL window is
    not installed here): the packet format is the PS/2 reference's.
Skipped (exit 77) without Xvfb, xdotool, ImageMagick or QEMU."""
import ctypes, ctypes.util, os, re, shutil, socket, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from hmp import Monitor  # noqa: E402

# xdotool steps, and the sendkey commands that press the same keys in the
# same order (QEMU: keys pressed in order, released in reverse order).
KEYS = [("key a", "a"), ("keydown shift keydown a keyup a keyup shift", "shift-a"),
        ("keydown ctrl keydown Home keyup Home keyup ctrl", "ctrl-home"),
        ("key KP_Enter", "kp_enter"), ("key Pause", "pause"), ("key Print", "print"), ("key F12", "f12"),
        ("key Delete", "delete"), ("key Escape", "esc"), ("key Right", "right"), ("key KP_Add", "kp_add"),
        ("key Super_L", "meta_l"), ("key Insert", "insert"), ("key Return", "ret"), ("key space", "spc"),
        ("keydown ctrl key Pause keyup ctrl", "ctrl-pause"),
        ("keydown alt key Print keyup alt", "alt-print"),
        ("keydown shift key Print keyup shift", "shift-print")]


def overscan_rgb(i):
    """DAC entry i of vga_modes.asm's palette ((5i + 3, 11i, 63 - 3i) & 63),
    6 bits widened to 8 as QEMU does (low bit repeated)."""
    def c8(c):
        c &= 63
        return (c << 2) | ((c & 1) << 1) | (c & 1)
    return bytes([c8(i * 5 + 3), c8(i * 11), c8(63 - i * 3)])


def border_ok(shot, w, h, b, rgb):
    """The window picture is (w + 2b) x (h + 2b) and its b-pixel frame is rgb."""
    data = subprocess.run(["convert", shot, "ppm:-"], capture_output=True, check=True).stdout
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    W, H = int(m.group(1)), int(m.group(2))
    px = data[m.end():]
    if (W, H) != (w + 2 * b, h + 2 * b):
        print("window %dx%d, want %dx%d" % (W, H, w + 2 * b, h + 2 * b))
        return False
    for y in range(H):
        xs = range(W) if y < b or y >= H - b else list(range(b)) + list(range(W - b, W))
        for x in xs:
            if px[(y * W + x) * 3:(y * W + x) * 3 + 3] != rgb:
                print("border pixel (%d,%d) is %s" % (x, y, px[(y * W + x) * 3:(y * W + x) * 3 + 3].hex()))
                return False
    return True


def wait_file(path, text, p, limit=30):
    t0 = time.time()
    while not (os.path.exists(path) and text in open(path, "rb").read()):
        if p.poll() is not None or time.time() - t0 > limit:
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


def start_xvfb():
    r, w = os.pipe()
    x = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x1024x24",
                          "-nolisten", "tcp"], pass_fds=(w,), stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    os.close(w)
    num = b""
    while not num.endswith(b"\n"):
        c = os.read(r, 1)
        if not c:
            raise RuntimeError("Xvfb did not start")
        num += c
    os.close(r)
    return x, ":" + num.decode().strip()


def xdo(env, *args):
    return subprocess.run(["xdotool"] + list(args), env=env, capture_output=True, text=True,
                          timeout=20).stdout.strip()


def find_window(env, pid, limit=20):
    t0 = time.time()
    while time.time() - t0 < limit:
        w = xdo(env, "search", "--sync", "--onlyvisible", "--pid", str(pid), "--name", "xlat86")
        if w:
            return w.split()[0]
        time.sleep(0.1)
    raise RuntimeError("no xlat86 window")


def close_window(display, win):
    """Send WM_DELETE_WINDOW as a window manager would (libX11 via ctypes)."""
    x = ctypes.CDLL(ctypes.util.find_library("X11"))
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XInternAtom.restype = ctypes.c_ulong
    x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long,
                             ctypes.c_void_p]
    x.XFlush.argtypes = [ctypes.c_void_p]
    x.XCloseDisplay.argtypes = [ctypes.c_void_p]
    dpy = x.XOpenDisplay(display.encode())

    class ClientMessage(ctypes.Structure):
        _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                    ("display", ctypes.c_void_p), ("window", ctypes.c_ulong),
                    ("message_type", ctypes.c_ulong), ("format", ctypes.c_int),
                    ("data", ctypes.c_long * 5), ("pad", ctypes.c_long * 24)]
    ev = ClientMessage()
    ev.type = 33                                 # ClientMessage
    ev.window = int(win)
    ev.message_type = x.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
    ev.format = 32
    ev.data[0] = x.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
    ev.data[1] = 0                               # CurrentTime
    x.XSendEvent(dpy, int(win), 0, 0, ctypes.byref(ev))
    x.XFlush(dpy)
    x.XCloseDisplay(dpy)


def launch(cmd, tmp, tag, env=None):
    sock, con = os.path.join(tmp, tag + ".sock"), os.path.join(tmp, tag + ".con")
    p = subprocess.Popen(cmd + ["-debugcon", "file:" + con, "-monitor", "unix:%s,server,nowait" % sock],
                         env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    return p, Monitor(sock), con


def stop(p):
    if p.poll() is None:
        p.kill()
    p.wait()


def mouse_test(xlat, rom, tmp, env):
    p, mon, con = launch([xlat, "-display", "sdl", "-bios", rom], tmp, "m", env)
    try:
        wait_file(con, b"READY\n", p)
        win = find_window(env, p.pid)
        xdo(env, "windowfocus", "--sync", win)
        xdo(env, "mousemove", "--window", win, "100", "100")
        xdo(env, "click", "1")                   # grabs (no packet: not grabbed yet)
        time.sleep(0.3)
        before = len(open(con, "rb").read())
        xdo(env, "mousemove_relative", "--", "20", "0")
        moved = settle(con, before, 0.2).split()
        before = len(open(con, "rb").read())
        xdo(env, "click", "1")
        clicked = settle(con, before, 0.2).split()
        mon.cmd("quit")
        p.wait(20)
    finally:
        stop(p)
    fails = 0
    pk = [int(b, 16) for b in moved]
    ok = len(pk) >= 3 and len(pk) % 3 == 0 and all(
        pk[i] & 0x08 and not pk[i] & 0x10 and pk[i + 2] == 0 for i in range(0, len(pk), 3)) and \
        sum(pk[i + 1] for i in range(0, len(pk), 3)) > 0
    print("mouse move right: %s  %s" % (" ".join(moved), "ok" if ok else "FAIL"))
    fails += not ok
    ck = [int(b, 16) for b in clicked]
    ok = ck[:3] == [0x09, 0, 0] and ck[3:6] == [0x08, 0, 0]
    print("mouse click: %s  %s" % (" ".join(clicked), "ok" if ok else "FAIL"))
    return fails + (not ok)


def main():
    xlat, text_rom, echo_rom, mouse_rom = sys.argv[1:5]
    for tool in ("Xvfb", "xdotool", "import", "compare", "qemu-system-i386"):
        if not shutil.which(tool):
            print("SKIP: %s not installed (xvfb, xdotool, imagemagick, qemu-system-x86)" % tool)
            return 77
    xvfb, display = start_xvfb()
    env = dict(os.environ, DISPLAY=display)
    fails = 0
    try:
        with tempfile.TemporaryDirectory() as tmp:
            # 1. the frame in the window
            p, mon, con = launch([xlat, "-display", "sdl", "-bios", text_rom], tmp, "t", env)
            try:
                wait_file(con, b"OK", p)
                win = find_window(env, p.pid)
                time.sleep(0.5)
                dump, shot = os.path.join(tmp, "dump.png"), os.path.join(tmp, "win.png")
                mon.cmd("screendump " + dump)
                subprocess.run(["import", "-window", win, shot], env=env, check=True, timeout=30)
                inner = os.path.join(tmp, "inner.png")
                subprocess.run(["convert", shot, "-crop", "720x400+8+8", "+repage", inner],
                               check=True, timeout=30)
                r = subprocess.run(["compare", "-metric", "AE", inner, dump, os.path.join(tmp, "d.png")],
                                   capture_output=True, text=True, timeout=30)
                ok = border_ok(shot, 720, 400, 8, overscan_rgb(0x3c))
                print("window border in the overscan colour %s  %s" %
                      (overscan_rgb(0x3c).hex(), "ok" if ok else "FAIL"))
                fails += not ok
                title = xdo(env, "getwindowname", win)
                ok = r.returncode == 0 and r.stderr.strip() == "0"
                print("window picture vs screendump: %s differing pixels  %s" %
                      (r.stderr.strip(), "ok" if ok else "FAIL"))
                fails += not ok
                ok = re.match(r"xlat86 - running - [0-9.]+ MIPS", title) is not None
                print("title %r  %s" % (title, "ok" if ok else "FAIL"))
                fails += not ok
                # 3. closing the window ends the run, status 0
                close_window(display, win)
                try:
                    st = p.wait(20)
                except subprocess.TimeoutExpired:
                    st = None
                ok = st == 0
                print("close the window: exit status %s  %s" % (st, "ok" if ok else "FAIL"))
                fails += not ok
            finally:
                stop(p)
            # 2. keys: xlat86's window, then QEMU's sendkey as the reference
            mine, ref = {}, {}
            p, mon, con = launch([xlat, "-display", "sdl", "-bios", echo_rom], tmp, "k", env)
            try:
                wait_file(con, b"READY\n", p)
                win = find_window(env, p.pid)
                xdo(env, "windowfocus", "--sync", win)
                for steps, _ in KEYS:
                    before = len(open(con, "rb").read())
                    subprocess.run(["xdotool"] + steps.split(), env=env, timeout=20)
                    mine[steps] = settle(con, before, 0.05)
                # Ctrl+Alt+G grabs (the title says how to release), again releases.
                titles = []
                for _ in range(2):
                    xdo(env, "key", "ctrl+alt+g")
                    time.sleep(1.3)                  # the title is refreshed every second
                    titles.append(xdo(env, "getwindowname", win))
                ok = titles[0].endswith("Press Ctrl+Alt+G to release grab") and \
                    "grab" not in titles[1]
                print("Ctrl+Alt+G: %r, then %r  %s" % (titles[0], titles[1], "ok" if ok else "FAIL"))
                fails += not ok
                mon.cmd("quit")
                p.wait(20)
            finally:
                stop(p)
            q, qmon, qcon = launch(["qemu-system-i386", "-M", "pc", "-nodefaults", "-display", "none",
                                    "-bios", echo_rom], tmp, "q")
            try:
                wait_file(qcon, b"READY\n", q)
                for steps, keys in KEYS:
                    before = len(open(qcon, "rb").read())
                    qmon.cmd("sendkey " + keys)
                    ref[steps] = settle(qcon, before, 0.12)
                qmon.cmd("quit")
                q.wait(20)
            finally:
                stop(q)
            for steps, keys in KEYS:
                ok = mine[steps] == ref[steps] and mine[steps] != ""
                fails += not ok
                print("xdotool %-48s %s  %s" % (steps, "ok  " if ok else "FAIL", mine[steps]) +
                      ("" if ok else "   (qemu sendkey %s: %s)" % (keys, ref[steps])))
            fails += mouse_test(xlat, mouse_rom, tmp, env)
    finally:
        xvfb.terminate()
        xvfb.wait()
    print("%d check(s) failed" % fails)
    return 1 if fails else 0


sys.exit(main())
