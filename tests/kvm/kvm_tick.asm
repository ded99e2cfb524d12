; kvm_tick.asm - a guest for state transfers between engines: it spins with
; IF=1 while the PIT (channel 0, mode 2, ~2 kHz) raises IRQ0, and keeps
; counters in RAM that kvm-transfer-test.py reads with the monitor's `xp`:
;   0x600  the last RDTSC (EDX:EAX)
;   0x608  loop iterations
;   0x60C  RDTSC went backwards (a TSC smaller than the previous one)
;   0x610  ticks received (IRQ0 handler entries)
;   0x614  lost: the master PIC's ISR shows IRQ0 in service while the
;          handler is not running (an interrupt acknowledged from the PIC
;          and never delivered: it is never ended, so IRQ0 stays blocked)
;   0x618  the previous RDTSC
; It never ends by itself. Real mode only (this project's nested KVM host
; emulates it; see docs/VIRTUALISATION.md).
%include "lib.inc"
%include "pic.inc"

LAST    equ 0x600
ITER    equ 0x608
BACK    equ 0x60C
TICKS   equ 0x610
LOST    equ 0x614
PREV    equ 0x618

main16:
        SET_IVT 0x08, irq0
        PIC_INIT 0xFE, 0xFF
        xor     ax, ax
        mov     ds, ax
        mov     di, LAST
        mov     cx, 16
        cld
        rep stosw
        mov     al, 0x34
        out     0x43, al
        mov     ax, 597                 ; 1193182 / 597 = ~2 kHz
        out     0x40, al
        mov     al, ah
        out     0x40, al
        sti
.loop:  rdtsc
        cmp     edx, [PREV+4]
        jb      .back
        ja      .fwd
        cmp     eax, [PREV]
        jae     .fwd
.back:  inc     dword [BACK]
.fwd:   mov     [PREV], eax
        mov     [PREV+4], edx
        mov     [LAST], eax
        mov     [LAST+4], edx
        inc     dword [ITER]
        test    byte [ITER], 0x3f
        jnz     .loop
        cli                             ; every 64 rounds: the ISR
        mov     al, 0x0b                ; OCW3: read ISR
        out     0x20, al
        in      al, 0x20
        sti
        test    al, 1
        jz      .loop
        inc     dword [LOST]
        jmp     .loop

irq0:   push    ax
        inc     dword [ss:TICKS]
        mov     al, 0x20
        out     0x20, al
        pop     ax
        iret
