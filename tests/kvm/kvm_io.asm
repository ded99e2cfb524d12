; kvm_io.asm - what crosses the engine/board boundary on every engine:
; port I/O round trips (CMOS RAM, the UART's scratch register, the PIC's
; mask register), string port output (REP OUTSB: one KVM exit with a count),
; 16- and 32-bit port reads of an unclaimed port (all ones), MMIO-class
; accesses to unmapped physical memory (the VGA hole at A0000h reads all
; ones in byte, word and dword size; writes are dropped) and RAM above 1 MiB
; reached from flat protected mode.  Expected output: QEMU's (isapc has no
; VGA either); the translator and KVM must print the same.
%include "lib.inc"

main16:
        mov     al, 0x40                ; CMOS RAM byte 0x40
        out     0x70, al
        mov     al, 0x5a
        out     0x71, al
        mov     al, 0x40
        out     0x70, al
        in      al, 0x71
        movzx   eax, al
        PUTS    "cmos"
        SHOW    0, eax
        mov     dx, 0x3ff               ; COM1 scratch
        mov     al, 0xa5
        out     dx, al
        in      al, dx
        movzx   eax, al
        PUTS    "uart scratch"
        SHOW    0, eax
        mov     al, 0xb6                ; PIC master mask
        out     0x21, al
        in      al, 0x21
        movzx   eax, al
        PUTS    "pic imr"
        SHOW    0, eax
        mov     dx, 0x2e0               ; nothing there
        in      ax, dx
        movzx   ebx, ax
        in      eax, dx
        PUTS    "unclaimed in16/in32"
        SHOW    0, ebx, eax
        push    cs
        pop     ds
        mov     si, msg
        mov     cx, msg_end - msg
        mov     dx, 0xe9
        cld
        rep outsb
        push    es
        mov     ax, 0xa000
        mov     es, ax
        mov     byte [es:0x10], 0x12
        mov     word [es:0x20], 0x3456
        movzx   eax, byte [es:0x10]
        movzx   ebx, word [es:0x20]
        mov     ecx, [es:0x30]
        pop     es
        PUTS    "vga hole b/w/d"
        SHOW    0, eax, ebx, ecx
        ENTER_PM pm

msg:    db      "rep outsb to the debug console", 10
msg_end:

section .text32
bits 32
pm:
        mov     dword [0x200000], 0xcafef00d
        mov     eax, [0x200000]
        mov     ebx, [0xe0000000]       ; unmapped, far above RAM
        PUTS    "pm ram/unmapped"
        SHOW    0, eax, ebx
        EXIT
