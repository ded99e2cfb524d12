"""Fixed cases on which QEMU and Bochs disagree and the Intel SDM decides
(resolved.md gives each case, both answers, the SDM section and the
verdict).  Their expected dumps are in expected/sdm.txt; run.py compares
xlat86 with those, not with the peers.

Real mode (SDM vol. 3, 20.1.1 and the "Real-Address Mode Exceptions" of
each instruction in vol. 2): an access whose last byte lies beyond the
segment limit (FFFF) raises #GP(0), or #SS(0) through SS; it does not wrap.
QEMU does not model real-mode limits and wraps or reads past FFFF.
"""

from caselib import Rng, new_case, add_fill, poke32, rand_gprs

SEG = 0x2345         # DS/ES/FS/GS of the real-mode cases
SSEG = 0x3456


def _rm(rng, name, body, regs=None, sp=0x8000, fills=()):
    c = new_case("sdm." + name)
    c["regs"].update({"ds": SEG, "es": SEG + 0x100, "fs": SEG + 0x200, "gs": SEG + 0x300,
                      "ss": SSEG, "esp": sp, "flags": 0x0046})
    c["regs"].update(regs or {})
    for lin in fills:
        add_fill(c, lin, 0x5A)
    c["body"] = body
    rand_gprs(rng, c)
    return c


def cases():
    rng = Rng("sdm")
    top = (SEG << 4) + 0xFF00
    out = [
        # MOV: a word at offset FFFF of DS -> #GP(0)
        _rm(rng, "rm.word_ffff_ds", ["mov ax, [0xFFFF]"], fills=[top]),
        # through SS (BP base) -> #SS(0)
        _rm(rng, "rm.word_ffff_ss", ["mov ax, [bp]"], {"ebp": 0xFFFF},
            fills=[(SSEG << 4) + 0xFF00]),
        # a dword at FFFE
        _rm(rng, "rm.dword_fffe_es", ["mov eax, [es:0xFFFE]"]),
        # a store at FFFF: #GP and memory unchanged
        _rm(rng, "rm.store_word_ffff", ["mov [0xFFFF], cx"], fills=[top, SEG << 4]),
        # 32-bit address beyond FFFF: #GP(0) / #SS(0)
        _rm(rng, "rm.a32_beyond_ds", ["mov al, [esi]"], {"esi": 0x10000}),
        _rm(rng, "rm.a32_beyond_ss", ["mov al, [ebp]"], {"ebp": 0x12345}),
        # string: MOVSW with SI = FFFF, STOSW with DI = FFFF
        _rm(rng, "rm.movsw_si_ffff", ["movsw"], {"esi": 0xFFFF, "edi": 0x100},
            fills=[top, (SEG + 0x100) << 4]),
        _rm(rng, "rm.rep_stosw_di_ffff", ["rep stosw"], {"edi": 0xFFFD, "ecx": 3},
            fills=[((SEG + 0x100) << 4) + 0xFF00, (SEG + 0x100) << 4]),
        # PUSH of a dword with SP = 2: the slot straddles 0000/FFFF -> #SS(0)
        _rm(rng, "rm.push32_sp2", ["push eax"], sp=2,
            fills=[(SSEG << 4) + 0xFF00, SSEG << 4]),
        # XLAT with 32-bit addressing, EBX + AL = 10000 -> #GP(0)
        _rm(rng, "rm.xlat_a32_beyond", ["a32 xlatb"], {"ebx": 0xFFFF, "eax": 0x01}),
        # far RET whose pops cross SP = FFFF -> 0000: each pop wraps
        # (resolved.md S5); QEMU takes the selector from past FFFF
        _rm(rng, "rm.retf32_wrap", ["push dword 0xABCDF000", "push dword .t",
                                    "o32 retf", "mov eax, 0xBADBAD", ".t:"], sp=4,
            fills=[(SSEG << 4) + 0xFF00, SSEG << 4]),
        _rm(rng, "rm.retf16_wrap", ["push word 0xF000", "push word .t", "retf",
                                    "mov eax, 0xBADBAD", ".t:"], sp=2,
            fills=[(SSEG << 4) + 0xFF00, SSEG << 4]),
        # far JMP with a 32-bit offset beyond the CS limit -> #GP(0).  Last
        # of the real-mode cases: QEMU jumps to F000:00012345 and runs
        # whatever is there, so its later answers are lost
        _rm(rng, "rm.jmpf_eip_beyond", ["jmp dword 0xF000:0x00012345"]),
    ]
    out += _pm_cases(rng)
    return out


def _pm_cases(rng):
    res = []
    # RF in the EFLAGS image of a fault: SDM vol. 3, 18.3.1.1: the value
    # pushed for RF is 1 for every fault-class exception except an
    # instruction-breakpoint #DB.  V_XFL (0x45C) holds the pushed image.
    c = new_case("sdm.pm.rf_on_fault_gp", 32)
    c["body"] = ["mov ax, 0x60", "mov ds, ax"]            # beyond the GDT: #GP(0x60)
    c["words"] = [0x45C]
    c["regs"]["flags"] = 0x0002
    rand_gprs(rng, c)
    res.append(c)
    c = new_case("sdm.pm.rf_on_trap_int3", 32)            # a trap: RF = 0
    c["body"] = ["int3"]
    c["words"] = [0x45C]
    c["regs"]["flags"] = 0x0002
    rand_gprs(rng, c)
    res.append(c)
    # #PF error code of a read-modify-write instruction on a not-present
    # page: W/R = 1 (SDM vol. 3, 4.7: "the access causing the page-fault
    # exception was a write"; the destination of ADD is written)
    c = new_case("sdm.pm.rmw_pf_not_present", 32)
    c["pre"] = (poke32(0x2004, 0x4027, 4) + poke32(0x4000, 0x40026, 4) +
                ["mov eax, 0x2000", "mov cr3, eax", "mov eax, cr0",
                 "or eax, 0x80000000", "mov cr0, eax"])
    c["body"] = ["add dword [0x400100], ecx"]
    c["words"] = [0x4000]
    c["regs"]["flags"] = 0x0002
    rand_gprs(rng, c)
    res.append(c)
    # The same for a dword that crosses from a present, writable page into
    # a not-present one: #PF with W/R = 1 and CR2 = the first byte of the
    # second page (the address of the access that faulted, SDM vol. 3,
    # 4.7); nothing is written to the first page (the instruction faults
    # as a whole).  The first PTE has A and D set already, so its own bits
    # do not depend on when a processor sets them.
    c = new_case("sdm.pm.rmw_pf_cross", 32)
    c["pre"] = (poke32(0x2004, 0x4027, 4) + poke32(0x4000, 0x40067, 4) +
                poke32(0x4004, 0x41026, 4) + poke32(0x40FFC, 0x11223344, 4) +
                ["mov eax, 0x2000", "mov cr3, eax", "mov eax, cr0",
                 "or eax, 0x80000000", "mov cr0, eax"])
    c["body"] = ["add dword [0x400FFE], ecx"]
    c["words"] = [0x4000, 0x4004, 0x40FFC]
    c["regs"]["flags"] = 0x0002
    rand_gprs(rng, c)
    res.append(c)
    return res
