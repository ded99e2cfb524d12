; frame_window.asm - memory operands [reg + disp] of a register a block does
; not change (issue 15, translator/cg_frame.c): the translator checks the
; TLB once at the block entry for all of them and serves each from a host
; pointer; when that check fails (page not in the TLB, operands straddling a
; page, a read-only or absent page) every operand takes the ordinary path.
; Expected output (expected/frame_window.txt) captured from qemu-system-i386
; -accel tcg by capture-expected.sh. In flat 32-bit protected mode:
;  - without paging: a self-loop over stack slots [ebp-n] with flags live
;    across the accesses (ADC/SBB/SETcc after them), the slots straddling a
;    page (the entry check fails: ordinary path), reads of the ROM page;
;  - a base register written inside the block (the operands after it use
;    the new value), a self-loop that advances its base (no window),
;    a helper (DAA) between operands of one register;
;  - with paging: a frame in a remapped page, then the PTE changed and
;    INVLPG / a CR3 load (the next entry must see the new page), a read-only
;    page read through a window and written with CR0.WP=1 (#PF: error code,
;    CR2, the pushed EIP and status flags of the instruction before), a
;    read from a not-present page the same way.
%include "lib.inc"

PD       equ 0x80000          ; page directory
PT0      equ 0x81000          ; identity map of 0-4 MiB
PT1      equ 0x82000          ; 4-8 MiB: test mappings
RESUME   equ VAR_BASE+0x30
PFEIP    equ VAR_BASE+0x34
PFFL     equ VAR_BASE+0x38
WIN      equ 0x400000         ; linear window mapped by PT1
FRAME    equ 0x30800          ; a frame inside one page
STRADDLE equ 0x31ff8          ; [ebp-16] .. [ebp+15] cross 0x32000

main16:
        ENTER_PM pm32

section .text32
bits 32

; sum_frame: ebp = frame; fills 8 slots, then 200 rounds of a self-loop
; that reads and writes them with the carry live across the loads.
; Returns eax, edx, and the flags of the last round in ebx.
sum_frame:
        mov     dword [ebp-16], 0x9e3779b9
        mov     dword [ebp-12], 0x7f4a7c15
        mov     dword [ebp-8], 0x85ebca6b
        mov     dword [ebp-4], 0xc2b2ae35
        mov     dword [ebp], 0x27d4eb2f
        mov     dword [ebp+4], 0x165667b1
        mov     dword [ebp+8], 0xd3a2646c
        mov     dword [ebp+12], 0xfd7046c5
        mov     ecx, 200
        xor     eax, eax
        xor     edx, edx
.l:     add     eax, [ebp-16]
        mov     esi, [ebp-12]
        adc     edx, esi
        mov     edi, [ebp+8]
        sbb     eax, edi
        setc    bl
        add     [ebp-8], eax
        mov     esi, [ebp+12]
        rol     esi, 5
        mov     [ebp-16], esi
        xor     [ebp+4], edx
        mov     esi, [ebp-4]
        adc     esi, [ebp]
        mov     [ebp+12], esi
        movzx   esi, bl
        add     edx, esi
        cmp     eax, [ebp+4]
        mov     esi, [ebp-8]
        adc     eax, esi
        dec     ecx
        jnz     .l
        pushfd
        pop     ebx
        and     ebx, F_ARITH
        add     eax, [ebp-8]
        add     edx, [ebp+12]
        ret

; base_moves: operands before and after the base register changes
base_moves:
        mov     esi, FRAME
        mov     dword [esi], 0x11111111
        mov     dword [esi+4], 0x22222222
        mov     dword [esi+8], 0x33333333
        mov     dword [esi+12], 0x44444444
        mov     ecx, 3
.l:     mov     eax, [esi]
        add     eax, [esi+4]
        add     esi, 4
        add     eax, [esi+4]
        mov     [esi+8], eax
        sub     esi, 4
        dec     ecx
        jnz     .l
        mov     edx, [esi+12]
        ; a self-loop that advances its base every round
        mov     esi, FRAME
        mov     ecx, 6
        xor     ebx, ebx
.m:     add     ebx, [esi]
        xor     ebx, [esi+4]
        add     esi, 2
        dec     ecx
        jnz     .m
        ret

; with_helper: DAA (a C helper) between operands of one base register
with_helper:
        mov     ebp, FRAME
        mov     dword [ebp+0x20], 0x19
        mov     dword [ebp+0x24], 0x28
        mov     ecx, 5
        xor     edx, edx
.l:     mov     eax, [ebp+0x20]
        add     al, [ebp+0x24]
        daa
        mov     [ebp+0x20], eax
        add     edx, [ebp+0x24]
        add     edx, eax
        dec     ecx
        jnz     .l
        ret

; rom_sum: reads of the ROM's own bytes through a window
rom_sum:
        mov     ebp, sum_frame
        mov     ecx, 4
        xor     eax, eax
.l:     add     eax, [ebp]
        add     eax, [ebp+8]
        xor     eax, [ebp+16]
        add     eax, [ebp+40]
        dec     ecx
        jnz     .l
        ret

; skip_body: a Jcc inside the block jumps forward over the operand where
; a window of ebp would be set up (the first of five), to operands it
; would serve: the taken path must not use a window it never set up.
; eax = 0: skip; edx += the operands read.
skip_body:
        test    eax, eax
        jz      .skip
        add     edx, [ebp+0x40]
        add     edx, [ebp+0x44]
.skip:  add     edx, [ebp+0x48]
        add     edx, [ebp+0x4c]
        add     edx, [ebp+0x40]
        ret

skip_first:
        mov     ebp, FRAME
        mov     dword [ebp+0x40], 5
        mov     dword [ebp+0x44], 7
        mov     dword [ebp+0x48], 11
        mov     dword [ebp+0x4c], 13
        xor     edx, edx
        mov     eax, 1
        call    skip_body
        mov     ebx, edx
        mov     ebp, sum_frame           ; another window in r8..r11 meanwhile
        call    rom_sum
        mov     ebp, FRAME
        xor     edx, edx
        xor     eax, eax
        call    skip_body
        mov     eax, ebx
        ret

; fwd_loop: a self-loop (its window of ebp set up at the entry) with a
; forward Jcc inside it, taken on odd rounds, over operands the window
; serves; the carry is live across the operands on both paths.
fwd_loop:
        mov     ebp, FRAME
        mov     dword [ebp+0x50], 0x12345678
        mov     dword [ebp+0x54], 0x9abcdef0
        mov     dword [ebp+0x58], 0x0fedcba9
        mov     ecx, 9
        xor     eax, eax
        xor     edx, edx
        xor     esi, esi
.l:     add     eax, [ebp+0x50]
        mov     ebx, [ebp+0x54]
        adc     esi, 0
        test    cl, 1
        jnz     .odd
        add     ebx, eax
        adc     edx, ebx
        add     [ebp+0x58], eax
        rol     ebx, 3
        mov     [ebp+0x54], ebx
.odd:   sbb     edx, [ebp+0x58]
        add     edx, [ebp+0x50]
        dec     ecx
        jnz     .l
        pushfd
        pop     ebx
        and     ebx, F_ARITH
        add     esi, [ebp+0x54]
        ret

; fwd_after: a forward Jcc after the operand where the window of ebp is
; set up, to operands it serves (eax = 0: taken).
fwd_after:
        add     edx, [ebp+0x50]
        test    eax, eax
        jz      .s
        add     edx, [ebp+0x54]
        mov     [ebp+0x58], edx
.s:     add     edx, [ebp+0x58]
        xor     edx, [ebp+0x50]
        ret

; read3: three reads through ebp (one block), used on remapped pages
read3:
        mov     eax, [ebp]
        add     eax, [ebp+4]
        add     eax, [ebp+8]
        ret

pm32:
        PUTSLN  "== frame windows"
        mov     ebp, FRAME
        call    sum_frame
        CASE    "frame: eax edx flags", 0, eax, edx, ebx
        mov     ebp, STRADDLE
        call    sum_frame
        CASE    "straddling: eax edx flags", 0, eax, edx, ebx
        mov     ebp, FRAME
        call    sum_frame
        CASE    "frame again: eax edx flags", 0, eax, edx, ebx
        call    base_moves
        CASE    "base moves: eax edx ebx", 0, eax, edx, ebx
        call    with_helper
        CASE    "helper between: eax edx", 0, eax, edx
        call    rom_sum
        CASE    "rom: eax", 0, eax
        call    skip_first
        CASE    "forward skip over the first operand: taken, not", 0, edx, eax
        call    fwd_loop
        CASE    "forward Jcc in a self-loop: eax edx esi flags", 0, eax, edx, esi, ebx
        mov     ebp, FRAME
        mov     edx, 0x55
        mov     eax, 1
        call    fwd_after
        mov     ebx, edx
        xor     eax, eax
        call    fwd_after
        CASE    "forward Jcc after the window check: not taken, taken", 0, ebx, edx

        PUTSLN  "== with paging"
        SET_IDT 14, pf_handler
        mov     edi, PD
        mov     ecx, 1024
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
        mov     edi, PT1
        mov     ecx, 1024
        xor     eax, eax
        rep stosd
        mov     dword [PT1+0*4], 0x20000 | 3     ; WIN+0     -> 0x20000 rw
        mov     dword [PT1+3*4], 0x23000 | 1     ; WIN+3000h -> 0x23000 read-only
        mov     edi, 0x20000
        mov     eax, 0x01020304
        mov     ecx, 0x1000
.f0:    stosd
        add     eax, 0x01010101
        loop    .f0
        mov     edi, 0x23000
        mov     eax, 0x0a0b0c0d
        mov     ecx, 0x400
.f3:    stosd
        ror     eax, 3
        loop    .f3
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80010000                   ; PG, WP
        mov     cr0, eax
        jmp     .pg
.pg:    mov     ebp, WIN+0x800
        call    sum_frame
        CASE    "remapped frame: eax edx flags", 0, eax, edx, ebx
        mov     ebp, WIN+0x100
        call    read3
        mov     ebx, eax
        mov     dword [PT1+0*4], 0x21000 | 3     ; now -> 0x21000 (zeros)
        mov     dword [0x21100], 5
        invlpg  [WIN]
        call    read3
        mov     ecx, eax
        mov     dword [PT1+0*4], 0x20000 | 3
        mov     eax, cr3
        mov     cr3, eax
        call    read3
        CASE    "read3 before, after invlpg, after cr3 load", 0, ebx, ecx, eax
        ; read-only page: reads through a window, then a write (#PF)
        mov     ebp, WIN+0x3100
        mov     ecx, 3
        xor     eax, eax
.ro:    add     eax, [ebp]
        xor     eax, [ebp+12]
        dec     ecx
        jnz     .ro
        CASE    "read-only page: eax", 0, eax
        mov     dword [RESUME], .r1
        mov     edx, 0x7fffffff
        mov     eax, [ebp+4]
        add     edx, 1                           ; OF SF AF PF
        mov     [ebp+8], eax                     ; #PF (WP=1)
        mov     [ebp+12], eax
.r1:    mov     eax, [PFEIP]
        sub     eax, .r1
        CASE    "  pushed eip - .r1, flags", 0, eax, [PFFL]
        ; not present
        mov     dword [RESUME], .r2
        mov     ebp, WIN+0x2000
        mov     edx, 0
        sub     edx, 1                           ; CF SF AF PF
        mov     eax, [ebp+4]                     ; #PF (not present)
        add     eax, [ebp+8]
.r2:    mov     eax, [PFEIP]
        sub     eax, .r2
        CASE    "  pushed eip - .r2, flags", 0, eax, [PFFL]
        EXIT

pf_handler:
        push    eax
        PUTS    " #PF err "
        PHEX    2, [esp+4]
        PUTS    " cr2 "
        mov     eax, cr2
        PHEX    8, eax
        NEWLINE
        mov     eax, [esp+8]
        mov     [PFEIP], eax
        mov     eax, [esp+16]
        and     eax, F_ARITH
        mov     [PFFL], eax
        mov     eax, [RESUME]
        mov     [esp+8], eax
        pop     eax
        add     esp, 4
        iretd
