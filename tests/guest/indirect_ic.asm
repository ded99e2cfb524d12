; indirect_ic.asm - indirect control transfers under the translator's
; per-site inline cache (issue 15, translator/cg_ic.c): every JMP r/m,
; CALL r/m and RET compares its target with the (up to four) targets it
; cached and jumps straight there. The cached targets must follow the code
; and the mappings they were taken from:
;   - a bytecode interpreter (jmp [table + 4*ecx], a copy of the dispatch
;     behind every handler, five handlers: sites with more successors than
;     entries), then with one handler's code rewritten (self-modifying
;     code behind a filled entry) and again with another rewritten back;
;   - CALL [table + 4*k] to four functions and RET to four call sites,
;     then one function rewritten, then all four;
;   - under paging, code at a window page calling and jumping through
;     pointers to code on its own page (the case the cache keeps under
;     paging), the window remapped to other code (CR3 reload; INVLPG) and
;     back, and from code on another page through a pointer into the window.
; Code runs in RAM (copied from the ROM). Expected output
; (expected/indirect_ic.txt) is captured from qemu-system-i386 -accel tcg
; by capture-expected.sh.
%include "lib.inc"

BLOB    equ 0x30000           ; interpreter and functions (RAM copy)
WINX    equ 0x40000           ; window code, variant X (physical)
WINY    equ 0x41000           ; window code, variant Y (physical)
WIN     equ 0x400000          ; the window (linear)
PD      equ 0x80000
PT0     equ 0x81000           ; identity map of 0-4 MiB
PT1     equ 0x82000           ; 4-8 MiB: the window
PROG    equ 0x32000           ; bytecode
FNPTR   equ VAR_BASE+0x10

; ---- the interpreter and the functions, run at BLOB ----
section .blob start=0x4000 vstart=BLOB
bits 32
; interp: run the bytecode at PROG, eax = accumulator
interp:
        mov     esi, PROG
        xor     eax, eax
.next:  movzx   ecx, byte [esi]
        inc     esi
        jmp     [optab + ecx*4]
op_inc: add     eax, 1
        jmp     interp.next
op_dbl: add     eax, eax
        jmp     interp.next
op_xor: xor     eax, 0x5A5A
        jmp     interp.next
op_rol: rol     eax, 3
        jmp     interp.next
op_sub: sub     eax, 7
        jmp     interp.next
op_end: ret
        align   4
optab:  dd      op_inc, op_dbl, op_xor, op_rol, op_sub, op_end

; calls: call the four functions through the table, each from its own
; call site, four times; ebx = sum of (result * site number)
calls:
        xor     ebx, ebx
        mov     edi, 4
.l:     call    [fntab]
        add     ebx, eax
        call    [fntab + 4]
        lea     ebx, [ebx + eax*2]
        call    [fntab + 8]
        lea     ebx, [ebx + eax*4]
        call    [fntab + 12]
        lea     ebx, [ebx + eax*8]
        mov     ecx, 3
.r:     call    [fntab + ecx*4]         ; one site, four targets
        add     ebx, eax
        dec     ecx
        jns     .r
        dec     edi
        jnz     .l
        ret
fn0:    mov     eax, 0x11
        ret
fn1:    mov     eax, 0x202
        ret
fn2:    mov     eax, 0x3003
        ret
fn3:    mov     eax, 0x40004
        ret
        align   4
fntab:  dd      fn0, fn1, fn2, fn3
blob_end:

; ---- window code: two variants of the same layout at WIN ----
; wentry: three CALL [m] to functions on the window page, a JMP [m] to
; its tail there, and a RET to the caller; eax = sum, edx = last value
%macro WINCODE 1
wentry%1:
        xor     eax, eax
        mov     ecx, 3
.l:     call    [wtab%1 + ecx*4 - 4]
        add     eax, edx
        loop    .l
        jmp     [wjmp%1]
.tail:  add     eax, %1 * 0x1000000
        ret
.f1:    mov     edx, %1 * 0x10 + 1
        ret
.f2:    mov     edx, %1 * 0x100 + 2
        ret
.f3:    mov     edx, %1 * 0x1000 + 3
        ret
        align   4
wtab%1: dd      wentry%1.f1, wentry%1.f2, wentry%1.f3
wjmp%1: dd      wentry%1.tail
%endmacro
section .winx start=0x5000 vstart=WIN
bits 32
WINCODE 1
winx_end:
section .winy start=0x5800 vstart=WIN
bits 32
WINCODE 2
winy_end:

section .text16
bits 16
main16:
        ENTER_PM pm32

section .text32
bits 32

; RUNI n - run the interpreter n times, ebx = sum of the results
%macro RUNI 1
        xor     ebx, ebx
        mov     edi, %1
%%l:    call    interp
        add     ebx, eax
        dec     edi
        jnz     %%l
%endmacro

; WCALL n, via - call the window n times from one loop (wloop_direct:
; CALL WIN, wloop_ptr: CALL [FNPTR]; the same sites for every case),
; eax = last result, ebx = sum
%macro WCALL 2
        mov     edi, %1
        call    wloop_%2
%endmacro

wloop_direct:
        xor     ebx, ebx
.l:     call    WIN
        add     ebx, eax
        dec     edi
        jnz     .l
        ret

wloop_ptr:
        xor     ebx, ebx
.l:     call    [FNPTR]
        add     ebx, eax
        dec     edi
        jnz     .l
        ret

pm32:
        PUTSLN  "== indirect-exit inline cache"
        ; the code into RAM
        mov     esi, ROMBASE + 0x4000
        mov     edi, BLOB
        mov     ecx, blob_end - BLOB
        rep movsb
        mov     esi, ROMBASE + 0x5000
        mov     edi, WINX
        mov     ecx, winx_end - WIN
        rep movsb
        mov     esi, ROMBASE + 0x5800
        mov     edi, WINY
        mov     ecx, winy_end - WIN
        rep movsb
        ; bytecode: 60 ops from a fixed pattern of the five, then end
        mov     edi, PROG
        mov     ecx, 60
        mov     eax, 0x1234567
.pg:    mov     edx, eax
        shr     edx, 7
        and     edx, 7
        cmp     edx, 5
        jb      .op
        sub     edx, 3
.op:    mov     [edi], dl
        inc     edi
        imul    eax, eax, 1103515245
        add     eax, 12345
        loop    .pg
        mov     byte [edi], 5

        RUNI    300
        CASE    "interpreter", 0, eax, ebx
        mov     dword [op_xor + 1], 0x0F0F0F0F  ; xor eax, imm32: new imm
        RUNI    300
        CASE    "handler rewritten", 0, eax, ebx
        mov     byte [op_dbl + 1], 0xC1         ; add eax, eax -> add ecx, eax
        RUNI    300
        CASE    "second handler rewritten", 0, eax, ebx
        mov     byte [op_dbl + 1], 0xC0
        mov     dword [op_xor + 1], 0x5A5A
        RUNI    300
        CASE    "both back", 0, eax, ebx

        call    calls
        CASE    "calls", 0, eax, ebx
        call    calls
        CASE    "calls again", 0, eax, ebx
        mov     dword [fn2 + 1], 0x77777
        call    calls
        CASE    "function rewritten", 0, eax, ebx
        mov     dword [fn0 + 1], 0x1
        mov     dword [fn1 + 1], 0x2
        mov     dword [fn2 + 1], 0x3
        mov     dword [fn3 + 1], 0x4
        call    calls
        CASE    "all rewritten", 0, eax, ebx
        mov     dword [fntab], fn3              ; the table, not the code
        mov     dword [fntab + 12], fn0
        call    calls
        CASE    "table swapped", 0, eax, ebx

        ; paging: identity map of 0-4 MiB, the window at 4 MiB
        mov     edi, PD
        mov     ecx, 1024
        xor     eax, eax
        rep stosd
        mov     edi, PT1
        mov     ecx, 1024
        rep stosd
        mov     dword [PD+0], PT0 | 3
        mov     dword [PD+4], PT1 | 3
        mov     edi, PT0
        mov     eax, 3
        mov     ecx, 1024
.id:    stosd
        add     eax, 0x1000
        loop    .id
        mov     dword [PT1], WINX | 3
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        jmp     .on
.on:
        WCALL   50, direct
        CASE    "window X", 0, eax, ebx
        mov     dword [PT1], WINY | 3
        mov     eax, cr3
        mov     cr3, eax
        WCALL   50, direct
        CASE    "window Y, cr3 reloaded", 0, eax, ebx
        mov     dword [PT1], WINX | 3
        invlpg  [WIN]
        WCALL   50, direct
        CASE    "window X, invlpg", 0, eax, ebx
        mov     dword [FNPTR], WIN
        WCALL   50, ptr
        CASE    "window X through a pointer", 0, eax, ebx
        mov     dword [PT1], WINY | 3
        invlpg  [WIN]
        WCALL   50, ptr
        CASE    "window Y through a pointer", 0, eax, ebx
        mov     dword [WIN + wjmp2 - WIN], wentry2.f3  ; the JMP [m] target, same page
        WCALL   50, ptr
        CASE    "window Y, jump retargeted", 0, eax, ebx
        mov     dword [WINY + (wentry2.f2 - WIN) + 1], 0xABCDEF  ; code through the other mapping
        WCALL   50, ptr
        CASE    "window Y, code rewritten", 0, eax, ebx
        mov     eax, cr0
        and     eax, 0x7FFFFFFF
        mov     cr0, eax
        EXIT
