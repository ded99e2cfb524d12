; watch_rom.asm - the guest of watch-implicit-test.py: debugger watchpoints
; on the processor's implicit accesses (SDM vol. 3: 6.12 interrupt gates
; and the stack frame, 3.4.5 the accessed bit, 7.3 task switches). A 64 KiB
; ROM without BIOS: copies its tables to RAM 0:1000, enters 32-bit
; protected mode (ESP = 7000h) and runs, in this order:
;   soft:  INT 30h   - reads IDT[30h] at 1580h, pushes EFLAGS at 6FFCh
;                      (32-bit gate, same privilege: EFLAGS, CS, EIP at
;                      ESP-4, -8, -12), handler h30 at F000:0800 (IRETD)
;   ldfs:  MOV FS,AX - AX = 18h, a data descriptor with the accessed bit
;                      clear: reads GDT[18h] at 1018h, sets the bit (a
;                      write of the type byte at 101Dh)
;   task:  CALL 28h:0 - task switch from TSS A (1800h) to TSS B (1900h):
;                      A's EIP saved at 1820h; B starts at F000:0820, its
;                      IRETD (NT set) switches back, reading A's EIP
;   idle:  PIC/PIT programmed (IRQ0 -> vector 20h, IDT[20h] at 1500h), STI,
;                      HLT loop; h20 at F000:0810 acknowledges and IRETDs
; The handlers sit at fixed offsets (0800h, 0810h, 0820h) so the test knows
; where each delivery lands without reading xlat86's output.
        bits    16
        org     0                       ; CS = F000, offsets = image offsets

start:  cli
        cld
        xor     ax, ax
        mov     ss, ax
        mov     sp, 0x7000
        mov     es, ax
        mov     ax, cs
        mov     ds, ax
        mov     si, tables
        mov     di, 0x1000
        mov     cx, tables_end - tables
        rep     movsb
        lgdt    [cs:gdt_ptr]
        lidt    [cs:idt_ptr]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     dword 0x08:pm32         ; code segment base F0000

        bits    32
pm32:   mov     ax, 0x10
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     esp, 0x7000
        mov     ax, 0x20
        ltr     ax
soft:   int     0x30
        mov     ax, 0x18
ldfs:   mov     fs, ax
task:   call    0x28:0
        ; 8259A: vectors 20h/28h, only IRQ0 unmasked; 8254 channel 0 mode 2
        mov     al, 0x11
        out     0x20, al
        out     0xA0, al
        mov     al, 0x20
        out     0x21, al
        mov     al, 0x28
        out     0xA1, al
        mov     al, 0x04
        out     0x21, al
        mov     al, 0x02
        out     0xA1, al
        mov     al, 0x01
        out     0x21, al
        out     0xA1, al
        mov     al, 0xFE
        out     0x21, al
        mov     al, 0xFF
        out     0xA1, al
        mov     al, 0x34
        out     0x43, al
        mov     al, 0x00
        out     0x40, al
        mov     al, 0x10
        out     0x40, al
        sti
idle:   hlt
        jmp     idle

gdt_ptr: dw     0x2F
        dd      0x1000
idt_ptr: dw     0x187
        dd      0x1400

        times   0x800-($-$$) db 0xFF
h30:    iretd                           ; F000:0800
        times   0x810-($-$$) db 0xFF
h20:    push    eax                     ; F000:0810
        mov     al, 0x20
        out     0x20, al
        pop     eax
        iretd
        times   0x820-($-$$) db 0xFF
task_b: iretd                           ; F000:0820, in TSS B

        align   16
tables:                                 ; copied to 0:1000
; GDT at 1000h
        dq      0
        dw      0xFFFF, 0x0000          ; 08: code32 base F0000 limit FFFF, ER accessed
        db      0x0F, 0x9B, 0x40, 0x00
        dw      0xFFFF, 0x0000          ; 10: data32 flat 4 GiB, RW accessed
        db      0x00, 0x93, 0xCF, 0x00
        dw      0xFFFF, 0x0000          ; 18: data32 flat 4 GiB, RW, not accessed
        db      0x00, 0x92, 0xCF, 0x00
        dw      0x0067, 0x1800          ; 20: TSS A (32-bit, available) at 1800h
        db      0x00, 0x89, 0x00, 0x00
        dw      0x0067, 0x1900          ; 28: TSS B (32-bit, available) at 1900h
        db      0x00, 0x89, 0x00, 0x00
        times   0x400-($-tables) db 0
; IDT at 1400h
        times   0x400+0x20*8-($-tables) db 0
        dw      h20, 0x0008             ; 20: interrupt gate32 -> 0008:h20
        db      0x00, 0x8E
        dw      0x0000
        times   0x400+0x30*8-($-tables) db 0
        dw      h30, 0x0008             ; 30: interrupt gate32 -> 0008:h30
        db      0x00, 0x8E
        dw      0x0000
        times   0x800-($-tables) db 0
; TSS A at 1800h: filled by the switch away from it
        times   0x900-($-tables) db 0
; TSS B at 1900h
        dd      0                       ; link
        dd      0, 0, 0, 0, 0, 0        ; esp0..ss2
        dd      0                       ; cr3
        dd      task_b, 0x00000002      ; eip, eflags
        dd      0, 0, 0, 0              ; eax ecx edx ebx
        dd      0x6000, 0, 0, 0         ; esp ebp esi edi
        dd      0x10, 0x08, 0x10, 0x10, 0x10, 0x10 ; es cs ss ds fs gs
        dd      0                       ; ldt
        dw      0, 0x68                 ; T, iomap base
tables_end:

        times   0xFFF0-($-$$) db 0xFF
        bits    16
reset:  jmp     0xF000:start            ; F000:FFF0
        times   0x10000-($-$$) db 0xFF
