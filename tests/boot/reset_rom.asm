; reset_rom.asm - the machine reset with firmware (a ROM instead of -kernel):
; each reset must start the ROM again at F000:FFF0 with RAM kept.  Each boot
; counts itself in CMOS RAM (battery-backed: survives the reset), checks
; what the previous boot left (a word in RAM, still there; port 0x92 bit 0
; clear again; the RTC's periodic interrupt enable cleared by the reset) and resets the machine in the next way: keyboard controller
; command 0xFE, port 0xCF9 = 0x06, port 0x92 bit 0.  The fourth boot prints
; "RESET OK" and exits through port 0xF4 (status 1).  With -no-reboot the
; first reset request must end the run with status 0.
; Built from tests/guest/lib.inc (run-boot-test.sh reset-rom checks it).
%include "lib.inc"

BOOTS   equ 0x60                ; CMOS RAM byte: boots so far
MARK    equ VAR_BASE+0xF0       ; RAM word the previous boot wrote

main16:
        mov     al, BOOTS
        out     0x70, al
        in      al, 0x71
        movzx   ebx, al
        PUTS    "reset test: boot "
        PHEX    2, ebx
        NEWLINE
        test    bl, bl
        jz      .checked
        lea     eax, [ebx+0x52535400]
        cmp     dword [MARK], eax
        je      .ram_ok
        PUTSLN  "FAIL: RAM was not kept"
        jmp     .quit
.ram_ok:
        in      al, 0x92
        test    al, 1
        jz      .p92_ok
        PUTSLN  "FAIL: port 0x92 bit 0 still set after the reset"
        jmp     .quit
.p92_ok:
        mov     al, 0x0B
        out     0x70, al
        in      al, 0x71
        test    al, 0x70
        jz      .checked
        PUTSLN  "FAIL: RTC interrupt enables survived the reset"
        jmp     .quit
.checked:
        cmp     bl, 3
        jb      .again
        mov     al, BOOTS
        out     0x70, al
        mov     al, 0
        out     0x71, al
        PUTSLN  "RESET OK"
.quit:
        EXIT

.again:
        lea     eax, [ebx+0x52535401]
        mov     dword [MARK], eax
        mov     al, 0x0B                ; register B |= PIE, for the reset to clear
        out     0x70, al
        in      al, 0x71
        or      al, 0x40
        out     0x71, al
        mov     al, BOOTS
        out     0x70, al
        lea     ax, [bx+1]
        out     0x71, al
        cmp     bl, 1
        je      .cf9
        ja      .p92
        PUTSLN  "reset: keyboard controller (0xFE to port 0x64)"
.kbc_wait:
        in      al, 0x64
        test    al, 2                   ; input buffer full
        jnz     .kbc_wait
        mov     al, 0xFE
        out     0x64, al
        jmp     .stuck
.cf9:
        PUTSLN  "reset: port 0xCF9 (0x06)"
        mov     dx, 0xCF9
        mov     al, 0x02
        out     dx, al
        mov     al, 0x06
        out     dx, al
        jmp     .stuck
.p92:
        PUTSLN  "reset: port 0x92 bit 0"
        in      al, 0x92
        or      al, 1
        out     0x92, al
.stuck:
        PUTSLN  "FAIL: still running after the reset request"
        EXIT
