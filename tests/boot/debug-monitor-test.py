#!/usr/bin/env python3
"""debug-monitor-test.py XLAT86 ROM MBTEST_ELF: the monitor's debugger
commands (frontend/monitor_dbg.c) over -monitor unix:SOCK,server,nowait.

- step N lands on the (N)th instruction after F000:0000 in objdump's
  listing of the ROM (binutils is the reference, not xlat86's decoder);
  stepb runs one translated block (the spin loop: inc ecx; jmp);
- `break ADDR if ecx == 100` stops with ECX exactly 100; `watch 0x500 2`
  stops right after `inc word [0x500]` (EIP 0xE); tbreak goes away after
  its first stop; info break lists and counts them;
- x and xp print what QEMU's monitor prints for the same commands on the
  same ROM (when qemu-system-i386 is installed), and do not change the
  guest (RAM and registers unchanged, MMIO not read);
- print evaluates registers, [memory] and symbols; symbol-file loads
  mbtest.elf's symbols (nm is the reference); disas marks CS:EIP;
- info pic / info irq on tables_rom.asm print what QEMU's monitor prints
  (irq: the same lines; counts are timing); info pit, gdt, ldt, idt, tss
  (QEMU has none) show the values tables_rom.asm programs, read from its
  source by the SDM's descriptor formats, and change nothing."""
import os, re, shutil, socket, subprocess, sys, tempfile, time

XLAT86, ROM, ELF, TROM = sys.argv[1:5]
HERE = os.path.dirname(os.path.abspath(__file__))
src = open(os.path.join(HERE, "monitor-test.py")).read().split("\nfails = []")[0]
ns = {"__name__": "monitor_client"}
exec(compile(src, "monitor-test.py", "exec"), ns)
Client = ns["Client"]

fails = []
tmp = tempfile.mkdtemp(prefix="xlat86-dbgmon-")


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        fails.append(what)


def start(cmd_prefix, extra, sock):
    p = subprocess.Popen(cmd_prefix + extra + ["-monitor", "unix:%s,server,nowait" % sock, "-S",
                                               "-display", "none"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return p, Client(sock)


def stop_proc(p, c):
    try:
        c.send_quit()
    except Exception:
        pass
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def wait_paused(c, limit=10):
    t0 = time.time()
    while time.time() - t0 < limit:
        if "paused" in c.cmd("info status"):
            return True
        time.sleep(0.02)
    return False


# Instruction addresses of the ROM from 0 (F000:0000), by objdump.
dis = subprocess.run(["objdump", "-D", "-b", "binary", "-mi8086", "--start-address=0", "--stop-address=0x19", ROM],
                     capture_output=True, text=True).stdout
addrs = [int(m.group(1), 16) for m in re.finditer(r"^\s+([0-9a-f]+):\t", dis, re.M)]
check(len(addrs) >= 10, "objdump lists the ROM's first instructions (%d)" % len(addrs))

sock = os.path.join(tmp, "m.sock")
p, c = start([XLAT86], ["-bios", ROM], sock)
check(c.cmd("step").strip() == "000f0000", "step: the far JMP at F000:FFF0 lands at F000:0000")
ok = True
for n in (1, 2, 3, 4, 5):
    r = c.cmd("step").strip()
    ok &= r == "%08x" % (0xf0000 + addrs[n])
check(ok, "step 1 x5 follows objdump's instruction addresses")
r = c.cmd("step 3").strip()
check(r == "%08x" % (0xf0000 + addrs[8]), "step 3 lands on objdump's 8th instruction (%s)" % r)
regs = c.cmd("info registers")
r0 = c.cmd("print $eip").strip()
check(r0 == "0x%x" % addrs[8], "print $eip = 0x%x" % addrs[8])
check(c.cmd("print ecx + 2 * 3 == 6 && !(eax & 0)").strip() == "0x1", "print: arithmetic and logic over registers")
check(c.cmd("print [0x500] & 0xffff").strip() == "0x1", "print [0x500]: the boot counter (1)")
check(c.cmd("print nosuch").startswith("Error: unknown register or symbol"), "print: unknown symbol is an error")

# x/xp: no side effects.
before = c.cmd("xp /16xw 0x500") + c.cmd("info registers")
for cmd in ("x /4xw 0x500", "x /8xb 0xf0000", "xp /3dh 0x500", "x /2c 0xf0000", "xp /4xw 0xfee00000",
            "x /2i 0xf0000", "x /1xg 0xfffffff0", "xp /2ow 0x500", "x /3uw 0x4fc"):
    c.cmd(cmd)
after = c.cmd("xp /16xw 0x500") + c.cmd("info registers")
check(before == after, "x/xp leave RAM and registers unchanged")
check(c.cmd("x /4xw cs:0").startswith("000f0000: 0x"), "x SEG:OFF uses the segment's base")

# Block step: the spin loop is one block (inc ecx; jmp spin).
c.cmd("break 0xf0015")
c.cmd("cont")
check(wait_paused(c), "break at the spin loop stops the guest")
e1 = int(c.cmd("print ecx"), 16)
r = c.cmd("stepb").strip()
e2 = int(c.cmd("print ecx"), 16)
check(r == "000f0015" and e2 == e1 + 1, "stepb: one block (inc ecx; jmp) -> back at F000:0015, ECX+1")
c.cmd("delete")
c.cmd("break 0xf0017 if ecx == 100")
c.cmd("cont")
check(wait_paused(c), "conditional breakpoint stops the guest")
check(c.cmd("print /d ecx").strip() == "100", "break ... if ecx == 100 stops with ECX = 100")
info = c.cmd("info break")
check(re.search(r"^\d+\s+break\s+000f0017\s+1\s+1\s+ecx == 100", info, re.M) is not None,
      "info break: the conditional breakpoint, one hit")
c.cmd("delete")
check("No breakpoints" in c.cmd("info break"), "delete removes all")
c.cmd("watch 0x500 2")
c.cmd("system_reset")
c.cmd("cont")
check(wait_paused(c), "watch 0x500 2 stops the guest after a reset")
check(c.cmd("print $eip").strip() == "0xe", "the watchpoint stops right after inc word [0x500] (EIP 0xE)")
check(c.cmd("print [0x500] & 0xffff").strip() == "0x2", "the write has happened (counter 2)")
c.cmd("delete")
c.cmd("tbreak 0xf0010")
c.cmd("cont")
check(wait_paused(c) and c.cmd("print $eip").strip() == "0x10", "tbreak stops at F000:0010")
check("No breakpoints" in c.cmd("info break"), "tbreak is gone after its stop")
c.cmd("until 0xf0015")
check(wait_paused(c) and c.cmd("print $eip").strip() == "0x15", "until 0xf0015")
d = c.cmd("disas")
check(d.splitlines()[0].startswith("=> 000f0015:"), "disas marks the current instruction")
check("Error" in c.cmd("break"), "break without an address: an error")
check(c.cmd("info tlb").strip() == "PG disabled" and c.cmd("info mem").strip() == "PG disabled",
      "info tlb / info mem without paging: QEMU's 'PG disabled'")
# info tb: the spin loop's block after one block step, against the golden
# listing (guest side as objdump decodes it; host code by offset, host
# addresses masked; the execution and dispatch counts masked). The info
# tbs before it asks for execution counts, so the block stepb translates
# carries its counter (debugger.h: counts start at the next resume/step).
c.cmd("info tbs")
c.cmd("stepb")
tb = re.sub(r", \d+ (executions|dispatches)", r", N \1", c.cmd("info tb 0xf0015 noaddr"))
golden = open(os.path.join(HERE, "golden", "info-tb-spin.txt")).read()
check(tb == golden, "info tb 0xf0015 noaddr matches golden/info-tb-spin.txt" +
      ("" if tb == golden else "\n---- got ----\n" + tb))
guest = re.findall(r"^  ([0-9a-f]{8}): (\S+)", tb, re.M)
check(guest == [("000f0015", "inc"), ("000f0017", "jmp")], "info tb: the guest instructions of the loop")
# Flag locations: all six status flags are live out of every block (an
# interrupt may be delivered at the next block's entry and push EFLAGS);
# INC writes every status flag but CF (SDM vol. 2, INC), so the host code
# loads the flags into host EFLAGS (SAHF) before the inc and spills them
# (LAHF/SETO) before the exit: they are in host EFLAGS after the inc and in
# aflags after the jmp.
fl = re.findall(r"^  [0-9a-f]{8}: .*\[flags: ([^\]]*)\]", tb, re.M)
check(fl == ["host CF PF AF ZF SF OF", "aflags CF PF AF ZF SF OF"],
      "info tb: flags live in host EFLAGS after inc, spilled after jmp (%s)" % fl)
check("1 valid blocks" in c.cmd("info tbs") or "valid blocks" in c.cmd("info tbs"), "info tbs lists blocks")
check(c.cmd("tb-invalidate 0xf0015").strip() == "1 block(s) dropped", "tb-invalidate ADDR drops the block")
check(c.cmd("info tb 0xf0015").strip() == "no translated block covers 000f0015", "... and it is gone")
c.cmd("trace-last on")
c.cmd("stepb 3")
tl = c.cmd("trace-last 3").splitlines()
check(len(tl) == 3 and all("TB 000f0015   2 insns" in l for l in tl), "trace-last 3: the last three blocks")
stop_proc(p, c)

# Symbols.
syms = {}
for line in subprocess.run(["nm", ELF], capture_output=True, text=True).stdout.splitlines():
    f = line.split()
    if len(f) == 3:
        syms[f[2]] = int(f[0], 16)
sock2 = os.path.join(tmp, "k.sock")
p, c = start([XLAT86], ["-kernel", ELF], sock2)
check(c.cmd("print mb_main").strip() == "0x%x" % syms["mb_main"], "-kernel ELF: its symbols (print mb_main)")
c.cmd("break mb_main")
c.cmd("cont")
check(wait_paused(c), "break mb_main stops")
d = c.cmd("disas mb_main 2")
check(d.startswith("<mb_main>:") and "=> %08x" % syms["mb_main"] in d, "disas shows <mb_main> and marks EIP")
check(c.cmd("info symbols $eip+1").strip() == "%08x <mb_main+0x1>" % (syms["mb_main"] + 1), "info symbols ADDR")
check(c.cmd("print [esp+4] == 0x2badb002").strip() == "0x1", "print [esp+4]: the magic argument on the stack")
c.cmd("symbol-file")
check(c.cmd("print putdec").startswith("Error"), "symbol-file without a file drops the symbols")
r = c.cmd("symbol-file %s 0x1000" % ELF)
check(r.strip().endswith("symbols from %s" % ELF), "symbol-file FILE OFFSET")
check(c.cmd("print putdec").strip() == "0x%x" % (syms["putdec"] + 0x1000), "symbol-file's offset moves the symbols")
check(c.cmd("symbol-file /nonexistent").startswith("Error: /nonexistent"), "symbol-file of a missing file")
stop_proc(p, c)

# Interrupt hardware and descriptor tables (tables_rom.asm).
def fields(text):
    return [l.split() for l in text.splitlines()]


sock3 = os.path.join(tmp, "t.sock")
p, c = start([XLAT86], ["-bios", TROM], sock3)
# The spin loop (the inc ecx after LTR), located by objdump in the 32-bit code.
tdis = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386", "--start-address=0x80", "--stop-address=0xa0", TROM],
                      capture_output=True, text=True).stdout
spin = int(re.search(r"^\s+([0-9a-f]+):\s+41\s+inc\s+%ecx", tdis, re.M).group(1), 16)
c.cmd("break 0x%x" % (0xf0000 + spin))
c.cmd("cont")
check(wait_paused(c), "tables ROM reaches its spin loop")
c.cmd("delete")
c.cmd("cont")
time.sleep(0.3)        # let channel 0 run some periods (IRR bit 0 latched)
c.cmd("stop")
check(wait_paused(c), "stop in the spin loop")
before = c.cmd("info registers") + c.cmd("xp /32xw 0x1000") + c.cmd("info pic")
x_pic = c.cmd("info pic")
x_irq = c.cmd("info irq")
pit = fields(c.cmd("info pit"))
check(pit[0] == ["i8254", "PIT:", "port", "61=01"], "info pit: port 61h bit 0 (channel 2 gate) as written")
check(pit[2][:7] == ["0", "2", "lo/hi", "0", "1", "1", "4660"] or pit[2][:5] + pit[2][6:7] == ["0", "2", "lo/hi", "0", "1", "4660"],
      "info pit: channel 0 mode 2 lo/hi, reload 1234h (%s)" % pit[2])
check(pit[4][:5] == ["2", "3", "lo/hi", "0", "1"] and pit[4][6] == "1000", "info pit: channel 2 mode 3, reload 1000 (%s)" % pit[4])
check(0 < int(pit[2][7]) <= 4660, "info pit: channel 0 count within its reload")
gdt = fields(c.cmd("info gdt"))
exp_gdt = [["GDT", "base=00001000", "limit=0037"], ["Index", "Sel", "Base", "Limit", "Type", "DPL", "P"],
           ["1", "0008", "000f0000", "0000ffff", "Code32", "ER-A", "0", "1"],
           ["2", "0010", "00000000", "ffffffff", "Data32", "RW-A", "0", "1"],
           ["3", "0018", "00001100", "0000000f", "LDT", "0", "1"],
           ["4", "0020", "00001200", "00000067", "TSS32-busy", "0", "1"],   # LTR sets busy (SDM)
           ["5", "0028", "12345000", "00000fff", "Data16", "RW--", "3", "1"],
           ["6", "0030", "->", "0008:0000abcd", "CallGate32", "3", "1"]]
check(gdt == exp_gdt, "info gdt: the ROM's GDT%s" % ("" if gdt == exp_gdt else " (%s)" % gdt))
ldt = fields(c.cmd("info ldt"))
exp_ldt = [["LDT", "sel=0018", "base=00001100", "limit=0000000f"], ["Index", "Sel", "Base", "Limit", "Type", "DPL", "P"],
           ["0", "0004", "00020000", "0000ffff", "Code16", "ER--", "0", "1"],
           ["1", "000c", "00030000", "00001fff", "Data16", "RW--", "1", "0"]]
check(ldt == exp_ldt, "info ldt: the ROM's LDT%s" % ("" if ldt == exp_ldt else " (%s)" % ldt))
idt = fields(c.cmd("info idt"))
exp_idt = [["IDT", "base=00001400", "limit=0107"], ["Vec", "Sel", "Target", "Type", "DPL", "P"],
           ["0", "-", "->", "0008:00000100", "IntGate32", "0", "1"],
           ["3", "-", "->", "0008:00010200", "TrapGate32", "3", "1"],
           ["8", "-", "->", "0020:00000000", "TaskGate", "0", "1"],
           ["32", "-", "->", "0008:00000300", "IntGate16", "0", "0"]]
check(idt == exp_idt, "info idt: the ROM's IDT%s" % ("" if idt == exp_idt else " (%s)" % idt))
tss = c.cmd("info tss")
check(tss.startswith("TR sel=0020 base=00001200 limit=00000067 type TSS32-busy"), "info tss: TR")
for want in ("esp0=00006000 ss0=0010", "esp1=00005000 ss1=0029", "EIP=11223344", "EAX=aaaa0001", "EDI=aaaa0008",
             "CS=001b", "LDT=0018", "iomap=0068"):
    check(want in tss, "info tss: %s" % want)
after = c.cmd("info registers") + c.cmd("xp /32xw 0x1000") + c.cmd("info pic")
check(before == after, "info pic/irq/pit/gdt/ldt/idt/tss change neither registers, tables nor the PIC")
stop_proc(p, c)
if shutil.which("qemu-system-i386"):
    s = os.path.join(tmp, "qt.sock")
    p, c = start(["qemu-system-i386", "-M", "isapc"], ["-bios", TROM], s)
    c.cmd("cont")
    time.sleep(0.4)
    c.cmd("stop")
    q_pic, q_irq = c.cmd("info pic"), c.cmd("info irq")
    stop_proc(p, c)
    check(x_pic == q_pic, "info pic: QEMU's text%s" % ("" if x_pic == q_pic else " (xlat86 %r, QEMU %r)" % (x_pic, q_pic)))
    lines = lambda t: [l.split(":")[0] for l in t.splitlines()]
    check(lines(x_irq) == lines(q_irq), "info irq: QEMU's lines (%r / %r)" % (x_irq, q_irq))
else:
    print("note: qemu-system-i386 not installed; info pic/irq not compared with QEMU")

# x/xp against QEMU's monitor on the same ROM at reset.
if shutil.which("qemu-system-i386"):
    cmds = ("x /4xw 0xf0000", "x /8xb 0xf0000", "xp /3dh 0xffff0", "x /4c 0xf0000", "xp /2ow 0xf0000",
            "x /3uw 0xf0004", "xp /1xg 0xf0000", "x /5xh 0xffff0", "print 0x10 + 2")
    outs = []
    for prog in ([XLAT86], ["qemu-system-i386", "-M", "isapc"]):
        s = os.path.join(tmp, "q%d.sock" % len(outs))
        p, c = start(prog, ["-bios", ROM], s)
        outs.append([c.cmd(x) for x in cmds])
        stop_proc(p, c)
    for cmd, a, b in zip(cmds, outs[0], outs[1]):
        check(a == b, "%s: QEMU's text%s" % (cmd, "" if a == b else " (xlat86 %r, QEMU %r)" % (a, b)))
else:
    print("note: qemu-system-i386 not installed; x/xp not compared with QEMU")

# step through REP MOVSB: one iteration per step (SDM vol. 2 REP: the TF
# trap after each iteration; QEMU's stepi). tables_rom.asm: 12 instructions
# from reset to its REP MOVSB at F000:0018 with SI = 00B0 (tables), DI =
# 1000, CX = 0508 (objdump's listing of the ROM agrees).
sock4 = os.path.join(tmp, "r.sock")
p, c = start([XLAT86], ["-bios", TROM], sock4)
rv = lambda: tuple(int(c.cmd("print /x %s" % r).strip(), 16) for r in ("eip", "ecx & 0xffff", "esi", "edi"))
c.cmd("step 12")
check(rv() == (0x18, 0x508, 0xB0, 0x1000), "step 12 from reset: at rep movsb, CX = 0508 (%s)" % (rv(),))
c.cmd("step 3")
check(rv() == (0x18, 0x505, 0xB3, 0x1003), "step 3: three iterations, EIP still at rep movsb (%s)" % (rv(),))
c.cmd("step %d" % 0x505)
check(rv() == (0x1A, 0, 0x5B8, 0x1508), "step 0x505: the last iteration ends the REP (%s)" % (rv(),))
stop_proc(p, c)
# cont from a breakpoint on the REP runs the rest of it: no second stop
# there (its remaining iterations pass the breakpoint).
p, c = start([XLAT86], ["-bios", TROM], sock4)
c.cmd("break 0xf0018")
c.cmd("cont")
check(wait_paused(c) and rv() == (0x18, 0x508, 0xB0, 0x1000), "break at the REP MOVSB: stop before it")
c.cmd("step 2")
c.cmd("cont")
time.sleep(0.5)
c.cmd("stop")
r = rv()
check(r[2:] == (0x5B8, 0x1508) and r[0] != 0x18, "cont from it (after 2 steps) finishes the REP: SI/DI at the end, past it (%s)" % (r,))
check(re.search(r"break\s+000f0018\s+\d+\s+1\b", c.cmd("info break")) is not None, "the breakpoint was hit once")
stop_proc(p, c)

shutil.rmtree(tmp, ignore_errors=True)
if fails:
    print("%d check(s) failed" % len(fails))
    sys.exit(1)
print("all debugger monitor checks passed")
