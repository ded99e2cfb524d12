; jcache.asm - code whose linear->physical mapping changes under the
; translator's jump cache (issue 15: TLB flushes drop only the jump-cache
; entries they cover, as they drop TLB entries: a CR3 load keeps global
; pages, INVLPG one page, clearing CR4.PGE all).  Each case calls code at
; a window address twice through a pointer (CALL [m]: the inline jump-cache
; probe), twice directly (CALL rel to another page: the cross-page exit
; stub's probe) and through RET, then changes the mapping and calls again;
; the new code must run:
;   non-global page, PTE changed, CR3 reloaded;
;   non-global page, CR3 switched to a second page directory that maps the
;   window elsewhere (a process switch), then back;
;   global page (CR4.PGE), PTE changed, INVLPG;
;   global page, PTE changed, CR4.PGE cleared (flushes all).
; (A global page whose PTE changes with only a CR3 load may run either
; code: SDM vol. 3, 4.10.4.1; not tested.)
; Expected output (expected/jcache.txt) is captured from qemu-system-i386
; -accel tcg by capture-expected.sh.
%include "lib.inc"

PD      equ 0x80000           ; page directory 1
PD2     equ 0x83000           ; page directory 2 (PT0 shared, window in PT2)
PT0     equ 0x81000           ; identity map of 0-4 MiB
PT1     equ 0x82000           ; 4-8 MiB window (directory 1)
PT2     equ 0x84000           ; 4-8 MiB window (directory 2)
WIN     equ 0x400000
FNPTR     equ VAR_BASE+0x10

main16:
        ENTER_PM pm32

section .text32
bits 32

; CALLS reg - call WIN four ways, leave the results in eax (last), reg
; (sum of the four low bytes)
%macro CALLS 1
        mov     dword [FNPTR], WIN
        xor     %1, %1
        call    [FNPTR]
        add     %1, eax
        call    [FNPTR]
        add     %1, eax
        call    WIN
        add     %1, eax
        push    dword %%back
        push    dword WIN
        ret                             ; to WIN, which returns to %%back
%%back: add     %1, eax
%endmacro

pm32:
        PUTSLN  "== jump cache and TLB flushes"
        ; code pages: 0x20000.. (one per variant)
        mov     edi, 0x20000
        mov     edx, 1
.cp:    mov     byte [edi], 0xB8        ; mov eax, imm32
        mov     [edi+1], edx
        mov     byte [edi+5], 0xC3      ; ret
        add     edi, 0x1000
        inc     edx
        cmp     edx, 6
        jbe     .cp
        mov     edi, PD
        mov     ecx, 1024
        xor     eax, eax
        rep stosd
        mov     edi, PD2
        mov     ecx, 1024
        rep stosd
        mov     edi, PT1
        mov     ecx, 1024
        rep stosd
        mov     edi, PT2
        mov     ecx, 1024
        rep stosd
        mov     dword [PD+0], PT0 | 3
        mov     dword [PD+4], PT1 | 3
        mov     dword [PD2+0], PT0 | 3
        mov     dword [PD2+4], PT2 | 3
        mov     edi, PT0
        mov     eax, 3
        mov     ecx, 1024
.id:    stosd
        add     eax, 0x1000
        loop    .id
        mov     dword [PT1], 0x20000 | 3        ; code 1
        mov     dword [PT2], 0x22000 | 3        ; code 3 in directory 2
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        jmp     .pg
.pg:
        CALLS   ebx
        CASE    "non-global, before", 0, eax, ebx
        mov     dword [PT1], 0x21000 | 3        ; code 2
        mov     eax, cr3
        mov     cr3, eax
        CALLS   ebx
        CASE    "non-global, PTE changed, cr3 reloaded", 0, eax, ebx
        mov     eax, PD2
        mov     cr3, eax
        CALLS   ebx
        CASE    "second directory", 0, eax, ebx
        mov     eax, PD
        mov     cr3, eax
        CALLS   ebx
        CASE    "first directory again", 0, eax, ebx
        ; global pages
        mov     eax, cr4
        or      eax, 0x80
        mov     cr4, eax
        mov     dword [PT1], 0x23000 | 0x103    ; code 4, global
        invlpg  [WIN]
        CALLS   ebx
        CASE    "global, before", 0, eax, ebx
        mov     dword [PT1], 0x24000 | 0x103    ; code 5
        invlpg  [WIN]
        CALLS   ebx
        CASE    "global, PTE changed, invlpg", 0, eax, ebx
        mov     dword [PT1], 0x25000 | 0x103    ; code 6
        mov     eax, cr4
        and     eax, ~0x80
        mov     cr4, eax
        CALLS   ebx
        CASE    "global, PTE changed, PGE cleared", 0, eax, ebx
        mov     eax, cr0
        and     eax, 0x7FFFFFFF
        mov     cr0, eax
        EXIT
