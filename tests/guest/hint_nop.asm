; hint_nop.asm - the hint-NOP opcode space 0F 18-0F 1F executes as a NOP on
; P6 and later (SDM vol. 2, NOP, PREFETCHh, ENDBR32/ENDBR64; table A-3):
; ENDBR32/ENDBR64 (F3 0F 1E FB/FA), PREFETCHNTA/T0/T1/T2 (0F 18 /0-3), the
; reserved NOPs 0F 18 /4-7 and 0F 19-0F 1E, the multi-byte NOP 0F 1F /0,
; register and memory forms, with 66, 67, F2, F3, segment and repeated
; prefixes. Memory operands are not accessed: operands at the end of a 64 KiB
; segment (real mode, and FS = a 16-bit data segment in PM) raise no #GP. LOCK
; is #UD. Each case runs a block of NOPs, then shows that no register or flag
; changed and that execution resumed after the last byte (a wrong length would
; run the rest of the bytes as other instructions).
; Expected output (expected/hint_nop.txt) is captured from qemu-system-i386
; -accel tcg by capture-expected.sh, with one correction: the three LOCK cases
; raise #UD (SDM vol. 2, LOCK: "#UD if the LOCK prefix is used with an
; instruction not listed"; the host CPU agrees), which QEMU 7.2 leaves out.
; Do not regenerate without re-applying it. QEMU checks no data segment
; limits, so it cannot show that the operands are not accessed; xlat86 does
; check them, so an access would print a #GP here.
%include "lib.inc"

RESUME   equ VAR_BASE+0x30
EXPECTIP equ VAR_BASE+0x34

; HC "name", fault|none, insn, insn... : run one case with known registers
; and flags (an argument with commas goes in braces)
%macro HC 3-*
        PUTS    %1
        mov     dword [RESUME], %%after
        mov     dword [EXPECTIP], %%insn
        mov     eax, 0x11111111
        mov     ebx, 0x0000FFFF
        mov     ecx, 0x33333333
        mov     edx, 0x44444444
        mov     esi, 0x0000FFFF
        mov     edi, 0x66666666
        SETF    0x08D7
%%insn:
%rotate 2
%rep %0-2
        %1
%rotate 1
%endrep
%ifidn %2, none
        SHOW    F_ALL, eax, ebx, ecx, edx, esi, edi
%%after:
%else
%%after:
        NEWLINE
%endif
%endmacro

%macro CASES 0
        HC      "endbr32", none, endbr32
        HC      "endbr64", none, endbr64
        HC      "f2 0f1e fb", none, {db 0xF2, 0x0F, 0x1E, 0xFB}
        HC      "f3 0f1e c8", none, {db 0xF3, 0x0F, 0x1E, 0xC8}
        HC      "prefetch", none, prefetchnta [bx], prefetcht0 [bx], prefetcht1 [bx], prefetcht2 [bx]
        HC      "prefetch a32", none, a32 prefetchnta [ebx+esi*8+0x7FFFFFFF]
        HC      "nop mem", none, nop dword [bx], nop word [bx+si], nop dword [0xFFFF]
        HC      "nop reg", none, nop eax, nop bx, nop edi
        HC      "18 /4-7 mem", none, hint_nop4 dword [bx], hint_nop5 dword [bx], hint_nop6 dword [bx], hint_nop7 dword [bx]
        HC      "18 /4-7 reg", none, hint_nop4 eax, hint_nop7 edi
        HC      "19-1e mem", none, hint_nop8 dword [bx], hint_nop17 dword [bx], hint_nop26 dword [bx], hint_nop35 dword [bx], hint_nop44 dword [bx], hint_nop53 dword [bx]
        HC      "19-1e reg", none, hint_nop15 eax, hint_nop16 ecx, hint_nop31 edx, hint_nop32 ebx, hint_nop47 esp, hint_nop48 ebp
        HC      "1f /1-7", none, hint_nop57 dword [bx], hint_nop63 dword [bx], hint_nop60 esi
        HC      "prefixes", none, {db 0x26, 0x36, 0x64, 0x65, 0xF2, 0xF3, 0x66, 0x0F, 0x1F, 0x00}
        HC      "a32 sib", none, a32 nop dword [ebx+esi*4+0x12345678]
        HC      "a32 disp32", none, a32 nop dword [0x7FFFFFFF]
        HC      "a16 disp16", none, a16 nop dword [bp+di+0x7FFF]
        HC      "lock 0f1f:", fault, {db 0xF0, 0x0F, 0x1F, 0x00}
        HC      "lock 0f18:", fault, {db 0xF0, 0x0F, 0x18, 0x00}
        HC      "lock endbr32:", fault, {db 0xF0, 0xF3, 0x0F, 0x1E, 0xFB}
%endmacro

main16:
        PUTSLN  "== real mode"
        SET_IVT 6, h16_ud
        SET_IVT 13, h16_gp
        CASES
        HC      "nop long16", none, {db 0x66, 0x2E, 0x0F, 0x1F, 0x84, 0x00, 0x00}
        ENTER_PM pm32

h16_ud: push    word 6
        jmp     h16
h16_gp: push    word 13
        jmp     h16
; stack: [bp+2] vector, [bp+4] IP, [bp+6] CS, [bp+8] FLAGS
h16:    push    bp
        mov     bp, sp
        push    eax
        PUTS    " vec "
        PHEX    2, [bp+2]
        mov     ax, [bp+4]
        cmp     ax, [EXPECTIP]
        jne     .bad
        PUTS    " ip ok"
        jmp     .f
.bad:   PUTS    " ip BAD"
.f:     mov     ax, [RESUME]
        mov     [bp+4], ax
        pop     eax
        pop     bp
        add     sp, 2
        iret

section .text32
bits 32
pm32:
        PUTSLN  "== protected mode"
        SET_IDT 6, h32_ud
        SET_IDT 13, h32_gp
        mov     ax, SEL_DATA16          ; limit FFFF: an access at FS:FFFF+ would #GP
        mov     fs, ax
        CASES
        HC      "nop long32", none, {db 0x66, 0x2E, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00}
        HC      "fs limit", none, nop dword [fs:0xFFFE], prefetcht0 [fs:0x12345678], hint_nop9 dword [fs:ebx+0x10000]
        EXIT

h32_ud: push    dword 6
        jmp     h32
h32_gp: add     esp, 4                  ; #GP's error code
        push    dword 13
        jmp     h32
; stack: [esp+4] vector, [esp+8] EIP, [esp+12] CS, [esp+16] EFLAGS
h32:    push    eax
        PUTS    " vec "
        PHEX    2, [esp+4]
        mov     eax, [esp+8]
        cmp     eax, [EXPECTIP]
        jne     .bad
        PUTS    " ip ok"
        jmp     .f
.bad:   PUTS    " ip BAD"
.f:     mov     eax, [RESUME]
        mov     [esp+8], eax
        pop     eax
        add     esp, 4
        iretd
