#!/usr/bin/env python3
"""linux-disk-test.py XLAT86 BZIMAGE INITRAMFS KERNEL_DEB [dma]

Linux's own drivers on xlat86's IDE channels: the test guest (-kernel,
its busybox initramfs) gets a second initramfs with the kernel's libata,
pata_legacy, sd_mod, sr_mod modules (taken from the linux-image .deb the
guest was built from), loads them, and must find the 16 MiB pattern disk
(hda) as /dev/sda and the CD (hdc) as /dev/sr0:
  cat /proc/partitions      sda 16384 KiB, sr0 600 KiB
  md5sum /dev/sda, /dev/sr0 the host's digests of the images
  dd to /dev/sda + sync     the host finds the bytes in the image after exit
  dd from /dev/sda          read throughput, printed (MB/s)
  dmesg                     no libata error handling (timeouts, exceptions)
With "dma" the driver is ata_piix on the PIIX3 IDE function (8086:7010,
bus-master DMA, devices/ide_dma.c) instead of pata_legacy, and libata must
have set both devices to multiword DMA 2 (/sys/class/ata_device/dev1.0
and dev2.0 xfer_mode "XFER_MW_DMA_2", as under QEMU 7.2 with the same
kernel: ata_piix limits the PIIX3 to MWDMA2); the md5 sums and the write
then went through the PRD tables. xlat86's -kernel ACPI tables have no
PCI host bridge, so the guest gets pci=noacpi (Linux scans bus 0 itself);
QEMU's SeaBIOS tables have one. XLAT86 may be "qemu-system-i386" to run
the same steps on QEMU.
Exit status 0 pass, 1 fail, 77 skip (no kernel package).
"""
import gzip
import hashlib
import io
import os
import re
import select
import struct
import subprocess
import sys
import tempfile
import time

MODS = ["crypto/crct10dif_common", "crypto/crct10dif_generic", "lib/crc-t10dif", "lib/crc64",
        "crypto/crc64_rocksoft_generic", "lib/crc64-rocksoft", "block/t10-pi",
        "drivers/scsi/scsi_common", "drivers/scsi/scsi_mod", "drivers/ata/libata",
        "drivers/ata/pata_legacy", "drivers/scsi/sd_mod", "drivers/cdrom/cdrom",
        "drivers/scsi/sr_mod"]
PROMPT = b"xlat86# "


def cpio(entries):
    """newc archive of (name, mode, data)."""
    out = io.BytesIO()
    ino = 1000
    for name, mode, data in entries + [("TRAILER!!!", 0, b"")]:
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out.write(hdr.encode() + nb)
        out.write(b"\0" * (-(110 + len(nb)) % 4))
        out.write(data)
        out.write(b"\0" * (-len(data) % 4))
        ino += 1
    return out.getvalue()


def modules_cpio(deb, path, mods):
    tmp = tempfile.mkdtemp(prefix="kmods-")
    tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", tmp, "--wildcards", "./lib/modules/*"], input=tar, check=True)
    base = os.path.join(tmp, "lib", "modules")
    kdir = os.path.join(base, os.listdir(base)[0], "kernel")
    entries = [("mods", 0o040755, b"")]
    for m in mods:
        entries.append(("mods/%s.ko" % os.path.basename(m), 0o100644,
                        open(os.path.join(kdir, m + ".ko"), "rb").read()))
    with open(path, "wb") as f:
        f.write(gzip.compress(cpio(entries)))
    subprocess.run(["rm", "-rf", tmp])


def pattern(n, size):
    b = bytearray((n + i) & 0xFF for i in range(size))
    b[0:4] = struct.pack("<I", n)
    return bytes(b)


class Guest:
    def __init__(self, args):
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.buf = b""
        self.log = b""

    def read_until(self, pat, timeout):
        end = time.time() + timeout
        while time.time() < end:
            m = re.search(pat, self.buf)
            if m:
                out = self.buf[:m.end()]
                self.buf = self.buf[m.end():]
                return out
            r, _, _ = select.select([self.p.stdout], [], [], 0.5)
            if r:
                d = os.read(self.p.stdout.fileno(), 65536)
                if not d:
                    break
                self.buf += d
                self.log += d
        raise RuntimeError("timeout waiting for %r; output ends: %r" % (pat, self.log[-800:]))

    def cmd(self, line, timeout=120):
        self.p.stdin.write(line.encode() + b"\n")
        self.p.stdin.flush()
        out = self.read_until(re.escape(PROMPT), timeout)
        return out.decode(errors="replace")


def main():
    xlat86, bz, rd, deb = sys.argv[1:5]
    dma = sys.argv[5:6] == ["dma"]
    mods_list = [m.replace("pata_legacy", "ata_piix") if dma else m for m in MODS]
    if not os.path.exists(deb):
        print("SKIP: %s missing" % deb)
        return 77
    tmp = tempfile.mkdtemp(prefix="linux-disk-")
    mods = os.path.join(tmp, "mods.cpio.gz")
    modules_cpio(deb, mods, mods_list)
    hd = os.path.join(tmp, "hd.img")
    cd = os.path.join(tmp, "cd.iso")
    with open(hd, "wb") as f:
        for n in range(32768):
            f.write(pattern(n, 512))
    with open(cd, "wb") as f:
        for n in range(300):
            f.write(pattern(n, 2048))
    md5_hd = hashlib.md5(open(hd, "rb").read()).hexdigest()
    md5_cd = hashlib.md5(open(cd, "rb").read()).hexdigest()
    both = os.path.join(tmp, "initrd.gz")   # concatenated archives (QEMU takes one file)
    with open(both, "wb") as f:
        base = open(rd, "rb").read()
        f.write(base + b"\0" * (-len(base) % 4) + open(mods, "rb").read())
    common = ["-kernel", bz, "-initrd", both, "-m", "256", "-append",
              "console=ttyS0 nokaslr panic=-1 loglevel=4", "-serial", "stdio", "-display",
              "none", "-no-reboot"]
    if os.path.basename(xlat86).startswith("qemu"):
        common = ["-M", "pc", "-nodefaults"] + common
        drives = ["-drive", "file=%s,format=raw,if=ide,index=0" % hd,
                  "-drive", "file=%s,format=raw,if=ide,index=2,media=cdrom" % cd]
    else:
        drives = ["-hda", hd, "-cdrom", cd]
        if dma:
            common[common.index("-append") + 1] += " pci=noacpi"
    g = Guest([xlat86] + common + drives)
    fails = []
    try:
        g.read_until(re.escape(PROMPT), 300)
        for m in mods_list:
            g.cmd("insmod /mods/%s.ko" % os.path.basename(m))
        g.cmd("sleep 2")
        if dma:
            msg = g.cmd("dmesg | grep -E 'ata[0-9]'; cat /sys/class/ata_device/dev1.0/xfer_mode "
                        "/sys/class/ata_device/dev2.0/xfer_mode")
            print(msg.strip())
            if len(re.findall(r"^XFER_MW_DMA_2\r?$", msg, re.M)) != 2:
                fails.append("the disk and the CD are not both in XFER_MW_DMA_2")
        parts = g.cmd("cat /proc/partitions")
        print(parts.strip())
        if not re.search(r"\b16384\s+sda\b", parts):
            fails.append("no 16384 KiB sda in /proc/partitions")
        if not re.search(r"\b600\s+sr0\b", parts):
            fails.append("no 600 KiB sr0 in /proc/partitions")
        out = g.cmd("md5sum /dev/sda /dev/sr0", 300)
        if md5_hd not in out:
            fails.append("md5sum /dev/sda: %s, host %s" % (out.strip(), md5_hd))
        if md5_cd not in out:
            fails.append("md5sum /dev/sr0: %s, host %s" % (out.strip(), md5_cd))
        t = g.cmd("time dd if=/dev/sda of=/dev/null bs=1M 2>&1", 300)
        print("guest dd from /dev/sda (16 MiB): " + " ".join(t.split()))
        g.cmd("echo -n xlat86-linux-wrote-this > /tmp/w; dd if=/tmp/w of=/dev/sda bs=512 seek=1000 "
              "conv=notrunc,fsync 2>&1; sync")
        # libata's error handling must never have run (a lost or spurious
        # interrupt shows as "timeout" / "exception Emask" / "lost interrupt").
        eh = g.cmd("dmesg | grep -E 'exception Emask|timeout|lost interrupt|spurious' | "
                   "sed 's/^/E''H: /' | head -5")
        bad = [l for l in eh.splitlines() if l.startswith("EH: ")]
        if bad:
            fails.append("libata error handling ran: " + " | ".join(bad))
        g.p.stdin.write(b"poweroff -f\n")
        g.p.stdin.flush()
        g.p.wait(60)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        fails.append(str(e))
    finally:
        if g.p.poll() is None:
            g.p.kill()
            g.p.wait()
    data = open(hd, "rb").read()
    w = b"xlat86-linux-wrote-this"
    if data[1000 * 512:1000 * 512 + len(w)] != w:
        fails.append("the guest's write is not in the image at sector 1000")
    elif data[1000 * 512 + 512:] != b"".join(pattern(n, 512) for n in range(1001, 32768)):
        fails.append("sectors after 1000 changed")
    subprocess.run(["rm", "-rf", tmp])
    for f in fails:
        print("FAIL: " + f)
    if not fails:
        print("PASS: Linux libata (%s) finds, reads and writes the IDE disk and CD" %
              ("ata_piix, DMA" if dma else "pata_legacy, PIO"))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
