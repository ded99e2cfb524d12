; fpu_nm.asm - #NM (device not available, vector 7) from the x87, real mode
; and flat 32-bit PM (SDM vol. 3, 2.5 "Control Registers", table 2-2 "Action
; Taken By x87 FPU Instructions for Different Combinations of EM, MP, and TS";
; vol. 3, 6.15 "Interrupt 7"):
;   - all eight EM/MP/TS combinations for an x87 instruction (FNOP) and for
;     WAIT/FWAIT: the x87 instruction faults when EM=1 or TS=1, WAIT only when
;     MP=1 and TS=1 (EM is ignored by WAIT);
;   - non-waiting x87 instructions (FNSTSW AX, FNINIT) fault like the others;
;   - #NM is a fault: the saved (E)IP is the x87/WAIT instruction;
;   - CLTS clears CR0.TS and leaves MP/EM alone;
;   - the lazy-context-switch pattern: the handler executes CLTS and returns
;     to the faulting FLD1, which then runs once (" -" after the handler's
;     output: no second #NM; then the #NM count, TOP = 7 and CR0 MP|EM|TS).
; Handlers print " #vv" and "ip ok" when the saved IP is the instruction.
; Expected output (expected/fpu_nm.txt) is captured from qemu-system-i386
; -accel tcg by capture-expected.sh; every line agrees with table 2-2.
%include "lib.inc"

RESUME   equ VAR_BASE+0x30
EXPECTIP equ VAR_BASE+0x34
NMCNT    equ VAR_BASE+0x38
FIXUP    equ VAR_BASE+0x3C      ; 1: the handler does CLTS and restarts
CR0_MPB  equ 0x2
CR0_EMB  equ 0x4
CR0_TSB  equ 0x8

; SETCR0 bits - CR0.MP/EM/TS := bits (clobbers EAX)
%macro SETCR0 1
        mov     eax, cr0
        and     eax, ~(CR0_MPB|CR0_EMB|CR0_TSB)
        or      eax, %1
        mov     cr0, eax
%endmacro

; TRYNM insn - run insn expecting maybe a #NM; " -" if none happened
%macro TRYNM 1+
        mov     dword [RESUME], %%after
        mov     dword [EXPECTIP], %%insn
%%insn: %1
        PUTS    " -"
%%after:
%endmacro

%macro CASES 0
        fninit
%assign c 0
%rep 8
%assign em (c >> 2) & 1
%assign mp (c >> 1) & 1
%assign ts c & 1
        PUTS    "em mp ts "
        PHEX    1, em
        PHEX    1, mp
        PHEX    1, ts
        SETCR0  (em*CR0_EMB)|(mp*CR0_MPB)|(ts*CR0_TSB)
        PUTS    ": fnop"
        TRYNM   fnop
        PUTS    ", fwait"
        TRYNM   fwait
        SETCR0  0
        NEWLINE
%assign c c+1
%endrep
        PUTS    "fnstsw ax ts=1:"
        SETCR0  CR0_TSB
        TRYNM   fnstsw ax
        SETCR0  0
        NEWLINE
        PUTS    "fninit em=1:"
        SETCR0  CR0_EMB
        TRYNM   fninit
        SETCR0  0
        NEWLINE
        PUTS    "fstp st0 mp=1 ts=1:"
        SETCR0  CR0_MPB|CR0_TSB
        TRYNM   fstp st0
        NEWLINE
        ; CLTS clears TS only
        SETCR0  CR0_MPB|CR0_TSB|CR0_EMB
        clts
        mov     ecx, cr0
        and     ecx, CR0_MPB|CR0_EMB|CR0_TSB
        SETCR0  CR0_MPB|CR0_TSB
        clts
        mov     ebx, cr0
        and     ebx, CR0_MPB|CR0_EMB|CR0_TSB
        SETCR0  0
        CASE    "clts: cr0 em|mp|ts after (ts+em+mp), (ts+mp)", 0, ecx, ebx
        PUTS    "fnop after clts:"
        TRYNM   fnop
        NEWLINE
        ; lazy FPU switch: #NM handler does CLTS and returns to the FLD1
        fninit
        mov     dword [NMCNT], 0
        mov     dword [FIXUP], 1
        SETCR0  CR0_MPB|CR0_TSB
        PUTS    "lazy switch (count top cr0):"
        TRYNM   fld1
        mov     dword [FIXUP], 0
        fnstsw  ax
        movzx   eax, ax
        and     eax, 0x3800             ; TOP
        mov     ebx, cr0
        and     ebx, CR0_MPB|CR0_EMB|CR0_TSB
        SHOW    0, [NMCNT], eax, ebx
        SETCR0  0
        fninit
%endmacro

main16:
        PUTSLN  "== real mode"
        SET_IVT 7, h16_nm
        mov     dword [FIXUP], 0
        CASES
        ENTER_PM pm32

; real-mode #NM: [bp+2] IP, [bp+4] CS, [bp+6] FLAGS
h16_nm: push    bp
        mov     bp, sp
        push    eax
        inc     dword [NMCNT]
        PUTS    " #07"
        movzx   eax, word [bp+2]
        cmp     eax, [EXPECTIP]
        jne     .bad
        cmp     word [bp+4], 0xF000
        jne     .bad
        PUTS    " ip ok"
        jmp     .r
.bad:   PUTS    " ip BAD "
        PHEX    4, eax
.r:     cmp     dword [FIXUP], 0
        je      .skip
        clts                            ; restart the instruction
        jmp     .out
.skip:  mov     ax, [RESUME]
        mov     [bp+2], ax
.out:   pop     eax
        pop     bp
        iret

section .text32
bits 32
pm32:
        PUTSLN  "== protected mode"
        SET_IDT 7, h32_nm
        CASES
        EXIT

; 32-bit #NM (no error code): [esp+4] EIP, [esp+8] CS, [esp+12] EFLAGS
h32_nm: push    eax
        inc     dword [NMCNT]
        PUTS    " #07"
        mov     eax, [esp+4]
        cmp     eax, [EXPECTIP]
        jne     .bad
        cmp     word [esp+8], SEL_CODE32
        jne     .bad
        PUTS    " ip ok"
        jmp     .r
.bad:   PUTS    " ip BAD "
        PHEX    8, eax
.r:     cmp     dword [FIXUP], 0
        je      .skip
        clts
        jmp     .out
.skip:  mov     eax, [RESUME]
        mov     [esp+4], eax
.out:   pop     eax
        iretd
