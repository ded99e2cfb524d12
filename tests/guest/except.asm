; except.asm - exceptions and software interrupts delivered through the
; real-mode IVT and through 32-bit IDT interrupt gates in flat PM:
;   #DE (DIV by 0, IDIV overflow)  fault: saved IP = the DIV  (SDM vol. 3, 6.15)
;   #UD (UD2)                      fault: saved IP = the UD2
;   #BR (BOUND out of range)       fault: saved IP = the BOUND
;   #OF (INTO with OF=1)           trap:  saved IP = next instruction
;   #BP (INT3, INT 3)              trap:  saved IP = next instruction
;   INTO with OF=0, BOUND in range: no exception
;   INT n with n = 0 and 6 (software INT to an exception vector: no error code,
;   saved IP = next instruction)
; Handlers print the vector, whether the saved (E)IP/CS is the expected one, and
; the saved FLAGS; they resume at a per-case address.
; Expected output (expected/except.txt) is captured from qemu-system-i386
; -accel tcg by capture-expected.sh, with one SDM correction: in protected
; mode the EFLAGS image pushed for a fault (#DE, #UD, #BR) has RF set (SDM
; vol. 3, 17.3.1.1; Bochs agrees), which QEMU leaves clear; traps (#OF, #BP,
; INT n) push RF as it was (0). Do not regenerate without re-applying it.
%include "lib.inc"

RESUME   equ VAR_BASE+0x30
EXPECTIP equ VAR_BASE+0x34
BOUNDS   equ VAR_BASE+0x40

; XC "name", fault|trap, insn... : run one case
%macro XC 3+
        PUTS    %1
        mov     dword [RESUME], %%after
%ifidn %2, fault
        mov     dword [EXPECTIP], %%insn
%else
        mov     dword [EXPECTIP], %%after
%endif
        SETF    0x0802
%%insn: %3
%%after:
        NEWLINE
%endmacro

%macro CASES 0
        mov     word [BOUNDS], -5
        mov     word [BOUNDS+2], 10
        mov     dword [BOUNDS+4], -5
        mov     dword [BOUNDS+8], 10
        XC      "div 0:", fault, div bl
        XC      "idiv 11/-1:", fault, idiv cl
        XC      "ud2:", fault, ud2
        XC      "bound16 hi:", fault, bound ax, [BOUNDS]
        XC      "bound16 lo:", fault, bound dx, [BOUNDS]
        XC      "bound16 ok:", fault, bound si, [BOUNDS]
        XC      "bound32 hi:", fault, bound eax, [BOUNDS+4]
        XC      "bound32 ok:", fault, bound edi, [BOUNDS+4]
        XC      "into of=1:", trap, into
        XC      "into of=0:", trap, {SETF 2}, into
        XC      "int3:", trap, int3
        XC      "int 3:", trap, int 3
        XC      "int 0:", trap, int 0
        XC      "int 6:", trap, int 6
%endmacro

; register values for the cases: div bl with bl=0; idiv cl with ax=8000h cl=-1;
; bound: ax=11 (hi), dx=-6 (lo), si=10 (ok), eax=11, edi=-5
%macro REGS 0
        mov     eax, 11
        mov     ebx, 0
        mov     ecx, 0xFF
        mov     edx, -6
        mov     esi, 10
        mov     edi, -5
%endmacro

main16:
        PUTSLN  "== real mode"
%assign v 0
%rep 7
        SET_IVT v, h16_ %+ v
%assign v v+1
%endrep
        REGS
        mov     ax, 0x8000
        XC      "idiv ovf:", fault, idiv cl
        REGS
        CASES
        ENTER_PM pm32

%assign v 0
%rep 7
h16_ %+ v:
        push    word v
        jmp     h16
%assign v v+1
%endrep
; stack: [bp+2] vector, [bp+4] IP, [bp+6] CS, [bp+8] FLAGS
h16:    push    bp
        mov     bp, sp
        push    eax
        PUTS    " vec "
        PHEX    2, [bp+2]
        mov     ax, [bp+4]
        cmp     ax, [EXPECTIP]
        jne     .bad
        cmp     word [bp+6], 0xF000
        jne     .bad
        PUTS    " ip ok"
        jmp     .f
.bad:   PUTS    " ip BAD "
        PHEX    4, [bp+6]
        PUTS    ":"
        PHEX    4, [bp+4]
.f:     PUTS    " flags "
        PHEX    4, [bp+8]
        mov     ax, [RESUME]
        mov     [bp+4], ax
        pop     eax
        pop     bp
        add     sp, 2
        iret

section .text32
bits 32
pm32:
        PUTSLN  "== protected mode"
%assign v 0
%rep 7
        SET_IDT v, h32_ %+ v
%assign v v+1
%endrep
        REGS
        mov     ax, 0x8000
        XC      "idiv ovf:", fault, idiv cl
        REGS
        CASES
        EXIT

%assign v 0
%rep 7
h32_ %+ v:
        push    dword v
        jmp     h32
%assign v v+1
%endrep
; stack: [esp+4] vector, [esp+8] EIP, [esp+12] CS, [esp+16] EFLAGS (none of
; vectors 0-6 pushes an error code)
h32:    push    eax
        PUTS    " vec "
        PHEX    2, [esp+4]
        mov     eax, [esp+8]
        cmp     eax, [EXPECTIP]
        jne     .bad
        cmp     word [esp+12], SEL_CODE32
        jne     .bad
        PUTS    " ip ok"
        jmp     .f
.bad:   PUTS    " ip BAD "
        PHEX    8, [esp+8]
.f:     PUTS    " flags "
        PHEX    8, [esp+16]
        mov     eax, [RESUME]
        mov     [esp+8], eax
        pop     eax
        add     esp, 4
        iretd
