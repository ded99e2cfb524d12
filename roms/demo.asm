; demo.asm - the default guest of xlat86: a 64 KiB firmware ROM (nasm -f bin).
; The board maps it at F0000-FFFFF; the CPU starts at F000:FFF0 in real mode
; (Intel SDM vol. 3, 9.1.4).  It relies on no BIOS: it sets up its own stack
; and interrupt vector, then
;   - initialises COM1 (16550A at 0x3F8: 115200 baud 8N1, FIFOs on),
;   - prints a banner on COM1 and on the debug console (port 0xE9),
;   - programs the 8259A pair as a PC BIOS does (vectors 08h/70h, only IRQ0
;     unmasked) and 8254 channel 0 in mode 2 at 100 Hz,
;   - sleeps in HLT, counting IRQ0 ticks, printing "tick N" every 10 ticks,
;   - after 50 ticks prints a summary and "halting", then writes 0 to port
;     0xF4 (xlat86 and QEMU's isa-debug-exit: exit status 1) and stops.
; Run under QEMU: qemu-system-i386 -bios build/roms/demo.bin -display none
;   -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4

COM1      equ 0x3F8
TICKS     equ 0x0500            ; RAM variables (segment 0)
HLTS      equ 0x0504
NTICKS    equ 50
PIT_HZ    equ 1193182
DIVISOR   equ (PIT_HZ + 50) / 100   ; 11932: 100 Hz

        bits    16
        org     0                       ; CS = F000, offsets = image offsets

start:  cli
        cld
        xor     ax, ax
        mov     ss, ax
        mov     sp, 0x7C00
        mov     ds, ax
        mov     es, ax
        mov     al, 0xFF                ; mask everything until set up
        out     0x21, al
        out     0xA1, al
        call    uart_init
        mov     si, banner
        call    puts
        call    lapic_wire
        ; IRQ0 -> vector 08h
        mov     word [0x08*4], irq0
        mov     word [0x08*4+2], cs
        mov     dword [TICKS], 0
        mov     dword [HLTS], 0
        call    pic_init
        ; PIT channel 0: lobyte/hibyte, mode 2 (rate generator), binary
        mov     al, 0x34
        out     0x43, al
        mov     al, DIVISOR & 0xFF
        out     0x40, al
        mov     al, DIVISOR >> 8
        out     0x40, al
        mov     si, msg_go
        call    puts
        xor     bx, bx                  ; ticks already reported
.loop:  cli
        mov     eax, [TICKS]
        cmp     eax, NTICKS
        jae     .done
        sub     ax, bx
        cmp     ax, 10
        jb      .sleep
        add     bx, 10
        mov     si, msg_tick
        call    puts
        mov     ax, bx
        call    putdec
        call    newline
.sleep: sti                             ; STI's shadow covers HLT: no lost wakeup
        hlt
        inc     dword [HLTS]
        jmp     .loop
.done:  mov     al, 0xFF
        out     0x21, al
        mov     si, msg_tick
        call    puts
        mov     ax, NTICKS
        call    putdec
        call    newline
        mov     si, msg_sum1
        call    puts
        mov     ax, [TICKS]
        call    putdec
        mov     si, msg_sum2
        call    puts
        mov     ax, [HLTS]
        call    putdec
        mov     si, msg_sum3
        call    puts
        mov     si, msg_halt
        call    puts
        mov     al, 0                   ; exit status (0 << 1) | 1 = 1
        out     0xF4, al
.stop:  cli
        hlt
        jmp     .stop

; IRQ0: count the tick, non-specific EOI to the master 8259
irq0:   push    ax
        inc     dword [TICKS]           ; DS = 0 throughout
        mov     al, 0x20
        out     0x20, al
        pop     ax
        iret

; ---------------------------------------------------------------- UART
uart_init:
        mov     dx, COM1+1
        xor     al, al
        out     dx, al                  ; IER: no interrupts
        mov     dx, COM1+3
        mov     al, 0x80
        out     dx, al                  ; LCR: DLAB
        mov     dx, COM1
        mov     al, 1
        out     dx, al                  ; DLL = 1: 115200 baud
        inc     dx
        xor     al, al
        out     dx, al                  ; DLM = 0
        mov     dx, COM1+3
        mov     al, 0x03
        out     dx, al                  ; 8N1, DLAB off
        mov     dx, COM1+2
        mov     al, 0x07
        out     dx, al                  ; FCR: FIFOs on, cleared
        mov     dx, COM1+4
        mov     al, 0x03
        out     dx, al                  ; MCR: DTR, RTS
        ret

; putc al: to COM1 (waiting for THRE, bounded so an absent UART cannot hang
; us) and to the debug console
putc:   push    ax
        push    cx
        push    dx
        mov     ah, al
        mov     dx, COM1+5
        mov     cx, 0xFFFF
.w:     in      al, dx
        test    al, 0x20
        jnz     .tx
        loop    .w
.tx:    mov     dx, COM1
        mov     al, ah
        out     dx, al
        out     0xE9, al
        pop     dx
        pop     cx
        pop     ax
        ret

; puts cs:si (NUL-terminated); "\n" becomes CR LF on the UART
puts:   push    ax
        push    si
.l:     mov     al, [cs:si]
        inc     si
        test    al, al
        jz      .d
        cmp     al, 10
        jne     .c
        call    newline
        jmp     .l
.c:     call    putc
        jmp     .l
.d:     pop     si
        pop     ax
        ret

; newline: CR LF on the UART, LF alone on the debug console
newline:
        push    ax
        mov     al, 13
        call    putc_uart_only
        mov     al, 10
        call    putc
        pop     ax
        ret

putc_uart_only:
        push    ax
        push    cx
        push    dx
        mov     ah, al
        mov     dx, COM1+5
        mov     cx, 0xFFFF
.w:     in      al, dx
        test    al, 0x20
        jnz     .tx
        loop    .w
.tx:    mov     dx, COM1
        mov     al, ah
        out     dx, al
        pop     dx
        pop     cx
        pop     ax
        ret

; putdec ax: unsigned decimal
putdec: push    ax
        push    bx
        push    cx
        push    dx
        mov     bx, 10
        xor     cx, cx
.div:   xor     dx, dx
        div     bx
        push    dx
        inc     cx
        test    ax, ax
        jnz     .div
.out:   pop     ax
        add     al, '0'
        call    putc
        loop    .out
        pop     dx
        pop     cx
        pop     bx
        pop     ax
        ret

; ---------------------------------------------------------------- PIC
; ICW1-ICW4 as a PC BIOS (8259A datasheet): master 20/21 -> vectors 08-0F,
; slave A0/A1 -> 70-77 on IR2, 8086 mode; OCW1 leaves only IRQ0 unmasked.
pic_init:
        mov     al, 0x11
        out     0x20, al
        out     0xA0, al
        mov     al, 0x08
        out     0x21, al
        mov     al, 0x70
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
        ret

; If CPUID reports a local APIC, put it in virtual-wire mode (MP spec 1.4,
; 3.6.2.2: LINT0 = ExtINT) so the 8259 output reaches the CPU; its registers
; at FEE00000 are reached from a brief 16-bit protected-mode excursion.
lapic_wire:
        pushad
        mov     eax, 1
        cpuid
        test    edx, 1 << 9
        jz      .done
        o32 lgdt [cs:gdtr]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     0x08:.pm
.pm:    mov     ax, 0x10
        mov     fs, ax
        mov     dword [fs:dword 0xFEE000F0], 0x1FF     ; SVR: enabled
        mov     dword [fs:dword 0xFEE00350], 0x700     ; LINT0: ExtINT
        mov     dword [fs:dword 0xFEE00360], 0x400     ; LINT1: NMI
        mov     eax, cr0
        and     al, ~1
        mov     cr0, eax
        jmp     0xF000:.rm
.rm:    xor     ax, ax
        mov     fs, ax
.done:  popad
        ret

        align   8
gdt:    dq      0
        dq      0x00009A0F0000FFFF      ; 0x08: 16-bit code, base F0000
        dq      0x00CF92000000FFFF      ; 0x10: flat data
gdtr:   dw      gdtr - gdt - 1
        dd      0xF0000 + gdt

banner: db      "xlat86 demo ROM", 10
        db      "Counts 100 Hz timer interrupts (8254 PIT -> 8259 PIC -> IRQ0) while halted, then exits.", 10, 0
msg_go:   db    "timer running", 10, 0
msg_tick: db    "tick ", 0
msg_sum1: db    "summary: ", 0
msg_sum2: db    " ticks, ", 0
msg_sum3: db    " HLT wakeups", 10, 0
msg_halt: db    "halting", 10, 0

        times   0xFFF0-($-$$) db 0xFF
reset:  jmp     0xF000:start            ; F000:FFF0
        times   0x10000-($-$$) db 0xFF
