; micro.asm - one micro-workload for `xlat86 bench` (frontend/bench.c):
; OP (nasm -DOP=name) repeated ITERS times (-DITERS=n) in a counted loop,
; then "micro OP ITERS" on the debug console and exit (port 0xF4, status 1).
; The empty loop (OP=empty) is the baseline every other workload's time
; is reduced by. Real mode unless said otherwise (no descriptor tables,
; nothing for a nested KVM host to emulate but the operation itself):
;   empty   nothing                     io      IN from the UART's scratch port
;   mmio    byte read of the unassigned VGA hole (run with -vga none)
;   int     INT 60h to an IRET          cpuid   CPUID leaf 0
;   movcr3  MOV EAX,CR3; MOV CR3,EAX    arith   8 independent ALU instructions
;   smc     a store into the immediate of a routine in RAM, then a far call
;           to it (the translator must drop and retranslate the block)
;   pf      flat protected mode, paging: a load from a not-present page, the
;           #PF handler makes the PTE present and returns; the loop clears
;           it again with INVLPG (two-level paging, SDM vol. 3, 4.3)
%include "lib.inc"

%ifndef ITERS
%define ITERS 100000
%endif
%defstr OPNAME OP
%defstr ITERS_S ITERS

PD      equ 0x80000
PT0     equ 0x81000
WIN     equ 0x300000                ; the faulting page (PT0 entry 0x300)

main16:
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
%ifidn OP, pf
        ENTER_PM pm32
%else
%ifidn OP, int
        mov     word [0x60 * 4], int_handler
        mov     word [0x60 * 4 + 2], 0xF000
%endif
%ifidn OP, smc
        mov     dword [0x7000], 0xCB00B0    ; mov al, 0 ; retf
%endif
%ifidn OP, mmio
        mov     ax, 0xA000
        mov     es, ax
%endif
        mov     ecx, ITERS
        mov     dx, 0x3FF
.loop:
%ifidn OP, io
        in      al, dx
%elifidn OP, mmio
        mov     al, [es:0]
%elifidn OP, int
        int     0x60
%elifidn OP, cpuid
        push    ecx
        xor     eax, eax
        cpuid
        pop     ecx
%elifidn OP, movcr3
        mov     eax, cr3
        mov     cr3, eax
%elifidn OP, arith
        add     eax, ebx
        xor     esi, edi
        sub     ebp, 3
        or      ebx, 5
        add     edi, eax
        and     esi, 0xFF00FF
        shl     ebp, 1
        inc     ebx
%elifidn OP, smc
        mov     [0x7001], cl
        call    0x0000:0x7000
%elifidn OP, empty
%else
%error unknown OP
%endif
        dec     ecx
        jnz     .loop
        mov     si, msg
        call    print16
        EXIT
%endif

int_handler:
        iret

; print the NUL-terminated string at CS:SI on the debug console
print16:
        mov     al, [cs:si]
        test    al, al
        jz      .done
        out     0xE9, al
        inc     si
        jmp     print16
.done:  ret

msg:    db "micro ", OPNAME, " ", ITERS_S, 10, 0

%ifidn OP, pf
section .text32
bits 32
pm32:
        SET_IDT 14, pf_handler
        mov     edi, PD
        mov     ecx, 1024
        xor     eax, eax
        rep stosd
        mov     dword [PD], PT0 | 3
        mov     edi, PT0
        mov     eax, 3
        mov     ecx, 1024
.id:    stosd
        add     eax, 0x1000
        loop    .id
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        jmp     .pg
.pg:    mov     ecx, ITERS
.loop:  and     dword [PT0 + (WIN >> 12) * 4], ~1
        invlpg  [WIN]
        mov     eax, [WIN]
        dec     ecx
        jnz     .loop
        mov     esi, msg32
.p:     mov     al, [esi]
        test    al, al
        jz      .x
        out     0xE9, al
        inc     esi
        jmp     .p
.x:     EXIT

pf_handler:
        or      dword [PT0 + (WIN >> 12) * 4], 1
        add     esp, 4
        iretd

msg32:  db "micro ", OPNAME, " ", ITERS_S, 10, 0
%endif
