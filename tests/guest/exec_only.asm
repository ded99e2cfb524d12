; exec_only.asm - reads through an execute-only code segment (SDM vol. 3,
; 5.5 and vol. 2, MOV "Protected Mode Exceptions": #GP(0) "if ... the
; segment is an execute-only code segment" for a data read). A far CALL
; runs code in CS = execute-only (type 8) or execute/read (type A), which
; reads a dword through a CS: override and returns with RETF. Run under
; inline code and helpers alike: the translator's fast path once let every
; code segment be read (xlat86 review bug, issue 10).
; Expected output (expected/exec_only.txt): captured from qemu-system-i386
; 7.2 -accel tcg, then corrected by hand: QEMU's TCG does not check the
; readable bit on CS-relative reads (as it checks no segment types on data
; accesses, see pm_desc_faults.asm), so it prints " -" on "xo cs read";
; the SDM (sections above) and Bochs 2.7 (checked through
; tests/oracle/executors.py run_bochs on this ROM: the same 9 lines) raise
; #GP(0): " #0D e=0000".
%include "lib.inc"
%include "sys.inc"

S_XO    equ SEL_FREE+0x00       ; execute-only code, flat, 32-bit
S_XR    equ SEL_FREE+0x08       ; execute/read code, flat, 32-bit

main16:
        ENTER_PM pm32

section .text32
bits 32
pm32:
        call    sys_init
        DESC    S_XO, 0, 0xFFFFF, 0x98, GRAN_4K32
        DESC    S_XR, 0, 0xFFFFF, 0x9A, GRAN_4K32

        PUTSLN  "== reads through CS"
        TRY     "xr cs read:", {call S_XR:cs_read}
        TRY     "xo cs read:", {call S_XO:cs_read}
        TRY     "xo cs read word:", {call S_XO:cs_read16}
        TRY     "xo code runs:", {call S_XO:cs_nop}
        ; A loop, so that the block is hot and translated with inline code.
        mov     dword [VAR_BASE+0x40], 0
.again: TRY     "xo cs read loop:", {call S_XO:cs_read}
        inc     dword [VAR_BASE+0x40]
        cmp     dword [VAR_BASE+0x40], 3
        jb      .again
        TRY     "xr cs read again:", {call S_XR:cs_read}
        EXIT

cs_read:
        mov     eax, [cs:cs_read]
        retf
cs_read16:
        mov     ax, [cs:cs_read16 + 2]
        retf
cs_nop:
        nop
        retf
