; tlb_fill.asm - what a TLB fill may cache and what it must not (SDM vol. 3,
; 4.8 accessed and dirty flags, 4.6 access rights, 4.10.2 and 4.10.4 TLB
; caching and invalidation): a read of a page whose PTE is already dirty
; and writable lets a later write go through without a walk, but
;   a read of a read-only dirty page must not make a write possible (#PF 3
;   with CR0.WP, 7 at CPL 3), nor a read at CPL 0 of a supervisor page a
;   user access (#PF 5 and 7);
;   a read of a clean page leaves D clear and the later write sets it;
;   INVLPG, a CR3 load and a CR0.WP change drop what was cached (A and D
;   set again after software cleared them);
;   a write caches the read too (write first, then read back);
;   4 MiB pages with and without D in the PDE; a PDE with A clear;
;   a dirty writable alias of a page holding translated code: a store
;   through it after a read must still reach the code (the patched
;   function returns the new value);
;   ROM: a store after a read is dropped, paging on and off.
; Each case runs once, so under -accel dbt the fills come from generated
; code (tlb_fill_host) and under inline=off from the helpers (cpu/mem.c).
; Expected output (expected/tlb_fill.txt) is captured from qemu-system-i386
; -accel tcg by capture-expected.sh.
%include "lib.inc"
%include "sys.inc"

PD       equ 0x80000          ; page directory
PT0      equ 0x81000          ; identity map of 0-4 MiB, user, writable
PT1      equ 0x82000          ; 4-8 MiB: the test pages
WIN      equ 0x400000         ; linear window mapped by PT1
CODEPG   equ 0x27000          ; physical page holding a patched function
R3OUT    equ VAR_BASE+0x40    ; values recorded at CPL 3

main16:
        ENTER_PM pm32

section .text32
bits 32
pm32:
        call    sys_init
        IGATE   0x30, SEL_CODE32, back0, ACC_IGATE32 | 0x60
        PUTSLN  "== tlb fill"
        ; ROM with paging off: read, store, read again
        mov     eax, [ROMBASE+0x10]
        mov     dword [ROMBASE+0x10], 0x5A5A5A5A
        mov     ebx, [ROMBASE+0x10]
        sub     ebx, eax
        CASE    "rom, paging off: changed by", 0, ebx
        mov     edi, PD
        mov     ecx, 1024
        xor     eax, eax
        rep stosd
        mov     dword [PD+0], PT0 | 0x27          ; A set
        mov     dword [PD+4], PT1 | 7             ; A clear
        mov     edi, PT0
        mov     eax, 7
        mov     ecx, 1024
.id:    stosd
        add     eax, 0x1000
        loop    .id
        mov     edi, PT1
        mov     ecx, 1024
        xor     eax, eax
        rep stosd
        mov     dword [PT1+0*4], 0x20000 | 0x63   ; rw, A D, supervisor
        mov     dword [PT1+1*4], 0x21000 | 0x03   ; rw, clean
        mov     dword [PT1+2*4], 0x22000 | 0x61   ; read-only, A D
        mov     dword [PT1+3*4], 0x23000 | 0x65   ; read-only, user, A D
        mov     dword [PT1+4*4], 0x24000 | 0x63   ; rw, supervisor, A D
        mov     dword [PT1+5*4], 0x25000 | 0x07   ; rw, user, clean
        mov     dword [PT1+6*4], 0x26000 | 0x67   ; rw, user, A D
        mov     dword [PT1+7*4], CODEPG | 0x63    ; alias of the code page, A D
        mov     dword [PT1+8*4], ROMBASE | 0x63   ; ROM, A D
        mov     edi, 0x20000
        mov     ecx, 0x7000 / 4
        mov     eax, 0x01010101
.fill:  mov     [edi], eax
        add     eax, 0x01010101
        add     edi, 4
        loop    .fill
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        jmp     .pg
.pg:
        ; dirty writable page: read, then write
        mov     eax, [WIN+0x10]
        mov     dword [WIN+0x10], 0xD1D1D1D1
        mov     ebx, [0x20010]
        mov     ecx, [PT1+0*4]
        and     ecx, 0x60
        mov     edx, [PD+4]
        and     edx, 0x60
        CASE    "dirty rw: old, phys after write, PTE A/D, PDE A/D", 0, eax, ebx, ecx, edx
        ; clean writable page: read leaves D clear, the write sets it
        mov     eax, [WIN+0x1010]
        mov     ebx, [PT1+1*4]
        and     ebx, 0x60
        mov     dword [WIN+0x1010], 0xC1C1C1C1
        mov     ecx, [PT1+1*4]
        and     ecx, 0x60
        mov     edx, [0x21010]
        CASE    "clean rw: old, A/D after read, after write, phys", 0, eax, ebx, ecx, edx
        ; software clears A and D, INVLPG: a read sets A only, a write D
        mov     dword [PT1+0*4], 0x20000 | 0x03
        invlpg  [WIN]
        mov     eax, [WIN+0x10]
        mov     ebx, [PT1+0*4]
        and     ebx, 0x60
        mov     dword [WIN+0x14], 0xD2D2D2D2
        mov     ecx, [PT1+0*4]
        and     ecx, 0x60
        CASE    "after invlpg: A/D after read, after write", 0, ebx, ecx
        ; the same with a CR3 load
        mov     dword [PT1+0*4], 0x20000 | 0x03
        mov     eax, cr3
        mov     cr3, eax
        mov     eax, [WIN+0x10]
        mov     ebx, [PT1+0*4]
        and     ebx, 0x60
        mov     dword [WIN+0x18], 0xD3D3D3D3
        mov     ecx, [PT1+0*4]
        and     ecx, 0x60
        CASE    "after cr3 load: A/D after read, after write", 0, ebx, ecx
        ; write first, then read back through the same translation
        mov     dword [WIN+0x5020], 0xE5E5E5E5
        mov     eax, [WIN+0x5020]
        mov     ebx, [PT1+5*4]
        and     ebx, 0x60
        CASE    "write then read: value, A/D", 0, eax, ebx
        ; read-only dirty page: WP=0 lets a supervisor write land
        mov     eax, [WIN+0x2010]
        mov     dword [WIN+0x2010], 0xA2A2A2A2
        mov     ebx, [0x22010]
        CASE    "ro dirty, WP=0: read then write lands", 0, ebx
        ; read with WP=0 (a write would be allowed), then set WP: #PF 3
        mov     eax, [WIN+0x2020]
        mov     eax, cr0
        or      eax, 0x10000
        mov     cr0, eax
        TRY     "ro dirty, read at WP=0, write at WP=1:", {mov dword [WIN+0x2020], 0xBAD0BAD0}
        mov     eax, cr2
        mov     ebx, [0x22020]
        CASE    " cr2, memory", 0, eax, ebx
        ; read with WP=1, then write: #PF 3
        mov     eax, [WIN+0x2030]
        TRY     "ro dirty, WP=1 read then write:", {mov dword [WIN+0x2030], 0xBAD1BAD1}
        mov     eax, cr2
        mov     ebx, [0x22030]
        CASE    " cr2, memory", 0, eax, ebx
        mov     eax, cr0
        and     eax, ~0x10000
        mov     cr0, eax
        ; CPL 3: user read-only dirty page, read then write
        mov     dword [R3OUT], 0
        TRY     "cpl 3, user ro dirty, read then write:", {RING3 r3_ro, 0x0002}
        mov     eax, cr2
        mov     ebx, [R3OUT]
        mov     ecx, [0x23010]
        CASE    " cr2, value read, memory", 0, eax, ebx, ecx
        ; CPL 0 caches a supervisor page; CPL 3 reads and writes fault
        mov     eax, [WIN+0x4010]
        mov     dword [WIN+0x4010], 0x44444444
        TRY     "cpl 3, supervisor page cached at cpl 0, read:", {RING3 r3_sup_rd, 0x0002}
        mov     eax, cr2
        CASE    " cr2", 0, eax
        TRY     "cpl 3, supervisor page, write:", {RING3 r3_sup_wr, 0x0002}
        mov     eax, cr2
        mov     ebx, [0x24010]
        CASE    " cr2, memory", 0, eax, ebx
        ; CPL 3: user clean page read then write sets D; dirty page works
        mov     dword [R3OUT], 0
        TRY     "cpl 3, user rw pages, read then write:", {RING3 r3_rw, 0x0002}
        mov     eax, [PT1+5*4]
        and     eax, 0x60
        mov     ebx, [0x25030]
        mov     ecx, [0x26030]
        mov     edx, [R3OUT]
        CASE    " A/D of clean page, memory, memory, read", 0, eax, ebx, ecx, edx
        ; 4 MiB pages: PDE2 dirty, PDE3 clean (both map 0-4 MiB)
        mov     eax, cr4
        or      eax, 0x10
        mov     cr4, eax
        mov     dword [PD+8], 0x000000E3
        mov     dword [PD+12], 0x000000A3
        mov     eax, [0x800000+0x20040]
        mov     dword [0x800000+0x20040], 0x88888888
        mov     ebx, [PD+8]
        and     ebx, 0x60
        mov     ecx, [0x20040]
        CASE    "4M dirty: PDE A/D, phys", 0, ebx, ecx
        mov     eax, [0xC00000+0x20044]
        mov     ebx, [PD+12]
        and     ebx, 0x60
        mov     dword [0xC00000+0x20044], 0xCCCCCCCC
        mov     ecx, [PD+12]
        and     ecx, 0x60
        mov     edx, [0x20044]
        CASE    "4M clean: PDE A/D after read, after write, phys", 0, ebx, ecx, edx
        ; a dirty alias of a code page: read, then patch the function
        mov     esi, code_a
        mov     edi, CODEPG
        mov     ecx, code_end - code_a
        rep movsb
        call    CODEPG
        mov     ebx, eax
        mov     eax, [WIN+0x7000]
        mov     dword [WIN+0x7001], 0xBBBB0002
        call    CODEPG
        CASE    "code page via dirty alias: before, after patch", 0, ebx, eax
        ; ROM through a dirty writable PTE: the store is dropped
        mov     eax, [WIN+0x8010]
        mov     dword [WIN+0x8010], 0x5A5A5A5A
        mov     ebx, [WIN+0x8010]
        sub     ebx, eax
        CASE    "rom, dirty rw PTE: changed by", 0, ebx
        mov     eax, cr0
        and     eax, 0x7FFFFFFF
        mov     cr0, eax
        jmp     .np
.np:    PUTSLN  "paging off"
        EXIT

; IRET to CPL 3 nulls DS (DPL 0): load the ring-3 data segment
%macro R3DS 0
        mov     ax, SEL_DATA3
        mov     ds, ax
%endmacro

r3_ro:
        R3DS
        mov     eax, [WIN+0x3010]
        mov     [R3OUT], eax
        mov     dword [WIN+0x3010], 0xBAD3BAD3
        int     0x30
r3_sup_rd:
        R3DS
        mov     eax, [WIN+0x4010]
        int     0x30
r3_sup_wr:
        R3DS
        mov     dword [WIN+0x4010], 0xBAD4BAD4
        int     0x30
r3_rw:
        R3DS
        mov     eax, [WIN+0x5030]
        mov     dword [WIN+0x5030], 0x55555555
        mov     eax, [WIN+0x6030]
        mov     dword [WIN+0x6030], 0x66666666
        mov     eax, [WIN+0x6030]
        mov     [R3OUT], eax
        int     0x30

back0:
        RESTORE_SEGS
        jmp     [RESUME]

code_a: mov     eax, 0xAAAA0001
        ret
code_end:
