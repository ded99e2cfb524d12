#!/usr/bin/env python3
"""kvm-transfer-test.py XLAT86 ROM: the TSC and interrupts across state
transfers between engines (savevm under one, -loadvm under the other, and
monitor loadvm within one process).

ROM is tests/kvm/kvm_tick.asm: it spins with IF=1 while the PIT raises IRQ0
at ~2 kHz, counts the ticks its handler receives, checks that RDTSC never
goes backwards, and watches the PIC's in-service register for an IRQ0 that
was acknowledged and never delivered (such an interrupt is never ended, so
IRQ0 stays blocked: the tick count would stop for good). The machine goes
through a chain of processes alternating -accel kvm and -accel dbt, each
restoring the previous one's state, then through monitor savevm/loadvm
cycles within one process under each engine. Checked, with counters read
by the monitor's `xp`:
  - the ticks keep coming after every restore (none is lost);
  - the guest never saw the TSC go backwards and the PIC never held a
    stale in-service IRQ0;
  - the TSC after a restore is >= the TSC at the save and not ahead by more
    than the wall time since the save at the fastest TSC rate (1 GHz under
    the translator, the host's rate under KVM). A host whose KVM ignores
    TSC writes (xlat86 says so on stderr; this project's nested development
    host) lets a KVM guest see the host's TSC: the upper bound is then not
    checked for that restore (reported as a note).
Skips (77) without /dev/kvm."""
import os, re, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from hmp import Monitor  # noqa: E402

xlat86, rom = sys.argv[1], sys.argv[2]
if not os.access("/dev/kvm", os.R_OK | os.W_OK):
    print("SKIP: /dev/kvm absent or not accessible")
    sys.exit(77)
tmp = tempfile.mkdtemp(prefix="kvm-transfer-")
failures = []
NOTE = "cannot set the guest's TSC"


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures.append(what)


def host_tsc_hz():
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^cpu MHz\s*:\s*([0-9.]+)", f.read(), re.M)
        return float(m.group(1)) * 1e6 if m else 4e9
    except OSError:
        return 4e9


RATE = max(1e9, host_tsc_hz()) * 1.05


class Guest:
    def __init__(self, accel, tag, loadvm=None):
        self.sock = os.path.join(tmp, tag + ".sock")
        self.err = os.path.join(tmp, tag + ".err")
        args = [xlat86, "-bios", rom, "-display", "none", "-vga", "none", "-serial", "none", "-m", "16",
                "-monitor", "unix:%s,server,nowait" % self.sock, "-accel", accel]
        if loadvm:
            args += ["-loadvm", loadvm]
        self.p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(self.err, "w"))
        self.mon = Monitor(self.sock, limit=60)

    def counters(self):
        text = self.mon.cmd("xp /8wx 0x600")
        w = [int(x, 16) for x in re.findall(r"0x([0-9a-f]{8})", text)]
        if len(w) != 8:
            raise RuntimeError("xp: %r" % text)
        return {"tsc": w[0] | w[1] << 32, "iter": w[2], "back": w[3], "ticks": w[4], "lost": w[5]}

    def wait_ticks(self, n, limit=60):
        """Run until the guest has n ticks; the counters at the stop, or
        None when they did not come."""
        t0 = time.time()
        c = self.counters()
        while c["ticks"] < n and time.time() - t0 < limit and self.p.poll() is None:
            time.sleep(0.02)
            c = self.counters()
        self.mon.cmd("stop")
        c = self.counters()
        return c if c["ticks"] >= n else None

    def stderr(self):
        with open(self.err) as f:
            return f.read()

    def quit(self):
        self.mon.s.sendall(b"quit\n")
        try:
            self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def restored_tsc(what, before, t_save, after, note):
    check(after >= before, "%s: TSC after the restore %#x >= at the save %#x" % (what, after, before))
    bound = before + (time.time() - t_save + 1.0) * RATE
    if note:
        print("note: %s: the host's KVM ignores TSC writes (the guest sees the host's TSC); "
              "upper bound not checked (+%.3g cycles)" % (what, after - before), flush=True)
    else:
        check(after <= bound, "%s: TSC not ahead by more than the wall time allows (+%.3g cycles, bound %.3g)"
              % (what, after - before, bound - before))


# A chain of processes, each restoring the previous one's state.
chain = ["kvm", "dbt", "kvm", "kvm", "dbt", "dbt", "kvm", "dbt", "kvm", "dbt", "kvm"]
state, prev, t_save = None, None, None
for i, accel in enumerate(chain):
    g = Guest(accel, "chain%d" % i, state)
    what = "chain %d (%s after %s)" % (i, accel, chain[i - 1] if i else "reset")
    if prev:
        c0 = g.counters()
        # (-loadvm runs at once: the count may already have moved on.)
        check(c0["ticks"] >= prev["ticks"], "%s: restored tick count %d >= saved %d"
              % (what, c0["ticks"], prev["ticks"]))
    want = (prev["ticks"] if prev else 0) + 40
    c = g.wait_ticks(want)
    check(c is not None, "%s: ticks keep coming (%d wanted)" % (what, want))
    if c is None:
        g.quit()
        break
    if prev:
        restored_tsc(what, prev["tsc"], t_save, c["tsc"], NOTE in g.stderr())
    state = os.path.join(tmp, "chain%d.state" % i)
    r = g.mon.cmd("savevm " + state)
    check("xlat86" not in r and "rror" not in r, "%s: savevm is silent (%r)" % (what, r.strip()[:200]))
    t_save = time.time()
    prev = c
    g.quit()
check(prev is not None and prev["back"] == 0, "chain: the guest never saw RDTSC go backwards (%s)"
      % (prev and prev["back"]))
check(prev is not None and prev["lost"] == 0, "chain: no acknowledged IRQ0 left in service (%s)"
      % (prev and prev["lost"]))

# Within one process: savevm, run on, loadvm, run on; many times.
for accel in ("kvm", "dbt"):
    g = Guest(accel, "loop-" + accel)
    c = g.wait_ticks(20)
    ok = c is not None
    path = os.path.join(tmp, "loop-%s.state" % accel)
    for k in range(15):
        if not ok:
            break
        g.mon.cmd("savevm " + path)
        saved = c
        t_save = time.time()
        g.mon.cmd("cont")
        c = g.wait_ticks(saved["ticks"] + 10 + k)
        if c is None:
            ok = False
            break
        r = g.mon.cmd("loadvm " + path)
        c1 = g.counters()
        if c1["ticks"] != saved["ticks"]:
            print("FAIL: loadvm did not restore the ticks (%r)" % r.strip())
            ok = False
            break
        g.mon.cmd("cont")
        c = g.wait_ticks(saved["ticks"] + 20)
        if c is None:
            ok = False
            break
        if c["tsc"] < saved["tsc"]:
            print("FAIL: TSC %#x < %#x after loadvm %d" % (c["tsc"], saved["tsc"], k))
            ok = False
    check(ok, "%s: 15 savevm/loadvm cycles, ticks keep coming and the TSC never goes back" % accel)
    check(c is not None and c["back"] == 0 and c["lost"] == 0,
          "%s: the guest saw no TSC going back and no stale in-service IRQ0 (%s)" % (accel, c))
    g.quit()
sys.exit(1 if failures else 0)
