; screen_echo.asm - a floppy boot sector for the screen tests
; (screen-boot-test.py kbd-echo): everything through the BIOS, nothing on
; the serial line, so the test can only read the screen.
;   mode 3 (INT 10h AH=00h), active page 1 (AH=05h), page 1 cleared to
;   white on blue (AH=06h, BH=1Fh); the title on row 0 in yellow on red
;   (AH=13h, BL=4Eh); the prompt "KEYS> " on row 2 (AH=02h, AH=0Eh);
;   then every key read with INT 16h AH=00h is echoed with teletype
;   (AH=0Eh, BH=1): a character as itself, a key without ASCII as
;   "[SS]" (its scan code in hex), Enter as CR LF and a new prompt.
        bits    16
        org     0x7C00

start:  cli
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     sp, 0x7C00
        sti
        mov     ax, 0x0003              ; mode 3: 80x25 colour text
        int     0x10
        mov     ax, 0x0501              ; active page 1
        int     0x10
        mov     ax, 0x0600              ; clear the window 0,0-24,79
        mov     bh, 0x1F
        xor     cx, cx
        mov     dx, 0x184F
        int     0x10
        mov     ax, 0x1301              ; write string, move the cursor
        mov     bx, 0x014E              ; page 1, yellow on red
        mov     cx, title_len
        mov     dx, 0x0000              ; row 0, column 0
        mov     bp, title
        int     0x10
        mov     ah, 0x02                ; cursor to row 2, column 0
        mov     bh, 1
        mov     dx, 0x0200
        int     0x10
prompt: mov     si, keys
        call    puts
key:    xor     ah, ah                  ; wait for a key: AH scan, AL ASCII
        int     0x16
        cmp     al, 13
        je      .enter
        test    al, al
        jz      .scan
        call    putc
        jmp     key
.scan:  mov     bl, ah
        mov     al, '['
        call    putc
        mov     al, bl
        shr     al, 4
        call    hex
        mov     al, bl
        and     al, 15
        call    hex
        mov     al, ']'
        call    putc
        jmp     key
.enter: mov     al, 13
        call    putc
        mov     al, 10
        call    putc
        jmp     prompt

hex:    add     al, '0'
        cmp     al, '9'
        jbe     putc
        add     al, 'A' - '0' - 10
putc:   mov     ah, 0x0E                ; teletype on page 1
        mov     bh, 1
        int     0x10
        ret

puts:   lodsb
        test    al, al
        jz      .done
        call    putc
        jmp     puts
.done:  ret

title:  db      "xlat86 screen test: INT 16h -> INT 10h, page 1"
title_len equ   $ - title
keys:   db      "KEYS> ", 0

        times   510-($-$$) db 0
        dw      0xAA55
