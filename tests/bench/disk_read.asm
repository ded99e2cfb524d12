; disk_read.asm - the disk read benchmark's guest (a firmware-less ROM):
; reads the whole 64 MiB hard disk on the primary master with READ MULTIPLE
; (256 sectors per command, 16 per DRQ block, REP INSW), then the whole
; 1.44 MB floppy in drive A through the FDC's FIFO (non-DMA mode, one
; multi-track READ DATA per cylinder), printing "hd done" / "fd done" on
; the debug console (the host times the lines), and exits.
%include "lib.inc"

HD      equ 0x1F0
FDC     equ 0x3F0

main16:
        mov     ax, DATA_SEG
        mov     es, ax
        call    hd_wait
        mov     dx, HD+2
        mov     al, 16
        out     dx, al
        mov     dx, HD+7
        mov     al, 0xC6
        out     dx, al
        call    hd_wait
        xor     ebp, ebp                ; LBA
.cmd:   mov     dx, HD+2
        xor     al, al
        out     dx, al                  ; 256 sectors
        mov     eax, ebp
        inc     dx
        out     dx, al
        shr     eax, 8
        inc     dx
        out     dx, al
        shr     eax, 8
        inc     dx
        out     dx, al
        shr     eax, 8
        or      al, 0xE0
        inc     dx
        out     dx, al
        inc     dx
        mov     al, 0xC4
        out     dx, al
        mov     bx, 16
.blk:   call    hd_wait
        mov     dx, HD
        xor     di, di
        mov     cx, 16*256
        cld
        rep     insw
        dec     bx
        jnz     .blk
        add     ebp, 256
        cmp     ebp, 131072
        jb      .cmd
        PUTSLN  "hd done"

        mov     dx, FDC+2
        mov     al, 0
        out     dx, al
        mov     al, 0x1C
        out     dx, al
        mov     cx, 4
.s:     mov     al, 0x08
        call    fd_out
        call    fd_in
        call    fd_in
        loop    .s
        mov     al, 0x03
        call    fd_out
        mov     al, 0xDF
        call    fd_out
        mov     al, 0x03                ; ND = 1
        call    fd_out
        xor     si, si                  ; cylinder
.cyl:   mov     al, 0x0F
        call    fd_out
        xor     al, al
        call    fd_out
        mov     ax, si
        call    fd_out
        mov     al, 0x08
        call    fd_out
        call    fd_in
        call    fd_in
        mov     al, 0xC6                ; MT MFM READ DATA
        call    fd_out
        xor     al, al
        call    fd_out
        mov     ax, si
        call    fd_out                  ; C
        xor     al, al
        call    fd_out                  ; H
        mov     al, 1
        call    fd_out                  ; R
        mov     al, 2
        call    fd_out
        mov     al, 18
        call    fd_out                  ; EOT
        mov     al, 0x1B
        call    fd_out
        mov     al, 0xFF
        call    fd_out
        mov     cx, 36*512
        xor     di, di
.byte:  call    fd_in
        stosb
        loop    .byte
        mov     cx, 7
.res:   call    fd_in
        loop    .res
        inc     si
        cmp     si, 80
        jb      .cyl
        PUTSLN  "fd done"
        EXIT

hd_wait:
        mov     dx, HD+7
.l:     in      al, dx
        test    al, 0x80
        jnz     .l
        ret

fd_out: push    ax
        mov     dx, FDC+4
.w:     in      al, dx
        and     al, 0xC0
        cmp     al, 0x80
        jne     .w
        pop     ax
        inc     dx
        out     dx, al
        ret

fd_in:  mov     dx, FDC+4
.w:     in      al, dx
        and     al, 0xC0
        cmp     al, 0xC0
        jne     .w
        inc     dx
        in      al, dx
        ret
