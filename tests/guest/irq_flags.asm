; irq_flags.asm - the EFLAGS image an interrupt pushes at a block boundary.
; A loop of two blocks, A = {DEC ECX; JMP B} and B = {SUB EAX, EAX; CMP
; [TICKS], n; JB A}, runs with PIT channel 0 at ~20 kHz (divisor 60). B
; overwrites every status flag before reading one, but an interrupt taken
; at B's first instruction must push the flags DEC left: on hardware EFLAGS
; is whole at every instruction boundary (SDM vol. 3, 6.12.1: the handler
; gets the interrupted procedure's EFLAGS). The IRQ0 handler, when the
; pushed IP is B, recomputes DEC's flags from ECX (INC then DEC of a copy,
; CF set as the CMP at the end of B leaves it when JB loops) and
; compares the pushed status flags. It counts hits at B and wrong images.
; In real mode (16-bit IRET frame: FLAGS) and in flat 32-bit PM.
; Only timing-independent values are printed: whether B was ever hit (a
; translator delivers interrupts at block entries, so it is in practice)
; and the number of wrong images (0).
; Expected output (expected/irq_flags.txt) is captured from qemu-system-i386
; -accel tcg by capture-expected.sh. xlat86 pushed stale flags here before
; issue 16's fix: its flag liveness skipped the flags B overwrites.
%include "lib.inc"
%include "pic.inc"

TICKS   equ VAR_BASE+0x10
HITS    equ VAR_BASE+0x14
BAD     equ VAR_BASE+0x18

%macro TESTS 2
        PIC_INIT 0xFE, 0xFF
        mov     al, 0x34                ; ch 0, lobyte/hibyte, mode 2, binary
        out     0x43, al
        mov     al, 60
        out     0x40, al
        mov     al, 0
        out     0x40, al
        mov     dword [TICKS], 0
        mov     dword [HITS], 0
        mov     dword [BAD], 0
        mov     ecx, 0x80000040         ; passes 80000000h -> 7FFFFFFFh (OF) early
        stc                             ; as JB leaves it when it loops
        sti
%%a:    dec     ecx
        jmp     %2
%2:     sub     eax, eax
        cmp     dword [TICKS], %1
        jb      %%a
        cli
        mov     al, 0xFF
        out     0x21, al
        xor     eax, eax
        cmp     dword [HITS], 0
        setne   al
        CASE    "irq at the block after DEC: hit, wrong images", 0, eax, [BAD]
%endmacro

; IRQ0_BODY ip, flags, target: the pushed IP/EIP and FLAGS/EFLAGS operands
%macro IRQ0_BODY 3
        push    eax
        push    ebx
        cmp     %1, %3
        jne     %%n
        inc     dword [HITS]
        mov     ebx, ecx
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
        SET_IVT 0x08, irq0_16
        TESTS   400, irq_b16
        ENTER_PM pm32
irq0_16:
        push    bp
        mov     bp, sp
        ; [bp+2] IP, [bp+4] CS, [bp+6] FLAGS (after the pushes below: same bp)
        IRQ0_BODY word [bp+2], [bp+6], irq_b16
        pop     bp
        iret

section .text32
bits 32
pm32:
        PUTSLN  "== protected mode"
        SET_IDT 0x08, irq0_32
        TESTS   400, irq_b32
        EXIT
irq0_32:
        push    ebp
        mov     ebp, esp
        ; [ebp+4] EIP, [ebp+8] CS, [ebp+12] EFLAGS
        IRQ0_BODY dword [ebp+4], [ebp+12], irq_b32
        pop     ebp
        iretd
