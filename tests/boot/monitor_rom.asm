; monitor_rom.asm - the guest of the monitor test (monitor-test.py): a 64 KiB
; ROM that needs no BIOS.  Each boot writes 'B' to the debug console (port
; 0xE9), counts itself in RAM word 0:0500 (RAM survives a reset), then
; spins forever counting in ECX, so `stop` finds it somewhere in the loop
; with ECX > 0 and `system_reset` starts it again at F000:FFF0.
        bits    16
        org     0                       ; CS = F000, offsets = image offsets

start:  cli
        xor     ax, ax
        mov     ss, ax
        mov     sp, 0x7C00
        mov     ds, ax
        inc     word [0x500]
        mov     al, 'B'
        out     0xE9, al
        xor     ecx, ecx
spin:   inc     ecx
        jmp     spin

        times   0xFFF0-($-$$) db 0xFF
reset:  jmp     0xF000:start            ; F000:FFF0
        times   0x10000-($-$$) db 0xFF
