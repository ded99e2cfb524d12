"""Real-mode case generators for the oracle ROMs (see gen.py).

Everything here has an architecturally defined result that both QEMU and
Bochs model: no multi-byte access crosses offset FFFF (SDM vol. 3, 20.1.1 and the
"Real-Address Mode Exceptions" of each instruction: that is #GP/#SS, which
QEMU does not model; those cases live in cases_sdm.py).
"""

from caselib import (new_case, add_fill, win_around, wins_for_range,
                     stack_wins, poke16, hexv, rand_gprs)

SZ = {1: "byte", 2: "word", 4: "dword"}
R16 = {1: "dl", 2: "dx", 4: "edx"}


def _alias(rng):
    """CS = F000-k, IP = label + 16k: the same linear address (SDM vol. 3,
    20.1.1: linear = selector * 16 + offset)."""
    k = rng.choice([0, rng.randrange(1, 0x400)])
    return 0xF000 - k, 16 * k


def _seg_pick(rng, case, default, allow_cs=True):
    """Pick the segment register of a memory operand; returns (prefix,
    register name, segment value); sets the register's value in the case."""
    cands = ["ds", "es", "ss", "fs", "gs"] + (["cs"] if allow_cs else [])
    s = rng.choice([default, default] + cands)
    if s == "cs":
        return "cs:", s, 0xF000
    if s not in case["regs"]:
        case["regs"][s] = rng.seg()
    return ("" if s == default else s + ":"), s, case["regs"][s]


# ------------------------------------------------------------ seg: segment arithmetic
MODES16 = [  # (regs, default segment)
    (("bx", "si"), "ds"), (("bx", "di"), "ds"), (("bp", "si"), "ss"),
    (("bp", "di"), "ss"), (("si",), "ds"), (("di",), "ds"), (("bp",), "ss"),
    (("bx",), "ds"), ((), "ds")]
R32 = {"bx": "ebx", "si": "esi", "di": "edi", "bp": "ebp"}


def gen_seg(rng, name):
    c = new_case(name)
    size = rng.choice([1, 2, 4])
    a32 = rng.random() < 0.3
    ea = rng.edge16(size)
    ea = min(ea, 0x10000 - size)
    if a32:
        base = rng.choice(["eax", "ebx", "ecx", "esi", "edi", "ebp"])
        idx = rng.choice([None, "esi", "edi", "ecx"])
        if idx == base:
            idx = None
        scale = rng.choice([1, 2, 4, 8])
        bv = rng.r32()
        iv = rng.r32() if idx else 0
        disp = (ea - bv - iv * scale) & 0xFFFFFFFF
        c["regs"][base] = bv
        if idx:
            c["regs"][idx] = iv
        default = "ss" if base == "ebp" else "ds"
        expr = base + ("+%s*%d" % (idx, scale) if idx else "") + "+" + hexv(disp)
    else:
        regs, default = rng.choice(MODES16)
        vals = [rng.r16() for _ in regs]
        use_disp = not regs or rng.random() < 0.7 or regs == ("bp",)
        if use_disp:
            disp = (ea - sum(vals)) & 0xFFFF
        else:
            disp = 0
            vals[-1] = (ea - sum(vals[:-1])) & 0xFFFF
        for r, v in zip(regs, vals):
            c["regs"][R32[r]] = (rng.r32() & 0xFFFF0000) | v
        parts = list(regs) + ([hexv(disp)] if use_disp or not regs else [])
        expr = "+".join(parts)
    op = rng.choice(["load", "store", "add", "xchg", "inc"])
    pfx, sreg, segv = _seg_pick(rng, c, default, allow_cs=(op == "load"))
    mem = "%s [%s%s]" % (SZ[size], pfx, expr)
    if a32:
        mem = "%s [%s%s]" % (SZ[size], pfx, expr)
    if "ss" not in c["regs"]:
        c["regs"]["ss"] = rng.seg()
    c["regs"]["esp"] = rng.randrange(0x100, 0xFF00) & ~1
    reg = R16[size]
    body = {"load": "mov %s, %s" % (reg, mem), "store": "mov %s, %s" % (mem, reg),
            "add": "add %s, %s" % (mem, reg), "xchg": "xchg %s, %s" % (mem, reg),
            "inc": "inc %s" % mem}[op]
    c["body"] = [body]
    c["name"] = name.replace("KIND", op)
    if sreg != "cs":
        lin = (segv << 4) + ea
        add_fill(c, win_around(lin), rng.randrange(1, 256))
        c["words"].append(lin & ~3)
    c["regs"]["flags"] = rng.flags()
    rand_gprs(rng, c)
    return c


# ------------------------------------------------------------ far: far JMP/CALL/RET
def _stack(rng, c, zero=True, wrap=True):
    """SS:SP for a case.  SP stays a multiple of 4: a dword push at SP = 2
    would straddle offset FFFF, which is #SS (cases_sdm.py), not a wrap.
    wrap=False keeps SP away from 0: QEMU pops a far return frame across
    the wrap from the wrong place and then runs off through memory, losing
    the rest of the ROM (resolved.md S5; fixed cases in cases_sdm.py)."""
    ss = rng.seg()
    sp = rng.choice([rng.randrange(4, 0x20) & ~3, rng.randrange(0x100, 0xFFF0) & ~3,
                     0, 0xFFFC])
    if not wrap:
        sp = rng.randrange(0x100, 0xFF00) & ~3
    c["regs"]["ss"] = ss
    c["regs"]["esp"] = sp
    for w in stack_wins(ss, sp):
        add_fill(c, w, 0 if zero else rng.randrange(1, 256))
    return ss, sp


def _far_ptr(rng, c, off_size):
    """Store a far pointer to .t (aliased) in memory; returns the operand."""
    cs, add = _alias(rng)
    off = rng.randrange(0, 0xFFF0)
    pfx, sreg, segv = _seg_pick(rng, c, "ds", allow_cs=False)
    lin = (segv << 4) + off
    c["pre"] += poke16(lin, ".t+%s" % hexv(add), 2)
    if off_size == 4:
        c["pre"] += poke16(lin + 2, 0, 2)
    c["pre"] += poke16(lin + off_size, cs, 2)
    add_fill(c, win_around(lin), rng.randrange(1, 256))
    return "[%s%s]" % (pfx, hexv(off))


def gen_far(rng, name):
    c = new_case(name)
    kind = rng.choice(["jmpf", "callf", "jmpf32", "callf32", "jmpfm", "callfm",
                       "jmpfm32", "callfm32", "retf", "retfi", "retf32", "retfi32"])
    _stack(rng, c, wrap=not kind.startswith("retf"))
    cs, add = _alias(rng)
    tgt = "%s:.t+%s" % (hexv(cs), hexv(add))
    b = []
    if kind == "jmpf":
        b = ["jmp %s" % tgt]
    elif kind == "callf":
        b = ["call %s" % tgt]
    elif kind == "jmpf32":
        b = ["jmp dword %s" % tgt]
    elif kind == "callf32":
        b = ["call dword %s" % tgt]
    elif kind in ("jmpfm", "callfm", "jmpfm32", "callfm32"):
        o32 = kind.endswith("32")
        opnd = _far_ptr(rng, c, 4 if o32 else 2)
        ins = "jmp" if kind.startswith("jmp") else "call"
        b = ["%s far %s" % (ins, opnd)]
        if o32:
            b = ["o32 " + b[0]]
    else:
        o32 = kind.endswith("32")
        imm = rng.randrange(0, 0x20) & ~1 if "i" in kind else None
        junk = (imm or 0) // 2
        if o32:
            junk &= ~1
            imm = None if imm is None else junk * 2
            b = ["push word %s" % hexv(rng.r16()) for _ in range(junk)]
            b += ["push dword %s" % hexv((rng.r16() << 16) | cs),
                  "push dword .t+%s" % hexv(add),
                  "o32 retf" + (" %s" % hexv(imm) if imm is not None else "")]
        else:
            b = ["push word %s" % hexv(rng.r16()) for _ in range(junk)]
            b += ["push word %s" % hexv(cs), "push word .t+%s" % hexv(add),
                  "retf" + (" %s" % hexv(imm) if imm is not None else "")]
    c["body"] = b + ["mov eax, 0xBADBAD", ".t:"]
    c["name"] = name.replace("KIND", kind)
    c["regs"]["flags"] = rng.flags()
    rand_gprs(rng, c)
    return c


# ------------------------------------------------------------ int: INT/IRET via the IVT
def gen_int(rng, name):
    c = new_case(name)
    kind = rng.choice(["intn", "intn", "int3", "into", "intlow", "lidt",
                       "iret", "iretd"])
    _stack(rng, c)
    cs, add = _alias(rng)
    b = []
    if kind in ("intn", "int3", "into", "lidt"):
        vec = {"intn": rng.randrange(0x20, 0x100), "int3": 3, "into": 4,
               "lidt": rng.randrange(0, 0x100)}[kind]
        ivt = 0
        if kind == "lidt":
            ivt = rng.randrange(0x10000, 0x4F000) & ~0xF
            ptr = rng.randrange(0x10000, 0x4F000) & ~0xF
            c["pre"] += poke16(ptr, 0x3FF, 2) + poke16(ptr + 2, ivt, 4)
            add_fill(c, win_around(ivt + vec * 4), rng.randrange(1, 256))
            b.append("lidt [es:%s]" % hexv(ptr & 15))
            c["regs"]["es"] = ptr >> 4
        c["pre"] += poke16(ivt + vec * 4, ".t+%s" % hexv(add), 2)
        c["pre"] += poke16(ivt + vec * 4 + 2, cs, 2)
        b.append({"intn": "int %s" % hexv(vec), "lidt": "int %s" % hexv(vec),
                  "int3": "int3", "into": "into"}[kind])
    elif kind == "intlow":
        # software INT to an exception vector: the runtime's handler records it
        b = ["int %s" % hexv(rng.choice([0, 1, 5, 6, 8, 13, 16]))]
    else:
        fl = rng.flags() | (rng.random() < 0.5) * 0x0200
        c["fills"] = []
        c["regs"]["esp"] = rng.randrange(0x100, 0xFF00) & ~3     # see _stack
        for w in stack_wins(c["regs"]["ss"], c["regs"]["esp"]):
            add_fill(c, w, 0)
        if kind == "iret":
            b = ["push word %s" % hexv(fl), "push word %s" % hexv(cs),
                 "push word .t+%s" % hexv(add), "iret"]
        else:
            hi = rng.choice([0, 0x00040000])        # AC is writable by IRETD
            b = ["push dword %s" % hexv(fl | hi),
                 "push dword %s" % hexv((rng.r16() << 16) | cs),
                 "push dword .t+%s" % hexv(add), "iretd"]
    c["body"] = b + ["mov eax, 0xBADBAD", ".t:"]
    c["name"] = name.replace("KIND", kind)
    f = rng.flags()
    if kind == "into":
        f = f | 0x800 if rng.random() < 0.8 else f & ~0x800
    c["regs"]["flags"] = f | (rng.random() < 0.5) * 0x0200
    rand_gprs(rng, c)
    return c


# ------------------------------------------------------------ sreg: segment registers
def gen_sreg(rng, name):
    c = new_case(name)
    kind = rng.choice(["mov", "pushpop", "lxs", "lxs32", "movcs"])
    ss, sp = _stack(rng, c)
    for s in ("ds", "es", "fs", "gs"):
        c["regs"][s] = rng.seg()
    b = []
    if kind == "mov":
        for _ in range(rng.randrange(2, 6)):
            s = rng.choice(["ds", "es", "fs", "gs"])
            k = rng.randrange(4)
            if k == 0:
                b += ["mov bx, %s" % hexv(rng.seg()), "mov %s, bx" % s]
            elif k == 1:
                b += ["mov %s, %s" % (rng.choice(["eax", "ecx", "esi"]), s)]
            elif k == 2:
                b += ["mov %s, %s" % (rng.choice(["ax", "dx", "di"]), s)]
            else:
                off = rng.randrange(0, 0xFFFE)
                b += ["mov [ss:%s], %s" % (hexv(off), s)]
                add_fill(c, win_around((ss << 4) + off), rng.randrange(1, 256))
    elif kind == "pushpop":
        # pushes first, into the zero-filled stack, then pops: with a 32-bit
        # operand size a CPU may write only the 16-bit selector (SDM vol. 2,
        # PUSH), which is invisible when the upper half is already zero
        c["fills"] = []
        sp = c["regs"]["esp"] = rng.randrange(0x100, 0xFF00) & ~3
        for w in stack_wins(ss, sp):
            add_fill(c, w, 0)
        n = rng.randrange(1, 5)
        for _ in range(n):
            s = rng.choice(["ds", "es", "fs", "gs", "ss", "cs"])
            b.append("%s push %s" % (rng.choice(["o16", "o32"]), s))
        for _ in range(rng.randrange(0, n + 1)):
            s = rng.choice(["ds", "es", "fs", "gs"])
            b.append("%s pop %s" % (rng.choice(["o16", "o32"]), s))
    elif kind in ("lxs", "lxs32"):
        o32 = kind == "lxs32"
        ins = rng.choice(["lds", "les", "lfs", "lgs", "lss"])
        off = rng.randrange(0, 0xFFF0)
        pfx, sreg, segv = _seg_pick(rng, c, "ds", allow_cs=False)
        lin = (segv << 4) + off
        add_fill(c, win_around(lin), rng.randrange(1, 256))
        newseg = rng.seg()
        if ins == "lss":
            newoff = rng.randrange(0x100, 0xFF00) & ~1
            for w in stack_wins(newseg, newoff):
                add_fill(c, w, 0)
        else:
            newoff = rng.r32() if o32 else rng.r16()
        size = 4 if o32 else 2
        c["pre"] += poke16(lin, newoff & (0xFFFFFFFF if o32 else 0xFFFF), size)
        if ins == "lss" and o32:
            c["pre"] += poke16(lin, newoff, 4)
        c["pre"] += poke16(lin + size, newseg, 2)
        reg = rng.choice(["si", "di", "bx", "ax"])
        if ins == "lss":
            reg = "sp"
        b = ["%s %s, [%s%s]" % (ins, ("e" + reg) if o32 else reg, pfx, hexv(off))]
    else:
        b = ["mov ax, %s" % hexv(rng.seg()), "db 0x8E, 0xC8  ; mov cs, ax: #UD"]
    c["body"] = b
    c["name"] = name.replace("KIND", kind)
    c["regs"]["flags"] = rng.flags()
    rand_gprs(rng, c)
    return c


# ------------------------------------------------------------ string: string instructions
def gen_string(rng, name):
    c = new_case(name)
    op = rng.choice(["movs", "stos", "lods", "cmps", "scas", "movs", "cmps"])
    size = rng.choice([1, 2, 4])
    sfx = {1: "b", 2: "w", 4: "d"}[size]
    if op in ("movs", "stos", "lods"):
        rep = rng.choice(["", "rep "])
    else:
        rep = rng.choice(["", "repe ", "repne "])
    a32 = rng.random() < 0.25
    df = rng.random() < 0.4
    n = rng.choice([0, 1, 2, rng.randrange(3, 21)])
    span = n * size + size
    c["regs"]["flags"] = (rng.flags() & ~0x400) | (0x400 if df else 0)

    def pick_off():
        if a32:
            if df:
                return rng.randrange(span, 0x10000 - size) & ~(size - 1)
            return rng.randrange(0, 0x10000 - span) & ~(size - 1)
        return rng.edge16(size) & ~(size - 1)

    uses_src = op in ("movs", "lods", "cmps")
    uses_dst = op in ("movs", "stos", "scas", "cmps")
    es = rng.seg()
    c["regs"]["es"] = es
    c["regs"]["ds"] = rng.seg()
    si = pick_off()
    di = pick_off()
    if op == "cmps" and rng.random() < 0.7:
        di = (di & ~15) | (si & 15)
    seed_s = rng.randrange(1, 256)
    seed_d = seed_s if (op == "cmps" and rep == "repe ") else rng.randrange(1, 256)
    pfx = ""
    segv = c["regs"]["ds"]
    if uses_src:
        pfx, sreg, segv = _seg_pick(rng, c, "ds")
        if sreg != "cs":
            for w in wins_for_range(segv, si, span, span):
                add_fill(c, w, seed_s)
    if uses_dst:
        for w in wins_for_range(es, di, span, span):
            add_fill(c, w, seed_d)
    if op == "scas" and n and rng.random() < 0.6:
        p = rng.randrange(n)
        pos = (di + (-p if df else p) * size) & 0xFFFF
        val = rng.r32() & ((1 << (8 * size)) - 1)
        c["pre"] += poke16((es << 4) + pos, val, size)
        c["regs"]["eax"] = (rng.r32() & ~((1 << (8 * size)) - 1)) | val
    if op == "cmps" and n and rng.random() < 0.6:
        p = rng.randrange(n)
        pos = (di + (-p if df else p) * size) & 0xFFFF
        c["pre"] += poke16((es << 4) + pos, rng.randrange(256), 1)
    if "ss" not in c["regs"]:
        c["regs"]["ss"] = rng.seg()
        c["regs"]["esp"] = rng.randrange(0x100, 0xFF00) & ~1
    hi = lambda: 0 if a32 else rng.r32() & 0xFFFF0000
    c["regs"]["esi"] = si | hi()
    c["regs"]["edi"] = di | hi()
    c["regs"]["ecx"] = n | hi()
    ins = rep + op + sfx
    if a32:
        ins = "a32 " + ins
    else:
        ins = "a16 " + ins
    if pfx:
        ins = pfx[:-1] + " " + ins
    c["body"] = [ins]
    c["name"] = name.replace("KIND", "%s%s%s%s" % (rep.strip() + "_" if rep else "", op, sfx,
                                                  "_a32" if a32 else ""))
    rand_gprs(rng, c)
    return c


# ------------------------------------------------------------ xlat
def gen_xlat(rng, name):
    c = new_case(name)
    a32 = rng.random() < 0.3
    al = rng.randrange(256)
    if a32:
        bx = rng.randrange(0, 0x10000 - 0xFF)
        ebx = bx
    else:
        bx = rng.edge16()
        ebx = (rng.r32() & 0xFFFF0000) | bx
    pfx, sreg, segv = _seg_pick(rng, c, "ds")
    ea = (bx + al) & 0xFFFF
    if sreg != "cs":
        add_fill(c, win_around((segv << 4) + ea), rng.randrange(1, 256))
    c["regs"]["ebx"] = ebx
    c["regs"]["eax"] = (rng.r32() & ~0xFF) | al
    c["regs"]["ss"] = rng.seg()
    c["regs"]["esp"] = rng.randrange(0x100, 0xFF00) & ~1
    ins = ("a32 " if a32 else "a16 ") + "xlatb"
    if pfx:
        ins = pfx[:-1] + " " + ins
    c["body"] = [ins]
    c["name"] = name.replace("KIND", "xlat_a32" if a32 else "xlat")
    c["regs"]["flags"] = rng.flags()
    rand_gprs(rng, c)
    return c


# ------------------------------------------------------------ quirk: 386+-defined 8086 quirks
def gen_quirk(rng, name):
    c = new_case(name)
    kind = rng.choice(["pushsp", "pushesp", "popsp", "popesp", "pusha", "pushad",
                       "popa", "popad", "popmem", "pushmem", "enter", "pushwrap"])
    ss, sp = _stack(rng, c, zero=False)
    b = []
    if kind == "pushsp":
        b = ["push sp"]
    elif kind == "pushesp":
        b = ["push esp"]
    elif kind == "popsp":
        b = ["pop sp"]
    elif kind == "popesp":
        c["regs"]["esp"] = sp = max(sp, 4) if sp < 0xFFFC else 0x100
        c["fills"] = []
        for w in stack_wins(ss, sp):
            add_fill(c, w, rng.randrange(1, 256))
        b = ["pop esp"]
    elif kind in ("pusha", "pushad"):
        b = [kind]
    elif kind in ("popa", "popad"):
        b = [kind]
    elif kind in ("popmem", "pushmem"):
        sp = c["regs"]["esp"] = rng.randrange(0x100, 0xFF00) & ~1
        c["fills"] = []
        for w in stack_wins(ss, sp):
            add_fill(c, w, rng.randrange(1, 256))
        d = rng.randrange(-16, 16) & ~1
        sz = rng.choice(["word", "dword"])
        ins = "pop" if kind == "popmem" else "push"
        b = ["%s %s [esp%+d]" % (ins, sz, d)]
        c["name"] = name.replace("KIND", kind + "_" + sz)
    elif kind == "enter":
        lvl = rng.randrange(0, 4)
        b = ["enter %s, %d" % (hexv(rng.randrange(0, 0x40) & ~1), lvl)]
        if rng.random() < 0.5:
            b.append("leave")
        c["regs"]["ebp"] = (rng.r32() & 0xFFFF0000) | (rng.randrange(0x100, 0xFF00) & ~1)
        for w in stack_wins(ss, c["regs"]["ebp"] & 0xFFFF):
            add_fill(c, w, rng.randrange(1, 256))
    else:
        b = ["push word %s" % hexv(rng.r16()) for _ in range(rng.choice([0, 2, 4]))]
        b += ["push dword %s" % hexv(rng.r32())]
    c["body"] = b
    if "KIND" in c["name"]:
        c["name"] = name.replace("KIND", kind)
    c["regs"]["flags"] = rng.flags()
    rand_gprs(rng, c)
    return c


GROUPS = {
    "seg": gen_seg,
    "far": gen_far,
    "int": gen_int,
    "sreg": gen_sreg,
    "string": gen_string,
    "xlat": gen_xlat,
    "quirk": gen_quirk,
}
