; pm_task_switch.asm - hardware task switching (SDM vol. 3, chapter 7; vol. 2
; JMP, CALL, INT n, IRET "TASK-RETURN"):
;   CALL to a 32-bit TSS descriptor and back with IRET (NT set in the new
;   task, previous-task link = old TR, both busy bits while nested, the old
;   task's busy bit kept by CALL and cleared by JMP and IRET, CR0.TS set,
;   general registers saved in and restored from the TSS); JMP to a TSS and a
;   JMP back; CALL through a task gate in the GDT; INT n through a task gate
;   in the IDT; a #GP delivered through an IDT task gate with its error code
;   pushed on the new task's stack; a 16-bit TSS (its task runs 16-bit code
;   and returns with a 16-bit IRET); the faults: CALL to a busy TSS (#GP),
;   IRET to an available TSS (#TS), a TSS limit below 67h (#TS), a task gate
;   naming a data segment (#GP), a TSS not present (#NP).
; Expected output (expected/pm_task_switch.txt) is captured from
; qemu-system-i386 -accel tcg by capture-expected.sh.
%include "lib.inc"
%include "sys.inc"

TSS_A   equ 0x3200
TSS_B   equ 0x3300              ; 16-bit
TSS_C   equ 0x3400
TSS_D   equ 0x3500
TSS_S   equ 0x3600              ; limit too small
S_TSSA  equ SEL_FREE+0x00
S_TSSB  equ SEL_FREE+0x08
S_TSSC  equ SEL_FREE+0x10
S_TSSD  equ SEL_FREE+0x18
S_TGA   equ SEL_FREE+0x20       ; task gate -> S_TSSA
S_TSSS  equ SEL_FREE+0x28       ; limit 0x60
S_TGBAD equ SEL_FREE+0x30       ; task gate -> SEL_DATA32
S_TSSNP equ SEL_FREE+0x38       ; TSS not present

%macro PR 2
        PUTS    %1
        PHEX    8, %2
%endmacro
%macro PR2 2
        PUTS    %1
        PHEX    2, %2
%endmacro

; BUSY - print the access bytes of TSS0, A, B
%macro BUSY 0
        PR2     " busy0=", [GDT_RAM+SEL_TSS0+5]
        PR2     " A=", [GDT_RAM+S_TSSA+5]
        PR2     " B=", [GDT_RAM+S_TSSB+5]
%endmacro

; NTF - print EFLAGS.NT (0 or 1)
%macro NTF 0
        pushfd
        pop     eax
        shr     eax, 14
        and     eax, 1
        PR2     " nt=", eax
%endmacro

main16:
        ENTER_PM pm32

section .text32
bits 32
; init_tss32: edi = TSS, eax = EIP, ebx = ESP; flat ring-0 task, EFLAGS = 2
init_tss32:
        push    eax
        push    ecx
        push    edi
        push    eax
        xor     eax, eax
        mov     ecx, 0x68/4
        rep stosd
        pop     eax
        pop     edi
        mov     [edi+0x20], eax
        mov     dword [edi+0x24], 2
        mov     [edi+0x38], ebx
        mov     dword [edi+0x48], SEL_DATA32
        mov     dword [edi+0x4C], SEL_CODE32
        mov     dword [edi+0x50], SEL_DATA32
        mov     dword [edi+0x54], SEL_DATA32
        mov     word [edi+0x66], 0x68
        pop     ecx
        pop     eax
        ret

pm32:
        call    sys_init
        DESC    S_TSSA, TSS_A, 0x67, ACC_TSS32, 0
        DESC    S_TSSB, TSS_B, 0x2B, ACC_TSS16, 0
        DESC    S_TSSC, TSS_C, 0x67, ACC_TSS32, 0
        DESC    S_TSSD, TSS_D, 0x67, ACC_TSS32, 0
        GATE    S_TGA, S_TSSA, 0, ACC_TGATE, 0
        DESC    S_TSSS, TSS_S, 0x60, ACC_TSS32, 0
        GATE    S_TGBAD, SEL_DATA32, 0, ACC_TGATE, 0
        DESC    S_TSSNP, TSS_S, 0x67, ACC_TSS32 & 0x7F, 0
        IGATE   0x40, S_TSSC, 0, ACC_TGATE

        PUTSLN  "== call tss"
        mov     edi, TSS_A
        mov     eax, task_a
        mov     ebx, 0x60000
        call    init_tss32
        mov     esi, 0x11111111
        mov     ebx, 0x22222222
        clts
        call    S_TSSA:0
        PUTS    "main:"
        NTF
        str     ax
        PR      " tr=", eax
        PR      " esi=", esi
        PR      " ebx=", ebx
        BUSY
        NEWLINE
        PUTS    "saved A:"
        sub     dword [TSS_A+0x20], task_a_ret
        PR      " eip-task_a_ret=", [TSS_A+0x20]
        PR      " efl=", [TSS_A+0x24]
        PR      " esi=", [TSS_A+0x40]
        PR      " link=", [TSS_A]
        NEWLINE

        PUTSLN  "== jmp tss"
        mov     edi, TSS_A
        mov     eax, task_a_jmp
        mov     ebx, 0x60000
        call    init_tss32
        jmp     S_TSSA:0
main_after_jmp:
        PUTS    "main:"
        NTF
        str     ax
        PR      " tr=", eax
        BUSY
        NEWLINE

        PUTSLN  "== call task gate"
        mov     edi, TSS_A
        mov     eax, task_a
        mov     ebx, 0x60000
        call    init_tss32
        call    S_TGA:0xDEAD
        PUTS    "main:"
        NTF
        BUSY
        NEWLINE

        PUTSLN  "== int task gate"
        mov     edi, TSS_C
        mov     eax, task_c
        mov     ebx, 0x5F000
        call    init_tss32
        int     0x40
        PUTS    "main:"
        NTF
        PR2     " C=", [GDT_RAM+S_TSSC+5]
        NEWLINE
        ; a second INT: task C continues after its IRET
        int     0x40
        PUTSLN  "main again"

        PUTSLN  "== exception task gate"
        mov     edi, TSS_D
        mov     eax, task_d
        mov     ebx, 0x5E000
        call    init_tss32
        IGATE   13, S_TSSD, 0, ACC_TGATE
        mov     ax, 0x800
gp_insn:
        mov     ds, ax
gp_after:
        PUTSLN  "main resumed"
        mov     eax, catch_stubs + 13*catch_stub_size
        IGATE   13, SEL_CODE32, eax, ACC_IGATE32

        PUTSLN  "== 16-bit tss"
        mov     edi, TSS_B
        xor     eax, eax
        mov     ecx, 0x2C/4
        rep stosd
        mov     word [TSS_B+0x0E], task_b16             ; IP (offset in the F0000 segment)
        mov     word [TSS_B+0x10], 2                    ; FLAGS
        mov     word [TSS_B+0x1A], 0x6000               ; SP
        mov     word [TSS_B+0x22], SEL_DATA16           ; ES
        mov     word [TSS_B+0x24], SEL_CODE16           ; CS
        mov     word [TSS_B+0x26], SEL_DATA16           ; SS
        mov     word [TSS_B+0x28], SEL_DATA16           ; DS
        mov     word [TSS_B+0x12], 0xAAAA               ; AX
        mov     edx, 0x33334444
        call    S_TSSB:0
        PUTS    "main:"
        NTF
        PR      " edx=", edx
        BUSY
        PUTS    " B ip-ret="
        sub     word [TSS_B+0x0E], task_b16_ret
        PHEX    4, [TSS_B+0x0E]
        PR      " B ax=", [TSS_B+0x12]
        PR      " link=", [TSS_B]
        NEWLINE

        PUTSLN  "== faults"
        TRY     "call busy tss:", {call SEL_TSS0:0}
        TRY     "iret to available:", {mov word [TSS0], S_TSSA}, {pushfd}, {or dword [esp], 0x4000}, {popfd}, {iretd}
        TRY     "tss limit 60h:", {call S_TSSS:0}
        TRY     "gate to data:", {call S_TGBAD:0}
        TRY     "tss not present:", {jmp S_TSSNP:0}
        TRY     "jmp ldt-bit tss:", {jmp (S_TSSA|4):0}
        PUTS    "after faults:"
        NTF
        BUSY
        NEWLINE
        EXIT

; ---- task A (32-bit), entered by CALL: report, change registers, IRET
task_a:
        PUTS    "task A:"
        NTF
        str     ax
        PR      " tr=", eax
        PR      " link=", [TSS_A]
        mov     eax, cr0
        and     eax, 8
        PR      " ts=", eax
        BUSY
        NEWLINE
        mov     esi, 0xA5A5A5A5
        mov     ebx, 0x5A5A5A5A
        iretd
task_a_ret:
        PUTSLN  "task A resumed (unexpected)"
        iretd

; ---- task A entered by JMP: report and JMP back to the main task
task_a_jmp:
        PUTS    "task A (jmp):"
        NTF
        PR      " link=", [TSS_A]
        BUSY
        NEWLINE
        jmp     SEL_TSS0:0

; ---- task C: INT 40h through an IDT task gate; loops to serve the next one
task_c:
        PUTS    "task C:"
        NTF
        PR      " link=", [TSS_C]
        PR2     " C=", [GDT_RAM+S_TSSC+5]
        NEWLINE
        iretd
        PUTSLN  "task C: second entry"
        iretd

; ---- task D: #GP through an IDT task gate, error code on its stack
task_d:
        pop     eax
        PR      "task D: error=", eax
        PR      " esp=", esp
        PR      " link=", [TSS_D]
        mov     eax, [TSS0+0x20]
        sub     eax, gp_insn
        PR      " main eip-gp_insn=", eax
        NEWLINE
        mov     dword [TSS0+0x20], gp_after     ; skip the faulting instruction
        iretd

section .text16
bits 16
; ---- task B (16-bit TSS, 16-bit code in the F0000 segment)
task_b16:
        PUTS    "task B:"
        pushf
        pop     ax
        shr     ax, 14
        and     ax, 1
        PUTS    " nt="
        PHEX    2, eax
        str     ax
        PUTS    " tr="
        PHEX    4, eax
        PUTS    " link="
        PHEX    4, [TSS_B]
        PUTS    " sp="
        PHEX    4, esp
        PUTSLN  ""
        mov     ax, 0x5555
        iret
task_b16_ret:
        iret
