; uart.asm - 16550A UART at COM1 (0x3F8, IRQ4 -> vector 0Ch) in loopback mode,
; real mode: divisor latch and LCR, scratch register (0x3FF) echo, FCR/IIR
; FIFO-enabled bits, MSR in loopback (MCR outputs fed back: DTR->DSR, RTS->CTS,
; OUT2->DCD; delta bits masked), the THRE interrupt (raised when IER.ETBEI is
; set while THR is empty; cleared by reading IIR), the received-data
; interrupt through loopback with FIFO trigger level 1 (IIR = C4, cleared by
; reading RBR), LSR DR/THRE/TEMT.  (PC16550D datasheet, register
; descriptions; OUT2 gates the IRQ line on a PC and is set.)
; Each interrupt is waited for with cli/check/sti;hlt.  The handler logs IIR.
; Needs COM1 present: QEMU capture runs with -serial null.
; Expected output (expected/uart.txt) is captured from qemu-system-i386 -accel
; tcg by capture-expected.sh.
%include "lib.inc"
%include "pic.inc"

COM     equ 0x3F8
NIRQ    equ VAR_BASE+0x10       ; interrupts taken
NLOG    equ VAR_BASE+0x14       ; IIR log length
LOG     equ VAR_BASE+0x20       ; IIR values, 16 bytes
NRX     equ VAR_BASE+0x18
RX      equ VAR_BASE+0x40       ; received bytes

%macro OUTB 2
        mov     dx, %1
        mov     al, %2
        out     dx, al
%endmacro
%macro INB 1
        mov     dx, %1
        in      al, dx
%endmacro

; WAIT_IRQS n: sleep until NIRQ >= n.  IR4 is the only unmasked source, so a
; missing interrupt hangs here; the test runner's timeout reports it.
%macro WAIT_IRQS 1
%%l:    cli
        cmp     dword [NIRQ], %1
        jae     %%d
        sti
        hlt
        jmp     %%l
%%d:
%endmacro

main16:
        SET_IVT 0x0C, irq4
        PIC_INIT 0xEF, 0xFF             ; only IR4
        mov     dword [NIRQ], 0
        mov     dword [NLOG], 0
        mov     dword [NRX], 0
        OUTB    COM+1, 0x00             ; IER: none
        OUTB    COM+3, 0x80             ; DLAB
        OUTB    COM+0, 0x0C             ; 9600 baud
        OUTB    COM+1, 0x00
        INB     COM+0
        movzx   ebx, al
        OUTB    COM+3, 0x03             ; 8N1, DLAB off
        INB     COM+3
        movzx   ecx, al
        CASE    "dll lcr", 0, ebx, ecx
        OUTB    COM+7, 0x5A
        INB     COM+7
        movzx   ebx, al
        OUTB    COM+7, 0xA5
        INB     COM+7
        movzx   ecx, al
        CASE    "scratch", 0, ebx, ecx
        OUTB    COM+2, 0x07             ; FIFO on, clear both, trigger 1
        INB     COM+2
        movzx   ebx, al
        OUTB    COM+4, 0x1B             ; loop, OUT2, RTS, DTR
        INB     COM+4
        movzx   ecx, al
        INB     COM+6
        and     eax, 0xF0
        mov     esi, eax
        INB     COM+5
        movzx   edi, al
        CASE    "iir mcr msr lsr", 0, ebx, ecx, esi, edi
        ; THRE interrupt
        OUTB    COM+1, 0x02
        WAIT_IRQS 1
        OUTB    COM+1, 0x00
        CASE    "thre: irqs", 0, [NIRQ]
        ; received data through loopback
        OUTB    COM+1, 0x01
        OUTB    COM+0, 'A'
        WAIT_IRQS 2
        OUTB    COM+0, 'x'
        WAIT_IRQS 3
        OUTB    COM+0, 'y'
        WAIT_IRQS 4
        OUTB    COM+1, 0x00
        INB     COM+5
        movzx   ebx, al
        INB     COM+2
        movzx   ecx, al
        CASE    "rx: irqs lsr iir", 0, [NIRQ], ebx, ecx
        PUTS    "iir log:"
        xor     si, si
.lg:    cmp     si, [NLOG]
        jae     .lgd
        PUTS    ' '
        PHEX    2, [LOG+si]
        inc     si
        jmp     .lg
.lgd:   PUTS    {10, "rx:"}
        xor     si, si
.rx:    cmp     si, [NRX]
        jae     .rxd
        PUTS    ' '
        PHEX    2, [RX+si]
        inc     si
        jmp     .rx
.rxd:   NEWLINE
        OUTB    COM+4, 0x00
        mov     al, 0xFF
        out     0x21, al
        EXIT

; IRQ4: log IIR, drain RBR while LSR.DR, EOI
irq4:
        push    eax
        push    edx
        push    si
        mov     dx, COM+2
        in      al, dx
        mov     si, [NLOG]
        cmp     si, 16
        jae     .nolog
        mov     [LOG+si], al
        inc     word [NLOG]
.nolog: mov     dx, COM+5
        in      al, dx
        test    al, 1
        jz      .eoi
        mov     dx, COM
        in      al, dx
        mov     si, [NRX]
        cmp     si, 16
        jae     .nolog
        mov     [RX+si], al
        inc     word [NRX]
        jmp     .nolog
.eoi:   inc     dword [NIRQ]
        mov     al, 0x20
        out     0x20, al
        pop     si
        pop     edx
        pop     eax
        iret
