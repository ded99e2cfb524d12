; kvm_paging.asm - the smallest switch to paging: flat protected mode,
; one page table mapping the first 4 MiB 1:1 (4 KiB pages, PSE off,
; CR4 = 0, EFER = 0), CR3 loaded, then CR0.PG set with a MOV to CR0.
; Prints the CR0 it writes, then a word read through paging and the CR0
; read back. Expected output: QEMU's (TCG). This project's nested
; development host raises #GP on the MOV to CR0 under KVM, in QEMU's KVM
; too (docs/VIRTUALISATION.md); ctest kvm/paging skips there.
%include "lib.inc"

PD      equ 0x20000
PT      equ 0x21000

main16:
        ENTER_PM pm

section .text32
bits 32
pm:
        mov     edi, PD                 ; PDE 0 -> PT (present, writable)
        xor     eax, eax
        mov     ecx, 2048
        cld
        rep stosd
        mov     dword [PD], PT | 3
        mov     edi, PT                 ; PTE i -> i * 4 KiB
        mov     eax, 3
        mov     ecx, 1024
.pte:   stosd
        add     eax, 0x1000
        loop    .pte
        mov     dword [0x30000], 0x600dc0de
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        and     eax, 0x9fffffff         ; caches on (CD, NW clear)
        or      eax, 0x80000000         ; PG
        PUTS    "cr0 to write"
        SHOW    0, eax
        mov     cr0, eax
        jmp     .paged
.paged: mov     ebx, [0x30000]
        mov     ecx, cr0
        PUTS    "paged read, cr0"
        SHOW    0, ebx, ecx
        EXIT
