"""Protected-mode case generators for the oracle ROMs (see gen.py).

All cases run at CPL 0 in the flat 32-bit environment of oracle.inc; each
writes the descriptors/gates/page-table entries it needs, runs the
instruction under test and dumps.  `%C%` in a body stands for the case's
global label (gen.py), so code placed in another section can name the
case's local labels.
"""

from caselib import new_case, add_fill, hexv, rand_gprs, poke32, win_around

GDT_BASE = 0x800
IDT_BASE = 0x1000
PD_BASE = 0x2000
PT1_BASE = 0x4000
SEL_CODE32, SEL_DATA32, SEL_CODE16 = 0x08, 0x10, 0x18
TEST_SLOTS = [0x28 + 8 * i for i in range(7)]
GDT_LIMIT = 0x5F

# Groups the oracle could cover but leaves out, with the reason (gen.py --list)
# (call gates CPL 3 -> 1 with parameters, interrupt/trap/task gates, CPL 3
# ring transitions and stacks: group pm.gate, cases_gate.py)
SKIPPED = [("pm.user", "CPL 3 paging and I/O checks (U/S, IOPL, the I/O bitmap)")]


def desc(base, limit, access, flags):
    """An 8-byte segment descriptor (SDM vol. 3, 3.4.5): access = P|DPL|S|type,
    flags = G|D/B|L|AVL (high nibble of byte 6)."""
    lo = ((base & 0xFFFF) << 16) | (limit & 0xFFFF)
    hi = ((base >> 16) & 0xFF) | (access << 8) | (((limit >> 16) & 0xF) << 16) | \
        (flags << 20) | (base & 0xFF000000)
    return lo, hi


def put_desc(case, sel, lo, hi):
    case["pre"] += poke32(GDT_BASE + (sel & ~7), lo, 4) + \
        poke32(GDT_BASE + (sel & ~7) + 4, hi, 4)


def _flat_stack(rng, c):
    esp = rng.randrange(0x10100, 0x4FF00) & ~3
    add_fill(c, win_around(esp), 0)
    return esp


def _rand_seg_desc(rng):
    """A random data/code/system descriptor: (lo, hi, info dict)."""
    base = rng.randrange(0x10000, 0x40000) & ~0xF
    g = rng.random() < 0.3
    limit = rng.choice([rng.randrange(0, 0x100), rng.randrange(0, 0x10000),
                        0xFFFF, rng.randrange(0, 0x100000)])
    if g:
        limit = rng.choice([0xFFFFF, rng.randrange(0, 0x40)])
    kind = rng.choice(["data"] * 5 + ["code"] * 2 + ["sys"])
    if kind == "data":
        typ = rng.randrange(0, 8)
    elif kind == "code":
        typ = rng.randrange(8, 16)
    else:
        typ = rng.choice([0x2, 0x9, 0xB, 0xC, 0xE, 0x0])
    s = 0 if kind == "sys" else 1
    dpl = rng.choice([0, 0, 0, rng.randrange(4)])
    p = 0 if rng.random() < 0.12 else 1
    db = rng.random() < 0.6
    access = (p << 7) | (dpl << 5) | (s << 4) | typ
    flags = (0x8 if g else 0) | (0x4 if db else 0)
    lo, hi = desc(base, limit, access, flags)
    scaled = (limit << 12) | 0xFFF if g else limit
    return lo, hi, {"base": base, "limit": scaled, "type": typ, "s": s, "p": p,
                    "dpl": dpl, "db": db}


# ------------------------------------------------------------ segload
def _in_limit(d, off, size):
    """SDM vol. 3, 5.3: expand-up: off + size - 1 <= limit; expand-down:
    limit < off and off + size - 1 <= (B ? FFFFFFFF : FFFF)."""
    if d["s"] and (d["type"] & 0xC) == 4:
        top = 0xFFFFFFFF if d["db"] else 0xFFFF
        return off > d["limit"] and off + size - 1 <= top
    return off + size - 1 <= d["limit"]


def _pick_offset(rng, d, size):
    lim = d["limit"]
    edown = d["s"] and (d["type"] & 0xC) == 4
    top = (0xFFFFFFFF if d["db"] else 0xFFFF) if edown else 0xFFFFFFFF
    for _ in range(20):
        cand = rng.choice([0, lim - size + 1, lim, lim + 1, top - size + 1,
                           rng.randrange(0x10000, 0x50000) - d["base"],
                           rng.randrange(0, 0x40)])
        off = cand & top
        lin = (d["base"] + off) & 0xFFFFFFFF
        if not _in_limit(d, off, size):
            return off          # faults (or not, if the CPU disagrees: a finding)
        if 0x10000 <= lin and lin + size <= 0x50000:
            return off
    return None


def gen_segload(rng, name):
    c = new_case(name, 32)
    lo, hi, d = _rand_seg_desc(rng)
    slot = rng.choice(TEST_SLOTS)
    put_desc(c, slot, lo, hi)
    rpl = rng.choice([0, 0, 0, rng.randrange(4)])
    sel = slot | rpl
    k = rng.random()
    body = []
    if k < 0.08:
        sel = rng.randrange(4)                                 # null selector
    elif k < 0.16:
        body.append("lgdt [%s]" % hexv(0x4FFF0))               # limit below the slot
        c["pre"] += poke32(0x4FFF0, slot - 1 - rng.randrange(0, 8), 2) + \
            poke32(0x4FFF2, GDT_BASE, 4)
    elif k < 0.2:
        sel = (slot | 4 | rpl)                                 # TI=1, LDTR null
    sreg = rng.choice(["ds", "es", "fs", "gs", "ss"])
    esp = flat_esp = _flat_stack(rng, c)
    if sreg == "ss":
        # a stack that a successful load leaves usable: the dump and the
        # exception delivery push on it
        if d["type"] & 4:
            esp = (0xFFFFFFF0 if d["db"] else 0xFFF0)
            if d["limit"] >= esp - 0x40:
                sreg = "ds"
        else:
            esp = min(d["limit"] + 1, 0xFFF0) & ~3
            if esp < 0x40:
                sreg = "ds"
        if sreg == "ss":
            add_fill(c, win_around((d["base"] + esp) & 0xFFFFFFFF), 0)
        else:
            esp = flat_esp
    if sreg == "ss":
        # LSS loads SS:ESP together: when the load faults, ESP still points
        # into the flat stack the exception is delivered on
        c["pre"] += poke32(0x4FFE0, esp, 4) + poke32(0x4FFE4, sel, 2)
        body += ["lss esp, [0x4FFE0]"]
    else:
        body += ["mov esp, %s" % hexv(esp), "mov ax, %s" % hexv(sel), "mov %s, ax" % sreg]
    # an access through the segment, inside or just outside its limit; an
    # access inside the limit must land in the scratch RAM (outside it the
    # result would depend on the board: ROM, VGA hole, the runtime's data)
    size = rng.choice([1, 2, 4])
    off = _pick_offset(rng, d, size)
    sz = {1: "byte", 2: "word", 4: "dword"}[size]
    r = {1: "cl", 2: "cx", 4: "ecx"}[size]
    if off is not None:
        if rng.random() < 0.5 or (d["s"] and d["type"] & 8):
            body.append("mov %s, %s [%s:%s]" % (r, sz, sreg, hexv(off)))
        else:
            body.append("mov %s [%s:%s], %s" % (sz, sreg, hexv(off), r))
        lin = (d["base"] + off) & 0xFFFFFFFF
        if 0x10000 <= lin < 0x50000:
            add_fill(c, win_around(lin), rng.randrange(1, 256))
    c["words"].append(GDT_BASE + slot + 4)                     # accessed bit
    c["body"] = body
    if (sel & ~3) == 0:
        kind = "null"
    elif sel & 4:
        kind = "ldt"
    elif not d["s"]:
        kind = "sys"
    else:
        kind = "code" if d["type"] & 8 else ("edown" if d["type"] & 4 else "data")
    c["name"] = name.replace("KIND", "%s_%s" % (sreg, kind))
    c["regs"]["flags"] = rng.flags(iopl_nt=False)
    rand_gprs(rng, c)
    return c


# ------------------------------------------------------------ lar: LAR LSL VERR VERW
def gen_lar(rng, name):
    c = new_case(name, 32)
    lo, hi, d = _rand_seg_desc(rng)
    slot = rng.choice(TEST_SLOTS)
    put_desc(c, slot, lo, hi)
    sel = slot | rng.choice([0, 0, rng.randrange(4)])
    if rng.random() < 0.1:
        sel = rng.choice([0, 0x60, 0x1238, 4 | slot])
    o16 = rng.random() < 0.3
    a, dd = ("ax", "dx") if o16 else ("eax", "edx")
    # the four ZF results go to memory (W=) so no flag-clobbering glue runs
    c["pre"] += poke32(0x4FF00, 0x5A5A5A5A, 4)
    c["words"].append(0x4FF00)
    c["body"] = ["mov ecx, %s" % hexv((rng.r32() & 0xFFFF0000) | sel),
                 "lar %s, cx" % a, "setz [0x4FF00]", "lsl %s, cx" % dd, "setz [0x4FF01]",
                 "verr cx", "setz [0x4FF02]", "verw cx", "setz [0x4FF03]"]
    if not o16:
        # LAR: bits 19:16 of the 32-bit result are undefined (SDM vol. 2, LAR)
        c["body"] += ["pushfd", "and eax, 0xFFF0FFFF", "popfd"]
    c["name"] = name.replace("KIND", "o16" if o16 else "o32")
    c["regs"]["flags"] = rng.flags(iopl_nt=False)
    rand_gprs(rng, c)
    return c


# ------------------------------------------------------------ intgate: INT n through the IDT
def gen_intgate(rng, name):
    c = new_case(name, 32)
    vec = rng.randrange(0x40, 0x50)
    gtype = rng.choice(["int32", "trap32", "int32", "trap32", "int16", "trap16", "bad"])
    typ = {"int32": 0xE, "trap32": 0xF, "int16": 0x6, "trap16": 0x7,
           "bad": rng.choice([0x0, 0x1, 0x2, 0x3, 0x9, 0xC])}[gtype]
    p = 0 if rng.random() < 0.1 else 1
    dpl = rng.randrange(4)
    is16 = gtype.endswith("16")
    sel = SEL_CODE16 if is16 else SEL_CODE32
    target = "..@%C%_h16" if is16 else "%C%.t"
    k = rng.random()
    variant = "ok"
    if k < 0.06:
        sel, variant = rng.randrange(4), "nullsel"
    elif k < 0.12:
        sel, variant = SEL_DATA32, "datasel"
    elif k < 0.18:
        sel, variant = 0x60 | rng.randrange(4), "beyond"
    elif k < 0.24:
        slot = rng.choice(TEST_SLOTS)
        # a code segment of the gate's width: flat 32-bit, or 16-bit at F0000
        put_desc(c, slot, *(desc(0xF0000, 0xFFFF, 0x1A | (rng.randrange(2) << 7), 0x0)
                            if is16 else desc(0, 0xFFFFF, 0x1A | (rng.randrange(2) << 7), 0xC)))
        sel, variant = slot, "slot"
    body = []
    if rng.random() < 0.1:
        lim = rng.randrange(0x7F, vec * 8 + 7)
        c["pre"] += poke32(0x4FFF0, lim, 2) + poke32(0x4FFF2, IDT_BASE, 4)
        body.append("lidt [%s]" % hexv(0x4FFF0))
        variant = "idtlimit"
    gate = IDT_BASE + vec * 8
    c["pre"] += ["mov eax, %s" % target,
                 "mov [%s], ax" % hexv(gate),
                 "mov word [%s], %s" % (hexv(gate + 2), hexv(sel)),
                 "mov word [%s], %s" % (hexv(gate + 4), hexv((p << 15) | (dpl << 13) | (typ << 8))),
                 "shr eax, 16",
                 "mov [%s], ax" % hexv(gate + 6)]
    esp = _flat_stack(rng, c)
    body = ["mov esp, %s" % hexv(esp)] + body + ["int %s" % hexv(vec),
                                                 "mov eax, 0xBADBAD", ".t:"]
    if is16:
        # the 16-bit handler (CS = SEL_CODE16, base F0000) goes back to flat
        # 32-bit code without touching the flags or the stack
        body += ["section .text16", "bits 16", "..@%C%_h16:",
                 "jmp dword SEL_CODE32:%C%.t", "section .text32", "bits 32"]
    c["body"] = body
    c["name"] = name.replace("KIND", "%s_%s%s" % (gtype, variant, "" if p else "_np"))
    c["regs"]["flags"] = rng.flags(iopl_nt=False) | (rng.random() < 0.5) * 0x200
    rand_gprs(rng, c)
    return c


# ------------------------------------------------------------ far: far JMP/CALL/RETF between code segments
def gen_far(rng, name):
    c = new_case(name, 32)
    kind = rng.choice(["jmpf", "callf", "jmpfm", "callfm", "retf", "retfi",
                       "jmpf16", "callfm16"])
    slot = rng.choice(TEST_SLOTS)
    conforming = rng.random() < 0.3
    typ = 0x8 | (0x4 if conforming else 0) | rng.choice([0, 2])
    dpl = 0 if rng.random() < 0.85 else rng.randrange(1, 4)
    p = 0 if rng.random() < 0.08 else 1
    rpl = 0 if rng.random() < 0.85 else rng.randrange(1, 4)
    if kind.startswith("retf"):
        rpl = 0         # RPL > CPL would be a return to an outer level
    o16 = kind.endswith("16")
    # a base 16-byte aligned below the target so the offset fits in 16 bits
    # for the 16-bit operand forms
    gap = rng.randrange(0, 0xFF00) if o16 else rng.randrange(0, 0xF0000)
    # descriptor base = .t - gap, so .t is at offset gap in the segment
    c["pre"] += ["mov eax, %C%.t", "sub eax, %s" % hexv(gap),
                 "mov [%s], ax" % hexv(GDT_BASE + slot + 2),
                 "shr eax, 16",
                 "mov [%s], al" % hexv(GDT_BASE + slot + 4),
                 "mov [%s], ah" % hexv(GDT_BASE + slot + 7),
                 "mov word [%s], 0xFFFF" % hexv(GDT_BASE + slot),
                 "mov byte [%s], %s" % (hexv(GDT_BASE + slot + 5),
                                        hexv((p << 7) | (dpl << 5) | 0x10 | typ)),
                 "mov byte [%s], 0xCF" % hexv(GDT_BASE + slot + 6),
                 "mov dword [%s], %s" % (hexv(0x4FFE0), hexv(gap)),
                 "mov word [%s], %s" % (hexv(0x4FFE4), hexv(slot | rpl))]
    if rng.random() < 0.1:
        # target beyond a small limit: #GP(0)
        c["pre"] += ["mov word [%s], 0x10" % hexv(GDT_BASE + slot),
                     "mov byte [%s], 0x40" % hexv(GDT_BASE + slot + 6)]
    esp = _flat_stack(rng, c)
    b = ["mov esp, %s" % hexv(esp)]
    sel = slot | rpl
    if kind == "jmpf":
        b += ["jmp %s:%s" % (hexv(sel), hexv(gap))]
    elif kind == "callf":
        b += ["call %s:%s" % (hexv(sel), hexv(gap))]
    elif kind == "jmpfm":
        b += ["jmp far [%s]" % hexv(0x4FFE0)]
    elif kind == "callfm":
        b += ["call far [%s]" % hexv(0x4FFE0)]
    elif kind == "jmpf16":
        # m16:16: 16-bit offset, EIP upper half cleared (SDM vol. 2, JMP)
        b += ["mov eax, [%s]" % hexv(0x4FFE0), "mov [%s], ax" % hexv(0x4FFD0),
              "mov word [%s], %s" % (hexv(0x4FFD2), hexv(sel)), "mov eax, 0",
              "o16 jmp far [%s]" % hexv(0x4FFD0)]
    elif kind == "callfm16":
        b += ["mov eax, [%s]" % hexv(0x4FFE0), "mov [%s], ax" % hexv(0x4FFD0),
              "mov word [%s], %s" % (hexv(0x4FFD2), hexv(sel)), "mov eax, 0",
              "o16 call far [%s]" % hexv(0x4FFD0)]
    else:
        imm = rng.randrange(0, 0x20) & ~3
        b += ["push dword %s" % hexv(rng.r32()) for _ in range(imm // 4)]
        b += ["push dword %s" % hexv((rng.r16() << 16) | sel),
              "push dword [%s]" % hexv(0x4FFE0),
              "retf %s" % hexv(imm) if kind == "retfi" else "retf"]
    c["body"] = b + ["mov eax, 0xBADBAD", ".t:"]
    c["words"].append(GDT_BASE + slot + 4)
    c["name"] = name.replace("KIND", "%s_%s%s" % (kind, "conf" if conforming else "nc",
                                                  "" if (p and not dpl and not rpl) else "_bad"))
    c["regs"]["flags"] = rng.flags(iopl_nt=False)
    rand_gprs(rng, c)
    return c


# ------------------------------------------------------------ paging: #PF, CR2, A/D bits
TEST_LIN = 0x400000          # PDE 1 -> page table 1 (4 test pages)
PSE_LIN = 0x800000           # PDE 2: a 4 MiB page onto physical 0
FRAME0 = 0x40000             # frames of the test pages: 40000, 41000, ...


def _will_fault(lin, nbytes, write, wp, pde1, pde2, ptes, use_pse):
    """A conservative #PF prediction for the accessed bytes (CPL 0: only
    P and, with CR0.WP, R/W matter; SDM vol. 3, 4.6)."""
    for a in range(lin, lin + nbytes):
        if use_pse:
            e = pde2
        else:
            i = (a - TEST_LIN) >> 12
            if i >= 4:
                return True
            e = ptes[i] & (pde1 | ~2)
            if not pde1 & 1:
                return True
        if not e & 1 or (write and wp and not e & 2):
            return True
    return False


def gen_paging(rng, name):
    c = new_case(name, 32)
    wp = rng.random() < 0.5
    pse = rng.random() < 0.25
    pde_w = rng.random() < 0.8
    ptes = []
    for i in range(4):
        pte = (FRAME0 + 0x1000 * i) | 1 | (rng.random() < 0.7) * 2 | rng.choice([0, 4])
        if rng.random() < 0.2:
            pte &= ~1
        if rng.random() < 0.2:
            pte |= rng.choice([0x20, 0x40, 0x60])               # A, D preset
        ptes.append(pte)
    pde1 = PT1_BASE | 1 | (2 if pde_w else 0) | 4
    pde2 = 0x83 | rng.choice([0, 4]) if rng.random() < 0.85 else 0x82
    if not rng.random() < 0.8:
        pde2 &= ~2
    pre = poke32(PD_BASE + 4, pde1, 4) + poke32(PD_BASE + 8, pde2, 4)
    for i, e in enumerate(ptes):
        pre += poke32(PT1_BASE + 4 * i, e, 4)
    for i in range(4, 8):
        pre += poke32(PT1_BASE + 4 * i, 0, 4)
    cr0 = "or eax, 0x80010000" if wp else "or eax, 0x80000000"
    pre += ["mov eax, cr4", ("or eax, 0x10" if pse else "and eax, ~0x10"), "mov cr4, eax",
            "mov eax, %s" % hexv(PD_BASE), "mov cr3, eax",
            "mov eax, cr0", "and eax, ~0x10000", cr0, "mov cr0, eax"]
    c["pre"] = pre
    for i in range(4):
        add_fill(c, FRAME0 + 0x1000 * i + 0xF00, rng.randrange(1, 256))
        add_fill(c, FRAME0 + 0x1000 * i, rng.randrange(1, 256))
    page = rng.randrange(4)
    size = rng.choice([1, 2, 4])
    off = rng.choice([0xF00 + rng.randrange(0, 0xFC), 0x1000 - size + rng.randrange(1, size + 1)
                      if size > 1 else 0xFFF, rng.randrange(0, 0xFC)])
    if page == 3 and off + size > 0x1000:
        off = 0x1000 - size
    use_pse = pse and (pde2 & 0x80) and rng.random() < 0.5
    lin = (PSE_LIN + FRAME0 + page * 0x1000 + off) if use_pse else (TEST_LIN + page * 0x1000 + off)
    # no PUSH into the test pages: a #PF there could not be delivered on
    # that stack (#DF, then shutdown)
    op = rng.choice(["read", "write", "rmw", "movs"])
    sz = {1: "byte", 2: "word", 4: "dword"}[size]
    r = {1: "cl", 2: "cx", 4: "ecx"}[size]
    esp = _flat_stack(rng, c)
    b = ["mov esp, %s" % hexv(esp)]
    if op == "read":
        b.append("mov %s, %s [%s]" % (r, sz, hexv(lin)))
    elif op == "write":
        b.append("mov %s [%s], %s" % (sz, hexv(lin), r))
    elif op == "rmw":
        b.append("add %s [%s], %s" % (sz, hexv(lin), r))
    elif op == "push":
        b = ["mov esp, %s" % hexv((lin + size) & ~1), "push dword 0x12345678"]
    else:
        b.append("mov esi, %s" % hexv(0x4F000))
        b.append("mov edi, %s" % hexv(lin))
        b.append("mov ecx, %d" % rng.randrange(1, 9))
        b.append("cld")
        b.append("rep movsb")
        add_fill(c, 0x4F000, rng.randrange(1, 256))
    c["body"] = b
    # Whether a walk that ends in #PF sets the accessed flag of the entries
    # it read is not stated by the SDM (vol. 3, 4.8 speaks of entries "used
    # as part of linear-address translation"; QEMU sets it, Bochs does not):
    # for an access predicted to fault, the A flags start set, so only the
    # architecturally defined effects are compared (resolved.md).
    nbytes = size if op != "movs" else 9
    if _will_fault(lin, nbytes, op != "read", wp, pde1, pde2, ptes, use_pse):
        c["pre"] = [l for l in c["pre"]]
        c["pre"] += poke32(PD_BASE + 4, pde1 | 0x20, 4) + poke32(PD_BASE + 8, pde2 | 0x20, 4)
        for i, e in enumerate(ptes):
            c["pre"] += poke32(PT1_BASE + 4 * i, e | 0x20, 4)
        c["pre"] += ["mov eax, %s" % hexv(PD_BASE), "mov cr3, eax"]
    c["words"] += [PD_BASE + 4, PD_BASE + 8] + [PT1_BASE + 4 * i for i in range(4)]
    c["name"] = name.replace("KIND", "%s%s%s" % (op, "_pse" if use_pse else "",
                                                "_wp" if wp else ""))
    c["regs"]["flags"] = rng.flags(iopl_nt=False)
    rand_gprs(rng, c, keep=("esi", "edi", "ecx") if op == "movs" else ())
    return c


GROUPS = {
    "segload": gen_segload,
    "lar": gen_lar,
    "intgate": gen_intgate,
    "far": gen_far,
    "paging": gen_paging,
}
