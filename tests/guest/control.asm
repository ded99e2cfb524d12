; control.asm - control transfer: Jcc (short and near) and SETcc (reg and mem)
; for all 16 conditions over 32 combinations of CF PF ZF SF OF; LOOP LOOPE
; LOOPNE JCXZ JECXZ (CX vs ECX by address size, CX=0 -> 65536 iterations);
; ENTER (nesting levels 0, 1, 3) and LEAVE; near/far JMP and CALL (direct,
; register and memory indirect), RET imm16, RETF, RETF imm16, a far jump to a
; different CS with the same linear address; INT n / INT3 / IRET through the IVT
; (real mode) and through IDT interrupt gates (flat 32-bit PM).
; Expected output (expected/control.txt) is captured from qemu-system-i386
; -accel tcg by capture-expected.sh.
%include "lib.inc"

MEM     equ VAR_BASE+0x10
FARPTR  equ VAR_BASE+0x20

; JTEST cc : line "cc jshort jnear setreg setmem" of 32-bit taken masks, bit i =
; condition true with flags built from i (see mkflags)
%macro JTEST 1
        xor     edx, edx
        xor     esi, esi
        xor     edi, edi
        xor     ebp, ebp
        xor     ecx, ecx
%%l:    call    MKFLAGS
        push    eax
        popfd
        j%1     short %%t1
        jmp     short %%n1
%%t1:   bts     edx, ecx
%%n1:   push    eax
        popfd
        j%1     near %%t2
        jmp     %%n2
%%t2:   bts     esi, ecx
%%n2:   push    eax
        popfd
        mov     ebx, 0xFFFFFF00
        set%1   bl
        push    eax
        popfd
        set%1   byte [MEM]
        and     ebx, 0xFF
        shl     ebx, cl
        or      edi, ebx
        movzx   ebx, byte [MEM]
        shl     ebx, cl
        or      ebp, ebx
        inc     ecx
        cmp     ecx, 32
        jb      %%l
        PUTS    %str(%1)
        SHOW    0|NONL, edx, esi, edi, ebp
        NEWLINE
%endmacro

%macro JSUITE 0
        JTEST   o
        JTEST   no
        JTEST   b
        JTEST   ae
        JTEST   e
        JTEST   ne
        JTEST   be
        JTEST   a
        JTEST   s
        JTEST   ns
        JTEST   p
        JTEST   np
        JTEST   l
        JTEST   ge
        JTEST   le
        JTEST   g
%endmacro

; LOOPS: common LOOP family cases (CX or ECX by the default address size)
%macro LOOPS 0
        mov     ecx, 5
        xor     eax, eax
%%a:    inc     eax
        loop    %%a
        CASE    "loop 5", 0, eax, ecx
        mov     ecx, 10
        xor     eax, eax
%%b:    inc     eax
        cmp     eax, 4
        loopne  %%b
        CASE    "loopne", F_ZF, eax, ecx
        mov     ecx, 10
        xor     eax, eax
%%c:    inc     eax
        cmp     eax, 1
        loope   %%c
        CASE    "loope", F_ZF, eax, ecx
        mov     ecx, 3
        xor     eax, eax
%%d:    inc     eax
        test    eax, eax
        loopnz  %%d
        CASE    "loopnz to 0", F_ZF, eax, ecx
        mov     ecx, 0x10000
        mov     eax, 1
        jcxz    %%e
        mov     eax, 2
%%e:    CASE    "jcxz cx=0", 0, eax, ecx
        mov     ecx, 0x10000
        mov     eax, 1
        jecxz   %%f
        mov     eax, 2
%%f:    CASE    "jecxz ecx=10000", 0, eax, ecx
        xor     ecx, ecx
        mov     eax, 1
        jecxz   %%g
        mov     eax, 2
%%g:    CASE    "jecxz ecx=0", 0, eax, ecx
%endmacro

; flags from the bits of ecx: 0 CF, 1 PF, 2 ZF, 3 SF, 4 OF
%macro MKFLAGS_FN 0
        mov     eax, 2
        test    cl, 1
        jz      %%1
        or      al, F_CF
%%1:    test    cl, 2
        jz      %%2
        or      al, F_PF
%%2:    test    cl, 4
        jz      %%3
        or      al, F_ZF
%%3:    test    cl, 8
        jz      %%4
        or      al, F_SF
%%4:    test    cl, 16
        jz      %%5
        or      ax, F_OF
%%5:    ret
%endmacro

main16:
        PUTSLN  "== real mode"
%define MKFLAGS mkflags16
        JSUITE
        LOOPS
        mov     ecx, 0xABCD0000
        xor     eax, eax
.cx0:   inc     eax
        loop    .cx0
        CASE    "loop cx=0", 0, eax, ecx
        mov     ecx, 0x12340005
        xor     eax, eax
.cxu:   inc     eax
        loop    .cxu
        CASE    "loop cx only", 0, eax, ecx
        mov     ecx, 0x00010003
        xor     eax, eax
.a32:   inc     eax
        a32 loop .a32
        CASE    "a32 loop", 0, eax, ecx
        ; ENTER/LEAVE on a private stack at 0x6000 with a caller frame at 0x6100
        mov     [VAR_BASE+0x80], sp
        mov     esp, 0x6000
        mov     ebp, 0x6100
        mov     word [0x60FE], 0xAAAA
        mov     word [0x60FC], 0xBBBB
        mov     word [0x60FA], 0xCCCC
        enter   0x10, 0
        CASE    "enter 10,0", 0, esp, ebp
        leave
        CASE    "leave", 0, esp, ebp
        enter   8, 1
        CASE    "enter 8,1", 0, esp, ebp, [0x5FFC]
        leave
        enter   4, 3
        CASE    "enter 4,3", 0, esp, ebp, [0x5FFC], [0x5FF8]
        leave
        CASE    "leave", 0, esp, ebp
        o32 enter 4, 2
        CASE    "o32 enter 4,2", 0, esp, ebp, [0x5FFC], [0x5FF8], [0x5FF4]
        o32 leave
        CASE    "o32 leave", 0, esp, ebp
        ; PUSH r/m with a memory operand (inlined: two accesses); the
        ; address uses SP before the push
        mov     dword [0x6100], 0x11223344
        mov     esp, 0x6000
        push    word [0x6100]
        CASE    "push m16", 0, esp, [0x5FFC]
        push    dword [0x6100]
        CASE    "push m32", 0, esp, [0x5FFA], [0x5FF8]
        mov     bx, 0x60FE
        push    word [bx+4]
        CASE    "push [bx+4]", 0, esp, [0x5FF8], [0x5FF6]
        push    dword [esp+2]
        CASE    "push [esp+2]", 0, esp, [0x5FF4], [0x5FF2]
        mov     sp, [VAR_BASE+0x80]
        ; near and far transfers
        mov     eax, 0
        call    near1
        CASE    "call near", 0, eax
        mov     bx, near1
        call    bx
        CASE    "call reg", 0, eax
        mov     word [MEM], near1
        call    word [MEM]
        CASE    "call mem", 0, eax
        push    word 0x1111
        push    word 0x2222
        call    near_ret4
        CASE    "ret 4", 0, eax, esp
        call    0xF000:far1
        CASE    "call far", 0, eax
        mov     word [FARPTR], far1
        mov     word [FARPTR+2], 0xF000
        call    far [FARPTR]
        CASE    "call far mem", 0, eax
        push    word 0x3333
        call    0xF000:far_ret2
        CASE    "retf 2", 0, eax, esp
        call    0xF100:far_f100-0x1000
        CASE    "call far cs=f100", 0, eax, ebx
        jmp     0xF000:.j1
.j1:    mov     word [FARPTR], .j2
        mov     word [FARPTR+2], 0xF000
        jmp     far [FARPTR]
.j2:    mov     bx, .j3
        jmp     bx
        PUTSLN  "jmp reg not taken"
.j3:    mov     word [MEM], .j4
        jmp     word [MEM]
        PUTSLN  "jmp mem not taken"
.j4:    PUTSLN  "jmps ok"
        ; INT / IRET through the IVT
        SET_IVT 0x40, int40_16
        SET_IVT 3, int3_16
        mov     eax, 0x1234
        SETF    0x08D7
        int     0x40
        CASE    "after int 40", F_ALL, eax
        SETF    0x0002
        int3
        CASE    "after int3", F_ALL, eax
        int     3
        CASE    "after int 3", F_ALL, eax
        ENTER_PM pm32

mkflags16:
        MKFLAGS_FN
near1:  inc     eax
        ret
near_ret4:
        mov     eax, [esp+2]
        ret     4
far1:   add     eax, 0x100
        retf
far_ret2:
        movzx   eax, word [esp+4]
        retf    2
int40_16:
        push    bp
        mov     bp, sp
        PUTS    "int40 flags"
        PHEX    4, [bp+6]
        PUTS    " cs="
        PHEX    4, [bp+4]
        NEWLINE
        add     eax, 0x10000
        and     word [bp+6], ~F_CF      ; IRET restores the modified FLAGS
        pop     bp
        iret
int3_16:
        push    bp
        mov     bp, sp
        PUTS    "int3 flags"
        PHEX    4, [bp+6]
        NEWLINE
        inc     eax
        pop     bp
        iret
        times   0x2000-($-$$) db 0x90
; runs with CS=F100: same linear addresses, IP 0x1000 lower
far_f100:
        mov     ebx, cs
        mov     eax, far_f100
        call    .ip
.ip:    pop     ax
        retf

section .text32
bits 32
%define MKFLAGS mkflags32
pm32:
        PUTSLN  "== protected mode"
        JSUITE
        LOOPS
        mov     ecx, 0xABCD0000
        xor     eax, eax
.a16:   inc     eax
        a16 loop .a16
        CASE    "a16 loop cx=0", 0, eax, ecx
        mov     esp, 0x6000
        mov     ebp, 0x6100
        mov     dword [0x60FC], 0xAAAAAAAA
        mov     dword [0x60F8], 0xBBBBBBBB
        mov     dword [0x60F4], 0xCCCCCCCC
        enter   0x10, 0
        CASE    "enter 10,0", 0, esp, ebp
        leave
        CASE    "leave", 0, esp, ebp
        enter   4, 3
        CASE    "enter 4,3", 0, esp, ebp, [0x5FFC], [0x5FF8], [0x5FF4], [0x5FF0]
        leave
        CASE    "leave", 0, esp, ebp
        mov     esp, STACK32
        xor     eax, eax
        call    near1_32
        mov     ebx, near1_32
        call    ebx
        mov     dword [MEM], near1_32
        call    dword [MEM]
        CASE    "calls", 0, eax
        call    SEL_CODE32:far1_32
        CASE    "call far", 0, eax
        mov     dword [FARPTR], far1_32
        mov     word [FARPTR+4], SEL_CODE32
        call    far [FARPTR]
        CASE    "call far mem", 0, eax
        push    dword 0x4444
        push    dword 0x5555
        call    SEL_CODE32:far_ret8_32
        CASE    "retf 8", 0, eax, esp
        jmp     SEL_CODE32:.j1
.j1:    mov     dword [FARPTR], .j2
        jmp     far [FARPTR]
.j2:    PUTSLN  "jmps ok"
        SET_IDT 0x40, int40_32
        mov     eax, 0x1234
        SETF    0x08D7
        int     0x40
        CASE    "after int 40", F_ALL, eax
        EXIT

mkflags32:
        MKFLAGS_FN
near1_32:
        inc     eax
        ret
far1_32:
        add     eax, 0x100
        retf
far_ret8_32:
        mov     eax, [esp+8]
        sub     eax, [esp+12]
        retf    8
int40_32:
        PUTS    "int40 eflags"
        PHEX    8, [esp+8]
        PUTS    " cs="
        PHEX    4, [esp+4]
        NEWLINE
        add     eax, 0x10000
        and     dword [esp+8], ~F_CF
        iretd
