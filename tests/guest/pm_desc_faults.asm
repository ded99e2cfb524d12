; pm_desc_faults.asm - protected-mode descriptor loads and their faults, with
; the error codes (SDM vol. 3, 6.13 "Error Code": selector index | TI | EXT,
; or 0 for a null selector / limit violation):
;   MOV DS/ES/SS: null, beyond the GDT limit, system descriptor, execute-only
;   code, RPL/DPL, not present (#NP for data, #SS for SS), SS writable/DPL
;   rules (vol. 2, MOV "Operation"); LDT selectors with a null and a real LDTR;
;   segment limits (normal, expand-down, 16-bit SS -> #SS(0)); writes to
;   read-only data and code; far JMP/CALL to data, to a non-present code
;   segment, beyond the limit, to a DPL 3 non-conforming segment from CPL 0;
;   conforming code; LTR/LLDT on the wrong descriptor types and a busy TSS;
;   IDT entries beyond the limit, not present, of a bad type (vol. 2, INT n);
;   the accessed bit written on a load (3.4.5.1); LAR/LSL/VERR/VERW.
; Expected output (expected/pm_desc_faults.txt): captured from
; qemu-system-i386 7.2 -accel tcg by capture-expected.sh, then corrected by
; hand where QEMU departs from the SDM (the SDM decides):
;   - QEMU's TCG does not check segment limits, expand-down ranges, null
;     selectors or segment writability on data accesses; the SDM raises #GP(0)
;     (#SS(0) for SS-relative accesses) (vol. 3, 5.3 and 5.4.1; vol. 2, MOV):
;     lines "use null ds", "write via code", "ro read past", "ro write",
;     "small word 15", "expand-down 0xFFF", "ss16 read past", "fs null write".
;   - LTR with a null selector: QEMU loads it, the SDM says #GP(0) (vol. 2, LTR).
;   - LAR of selector 08: QEMU does not set the accessed bit of a code segment
;     loaded by a far JMP; the processor sets it on every segment register
;     load (vol. 3, 3.4.5.1), so 9B.
; Every other line is QEMU's and agrees with the sections cited above.
%include "lib.inc"
%include "sys.inc"

S_NP    equ SEL_FREE+0x00       ; data, not present
S_RO    equ SEL_FREE+0x08       ; read-only data, limit 0xFFF (byte granular)
S_XO    equ SEL_FREE+0x10       ; execute-only code
S_XR    equ SEL_FREE+0x18       ; execute/read code
S_ED    equ SEL_FREE+0x20       ; expand-down data, limit 0x0FFF, 32-bit (valid 0x1000-0xFFFFFFFF)
S_CNP   equ SEL_FREE+0x28       ; code, not present
S_CONF  equ SEL_FREE+0x30       ; conforming code DPL 0 (flat)
S_LDT   equ SEL_FREE+0x38       ; LDT at 0x3800 with 2 entries
S_SS16  equ SEL_FREE+0x40       ; 16-bit data, limit 0x0FFF, base 0x80000
S_DATA1 equ SEL_FREE+0x48       ; data DPL 1
S_SMALL equ SEL_FREE+0x50       ; data, limit 0xF, base 0x10000
LDT_BASE equ 0x3800

main16:
        ENTER_PM pm32

section .text32
bits 32
pm32:
        call    sys_init
        DESC    S_NP, 0, 0xFFFFF, 0x12, GRAN_4K32            ; P=0
        DESC    S_RO, 0x10000, 0xFFF, 0x90, 0x4
        DESC    S_XO, 0, 0xFFFFF, 0x98, GRAN_4K32
        DESC    S_XR, 0, 0xFFFFF, 0x9A, GRAN_4K32
        DESC    S_ED, 0, 0x00FFF, 0x96, 0x4
        DESC    S_CNP, 0, 0xFFFFF, 0x1A, GRAN_4K32
        DESC    S_CONF, 0, 0xFFFFF, 0x9E, GRAN_4K32
        DESC    S_LDT, LDT_BASE, 0x0F, ACC_LDT, 0
        DESC    S_SS16, 0x80000, 0x0FFF, 0x92, 0
        DESC    S_DATA1, 0, 0xFFFFF, 0xB2, GRAN_4K32
        DESC    S_SMALL, 0x10000, 0xF, 0x92, 0x4
        ; LDT: entry 0 = flat data DPL 0, entry 1 = not present
        mov     dword [LDT_BASE], 0x0000FFFF
        mov     dword [LDT_BASE+4], 0x00CF9200
        mov     dword [LDT_BASE+8], 0x0000FFFF
        mov     dword [LDT_BASE+12], 0x00CF1200

        PUTSLN  "== segment register loads"
        TRY     "ds null ok:", {mov ax, 0}, {mov ds, ax}
        TRY     "use null ds:", {mov ax, 0}, {mov ds, ax}, {mov eax, [0x100]}
        TRY     "ds beyond gdt:", {mov ax, 0x800}, {mov ds, ax}
        TRY     "ds tss:", {mov ax, SEL_TSS0}, {mov ds, ax}
        TRY     "ds exec-only:", {mov ax, S_XO}, {mov ds, ax}
        TRY     "ds exec-read ok:", {mov ax, S_XR}, {mov ds, ax}
        TRY     "write via code:", {mov ax, S_XR}, {mov ds, ax}, {mov [0x500], eax}
        TRY     "ds not present:", {mov ax, S_NP}, {mov es, ax}
        TRY     "ds rpl3 dpl0:", {mov ax, SEL_DATA32|3}, {mov ds, ax}
        TRY     "ds dpl1 rpl1 ok:", {mov ax, S_DATA1|1}, {mov ds, ax}
        TRY     "ds conforming ok:", {mov ax, S_CONF|3}, {mov ds, ax}
        TRY     "ss null:", {mov ax, 0}, {mov ss, ax}
        TRY     "ss read-only:", {mov ax, S_RO}, {mov ss, ax}
        TRY     "ss code:", {mov ax, S_XR}, {mov ss, ax}
        TRY     "ss dpl3:", {mov ax, SEL_DATA3}, {mov ss, ax}
        TRY     "ss rpl1:", {mov ax, SEL_DATA32|1}, {mov ss, ax}
        TRY     "ss not present:", {mov ax, S_NP}, {mov ss, ax}
        TRY     "ds ldt null ldtr:", {mov ax, 0x04}, {mov ds, ax}
        mov     ax, S_LDT
        lldt    ax
        TRY     "ds ldt ok:", {mov ax, 0x04}, {mov ds, ax}
        TRY     "ds ldt np:", {mov ax, 0x0C}, {mov ds, ax}
        TRY     "ds ldt beyond:", {mov ax, 0x14}, {mov ds, ax}
        xor     ax, ax
        lldt    ax

        PUTSLN  "== limits"
        TRY     "ro read ok:", {mov ax, S_RO}, {mov es, ax}, {mov eax, [es:0xFFC]}
        TRY     "ro read past:", {mov ax, S_RO}, {mov es, ax}, {mov eax, [es:0xFFD]}
        TRY     "ro write:", {mov ax, S_RO}, {mov es, ax}, {mov [es:0], eax}
        TRY     "small byte 15 ok:", {mov ax, S_SMALL}, {mov es, ax}, {mov byte [es:0xF], 1}
        TRY     "small word 15:", {mov ax, S_SMALL}, {mov es, ax}, {mov word [es:0xF], 1}
        TRY     "expand-down 0x1000 ok:", {mov ax, S_ED}, {mov es, ax}, {mov eax, [es:0x1000]}
        TRY     "expand-down 0xFFF:", {mov ax, S_ED}, {mov es, ax}, {mov eax, [es:0xFFF]}
        TRY     "expand-down top ok:", {mov ax, S_ED}, {mov es, ax}, {mov eax, [es:0xFFFFFFFC]}
        TRY     "ss16 read ok:", {mov ax, S_SS16}, {mov ss, ax}, {mov esp, 0x800}, {mov eax, [esp+0x7FC]}
        TRY     "ss16 read past:", {mov ax, S_SS16}, {mov ss, ax}, {mov esp, 0x800}, {mov eax, [esp+0x7FE]}
        TRY     "fs null write:", {xor eax, eax}, {mov fs, ax}, {mov [fs:0], eax}

        PUTSLN  "== accessed bit"
        and     byte [GDT_RAM+S_XR+5], 0xFE
        PUTS    "before:"
        PHEX    2, [GDT_RAM+S_XR+5]
        mov     ax, S_XR
        mov     gs, ax
        PUTS    " after:"
        PHEX    2, [GDT_RAM+S_XR+5]
        NEWLINE
        mov     ax, SEL_DATA32
        mov     gs, ax

        PUTSLN  "== far transfers"
        TRY     "jmp data:", {jmp SEL_DATA32:0}
        TRY     "jmp np code:", {jmp S_CNP:0}
        TRY     "jmp null:", {jmp 0:0}
        TRY     "jmp beyond limit:", {jmp SEL_CODE16:0x10000}
        TRY     "call dpl3 code:", {call SEL_CODE3:far_ok}
        TRY     "call ldt null ldtr:", {call 0x0C:far_ok}
        TRY     "jmp conforming ok:", {jmp S_CONF:far_ok}
        TRY     "retf to rpl0 data:", {push dword SEL_DATA32}, {push dword far_ok}, {retf}
        TRY     "retf cs rpl < cpl ok:", {push dword SEL_CODE32}, {push dword far_ok}, {retf}

        PUTSLN  "== system descriptors"
        TRY     "ltr busy:", {mov ax, SEL_TSS0}, {ltr ax}
        TRY     "ltr data:", {mov ax, SEL_DATA32}, {ltr ax}
        TRY     "ltr null:", {xor eax, eax}, {ltr ax}
        TRY     "lldt tss:", {mov ax, SEL_TSS0}, {lldt ax}
        TRY     "lldt ldt-bit:", {mov ax, 0x0C}, {lldt ax}
        PUTS    "tss busy bit:"
        PHEX    2, [GDT_RAM+SEL_TSS0+5]
        NEWLINE

        PUTSLN  "== idt"
        mov     dword [IDT_BASE+0x41*8], 0              ; not a gate (type 0)
        mov     dword [IDT_BASE+0x41*8+4], 0x00008000
        mov     dword [IDT_BASE+0x42*8], 0x00080000     ; interrupt gate, not present
        mov     dword [IDT_BASE+0x42*8+4], 0x00000E00
        TRY     "int 41 bad type:", {int 0x41}
        TRY     "int 42 not present:", {int 0x42}
        sidt    [VAR_BASE+0xC0]
        mov     word [VAR_BASE+0xC0], 0x40*8-1
        lidt    [VAR_BASE+0xC0]
        TRY     "int 40 beyond limit:", {int 0x40}
        mov     word [VAR_BASE+0xC0], 256*8-1
        lidt    [VAR_BASE+0xC0]

        PUTSLN  "== lar lsl verr verw"
%macro Q 1
        PUTS    "sel "
        PHEX    4, %1
        mov     ecx, %1
        mov     eax, 0x12345678
        lar     eax, ecx
        SHOW    F_ZF|NONL, eax
        mov     eax, 0x12345678
        lsl     eax, ecx
        SHOW    F_ZF|NONL, eax
        verr    cx
        SHOW    F_ZF|NONL
        verw    cx
        SHOW    F_ZF
%endmacro
        Q       SEL_CODE32
        Q       SEL_DATA32|3
        Q       SEL_TSS0
        Q       S_XO
        Q       S_RO
        Q       S_NP
        Q       S_LDT
        Q       0x800
        Q       0
        EXIT

far_ok:
        PUTS    " reached"
        mov     esp, [SAVED_ESP]
        jmp     SEL_CODE32:.back
.back:  jmp     [RESUME]
