/* test_ops_ctrl.c - the C reference semantics of the stack, branch,
 * interrupt, string, data-movement, I/O and system families in real mode
 * (expected values worked out from the SDM vol. 2 "Operation" sections).
 */
#include <capstone/capstone.h>

#include "ops_harness.h"

/* Physical bases of the test segments (see real_mode()). */
#define CSB 0x10000u
#define DSB 0x20000u
#define ESB 0x30000u
#define SSB 0x40000u

static void reset_state(void **state)
{
    (void)state;
    memset(&cpu, 0, sizeof cpu);
    cpu.mem = &mem;
    cpu.icount = 1234;
    cpu_reset(&cpu);
    EQ(cpu.seg[S_CS].sel, 0xf000, "CS selector");
    EQ(cpu.seg[S_CS].base, 0xffff0000u, "CS base");
    EQ(cpu.seg[S_CS].limit, 0xffff, "CS limit");
    EQ(cpu.eip, 0xfff0, "EIP");
    EQ(cpu.regs[R_EDX], 0x633, "EDX signature");
    EQ(cpu.cr[0], 0x60000010u, "CR0");
    EQ(cpu.eflags, 2, "EFLAGS");
    EQ(cpu.seg[S_DS].base, 0, "DS base");
    EQ(cpu.icount, 1234, "icount kept");
    EQ(cpu.icount + cpu.tsc_offset, 0, "TSC restarts at 0");
    EQ(cpu_mode(&cpu), 0, "mode bits");
}

static void push_pop_16bit_stack(void **state)
{
    (void)state;
    real_mode();
    cpu.regs[R_EAX] = 0xaabb1234u;
    EQ(RUN("\x50"), OPR_NEXT, "push ax");
    EQ(cpu.regs[R_ESP], 0xfe, "SP after push");
    EQ(peek(SSB + 0xfe, 2), 0x1234, "pushed AX");
    EQ(RUN("\x6a\xff"), OPR_NEXT, "push -1");
    EQ(peek(SSB + 0xfc, 2), 0xffff, "imm8 sign-extended");
    EQ(RUN("\x5b"), OPR_NEXT, "pop bx");
    EQ(cpu.regs[R_EBX], 0xffff, "BX");
    EQ(RUN("\x54"), OPR_NEXT, "push sp");
    EQ(peek(SSB + 0xfc, 2), 0xfe, "PUSH SP pushes the value before the decrement");
    EQ(RUN("\x66\x50"), OPR_NEXT, "push eax");
    EQ(cpu.regs[R_ESP], 0xf8, "SP after 32-bit push");
    EQ(peek(SSB + 0xf8, 4), 0xaabb1234u, "pushed EAX");
    EQ(RUN("\x66\x59"), OPR_NEXT, "pop ecx");
    EQ(cpu.regs[R_ECX], 0xaabb1234u, "ECX");
    /* SP wraps at 64 KiB and the upper half of ESP is untouched. */
    cpu.regs[R_ESP] = 0x12340000u;
    EQ(RUN("\x50"), OPR_NEXT, "push ax at SP=0");
    EQ(cpu.regs[R_ESP], 0x1234fffeu, "ESP after wrap");
    EQ(peek(SSB + 0xfffe, 2), 0x1234, "stored at SS:FFFE");
    EQ(RUN("\x5a"), OPR_NEXT, "pop dx");
    EQ(cpu.regs[R_ESP], 0x12340000u, "ESP after pop wraps back");
    EQ(cpu.regs[R_EDX] & 0xffff, 0x1234, "DX");
    /* Segment registers. */
    cpu.regs[R_ESP] = 0x100;
    EQ(RUN("\x1e"), OPR_NEXT, "push ds");
    EQ(peek(SSB + 0xfe, 2), 0x2000, "pushed DS");
    EQ(RUN("\x07"), OPR_NEXT, "pop es");
    EQ(cpu.seg[S_ES].sel, 0x2000, "ES selector");
    EQ(cpu.seg[S_ES].base, 0x20000, "ES base");
    /* Memory operand. */
    poke16(DSB + 0x300, 0x4321);
    EQ(RUN("\xff\x36\x00\x03"), OPR_NEXT, "push word [0x300]");
    EQ(RUN("\x8f\x06\x02\x03"), OPR_NEXT, "pop word [0x302]");
    EQ(peek(DSB + 0x302, 2), 0x4321, "memory pop");
    EQ(cpu.regs[R_ESP], 0x100, "balanced");
}

static void ss_loads_open_interrupt_shadow(void **state)
{
    (void)state;
    real_mode();
    EQ(RUN("\x68\x00\x50"), OPR_NEXT, "push 0x5000");
    EQ(RUN("\x17"), OPR_NEXT, "pop ss");
    EQ(cpu.seg[S_SS].base, 0x50000, "SS base");
    EQ(cpu.inhibit_irq, true, "POP SS shadow");
    EQ(cpu.inhibit_eip, cpu.eip, "shadow ends after the next instruction");
    cpu.inhibit_irq = false;
    cpu.regs[R_EAX] = 0x4000;
    EQ(RUN("\x8e\xd0"), OPR_NEXT, "mov ss, ax");
    EQ(cpu.seg[S_SS].base, 0x40000, "SS base");
    EQ(cpu.inhibit_irq, true, "MOV SS shadow");
    uint32_t eip = cpu.eip;
    EQ(RUN("\x8e\xc8"), EXC(EXC_UD), "mov cs, ax is #UD");
    EQ(cpu.eip, eip, "EIP at the faulting instruction");
}

static void pusha_popa_pushf_popf(void **state)
{
    (void)state;
    real_mode();
    for (int i = 0; i < 8; i++) cpu.regs[i] = 0x1110u * (unsigned)(i + 1);
    cpu.regs[R_ESP] = 0x100;
    EQ(RUN("\x60"), OPR_NEXT, "pusha");
    EQ(cpu.regs[R_ESP], 0xf0, "SP - 16");
    static const int order[8] = {R_EDI, R_ESI, R_EBP, R_ESP, R_EBX, R_EDX, R_ECX, R_EAX};
    for (int i = 0; i < 8; i++) {
        uint32_t want = order[i] == R_ESP ? 0x100 : 0x1110u * (unsigned)(order[i] + 1);
        EQ(peek(SSB + 0xf0 + 2u * (unsigned)i, 2), want & 0xffff, "PUSHA slot");
    }
    for (int i = 0; i < 8; i++)
        if (i != R_ESP) cpu.regs[i] = 0;
    EQ(RUN("\x61"), OPR_NEXT, "popa");
    for (int i = 0; i < 8; i++)
        if (i != R_ESP) EQ(cpu.regs[i], 0x1110u * (unsigned)(i + 1) & 0xffff, "POPA register");
    EQ(cpu.regs[R_ESP], 0x100, "SP restored");

    cpu.eflags = F_1 | F_CF | F_IF;
    EQ(RUN("\x9c"), OPR_NEXT, "pushf");
    EQ(peek(SSB + 0xfe, 2), 0x0203, "pushed FLAGS");
    poke16(SSB + 0xfe, 0x3eff);
    EQ(RUN("\x9d"), OPR_NEXT, "popf");
    EQ(cpu.eflags, 0x3ed7, "POPF in real mode: all flags incl. IOPL/NT, reserved bits fixed");
    EQ(cpu.stop_block, true, "POPF ends the block");
}

static void near_and_far_call_ret(void **state)
{
    (void)state;
    real_mode();
    EQ(RUN("\xe8\x10\x00"), OPR_JUMP, "call rel16");
    EQ(cpu.eip, 0x113, "call target");
    EQ(peek(SSB + 0xfe, 2), 0x103, "return address");
    EQ(RUN("\xc3"), OPR_JUMP, "ret");
    EQ(cpu.eip, 0x103, "returned");
    EQ(cpu.regs[R_ESP], 0x100, "SP");
    /* 16-bit targets wrap inside the segment. */
    cpu.eip = 0xfff0;
    EQ(RUN("\xe8\x20\x00"), OPR_JUMP, "call rel16 across 64K");
    EQ(cpu.eip, 0x13, "wrapped target");
    EQ(peek(SSB + 0xfe, 2), 0xfff3, "return address");
    cpu.regs[R_ESP] = 0x100;
    cpu.regs[R_EBX] = 0x1234;
    cpu.eip = 0x100;
    EQ(RUN("\xff\xd3"), OPR_JUMP, "call bx");
    EQ(cpu.eip, 0x1234, "indirect target");
    cpu.regs[R_ESP] = 0x100;
    cpu.eip = 0x100;

    EQ(RUN("\x9a\x00\x02\x00\x11"), OPR_JUMP, "lcall 1100:0200");
    EQ(cpu.seg[S_CS].sel, 0x1100, "CS");
    EQ(cpu.seg[S_CS].base, 0x11000, "CS base");
    EQ(cpu.eip, 0x200, "IP");
    EQ(cpu.regs[R_ESP], 0xfc, "SP");
    EQ(peek(SSB + 0xfe, 2), 0x1000, "pushed CS");
    EQ(peek(SSB + 0xfc, 2), 0x105, "pushed IP");
    EQ(RUN("\xca\x04\x00"), OPR_JUMP, "retf 4");
    EQ(cpu.seg[S_CS].sel, 0x1000, "CS back");
    EQ(cpu.eip, 0x105, "IP back");
    EQ(cpu.regs[R_ESP], 0x104, "SP popped 4 + 4");

    cpu.regs[R_ESP] = 0x100;
    poke16(DSB + 0x500, 0x0300);
    poke16(DSB + 0x502, 0x1200);
    EQ(RUN("\xff\x1e\x00\x05"), OPR_JUMP, "lcall [0x500]");
    EQ(cpu.seg[S_CS].sel, 0x1200, "CS from m16:16");
    EQ(cpu.eip, 0x300, "IP from m16:16");
    EQ(RUN("\xcb"), OPR_JUMP, "retf");
    EQ(cpu.eip, 0x109, "IP after retf");
    EQ(RUN("\xea\x34\x12\x00\x20"), OPR_JUMP, "ljmp 2000:1234");
    EQ(cpu.seg[S_CS].base, 0x20000, "CS base after ljmp");
    EQ(cpu.eip, 0x1234, "IP after ljmp");
}

static void int_and_iret_through_the_ivt(void **state)
{
    (void)state;
    real_mode();
    poke16(0x21 * 4, 0x0300);
    poke16(0x21 * 4 + 2, 0x1200);
    cpu.eflags = F_1 | F_IF | F_TF | F_CF;
    EQ(RUN("\xcd\x21"), OPR_JUMP, "int 21h");
    EQ(cpu.seg[S_CS].sel, 0x1200, "handler CS");
    EQ(cpu.eip, 0x300, "handler IP");
    EQ(cpu.regs[R_ESP], 0xfa, "three words pushed");
    EQ(peek(SSB + 0xfe, 2), 0x0303, "FLAGS");
    EQ(peek(SSB + 0xfc, 2), 0x1000, "CS");
    EQ(peek(SSB + 0xfa, 2), 0x0102, "IP of the next instruction");
    EQ(cpu.eflags, F_1 | F_CF, "IF and TF cleared");
    EQ(RUN("\xcf"), OPR_JUMP, "iret");
    EQ(cpu.seg[S_CS].sel, 0x1000, "CS back");
    EQ(cpu.eip, 0x102, "IP back");
    EQ(cpu.regs[R_ESP], 0x100, "SP back");
    EQ(cpu.eflags, F_1 | F_IF | F_TF | F_CF, "FLAGS back");

    poke16(3 * 4, 0x0400);
    poke16(4 * 4, 0x0500);
    cpu.eflags = F_1;
    EQ(RUN("\xcc"), OPR_JUMP, "int3");
    EQ(cpu.eip, 0x400, "vector 3");
    EQ(peek(SSB + 0xfa, 2), 0x103, "INT3 pushes the next IP");
    cpu.regs[R_ESP] = 0x100;
    cpu_load_seg_real(&cpu, S_CS, 0x1000);
    cpu.eip = 0x100;
    EQ(RUN("\xce"), OPR_NEXT, "into with OF=0");
    cpu.eip = 0x100;
    cpu.eflags |= F_OF;
    EQ(RUN("\xce"), OPR_JUMP, "into with OF=1");
    EQ(cpu.eip, 0x500, "vector 4");
}

static void faults_are_delivered_with_the_faulting_ip(void **state)
{
    (void)state;
    real_mode();
    poke16(0, 0x0000);
    poke16(2, 0x1300);
    cpu.regs[R_EAX] = 5;
    cpu.regs[R_EBX] = 0;
    EQ(RUN("\xf6\xf3"), EXC(EXC_DE), "div bl by zero is #DE");
    EQ(cpu.eip, 0x100, "EIP at the DIV");
    EQ(deliver(), 0, "delivery");
    EQ(cpu.seg[S_CS].sel, 0x1300, "#DE handler");
    EQ(peek(SSB + 0xfa, 2), 0x100, "the pushed IP re-executes the DIV");

    real_mode();
    poke16(DSB + 0x500, 10);
    poke16(DSB + 0x502, 20);
    cpu.regs[R_EAX] = 15;
    EQ(RUN("\x62\x06\x00\x05"), OPR_NEXT, "bound in range");
    cpu.eip = 0x100;
    cpu.regs[R_EAX] = 25;
    EQ(RUN("\x62\x06\x00\x05"), EXC(EXC_BR), "bound above");
    cpu.regs[R_EAX] = 0xffff;
    EQ(step(), EXC(EXC_BR), "bound: -1 is below (signed)");
    EQ(RUN("\x0f\x0b"), EXC(EXC_UD), "ud2");
}

static void loop_and_jcxz(void **state)
{
    (void)state;
    real_mode();
    cpu.regs[R_ECX] = 2;
    EQ(RUN("\xe2\xfe"), OPR_JUMP, "loop taken");
    EQ(cpu.regs[R_ECX], 1, "CX=1");
    EQ(cpu.eip, 0x100, "target");
    EQ(step(), OPR_NEXT, "loop falls through at CX=0");
    EQ(cpu.regs[R_ECX], 0, "CX=0");
    EQ(cpu.eip, 0x102, "next");
    cpu.eip = 0x100;
    cpu.regs[R_ECX] = 0x10000;
    EQ(step(), OPR_JUMP, "loop with CX=0 wraps to FFFF and jumps");
    EQ(cpu.regs[R_ECX], 0x1ffff, "only CX counts");
    cpu.eip = 0x100;
    cpu.regs[R_ECX] = 5;
    cpu.eflags = F_1;
    EQ(RUN("\xe1\xfe"), OPR_NEXT, "loope with ZF=0");
    EQ(cpu.regs[R_ECX], 4, "decremented anyway");
    cpu.eip = 0x100;
    EQ(RUN("\xe0\xfe"), OPR_JUMP, "loopne with ZF=0");
    cpu.eip = 0x100;
    cpu.regs[R_ECX] = 0x10000;
    EQ(RUN("\xe3\x10"), OPR_JUMP, "jcxz with CX=0");
    EQ(cpu.eip, 0x112, "jcxz target");
    cpu.eip = 0x100;
    EQ(RUN("\x67\xe3\x10"), OPR_NEXT, "jecxz with ECX!=0");
    cpu.eip = 0x100;
    cpu.regs[R_ECX] = 0;
    cpu.eflags = F_1 | F_ZF;
    EQ(RUN("\x74\x05"), OPR_JUMP, "je taken");
    EQ(cpu.eip, 0x107, "je target");
    cpu.eip = 0x100;
    cpu.eflags = F_1;
    EQ(RUN("\x74\x05"), OPR_NEXT, "je not taken");
    EQ(cpu.eip, 0x102, "fall through");
}

static void condition_codes_follow_the_sdm_table(void **state)
{
    (void)state;
    for (uint32_t f = 0; f < 64; f++) {
        uint32_t fl = ((f & 1) ? F_CF : 0) | ((f & 2) ? F_ZF : 0) | ((f & 4) ? F_SF : 0) |
                      ((f & 8) ? F_OF : 0) | ((f & 16) ? F_PF : 0);
        bool cf = f & 1, zf = f & 2, sf = f & 4, of = f & 8, pf = f & 16;
        bool want[16] = {of, !of, cf, !cf, zf, !zf, cf || zf, !cf && !zf,
                         sf, !sf, pf, !pf, sf != of, sf == of, zf || sf != of, !zf && sf == of};
        for (int cc = 0; cc < 16; cc++) EQ(cond_eval(fl, cc), want[cc], "cond_eval");
    }
    EQ(insn_cond(X86_INS_JG), 15, "JG");
    EQ(insn_cond(X86_INS_SETB), 2, "SETB");
    EQ(insn_cond(X86_INS_CMOVNP), 11, "CMOVNP");
    EQ(insn_cond(X86_INS_MOV), (unsigned long long)-1, "not a condition");
}

static void rep_movs_both_directions_and_overrides(void **state)
{
    (void)state;
    real_mode();
    poke(DSB + 0x10, "ABCDEFGH", 8);
    cpu.regs[R_ESI] = 0x10;
    cpu.regs[R_EDI] = 0x40;
    cpu.regs[R_ECX] = 0x00010008u;
    EQ(RUN("\xf3\xa4"), OPR_NEXT, "rep movsb");
    EQ(memcmp(mem.ram + ESB + 0x40, "ABCDEFGH", 8), 0, "copied forward");
    EQ(cpu.regs[R_ESI], 0x18, "SI");
    EQ(cpu.regs[R_EDI], 0x48, "DI");
    EQ(cpu.regs[R_ECX], 0x00010000u, "CX=0, upper ECX kept");
    cpu.eip = 0x100;
    cpu.eflags |= F_DF;
    cpu.regs[R_ESI] = 0x17;
    cpu.regs[R_EDI] = 0x67;
    cpu.regs[R_ECX] = 8;
    EQ(step(), OPR_NEXT, "rep movsb backwards");
    EQ(memcmp(mem.ram + ESB + 0x60, "ABCDEFGH", 8), 0, "copied backward");
    EQ(cpu.regs[R_ESI], 0x0f, "SI");
    EQ(cpu.regs[R_EDI], 0x5f, "DI");
    cpu.eflags &= ~F_DF;
    /* Segment override applies to the source only. */
    poke(CSB + 0x20, "xy", 2);
    cpu.regs[R_ESI] = 0x20;
    cpu.regs[R_EDI] = 0x80;
    cpu.regs[R_ECX] = 2;
    EQ(RUN("\x2e\xf3\xa4"), OPR_NEXT, "rep movsb cs:");
    EQ(memcmp(mem.ram + ESB + 0x80, "xy", 2), 0, "source from CS, destination ES");
    cpu.regs[R_ESI] = 0x40;
    cpu.regs[R_EDI] = 0x90;
    EQ(RUN("\x26\xa5"), OPR_NEXT, "movsw es:");
    EQ(peek(ESB + 0x90, 2), 0x4241, "ES:SI to ES:DI");
    /* STOS/LODS, word and dword. */
    cpu.regs[R_EAX] = 0xdeadbeefu;
    cpu.regs[R_EDI] = 0x100;
    cpu.regs[R_ECX] = 3;
    EQ(RUN("\xf3\xab"), OPR_NEXT, "rep stosw");
    EQ(peek(ESB + 0x104, 2), 0xbeef, "third word");
    EQ(cpu.regs[R_EDI], 0x106, "DI");
    EQ(RUN("\x66\xab"), OPR_NEXT, "stosd");
    EQ(peek(ESB + 0x106, 4), 0xdeadbeefu, "dword");
    EQ(cpu.regs[R_EDI], 0x10a, "DI");
    cpu.regs[R_ESI] = 0x12;
    EQ(RUN("\xac"), OPR_NEXT, "lodsb");
    EQ(cpu.regs[R_EAX], 0xdeadbe43u, "AL='C'");
    EQ(cpu.regs[R_ESI], 0x13, "SI");
    /* 32-bit address size in 16-bit code: ESI/EDI/ECX. */
    cpu.regs[R_ESI] = 0x10;
    cpu.regs[R_EDI] = 0x200;
    cpu.regs[R_ECX] = 4;
    EQ(RUN("\x67\xf3\xa4"), OPR_NEXT, "a32 rep movsb");
    EQ(memcmp(mem.ram + ESB + 0x200, "ABCD", 4), 0, "copied");
    EQ(cpu.regs[R_EDI], 0x204, "EDI");
}

static void repe_cmps_and_repne_scas(void **state)
{
    (void)state;
    real_mode();
    poke(DSB + 0x10, "HELLO", 5);
    poke(ESB + 0x40, "HELPO", 5);
    cpu.regs[R_ESI] = 0x10;
    cpu.regs[R_EDI] = 0x40;
    cpu.regs[R_ECX] = 5;
    EQ(RUN("\xf3\xa6"), OPR_NEXT, "repe cmpsb");
    EQ(cpu.regs[R_ECX], 1, "stopped after the 4th element");
    EQ(cpu.regs[R_ESI], 0x14, "SI");
    EQ(cpu.regs[R_EDI], 0x44, "DI");
    EQ(cpu.eflags & (F_ZF | F_CF | F_SF), F_CF | F_SF, "'L' - 'P': borrow, negative");
    cpu.regs[R_ESI] = 0x10;
    cpu.regs[R_EDI] = 0x40;
    cpu.regs[R_ECX] = 3;
    cpu.eip = 0x100;
    EQ(step(), OPR_NEXT, "repe cmpsb, all equal");
    EQ(cpu.regs[R_ECX], 0, "count exhausted");
    EQ(cpu.eflags & F_ZF, F_ZF, "ZF=1");
    cpu.eflags = F_1;
    cpu.regs[R_ECX] = 0;
    cpu.eip = 0x100;
    EQ(step(), OPR_NEXT, "count 0: nothing");
    EQ(cpu.eflags, F_1, "flags untouched");
    EQ(cpu.regs[R_ESI], 0x13, "SI untouched");

    poke(ESB + 0x80, "abcdef", 6);
    cpu.regs[R_EAX] = 'd';
    cpu.regs[R_EDI] = 0x80;
    cpu.regs[R_ECX] = 6;
    EQ(RUN("\xf2\xae"), OPR_NEXT, "repne scasb");
    EQ(cpu.regs[R_ECX], 2, "found at index 3");
    EQ(cpu.regs[R_EDI], 0x84, "DI past the match");
    EQ(cpu.eflags & F_ZF, F_ZF, "ZF=1");
    cpu.regs[R_EAX] = 0x6261; /* "ab" */
    cpu.regs[R_EDI] = 0x80;
    EQ(RUN("\xaf"), OPR_NEXT, "scasw");
    EQ(cpu.eflags & F_ZF, F_ZF, "equal word");
    cpu.regs[R_ESI] = 0x10;
    cpu.regs[R_EDI] = 0x40;
    EQ(RUN("\x66\xa7"), OPR_NEXT, "cmpsd");
    EQ(cpu.eflags & F_ZF, 0, "\"HELL\" != \"HELP\"");
    EQ(cpu.regs[R_ESI], 0x14, "SI += 4");
}

static void rep_is_interruptible_and_restartable(void **state)
{
    (void)state;
    real_mode();
    cpu.regs[R_EAX] = 0x5a;
    cpu.regs[R_EDI] = 0;
    cpu.regs[R_ECX] = 10000;
    EQ(RUN("\xf3\xaa"), OPR_JUMP, "first chunk");
    EQ(cpu.eip, 0x100, "EIP stays at the instruction");
    EQ(cpu.regs[R_ECX], 10000 - 4096, "4096 done");
    EQ(cpu.regs[R_EDI], 4096, "DI");
    EQ(step(), OPR_JUMP, "second chunk");
    EQ(step(), OPR_NEXT, "last chunk");
    EQ(cpu.regs[R_ECX], 0, "CX=0");
    EQ(cpu.regs[R_EDI], 10000, "DI");
    EQ(cpu.eip, 0x102, "EIP past the instruction");
    EQ(mem.ram[ESB + 9999], 0x5a, "last byte");
    EQ(mem.ram[ESB + 10000], 0, "not one more");
    /* A pending interrupt ends the chunk after one element (REP LODSB
     * runs element by element)... */
    cpu.eip = 0x100;
    cpu.regs[R_ESI] = 0;
    cpu.regs[R_ECX] = 3;
    cpu.irq_line = 1;
    cpu.eflags |= F_IF;
    EQ(RUN("\xf3\xac"), OPR_JUMP, "interrupt window");
    EQ(cpu.regs[R_ECX], 2, "one element done");
    cpu.eflags &= ~F_IF;
    EQ(step(), OPR_NEXT, "IF=0: runs to the end");
    EQ(cpu.regs[R_ECX], 0, "done");
    /* ...and REP STOS after the stretch it does with one host memset, at
     * most up to the end of the page (a fast-string operation may take
     * interrupts at such group boundaries only, SDM vol. 1, 7.3.9.3). */
    cpu.eip = 0x100;
    cpu.regs[R_EDI] = 0x10;
    cpu.regs[R_ECX] = 10000;
    cpu.eflags |= F_IF;
    EQ(RUN("\xf3\xaa"), OPR_JUMP, "interrupt window (bulk)");
    EQ(cpu.regs[R_EDI], 0x10 + (10000 - cpu.regs[R_ECX]), "DI follows CX");
    EQ(((ESB + cpu.regs[R_EDI]) & 0xfff) == 0, 1, "stopped at a page boundary");
    EQ(10000 - cpu.regs[R_ECX] <= 4096, 1, "at most one page");
    cpu.irq_line = 0;
}

/* REP MOVS/STOS through RAM go a page stretch at a time on host memory;
 * the result must still be the element-by-element one. */
static void rep_bulk_keeps_element_semantics(void **state)
{
    (void)state;
    real_mode();
    for (uint32_t i = 0; i < 0x3000; i++) mem.ram[ESB + i] = (uint8_t)(i * 7 + 1);
    /* Destination one byte above the source: the first byte repeats
     * (memmove would shift the block instead), across two page ends. */
    uint8_t first = mem.ram[ESB + 0x100];
    cpu.regs[R_ESI] = 0x100;
    cpu.regs[R_EDI] = 0x101;
    cpu.regs[R_ECX] = 0x2000;
    while (RUN("\x26\xf3\xa4") == OPR_JUMP) {}
    EQ(cpu.regs[R_ECX], 0, "CX=0");
    EQ(cpu.regs[R_ESI], 0x2100, "SI");
    EQ(cpu.regs[R_EDI], 0x2101, "DI");
    int same = 1;
    for (uint32_t i = 0x101; i <= 0x2100; i++) same &= mem.ram[ESB + i] == first;
    EQ(same, 1, "pattern replicated");
    EQ(mem.ram[ESB + 0x2101], (uint8_t)(0x2101 * 7 + 1), "not one more");
    /* Destination below the source (overlapping): an ordinary copy, dwords
     * from an odd source offset. */
    for (uint32_t i = 0; i < 0x3000; i++) mem.ram[ESB + i] = (uint8_t)(i * 7 + 1);
    cpu.regs[R_ESI] = 0x803;
    cpu.regs[R_EDI] = 0x800;
    cpu.regs[R_ECX] = 0x600;
    while (RUN("\x26\x66\xf3\xa5") == OPR_JUMP) {}
    same = 1;
    for (uint32_t i = 0; i < 0x1800; i++) same &= mem.ram[ESB + 0x800 + i] == (uint8_t)((0x803 + i) * 7 + 1);
    EQ(same, 1, "copied");
    EQ(cpu.regs[R_EDI], 0x2000, "DI");
    /* REP STOSW with 16-bit DI wrapping at FFFF: the stretch stops there
     * and the element path finishes (a word at FFFF faults: not here). */
    cpu.regs[R_EAX] = 0xbeef;
    cpu.regs[R_EDI] = 0xfff0;
    cpu.regs[R_ECX] = 8;
    while (RUN("\xf3\xab") == OPR_JUMP) {}
    EQ(cpu.regs[R_EDI], 0, "DI wrapped to 0");
    EQ(peek(ESB + 0xfffe, 2), 0xbeef, "last word");
}

static void rep_fault_leaves_registers_at_the_completed_iterations(void **state)
{
    (void)state;
    real_mode();
    cpu.regs[R_ESI] = 0;
    cpu.regs[R_EDI] = 0xfffb;
    cpu.regs[R_ECX] = 4;
    EQ(RUN("\xf3\xa5"), EXC(EXC_GP), "word at ES:FFFF crosses the limit");
    EQ(cpu.regs[R_ECX], 2, "two words moved");
    EQ(cpu.regs[R_EDI], 0xffff, "DI at the faulting element");
    EQ(cpu.regs[R_ESI], 4, "SI");
    EQ(cpu.eip, 0x100, "EIP at the instruction");
}

static void enter_and_leave_with_nesting(void **state)
{
    (void)state;
    real_mode();
    cpu.regs[R_EBP] = 0xf0;
    cpu.regs[R_ESP] = 0xe0;
    poke16(SSB + 0xee, 0x1111);
    poke16(SSB + 0xec, 0x2222);
    EQ(RUN("\xc8\x10\x00\x03"), OPR_NEXT, "enter 0x10, 3");
    EQ(peek(SSB + 0xde, 2), 0xf0, "old BP");
    EQ(peek(SSB + 0xdc, 2), 0x1111, "display 1");
    EQ(peek(SSB + 0xda, 2), 0x2222, "display 2");
    EQ(peek(SSB + 0xd8, 2), 0xde, "frame pointer");
    EQ(cpu.regs[R_EBP], 0xde, "BP = frame");
    EQ(cpu.regs[R_ESP], 0xc8, "SP = frame - 2*3 - 0x10");
    EQ(RUN("\xc9"), OPR_NEXT, "leave");
    EQ(cpu.regs[R_ESP], 0xe0, "SP");
    EQ(cpu.regs[R_EBP], 0xf0, "BP");
    EQ(RUN("\x66\xc8\x08\x00\x01"), OPR_NEXT, "enter 8, 1 (32-bit operands)");
    EQ(peek(SSB + 0xdc, 4), 0xf0, "old EBP");
    EQ(peek(SSB + 0xd8, 4), 0xdc, "frame pointer");
    EQ(cpu.regs[R_EBP], 0xdc, "EBP");
    EQ(cpu.regs[R_ESP], 0xd0, "ESP");
    EQ(RUN("\x66\xc9"), OPR_NEXT, "leave (32-bit)");
    EQ(cpu.regs[R_ESP], 0xe0, "ESP");
    EQ(cpu.regs[R_EBP], 0xf0, "EBP");
    EQ(RUN("\xc8\x04\x00\x00"), OPR_NEXT, "enter 4, 0");
    EQ(cpu.regs[R_EBP], 0xde, "BP");
    EQ(cpu.regs[R_ESP], 0xda, "SP");
}

/* o32 ENTER on a 16-bit stack (SS.B = 0, real mode), nesting 36 & 31 = 4:
 * SP addresses the stack and BP walks the enclosing frame, FrameTemp is
 * the whole ESP after the first push (upper half kept), which EBP and the
 * frame-pointer slot receive (Bochs' ENTER_IdIb; the issue-16 case). */
static void enter_o32_on_16bit_stack(void **state)
{
    (void)state;
    real_mode();
    cpu.regs[R_ESP] = 0x12340100;
    cpu.regs[R_EBP] = 0xabcd0110;
    poke32(SSB + 0x10c, 0x11111111);
    poke32(SSB + 0x108, 0x22222222);
    poke32(SSB + 0x104, 0x33333333);
    EQ(RUN("\x66\xc8\x08\x00\x24"), OPR_NEXT, "o32 enter 8, 36");
    EQ(peek(SSB + 0xfc, 4), 0xabcd0110, "old EBP");
    EQ(peek(SSB + 0xf8, 4), 0x11111111, "display 1 from BP-4");
    EQ(peek(SSB + 0xf4, 4), 0x22222222, "display 2");
    EQ(peek(SSB + 0xf0, 4), 0x33333333, "display 3");
    EQ(peek(SSB + 0xec, 4), 0x123400fc, "frame pointer: ESP after the first push");
    EQ(cpu.regs[R_EBP], 0x123400fc, "EBP = FrameTemp (ESP's upper half, new SP)");
    EQ(cpu.regs[R_ESP], 0x123400e4, "only SP moved: FC - 4*4 - 8");
    EQ(RUN("\x66\xc9"), OPR_NEXT, "o32 leave");
    EQ(cpu.regs[R_ESP], 0x12340100, "SP = BP + 4");
    EQ(cpu.regs[R_EBP], 0xabcd0110, "EBP popped");
    /* SP wraps: o16 enter at SP = 2 with nesting 2 */
    cpu.regs[R_ESP] = 0x56780002;
    cpu.regs[R_EBP] = 0x9abc0004;
    poke16(SSB + 0x0002, 0x4444);
    EQ(RUN("\xc8\x02\x00\x02"), OPR_NEXT, "enter 2, 2 at SP = 2");
    EQ(peek(SSB + 0x0000, 2), 0x0004, "old BP at SP 0");
    EQ(peek(SSB + 0xfffe, 2), 0x4444, "display from BP-2, pushed at FFFE");
    EQ(peek(SSB + 0xfffc, 2), 0x0000, "frame pointer 0000");
    EQ(cpu.regs[R_EBP], 0x9abc0000, "BP = 0, upper EBP kept");
    EQ(cpu.regs[R_ESP], 0x5678fffa, "SP wrapped: 0 - 4 - 2");
}

static void data_movement(void **state)
{
    (void)state;
    real_mode();
    cpu.regs[R_EBX] = 0xffff;
    cpu.regs[R_ESI] = 2;
    EQ(RUN("\x8d\x00"), OPR_NEXT, "lea ax, [bx+si]");
    EQ(cpu.regs[R_EAX], 1, "16-bit address wraps");
    cpu.regs[R_EAX] = 0xffffffffu;
    EQ(RUN("\x66\x8d\x00"), OPR_NEXT, "lea eax, [bx+si]");
    EQ(cpu.regs[R_EAX], 1, "zero-extended");
    cpu.regs[R_EBX] = 0x80;
    EQ(RUN("\x0f\xb6\xc3"), OPR_NEXT, "movzx ax, bl");
    EQ(cpu.regs[R_EAX], 0x80, "zero-extended");
    EQ(RUN("\x66\x0f\xbe\xc3"), OPR_NEXT, "movsx eax, bl");
    EQ(cpu.regs[R_EAX], 0xffffff80u, "sign-extended");
    cpu.regs[R_EBX] = 0x200;
    cpu.regs[R_EAX] = 5;
    mem.ram[DSB + 0x205] = 0x77;
    EQ(RUN("\xd7"), OPR_NEXT, "xlat");
    EQ(cpu.regs[R_EAX], 0x77, "AL from table");
    poke16(DSB + 0x600, 0x1234);
    poke16(DSB + 0x602, 0x5000);
    EQ(RUN("\xc4\x36\x00\x06"), OPR_NEXT, "les si, [0x600]");
    EQ(cpu.regs[R_ESI], 0x1234, "SI");
    EQ(cpu.seg[S_ES].base, 0x50000, "ES base");
    EQ(RUN("\x8c\xc8"), OPR_NEXT, "mov ax, cs");
    EQ(cpu.regs[R_EAX], 0x1000, "AX");
    cpu.regs[R_EAX] = 0xffffffffu;
    EQ(RUN("\x66\x8c\xc8"), OPR_NEXT, "mov eax, cs");
    EQ(cpu.regs[R_EAX], 0x1000, "zero-extended selector");
    EQ(RUN("\x8c\x1e\x10\x00"), OPR_NEXT, "mov [0x10], ds");
    EQ(peek(DSB + 0x10, 2), 0x2000, "stored selector");
    EQ(RUN("\xa1\x10\x00"), OPR_NEXT, "mov ax, [0x10]");
    EQ(cpu.regs[R_EAX], 0x2000, "moffs load");
    EQ(RUN("\x3e\x8b\x46\x02"), OPR_NEXT, "mov ax, ds:[bp+2]");
    EQ(RUN("\x0f\x1f\x00"), OPR_NEXT, "multi-byte nop");
    EQ(RUN("\x90"), OPR_NEXT, "nop");
}

static uint8_t io_space[8];
static uint32_t io_rd(void *opaque, uint16_t port, int size)
{
    (void)opaque;
    uint32_t v = 0;
    memcpy(&v, io_space + (port - 0x60), (size_t)size);
    return v;
}
static void io_wr(void *opaque, uint16_t port, uint32_t val, int size)
{
    (void)opaque;
    memcpy(io_space + (port - 0x60), &val, (size_t)size);
}

static void in_out_and_string_io(void **state)
{
    (void)state;
    real_mode();
    io_init(&bus);
    io_register(&bus, 0x60, 4, io_rd, io_wr, NULL, IO_SIZE_1 | IO_SIZE_2 | IO_SIZE_4);
    memcpy(io_space, "\x11\x22\x33\x44", 4);
    EQ(RUN("\xe4\x61"), OPR_NEXT, "in al, 0x61");
    EQ(cpu.regs[R_EAX] & 0xff, 0x22, "AL");
    EQ(RUN("\x66\xe5\x60"), OPR_NEXT, "in eax, 0x60");
    EQ(cpu.regs[R_EAX], 0x44332211u, "EAX");
    cpu.regs[R_EDX] = 0x62;
    cpu.regs[R_EAX] = 0xabcd;
    EQ(RUN("\xef"), OPR_NEXT, "out dx, ax");
    EQ(io_space[2], 0xcd, "low byte");
    EQ(io_space[3], 0xab, "high byte");
    cpu.regs[R_EDX] = 0x60;
    cpu.regs[R_EDI] = 0x10;
    cpu.regs[R_ECX] = 2;
    EQ(RUN("\xf3\x6c"), OPR_NEXT, "rep insb");
    EQ(peek(ESB + 0x10, 2), 0x1111, "port read twice");
    poke(DSB + 0x30, "\x99\x98", 2);
    cpu.regs[R_ESI] = 0x30;
    cpu.regs[R_ECX] = 2;
    EQ(RUN("\xf3\x6e"), OPR_NEXT, "rep outsb");
    EQ(io_space[0], 0x98, "last byte written");
    EQ(cpu.regs[R_ESI], 0x32, "SI");
    io_init(&bus);
}

static void system_instructions_in_real_mode(void **state)
{
    (void)state;
    real_mode();
    cpu.regs[R_EAX] = 0;
    EQ(RUN("\x0f\xa2"), OPR_NEXT, "cpuid 0");
    EQ(cpu.regs[R_EAX], 1, "max leaf");
    EQ(cpu.regs[R_EBX], 0x756e6547u, "Genu");
    EQ(cpu.regs[R_EDX], 0x49656e69u, "ineI");
    EQ(cpu.regs[R_ECX], 0x6c65746eu, "ntel");
    cpu.regs[R_EAX] = 1;
    cpu.eip = 0x100;
    EQ(step(), OPR_NEXT, "cpuid 1");
    EQ(cpu.regs[R_EAX], 0x633, "family 6 model 3 stepping 3");
    EQ(cpu.regs[R_EDX], 0xb93d, "FPU DE PSE TSC MSR CX8 SEP MTRR PGE CMOV");
    cpu.icount += 500;
    EQ(RUN("\x0f\x31"), OPR_NEXT, "rdtsc");
    EQ(cpu.regs[R_EAX], 500, "TSC follows icount");
    EQ(cpu.regs[R_EDX], 0, "TSC high");

    poke16(DSB + 0x700, 0x27);
    poke32(DSB + 0x702, 0xab123456u);
    EQ(RUN("\x0f\x01\x16\x00\x07"), OPR_NEXT, "lgdt [0x700] (o16)");
    EQ(cpu.gdtr.limit, 0x27, "limit");
    EQ(cpu.gdtr.base, 0x123456, "24-bit base");
    EQ(RUN("\x66\x0f\x01\x1e\x00\x07"), OPR_NEXT, "lidt [0x700] (o32)");
    EQ(cpu.idtr.base, 0xab123456u, "32-bit base");
    EQ(RUN("\x0f\x01\x06\x10\x07"), OPR_NEXT, "sgdt [0x710]");
    EQ(peek(DSB + 0x710, 2), 0x27, "stored limit");
    EQ(peek(DSB + 0x712, 4), 0x123456, "stored base");
    cpu.idtr.limit = 0x3ff;
    cpu.idtr.base = 0;

    EQ(RUN("\x0f\x20\xc0"), OPR_NEXT, "mov eax, cr0");
    EQ(cpu.regs[R_EAX], 0x60000010u, "CR0 after reset");
    EQ(RUN("\x0f\x01\xe3"), OPR_NEXT, "smsw bx");
    EQ(cpu.regs[R_EBX] & 0xffff, 0x0010, "MSW");
    cpu.regs[R_EAX] = 0x80000000u;
    EQ(RUN("\x0f\x22\xc0"), EXC(EXC_GP), "PG without PE");
    cpu.regs[R_EAX] = 0x40;
    EQ(RUN("\x0f\x22\xe0"), EXC(EXC_GP), "CR4 reserved bit");
    EQ(RUN("\x0f\x20\xc8"), EXC(EXC_UD), "CR1 is #UD");

    cpu.eflags = F_1;
    EQ(RUN("\xfb"), OPR_NEXT, "sti");
    EQ(cpu.eflags & F_IF, F_IF, "IF set");
    EQ(cpu.inhibit_irq, true, "STI shadow");
    EQ(cpu.inhibit_eip, cpu.eip, "for one instruction");
    EQ(RUN("\xfa"), OPR_NEXT, "cli");
    EQ(cpu.eflags & F_IF, 0, "IF clear");
    uint32_t next = cpu.eip + 1;
    EQ(RUN("\xf4"), OPR_JUMP, "hlt");
    EQ(cpu.halted, true, "halted");
    EQ(cpu.eip, next, "EIP after HLT");
    cpu.halted = false;

    cpu.regs[R_EAX] = 0x0001;
    EQ(RUN("\x0f\x01\xf0"), OPR_NEXT, "lmsw ax (sets PE)");
    EQ(cpu.cr[0] & CR0_PE, CR0_PE, "PE set");
    EQ(cpu.stop_block, true, "block ends");
    cpu.regs[R_EAX] = 0;
    EQ(RUN("\x0f\x01\xf0"), OPR_NEXT, "lmsw ax (0)");
    EQ(cpu.cr[0] & CR0_PE, CR0_PE, "LMSW cannot clear PE");
    EQ(RUN("\x0f\x00\xc0"), OPR_NEXT, "sldt ax is valid in protected mode");
    cpu.cr[0] &= ~CR0_PE;
    EQ(RUN("\x0f\x00\xc0"), EXC(EXC_UD), "sldt is #UD in real mode");
    EQ(RUN("\x0f\x09"), OPR_NEXT, "wbinvd");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reset_state),
        cmocka_unit_test(push_pop_16bit_stack),
        cmocka_unit_test(ss_loads_open_interrupt_shadow),
        cmocka_unit_test(pusha_popa_pushf_popf),
        cmocka_unit_test(near_and_far_call_ret),
        cmocka_unit_test(int_and_iret_through_the_ivt),
        cmocka_unit_test(faults_are_delivered_with_the_faulting_ip),
        cmocka_unit_test(loop_and_jcxz),
        cmocka_unit_test(condition_codes_follow_the_sdm_table),
        cmocka_unit_test(rep_movs_both_directions_and_overrides),
        cmocka_unit_test(repe_cmps_and_repne_scas),
        cmocka_unit_test(rep_is_interruptible_and_restartable),
        cmocka_unit_test(rep_bulk_keeps_element_semantics),
        cmocka_unit_test(rep_fault_leaves_registers_at_the_completed_iterations),
        cmocka_unit_test(enter_and_leave_with_nesting),
        cmocka_unit_test(enter_o32_on_16bit_stack),
        cmocka_unit_test(data_movement),
        cmocka_unit_test(in_out_and_string_io),
        cmocka_unit_test(system_instructions_in_real_mode),
    };
    return cmocka_run_group_tests(tests, h_setup, h_teardown);
}
