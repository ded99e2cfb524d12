; idle_prompt.asm - the guest of tests/bench/idle-cpu.py: a boot sector (in
; a 1.44 MB floppy image) that, under SeaBIOS and SeaVGABIOS, sets text mode
; 3, prints a DOS-like "C:\>" prompt, writes "PROMPT" to the debug console
; (port 0xE9) and then waits for keys with INT 16h AH=00h (SeaBIOS halts
; the CPU until an interrupt while it waits), echoing them - an idle text
; screen as a DOS prompt leaves it.
        bits    16
        org     0x7c00
start:  cli
        xor     ax, ax
        mov     ds, ax
        mov     ss, ax
        mov     sp, 0x7c00
        sti
        mov     ax, 0x0003
        int     0x10
        mov     si, prompt
.p:     lodsb
        test    al, al
        jz      .ready
        mov     ah, 0x0e
        xor     bx, bx
        int     0x10
        jmp     .p
.ready: mov     si, ready
.r:     lodsb
        test    al, al
        jz      .key
        out     0xe9, al
        jmp     .r
.key:   xor     ah, ah
        int     0x16
        mov     ah, 0x0e
        xor     bx, bx
        int     0x10
        jmp     .key

prompt: db      "xlat86 idle benchmark", 13, 10, 13, 10, "C:\>", 0
ready:  db      "PROMPT", 10, 0
        times   510 - ($ - $$) db 0
        dw      0xaa55
        times   1474560 - ($ - $$) db 0
