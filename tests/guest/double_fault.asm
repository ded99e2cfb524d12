; double_fault.asm - double and triple faults (SDM vol. 3, 6.15 "Interrupt 8
; - Double Fault Exception (#DF)", table 6-5; 6.12.2 task gates; 9.1.1 reset):
;   #DE whose IDT gate is not present: the #NP raised while delivering it
;   (contributory after contributory) becomes #DF with error code 0;
;   INT 41h through a bad gate (#GP), whose own gate is not present (#NP):
;   #DF; a stack overflow (#SS while pushing, #SS again while delivering it)
;   -> #DF through a task gate to a task with its own stack (error code 0 on
;   that stack, previous-task link = the faulting task), which repairs the
;   faulting task's saved state and IRETs back to it; finally an IDT with a
;   limit of 0 and INT3: #GP, #GP while delivering it -> #DF, #DF cannot be
;   delivered either -> triple fault = shutdown, which the board turns into a
;   reset: the ROM starts again, finds the marker it left in RAM (RAM
;   survives a reset) and ends the test.  With -no-reboot xlat86 stops at the
;   triple fault instead (run-triple-fault.sh checks that).
; Expected output (expected/double_fault.txt) is hand-derived from the SDM
; sections above (QEMU cannot capture it: capture-expected.sh runs QEMU with
; -no-reboot, which exits at the triple fault); the same lines up to
; "triple fault next" come from QEMU without -no-reboot as well.
%include "lib.inc"
%include "sys.inc"

MAGIC   equ VAR_BASE+0xF8
TSS_DF  equ 0x3200
S_TSSDF equ SEL_FREE+0x00
S_SMALL equ SEL_FREE+0x08       ; data, base 0x80000, limit 0xFFF

main16:
        cmp     dword [MAGIC], 'TRPL'
        jne     .first
        mov     dword [MAGIC], 0
        PUTSLN  "== after reset"
        PUTS    "cr0="
        mov     eax, cr0
        PHEX    8, eax
        PUTS    " cs:ip=F000:"
        call    .here
.here:  pop     ax
        cmp     ax, .here
        jne     .bad
        PUTSLN  "ok"
        EXIT
.bad:   PUTSLN  "BAD"
        EXIT
.first:
        ENTER_PM pm32

section .text32
bits 32
pm32:
        call    sys_init
        DESC    S_TSSDF, TSS_DF, 0x67, ACC_TSS32, 0
        DESC    S_SMALL, 0x80000, 0xFFF, ACC_DATA0, 0x4
        mov     byte [IDT_BASE+0x41*8+5], 0x80          ; present, type 0: not a gate

        PUTSLN  "== double fault"
        and     byte [IDT_BASE+0*8+5], 0x7F             ; #DE gate not present
        TRY     "de, idt[0] not present:", {xor ebx, ebx}, {div ebx}
        or      byte [IDT_BASE+0*8+5], 0x80
        and     byte [IDT_BASE+13*8+5], 0x7F            ; #GP gate not present
        TRY     "int 41 bad gate, idt[13] not present:", {int 0x41}
        or      byte [IDT_BASE+13*8+5], 0x80

        ; #DF through a task gate
        mov     edi, TSS_DF
        xor     eax, eax
        mov     ecx, 0x68/4
        rep stosd
        mov     dword [TSS_DF+0x20], df_task
        mov     dword [TSS_DF+0x24], 2
        mov     dword [TSS_DF+0x38], 0x5D000
        mov     dword [TSS_DF+0x48], SEL_DATA32
        mov     dword [TSS_DF+0x4C], SEL_CODE32
        mov     dword [TSS_DF+0x50], SEL_DATA32
        mov     dword [TSS_DF+0x54], SEL_DATA32
        IGATE   8, S_TSSDF, 0, ACC_TGATE
        TRY     "stack overflow:", {mov ax, S_SMALL}, {mov ss, ax}, {mov esp, 8}, {push eax}, {push eax}, {push eax}
        PUTS    "back in main: tr="
        str     ax
        PHEX    4, eax
        PUTS    " df tss="
        PHEX    2, [GDT_RAM+S_TSSDF+5]
        NEWLINE

        PUTSLN  "triple fault next"
        mov     dword [MAGIC], 'TRPL'
        lidt    [idt_empty]
        int3
        PUTSLN  "not reached"
        EXIT

idt_empty:
        dw      0
        dd      IDT_BASE

; The #DF task: error code on its stack; the faulting task (TSS0) gets a
; good stack and resumes at the end of the TRY.
df_task:
        pop     eax
        PUTS    " df task: err="
        PHEX    8, eax
        PUTS    " link="
        PHEX    4, [TSS_DF]
        PUTS    " saved ss:esp="
        PHEX    4, [TSS0+0x50]
        PUTS    ":"
        PHEX    8, [TSS0+0x38]
        mov     dword [TSS0+0x50], SEL_DATA32
        mov     eax, [SAVED_ESP]
        mov     [TSS0+0x38], eax
        mov     eax, [RESUME]
        mov     [TSS0+0x20], eax
        iretd
