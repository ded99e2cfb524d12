; disk_rom.asm - the disk controllers driven straight through their ports
; by a firmware ROM (no BIOS): IDE primary master (ATA disk), IDE secondary
; master (ATAPI CD-ROM) and floppy drive A (82077AA in non-DMA mode: no
; 8237 is needed).  Prints what it reads to the debug console (port 0xE9):
; IDENTIFY geometry and capacities, 32-bit sums of the sectors read by
; LBA28, CHS, LBA48, READ MULTIPLE, ATAPI READ(10) and floppy READ DATA,
; and the status/result bytes; writes known patterns (ATA WRITE MULTIPLE +
; FLUSH CACHE at LBA 4096..4111, floppy WRITE DATA at C2 H1 R3) for the
; host to check in the image files after the run (run-disk-test.sh).
; The images are pattern images (make-images.py): each sector starts with
; its number (32-bit LE), then byte i = (sector + i) & 0xFF.
%include "lib.inc"

HD      equ 0x1F0
CD      equ 0x170
FDC     equ 0x3F0

main16:
        mov     ax, DATA_SEG
        mov     es, ax
        call    hd_tests
        call    cd_tests
        call    fd_tests
        PUTSLN  "DISK ROM DONE"
        EXIT

; ------------------------------------------------------------------ ATA
; wait until BSY clears at base DX (status port DX+7); AL = status
ata_wait:
        push    dx
        add     dx, 7
.l:     in      al, dx
        test    al, 0x80
        jnz     .l
        pop     dx
        ret

; ata_lba28 DX=base, EAX=lba, CL=count, CH=command
ata_lba28:
        push    eax
        push    dx
        push    eax
        add     dx, 2
        mov     al, cl
        out     dx, al          ; count
        pop     eax
        inc     dx
        out     dx, al          ; LBA 7:0
        shr     eax, 8
        inc     dx
        out     dx, al
        shr     eax, 8
        inc     dx
        out     dx, al
        shr     eax, 8
        and     al, 0x0F
        or      al, 0xE0
        inc     dx
        out     dx, al          ; LBA mode, master, LBA 27:24
        inc     dx
        mov     al, ch
        out     dx, al          ; command
        pop     dx
        pop     eax
        ret

; read CX words from DX into ES:DI
pio_in:
        push    dx
        cld
        rep     insw
        pop     dx
        ret

; ebx = 32-bit sum of CX dwords at ES:SI
sum32:
        xor     ebx, ebx
.l:     add     ebx, [es:si]
        add     si, 4
        loop    .l
        ret

; wait for DRQ (or ERR) at base DX, then read CX sectors of 256 words
; each into ES:0 onward (one DRQ block per sector).  AL = last status.
read_sectors:
        xor     di, di
.next:  push    cx
        call    ata_wait
        test    al, 0x08
        jz      .fail
        mov     cx, 256
        call    pio_in
        pop     cx
        loop    .next
        call    ata_wait
        ret
.fail:  pop     cx
        ret

hd_tests:
        mov     dx, HD
        mov     al, 0xA0
        add     dx, 6
        out     dx, al
        mov     dx, HD
        call    ata_wait
        PUTS    "hd status "
        PHEX8   eax
        NEWLINE
        mov     dx, HD+7
        mov     al, 0xEC        ; IDENTIFY DEVICE
        out     dx, al
        mov     dx, HD
        mov     cx, 1
        call    read_sectors
        PUTS    "hd identify C="
        PHEX16  [es:2]
        PUTS    " H="
        PHEX16  [es:6]
        PUTS    " S="
        PHEX16  [es:12]
        PUTS    " lba28="
        PHEX32  [es:120]
        PUTS    " lba48="
        PHEX32  [es:200]
        PUTS    " mult="
        PHEX16  [es:94]
        NEWLINE

        ; LBA28 reads of sectors 0 and 1000
        mov     eax, 0
        mov     cx, 0x2001
        mov     dx, HD
        call    ata_lba28
        mov     cx, 1
        call    read_sectors
        xor     si, si
        mov     cx, 128
        call    sum32
        PUTS    "hd lba 0 sum "
        PHEX32  ebx
        NEWLINE
        mov     eax, 1000
        mov     cx, 0x2001
        mov     dx, HD
        call    ata_lba28
        mov     cx, 1
        call    read_sectors
        xor     si, si
        mov     cx, 128
        call    sum32
        PUTS    "hd lba 1000 sum "
        PHEX32  ebx
        NEWLINE

        ; CHS C=1 H=2 S=5 (default 16/63 translation: LBA 1138)
        mov     dx, HD+2
        mov     al, 1
        out     dx, al
        inc     dx
        mov     al, 5
        out     dx, al
        inc     dx
        mov     al, 1
        out     dx, al
        inc     dx
        mov     al, 0
        out     dx, al
        inc     dx
        mov     al, 0xA2
        out     dx, al
        inc     dx
        mov     al, 0x20
        out     dx, al
        mov     dx, HD
        mov     cx, 1
        call    read_sectors
        xor     si, si
        mov     cx, 128
        call    sum32
        PUTS    "hd chs 1/2/5 sum "
        PHEX32  ebx
        NEWLINE

        ; LBA48: READ SECTORS EXT, 2 sectors at 0x2710
        mov     dx, HD+6
        mov     al, 0x40
        out     dx, al
        mov     dx, HD+2
        mov     al, 0
        out     dx, al
        mov     al, 2
        out     dx, al
        inc     dx
        mov     al, 0
        out     dx, al
        mov     al, 0x10
        out     dx, al
        inc     dx
        mov     al, 0
        out     dx, al
        mov     al, 0x27
        out     dx, al
        inc     dx
        mov     al, 0
        out     dx, al
        out     dx, al
        mov     dx, HD+7
        mov     al, 0x24
        out     dx, al
        mov     dx, HD
        mov     cx, 2
        call    read_sectors
        xor     si, si
        mov     cx, 256
        call    sum32
        PUTS    "hd lba48 10000 x2 sum "
        PHEX32  ebx
        NEWLINE

        ; SET MULTIPLE 4, READ MULTIPLE 8 sectors at 100 (two DRQ blocks)
        mov     dx, HD+2
        mov     al, 4
        out     dx, al
        mov     dx, HD+7
        mov     al, 0xC6
        out     dx, al
        mov     dx, HD
        call    ata_wait
        mov     eax, 100
        mov     cx, 0xC408
        call    ata_lba28
        xor     di, di
        mov     bp, 2
.mblk:  call    ata_wait
        mov     cx, 4*256
        call    pio_in
        dec     bp
        jnz     .mblk
        call    ata_wait
        PUTS    "hd read multiple status "
        PHEX8   eax
        xor     si, si
        mov     cx, 8*128
        call    sum32
        PUTS    " sum "
        PHEX32  ebx
        NEWLINE

        ; WRITE MULTIPLE 16 sectors at 4096: dword k of sector s is
        ; 0x57000000 + s*128 + k; then FLUSH CACHE
        xor     di, di
        mov     eax, 0x57000000
        mov     cx, 16*128
.fill:  mov     [es:di], eax
        inc     eax
        add     di, 4
        loop    .fill
        mov     eax, 4096
        mov     cx, 0xC510
        mov     dx, HD
        call    ata_lba28
        xor     si, si
        mov     bp, 4
.wblk:  call    ata_wait
        mov     cx, 4*256
        push    dx
        cld
        es rep outsw
        pop     dx
        dec     bp
        jnz     .wblk
        call    ata_wait
        PUTS    "hd write multiple status "
        PHEX8   eax
        mov     dx, HD+7
        mov     al, 0xE7
        out     dx, al
        mov     dx, HD
        call    ata_wait
        PUTS    " flush status "
        PHEX8   eax
        NEWLINE
        ret

; ------------------------------------------------------------------ ATAPI
; send the 12-byte packet at CS:SI to CD with byte count limit 0xFFFE,
; then read the reply (all DRQ blocks) to ES:0; CX = bytes received
atapi_cmd:
        mov     dx, CD+4
        mov     al, 0xFE
        out     dx, al
        inc     dx
        mov     al, 0xFF
        out     dx, al
        mov     dx, CD+7
        mov     al, 0xA0
        out     dx, al
        mov     dx, CD
        call    ata_wait
        mov     cx, 6
.pk:    mov     ax, [cs:si]
        out     dx, ax
        add     si, 2
        loop    .pk
        xor     di, di
.blk:   call    ata_wait
        test    al, 0x08
        jz      .done
        push    dx
        add     dx, 4
        in      al, dx
        mov     cl, al
        inc     dx
        in      al, dx
        mov     ch, al
        pop     dx
        shr     cx, 1
        call    pio_in
        jmp     .blk
.done:  mov     cx, di
        ret

cd_tests:
        mov     dx, CD+6
        mov     al, 0xA0
        out     dx, al
        mov     dx, CD+4
        in      al, dx
        mov     bl, al
        inc     dx
        in      al, dx
        mov     bh, al
        PUTS    "cd signature "
        PHEX16  ebx
        mov     dx, CD+7
        mov     al, 0xA1        ; IDENTIFY PACKET DEVICE
        out     dx, al
        mov     dx, CD
        mov     cx, 1
        call    read_sectors
        PUTS    " identify word0 "
        PHEX16  [es:0]
        NEWLINE
        mov     si, pk_tur      ; the first TEST UNIT READY may report a
        call    atapi_cmd       ; medium change (QEMU): ask twice
        mov     si, pk_tur
        call    atapi_cmd
        PUTS    "cd tur status "
        PHEX8   eax
        NEWLINE
        mov     si, pk_cap
        call    atapi_cmd
        mov     ebx, [es:0]
        bswap   ebx
        PUTS    "cd capacity last lba "
        PHEX32  ebx
        mov     ebx, [es:4]
        bswap   ebx
        PUTS    " block "
        PHEX32  ebx
        NEWLINE
        mov     si, pk_read
        call    atapi_cmd
        PUTS    "cd read(10) 16 x2 bytes "
        PHEX16  ecx
        xor     si, si
        mov     cx, 1024
        call    sum32
        PUTS    " sum "
        PHEX32  ebx
        NEWLINE
        ret

pk_tur:  db 0x00, 0,0,0,0,0, 0,0,0,0,0,0
pk_cap:  db 0x25, 0,0,0,0,0, 0,0,0,0,0,0
pk_read: db 0x28, 0, 0,0,0,16, 0, 0,2, 0,0,0

; ------------------------------------------------------------------ floppy
fd_out:                         ; AL -> FIFO when RQM and DIO = 0
        push    ax
        mov     dx, FDC+4
.w:     in      al, dx
        and     al, 0xC0
        cmp     al, 0x80
        jne     .w
        pop     ax
        inc     dx
        out     dx, al
        ret

fd_in:                          ; AL <- FIFO when RQM and DIO = 1
        mov     dx, FDC+4
.w:     in      al, dx
        and     al, 0xC0
        cmp     al, 0xC0
        jne     .w
        inc     dx
        in      al, dx
        ret

fd_sensei:                      ; SENSE INTERRUPT STATUS -> BL = ST0, BH = PCN
        mov     al, 0x08
        call    fd_out
        call    fd_in
        mov     bl, al
        call    fd_in
        mov     bh, al
        ret

fd_result:                      ; 7 result bytes -> printed
        mov     cx, 7
.r:     call    fd_in
        movzx   ebx, al
        PUTS    " "
        PHEX8   ebx
        loop    .r
        NEWLINE
        ret

; fd_rw: AL = command, then C, H, R, EOT from [cs:si]
fd_rw:
        call    fd_out
        mov     al, [cs:si+1]
        shl     al, 2           ; HDS
        call    fd_out
        mov     al, [cs:si]
        call    fd_out          ; C
        mov     al, [cs:si+1]
        call    fd_out          ; H
        mov     al, [cs:si+2]
        call    fd_out          ; R
        mov     al, 2
        call    fd_out          ; N
        mov     al, [cs:si+3]
        call    fd_out          ; EOT
        mov     al, 0x1B
        call    fd_out          ; GPL
        mov     al, 0xFF
        call    fd_out          ; DTL
        ret

fd_seek:                        ; AL = cylinder, AH = head
        push    ax
        mov     al, 0x0F
        call    fd_out
        pop     ax
        push    ax
        mov     al, ah
        shl     al, 2
        call    fd_out
        pop     ax
        call    fd_out
        call    fd_sensei
        ret

fd_tests:
        mov     dx, FDC+2
        mov     al, 0x00
        out     dx, al
        mov     al, 0x1C        ; drive A motor, DMA gate, not reset
        out     dx, al
        mov     cx, 4
.s:     push    cx
        call    fd_sensei
        pop     cx
        loop    .s
        movzx   ebx, bl
        PUTS    "fd reset last st0 "
        PHEX8   ebx
        mov     al, 0x10        ; VERSION
        call    fd_out
        call    fd_in
        movzx   ebx, al
        PUTS    " version "
        PHEX8   ebx
        NEWLINE
        mov     al, 0x03        ; SPECIFY: SRT/HUT, HLT = 1, ND = 1
        call    fd_out
        mov     al, 0xDF
        call    fd_out
        mov     al, 0x03
        call    fd_out
        mov     al, 0x07        ; RECALIBRATE drive 0
        call    fd_out
        mov     al, 0x00
        call    fd_out
        call    fd_sensei
        movzx   ebx, bx
        PUTS    "fd recalibrate st0/pcn "
        PHEX16  ebx
        mov     ax, 0x0001      ; seek to cylinder 1, head 0
        call    fd_seek
        movzx   ebx, bx
        PUTS    " seek st0/pcn "
        PHEX16  ebx
        mov     dx, FDC+7
        in      al, dx
        and     al, 0x80
        movzx   ebx, al
        PUTS    " dir "
        PHEX8   ebx
        NEWLINE

        ; READ DATA C1 H0 R1..R2 (EOT 2), 1024 bytes through the FIFO
        mov     si, fd_rd_chs
        mov     al, 0x46
        call    fd_rw
        xor     di, di
        mov     cx, 1024
.rd:    push    cx
        call    fd_in
        pop     cx
        stosb
        loop    .rd
        xor     si, si
        mov     cx, 256
        call    sum32
        PUTS    "fd read c1 h0 r1-2 sum "
        PHEX32  ebx
        PUTS    " result"
        call    fd_result

        ; WRITE DATA C2 H1 R3 (EOT 3): byte i = i ^ 0x5A
        mov     ax, 0x0102
        call    fd_seek
        mov     si, fd_wr_chs
        mov     al, 0x45
        call    fd_rw
        xor     cx, cx
.wr:    mov     al, cl
        xor     al, 0x5A
        push    cx
        call    fd_out
        pop     cx
        inc     cx
        cmp     cx, 512
        jb      .wr
        PUTS    "fd write c2 h1 r3 result"
        call    fd_result
        ret

fd_rd_chs: db 1, 0, 1, 2
fd_wr_chs: db 2, 1, 3, 3
