"""Run one oracle ROM under each executor and return its dump lines.

Executors (name -> how):
  xi     xlat86 -accel dbt
  xn     xlat86 -accel dbt,inline=off
  qemu   qemu-system-i386 -accel tcg (isa-debug-exit ends the run)
  bochs  Debian's bochs (built with its debugger: `-rc` feeds "c" to it);
         port_e9_hack prints the debug console on Bochs' stdout, and the
         ROM's "Shutdown" string on port 0x8900 ends the simulation
         (Bochs' iodev/unmapped shutdown port).
"""

import os
import re
import shutil
import signal
import subprocess

CASE_NAME = re.compile(r"^(rm|pm|sdm)\.[a-z0-9_.]+$")
TIMEOUT = int(os.environ.get("ORACLE_TIMEOUT", "20"))


def _run(cmd, cwd, timeout=TIMEOUT, stdout=None):
    """Run cmd in its own process group; kill that group on timeout."""
    cmd = [os.path.abspath(c) if os.path.exists(c) and "/" in c else c for c in cmd]
    p = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL,
                         stdout=stdout or subprocess.DEVNULL,
                         stderr=subprocess.PIPE, start_new_session=True)
    try:
        _, err = p.communicate(timeout=timeout)
        return p.returncode, err.decode(errors="replace"), False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        _, err = p.communicate()
        return p.returncode, err.decode(errors="replace"), True


def run_xlat86(xlat86, rom, tmp, inline):
    out = os.path.join(os.path.abspath(tmp), "xlat86-%s.txt" % ("i" if inline else "n"))
    accel = "dbt" if inline else "dbt,inline=off"
    rc, err, to = _run([xlat86, "-bios", rom, "-display", "none", "-serial", "none",
                        "-debugcon", "file:" + out, "-icount", "0", "-m", "16",
                        "-accel", accel], tmp)
    return _read(out), "timeout" if to else ("exit %d" % rc if rc != 1 else "")


def run_qemu(rom, tmp, timeout=TIMEOUT):
    """-no-reboot: a triple fault ends the run instead of restarting the ROM."""
    out = os.path.join(os.path.abspath(tmp), "qemu.txt")
    rc, err, to = _run(["qemu-system-i386", "-accel", "tcg", "-machine", "pc",
                        "-nodefaults", "-m", "16", "-display", "none", "-serial",
                        "null", "-debugcon", "file:" + out, "-device",
                        "isa-debug-exit,iobase=0xf4,iosize=4", "-no-reboot",
                        "-bios", rom], tmp, timeout=timeout)
    return _read(out), "timeout" if to else ("exit %d" % rc if rc != 1 else "")


BOCHSRC = """megs: 16
romimage: file={rom}, address=0xffff0000
vgaromimage: file={vga}
display_library: term
port_e9_hack: enabled=1
cpu: reset_on_triple_fault=0
speaker: enabled=0
log: {log}
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
"""


def run_bochs(rom, tmp):
    """The 64 KiB image is loaded so that it ends at 4 GiB; Bochs also maps
    the top 128 KiB of its BIOS ROM at E0000-FFFFF, so the reset vector and
    F000:xxxx see the same bytes.  No VGA BIOS is run (our ROM never calls
    C000:0003), so a blank image stands in for it."""
    vga = os.path.join(os.path.abspath(tmp), "vga.bin")
    with open(vga, "wb") as f:
        f.write(bytes(32768))
    rc_path = os.path.join(tmp, "bochsrc")
    with open(rc_path, "w") as f:
        f.write(BOCHSRC.format(rom=os.path.abspath(rom), vga=vga,
                               log=os.path.join(os.path.abspath(tmp), "bochs.log")))
    cmds = os.path.join(tmp, "bochs.cmds")
    with open(cmds, "w") as f:
        f.write("c\nquit\n")
    out = os.path.join(os.path.abspath(tmp), "bochs.txt")
    with open(out, "wb") as fo:
        rc, err, to = _run(["bochs", "-q", "-f", rc_path, "-rc", cmds], tmp, stdout=fo)
    return _read(out), "timeout" if to else ""


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def parse(text):
    """-> (dict name -> rest of line, ended, list of stray lines).  Only
    the text between #BEGIN and #END counts (Bochs adds its own lines)."""
    i = text.find("#BEGIN\n")
    if i < 0:
        return {}, False, ["no #BEGIN"]
    body = text[i + 7:]
    j = body.find("#END\n")
    ended = j >= 0
    if ended:
        body = body[:j]
    cases = {}
    stray = []
    for line in body.split("\n")[:100000]:
        if not line:
            continue
        name, _, rest = line.partition(" ")
        if line.startswith("#") or not CASE_NAME.match(name) or len(line) > 2000:
            if len(stray) < 3:
                stray.append(line[:120])
            continue
        cases[name] = rest
    return cases, ended, stray


def available():
    """Missing peer programs (empty list when all are there)."""
    return [p for p in ("qemu-system-i386", "bochs", "nasm") if shutil.which(p) is None]
