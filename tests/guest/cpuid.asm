; cpuid.asm - CPUID leaf 0: prints only the vendor string (EBX EDX ECX), in
; real mode and in flat 32-bit PM.  The expected output records QEMU's default
; CPU model (qemu32: "GenuineIntel"); xlat86 must report the same vendor.
; Expected output (expected/cpuid.txt) is captured from qemu-system-i386 -accel
; tcg by capture-expected.sh.
%include "lib.inc"

VENDOR equ VAR_BASE+0x10

%macro VENDOR_STR 0
        xor     eax, eax
        cpuid
        mov     [VENDOR], ebx
        mov     [VENDOR+4], edx
        mov     [VENDOR+8], ecx
        xor     esi, esi
%%l:    mov     al, [VENDOR+esi]
        out     0xE9, al
        inc     esi
        cmp     esi, 12
        jb      %%l
        NEWLINE
%endmacro

main16:
        PUTS    "rm vendor: "
        VENDOR_STR
        ENTER_PM pm32

section .text32
bits 32
pm32:
        PUTS    "pm vendor: "
        VENDOR_STR
        EXIT
