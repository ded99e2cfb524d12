; fpu_save.asm - FSAVE/FRSTOR and FSTENV/FLDENV in the four image formats
; (SDM vol. 1, 8.1.10 "Saving the x87 FPU's State with FSTENV/FNSTENV and
; FSAVE/FNSAVE", figures 8-9 to 8-12; vol. 2, FSAVE, FRSTOR, FSTENV, FLDENV):
;   real mode, 16-bit operand size   14-byte environment, 20-bit linear
;                                    pointers (figure 8-11)
;   real mode, 32-bit (o32 prefix)   28-byte environment, 32-bit linear
;                                    pointers (figure 8-10)
;   protected mode, 16-bit           14-byte, offsets + selectors, no opcode
;                                    (figure 8-12)
;   protected mode, 32-bit           28-byte, offsets + selectors + opcode
;                                    (figure 8-9)
; Real mode runs both operand sizes, then a 16-bit code segment in PM (base
; F0000: the same code) does o16 and o32, then flat 32-bit PM does o32 and
; o16, so each PM format runs from 16- and from 32-bit code.  Per format:
;   frstor/fnsave  FRSTOR of an image in ROM with a known state: CW 0E6Fh
;                  (RC chop, PC double, UM unmasked), SW 6E24h (TOP 5, C3 C2
;                  C1, ZE and PE set but masked), TW 93FFh (R5 = ST0 = 1.0
;                  valid, R6 = -0.0 zero, R7 = +inf special, R0-R4 empty but
;                  holding 2.0 3.0 -1.5 10.0 0.25) and distinct instruction/
;                  operand pointers and opcode; FNSAVE: the environment
;                  dumped ("env"), the 80 register bytes compared with the
;                  image; FNSAVE reinitialises (CW 037F, SW 0); FNINIT,
;                  FRSTOR of the saved image and FNSAVE again: byte-for-byte
;                  identical ("round trip"); FRSTOR once more and read back
;                  SW, CW, ST0-ST2 (FSTP m80) and FXAM of ST3 (empty: C3 C0).
;   fldenv/fnstenv FLDENV of a second environment (all tags empty), FNSTENV
;                  stores it back; then CW has every exception masked.
;   live           FLD1, FLD m64 (DD /0) at label L, FNSTENV: FPU instruction
;                  pointer = L ("fip ok"; real mode: CS * 16 + IP, so bits
;                  19-16 = Fh), opcode 506h (ModR/M 06h, disp16) or 505h
;                  (disp32), operand pointer = the m64 (real mode: linear
;                  0050h * 16 + 0100h = 600h), selectors 18h/08h (CS) and
;                  20h/10h (DS) in PM.
; Printing masks out the reserved upper halves of the 32-bit formats (shaded
; in figures 8-9 and 8-10; P6-family hardware stores FFFFh there, QEMU 0).
; The opcode and pointers follow the P6 rule (8.1.8, 8.1.9): those of the
; last non-control instruction; no control instruction runs in between.
;
; Expected output (expected/fpu_save.txt): captured from qemu-system-i386
; 7.2 -accel tcg by capture-expected.sh, then corrected by hand where QEMU
; departs from the SDM (the SDM decides; Bochs 2.7 agrees with every
; corrected line).  Do not regenerate without re-applying them:
;   - QEMU's FRSTOR and FLDENV drop the instruction/operand pointers, the
;     selectors and the opcode (it stores zeros back): every "env" line and
;     every "fldenv/fnstenv" line gets the pointer words of its image back
;     (vol. 2, FRSTOR/FLDENV load the whole environment; figures 8-9..8-12).
;   - QEMU's FNSTENV leaves the exception masks alone; the SDM masks all six
;     after storing (vol. 2, FSTENV: "and then masks all floating-point
;     exceptions"): "cw after 0F7F" (QEMU 0F71).
;   - QEMU keeps no opcode (FOP 0) and in real mode stores the offsets and
;     the segment instead of linear addresses (CS * 16 + IP) with the opcode
;     beside them (figures 8-10, 8-11): "live" lines corrected to FIP bits
;     19-16 = Fh with FOP 506h (F506, 0000F506), FDP 0600h and FDP bits
;     31-16 = 0 (QEMU: F000 / 0100 / 0050), and in PM FOP 506h/505h in the
;     32-bit format (05060018, 05050008; QEMU 00000018, 00000008).
%include "lib.inc"

BUF1    equ 0x2000              ; FNSAVE images (108 bytes each)
BUF2    equ 0x2100
ENVB    equ 0x2200              ; FNSTENV image
TMPT    equ 0x2240              ; FSTP m80 scratch
TMPW    equ 0x2250
DATA    equ 0x0600              ; m64 operand of the live case: 2.5

; 16-bit subroutines in .text16: real mode and the 16-bit PM segment.
; 32-bit ones in .text32.  Both dump an environment: si/esi = image, di/edi
; = mask table (7 dwords, in the code segment) for the 28-byte formats.

; FORMAT o16|o32, image, env, size (14|28), masks (28 only), m64 offset
%macro FORMAT 6
        PUTS    "frstor/fnsave:"
        %1 frstor [cs:%2]
        %1 fnsave [BUF1]
        fnstcw  [TMPW]
        fnstsw  ax
        movzx   eax, ax
        PUTS    " init cw "
        PHEX    4, [TMPW]
        PUTS    " sw "
        PHEX    4, eax
        NEWLINE
        PUTS    "  env"
        DUMP    BUF1, %4, %5
        PUTS    ", regs"
        CMPB    BUF1+%4, %2+%4, 80, cs
        ; round trip
        fninit
        %1 frstor [BUF1]
        %1 fnsave [BUF2]
        PUTS    ", round trip"
        CMPB    BUF1, BUF2, %4+80, ds
        NEWLINE
        ; the restored state
        %1 frstor [BUF1]
        fnstsw  ax
        movzx   eax, ax
        fnstcw  [TMPW]
        PUTS    "  restored sw "
        PHEX    4, eax
        PUTS    " cw "
        PHEX    4, [TMPW]
%rep 3
        fstp    tword [TMPT]
        PUTS    " "
        PHEX    4, [TMPT+8]
        PHEX    8, [TMPT+4]
        PHEX    8, [TMPT]
%endrep
        fxam
        fnstsw  ax
        and     eax, 0x4500             ; C3 C2 C0
        PUTS    " fxam "
        PHEX    4, eax
        NEWLINE
        fninit
        ; environment only
        PUTS    "fldenv/fnstenv:"
        %1 fldenv [cs:%3]
        %1 fnstenv [ENVB]
        fnstcw  [TMPW]
        DUMP    ENVB, %4, %5
        PUTS    ", cw after "
        PHEX    4, [TMPW]
        NEWLINE
        ; pointers of real instructions
        fninit
        PUTS    "live:"
        fld1
%%l:    fld     qword [es:%6]
        %1 fnstenv [ENVB]
%if %4 == 14
        movzx   eax, word [ENVB+4]
        PUTS    " tw "
        PHEX    4, eax
        PUTS    " fip"
%if __?BITS?__ == 16
        cmp     word [ENVB+6], %%l - $$
%else
        cmp     word [ENVB+6], %%l - $$ + 0x8000
%endif
        je      %%ok
        PUTS    " BAD"
        jmp     %%n
%%ok:   PUTS    " ok"
%%n:    movzx   eax, word [ENVB+8]
        movzx   ebx, word [ENVB+10]
        movzx   ecx, word [ENVB+12]
%else
        movzx   eax, word [ENVB+8]
        PUTS    " tw "
        PHEX    4, eax
        PUTS    " fip"
        mov     eax, [ENVB+12]
        and     eax, [cs:%5+12]
        mov     ebx, %%l
        and     ebx, [cs:%5+12]
        cmp     eax, ebx
        je      %%ok
        PUTS    " BAD"
        jmp     %%n
%%ok:   PUTS    " ok"
%%n:    mov     eax, [ENVB+16]
        and     eax, [cs:%5+16]
        mov     ebx, [ENVB+20]
        and     ebx, [cs:%5+20]
        mov     ecx, [ENVB+24]
        and     ecx, [cs:%5+24]
%endif
        PUTS    ","
        SHOW    0, eax, ebx, ecx
        fninit
%endmacro

; DUMP buffer, size, masks - print the environment words/dwords
%macro DUMP 3
%if __?BITS?__ == 16
        push    si
        push    di
        mov     si, %1
  %if %2 == 14
        call    dump14_16
  %else
        mov     di, %3
        call    dump28_16
  %endif
        pop     di
        pop     si
%else
        push    esi
        push    edi
        mov     esi, %1
  %if %2 == 14
        call    dump14_32
  %else
        mov     edi, %3
        call    dump28_32
  %endif
        pop     edi
        pop     esi
%endif
%endmacro

; CMPB a, b, n, segment-of-b - print " ok" if n bytes at a (DS) equal b
%macro CMPB 4
        push    ecx
        push    esi
        push    eax
        xor     esi, esi
%%l:    mov     al, [esi+%1]
        cmp     al, [%4:esi+%2]
        jne     %%bad
        inc     esi
        cmp     esi, %3
        jb      %%l
        PUTS    " ok"
        jmp     %%e
%%bad:  PUTS    " BAD at "
        PHEX    2, esi
%%e:    pop     eax
        pop     esi
        pop     ecx
%endmacro

; the register part of every image: ST0..ST7
%macro REGS80 0
        dq      0x8000000000000000
        dw      0x3FFF                  ; ST0 = R5 = 1.0
        dq      0
        dw      0x8000                  ; ST1 = R6 = -0.0
        dq      0x8000000000000000
        dw      0x7FFF                  ; ST2 = R7 = +inf
        dq      0x8000000000000000
        dw      0x4000                  ; ST3 = R0 = 2.0 (empty)
        dq      0xC000000000000000
        dw      0x4000                  ; ST4 = R1 = 3.0 (empty)
        dq      0xC000000000000000
        dw      0xBFFF                  ; ST5 = R2 = -1.5 (empty)
        dq      0xA000000000000000
        dw      0x4002                  ; ST6 = R3 = 10.0 (empty)
        dq      0x8000000000000000
        dw      0x3FFD                  ; ST7 = R4 = 0.25 (empty)
%endmacro

; the four images and environments, in .text16 (32-bit code reaches them
; at ROMBASE + label)
%macro IMAGES 0
        align   4
; real mode 16-bit: FIP 12345h (linear), FOP 5ABh, FDP ABCDEh
img_r16: dw     0x0E6F, 0x6E24, 0x93FF, 0x2345, 0x15AB, 0xBCDE, 0xA000
        REGS80
; real mode 32-bit: FIP 01234567h, FOP 5ABh, FDP 089ABCDEh
img_r32: dd     0xFFFF0E6F, 0xFFFF6E24, 0xFFFF93FF, 0xFFFF4567, 0x001235AB
        dd      0xFFFFBCDE, 0x0089A000
        REGS80
; protected mode 16-bit: FIP 1234h FCS 4321h FDP 8765h FDS 5678h
img_p16: dw     0x0E6F, 0x6E24, 0x93FF, 0x1234, 0x4321, 0x8765, 0x5678
        REGS80
; protected mode 32-bit: FIP 89ABCDEFh FCS 1234h FOP 5ABh FDP 13579BDFh FDS 2468h
img_p32: dd     0xFFFF0E6F, 0xFFFF6E24, 0xFFFF93FF, 0x89ABCDEF, 0x05AB1234
        dd      0x13579BDF, 0xFFFF2468
        REGS80
; environments: CW 0F71h (IM UM PM masked), SW 1341h (TOP 2, C1 C0, SF IE),
; TW FFFFh; FIP FEDCBA98h (real 16: FEDCBh), FOP 123h, FDP 76543210h
; (real 16: 76543h), FCS 0ABCh, FDS 0DEFh
env_r16: dw     0x0F71, 0x1341, 0xFFFF, 0xEDCB, 0xB123, 0x6543, 0x7000
env_r32: dd     0xFFFF0F71, 0xFFFF1341, 0xFFFFFFFF, 0xFFFFBA98, 0x0FEDC123
        dd      0xFFFF3210, 0x07654000
env_p16: dw     0x0F71, 0x1341, 0xFFFF, 0xBA98, 0x0ABC, 0x3210, 0x0DEF
env_p32: dd     0xFFFF0F71, 0xFFFF1341, 0xFFFFFFFF, 0xFEDCBA98, 0x01230ABC
        dd      0x76543210, 0xFFFF0DEF
; masks of the defined bits of the 28-byte formats
mask_r32: dd    0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFF, 0xFFFFFFFF
mask_p32: dd    0xFFFF, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFF
%endmacro

main16:
        mov     dword [DATA], 0
        mov     dword [DATA+4], 0x40040000      ; 2.5
        PUTSLN  "== real mode, o16"
        mov     ax, 0x0050
        mov     es, ax
        FORMAT  o16, img_r16, env_r16, 14, 0, 0x100
        PUTSLN  "== real mode, o32"
        FORMAT  o32, img_r32, env_r32, 28, mask_r32, 0x100
        ; 16-bit protected mode: CS = SEL_CODE16 (base F0000), data base 0
        cli
        o32 lgdt [cs:gdtr16]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     SEL_CODE16:pm16
pm16:   mov     ax, SEL_DATA16
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        PUTSLN  "== 16-bit protected mode, o16"
        FORMAT  o16, img_p16, env_p16, 14, 0, DATA
        PUTSLN  "== 16-bit protected mode, o32"
        FORMAT  o32, img_p32, env_p32, 28, mask_p32, DATA
        mov     eax, cr0
        and     al, ~1
        mov     cr0, eax
        jmp     0xF000:rm16
rm16:   xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        ENTER_PM pm32

; si = 14-byte image: 7 words
dump14_16:
        push    cx
        push    si
        mov     cx, 7
.l:     PUTS    " "
        PHEX    4, [si]
        add     si, 2
        loop    .l
        pop     si
        pop     cx
        ret

; si = 28-byte image, di = mask table (cs): 7 masked dwords
dump28_16:
        push    cx
        push    si
        push    di
        push    eax
        mov     cx, 7
.l:     mov     eax, [si]
        and     eax, [cs:di]
        PUTS    " "
        PHEX    8, eax
        add     si, 4
        add     di, 4
        loop    .l
        pop     eax
        pop     di
        pop     si
        pop     cx
        ret

        IMAGES

section .text32
bits 32
pm32:
        PUTSLN  "== 32-bit protected mode, o32"
        FORMAT  o32, ROMBASE+img_p32, ROMBASE+env_p32, 28, ROMBASE+mask_p32, DATA
        PUTSLN  "== 32-bit protected mode, o16"
        FORMAT  o16, ROMBASE+img_p16, ROMBASE+env_p16, 14, 0, DATA
        EXIT

dump14_32:
        push    eax
        push    ecx
        push    esi
        mov     ecx, 7
.l:     PUTS    " "
        movzx   eax, word [esi]
        PHEX    4, eax
        add     esi, 2
        loop    .l
        pop     esi
        pop     ecx
        pop     eax
        ret

dump28_32:
        push    ecx
        push    esi
        push    edi
        push    eax
        mov     ecx, 7
.l:     mov     eax, [esi]
        and     eax, [cs:edi]
        PUTS    " "
        PHEX    8, eax
        add     esi, 4
        add     edi, 4
        loop    .l
        pop     eax
        pop     edi
        pop     esi
        pop     ecx
        ret

