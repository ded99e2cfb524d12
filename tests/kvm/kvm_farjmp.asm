; kvm_farjmp.asm - a loop whose far jump loads CS through the GDT held in
; ROM: the processor's write of the descriptor's accessed bit goes to ROM
; (dropped), so every iteration repeats it. kvm-step-test.py single-steps
; it with the monitor under both engines. The loop is at F000:1000:
;   1000  jmp 0018:1005   (16-bit code segment, base F0000)
;   1005  inc ebx         (66 43)
;   1007  jmp 1000        (EB F7)
%include "lib.inc"

main16:
        o32 lgdt [cs:gdtr16]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     loop
        times   0x1000 - ($ - $$) db 0x90
loop:   jmp     SEL_CODE16:.pm
.pm:    inc     ebx
        jmp     loop
