; nmi_rom.asm - the NMI path from the console to the CPU: Ctrl-A n on the
; serial console raises the board's NMI input (pc_nmi), which port 0x70 bit 7
; gates (PC/AT), and the run loop delivers vector 2 (SDM vol. 3, 6.7.1) at
; the next instruction boundary; NMIs stay blocked from the handler's entry
; to its IRET (6.7.1).  A handshake over COM1 (nmi-test.py drives it):
;   ROM -> 'A'  NMIs masked (port 0x70 bit 7 set)
;   host -> Ctrl-A n, '1'            the NMI is lost: count 0
;   ROM -> 'B'  unmasked
;   host -> Ctrl-A n, '2'            one NMI: count 1, handler saw IP in loop
;   ROM -> 'C'  the next NMI's handler will wait for the host
;   host -> Ctrl-A n                 NMI 2: its handler sends NUL, waits
;   host -> Ctrl-A n, '3'            NMI 3 is held until the handler's IRET
;   ROM -> 'D'  and the results on the debug console, exit through 0xF4.
; Expected debug-console output is in nmi-test.py (hand-derived from the
; SDM sections above).
%include "lib.inc"

COUNT   equ VAR_BASE+0x10
WAITING equ VAR_BASE+0x14
SAWIN   equ VAR_BASE+0x18

main16:
        xor     ax, ax
        mov     ds, ax
        mov     word [2*4], nmi_handler
        mov     word [2*4+2], 0xF000
        mov     word [COUNT], 0
        mov     word [WAITING], 0
        mov     word [SAWIN], 0
        mov     al, 0x80                ; NMI masked (index 0)
        out     0x70, al
        mov     al, 'A'
        call    ser_put
        call    ser_get                 ; '1' (after the host's Ctrl-A n)
        call    spin
        PUTS    "masked: count "
        PHEX    4, [COUNT]
        NEWLINE
        mov     al, 0x00                ; NMI enabled
        out     0x70, al
        mov     al, 'B'
        call    ser_put
        call    ser_get                 ; '2'
        call    spin
        PUTS    "unmasked: count "
        PHEX    4, [COUNT]
        PUTS    " in spin/ser_get "
        PHEX    4, [SAWIN]
        NEWLINE
        mov     word [WAITING], 1       ; next NMI: the handler waits for '3'
        mov     al, 'C'
        call    ser_put
.wait:  cmp     word [COUNT], 3         ; the handler's NMI (2), then the
        jb      .wait                   ; one held back until its IRET (3)
        PUTS    "blocked until iret: count "
        PHEX    4, [COUNT]
        NEWLINE
        mov     al, 'D'
        call    ser_put
        EXIT

; a few hundred instructions: any NMI pending is delivered in here
spin:   mov     cx, 200
.l:     nop
        loop    .l
        ret

ser_put:
        push    ax
        mov     dx, 0x3FD
.t:     in      al, dx
        test    al, 0x20
        jz      .t
        pop     ax
        mov     dx, 0x3F8
        out     dx, al
        ret

ser_get:
        mov     dx, 0x3FD
.r:     in      al, dx
        test    al, 1
        jz      .r
        mov     dx, 0x3F8
        in      al, dx
        ret

nmi_handler:
        push    ax
        push    bx
        push    dx
        inc     word [COUNT]
        mov     bx, sp
        mov     ax, [ss:bx+6]           ; interrupted IP
        cmp     ax, spin
        jb      .notspin
        cmp     ax, nmi_handler
        jae     .notspin
        mov     word [SAWIN], 1
.notspin:
        cmp     word [WAITING], 1
        jne     .done
        mov     word [WAITING], 0
        mov     al, 0                   ; tell the host we are in the handler
        call    ser_put                 ; (NUL), then wait: its Ctrl-A n
        call    ser_get                 ; arrives while NMIs are blocked
        call    spin
        cmp     word [COUNT], 2         ; still only this one
        je      .done
        PUTSLN  "FAIL: NMI nested inside the NMI handler"
.done:  pop     dx
        pop     bx
        pop     ax
        iret
