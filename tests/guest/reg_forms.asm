; reg_forms.asm - the register-cache instruction forms of issue 15 (branch
; speed15i) against QEMU, inside self-loops whose back edge polls the
; deadline while PIT channel 0 interrupts at ~20 kHz (so some iterations
; leave and re-enter the loop through the back edge's deadline exit):
;  - LEA with base + index*scale + disp, destination = base, index only,
;    a 16-bit destination (the path through RSI), a16 forms in real mode;
;  - MOVZX/MOVSX from memory, from a cached register, from AH/BH (memory
;    form), 16-bit destinations;
;  - CMOVcc with register and memory sources, 32 and 16 bits, conditions
;    both true and false;
;  - IMUL r, r/m and IMUL r, r/m, imm (32 and 16 bits, memory sources);
;  - ALU reg, [mem] (ADD ADC SUB SBB AND OR XOR CMP TEST) into cached
;    registers of 8, 16 and 32 bits and into AH, with CF carried between;
;  - Jccs to a later instruction of the same block (cg_fwd.c), with
;    registers and a memory load only on the skipped path and flags read
;    after the join.
; The flags printed after each loop are those of instructions that define
; all six (IMUL's undefined SF/ZF/AF/PF are never read nor printed).
; Printed in real mode and flat 32-bit protected mode (not the tick count:
; QEMU's varies from run to run). Expected output
; (expected/reg_forms.txt) is captured from qemu-system-i386 -accel tcg by
; capture-expected.sh.
%include "lib.inc"
%include "pic.inc"

TICKS   equ VAR_BASE+0x10
TAB     equ VAR_BASE+0x40       ; 18 dwords

%macro TABINIT 0
        mov     ecx, 18
        mov     eax, 0x9e3779b9
%%t:    imul    eax, eax, 0x19660d
        add     eax, 0x3c6ef35f
        mov     [TAB+ecx*4-4], eax
        dec     ecx
        jnz     %%t
%endmacro

%macro TIMER_ON 0
        PIC_INIT 0xFE, 0xFF
        mov     al, 0x34                ; ch 0, lobyte/hibyte, mode 2, binary
        out     0x43, al
        mov     al, 60
        out     0x40, al
        mov     al, 0
        out     0x40, al
        mov     dword [TICKS], 0
        sti
%endmacro

%macro TIMER_OFF 0
        cli
        mov     al, 0xFF
        out     0x21, al
%endmacro

%macro LOOPS 0
        TABINIT
        TIMER_ON
        ; A: LEA, MOVZX/MOVSX, CMOVcc, IMUL
        mov     ecx, 6000
        mov     eax, 0x12345678
        mov     ebx, 0x9abcdef0
        mov     edx, 1
        mov     esi, 7
        mov     edi, 0x55
%%la:   lea     edx, [eax+ebx*2+0x11]
        lea     esi, [esi+ecx]
        lea     edi, [edi*4+0x1001]
        lea     di, [edx+esi]
        lea     ebx, [ebx+0x3c6ef35f]
        mov     ebp, ecx
        and     ebp, 15
        movzx   ebx, byte [TAB+ebp*4]
        movsx   ebp, word [TAB+ebp*4+1]
        xor     ebx, ebp
        mov     ebp, ecx
        and     ebp, 15
        movzx   edx, ah
        add     edx, esi
        movsx   esi, dl
        movzx   di, al
        movsx   ebx, bh
        add     eax, edx
        cmp     eax, esi
        cmovb   eax, esi
        cmova   edx, [TAB+ebp*4]
        cmovz   bx, di
        cmovs   si, [TAB+ebp*4+2]
        cmovge  edi, ebx
        imul    esi, ebx
        imul    edi, [TAB+ebp*4], 0x61c88647
        imul    dx, bx, 7
        imul    di, [TAB+ebp*4+4]
        imul    ebx, eax, -3
        rol     eax, 5
        xor     eax, edi
        add     eax, esi
        adc     eax, edx
        add     ebx, ecx
        dec     ecx
        jnz     %%la
        pushfd
        pop     ebp
        and     ebp, F_ARITH
        CASE    "loop A: eax ebx edx esi edi flags", 0, eax, ebx, edx, esi, edi, ebp
        ; B: ALU reg, [mem]
        mov     ecx, 6000
        mov     eax, 0x11111111
        mov     ebx, 0x22222222
        mov     edx, 0x33333333
        mov     esi, 0x44444444
        mov     edi, 0x55555555
%%lb:   mov     ebp, ecx
        and     ebp, 15
        add     eax, [TAB+ebp*4]
        adc     ebx, [TAB+ebp*4+4]
        sub     edx, [TAB+ebp*4]
        sbb     esi, [TAB]
        and     edi, [TAB+ebp*4+8]
        or      edi, [TAB+4]
        xor     edx, [TAB+ebp*4+1]
        cmp     eax, [TAB+8]
        adc     ebx, 0
        test    esi, [TAB+ebp*4]
        setz    dh
        add     ah, [TAB+3]
        adc     dl, [TAB+ebp*4+2]
        sbb     bl, [TAB+5]
        sub     bx, [TAB+6]
        adc     si, [TAB+ebp*4]
        cmp     di, [TAB+ebp*4+2]
        sbb     edi, 0
        test    bh, [TAB+9]
        setnz   bh
        add     al, bh
        adc     dl, ah
        xor     eax, [TAB+ebp*4+4]
        mov     [TAB+ebp*4], eax
        rol     ebx, 1
        add     ebx, esi
        dec     ecx
        jnz     %%lb
        pushfd
        pop     ebp
        and     ebp, F_ARITH
        CASE    "loop B: eax ebx edx esi edi flags", 0, eax, ebx, edx, esi, edi, ebp
        ; C: forward Jccs to a later instruction of the same block (if-then
        ; skips): registers written and loaded only on the fall-through,
        ; flags read after the join from either path
        mov     ecx, 6000
        mov     eax, 1
        mov     ebx, 2
        mov     edx, 3
        mov     esi, 0x1234
        xor     edi, edi
%%lc:   add     eax, ecx
        cmp     eax, ebx
        jae     %%c1
        lea     ebx, [ebx+eax*2+1]
        xor     edx, eax
        add     esi, 0x7fffff00
%%c1:   adc     edi, 0
        rol     eax, 3
        test    eax, 0x100
        jnz     %%c2
        mov     ebp, ecx
        and     ebp, 15
        mov     ebp, [TAB+ebp*4]
        add     edx, ebp
        inc     esi
%%c2:   sbb     ebx, edx
        jl      %%c3
        add     eax, esi
        sub     edi, ebx
%%c3:   dec     ecx
        jnz     %%lc
        pushfd
        pop     ebp
        and     ebp, F_ARITH
        CASE    "loop C: eax ebx edx esi edi flags", 0, eax, ebx, edx, esi, edi, ebp
        TIMER_OFF
%endmacro

main16:
        PUTSLN  "== real mode"
        SET_IVT 0x08, irq0_16
        LOOPS
        ENTER_PM pm32
irq0_16:
        push    ax
        inc     dword [TICKS]
        mov     al, 0x20                ; non-specific EOI
        out     0x20, al
        pop     ax
        iret

section .text32
bits 32
pm32:
        PUTSLN  "== protected mode"
        SET_IDT 0x08, irq0_32
        LOOPS
        EXIT
irq0_32:
        push    eax
        inc     dword [TICKS]
        mov     al, 0x20
        out     0x20, al
        pop     eax
        iretd
