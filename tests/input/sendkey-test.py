#!/usr/bin/env python3
"""sendkey-test.py XLAT86 ROM_XLATE ROM_RAW: the monitor's `sendkey` reaches
the guest as PS/2 scan codes. kbd_echo.asm echoes every byte it reads from
port 0x60 to the debug console; the same sendkey commands go over the
monitor socket to xlat86 and to qemu-system-i386 -M pc (the reference),
with the i8042 translating to set 1 (ROM_XLATE) and not (ROM_RAW, set 2),
and with the keyboard in scan code sets 1 and 3 (ROMs built with -DSET;
their answer to the F0 00 query too); the echoed bytes must be equal. Skipped (exit 77) without QEMU."""
import os, shutil, socket, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from hmp import Monitor  # noqa: E402

KEYS = ["a", "shift-a", "ret", "f1", "ctrl-alt-delete", "kp_enter", "f7", "pause", "print",
        "esc", "spc", "backspace", "tab", "1", "minus", "equal", "bracket_left", "semicolon",
        "apostrophe", "grave_accent", "backslash", "comma", "dot", "slash", "less",
        "caps_lock", "num_lock", "scroll_lock", "f10", "f11", "f12", "kp_0", "kp_5", "kp_9",
        "kp_add", "kp_subtract", "kp_multiply", "kp_divide", "kp_decimal", "home", "end",
        "pgup", "pgdn", "insert", "delete", "up", "down", "left", "right", "ctrl_r", "alt_r",
        "shift_r", "meta_l", "meta_r", "compose", "ctrl-shift-alt-z", "ctrl-pause", "alt-print",
        "shift-print", "ctrl-print", "alt_r-sysrq", "ctrl_r-pause", "sysrq", "alt-sysrq"]


# Where QEMU 7.2 departs from the IBM PS/2 keyboard reference: its set 3
# table gives the keypad's minus and divide the codes of the main minus
# (4E) and slash (4A) keys, so the guest cannot tell them apart. Set 3 has
# one code per key: IBM's are 84 (keypad -) and 77 (keypad /). For these
# the echo must be the IBM codes (translated: 84 -> 54, 77 -> 45).
IBM_SET3 = {
    "set3_xlate0": {"kp_subtract": "84 f0 84", "kp_divide": "77 f0 77"},
    "set3_xlate1": {"kp_subtract": "54 d4", "kp_divide": "45 c5"},
}


def ends_in_break(tokens, high_bit):
    """The echo ends with a break code: a byte >= 80h (set 1, translated)
    other than a prefix, or F0 xx (sets 2 and 3 untranslated)."""
    if high_bit:
        return bool(tokens) and int(tokens[-1], 16) >= 0x80 and tokens[-1] not in ("e0", "e1")
    return len(tokens) >= 2 and tokens[-2] == "f0"


def run(cmd, tmp, tag, rom, settle):
    base = os.path.basename(rom)
    high_bit = "xlate1" in base or "set1" in base
    sock, con = os.path.join(tmp, tag + ".sock"), os.path.join(tmp, tag + ".con")
    p = subprocess.Popen(cmd + ["-bios", rom, "-display", "none", "-debugcon", "file:" + con,
                                "-monitor", "unix:%s,server,nowait" % sock],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    out = {}
    try:
        mon = Monitor(sock)
        t0 = time.time()
        while not (os.path.exists(con) and b"READY\n" in open(con, "rb").read()):
            if p.poll() is not None or time.time() - t0 > 30:
                raise RuntimeError("%s: the ROM did not start" % tag)
            time.sleep(0.05)
        out["SET"] = [l for l in open(con, "rb").read().decode().splitlines() if l.startswith("SET")]
        for k in KEYS:
            before = len(open(con, "rb").read())
            # A 10 ms hold (QEMU's actual default; xlat86's is 100 ms).
            # Then wait until the echo ends in a break code (set 1 or
            # translated: a byte >= 80h; else F0 xx) and has stayed so for
            # 150 ms, or has not changed for 1 s (the fake Alt press that
            # ends an Alt+SysRq release): a loaded host may take a while
            # between make and break.
            r = mon.cmd("sendkey %s 10" % k)
            if "invalid" in r or "unknown" in r:
                raise RuntimeError("%s: sendkey %s: %s" % (tag, k, r))
            time.sleep(settle)
            last, same, t1 = None, 0, time.time()
            while time.time() - t1 < 10:
                cur = open(con, "rb").read()[before:]
                same = same + 1 if cur and cur == last else 0
                if same >= 20 or (same >= 3 and ends_in_break(cur.decode().split(), high_bit)):
                    break
                last = cur
                time.sleep(0.05)
            out[k] = open(con, "rb").read()[before:].decode().strip()
        mon.cmd("quit")
        p.wait(20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return out


def main():
    xlat, roms = sys.argv[1], sys.argv[2:]
    qemu = shutil.which("qemu-system-i386")
    if not qemu:
        print("SKIP: qemu-system-i386 not installed")
        return 77
    fails = 0
    with tempfile.TemporaryDirectory() as tmp:
        for rom in roms:
            name = os.path.basename(rom)
            a = run([xlat], tmp, "x", rom, 0.05)
            b = run([qemu, "-M", "pc", "-nodefaults"], tmp, "q", rom, 0.05)
            if a["SET"] != b["SET"]:
                fails += 1
                print("%-14s set query: %s FAIL (qemu: %s)" % (name, a["SET"], b["SET"]))
            elif a["SET"]:
                print("%-14s set query: %s ok" % (name, a["SET"][0]))
            ibm = next((v for key, v in IBM_SET3.items() if key in name), {})
            for k in KEYS:
                want = ibm.get(k, b[k])
                ok = a[k] == want and a[k] != ""
                fails += not ok
                print("%-14s %-18s %s  %s" % (name, k, "ok  " if ok else "FAIL", a[k]) +
                      ("" if ok and k not in ibm else "   (qemu: %s; want %s)" % (b[k], want)))
    print("%d of %d key sequences differ from QEMU" % (fails, len(KEYS) * len(roms)))
    return 1 if fails else 0


sys.exit(main())
