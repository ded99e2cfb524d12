; paging.asm - paging benchmark guest: two address spaces that map the same
; 8 MiB of RAM in opposite page orders; each round switches CR3 between them
; and walks the array one dword per 4 KiB page (2048 pages: every access is
; a TLB miss in both xlat86's 256-entry TLB and, after the CR3 load, QEMU's),
; reading and updating the touched dword. Prints "checksum XXXXXXXX" to port
; 0xE9 and exits through port 0xF4 (status 1). Run with -m 16 or more.
%include "../guest/lib.inc"

PD_A     equ 0x80000
PD_B     equ 0x81000
PT_ID    equ 0x82000          ; identity 0-4 MiB, shared
PT_A     equ 0x83000          ; 2 tables for 4-12 MiB, space A
PT_B     equ 0x85000          ; 2 tables for 4-12 MiB, space B
ARRAY    equ 0x400000
NPAGES   equ 2048
ROUNDS   equ 12000

main16:
        ENTER_PM pm32

section .text32
bits 32
pm32:
        ; identity table for 0-4 MiB (code, stack, page tables)
        mov     edi, PT_ID
        mov     eax, 3
        mov     ecx, 1024
.id:    stosd
        add     eax, 0x1000
        loop    .id
        ; space A: linear 4M+i*4K -> physical 4M+i*4K; space B: reversed
        xor     ecx, ecx
.map:   mov     eax, ecx
        shl     eax, 12
        add     eax, ARRAY | 3
        mov     [PT_A+ecx*4], eax
        mov     edx, NPAGES-1
        sub     edx, ecx
        shl     edx, 12
        add     edx, ARRAY | 3
        mov     [PT_B+ecx*4], edx
        inc     ecx
        cmp     ecx, NPAGES
        jb      .map
        mov     edi, PD_A
        mov     ecx, 2048
        xor     eax, eax
        rep stosd
        mov     dword [PD_A+0], PT_ID | 3
        mov     dword [PD_A+4], (PT_A) | 3
        mov     dword [PD_A+8], (PT_A+0x1000) | 3
        mov     dword [PD_B+0], PT_ID | 3
        mov     dword [PD_B+4], (PT_B) | 3
        mov     dword [PD_B+8], (PT_B+0x1000) | 3
        mov     eax, PD_A
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        jmp     .on
.on:    xor     ebp, ebp                ; checksum
        mov     esi, ROUNDS
.round: mov     eax, PD_A
        test    esi, 1
        jz      .sw
        mov     eax, PD_B
.sw:    mov     cr3, eax
        mov     edi, ARRAY
        mov     ecx, NPAGES
        mov     ebx, esi
        and     ebx, 0x3FC              ; offset inside the page varies by round
.walk:  mov     eax, [edi+ebx]
        add     eax, ecx
        mov     [edi+ebx], eax
        xor     ebp, eax
        rol     ebp, 1
        add     edi, 0x1000
        dec     ecx
        jnz     .walk
        dec     esi
        jnz     .round
        mov     [VAR_BASE+0x40], ebp
        PUTS    "checksum "
        PHEX    8, [VAR_BASE+0x40]
        NEWLINE
        EXIT
