; disk_stress.asm - endless guest writes for the SIGKILL and lock tests: in
; generation g = 1, 2, 3, ... it fills the 64 sectors at LBA 0..63 of the
; primary master with the dword g (WRITE MULTIPLE, 16 sectors per block,
; one command), and prints "gen N" on the debug console every 256
; generations.  Killed at any moment, the image must hold in every sector
; one generation only (run-disk-test.sh sigkill).
%include "lib.inc"

HD      equ 0x1F0

main16:
        mov     ax, DATA_SEG
        mov     es, ax
        mov     dx, HD+6
        mov     al, 0xE0
        out     dx, al
        call    wait_ready
        mov     dx, HD+2
        mov     al, 16
        out     dx, al
        mov     dx, HD+7
        mov     al, 0xC6        ; SET MULTIPLE 16
        out     dx, al
        call    wait_ready
        PUTSLN  "stress: writing"
        mov     ebp, 1
.gen:   xor     di, di
        mov     eax, ebp
        mov     cx, 64*128
        cld
        rep     stosd
        mov     dx, HD+2
        mov     al, 64
        out     dx, al
        inc     dx
        xor     al, al
        out     dx, al          ; LBA 0
        inc     dx
        out     dx, al
        inc     dx
        out     dx, al
        inc     dx
        mov     al, 0xE0
        out     dx, al
        inc     dx
        mov     al, 0xC5        ; WRITE MULTIPLE
        out     dx, al
        xor     si, si
        mov     bx, 4
.blk:   call    wait_ready
        mov     dx, HD
        mov     cx, 16*256
        es rep outsw
        dec     bx
        jnz     .blk
        call    wait_ready
        test    bp, 0xFF
        jnz     .next
        PUTS    "gen "
        PHEX32  ebp
        NEWLINE
.next:  inc     ebp
        jmp     .gen

wait_ready:
        mov     dx, HD+7
.l:     in      al, dx
        test    al, 0x80
        jnz     .l
        ret
