; inline_paths.asm - the inline forms of issue 15 against QEMU: near CALL
; r/m (register and memory target, 16- and 32-bit code), RETs that do not
; return to their call site (return address replaced, popped, used as
; data), and DIV/IDIV r/m8/16/32 including #DE (zero divisor, quotient
; overflow, IDIV of the most negative dividend by -1) right after writes
; to many registers (the translator caches them in host registers: a fault
; must leave every guest register as before the instruction).  Faults of
; the new fast paths at CPL 3 with paging: CALL [m] whose target is on a
; supervisor page (#PF 5 on the read), CALL r/m whose push hits a
; supervisor page (#PF 7, ESP unchanged), DIV of a supervisor-page operand.
; Every fault prints the frame's EIP (must be the faulting instruction),
; ESP, CR2 and the registers the catch handler keeps (EBX ECX EDX ESI EDI
; EBP).  SDM vol. 2 CALL/RET/DIV/IDIV, vol. 3 6.15 (#DE, #PF are faults).
; Expected output (expected/inline_paths.txt) is captured from
; qemu-system-i386 -accel tcg by capture-expected.sh (which defines
; QEMU_CAPTURE), except the two IDIV cases of the most negative dividend by
; -1 ("idiv ecx min/-1", "idiv cx min/-1"): QEMU 7.2 runs them on the
; host's divider and dies of SIGFPE. Their lines were added by hand from
; the SDM (IDIV: quotient too large -> #DE, a fault: no register changed,
; EIP at the IDIV), in the format of the other #DE lines. Add them back
; after regenerating.
%include "lib.inc"
%include "sys.inc"

PD      equ 0x80000
PT0     equ 0x81000
SPAGE   equ 0x60000             ; supervisor-only page (PTE U/S = 0)
MEM     equ VAR_BASE+0x10       ; scratch dwords (VAR_BASE+0x10..0x2F)

main16:
        PUTSLN  "== real mode"
        mov     bx, f16_a
        mov     word [MEM], f16_b
        mov     si, MEM
        xor     ax, ax
        call    bx
        call    word [si]
        call    word [cs:tab16+2]
        movzx   eax, ax
        PHEX    4, eax
        NEWLINE
        ENTER_PM pm32
f16_a:  add     ax, 0x11
        ret
f16_b:  add     ax, 0x220
        ret
tab16:  dw      f16_a, f16_b

section .text32
bits 32

; DUMP label: whether the fault's EIP is the instruction at label, and the
; registers the catch handler keeps
%macro DUMP 1
        cmp     dword [FRAME+8], %1
        jne     %%bad
        PUTS    " at insn"
%%bad:  SHOW    0, ebx, ecx, edx, esi, edi, ebp
%endmacro

; ring-3 data segments, then dirty many registers right before the
; instruction under test
%macro DIRTY 0
        mov     ax, SEL_DATA3
        mov     ds, ax
        mov     es, ax
        mov     ebx, 0x0B0B0B0B
        mov     ecx, 0x0C0C0C0C
        mov     esi, 0x05050505
        mov     edi, 0x0D0D0D0D
        mov     ebp, 0x0E0E0E0E
%endmacro

; DIVCASE "name", edx, eax, divisor, insn - dividend edx:eax, divisor in
; [MEM] and ECX (and BH for the byte forms); prints EAX EDX or the #DE
%macro DIVCASE 5
        PUTS    %1
        mov     dword [RESUME], %%after
        mov     [SAVED_ESP], esp
        mov     dword [MEM], %4
        mov     ebx, 0x0B0B0B0B
        mov     bh, %4 & 0xff
        mov     ecx, %4
        mov     esi, 0x05050505
        mov     edi, 0x0D0D0D0D
        mov     ebp, 0x0E0E0E0E
        mov     edx, %2
        mov     eax, %3
%%insn: %5
        SHOW    0, eax, edx
        jmp     %%done
%%after:
        cmp     dword [FRAME+8], %%insn
        jne     %%bad
        PUTS    " at insn"
%%bad:  SHOW    0, ebx, ecx, edx, esi, edi, ebp
%%done:
%endmacro

pm32:
        call    sys_init
        IGATE   0x30, SEL_CODE32, back0, ACC_IGATE32 | 0x60
        ; identity map 0-4 MiB, user and writable, except SPAGE
        mov     edi, PD
        mov     ecx, 1024
        xor     eax, eax
        rep stosd
        mov     dword [PD], PT0 | 7
        mov     edi, PT0
        mov     eax, 7
        mov     ecx, 1024
.id:    stosd
        add     eax, 0x1000
        loop    .id
        mov     dword [PT0 + (SPAGE >> 12) * 4], SPAGE | 3
        mov     dword [SPAGE], fn_a
        mov     dword [SPAGE+4], 7
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        jmp     .pg
.pg:
        PUTSLN  "== call r/m"
        xor     eax, eax
        mov     edx, fn_a
        call    edx
        mov     dword [MEM], fn_b
        call    [MEM]
        mov     ebx, tab32
        mov     ecx, 2
        call    [ebx+ecx*4]
        push    dword fn_a
        call    [esp]                   ; reads the old ESP, then pushes
        add     esp, 4
        mov     ecx, 5
        mov     dword [MEM], fn_rec
        call    [MEM]                   ; recursion through a pointer
        SHOW    0, eax, ecx
        PUTSLN  "== ret elsewhere"
        xor     eax, eax
        call    fn_swap                 ; returns to .s1, not here
        or      eax, 0x100
.s1:    call    fn_skip                 ; returns past the OR
        or      eax, strict dword 0x200
        SHOW    0, eax
        call    .here                   ; return address as data
.here:  pop     eax
        sub     eax, .here
        mov     edx, fn_swap2
        call    edx                     ; indirect call, returns elsewhere
        or      eax, 0x400
.s2:    SHOW    0, eax

        PUTSLN  "== div/idiv"
        DIVCASE "div ecx", 0x00000001, 0x00000002, 0x00000007, {div ecx}
        DIVCASE "div m32", 0x12345678, 0x9ABCDEF0, 0x7FFFFFFF, {div dword [MEM]}
        DIVCASE "div ecx zero", 0x00000000, 0x00000005, 0x00000000, {div ecx}
        DIVCASE "div m32 ovf", 0x00000007, 0x00000000, 0x00000007, {div dword [MEM]}
        DIVCASE "div cx", 0x00001234, 0x00005678, 0x0000ABCD, {div cx}
        DIVCASE "div cx ovf", 0x0000ABCD, 0x00005678, 0x0000ABCD, {div cx}
        DIVCASE "div bh", 0x00000000, 0x00001234, 0x000000F0, {div bh}
        DIVCASE "div bh ovf", 0x00000000, 0x0000F000, 0x000000F0, {div bh}
        DIVCASE "div m8", 0x00000000, 0x0000FFFE, 0x000000FF, {div byte [MEM]}
        DIVCASE "idiv ecx", 0xFFFFFFFF, 0xFFFFFF9C, 0x00000007, {idiv ecx}
        DIVCASE "idiv ecx -1", 0x00000000, 0x00000005, 0xFFFFFFFF, {idiv ecx}
%ifndef QEMU_CAPTURE
        DIVCASE "idiv ecx min/-1", 0x80000000, 0x00000000, 0xFFFFFFFF, {idiv ecx}
%endif
        DIVCASE "idiv ecx 2^31/-1", 0xFFFFFFFF, 0x80000000, 0xFFFFFFFF, {idiv ecx}
        DIVCASE "idiv m32 ovf", 0x40000000, 0x00000000, 0x00000002, {idiv dword [MEM]}
        DIVCASE "idiv m32 -ovf", 0xC0000000, 0x00000000, 0x00000002, {idiv dword [MEM]}
        DIVCASE "idiv m32 zero", 0x12345678, 0x00000000, 0x00000000, {idiv dword [MEM]}
        DIVCASE "idiv cx", 0x0000FFFF, 0x00008000, 0x0000FFFF, {idiv cx}
%ifndef QEMU_CAPTURE
        DIVCASE "idiv cx min/-1", 0x00008000, 0x00000000, 0x0000FFFF, {idiv cx}
%endif
        DIVCASE "idiv m16 -", 0x0000FFFF, 0x0000FFF9, 0x00000002, {idiv word [MEM]}
        DIVCASE "idiv bh ovf", 0x00000000, 0x0000FF80, 0x000000FF, {idiv bh}
        DIVCASE "idiv bh neg", 0x00000000, 0x00000080, 0x000000FF, {idiv bh}
        DIVCASE "idiv m8 -", 0x00000000, 0x0000FF85, 0x00000010, {idiv byte [MEM]}
        DIVCASE "idiv cl -ovf", 0x00000000, 0x0000C000, 0x00000002, {idiv cl}
        DIVCASE "div ah", 0x00000000, 0x00000305, 0x00000000, {div ah}
        DIVCASE "idiv ah", 0x00000000, 0x0000FE05, 0x00000000, {idiv ah}

        PUTSLN  "== faults at CPL 3"
        TRY     "call [m], target on supervisor page:", {RING3 r3_callm, 0x0002}
        DUMP    r3_callm.i
        mov     eax, cr2
        PUTS    " cr2="
        PHEX    8, eax
        PUTS    " esp="
        PHEX    8, [FRAME+20]
        NEWLINE
        TRY     "call r, stack on supervisor page:", {RING3 r3_callr, 0x0002}
        DUMP    r3_callr.i
        mov     eax, cr2
        PUTS    " cr2="
        PHEX    8, eax
        PUTS    " esp="
        PHEX    8, [FRAME+20]
        NEWLINE
        TRY     "call [m], stack on supervisor page:", {RING3 r3_callm2, 0x0002}
        DUMP    r3_callm2.i
        mov     eax, cr2
        PUTS    " cr2="
        PHEX    8, eax
        PUTS    " esp="
        PHEX    8, [FRAME+20]
        NEWLINE
        TRY     "div [m] on supervisor page:", {RING3 r3_div, 0x0002}
        DUMP    r3_div.i
        mov     eax, cr2
        PUTS    " cr2="
        PHEX    8, eax
        NEWLINE
        mov     eax, cr0
        and     eax, 0x7FFFFFFF
        mov     cr0, eax
        EXIT

fn_a:   add     eax, 0x11
        ret
fn_b:   add     eax, 0x220
        ret
fn_c:   add     eax, 0x3300
        ret
tab32:  dd      fn_a, fn_b, fn_c
fn_rec: add     eax, 0x10000
        dec     ecx
        jz      .r
        call    [MEM]
.r:     ret
fn_swap:
        add     eax, 1
        mov     dword [esp], main_s1
        ret
fn_skip:                                ; returns past the 5-byte OR after its call
        add     eax, 2
        pop     edx
        add     edx, 5
        push    edx
        ret
fn_swap2:
        add     eax, 8
        mov     dword [esp], main_s2
        ret
main_s1 equ pm32.s1
main_s2 equ pm32.s2

r3_callm:
        DIRTY
        mov     edx, 0x0A0A0A0A
.i:     call    [SPAGE]
        int     0x30
r3_callr:
        mov     esp, SPAGE + 0x100
        DIRTY
        mov     edx, 0x0A0A0A0A
        mov     eax, fn_a
.i:     call    eax
        int     0x30
r3_callm2:
        mov     esp, SPAGE + 0x100
        DIRTY
        mov     dword [MEM], fn_a
        mov     edx, 0x0A0A0A0A
.i:     call    [MEM]
        int     0x30
r3_div:
        DIRTY
        mov     edx, 0
        mov     eax, 100
.i:     div     dword [SPAGE+4]
        int     0x30

back0:
        RESTORE_SEGS
        jmp     [RESUME]
