; entry.asm - reset code of the benchmark ROM (nasm -f elf32, linked by
; bench.ld into a 64 KiB image at F0000-FFFFF).
; The CPU starts at F000:FFF0 in real mode (SDM vol. 3, 9.1.4); .reset jumps
; to .init16, which loads a flat GDT, sets CR0.PE and far-jumps to 32-bit code
; (SDM vol. 3, 9.9.1).  pm_entry sets the data segments and a stack in RAM,
; copies .data from ROM to RAM, zeroes .bss, calls main() and leaves through
; the exit port 0xF4 with value 0 (process exit status 1).

        bits    16
        section .init16 progbits alloc exec
init16:
        cli
        cld
        o32 lgdt [cs:0xFF00 + (gdtr - init16)] ; bench.ld puts .init16 at F000:FF00
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     dword 0x08:pm_entry

        align   8
gdt:    dq      0
        dq      0x00CF9A000000FFFF      ; 0x08 flat code, 32-bit
        dq      0x00CF92000000FFFF      ; 0x10 flat data
gdtr:   dw      gdtr - gdt - 1
        dd      gdt

        section .reset progbits alloc exec
        jmp     near init16             ; F000:FFF0, relative: stays in CS

        bits    32
        section .text.entry progbits alloc exec
        extern  main, _data_load, _data_start, _data_end, _bss_start, _bss_end
        global  pm_entry
pm_entry:
        mov     ax, 0x10
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     ss, ax
        mov     esp, 0x00F00000         ; 15 MiB: below the top of a 16 MiB guest
        mov     esi, _data_load
        mov     edi, _data_start
        mov     ecx, _data_end
        sub     ecx, edi
        rep movsb
        mov     edi, _bss_start
        mov     ecx, _bss_end
        sub     ecx, edi
        xor     eax, eax
        rep stosb
        call    main
        mov     al, 0
        out     0xF4, al
.stop:  cli
        hlt
        jmp     .stop

        section .note.GNU-stack noalloc noexec nowrite progbits
