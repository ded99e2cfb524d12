; boot_test.asm - a boot program for a BIOS (SeaBIOS) on a floppy, a hard
; disk (MBR) or an El Torito no-emulation CD: exercises INT 13h (drive
; parameters, CHS read and write, extensions check, extended read, write
; and drive parameters), INT 15h E820, INT 16h, INT 1Ah, INT 10h teletype,
; and reports on COM1 (port 0x3F8, written directly) one line per call,
; then exits through port 0xF4 (status 1).
; Built with -DMEDIA=0 (floppy), 1 (hard disk) or 2 (CD).  The program is
; 4 sectors of 512 bytes: a BIOS loads the first (floppy, disk) and it
; loads the other three with INT 13h AH=02 (the CHS read test); on a CD the
; BIOS loads all four (boot-load-size 4).  The rest of the image is the
; pattern of make-images.py, so the host knows what the reads must return.
bits 16
org 0x7C00

%ifndef MEDIA
%define MEDIA 1
%endif
BUF     equ 0x1000              ; 0000:1000 data buffer (4 KiB)
E820BUF equ 0x3000

start:
        cli
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     sp, 0x7C00
        jmp     0:.norm
.norm:  sti
        mov     [drive], dl
%if MEDIA != 2
        mov     ax, 0x0203      ; read 3 sectors: C0 H0 S2..S4 -> 0x7E00
        mov     cx, 0x0002
        xor     dh, dh
        mov     bx, 0x7E00
        int     0x13
        jc      .die
%endif
        jmp     stage2
.die:   mov     al, 'X'
        mov     dx, 0x3F8
        out     dx, al
        mov     al, 0x11
        out     0xF4, al
        hlt
drive:  db      0               ; in the first sector: stage 2 is loaded over the rest
%if MEDIA != 2
        times 446-($-$$) db 0
        ; a partition table entry (hard disk): one FAT16 partition at LBA 64
        db      0x80, 1, 2, 0, 0x06, 15, 63, 8
        dd      64, 20480-64
        times 510-($-$$) db 0
        dw      0xAA55
%else
        times 512-($-$$) db 0
%endif

; ------------------------------------------------------------ stage 2
stage2:
        mov     si, s_boot
        call    puts
        mov     al, [drive]
        call    phex8
        call    nl

        ; INT 10h teletype
        mov     si, s_int10
.t:     lodsb
        test    al, al
        jz      .tdone
        mov     ah, 0x0E
        mov     bx, 0x0007
        int     0x10
        jmp     .t
.tdone: mov     si, s_int10r
        call    puts
        call    nl

%if MEDIA != 2
        ; INT 13h AH=08: drive parameters
        mov     ah, 0x08
        mov     dl, [drive]
        xor     di, di
        mov     es, di
        int     0x13
        pushf
        push    0               ; AH=08 returns the floppy parameter table in ES:DI
        pop     es
        mov     si, s_08
        call    puts
        popf
        call    pcf
        mov     si, s_chs
        call    puts
        mov     ax, cx
        call    phex16
        mov     al, ' '
        call    putc
        mov     al, dh
        call    phex8
        mov     al, ' '
        call    putc
        mov     al, dl
        call    phex8
        call    nl

        ; INT 13h AH=02: C0 H1 S1 (floppy: LBA 18, disk 16/63: LBA 63)
        mov     ax, 0x0201
        mov     cx, 0x0001
        mov     dh, 1
        mov     dl, [drive]
        mov     bx, BUF
        int     0x13
        pushf
        mov     si, s_02
        call    puts
        popf
        call    pcf
        mov     cx, 128
        call    psum
        call    nl

        ; INT 13h AH=03: write C0 H1 S2 with 0x00..0xFF twice, read back
        mov     di, BUF
        xor     ax, ax
.f:     stosb
        inc     al
        cmp     di, BUF+512
        jb      .f
        mov     ax, 0x0301
        mov     cx, 0x0002
        mov     dh, 1
        mov     dl, [drive]
        mov     bx, BUF
        int     0x13
        pushf
        mov     si, s_03
        call    puts
        popf
        call    pcf
        call    nl
%endif

        ; INT 13h AH=41: extensions
        mov     ah, 0x41
        mov     bx, 0x55AA
        mov     dl, [drive]
        int     0x13
        pushf
        mov     si, s_41
        call    puts
        popf
        call    pcf
        mov     al, ' '
        call    putc
        mov     ax, bx
        call    phex16
        call    nl

        ; INT 13h AH=48: drive parameters (EDD)
        mov     word [BUF], 0x1A
        mov     ah, 0x48
        mov     dl, [drive]
        mov     si, BUF
        int     0x13
        pushf
        mov     si, s_48
        call    puts
        popf
        call    pcf
        mov     al, ' '
        call    putc
        mov     eax, [BUF+16]   ; total sectors (low dword)
        call    phex32
        mov     al, ' '
        call    putc
        mov     ax, [BUF+24]    ; bytes per sector
        call    phex16
        call    nl

        ; INT 13h AH=42: extended read of 2 sectors at LBA 10
        mov     word [dap+2], 2
        mov     dword [dap+8], 10
        mov     ah, 0x42
        mov     dl, [drive]
        mov     si, dap
        int     0x13
        pushf
        mov     si, s_42
        call    puts
        popf
        call    pcf
%if MEDIA == 2
        mov     cx, 1024        ; 2 x 2048 bytes
%else
        mov     cx, 256         ; 2 x 512 bytes
%endif
        call    psum
        call    nl

%if MEDIA == 1
        ; INT 13h AH=43: extended write of LBA 40 with 'W'+i, then read back
        mov     di, BUF
        mov     cx, 512
        mov     al, 'W'
.w:     stosb
        inc     al
        loop    .w
        mov     word [dap+2], 1
        mov     dword [dap+8], 40
        mov     ax, 0x4300
        mov     dl, [drive]
        mov     si, dap
        int     0x13
        pushf
        mov     si, s_43
        call    puts
        popf
        call    pcf
        mov     word [dap+2], 1
        mov     dword [dap+8], 40
        mov     byte [BUF], 0
        mov     ah, 0x42
        mov     dl, [drive]
        mov     si, dap
        int     0x13
        mov     cx, 128
        call    psum
        call    nl
%endif

        ; INT 15h E820: the memory map
        xor     ebx, ebx
        xor     bp, bp
.e:     mov     eax, 0xE820
        mov     edx, 0x534D4150
        mov     ecx, 20
        mov     di, E820BUF
        int     0x15
        jc      .edone
        cmp     eax, 0x534D4150
        jne     .edone
        mov     si, s_e820
        call    puts
        mov     eax, [E820BUF+4]
        call    phex32
        mov     eax, [E820BUF]
        call    phex32
        mov     al, ' '
        call    putc
        mov     eax, [E820BUF+12]
        call    phex32
        mov     eax, [E820BUF+8]
        call    phex32
        mov     al, ' '
        call    putc
        mov     al, [E820BUF+16]
        call    phex8
        call    nl
        inc     bp
        test    ebx, ebx
        jz      .edone
        cmp     bp, 32
        jb      .e
.edone:
        ; INT 16h AH=01: keyboard status (no key waiting: ZF = 1)
        mov     ah, 0x01
        int     0x16
        mov     si, s_16
        call    puts
        mov     al, '0'
        jnz     .k
        mov     al, '1'
.k:     call    putc
        call    nl

        ; INT 1Ah AH=00 (ticks since midnight) and AH=02 (RTC time)
        mov     ah, 0x00
        int     0x1A
        mov     si, s_1a0
        call    puts
        mov     al, 'y'
        cmp     cx, 24          ; < 0x18 hours of ticks: plausible
        jb      .tk
        mov     al, 'n'
.tk:    call    putc
        call    nl
        mov     ah, 0x02
        int     0x1A
        pushf
        mov     si, s_1a2
        call    puts
        popf
        call    pcf
        call    nl

        mov     si, s_done
        call    puts
        call    nl
        mov     al, 0
        out     0xF4, al
        cli
        hlt

; ------------------------------------------------------------ helpers
putc:   push    dx
        push    ax
        mov     dx, 0x3FD
.w:     in      al, dx
        test    al, 0x20
        jz      .w
        pop     ax
        mov     dx, 0x3F8
        out     dx, al
        pop     dx
        ret
puts:   lodsb
        test    al, al
        jz      .r
        call    putc
        jmp     puts
.r:     ret
nl:     mov     al, 10
        jmp     putc
phex4:  and     al, 0x0F
        add     al, '0'
        cmp     al, '9'
        jbe     putc
        add     al, 7
        jmp     putc
phex8:  push    ax
        shr     al, 4
        call    phex4
        pop     ax
        jmp     phex4
phex16: push    ax
        mov     al, ah
        call    phex8
        pop     ax
        jmp     phex8
phex32: push    eax
        shr     eax, 16
        call    phex16
        pop     eax
        jmp     phex16
pcf:    mov     al, '0'         ; " cf=N" from the flags on entry
        jnc     .n
        mov     al, '1'
.n:     push    ax
        mov     si, s_cf
        call    puts
        pop     ax
        jmp     putc
psum:   xor     eax, eax        ; " sum XXXXXXXX" of CX dwords at BUF
        mov     si, BUF
.l:     add     eax, [si]
        add     si, 4
        loop    .l
        push    eax
        mov     si, s_sum
        call    puts
        pop     eax
        jmp     phex32

align 4
dap:    db      16, 0
        dw      2
        dw      BUF, 0
        dq      10
s_boot:   db "BOOT TEST dl=", 0
s_int10:  db "INT10 teletype", 13, 10, 0
s_int10r: db "int10 0e done", 0
s_08:     db "int13 08", 0
s_chs:    db " cx/dh/dl ", 0
s_02:     db "int13 02 c0h1s1", 0
s_03:     db "int13 03 c0h1s2", 0
s_41:     db "int13 41", 0
s_48:     db "int13 48", 0
s_42:     db "int13 42 lba10x2", 0
s_43:     db "int13 43 lba40 then 42", 0
s_e820:   db "e820 ", 0
s_16:     db "int16 01 zf=", 0
s_1a0:    db "int1a 00 ticks plausible=", 0
s_1a2:    db "int1a 02", 0
s_done:   db "BOOT TEST DONE", 0
s_cf:     db " cf=", 0
s_sum:    db " sum ", 0
        times 2048-($-$$) db 0
