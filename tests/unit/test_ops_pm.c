/* test_ops_pm.c - protected-mode parts of the control families: segment
 * loads with their checks, 32-bit stack, far transfers, interrupts through
 * IDT gates with and without a privilege change (TSS stack), IRET back to
 * ring 3, IOPL and the I/O permission bitmap; call gates with parameter
 * copying, task switches (CALL to a TSS, IRET with NT), MSRs and
 * SYSENTER/SYSEXIT, the debug-register and NMI helpers of cpu/debug.c, the
 * double-fault classes of table 6-5.
 *
 * Layout: GDT at 0x1000, IDT at 0x2000, TSS at 0x3000 (I/O bitmap at
 * 0x3068), flat ring-0 code at 0x4000, handlers at 0x5000.. .
 */
#include "ops_harness.h"

#define GDT 0x1000u
#define IDT 0x2000u
#define TSS 0x3000u

static void gdt_set(unsigned sel, uint32_t lo, uint32_t hi)
{
    poke32(GDT + sel, lo);
    poke32(GDT + sel + 4, hi);
}

static void gate_set(unsigned vec, uint16_t sel, uint32_t off, unsigned type_dpl_p)
{
    poke32(IDT + vec * 8, ((uint32_t)sel << 16) | (off & 0xffffu));
    poke32(IDT + vec * 8 + 4, (off & 0xffff0000u) | (type_dpl_p << 8));
}

static int load(int sreg, uint16_t sel)
{
    if (setjmp(cpu.jmp)) return EXC(cpu.exc_vector);
    cpu_load_seg(&cpu, sreg, sel);
    return 0;
}

/* Flat ring-0 protected mode, TR loaded. */
static void pm_mode(void)
{
    real_mode();
    gdt_set(0x08, 0x0000ffffu, 0x00cf9a00u); /* code32 DPL0 */
    gdt_set(0x10, 0x0000ffffu, 0x00cf9200u); /* data32 DPL0 */
    gdt_set(0x18, 0x0000ffffu, 0x00cffa00u); /* code32 DPL3 */
    gdt_set(0x20, 0x0000ffffu, 0x00cff200u); /* data32 DPL3 */
    gdt_set(0x28, (TSS << 16) | 0x2068u, 0x00008900u); /* 32-bit TSS, limit covers the bitmap */
    gdt_set(0x30, 0x0000ffffu, 0x00cf1200u); /* data, not present */
    gdt_set(0x38, 0x0000ffffu, 0x00009a01u); /* code16 base 0x10000 */
    cpu.gdtr.base = GDT;
    cpu.gdtr.limit = 0x3f;
    cpu.idtr.base = IDT;
    cpu.idtr.limit = 0x7ff;
    gate_set(0x80, 0x08, 0x5000, 0xee);      /* interrupt gate, DPL3 */
    gate_set(0x81, 0x08, 0x5100, 0x8f);      /* trap gate, DPL0 */
    gate_set(EXC_GP, 0x08, 0x5200, 0x8e);    /* #GP: interrupt gate, DPL0 */
    poke32(TSS + 4, 0x9000);                 /* ESP0 */
    poke32(TSS + 8, 0x10);                   /* SS0 */
    poke16(TSS + 0x66, 0x68);                /* I/O bitmap offset */
    mem.ram[TSS + 0x68 + (0x61 >> 3)] = 1u << (0x61 & 7);
    cpu.cr[0] |= CR0_PE;
    EQ(load(S_CS, 0x08), 0, "load CS");
    EQ(load(S_SS, 0x10), 0, "load SS");
    EQ(load(S_DS, 0x10), 0, "load DS");
    EQ(load(S_ES, 0x10), 0, "load ES");
    EQ(load(S_FS, 0), 0, "null FS");
    EQ(load(S_GS, 0), 0, "null GS");
    cpu.eip = 0x4000;
    cpu.regs[R_ESP] = 0x8000;
    cpu.regs[R_EAX] = 0x28;
    EQ(RUN("\x0f\x00\xd8"), OPR_NEXT, "ltr ax");
    cpu.eip = 0x4000;
}

static void segment_loads_check_descriptors(void **state)
{
    (void)state;
    pm_mode();
    EQ(cpu.seg[S_DS].limit, 0xffffffffu, "4 GiB limit (G)");
    EQ(cpu.seg[S_DS].flags & SEGF_DB, SEGF_DB, "B set");
    EQ(mem.ram[GDT + 0x10 + 5], 0x93, "accessed bit written back");
    EQ(mem.ram[GDT + 0x28 + 5], 0x8b, "LTR marks the TSS busy");
    EQ(cpu.tr.base, TSS, "TR base");
    EQ(cpu_mode(&cpu), MODE_PE | MODE_CS32 | MODE_SS32, "mode bits");
    EQ(load(S_DS, 0x30), EXC(EXC_NP), "not present");
    EQ(cpu.exc_error, 0x30, "#NP(sel)");
    EQ(load(S_DS, 0x48), EXC(EXC_GP), "beyond the GDT limit");
    EQ(cpu.exc_error, 0x48, "#GP(sel)");
    EQ(load(S_SS, 0), EXC(EXC_GP), "null SS");
    EQ(cpu.exc_error, 0, "#GP(0)");
    EQ(load(S_SS, 0x23), EXC(EXC_GP), "SS with RPL != CPL");
    EQ(load(S_SS, 0x08), EXC(EXC_GP), "SS = code");
    EQ(load(S_DS, 0x28), EXC(EXC_GP), "DS = TSS");
    EQ(load(S_DS, 0x0c), EXC(EXC_GP), "LDT reference without an LDT");
    EQ(load(S_DS, 0x08), 0, "readable code into DS");
    EQ(load(S_DS, 0), 0, "null DS");
    EQ(RUN("\xa1\x00\x00\x00\x00"), EXC(EXC_GP), "access through a null DS");
    EQ(RUN("\x8c\xd8"), OPR_NEXT, "mov eax, ds");
    EQ(cpu.regs[R_EAX], 0, "null selector");
    EQ(RUN("\x89\x00"), EXC(EXC_GP), "write through null DS");
    EQ(load(S_DS, 0x08), 0, "code into DS");
    cpu.regs[R_EAX] = 0x100;
    EQ(RUN("\x89\x00"), EXC(EXC_GP), "write to a code segment");
    EQ(load(S_DS, 0x10), 0, "back to data");
    EQ(RUN("\x89\x00"), OPR_NEXT, "write to data");
}

static void stack_32bit(void **state)
{
    (void)state;
    pm_mode();
    EQ(RUN("\x68\x11\x11\x11\x11"), OPR_NEXT, "push imm32");
    EQ(RUN("\x6a\xfe"), OPR_NEXT, "push imm8");
    EQ(peek(0x7ff8, 4), 0xfffffffeu, "sign-extended to 32 bits");
    EQ(RUN("\x8f\x44\x24\x04"), OPR_NEXT, "pop dword [esp+4]");
    EQ(cpu.regs[R_ESP], 0x7ffc, "ESP incremented");
    EQ(peek(0x8000, 4), 0xfffffffeu, "address computed with the incremented ESP");
    EQ(peek(0x7ffc, 4), 0x11111111u, "slot below untouched");
    EQ(RUN("\x54"), OPR_NEXT, "push esp");
    EQ(peek(0x7ff8, 4), 0x7ffc, "old ESP");
    EQ(RUN("\x0e"), OPR_NEXT, "push cs");
    EQ(cpu.regs[R_ESP], 0x7ff4, "4-byte slot");
    EQ(peek(0x7ff4, 4), 0x08, "selector zero-extended");
    cpu.regs[R_ESP] = 0x8000;
    for (int i = 0; i < 8; i++) cpu.regs[i] = i == R_ESP ? 0x8000 : 0x01010101u * (unsigned)i;
    EQ(RUN("\x60"), OPR_NEXT, "pushad");
    EQ(cpu.regs[R_ESP], 0x7fe0, "32 bytes");
    EQ(peek(0x7fe0 + 12, 4), 0x8000, "original ESP slot");
    for (int i = 0; i < 8; i++)
        if (i != R_ESP) cpu.regs[i] = 0;
    EQ(RUN("\x61"), OPR_NEXT, "popad");
    EQ(cpu.regs[R_EDI], 0x07070707u, "EDI");
    EQ(cpu.regs[R_EAX], 0, "EAX");
    EQ(cpu.regs[R_ECX], 0x01010101u, "ECX");
    EQ(cpu.regs[R_ESP], 0x8000, "ESP");
    cpu.eflags = F_1 | F_RF | F_IF;
    EQ(RUN("\x9c"), OPR_NEXT, "pushfd");
    EQ(peek(0x7ffc, 4), F_1 | F_IF, "RF reads as 0 in the image");
    poke32(0x7ffc, F_1 | F_VM | F_IOPL | F_AC | F_CF);
    EQ(RUN("\x9d"), OPR_NEXT, "popfd at CPL0");
    EQ(cpu.eflags, F_1 | F_IOPL | F_AC | F_CF, "VM never changes; IOPL does at CPL0; IF cleared");
}

static void far_transfers(void **state)
{
    (void)state;
    pm_mode();
    EQ(RUN("\x9a\x00\x60\x00\x00\x08\x00"), OPR_JUMP, "lcall 08:6000");
    EQ(cpu.eip, 0x6000, "EIP");
    EQ(peek(0x7ff8, 4), 0x4007, "return EIP");
    EQ(peek(0x7ffc, 4), 0x08, "return CS");
    EQ(RUN("\xcb"), OPR_JUMP, "retf");
    EQ(cpu.eip, 0x4007, "back");
    EQ(cpu.regs[R_ESP], 0x8000, "ESP");
    EQ(RUN("\xea\x00\x00\x00\x00\x10\x00"), EXC(EXC_GP), "ljmp to a data segment");
    EQ(cpu.exc_error, 0x10, "#GP(sel)");
    EQ(RUN("\xea\x00\x00\x00\x00\x18\x00"), EXC(EXC_GP), "ljmp to DPL3 non-conforming code");
    EQ(RUN("\xea\x10\x00\x00\x00\x38\x00"), OPR_JUMP, "ljmp 38:10 (16-bit code)");
    EQ(cpu.seg[S_CS].base, 0x10000, "CS base");
    EQ(cpu.eip, 0x10, "EIP");
    EQ(cpu_mode(&cpu) & MODE_CS32, 0, "16-bit code now");
    EQ(RUN("\x66\xea\x00\x40\x00\x00\x08\x00"), OPR_JUMP, "ljmp 08:4000 from 16-bit code");
    EQ(cpu_mode(&cpu) & MODE_CS32, MODE_CS32, "32-bit code again");
    EQ(cpu.eip, 0x4000, "EIP");
}

static void interrupts_through_idt_gates(void **state)
{
    (void)state;
    pm_mode();
    cpu.eflags = F_1 | F_IF;
    EQ(RUN("\xcd\x80"), OPR_JUMP, "int 0x80 at CPL0");
    EQ(cpu.eip, 0x5000, "handler");
    EQ(cpu.regs[R_ESP], 0x8000 - 12, "EFLAGS, CS, EIP");
    EQ(peek(0x7ff4, 4), 0x4002, "EIP");
    EQ(peek(0x7ff8, 4), 0x08, "CS");
    EQ(peek(0x7ffc, 4), F_1 | F_IF, "EFLAGS");
    EQ(cpu.eflags & F_IF, 0, "interrupt gate clears IF");
    EQ(RUN("\xcf"), OPR_JUMP, "iretd");
    EQ(cpu.eip, 0x4002, "back");
    EQ(cpu.eflags, F_1 | F_IF, "EFLAGS back");
    EQ(cpu.regs[R_ESP], 0x8000, "ESP back");
    EQ(RUN("\xcd\x81"), OPR_JUMP, "int 0x81 (trap gate)");
    EQ(cpu.eflags & F_IF, F_IF, "trap gate keeps IF");
    cpu.regs[R_ESP] = 0x8000;
    cpu.eip = 0x4000;
    EQ(RUN("\xcd\x90"), EXC(EXC_GP), "empty IDT slot");
    EQ(cpu.exc_error, 0x90 * 8 + 2, "#GP(vector*8+2)");
    cpu.idtr.limit = 0x3ff;
    EQ(RUN("\xcd\x80"), EXC(EXC_GP), "vector beyond the IDT limit");
    EQ(cpu.exc_error, 0x80 * 8 + 2, "#GP(vector*8+2)");
    cpu.idtr.limit = 0x7ff;
    /* A fault with an error code: pushed after EIP, EIP = the faulting insn. */
    EQ(RUN("\x66\xb8\x48\x00"), OPR_NEXT, "mov ax, 0x48");
    EQ(RUN("\x8e\xd8"), EXC(EXC_GP), "mov ds, ax beyond the GDT");
    EQ(deliver(), 0, "deliver #GP");
    EQ(cpu.eip, 0x5200, "#GP handler");
    EQ(peek(0x7ff0, 4), 0x48, "error code");
    EQ(peek(0x7ff4, 4), 0x4004, "EIP of the faulting MOV");
}

static void privilege_change_through_tss_and_iret(void **state)
{
    (void)state;
    pm_mode();
    /* IRETD to ring 3: EIP, CS, EFLAGS, ESP, SS. */
    uint32_t frame[5] = {0x4100, 0x1b, F_1 | F_IF, 0x7000, 0x23};
    cpu.regs[R_ESP] = 0x8000 - 20;
    for (int i = 0; i < 5; i++) poke32(0x8000 - 20 + 4u * (unsigned)i, frame[i]);
    cpu.eflags = F_1;
    EQ(RUN("\xcf"), OPR_JUMP, "iretd to ring 3");
    EQ(cpu_cpl(&cpu), 3, "CPL 3");
    EQ(cpu.eip, 0x4100, "EIP");
    EQ(cpu.seg[S_SS].sel, 0x23, "SS");
    EQ(cpu.regs[R_ESP], 0x7000, "ESP");
    EQ(cpu.eflags & F_IF, F_IF, "IF from the image");
    EQ(cpu.seg[S_DS].flags & SEGF_P, 0, "DPL0 DS nulled on return to ring 3");
    EQ(load(S_DS, 0x23), 0, "DS = ring-3 data");

    EQ(RUN("\xcd\x80"), OPR_JUMP, "int 0x80 from ring 3");
    EQ(cpu_cpl(&cpu), 0, "CPL 0");
    EQ(cpu.seg[S_SS].sel, 0x10, "SS0 from the TSS");
    EQ(cpu.regs[R_ESP], 0x9000 - 20, "ESP0 - 5 dwords");
    EQ(peek(0x9000 - 4, 4), 0x23, "old SS");
    EQ(peek(0x9000 - 8, 4), 0x7000, "old ESP");
    EQ(peek(0x9000 - 12, 4), F_1 | F_IF, "EFLAGS");
    EQ(peek(0x9000 - 16, 4), 0x1b, "old CS");
    EQ(peek(0x9000 - 20, 4), 0x4102, "return EIP");
    EQ(RUN("\xcf"), OPR_JUMP, "iretd back to ring 3");
    EQ(cpu_cpl(&cpu), 3, "CPL 3");
    EQ(cpu.regs[R_ESP], 0x7000, "ring-3 ESP");
    EQ(cpu.eip, 0x4102, "EIP");
    EQ(cpu.seg[S_DS].sel, 0x23, "DPL3 DS kept");

    EQ(RUN("\xcd\x81"), EXC(EXC_GP), "INT to a DPL0 gate from ring 3");
    EQ(cpu.exc_error, 0x81 * 8 + 2, "#GP(vector*8+2)");
    EQ(RUN("\xfa"), EXC(EXC_GP), "cli at CPL3 > IOPL");
    EQ(RUN("\xf4"), EXC(EXC_GP), "hlt at CPL3");
    EQ(RUN("\x0f\x01\x16"), EXC(EXC_GP), "lgdt at CPL3");
    EQ(RUN("\x0f\x20\xc0"), EXC(EXC_GP), "mov eax, cr0 at CPL3");
    EQ(RUN("\xe4\x60"), OPR_NEXT, "in al, 0x60: allowed by the bitmap");
    EQ(RUN("\xe4\x61"), EXC(EXC_GP), "in al, 0x61: denied by the bitmap");
    EQ(RUN("\x66\xe5\x60"), EXC(EXC_GP), "in ax, 0x60 spans port 0x61");
    cpu.eflags |= F_IOPL;
    EQ(RUN("\xe4\x61"), OPR_NEXT, "IOPL 3 overrides the bitmap");
    EQ(RUN("\xfa"), OPR_NEXT, "cli at IOPL 3");
    poke32(0x7000, F_1);
    cpu.eflags = F_1 | F_IF;
    EQ(RUN("\x9d"), OPR_NEXT, "popfd at CPL3 > IOPL");
    EQ(cpu.eflags & F_IF, F_IF, "IF unchanged");
    EQ(RUN("\x0f\x01\x06"), OPR_NEXT, "sgdt at CPL3 is allowed");
}

static void protection_queries(void **state)
{
    (void)state;
    pm_mode();
    cpu.regs[R_EBX] = 0x10;
    EQ(RUN("\x0f\x02\xc3"), OPR_NEXT, "lar eax, ebx");
    EQ(cpu.eflags & F_ZF, F_ZF, "valid");
    EQ(cpu.regs[R_EAX], 0x00c09300u, "access rights (accessed)");
    EQ(RUN("\x0f\x03\xc3"), OPR_NEXT, "lsl eax, ebx");
    EQ(cpu.regs[R_EAX], 0xffffffffu, "limit");
    cpu.regs[R_EBX] = 0x48;
    EQ(RUN("\x0f\x03\xc3"), OPR_NEXT, "lsl beyond the GDT");
    EQ(cpu.eflags & F_ZF, 0, "ZF=0");
    cpu.regs[R_EBX] = 0x08;
    EQ(RUN("\x0f\x00\xe3"), OPR_NEXT, "verr code");
    EQ(cpu.eflags & F_ZF, F_ZF, "readable");
    EQ(RUN("\x0f\x00\xeb"), OPR_NEXT, "verw code");
    EQ(cpu.eflags & F_ZF, 0, "not writable");
    cpu.regs[R_EAX] = 0x20;
    cpu.regs[R_EBX] = 0x03;
    EQ(RUN("\x63\xd8"), OPR_NEXT, "arpl ax, bx");
    EQ(cpu.regs[R_EAX] & 0xffff, 0x23, "RPL raised");
    EQ(cpu.eflags & F_ZF, F_ZF, "ZF=1");
    EQ(RUN("\x0f\x00\xc8"), OPR_NEXT, "str eax");
    EQ(cpu.regs[R_EAX], 0x28, "TR selector");
}

/* Ring 3 at 0x4100 with ESP 0x7000 (the IRETD of the test above). */
static void ring3(void)
{
    uint32_t frame[5] = {0x4100, 0x1b, F_1, 0x7000, 0x23};
    cpu.regs[R_ESP] = 0x8000 - 20;
    for (int i = 0; i < 5; i++) poke32(0x8000 - 20 + 4u * (unsigned)i, frame[i]);
    cpu.eflags = F_1;
    EQ(RUN("\xcf"), OPR_JUMP, "iretd to ring 3");
    EQ(cpu_cpl(&cpu), 3, "CPL 3");
}

static void call_gate_with_parameters(void **state)
{
    (void)state;
    pm_mode();
    cpu.gdtr.limit = 0xff;
    /* 0x40: 32-bit call gate, DPL 3, 2 parameters -> 0x08:0x00005300. */
    gdt_set(0x40, (0x08u << 16) | 0x5300u, 0x0000ec02u);
    /* 0x48: 16-bit call gate, DPL 3, 1 parameter -> 0x08:0x5400. */
    gdt_set(0x48, (0x08u << 16) | 0x5400u, 0x0000e401u);
    ring3();
    poke32(0x7000, 0x11111111);
    poke32(0x7004, 0x22222222);
    EQ(RUN("\x9a\x00\x00\x00\x00\x43\x00"), OPR_JUMP, "lcall 0x43:0 from ring 3");
    EQ(cpu_cpl(&cpu), 0, "CPL 0");
    EQ(cpu.seg[S_CS].sel, 0x08, "CS = gate's selector, RPL 0");
    EQ(cpu.eip, 0x5300, "EIP from the gate");
    EQ(cpu.seg[S_SS].sel, 0x10, "SS0");
    EQ(cpu.regs[R_ESP], 0x9000 - 24, "6 dwords on the inner stack");
    EQ(peek(0x9000 - 4, 4), 0x23, "old SS");
    EQ(peek(0x9000 - 8, 4), 0x7000, "old ESP");
    EQ(peek(0x9000 - 12, 4), 0x22222222, "param 1");
    EQ(peek(0x9000 - 16, 4), 0x11111111, "param 0 (lowest address stays lowest)");
    EQ(peek(0x9000 - 20, 4), 0x1b, "old CS");
    EQ(peek(0x9000 - 24, 4), 0x4107, "return EIP");
    EQ(RUN("\xca\x08\x00"), OPR_JUMP, "retf 8 to ring 3");
    EQ(cpu_cpl(&cpu), 3, "back at CPL 3");
    EQ(cpu.regs[R_ESP], 0x7008, "parameters released from the outer stack");
    EQ(cpu.eip, 0x4107, "EIP");

    /* 16-bit gate: word slots, the upper half of ESP dropped. */
    poke16(0x7008, 0xabcd);
    EQ(RUN("\x9a\x00\x00\x00\x00\x4b\x00"), OPR_JUMP, "lcall through a 16-bit gate");
    EQ(cpu.regs[R_ESP], 0x9000 - 10, "5 words");
    EQ(peek(0x9000 - 2, 2), 0x23, "SS");
    EQ(peek(0x9000 - 4, 2), 0x7008, "SP");
    EQ(peek(0x9000 - 6, 2), 0xabcd, "param");
    EQ(peek(0x9000 - 8, 2), 0x1b, "CS");
    EQ(peek(0x9000 - 10, 2), 0x410e, "IP");

    /* A bad inner stack (SS0 = ring-3 data) is #TS(SS0), nothing changed. */
    ring3();
    poke32(TSS + 8, 0x20);
    EQ(RUN("\x9a\x00\x00\x00\x00\x43\x00"), EXC(EXC_TS), "SS0 DPL 3");
    EQ(cpu.exc_error, 0x20, "#TS(SS0)");
    EQ(cpu_cpl(&cpu), 3, "still CPL 3");
    EQ(cpu.regs[R_ESP], 0x7000, "ESP unchanged");
    poke32(TSS + 8, 0x30);   /* writable data, not present */
    EQ(RUN("\x9a\x00\x00\x00\x00\x43\x00"), EXC(EXC_SS), "SS0 not present: #SS");
    EQ(cpu.exc_error, 0x30, "#SS(SS0)");
    EQ(cpu.regs[R_ESP], 0x7000, "ESP unchanged");
    poke32(TSS + 8, 0x10);
    gdt_set(0x40, (0x08u << 16) | 0x5300u, 0x00008c02u);  /* gate DPL 0 */
    EQ(RUN("\x9a\x00\x00\x00\x00\x43\x00"), EXC(EXC_GP), "gate DPL < CPL");
    EQ(cpu.exc_error, 0x40, "#GP(gate)");
    EQ(RUN("\xea\x00\x00\x00\x00\x4b\x00"), EXC(EXC_GP), "JMP through a gate to ring 0");
    EQ(cpu.exc_error, 0x08, "#GP(code selector)");
}

/* A 16-bit stack segment (SS.B = 0) has SP as its stack pointer (SDM
 * vol. 3, 3.4.5): a far RET or an interrupt that switches onto one loads SP
 * and keeps the upper half of ESP, whatever the operand size; QEMU and
 * Bochs agree (tests/oracle resolved.md S9).  A 32-bit call gate still
 * pushes the whole old ESP (SDM vol. 2 CALL: Push(oldSS:oldESP)). */
static void stack_pointer_of_16bit_stacks(void **state)
{
    (void)state;
    pm_mode();
    cpu.gdtr.limit = 0xff;
    gdt_set(0x50, 0x0000ffffu, 0x0000f200u); /* data16 DPL3, B = 0 */
    gdt_set(0x58, 0x0000ffffu, 0x00009200u); /* data16 DPL0, B = 0 */
    /* o16 retf from ring 0 (ESP 0x00018000) to ring 3 onto SS 0x53 */
    cpu.regs[R_ESP] = 0x00018000u;
    poke16(0x18000, 0x4100);
    poke16(0x18002, 0x1b);
    poke16(0x18004, 0x7000);
    poke16(0x18006, 0x53);
    EQ(RUN("\x66\xcb"), OPR_JUMP, "o16 retf to CPL 3");
    EQ(cpu_cpl(&cpu), 3, "CPL 3");
    EQ(cpu.seg[S_SS].sel, 0x53, "SS");
    EQ(cpu.regs[R_ESP], 0x00017000u, "SP loaded, ESP's upper half (ring 0's) kept");
    /* o32 retf 8: tempESP's upper half is not loaded either; SP += 8 */
    pm_mode();
    cpu.gdtr.limit = 0xff;
    gdt_set(0x50, 0x0000ffffu, 0x0000f200u);
    gdt_set(0x58, 0x0000ffffu, 0x00009200u);
    cpu.regs[R_ESP] = 0x00028000u;
    poke32(0x28000, 0x4100);
    poke32(0x28004, 0x1b);
    poke32(0x28010, 0xdeadfffcu);
    poke32(0x28014, 0x53);
    EQ(RUN("\xca\x08\x00"), OPR_JUMP, "o32 retf 8 to CPL 3");
    EQ(cpu.regs[R_ESP], 0x00020004u, "SP = FFFC + 8 wrapped, upper half 0002 kept");
    /* INT from ring 3 (ESP 0x55557000, SS.B = 0) onto a 16-bit ring-0
     * stack: SP = SP0 - 20, upper half (ring 3's) kept; old ESP pushed whole */
    cpu.regs[R_ESP] = 0x55557000u;
    poke32(TSS + 8, 0x58);
    EQ(RUN("\xcd\x80"), OPR_JUMP, "int 0x80 from ring 3");
    EQ(cpu.seg[S_SS].sel, 0x58, "SS0");
    EQ(cpu.regs[R_ESP], 0x55558fecu, "SP = 9000 - 20, upper half kept");
    EQ(peek(0x9000 - 8, 4), 0x55557000u, "old ESP pushed whole (32-bit gate)");
    /* call gate onto the 16-bit ring-0 stack, from ESP 0x12347000 */
    gdt_set(0x40, (0x08u << 16) | 0x5300u, 0x0000ec01u); /* 32-bit gate, 1 param */
    ring3();
    EQ(load(S_SS, 0x53), 0, "ring-3 SS: 16-bit");
    cpu.regs[R_ESP] = 0x12347000u;
    poke32(0x7000, 0x11111111);
    EQ(RUN("\x9a\x00\x00\x00\x00\x43\x00"), OPR_JUMP, "lcall through the gate");
    EQ(cpu.regs[R_ESP], 0x12348fecu, "SP = 9000 - 20, upper half kept");
    EQ(peek(0x9000 - 8, 4), 0x12347000u, "old ESP pushed whole (SDM: oldESP)");
    EQ(peek(0x9000 - 12, 4), 0x11111111u, "parameter copied");
    /* o32 Jcc in 16-bit code past the CS limit: #GP(0), EIP unchanged
     * (the target comes from the rel32, not wrapped to 16 bits) */
    real_mode();
    cpu.eflags |= F_ZF;
    EQ(RUN("\x66\x0f\x84\x00\x00\x01\x00"), EXC(EXC_GP), "o32 jz +0x10000 in 16-bit code");
    EQ(cpu.eip, 0x100, "EIP at the jz");
    EQ(RUN("\x66\x0f\x84\xf9\xff\xff\xff"), OPR_JUMP, "o32 jz -7: to itself");
    EQ(cpu.eip, 0x100, "target 0x100");
}

#define TSSA 0x6000u

static void task_switch_call_and_iret(void **state)
{
    (void)state;
    pm_mode();
    cpu.gdtr.limit = 0xff;
    gdt_set(0x40, (TSSA << 16) | 0x67u, 0x00008900u);   /* 32-bit TSS, available */
    gdt_set(0x48, (TSSA << 16) | 0x60u, 0x00008900u);   /* limit too small */
    gdt_set(0x50, 0x40u << 16, 0x00008500u);            /* task gate -> 0x40 */
    memset(mem.ram + TSSA, 0, 0x68);
    poke32(TSSA + 0x20, 0x4200);        /* EIP */
    poke32(TSSA + 0x24, F_1 | F_CF);    /* EFLAGS */
    poke32(TSSA + 0x28, 0xaaaa);        /* EAX */
    poke32(TSSA + 0x38, 0x6800);        /* ESP */
    poke32(TSSA + 0x48, 0x10);          /* ES */
    poke32(TSSA + 0x4c, 0x08);          /* CS */
    poke32(TSSA + 0x50, 0x10);          /* SS */
    poke32(TSSA + 0x54, 0x10);          /* DS */
    cpu.regs[R_EAX] = 0x1234;
    cpu.cr[0] &= ~CR0_TS;
    EQ(RUN("\x9a\x00\x00\x00\x00\x48\x00"), EXC(EXC_TS), "TSS limit < 67h");
    EQ(cpu.exc_error, 0x48, "#TS(new TSS)");
    EQ(cpu.tr.sel, 0x28, "TR unchanged");
    EQ(mem.ram[GDT + 0x40 + 5], 0x89, "busy bit untouched");

    EQ(RUN("\x9a\x00\x00\x00\x00\x50\x00"), OPR_JUMP, "lcall through a task gate");
    EQ(cpu.tr.sel, 0x40, "TR = new TSS");
    EQ(cpu.eip, 0x4200, "new EIP");
    EQ(cpu.regs[R_EAX], 0xaaaa, "new EAX");
    EQ(cpu.regs[R_ESP], 0x6800, "new ESP");
    EQ(cpu.eflags & (F_NT | F_CF), F_NT | F_CF, "EFLAGS from the TSS, NT set by CALL");
    EQ(peek(TSSA, 2), 0x28, "previous-task link");
    EQ(mem.ram[GDT + 0x40 + 5], 0x8b, "new TSS busy");
    EQ(mem.ram[GDT + 0x28 + 5], 0x8b, "old TSS stays busy (nested)");
    EQ(peek(TSS + 0x20, 4), 0x4007, "old EIP saved = next instruction");
    EQ(peek(TSS + 0x28, 4), 0x1234, "old EAX saved");
    EQ(cpu.cr[0] & CR0_TS, CR0_TS, "CR0.TS set");
    EQ(cpu.seg[S_DS].sel, 0x10, "DS loaded");
    EQ(cpu.seg[S_FS].flags & SEGF_P, 0, "null FS");

    EQ(RUN("\x9a\x00\x00\x00\x00\x28\x00"), EXC(EXC_GP), "CALL to the busy old TSS");
    EQ(cpu.exc_error, 0x28, "#GP(busy TSS)");
    cpu.regs[R_EAX] = 0xbbbb;
    EQ(RUN("\xcf"), OPR_JUMP, "iret with NT: task return");
    EQ(cpu.tr.sel, 0x28, "TR back");
    EQ(cpu.eip, 0x4007, "EIP restored");
    EQ(cpu.regs[R_EAX], 0x1234, "EAX restored");
    EQ(cpu.eflags & F_NT, 0, "NT clear in the old task");
    EQ(mem.ram[GDT + 0x40 + 5], 0x89, "IRET frees the nested TSS");
    EQ(peek(TSSA + 0x28, 4), 0xbbbb, "nested task's EAX saved");
    EQ(peek(TSSA + 0x24, 4) & F_NT, 0, "NT cleared in the saved image");

    /* IRET with NT whose link names an available TSS: #TS(link). */
    cpu.eflags |= F_NT;
    poke16(TSS, 0x40);
    EQ(RUN("\xcf"), EXC(EXC_TS), "iret to an available TSS");
    EQ(cpu.exc_error, 0x40, "#TS(link)");
}

static void msrs_and_sysenter(void **state)
{
    (void)state;
    pm_mode();
    cpu.gdtr.limit = 0xff;
    cpu.regs[R_ECX] = 0x174;
    cpu.regs[R_EDX] = 0;
    cpu.regs[R_EAX] = 0x08;
    EQ(RUN("\x0f\x30"), OPR_NEXT, "wrmsr SYSENTER_CS");
    cpu.regs[R_ECX] = 0x175;
    cpu.regs[R_EAX] = 0x9000;
    EQ(RUN("\x0f\x30"), OPR_NEXT, "wrmsr SYSENTER_ESP");
    cpu.regs[R_ECX] = 0x176;
    cpu.regs[R_EAX] = 0x5000;
    EQ(RUN("\x0f\x30"), OPR_NEXT, "wrmsr SYSENTER_EIP");
    cpu.regs[R_EAX] = 0;
    EQ(RUN("\x0f\x32"), OPR_NEXT, "rdmsr SYSENTER_EIP");
    EQ(cpu.regs[R_EAX], 0x5000, "read back");
    cpu.regs[R_ECX] = 0xfe;
    EQ(RUN("\x0f\x32"), OPR_NEXT, "rdmsr MTRRcap");
    EQ(cpu.regs[R_EAX], 0x508, "VCNT 8, FIX, WC");
    cpu.regs[R_ECX] = 0x277;
    EQ(RUN("\x0f\x32"), EXC(EXC_GP), "no PAT MSR");
    cpu.regs[R_ECX] = 0x2ff;
    cpu.regs[R_EAX] = 0x807;
    EQ(RUN("\x0f\x30"), EXC(EXC_GP), "MTRRdefType type 7");
    cpu.regs[R_ECX] = 0x10;
    cpu.regs[R_EDX] = 5;
    cpu.regs[R_EAX] = 100;
    EQ(RUN("\x0f\x30"), OPR_NEXT, "wrmsr TSC");
    EQ(RUN("\x0f\x31"), OPR_NEXT, "rdtsc");
    EQ(cpu.regs[R_EDX], 0, "P6: the high half of a TSC write is 0");
    EQ(cpu.regs[R_EAX], 100, "low half");

    ring3();
    cpu.eflags |= F_IF;
    cpu.regs[R_ECX] = 0x174;
    EQ(RUN("\x0f\x32"), EXC(EXC_GP), "rdmsr at CPL 3");
    EQ(RUN("\x0f\x33"), EXC(EXC_GP), "rdpmc at CPL 3 without CR4.PCE");
    EQ(RUN("\x0f\x34"), OPR_JUMP, "sysenter");
    EQ(cpu_cpl(&cpu), 0, "CPL 0");
    EQ(cpu.seg[S_CS].sel, 0x08, "CS = SYSENTER_CS");
    EQ(cpu.seg[S_SS].sel, 0x10, "SS = SYSENTER_CS + 8");
    EQ(cpu.seg[S_CS].limit, 0xffffffffu, "flat CS");
    EQ(cpu.regs[R_ESP], 0x9000, "ESP");
    EQ(cpu.eip, 0x5000, "EIP");
    EQ(cpu.eflags & F_IF, 0, "IF cleared");
    cpu.regs[R_ECX] = 0x7000;
    cpu.regs[R_EDX] = 0x4321;
    EQ(RUN("\x0f\x35"), OPR_JUMP, "sysexit");
    EQ(cpu_cpl(&cpu), 3, "CPL 3");
    EQ(cpu.seg[S_CS].sel, 0x1b, "CS = SYSENTER_CS + 16 | 3");
    EQ(cpu.seg[S_SS].sel, 0x23, "SS = SYSENTER_CS + 24 | 3");
    EQ(cpu.eip, 0x4321, "EIP = EDX");
    EQ(cpu.regs[R_ESP], 0x7000, "ESP = ECX");
    EQ(RUN("\x0f\x35"), EXC(EXC_GP), "sysexit at CPL 3");
}

static void debug_helpers_and_nmi(void **state)
{
    (void)state;
    pm_mode();
    gate_set(EXC_DB, 0x08, 0x5400, 0x8e);
    gate_set(EXC_NMI, 0x08, 0x5500, 0x8e);
    /* Instruction breakpoint DR1 at 0x4000 (L1, RW1 = 00). */
    cpu.dr[1] = 0x4000;
    cpu.dr[7] = 0x400 | (1u << 2);
    EQ(cpu_code_breakpoints_on(&cpu), true, "code breakpoint enabled");
    EQ(cpu_data_breakpoints_on(&cpu), false, "no data breakpoint");
    EQ(cpu_check_code_breakpoint(&cpu, 0x4001), false, "other address");
    EQ(cpu_check_code_breakpoint(&cpu, 0x4000), true, "hit");
    EQ(cpu.dr[6] & 0xf, 2, "DR6.B1");
    cpu.eflags |= F_RF;
    EQ(cpu_check_code_breakpoint(&cpu, 0x4000), false, "RF suppresses it once");
    EQ(cpu.eflags & F_RF, 0, "and is cleared");
    /* Data breakpoint DR2: RW = 01 (write), LEN = 11 (4 bytes), at 0x1002
     * (aligned down to 0x1000). */
    cpu.dr[2] = 0x1002;
    cpu.dr[7] = 0x400 | (1u << 4) | (0xdu << 24);
    cpu.dbg_pending = 0;
    cpu_check_data_breakpoint(&cpu, 0x1000, 4, false);
    EQ(cpu.dbg_pending, 0, "a read does not match RW = 01");
    cpu_check_data_breakpoint(&cpu, 0x0ffe, 2, true);
    EQ(cpu.dbg_pending, 0, "below the range");
    cpu_check_data_breakpoint(&cpu, 0x0fff, 2, true);
    EQ(cpu.dbg_pending, 4, "overlapping write: B2");
    EQ(cpu.stop_block, true, "ends the block");
    cpu.eip = 0x4010;
    cpu.regs[R_ESP] = 0x8000;
    cpu.dr[6] = 0xffff0ff0u;
    EQ(setjmp(cpu.jmp), 0, "no fault");
    cpu_single_step_trap(&cpu);
    EQ(cpu.dr[6] & 0xe00f, 0x4004, "BS and B2 in one #DB");
    EQ(cpu.eip, 0x5400, "#DB handler");
    EQ(peek(0x8000 - 12, 4), 0x4010, "trap: EIP after the instruction");
    EQ(cpu.dbg_pending, 0, "pending bits consumed");

    /* NMI: blocked until IRET. */
    cpu.eip = 0x4020;
    cpu.regs[R_ESP] = 0x8000;
    cpu_nmi(&cpu);
    EQ(cpu_nmi_deliver(&cpu), true, "NMI delivered");
    EQ(cpu.eip, 0x5500, "vector 2");
    cpu_nmi(&cpu);
    EQ(cpu_nmi_deliver(&cpu), false, "second NMI blocked");
    EQ(RUN("\xcf"), OPR_JUMP, "iretd");
    EQ(cpu.eip, 0x4020, "back");
    EQ(cpu_nmi_deliver(&cpu), true, "unblocked by IRET");

    /* SDM vol. 3, table 6-5. */
    EQ(cpu_exception_combine(EXC_DE, EXC_NP), EXCC_DOUBLE, "contributory + contributory");
    EQ(cpu_exception_combine(EXC_GP, EXC_PF), EXCC_SERIAL, "contributory + #PF");
    EQ(cpu_exception_combine(EXC_PF, EXC_GP), EXCC_DOUBLE, "#PF + contributory");
    EQ(cpu_exception_combine(EXC_PF, EXC_PF), EXCC_DOUBLE, "#PF + #PF");
    EQ(cpu_exception_combine(EXC_UD, EXC_NP), EXCC_SERIAL, "benign + contributory");
    EQ(cpu_exception_combine(-1, EXC_GP), EXCC_SERIAL, "interrupt + contributory");
    EQ(cpu_exception_combine(EXC_DF, EXC_GP), EXCC_TRIPLE, "#DF + contributory");
    EQ(cpu_exception_combine(EXC_DF, EXC_PF), EXCC_TRIPLE, "#DF + #PF");
    EQ(cpu_exception_combine(EXC_GP, EXC_DB), EXCC_SERIAL, "anything + benign");
}

/* Unreal mode: a real-mode segment load changes selector and base only, so
 * the 4 GiB limit of a protected-mode load survives the return to real
 * mode (SDM vol. 3, 9.9.2 step 8 leaves the limit to software). */
static void unreal_mode_keeps_limits(void **state)
{
    (void)state;
    pm_mode();
    EQ(load(S_FS, 0x10), 0, "FS = flat 4 GiB data");
    EQ(load(S_CS, 0x38), 0, "a 16-bit CS first (9.9.2 step 3)");
    cpu.cr[0] &= ~CR0_PE;
    cpu_load_seg_real(&cpu, S_CS, 0x0000);
    cpu_load_seg_real(&cpu, S_FS, 0x0000);
    EQ(cpu.seg[S_FS].base, 0, "base = sel << 4");
    EQ(cpu.seg[S_FS].limit, 0xffffffffu, "limit kept");
    poke32(0x20000, 0x5a5a5a5a);
    cpu.eip = 0x4000;
    cpu.regs[R_EBX] = 0x20000;
    EQ(RUN("\x67\x64\x66\x8b\x03"), OPR_NEXT, "mov eax, fs:[ebx] beyond 64 KiB");
    EQ(cpu.regs[R_EAX], 0x5a5a5a5a, "read through the big limit");
    cpu_load_seg_real(&cpu, S_DS, 0x0000);
    cpu.seg[S_DS].limit = 0xffff;
    cpu_seg_update_fast(&cpu, &cpu.seg[S_DS]);
    EQ(RUN("\x67\x66\x8b\x03"), EXC(EXC_GP), "a 64 KiB DS faults");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(segment_loads_check_descriptors),
        cmocka_unit_test(stack_32bit),
        cmocka_unit_test(far_transfers),
        cmocka_unit_test(interrupts_through_idt_gates),
        cmocka_unit_test(privilege_change_through_tss_and_iret),
        cmocka_unit_test(protection_queries),
        cmocka_unit_test(call_gate_with_parameters),
        cmocka_unit_test(stack_pointer_of_16bit_stacks),
        cmocka_unit_test(task_switch_call_and_iret),
        cmocka_unit_test(msrs_and_sysenter),
        cmocka_unit_test(debug_helpers_and_nmi),
        cmocka_unit_test(unreal_mode_keeps_limits),
    };
    return cmocka_run_group_tests(tests, h_setup, h_teardown);
}
