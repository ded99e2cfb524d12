; kvm_romw.asm - guest writes to ROM are dropped on every engine: the ROM
; (F0000-FFFFF and its alias below 4 GiB) stores into its own data and its
; own code and reads the old bytes back; a far jump and segment loads
; through the GDT held in ROM leave the descriptors' accessed bits clear
; (the processor's own write of the bit is dropped too). Under KVM the ROM
; is a read-only memory slot: stores come back as MMIO exits that the
; board drops, and the accessed-bit writes KVM's emulator cannot finish are
; stepped by cpu/kvm_slots.c (kvm_unstick). Expected output: QEMU's (-M pc, TCG:
; its BIOS area is ROM at reset).
%include "lib.inc"

main16:
        mov     byte [cs:rdata], 0x55           ; byte, word, dword stores
        mov     word [cs:rdata+2], 0x6677
        mov     dword [cs:rdata+4], 0x8899aabb
        mov     eax, [cs:rdata]
        mov     ebx, [cs:rdata+4]
        PUTS    "rm data"
        SHOW    0, eax, ebx
        mov     ax, cs                          ; a string store (REP MOVSB)
        mov     es, ax
        xor     ax, ax
        mov     ds, ax
        mov     si, 0x7000
        mov     dword [si], 0xdeadbeef
        mov     di, rdata+8
        mov     cx, 4
        cld
        rep movsb
        xor     ax, ax
        mov     es, ax
        mov     eax, [cs:rdata+8]
        mov     ecx, 0x12345678                 ; a locked read-modify-write
        lock xchg [cs:rdata+12], ecx
        mov     edx, [cs:rdata+12]
        PUTS    "rm movsb/xchg"
        SHOW    0, eax, ecx, edx
        mov     byte [cs:patch+1], 0x99         ; its own code: mov al, imm8
        jmp     patch
patch:  mov     al, 0x11
        movzx   eax, al
        PUTS    "rm code"
        SHOW    0, eax
        ENTER_PM pm

        align   4
rdata:  dd      0x04030201, 0x08070605, 0x0c0b0a09, 0x100f0e0d

section .text32
bits 32
pm:
        mov     dword [ROMBASE+rdata], 0xfeedface       ; F0000 area, flat
        mov     dword [0xffff0000+rdata+4], 0xfeedface  ; the alias below 4 GiB
        mov     eax, [ROMBASE+rdata]
        mov     ebx, [ROMBASE+rdata+4]
        mov     ecx, [0xffff0000+rdata]
        PUTS    "pm data/alias"
        SHOW    0, eax, ebx, ecx
        mov     ax, SEL_DATA16                  ; loads through the ROM GDT
        mov     fs, ax
        mov     ax, SEL_DATAHI
        mov     gs, ax
        jmp     SEL_CODE16:pm16 - ROMBASE       ; CS from the ROM GDT
bits 16
pm16:
        jmp     dword SEL_CODE32:pm32
bits 32
pm32:
        movzx   eax, byte [ROMBASE+gdt16+SEL_DATA16+5]  ; access bytes:
        movzx   ebx, byte [ROMBASE+gdt16+SEL_DATAHI+5]  ; A (bit 0) still clear
        movzx   ecx, byte [ROMBASE+gdt16+SEL_CODE16+5]
        movzx   edx, byte [ROMBASE+gdt16+SEL_CODE32+5]
        PUTS    "gdt access bytes"
        SHOW    0, eax, ebx, ecx, edx
        EXIT
