"""screen.py - read a PC's text screen and type on its keyboard through the
human monitor (tests/lib/hmp.py), the way a person at the machine would, so
one test script drives xlat86 and qemu-system-i386 alike:

  * the screen: the BIOS data area (physical 0x400) gives the video mode
    (0x449), the columns (word 0x44A), the active page's offset in the
    video buffer (word 0x44E), the cursor of each page (0x450 + 2*page:
    column, row), the active page (0x462) and the rows - 1 (0x484, EGA and
    later); the page's cells are read with `xp /Nhx` from 0xB8000 (colour
    text modes) or 0xB0000 (mode 7) plus that offset. Only text modes
    (0-3, 7) can be read.
  * the keyboard: `sendkey` with QEMU's key names, one key (with shift
    where the character needs it) per printable character.

The BDA describes what the BIOS set up: an OS that drives the VGA itself
(Linux's vgacon) leaves it as the BIOS left it, so such a guest must keep
its text at the start of the page (Linux: the "no-scroll" kernel parameter,
which turns off vgacon's scrolling by moving the CRTC start address).

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    from screen import Screen
"""
import re
import time

# Characters that need a key other than their own lower-case letter/digit.
_PLAIN = {" ": "spc", "-": "minus", "=": "equal", "[": "bracket_left", "]": "bracket_right",
          ";": "semicolon", "'": "apostrophe", "`": "grave_accent", "\\": "backslash",
          ",": "comma", ".": "dot", "/": "slash", "\n": "ret", "\t": "tab"}
_SHIFTED = {"!": "1", "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7", "*": "8",
            "(": "9", ")": "0", "_": "minus", "+": "equal", "{": "bracket_left",
            "}": "bracket_right", ":": "semicolon", '"': "apostrophe", "~": "grave_accent",
            "|": "backslash", "<": "comma", ">": "dot", "?": "slash"}


def key_for(ch):
    """The sendkey key name (US layout) that types the character ch."""
    if "a" <= ch <= "z" or "0" <= ch <= "9":
        return ch
    if "A" <= ch <= "Z":
        return "shift-" + ch.lower()
    if ch in _PLAIN:
        return _PLAIN[ch]
    if ch in _SHIFTED:
        return "shift-" + _SHIFTED[ch]
    raise ValueError("no key types %r" % ch)


def parse_xp(out, width):
    """The values of an `xp /Nbx` or `/Nhx` reply ("ADDR: 0x.. 0x.."),
    checking each has `width` hex digits."""
    vals = []
    for line in out.splitlines():
        m = re.match(r"\s*([0-9a-fA-F]+):((?:\s+0x[0-9a-fA-F]+)+)\s*$", line)
        if m:
            for v in m.group(2).split():
                if len(v) != 2 + width:
                    raise RuntimeError("xp: unexpected value %r in %r" % (v, line))
                vals.append(int(v, 16))
    return vals


class Snapshot:
    """One reading of the text screen: mode, size, page, cursor (column,
    row on the active page) and the page's cells (char | attr << 8)."""

    def __init__(self, mode, cols, rows, page, offset, cursor, cells):
        self.mode, self.cols, self.rows, self.page = mode, cols, rows, page
        self.offset, self.cursor, self.cells = offset, cursor, cells

    def row(self, r, strip=True):
        """Row r's text (CP437 bytes outside ASCII shown as '.'),
        right-trimmed unless strip is false."""
        c = self.cells[r * self.cols:(r + 1) * self.cols]
        t = "".join(chr(v & 0xFF) if 32 <= (v & 0xFF) < 127 else "." for v in c)
        return t.rstrip() if strip else t

    def attrs(self, r):
        """Row r's attribute bytes."""
        return [v >> 8 for v in self.cells[r * self.cols:(r + 1) * self.cols]]

    def text(self):
        return [self.row(r) for r in range(self.rows)]

    def find(self, s):
        """The (row, column) of the last occurrence of s on the screen, or None."""
        for r in range(self.rows - 1, -1, -1):
            i = self.row(r, False).rfind(s)
            if i >= 0:
                return r, i
        return None

    def dump(self):
        return "\n".join("  %2d|%s" % (r, t) for r, t in enumerate(self.text()))


class Screen:
    def __init__(self, mon):
        self.mon = mon

    def read_bytes(self, addr, n):
        v = parse_xp(self.mon.cmd("xp /%dbx 0x%x" % (n, addr)), 2)
        if len(v) != n:
            raise RuntimeError("xp /%dbx 0x%x returned %d bytes" % (n, addr, len(v)))
        return v

    def snapshot(self):
        """Read the BDA, then the active page's cells."""
        b = self.read_bytes(0x440, 0x48)            # 0x440..0x487
        def w(a):
            return b[a - 0x440] | b[a - 0x440 + 1] << 8
        mode = b[0x449 - 0x440] & 0x7F
        if mode not in (0, 1, 2, 3, 7):
            raise RuntimeError("video mode %#x is not a text mode" % mode)
        cols = w(0x44A)
        rows = b[0x484 - 0x440] + 1 if b[0x484 - 0x440] else 25
        page = b[0x462 - 0x440]
        offset = w(0x44E)
        if not 0 < cols <= 132 or not 0 < rows <= 60 or page > 7:
            raise RuntimeError("BDA: %d columns, %d rows, page %d" % (cols, rows, page))
        cur = w(0x450 + 2 * page)
        base = (0xB0000 if mode == 7 else 0xB8000) + offset
        n = cols * rows
        cells = parse_xp(self.mon.cmd("xp /%dhx 0x%x" % (n, base)), 4)
        if len(cells) != n:
            raise RuntimeError("xp /%dhx 0x%x returned %d cells" % (n, base, len(cells)))
        return Snapshot(mode, cols, rows, page, offset, (cur & 0xFF, cur >> 8), cells)

    def wait_for(self, text, timeout, alive=None, cond=None):
        """Poll the screen until it shows `text` (and cond(snapshot) holds,
        when given); the snapshot. RuntimeError with the last screen after
        `timeout` s, or when alive() turns false (the emulator exited)."""
        t0 = time.time()
        snap = None
        while True:
            try:
                snap = self.snapshot()
            except RuntimeError:
                snap = None                 # a graphics mode during the boot
            if snap and snap.find(text) and (cond is None or cond(snap)):
                return snap
            if time.time() - t0 > timeout or (alive and not alive()):
                raise RuntimeError("no %r on the screen after %.0f s; it shows:\n%s" %
                                   (text, time.time() - t0, snap.dump() if snap else "(no text mode)"))
            time.sleep(0.2)

    def key(self, name, hold_ms=30):
        r = self.mon.cmd("sendkey %s %d" % (name, hold_ms))
        if "invalid" in r or "unknown" in r or "rror" in r:
            raise RuntimeError("sendkey %s: %s" % (name, r.strip()))

    def type(self, text, gap=0.08, hold_ms=30):
        """Type text (US layout; "\\n" is Enter) key by key, `gap` s apart."""
        for ch in text:
            self.key(key_for(ch), hold_ms)
            time.sleep(gap)
