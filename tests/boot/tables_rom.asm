; tables_rom.asm - the guest of the monitor's `info pic|pit|irq|idt|gdt|ldt|tss`
; checks (debug-monitor-test.py): a 64 KiB ROM that programs the PICs
; (vectors 20h/28h, masks FAh/FFh) and the PIT (channel 0 mode 2, count
; 1234h; channel 2 mode 3, count 1000, gate on), copies descriptor tables
; to RAM 0:1000, enters protected mode, loads LDTR and TR and spins with
; interrupts off. The test's expected tables are written from this source
; (SDM vol. 3 descriptor formats), not from xlat86's output.
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
        xor     ax, ax
        mov     ds, ax
        ; 8259A pair: ICW1 edge+ICW4, ICW2 vectors, ICW3 cascade on IR2, ICW4 8086
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
        mov     al, 0xFA                ; IRQ0 and the cascade unmasked
        out     0x21, al
        mov     al, 0xFF
        out     0xA1, al
        ; 8254: channel 0 mode 2 lo/hi 1234h; channel 2 mode 3 lo/hi 1000
        mov     al, 0x34
        out     0x43, al
        mov     al, 0x34
        out     0x40, al
        mov     al, 0x12
        out     0x40, al
        mov     al, 0xB6
        out     0x43, al
        mov     al, 0xE8
        out     0x42, al
        mov     al, 0x03
        out     0x42, al
        mov     al, 0x01                ; channel 2 gate on, speaker off
        out     0x61, al
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
        mov     ax, 0x18
        lldt    ax
        mov     ax, 0x20
        ltr     ax
        xor     ecx, ecx
spin:   inc     ecx
        jmp     spin

gdt_ptr: dw     0x37
        dd      0x1000
idt_ptr: dw     0x107
        dd      0x1400

        align   16
tables:                                 ; copied to 0:1000
; GDT at 1000h
        dq      0
        dw      0xFFFF, 0x0000          ; 08: code32 base F0000 limit FFFF, ER accessed
        db      0x0F, 0x9B, 0x40, 0x00
        dw      0xFFFF, 0x0000          ; 10: data32 flat 4 GiB, RW accessed
        db      0x00, 0x93, 0xCF, 0x00
        dw      0x000F, 0x1100          ; 18: LDT base 1100h limit 0Fh
        db      0x00, 0x82, 0x00, 0x00
        dw      0x0067, 0x1200          ; 20: TSS32 (available) base 1200h limit 67h
        db      0x00, 0x89, 0x00, 0x00
        dw      0x0FFF, 0x5000          ; 28: data16 DPL3 base 12345000h limit FFFh RW
        db      0x34, 0xF2, 0x00, 0x12
        dw      0xABCD, 0x0008          ; 30: call gate32 DPL3 -> 0008:0000ABCD
        db      0x00, 0xEC
        dw      0x0000
        times   0x100-($-tables) db 0
; LDT at 1100h
        dw      0xFFFF, 0x0000          ; 04: code16 base 20000h limit FFFFh ER
        db      0x02, 0x9A, 0x00, 0x00
        dw      0x1FFF, 0x0000          ; 0C: data16 DPL1 not present base 30000h limit 1FFFh RW
        db      0x03, 0x32, 0x00, 0x00
        times   0x200-($-tables) db 0
; TSS at 1200h (32-bit)
        dd      0                       ; link
        dd      0x6000, 0x10            ; esp0, ss0
        dd      0x5000, 0x29            ; esp1, ss1
        dd      0x4000, 0x12            ; esp2, ss2
        dd      0                       ; cr3
        dd      0x11223344, 0x00000002  ; eip, eflags
        dd      0xAAAA0001, 0xAAAA0002, 0xAAAA0003, 0xAAAA0004 ; eax ecx edx ebx
        dd      0xAAAA0005, 0xAAAA0006, 0xAAAA0007, 0xAAAA0008 ; esp ebp esi edi
        dd      0x23, 0x1B, 0x23, 0x23, 0x23, 0x23 ; es cs ss ds fs gs
        dd      0x18                    ; ldt
        dw      0, 0x68                 ; T, iomap base
        times   0x400-($-tables) db 0
; IDT at 1400h (21h gates)
        dw      0x0100, 0x0008          ; 00: interrupt gate32 -> 0008:00000100
        db      0x00, 0x8E
        dw      0x0000
        times   0x400+3*8-($-tables) db 0
        dw      0x0200, 0x0008          ; 03: trap gate32 DPL3 -> 0008:00010200
        db      0x00, 0xEF
        dw      0x0001
        times   0x400+8*8-($-tables) db 0
        dw      0x0000, 0x0020          ; 08: task gate -> TSS 0020
        db      0x00, 0x85
        dw      0x0000
        times   0x400+0x20*8-($-tables) db 0
        dw      0x0300, 0x0008          ; 20: interrupt gate16, not present
        db      0x00, 0x06
        dw      0x0000
tables_end:

        times   0xFFF0-($-$$) db 0xFF
        bits    16
reset:  jmp     0xF000:start            ; F000:FFF0
        times   0x10000-($-$$) db 0xFF
