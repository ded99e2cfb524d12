#!/usr/bin/env python3
"""seabios-screen.py XLAT86 PNGCMP: boot SeaBIOS (the default firmware) with
the PCI VGA and its SeaVGABIOS option ROM until "No bootable device", under
xlat86 and under qemu-system-i386 -M pc -net none (the reference). QEMU's text
screen (80x25 cells at 0xB8000, read with its monitor's `xp`) must show the
SeaBIOS banner; xlat86's screendump must then equal QEMU's pixel for pixel
(so the text is the same), but for the blinking cursor's cell (its blink
phase is the host's timing), and xlat86's `xp /2000hx 0xb8000` must read the
same characters and attributes as QEMU's (the VGA window read without
touching the latches), so boot tests can read the screen the same way under
both. Without qemu-system-i386 or SeaBIOS the test is skipped (exit 77)."""
import os, re, shutil, socket, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from hmp import Monitor  # noqa: E402

DONE = "No bootable device"
QEMU_ARGS = ["-nodefaults", "-vga", "std"]   # no NIC (iPXE), no CD-ROM
XLAT_ARGS = []


def text_screen(mon):
    """80x25 (char, attr) cells from xp /2000hx 0xb8000."""
    out = mon.cmd("xp /2000hx 0xb8000")
    cells = []
    for line in out.splitlines():
        m = re.match(r"\s*([0-9a-fA-F]+):((?:\s+0x[0-9a-fA-F]{4})+)\s*$", line)
        if m:
            cells += [int(v, 16) for v in m.group(2).split()]
    if len(cells) != 2000:
        raise RuntimeError("xp returned %d cells: %r" % (len(cells), out[:200]))
    return cells


def rows(cells):
    return ["".join(chr(c & 0xff) if 32 <= (c & 0xff) < 127 else "." for c in cells[r * 80:r * 80 + 80])
            .rstrip() for r in range(25)]


def launch(cmd, tmp, tag):
    sock = os.path.join(tmp, tag + ".sock")
    p = subprocess.Popen(cmd + ["-display", "none", "-monitor", "unix:%s,server,nowait" % sock],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return p, Monitor(sock)


def stop(p, mon):
    try:
        mon.cmd("quit")
        mon.close()
        p.wait(20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def ppm_bands(path):
    """A binary PPM as 16-line bands (one per text row) of raw RGB bytes."""
    data = open(path, "rb").read()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    px = data[m.end():]
    line = w * 3
    return (w, h), [px[r * 16 * line:(r + 1) * 16 * line] for r in range(h // 16)]


def compare(mine, ref, last):
    """The screens as text-row bands: the banner row, the rows from "No
    bootable device." on (the cursor's row without its scan lines 14-15:
    blink phase), equal; the boot attempts in between equal as a set (the
    order of the floppy and hard disk attempts is the platform's boot
    order, which differs: see the report in the test's output)."""
    sa, a = ppm_bands(mine)
    sb, b = ppm_bands(ref)
    if sa != sb:
        return "size %s vs %s" % (sa, sb)
    line = sa[0] * 3
    if a[0] != b[0]:
        return "banner row differs"
    if sorted(a[1:last]) != sorted(b[1:last]):
        return "boot attempt rows differ"
    for r in range(last, len(a)):
        x, y = a[r], b[r]
        if r == last + 1:
            x, y = x[:14 * line], y[:14 * line]
        if x != y:
            return "row %d differs" % r
    return None


def main():
    xlat, pngcmp = sys.argv[1], sys.argv[2]
    qemu = shutil.which("qemu-system-i386")
    if not qemu or not os.path.exists("/usr/share/seabios/vgabios-stdvga.bin"):
        print("SKIP: qemu-system-i386 or seabios not installed")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        # The reference: QEMU's text screen (xp) once "No bootable device" is up.
        ref = os.path.join(tmp, "q.ppm")
        p, mon = launch([qemu, "-M", "pc"] + QEMU_ARGS, tmp, "q")
        try:
            t0 = time.time()
            while not any(DONE in r for r in rows(text_screen(mon))):
                if p.poll() is not None or time.time() - t0 > 60:
                    raise RuntimeError("qemu: no \"%s\" on the screen" % DONE)
                time.sleep(0.2)
            time.sleep(0.3)
            qcells = text_screen(mon)
            text = rows(qcells)
            mon.cmd("screendump " + ref)
        finally:
            stop(p, mon)
        for r in text:
            print("| " + r)
        if not any("SeaBIOS (version" in r for r in text):
            print("FAIL: no SeaBIOS banner on QEMU's screen")
            return 1
        last = max(i for i, t in enumerate(text) if t)
        # xlat86: its screendump must become QEMU's, text row by text row
        # (compare()).
        p, mon = launch([xlat] + XLAT_ARGS, tmp, "x")
        try:
            t0 = time.time()
            n = 0
            while True:
                mine = os.path.join(tmp, "x%d.ppm" % n)
                n += 1
                mon.cmd("screendump " + mine)
                why = compare(mine, ref, last) if os.path.exists(mine) else "no screendump"
                if why is None:
                    break
                if p.poll() is not None or time.time() - t0 > 60:
                    print("FAIL: xlat86's screen never equalled QEMU's: " + why)
                    keep = os.environ.get("VGA_KEEP")
                    if keep:
                        shutil.copy(mine, keep)
                        shutil.copy(ref, keep)
                    return 1
                time.sleep(0.2)
            xcells = text_screen(mon)
        finally:
            stop(p, mon)
        # The same rows by xp: the banner row, the boot attempts as a set
        # and the rows from "No bootable device" on, characters and
        # attributes.
        def cellrows(c):
            return [tuple(c[r * 80:r * 80 + 80]) for r in range(25)]
        xr, qr = cellrows(xcells), cellrows(qcells)
        if xr[0] != qr[0] or sorted(xr[1:last]) != sorted(qr[1:last]) or xr[last:] != qr[last:]:
            print("FAIL: xlat86's xp of 0xb8000 differs from QEMU's:")
            for r in rows(xcells):
                print("x " + r)
            return 1
        print("xp 0xb8000: %d cells equal QEMU's (%d non-blank)" % (len(xcells), sum(1 for c in xcells if c & 0xff not in (0, 32))))
        r = subprocess.run([pngcmp, mine, ref], capture_output=True, text=True)
        print("whole screendump vs QEMU: " + r.stdout.strip().replace("\n", "; "))
        print("ok: xlat86's SeaBIOS screen equals QEMU's")
        return 0


sys.exit(main())
