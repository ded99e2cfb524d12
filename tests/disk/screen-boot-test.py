#!/usr/bin/env python3
"""screen-boot-test.py MODE XLAT86 [BOOT_SECTOR]: boot tests that read the
guest's VGA text screen and type on its keyboard through the monitor, as a
person would (tests/lib/screen.py: `xp` of the BIOS data area and of the
active text page, `sendkey`), run the same way under xlat86 and under
qemu-system-i386 -M pc with the same SeaBIOS (bios.bin) and the same image
(the reference). Both must pass the same assertions, and the rows the test
checks must hold the same characters and attributes under both.

  kbd-echo BOOT_SECTOR  a 1.44 MB floppy with screen_echo.asm: wait for its
      "KEYS> " prompt on text page 1, type a line key by key (each key must
      appear at the next cell, the BDA cursor one further), F1 (shown as
      its scan code "[3B]"), Enter, another line. The whole page (title in
      4Eh, the rest in 1Fh as the boot sector sets them) and the cursor
      must be as expected and equal QEMU's cell for cell.
  syslinux-fd BOOT_SECTOR  a SYSLINUX floppy built here (mtools, syslinux)
      whose config waits at "boot:" (PROMPT 1, no TIMEOUT) with one label,
      "echo", the boot sector above as echo.bs (SYSLINUX chain-loads a
      .bs file): the screen at the prompt must equal QEMU's (SeaBIOS's and
      SYSLINUX's banners, cursor), type "echo" and Enter, then the kbd-echo
      checks.
  isolinux-cd  an ISOLINUX CD built here (isolinux + xorriso, the Linux test
      guest of scripts/build-linux-guest.sh) whose config waits at the
      "boot:" prompt (PROMPT 1, no TIMEOUT, no DEFAULT kernel): the screen
      at the prompt must equal QEMU's (SeaBIOS's and ISOLINUX's banners);
      type "linux" and Enter, wait for the shell prompt "xlat86# " on the
      VGA console (console=tty0 last: /dev/console is the VGA; "no-scroll"
      keeps vgacon from scrolling by moving the CRTC start, so the console
      stays at the BDA's page 0 offset 0), type  echo $((6*7))  and read
      "42" on the next row, then the next prompt; the three rows must equal
      QEMU's. The kernel's and /init's lines above the command are not
      compared: their number and wording depend on the devices and on
      timing (the kernel prints what it finds). Then  seq 40  and the
      command again: the console has scrolled (vgacon copies the rows),
      every row is known ("19".."40", the command, "42", the prompt, all
      in vgacon's default attribute 07h) and the whole screen must equal
      QEMU's. Without no-scroll both fail: the visible text moves away
      from 0xB8000 and the BDA does not say where.

SKIP (77) without qemu-system-i386, SeaBIOS, or (isolinux-cd) the media
packages or the Linux guest."""
import os, shutil, subprocess, sys, tempfile, time
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from hmp import Monitor  # noqa: E402
from screen import Screen  # noqa: E402

BIOS = os.environ.get("XLAT86_SEABIOS", "/usr/share/seabios/bios.bin")
TITLE = "xlat86 screen test: INT 16h -> INT 10h, page 1"
COMMAND = "echo $((6*7))"
PROMPT = "xlat86# "
FD_SAY = "xlat86 syslinux screen test: type echo"
CD_SAY = "xlat86 isolinux screen test: type linux"


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


class Emulator:
    def __init__(self, tag, cmd, tmp):
        self.tag = tag
        sock = os.path.join(tmp, tag + ".sock")
        self.serial = os.path.join(tmp, tag + ".serial")
        self.p = subprocess.Popen(cmd + ["-display", "none", "-m", "256", "-snapshot",
                                         "-serial", "file:" + self.serial,
                                         "-monitor", "unix:%s,server,nowait" % sock],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=open(os.path.join(tmp, tag + ".err"), "w"))
        self.mon = Monitor(sock)
        self.scr = Screen(self.mon)

    def alive(self):
        return self.p.poll() is None

    def wait_for(self, text, timeout, cond=None):
        try:
            return self.scr.wait_for(text, timeout, self.alive, cond)
        except RuntimeError as e:
            raise Failure("%s: %s" % (self.tag, e))

    def stop(self):
        try:
            if self.alive():
                self.mon.cmd("quit")
            self.mon.close()
            self.p.wait(20)
        except Exception:
            pass
        finally:
            if self.p.poll() is None:
                self.p.kill()
                self.p.wait()


def at_cursor(col, row):
    return lambda s: s.cursor == (col, row)


# --- kbd-echo: screen_echo.asm on a floppy ---------------------------------

def kbd_echo(emu):
    """Type on screen_echo.asm's prompt; the final screen."""
    s = emu.wait_for("KEYS> ", 60, at_cursor(6, 2))
    check((s.mode, s.cols, s.rows, s.page, s.offset) == (3, 80, 25, 1, 0x1000),
          "%s: mode %d %dx%d page %d at %#x, want mode 3 80x25 page 1 at 0x1000" %
          (emu.tag, s.mode, s.cols, s.rows, s.page, s.offset))
    line = "Hello, World! 6*7=42 (~|_{}<>?)"
    col = 6
    for ch in line:
        # Every key must show at the next cell before the next is typed.
        emu.scr.type(ch, gap=0)
        want = ("KEYS> " + line[:col - 5]).rstrip()
        col += 1
        emu.wait_for(want, 15, lambda s, c=col: s.cursor == (c, 2) and s.row(2) == want)
    emu.scr.key("f1")
    want2 = "KEYS> " + line + "[3B]"
    emu.wait_for(want2, 15, at_cursor(len(want2), 2))
    emu.scr.type("\n", gap=0)
    emu.wait_for("KEYS> ", 15, at_cursor(6, 3))
    emu.scr.type("42\n", gap=0.1)
    return emu.wait_for("KEYS> ", 15, at_cursor(6, 4)), want2


def kbd_echo_assert(tag, final, want2, **_):
    s = final
    rows = s.text()
    want = [TITLE, "", want2, "KEYS> 42", "KEYS>"] + [""] * 20
    for r in range(25):
        check(rows[r] == want[r], "%s: row %d is %r, want %r" % (tag, r, rows[r], want[r]))
    for r in range(25):
        a = s.attrs(r)
        wa = [0x4E] * len(TITLE) + [0x1F] * (80 - len(TITLE)) if r == 0 else [0x1F] * 80
        check(a == wa, "%s: row %d attributes %s, want %s" %
              (tag, r, " ".join("%02x" % x for x in a), " ".join("%02x" % x for x in wa)))
    check(s.cursor == (6, 4), "%s: cursor %s, want (6, 4)" % (tag, s.cursor))


# --- isolinux-cd: ISOLINUX -> Linux on the VGA console --------------------

def make_cd(tmp):
    """The ISOLINUX CD, or a SKIP reason."""
    for t in ("xorriso",):
        if not shutil.which(t):
            return None, "%s missing (scripts/install-deps.sh)" % t
    isobin, ldlinux = "/usr/lib/ISOLINUX/isolinux.bin", "/usr/lib/syslinux/modules/bios/ldlinux.c32"
    for f in (isobin, ldlinux):
        if not os.path.exists(f):
            return None, "%s missing (isolinux, syslinux-common)" % f
    g = subprocess.run(["sh", os.path.join(HERE, "..", "..", "scripts", "build-linux-guest.sh")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if g.returncode != 0:
        return None, "the Linux guest could not be built: " + g.stderr.strip()[-300:]
    paths = dict(l.split("=", 1) for l in g.stdout.splitlines() if "=" in l)
    iso = os.path.join(tmp, "iso")
    os.makedirs(os.path.join(iso, "isolinux"))
    shutil.copy(isobin, os.path.join(iso, "isolinux"))
    shutil.copy(ldlinux, os.path.join(iso, "isolinux"))
    shutil.copy(paths["bzimage"], os.path.join(iso, "bzImage"))
    shutil.copy(paths["initramfs"], os.path.join(iso, "initrd.gz"))
    # No TIMEOUT, no DEFAULT kernel: ISOLINUX waits at "boot:" for a person.
    with open(os.path.join(iso, "isolinux", "isolinux.cfg"), "w") as f:
        f.write("SAY %s\nPROMPT 1\nTIMEOUT 0\n" % CD_SAY +
                "LABEL linux\n  KERNEL /bzImage\n"
                "  APPEND initrd=/initrd.gz console=ttyS0 console=tty0 no-scroll nokaslr "
                "panic=-1 loglevel=3\n")
    out = os.path.join(tmp, "cd.iso")
    r = subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-o", out, "-b", "isolinux/isolinux.bin",
                        "-c", "isolinux/boot.cat", "-no-emul-boot", "-boot-load-size", "4",
                        "-boot-info-table", iso], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        raise Failure("xorriso: %s" % r.stdout.decode()[-300:])
    return out, None


def boot_prompt(emu, say, timeout):
    """Wait for SYSLINUX's "boot:" prompt (the cursor after it) with the
    config's SAY line above it; the snapshot."""
    s = emu.wait_for("boot: ", timeout, lambda s: s.cursor[0] == 6 and s.row(s.cursor[1]) == "boot:")
    r = s.cursor[1]
    check(r > 0 and s.row(r - 1) == say,
          "%s: the SAY line is not above boot: (%r)" % (emu.tag, s.row(r - 1)))
    return s


def syslinux_fd(emu):
    """At the floppy's boot: type "echo": SYSLINUX chain-loads
    screen_echo.asm (echo.bs), then the kbd-echo checks."""
    at_boot = boot_prompt(emu, FD_SAY, 60)
    emu.scr.type("echo", gap=0.1)
    emu.wait_for("boot: echo", 15)
    emu.scr.type("\n")
    final, want2 = kbd_echo(emu)
    return {"boot": at_boot, "final": final, "want2": want2}


def make_fd(tmp, boot_sector):
    """A SYSLINUX floppy (mtools, syslinux) with the boot sector as
    echo.bs, waiting at boot:; or a SKIP reason."""
    for t in ("mformat", "mcopy", "syslinux"):
        if not shutil.which(t):
            return None, "%s missing (scripts/install-deps.sh)" % t
    img, cfg = os.path.join(tmp, "fd.img"), os.path.join(tmp, "syslinux.cfg")
    with open(cfg, "w") as f:
        f.write("SAY %s\nPROMPT 1\nTIMEOUT 0\nLABEL echo\n  KERNEL /echo.bs\n" % FD_SAY)
    for c in (["mformat", "-C", "-i", img, "-f", "1440", "-v", "XLAT86FD", "::"],
              ["syslinux", "--install", img], ["mcopy", "-i", img, cfg, "::/syslinux.cfg"],
              ["mcopy", "-i", img, boot_sector, "::/echo.bs"]):
        r = subprocess.run(c, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            raise Failure("%s: %s" % (" ".join(c), r.stdout.decode()[-300:]))
    return img, None


def isolinux(emu):
    """Boot "linux" from the prompt, run the command; (screen at boot:,
    the command's three rows as (text, attrs))."""
    at_boot = boot_prompt(emu, CD_SAY, 90)
    emu.scr.type("linux", gap=0.1)
    emu.wait_for("boot: linux", 15)
    emu.scr.type("\n")
    # The guest's shell on the VGA console (the BDA cursor is the BIOS's,
    # Linux does not move it: only the text counts from here).
    emu.wait_for(PROMPT, 150, lambda s: s.text()[s.find(PROMPT)[0]] == PROMPT.rstrip())
    emu.scr.type(COMMAND + "\n", gap=0.1)

    def answered(s):
        rows = s.text()
        for i in range(len(rows) - 2):
            if rows[i].endswith(PROMPT + COMMAND) and rows[i + 1] == "42" and rows[i + 2] == PROMPT.rstrip():
                return True
        return False
    s = emu.wait_for(PROMPT + COMMAND, 30, answered)
    rows = s.text()
    i = max(i for i in range(len(rows) - 2) if rows[i].endswith(PROMPT + COMMAND) and rows[i + 1] == "42")
    first = [(s.row(j), s.attrs(j)) for j in (i, i + 1, i + 2)]
    # Then 40 lines of output and the command again: the console scrolls
    # (vgacon copies the rows: no-scroll) and the whole screen is known.
    emu.scr.type("seq 40\n", gap=0.1)
    emu.wait_for(PROMPT, 30, lambda s: s.text()[-2:] == ["40", PROMPT.rstrip()])
    emu.scr.type(COMMAND + "\n", gap=0.1)
    s = emu.wait_for(PROMPT + COMMAND, 30, lambda s: s.text()[-3:] == [PROMPT + COMMAND, "42", PROMPT.rstrip()])
    print("%s: the VGA console at the end:\n%s" % (emu.tag, s.dump()))
    return {"boot": at_boot, "rows": first, "final": s}


def isolinux_assert(tag, final, **_):
    s = final
    """The screen after seq 40 and the command: all known, in Linux's
    default colour (vgacon: 07h, light grey on black)."""
    want = [str(n) for n in range(19, 41)] + [PROMPT + COMMAND, "42", PROMPT.rstrip()]
    for r in range(25):
        check(s.row(r) == want[r], "%s: row %d is %r, want %r" % (tag, r, s.row(r), want[r]))
        check(s.attrs(r) == [0x07] * 80, "%s: row %d attributes %s, want 07" %
              (tag, r, " ".join("%02x" % x for x in s.attrs(r))))


def same(tag, x, q):
    """Snapshot x (xlat86) shows the same cells and cursor as q (QEMU)."""
    diff = [i for i in range(len(q.cells)) if i >= len(x.cells) or x.cells[i] != q.cells[i]]
    check(not diff and len(x.cells) == len(q.cells),
          "%s differs from QEMU's at %d cells, first at row %d:\n  xlat86 %r\n  qemu   %r" %
          (tag, len(diff), diff[0] // q.cols if diff else 0, x.row(diff[0] // q.cols) if diff else "",
           q.row(diff[0] // q.cols) if diff else ""))
    check(x.cursor == q.cursor, "%s: cursor %s, QEMU's %s" % (tag, x.cursor, q.cursor))


MODES = {"kbd-echo": 4, "syslinux-fd": 4, "isolinux-cd": 3}


def main():
    if len(sys.argv) < 2 or MODES.get(sys.argv[1]) != len(sys.argv):
        print("usage: screen-boot-test.py kbd-echo|syslinux-fd XLAT86 BOOT_SECTOR | isolinux-cd XLAT86",
              file=sys.stderr)
        return 2
    mode, xlat = sys.argv[1], sys.argv[2]
    qemu = shutil.which("qemu-system-i386")
    if not qemu:
        print("SKIP: qemu-system-i386 not installed")
        return 77
    if not os.path.exists(BIOS):
        print("SKIP: %s missing (seabios)" % BIOS)
        return 77
    with tempfile.TemporaryDirectory(prefix="screen-test.") as tmp:
        try:
            if mode == "kbd-echo":
                img, why = os.path.join(tmp, "fd.img"), None
                with open(img, "wb") as f:
                    f.write(open(sys.argv[3], "rb").read().ljust(1474560, b"\0"))
            elif mode == "syslinux-fd":
                img, why = make_fd(tmp, sys.argv[3])
            else:
                img, why = make_cd(tmp)
            if not img:
                print("SKIP: " + why)
                return 77
            if mode == "isolinux-cd":
                xmedia = ["-cdrom", img, "-boot", "d"]
                qmedia = ["-drive", "file=%s,format=raw,if=ide,index=2,media=cdrom" % img, "-boot", "d"]
            else:
                xmedia = ["-fda", img, "-boot", "a"]
                qmedia = ["-drive", "file=%s,format=raw,if=floppy" % img, "-boot", "a"]
            cmds = [("xlat86", [xlat, "-bios", BIOS] + xmedia),
                    ("qemu", [qemu, "-M", "pc", "-nodefaults", "-vga", "std", "-bios", BIOS] + qmedia)]
            run = {"kbd-echo": lambda e: dict(zip(("final", "want2"), kbd_echo(e))),
                   "syslinux-fd": syslinux_fd, "isolinux-cd": isolinux}[mode]
            res = {}
            for tag, cmd in cmds:
                t0 = time.time()
                emu = Emulator(tag, cmd, tmp)
                try:
                    res[tag] = run(emu)
                finally:
                    emu.stop()
                print("%s: passed the screen checks in %.1f s" % (tag, time.time() - t0))
                (isolinux_assert if mode == "isolinux-cd" else kbd_echo_assert)(tag, **res[tag])
            x, q = res["xlat86"], res["qemu"]
            if "boot" in x:
                same("the screen at boot:", x["boot"], q["boot"])
                print("%s: the screen at boot: equals QEMU's" % mode)
            if "rows" in x:
                for (xt, xa), (qt, qa) in zip(x["rows"], q["rows"]):
                    check(xt == qt and xa == qa, "command rows differ: %r vs QEMU's %r" % (xt, qt))
                print("%s: the rows %r equal QEMU's" % (mode, [t for t, _ in x["rows"]]))
            if mode == "isolinux-cd":
                # Linux leaves the BDA cursor where the BIOS had it: text only.
                check(x["final"].cells == q["final"].cells, "the final screen differs from QEMU's")
            else:
                same("page 1", x["final"], q["final"])
            print("%s: the final screen (text, attributes%s) equals QEMU's" %
                  (mode, "" if mode == "isolinux-cd" else ", cursor %s" % (x["final"].cursor,)))
        except Failure as e:
            print("FAIL: %s" % e)
            ser = os.path.join(tmp, "xlat86.serial")
            if os.path.exists(ser):
                print("xlat86's serial console ends:\n" + open(ser, "rb").read()[-800:].decode("latin-1"))
            return 1
    print("PASS")
    return 0


sys.exit(main())
