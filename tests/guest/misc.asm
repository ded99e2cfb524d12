; misc.asm - data movement and machine-state instructions, real mode and flat
; 32-bit PM: LAHF SAHF PUSHF(D) POPF(D) (incl. which bits stick: bit 15 reads 0,
; IOPL/NT writable at CPL 0, AC and ID writable, RF/VM not set by POPFD),
; PUSHA(D) POPA(D), PUSH SP, PUSH imm8/imm16/imm32, PUSH/POP segment registers,
; CLC STC CMC CLD STD CLI STI, IN/OUT imm8 and DX, INS/OUTS (REP, DF=1)
; to the master 8259 IMR (port 0x21, reads back the last value written),
; XLAT (default DS and CS override), LDS LES LFS LGS LSS, LEA with 16- and
; 32-bit address forms (wrap-around, SIB scales, operand vs address size),
; MOV moffs, MOVs with every 16-bit addressing mode.
; Expected output (expected/misc.txt) is captured from qemu-system-i386 -accel
; tcg by capture-expected.sh.
%include "lib.inc"

MEM     equ VAR_BASE+0x10
BUF     equ VAR_BASE+0x40
FPTR     equ VAR_BASE+0x60

%macro COMMON 0
        ; LAHF / SAHF
        mov     eax, 0x12345678
        SETF    0x08D7
        lahf
        CASE    "lahf", 0, eax
        mov     ah, 0xFF
        SETF    0x0802
        sahf
        CASE    "sahf ff", F_ALL, eax
        mov     ah, 0x00
        sahf
        CASE    "sahf 00", F_ALL, eax
        ; flag instructions
        clc
        CASE    "clc", F_ALL
        stc
        CASE    "stc", F_ALL
        cmc
        CASE    "cmc", F_ALL
        cmc
        CASE    "cmc", F_ALL
        std
        CASE    "std", F_ALL
        cld
        CASE    "cld", F_ALL
        sti
        CASE    "sti", F_ALL
        cli
        CASE    "cli", F_ALL
        ; POPF / PUSHF: TF and IF kept clear
        push    word 0xFCFF
        popf
        pushf
        pop     ax
        push    word 0
        popf
        CASE    "popf fcff", 0, eax
        push    dword 0xFFFFFCFF
        popfd
        pushfd
        pop     eax
        push    dword 0x00000002
        popfd
        CASE    "popfd fffffcff", 0, eax
        ; PUSH imm, PUSH SP
        mov     ebp, esp
        push    byte -2
        push    word 0x1234
        push    dword 0x89ABCDEF
        push    byte 0x7F
        pop     eax
        pop     ebx
        pop     cx
        pop     dx
        CASE    "push imm", 0, eax, ebx, ecx, edx
        mov     ebx, esp
        push    esp
        pop     eax
        sub     eax, ebx
        push    sp
        pop     cx
        sub     cx, bx
        CASE    "push esp/sp", 0, eax, ecx
        ; IN/OUT to the 8259 IMR
        mov     al, 0x5A
        out     0x21, al
        xor     eax, eax
        in      al, 0x21
        mov     dx, 0x21
        mov     bl, 0xA5
        xchg    al, bl
        out     dx, al
        in      al, dx
        CASE    "in/out 21", 0, eax, ebx
        mov     dword [BUF], 0x44332211
        mov     dword [BUF+4], 0x88776655
        mov     esi, BUF
        mov     ecx, 3
        rep outsb
        in      al, dx
        CASE    "rep outsb", 0, eax, ecx, esi
        mov     edi, BUF+8
        mov     ecx, 2
        rep insb
        std
        mov     esi, BUF+5
        outsb
        mov     edi, BUF+12
        insb
        cld
        CASE    "insb/std outsb", 0, esi, edi, [BUF+8], [BUF+12]
        mov     al, 0xFF
        out     0x21, al
        ; XLAT
        mov     dword [BUF], 0x33221100
        mov     dword [BUF+4], 0x77665544
        mov     ebx, BUF
        mov     eax, 0xABCDEF05
        xlatb
        CASE    "xlat", 0, eax
        mov     ebx, xlat_tab
        mov     al, 3
        cs xlatb
        CASE    "cs xlat", 0, eax
        ; MOV moffs
        mov     dword [MEM], 0xCAFEBABE
        mov     al, [MEM+1]
        mov     ax, [MEM+2]
        mov     eax, [MEM]
        mov     [MEM+4], al
        mov     [MEM+5], ax
        CASE    "mov moffs", 0, eax, [MEM+4]
%endmacro

%define xlat_tab xlat_tab16
main16:
        PUTSLN  "== real mode"
        COMMON
        ; PUSHA / POPA (16 and 32)
        mov     eax, 0x11111111
        mov     ecx, 0x22222222
        mov     edx, 0x33333333
        mov     ebx, 0x44444444
        mov     ebp, 0x66666666
        mov     esi, 0x77777777
        mov     edi, 0x88888888
        mov     [MEM], sp
        pusha
        mov     bp, sp
        mov     word [bp+0], 0xAAAA     ; DI
        mov     word [bp+6], 0x0000     ; SP slot: ignored by POPA
        mov     word [bp+14], 0xBBBB    ; AX
        mov     ax, [bp+6+2]            ; BX slot
        popa
        mov     [MEM+2], sp
        CASE    "pusha/popa", 0, eax, ecx, edx, ebx, ebp, esi, edi, [MEM]
        pushad
        mov     bp, sp
        mov     eax, [bp+12]            ; ESP slot
        sub     ax, [MEM]
        mov     dword [bp+28], 0x12345678
        popad
        CASE    "pushad/popad", 0, eax, ebp, edi
        ; segment registers
        mov     ax, 0x1234
        mov     es, ax
        push    es
        pop     fs
        mov     gs, [cs:seg_const]
        push    cs
        pop     bx
        mov     cx, fs
        mov     dx, gs
        xor     ax, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        CASE    "sregs", 0, ebx, ecx, edx
        ; LDS LES LFS LGS LSS
        mov     word [FPTR], 0x1111
        mov     word [FPTR+2], 0x2222
        mov     word [FPTR+4], 0x3333
        mov     word [FPTR+6], 0x4444
        les     di, [FPTR]
        lfs     si, [FPTR+2]
        lgs     bx, [FPTR+4]
        mov     ax, es
        mov     cx, fs
        mov     dx, gs
        CASE    "les lfs lgs", 0, eax, ebx, ecx, edx, esi, edi
        mov     word [FPTR], 0x5000
        mov     word [FPTR+2], 0x0000
        mov     bp, sp
        lss     sp, [FPTR]
        mov     ax, sp
        mov     bx, ss
        mov     ss, [cs:zero_const]
        mov     sp, bp
        CASE    "lss", 0, eax, ebx
        mov     word [FPTR+4], 0x0100
        push    ds
        lds     si, [FPTR+2]             ; DS = 0x0100, SI = 0
        mov     cx, ds
        pop     ds
        mov     dword [FPTR], 0x11223344
        mov     dword [FPTR+4], 0x5566
        o32 les edi, [FPTR]
        mov     ax, es
        push    word 0
        pop     es
        CASE    "lds, o32 les", 0, eax, ecx, esi, edi
        ; 16-bit addressing forms
        mov     bx, 0x0010
        mov     si, 0x0002
        mov     di, 0x0004
        mov     bp, 0x0006
        lea     ax, [bx+si+0x10]
        lea     cx, [bp+di-1]
        lea     dx, [bx+si-0x10]
        lea     eax, [bp]
        CASE    "lea16", 0, eax, ecx, edx
        lea     ax, [bx+di]
        lea     cx, [bp+si+0x1234]
        lea     dx, [si]
        lea     bx, [di+0x8000]
        CASE    "lea16b", 0, eax, ebx, ecx, edx
        mov     dword [BUF], 0x03020100
        mov     dword [BUF+4], 0x07060504
        mov     bx, BUF
        mov     si, 2
        mov     di, 1
        mov     al, [bx+si]
        mov     ah, [bx+di+4]
        mov     cl, [si+BUF+1]
        mov     ch, [di+BUF]
        mov     bp, BUF-0x10
        mov     dl, [bp+0x15]           ; SS: default, SS = DS = 0 here
        mov     dh, [bp+si+0x10]
        CASE    "mov modrm16", 0, eax, ecx, edx
        ENTER_PM pm32
seg_const:  dw  0x5678
zero_const: dw  0
xlat_tab16: db  0xA0, 0xA1, 0xA2, 0xA3

section .text32
bits 32
%define xlat_tab xlat_tab32
pm32:
        PUTSLN  "== protected mode"
        COMMON
        mov     eax, 0x11111111
        mov     ecx, 0x22222222
        mov     edx, 0x33333333
        mov     ebx, 0x44444444
        mov     ebp, 0x66666666
        mov     esi, 0x77777777
        mov     edi, 0x88888888
        pushad
        mov     eax, [esp+12]
        sub     eax, esp
        mov     dword [esp], 0xAAAAAAAA
        mov     dword [esp+28], eax
        popad
        CASE    "pushad/popad", 0, eax, ecx, edx, ebx, ebp, esi, edi
        pushaw
        mov     word [esp+14], 0xCCCC
        popaw
        CASE    "pushaw/popaw", 0, eax
        ; segment loads
        mov     dword [FPTR], 0x12345678
        mov     word [FPTR+4], SEL_DATAHI
        lfs     esi, [FPTR]
        mov     word [FPTR+4], SEL_DATA2
        lgs     di, [FPTR+2]
        mov     ax, fs
        mov     bx, gs
        mov     ecx, [fs:0]             ; linear 0x10000
        mov     dword [0x20000], 0x600DF00D
        mov     edx, [gs:0]
        CASE    "lfs lgs", 0, eax, ebx, ecx, edx, esi, edi
        mov     dword [FPTR], 0x00080000
        mov     word [FPTR+4], SEL_DATA32
        mov     ebp, esp
        lss     esp, [FPTR]
        mov     eax, esp
        mov     esp, ebp
        CASE    "lss", 0, eax
        ; 32-bit addressing forms
        mov     eax, 0x100
        mov     ebx, 0x10
        mov     ecx, 3
        lea     edx, [eax+ebx*4+0x1000]
        lea     esi, [ecx*8-4]
        lea     edi, [eax+ecx*2]
        lea     ebp, [esp+8]
        sub     ebp, esp
        CASE    "lea32", 0, edx, esi, edi, ebp
        lea     ax, [ebx+0xFFFF0]
        lea     edx, [bx+0x10]
        lea     esi, [eax+eax]
        CASE    "lea32b", 0, eax, edx, esi
        mov     dword [BUF], 0x03020100
        mov     dword [BUF+4], 0x07060504
        mov     ebx, BUF
        mov     ecx, 1
        mov     al, [ebx+ecx*4]
        mov     ah, [ebx+ecx*2+1]
        mov     dl, [BUF+ecx*4+2]
        mov     dh, [ebx+ecx]
        mov     ebp, BUF+8
        mov     cl, [ebp-1]
        CASE    "mov modrm32", 0, eax, ecx, edx
        EXIT
xlat_tab32: db  0xB0, 0xB1, 0xB2, 0xB3
