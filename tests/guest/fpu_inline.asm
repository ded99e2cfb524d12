; fpu_inline.asm - x87 instruction runs as the translator's inline x87 path
; executes them (translator/cg_x87.c: a block's x87 instructions run
; natively between one guarded state load and one store, memory operands
; through the inline TLB), in flat 32-bit PM and real mode. Each case runs
; a straight-line x87 sequence mixed with integer instructions, then a
; helper-executed FNSAVE (DUMP) prints control/status/tag words and ST0-ST7
; (sign+exponent and significand), so the state the run left behind is what
; is compared; FRSTOR puts it back for the next step.
;   pc/rc       one block run under five control words (precision 24/53/64
;               bits, the four rounding modes): the guard re-checks each
;               time, results round per PC/RC (SDM vol. 1, 8.1.5.2-3)
;   nan         QNaN/SNaN operands (masked IE, QNaN results, SDM 4.8.3.5),
;               FIST of a NaN (integer indefinite), FUCOMI/FCOMI with a NaN
;               (ZF PF CF = 111), FCMOVcc on flags set by integer code
;   denormal    denormal operand (DE), underflow to a double denormal (UE PE)
;   stack       masked stack overflow (9 loads: IE SF C1=1, the indefinite)
;               and underflow (empty operands: IE SF C1=0), SDM 8.5.1.1
;   pointers    FNSTENV after a run: FIP/FOP of the last x87 instruction,
;               FDP of the last memory operand (SDM 8.1.8-8.1.9); printed as
;               ok/BAD against the labels
;   unmasked    ZM unmasked (CW 037B) with CR0.NE=1: the run cannot go
;               inline; the division by zero leaves ST0 alone and #MF comes
;               at the next waiting instruction (SDM 8.7.1)
;   irq         PIT interrupts during an x87 loop (the state loaded in the
;               host x87 across blocks); the handler FNSAVEs, uses the x87
;               and FRSTORs: the loop's result must not depend on them
;   #PF         paging on, the third x87 instruction of a run reads a
;               not-present page: #PF with the first two done exactly once
;               (FNSTENV in the handler: FIP at the second), the handler
;               maps the page, the restarted run finishes
;   real mode   the same kind of run with 16-bit addressing
; Expected output (expected/fpu_inline.txt): captured from qemu-system-i386
; 7.2 -accel tcg by capture-expected.sh, then corrected by hand where QEMU's
; soft-float x87 departs from the SDM; the corrected values are the ones
; the SDM rules cited below give, which the host silicon produced too (an
; AMD EPYC here; every instruction's reference path is checked against the
; host by tests/unit/test_fpu_diff). Do not regenerate without re-applying
; them:
;   - "rm env" ip19-16|fop F358: QEMU does not record FOP (SDM vol. 1,
;     8.1.9: the last non-control instruction, FISTP m32int = DB /3, ModR/M
;     58h); same for "ptr ... op 04C8" (FMUL ST0,ST0 encoded DC C8).
;   - "pc/rc 0B7F" sw 0220: C1 = 1, the last store was rounded up (vol. 2,
;     FST/FSTP "C1 ... indicates rounding direction"); QEMU leaves C1 clear.
;   - "nan" registers: SNaN (single) + QNaN gives the QNaN operand,
;     C000000000000000 (vol. 1, table 4-7); QEMU returns the quieted SNaN.
;   - "denormal" sw 3832: FLD m64fp of a denormal sets DE (vol. 2, FLD, #D);
;     QEMU does not.
;   - "overflow"/"underflow": masked stack overflow and underflow set IE
;     and SF (C1 = 1/0) and produce the QNaN indefinite FFFF:C000000000000000
;     (vol. 1, 8.5.1.1); QEMU has no stack-fault checks. The empty registers
;     printed after these cases (and in the "irq" and "#PF" dumps) hold the
;     values these cases left.
;   - "unmasked": #MF is taken before the next waiting instruction (the FADD,
;     vol. 1, 8.7.1: "#MF sw B084", n1) and the zero divide leaves ST0 = 1.0
;     (8.5.3), so ST0 = 2.0 afterwards; QEMU stores +inf and takes #MF only
;     at FWAIT (as in fpu_mf.asm).
%include "lib.inc"
%include "pic.inc"

SAVEBUF  equ VAR_BASE+0x200     ; FNSAVE image (108 bytes)
ENV      equ VAR_BASE+0x300     ; FNSTENV image (28 bytes)
RES      equ VAR_BASE+0x340     ; results
CWV      equ VAR_BASE+0x360
MFCNT    equ VAR_BASE+0x364
PFCNT    equ VAR_BASE+0x368
ZERO     equ VAR_BASE+0x36C
TMP      equ VAR_BASE+0x370
TICKS    equ VAR_BASE+0x374
IRQSAVE  equ VAR_BASE+0x400     ; the IRQ handler's FNSAVE image
IRQRES   equ VAR_BASE+0x480
PD       equ 0x80000
PT0      equ 0x81000
PT1      equ 0x82000
WIN      equ 0x400000

main16:
        PUTSLN  "== real mode"
        fninit
        mov     ax, DATA_SEG
        mov     ds, ax
        mov     dword [0x10], 0x40490fdb        ; pi as single
        mov     word [0x14], 7
        mov     bx, 0x10
        mov     si, 4
rm_run: fld     dword [bx]
        fimul   word [bx+si]
        fld1
        fdivp   st1, st0
        fst     qword [bx+0x20]
        fsqrt
rm_last: fistp  dword [bx+si+0x30]
        xor     ax, ax
        mov     ds, ax
        fnstenv [ENV]
        PUTS    "rm:"
        push    ds
        mov     ax, DATA_SEG
        mov     ds, ax
        mov     eax, [0x34]
        mov     ebx, [0x30]
        mov     ecx, [0x44]
        pop     ds
        CASE    " res", 0, eax, ebx, ecx
        PUTS    "rm env fip"
        cmp     word [ENV+6], rm_last
        jne     .bad
        PUTS    " ok"
        jmp     .f
.bad:   PUTS    " BAD "
        PHEX    4, [ENV+6]
.f:     movzx   eax, word [ENV+8]
        movzx   ebx, word [ENV+10]
        CASE    " op, fdp", 0, eax, ebx
        ENTER_PM pm32

section .text32
bits 32

; DUMP - FNSAVE, print cw sw tw and ST0..ST7, FRSTOR (all by helpers)
%macro DUMP 1
        PUTS    %1
        call    dump
%endmacro

dump:
        pushfd
        pushad
        fnsave  [SAVEBUF]
        PUTS    " cw "
        PHEX    4, [SAVEBUF]
        PUTS    " sw "
        PHEX    4, [SAVEBUF+4]
        PUTS    " tw "
        PHEX    4, [SAVEBUF+8]
        NEWLINE
        mov     esi, SAVEBUF+28
        mov     ecx, 8
.r:     PUTS    "  "
        movzx   eax, word [esi+8]
        PHEX    4, eax
        PUTS    ":"
        PHEX    8, [esi+4]
        PHEX    8, [esi]
        add     esi, 10
        dec     ecx
        jnz     .r
        NEWLINE
        frstor  [SAVEBUF]
        popad
        popfd
        ret

pm32:
        PUTSLN  "== pm32"
        mov     dword [ZERO], 0
        ; ---- pc/rc: one block under four control words
        xor     edi, edi
.pcrc:  fninit
        fldcw   [cws+edi*2]
        PUTS    "pc/rc "
        PHEX    4, [cws+edi*2]
        call    arith
        fst     dword [RES+8]
        fstp    qword [RES]
        PUTS    ":"
        PHEX    8, [RES+4]
        PHEX    8, [RES]
        PUTS    " "
        PHEX    8, [RES+8]
        DUMP    ""
        inc     edi
        cmp     edi, 5
        jb      .pcrc

        ; ---- NaNs, FCOMI/FUCOMI, FCMOVcc
        fninit
        fld     qword [qnan64]
        fadd    dword [snan32]          ; IE, QNaN result
        fld     tword [snan80]          ; FLD m80 SNaN: no conversion
        fld1
        fucomi  st0, st2                ; unordered: ZF PF CF = 111
        setp    al
        setz    ah
        mov     [RES], ax
        fcomi   st0, st0                ; 1 vs 1: ZF
        setz    al
        mov     [RES+2], al
        fistp   dword [RES+4]           ; 1
        fist    dword [RES+8]           ; SNaN -> integer indefinite, IE
        mov     eax, 5
        cmp     eax, 7                  ; CF=1 ZF=0
        fldz
        fld1
        fcmovb  st0, st1                ; taken: ST0 = 0
        fcmove  st0, st2                ; not taken
        fstp    dword [RES+12]
        PUTS    "nan"
        PHEX    8, [RES]
        PUTS    " "
        PHEX    8, [RES+4]
        PUTS    " "
        PHEX    8, [RES+8]
        PUTS    " "
        PHEX    8, [RES+12]
        DUMP    ""

        ; ---- denormals
        fninit
        fld     qword [den64]           ; DE
        fmul    qword [tiny64]          ; underflow: UE PE
        fst     qword [RES]
        fld     qword [tiny64]
        fmul    st0, st0
        fstp    dword [RES+8]           ; underflow to single: 0 or denormal
        PUTS    "denormal "
        PHEX    8, [RES+4]
        PHEX    8, [RES]
        PUTS    " "
        PHEX    8, [RES+8]
        DUMP    ""

        ; ---- stack overflow / underflow (masked)
        fninit
        mov     ecx, 9
.ov:    fld1
        fldpi
        fstp    st0
        dec     ecx
        jnz     .ov
        DUMP    "overflow"
        fninit
        fld1
        faddp   st1, st0               ; ST1 empty: underflow
        fadd    st0, st3
        DUMP    "underflow"

        ; ---- pointers after a run
        fninit
        fld     dword [one32]
        mov     esi, RES
ptr_mem: fst    qword [esi+16]
ptr_last: fmul  st0, st0
        fnstenv [ENV]
        PUTS    "ptr fip"
        cmp     dword [ENV+12], ptr_last
        jne     .bf
        PUTS    " ok"
        jmp     .f1
.bf:    PUTS    " BAD "
        PHEX    8, [ENV+12]
.f1:    movzx   eax, word [ENV+18]
        PUTS    " op "
        PHEX    4, eax
        PUTS    " fdp"
        cmp     dword [ENV+20], RES+16
        jne     .bd
        PUTS    " ok"
        jmp     .f2
.bd:    PUTS    " BAD "
        PHEX    8, [ENV+20]
.f2:    NEWLINE
        fldenv  [ENV]

        ; ---- unmasked zero divide: no inline run, #MF at the next one
        SET_IDT 16, mf_handler
        mov     eax, cr0
        or      eax, 0x20               ; CR0.NE
        mov     cr0, eax
        mov     dword [MFCNT], 0
        fninit
        mov     word [CWV], 0x037B
        fldcw   [CWV]
        fld1
        fld1
        fdiv    dword [ZERO]            ; unmasked ZE: ST0 stays 1.0, ES
        fadd    st0, st1                ; #MF before it; then 2.0
        fstp    dword [RES]
        PUTS    "unmasked n"
        PHEX    1, [MFCNT]
        PUTS    " "
        PHEX    8, [RES]
        DUMP    ""
        fninit

        ; ---- timer interrupts during an x87 loop whose handler saves
        ; the x87 (FNSAVE), computes, and restores it (FRSTOR)
        SET_IDT 8, irq0_handler
        PIC_INIT 0xFE, 0xFF
        mov     al, 0x34                ; PIT ch 0, lobyte/hibyte, mode 2
        out     0x43, al
        mov     al, 20                  ; 16.8 us
        out     0x40, al
        mov     al, 0
        out     0x40, al
        mov     dword [TICKS], 0
        fninit
        fld     qword [third64]
        fldz
        mov     ecx, 200000
        sti
.irql:  fmul    qword [grow64]          ; x = x * (1 + 2^-20) + 1/3
        fadd    st0, st1
        dec     ecx
        jnz     .irql
        cli
        mov     al, 0xFF
        out     0x21, al
        fstp    qword [RES]
        fstp    st0
        xor     eax, eax
        cmp     dword [TICKS], 10
        setae   al
        PUTS    "irq ticks>=10 "
        PHEX    1, eax
        PUTS    " "
        PHEX    8, [RES+4]
        PHEX    8, [RES]
        PUTS    " handler "
        PHEX    8, [IRQRES]
        DUMP    ""

        ; ---- #PF on an x87 operand in the middle of a run
        SET_IDT 14, pf_handler
        mov     edi, PD
        mov     ecx, 3 * 1024
        xor     eax, eax
        rep stosd
        mov     dword [PD+0], PT0 | 3
        mov     dword [PD+4], PT1 | 3
        mov     edi, PT0
        mov     eax, 3
        mov     ecx, 1024
.id:    stosd
        add     eax, 0x1000
        loop    .id
        mov     dword [PT1+4], 0x21000 | 3      ; WIN+1000h -> 21000h
        mov     dword [PT1+8], 0x22000          ; WIN+2000h not present yet
        mov     dword [0x22010], 0              ; 3.0 as a double
        mov     dword [0x22014], 0x40080000
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        jmp     .pg
.pg:    mov     dword [PFCNT], 0
        fninit
        mov     ebx, WIN+0x2010
        fld1
pf_second: fadd st0, st0               ; 2.0
        fld     qword [ebx]             ; #PF, then 3.0
        fmulp   st1, st0                ; 6.0
        fst     dword [WIN+0x1000]
        fistp   dword [RES]
        PUTS    " after n"
        PHEX    1, [PFCNT]
        PUTS    " "
        PHEX    8, [RES]
        PUTS    " "
        PHEX    8, [0x21000]
        DUMP    ""
        mov     eax, cr0
        and     eax, 0x7FFFFFFF
        mov     cr0, eax

        EXIT

; 32-bit code: ST0 = a run of arithmetic with memory and register forms
arith:
        fld     qword [third64]
        fmul    dword [three32]
        fld     st0
        fdiv    qword [seven64]
        fsubr   st0, st1
        fsqrt
        fiadd   dword [int32v]
        fimul   word [int16v]
        fild    qword [int64v]
        faddp   st1, st0
        fld     tword [ten80]
        fdivp   st1, st0
        fxch    st1
        fstp    st0
        ret

irq0_handler:
        push    eax
        inc     dword [TICKS]
        fnsave  [IRQSAVE]
        fld1
        fld     dword [three32]
        fdivp   st1, st0
        fstp    dword [IRQRES]          ; 1/3 in single: 3EAAAAAB
        frstor  [IRQSAVE]
        mov     al, 0x20
        out     0x20, al
        pop     eax
        iretd

mf_handler:
        inc     dword [MFCNT]
        push    eax
        fnstsw  ax
        PUTS    "#MF sw "
        PHEX    4, eax
        NEWLINE
        fnclex
        pop     eax
        iretd

pf_handler:
        push    eax
        inc     dword [PFCNT]
        fnstenv [ENV]
        PUTS    "#PF err "
        PHEX    2, [esp+4]
        PUTS    " cr2 "
        mov     eax, cr2
        PHEX    8, eax
        PUTS    " fip"
        cmp     dword [ENV+12], pf_second
        jne     .b
        PUTS    " ok"
        jmp     .c
.b:     PUTS    " BAD "
        PHEX    8, [ENV+12]
.c:     fldenv  [ENV]
        or      dword [PT1+8], 3
        invlpg  [WIN+0x2000]
        pop     eax
        add     esp, 4
        iretd

align 8
; PC 64/nearest, 24/nearest, 53/down, 64/up, 53/toward zero
cws:     dw 0x037F, 0x007F, 0x067F, 0x0B7F, 0x0E7F
third64: dq 0.3333333333333333
seven64: dq 7.0
int64v:  dq 123456789012345
ten80:   dt 10.0
three32: dd 3.0
int32v:  dd -5
int16v:  dw 3
qnan64:  dq __?QNaN?__
snan32:  dd __?SNaN?__
snan80:  dt __?SNaN?__
one32:   dd 1.0
den64:   dq 1.0e-310
tiny64:  dq 1.0e-300
grow64:  dq 1.00000095367431640625   ; 1 + 2^-20
