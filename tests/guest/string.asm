; string.asm - string instructions MOVS STOS LODS CMPS SCAS (byte/word/dword)
; with REP/REPE/REPNE, DF=0 and DF=1, source segment overrides (CS DS ES SS FS),
; 16-bit and 32-bit address size (0x67), SI/DI wrap-around at 64 KiB in real
; mode, CX=0, and overlapping REP MOVSB (must behave as sequential byte
; copies); in real mode and in flat 32-bit PM.
; Each case prints ESI EDI ECX EAX, FLAGS (arith + DF) and a hash of the
; 256-byte destination buffer.  Source buffer: DATA_SEG:0 (0x10000), destination
; DATA2_SEG:0 (0x20000), refilled before each case; the destination starts as a
; copy of the source with bytes 5 and 0x21 inverted (so CMPS finds mismatches).
; Expected output (expected/string.txt) is captured from qemu-system-i386 -accel
; tcg by capture-expected.sh.
%include "lib.inc"

SSBUF   equ VAR_BASE+0x40
M_STR   equ F_ARITH|F_DF

; SC "name", {insn}, {setup1}, {setup2}, ...
%macro SC 2-*
        call    PREP
%rotate 2
%rep %0-2
        %1
%rotate 1
%endrep
        %2
        PUTS    %1
        call    DUMP
%endmacro

%macro SUITE 0
        SC "rep movsb", {rep movsb}, {mov esi, SRC+0}, {mov edi, DST+0}, {mov ecx, 16}
        SC "rep movsw odd", {rep movsw}, {mov esi, SRC+1}, {mov edi, DST+3}, {mov ecx, 8}
        SC "rep movsd", {rep movsd}, {mov esi, SRC+4}, {mov edi, DST+8}, {mov ecx, 5}
        SC "std rep movsb", {rep movsb}, {std}, {mov esi, SRC+0x40}, {mov edi, DST+0x40}, {mov ecx, 16}
        SC "std rep movsw", {rep movsw}, {std}, {mov esi, SRC+0x40}, {mov edi, DST+0x41}, {mov ecx, 7}
        SC "std rep movsd", {rep movsd}, {std}, {mov esi, SRC+0x80}, {mov edi, DST+0x80}, {mov ecx, 9}
        SC "movsb", {movsb}, {mov esi, SRC+7}, {mov edi, DST+9}
        SC "std movsd", {movsd}, {std}, {mov esi, SRC+7}, {mov edi, DST+9}
        SC "rep movsb cx=0", {rep movsb}, {mov esi, SRC+7}, {mov edi, DST+9}, {xor ecx, ecx}
        SC "rep movsb overlap", {rep es movsb}, {mov esi, DST+0x10}, {mov edi, DST+0x11}, {mov ecx, 0x20}
        SC "rep movsd overlap", {rep es movsd}, {mov esi, DST+0x10}, {mov edi, DST+0x14}, {mov ecx, 0x8}
        SC "fs rep movsw", {rep fs movsw}, {mov esi, FSOFF+2}, {mov edi, DST+0x20}, {mov ecx, 6}
        SC "cs rep movsb", {rep cs movsb}, {mov esi, romtab}, {mov edi, DST+0x30}, {mov ecx, 12}
        SC "ss movsd", {ss movsd}, {mov esi, SSBUF}, {mov edi, DST+0x50}
        SC "es std movsw", {es movsw}, {std}, {mov esi, DST+0x60}, {mov edi, DST+0x70}
        SC "rep stosb", {rep stosb}, {mov edi, DST+3}, {mov ecx, 13}, {mov eax, 0x11223344}
        SC "rep stosw", {rep stosw}, {mov edi, DST+3}, {mov ecx, 13}, {mov eax, 0x11223344}
        SC "std rep stosd", {rep stosd}, {std}, {mov edi, DST+0x60}, {mov ecx, 13}, {mov eax, 0x11223344}
        SC "stosb", {stosb}, {mov edi, DST+0xFF}, {mov eax, 0xA5}
        SC "lodsb", {lodsb}, {mov esi, SRC+0x11}, {mov eax, 0xFFFFFFFF}
        SC "std lodsw", {lodsw}, {std}, {mov esi, SRC+0x11}, {mov eax, 0xFFFFFFFF}
        SC "rep lodsd", {rep lodsd}, {mov esi, SRC+0x11}, {mov ecx, 5}
        SC "fs lodsb", {fs lodsb}, {mov esi, FSOFF+0x11}
        SC "ss lodsw", {ss lodsw}, {mov esi, SSBUF+1}
        SC "cmpsb", {cmpsb}, {mov esi, SRC+5}, {mov edi, DST+5}
        SC "cmpsw", {cmpsw}, {mov esi, SRC+6}, {mov edi, DST+6}
        SC "repe cmpsb", {repe cmpsb}, {mov esi, SRC+0}, {mov edi, DST+0}, {mov ecx, 0x40}
        SC "repe cmpsb 2", {repe cmpsb}, {mov esi, SRC+6}, {mov edi, DST+6}, {mov ecx, 0x40}
        SC "repe cmpsb cx", {repe cmpsb}, {mov esi, SRC+6}, {mov edi, DST+6}, {mov ecx, 0x10}
        SC "repne cmpsb", {repne cmpsb}, {mov esi, SRC+0x20}, {mov edi, DST+0x21}, {mov ecx, 0x40}
        SC "std repe cmpsw", {repe cmpsw}, {std}, {mov esi, SRC+0x40}, {mov edi, DST+0x40}, {mov ecx, 0x40}
        SC "std repe cmpsd", {repe cmpsd}, {std}, {mov esi, SRC+0x40}, {mov edi, DST+0x40}, {mov ecx, 0x40}
        SC "fs repe cmpsb", {repe fs cmpsb}, {mov esi, FSOFF+0}, {mov edi, DST+0x10}, {mov ecx, 0x40}
        SC "repe cmpsb cx=0", {repe cmpsb}, {mov esi, SRC+5}, {mov edi, DST+5}, {xor ecx, ecx}
        SC "scasb", {scasb}, {mov edi, DST+3}, {mov eax, 0x5A}
        SC "repne scasb", {repne scasb}, {mov edi, DST+0}, {mov ecx, 0x100}, {mov al, [es:DST+0x42]}
        SC "repne scasb none", {repne scasb}, {mov edi, DST+0}, {mov ecx, 0x20}, {mov al, 0xFE}
        SC "repe scasw", {repe scasw}, {mov edi, DST+0x70}, {mov ecx, 0x8}, {mov ax, [es:DST+0x70]}
        SC "std repne scasd", {repne scasd}, {std}, {mov edi, DST+0x80}, {mov ecx, 0x20}, {mov eax, [es:DST+0x4]}
        ; non-REP forms (inlined by the translator): both directions, all sizes
        SC "std scasb", {scasb}, {std}, {mov edi, DST+0x42}, {mov eax, 0x13}
        SC "scasd", {scasd}, {mov edi, DST+0x8}, {mov eax, 0x12345678}
        SC "std scasw eq", {scasw}, {std}, {mov edi, DST+0x70}, {mov ax, [es:DST+0x70]}
        SC "std stosw", {stosw}, {std}, {mov edi, DST+0x21}, {mov eax, 0xBEEF}
        SC "stosd", {stosd}, {mov edi, DST+0x31}, {mov eax, 0xDEADBEEF}
        SC "es lodsd", {es lodsd}, {mov esi, DST+0x13}
        SC "std lodsd", {lodsd}, {std}, {mov esi, SRC+0x23}
        SC "lodsb scasb", {scasb}, {mov esi, SRC+0x5}, {mov edi, DST+0x5}, {lodsb}
%endmacro

%define SRC 0
%define DST 0
%define FSOFF 0
%define DSTLIN 0x20000
%define PREP prep16
%define DUMP dump16
%define romtab romtab16

main16:
        PUTSLN  "== real mode (16-bit addresses)"
        SUITE
        PUTSLN  "== real mode, a32"
        SC "a32 rep movsb", {a32 rep movsb}, {mov esi, 3}, {mov edi, 5}, {mov ecx, 0x11}
        SC "a32 std rep stosw", {a32 rep stosw}, {std}, {mov edi, 0x21}, {mov ecx, 0x9}, {mov eax, 0xBEEF}
        SC "a32 repe cmpsd", {a32 repe cmpsd}, {mov esi, 0}, {mov edi, 0}, {mov ecx, 0x40}
        SC "a32 repne scasb", {a32 repne scasb}, {mov edi, 0}, {mov ecx, 0x100}, {mov al, [es:DST+0x42]}
        PUTSLN  "== real mode, wrap at 64K"
        ; The pointers wrap at 64K but every element lies inside the limit: a
        ; word at offset FFFFh would raise #GP in real mode (SDM vol. 2, MOVS,
        ; real-address mode exceptions), which QEMU does not model.
        SC "movsw si wrap", {rep movsw}, {mov esi, 0xFFFE}, {mov edi, 0x10}, {mov ecx, 3}
        SC "std stosd di wrap", {rep stosd}, {std}, {mov edi, 0x4}, {mov ecx, 3}, {mov eax, 0xCAFEF00D}
        SC "lodsb si=ffff", {lodsb}, {mov esi, 0xFFFF}
        SC "std scasb di=0", {scasb}, {std}, {mov edi, 0}, {mov eax, 0x77}
        SC "stosb di=ffff", {stosb}, {mov edi, 0xFFFF}, {mov eax, 0x5C}
        ENTER_PM pm32

; prep: refill the buffers; DS=DATA_SEG, ES=DATA2_SEG, FS=DATA_SEG+1, CLD
prep16:
        push    ax
        push    cx
        push    si
        mov     ax, DATA_SEG
        mov     ds, ax
        mov     ax, DATA2_SEG
        mov     es, ax
        mov     ax, DATA_SEG+1
        mov     fs, ax
        xor     si, si
        mov     al, 7
.f:     mov     [si], al
        mov     [es:si], al
        add     al, 0x1D
        inc     si
        cmp     si, 0x200
        jb      .f
        not     byte [es:5]
        not     byte [es:0x21]
        mov     byte [0xFFFF], 0xEE     ; for the wrap cases
        mov     word [0x0000], 0x1234
        xor     si, si
.s:     mov     al, [cs:romtab16+si]
        mov     [ss:SSBUF+si], al
        inc     si
        cmp     si, 16
        jb      .s
        pop     si
        pop     cx
        pop     ax
        xor     eax, eax
        xor     ecx, ecx
        xor     esi, esi
        xor     edi, edi
        cld
        ret

; dump: print ESI EDI ECX EAX FLAGS and the destination hash; restore DS/ES
dump16:
        SHOW    M_STR|NONL, esi, edi, ecx, eax
        pushfd
        push    eax
        push    si
        push    edx
        mov     ax, DATA2_SEG
        mov     es, ax
        xor     si, si
        xor     edx, edx
.h:     rol     edx, 3
        movzx   eax, byte [es:si]
        add     edx, eax
        inc     si
        cmp     si, 0x100
        jb      .h
        PUTS    " h="
        PHEX    8, edx
        NEWLINE
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        pop     edx
        pop     si
        pop     eax
        popfd
        cld
        ret

romtab16: db      0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF

section .text32
bits 32
%define SRC 0x10000
%define DST 0x20000
%define FSOFF 0x10
%define PREP prep32
%define DUMP dump32
%define romtab romtab32
pm32:
        PUTSLN  "== protected mode"
        SUITE
        PUTSLN  "== protected mode, a16 (DS base 0x10000, ES base 0x20000)"
        SC "a16 rep movsb", {a16 rep movsb}, {mov esi, 0xABCD0003}, {mov edi, 0x12340005}, {mov ecx, 0x11}, {mov ax, SEL_DATAHI}, {mov ds, ax}, {mov ax, SEL_DATA2}, {mov es, ax}
        SC "a16 rep movsw wrap", {a16 rep movsw}, {mov esi, 0xFFFF}, {mov edi, 0x10}, {mov ecx, 0x10003}, {mov ax, SEL_DATAHI}, {mov ds, ax}, {mov ax, SEL_DATA2}, {mov es, ax}
        SC "a16 std rep stosd", {a16 rep stosd}, {std}, {mov edi, 0x40}, {mov ecx, 0x9}, {mov eax, 0xBEEF}, {mov bx, SEL_DATA2}, {mov es, bx}
        SC "a16 repe cmpsb", {a16 repe cmpsb}, {mov esi, 0}, {mov edi, 0}, {mov ecx, 0x40}, {mov ax, SEL_DATAHI}, {mov ds, ax}, {mov ax, SEL_DATA2}, {mov es, ax}
        EXIT

prep32:
        push    eax
        push    esi
        mov     ax, SEL_DATA32
        mov     ds, ax
        mov     es, ax
        mov     ax, SEL_DATAHI
        mov     fs, ax
        xor     esi, esi
        mov     al, 7
.f:     mov     [SRC+esi], al
        mov     [DST+esi], al
        add     al, 0x1D
        inc     esi
        cmp     esi, 0x200
        jb      .f
        not     byte [DST+5]
        not     byte [DST+0x21]
        mov     byte [SRC+0xFFFF], 0xEE
        mov     word [SRC+0x0000], 0x1234
        xor     esi, esi
.s:     mov     al, [romtab32+esi]
        mov     [SSBUF+esi], al
        inc     esi
        cmp     esi, 16
        jb      .s
        pop     esi
        pop     eax
        xor     eax, eax
        xor     ecx, ecx
        xor     esi, esi
        xor     edi, edi
        cld
        ret

dump32:
        SHOW    M_STR|NONL, esi, edi, ecx, eax
        pushfd
        push    eax
        push    esi
        push    edx
        mov     ax, SEL_DATA32
        mov     ds, ax
        mov     es, ax
        xor     esi, esi
        xor     edx, edx
.h:     rol     edx, 3
        movzx   eax, byte [DST+esi]
        add     edx, eax
        inc     esi
        cmp     esi, 0x100
        jb      .h
        PUTS    " h="
        PHEX    8, edx
        NEWLINE
        pop     edx
        pop     esi
        pop     eax
        popfd
        cld
        ret

romtab32: db      0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF
