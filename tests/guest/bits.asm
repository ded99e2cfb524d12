; bits.asm - bit and exchange instructions, real mode and flat 32-bit PM:
;   BT BTS BTR BTC with register and imm8 offsets, on registers and on memory
;   (register offsets address a bit string beyond the operand: negative and
;   large offsets, SDM vol. 2 BT "bit base" rules), BSF BSR (incl. zero source:
;   only ZF compared, destination left unchanged as on Intel/AMD hardware),
;   XCHG (reg/mem, 8/16/32), XADD, CMPXCHG (equal and not equal), BSWAP,
;   CBW CWDE CWD CDQ, MOVZX MOVSX.
; BTx: only CF is defined (OF SF AF PF undefined, ZF unchanged on Intel but
; compared neither).  BSF/BSR: only ZF is defined.
; Expected output (expected/bits.txt) is captured from qemu-system-i386 -accel
; tcg by capture-expected.sh.
%include "lib.inc"

BITS_A  equ VAR_BASE+0x100      ; 32-byte bit string, BITS_A-16 .. BITS_A+16
MEM     equ VAR_BASE+0x10

; BTREG op, size-reg-dst, offset-reg : over a table of offsets
%macro BTR_ 3
%defstr %%nm %1 %2,%3
        PUTSLN  %%nm
        mov     esi, OFFS_T
%%l:    mov     eax, 0x80000001
        mov     ecx, [cs:esi]
        SETF    0x0002
        %1      %2, %3
        SHOW    F_CF, ecx, eax
        add     esi, 4
        cmp     esi, OFFS_T %+ _end
        jb      %%l
%endmacro

; BTMEM op, size, offset-reg : memory bit string at BITS_A, offsets may be negative
%macro BTM_ 3
%defstr %%nm %1 %2 [m],%3
        PUTSLN  %%nm
        mov     esi, OFFS_T
%%l:    call    FILLBITS
        mov     ecx, [cs:esi]
        SETF    0x0002
        %1      %2 [BITS_A], %3
        pushfd
        push    eax
        call    HASHBITS
        PUTS    ' '
        PHEX    8, ecx
        PUTS    ' '
        PHEX    8, eax
        pop     eax
        popfd
        SHOW    F_CF
        add     esi, 4
        cmp     esi, OFFS_T %+ _end
        jb      %%l
%endmacro

%macro BSCAN 3
%defstr %%nm %1 %2,%3
        PUTSLN  %%nm
        mov     esi, VALS_T
%%l:    mov     ebx, [cs:esi]
        mov     [MEM], ebx
        mov     eax, 0xDEADBEEF
        SETF    0x0002
        %1      %2, %3
        SHOW    F_ZF, ebx, eax
        add     esi, 4
        cmp     esi, VALS_T %+ _end
        jb      %%l
%endmacro

%macro TABLES 1
%1_offs:
        dd      0, 1, 7, 8, 15, 16, 31, 32, 33, 63, 100, 255, -1, -8, -9, -33, -100
%1_offs_end:
%1_vals:
        dd      0x00000000, 0x00000001, 0x80000000, 0x00010000, 0x00008000, 0x12345678, 0xFFFFFFFF, 0x00000100
%1_vals_end:
%endmacro

; fill BITS_A-16 .. BITS_A+16 with a pattern (bytes i*0x3B+0x11)
%macro FILLBITS_FN 0
        push    eax
        push    ecx
        mov     al, 0x11
        xor     ecx, ecx
%%f:    mov     [BITS_A-16+ecx], al
        add     al, 0x3B
        inc     ecx
        cmp     ecx, 48
        jb      %%f
        pop     ecx
        pop     eax
        ret
%endmacro
; eax = hash of the bit string
%macro HASHBITS_FN 0
        push    ecx
        push    edx
        xor     eax, eax
        xor     ecx, ecx
%%h:    rol     eax, 5
        movzx   edx, byte [BITS_A-16+ecx]
        xor     eax, edx
        inc     ecx
        cmp     ecx, 48
        jb      %%h
        pop     edx
        pop     ecx
        ret
%endmacro

%macro SUITE 0
        BTR_    bt, eax, ecx
        BTR_    bts, eax, ecx
        BTR_    btr, ax, cx
        BTR_    btc, eax, ecx
        BTM_    bt, dword, ecx
        BTM_    bts, dword, ecx
        BTM_    btr, word, cx
        BTM_    btc, dword, ecx
        BTM_    btc, word, cx
        ; imm8 offsets are taken modulo the operand size
        call    FILLBITS
        mov     eax, 0x0000FFFF
        bts     eax, 35
        CASE    "bts eax,35", F_CF, eax
        btr     ax, 17
        CASE    "btr ax,17", F_CF, eax
        btc     dword [BITS_A], 63
        bt      word [BITS_A], 12
        call    HASHBITS
        CASE    "btc m,63 bt m,12", F_CF, eax
        BSCAN   bsf, eax, ebx
        BSCAN   bsr, eax, ebx
        BSCAN   bsf, ax, bx
        BSCAN   bsr, ax, word [MEM]
        BSCAN   bsf, eax, dword [MEM]
        ; exchanges
        mov     eax, 0x11223344
        mov     ebx, 0xAABBCCDD
        xchg    al, bh
        CASE    "xchg al,bh", 0, eax, ebx
        xchg    ax, bx
        CASE    "xchg ax,bx", 0, eax, ebx
        xchg    ebx, eax
        CASE    "xchg ebx,eax", 0, eax, ebx
        mov     dword [MEM], 0x55667788
        xchg    [MEM], ecx
        xchg    [MEM+1], ah
        CASE    "xchg mem", 0, eax, ecx, [MEM]
        mov     eax, 0x7FFFFFFF
        mov     ebx, 0x00000001
        xadd    eax, ebx
        CASE    "xadd eax,ebx", F_ARITH, eax, ebx
        mov     dword [MEM], 0x000080FF
        mov     ebx, 0x12345601
        xadd    [MEM], bl
        CASE    "xadd m8,bl", F_ARITH, ebx, [MEM]
        xadd    [MEM], bx
        CASE    "xadd m16,bx", F_ARITH, ebx, [MEM]
        mov     eax, 0x00001234
        mov     ebx, 0x00005678
        mov     dword [MEM], 0x00001234
        cmpxchg [MEM], ebx
        CASE    "cmpxchg eq", F_ARITH, eax, ebx, [MEM]
        cmpxchg [MEM], ebx
        CASE    "cmpxchg ne", F_ARITH, eax, ebx, [MEM]
        mov     eax, 0xFFFFFF80
        mov     ecx, 0x00000081
        cmpxchg cl, ah
        CASE    "cmpxchg cl,ah ne", F_ARITH, eax, ecx
        mov     eax, 0x00000081
        cmpxchg cx, bx
        CASE    "cmpxchg cx,bx eq", F_ARITH, eax, ebx, ecx
        ; memory forms of every size, LOCK, the accumulator as source
        mov     dword [MEM], 0x80FF7F01
        mov     eax, 0xAAAAAA01
        mov     edx, 0x000000FE
        cmpxchg [MEM], dl
        CASE    "cmpxchg m8 eq", F_ARITH, eax, edx, [MEM]
        lock cmpxchg [MEM], dh
        CASE    "lock cmpxchg m8 ne", F_ARITH, eax, edx, [MEM]
        mov     eax, 0x55557F01
        cmpxchg [MEM+2], dx
        CASE    "cmpxchg m16 ne", F_ARITH, eax, edx, [MEM]
        mov     eax, 0x555580FF
        lock cmpxchg [MEM+2], dx
        CASE    "lock cmpxchg m16 eq", F_ARITH, eax, edx, [MEM]
        mov     eax, [MEM]
        lock cmpxchg [MEM], eax
        CASE    "lock cmpxchg m32,eax eq", F_ARITH, eax, [MEM]
        mov     eax, 0x7FFFFFFF
        mov     ecx, 0x80000000
        mov     [MEM], ecx
        cmpxchg [MEM], ecx
        CASE    "cmpxchg m32 ne ovf", F_ARITH, eax, ecx, [MEM]
        mov     eax, 0x11223344
        mov     edi, 0x8899AABB
        bswap   eax
        bswap   edi
        CASE    "bswap", 0, eax, edi
        ; sign/zero extension
        mov     eax, 0x12345680
        cbw
        CASE    "cbw", 0, eax
        cwde
        CASE    "cwde", 0, eax
        mov     edx, 0x11111111
        cwd
        CASE    "cwd", 0, eax, edx
        cdq
        CASE    "cdq", 0, eax, edx
        mov     eax, 0x0000007F
        cbw
        cwd
        CASE    "cbw cwd +", 0, eax, edx
        mov     dword [MEM], 0x8001FF80
        movzx   eax, byte [MEM]
        movsx   ebx, byte [MEM]
        movzx   ecx, word [MEM+2]
        movsx   edx, word [MEM+1]
        CASE    "movzx/sx", 0, eax, ebx, ecx, edx
        mov     eax, 0xFFFFFFFF
        mov     bl, 0x80
        movsx   ax, bl
        movzx   cx, bl
        CASE    "movsx ax,bl", 0, eax, ecx
%endmacro

main16:
        PUTSLN  "== real mode"
%define OFFS_T rm_offs
%define VALS_T rm_vals
%define FILLBITS fill16
%define HASHBITS hash16
        SUITE
        ENTER_PM pm32
fill16: FILLBITS_FN
hash16: HASHBITS_FN
        TABLES  rm

section .text32
bits 32
%define OFFS_T pm_offs
%define VALS_T pm_vals
%define FILLBITS fill32
%define HASHBITS hash32
pm32:
        PUTSLN  "== protected mode"
        SUITE
        EXIT
fill32: FILLBITS_FN
hash32: HASHBITS_FN
        TABLES  pm
