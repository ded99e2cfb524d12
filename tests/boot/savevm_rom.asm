; savevm_rom.asm - a guest whose output depends on everything a saved machine
; state must carry: RAM (a table rewritten every round), registers (a hash
; kept in EBP/ESI across the whole run), the PIT and PIC (IRQ0 ticks counted
; by a handler while the CPU halts), the RTC's CMOS RAM and the UART's
; scratch register (rewritten and read back every round).  Each of 40 rounds
; does about 300,000 instructions of work, waits for two timer ticks, and
; prints "round NN hash XXXXXXXX ticks XXXXXXXX" on the debug console; then
; it exits through port 0xF4.  With -icount the output is a pure function of
; the machine state, so a run saved at any point and restored must print
; exactly what the uninterrupted run prints (tests/boot/savevm-test.py).
%include "lib.inc"
%include "pic.inc"

TICKS   equ VAR_BASE+0x40
TABLE   equ 0x10000               ; 4 KiB of RAM the rounds keep rewriting

main16:
        SET_IVT 0x08, irq0
        PIC_INIT 0xFE, 0xFF             ; only IRQ0
        mov     al, 0x34                ; PIT channel 0, lo/hi, mode 2
        out     0x43, al
        mov     ax, 11932               ; ~100 Hz
        out     0x40, al
        mov     al, ah
        out     0x40, al
        mov     dword [TICKS], 0
        ; table = 0..1023
        push    es
        mov     ax, TABLE >> 4
        mov     es, ax
        xor     di, di
        xor     eax, eax
.fill:  mov     [es:di], eax
        inc     eax
        add     di, 4
        cmp     di, 4096
        jb      .fill
        pop     es
        mov     ebp, 0x811C9DC5         ; running hash
        xor     esi, esi                ; round
        sti
.round:
        ; work: mix the table into the hash, rewrite it
        push    es
        mov     ax, TABLE >> 4
        mov     es, ax
        mov     ecx, 75
.pass:  xor     di, di
.word:  mov     eax, [es:di]
        xor     ebp, eax
        imul    ebp, ebp, 16777619
        rol     eax, 5
        add     eax, ebp
        mov     [es:di], eax
        add     di, 4
        cmp     di, 4096
        jb      .word
        loop    .pass
        pop     es
        ; CMOS RAM byte 0x50 and the UART scratch register carry state too
        mov     al, 0x50
        out     0x70, al
        in      al, 0x71
        add     al, 7
        xor     ebp, eax
        out     0x71, al
        mov     dx, 0x3FF
        in      al, dx
        add     al, 3
        xor     ebp, eax
        out     dx, al
        ; wait for two ticks
        mov     ebx, [TICKS]
        add     ebx, 2
.wait:  hlt
        cmp     [TICKS], ebx
        jb      .wait
        PUTS    "round "
        PHEX    2, esi
        PUTS    " hash "
        PHEX    8, ebp
        PUTS    " ticks "
        PHEX    8, [TICKS]
        NEWLINE
        inc     esi
        cmp     esi, 40
        jb      .round
        PUTSLN  "SAVEVM ROM DONE"
        EXIT

irq0:                                   ; DS = 0 throughout
        push    ax
        inc     dword [TICKS]
        mov     al, 0x20                ; non-specific EOI
        out     0x20, al
        pop     ax
        iret
