; fpu_mf.asm - x87 error reporting with CR0.NE=1 (native mode): #MF, vector
; 16, real mode and flat 32-bit PM (SDM vol. 1, 8.6 "x87 FPU Exception
; Synchronization" and 8.7.1 "Native Mode"; vol. 3, 6.15 "Interrupt 16").
; An unmasked zero divide (FDIV by +0.0 with ZM clear in the control word)
; only sets ZE, ES and B; #MF is signalled immediately before the NEXT
; waiting x87 instruction (FWAIT, or FLD1 here), and the saved (E)IP is that
; instruction, which has not executed (TOP unchanged inside the handler).
; The handler reads FNSTSW, stores the environment with FNSTENV (16-bit real
; mode layout, SDM vol. 1, figure 8-11, in real mode; 32-bit protected mode
; layout, figure 8-9, in PM), FNCLEX and returns to the waiting instruction,
; which then runs.  Cases:
;   fdiv0/fwait   #MF at FWAIT; SW; FSTENV's CW SW TW, FPU instruction
;                 pointer (= the FDIV: "fip ok"), opcode and operand pointer
;   fdiv0/fld1    #MF at FLD1, which runs after the handler (TOP 7 -> 6)
;   no-wait       FNSTCW, FNSTSW, FNCLEX do not take a pending #MF (8.6)
;   fnstenv       FNSTENV does not take it and masks all exceptions: ES/B clear
;   fninit/fnsave FNINIT and FNSAVE do not take it either
;   fldcw         a masked ZE flag becomes pending when FLDCW unmasks ZM:
;                 #MF at the next FWAIT (vol. 2, FLDCW: "any exceptions
;                 unmasked by the new control word will be generated upon
;                 execution of the next waiting floating-point instruction")
;   nm first      ES pending and CR0.TS=MP=1: FWAIT raises #NM first (vol. 3,
;                 table 6-2: #NM is a priority-7 decode fault, #MF priority 8);
;                 the #NM handler does CLTS, the restarted FWAIT raises #MF.
; Status words are printed with C0, C2 and C3 masked out (undefined after
; FDIV and FLD: vol. 2, FDIV/FLD "FPU Flags Affected").  The reserved upper
; halves of the 32-bit FSTENV image (figure 8-9) are masked too.
; Opcode field (8.1.9): bits 10-8 = low 3 bits of the first opcode byte,
; bits 7-0 = ModR/M: FDIV m32fp = D8 /6, so 036h with a disp16 operand
; (ModR/M 36h) and 035h with a disp32 one (ModR/M 35h).
; Real-mode FSTENV stores 20-bit linear addresses (CS * 16 + IP): the FDIV
; at F000:xxxx gives IP bits 19-16 = Fh in bits 15-12 of the opcode word.
;
; Expected output (expected/fpu_mf.txt): captured from qemu-system-i386 7.2
; -accel tcg by capture-expected.sh, then corrected by hand where QEMU
; departs from the SDM (the SDM decides; Bochs 2.7 agrees with every
; corrected line).  Do not regenerate without re-applying them:
;   - QEMU checks for a pending exception only at FWAIT, not at the next
;     waiting x87 instruction (SDM vol. 1, 8.6 and 8.7.1): lines
;     "fdiv0/fld1" (corrected: #MF at FLD1 with TOP still 7, FLD1 runs after
;     the handler: " #10 ip ok sw B884 after sw 3000 n1").
;   - QEMU writes +inf to ST0 despite the unmasked zero divide; the SDM
;     leaves the destination unchanged for an unmasked pre-computation
;     exception (vol. 1, 8.5.3 and 4.9.2), so R7 = 1.0 stays valid:
;     "env cw sw tw" tag word 3FFF (QEMU BFFF).
;   - QEMU's FSTENV instruction pointer and opcode are not the FDIV's
;     (vol. 1, 8.1.8 and 8.1.9: last non-control instruction, here the one
;     that raised the exception): "env fip" lines corrected to "ok" with
;     opcode 036h (real mode, IP bits 19-16 = Fh: F036) and 035h (PM,
;     00350008).
;   - QEMU does not recompute ES when the masks change: FNSTENV masks every
;     exception, so ES/B clear and FWAIT has nothing to report (line
;     "fnstenv": sw 3804 cw 037F n0), and FLDCW unmasking ZM with ZE set
;     makes it pending (line "fldcw": #MF at FWAIT, n1) (vol. 1, 8.1.3.7
;     "ES is set when any of the unmasked exception flags are set"; vol. 2,
;     FLDCW and FSTENV).
%include "lib.inc"

EXPECTIP equ VAR_BASE+0x34
MFCNT    equ VAR_BASE+0x38
SWH      equ VAR_BASE+0x3C      ; FNSTSW inside the #MF handler
ENV      equ VAR_BASE+0x60      ; FNSTENV image (28 bytes)
ZERO     equ VAR_BASE+0x100     ; dword +0.0
CWZ      equ VAR_BASE+0x104     ; control word 037Bh: ZM clear
TMPW     equ VAR_BASE+0x108
SAVEBUF  equ VAR_BASE+0x200     ; FNSAVE image (108 bytes)
SWMASK   equ 0xBAFF             ; C0 C2 C3 masked

; ZDIV label - FNINIT, unmask ZM, ST0 = 1.0, then label: FDIV by zero
%macro ZDIV 1
        fninit
        fldcw   [CWZ]
        fld1
%1:     fdiv    dword [ZERO]
%endmacro

; WAITI insn - run the waiting instruction insn with EXPECTIP pointing at it
%macro WAITI 1+
        mov     dword [EXPECTIP], %%i
%%i:    %1
%endmacro

; PSW - print " sw xxxx" of FNSTSW (C0 C2 C3 masked)
%macro PSW 0
        push    eax
        fnstsw  ax
        and     eax, SWMASK
        PUTS    " sw "
        PHEX    4, eax
        pop     eax
%endmacro

%macro COMMON_CASES 0
        ; the #MF is taken at the next waiting instruction, not at FLD1
        mov     dword [MFCNT], 0
        PUTS    "fdiv0/fld1:"
        ZDIV    %%d2
        WAITI   fld1
        PUTS    " after"
        PSW
        PUTS    " n"
        PHEX    1, [MFCNT]
        NEWLINE
        ; non-waiting instructions
        mov     dword [MFCNT], 0
        PUTS    "no-wait:"
        ZDIV    %%d3
        fnstcw  [TMPW]
        fnstsw  ax
        fnclex
        WAITI   fwait
        PSW
        PUTS    " n"
        PHEX    1, [MFCNT]
        NEWLINE
        mov     dword [MFCNT], 0
        PUTS    "fnstenv:"
        ZDIV    %%d4
        fnstenv [ENV]
        fnstcw  [TMPW]
        PSW
        WAITI   fwait
        PUTS    " cw "
        PHEX    4, [TMPW]
        PUTS    " n"
        PHEX    1, [MFCNT]
        NEWLINE
        mov     dword [MFCNT], 0
        PUTS    "fninit/fnsave:"
        ZDIV    %%d5
        fninit
        WAITI   fwait
        ZDIV    %%d6
        fnsave  [SAVEBUF]
        WAITI   fwait
        PSW
        PUTS    " n"
        PHEX    1, [MFCNT]
        NEWLINE
        ; FLDCW unmasking an exception whose flag is already set
        mov     dword [MFCNT], 0
        PUTS    "fldcw:"
        fninit
        fld1
        fdiv    dword [ZERO]            ; masked: ST0 = +inf, ZE
        PSW
        fldcw   [CWZ]
        WAITI   fwait
        PUTS    " n"
        PHEX    1, [MFCNT]
        NEWLINE
        ; #NM before #MF
        mov     dword [MFCNT], 0
        PUTS    "nm first:"
        ZDIV    %%d7
        mov     eax, cr0
        or      eax, 0xA                ; TS | MP
        mov     cr0, eax
        WAITI   fwait
        PUTS    " n"
        PHEX    1, [MFCNT]
        NEWLINE
        fninit
%endmacro

main16:
        PUTSLN  "== real mode"
        mov     eax, cr0
        or      eax, 0x20               ; CR0.NE
        mov     cr0, eax
        mov     dword [ZERO], 0
        mov     word [CWZ], 0x037B
        SET_IVT 16, h16_mf
        SET_IVT 7, h16_nm
        ; #MF at FWAIT, with the environment
        mov     dword [MFCNT], 0
        PUTS    "fdiv0/fwait:"
        ZDIV    rm_div
        PSW
        WAITI   fwait
        PUTS    " n"
        PHEX    1, [MFCNT]
        NEWLINE
        ; FNSTENV in the handler: 16-bit real-mode layout (figure 8-11)
        movzx   eax, word [ENV]
        movzx   ebx, word [ENV+2]
        and     ebx, SWMASK
        movzx   ecx, word [ENV+4]
        CASE    "  env cw sw tw", 0, eax, ebx, ecx
        PUTS    "  env fip"
        cmp     word [ENV+6], rm_div
        jne     .bad
        PUTS    " ok"
        jmp     .f
.bad:   PUTS    " BAD "
        PHEX    4, [ENV+6]
.f:     movzx   eax, word [ENV+8]
        movzx   ebx, word [ENV+10]
        movzx   ecx, word [ENV+12]
        CASE    ", ip19-16|fop, fdp, fdp19-16", 0, eax, ebx, ecx
        COMMON_CASES
        ENTER_PM pm32

; real-mode #MF: [bp+2] IP, [bp+4] CS
h16_mf: push    bp
        mov     bp, sp
        push    eax
        inc     dword [MFCNT]
        PUTS    " #10"
        movzx   eax, word [bp+2]
        cmp     eax, [EXPECTIP]
        jne     .bad
        cmp     word [bp+4], 0xF000
        jne     .bad
        PUTS    " ip ok"
        jmp     .s
.bad:   PUTS    " ip BAD "
        PHEX    4, eax
.s:     PSW
        fnstenv [ENV]
        fnclex
        pop     eax
        pop     bp
        iret

; real-mode #NM: CLTS and restart
h16_nm: push    bp
        mov     bp, sp
        push    eax
        PUTS    " #07"
        movzx   eax, word [bp+2]
        cmp     eax, [EXPECTIP]
        jne     .bad
        PUTS    " ip ok"
        jmp     .s
.bad:   PUTS    " ip BAD "
        PHEX    4, eax
.s:     clts
        pop     eax
        pop     bp
        iret

section .text32
bits 32
pm32:
        PUTSLN  "== protected mode"
        SET_IDT 16, h32_mf
        SET_IDT 7, h32_nm
        mov     dword [MFCNT], 0
        PUTS    "fdiv0/fwait:"
        ZDIV    pm_div
        PSW
        WAITI   fwait
        PUTS    " n"
        PHEX    1, [MFCNT]
        NEWLINE
        ; FNSTENV in the handler: 32-bit protected-mode layout (figure 8-9)
        movzx   eax, word [ENV]
        movzx   ebx, word [ENV+4]
        and     ebx, SWMASK
        movzx   ecx, word [ENV+8]
        CASE    "  env cw sw tw", 0, eax, ebx, ecx
        PUTS    "  env fip"
        cmp     dword [ENV+12], pm_div
        jne     .bad
        PUTS    " ok"
        jmp     .f
.bad:   PUTS    " BAD "
        PHEX    8, [ENV+12]
.f:     mov     eax, [ENV+16]
        mov     ebx, [ENV+20]
        movzx   ecx, word [ENV+24]
        CASE    ", fop|fcs, fdp, fds", 0, eax, ebx, ecx
        COMMON_CASES
        EXIT

; 32-bit #MF (no error code): [esp+4] EIP, [esp+8] CS
h32_mf: push    eax
        inc     dword [MFCNT]
        PUTS    " #10"
        mov     eax, [esp+4]
        cmp     eax, [EXPECTIP]
        jne     .bad
        cmp     word [esp+8], SEL_CODE32
        jne     .bad
        PUTS    " ip ok"
        jmp     .s
.bad:   PUTS    " ip BAD "
        PHEX    8, eax
.s:     PSW
        fnstenv [ENV]
        fnclex
        pop     eax
        iretd

h32_nm: push    eax
        PUTS    " #07"
        mov     eax, [esp+4]
        cmp     eax, [EXPECTIP]
        jne     .bad
        PUTS    " ip ok"
        jmp     .s
.bad:   PUTS    " ip BAD "
        PHEX    8, eax
.s:     clts
        pop     eax
        iretd
