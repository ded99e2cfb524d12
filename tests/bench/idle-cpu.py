#!/usr/bin/env python3
"""idle-cpu.py [XLAT86] [SECONDS]: host CPU time of an idle guest.

The guest (idle_prompt.asm, booted from floppy by SeaBIOS) sits at a
DOS-like "C:\\>" prompt in text mode 3, waiting in INT 16h (SeaBIOS halts
the CPU between interrupts). For each configuration the script waits for
the prompt, lets it settle for 2 s, then reads the emulator process's
user + system CPU time (/proc/PID/stat, all threads) over SECONDS
(default 10) of wall time and prints it as % of one host CPU:

    xlat86 -display none | sdl (under Xvfb) | curses (under tmux)
    qemu-system-i386 -M pc -display none | curses (under tmux)

and for a busy guest (redraw13.asm: mode 13h, the whole screen filled once
per frame at the vertical retrace): xlat86 -display none | sdl, QEMU
-display none.

(QEMU's SDL UI module is not installed on this machine; its curses UI
is.) Configurations whose tools are missing are skipped. A measurement,
not a test: nothing is asserted; docs/PERFORMANCE.md has the figures."""
import os, shutil, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
XLAT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "build", "xlat86")
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
TICK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
    f = open("/proc/%d/stat" % pid).read()
    rest = f[f.rindex(")") + 2:].split()
    return int(rest[11]) + int(rest[12])        # utime, stime


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


def measure(name, cmd, con, env=None, tmux=None):
    """Start cmd (in a tmux session when tmux names one), wait for the
    prompt on the debug console, return CPU % over SECONDS."""
    if tmux:
        subprocess.run(["tmux", "new-session", "-d", "-s", tmux, "-x", "100", "-y", "30",
                        "exec " + " ".join(cmd)], check=True, env=env)
        pid = int(subprocess.run(["tmux", "display-message", "-p", "-t", tmux, "#{pane_pid}"],
                                 capture_output=True, text=True, check=True).stdout)
        proc = None
    else:
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        pid = proc.pid
    try:
        t0 = time.time()
        while not (os.path.exists(con) and b"PROMPT" in open(con, "rb").read()):
            if time.time() - t0 > 120 or (proc and proc.poll() is not None):
                print("%-28s did not reach the prompt" % name)
                return None
            time.sleep(0.1)
        time.sleep(2.0)
        c0, w0 = cpu_ticks(pid), time.time()
        time.sleep(SECONDS)
        c1, w1 = cpu_ticks(pid), time.time()
        pct = (c1 - c0) / TICK / (w1 - w0) * 100
        print("%-28s %6.1f %% of one CPU over %.0f s" % (name, pct, w1 - w0))
        return pct
    finally:
        if tmux:
            subprocess.run(["tmux", "kill-session", "-t", tmux], stderr=subprocess.DEVNULL)
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait()


def main():
    qemu = shutil.which("qemu-system-i386")
    with tempfile.TemporaryDirectory() as tmp:
        imgs = {}
        for name, src in (("idle", "idle_prompt.asm"), ("redraw", "redraw13.asm")):
            imgs[name] = os.path.join(tmp, name + ".img")
            subprocess.run(["nasm", "-f", "bin", "-o", imgs[name], os.path.join(HERE, src)], check=True)
        n = [0]

        def args(tag, guest="idle"):
            n[0] += 1
            con = os.path.join(tmp, "%s%d.con" % (tag, n[0]))
            return con, ["-drive", "file=%s,if=floppy,format=raw,readonly=on" % imgs[guest],
                         "-boot", "a", "-debugcon", "file:" + con]
        xl = [os.path.abspath(XLAT)]
        qm = [qemu, "-M", "pc", "-nodefaults", "-vga", "std"] if qemu else None
        con, a = args("x")
        measure("xlat86 -display none", xl + a + ["-display", "none"], con)
        if shutil.which("Xvfb"):
            xvfb, display = start_xvfb()
            try:
                con, a = args("x")
                measure("xlat86 -display sdl", xl + a + ["-display", "sdl"], con,
                        env=dict(os.environ, DISPLAY=display))
            finally:
                xvfb.terminate()
                xvfb.wait()
        if shutil.which("tmux"):
            con, a = args("x")
            measure("xlat86 -display curses", xl + a + ["-display", "curses"], con, tmux="idlex")
        if qm:
            con, a = args("q")
            measure("qemu -display none", qm + a + ["-display", "none"], con)
            if shutil.which("tmux"):
                con, a = args("q")
                measure("qemu -display curses", qm + a + ["-display", "curses"], con, tmux="idleq")
        # the busy guest: mode 13h redrawn every frame
        con, a = args("x", "redraw")
        measure("redraw 13h: xlat86 none", xl + a + ["-display", "none"], con)
        if shutil.which("Xvfb"):
            xvfb, display = start_xvfb()
            try:
                con, a = args("x", "redraw")
                measure("redraw 13h: xlat86 sdl", xl + a + ["-display", "sdl"], con,
                        env=dict(os.environ, DISPLAY=display))
            finally:
                xvfb.terminate()
                xvfb.wait()
        if qm:
            con, a = args("q", "redraw")
            measure("redraw 13h: qemu none", qm + a + ["-display", "none"], con)
    return 0


sys.exit(main())
