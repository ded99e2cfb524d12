#!/usr/bin/env python3
"""nmi-test.py XLAT86 ROM: drive tests/boot/nmi_rom.asm through a pseudo
terminal (the console's Ctrl-A escapes work only on a terminal) and check
its debug-console output: an NMI raised with Ctrl-A n is lost while port
0x70 bit 7 masks it, delivered at the next instruction boundary when not,
and held back from the NMI handler's entry to its IRET (SDM vol. 3,
6.7.1)."""
import os, pty, select, subprocess, sys, tempfile, time

EXPECTED = ("masked: count 0000\n"
            "unmasked: count 0001 in spin/ser_get 0001\n"
            "blocked until iret: count 0003\n")


def main():
    if len(sys.argv) != 3:
        print("usage: nmi-test.py XLAT86 ROM", file=sys.stderr)
        return 2
    xlat86, rom = sys.argv[1:]
    tmp = tempfile.mkdtemp(prefix="nmi-test.")
    con = os.path.join(tmp, "debugcon.txt")
    master, slave = pty.openpty()
    p = subprocess.Popen([xlat86, "-bios", rom, "-m", "16", "-display", "none",
                          "-serial", "stdio", "-debugcon", "file:" + con],
                         stdin=slave, stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    seen = b""

    def wait_for(b, limit=20):
        nonlocal seen
        t0 = time.time()
        while b not in seen:
            if time.time() - t0 > limit:
                return False
            r, _, _ = select.select([master], [], [], 0.5)
            if r:
                try:
                    seen += os.read(master, 4096)
                except OSError:
                    return False
        seen = seen[seen.index(b) + 1:]
        return True

    ok = True
    steps = [(b"A", b"\x01n1"), (b"B", b"\x01n2"), (b"C", b"\x01n"), (b"\x00", b"\x01n3"),
             (b"D", b"")]
    for want, send in steps:
        if not wait_for(want):
            print("FAIL: the ROM did not send %r (serial so far: %r)" % (want, seen))
            ok = False
            break
        if send:
            os.write(master, send)
    try:
        status = p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        status = p.wait()
        print("FAIL: xlat86 did not exit")
        ok = False
    err = p.stderr.read().decode(errors="replace")
    out = open(con).read() if os.path.exists(con) else ""
    if status != 1:
        print("FAIL: exit status %d, expected 1 (the ROM exits through port 0xF4)" % status)
        ok = False
    if out != EXPECTED:
        print("FAIL: debug console:\n%s--- expected:\n%s" % (out, EXPECTED))
        ok = False
    if not ok and err:
        print("--- xlat86 stderr:\n" + err)
    print("PASS: NMI masking, delivery and blocking" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
