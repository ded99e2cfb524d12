; kbd_echo.asm - the guest of the keyboard input tests: a 64 KiB ROM that
; needs no BIOS. It sets the i8042's command byte (translation on with
; -DXLATE=1, off with -DXLATE=0; interrupts off: it polls), enables the
; keyboard (F4; its ACK is read and dropped), writes "READY\n" to the debug
; console (port 0xE9), then echoes every byte it reads from port 0x60 as
; two hex digits and a space. With -DMOUSE=1 it also enables the aux port
; and the PS/2 mouse's data reporting (D4 F4; the ACK is dropped), so mouse
; packets are echoed too. With -DSET=n it selects scan code set n (F0 n)
; before READY and writes "SET xx" with the keyboard's answer to F0 00.
        bits    16
        org     0                       ; CS = F000, offsets = image offsets
%ifndef XLATE
%define XLATE 1
%endif
%ifndef MOUSE
%define MOUSE 0
%endif

start:  cli
        xor     ax, ax
        mov     ss, ax
        mov     sp, 0x7C00
.flush: in      al, 0x64                ; drop whatever the controller holds
        test    al, 1
        jz      .cmd
        in      al, 0x60
        jmp     .flush
.cmd:   call    wait_in
        mov     al, 0x60                ; write command byte
        out     0x64, al
        call    wait_in
        mov     al, XLATE ? 0x44 : 0x04 ; XLATE, SYS; no IRQs, keyboard enabled
        out     0x60, al
        call    wait_in
        mov     al, 0xF4                ; keyboard: enable scanning
        out     0x60, al
        call    wait_out
        in      al, 0x60                ; its ACK (0xFA)
%ifdef SET
        mov     al, 0xF0                ; select scan code set SET
        call    kbd_cmd
        mov     al, SET
        call    kbd_cmd
        mov     al, 0xF0                ; query it: F0 00, the set follows the ACK
        call    kbd_cmd
        xor     al, al
        call    kbd_cmd
        call    wait_out
        in      al, 0x60
        mov     ah, al
        mov     si, setmsg
.smsg:  mov     al, [cs:si]
        test    al, al
        jz      .sval
        out     0xE9, al
        inc     si
        jmp     .smsg
.sval:  mov     al, ah
        shr     al, 4
        call    hex
        mov     al, ah
        and     al, 15
        call    hex
        mov     al, 10
        out     0xE9, al
%endif
%if MOUSE
        call    wait_in
        mov     al, 0xA8                ; enable the aux port
        out     0x64, al
        call    wait_in
        mov     al, 0xD4                ; next byte to the mouse
        out     0x64, al
        call    wait_in
        mov     al, 0xF4                ; mouse: enable data reporting
        out     0x60, al
        call    wait_out
        in      al, 0x60                ; its ACK (0xFA)
%endif
        mov     si, ready
.msg:   mov     al, [cs:si]
        test    al, al
        jz      echo
        out     0xE9, al
        inc     si
        jmp     .msg
echo:   call    wait_out
        in      al, 0x60
        mov     ah, al
        shr     al, 4
        call    hex
        mov     al, ah
        and     al, 15
        call    hex
        mov     al, ' '
        out     0xE9, al
        jmp     echo

hex:    add     al, '0'
        cmp     al, '9'
        jbe     .out
        add     al, 'a' - '0' - 10
.out:   out     0xE9, al
        ret

wait_in:                                ; until the input buffer is empty
        in      al, 0x64
        test    al, 2
        jnz     wait_in
        ret

wait_out:                               ; until the output buffer is full
        in      al, 0x64
        test    al, 1
        jz      wait_out
        ret

%ifdef SET
kbd_cmd:                                ; al to the keyboard, its ACK dropped
        mov     ah, al
        call    wait_in
        mov     al, ah
        out     0x60, al
        call    wait_out
        in      al, 0x60
        ret
setmsg: db      "SET ", 0
%endif

ready:  db      "READY", 10, 0

        times   0xFFF0-($-$$) db 0xFF
reset:  jmp     0xF000:start            ; F000:FFF0
        times   0x10000-($-$$) db 0xFF
