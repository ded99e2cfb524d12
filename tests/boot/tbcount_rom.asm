; tbcount_rom.asm - the guest of tb-count-test.py: a loop block chained to
; itself runs a known number of times. A 64 KiB ROM without BIOS:
;   ECX = 100000; JMP BX = loop (so the block at `loop` starts there: the
;   translator may follow a direct JMP and run the first iteration in the
;   block before it)
;   loop: DEC ECX / JNZ loop   - one block, its taken exit back to itself
; then writes 'D' to the debug console (port E9h) and halts with
; interrupts off. The block at `loop` (F000:0100) is entered exactly
; 100000 times: once from the JMP, 99999 times through its own exit.
        bits    16
        org     0                       ; CS = F000, offsets = image offsets

start:  cli
        mov     ecx, 100000
        mov     bx, loop
        jmp     bx
        times   0x100-($-$$) db 0x90
loop:   dec     ecx                     ; F000:0100
        jnz     loop
        mov     al, 'D'
        out     0xE9, al
halt:   hlt
        jmp     halt

        times   0xFFF0-($-$$) db 0xFF
reset:  jmp     0xF000:start            ; F000:FFF0
        times   0x10000-($-$$) db 0xFF
