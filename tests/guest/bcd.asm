; bcd.asm - decimal adjust instructions DAA DAS AAA AAS AAM AAD (incl. non-10
; bases and AAM 0 -> #DE), real mode and flat 32-bit PM.
; For DAA/DAS/AAA/AAS every AL value 00-FF runs with each of the four CF/AF
; inputs (AH = AL xor 5A); all results are folded into a hash printed per
; (instruction, CF, AF), and a sample of AL values is printed in full.
; Undefined flags are masked (SDM vol. 2): DAA/DAS OF; AAA/AAS OF SF ZF PF;
; AAM/AAD OF AF CF.
; Expected output (expected/bcd.txt) is captured from qemu-system-i386 -accel
; tcg by capture-expected.sh.
%include "lib.inc"

HASH    equ VAR_BASE+0x10
RESUME  equ VAR_BASE+0x30

; BCDOP insn, mask
%macro BCDOP 2
%defstr %%nm %1
        xor     ebp, ebp                ; ebp = flags-in index 0..3
%%lf:   mov     dword [HASH], 0
        PUTS    %%nm
        PUTS    " cf/af="
        PHEX    1, ebp
        PUTS    ':'
        xor     ecx, ecx                ; ecx = AL value
%%la:   mov     eax, ecx
        mov     ah, cl
        xor     ah, 0x5A
        mov     edx, ebp
        and     edx, 1                  ; CF
        test    ebp, 2
        jz      %%noaf
        or      edx, F_AF
%%noaf: or      edx, 2
        push    edx
        popfd
        %1
        pushfd
        pop     edx
        and     edx, %2
        ; sample values are printed in full
        cmp     cl, 0x00
        je      %%show
        cmp     cl, 0x09
        je      %%show
        cmp     cl, 0x0A
        je      %%show
        cmp     cl, 0x5F
        je      %%show
        cmp     cl, 0x99
        je      %%show
        cmp     cl, 0x9A
        je      %%show
        cmp     cl, 0xFA
        je      %%show
        cmp     cl, 0xFF
        jne     %%noshow
%%show: PUTS    ' '
        PHEX    4, eax
        PUTS    '/'
        PHEX    4, edx
%%noshow:
        shl     edx, 16
        mov     dx, ax
        mov     ebx, [HASH]
        rol     ebx, 5
        xor     ebx, edx
        add     ebx, ecx
        mov     [HASH], ebx
        inc     ecx
        cmp     ecx, 256
        jb      %%la
        PUTS    " hash="
        PHEX    8, [HASH]
        NEWLINE
        inc     ebp
        cmp     ebp, 4
        jb      %%lf
%endmacro

; AAXOP "name", insn  - AAM/AAD over a few AX values
%macro AAXOP 2
        PUTS    %1
        mov     esi, AAX_T
%%l:    mov     ax, [cs:esi]
        SETF    0x08D7
        %2
        pushfd
        pop     edx
        and     edx, F_SF|F_ZF|F_PF
        PUTS    ' '
        PHEX    4, eax
        PUTS    '/'
        PHEX    4, edx
        add     esi, 2
        cmp     esi, AAX_T %+ _end
        jb      %%l
        NEWLINE
%endmacro

%macro TABLE 1
%1:     dw      0x0000, 0x0009, 0x000A, 0x0063, 0x0080, 0x00FF, 0x0909, 0x0F0F, 0x1234, 0xFFFF
%1_end:
%endmacro

%macro SUITE 0
        BCDOP   daa, F_ARITH & ~F_OF
        BCDOP   das, F_ARITH & ~F_OF
        BCDOP   aaa, F_AF|F_CF
        BCDOP   aas, F_AF|F_CF
        AAXOP   "aam", {aam}
        AAXOP   "aam 16", {aam 16}
        AAXOP   "aam 7", {aam 7}
        AAXOP   "aam 255", {aam 255}
        AAXOP   "aad", {aad}
        AAXOP   "aad 16", {aad 16}
        AAXOP   "aad 0", {aad 0}
        AAXOP   "aad 255", {aad 255}
        PUTS    "aam 0:"
        mov     ax, 0x1234
        mov     dword [RESUME], %%after
        aam     0
        PUTSLN  " no fault"
%%after:
        PUTS    " ax="
        PHEX    4, eax
        NEWLINE
%endmacro

main16:
        PUTSLN  "== real mode"
        SET_IVT 0, de16
%define AAX_T aax16
        SUITE
        ENTER_PM pm32

de16:   push    bp
        mov     bp, sp
        push    ax
        PUTS    " #DE"
        mov     ax, [RESUME]
        mov     [bp+2], ax
        pop     ax
        pop     bp
        iret
        TABLE   aax16

section .text32
bits 32
pm32:
        PUTSLN  "== protected mode"
        SET_IDT 0, de32
%define AAX_T aax32
        SUITE
        EXIT

de32:   push    eax
        PUTS    " #DE"
        mov     eax, [RESUME]
        mov     [esp+4], eax
        pop     eax
        iretd
        TABLE   aax32
