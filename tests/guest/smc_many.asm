; smc_many.asm - self-modifying code on a page with more than 65,535
; translations: one 4 KiB page of RAM (2000:0000, linear 0x20000) full of
; RETF is called at every byte through 16 segment aliases (CS = 2000h - k,
; IP = 16k + offset, k = 0..15), 16 x 4,096 = 65,536 distinct CS:IP pairs,
; each a block of its own (the translation cache keys blocks by physical PC
; and CS base). Then code is stored into the page, at three places in turn,
; and called through an alias: the new code must run each time (SDM vol. 3,
; 11.6). A translator that counts the blocks on a page in 16 bits wraps to
; zero here and stops seeing stores to the page.
; Real mode only. Expected output (expected/smc_many.txt) is captured from
; qemu-system-i386 -accel tcg by capture-expected.sh.
%include "lib.inc"

CODE_SEG equ 0x2000
FAR_PTR  equ VAR_BASE+0x20      ; offset, segment of the far call
RES      equ VAR_BASE+0x40

main16:
        PUTSLN  "== real mode"
        ; fill the page with RETF
        mov     ax, CODE_SEG
        mov     es, ax
        xor     di, di
        mov     cx, 4096
        mov     al, 0xCB
        rep stosb
        xor     ax, ax
        mov     es, ax
        ; 16 aliases x 4096 offsets, each called once
        xor     bp, bp
.outer: mov     ax, CODE_SEG
        sub     ax, bp
        mov     [FAR_PTR+2], ax
        mov     ax, bp
        shl     ax, 4
        mov     [FAR_PTR], ax
        mov     cx, 4096
        mov     dx, 0x5a5a
.inner: mov     ax, dx
        call    far [FAR_PTR]
        cmp     ax, dx              ; RETF leaves AX alone
        jne     .bad
        inc     word [FAR_PTR]
        loop    .inner
        inc     bp
        cmp     bp, 16
        jb      .outer
        PUTSLN  "65536 calls done"
        ; patch 1: offset 0 -> mov ax, 0x1111 ; retf, called via alias 3
        mov     bx, 0x0000
        mov     si, 0x1111
        mov     di, 3
        call    patch_and_call
        mov     [RES], eax
        ; patch 2: offset 0x800 via alias 15
        mov     bx, 0x0800
        mov     si, 0x2222
        mov     di, 15
        call    patch_and_call
        mov     [RES+4], eax
        ; patch 3: offset 0xF00 via alias 0
        mov     bx, 0x0F00
        mov     si, 0x3333
        mov     di, 0
        call    patch_and_call
        mov     [RES+8], eax
        ; patch 1 again with another value, via alias 7
        mov     bx, 0x0000
        mov     si, 0x4444
        mov     di, 7
        call    patch_and_call
        mov     [RES+12], eax
        CASE    "patched code runs", 0, [RES], [RES+4], [RES+8], [RES+12]
        EXIT
.bad:   PUTS    "RETF changed AX at alias "
        PHEX16  ebp
        PUTS    " offset "
        PHEX16  [FAR_PTR]
        NEWLINE
        EXIT

; Store "mov ax, SI ; retf" at CODE_SEG:BX, then call it through alias DI
; (CS = CODE_SEG - DI, IP = BX + 16*DI). Returns the AX it left in EAX
; (high half zero).
patch_and_call:
        mov     ax, CODE_SEG
        mov     es, ax
        mov     byte [es:bx], 0xB8
        mov     [es:bx+1], si
        mov     byte [es:bx+3], 0xCB
        xor     ax, ax
        mov     es, ax
        mov     ax, CODE_SEG
        sub     ax, di
        mov     [FAR_PTR+2], ax
        mov     ax, di
        shl     ax, 4
        add     ax, bx
        mov     [FAR_PTR], ax
        xor     eax, eax
        call    far [FAR_PTR]
        ret
