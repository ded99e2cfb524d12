"""Far transfers the pm.gate group leaves out (group pm.xfer, own ROMs
`pmxfer-*`, one case per COUNT_DIV of --count): 286 (16-bit) TSSs, far JMP
through call gates, and 16-bit code at CPL 0. Built on cases_gate.py's
descriptors, TSS1 and end gate (its docstring has the GDT slots).

Kinds (SDM vol. 3, 7.2-7.4 tasks, 7.7 16-bit TSS, 5.8.4-5.8.5 call gates;
vol. 2 JMP, CALL, IRET, INT n "Operation"):
  t16  CALL / JMP to a 286 TSS descriptor, INT n / #UD / #GP(sel) through a
       task gate to it, from the 32-bit TSS1 at CPL 0: the new task runs at
       CPL 0 (CS 32-bit, base F0000, IP from the TSS) on a 16-bit stack;
       with CALL/INT optionally IRET (NT = 1) back to TSS1, which saves the
       16-bit task's state into the 286 TSS (hashed window) and clears its
       busy bit (the descriptor's high dword is printed)
  jg   far JMP through a 16/32-bit call gate at CPL 0 or 3 to a conforming
       or non-conforming 32-bit code segment (no stack switch, CPL kept),
       incl. the #GP cases: non-conforming target with DPL < CPL, gate DPL
       < CPL, selector RPL > gate DPL, and #NP of a not-present gate
  s16  TR = a 286 TSS: INT n through a 16/32-bit interrupt gate and far
       CALL through a 16/32-bit call gate (0-7 parameters) from CPL 3 to
       CPL 1 take SS1:SP1 from it, the end gate from CPL 1 SS0:SP0 (inner
       SS.B = 0/1, random upper half of ESP at CPL 3 on B = 0)
  c0   16-bit code segment at CPL 0 on a 16- or 32-bit stack (SS.B = 0/1,
       random upper half of ESP on B = 0): o16/o32 stack instructions,
       INT n through 16/32-bit interrupt gates to CPL 0 (no stack switch)
       with IRET back, o16/o32 far CALL / RETF / JMP to 32-bit code and
       back, #UD and #GP(sel) taken on the 16-bit stack
"""

from caselib import new_case, add_fill, hexv, rand_gprs, poke32
from cases_gate import _desc, _put_desc, _idt, _stack, _wins, _common, _to_ring3, \
    GDT, TSS1, SEL_TSS1, SEL_IN, SEL_X, VEC_INT, VEC_TASK, VEC_END, ROMBASE

TSS16 = 0x5100
SEL_T = 0x50             # the case's code segment (varies per kind)
KINDS = ["t16", "t16", "t16", "jg", "jg", "c0", "c0", "c0", "s16", "s16"]


def _tss16(rng, c):
    """A 286 TSS at TSS16 (available, DPL 0) in slot SEL_X: CS = SEL_T
    (CPL 0, 32-bit, base F0000) at .t16, SS = SEL_IN (B = 0)."""
    base, _, _, sp = _stack(rng, c, 0x40, 0, False, False)
    sp &= ~1
    _wins(c, base, sp, 0)
    add_fill(c, TSS16 & ~0xFF, 0)
    _put_desc(c, SEL_T, *_desc(ROMBASE, 0xFFFF, 0x9B, 4))
    vals = {0x0E: ".t16 - %s" % hexv(ROMBASE), 0x10: rng.flags(iopl_nt=False) & 0xFFFF,
            0x1A: sp, 0x22: 0x10, 0x24: SEL_T, 0x26: SEL_IN, 0x28: 0x10, 0x2A: 0}
    for off in range(0x12, 0x22, 2):
        vals.setdefault(off, rng.r16())
    for off in (0x02, 0x04, 0x06, 0x08, 0x0A, 0x0C):
        vals[off] = rng.r16()
    for off, v in sorted(vals.items()):
        c["pre"] += poke32(TSS16 + off, v, 2)
    limit = rng.choice([0x2B, 0x2B, 0x67, 0xFF])
    _put_desc(c, SEL_X, (TSS16 << 16) | limit, 0x00008100)
    # busy bits; TSS1's saved EIP and EFLAGS; the 286 TSS's link and its
    # saved IP:FLAGS (written when the task is left again)
    c["words"] += [GDT + SEL_X + 4, GDT + SEL_TSS1 + 4, TSS1 + 0x20, TSS1 + 0x24, TSS16,
                   TSS16 + 0x0E]
    return sp


SAVE = 0x4FF00           # ESP saved before the end (printed raw)


def _save_esp(c, bits):
    """Store ESP at SAVE (printed) and clear its upper half: the runtime's
    stub addresses its frame with ESP, which a 16-bit stack (B = 0) with
    a nonzero upper half would put past the limit."""
    c["pre"] += poke32(SAVE, 0, 4)
    c["words"].append(SAVE)
    st = "a32 mov [dword %s], esp" % hexv(SAVE) if bits == 16 else "mov [%s], esp" % hexv(SAVE)
    return [st, "movzx esp, sp"]


def gen_t16(rng, c):
    how = rng.choice(["call", "call", "jmp", "int", "ud", "gp"])
    _tss16(rng, c)
    back = how in ("call", "int") and rng.random() < 0.6
    vec = {"int": VEC_TASK, "ud": 6, "gp": 13}.get(how)
    if vec is not None:
        _idt(c, vec, "0", SEL_X, 0x8500)
    op = {"call": "call %s:0" % hexv(SEL_X), "jmp": "jmp %s:0" % hexv(SEL_X),
          "int": "int %s" % hexv(VEC_TASK), "ud": "ud2",
          "gp": "push dword 0x63\npop ds"}[how].split("\n")
    # the new task: first leave the based CS for the flat one (the dump
    # reads its inline data through the return address)
    # (the new task's ESP: SP from the TSS, upper half as the executor
    # leaves it; saved, then cleared for the runtime's ESP-based stub)
    body = op + ["int %s" % hexv(VEC_END), ".t16:", "jmp dword 0x08:.t2", ".t2:"]
    body += (["iretd"] if back else _save_esp(c, 32)) + ["int %s" % hexv(VEC_END)]
    return body, "%s%s" % (how, "_iret" if back else "")


def gen_jg(rng, c):
    cpl3 = rng.random() < 0.5
    conf = rng.random() < 0.5
    g32 = rng.random() < 0.5
    cpl = 3 if cpl3 else 0
    dpl_code = rng.choice([0, 3]) if cpl3 else 0
    fault = rng.choice(["", "", "", "gatedpl", "np"]) if cpl3 else \
        rng.choice(["", "", "np", "rpl"])
    if fault in ("gatedpl", "rpl"):
        gate_dpl = 0 if fault == "gatedpl" else rng.choice([0, 1, 2])
    else:
        gate_dpl = 3 if cpl3 else rng.choice([0, 3])
    rpl = 3 if fault == "rpl" else cpl
    access = (0x9E if conf else 0x9A) | (dpl_code << 5)
    _put_desc(c, SEL_T, *_desc(ROMBASE, 0xFFFF, access, 4))
    c["words"].append(GDT + SEL_T + 4)
    # a 16-bit gate's offset is the low word only; junk in the high word
    hi = (rng.r16() << 16) if not g32 else 0
    attr = (0x8C00 if g32 else 0x8400) | (gate_dpl << 13) | rng.randrange(0, 32)
    if fault == "np":
        attr &= ~0x8000
    c["pre"] += poke32(GDT + SEL_X, ".t1 - %s" % hexv(ROMBASE), 2)
    c["pre"] += poke32(GDT + SEL_X + 2, SEL_T | rng.choice([0, dpl_code]), 2)
    c["pre"] += ["mov dword [%s], %s" % (hexv(GDT + SEL_X + 4), hexv(hi | attr))]
    body = []
    if cpl3:
        esp3, _, _, _ = _outer3(rng, c)
        body += _to_ring3(c, esp3)
    body += ["jmp %s:0" % hexv(SEL_X | rpl), "int %s" % hexv(VEC_END), ".t1:",
             "int %s" % hexv(VEC_END)]
    tag = "%s%s_%s_dpl%d_g%d" % ("g32" if g32 else "g16", "_cpl3" if cpl3 else "_cpl0",
                                  "conf" if conf else "nonc", dpl_code, gate_dpl)
    return body, tag + ("_" + fault if fault else "")


def _outer3(rng, c):
    base, _, _, sp = _stack(rng, c, 0x38, 3, True, False)
    _wins(c, base, sp, rng.randrange(1, 256))
    return sp, base, 0, False


C0_OPS = ["push ax", "push eax", "push word 0xBEEF", "push dword 0x12345678", "pop dx",
          "pop edx", "pushaw", "pushad", "popaw", "popad", "pushfw", "pushfd",
          "call .x", "call dword .x", "enter 6, 2", "o32 enter 8, 3", "leave", "o32 leave",
          "push cs", "push ss", "INT16", "INT32", "INT16", "INT32", "CALLF", "CALLF",
          "JMPF", "RETF16", "UD", "GP"]


def gen_c0(rng, c):
    b = rng.random() < 0.5
    base, _, _, sp = _stack(rng, c, 0x40, 0, b, False)
    _wins(c, base, sp, rng.randrange(1, 256))
    _put_desc(c, SEL_T, *_desc(ROMBASE, 0xFFFF, 0x9B, 0))
    op = rng.choice(C0_OPS)
    # a random upper half of ESP on B = 0 only where the case ends at .x
    # in the 16-bit code (saved there): a fault or interrupt at CPL 0
    # pushes onto this stack and the runtime's stub addresses it by ESP
    hi = not b and op not in ("INT16", "INT32", "CALLF", "JMPF", "UD", "GP")
    esp = (rng.r16() << 16) | sp if hi else sp
    ops = [op]
    tag = op
    tail = []
    if op in ("INT16", "INT32"):
        # an interrupt gate to CPL 0: no stack switch, the frame on the
        # 16-bit code's own stack (word or dword slots by the gate size)
        g32 = op == "INT32"
        # the handler's code segment: 16- or 32-bit, base F0000 (a 16-bit
        # gate holds a 16-bit offset)
        h = rng.choice(["16", "32"])
        _put_desc(c, 0x58, *_desc(ROMBASE, 0xFFFF, 0x9B, 0 if h == "16" else 4))
        _idt(c, VEC_INT, "%s - %s" % (".h" if h == "16" else ".h32", hexv(ROMBASE)), 0x58,
             0x8E00 if g32 else 0x8600)
        back = rng.random() < 0.7
        ops = ["int %s" % hexv(VEC_INT)]
        if h == "16":
            tail = [".h:", "inc si"] + (["iretd" if g32 else "iret"] if back else []) + \
                ["int %s" % hexv(VEC_END)]
        else:
            tail = ["bits 32", ".h32:", "inc esi"] + \
                (["iretd" if g32 else "o16 iret"] if back else []) + \
                ["int %s" % hexv(VEC_END), "bits 16"]
        tag = "int%s_h%s%s" % ("32" if g32 else "16", h, "_iret" if back else "")
    elif op == "CALLF":
        o32 = rng.random() < 0.5
        ret = rng.random() < 0.7
        ops = ["call dword 0x08:.y32"]
        if not o32:
            # o16 far CALL: a 16-bit offset; put the target in the low ROM
            # through a based 32-bit segment instead
            _put_desc(c, 0x58, *_desc(ROMBASE, 0xFFFF, 0x9B, 4))
            ops = ["call 0x58:.y32b - %s" % hexv(ROMBASE)]
        tail = ["bits 32", ".y32:", ".y32b:", "inc edi"] + \
            (["%s retf" % ("o32" if o32 else "o16")] if ret else []) + \
            ["int %s" % hexv(VEC_END), "bits 16"]
        tag = "callf%s%s" % ("32" if o32 else "16", "_ret" if ret else "")
    elif op == "JMPF":
        o32 = rng.random() < 0.5
        if o32:
            ops = ["jmp dword 0x08:.y32"]
        else:
            _put_desc(c, 0x58, *_desc(ROMBASE, 0xFFFF, 0x9B, 4))
            ops = ["jmp 0x58:.y32 - %s" % hexv(ROMBASE)]
        tail = ["bits 32", ".y32:", "inc edi", "int %s" % hexv(VEC_END), "bits 16"]
        tag = "jmpf%s" % ("32" if o32 else "16")
    elif op == "RETF16":
        o32 = rng.random() < 0.5
        n = rng.choice([0, 4])
        w = "dword" if o32 else "word"
        ops = ["push %s %s" % (w, hexv(SEL_T)), "push %s .z - %s" % (w, hexv(ROMBASE)),
               "%s retf %s" % ("o32" if o32 else "o16", hexv(n)), ".z:"]
        tag = "retf%s_%d" % ("32" if o32 else "16", n)
    elif op == "UD":
        ops = ["ud2"]
        tag = "ud"
    elif op == "GP":
        ops = ["push word 0x63", "pop ds"]
        tag = "gpsel"
    if "leave" in op:
        c["regs"]["ebp"] = (esp & ~0xFF) | rng.randrange(0, 0x100, 2) if not b else \
            esp + rng.choice([0, 4, 0x10])
    # enter the 16-bit code segment at CPL 0 with SS:ESP set there
    body = ["jmp %s:.c16 - %s" % (hexv(SEL_T), hexv(ROMBASE)), "bits 16", ".c16:",
            "mov ax, %s" % hexv(SEL_IN), "mov ss, ax", "mov esp, %s" % hexv(esp),
            "mov ax, 0x10", "mov ds, ax", "mov es, ax", "mov eax, %s" % hexv(rng.r32())]
    body += ops + [".x:"] + (_save_esp(c, 16) if hi else []) + ["int %s" % hexv(VEC_END)]
    body += tail + ["bits 32"]
    t = tag.replace(" ", "").replace(",", "_").lower()
    return body, "%s_%s" % (t[:16], "b" if b else "w")


R0_16 = 0xF000           # the 286 TSS's SP0 (SS0 = flat data): ring-0 stack of s16


def gen_s16(rng, c):
    """TR = a 286 TSS (LTR): an interrupt gate or a call gate from CPL 3 to
    CPL 1 takes SS1:SP1 from it (16-bit slots at 06h/08h), the end gate
    from CPL 1 SS0:SP0 (02h/04h)."""
    g32 = rng.random() < 0.5
    cg = rng.random() < 0.5
    b3, b1 = rng.random() < 0.5, rng.random() < 0.5
    base3, _, _, sp3 = _stack(rng, c, 0x38, 3, b3, False)
    _wins(c, base3, sp3, rng.randrange(1, 256))
    esp3 = sp3 if b3 else (rng.r16() << 16) | sp3
    base1, _, _, sp1 = _stack(rng, c, 0x40, 1, b1, False)
    sp1 &= ~3
    _wins(c, base1, sp1, 0)
    add_fill(c, TSS16 & ~0xFF, 0)
    vals = {0x02: R0_16, 0x04: 0x10, 0x06: sp1, 0x08: SEL_IN | 1, 0x0A: rng.r16(),
            0x0C: rng.r16()}
    for off, v in sorted(vals.items()):
        c["pre"] += poke32(TSS16 + off, v, 2)
    _put_desc(c, SEL_TSS1, (TSS16 << 16) | rng.choice([0x2B, 0x67]), 0x00008100)
    c["pre"] += ["mov ax, %s" % hexv(SEL_TSS1), "ltr ax"]
    c["pre"] += ["mov dword [%s], 0" % hexv(R0_16 - 0x20 + i) for i in range(0, 0x20, 4)]
    c["words"] += [R0_16 - 8, R0_16 - 4]
    _put_desc(c, 0x50, *_desc(ROMBASE, 0xFFFF, 0xBB, 4))
    n = 0
    if cg:
        n = rng.choice([0, 1, 3, rng.randrange(0, 8)])
        c["pre"] += poke32(GDT + SEL_X, ".t1 - %s" % hexv(ROMBASE), 2)
        c["pre"] += poke32(GDT + SEL_X + 2, 0x51, 2)
        c["pre"] += poke32(GDT + SEL_X + 4, (0xEC00 if g32 else 0xE400) | n, 4)
        op = ["call %s:0" % hexv(SEL_X | 3)]
    else:
        _idt(c, VEC_INT, ".t1 - %s" % hexv(ROMBASE), 0x51, 0xEE00 if g32 else 0xE600)
        op = ["int %s" % hexv(VEC_INT)]
    body = _to_ring3(c, esp3) + op + ["int %s" % hexv(VEC_END), ".t1:",
                                      "int %s" % hexv(VEC_END)]
    return body, "%s%s%s_%s%s" % ("cg" if cg else "ig", "32" if g32 else "16",
                                  "p%d" % n if cg else "", "b" if b3 else "w",
                                  "b" if b1 else "w")


GEN = {"t16": gen_t16, "jg": gen_jg, "c0": gen_c0, "s16": gen_s16}


def gen_xfer(rng, name):
    c = new_case(name, 32)
    kind = rng.choice(KINDS)
    c["regs"]["flags"] = rng.flags(iopl_nt=False)
    _common(rng, c)
    body, tag = GEN[kind](rng, c)
    c["body"] = body + ["mov eax, 0xBADBAD", ".t:"]
    c["name"] = name.replace("KIND", "%s_%s" % (kind, tag))
    rand_gprs(rng, c)
    return c


COUNT_DIV = 6
PM_GROUPS = {"xfer": gen_xfer}

SKIPPED = [("pm.xfer (16-bit TSS with paging, LDTs, V86)", "the 286 TSS cases run"
            " without paging, with a null LDT and never switch to V86 mode")]
