; redraw13.asm - the busy guest of tests/bench/idle-cpu.py: a boot sector
; (in a 1.44 MB floppy image) that, under SeaBIOS, sets mode 13h with
; INT 10h AX=0013h, writes "PROMPT" to the debug console (port 0xE9),
; sets the PIT's channel 0 to 70 Hz (the mode's frame rate) and then
; redraws the whole 320x200 screen once per tick: HLT until the timer
; interrupt (SeaBIOS's IRQ0 handler), then fill A000:0000 with a new colour
; (REP STOSW, 32,000 words) - a game's full-rate redraw, idle between
; frames, so the CPU time is the redraw's and the display's.
        bits    16
        org     0x7c00
start:  cli
        xor     ax, ax
        mov     ds, ax
        mov     ss, ax
        mov     sp, 0x7c00
        sti
        mov     ax, 0x0013
        int     0x10
        mov     si, ready
.r:     lodsb
        test    al, al
        jz      .go
        out     0xe9, al
        jmp     .r
.go:    cli                             ; PIT channel 0 at 70 Hz (17045)
        mov     al, 0x36
        out     0x43, al
        mov     al, 17045 & 0xff
        out     0x40, al
        mov     al, 17045 >> 8
        out     0x40, al
        sti
        mov     ax, 0xa000
        mov     es, ax
        xor     bl, bl                  ; colour
        cld
.frame: hlt                             ; until the next timer tick
        inc     bl
        mov     al, bl
        mov     ah, bl
        xor     di, di
        mov     cx, 32000
        rep     stosw
        jmp     .frame

ready:  db      "PROMPT", 10, 0
        times   510 - ($ - $$) db 0
        dw      0xaa55
        times   1474560 - ($ - $$) db 0
