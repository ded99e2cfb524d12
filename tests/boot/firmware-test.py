#!/usr/bin/env python3
"""firmware-test.py - Debian's SeaBIOS and Bochs' BIOS on xlat86's board,
compared with QEMU running the same firmware image (the oracle).

usage: firmware-test.py XLAT86 seabios|seabios-nographic|bochs|fwcfg [FWCFG_ROM]

seabios            xlat86's default firmware (SeaBIOS bios.bin) runs to "No
                   bootable device."; its log on port 0x402 must equal QEMU's
                   line by line after the normalisations below.
seabios-nographic  the same with -nographic: SeaBIOS's serial console
                   (fw_cfg etc/sercon-port) must put the same bytes on COM1
                   as under QEMU, and the 0x402 logs must match.
bochs              /usr/share/bochs/BIOS-bochs-latest (-bios) to "No bootable
                   device." on its info port 0x402: identical to QEMU's log.
seabios-reset      after "No bootable device." the monitor's system_reset:
                   SeaBIOS must POST again from scratch (PAM back to ROM, the
                   shadow copied anew) and print exactly the first boot's log.
fwcfg              fwcfg_rom.asm (no BIOS) reads -fw_cfg items through the
                   ports and by DMA; its port 0xE9 text must equal QEMU's for
                   the same options, and expected/fwcfg.txt (QEMU's capture).

QEMU is started with what xlat86's board has and no more: -M pc -nodefaults,
-cpu qemu32,-apic (xlat86's CPU reports no local APIC; this also drops QEMU's
kvmvapic option ROM) and two serial ports (-serial null, xlat86 always has
COM1 and COM2). Without qemu-system-i386 the SeaBIOS/Bochs tests are skipped
(exit 77); fwcfg still checks the stored capture.

Normalisations of SeaBIOS logs (both sides; nothing in them is timing):
 1. "Moving pm_base to 0x600" is dropped: QEMU hands SeaBIOS its own ACPI
    tables (fw_cfg etc/table-loader), which moves the PM base; on xlat86
    SeaBIOS builds the tables itself, keeping PM base 0xB000 (as real
    i440FX boards without QEMU's loader).
 2. "Using pmtimer, ioport 0x..." -> port masked: the same PM base.
 3. "ACPI DSDT=..." and "Copying ACPI RSDP ..." are dropped: printed only
    when SeaBIOS builds the tables (xlat86).
 4. "Copying MPTABLE from A/B to C": B (a heap pointer) masked, and
    "Copying SMBIOS from A to C": C masked: QEMU supplies SMBIOS tables
    (etc/smbios/*), SeaBIOS builds smaller ones on xlat86, so the heap and
    F-segment allocations after them shift.
 5. "Space available for UMB: ..., fXXXX-fYYYY" and "Returned N bytes of
    ZoneHigh": the F-segment end and N masked (same table sizes).
 6. The e820 RAM/RESERVED boundary just below the top of RAM is masked:
    SeaBIOS reserves its high zone for the tables it holds (ACPI size).

Normalisation of Bochs' BIOS logs (QEMU's side):
 7. "region 6: ..." and "PCI ROM copied to 0xc0000 ..." are dropped: QEMU's
    VGA has a ROM BAR (SeaVGABIOS), which rombios32 sizes and "copies"
    (0 bytes: it reads the size while the BAR does not decode), leaving no
    video BIOS; xlat86 gives Bochs' BIOS the LGPL vgabios at 0xC0000 and no
    ROM BAR (devices/vga_pci.h), as Bochs does.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SEABIOS = "/usr/share/seabios/bios.bin"
BOCHS = "/usr/share/bochs/BIOS-bochs-latest"
DONE = b"No bootable device."
HERE = os.path.dirname(os.path.abspath(__file__))


def run_until(cmd, log, marker, timeout=60):
    """Start cmd, wait until file log contains marker, then stop it."""
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    end = time.time() + timeout
    ok = False
    while time.time() < end:
        if os.path.exists(log) and marker in open(log, "rb").read():
            ok = True
            time.sleep(0.3)  # let the line after it land
            break
        if p.poll() is not None:
            break
        time.sleep(0.05)
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    err = p.stderr.read().decode(errors="replace")
    if not ok:
        data = open(log, "rb").read() if os.path.exists(log) else b""
        sys.exit("FAIL: %s never printed %r (rc=%s)\nstderr: %s\nlog tail:\n%s" %
                 (cmd[0], marker.decode(), p.returncode, err,
                  data[-2000:].decode(errors="replace")))
    return open(log, "rb").read().decode(errors="replace")


SEABIOS_RULES = [
    (re.compile(r"^Moving pm_base to 0x[0-9a-f]+\n", re.M), ""),
    (re.compile(r"^(Using pmtimer, ioport) 0x[0-9a-f]+$", re.M), r"\1 X"),
    (re.compile(r"^ACPI DSDT=.*\n", re.M), ""),
    (re.compile(r"^Copying ACPI RSDP .*\n", re.M), ""),
    (re.compile(r"^(Copying MPTABLE from 0x[0-9a-f]+)/[0-9a-f]+", re.M), r"\1/X"),
    (re.compile(r"^(Copying SMBIOS from 0x[0-9a-f]+ to) 0x[0-9a-f]+", re.M), r"\1 X"),
    (re.compile(r"^(Space available for UMB: .*, f[0-9a-f]+)-f[0-9a-f]+$", re.M), r"\1-X"),
    (re.compile(r"^Returned \d+ bytes of ZoneHigh$", re.M), "Returned N bytes of ZoneHigh"),
    (re.compile(r"^(  \d: [0-9a-f]{16}) - [0-9a-f]{16}( = 1 RAM)$", re.M), r"\1 - X\2"),
    (re.compile(r"^(  \d:) [0-9a-f]{16}( - [0-9a-f]{16} = 2 RESERVED)$", re.M), r"\1 X\2"),
]


BOCHS_RULES = [
    (re.compile(r"^region 6: 0x[0-9a-f]+\n", re.M), ""),
    (re.compile(r"^PCI ROM copied to 0xc0000 .*\n", re.M), ""),
]


def normalise(text, rules):
    text = text.replace("\r", "")
    for rx, rep in rules:
        text = rx.sub(rep, text)
    # The log stops at the marker line: later text depends on when we stopped.
    i = text.find(DONE.decode())
    return text[: i + len(DONE)] if i >= 0 else text


def compare(name, mine, ref):
    if mine == ref:
        print("%s: %d lines identical to QEMU's" % (name, mine.count("\n") + 1))
        return
    import difflib
    sys.stdout.writelines(difflib.unified_diff(ref.splitlines(True), mine.splitlines(True),
                                               "qemu", "xlat86"))
    sys.exit("FAIL: %s differs from QEMU's (see the diff above)" % name)


def qemu_cmd(bios, log, extra):
    # -vga std: xlat86's board has QEMU's PCI VGA at 00:02.0 (devices/vga_pci.c).
    return ["qemu-system-i386", "-M", "pc", "-nodefaults", "-vga", "std", "-cpu", "qemu32,-apic",
            "-display", "none", "-bios", bios, "-chardev", "file,id=fw,path=" + log,
            "-device", "isa-debugcon,iobase=0x402,chardev=fw"] + extra


def xlat_cmd(xlat, bios, log, extra):
    cmd = [xlat, "-display", "none", "-chardev", "file,id=fw,path=" + log,
           "-device", "isa-debugcon,iobase=0x402,chardev=fw"] + extra
    return cmd + (["-bios", bios] if bios else [])


def need(path, pkg):
    if not os.path.exists(path):
        print("SKIP: %s missing (install %s)" % (path, pkg))
        sys.exit(77)


def test_firmware(xlat, tmp, mode):
    nographic = mode == "seabios-nographic"
    bios = BOCHS if mode == "bochs" else SEABIOS
    need(bios, "bochsbios" if mode == "bochs" else "seabios")
    if not shutil.which("qemu-system-i386"):
        print("SKIP: qemu-system-i386 not installed (qemu-system-x86)")
        sys.exit(77)
    out = {}
    for who in ("qemu", "xlat86"):
        log = os.path.join(tmp, who + ".log")
        ser = os.path.join(tmp, who + ".serial")
        if nographic:
            extra = ["-nographic", "-serial", "file:" + ser, "-serial", "null"]
        else:
            extra = ["-serial", "null", "-serial", "null"] if who == "qemu" else []
        if who == "qemu":
            cmd = qemu_cmd(bios, log, extra)
        else:
            # SeaBIOS is xlat86's default firmware: no -bios for it.
            cmd = xlat_cmd(xlat, None if bios == SEABIOS else bios, log,
                           [a for a in extra if a != "-display"])
        text = run_until(cmd, log, DONE)
        out[who] = text
        if nographic:
            out[who + "-serial"] = open(ser, "rb").read()
    rules = SEABIOS_RULES if bios == SEABIOS else BOCHS_RULES
    compare(mode + " port 0x402 log", normalise(out["xlat86"], rules), normalise(out["qemu"], rules))
    if nographic:
        if "sercon: using ioport 0x3f8" not in out["xlat86"]:
            sys.exit("FAIL: SeaBIOS did not turn its serial console on")
        xs, qs = out["xlat86-serial"], out["qemu-serial"]
        k = qs.find(DONE)
        if DONE not in xs or xs[: k + len(DONE)] != qs[: k + len(DONE)]:
            sys.exit("FAIL: serial console differs\nqemu:   %r\nxlat86: %r" % (qs[:400], xs[:400]))
        print("seabios-nographic: COM1 carries the same %d bytes as QEMU's" % (k + len(DONE)))


def test_fwcfg(xlat, tmp, rom):
    f1 = os.path.join(tmp, "y.bin")
    with open(f1, "wb") as f:
        f.write(b"hello from a file\x00\x01\x02")
    f2 = os.path.join(tmp, "z.bin")
    with open(f2, "wb") as f:
        f.write(bytes((i * 37 + 11) & 0xff for i in range(100)))
    items = ["-fw_cfg", "name=opt/x,string=hello", "-fw_cfg", "name=opt/y,file=" + f1,
             "-fw_cfg", "opt/z,file=" + f2]
    results = {}
    cmds = {"xlat86": [xlat, "-display", "none", "-bios", rom, "-debugcon",
                       "file:" + os.path.join(tmp, "xlat86.txt")] + items}
    if shutil.which("qemu-system-i386"):
        cmds["qemu"] = ["qemu-system-i386", "-M", "pc", "-nodefaults", "-display", "none",
                        "-bios", rom, "-debugcon", "file:" + os.path.join(tmp, "qemu.txt"),
                        "-device", "isa-debug-exit,iobase=0xf4,iosize=4"] + items
    for who, cmd in cmds.items():
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        if r.returncode != 1:   # the ROM's EXIT: value 0 -> status 1
            sys.exit("FAIL: %s exited %d: %s" % (who, r.returncode, r.stderr.decode()))
        results[who] = open(os.path.join(tmp, who + ".txt")).read()
    expected = open(os.path.join(HERE, "expected", "fwcfg.txt")).read()
    for who, text in results.items():
        if text != expected:
            import difflib
            sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True),
                                                       text.splitlines(True), "expected", who))
            sys.exit("FAIL: %s's fw_cfg ROM output differs from expected/fwcfg.txt" % who)
    print("fwcfg: %s print expected/fwcfg.txt (%d lines)" %
          (" and ".join(sorted(results)), expected.count("\n")))


def test_reset(xlat, tmp):
    import socket
    need(SEABIOS, "seabios")
    log, sock = os.path.join(tmp, "reset.log"), os.path.join(tmp, "mon.sock")
    p = subprocess.Popen(xlat_cmd(xlat, None, log, ["-monitor", "unix:%s,server,nowait" % sock]),
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)

    def wait(n):
        end = time.time() + 60
        while time.time() < end:
            if os.path.exists(log) and open(log, "rb").read().count(DONE) >= n:
                return True
            time.sleep(0.05)
        return False
    try:
        if not wait(1):
            sys.exit("FAIL: first boot never printed %r" % DONE.decode())
        s = socket.socket(socket.AF_UNIX)
        s.connect(sock)
        s.sendall(b"system_reset\n")
        if not wait(2):
            sys.exit("FAIL: no second POST after system_reset:\n" + open(log).read()[-1500:])
        s.close()
    finally:
        p.terminate()
        p.wait()
    text = open(log).read()
    d = DONE.decode()
    first, rest = text.split(d, 1)
    second = rest.split(d, 1)[0]
    first += d
    second = second.lstrip("\n") + d
    if first.replace("\r", "") != second.replace("\r", ""):
        import difflib
        sys.stdout.writelines(difflib.unified_diff(first.splitlines(True), second.splitlines(True),
                                                   "boot 1", "boot 2"))
        sys.exit("FAIL: the boot after system_reset differs from the first")
    print("seabios-reset: the second POST printed the first one's %d lines" % first.count("\n"))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    xlat, mode = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="xlat86-fw-")
    try:
        if mode == "seabios-reset":
            test_reset(xlat, tmp)
        elif mode == "fwcfg":
            test_fwcfg(xlat, tmp, sys.argv[3])
        else:
            test_firmware(xlat, tmp, mode)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
