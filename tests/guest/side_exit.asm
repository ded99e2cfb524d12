; side_exit.asm - blocks with a conditional branch inside (issue 15): the
; translator lets one inlined Jcc sit in the middle of a block as a side
; exit; its fall-through keeps guest registers in host registers and the
; status flags in host EFLAGS, its taken path spills them out of line.
; Checked against QEMU (expected/side_exit.txt, captured from
; qemu-system-i386 -accel tcg by capture-expected.sh):
;  - loops whose side exits are taken some of the time, with registers
;    written before the Jcc (stored on the taken path) and flags read after
;    it on the fall-through (ADC, SBB, SETcc, a memory operand, DAA through
;    a C helper), the flags after each loop (PUSHFD);
;  - an interrupt at the side exit's target: PIT channel 0 at ~20 kHz while
;    a loop A = {DEC ECX; JP T; SUB; MOV EDX, [TICKS]; CMP EDX, n; JB A} runs; T = {SUB;
;    CMP; JB A}. The IRQ0 handler, when the pushed IP is T (or the
;    fall-through B), recomputes DEC's flags from ECX and compares the
;    pushed status flags (SDM vol. 3, 6.12.1: the handler gets the
;    interrupted procedure's EFLAGS, whole at every instruction boundary).
;    When the pushed IP is A (the loop is a self-loop: its back edge polls
;    the deadline), the flags must be those of CMP EDX, n (EDX = TICKS).
;    Printed: whether T and A were hit (timing-independent in practice: the taken
;    path leaves at every other DEC) and the number of wrong images (0).
; In real mode and in flat 32-bit protected mode.
%include "lib.inc"
%include "pic.inc"

TICKS   equ VAR_BASE+0x10
HITS    equ VAR_BASE+0x14
BAD     equ VAR_BASE+0x18
MEMW    equ VAR_BASE+0x20
HITA    equ VAR_BASE+0x24

%macro LOOPS 0
        ; 1: side exit taken 3 times out of 4, dirty registers at the exit
        mov     ecx, 1000
        xor     esi, esi
        mov     edi, 7
%%l1:   add     esi, ecx
        lea     edi, [edi+esi*2]
        test    cl, 3
        jnz     %%s1
        xor     esi, 0x5a5a
        rol     edi, 3
%%s1:   dec     ecx
        jnz     %%l1
        pushfd
        pop     eax
        and     eax, F_ARITH
        CASE    "loop 1: esi edi flags", 0, esi, edi, eax
        ; 2: flags of CMP read on the fall-through (ADC, SBB, SETcc, memory)
        mov     ecx, 300
        xor     edx, edx
        xor     ebx, ebx
        mov     dword [MEMW], 0x1234
        mov     eax, 0x9e3779b9
%%l2:   imul    eax, eax, 0x19660d
        add     eax, 0x3c6ef35f
        cmp     eax, 0x80000000
        jz      %%s2
        adc     edx, 0
        sbb     ebx, ecx
        setc    ah
        add     [MEMW], eax
        movzx   ebp, ah
        add     edx, ebp
%%s2:   dec     ecx
        jnz     %%l2
        pushfd
        pop     ebp
        and     ebp, F_ARITH
        CASE    "loop 2: edx ebx mem flags", 0, edx, ebx, [MEMW], ebp
        ; 3: a C helper (DAA) after the side exit reads AF/CF of the ADD
        mov     ecx, 200
        xor     edx, edx
        mov     eax, 0x19
%%l3:   add     al, cl
        js      %%s3
        daa
        adc     dl, al
        mov     ah, dl
%%s3:   loop    %%l3
        pushfd
        pop     ebx
        and     ebx, F_ARITH
        CASE    "loop 3: eax edx flags", 0, eax, edx, ebx
        ; 4: a self-loop over seven registers and AH (more than the host
        ; registers that cache them: evictions before the back edge)
        mov     ecx, 500
        xor     eax, eax
        mov     ebx, 1
        mov     edx, 2
        mov     esi, 3
        mov     edi, 4
        mov     ebp, 5
%%l4:   add     eax, ebx
        xor     ebx, edx
        add     edx, esi
        rol     esi, 1
        add     esi, edi
        sub     edi, ebp
        add     ebp, eax
        add     ah, cl
        dec     ecx
        jnz     %%l4
        CASE    "loop 4: eax ebx edx esi edi ebp", 0, eax, ebx, edx, esi, edi, ebp
        ; 5: a JMP back edge, left through the side exit
        mov     ecx, 77
        xor     eax, eax
%%l5:   add     eax, ecx
        dec     ecx
        jz      %%o5
        jmp     %%l5
%%o5:   pushfd
        pop     edx
        and     edx, F_ARITH
        CASE    "loop 5: eax ecx flags", 0, eax, ecx, edx
        ; 6: direct JMPs the block follows (forward, then back to code it
        ; has not decoded yet), with CF live across them
        mov     ecx, 300
        xor     eax, eax
        xor     edx, edx
        mov     ebx, 0x12345678
%%l6:   add     eax, ecx
        cmp     eax, 0x1000
        jmp     %%f6
%%t6:   sbb     edx, 1
        dec     ecx
        jnz     %%l6
        jmp     %%o6
%%f6:   adc     edx, 0
        rol     eax, 1
        cmp     eax, ebx
        jmp     %%t6
%%o6:   pushfd
        pop     ebx
        and     ebx, F_ARITH
        CASE    "loop 6: eax edx flags", 0, eax, edx, ebx
%endmacro

%macro IRQTEST 4
        PIC_INIT 0xFE, 0xFF
        mov     al, 0x34                ; ch 0, lobyte/hibyte, mode 2, binary
        out     0x43, al
        mov     al, 60
        out     0x40, al
        mov     al, 0
        out     0x40, al
        mov     dword [TICKS], 0
        mov     dword [HITS], 0
        mov     dword [HITA], 0
        mov     dword [BAD], 0
        mov     ecx, 0x80000040         ; passes 80000000h -> 7FFFFFFFh (OF) early
        mov     edx, [TICKS]
        cmp     edx, %1                 ; the flags at A as JB leaves them
        sti
%4:     dec     ecx
        jp      %2
%3:     sub     eax, eax
        mov     edx, [TICKS]
        cmp     edx, %1
        jb      %4
        jmp     %%done
%2:     sub     eax, eax
        mov     edx, [TICKS]
        cmp     edx, %1
        jb      %4
%%done: cli
        mov     al, 0xFF
        out     0x21, al
        xor     eax, eax
        cmp     dword [HITS], 0
        setne   al
        xor     ebx, ebx
        cmp     dword [HITA], 0
        setne   bl
        CASE    "irq at the side exit's target, at the self-loop's start: hit, hit, wrong images", 0, eax, ebx, [BAD]
%endmacro

; IRQ0_BODY ip, flags, target T, fall-through B, loop start A, n
%macro IRQ0_BODY 6
        push    eax
        push    ebx
        cmp     %1, %5
        jne     %%na
        inc     dword [HITA]            ; after CMP EDX, n; JB A
        cmp     edx, %6                 ; EDX = TICKS as the loop read it
        pushfd
        pop     eax
        xor     eax, %2
        test    eax, F_ARITH
        jz      %%n
        inc     dword [BAD]
        jmp     %%n
%%na:   cmp     %1, %3
        jne     %%nt
        inc     dword [HITS]
        jmp     %%chk
%%nt:   cmp     %1, %4
        jne     %%n
%%chk:  mov     ebx, ecx
        inc     ebx
        stc
        dec     ebx                     ; DEC's flags for ECX+1 -> ECX, CF set
        pushfd
        pop     eax
        xor     eax, %2
        test    eax, F_ARITH
        jz      %%n
        inc     dword [BAD]
%%n:    inc     dword [TICKS]
        mov     al, 0x20                ; non-specific EOI
        out     0x20, al
        pop     ebx
        pop     eax
%endmacro

main16:
        PUTSLN  "== real mode"
        LOOPS
        SET_IVT 0x08, irq0_16
        IRQTEST 400, irq_t16, irq_b16, irq_a16
        ENTER_PM pm32
irq0_16:
        push    bp
        mov     bp, sp
        IRQ0_BODY word [bp+2], [bp+6], irq_t16, irq_b16, irq_a16, 400
        pop     bp
        iret

section .text32
bits 32
pm32:
        PUTSLN  "== protected mode"
        LOOPS
        SET_IDT 0x08, irq0_32
        IRQTEST 400, irq_t32, irq_b32, irq_a32
        EXIT
irq0_32:
        push    ebp
        mov     ebp, esp
        IRQ0_BODY dword [ebp+4], [ebp+12], irq_t32, irq_b32, irq_a32, 400
        pop     ebp
        iretd
