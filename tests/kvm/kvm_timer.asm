; kvm_timer.asm - PIT interrupts while the CPU halts, then ACPI soft-off.
; The PIT (channel 0, mode 2, ~1 kHz) raises IRQ0 through the board's PIC;
; the CPU sits in HLT between ticks (STI; HLT), so every tick is an
; interrupt delivered to a halted CPU.  After 20 ticks it prints the count
; and the number of HLTs it executed, then writes SLP_TYP = 5 (S5) |
; SLP_EN to PM1a_CNT (port 0x604, devices/acpi.h): the machine powers off
; and xlat86 exits with status 0.  Real mode only (this development host's
; nested KVM cannot emulate a protected-mode IRET).
%include "lib.inc"
%include "pic.inc"

TICKS   equ VAR_BASE+0x40

main16:
        SET_IVT 0x08, irq0
        PIC_INIT 0xFE, 0xFF
        mov     al, 0x34
        out     0x43, al
        mov     ax, 1193
        out     0x40, al
        mov     al, ah
        out     0x40, al
        mov     dword [TICKS], 0
        xor     esi, esi
.wait:  sti
        hlt
        cli
        inc     esi
        cmp     dword [TICKS], 20
        jb      .wait
        mov     eax, [TICKS]
        cmp     esi, eax                ; one HLT per tick at least
        setae   bl
        movzx   ebx, bl
        PUTS    "ticks, hlt >= ticks"
        SHOW    0, eax, ebx
        PUTSLN  "power off"
        mov     dx, 0x604
        mov     ax, (5 << 10) | 0x2000
        out     dx, ax
        PUTSLN  "still running after S5"
        EXIT

irq0:   push    ax
        inc     dword [TICKS]
        mov     al, 0x20
        out     0x20, al
        pop     ax
        iret
