; mono7.asm - a boot sector (in a 1.44 MB floppy image) for the monochrome
; text mode test: under SeaBIOS and SeaVGABIOS it sets mode 7 with INT 10h
; AX=0007 (80x25 monochrome, 9x16 characters in 720x400 on the VGA, B0000,
; CRTC at 0x3B4, the monochrome attribute palette), sets the underline
; location (CR14) to scan line 15, hides the cursor (INT 10h AH=01,
; CX=2000h: QEMU blinks it on the host's clock), fills the 25 rows at
; B000:0000 with characters (row * 80 + column) & 0xFF (B0h-BFh moved down
; by 80h) under one attribute
; per row from the table below (normal, intense, reverse, underline,
; intense underline, invisible, reverse intense, and attributes the
; palette folds into those), writes "OK" to the debug console (port 0xE9)
; and halts. Attributes with bit 7 are left out: QEMU does not blink.
; tests/vga/mono-test.py compares the screendump with QEMU's; QEMU 7.2
; draws no underline, so on the underline rows (attributes 01h, 09h) the
; test expects xlat86's scan line 15 (CR14) in the foreground colour.
        bits    16
        org     0x7c00
start:  cli
        xor     ax, ax
        mov     ds, ax
        mov     ss, ax
        mov     sp, 0x7c00
        sti
        mov     ax, 0x0007
        int     0x10
        mov     ah, 0x01
        mov     cx, 0x2000
        int     0x10
        mov     dx, 0x3b4               ; underline on scan line 15, as the
        mov     ax, 0x0f14              ; IBM VGA BIOS's mode 7 table has it
        out     dx, ax                  ; (SeaVGABIOS leaves CR14 at 1Fh: none)
        mov     ax, 0xb000
        mov     es, ax
        xor     di, di
        xor     bx, bx                  ; row
.row:   xor     dx, dx
        mov     ax, bx
        mov     cx, attrs_len
        div     cx                      ; dx = row % attrs_len
        mov     si, dx
        xor     cx, cx                  ; column
.col:   mov     al, bl
        mov     dl, 80
        mul     dl                      ; ax = row * 80 (clobbers ah)
        add     ax, cx
        cmp     al, 0xb0                ; B0h-BFh -> 30h-3Fh (line graphics
        jb      .chr                    ; below: QEMU repeats the 8th dot
        cmp     al, 0xbf                ; from B0h, the VGA from C0h)
        ja      .chr
        sub     al, 0x80
.chr:   mov     ah, [attrs + si]
        stosw
        inc     cx
        cmp     cx, 80
        jb      .col
        inc     bx
        cmp     bx, 25
        jb      .row
        mov     dx, 0xe9
        mov     al, 'O'
        out     dx, al
        mov     al, 'K'
        out     dx, al
        mov     al, 10
        out     dx, al
.halt:  hlt
        jmp     .halt

attrs:  db      0x07, 0x0f, 0x70, 0x01, 0x09, 0x00, 0x78, 0x17, 0x71, 0x0a
attrs_len equ $ - attrs

        times   510 - ($ - $$) db 0
        dw      0xaa55
        times   1474560 - ($ - $$) db 0
