; muldiv.asm - MUL, IMUL (one-, two- and three-operand forms, imm8 and imm16/32),
; DIV, IDIV at 8/16/32 bits, in real mode and flat 32-bit PM, including the
; divide error (#DE, vector 0) for division by zero and quotient overflow: the
; handler checks that the saved (E)IP points at the faulting DIV/IDIV (a fault,
; SDM vol. 3, 6.15 "Interrupt 0") and prints "#DE ok", then resumes after it.
; MUL/IMUL: only CF and OF are defined (SF ZF AF PF masked); DIV/IDIV leave
; all flags undefined (none compared).
; Expected output (expected/muldiv.txt) is captured from qemu-system-i386 -accel
; tcg by capture-expected.sh.
%include "lib.inc"

MEM      equ VAR_BASE+0x10
RESUME   equ VAR_BASE+0x30      ; where the #DE handler continues (dword)
EXPECTIP equ VAR_BASE+0x34      ; the IP the handler must see (dword)
F_MUL    equ F_CF|F_OF

%macro PAIRS 1
%1:
        dd 0x00000000, 0x00000000
        dd 0x00000001, 0xFFFFFFFF
        dd 0x0000007F, 0x00000002
        dd 0x00000080, 0x00000080
        dd 0x000000FF, 0x000000FF
        dd 0x00000010, 0x00000010
        dd 0x00007FFF, 0x00000002
        dd 0x0000FFFF, 0x0000FFFF
        dd 0x00008000, 0x0000FFFF
        dd 0x7FFFFFFF, 0x00000002
        dd 0x80000000, 0xFFFFFFFF
        dd 0xFFFFFFFF, 0xFFFFFFFF
        dd 0x1234ABCD, 0x0F0F8787
        dd 0x00010000, 0x00010000
%1_end:
; divide cases: edx, eax, divisor
%1_div:
        dd 0x00000000, 0x00000064, 0x00000007
        dd 0x00000000, 0x0000FFFF, 0x000000FF
        dd 0x00000000, 0x00007FFF, 0x00000080
        dd 0x0000FFFF, 0xFFFF8000, 0xFFFFFFFF
        dd 0xFFFFFFFF, 0xFFFFFF9C, 0x00000007
        dd 0x00000000, 0x80000000, 0xFFFFFFFF
        dd 0x00000001, 0x00000000, 0x00000002
        dd 0x12345678, 0x9ABCDEF0, 0x7FFFFFFF
        dd 0xFFFFFFFF, 0x80000000, 0xFFFFFFFF
        dd 0x00000000, 0x00000005, 0x00000000
        dd 0x00000000, 0x0000FF00, 0x00000001
        dd 0x00000000, 0xFFFF0005, 0x00000003
        dd 0xFFFFFFFF, 0xFFFFFF80, 0x000000FF
        dd 0x00000000, 0x00000080, 0x0000FFFF
%1_div_end:
%endmacro

; MULOP "name", insn, mask : eax=a, ebx=b, edx=0x5555AAAA
%macro MULOP 3
        PUTSLN  %1
        mov     esi, PAIRS_T
%%l:    mov     eax, [cs:esi]
        mov     ebx, [cs:esi+4]
        mov     [MEM], ebx
        mov     edx, 0x5555AAAA
        mov     ecx, eax
        SETF    0x0002
        %2
        SHOW    %3, ecx, ebx, eax, edx
        add     esi, 8
        cmp     esi, PAIRS_T %+ _end
        jb      %%l
%endmacro

; DIVOP "name", insn : edx:eax / ebx ; a #DE prints "#DE ok" instead
%macro DIVOP 2
        PUTSLN  %1
        mov     esi, PAIRS_T %+ _div
%%l:    mov     edx, [cs:esi]
        mov     eax, [cs:esi+4]
        mov     ebx, [cs:esi+8]
        mov     [MEM], ebx
        PUTS    ' '
        PHEX    8, edx
        PUTS    ' '
        PHEX    8, eax
        PUTS    ' '
        PHEX    8, ebx
        mov     dword [RESUME], %%after
        mov     dword [EXPECTIP], %%insn
%%insn: %2
        SHOW    0, eax, edx
%%after:
        add     esi, 12
        cmp     esi, PAIRS_T %+ _div_end
        jb      %%l
%endmacro

%macro SUITE 0
        MULOP   "mul bl", {mul bl}, F_MUL
        MULOP   "mul bx", {mul bx}, F_MUL
        MULOP   "mul dword m", {mul dword [MEM]}, F_MUL
        MULOP   "imul bl", {imul bl}, F_MUL
        MULOP   "imul word m", {imul word [MEM]}, F_MUL
        MULOP   "imul ebx", {imul ebx}, F_MUL
        MULOP   "imul ax,bx", {imul ax, bx}, F_MUL
        MULOP   "imul eax,dword m", {imul eax, [MEM]}, F_MUL
        MULOP   "imul ax,bx,simm8", {imul ax, bx, byte -3}, F_MUL
        MULOP   "imul eax,ebx,simm8", {imul eax, ebx, byte 127}, F_MUL
        MULOP   "imul cx,word m,imm16", {imul cx, [MEM], 0x7FFF}, F_MUL
        MULOP   "imul edx,ebx,imm32", {imul edx, ebx, 0x80000001}, F_MUL
        DIVOP   "div bl", {div bl}
        DIVOP   "div bx", {div bx}
        DIVOP   "div ebx", {div ebx}
        DIVOP   "idiv bl", {idiv bl}
        DIVOP   "idiv word m", {idiv word [MEM]}
        DIVOP   "idiv ebx", {idiv ebx}
        DIVOP   "div byte m", {div byte [MEM]}
        DIVOP   "idiv dword m", {idiv dword [MEM]}
%endmacro

main16:
        PUTSLN  "== real mode"
        SET_IVT 0, de16
%define PAIRS_T pairs16
        SUITE
        ENTER_PM pm32

; real-mode #DE: IRET frame IP, CS, FLAGS (SDM vol. 3, 20.1.4)
de16:
        push    bp
        mov     bp, sp
        push    eax
        PUTS    " #DE "
        mov     ax, [bp+2]
        cmp     ax, [EXPECTIP]
        jne     .bad
        cmp     word [bp+4], 0xF000
        jne     .bad
        PUTSLN  "ok"
        jmp     .r
.bad:   PUTS    "bad ip "
        PHEX    4, [bp+4]
        PUTS    ":"
        PHEX    4, [bp+2]
        NEWLINE
.r:     mov     ax, [RESUME]
        mov     [bp+2], ax
        pop     eax
        pop     bp
        iret
        PAIRS   pairs16

section .text32
bits 32
pm32:
        PUTSLN  "== protected mode"
        SET_IDT 0, de32
%define PAIRS_T pairs32
        SUITE
        EXIT

de32:
        push    eax
        PUTS    " #DE "
        mov     eax, [esp+4]
        cmp     eax, [EXPECTIP]
        jne     .bad
        cmp     dword [esp+8], SEL_CODE32
        jne     .bad
        PUTSLN  "ok"
        jmp     .r
.bad:   PUTS    "bad eip "
        PHEX    8, eax
        NEWLINE
.r:     mov     eax, [RESUME]
        mov     [esp+4], eax
        pop     eax
        iretd
        PAIRS   pairs32
