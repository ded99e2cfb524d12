; kvm_lfb.asm - a frame buffer written directly by the guest: Bochs VBE
; 320x200x32 with the linear frame buffer, placed by the ROM itself (no
; BIOS) at 0xE0000000 through the PCI VGA's BAR0 (00:02.0, 1234:1111), filled
; from flat protected mode with pattern A, "A" on the debug console, about
; two seconds by the PIT (channel 0 wraps, read by latching), then rows
; 100-109 rewritten with pattern B, "B", halt. Under KVM these stores never
; leave the guest: only KVM's dirty log tells the renderer which lines
; changed (kvm-lfb-test.py compares the screendumps after "A" and after "B"
; with the translator's).
%include "lib.inc"

LFB     equ 0xE0000000
W       equ 320
H       equ 200

%macro VBE 2
        mov     dx, 0x1ce
        mov     ax, %1
        out     dx, ax
        inc     dx
        mov     ax, %2
        out     dx, ax
%endmacro

main16:
        ; PCI configuration mechanism #1: BAR0 of 00:02.0 = LFB, then
        ; memory and I/O decoding on (command register).
        mov     dx, 0xcf8
        mov     eax, 0x80001010
        out     dx, eax
        mov     dx, 0xcfc
        mov     eax, LFB
        out     dx, eax
        mov     dx, 0xcf8
        mov     eax, 0x80001004
        out     dx, eax
        mov     dx, 0xcfc
        mov     ax, 3
        out     dx, ax
        VBE     4, 0
        VBE     1, W
        VBE     2, H
        VBE     3, 32
        VBE     4, 0x41                 ; enabled, linear frame buffer
        mov     al, 0x34                ; PIT channel 0: mode 2, count 65536
        out     0x43, al
        xor     al, al
        out     0x40, al
        out     0x40, al
        ENTER_PM pm32

section .text32
bits 32
pm32:
        mov     edi, LFB                ; pattern A: pixel i = i * 0x010305
        xor     eax, eax
        mov     ecx, W * H
.a:     stosd
        add     eax, 0x010305
        loop    .a
        PUTSLN  "A"
        mov     esi, 40                 ; 40 wraps of 65536 / 1.193 MHz: 2.2 s
        call    read_pit
        mov     ebx, eax
.wait:  call    read_pit
        cmp     eax, ebx
        mov     ebx, eax
        jbe     .wait
        dec     esi
        jnz     .wait
        mov     edi, LFB + 100 * W * 4  ; pattern B on rows 100-109
        mov     eax, 0x00ff8000
        mov     ecx, 10 * W
.b:     stosd
        xor     eax, 0x00123456
        rol     eax, 1
        and     eax, 0x00ffffff
        loop    .b
        PUTSLN  "B"
.halt:  hlt
        jmp     .halt

; eax = PIT channel 0's current count (latched)
read_pit:
        xor     eax, eax
        out     0x43, al
        in      al, 0x40
        mov     ah, al
        in      al, 0x40
        xchg    al, ah
        ret
