#!/usr/bin/env python3
"""fullscreen-test.py XLAT86 TEXT_ROM: the SDL window's full screen under
Xvfb (1600x1200) with a window manager (openbox, which honours the EWMH
full-screen state SDL asks for).
 1. `-full-screen`: the window covers the screen (xdotool
    getwindowgeometry), and the picture on the root window (ImageMagick
    `import -window root`) is the guest's 720x400 text screen with its
    8-pixel overscan border, scaled by the largest whole factor that fits
    (2: 1472x832), centred, black around it: the scaled-down picture
    (`-sample 50%`) equals the monitor's screendump, the border ring is
    the overscan colour (DAC entry 3Ch by the ROM's palette rule) and the
    margins are black.
 2. Ctrl+Alt+F (xdotool) toggles back: the window no longer covers the
    screen (its size is the bordered frame, 736x416).
 3. Ctrl+Alt+F again: full screen again.
Skipped (exit 77) without Xvfb, xdotool, ImageMagick or openbox."""
import os, re, shutil, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from hmp import Monitor  # noqa: E402

SCREEN = (1600, 1200)
FRAME, BORDER, SCALE = (720, 400), 8, 2


def overscan_rgb(i):
    """DAC entry i of vga_modes.asm's palette, 6 bits widened as QEMU does."""
    def c8(c):
        c &= 63
        return (c << 2) | ((c & 1) << 1) | (c & 1)
    return bytes([c8(i * 5 + 3), c8(i * 11), c8(63 - i * 3)])


def start_xvfb():
    r, w = os.pipe()
    x = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "%dx%dx24" % SCREEN,
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


def geometry(env, win):
    out = xdo(env, "getwindowgeometry", win)
    pos = re.search(r"Position: (-?\d+),(-?\d+)", out)
    size = re.search(r"Geometry: (\d+)x(\d+)", out)
    return (int(pos.group(1)), int(pos.group(2)), int(size.group(1)), int(size.group(2)))


def wait_geometry(env, win, pred, limit=15):
    t0 = time.time()
    while True:
        g = geometry(env, win)
        if pred(g) or time.time() - t0 > limit:
            return g
        time.sleep(0.2)


def ppm(path):
    data = subprocess.run(["convert", path, "ppm:-"], capture_output=True, check=True).stdout
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    return int(m.group(1)), int(m.group(2)), data[m.end():]


def check_picture(root, dump, tmp):
    """The root window: the bordered frame scaled by SCALE, centred."""
    bw, bh = (FRAME[0] + 2 * BORDER) * SCALE, (FRAME[1] + 2 * BORDER) * SCALE
    ox, oy = (SCREEN[0] - bw) // 2, (SCREEN[1] - bh) // 2
    inner = os.path.join(tmp, "inner.png")
    subprocess.run(["convert", root, "-crop", "%dx%d+%d+%d" % (FRAME[0] * SCALE, FRAME[1] * SCALE,
                                                             ox + BORDER * SCALE, oy + BORDER * SCALE),
                    "+repage", "-sample", "50%", inner], check=True, timeout=30)
    r = subprocess.run(["compare", "-metric", "AE", inner, dump, os.path.join(tmp, "d.png")],
                       capture_output=True, text=True, timeout=30)
    ok = r.returncode == 0 and r.stderr.strip() == "0"
    print("full screen: picture scaled x%d at (%d,%d) vs screendump: %s differing pixels  %s"
          % (SCALE, ox, oy, r.stderr.strip(), "ok" if ok else "FAIL"))
    W, H, px = ppm(root)
    def at(x, y):
        return px[(y * W + x) * 3:(y * W + x) * 3 + 3]
    rgb = overscan_rgb(0x3c)
    probes = [(ox + 3, oy + 3, rgb), (ox + bw - 4, oy + bh - 4, rgb),
              (ox + bw // 2, oy + BORDER * SCALE - 1, rgb), (ox + BORDER * SCALE - 1, oy + bh // 2, rgb),
              (ox - 1, oy + bh // 2, b"\0\0\0"), (ox + bw, oy + bh // 2, b"\0\0\0"),
              (ox + bw // 2, oy - 1, b"\0\0\0"), (ox + bw // 2, oy + bh, b"\0\0\0"), (0, 0, b"\0\0\0")]
    bad = [(x, y, at(x, y).hex(), want.hex()) for x, y, want in probes if at(x, y) != want]
    print("full screen: border %s and black margins: %s" % (rgb.hex(), "ok" if not bad else "FAIL %s" % bad))
    return ok and not bad


def main():
    xlat, rom = sys.argv[1:3]
    for tool in ("Xvfb", "xdotool", "import", "compare", "convert", "openbox"):
        if not shutil.which(tool):
            print("SKIP: %s not installed (xvfb, xdotool, imagemagick, openbox)" % tool)
            return 77
    xvfb, display = start_xvfb()
    env = dict(os.environ, DISPLAY=display)
    wm = subprocess.Popen(["openbox", "--sm-disable"], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    fails = 0
    p = None
    try:
        time.sleep(1.0)
        with tempfile.TemporaryDirectory() as tmp:
            sock, con = os.path.join(tmp, "m.sock"), os.path.join(tmp, "m.con")
            p = subprocess.Popen([xlat, "-display", "sdl", "-full-screen", "-bios", rom,
                                  "-debugcon", "file:" + con, "-monitor", "unix:%s,server,nowait" % sock],
                                 env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
            mon = Monitor(sock)
            t0 = time.time()
            while not (os.path.exists(con) and b"OK" in open(con, "rb").read()):
                if p.poll() is not None or time.time() - t0 > 60:
                    raise RuntimeError("the ROM did not finish")
                time.sleep(0.05)
            win = ""
            while not win and time.time() - t0 < 30:
                win = xdo(env, "search", "--onlyvisible", "--pid", str(p.pid), "--name", "xlat86")
                time.sleep(0.1)
            win = win.split()[0]
            full = lambda g: g[2:] == SCREEN and g[:2] == (0, 0)
            g = wait_geometry(env, win, full)
            ok = full(g)
            print("-full-screen: window at %d,%d size %dx%d (screen %dx%d)  %s"
                  % (g + SCREEN + ("ok" if ok else "FAIL",)))
            fails += not ok
            time.sleep(1.0)
            dump, root = os.path.join(tmp, "dump.png"), os.path.join(tmp, "root.png")
            mon.cmd("screendump " + dump)
            subprocess.run(["import", "-window", "root", root], env=env, check=True, timeout=30)
            fails += not check_picture(root, dump, tmp)
            for step, want_full in (("Ctrl+Alt+F", False), ("Ctrl+Alt+F again", True)):
                xdo(env, "windowactivate", "--sync", win)
                xdo(env, "key", "--clearmodifiers", "ctrl+alt+f")
                if want_full:
                    g = wait_geometry(env, win, full)
                    ok = full(g)
                else:
                    bordered = ((FRAME[0] + 2 * BORDER), (FRAME[1] + 2 * BORDER))
                    g = wait_geometry(env, win, lambda g: g[2:] == bordered)
                    ok = g[2:] == bordered
                print("%s: window at %d,%d size %dx%d  %s" % ((step,) + g + ("ok" if ok else "FAIL",)))
                fails += not ok
            mon.cmd("quit")
            p.wait(20)
    finally:
        if p and p.poll() is None:
            p.kill()
            p.wait()
        wm.terminate()
        wm.wait()
        xvfb.terminate()
        xvfb.wait()
    return 1 if fails else 0


sys.exit(main())
