; vga_modes.asm - a 64 KiB BIOS image that sets one VGA mode by programming
; the registers directly (the standard mode tables of the IBM VGA technical
; reference, as a video BIOS loads them), loads a palette (and, in text
; modes, its own font into plane 2), draws a known pattern, writes "OK" to
; the debug console (port 0xE9) and halts. Built once per mode with
; -DMODE=name; tests/vga/vga-compare.py compares the screendump with
; QEMU's of the same image.
;
; Where QEMU departs from the VGA documentation the pattern stays clear of
; the difference (and the unit tests check the documented behaviour):
;   - blink: AR10 bit 3 is cleared (QEMU always shows attribute bit 7 as a
;     bright background, never blinking);
;   - line graphics: characters B0h-BFh are not used in 9-dot modes (QEMU
;     repeats the 8th dot for B0h-DFh, the VGA for C0h-DFh only);
;   - 40 columns use 8-dot characters (QEMU draws doubled 9-dot characters
;     16 pixels wide, the VGA 18);
;   - the text cursor is switched off (CR0A bit 5): QEMU blinks it on the
;     host's clock;
;   - panning (pan12, pan13): QEMU 7.2 ignores the attribute controller's
;     pixel panning (AR13), its PEL panning compatibility bit (AR10 bit 5)
;     and the CRTC's byte panning (CR08 bits 6:5). Each panned image is
;     compared with QEMU's screendump of a reference image (pan12ref,
;     pan13ref) that draws, unpanned, what the VGA documentation says the
;     panned screen shows: pan12 (mode 12h, 96-byte lines, AR13 = 5, byte
;     pan 1, line compare 300, AR10 bit 5 set) shows line y <= 300 from
;     memory pixel x + 8 + 5 of line y, and below the split line y - 301
;     from pixel x (address 0, neither pixel nor byte panning); pan13
;     (mode 13h, AR13 = 6: 3 pixels, byte pan 1: 4 pixels) shows linear
;     byte i + 7 at pixel i.
        bits 16
        org 0

; ---- per-mode settings ----
%ifidn MODE, text80
%define TEXT
%define CELLS 2000
%define SR4 0x02
%elifidn MODE, text80x50
%define TEXT
%define CELLS 4000
%define SR4 0x02
%elifidn MODE, text80x43
%define TEXT
%define CELLS 3440
%define SR4 0x02
%elifidn MODE, text40
%define TEXT
%define CELLS 1000
%define SR4 0x02
%elifidn MODE, cga4
%define DRAW cga_fill
%elifidn MODE, cga2
%define DRAW cga_fill
%elifidn MODE, ega0d
%define DRAW planar_draw
%define LINE 40
%define PLANAR_BYTES 8000
%elifidn MODE, ega10
%define DRAW planar_draw
%define LINE 80
%define PLANAR_BYTES 28000
%elifidn MODE, vga12
%define DRAW planar_draw
%define LINE 80
%define PLANAR_BYTES 38400
%elifidn MODE, vga13
%define DRAW chain4_fill
%elifidn MODE, modex
%define DRAW modex_fill
%elifidn MODE, pan12
%define DRAW pan12_draw
%elifidn MODE, pan12ref
%define DRAW pan12_draw
%define REF
%elifidn MODE, pan13
%define DRAW pan13_fill
%define SHIFT 0
%elifidn MODE, pan13ref
%define DRAW pan13_fill
%define SHIFT 7
%elifidn MODE, vbe4
; Bochs VBE 800x600 at 4 bpp: planar, drawn through the VGA planes and
; write modes before VBE is enabled with NOCLEARMEM. (Planar writes made
; while a 4 bpp VBE mode is on did not reach QEMU 7.2's video memory in
; our runs - its frame buffer read back all zeros, probably its separate
; VBE copy of the sequencer's map mask; tests/unit/test_vga_pan.c checks
; xlat86's windowed 4 bpp writes against the VGA write-mode rules.)
%define DRAW vbe4_draw
%define LINE 100
%define PLANAR_BYTES 60000
%else
%endif

start:
        cli
        xor ax, ax
        mov ss, ax
        mov sp, 0x7000
        mov ax, cs
        mov ds, ax
        cld
        mov si, mode_table
        call set_regs
        call load_palette
%ifdef TEXT
        call load_font
        call fill_text
%endif
%ifdef VBE
        call vbe_draw
%endif
%ifdef DRAW
        call DRAW
%endif
        mov dx, 0xe9
        mov al, 'O'
        out dx, al
        mov al, 'K'
        out dx, al
        mov al, 10
        out dx, al
.halt:  hlt
        jmp .halt

; ds:si -> misc, seq[5], crtc[25], gc[9], ac[21]
set_regs:
        lodsb
        mov dx, 0x3c2
        out dx, al
        mov dx, 0x3c4
        xor bx, bx
.seq:   mov al, bl
        out dx, al
        inc dx
        lodsb
        out dx, al
        dec dx
        inc bl
        cmp bl, 5
        jb .seq
        mov dx, 0x3d4             ; unprotect CR0-7
        mov al, 0x11
        out dx, al
        inc dx
        xor al, al
        out dx, al
        dec dx
        xor bx, bx
.crtc:  mov al, bl
        out dx, al
        inc dx
        lodsb
        out dx, al
        dec dx
        inc bl
        cmp bl, 25
        jb .crtc
        mov dx, 0x3ce
        xor bx, bx
.gc:    mov al, bl
        out dx, al
        inc dx
        lodsb
        out dx, al
        dec dx
        inc bl
        cmp bl, 9
        jb .gc
        mov dx, 0x3da
        in al, dx                 ; flip-flop to index
        mov dx, 0x3c0
        xor bx, bx
.ac:    mov al, bl
        out dx, al
        lodsb
        out dx, al
        inc bl
        cmp bl, 21
        jb .ac
        mov al, 0x20              ; palette address source: screen on
        out dx, al
        ret

; DAC: entry i = (i*5 + 3) & 63, (i*11) & 63, (63 - i*3) & 63; entries 0-63
; of the text and 16-colour modes follow the same rule.
load_palette:
        mov dx, 0x3c8
        xor al, al
        out dx, al
        inc dx
        xor cx, cx
.p:     mov al, cl
        mov bl, 5
        mul bl
        add al, 3
        and al, 63
        out dx, al
        mov al, cl
        mov bl, 11
        mul bl
        and al, 63
        out dx, al
        mov al, cl
        mov bl, 3
        mul bl
        mov ah, 63
        sub ah, al
        mov al, ah
        and al, 63
        out dx, al
        inc cx
        cmp cx, 256
        jb .p
        ret

%ifdef TEXT
; Our own font in plane 2 (map 0): 256 glyphs of 32 rows; row r of
; character c is (c * 0x9d) ^ (r * 0x3b) ^ (c >> 3) ^ (r << 4).
load_font:
        mov dx, 0x3c4
        mov ax, 0x0402            ; map mask: plane 2
        out dx, ax
        mov ax, 0x0704            ; sequential addressing
        out dx, ax
        mov dx, 0x3ce
        mov ax, 0x0204            ; read map 2
        out dx, ax
        mov ax, 0x0005            ; write mode 0, no odd/even
        out dx, ax
        mov ax, 0x0406            ; A0000, 64 KiB, text
        out dx, ax
        mov ax, 0xa000
        mov es, ax
        xor di, di
        xor cx, cx                ; c
.ch:    xor bx, bx                ; r
.row:   mov al, cl
        mov ah, 0x9d
        mul ah
        mov dl, al
        mov al, bl
        mov ah, 0x3b
        mul ah
        xor dl, al
        mov al, cl
        shr al, 3
        xor dl, al
        mov al, bl
        shl al, 4
        xor al, dl
        stosb
        inc bx
        cmp bx, 32
        jb .row
        inc cx
        cmp cx, 256
        jb .ch
        mov dx, 0x3c4
        mov ax, 0x0302
        out dx, ax
        mov ax, 0x0204 | (SR4 << 8)
        out dx, ax
        mov dx, 0x3ce
        mov ax, 0x0004
        out dx, ax
        mov ax, 0x1005
        out dx, ax
        mov ax, 0x0e06
        out dx, ax
        ret

; Cell i: character i & 0xff (B0h-BFh moved down by 80h), attribute
; (i * 7 + i / 80) & 0xff.
fill_text:
        mov ax, 0xb800
        mov es, ax
        xor di, di
        xor cx, cx
.cell:  mov ax, cx
        mov bl, 80
        div bl                    ; al = i / 80 (i < 20480)
        mov bl, al
        mov al, cl
        mov ah, 7
        mul ah
        add al, bl
        mov ah, al                ; attribute
        mov al, cl
        cmp al, 0xb0
        jb .ok
        cmp al, 0xbf
        ja .ok
        sub al, 0x80
.ok:    stosw
        inc cx
        cmp cx, CELLS
        jb .cell
        ret
%endif

; Bytes at B800:0000-3FFF: (i * 37) ^ (i >> 7)
cga_fill:
        mov ax, 0xb800
        mov es, ax
        xor di, di
.f:     mov ax, di
        mov bl, 37
        mul bl
        mov bx, di
        shr bx, 7
        xor al, bl
        stosb
        cmp di, 0x4000
        jb .f
        ret

; Mode 13h: pixel (x, y) = (x ^ y) + y / 4
chain4_fill:
        mov ax, 0xa000
        mov es, ax
        xor di, di
        xor dx, dx                ; y
.y:     xor cx, cx                ; x
.x:     mov al, cl
        xor al, dl
        mov bl, dl
        shr bl, 2
        add al, bl
        stosb
        inc cx
        cmp cx, 320
        jb .x
        inc dx
        cmp dx, 200
        jb .y
        ret

; Mode X (unchained): plane p, address a: pixel x = 4 * (a % 80) + p,
; y = a / 80; value x + 2 * y
modex_fill:
        mov ax, 0xa000
        mov es, ax
        xor bp, bp                ; plane
.pl:    mov dx, 0x3c4
        mov al, 2
        out dx, al
        inc dx
        mov cx, bp
        mov al, 1
        shl al, cl
        out dx, al
        xor di, di
.a:     mov ax, di
        mov bl, 80
        div bl                    ; al = y (< 256 for 16000), ah = a % 80
        mov bl, al
        shl bl, 1
        mov al, ah
        shl al, 2
        add ax, bp
        add al, bl
        stosb
        cmp di, 16000
        jb .a
        inc bp
        cmp bp, 4
        jb .pl
        ret

; Planar 16-colour modes: write mode 2 stripes, then set/reset, write
; mode 3 with rotation, XOR, and read mode 1 colour compare results.
%macro gr 2
        mov dx, 0x3ce
        mov ax, (%2 << 8) | %1
        out dx, ax
%endmacro
%ifdef LINE
planar_draw:
        mov ax, 0xa000
        mov es, ax
        ; write mode 2: byte a gets colour (a + a / LINE) & 15 with bit mask
        ; 0xff >> (a & 7) rotated
        gr 5, 0x02
        xor di, di
.w2:    mov ax, di
        and al, 7
        mov cl, al
        mov ah, 0xf3
        ror ah, cl
        mov dx, 0x3ce
        mov al, 8
        out dx, ax
        mov al, [es:di]           ; load latches
        mov ax, di
        xor dx, dx
        mov bx, LINE
        div bx
        add al, dl
        and al, 15
        mov [es:di], al
        inc di
        cmp di, PLANAR_BYTES
        jb .w2
        ; write mode 0 with set/reset colour 12 over planes 0-2, bit mask 0x3c
        gr 5, 0x00
        gr 0, 12
        gr 1, 7
        gr 8, 0x3c
        mov di, LINE * 8
        mov cx, LINE * 8
.w0:    mov al, [es:di]
        mov al, 0x55
        stosb
        loop .w0
        ; write mode 3, rotate 3, set/reset 9, XOR with the latches
        gr 5, 0x03
        gr 0, 9
        gr 3, 0x1b
        gr 8, 0xff
        mov di, LINE * 24
        mov cx, LINE * 8
.w3:    mov al, [es:di]
        mov al, 0xc6
        stosb
        loop .w3
        gr 3, 0x00
        gr 1, 0
        ; write mode 1: copy 8 lines from the top with the latches
        gr 5, 0x01
        xor si, si
        mov di, LINE * 40
        mov cx, LINE * 8
.w1:    mov al, [es:si]
        mov [es:di], al
        inc si
        inc di
        loop .w1
        ; read mode 1: compare with colour 5 (don't care plane 3), and
        ; store the result as a byte of colour 15 (write mode 0, no S/R)
        mov bp, LINE * 56
        xor si, si
        mov cx, LINE * 8
.r1:    gr 5, 0x08
        gr 2, 5
        gr 7, 7
        mov al, [es:si]
        gr 5, 0x00
        gr 8, 0xff
        mov [es:bp], al
        inc si
        inc bp
        loop .r1
        ret
%endif

%ifidn DRAW, pan12_draw
; Mode 12h with 96-byte lines (768 pixels), pixel by pixel in write mode 2:
; colour c(x, y) = ((x >> 2) ^ (y >> 1) ^ (x >> 7)) & 15, for x < 768 and
; y < 480. pan12 draws c(x, y); pan12ref draws what pan12 shows:
; c(x + 13, y) for y <= 300, c(x, y - 301) below.
pan12_draw:
        mov ax, 0xa000
        mov es, ax
        gr 5, 0x02
        xor bp, bp                ; y
.y:     xor si, si                ; x
.x:     mov cx, si                ; source x, y in cx, bx
        mov bx, bp
%ifdef REF
        cmp bp, 300
        ja .low
        add cx, 13
        jmp .src
.low:   sub bx, 301
.src:
%endif
        mov ax, cx
        shr ax, 2
        shr bx, 1
        xor ax, bx
        shr cx, 7
        xor ax, cx
        and al, 15
        push ax
        mov cx, si                ; bit mask 0x80 >> (x & 7)
        and cl, 7
        mov ah, 0x80
        shr ah, cl
        mov dx, 0x3ce
        mov al, 8
        out dx, ax
        mov ax, bp                ; di = y * 96 + x / 8
        mov bx, 96
        mul bx
        mov di, si
        shr di, 3
        add di, ax
        pop ax
        mov ah, [es:di]           ; latches
        mov [es:di], al
        inc si
        cmp si, 768
        jb .x
        inc bp
        cmp bp, 480
        jb .y
        gr 5, 0x00
        gr 8, 0xff
        ret
%endif

%ifidn DRAW, pan13_fill
; Mode 13h: linear byte i (i < 64008) = ((i + SHIFT) * 7) ^ ((i + SHIFT) >> 6)
pan13_fill:
        mov ax, 0xa000
        mov es, ax
        xor di, di
.f:     lea bx, [di + SHIFT]
        mov ax, bx
        mov cl, 7
        mul cl
        shr bx, 6
        xor al, bl
        stosb
        cmp di, 64008
        jb .f
        ret
%endif

%ifidn MODE, vbe4
%macro vbe 2
        mov dx, 0x1ce
        mov ax, %1
        out dx, ax
        inc dx
        mov ax, %2
        out dx, ax
%endmacro
; VBE 800x600x4: planar_draw in the unchained VGA planes, then VBE on
vbe4_draw:
        mov dx, 0x3c4
        mov ax, 0x0604            ; memory mode: unchained, sequential
        out dx, ax
        mov ax, 0x0101            ; 8-dot clock, no halving
        out dx, ax
        call planar_draw
        vbe 4, 0
        vbe 1, 800
        vbe 2, 600
        vbe 3, 4
        vbe 4, 0xc1               ; enabled, LFB, no clearing
        ret
%endif

%ifdef VBE
%macro vbe 2
        mov dx, 0x1ce
        mov ax, %1
        out dx, ax
        inc dx
        mov ax, %2
        out dx, ax
%endmacro
; VBE XRES x YRES x BPP through the banked window: byte i of bank b is
; (i + 17 * b + (i >> 8)) & 0xff
vbe_draw:
        vbe 4, 0
        vbe 1, 640
        vbe 2, 480
        vbe 3, VBE
        vbe 4, 0x41
        mov ax, 0xa000
        mov es, ax
        xor bp, bp
.bank:  vbe 5, bp
        xor di, di
.b:     mov ax, bp
        mov bl, 17
        mul bl
        add ax, di
        mov bx, di
        add al, bh
        stosb
        test di, di
        jnz .b
        inc bp
        cmp bp, VBE_BANKS
        jb .bank
        ret
%endif

; ---- mode tables: misc, seq 0-4, crtc 0-24, gc 0-8, ac 0-20 ----
mode_table:
%ifidn MODE, text80
        db 0x67
        db 0x03, 0x00, 0x03, 0x00, 0x02
        db 0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x2d, 0x0e, 0x00, 0x00, 0x00, 0x00
        db 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff
        db 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff
        db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f
        db 0x04, 0x3c, 0x0f, 0x08, 0x00   ; overscan 3Ch (QEMU: not in the screendump)
%elifidn MODE, text80x50
        db 0x67
        db 0x03, 0x01, 0x03, 0x00, 0x02   ; 8-dot characters
        db 0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x47, 0x26, 0x07, 0x00, 0x00, 0x00, 0x00
        db 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff
        db 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff
        db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f
        db 0x00, 0x00, 0x0f, 0x00, 0x00
%elifidn MODE, text80x43
        db 0xa3                            ; 350-line timing
        db 0x03, 0x00, 0x03, 0x00, 0x02
        db 0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x47, 0x26, 0x07, 0x00, 0x00, 0x00, 0x00
        db 0x83, 0x85, 0x5d, 0x28, 0x1f, 0x63, 0xba, 0xa3, 0xff
        db 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff
        db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f
        db 0x04, 0x00, 0x0f, 0x08, 0x00
%elifidn MODE, text40
        db 0x67
        db 0x03, 0x09, 0x03, 0x00, 0x02    ; 8-dot, half dot clock
        db 0x2d, 0x27, 0x28, 0x90, 0x2b, 0xa0, 0xbf, 0x1f, 0x00, 0x4f, 0x2d, 0x0e, 0x00, 0x00, 0x00, 0x00
        db 0x9c, 0x8e, 0x8f, 0x14, 0x1f, 0x96, 0xb9, 0xa3, 0xff
        db 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff
        db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f
        db 0x00, 0x00, 0x0f, 0x00, 0x00
%elifidn MODE, cga4
        db 0x63
        db 0x03, 0x09, 0x03, 0x00, 0x02
        db 0x2d, 0x27, 0x28, 0x90, 0x2b, 0x80, 0xbf, 0x1f, 0x00, 0xc1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
        db 0x9c, 0x8e, 0x8f, 0x14, 0x00, 0x96, 0xb9, 0xa2, 0xff
        db 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x0f, 0x0f, 0xff
        db 0x00, 0x13, 0x15, 0x17, 0x02, 0x04, 0x06, 0x07, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17
        db 0x01, 0x00, 0x03, 0x00, 0x00
%elifidn MODE, cga2
        db 0x63
        db 0x03, 0x01, 0x01, 0x00, 0x06
        db 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0xc1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
        db 0x9c, 0x8e, 0x8f, 0x28, 0x00, 0x96, 0xb9, 0xc2, 0xff
        db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x0f, 0xff
        db 0x00, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17
        db 0x01, 0x00, 0x01, 0x00, 0x00
%elifidn MODE, ega0d
        db 0x63
        db 0x03, 0x09, 0x0f, 0x00, 0x06
        db 0x2d, 0x27, 0x28, 0x90, 0x2b, 0x80, 0xbf, 0x1f, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
        db 0x9c, 0x8e, 0x8f, 0x14, 0x00, 0x96, 0xb9, 0xe3, 0xff
        db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0f, 0xff
        db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17
        db 0x01, 0x00, 0x0f, 0x00, 0x00
%elifidn MODE, ega10
        db 0xa3
        db 0x03, 0x01, 0x0f, 0x00, 0x06
        db 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
        db 0x83, 0x85, 0x5d, 0x28, 0x0f, 0x63, 0xba, 0xe3, 0xff
        db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0f, 0xff
        db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f
        db 0x01, 0x00, 0x0f, 0x00, 0x00
%elifidn MODE, vga12
        db 0xe3
        db 0x03, 0x01, 0x0f, 0x00, 0x06
        db 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0x0b, 0x3e, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
        db 0xea, 0x8c, 0xdf, 0x28, 0x00, 0xe7, 0x04, 0xe3, 0xff
        db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0f, 0xff
        db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f
        db 0x01, 0x00, 0x0f, 0x00, 0x00
%elifidn MODE, pan12
        db 0xe3
        db 0x03, 0x01, 0x0f, 0x00, 0x06
        db 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0x0b, 0x3e, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
        db 0xea, 0x8c, 0xdf, 0x30, 0x00, 0xe7, 0x04, 0xe3, 0x2c
        db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0f, 0xff
        db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f
        db 0x21, 0x00, 0x0f, 0x05, 0x00
%elifidn MODE, pan12ref
        db 0xe3
        db 0x03, 0x01, 0x0f, 0x00, 0x06
        db 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0x0b, 0x3e, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
        db 0xea, 0x8c, 0xdf, 0x30, 0x00, 0xe7, 0x04, 0xe3, 0xff
        db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0f, 0xff
        db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f
        db 0x01, 0x00, 0x0f, 0x00, 0x00
%elifidn MODE, pan13
        db 0x63
        db 0x03, 0x01, 0x0f, 0x00, 0x0e
        db 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x20, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
        db 0x9c, 0x8e, 0x8f, 0x28, 0x40, 0x96, 0xb9, 0xa3, 0xff
        db 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff
        db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f
        db 0x41, 0x00, 0x0f, 0x06, 0x00
%elifidn MODE, pan13ref
        db 0x63
        db 0x03, 0x01, 0x0f, 0x00, 0x0e
        db 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
        db 0x9c, 0x8e, 0x8f, 0x28, 0x40, 0x96, 0xb9, 0xa3, 0xff
        db 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff
        db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f
        db 0x41, 0x00, 0x0f, 0x00, 0x00
%elifidn MODE, vga13
        db 0x63
        db 0x03, 0x01, 0x0f, 0x00, 0x0e
        db 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
        db 0x9c, 0x8e, 0x8f, 0x28, 0x40, 0x96, 0xb9, 0xa3, 0xff
        db 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff
        db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f
        db 0x41, 0x00, 0x0f, 0x00, 0x00
%elifidn MODE, modex
        db 0x63
        db 0x03, 0x01, 0x0f, 0x00, 0x06
        db 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
        db 0x9c, 0x8e, 0x8f, 0x28, 0x00, 0x96, 0xb9, 0xe3, 0xff
        db 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff
        db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f
        db 0x41, 0x00, 0x0f, 0x00, 0x00
%else
; VBE modes start from mode 13h's registers
        db 0x63
        db 0x03, 0x01, 0x0f, 0x00, 0x0e
        db 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
        db 0x9c, 0x8e, 0x8f, 0x28, 0x40, 0x96, 0xb9, 0xa3, 0xff
        db 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff
        db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f
        db 0x41, 0x00, 0x0f, 0x00, 0x00
%endif

        times 0xfff0 - ($ - $$) db 0
        jmp 0xf000:start
        times 0x10000 - ($ - $$) db 0
