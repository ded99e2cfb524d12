; alu.asm - integer ALU instruction groups, 8/16/32-bit, in real mode (32-bit
; forms via the 0x66/0x67 prefixes) and again in flat 32-bit protected mode
; (16-bit forms via the prefixes there).
;   ADD ADC SUB SBB AND OR XOR CMP TEST  reg,reg / reg,mem / mem,reg / imm forms
;   INC DEC NEG NOT                      reg and mem forms
; Each case prints: input a, input b, result, FLAGS with carry-in clear; then the
; result and FLAGS when all arithmetic flags were set beforehand.  AF is
; undefined after the logic ops (SDM vol. 2, AND/OR/XOR/TEST) and is masked.
; Expected output (expected/alu.txt) is captured from qemu-system-i386 -accel tcg
; by capture-expected.sh.
%include "lib.inc"

F_LOGIC equ F_ARITH & ~F_AF
MEM     equ VAR_BASE+0x10

; (a, b) pairs chosen to hit carries, overflows, zero and sign edges for every
; operand size; upper bits are non-zero in some to check they are preserved.
%macro PAIRS 1
%1:
        dd 0x00000000, 0x00000000
        dd 0x00000001, 0x00000001
        dd 0x0000007F, 0x00000001
        dd 0x00000080, 0x00000080
        dd 0x000000FF, 0x00000001
        dd 0x0000000F, 0x00000001
        dd 0x00000080, 0x0000007F
        dd 0x00007FFF, 0x0000FFFF
        dd 0x00008000, 0x00000001
        dd 0x12348000, 0xABCD8000
        dd 0x7FFFFFFF, 0x00000001
        dd 0x80000000, 0xFFFFFFFF
        dd 0xFFFFFFFF, 0xFFFFFFFF
        dd 0x1234ABCD, 0x0F0F8787
        dd 0x80000000, 0x80000000
%1_end:
%endmacro

; BINOP op, dst, src, mask  (dst/src among al/bl/ax/bx/eax/ebx and MEM forms)
; eax = a, ebx = b; memory MEM holds a copy of a (for mem-dst forms) or b.
%macro BINOP 4
%defstr %%nm %1 %2,%3
        PUTSLN  %%nm
        mov     esi, PAIRS_T
%%l:    mov     eax, [cs:esi]
        mov     ebx, [cs:esi+4]
        mov     [MEM], eax
        mov     [MEM+4], ebx
        mov     ecx, eax
        SETF    0x0002
        %1      %2, %3
        SHOW    %4|NONL, ecx, ebx, eax, [MEM]
        mov     eax, ecx
        mov     [MEM], ecx
        SETF    0x08D7
        %1      %2, %3
        SHOW    %4, eax, [MEM]
        add     esi, 8
        cmp     esi, PAIRS_T %+ _end
        jb      %%l
%endmacro

; UNOP op, dst, mask
%macro UNOP 3
%defstr %%nm %1 %2
        PUTSLN  %%nm
        mov     esi, PAIRS_T
%%l:    mov     eax, [cs:esi]
        mov     [MEM], eax
        mov     ecx, eax
        SETF    0x0002
        %1      %2
        SHOW    %3|NONL, ecx, eax, [MEM]
        mov     eax, ecx
        mov     [MEM], ecx
        SETF    0x08D7
        %1      %2
        SHOW    %3, eax, [MEM]
        add     esi, 8
        cmp     esi, PAIRS_T %+ _end
        jb      %%l
%endmacro

; IMMOP "name", insn-with-imm, mask: eax/ebx/mem loaded from fixed values
%macro IMMOP 2-*
        mov     eax, 0x8081FF7F
        mov     ebx, 0x7FFFFFFF
        mov     dword [MEM], 0x00FF80FF
        SETF    0x0002
        %2
        CASE    %1, F_ARITH, eax, ebx, [MEM]
        mov     eax, 0x8081FF7F
        mov     ebx, 0x7FFFFFFF
        mov     dword [MEM], 0x00FF80FF
        SETF    0x08D7
        %2
        CASE    %1, F_ARITH, eax, ebx, [MEM]
%endmacro

%macro SUITE 0
%assign i 0
%rep 8
%if i == 0
%define OP add
%define M F_ARITH
%elif i == 1
%define OP adc
%define M F_ARITH
%elif i == 2
%define OP sub
%define M F_ARITH
%elif i == 3
%define OP sbb
%define M F_ARITH
%elif i == 4
%define OP and
%define M F_LOGIC
%elif i == 5
%define OP or
%define M F_LOGIC
%elif i == 6
%define OP xor
%define M F_LOGIC
%else
%define OP cmp
%define M F_ARITH
%endif
        BINOP   OP, al, bl, M
        BINOP   OP, ax, bx, M
        BINOP   OP, eax, ebx, M
%if i == 1 || i == 3 || i == 7
        BINOP   OP, ah, bl, M
        BINOP   OP, byte [MEM], bl, M
        BINOP   OP, ax, word [MEM+4], M
        BINOP   OP, dword [MEM], ebx, M
%endif
%assign i i+1
%endrep
        BINOP   test, al, bl, F_LOGIC
        BINOP   test, ax, bx, F_LOGIC
        BINOP   test, eax, ebx, F_LOGIC
        BINOP   test, dword [MEM], ebx, F_LOGIC
        UNOP    inc, al, F_ARITH
        UNOP    inc, ax, F_ARITH
        UNOP    inc, eax, F_ARITH
        UNOP    dec, al, F_ARITH
        UNOP    dec, ax, F_ARITH
        UNOP    dec, dword [MEM], F_ARITH
        UNOP    neg, al, F_ARITH
        UNOP    neg, ax, F_ARITH
        UNOP    neg, eax, F_ARITH
        UNOP    neg, word [MEM], F_ARITH
        UNOP    not, al, F_ARITH
        UNOP    not, ax, F_ARITH
        UNOP    not, dword [MEM], F_ARITH
        ; immediate encodings: 04/05 short forms, 80/81/83 group 1
        IMMOP   "add al,imm8", {add al, 0x81}
        IMMOP   "add ax,imm16", {add ax, 0x0081}
        IMMOP   "add eax,imm32", {add eax, 0x7F7E0081}
        IMMOP   "adc bl,imm8", {adc bl, 1}
        IMMOP   "sub bx,simm8", {sub bx, byte -1}
        IMMOP   "sbb ebx,simm8", {sbb ebx, byte -128}
        IMMOP   "and ebx,imm32", {and ebx, 0x80000001}
        IMMOP   "or word mem,imm16", {or word [MEM], 0x7F01}
        IMMOP   "xor byte mem,imm8", {xor byte [MEM], 0xFF}
        IMMOP   "cmp dword mem,simm8", {cmp dword [MEM], byte -1}
        IMMOP   "adc dword mem,imm32", {adc dword [MEM], 0xFF007F01}
        IMMOP   "test al,imm8", {test al, 0x80}
        IMMOP   "test eax,imm32", {test eax, 0x00000080}
        IMMOP   "test byte mem,imm8", {test byte [MEM+1], 0x80}
        IMMOP   "sub byte mem+1,imm8", {sub byte [MEM+1], 0x81}
%endmacro

main16:
        PUTSLN  "== real mode"
%define PAIRS_T pairs16
        SUITE
        ENTER_PM pm32
        PAIRS   pairs16

section .text32
bits 32
pm32:
        PUTSLN  "== protected mode"
%define PAIRS_T pairs32
        SUITE
        EXIT
        PAIRS   pairs32
