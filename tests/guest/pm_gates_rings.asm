; pm_gates_rings.asm - privilege-level transitions (SDM vol. 3, 5.8 "Privilege
; level checking when transferring program control between code segments",
; 6.12 "Exception and interrupt handling"; vol. 2 CALL, RET, INT n, IRET):
;   IRETD from ring 0 to ring 3; a 32-bit call gate (DPL 3, 2 dword
;   parameters) from ring 3 to ring 0: the inner stack from TSS0, the frame
;   SS, ESP, params, CS, EIP; RETF 8 back to ring 3, where DS (loaded with a
;   DPL 0 segment in ring 0) becomes null; a 16-bit call gate with 2 word
;   parameters from a ring-3 segment based at F0000; a call gate with DPL 0
;   from ring 3 (#GP(gate)); JMP through a gate to a more privileged
;   segment (#GP(code)); a call gate to a conforming segment (CPL stays 3);
;   a call gate between ring-0 segments (no stack switch); INT n from ring 3
;   through interrupt and trap gates (IF cleared or kept, the inner stack
;   frame), through a DPL 0 gate (#GP(vector*8+2)); IRETD to ring 3 that
;   keeps IOPL and IF at CPL 3; POPF at CPL 3 ignoring IOPL and IF.
; Expected output (expected/pm_gates_rings.txt) is captured from
; qemu-system-i386 7.2 -accel tcg by capture-expected.sh, with one line
; corrected by hand where QEMU departs from the SDM (the SDM decides):
;   "gate to conforming": a call gate to a conforming segment stays at CPL 3
;   and the processor sets CS.RPL to CPL ("SAME-PRIVILEGE: CS(RPL) <- CPL",
;   vol. 2, CALL), so CS = 006B; QEMU keeps the gate's RPL 0 (0068).
%include "lib.inc"
%include "sys.inc"

S_G32   equ SEL_FREE+0x00       ; call gate 32, DPL 3, 2 params -> gate32_target (ring 0)
S_G0    equ SEL_FREE+0x08       ; call gate 32, DPL 0 -> gate32_target
S_GCONF equ SEL_FREE+0x10       ; call gate 32, DPL 3 -> conforming DPL 0 code
S_CONF  equ SEL_FREE+0x18       ; conforming code DPL 0, flat
S_G16   equ SEL_FREE+0x20       ; call gate 16, DPL 3, 2 params -> gate16_target (ring 0)
S_C3LOW equ SEL_FREE+0x28       ; code32 DPL 3, base F0000, limit FFFF
S_GR0   equ SEL_FREE+0x30       ; call gate 32, DPL 0 -> same_target (ring 0)
S_C0LOW equ SEL_FREE+0x38       ; code32 DPL 0, base F0000, limit FFFF (16-bit gate target)

; PR "name", value: print " name=value" (8 digits)
%macro PR 2
        PUTS    %1
        PHEX    8, %2
%endmacro

main16:
        ENTER_PM pm32

section .text32
bits 32
pm32:
        call    sys_init
        GATE    S_G32, SEL_CODE32, gate32_target, ACC_CGATE32 | 0x60, 2
        GATE    S_G0, SEL_CODE32, gate32_target, ACC_CGATE32, 0
        GATE    S_GCONF, S_CONF, conf_target, ACC_CGATE32 | 0x60, 0
        DESC    S_CONF, 0, 0xFFFFF, 0x9E, GRAN_4K32
        GATE    S_G16, S_C0LOW, gate16_target - ROMBASE, ACC_CGATE16 | 0x60, 2
        DESC    S_C0LOW, 0xF0000, 0xFFFF, ACC_CODE0, 0x4
        DESC    S_C3LOW, 0xF0000, 0xFFFF, ACC_CODE3, 0x4
        GATE    S_GR0, SEL_CODE32, same_target, ACC_CGATE32, 0
        IGATE   0x30, SEL_CODE32, back0, ACC_IGATE32 | 0x60
        IGATE   0x31, SEL_CODE32, int31_handler, ACC_IGATE32 | 0x60
        IGATE   0x32, SEL_CODE32, int31_handler, ACC_TRAP32 | 0x60
        IGATE   0x33, SEL_CODE32, int31_handler, ACC_IGATE32

        PUTSLN  "== ring 0 -> 3"
        TRY     "iretd to ring 3:", {RING3 r3_basic, 0x0002}
        TRY     "call gate32:", {RING3 r3_gate32, 0x0002}
        TRY     "call gate dpl0:", {RING3 r3_gate_dpl0, 0x0002}
        TRY     "jmp gate to ring 0:", {RING3 r3_jmp_gate, 0x0002}
        TRY     "gate to conforming:", {RING3 r3_conf, 0x0002}
        TRY     "int gate:", {RING3 r3_int, 0x0202}
        TRY     "trap gate:", {RING3 r3_trap, 0x0202}
        TRY     "int dpl0 gate:", {RING3 r3_int_dpl0, 0x0202}
        TRY     "popf at cpl3:", {RING3 r3_popf, 0x0202}
        TRY     "iopl3 cli:", {RING3 r3_iopl3, 0x3202}
        TRY     "iopl0 cli:", {RING3 r3_cli, 0x0202}
        TRY     "call gate16:", {push dword SEL_DATA3}, {push dword 0xF000}, {push dword 0x0002}, {push dword S_C3LOW|3}, {push dword r3_gate16 - ROMBASE}, {iretd}
        PUTSLN  "== ring 0 gates"
        TRY     "call gate ring0:", {mov [VAR_BASE+0xC0], esp}, {call S_GR0:0}, {mov ebx, esp}, {sub ebx, [VAR_BASE+0xC0]}, {PR " esp delta=", ebx}
        EXIT

; ---- ring 3 code
r3_basic:
        mov     eax, cs
        PR      " cs=", eax
        mov     eax, ss
        PR      " ss=", eax
        PR      " esp=", esp
        pushfd
        pop     eax
        PR      " efl=", eax
        int     0x30

r3_gate32:
        mov     ax, SEL_DATA3
        mov     ds, ax
        push    dword 0xAAAA0001
        push    dword 0xBBBB0002
        call    S_G32:0x12345678        ; the offset is ignored for a gate
        mov     eax, ds
        PR      " back: ds=", eax
        PR      " esp=", esp
        mov     eax, cs
        PR      " cs=", eax
        int     0x30

r3_gate_dpl0:
        call    S_G0:0
        int     0x30

r3_jmp_gate:
        jmp     S_G32:0
        int     0x30

r3_conf:
        call    S_GCONF:0
        PUTS    " back"
        int     0x30

r3_int:
        int     0x31
        PUTS    " back"
        pushfd
        pop     eax
        PR      " efl=", eax
        int     0x30

r3_trap:
        int     0x32
        PUTS    " back"
        int     0x30

r3_int_dpl0:
        int     0x33
        int     0x30

; POPF at CPL 3 > IOPL: IF and IOPL keep their values, no fault (vol. 2, POPF)
r3_popf:
        push    dword 0x3000
        popfd
        pushfd
        pop     eax
        PR      " efl=", eax
        int     0x30

r3_iopl3:
        cli
        pushfd
        pop     eax
        PR      " efl=", eax
        int     0x30

r3_cli:
        cli
        int     0x30

; runs with CS = S_C3LOW (base F0000): offsets are linear - F0000
r3_gate16:
        mov     ax, SEL_DATA3
        mov     ds, ax
        push    word 0x1111
        push    word 0x2222
        call    S_G16:0
        PR      " back: esp=", esp
        mov     eax, cs
        PR      " cs=", eax
        int     0x30

; ---- ring 0 targets
gate32_target:
        mov     eax, cs
        PR      " cs=", eax
        mov     eax, ss
        PR      " ss=", eax
        PR      " esp=", esp
        PR      " frame:", [esp]
        PUTS    " "
        PHEX    8, [esp+4]
        PUTS    " "
        PHEX    8, [esp+8]
        PUTS    " "
        PHEX    8, [esp+12]
        PUTS    " "
        PHEX    8, [esp+16]
        PUTS    " "
        PHEX    8, [esp+20]
        mov     ax, SEL_DATA32          ; DPL 0: nulled by the return to ring 3
        mov     ds, ax
        retf    8

conf_target:
        mov     eax, cs
        PR      " cs=", eax
        mov     eax, ss
        PR      " ss=", eax
        retf

; runs with CS = S_C0LOW (base F0000), reached through the 16-bit gate
gate16_target:
        mov     eax, cs
        PR      " cs=", eax
        PR      " esp=", esp
        PR      " frame:", [esp]
        PUTS    " "
        PHEX    8, [esp+4]
        PUTS    " "
        PHEX    8, [esp+8]
        o16 retf 4

same_target:
        mov     eax, cs
        PR      " cs=", eax
        PR      " ret cs=", [esp+4]
        retf

int31_handler:
        mov     eax, cs
        PR      " cs=", eax
        pushfd
        pop     eax
        PR      " efl=", eax
        PR      " frame:", [esp+4]
        PUTS    " "
        PHEX    8, [esp+8]
        PUTS    " "
        PHEX    8, [esp+12]
        PUTS    " "
        PHEX    8, [esp+16]
        iretd

; INT 30h from ring 3: back to the test flow in ring 0
back0:
        RESTORE_SEGS
        jmp     [RESUME]
