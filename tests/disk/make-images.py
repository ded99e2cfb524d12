#!/usr/bin/env python3
"""make-images.py DIR - the pattern images of the disk tests.

hd.img  10 MiB, 512-byte sectors      cd.iso  300 x 2048-byte sectors
fd.img  1.44 MB, 512-byte sectors
Each sector starts with its number (32-bit little-endian), then byte i is
(sector + i) & 0xFF.  --sums prints, independently of any emulator, the
lines disk_rom.asm must print for these images (expected output).
"""
import os
import struct
import sys


def sector(n, size):
    b = bytearray((n + i) & 0xFF for i in range(size))
    b[0:4] = struct.pack("<I", n & 0xFFFFFFFF)
    return bytes(b)


def write(path, count, size):
    with open(path, "wb") as f:
        for n in range(count):
            f.write(sector(n, size))


def sum32(data):
    return sum(struct.unpack("<%dI" % (len(data) // 4), data)) & 0xFFFFFFFF


def hd(lba, n=1):
    return b"".join(sector(lba + k, 512) for k in range(n))


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    write(os.path.join(d, "hd.img"), 20480, 512)
    write(os.path.join(d, "cd.iso"), 300, 2048)
    write(os.path.join(d, "fd.img"), 2880, 512)
    if "--sums" in sys.argv:
        chs = lambda c, h, s: (c * 16 + h) * 63 + s - 1
        fchs = lambda c, h, s: (c * 2 + h) * 18 + s - 1
        print("hd lba 0 sum %08X" % sum32(hd(0)))
        print("hd lba 1000 sum %08X" % sum32(hd(1000)))
        print("hd chs 1/2/5 sum %08X" % sum32(hd(chs(1, 2, 5))))
        print("hd lba48 10000 x2 sum %08X" % sum32(hd(10000, 2)))
        print("hd read multiple sum %08X" % sum32(hd(100, 8)))
        cd = b"".join(sector(16 + k, 2048) for k in range(2))
        print("cd read(10) 16 x2 sum %08X" % sum32(cd))
        fd = hd(fchs(1, 0, 1), 2)
        print("fd read c1 h0 r1-2 sum %08X" % sum32(fd))


if __name__ == "__main__":
    main()
