; kbd_time.asm - the guest of the sendkey hold-time test: a 64 KiB ROM that
; needs no BIOS. It turns the i8042's translation off (scan code set 2),
; enables the keyboard, runs PIT channel 0 in mode 2 with the full count
; (1,193,182 Hz, wrapping every 65,536 ticks), writes "READY\n" to the
; debug console (port 0xE9) and then polls: it latches the counter on every
; pass and adds the ticks gone by since the last pass to a 32-bit total
; (EDI), and echoes every byte from port 0x60 as "xx@tttttttt " (the byte
; and the total in hex) - a timestamp of each scan code in PIT ticks.
        bits    16
        org     0

start:  cli
        xor     ax, ax
        mov     ss, ax
        mov     sp, 0x7C00
.flush: in      al, 0x64
        test    al, 1
        jz      .cmd
        in      al, 0x60
        jmp     .flush
.cmd:   call    wait_in
        mov     al, 0x60                ; write command byte
        out     0x64, al
        call    wait_in
        mov     al, 0x04                ; SYS; no translation, no IRQs
        out     0x60, al
        call    wait_in
        mov     al, 0xF4                ; keyboard: enable scanning
        out     0x60, al
        call    wait_out
        in      al, 0x60                ; its ACK
        mov     al, 0x34                ; PIT channel 0: lo/hi, mode 2
        out     0x43, al
        xor     al, al
        out     0x40, al
        out     0x40, al
        xor     edi, edi                ; ticks
        call    count
        mov     si, bx                  ; previous count
        mov     cx, ready_len
        mov     bx, ready
.msg:   mov     al, [cs:bx]
        out     0xE9, al
        inc     bx
        loop    .msg
poll:   call    count                   ; bx = count now
        mov     ax, si
        sub     ax, bx                  ; counts down: ticks since the last pass
        mov     si, bx
        movzx   eax, ax
        add     edi, eax
        in      al, 0x64
        test    al, 1
        jz      poll
        in      al, 0x60
        call    hex2
        mov     al, '@'
        out     0xE9, al
        mov     edx, edi
        mov     cx, 4
.t:     rol     edx, 8
        mov     al, dl
        call    hex2
        loop    .t
        mov     al, ' '
        out     0xE9, al
        jmp     poll

count:  xor     al, al                  ; latch channel 0
        out     0x43, al
        in      al, 0x40
        mov     bl, al
        in      al, 0x40
        mov     bh, al
        ret

hex2:   mov     ah, al
        shr     al, 4
        call    hex
        mov     al, ah
        and     al, 15
hex:    add     al, '0'
        cmp     al, '9'
        jbe     .out
        add     al, 'a' - '0' - 10
.out:   out     0xE9, al
        ret

wait_in:
        in      al, 0x64
        test    al, 2
        jnz     wait_in
        ret

wait_out:
        in      al, 0x64
        test    al, 1
        jz      wait_out
        ret

ready:  db      "READY", 10
ready_len equ $ - ready

        times   0xFFF0-($-$$) db 0xFF
reset:  jmp     0xF000:start
        times   0x10000-($-$$) db 0xFF
