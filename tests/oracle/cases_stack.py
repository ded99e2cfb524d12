"""Stack-size cases for the oracle ROMs (see gen.py): every stack
instruction on 16-bit (SS.B = 0) and 32-bit (SS.B = 1) stacks.

The stack width (SP or ESP, wrap at FFFF) comes from SS.B, the element size
from the operand size (SDM vol. 1, 6.2.3 and vol. 3, 3.4.5; the "Operation"
of PUSH, POP, PUSHA, POPA, PUSHF, POPF, CALL, RET, ENTER, LEAVE, INT, IRET).
With SS.B = 0 only SP changes: the upper half of ESP (and, for ENTER/LEAVE,
which half of EBP) is what the cases probe, so ESP and EBP start with
random upper halves.

  rm.stack  real mode (SS.B = 0), 16-bit code with o16 and o32 forms; SP
            near 0000/FFFF wraps, an access crossing FFFF is #SS (resolved.md
            S1: Bochs)
  pm.stack  flat 32-bit code at CPL 0 on an SS loaded from a test
            descriptor: B = 0 or 1, expand-up limit FFFF or smaller,
            expand-down; ESP at the wrap point and at the limit (#SS)

Kinds: push/pop of registers, memory, immediates and segment registers,
pusha/popa, pushf/popf, near call/ret (imm16), far call/retf (imm16), enter
(nesting 0-31), leave, int n, int3, into, iret, and an exception (#UD)
delivered on the case's stack.  Call gates with parameter copying, task
gates, 16-bit code segments and faults at the limit of a CPL-3 stack are
group pm.gate (cases_gate.py).
"""

from caselib import new_case, add_fill, win_around, hexv, rand_gprs, poke32

# call gates, task gates, 16-bit code in PM, CPL 3 limits: cases_gate.py
SKIPPED = []

GDT_BASE = 0x800
SLOT = 0x28
SEL_CODE32 = 0x08
SEL_DATA32 = 0x10
POPF_SAFE = ~(0x0100 | 0x0200 | 0x4000 | 0x3000) & 0xFFFFFFFF   # no TF IF NT IOPL
KINDS = ["push_r", "push_m", "push_i", "push_s", "pop_r", "pop_m", "pop_s",
         "pusha", "popa", "pushf", "popf", "call", "ret", "callf", "retf",
         "enter", "enter", "enter", "leave", "int", "int3", "into", "iret", "ud"]


def _wins(c, base, off, down=0x100):
    """Windows over base+[off-down, off+0x80] with 16-bit wrap; seed 0 so a
    16-bit store of PUSH Sreg and a zero-extended one leave the same bytes
    (SDM vol. 2, PUSH: either is allowed)."""
    for o in (off, off - down, off - down // 2):
        add_fill(c, win_around(base + (o & 0xFFFF)), 0)


def _sel_pm(rng):
    return rng.choice([SEL_DATA32, 0])


def _body(rng, c, kind, o32, bits, dst, align):
    """The instruction(s) under test. o32: operand size 32; bits: code size;
    dst: a linear scratch address for memory operands (DS-relative); align:
    2 where SP wraps harmlessly, 4 where the stack must stay dword-aligned
    and inside its limit for the exception frames and the dump that follow
    on it (no RET imm16 there: it could leave ESP past the limit)."""
    w = "dword" if o32 else "word"
    o = "o32 " if o32 else "o16 "
    # not ESP: a random stack pointer would break the dump (see gen_rm)
    r = rng.choice(["eax", "ecx", "edx", "ebx", "ebp", "esi", "edi"])
    r = r if o32 else r[1:]
    if kind == "push_r":
        return ["push %s" % r]
    if kind == "push_m":
        return ["push %s [%s]" % (w, hexv(dst))]
    if kind == "push_i":
        v = rng.choice([rng.randrange(-128, 128), rng.r32() if o32 else rng.r16()])
        return ["push %s %s" % (w, hexv(v & (0xFFFFFFFF if o32 else 0xFFFF)))]
    if kind == "push_s":
        return ["%spush %s" % (o, rng.choice(["es", "cs", "ss", "ds", "fs", "gs"]))]
    if kind == "pop_r":
        return ["pop %s" % r]
    if kind == "pop_m":
        return ["pop %s [%s]" % (w, hexv(dst))]
    if kind == "pop_s":
        s = rng.choice(["es", "ds", "fs", "gs"])
        v = _sel_pm(rng) if bits == 32 else rng.r16()
        return ["push %s %s" % (w, hexv(v)), "%spop %s" % (o, s)]
    if kind == "pusha":
        return ["pushad" if o32 else "pushaw"]
    if kind == "popa":
        return ["popad" if o32 else "popaw"]
    if kind == "pushf":
        return ["pushfd" if o32 else "pushfw"]
    if kind == "popf":
        v = rng.r32() & POPF_SAFE
        return ["push %s %s" % (w, hexv(v if o32 else v & 0xFFFF)),
                "popfd" if o32 else "popfw"]
    if kind == "call":
        return ["call %s .t" % w]
    if kind == "ret":
        n = rng.choice([0, 0, 2, 4, 6, 0x100, rng.r16() & ~1]) if align == 2 else 0
        return ["push %s .t" % w, "%sret %s" % (o, hexv(n)) if n else "%sret" % o]
    if kind == "callf":
        cs = SEL_CODE32 if bits == 32 else 0xF000
        return ["call %s %s:.t" % (w, hexv(cs))]
    if kind == "retf":
        cs = SEL_CODE32 if bits == 32 else 0xF000
        n = rng.choice([0, 0, 2, 4, 8, 0x100, rng.r16() & ~1]) if align == 2 else 0
        return ["push %s %s" % (w, hexv(cs)), "push %s .t" % w,
                "%sretf %s" % (o, hexv(n)) if n else "%sretf" % o]
    if kind == "enter":
        lvl = rng.choice([0, 1, 2, rng.randrange(0, 32), rng.randrange(0, 256)])
        alloc = rng.choice([0, 4, 8, rng.randrange(0, 0x100), rng.r16()]) & ~(align - 1)
        if align == 4:
            alloc &= 0x3C       # keep room below for the dump (ESP >= 0x100 here)
        return ["%senter %s, %s" % (o, hexv(alloc), hexv(lvl))]
    if kind == "leave":
        return ["%sleave" % o]
    if kind == "int":
        return ["int %s" % hexv(rng.choice([0, 5, 6, 13, 0x21, 0x80]))]
    if kind == "int3":
        return ["int3"]
    if kind == "into":
        return ["into"]
    if kind == "iret":
        cs = SEL_CODE32 if bits == 32 else 0xF000
        fl = rng.r32() & POPF_SAFE & 0x00240CD7 | 0x2     # AC ID, never VM/RF/VIF/VIP
        return ["push %s %s" % (w, hexv(fl if o32 else fl & 0xFFFF)),
                "push %s %s" % (w, hexv(cs)), "push %s .t" % w,
                "iretd" if o32 else "iretw"]
    return ["ud2"]


def _finish(rng, c, name, kind, o32, tag, body):
    c["body"] = body + ["mov eax, 0xBADBAD", ".t:"]
    c["name"] = name.replace("KIND", "%s_%s_%s" % (tag, kind, "o32" if o32 else "o16"))
    f = rng.flags(iopl_nt=False)
    if kind == "into":
        f |= 0x800
    c["regs"]["flags"] = f
    rand_gprs(rng, c)
    return c


# ------------------------------------------------------------ real mode
def gen_rm(rng, name):
    c = new_case(name)
    kind = rng.choice(KINDS)
    o32 = rng.random() < 0.5
    ss = rng.randrange(0x1000, 0x3F00) & ~0xF
    k = rng.randrange(5)
    # even: the runtime delivers an exception and runs the dump with word
    # pushes on this stack, and a word at FFFF would fault again (#DF)
    sp = [rng.randrange(0, 0x10), 0x10000 - rng.randrange(1, 0x10),
          rng.randrange(0x100, 0xFF00), rng.randrange(0, 0x80) * 2,
          rng.randrange(0x10, 0x40)][k] & ~1
    c["regs"]["ss"] = ss
    c["regs"]["esp"] = (rng.r16() << 16) | sp
    bp = (sp + rng.choice([0, 2, 4, rng.randrange(0, 0x100)])) & 0xFFFE
    c["regs"]["ebp"] = (rng.r16() << 16) | bp
    base = ss << 4
    _wins(c, base, sp)
    if kind in ("enter", "leave"):
        _wins(c, base, bp)
    dst = 0x4F800 + rng.randrange(0, 0x40) * 4
    c["regs"]["ds"] = 0x4000
    add_fill(c, win_around(dst), rng.randrange(1, 256))
    body = _body(rng, c, kind, o32, 16, dst - 0x40000, 2)
    if kind in ("pop_r", "popa", "pop_m", "ret", "retf", "leave"):
        c["fills"] = [(lin, rng.randrange(1, 256) if lin != win_around(dst) else s)
                      for lin, s in c["fills"]]
    return _finish(rng, c, name, kind, o32, "sp%d" % k, body)


# ------------------------------------------------------------ protected mode
def gen_pm(rng, name):
    c = new_case(name, 32)
    kind = rng.choice(KINDS)
    o32 = rng.random() < 0.6
    if kind in ("call", "ret", "iret", "callf", "retf"):
        o32 = True          # o16 forms truncate EIP to 16 bits in flat 32-bit code
    b = rng.random() < 0.5
    # expand-down only with B = 0: a 32-bit one spans limit+1 .. 4 GiB
    edown = not b and rng.random() < 0.25
    base = rng.randrange(0x10000, 0x3F000) & ~0xF
    if edown:
        limit = rng.choice([0x0FFF, 0x7FFF, rng.randrange(0x100, 0x8000)])
        k = rng.randrange(4)
        # valid offsets are limit+1 .. FFFF. A push below the lower bound
        # would fault and the fault's own frame, pushed on this stack at
        # CPL 0, again (#DF, shutdown): SP stays 0x40 above it; pops at FFFF
        # cross the top (#SS)
        sp = [limit + 1 + rng.randrange(0x40, 0x48), limit + 1 + rng.randrange(0x40, 0x200),
              rng.randrange(limit + 0x40, 0xFF00), 0x10000 - rng.randrange(1, 0x10)][k]
        esp = sp
        tag = "ed%d" % k
        access = 0x97           # present, DPL 0, data, expand-down, writable, accessed
    else:
        limit = rng.choice([0xFFFF, 0xFFFF, 0xFFFF, rng.randrange(0x200, 0xFFFF)])
        k = rng.randrange(5)
        if limit == 0xFFFF and not b:
            # a multiple of 4 near the wrap: exception frames and the dump
            # push dwords at CPL 0, and one crossing FFFF would be #DF; an
            # o16 form near 0 could leave SP at 2 (same), so only at 0
            sp = [rng.randrange(0, 0x10), 0x10000 - rng.randrange(1, 0x10),
                  rng.randrange(0x100, 0xFF00), rng.randrange(0, 0x80) * 4,
                  rng.randrange(0x10, 0x40)][k] & ~3
            if kind in ("int", "int3", "into", "ud") and sp < 0x40:
                # a frame wrapping at 0 would be read by the runtime's
                # handler as [esp+n] past the limit (its own #SS)
                sp += 0x40
            if not o32 and (sp < 0x40 or sp > 0xFFC0):
                sp = 0 if kind in ("push_r", "push_i", "push_m", "push_s", "pushf",
                                   "pusha") else 0x1000
        else:
            # at the top of the limit (a pop crossing it is #SS) or inside;
            # never above limit+1 nor below 0x40: a fault is delivered on this
            # stack (CPL 0), and a frame past the limit would be #DF
            sp = [limit + 1 - rng.randrange(0, 4), limit + 1,
                  rng.randrange(0x100, limit), limit + 1 - rng.randrange(4, 0x20),
                  rng.randrange(0x100, 0x200)][k]
        esp = sp
        tag = "%s%s%d" % ("b" if b else "w", "f" if limit == 0xFFFF else "l", k)
        access = 0x93
    lo = ((base & 0xFFFF) << 16) | (limit & 0xFFFF)
    hi = ((base >> 16) & 0xFF) | (access << 8) | (((limit >> 16) & 0xF) << 16) | \
        ((0x4 if b else 0) << 20) | (base & 0xFF000000)
    c["pre"] += poke32(GDT_BASE + SLOT, lo, 4) + poke32(GDT_BASE + SLOT + 4, hi, 4)
    c["pre"] += poke32(0x4FFE0, esp, 4) + poke32(0x4FFE4, SLOT, 2)
    # ESP's upper half stays 0 here (real mode covers a random one): the
    # runtime's exception handler and dump address the stack as [esp+n]
    # with 32-bit addressing, which a 16-bit SS does not change
    sp16 = esp & 0xFFFF
    ebp = (esp + rng.choice([0, 4, 8, rng.randrange(0, 0x100)])) & (0xFFFFFFFC if b else 0xFFFC)
    if not b:
        ebp |= rng.r16() << 16
    c["regs"]["ebp"] = ebp
    _wins(c, base, sp16)
    if kind in ("enter", "leave"):
        _wins(c, base, ebp & 0xFFFF)
    dst = 0x4F800 + rng.randrange(0, 0x40) * 4
    add_fill(c, win_around(dst), rng.randrange(1, 256))
    body = ["lss esp, [0x4FFE0]"] + _body(rng, c, kind, o32, 32, dst,
                                          2 if not b and limit == 0xFFFF and not edown else 4)
    if kind in ("pop_r", "popa", "pop_m", "ret", "retf", "leave"):
        c["fills"] = [(lin, rng.randrange(1, 256) if lin != win_around(dst) else s)
                      for lin, s in c["fills"]]
    c["words"].append(GDT_BASE + SLOT + 4)
    return _finish(rng, c, name, kind, o32, tag, body)


RM_GROUPS = {"stack": gen_rm}
PM_GROUPS = {"stack": gen_pm}
