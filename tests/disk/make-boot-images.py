#!/usr/bin/env python3
"""make-boot-images.py DIR BOOT_FD BOOT_HD BOOT_CD - the BIOS boot test media.

boot-fd.img  1.44 MB floppy: BOOT_FD (4 sectors) then the pattern
boot-hd.img  10 MiB disk: BOOT_HD (MBR + 3 sectors) then the pattern
boot-cd.iso  El Torito no-emulation CD (xorriso) booting BOOT_CD
             (load size 4), its system area (LBA 0-15) the 2048-byte pattern
The pattern is make-images.py's.  --sums prints what boot_test.asm must
report for the reads on each medium (computed from the images here).
"""
import os
import struct
import subprocess
import sys




def sector(n, size):
    b = bytearray((n + i) & 0xFF for i in range(size))
    b[0:4] = struct.pack("<I", n & 0xFFFFFFFF)
    return bytes(b)


def sum32(data):
    return sum(struct.unpack("<%dI" % (len(data) // 4), data)) & 0xFFFFFFFF


def image(path, boot, count, size=512):
    data = bytearray(b"".join(sector(n, size) for n in range(count)))
    data[0:len(boot)] = boot
    with open(path, "wb") as f:
        f.write(data)
    return bytes(data)


def main():
    d, bfd, bhd, bcd = sys.argv[1:5]
    os.makedirs(d, exist_ok=True)
    fd = image(os.path.join(d, "boot-fd.img"), open(bfd, "rb").read(), 2880)
    hd = image(os.path.join(d, "boot-hd.img"), open(bhd, "rb").read(), 20480)
    root = os.path.join(d, "cdroot")
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "boot.img"), "wb") as f:
        f.write(open(bcd, "rb").read())
    sysarea = os.path.join(d, "sysarea.bin")
    with open(sysarea, "wb") as f:
        f.write(b"".join(sector(n, 2048) for n in range(16)))
    subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-o", os.path.join(d, "boot-cd.iso"),
                    "-G", sysarea, "-b", "boot.img", "-no-emul-boot", "-boot-load-size", "4",
                    root], check=True)
    if "--sums" in sys.argv:
        s = lambda img, lba, n: sum32(img[lba * 512:(lba + n) * 512])
        print("fd int13 02 c0h1s1 sum %08X" % s(fd, 18, 1))
        print("hd int13 02 c0h1s1 sum %08X" % s(hd, 63, 1))
        print("hd int13 42 lba10x2 sum %08X" % s(hd, 10, 2))
        print("hd int13 43 lba40 then 42 sum %08X" %
              sum32(bytes((ord("W") + i) & 0xFF for i in range(512))))
        print("cd int13 42 lba10x2 sum %08X" % sum32(sector(10, 2048) + sector(11, 2048)))


if __name__ == "__main__":
    main()
