; paging_user.asm - user/supervisor page protection for the implicit stack
; accesses of far transfers (SDM vol. 3, 4.6: an access is a user-mode
; access when CPL = 3, except the implicit supervisor-mode accesses to
; system structures; 6.12.1: an interrupt that raises the privilege level
; pushes onto the inner stack, at the new CPL):
;   at CPL 3, a far CALL whose stack is on a supervisor page: #PF with error
;   code 7 (present, write, user) for the CS push, CR2 = ESP - 4;
;   the same far CALL with the stack on a user page: runs;
;   the same through a DPL-3 call gate to ring-3 code (no privilege change):
;   #PF 7, CR2 = ESP - 4;
;   at CPL 3, INT 31h (DPL-3 gate to ring 0) with the ring-3 stack on a
;   supervisor page: no fault (the frame goes onto the ring-0 stack, a
;   supervisor page), the handler sees CPL 0;
;   a near CALL at CPL 3 with the stack on the supervisor page: #PF 7.
; Expected output (expected/paging_user.txt) is what Bochs 2.7 prints
; (tests/oracle/executors.py run_bochs) and agrees with the sections above;
; qemu-system-i386 7.2 prints the same except CR2 = ESP - 12 (000600F4)
; for the far CALL, not the address of the faulting CS push (4.7: CR2 holds
; the linear address that caused the fault). Do not regenerate with
; capture-expected.sh.
%include "lib.inc"
%include "sys.inc"

PD      equ 0x80000
PT0     equ 0x81000
SPAGE   equ 0x60000             ; supervisor-only page (PTE U/S = 0)
UPAGE   equ 0x61000             ; user page
S_G3    equ SEL_FREE            ; call gate, DPL 3 -> ring-3 code

main16:
        ENTER_PM pm32

section .text32
bits 32
pm32:
        call    sys_init
        IGATE   0x30, SEL_CODE32, back0, ACC_IGATE32 | 0x60
        IGATE   0x31, SEL_CODE32, int31_handler, ACC_IGATE32 | 0x60
        GATE    S_G3, SEL_CODE3, r3_far_target, ACC_CGATE32 | 0x60, 0
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
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        jmp     .pg
.pg:    PUTSLN  "== user-mode stack accesses"
        TRY     "far call, stack on supervisor page:", {RING3 r3_far_s, 0x0002}
        mov     eax, cr2
        PUTS    " cr2="
        PHEX    8, eax
        NEWLINE
        TRY     "far call, stack on user page:", {RING3 r3_far_u, 0x0002}
        TRY     "call gate (same level), stack on supervisor page:", {RING3 r3_gate_s, 0x0002}
        mov     eax, cr2
        PUTS    " cr2="
        PHEX    8, eax
        NEWLINE
        TRY     "int 31h, ring-3 stack on supervisor page:", {RING3 r3_int_s, 0x0002}
        TRY     "near call, stack on supervisor page:", {RING3 r3_near_s, 0x0002}
        mov     eax, cr0
        and     eax, 0x7FFFFFFF
        mov     cr0, eax
        EXIT

r3_far_s:
        mov     esp, SPAGE + 0x100
        call    SEL_CODE3:r3_far_target
        int     0x30
r3_far_u:
        mov     esp, UPAGE + 0x100
        call    SEL_CODE3:r3_far_target
        int     0x30
r3_gate_s:
        mov     esp, SPAGE + 0x100
        call    S_G3:0
        int     0x30
r3_far_target:
        PUTS    " far call ran"
        retf
r3_int_s:
        mov     esp, SPAGE + 0x100
        int     0x31
        int     0x30
r3_near_s:
        mov     esp, SPAGE + 0x100
        call    r3_near_target
        int     0x30
r3_near_target:
        ret

int31_handler:
        mov     eax, cs
        and     eax, 3
        PUTS    " in ring-0 handler, cpl="
        PHEX    1, eax
        iretd

back0:
        RESTORE_SEGS
        jmp     [RESUME]
