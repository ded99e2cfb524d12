; paging.asm - two-level 32-bit paging (SDM vol. 3, chapter 4), in flat PM:
;   translation through a remapped 4 KiB page, accessed/dirty bits in the PTE,
;   #PF for not-present pages on read, write and instruction fetch (error code
;   and CR2), supervisor writes to read-only pages with CR0.WP clear and set,
;   a 4 MiB page with CR4.PSE (and its PDE A/D bits), INVLPG and a CR3 reload
;   making a changed PTE visible, and code executed from a page that is then
;   remapped to other code (translated blocks are keyed by physical address),
;   global pages (CR4.PGE): kept by a CR3 load, dropped by INVLPG and by
;   clearing PGE.
; Expected output (expected/paging.txt) is captured from qemu-system-i386
; -accel tcg by capture-expected.sh, except the "global:" line: QEMU 7.2
; flushes global translations on every CR3 load too (allowed: a processor
; may drop any cached translation), so it prints 55667788 first; the line
; holds what the SDM's invalidation rules let a TLB keep (4.10.4.1), which
; is what xlat86's TLB does. Do not regenerate without it.
%include "lib.inc"

PD       equ 0x80000          ; page directory
PT0      equ 0x81000          ; identity map of 0-4 MiB
PT1      equ 0x82000          ; 4-8 MiB: test mappings
RESUME   equ VAR_BASE+0x30
PFCOUNT  equ VAR_BASE+0x34
SAVESP   equ VAR_BASE+0x38
WIN      equ 0x400000         ; linear window mapped by PT1

main16:
        ENTER_PM pm32

section .text32
bits 32
pm32:
        PUTSLN  "== paging"
        SET_IDT 14, pf_handler
        ; page directory: PDE0 -> PT0 (identity), PDE1 -> PT1, rest not present
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
        mov     dword [PT1+1*4], 0x21000 | 3     ; WIN+1000h -> 0x21000 rw
        mov     dword [PT1+3*4], 0x23000 | 1     ; WIN+3000h -> 0x23000 read-only
        mov     dword [0x20000], 0x11223344
        mov     dword [0x21000], 0x55667788
        mov     dword [0x22000], 0x99AABBCC
        mov     dword [0x23000], 0xDDEEFF00
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        jmp     .pg
.pg:    mov     eax, [WIN]
        mov     ebx, [WIN+0x1000]
        CASE    "read via PT1", 0, eax, ebx
        mov     eax, [PT1+0]
        and     eax, 0x60
        mov     dword [WIN+4], 0xCAFE
        mov     ebx, [PT1+0]
        and     ebx, 0x60
        mov     ecx, [PT1+4]
        and     ecx, 0x60
        mov     edx, [0x20004]
        CASE    "A/D after read, after write, untouched PTE A/D, phys", 0, eax, ebx, ecx, edx
        ; not present: read, write
        mov     dword [RESUME], .r1
        mov     eax, [WIN+0x2000]
.r1:    NEWLINE
        mov     dword [RESUME], .r2
        mov     dword [WIN+0x2004], 1
.r2:    NEWLINE
        ; read-only page: supervisor write allowed with WP=0, #PF with WP=1
        mov     dword [RESUME], .r3
        mov     dword [WIN+0x3000], 0x12345678
.r3:    mov     eax, [0x23000]
        CASE    " ro page, WP=0 write landed", 0, eax
        mov     eax, cr0
        or      eax, 0x10000
        mov     cr0, eax
        mov     dword [RESUME], .r4
        mov     dword [WIN+0x3000], 0x0BADF00D
.r4:    mov     eax, [0x23000]
        CASE    " ro page, WP=1 write, memory", 0, eax
        mov     eax, cr0
        and     eax, ~0x10000
        mov     cr0, eax
        ; INVLPG makes a changed PTE visible
        mov     eax, [WIN]
        mov     dword [PT1+0], 0x22000 | 3
        invlpg  [WIN]
        mov     eax, [WIN]
        CASE    "after invlpg", 0, eax
        ; so does a CR3 reload
        mov     eax, [WIN+0x1000]
        mov     dword [PT1+4], 0x20000 | 3
        mov     eax, cr3
        mov     cr3, eax
        mov     eax, [WIN+0x1000]
        CASE    "after cr3 reload", 0, eax
        ; 4 MiB page with CR4.PSE: PDE2 maps 8 MiB..12 MiB -> 0..4 MiB
        mov     eax, cr4
        or      eax, 0x10
        mov     cr4, eax
        mov     dword [PD+8], 0x00000083
        mov     eax, [0x800000+0x21000]
        mov     ebx, [PD+8]
        and     ebx, 0x60
        mov     dword [0x800000+0x21008], 0x7777
        mov     ecx, [PD+8]
        and     ecx, 0x60
        mov     edx, [0x21008]
        CASE    "4M page: data, PDE A/D after read, after write, phys", 0, eax, ebx, ecx, edx
        ; code in a page that is remapped to different code
        mov     esi, code_a
        mov     edi, 0x24000
        mov     ecx, code_end - code_a
        rep movsb
        mov     esi, code_b
        mov     edi, 0x25000
        mov     ecx, code_end - code_a
        rep movsb
        mov     dword [PT1+4*4], 0x24000 | 3
        call    WIN+0x4000
        mov     ebx, eax
        mov     dword [PT1+4*4], 0x25000 | 3
        invlpg  [WIN+0x4000]
        call    WIN+0x4000
        mov     ecx, eax
        mov     dword [PT1+4*4], 0x24000 | 3
        invlpg  [WIN+0x4000]
        call    WIN+0x4000
        CASE    "code remapped: a, b, a", 0, ebx, ecx, eax
        ; instruction fetch from a not-present page
        mov     dword [RESUME], .r5
        jmp     WIN+0x5000
.r5:    NEWLINE
        ; global pages (CR4.PGE, PTE bit 8; SDM vol. 3, 4.10.2.4, 4.10.4.1):
        ; a CR3 load leaves a global translation cached while it drops a
        ; non-global one; INVLPG drops a global one; clearing CR4.PGE
        ; flushes all.  (A processor may also drop a cached entry on its
        ; own; xlat86 and QEMU keep it until one of these.)
        mov     eax, cr4
        or      eax, 0x80
        mov     cr4, eax
        mov     dword [PT1+6*4], 0x20000 | 0x103 ; WIN+6000h -> 0x20000, G
        mov     dword [PT1+7*4], 0x20000 | 3     ; WIN+7000h -> 0x20000
        mov     eax, [WIN+0x6000]                ; both cached now
        mov     eax, [WIN+0x7000]
        mov     dword [PT1+6*4], 0x21000 | 0x103 ; both changed to 0x21000,
        mov     dword [PT1+7*4], 0x21000 | 3     ; no invalidation
        mov     eax, cr3
        mov     cr3, eax
        mov     eax, [WIN+0x6000]                ; global: still 0x20000
        mov     ebx, [WIN+0x7000]                ; non-global: 0x21000
        invlpg  [WIN+0x6000]
        mov     ecx, [WIN+0x6000]                ; 0x21000 now
        mov     dword [PT1+6*4], 0x22000 | 0x103
        mov     edx, cr4
        and     edx, ~0x80
        mov     cr4, edx                         ; PGE 1 -> 0: full flush
        mov     edx, [WIN+0x6000]                ; 0x22000
        CASE    "global: after cr3, non-global, invlpg, pge off", 0, eax, ebx, ecx, edx
        mov     eax, [PFCOUNT]
        CASE    "page faults taken", 0, eax
        mov     eax, cr0
        and     eax, 0x7FFFFFFF
        mov     cr0, eax
        jmp     .np
.np:    PUTSLN  "paging off"
        EXIT

code_a: mov     eax, 0xAAAA0001
        ret
code_b: mov     eax, 0xBBBB0002
        ret
code_end:

; #PF: print the error code, CR2 and whether the saved EIP is the faulting
; instruction's (checked against CR2 for the fetch case); resume at [RESUME].
pf_handler:
        push    eax
        inc     dword [PFCOUNT]
        PUTS    " #PF err "
        PHEX    2, [esp+4]
        PUTS    " cr2 "
        mov     eax, cr2
        PHEX    8, eax
        mov     eax, [RESUME]
        mov     [esp+8], eax
        pop     eax
        add     esp, 4
        iretd
