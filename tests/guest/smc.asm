; smc.asm - self-modifying code, real mode (code copied to RAM at 3000:0000)
; and flat 32-bit PM (code copied to linear 0x40000):
;   1. a loop that rewrites the imm8 of an instruction later in the same loop
;      body (same basic block) every iteration;
;   2. a store to the immediately following instruction (SDM vol. 3, 11.6
;      "Self-Modifying Code": the modified code must be observed);
;   3. a loop that rewrites the rel8 of a short JMP in its own body;
;   4. REP MOVSB copying an instruction over NOPs later in the same block;
;   5. a function in another 4 KiB page: called, its imm32 patched from the
;      caller, called again, then overwritten as a whole, called again;
;   6. (real mode) the same patch through a different segment:offset alias.
; The ROM itself is read-only, so all modified code runs from RAM.
; Expected output (expected/smc.txt) is captured from qemu-system-i386 -accel
; tcg by capture-expected.sh.
%include "lib.inc"

SMC_SEG  equ 0x3000             ; real mode: code at linear 0x30000
SMC_LIN  equ 0x40000            ; PM: code at linear 0x40000
FN_OFF   equ 0x1000             ; the second function, one page further
RES      equ VAR_BASE+0x100     ; results (the RAM copies cannot call the ROM printers)

%macro REPORT 0
        CASE    "1 same-block imm", 0, [RES+0]
        CASE    "2 next insn", 0, [RES+4]
        CASE    "3 jmp rel8", 0, [RES+8]
        CASE    "4 rep movsb", 0, [RES+12]
        CASE    "5 other page", 0, [RES+16], [RES+20], [RES+24]
        CASE    "6 alias/patch loop", 0, [RES+28]
%endmacro

main16:
        PUTSLN  "== real mode"
        ; copy blob16 to 3000:0000 and fn16 to 3000:1000
        mov     ax, SMC_SEG
        mov     es, ax
        mov     si, blob16
        xor     di, di
        mov     cx, blob16_end - blob16
        cs rep movsb
        mov     si, fn16
        mov     di, FN_OFF
        mov     cx, fn16_end - fn16
        cs rep movsb
        xor     ax, ax
        mov     es, ax
        call    SMC_SEG:0
        REPORT
        ENTER_PM pm32

; Runs at SMC_SEG:0 (offsets relative to blob16)
%define R(x) ((x) - blob16)
blob16:
        ; 1: imm8 rewritten in the same loop body
        mov     cx, 5
        xor     edx, edx
        xor     eax, eax
.l1:    mov     [cs:R(.i1)+1], cl
.i1:    mov     al, 0
        add     dx, ax
        loop    .l1
        mov     [RES+0], edx
        ; 2: store to the next instruction
        mov     byte [cs:R(.i2)+1], 0x42
.i2:    mov     al, 0x00
        mov     [RES+4], eax
        ; 3: rewrite a jmp short displacement inside the loop
        xor     edx, edx
        mov     cx, 4
.l3:    mov     byte [cs:R(.j3)+1], .t3b - .t3a
        test    cl, 1
        jz      .j3
        mov     byte [cs:R(.j3)+1], 0
.j3:    jmp     short .t3a
.t3a:   add     dx, 1
.t3b:   add     dx, 0x100
        loop    .l3
        mov     [RES+8], edx
        ; 4: rep movsb over NOPs ahead in the same block
        push    ds
        push    es
        mov     ax, cs
        mov     ds, ax
        mov     es, ax
        mov     si, R(.src4)
        mov     di, R(.dst4)
        mov     cx, 6
        xor     eax, eax
        rep movsb
.dst4:  times 6 nop
        pop     es
        pop     ds
        mov     [RES+12], eax
        jmp     .c5
.src4:  mov     eax, 0x44444444
        nop
.c5:    ; 5: function in another page
        call    blob16+FN_OFF           ; runs as a near call to SMC_SEG:FN_OFF
        mov     ebx, eax
        mov     dword [cs:FN_OFF+2], 0x55555555     ; 66 B8 imm32
        call    blob16+FN_OFF
        mov     [RES+20], eax
        push    ds
        push    es
        mov     ax, cs
        mov     es, ax
        mov     ds, ax
        mov     si, R(.new5)
        mov     di, FN_OFF
        mov     cx, .new5_end - .new5
        rep movsb
        pop     es
        pop     ds
        call    blob16+FN_OFF
        mov     [RES+16], ebx
        mov     [RES+24], eax
        ; 6: patch through an alias 2F00:(FN_OFF+0x1000) = same linear address
        push    ds
        mov     ax, SMC_SEG - 0x100
        mov     ds, ax
        mov     dword [FN_OFF+0x1000+2], 0x66666666
        pop     ds
        call    blob16+FN_OFF
        mov     [RES+28], eax
        retf
.new5:  mov     eax, 0x12345678
        not     eax
        ret
.new5_end:
blob16_end:

; the callee placed at SMC_SEG:FN_OFF
fn16:
.imm:   mov     eax, 0x11111111
        ret
fn16_end:

section .text32
bits 32
pm32:
        PUTSLN  "== protected mode"
        mov     esi, blob32
        mov     edi, SMC_LIN
        mov     ecx, blob32_end - blob32
        rep movsb
        mov     esi, fn32
        mov     edi, SMC_LIN + FN_OFF
        mov     ecx, fn32_end - fn32
        rep movsb
        mov     eax, SMC_LIN
        call    eax
        REPORT
        EXIT

%define A(x) ((x) - blob32 + SMC_LIN)
blob32:
        mov     ecx, 5
        xor     edx, edx
        xor     eax, eax
.l1:    mov     [A(.i1)+1], cl
.i1:    mov     al, 0
        add     edx, eax
        loop    .l1
        mov     [RES+0], edx
        mov     dword [A(.i2)+1], 0x42424242
.i2:    mov     eax, 0
        mov     [RES+4], eax
        xor     edx, edx
        mov     ecx, 4
.l3:    mov     byte [A(.j3)+1], .t3b - .t3a
        test    cl, 1
        jz      .j3
        mov     byte [A(.j3)+1], 0
.j3:    jmp     short .t3a
.t3a:   add     edx, 1
.t3b:   add     edx, 0x100
        loop    .l3
        mov     [RES+8], edx
        mov     esi, A(.src4)
        mov     edi, A(.dst4)
        mov     ecx, 6
        xor     eax, eax
        rep movsb
.dst4:  times 6 nop
        mov     [RES+12], eax
        jmp     .c5
.src4:  mov     eax, 0x44444444
        nop
.c5:    mov     eax, SMC_LIN + FN_OFF
        call    eax
        mov     ebx, eax
        mov     dword [SMC_LIN+FN_OFF+1], 0x55555555
        mov     eax, SMC_LIN + FN_OFF
        call    eax
        mov     ecx, eax
        mov     esi, A(.new5)
        mov     edi, SMC_LIN + FN_OFF
        push    ecx
        mov     ecx, .new5_end - .new5
        rep movsb
        pop     ecx
        mov     eax, SMC_LIN + FN_OFF
        call    eax
        mov     [RES+16], ebx
        mov     [RES+20], ecx
        mov     [RES+24], eax
        ; 6: patch a function and call it 1000 times, patching every time
        xor     edx, edx
        mov     ecx, 1000
.l6:    mov     [SMC_LIN+FN_OFF+1], ecx
        mov     eax, SMC_LIN + FN_OFF
        call    eax
        add     edx, eax
        loop    .l6
        mov     [RES+28], edx
        ret
.new5:  mov     eax, 0x12345678
        not     eax
        ret
        ; a mov eax,imm32 first so test 6 can patch it again
.new5_end:
blob32_end:

fn32:   mov     eax, 0x11111111
        ret
fn32_end:
