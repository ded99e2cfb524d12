#!/usr/bin/env python3
"""fuzz-roms.py XLAT86 [--count N] [--seed S] [--timeout SECONDS] [--keep DIR]

Robustness fuzzing: nothing a guest does may crash the host process.  Runs
xlat86 on random firmware images and reports every run that ends by a
signal, an AddressSanitizer/UBSan report or an "internal error" (a guest
that loops, faults or triple-faults is fine).  Half the images are random
real-mode code (the reset vector jumps to a random offset), half enter flat
32-bit protected mode first (a stub assembled with nasm from
tests/guest/lib.inc) and jump to 24 KiB of random bytes.  Each run picks
inline code on or off.  Crashing images are kept in DIR (default /tmp) for
replay with `XLAT86 -bios IMAGE -icount 0`.  Not part of ctest: its run
time and findings are not fixed.  Use an ASan build (build-asan/xlat86)
to catch memory errors that do not crash."""
import argparse, os, random, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
STUB = """%include "lib.inc"
main16:
        ENTER_PM pm32
section .text32
bits 32
pm32:
        mov     esp, 0x9F000
        jmp     0xF9000
"""


def pm_stub(tmp):
    src = os.path.join(tmp, "stub.asm")
    out = os.path.join(tmp, "stub.bin")
    with open(src, "w") as f:
        f.write(STUB)
    subprocess.run(["nasm", "-f", "bin", "-I" + os.path.join(HERE, "..", "guest") + "/",
                    "-o", out, src], check=True)
    return open(out, "rb").read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("xlat86")
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=3.0)
    ap.add_argument("--keep", default="/tmp")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="xlat86-fuzz.")
    stub = pm_stub(tmp)
    rng = random.Random(a.seed)
    bad = 0
    for i in range(a.count):
        if i % 2 == 0:
            rom = bytearray(rng.getrandbits(8) for _ in range(65536))
            off = rng.randrange(0, 0xff00)
            rom[0xfff0:0xfff5] = bytes([0xea, off & 0xff, off >> 8, 0x00, 0xf0])
        else:
            rom = bytearray(stub)
            rom[0x9000:0xf000] = bytes(rng.getrandbits(8) for _ in range(0x6000))
        path = os.path.join(tmp, "rom.bin")
        with open(path, "wb") as f:
            f.write(rom)
        accel = rng.choice(["dbt", "dbt,inline=off"])
        cmd = [a.xlat86, "-bios", path, "-display", "none", "-serial", "none", "-m", "16",
               "-accel", accel, "-icount", "0", "-debugcon", "file:/dev/null"]
        try:
            r = subprocess.run(cmd, capture_output=True, timeout=a.timeout)
            rc, err = r.returncode, r.stderr.decode(errors="replace")
        except subprocess.TimeoutExpired as e:
            rc, err = None, (e.stderr or b"").decode(errors="replace")
        if (rc is not None and rc < 0) or "Sanitizer" in err or "runtime error" in err \
                or "internal error" in err:
            bad += 1
            keep = os.path.join(a.keep, "xlat86-fuzz-s%d-%d.bin" % (a.seed, i))
            with open(keep, "wb") as f:
                f.write(rom)
            print("CRASH #%d (-accel %s, status %s): %s\n  image kept: %s"
                  % (i, accel, rc, err.strip()[-400:], keep), flush=True)
    print("fuzz-roms: %d images, seed %d, %d crashes" % (a.count, a.seed, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
