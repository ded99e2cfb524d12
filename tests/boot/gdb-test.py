#!/usr/bin/env python3
"""gdb-test.py XLAT86 ROM MBTEST_ELF: the GDB stub (frontend/gdbstub.c)
driven by Debian's gdb in batch mode.

1. The monitor test ROM (monitor_rom.asm, real mode): registers at reset,
   stepi (the far JMP at F000:FFF0 lands at F000:0000), a hardware
   breakpoint at the spin loop (F000:0015, after `xor ecx, ecx`), a write
   watchpoint on the boot counter at 0:0500 that fires after a reset
   through `monitor system_reset` right after `inc word [0x500]` (EIP 0xE,
   value 1 -> 2), an access watchpoint on it, `monitor info registers`.
2. The Multiboot test kernel (mbtest.elf, symbols): break at mb_main, stepi,
   a read watchpoint on bss_word (its zero check), memory reads of
   data_word (0x1234abcd in the image), Ctrl-C-free `kill`.

Expected addresses come from the ROM source and from binutils' nm on the
ELF. When qemu-system-i386 is installed, the same scripts run against
`qemu-system-i386 -M isapc -gdb tcp::PORT -S` and every register value
gdb prints at every stop must be QEMU's, except EDX (the CPU signature)
and the x87/SSE registers QEMU describes and xlat86 does not; for the
Multiboot kernel only EIP, EAX and ESP are compared (the Multiboot spec
leaves the selectors and scratch registers to the boot loader: QEMU's
GDT has CS=8, xlat86's CS=0x10; the boot information sits elsewhere)."""
import os, re, shutil, socket, subprocess, sys, tempfile, time

XLAT86, ROM, ELF = sys.argv[1:4]
fails = []
tmp = tempfile.mkdtemp(prefix="xlat86-gdb-")

if not shutil.which("gdb"):
    print("SKIP: gdb is not installed (scripts/install-deps.sh installs it)")
    sys.exit(77)


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        fails.append(what)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def run(emu, args, script, elf=None):
    """gdb's output for script against emu ("xlat86" or "qemu")."""
    port = free_port()
    if emu == "xlat86":
        cmd = [XLAT86] + args + ["-gdb", "tcp::%d" % port, "-S", "-display", "none"]
    else:
        cmd = ["qemu-system-i386", "-M", "isapc", "-display", "none", "-gdb", "tcp::%d" % port, "-S"] + args
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Wait for the port.
    t0 = time.time()
    while time.time() - t0 < 10:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    # The probe connection above was one client; the stub accepts the next.
    f = os.path.join(tmp, emu + ".gdb")
    with open(f, "w") as fh:
        fh.write("set confirm off\nset pagination off\n")
        if elf:
            fh.write("file %s\n" % elf)
        fh.write("target remote 127.0.0.1:%d\n" % port)
        fh.write(script)
        fh.write("kill\n")
    try:
        # (gdb writes a monitor command's output to stderr)
        out = subprocess.run(["gdb", "-batch", "-nx", "-x", f], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, timeout=60).stdout
    finally:
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    return out


REG_RE = re.compile(r"^([a-z][a-z0-9_]*)\s+(0x[0-9a-f]+|-?[0-9]+)\s", re.M)


def stops(out):
    """The register dumps of `info registers`, one dict per "=== stop" mark."""
    res = []
    for part in out.split("=== stop ")[1:]:
        label, body = part.split("\n", 1)
        regs = {m.group(1): int(m.group(2), 0) for m in REG_RE.finditer(body)}
        res.append((label.strip(), regs, body))
    return res


def mark(label):
    return "echo === stop %s\\n\ninfo registers\n" % label


ROM_SCRIPT = ("set architecture i8086\n" + mark("reset") + "stepi\n" + mark("stepi") +
              "hbreak *0xf0015\ncontinue\n" + mark("hbreak") + "delete\n"
              "watch *(short*)0x500\nmonitor system_reset\ncontinue\n" + mark("watch") +
              "x/1xh 0x500\ndelete\nawatch *(short*)0x500\nmonitor system_reset\ncontinue\n" + mark("awatch") +
              "delete\nmonitor info registers\n")

x = run("xlat86", ["-bios", ROM], ROM_SCRIPT)
xs = stops(x)
check([s[0] for s in xs] == ["reset", "stepi", "hbreak", "watch", "awatch"], "ROM: five stops (got %s)" % [s[0] for s in xs])
if len(xs) == 5:
    r = dict((s[0], s[1]) for s in xs)
    check(r["reset"].get("eip") == 0xfff0 and r["reset"].get("cs") == 0xf000, "ROM: reset at F000:FFF0")
    check(r["stepi"].get("eip") == 0 and r["stepi"].get("cs") == 0xf000, "ROM: stepi -> F000:0000")
    check(r["hbreak"].get("eip") == 0x15 and r["hbreak"].get("ecx") == 0 and r["hbreak"].get("esp") == 0x7c00,
          "ROM: hardware breakpoint at F000:0015, ECX=0, ESP=7C00")
    check(r["watch"].get("eip") == 0xe, "ROM: write watchpoint stops after inc word [0x500] (EIP 0xE)")
    check("Old value = 1" in x and "New value = 2" in x, "ROM: watchpoint old/new value 1 -> 2")
    check("0x500:\t0x0002" in x, "ROM: x/1xh 0x500 reads 2")
    check(r["awatch"].get("eip") == 0xe, "ROM: access watchpoint stops there too")
check("EIP=0000000e" in x and "CS =f000 000f0000" in x, "ROM: monitor info registers through qRcmd")

mb_syms = {}
for line in subprocess.run(["nm", ELF], capture_output=True, text=True).stdout.splitlines():
    f = line.split()
    if len(f) == 3:
        mb_syms[f[2]] = int(f[0], 16)

MB_SCRIPT = ("break mb_main\ncontinue\n" + mark("mb_main") + "stepi\n" + mark("stepi") +
             "x/1xw &data_word\nrwatch *(int*)&bss_word\ncontinue\n" + mark("rwatch") + "delete\n"
             "hbreak putdec\ncontinue\n" + mark("putdec") + "print $eip\n")
y = run("xlat86", ["-kernel", ELF], MB_SCRIPT, ELF)
ys = stops(y)
check([s[0] for s in ys] == ["mb_main", "stepi", "rwatch", "putdec"],
      "ELF: four stops (got %s)" % [s[0] for s in ys])
if len(ys) == 4:
    r = dict((s[0], s[1]) for s in ys)
    check(r["mb_main"].get("eip") == mb_syms["mb_main"], "ELF: break mb_main stops at its address (nm)")
    check(r["mb_main"].get("eax") == 0x2badb002, "ELF: EAX holds the Multiboot magic")
    check(r["stepi"].get("eip", 0) > mb_syms["mb_main"], "ELF: stepi moves past mb_main's first instruction")
    check("0x1234abcd" in y, "ELF: x/1xw &data_word = 0x1234abcd")
    check("Hardware read watchpoint" in y and "Value = 0" in y, "ELF: read watchpoint on bss_word reports value 0")
    check(r["putdec"].get("eip") == mb_syms["putdec"], "ELF: hardware breakpoint at putdec")

if shutil.which("qemu-system-i386"):
    for name, script, args, elf, out, only in (
            ("ROM", ROM_SCRIPT, ["-bios", ROM], None, xs, None),
            ("ELF", MB_SCRIPT, ["-kernel", ELF], ELF, ys, {"eip", "eax", "esp"})):
        q = stops(run("qemu", args, script, elf))
        check([s[0] for s in q] == [s[0] for s in out], "%s: QEMU stops at the same places" % name)
        for (la, ra, _), (lb, rb, _) in zip(out, q):
            keys = [k for k in ra if k in rb and k != "edx" and not k.startswith(("st", "f", "x", "mxcsr"))]
            if only:
                keys = [k for k in keys if k in only]
            diff = [k for k in keys if ra[k] != rb[k]]
            # FS/GS: compare only the selectors both describe.
            check(not diff, "%s stop %s: registers equal QEMU's%s" % (
                name, la, "" if not diff else " (differ: %s)" % ", ".join(
                    "%s %x/%x" % (k, ra[k], rb[k]) for k in diff)))
else:
    print("note: qemu-system-i386 not installed; no comparison with QEMU")

shutil.rmtree(tmp, ignore_errors=True)
if fails:
    print("%d check(s) failed" % len(fails))
    print("---- xlat86 ROM gdb output ----\n" + x)
    print("---- xlat86 ELF gdb output ----\n" + y)
    sys.exit(1)
print("all gdb checks passed")
