; v86_mode.asm - virtual-8086 mode under a ring-0 monitor (SDM vol. 3,
; chapter 20; vol. 2 IRET, INT n, CLI, STI, PUSHF, POPF, IN, OUT):
;   entry through IRETD with EFLAGS.VM in the image (segment registers from
;   the stack, base = selector * 16); with IOPL 0 the IOPL-sensitive
;   instructions CLI STI PUSHF POPF INT n IRET raise #GP(0) to the monitor
;   (20.2.7), as do HLT, MOV CR0 and LGDT (privileged, CPL 3); INT3 is not
;   IOPL-sensitive and goes through the IDT (#GP(vector*8+2) when the gate's
;   DPL < 3, else the handler sees the V86 frame with ES DS FS GS pushed and
;   the data segment registers null: 20.3.1.1); #DE from V86; port I/O
;   through the TSS I/O bitmap (a set bit and a port beyond the bitmap:
;   #GP(0)); segment loads as in real mode; with IOPL 3 the same
;   instructions run in V86 (POPF cannot change IOPL; INT n goes to the
;   protected-mode IDT); leaving V86 by an interrupt to ring 0.
; The V86 code prints through vputs16/vphex16, which avoid PUSHF/POPF.
; Expected output (expected/v86_mode.txt) is captured from qemu-system-i386
; -accel tcg by capture-expected.sh, with one SDM correction: the EFLAGS
; image pushed for the #DE fault from V86 has RF set (00030046, SDM vol. 3,
; 17.3.1.1), which QEMU leaves clear. Do not regenerate without it.
%include "lib.inc"
%include "sys.inc"

V86_RESUME equ VAR_BASE+0xD0    ; word: IP where the monitor resumes V86 after a fault

main16:
        ENTER_PM pm32

; ---------------------------------------------------------------- V86 side
section .text16
bits 16
%macro VPUTS 1
        call    vputs16
        db      %1, 0
%endmacro

; VTRY "name", {insn}... - in V86: run the instructions; a fault goes to the
; monitor, which prints it and resumes at the end of the case
%macro VTRY 2-*
        VPUTS   %1
        mov     word [V86_RESUME], %%after
%rep %0-1
%rotate 1
        %1
%endrep
        VPUTS   " -"
%%after:
        VPUTS   10
%endmacro

vputs16:
        push    bp
        mov     bp, sp
        push    ax
        push    si
        mov     si, [bp+2]
.l:     mov     al, [cs:si]
        inc     si
        test    al, al
        jz      .d
        out     0xE9, al
        jmp     .l
.d:     mov     [bp+2], si
        pop     si
        pop     ax
        pop     bp
        ret

; print AX as 4 hex digits
vphex16:
        push    ax
        push    cx
        push    dx
        mov     dx, ax
        mov     cx, 4
.l:     rol     dx, 4
        mov     al, dl
        and     al, 0x0F
        add     al, '0'
        cmp     al, '9'
        jbe     .o
        add     al, 'A'-'0'-10
.o:     out     0xE9, al
        loop    .l
        pop     dx
        pop     cx
        pop     ax
        ret

v86_iopl0:
        VPUTS   "in v86: cs="
        mov     ax, cs
        call    vphex16
        VPUTS   " ss:sp="
        mov     ax, ss
        call    vphex16
        VPUTS   ":"
        mov     ax, sp
        call    vphex16
        VPUTS   10
        VTRY    "cli:", cli
        VTRY    "sti:", sti
        VTRY    "pushf:", pushf
        VTRY    "popf:", popf
        VTRY    "int 21:", {int 0x21}
        VTRY    "iret:", iret
        VTRY    "hlt:", hlt
        VTRY    "mov cr0:", {mov eax, cr0}
        VTRY    "lgdt:", {lgdt [0x600]}
        VTRY    "out 80 (bitmap bit set):", {out 0x80, al}
        VTRY    "out 81 (clear):", {out 0x81, al}
        VTRY    "in 1234 (beyond bitmap):", {mov dx, 0x1234}, {in al, dx}
        VTRY    "int3 dpl0 gate:", int3
        mov     byte [IDT_BASE+3*8+5], ACC_IGATE32 | 0x60
        VTRY    "int3 dpl3 gate:", {mov ax, 0x1234}, {mov es, ax}, int3
        VTRY    "div 0:", {xor bl, bl}, {div bl}
        VPUTS   "ds=1234 [0]="
        mov     ax, 0x1234
        mov     ds, ax
        mov     ax, [0]
        call    vphex16
        xor     ax, ax
        mov     ds, ax
        VPUTS   10
        int     0x30                    ; #GP: the monitor ends the session

v86_iopl3:
        VPUTS   "iopl3 flags="
        pushf
        pop     ax
        and     ax, 0x7700
        call    vphex16
        cli
        push    word 0x0200             ; IF=1, IOPL=0: IOPL must stay 3
        popf
        pushf
        pop     ax
        and     ax, 0x7700
        VPUTS   " after popf="
        call    vphex16
        pushf
        push    cs
        push    word .ir
        iret
.ir:    VPUTS   " iret ok"
        int     0x31
        VPUTS   " back"
        VPUTS   10
        int     0x30                    ; IOPL 3: through the IDT gate to ring 0

; ---------------------------------------------------------------- monitor
section .text32
bits 32
; enter V86 at F000:ip with SS:SP = 0:6000, DS=ES=FS=GS=0
%macro TO_V86 2
        push    dword 0                 ; GS
        push    dword 0                 ; FS
        push    dword 0                 ; DS
        push    dword 0                 ; ES
        push    dword 0                 ; SS
        push    dword 0x6000            ; ESP
        push    dword %2                ; EFLAGS
        push    dword 0xF000            ; CS
        push    dword %1                ; EIP
        iretd
%endmacro

pm32:
        call    sys_init
        mov     byte [TSS0+0x68+(0x80>>3)], 1 << (0x80 & 7)
        mov     word [0x12340], 0xBEEF
        IGATE   13, SEL_CODE32, v86_gp, ACC_IGATE32
        IGATE   0, SEL_CODE32, v86_exc0, ACC_IGATE32
        IGATE   3, SEL_CODE32, v86_exc3, ACC_IGATE32
        IGATE   0x30, SEL_CODE32, back0, ACC_IGATE32 | 0x60
        IGATE   0x31, SEL_CODE32, v86_int31, ACC_IGATE32 | 0x60

        PUTSLN  "== v86, iopl 0"
        mov     dword [RESUME], .s2
        mov     [SAVED_ESP], esp
        TO_V86  v86_iopl0, 0x00020002
.s2:
        PUTSLN  "== v86, iopl 3"
        mov     dword [RESUME], .s3
        mov     [SAVED_ESP], esp
        TO_V86  v86_iopl3, 0x00023002
.s3:
        PUTS    "monitor: ds="
        mov     eax, ds
        PHEX    4, eax
        str     ax
        PUTS    " tr="
        PHEX    4, eax
        NEWLINE
        EXIT

; #GP: [esp] err, +4 eip, +8 cs, +12 eflags, +16 esp, +20 ss, +24 es, +28 ds, +32 fs, +36 gs
v86_gp:
        push    eax
        push    ebx
        mov     ax, SEL_DATA32
        mov     ds, ax
        mov     es, ax
        PUTS    " #0D e="
        PHEX    4, [esp+8]
        test    dword [esp+8+12], 0x20000
        jz      .notvm
        movzx   ebx, word [esp+8+8]
        shl     ebx, 4
        movzx   eax, word [esp+8+4]
        add     ebx, eax
        cmp     word [ebx], 0x30CD
        je      .exit
        PUTS    " op="
        PHEX    2, [ebx]
        movzx   eax, word [V86_RESUME]
        mov     [esp+8+4], eax
        pop     ebx
        pop     eax
        add     esp, 4
        iretd
.exit:  PUTSLN  " int 30: leave v86"
        RESTORE_SEGS
        jmp     [RESUME]
.notvm: PUTSLN  " not from v86"
        RESTORE_SEGS
        jmp     [RESUME]

v86_exc0:
        push    dword 0
        jmp     v86_exc
v86_exc3:
        push    dword 3
; [esp] vector, +4 eip, +8 cs, +12 eflags, +16 esp, +20 ss, +24 es, +28 ds, +32 fs, +36 gs
v86_exc:
        push    eax
        mov     eax, ds                 ; null after the exit from V86
        push    eax
        mov     ax, SEL_DATA32
        mov     ds, ax
        PUTS    " #"
        PHEX    2, [esp+8]
        PUTS    " ds at entry="
        PHEX    4, [esp]
        PUTS    " frame cs="
        PHEX    4, [esp+16]
        PUTS    " efl="
        PHEX    8, [esp+20]
        PUTS    " es="
        PHEX    4, [esp+32]
        movzx   eax, word [V86_RESUME]
        mov     [esp+12], eax
        pop     eax
        pop     eax
        add     esp, 4
        iretd

v86_int31:
        push    eax
        mov     ax, SEL_DATA32
        mov     ds, ax
        PUTS    " int31: vm="
        mov     eax, [esp+12]
        shr     eax, 17
        and     eax, 1
        PHEX    1, eax
        pop     eax
        iretd

back0:
        RESTORE_SEGS
        jmp     [RESUME]
