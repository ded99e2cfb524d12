#!/usr/bin/env python3
"""mono-test.py XLAT86 IMAGE: the monochrome text mode (mode 7) set by
SeaVGABIOS. IMAGE (mono7.asm) boots from floppy under SeaBIOS with the PCI
VGA, sets mode 7 with INT 10h AX=0007, fills the screen and writes "OK" to
the debug console; xlat86's screendump must equal that of
qemu-system-i386 -M pc (the reference) pixel for pixel, except that QEMU
7.2 draws no underline: on the text rows whose attribute underlines (01h,
09h: foreground 1, background 0) xlat86's scan line 15 (CR14, which the
boot sector sets as the IBM VGA BIOS's mode 7 table does) must be the foreground colour QEMU shows in that row's glyphs, across the
whole row. Skipped (exit 77) without QEMU or SeaBIOS."""
import os, re, shutil, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from hmp import Monitor  # noqa: E402

ATTRS = [0x07, 0x0f, 0x70, 0x01, 0x09, 0x00, 0x78, 0x17, 0x71, 0x0a]   # mono7.asm
CH_H, UL_ROW = 16, 15


def run(cmd, tmp, tag, image, dump):
    sock, con = os.path.join(tmp, tag + ".sock"), os.path.join(tmp, tag + ".con")
    p = subprocess.Popen(cmd + ["-drive", "file=%s,if=floppy,format=raw" % image, "-boot", "a",
                                "-display", "none", "-debugcon", "file:" + con,
                                "-monitor", "unix:%s,server,nowait" % sock],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        mon = Monitor(sock)
        t0 = time.time()
        while not (os.path.exists(con) and b"OK" in open(con, "rb").read()):
            if p.poll() is not None or time.time() - t0 > 90:
                raise RuntimeError("%s: the boot sector did not finish" % tag)
            time.sleep(0.1)
        time.sleep(0.3)
        mon.cmd("screendump " + dump)
        t0 = time.time()
        while not os.path.exists(dump) and time.time() - t0 < 10:
            time.sleep(0.05)
        mon.cmd("quit")
        p.wait(20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def read_image(path):
    """PNG (through ImageMagick's convert if it is one) or binary PPM -> (w, h, rgb bytes)."""
    data = open(path, "rb").read()
    if data[:4] == b"\x89PNG":
        data = subprocess.run(["convert", path, "ppm:-"], capture_output=True, check=True).stdout
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    return int(m.group(1)), int(m.group(2)), data[m.end():]


def main():
    xlat, image = sys.argv[1], sys.argv[2]
    qemu = shutil.which("qemu-system-i386")
    if not qemu or not os.path.exists("/usr/share/seabios/vgabios-stdvga.bin"):
        print("SKIP: qemu-system-i386 or seabios not installed")
        return 77
    if not shutil.which("convert"):
        print("SKIP: ImageMagick's convert not installed")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        mine, ref = os.path.join(tmp, "x.png"), os.path.join(tmp, "q.ppm")
        run([qemu, "-M", "pc", "-nodefaults", "-vga", "std"], tmp, "q", image, ref)
        run([xlat], tmp, "x", image, mine)
        wa, ha, a = read_image(mine)
        wb, hb, b = read_image(ref)
        print("xlat86 %dx%d, QEMU %dx%d" % (wa, ha, wb, hb))
        if (wa, ha) != (wb, hb) or (wb, hb) != (720, 400):
            print("FAIL: not the 720x400 mode 7 screen")
            return 1
        line = wb * 3
        bad = underlined = 0
        for y in range(hb):
            r = y // CH_H
            xa, xb = a[y * line:(y + 1) * line], b[y * line:(y + 1) * line]
            attr = ATTRS[r % len(ATTRS)] if r < 25 else None
            if attr is not None and (attr & 0x77) == 0x01 and y % CH_H == UL_ROW:
                # the foreground: the rarer of the row band's two colours in QEMU's image
                band = b[r * CH_H * line:(r + 1) * CH_H * line]
                counts = {}
                for i in range(0, len(band), 3):
                    counts[band[i:i + 3]] = counts.get(band[i:i + 3], 0) + 1
                if len(counts) != 2:
                    print("FAIL: text row %d of QEMU's image has %d colours" % (r, len(counts)))
                    return 1
                fg = min(counts, key=counts.get)
                if xa != fg * wb:
                    print("FAIL: row %d (attribute %02x): scan line %d is not underlined in %s"
                          % (r, attr, y, fg.hex()))
                    bad += 1
                underlined += 1
            elif xa != xb:
                x = next(i for i in range(0, line, 3) if xa[i:i + 3] != xb[i:i + 3]) // 3
                print("FAIL: pixel (%d,%d): %s vs QEMU %s" % (x, y, xa[x * 3:x * 3 + 3].hex(),
                                                            xb[x * 3:x * 3 + 3].hex()))
                bad += 1
                if bad > 10:
                    break
        print("%d underline scan lines checked; %d lines differ" % (underlined, bad))
        if bad:
            keep = os.environ.get("VGA_KEEP")
            if keep:
                shutil.copy(mine, keep)
                shutil.copy(ref, keep)
            return 1
        print("ok: mode 7 equals QEMU's screendump, underlines as the VGA draws them")
        return 0


sys.exit(main())
