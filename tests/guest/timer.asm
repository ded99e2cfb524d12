; timer.asm - PIT channel 0 -> 8259A IR0 -> vector 08h, real mode and flat PM:
; PIC initialisation and IMR read-back; PIT mode 2 at ~1 kHz (divisor 1193) and
; the read-back status command (8254 datasheet, "Read-Back Command"; the
; OUTPUT and NULL COUNT bits are masked); the ISR/IRR registers through OCW3
; (ISR bit 0 set inside the handler, clear after EOI); HLT woken by each tick
; (cli/check/sti;hlt pattern: the STI shadow makes the pair atomic); the STI
; shadow itself (a pending IRQ is taken only after the instruction following
; STI); IRR latching while IR0 is masked and delivery once unmasked; CLI
; holding a pending request off; in protected mode, an IRQ arriving during a
; long REP STOSB is taken between iterations with the pushed EIP at the REP
; instruction and ECX partly counted down, and the REP then completes (SDM
; vol. 2, REP: "a repeating string operation can be suspended by an
; exception or interrupt ... registers point to the next string elements").
; Only counts that do not depend on timing are printed.
; Expected output (expected/timer.txt) is captured from qemu-system-i386
; -accel tcg by capture-expected.sh.
%include "lib.inc"
%include "pic.inc"

TICKS   equ VAR_BASE+0x10
HLTS    equ VAR_BASE+0x14
ISRIN   equ VAR_BASE+0x18       ; ISR read inside the first handler call
FLAG    equ VAR_BASE+0x1C
FLAGIN  equ VAR_BASE+0x20       ; FLAG seen by the handler
REPHITS equ VAR_BASE+0x24       ; IRQs taken with the pushed EIP at rep_at
REPECX  equ VAR_BASE+0x28       ; ECX at such an IRQ
REPBUF  equ 0x10000             ; 64 KiB scratch buffer

; WAIT_IRR: spin (interrupts off) until IRR bit 0 is set
%macro WAIT_IRR 0
%%w:    mov     al, 0x0A                ; OCW3: read IRR
        out     0x20, al
        in      al, 0x20
        test    al, 1
        jz      %%w
%endmacro

%macro TESTS 1
        PIC_INIT 0xFE, 0xFF
        in      al, 0x21
        mov     ah, al
        in      al, 0xA1
        movzx   eax, ax
        CASE    "imr master/slave", 0, eax
        mov     al, 0x34                ; ch 0, lobyte/hibyte, mode 2, binary
        out     0x43, al
        mov     al, 1193 & 0xFF
        out     0x40, al
        mov     al, 1193 >> 8
        out     0x40, al
        mov     al, 0xE2                ; read-back: status only, channel 0
        out     0x43, al
        in      al, 0x40
        and     eax, 0x3F
        CASE    "pit status", 0, eax
        mov     dword [TICKS], 0
        mov     dword [HLTS], 0
        mov     dword [ISRIN], 0xFFFFFFFF
        ; 20 ticks, one HLT each
%%loop: cli
        cmp     dword [TICKS], %1
        jae     %%done
        sti
        hlt
        inc     dword [HLTS]
        jmp     %%loop
%%done: mov     al, 0x0B                ; OCW3: read ISR
        out     0x20, al
        in      al, 0x20
        movzx   eax, al
        CASE    "ticks hlts isr-in isr-after", 0, [TICKS], [HLTS], [ISRIN], eax
        ; STI shadow with an IRQ pending
        WAIT_IRR
        mov     dword [FLAG], 0
        mov     dword [FLAGIN], 0xFFFFFFFF
        mov     eax, [TICKS]
        sti
        mov     dword [FLAG], 1
        mov     dword [FLAG], 2
        cli
        sub     eax, [TICKS]
        neg     eax
        CASE    "sti shadow: ticks, flag seen", 0, eax, [FLAGIN]
        ; masked IR0 is latched in IRR and delivered after unmasking
        mov     al, 0xFF
        out     0x21, al
        mov     edx, [TICKS]
        sti
        WAIT_IRR
        cli
        mov     ebx, [TICKS]
        sub     ebx, edx
        mov     al, 0xFE
        out     0x21, al
        mov     eax, [TICKS]
        sti
        nop
        nop
        cli
        sub     eax, [TICKS]
        neg     eax
        CASE    "masked: delivered while masked, after unmask", 0, ebx, eax
        ; CLI holds a pending request off
        WAIT_IRR
        mov     eax, [TICKS]
        mov     ecx, 100
%%spin: loop    %%spin
        sub     eax, [TICKS]
        CASE    "cli: delivered", 0, eax
        sti
        nop
        cli
        mov     al, 0xFF                ; stop: mask everything
        out     0x21, al
%endmacro

; the IRQ0 handler body (EOI to the master)
%macro IRQ0_BODY 0
        push    eax
        cmp     dword [ISRIN], 0xFFFFFFFF
        jne     %%n
        mov     al, 0x0B
        out     0x20, al
        in      al, 0x20
        movzx   eax, al
        mov     [ISRIN], eax
%%n:    mov     eax, [FLAG]
        mov     [FLAGIN], eax
        inc     dword [TICKS]
        mov     al, 0x20                ; non-specific EOI
        out     0x20, al
        pop     eax
%endmacro

main16:
        PUTSLN  "== real mode"
        SET_IVT 0x08, irq0_16
        TESTS   20
        ENTER_PM pm32
irq0_16:
        IRQ0_BODY
        iret

section .text32
bits 32
pm32:
        PUTSLN  "== protected mode"
        SET_IDT 0x08, irq0_32
        TESTS   10
        ; REP STOSB over 64 KiB, repeated (AL = pass number) until an IRQ
        ; lands inside one; then the buffer must hold that pass's byte.
        mov     dword [REPHITS], 0
        mov     al, 0xFE                ; IR0 on again (the PIT still runs)
        out     0x21, al
        xor     ebx, ebx
        cld
        sti
rep_loop: mov     edi, REPBUF
        mov     ecx, 0x10000
        mov     al, bl
rep_at: rep stosb
        inc     ebx
        cmp     dword [REPHITS], 0
        jne     rep_done
        cmp     ebx, 200000
        jb      rep_loop
rep_done: cli
        mov     al, 0xFF
        out     0x21, al
        dec     ebx                     ; the last pass's byte
        xor     eax, eax
        cmp     dword [REPHITS], 0
        setne   al
        xor     edx, edx
        mov     ecx, [REPECX]
        cmp     ecx, 0
        je      rep_bad
        cmp     ecx, 0x10000
        jae     rep_bad
        inc     edx
rep_bad: xor     esi, esi
        cmp     [REPBUF], bl
        jne     rep_bad2
        cmp     [REPBUF+0xFFFF], bl
        jne     rep_bad2
        cmp     edi, REPBUF+0x10000
        jne     rep_bad2
        inc     esi
rep_bad2: CASE    "irq during rep stosb: at the rep, ecx partial, completed", 0, eax, edx, esi
        EXIT
irq0_32:
        cmp     dword [esp], rep_at     ; the pushed EIP
        jne     .n
        mov     [REPECX], ecx
        inc     dword [REPHITS]
.n:     IRQ0_BODY
        iretd
