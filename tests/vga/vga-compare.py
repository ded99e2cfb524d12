#!/usr/bin/env python3
"""vga-compare.py XLAT86 PNGCMP ROM[=REFROM]...: run each VGA test ROM
(vga_modes.asm) under xlat86 and under qemu-system-i386 -M isapc -vga std
(the reference; REFROM instead where QEMU ignores what ROM tests),
wait for its "OK" on the debug console, take `screendump` over the monitor
socket from both, and compare the images pixel for pixel (pngcmp).
Without qemu-system-i386 the test is skipped (exit 77)."""
import os, shutil, socket, subprocess, sys, tempfile, time


def monitor_cmd(path, line, limit=20):
    t0 = time.time()
    while True:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(path)
            break
        except OSError:
            s.close()
            if time.time() - t0 > limit:
                raise
            time.sleep(0.05)
    s.settimeout(limit)
    buf = b""
    while b"(qemu) " not in buf:
        buf += s.recv(4096)
    s.sendall(line.encode() + b"\n")
    buf = b""
    while buf.count(b"(qemu) ") < 1:
        d = s.recv(4096)
        if not d:
            break
        buf += d
    s.close()
    return buf


def run(cmd, tmp, tag, rom, dump):
    sock = os.path.join(tmp, tag + ".sock")
    con = os.path.join(tmp, tag + ".con")
    p = subprocess.Popen(cmd + ["-bios", rom, "-display", "none", "-debugcon", "file:" + con,
                                "-monitor", "unix:%s,server,nowait" % sock],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        t0 = time.time()
        while not (os.path.exists(con) and b"OK" in open(con, "rb").read()):
            if p.poll() is not None or time.time() - t0 > 60:
                raise RuntimeError("%s: the ROM did not finish (%s)" % (tag, p.stderr.read()))
            time.sleep(0.05)
        time.sleep(0.3)
        monitor_cmd(sock, "screendump " + dump)
        t0 = time.time()
        while not os.path.exists(dump) and time.time() - t0 < 10:
            time.sleep(0.05)
        monitor_cmd(sock, "quit")
        p.wait(20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def main():
    xlat, pngcmp, roms = sys.argv[1], sys.argv[2], sys.argv[3:]
    qemu = shutil.which("qemu-system-i386")
    if not qemu:
        print("SKIP: qemu-system-i386 not installed")
        return 77
    fails = 0
    with tempfile.TemporaryDirectory() as tmp:
        for arg in roms:
            # ROM=REFROM: xlat86 runs ROM, QEMU the reference image REFROM
            rom, _, qrom = arg.partition("=")
            qrom = qrom or rom
            name = os.path.basename(rom)
            mine = os.path.join(tmp, name + ".png")
            ref = os.path.join(tmp, name + ".ppm")
            run([xlat], tmp, "x-" + name, rom, mine)
            run([qemu, "-M", "isapc", "-vga", "std"], tmp, "q-" + name, qrom, ref)
            r = subprocess.run([pngcmp, mine, ref], capture_output=True, text=True)
            ok = r.returncode == 0
            print("%-14s %s %s" % (name, "ok  " if ok else "FAIL", r.stdout.strip().replace("\n", "; ")))
            if not ok:
                fails += 1
                keep = os.environ.get("VGA_KEEP")
                if keep:
                    shutil.copy(mine, keep)
                    shutil.copy(ref, keep)
    print("%d of %d modes differ from QEMU" % (fails, len(roms)))
    return 1 if fails else 0


sys.exit(main())
