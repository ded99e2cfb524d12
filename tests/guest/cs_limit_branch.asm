; cs_limit_branch.asm - near branches to an EIP past the CS limit (SDM vol. 2,
; JMP/Jcc/CALL/RET "Operation": IF tempEIP is not within the code segment
; limit THEN #GP(0)). A far CALL runs code in CS = a 32-bit segment with
; base 0 and limit FFFFF (byte granular: the ROM is inside, 100000 and up is
; past it); each function branches past the limit, so it faults at the
; branch, or (control) inside it and returns with RETF. Each is run three
; times, so the block is hot and translated with inline code: the
; translator's inline exits did not check the limit (found by the oracle
; group pm.gate, tests/oracle resolved.md S9; the same kind of fault for
; o32 branches in 16-bit code is in the c16 cases there).
; Expected output (expected/cs_limit_branch.txt): written by hand from the
; SDM and checked against Bochs 2.7 (tests/oracle/executors.py run_bochs on
; this ROM prints the same lines). QEMU's TCG does not check the CS limit on
; near branches and runs off past the limit (no capture possible).
%include "lib.inc"
%include "sys.inc"

S_LIM   equ SEL_FREE+0x00       ; code, base 0, limit FFFFF, 32-bit

main16:
        ENTER_PM pm32

section .text32
bits 32
pm32:
        call    sys_init
        DESC    S_LIM, 0, 0xFFFFF, 0x9A, 0x4

        PUTSLN  "== near branches past the CS limit"
        mov     dword [VAR_BASE+0x40], 0
.again: TRY     "jmp rel32:", {call S_LIM:jmp_beyond}
        TRY     "call rel32:", {call S_LIM:call_beyond}
        TRY     "jz rel32:", {call S_LIM:jz_beyond}
        TRY     "ret:", {call S_LIM:ret_beyond}
        TRY     "jmp inside:", {call S_LIM:jmp_inside}
        inc     dword [VAR_BASE+0x40]
        cmp     dword [VAR_BASE+0x40], 3
        jb      .again
        EXIT

jmp_beyond:
        db      0xE9
        dd      0x100010 - ($ + 4)
        retf
call_beyond:
        db      0xE8
        dd      0x100010 - ($ + 4)
        retf
jz_beyond:
        xor     eax, eax
        db      0x0F, 0x84
        dd      0x100010 - ($ + 4)
        retf
ret_beyond:
        push    dword 0x100000
        ret
jmp_inside:
        jmp     .in
        nop
.in:    retf
