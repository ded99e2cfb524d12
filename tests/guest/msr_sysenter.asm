; msr_sysenter.asm - model-specific registers, SYSENTER/SYSEXIT, RDPMC and
; RDTSC privilege (SDM vol. 2 RDMSR, WRMSR, RDPMC, RDTSC, SYSENTER, SYSEXIT,
; CPUID; vol. 3 11.11 "MTRRs", 17.17 "Time-stamp counter"; vol. 4 table 2-3
; "MSRs in the P6 family"):
;   CPUID leaf 1 signature and the MSR/SEP/MTRR/PAT/APIC/VME/DE bits;
;   SYSENTER_CS/ESP/EIP, MTRRcap, MTRRdefType, a variable MTRR pair and a
;   fixed-range MTRR written and read back; reserved bits and invalid memory
;   types (#GP); PAT and an unknown MSR (#GP: no such MSR on this CPU);
;   WRMSR to the TSC (P6: the high half becomes 0); RDMSR at CPL 3 (#GP);
;   SYSENTER from ring 3 (flat CS/SS from SYSENTER_CS, ESP/EIP from the MSRs,
;   IF cleared) and SYSEXIT back (CS = SYSENTER_CS+16 | 3, SS = +24 | 3,
;   ESP = ECX, EIP = EDX); SYSENTER with SYSENTER_CS = 0 and SYSEXIT at
;   CPL 3 (#GP(0)); RDPMC at CPL 3 without and with CR4.PCE, and with
;   ECX = 2 (#GP); RDTSC at CPL 3 with CR4.TSD (#GP(0)) and without.
; Expected output (expected/msr_sysenter.txt): hand-derived from the SDM
; sections above and the CPU model xlat86 implements (family 6 model 3
; stepping 3, no PAT/APIC/VME); QEMU's default CPU differs in its model and
; MSR set (it has PAT, returns 0 for unknown MSRs instead of #GP, keeps 64
; bits on a TSC write and raises #UD for RDPMC), so its output was used for
; the lines they share only.  Lines that differ from QEMU 7.2 (tcg, default
; CPU) and why:
;   signature/features: our model (CPU_SIGNATURE in cpu/cpu.h; CPUID leaf 1
;     EDX in cpu/ops_system.c): 633, DE MSR SEP MTRR = 1824h.
;   mtrrcap 508h: VCNT 8, FIX, WC (vol. 3, 11.11.1; QEMU's CPU reports no MTRR).
;   "mtrr_def_type reserved", "physmask0 bit 36", "wrmsr mtrrcap": #GP for
;     reserved bits / a read-only MSR (vol. 2, WRMSR "Protected Mode Exceptions").
;   "type 2", "fix16k type 3": #GP for an undefined memory type (vol. 3, 11.11.2).
;   "pat", "msr 12345": #GP(0) for an MSR this CPU does not have (vol. 2, RDMSR).
;   "rdpmc pce" = 0 (counter 0 holds 0, nothing counts), "rdpmc ecx=2" #GP
;     (vol. 2, RDPMC: P6 has counters 0 and 1); QEMU raises #UD for any RDPMC.
;   "cr4.pae": #GP, PAE is not implemented (vol. 2, MOV CRn: reserved bit).
%include "lib.inc"
%include "sys.inc"

S_SE    equ SEL_FREE            ; SYSENTER_CS: code0, data0, code3, data3 follow

%macro PR 2
        PUTS    %1
        PHEX    8, %2
%endmacro

; RD "name", msr - print " name=EDX:EAX" or the fault
%macro RD 2
        TRY     %1, {mov ecx, %2}, {rdmsr}, {PR " =", edx}, {PR ":", eax}
%endmacro
; WRRD "name", msr, hi, lo - write then read back
%macro WRRD 4
        TRY     %1, {mov ecx, %2}, {mov edx, %3}, {mov eax, %4}, {wrmsr}, {xor eax, eax}, {xor edx, edx}, {rdmsr}, {PR " =", edx}, {PR ":", eax}
%endmacro

main16:
        ENTER_PM pm32

section .text32
bits 32
pm32:
        call    sys_init
        DESC    S_SE, 0, 0xFFFFF, ACC_CODE0, GRAN_4K32
        DESC    S_SE+8, 0, 0xFFFFF, ACC_DATA0, GRAN_4K32
        DESC    S_SE+16, 0, 0xFFFFF, ACC_CODE3, GRAN_4K32
        DESC    S_SE+24, 0, 0xFFFFF, ACC_DATA3, GRAN_4K32
        IGATE   0x30, SEL_CODE32, back0, ACC_IGATE32 | 0x60

        PUTSLN  "== cpuid"
        mov     eax, 1
        cpuid
        PR      "signature=", eax
        and     edx, (1<<1)|(1<<2)|(1<<5)|(1<<9)|(1<<11)|(1<<12)|(1<<16)
        PR      " vme de msr apic sep mtrr pat=", edx
        NEWLINE

        PUTSLN  "== msrs"
        WRRD    "sysenter_cs", 0x174, 0x12345678, S_SE
        WRRD    "sysenter_esp", 0x175, 0, 0x8F000
        WRRD    "sysenter_eip", 0x176, 0, sysenter_target
        RD      "mtrrcap", 0xFE
        WRRD    "mtrr_def_type", 0x2FF, 0, 0xC06
        TRY     "mtrr_def_type reserved:", {mov ecx, 0x2FF}, {xor edx, edx}, {mov eax, 0x1006}, {wrmsr}
        TRY     "mtrr_def_type type 2:", {mov ecx, 0x2FF}, {xor edx, edx}, {mov eax, 0x802}, {wrmsr}
        WRRD    "physbase0", 0x200, 0, 0x00100006
        WRRD    "physmask0", 0x201, 0xF, 0xFFF00800
        TRY     "physmask0 bit 36:", {mov ecx, 0x201}, {mov edx, 0x1F}, {mov eax, 0xFFF00800}, {wrmsr}
        WRRD    "fix64k_00000", 0x250, 0x06060606, 0x06060606
        WRRD    "fix4k_f8000", 0x26F, 0x05050505, 0x05050505
        TRY     "fix16k type 3:", {mov ecx, 0x258}, {mov edx, 0}, {mov eax, 0x03}, {wrmsr}
        RD      "mtrr_def_type again", 0x2FF
        RD      "pat:", 0x277
        RD      "msr 12345:", 0x12345
        TRY     "wrmsr mtrrcap:", {mov ecx, 0xFE}, {xor edx, edx}, {xor eax, eax}, {wrmsr}
        TRY     "tsc write:", {mov ecx, 0x10}, {mov edx, 0x12}, {mov eax, 0x1000}, {wrmsr}, {rdtsc}, {PR " high=", edx}

        PUTSLN  "== ring 3"
        TRY     "rdmsr at cpl3:", {RING3 r3_rdmsr, 0x0002}
        TRY     "sysenter round trip:", {RING3 r3_sysenter, 0x0202}
        TRY     "sysexit at cpl3:", {RING3 r3_sysexit, 0x0002}
        TRY     "rdpmc at cpl3:", {RING3 r3_rdpmc, 0x0002}
        mov     eax, cr4
        or      eax, 0x100                      ; PCE
        mov     cr4, eax
        TRY     "rdpmc pce:", {RING3 r3_rdpmc, 0x0002}
        TRY     "rdpmc ecx=2:", {mov ecx, 2}, {rdpmc}
        TRY     "rdtsc at cpl3:", {RING3 r3_rdtsc, 0x0002}
        mov     eax, cr4
        or      eax, 0x004                      ; TSD
        mov     cr4, eax
        TRY     "rdtsc tsd at cpl3:", {RING3 r3_rdtsc, 0x0002}
        TRY     "rdtsc tsd at cpl0:", {rdtsc}
        TRY     "cr4.pae (not implemented):", {mov eax, cr4}, {or eax, 0x20}, {mov cr4, eax}
        mov     ecx, 0x174
        xor     edx, edx
        xor     eax, eax
        wrmsr
        TRY     "sysenter cs=0:", {RING3 r3_sysenter, 0x0202}
        EXIT

r3_rdmsr:
        mov     ecx, 0x174
        rdmsr
        int     0x30

r3_sysenter:
        mov     ebx, esp
        sysenter
r3_after_sysexit:
        mov     eax, cs
        PR      " ring3 cs=", eax
        mov     eax, ss
        PR      " ss=", eax
        PR      " esp=", esp
        int     0x30

r3_sysexit:
        mov     ecx, esp
        mov     edx, r3_after_sysexit
        sysexit
        int     0x30

r3_rdpmc:
        xor     ecx, ecx
        rdpmc
        PR      " =", edx
        PR      ":", eax
        int     0x30

r3_rdtsc:
        rdtsc
        PUTS    " ok"
        int     0x30

sysenter_target:
        mov     eax, cs
        PR      " ring0 cs=", eax
        mov     eax, ss
        PR      " ss=", eax
        PR      " esp=", esp
        pushfd
        pop     eax
        PR      " efl=", eax
        mov     ecx, ebx                        ; back to the caller's stack
        mov     edx, r3_after_sysexit
        sysexit

back0:
        RESTORE_SEGS
        jmp     [RESUME]
