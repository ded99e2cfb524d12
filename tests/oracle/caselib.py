"""Building blocks shared by the oracle case generators (tests/oracle).

A case is a dict:
  name   "rm.GROUP.KIND.N" (real mode) or "pm.GROUP.KIND.N"
  bits   16 (runs in real mode, ends with dump16) or 32 (flat PM, dump32)
  fills  [(linear, seed)] 256-byte windows initialised before the case
         (seed 0 = zeros) and hashed by the dump
  words  [linear] dwords printed raw by the dump
  mask   FLAGS bits compared (undefined flags masked out)
  pre    asm lines run in the runtime state (DS=0 / flat) before setup
  regs   {"eax": v, ...} GPR values, "flags": value, segment values (real
         mode; protected-mode bodies load their selectors themselves)
  body   asm lines under test (may end in a fault: the case resumes at .res,
         right before the dump); a transfer target is a `.t:` label at the
         end of the body
"""

import random

SCRATCH_LO = 0x10000        # case data lives in 10000-4FFFF
SCRATCH_HI = 0x50000
GPRS = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"]
SEGS = ["es", "cs", "ss", "ds", "fs", "gs"]
# FLAGS bits the dump compares by default: CF PF AF ZF SF IF DF OF IOPL NT
# and the fixed bit 1 (SDM vol. 1, 3.4.3); TF is never set by the cases.
MASK_ALL = 0x7FD7


class Rng(random.Random):
    """random.Random with the distributions the cases use."""

    def r32(self):
        return self.getrandbits(32)

    def r16(self):
        return self.getrandbits(16)

    def seg(self):
        """A real-mode segment whose whole 64 KiB lies in the scratch area."""
        return self.randrange(SCRATCH_LO >> 4, (SCRATCH_HI - 0x10000) >> 4)

    def edge16(self, size=1):
        """A 16-bit offset biased to the ends of the segment, aligned to size
        when it is near an end so that no access straddles FFFF/0000."""
        k = self.randrange(4)
        if k == 0:
            v = self.randrange(0, 0x40)
        elif k == 1:
            v = 0x10000 - self.randrange(1, 0x41)
        else:
            v = self.r16()
        if v > 0x10000 - 0x100 or v < 0x100:
            v -= v % size
        if v > 0x10000 - size:
            v = 0x10000 - size
        return v

    def flags(self, iopl_nt=True):
        """Random arithmetic flags and DF; IF=0; IOPL/NT sometimes."""
        f = 0x0002
        for b in (0, 2, 4, 6, 7, 10, 11):
            if self.random() < 0.5:
                f |= 1 << b
        if iopl_nt and self.random() < 0.25:
            f |= self.choice([0x1000, 0x2000, 0x3000, 0x4000, 0x7000])
        return f


def win_around(lin):
    """A 256-byte window containing lin, clamped to the scratch area."""
    w = (lin & ~0xF) - 0x80
    return max(SCRATCH_LO, min(w, SCRATCH_HI - 0x100))


def wins_for_range(seg, start, nbytes_down, nbytes_up):
    """Windows covering seg:[start-down, start+up] with 16-bit wrap."""
    lo = start - nbytes_down
    hi = start + nbytes_up
    base = seg << 4
    if lo < 0 or hi > 0xFFFF:
        return [base + 0xFF00, base]
    return [win_around(base + start)]


def stack_wins(ss, sp):
    base = ss << 4
    if sp < 0x80 or sp > 0xFF80:
        return [base + 0xFF00, base]
    return [win_around(base + sp)]


def hexv(v):
    return "0x%X" % v


def poke16(lin, value, size):
    """Real-mode store of value (or an asm expression) at a linear address,
    run in the runtime state (clobbers AX, ES)."""
    sz = {1: "byte", 2: "word", 4: "dword"}[size]
    val = value if isinstance(value, str) else hexv(value)
    return ["mov ax, %s" % hexv(lin >> 4), "mov es, ax",
            "mov %s [es:%s], %s" % (sz, hexv(lin & 15), val)]


def poke32(lin, value, size):
    sz = {1: "byte", 2: "word", 4: "dword"}[size]
    val = value if isinstance(value, str) else hexv(value)
    return ["mov %s [%s], %s" % (sz, hexv(lin), val)]


def new_case(name, bits=16):
    return {"name": name, "bits": bits, "fills": [], "words": [],
            "mask": MASK_ALL, "pre": [], "regs": {}, "body": []}


def add_fill(case, lin, seed):
    if (lin, seed) not in case["fills"] and all(f[0] != lin for f in case["fills"]):
        case["fills"].append((lin, seed))


def setup_lines16(case):
    """Real mode: flags first (on the runtime stack), then segments, then
    SS:ESP, then the GPRs (MOV leaves the flags alone)."""
    r = case["regs"]
    out = []
    if "flags" in r:
        out += ["push word %s" % hexv(r["flags"]), "popf"]
    for s in ("es", "fs", "gs", "ds"):
        if s in r:
            out += ["mov ax, %s" % hexv(r[s]), "mov %s, ax" % s]
    if "ss" in r:
        out += ["mov ax, %s" % hexv(r["ss"]), "mov ss, ax"]
    if "esp" in r:
        out += ["mov esp, %s" % hexv(r["esp"])]
    for g in GPRS:
        if g != "esp" and g in r:
            out.append("mov %s, %s" % (g, hexv(r[g])))
    return out


def setup_lines32(case):
    """Flat PM: flags, GPRs; selectors are loaded by the case body."""
    r = case["regs"]
    out = []
    if "flags" in r:
        out += ["push dword %s" % hexv(r["flags"]), "popfd"]
    for g in GPRS:
        if g != "esp" and g in r:
            out.append("mov %s, %s" % (g, hexv(r[g])))
    return out


def rand_gprs(rng, case, keep=()):
    for g in GPRS:
        if g not in keep and g != "esp":
            case["regs"].setdefault(g, rng.r32())
