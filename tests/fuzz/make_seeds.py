#!/usr/bin/env python3
"""Write the seed corpora of the device fuzz targets (tests/fuzz/corpus/).

Port-operation seeds follow tests/fuzz/dev/fz.h: 4-byte operations
[k v0 v1 t], k>>6 = 0 write / 1 read / 2 INTA / 3 IRQ line, k&63 = port
index in the target's list, t&3 = size (0: 1 byte), t>>2 = log2 of the ns
that pass afterwards. The sequences are the programming steps of the
datasheets (8259A ICW1-ICW4, 8254 control words, 16550 divisor/FIFO, MC146818
registers A-D, 8042 commands, ACPI PM1 registers). The loader seeds are
minimal well-formed images (Linux boot protocol 2.15 header, Multiboot v1
ELF and a.out kludge). vmstate/savevm seeds come from xlat86-fz-seed.
"""
import os
import struct
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def op(kind, idx, val=0, size=0, t=4):
    return bytes([(kind << 6) | idx, val & 0xFF, (val >> 8) & 0xFF, (t << 2) | size])


W = lambda i, v, s=0, t=4: op(0, i, v, s, t)
R = lambda i, s=0, t=4: op(1, i, 0, s, t)
INTA = op(2, 0)
IRQ = lambda line, lvl: op(3, 0, line | (lvl << 8))


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def ports():
    # PIC: 0=20h 1=21h 2=A0h 3=A1h
    init = W(0, 0x11) + W(1, 0x08) + W(1, 0x04) + W(1, 0x01) + W(2, 0x11) + W(3, 0x70) + W(3, 0x02) + W(3, 0x01)
    put("pic", "init-unmask-irq", init + W(1, 0x00) + W(3, 0x00) + IRQ(0, 1) + INTA + W(0, 0x20) + IRQ(0, 0)
        + IRQ(9, 1) + INTA + W(2, 0x20) + W(0, 0x20))
    put("pic", "ocw3-poll-special", init + W(0, 0x0A) + R(0) + W(0, 0x0B) + R(0) + W(0, 0x0C) + R(0)
        + W(0, 0x68) + IRQ(3, 1) + R(0) + W(0, 0x48) + W(0, 0xC7) + IRQ(7, 1) + INTA + W(0, 0x67))
    put("pic", "level-auto-eoi", W(0, 0x19) + W(1, 0x20) + W(1, 0x04) + W(1, 0x03) + IRQ(1, 1) + INTA + INTA)
    # PIT: 0=40h 1=41h 2=42h 3=43h 4=61h
    put("pit", "mode2-ch0", W(3, 0x34) + W(0, 0x9C) + W(0, 0x2E) + R(0, t=20) + W(3, 0x00) + R(0) + R(0))
    put("pit", "speaker-mode3", W(3, 0xB6) + W(2, 0x34) + W(2, 0x12) + W(4, 0x03) + R(4, t=16) + R(4, t=16)
        + W(3, 0xD8) + R(2) + R(2) + R(2))
    put("pit", "all-modes", b"".join(W(3, (c << 6) | (a << 4) | (m << 1)) + W(c, 0x10) + W(c, 0x00) + R(c, t=12)
                                     for c in range(3) for m in range(6) for a in (1, 3)))
    # UART COM1: 0..7 = 3F8h..3FFh
    put("uart", "init-115200-send", W(3, 0x80) + W(0, 0x01) + W(1, 0x00) + W(3, 0x03) + W(2, 0xC7)
        + W(4, 0x0B) + W(1, 0x0F) + b"".join(W(0, c) for c in b"hello\r\n") + R(5) + R(2) + R(6) + R(0))
    put("uart", "loopback-scratch", W(4, 0x10) + W(0, 0x55) + R(0) + R(5) + W(7, 0xAA) + R(7) + W(1, 0x02)
        + R(2) + W(2, 0x06) + W(2, 0x01) + b"".join(W(0, i) for i in range(20)) + R(5, t=20))
    # CMOS: 0=70h 1=71h
    put("cmos", "read-clock", b"".join(W(0, r) + R(1) for r in list(range(0, 14)) + [0x32, 0x7F]))
    put("cmos", "periodic-alarm-update", W(0, 0x0A) + W(1, 0x26) + W(0, 0x0B) + W(1, 0x72) + W(0, 0x01)
        + W(1, 0x30) + W(0, 0x0C) + R(1, t=30) + W(0, 0x0C) + R(1, t=32) + W(0, 0x8F) + W(1, 0x00))
    put("cmos", "set-time-bcd-binary", W(0, 0x0B) + W(1, 0x86) + W(0, 0x00) + W(1, 59) + W(0, 0x04) + W(1, 23)
        + W(0, 0x0B) + W(1, 0x02) + W(0, 0x00) + R(1, t=31) + W(0, 0x0B) + W(1, 0x04) + R(1))
    # i8042: 0=60h 1=64h
    put("i8042", "selftest-cmdbyte", W(1, 0xAA) + R(0) + W(1, 0x20) + R(0) + W(1, 0x60) + W(0, 0x47)
        + W(1, 0xAB) + R(0) + W(1, 0xAE) + R(1))
    put("i8042", "kbd-mouse-cmds", W(0, 0xFF) + R(0) + R(0) + W(0, 0xF2) + R(0) + R(0) + R(0) + W(1, 0xD4)
        + W(0, 0xF4) + R(0) + W(1, 0xA8) + W(1, 0xD3) + W(0, 0x5A) + R(0) + W(0, 0xED) + W(0, 0x07) + R(0))
    put("i8042", "reset-a20", W(1, 0xD0) + R(0) + W(1, 0xD1) + W(0, 0xDD) + W(1, 0xD1) + W(0, 0xDF)
        + W(1, 0xFE))
    # ACPI PM: 0..11 = 600h..60Bh (PM1a_EVT 600h, PM1a_CNT 604h, PM_TMR 608h)
    put("acpi", "timer-enable-sleep", R(8, 2) + R(8, 2, t=24) + W(2, 0x0001, 1) + R(0, 1) + W(0, 0x0001, 1)
        + W(4, 0x0001, 1) + R(4, 1) + W(4, 0x2001, 1))
    put("acpi", "bytes", b"".join(W(i, 0xFF) + R(i) for i in range(12)))
    # board: 0=92h 1=CF9h 2=80h 3=F0h 4=F4h
    put("board", "a20-reset", R(0) + W(0, 0x00) + R(0) + W(0, 0x02) + W(1, 0x02) + R(1) + W(1, 0x06)
        + W(2, 0x55) + W(3, 0x00) + W(0, 0x01))
    put("board", "exit-port", W(4, 0x01) + W(4, 0x1234, 1) + W(4, 0x5678, 2))


def bzimage():
    setup_sects = 1
    img = bytearray(512 * (setup_sects + 1) + 512)
    img[0x1F1] = setup_sects
    struct.pack_into("<H", img, 0x1FE, 0xAA55)
    img[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", img, 0x206, 0x020F)
    img[0x210] = 0xFF            # type_of_loader
    img[0x211] = 0x01            # loadflags: LOADED_HIGH
    struct.pack_into("<I", img, 0x214, 0x100000)   # code32_start
    struct.pack_into("<I", img, 0x22C, 0x37FFFFFF)  # initrd_addr_max
    struct.pack_into("<I", img, 0x238, 255)        # cmdline_size
    img[512 * (setup_sects + 1):] = b"\xf4" * 512  # protected-mode part: HLT
    put("loader", "bzimage-2.15", bytes(img))
    old = bytearray(img)
    struct.pack_into("<H", old, 0x206, 0x0202)
    put("loader", "bzimage-2.02", bytes(old))


def multiboot():
    code = b"\xf4" * 16
    hdr = struct.pack("<III", 0x1BADB002, 0x00000003, (-(0x1BADB002 + 3)) & 0xFFFFFFFF)
    body = hdr + code
    # ELF32: header (52) + one PT_LOAD program header (32), then the segment.
    off = 52 + 32
    entry = 0x100000 + 12
    eh = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8)
    eh += struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, entry, 52, 0, 0, 52, 32, 1, 40, 0, 0)
    ph = struct.pack("<IIIIIIII", 1, off, 0x100000, 0x100000, len(body), len(body) + 64, 7, 4)
    put("loader", "multiboot-elf", eh + ph + body)
    # a.out kludge (flag 16): header_addr, load_addr, load_end, bss_end, entry
    flags = 0x00010003
    k = struct.pack("<III", 0x1BADB002, flags, (-(0x1BADB002 + flags)) & 0xFFFFFFFF)
    k += struct.pack("<IIIII", 0x100000, 0x100000, 0x100000 + 64, 0x100000 + 128, 0x100000 + 32)
    img = k + b"\xf4" * (64 - len(k))
    put("loader", "multiboot-aout", img)


def roms():
    put("rom", "hlt-2k", b"\xf4" * 2048)
    put("rom", "reset-jmp-4k", b"\x90" * 4080 + b"\xea\x00\xf0\x00\xf0" + b"\xf4" * 11)
    put("rom", "odd-size", b"\xf4" * 3000)


if __name__ == "__main__":
    ports()
    bzimage()
    multiboot()
    roms()
    sys.exit(0)
