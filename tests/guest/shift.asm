; shift.asm - shifts and rotates, 8/16/32-bit, real mode and flat 32-bit PM:
;   SHL SHR SAR ROL ROR RCL RCR by CL (counts 0..33 incl. size edges),
;   by 1 and by imm8; SHLD/SHRD by CL and imm8.
; Each line: value, count, result, FLAGS (carry-in 0) | result, FLAGS (all
; arithmetic flags set before).  Flags the SDM leaves undefined are masked
; (SDM vol. 2 SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR, SHLD, SHRD):
;   count&31 == 0: no flag changes (all compared);  AF undefined for shifts;
;   OF undefined unless count&31 == 1; CF undefined for SHL/SHR when the count
;   is >= the operand size; 16-bit SHLD/SHRD with count > 16 is not tested
;   (result undefined).  Rotates leave SF ZF AF PF unchanged: they are compared.
; Expected output (expected/shift.txt) is captured from qemu-system-i386 -accel
; tcg by capture-expected.sh.
%include "lib.inc"

MEM     equ VAR_BASE+0x10
MASKV   equ VAR_BASE+0x20

; class: 0 = SHL/SHR, 1 = SAR, 2 = rotate, 3 = SHLD/SHRD
; MASKCALC class, width : cl = count -> [MASKV]
%macro MASKCALC 2
        push    ecx
        and     cl, 31
        mov     dword [MASKV], F_ARITH
        jz      %%done
%if %1 == 2
        cmp     cl, 1
        je      %%done
        mov     dword [MASKV], F_ARITH & ~F_OF
%else
        mov     dword [MASKV], F_ARITH & ~F_AF
        cmp     cl, 1
        je      %%done
        mov     dword [MASKV], F_ARITH & ~F_AF & ~F_OF
%if %1 == 0 && %2 < 32
        cmp     cl, %2
        jb      %%done
        mov     dword [MASKV], F_ARITH & ~F_AF & ~F_OF & ~F_CF
%endif
%endif
%%done: pop     ecx
%endmacro

; SHOP op, dst, class, width, count-table
%macro SHOP 5
%defstr %%nm %1 %2,cl
        PUTSLN  %%nm
        mov     esi, VALS_T
%%lv:   mov     edi, %5
%%lc:   mov     eax, [cs:esi]
        mov     [MEM], eax
        mov     cl, [cs:edi]
        MASKCALC %3, %4
        mov     ebx, eax
        SETF    0x0002
        %1      %2, cl
        pushfd
        pop     edx
        and     edx, [MASKV]
        PUTS    ' '
        PHEX    8, ebx
        PUTS    ' '
        PHEX    2, ecx
        PUTS    ' '
        PHEX    8, eax
        PUTS    ' '
        PHEX    8, [MEM]
        PUTS    ' '
        PHEX    4, edx
        mov     eax, ebx
        mov     [MEM], ebx
        SETF    0x08D7
        %1      %2, cl
        pushfd
        pop     edx
        and     edx, [MASKV]
        PUTS    ' '
        PHEX    8, eax
        PUTS    ' '
        PHEX    8, [MEM]
        PUTS    ' '
        PHEX    4, edx
        NEWLINE
        inc     edi
        cmp     byte [cs:edi], 0xFF
        jne     %%lc
        add     esi, 4
        cmp     esi, VALS_T %+ _end
        jb      %%lv
%endmacro

; DSHOP op, dst, src, width, count-table   (ebx = second operand, fixed)
%macro DSHOP 5
%defstr %%nm %1 %2,%3,cl
        PUTSLN  %%nm
        mov     esi, VALS_T
%%lv:   mov     edi, %5
%%lc:   mov     eax, [cs:esi]
        mov     [MEM], eax
        mov     ebx, 0x5A3C96F0
        mov     cl, [cs:edi]
        MASKCALC 3, %4
        mov     ebp, eax
        SETF    0x0002
        %1      %2, %3, cl
        pushfd
        pop     edx
        and     edx, [MASKV]
        PUTS    ' '
        PHEX    8, ebp
        PUTS    ' '
        PHEX    2, ecx
        PUTS    ' '
        PHEX    8, eax
        PUTS    ' '
        PHEX    8, [MEM]
        PUTS    ' '
        PHEX    4, edx
        mov     eax, ebp
        mov     [MEM], ebp
        SETF    0x08D7
        %1      %2, %3, cl
        pushfd
        pop     edx
        and     edx, [MASKV]
        PUTS    ' '
        PHEX    8, eax
        PUTS    ' '
        PHEX    8, [MEM]
        PUTS    ' '
        PHEX    4, edx
        NEWLINE
        inc     edi
        cmp     byte [cs:edi], 0xFF
        jne     %%lc
        add     esi, 4
        cmp     esi, VALS_T %+ _end
        jb      %%lv
%endmacro

; fixed-count encodings: FIX "name", insn, mask
%macro FIX 3
        mov     eax, 0x80008081
        mov     dword [MEM], 0x4000C041
        mov     ebx, 0x5A3C96F0
        SETF    0x0002
        %2
        CASE    %1, %3|NONL, eax, [MEM]
        mov     eax, 0x80008081
        mov     dword [MEM], 0x4000C041
        SETF    0x08D7
        %2
        SHOW    %3, eax, [MEM]
%endmacro

SH1 equ F_ARITH & ~F_AF
SHN equ F_ARITH & ~F_AF & ~F_OF
ROT1 equ F_ARITH
ROTN equ F_ARITH & ~F_OF

%macro TABLES 1
%1_vals:
        dd      0x80008081, 0x4000C040, 0x00000001, 0x7FFF7F7F, 0xFFFFFFFF
%1_vals_end:
%1_cnt:
        db      0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 0xFF
%1_cnt16:
        db      0, 1, 4, 8, 15, 16, 32, 33, 0xFF
%endmacro

%macro SUITE 1
%define VALS_T %1_vals
%assign w 8
%rep 3
%if w == 8
%define A al
%define M byte [MEM]
%elif w == 16
%define A ax
%define M word [MEM]
%else
%define A eax
%define M dword [MEM]
%endif
        SHOP    shl, A, 0, w, %1_cnt
        SHOP    shr, A, 0, w, %1_cnt
        SHOP    sar, A, 1, w, %1_cnt
        SHOP    rol, A, 2, w, %1_cnt
        SHOP    ror, A, 2, w, %1_cnt
        SHOP    rcl, A, 2, w, %1_cnt
        SHOP    rcr, A, 2, w, %1_cnt
        SHOP    sar, M, 1, w, %1_cnt
        SHOP    rcl, M, 2, w, %1_cnt
%assign w w*2
%endrep
        DSHOP   shld, eax, ebx, 32, %1_cnt
        DSHOP   shrd, eax, ebx, 32, %1_cnt
        DSHOP   shld, ax, bx, 16, %1_cnt16
        DSHOP   shrd, ax, bx, 16, %1_cnt16
        DSHOP   shld, dword [MEM], ebx, 32, %1_cnt
        DSHOP   shrd, word [MEM], bx, 16, %1_cnt16
        FIX     "shl al,1", {shl al, 1}, SH1
        FIX     "shr ax,1", {shr ax, 1}, SH1
        FIX     "sar eax,1", {sar eax, 1}, SH1
        FIX     "rol byte m,1", {rol byte [MEM], 1}, ROT1
        FIX     "ror word m,1", {ror word [MEM], 1}, ROT1
        FIX     "rcl eax,1", {rcl eax, 1}, ROT1
        FIX     "rcr al,1", {rcr al, 1}, ROT1
        FIX     "shl eax,imm 4", {shl eax, 4}, SHN
        FIX     "shr al,imm 7", {shr al, 7}, SHN
        FIX     "sar word m,imm 15", {sar word [MEM], 15}, SHN
        FIX     "rol ax,imm 12", {rol ax, 12}, ROTN
        FIX     "ror dword m,imm 31", {ror dword [MEM], 31}, ROTN
        FIX     "rcl ax,imm 17", {rcl ax, 17}, ROTN
        FIX     "rcr byte m,imm 10", {rcr byte [MEM], 10}, ROTN
        FIX     "rcr eax,imm 33", {rcr eax, 33}, ROT1
        FIX     "shld eax,ebx,imm 12", {shld eax, ebx, 12}, SHN
        FIX     "shrd ax,bx,imm 3", {shrd ax, bx, 3}, SHN
        FIX     "shrd dword m,ebx,imm 1", {shrd dword [MEM], ebx, 1}, SH1
        FIX     "shld word m,bx,imm 16", {shld word [MEM], bx, 16}, SHN
%endmacro

main16:
        PUTSLN  "== real mode"
        SUITE   rm
        ENTER_PM pm32
        TABLES  rm

section .text32
bits 32
pm32:
        PUTSLN  "== protected mode"
        SUITE   pm
        EXIT
        TABLES  pm
