; debug_bp.asm - debug-register breakpoints and the exception rules handled
; by the run loop (translator/engine.c) and the memory slow path (cpu/mem.c);
; SDM vol. 3, chapter 17 and 6.15:
;   an instruction breakpoint (DR0, RW=00): #DB fault before the instruction,
;   DR6.B0, the handler sets RF in the saved EFLAGS and the instruction then
;   runs once (17.3.1.1); a data write breakpoint (DR1, RW=01, LEN=4): #DB
;   trap after the writing instruction, DR6.B1; a read/write breakpoint (DR2,
;   RW=11, LEN=2) hit by a read that overlaps it, not by a byte next to it
;   (17.2.5); REP STOSD over a write breakpoint: the trap comes after the
;   iteration that hit it, EIP at the REP instruction, ECX = what is left
;   (17.3.1.2, 17.2.4); INT 31h pushing its frame over a write breakpoint:
;   the trap comes before the handler's first instruction; an I/O
;   breakpoint (DR3, RW=10, CR4.DE) on port 80h (17.2.4); a task switch
;   to a TSS with the T bit: #DB with DR6.BT before the new task's first
;   instruction (17.3.1.5); #UD whose gate is not present: the
;   #NP is handled serially (benign then contributory, table 6-5), not as #DF,
;   and its error code has EXT set (6.13: it arose while delivering an
;   earlier exception): 0033h.
; Expected output (expected/debug_bp.txt) is hand-derived from those
; sections. qemu-system-i386 7.2 agrees on the instruction, data and I/O
; breakpoints; it does not implement the T bit and pushes 0032h for the #NP,
; and it aborts (an internal assertion) at the INT 31h frame write.
%include "lib.inc"
%include "sys.inc"

TSS_T   equ 0x3200
S_TSST  equ SEL_FREE

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
        IGATE   1, SEL_CODE32, db_handler, ACC_IGATE32
        xor     eax, eax
        mov     dr6, eax

        PUTSLN  "== instruction breakpoint"
        mov     eax, bp_insn
        mov     dr0, eax
        mov     eax, 0x00000001                 ; L0, RW0=00 LEN0=00
        mov     dr7, eax
        mov     ebx, 0
bp_insn:
        inc     ebx
        xor     eax, eax
        mov     dr7, eax
        PR      " ebx=", ebx
        NEWLINE

        PUTSLN  "== data breakpoints"
        mov     eax, VAR_BASE+0x40
        mov     dr1, eax
        mov     eax, VAR_BASE+0x52
        mov     dr2, eax
        mov     eax, 0x07D00014                 ; L1 L2; RW1=01 LEN1=11; RW2=11 LEN2=01
        mov     dr7, eax
        mov     dword [VAR_BASE+0x40], 1        ; write: B1
        mov     eax, [VAR_BASE+0x40]            ; read: no RW=01 match
        mov     eax, [VAR_BASE+0x50]            ; read of 50-53 overlaps 52-53: B2
        mov     byte [VAR_BASE+0x51], 0         ; no overlap
        xor     eax, eax
        mov     dr7, eax
        NEWLINE

        PUTSLN  "== rep stosd over a write breakpoint"
        mov     eax, VAR_BASE+0x48
        mov     dr1, eax
        mov     eax, 0x00D00004                 ; L1; RW1=01 LEN1=11
        mov     dr7, eax
        mov     edi, VAR_BASE+0x40
        mov     ecx, 6
        xor     eax, eax
        cld
rep_insn:
        rep stosd                               ; the 3rd store hits: trap
        xor     eax, eax                        ; with EIP = rep_insn, ECX = 3
        mov     dr7, eax
        PR      " then ecx=", ecx
        NEWLINE

        PUTSLN  "== int n frame over a write breakpoint"
        IGATE   0x31, SEL_CODE32, int31_handler, ACC_IGATE32
        lea     eax, [esp-8]                    ; the CS slot of the frame
        mov     dr1, eax
        mov     eax, 0x00D00004                 ; L1; RW1=01 LEN1=11
        mov     dr7, eax
        int     0x31                            ; trap before the handler's
        xor     eax, eax                        ; first instruction
        mov     dr7, eax
        NEWLINE

        PUTSLN  "== i/o breakpoint"
        mov     eax, cr4
        or      eax, 8
        mov     cr4, eax
        mov     eax, 0x80
        mov     dr3, eax
        mov     eax, 0x20000040                 ; L3, RW3=10, LEN3=00
        mov     dr7, eax
        out     0x80, al
        in      al, 0x81
        xor     eax, eax
        mov     dr7, eax
        NEWLINE

        PUTSLN  "== t bit"
        mov     edi, TSS_T
        xor     eax, eax
        mov     ecx, 0x68/4
        rep stosd
        mov     dword [TSS_T+0x20], task_t
        mov     dword [TSS_T+0x24], 2
        mov     dword [TSS_T+0x38], 0x5D000
        mov     dword [TSS_T+0x48], SEL_DATA32
        mov     dword [TSS_T+0x4C], SEL_CODE32
        mov     dword [TSS_T+0x50], SEL_DATA32
        mov     dword [TSS_T+0x54], SEL_DATA32
        mov     word [TSS_T+0x64], 1            ; T
        DESC    S_TSST, TSS_T, 0x67, ACC_TSS32, 0
        call    S_TSST:0
        NEWLINE

        PUTSLN  "== benign then contributory"
        and     byte [IDT_BASE+6*8+5], 0x7F
        TRY     "ud2, idt[6] not present:", ud2
        EXIT

int31_handler:
        PUTS    " in int 31h"
        iretd

task_t:
        PUTS    " in task"
        iretd

; print the saved EIP's distance from bp_insn and DR6 B0-B3/BD/BS/BT; an
; instruction breakpoint (B0) gets RF set in the saved EFLAGS
db_handler:
        push    eax
        PUTS    " #DB dr6="
        mov     eax, dr6
        and     eax, 0xE00F
        PHEX    4, eax
        test    al, 1
        jz      .r
        or      dword [esp+12], 0x10000         ; RF
        mov     eax, [esp+4]
        sub     eax, bp_insn
        PR      " at bp+", eax
.r:     cmp     dword [esp+4], rep_insn
        jne     .i
        PR      " at rep ecx=", ecx
.i:     cmp     dword [esp+4], int31_handler
        jne     .t
        PUTS    " at int 31h handler"
.t:     xor     eax, eax
        mov     dr6, eax
        pop     eax
        iretd
