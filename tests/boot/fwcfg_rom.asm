; fwcfg_rom.asm - a firmware-less fw_cfg client: the ROM itself reads QEMU's
; fw_cfg through the I/O ports (QEMU docs/specs/fw_cfg.rst) and prints what it
; finds on port 0xE9, so the same ROM run under qemu-system-i386 and xlat86
; with the same -fw_cfg options must print the same text:
;   the signature (key 0), the feature bits (key 1), NB_CPUS (5), MAX_CPUS
;   (0x0F), RAM_SIZE (3, 8 bytes), NOGRAPHIC (4); every directory entry
;   (key 0x19) whose name starts with "opt/": name, size, select key is not
;   printed (it depends on the other files), the first 32 bytes in hex
;   read through the data port; then the same bytes again read by the DMA
;   interface (ports 0x514/0x518), and a read past the end of an item (0).
; Run by run-fwcfg-test.sh.
%include "lib.inc"

ENTRY   equ VAR_BASE+0x100      ; one 64-byte directory entry
DMABUF  equ VAR_BASE+0x200      ; DMA destination
DMADESC equ VAR_BASE+0x1F0      ; FWCfgDmaAccess (16 bytes, big-endian)

main16:
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        PUTS    "sig="
        mov     ax, 0
        call    select
        mov     cx, 4
.sig:   call    rdbyte
        call    putc
        loop    .sig
        NEWLINE
        PUTS    "id="
        mov     ax, 1
        call    select
        call    rd32le
        PHEX    8, eax
        NEWLINE
        PUTS    "nb_cpus="
        mov     ax, 5
        call    select
        call    rd16le
        PHEX    4, eax
        PUTS    " max_cpus="
        mov     ax, 0x0f
        call    select
        call    rd16le
        PHEX    4, eax
        PUTS    " ram="
        mov     ax, 3
        call    select
        call    rd32le
        mov     ebx, eax
        call    rd32le
        PHEX    8, eax
        PHEX    8, ebx
        PUTS    " nographic="
        mov     ax, 4
        call    select
        call    rd16le
        PHEX    4, eax
        NEWLINE

        ; the directory
        mov     ax, 0x19
        call    select
        call    rd32be
        mov     esi, eax                ; entries left
.entry: test    esi, esi
        jz      .done
        dec     esi
        mov     di, ENTRY
        mov     cx, 64
.rd:    call    rdbyte
        mov     [di], al
        inc     di
        loop    .rd
        cmp     dword [ENTRY+8], 'opt/'
        jne     .entry
        PUTS    "file "
        mov     di, ENTRY+8
.name:  mov     al, [di]
        test    al, al
        jz      .named
        call    putc
        inc     di
        jmp     .name
.named: PUTS    " size="
        mov     eax, [ENTRY]
        bswap   eax
        PHEX    8, eax
        NEWLINE
        ; contents through the data port (the directory read continues after)
        push    esi
        call    dump_item
        call    dma_item
        pop     esi
        ; reselect the directory and skip to where we were
        mov     ax, 0x19
        call    select
        call    rd32be
        sub     eax, esi                ; entries already read
        mov     ecx, eax
        shl     ecx, 6
.skip:  call    rdbyte
        dec     ecx
        jnz     .skip
        jmp     .entry
.done:  PUTSLN  "fw_cfg done"
        EXIT

; the item of ENTRY: up to 32 bytes in hex, then one byte past the end
dump_item:
        movzx   ax, byte [ENTRY+5]
        mov     ah, [ENTRY+4]
        call    select
        mov     ecx, [ENTRY]
        bswap   ecx
        mov     edx, ecx
        cmp     ecx, 32
        jbe     .n
        mov     ecx, 32
.n:     PUTS    " port:"
        jecxz   .end
.b:     call    rdbyte
        PUTS    " "
        PHEX    2, eax
        loop    .b
.end:   cmp     edx, 32
        ja      .out
        call    rdbyte                  ; past the end: 0
        PUTS    " past="
        PHEX    2, eax
.out:   NEWLINE
        ret

; the same item read again by DMA (select + read in one request)
dma_item:
        mov     ecx, [ENTRY]
        bswap   ecx
        cmp     ecx, 32
        jbe     .n
        mov     ecx, 32
.n:     movzx   eax, word [ENTRY+4]     ; key, big-endian in memory
        shl     eax, 16                 ; -> bytes: key_hi key_lo at [+2..3] of BE control
        mov     al, 0                   ; control (BE) = key << 16 | SELECT | READ
        mov     ah, 0
        ; build the big-endian control word by hand
        mov     byte [DMADESC+0], 0
        mov     byte [DMADESC+1], 0
        mov     bl, [ENTRY+4]
        mov     [DMADESC+0], bl
        mov     bl, [ENTRY+5]
        mov     [DMADESC+1], bl
        mov     byte [DMADESC+2], 0
        mov     byte [DMADESC+3], 0x0A  ; SELECT | READ
        mov     eax, ecx
        bswap   eax
        mov     [DMADESC+4], eax        ; length
        mov     dword [DMADESC+8], 0    ; address high
        mov     eax, DMABUF
        bswap   eax
        mov     [DMADESC+12], eax
        push    ecx
        mov     di, DMABUF
        mov     cx, 32
.clr:   mov     byte [di], 0xCC
        inc     di
        loop    .clr
        pop     ecx
        mov     dx, 0x514
        xor     eax, eax
        out     dx, eax                 ; address high half (big-endian 0)
        mov     dx, 0x518
        mov     eax, DMADESC
        bswap   eax
        out     dx, eax                 ; low half: starts the transfer
        PUTS    " dma:"
        mov     eax, [DMADESC]
        PUTS    " ctl="
        PHEX    8, eax
        mov     di, DMABUF
        jecxz   .end
.b:     movzx   eax, byte [di]
        PUTS    " "
        PHEX    2, eax
        inc     di
        loop    .b
.end:   NEWLINE
        ret

select: push    dx
        mov     dx, 0x510
        out     dx, ax
        pop     dx
        ret
rdbyte: push    dx
        mov     dx, 0x511
        xor     eax, eax
        in      al, dx
        pop     dx
        ret
rd16le: push    ebx
        call    rdbyte
        mov     ebx, eax
        call    rdbyte
        shl     eax, 8
        or      eax, ebx
        pop     ebx
        ret
rd32le: push    ebx
        call    rd16le
        mov     ebx, eax
        call    rd16le
        shl     eax, 16
        or      eax, ebx
        pop     ebx
        ret
rd32be: call    rd32le
        bswap   eax
        ret
putc:   out     0xE9, al
        ret
