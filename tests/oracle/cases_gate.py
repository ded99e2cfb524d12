"""Privilege-level and gate cases of the stack-size oracle (group pm.gate):
what cases_stack.py cannot reach at CPL 0 on one stack.

The case leaves CPL 0 (a far RET to CPL 3), and whatever it ends in - a
fault, a gate, a call - reaches CPL 0 on a known-good flat stack from the
TSS (TSS1.ESP0 = R0_TOP): the runtime's exception stub records it and the
case dumps there.  So a case may push past the limit of its stack or run
with any ESP (upper half nonzero on a 16-bit stack) without the #DF risk of
cases_stack.py.  Every case ends with `int 0x7F` (a DPL 3 interrupt gate to
the runtime stub) or a fault; the dump's W= shows the interrupted level's
EFLAGS, ESP and SS from the ring-0 frame, X= its CS:EIP.

Descriptors (GDT slots 0x28-0x58, rewritten by every case):
  0x28 (0x2B)  CPL 3 code, 32-bit, base F0000, limit FFFF
  0x30 (0x33)  CPL 3 data, flat
  0x38 (0x3B)  CPL 3 stack: B = 0/1, expand-up or -down, random limit
  0x40         inner stack: CPL 1 (0x41) for gates, CPL 0 (0x40) for the task
  0x48         TSS1 (the case's task, at 0x5000)
  0x50         CPL 1 code (0x51), 32-bit, base F0000 / CPL 3 16-bit code (0x53)
  0x58         call gate (0x5B) or TSS2 (task gate target, at 0x5100)

Kinds (SDM vol. 3, 5.8 call gates, 6.12 interrupt/trap/task gates, 7.3 task
switching; vol. 2 CALL, RET, INT n, IRET "Operation"):
  cg   far CALL through a 16- or 32-bit call gate with 0-31 parameters from
       CPL 3 to CPL 1 (stack switch from TSS1.SS1:ESP1, B = 0 or 1),
       optionally RETF imm back to CPL 3
  ig   INT n / INT3 / #UD / #GP(sel) through a 16- or 32-bit interrupt or trap gate
       from CPL 3 to CPL 1, optionally IRET back (IF shows the gate type)
  tg   INT n, or #SS from a push past the limit, through a task gate: a task
       switch to TSS2 (CPL 0, stack B = 0 or 1); the dump runs in that task
       (outgoing state in TSS1, back link, busy bits)
  lim  stack instructions at CPL 3 at the limit of an expand-up or -down
       stack (B = 0 with a random upper half of ESP, or B = 1): #SS
  c16  a 16-bit CPL 3 code segment: o16/o32 stack instructions on SS.B = 0/1
  rf   o16/o32 far RET (imm) from CPL 0 to CPL 3 onto SS.B = 0 or 1: which
       half of ESP the outer stack pointer replaces (resolved.md S9)
"""

from caselib import new_case, add_fill, win_around, hexv, rand_gprs, poke32

GDT = 0x800
IDT = 0x1000
TSS1 = 0x5000
TSS2 = 0x5100
R0_TOP = 0x9E000            # TSS1.ESP0: flat, known good
FRAME = R0_TOP - 0x20       # zeroed; the ring-0 frame's top slots are words
SEL_R3C, SEL_R3D, SEL_R3S, SEL_IN, SEL_TSS1, SEL_C1, SEL_X = \
    0x2B, 0x33, 0x3B, 0x40, 0x48, 0x50, 0x58
VEC_INT, VEC_TASK, VEC_END = 0x40, 0x41, 0x7F
TOUCHED = [3, 6, 12, 13, VEC_INT, VEC_TASK]
KINDS = ["cg", "cg", "cg", "ig", "ig", "tg", "tg", "lim", "lim", "c16", "c16", "rf"]
ROMBASE = 0xF0000


def _desc(base, limit, access, flags):
    lo = ((base & 0xFFFF) << 16) | (limit & 0xFFFF)
    hi = ((base >> 16) & 0xFF) | (access << 8) | (((limit >> 16) & 0xF) << 16) | \
        (flags << 20) | (base & 0xFF000000)
    return lo, hi


def _put_desc(c, slot, lo, hi):
    c["pre"] += poke32(GDT + slot, lo, 4) + poke32(GDT + slot + 4, hi, 4)


def _idt(c, vec, off, sel, attr):
    """Gate `vec`: off is an asm expression (a label may be in it)."""
    c["pre"] += ["mov eax, %s" % off, "mov [%s], ax" % hexv(IDT + vec * 8),
                 "shr eax, 16", "mov [%s], ax" % hexv(IDT + vec * 8 + 6),
                 "mov word [%s], %s" % (hexv(IDT + vec * 8 + 2), hexv(sel)),
                 "mov word [%s], %s" % (hexv(IDT + vec * 8 + 4), hexv(attr))]


def _stack(rng, c, slot, dpl, b, kind_lim):
    """A stack descriptor; returns (base, limit, edown, sp).  sp is chosen
    well inside, or at the limit when kind_lim."""
    base = rng.randrange(0x10000, 0x2F000) & ~0xF if slot == 0x38 else \
        rng.randrange(0x30000, 0x3F000) & ~0xF
    edown = kind_lim and not b and rng.random() < 0.4
    if edown:
        limit = rng.choice([0x0FFF, 0x7FFF, rng.randrange(0x100, 0x8000)])
        sp = limit + 1 + rng.randrange(0, 0x10)
        access = 0x97
    else:
        limit = rng.choice([0xFFFF, rng.randrange(0x300, 0xFFFF)]) if kind_lim else 0xFFFF
        if kind_lim:
            sp = [limit + 1 - rng.randrange(0, 0x10), limit + 1, rng.randrange(0, 0x10)][
                rng.randrange(3)] & 0xFFFF
        else:
            sp = rng.randrange(0x200, 0xFF00)
        access = 0x93
    sp &= ~(rng.choice([1, 2, 4]) - 1)
    lo, hi = _desc(base, limit, access | (dpl << 5), 4 if b else 0)
    _put_desc(c, slot, lo, hi)
    c["words"].append(GDT + slot + 4)       # accessed bit
    return base, limit, edown, sp


def _wins(c, base, sp, seed):
    for o in (sp, sp - 0x100):
        add_fill(c, win_around(base + (o & 0xFFFF)), seed)


def _common(rng, c):
    """TSS1 (zeroed, ESP0/SS0 set), the IDT gates a case may change back to
    their defaults, the end gate, the ring-0 frame area zeroed."""
    add_fill(c, TSS1, 0)
    c["pre"] += poke32(TSS1 + 4, R0_TOP, 4) + poke32(TSS1 + 8, 0x10, 4)
    c["pre"] += poke32(TSS1 + 102, 104, 2)
    c["pre"] += ["mov eax, cr3", "mov [%s], eax" % hexv(TSS1 + 28)]
    _put_desc(c, SEL_TSS1, (TSS1 << 16) | 0x67, 0x00008900)
    c["pre"] += ["mov ax, %s" % hexv(SEL_TSS1), "ltr ax"]
    for v in TOUCHED:
        _idt(c, v, "xstubs32 + %d" % (9 * v), 0x08, 0x8E00)
    _idt(c, VEC_END, "xstubs32 + %d" % (9 * VEC_END), 0x08, 0xEE00)
    c["pre"] += ["mov dword [%s], 0" % hexv(FRAME + i) for i in range(0, 0x20, 4)]
    _put_desc(c, 0x28, *_desc(ROMBASE, 0xFFFF, 0xFB, 4))
    _put_desc(c, 0x30, *_desc(0, 0xFFFFF, 0xF3, 0xC))
    # the interrupted level's ESP and SS (its EFLAGS is the dump's F=: the
    # runtime returns to the dump with them; the dump's CALL overwrites the
    # EFLAGS slot)
    c["words"] += [R0_TOP - 8, R0_TOP - 4, GDT + SEL_TSS1 + 4]


def _to_ring3(c, esp3, cs=SEL_R3C, keep_esp=False):
    """o32 RETF from CPL 0 to CPL 3 at .r3; then ESP := esp3 (a RETF onto a
    16-bit stack keeps the upper half of the CPL-0 ESP)."""
    body = ["push dword %s" % hexv(SEL_R3D), "pop ds", "push dword %s" % hexv(SEL_R3D),
            "pop es", "push dword %s" % hexv(SEL_R3S), "push dword %s" % hexv(esp3),
            "push dword %s" % hexv(cs), "push dword .r3 - %s" % hexv(ROMBASE), "retf",
            ".r3:"]
    if not keep_esp:
        body.append("mov esp, %s" % hexv(esp3))
    return body


def _esp(rng, b, sp):
    return sp if b else (rng.r16() << 16) | sp


def _outer(rng, c, b, lim=False):
    base, limit, edown, sp = _stack(rng, c, 0x38, 3, b, lim)
    _wins(c, base, sp, rng.randrange(1, 256))
    return _esp(rng, b, sp), base, limit, edown


def gen_cg(rng, c):
    g32 = rng.random() < 0.5
    n = rng.choice([0, 1, 2, 3, rng.randrange(0, 32), 31])
    b3, b1 = rng.random() < 0.5, rng.random() < 0.5
    esp3, _, _, _ = _outer(rng, c, b3)
    base1, _, _, sp1 = _stack(rng, c, 0x40, 1, b1, False)
    sp1 &= ~3
    esp1 = sp1 if b1 or rng.random() < 0.5 else (rng.r16() << 16) | sp1
    _wins(c, base1, sp1, 0)
    c["pre"] += poke32(TSS1 + 12, esp1, 4) + poke32(TSS1 + 16, SEL_IN | 1, 4)
    _put_desc(c, 0x50, *_desc(ROMBASE, 0xFFFF, 0xBB, 4))
    c["pre"] += poke32(GDT + SEL_X, ".t1 - %s" % hexv(ROMBASE), 2)
    c["pre"] += poke32(GDT + SEL_X + 2, SEL_C1 | 1, 2)
    c["pre"] += poke32(GDT + SEL_X + 4, (0xEC00 if g32 else 0xE400) | n, 4)
    back = rng.random() < 0.5
    o = "o32" if g32 else "o16"
    imm = n * (4 if g32 else 2)
    body = _to_ring3(c, esp3) + ["call %s:0" % hexv(SEL_X | 3), ".r3b:",
                                 "int %s" % hexv(VEC_END), ".t1:"]
    body += (["%s retf %s" % (o, hexv(imm))] if back else []) + ["int %s" % hexv(VEC_END)]
    return body, "%s%d_%s%s%s" % ("g32" if g32 else "g16", n, "b" if b3 else "w",
                                  "b" if b1 else "w", "_ret" if back else "")


def gen_ig(rng, c):
    g32 = rng.random() < 0.5
    trap = rng.random() < 0.5
    how = rng.choice(["int", "int3", "ud", "gp"])
    vec = {"int": VEC_INT, "int3": 3, "ud": 6, "gp": 13}[how]
    b3, b1 = rng.random() < 0.5, rng.random() < 0.5
    esp3, _, _, _ = _outer(rng, c, b3)
    base1, _, _, sp1 = _stack(rng, c, 0x40, 1, b1, False)
    sp1 &= ~3
    _wins(c, base1, sp1, 0)
    c["pre"] += poke32(TSS1 + 12, sp1, 4) + poke32(TSS1 + 16, SEL_IN | 1, 4)
    _put_desc(c, 0x50, *_desc(ROMBASE, 0xFFFF, 0xBB, 4))
    attr = 0xE000 | (0x800 if g32 else 0) | (0x700 if trap else 0x600)
    _idt(c, vec, ".t1 - %s" % hexv(ROMBASE), SEL_C1 | 1, attr)
    back = how not in ("ud", "gp") and rng.random() < 0.6
    # gp: a selector past the GDT limit, #GP(0x60) with its error code pushed
    # on the CPL-1 stack (word or dword by the gate size)
    op = {"int": "int %s" % hexv(VEC_INT), "int3": "int3", "ud": "ud2",
          "gp": "push dword 0x63\npop ds"}[how]
    body = _to_ring3(c, esp3) + op.split("\n") + ["int %s" % hexv(VEC_END), ".t1:"]
    body += (["iretd" if g32 else "iretw"] if back else []) + ["int %s" % hexv(VEC_END)]
    c["regs"]["flags"] |= rng.choice([0, 0x200])
    return body, "%s%s_%s_%s%s%s" % ("g32" if g32 else "g16", "trap" if trap else "intr",
                                     how, "b" if b3 else "w", "b" if b1 else "w",
                                     "_ret" if back else "")


def _tss2(rng, c, b):
    """TSS2: CPL 0 flat code at .t, stack slot 0x40 (DPL 0, B = b)."""
    base, _, _, sp = _stack(rng, c, 0x40, 0, b, False)
    sp &= ~3
    _wins(c, base, sp, 0)
    add_fill(c, TSS2, 0)
    regs = [rng.r32() for _ in range(8)]
    regs[4] = sp
    c["pre"] += ["mov eax, cr3", "mov [%s], eax" % hexv(TSS2 + 28)]
    c["pre"] += poke32(TSS2 + 32, ".t", 4)
    c["pre"] += poke32(TSS2 + 36, rng.flags(iopl_nt=False), 4)
    for i, v in enumerate(regs):
        c["pre"] += poke32(TSS2 + 40 + 4 * i, v, 4)
    for i, s in enumerate([0x10, 0x08, SEL_IN, 0x10, 0x10, 0x10]):
        c["pre"] += poke32(TSS2 + 72 + 4 * i, s, 4)
    c["pre"] += poke32(TSS2 + 102, 104, 2)
    _put_desc(c, SEL_X, (TSS2 << 16) | 0x67, 0x00008900)
    c["words"].append(GDT + SEL_X + 4)


def gen_tg(rng, c):
    b3, b0 = rng.random() < 0.5, rng.random() < 0.5
    lim = rng.random() < 0.5
    esp3, _, _, _ = _outer(rng, c, b3, lim)
    _tss2(rng, c, b0)
    vec = 12 if lim else VEC_TASK
    _idt(c, vec, "0", SEL_X, 0xE500)
    if lim:
        op = [rng.choice(["push eax", "push ax", "pushad", "call .y", "pop eax",
                          "enter 8, 0"])]
    else:
        op = ["int %s" % hexv(VEC_TASK)]
    op += [".y:"]
    body = _to_ring3(c, esp3) + op + ["int %s" % hexv(VEC_END)]
    tag = "ss_" + op[0].split()[0] if lim else "int"
    return body, "%s_%s%s" % (tag, "b" if b3 else "w", "b" if b0 else "w")


LIM_OPS32 = ["push eax", "push ax", "push dword [0x4F800]", "push word 0x1234", "pushad",
             "pushaw", "pop ecx", "pop cx", "popad", "pushfd", "call .x", "o16 call .x",
             "enter 8, 1", "enter 0, 0", "o16 enter 4, 2", "leave", "ret 0x10", "retsp"]


def gen_lim(rng, c):
    b3 = rng.random() < 0.5
    esp3, _, _, _ = _outer(rng, c, b3, True)
    op = rng.choice(LIM_OPS32)
    if op == "retsp":
        # RET imm: the pop is checked, ESP + imm past the limit is not
        op = "ret %s" % hexv(rng.choice([4, 0x100, 0xFFF0]))
        pre = ["push dword .x - %s" % hexv(ROMBASE)]
        tag = "retimm"
    else:
        pre = ["push dword .x - %s" % hexv(ROMBASE)] if op.startswith("ret") else []
        tag = op.split()[0] + ("16" if "ax" in op or "o16" in op or "word" in op else "")
    if op == "leave":
        c["regs"]["ebp"] = esp3 + rng.choice([-4, 0, 2, 4, 0x10])
    add_fill(c, win_around(0x4F800), rng.randrange(1, 256))
    body = _to_ring3(c, esp3) + pre + [op, ".x:", "int %s" % hexv(VEC_END)]
    return body, "%s_%s" % (tag, "b" if b3 else "w")


C16_OPS = ["push ax", "push eax", "push word 0xBEEF", "push dword 0x12345678", "pop dx",
           "pop edx", "pushaw", "pushad", "popaw", "popad", "pushfw", "pushfd",
           "call .x", "call dword .x", "CALLRET", "enter 6, 2", "o32 enter 8, 3",
           "leave", "o32 leave", "push cs", "push ss", "push ds", "a32 push word [ebx]",
           "BEYOND", "BEYOND"]


def gen_c16(rng, c):
    b3 = rng.random() < 0.5
    esp3, base3, _, _ = _outer(rng, c, b3)
    _put_desc(c, 0x50, *_desc(ROMBASE, 0xFFFF, 0xFB, 0))
    op = rng.choice(C16_OPS)
    ops = [op]
    if op == "CALLRET":
        o = rng.choice(["", "o32 "])
        n = rng.choice([0, 2, 4, 0x40])
        ops = ["call %s.y" % ("dword " if o else ""), "jmp .x", ".y:", "%sret %s" % (o, hexv(n))]
        op = "%scallret%d" % (o.strip(), n)
    elif op == "BEYOND":
        # o32 near CALL/JMP/Jcc in 16-bit code to an EIP past the CS limit:
        # #GP(0) at the branch (SDM vol. 2 CALL/JMP/Jcc: tempEIP beyond
        # the code segment limit), nothing pushed
        # (not a negative rel32: QEMU then wraps the target to 16 bits,
        # branches back into the ROM and loses the rest of it; resolved.md S9)
        rel = rng.choice([0x10000, 0xFFF0000])
        op, ops = rng.choice([("callbeyond", ["db 0x66, 0xE8"]), ("jmpbeyond", ["db 0x66, 0xE9"]),
                              ("jzbeyond", ["db 0x66, 0x0F, 0x84"])])
        ops = ops + ["dd %s" % hexv(rel)]
    if "[ebx]" in op:
        c["regs"]["ebx"] = 0x4F800 + rng.randrange(0, 0x40) * 4
        add_fill(c, win_around(0x4F800), rng.randrange(1, 256))
    if "leave" in op:
        c["regs"]["ebp"] = (esp3 & ~0xFF) | rng.randrange(0, 0x100, 2) if not b3 else \
            esp3 + rng.choice([0, 4, 0x10])
    body = _to_ring3(c, esp3, SEL_C1 | 3)
    body = body[:-2] + ["bits 16", ".r3:", body[-1]]
    body += ops + [".x:", "int %s" % hexv(VEC_END), "bits 32"]
    tag = op.replace(" ", "").replace(",", "_").replace("[", "").replace("]", "").lower()
    return body, "%s_%s" % (tag[:16], "b" if b3 else "w")


def gen_rf(rng, c):
    b3 = rng.random() < 0.5
    o32 = rng.random() < 0.5
    n = rng.choice([0, 0, 4, 8, 0x20])
    base, _, _, sp = _stack(rng, c, 0x38, 3, b3, False)
    _wins(c, base, sp, rng.randrange(1, 256))
    w = "dword" if o32 else "word"
    esp3 = sp if b3 or not o32 else (rng.r16() << 16) | sp
    body = ["push dword %s" % hexv(SEL_R3D), "pop ds",
            "push %s %s" % (w, hexv(SEL_R3S)), "push %s %s" % (w, hexv(esp3 & (
                0xFFFFFFFF if o32 else 0xFFFF))), "lea esp, [esp - %s]" % hexv(n),
            "push %s %s" % (w, hexv(SEL_R3C)), "push %s .r3 - %s" % (w, hexv(ROMBASE)),
            "%s retf %s" % ("o32" if o32 else "o16", hexv(n)), ".r3:",
            "int %s" % hexv(VEC_END)]
    return body, "%s_%d_%s" % ("o32" if o32 else "o16", n, "b" if b3 else "w")


GEN = {"cg": gen_cg, "ig": gen_ig, "tg": gen_tg, "lim": gen_lim, "c16": gen_c16,
       "rf": gen_rf}


def gen_gate(rng, name):
    c = new_case(name, 32)
    kind = rng.choice(KINDS)
    c["regs"]["flags"] = rng.flags(iopl_nt=False)
    _common(rng, c)
    body, tag = GEN[kind](rng, c)
    c["body"] = body + ["mov eax, 0xBADBAD", ".t:"]
    c["name"] = name.replace("KIND", "%s_%s" % (kind, tag))
    rand_gprs(rng, c)
    return c


# bounded runs take one case in COUNT_DIV of the other groups' count
COUNT_DIV = 6
PM_GROUPS = {"gate": gen_gate}

SKIPPED = [("pm.gate (32-bit code, CS limit)", "near branches past the limit of a 32-bit"
            " code segment: QEMU does not check it and runs off (loses the ROM);"
            " tests/guest/cs_limit_branch.asm checks the #GP(0) (Bochs agrees)")]
# 286 TSSs, far JMP through call gates and 16-bit code at CPL 0: group
# pm.xfer (cases_xfer.py).
