#!/usr/bin/env python3
"""bios-log-test.py - SeaBIOS's debug log (port 0x402) booting a hard disk
or a CD on xlat86 equals QEMU's for the same image.

usage: bios-log-test.py XLAT86 [bochs-]hd|cd|bootindex|isa-vga ROMDIR

isa-vga: the disk with -vga none -device isa-vga on both: SeaBIOS finds no
PCI VGA and runs the ISA SeaVGABIOS from fw_cfg "vgaroms/vgabios.bin"
("No VGA found, scan for other display", "Start SeaVGABIOS", "VBE DISPI:
lfb_addr=e0000000, size 8 MB", the modes it drops for 8 MiB, "set VGA mode
3"); the log must show those and equal QEMU's.

bootindex: the disk (boot-hd.img, primary master), the CD (boot-cd.iso,
secondary master) and the floppy (boot-fd.img) are all bootable and -boot
order=c puts the disk first in CMOS, but bootindex ranks the CD first, the
disk second, the floppy third through fw_cfg's "bootorder" file (xlat86:
-drive ...,bootindex=N; QEMU: -device ide-hd/ide-cd,...,bootindex=N and
-global isa-fdc.bootindexA=N): the log must show QEMU's "boot order:"
paths and "Booting from DVD/CD", and equal QEMU's.

The images are make-boot-images.py's (boot_test.asm on an MBR disk or an
El Torito CD; ROMDIR holds the assembled boot sectors).

Both run Debian's bios.bin (-bios) with what xlat86's board has (see
tests/boot/firmware-test.py, whose QEMU command line and normalisations
this reuses) plus the drive, until the BIOS prints "Booting from 0000:7c00"
(the boot sector is loaded; Bochs' BIOS says 07c0:0000 for a CD); the log
is compared up to that line. This
covers SeaBIOS's ATA/ATAPI probing (IDENTIFY, the threads that wait on the
PIT and port 0x61), the drive's geometry and its boot-order path.
Normalisations added here (both sides), each a fact of the drive's identity
rather than of behaviour:
 1. the IDENTIFY model string ("QEMU HARDDISK" / "XLAT86 HARDDISK", "QEMU
    DVD-ROM" / "XLAT86 DVD-ROM") -> MODEL;
 2. the highest ATA/ATAPI version in IDENTIFY word 80 ("ATA-7" in QEMU,
    "ATA-6" in xlat86, which implements ATA/ATAPI-6) -> ATA-N / ATAPI-N;
 3. "drive 0x000fXXXX: PCHS=..." -> the address masked: an F-segment
    allocation after the SMBIOS tables (firmware-test.py's rule 4);
 4. the lines printed while the ATA probing threads run are compared in
    sorted order: they interleave with the main thread's by timing.
With bochs-hd|bochs-cd the firmware is Bochs' BIOS-bochs-latest (-bios on
both); its log is compared without normalisations except one: QEMU's log
has "IDE time out" lines that xlat86's lacks, dropped on QEMU's side.
QEMU ends a software reset (SRST) in a bottom half while SRST is still set,
so BSY is gone before the BIOS polls for it (rombios ata_reset waits 20 ms
for BSY, then prints the message); ATA/ATAPI-6 9.2 keeps BSY set until
SRST is cleared, as xlat86 does.
Skipped (77) without qemu-system-i386, seabios or xorriso.
"""
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "fwtest", os.path.join(HERE, "..", "boot", "firmware-test.py"))
fw = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fw)

MARK = b"Booting from 0"   # 0000:7c00 (SeaBIOS; Bochs' disk), 07c0:0000 (Bochs' CD)
DRIVE_RULES = [
    (re.compile(r"(ata\d-\d: ).*? (ATA(PI)?)-\d+ ", re.M), r"\1MODEL \2-N "),
    (re.compile(r"^(drive) 0x[0-9a-f]+:", re.M), r"\1 X:"),
]


def cut(text):
    m = re.search(r"^Booting from [0-9a-f]{4}:[0-9a-f]{4}", text, re.M)
    return text[: m.end()] if m else text


def threads(text):
    """The lines SeaBIOS prints while its ATA threads run (after "ATA
    controller 2 at ..." up to "All threads complete.") interleave with the
    main thread's by timing: compare them as a sorted set."""
    lines = text.split("\n")
    try:
        a = max(i for i, l in enumerate(lines) if l.startswith("ATA controller")) + 1
        b = lines.index("All threads complete.")
    except ValueError:
        return text
    return "\n".join(lines[:a] + sorted(lines[a:b]) + lines[b:])


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    xlat, kind, roms = sys.argv[1:]
    bochs = kind.startswith("bochs-")
    media = kind[6:] if bochs else kind
    if media not in ("hd", "cd", "bootindex", "isa-vga"):
        sys.exit(__doc__)
    bios = fw.BOCHS if bochs else fw.SEABIOS
    fw.need(bios, "bochsbios" if bochs else "seabios")
    for tool, pkg in (("qemu-system-i386", "qemu-system-x86"), ("xorriso", "xorriso")):
        if not shutil.which(tool):
            print("SKIP: %s not installed (%s)" % (tool, pkg))
            sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="xlat86-bioslog-")
    try:
        subprocess.run([sys.executable, os.path.join(HERE, "make-boot-images.py"), tmp] +
                       [os.path.join(roms, "boot_%s.bin" % m) for m in ("fd", "hd", "cd")],
                       check=True, stdout=subprocess.DEVNULL)
        image = os.path.join(tmp, "boot-hd.img" if media != "cd" else "boot-cd.iso")
        out = {}
        for who in ("qemu", "xlat86"):
            img = os.path.join(tmp, who + ".img")
            shutil.copyfile(image, img)
            log = os.path.join(tmp, who + ".log")
            if media == "bootindex":
                cd = os.path.join(tmp, who + ".iso")
                shutil.copyfile(os.path.join(tmp, "boot-cd.iso"), cd)
                fd = os.path.join(tmp, who + "-fd.img")
                shutil.copyfile(os.path.join(tmp, "boot-fd.img"), fd)
            if media == "bootindex" and who == "qemu":
                extra = ["-m", "128", "-serial", "null", "-serial", "null",
                         "-drive", "file=%s,if=none,id=d0,format=raw" % img,
                         "-device", "ide-hd,drive=d0,bus=ide.0,unit=0,bootindex=1",
                         "-drive", "file=%s,if=none,id=d1,format=raw,media=cdrom" % cd,
                         "-device", "ide-cd,drive=d1,bus=ide.1,unit=0,bootindex=0",
                         "-drive", "file=%s,if=floppy,index=0,format=raw" % fd,
                         "-global", "isa-fdc.bootindexA=2", "-boot", "order=c"]
                cmd = fw.qemu_cmd(bios, log, extra)
            elif media == "bootindex":
                extra = ["-m", "128", "-drive", "file=%s,format=raw,index=0,bootindex=1" % img,
                         "-drive", "file=%s,index=2,media=cdrom,bootindex=0" % cd,
                         "-drive", "file=%s,if=floppy,bootindex=2" % fd, "-boot", "order=c"]
                cmd = fw.xlat_cmd(xlat, bios, log, extra)
            elif who == "qemu":
                drive = "file=%s,format=raw,if=ide" % img
                if media == "cd":
                    drive += ",index=2,media=cdrom"
                extra = ["-m", "128", "-serial", "null", "-serial", "null",
                         "-drive", drive, "-boot", "order=" + ("c" if media != "cd" else "d")]
                cmd = fw.qemu_cmd(bios, log, extra)
            else:
                extra = ["-m", "128", "-hda" if media != "cd" else "-cdrom", img,
                         "-boot", "order=" + ("c" if media != "cd" else "d")]
                cmd = fw.xlat_cmd(xlat, bios, log, extra)
            if media == "isa-vga":
                cmd += ["-vga", "none", "-device", "isa-vga"]
            text = cut(fw.run_until(cmd, log, MARK))
            if bochs:
                if who == "qemu":
                    text = re.sub(r"^IDE time out\n", "", text, flags=re.M)
                # firmware-test.py's Bochs rules (QEMU's VGA ROM BAR lines).
                for rx, rep in fw.BOCHS_RULES:
                    text = rx.sub(rep, text)
                out[who] = text.replace("\r", "")
            else:
                out[who] = threads(fw.normalise(text, fw.SEABIOS_RULES + DRIVE_RULES))
        if media == "bootindex":
            want = ("boot order:\n1: /pci@i0cf8/ide@1,1/drive@1/disk@0\n"
                    "2: /pci@i0cf8/ide@1,1/drive@0/disk@0\n"
                    "3: /pci@i0cf8/isa@1/fdc@03f0/floppy@0\n")
            for who in ("qemu", "xlat86"):
                if want not in out[who] or "Booting from DVD/CD..." not in out[who]:
                    print("FAIL: %s's log lacks the boot order block or the CD boot" % who)
                    print(out[who][-600:])
                    sys.exit(1)
        if media == "isa-vga":
            for who in ("qemu", "xlat86"):
                for line in ("No VGA found, scan for other display", "Start SeaVGABIOS",
                             "VBE DISPI: lfb_addr=e0000000, size 8 MB", "set VGA mode 3"):
                    if line not in out[who]:
                        print("FAIL: %s's log lacks %r" % (who, line))
                        sys.exit(1)
        fw.compare(("Bochs BIOS" if bochs else "SeaBIOS") + " log booting from " + media,
                   out["xlat86"], out["qemu"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
