; unreal.asm - "unreal" (big real) mode: segment registers keep the base,
; limit and attributes of their descriptor cache when CR0.PE is cleared; in
; real mode only a segment load changes the base (SDM vol. 3, 3.4.3 "the
; processor uses the cached values", 9.9.2 "Switching Back to Real-Address
; Mode": keep or reload the segment registers with real-mode limits; vol.
; 3, 20.1.1: real-mode offsets beyond the limit raise #GP, #SS via SS):
;   FS loaded in real mode (limit FFFFh): FS:[10000h] with a 32-bit address
;   -> #GP (exception 13, no error code pushed in real mode);
;   FS loaded in protected mode with the flat 4 GiB data descriptor, then
;   PE cleared: FS:[100000h] and FS:[110000h] (above 1 MiB, A20 on) read and
;   write RAM with no fault, and the selector reads back as the protected-
;   mode one (0010h);
;   the real-mode limit still applies to DS (loaded in real mode).
; Expected output (expected/unreal.txt) is captured from qemu-system-i386
; -accel tcg (capture-expected.sh) with the two real-mode limit lines
; corrected to #GP: QEMU does not check segment limits (the oracle's
; sdm.rm.a32_beyond_ds, tests/oracle/resolved.md; Bochs raises #GP).
%include "lib.inc"

RESUME  equ VAR_BASE+0x20

main16:
        in      al, 0x92                ; A20 on (fast A20, bit 1)
        or      al, 2
        and     al, ~1
        out     0x92, al
        SET_IVT 13, gp16
        PUTSLN  "== unreal mode"
        xor     ax, ax
        mov     fs, ax
        mov     word [RESUME], .r1
        mov     esi, 0x10000
        PUTS    "real fs:[10000]:"
        mov     eax, [fs:esi]
        PUTS    " no fault"
.r1:    NEWLINE
        cli
        o32 lgdt [cs:gdtr16]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     SEL_CODE16:.pm
.pm:    mov     ax, SEL_DATA32
        mov     fs, ax
        mov     eax, cr0
        and     al, ~1
        mov     cr0, eax
        jmp     0xF000:.rm
.rm:    mov     esi, 0x100000
        mov     dword [fs:esi], 0x12345678
        mov     dword [fs:dword 0x110000], 0x9ABCDEF0
        mov     eax, [fs:esi]
        mov     ebx, [fs:esi+0x10000]
        PUTS    "unreal fs:[100000] fs:[110000] "
        PHEX    8, eax
        PUTS    " "
        PHEX    8, ebx
        mov     ax, fs
        PUTS    " fs="
        PHEX    4, eax
        NEWLINE
        mov     word [RESUME], .r2
        mov     esi, 0x10000
        PUTS    "real ds:[10000]:"
        mov     eax, [esi]
        PUTS    " no fault"
.r2:    NEWLINE
        EXIT

; real-mode #GP: print it, resume at [RESUME] (frame: IP, CS, FLAGS)
gp16:   push    bp
        mov     bp, sp
        PUTS    " #GP"
        push    ax
        mov     ax, [RESUME]
        mov     [bp+2], ax
        pop     ax
        pop     bp
        iret
