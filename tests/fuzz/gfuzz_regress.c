/* gfuzz_regress.c - the bugs xlat86-gfuzz found, as fixed cases: each runs
 * on both engines (which must agree) and its end state is checked against
 * values worked out from the SDM (not from xlat86's output). */
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cpu/cpu.h"
#include "gfuzz.h"

#define FLAGS_STATUS 0x8d5u

typedef struct Check {
    uint32_t addr;   /* physical; 0 = unused */
    int size;
    uint32_t mask, want;
} Check;

typedef struct Regress {
    const char *name;
    int mode;
    const char *code;          /* hex */
    uint32_t eflags;           /* F_1 added */
    uint32_t eax, esi;
    uint16_t final_cs;
    uint32_t final_eip;
    uint32_t final_eax, final_esi;   /* checked when want_regs */
    bool want_regs;
    Check chk[2];
    uint32_t esp;              /* initial ESP if nonzero */
    bool ss_big;               /* SS cache with B = 1 */
    int xreg;                  /* another register checked at the end (0 = none, else 1 + index) */
    uint32_t xval;
} Regress;

static const Regress cases[] = {
    /* DEC EAX; CLC; XOR [2F000h], EAX: the XOR's page fault (not-present
     * page) must push the flags of DEC and CLC (ZF, PF set; CF clear), not
     * the ones before them: the inlined XOR's C slow path raised #PF with
     * the flags still unmaterialised, as the XOR overwrites them all. */
    {"flags at a fault of an inlined form", GM_PM32_PG, "48f8310500f00200", F_CF | F_SF | F_OF,
     1, 0, GS_CODE32, GF_STUBS + 14 + 1, 0, 0, false,
     {{GF_STACK + 0x800 - 4, 4, FLAGS_STATUS, F_ZF | F_PF}}, 0, false, 0, 0},
    /* JBE 0FFC9h, not taken (CF = ZF = 0): the translator's look-ahead at
     * the branch target must not set the accessed bit of the PTE of page
     * 0F000h, which nothing uses (SDM vol. 3, 4.8: the processor sets A
     * when it uses the entry for a translation). */
    {"look-ahead sets no accessed bit", GM_PM32_PG, "76c7", 0, 0, 0, GS_CODE32, GF_CODE + 3, 0, 0,
     false, {{GF_PT + 15 * 4, 4, 0xffffffffu, 0x0000f007u}}, 0, false, 0, 0},
    /* TF = 1; DEC EAX (1 -> 0); XOR EAX, EAX: the single-step #DB after
     * DEC pushes DEC's flags (ZF, PF), though the next instruction would
     * overwrite them (SDM vol. 3, 17.3.1.4). */
    {"flags at a single-step trap", GM_PM32, "4831c0", F_TF, 1, 0, GS_CODE32, GF_STUBS + 1 + 1, 0, 0,
     false, {{GF_STACK + 0x800 - 4, 4, FLAGS_STATUS, F_ZF | F_PF}}, 0, false, 0, 0},
    /* Real mode, JMP rel32 (66 E9) to 12345h, beyond the CS limit FFFFh:
     * #GP(0) at the JMP itself (SDM vol. 2, JMP, real-address mode), so
     * the pushed IP is 0 and the pushed CS 1000h. */
    {"o32 JMP beyond the CS limit", GM_REAL, "66e93f230100", 0, 0, 0, GF_STUBS >> 4, 13 + 1, 0, 0,
     false, {{GF_STACK + 0x800 - 6, 2, 0xffff, 0}, {GF_STACK + 0x800 - 4, 2, 0xffff, GF_CODE >> 4}}, 0, false, 0, 0},
    /* 66 F3 96 in 32-bit code is XCHG AX, SI (F3 has no meaning here):
     * only the low words swap (SDM vol. 2, XCHG 90+rw); Capstone 4 calls
     * it "xchg eax, si", and both executors exchanged 32 bits of EAX. */
    {"XCHG AX, SI (66 F3 96) in 32-bit code", GM_PM32, "66f396", 0, 0x00020cc8u, 0xc3a644fbu, GS_CODE32,
     GF_CODE + 4, 0x000244fbu, 0xc3a60cc8u, true, {{0}}, 0, false, 0, 0},
    /* V86 with paging, EIP = FFF5h: the HLT at 1FFF5h is one byte and
     * does not reach page 20000h, so that page's PTE keeps A = 0 (SDM vol.
     * 3, 4.8); decoding read 15 bytes through the next page's translation
     * and set it (HLT in V86 mode is #GP(0), vector 13). */
    {"decoding near a page end sets no accessed bit", GM_V86_PG, "", 0, 0, 0, GS_CODE32,
     GF_STUBS + 13 + 1, 0, 0, false, {{GF_PT + 0x20 * 4, 4, 0xffffffffu, 0x00020007u}}, 0, false,
     0, 0},
    /* Real mode with the SS cache still 32-bit (B = 1, left by clearing
     * CR0.PE): POP CX uses ESP = 10800h, not SP (the C helpers, QEMU and
     * Bochs use the cached B bit in every mode), so CX = F4F4h from
     * 30000h + 10800h and ESP = 10802h. The inlined POP used SP. */
    {"POP with a 32-bit SS cache in real mode", GM_REAL, "59", 0, 0, 0, GF_CODE >> 4, 2, 0, 0, false,
     {{0}}, 0x10800, true, 1 + R_ECX, 0xf4f4},
    /* INC EAX; LOCK REP RET (F0 F3 C3): LOCK on an instruction that cannot be locked is
     * #UD (SDM vol. 2, LOCK; vol. 3, 6.15 interrupt 6), so the pushed EIP
     * is the RET's own address and ESP is unchanged below the frame. The
     * inlined RET ignored the prefix and returned (seeds 5 and 7 of the
     * stop-18 x87 campaign: cases 5266, 26263, 31803). */
    {"LOCK REP RET after INC is #UD", GM_PM32, "40f0f3c3", 0, 0, 0, GS_CODE32, GF_STUBS + 6 + 1, 0, 0, false,
     {{GF_STACK + 0x800 - 12, 4, 0xffffffffu, GF_CODE + 1}}, 0, false, 0, 0},
    /* LOCK REPNE RET (F0 F2 C3) in 32-bit code: LOCK on RET is #UD (SDM
     * vol. 2, LOCK: #UD unless the instruction is one of the listed
     * read-modify-write forms with a memory destination). The #UD frame
     * holds the RET's own address and CS 08h; the inlined RET returned
     * (gfuzz seed 16 case 913520). */
    {"LOCK RET is #UD", GM_PM32, "f0f2c3", 0, 0, 0, GS_CODE32, GF_STUBS + 6 + 1, 0, 0, false,
     {{GF_STACK + 0x800 - 12, 4, 0xffffffffu, GF_CODE}, {GF_STACK + 0x800 - 8, 4, 0xffff, GS_CODE32}},
     0, false, 0, 0},
};

static int hexval(char c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* The classifier's last-writer rule (gfuzz_undef.c), on fixed sequences
 * in 32-bit code; the expected sets come from the SDM "Flags Affected"
 * sections of SHR, ADD, CLC and SHL. */
static int regress_last_writer(void)
{
    static const struct {
        const char *name, *seq[3];
        uint32_t want;
    } t[] = {
        /* SHR AL, F4h: masked count 20 > 8: CF, OF, AF undefined. */
        {"SHR r/m8 by 20 leaves CF OF AF undefined", {"c0e8f4"}, F_CF | F_OF | F_AF},
        {"ADD after it defines them again", {"c0e8f4", "0401"}, 0},
        {"CLC after it defines CF only", {"c0e8f4", "f8"}, F_OF | F_AF},
        /* SHL EAX, 0 (count masked to 0) writes no flag. */
        {"a zero-count shift keeps the verdict", {"c0e8f4", "c1e020"}, F_CF | F_OF | F_AF},
        /* FCOM ST(0), ST(0) writes no EFLAGS bit (Capstone 4 says it does;
         * seed 16 case 211720); FCOMI writes all six. */
        {"FCOM keeps the verdict", {"c0e8f4", "dcd0"}, F_CF | F_OF | F_AF},
        {"FCOMI defines all six", {"c0e8f4", "dbf1"}, 0},
        /* ADD then SHR AL, 1: AF undefined, OF defined for a count of 1. */
        {"last writer SHR AL, 1: AF only", {"0401", "d0e8"}, F_AF},
    };
    CPUState st;
    memset(&st, 0, sizeof st);
    st.cr[0] = CR0_PE;
    st.seg[S_CS].flags = SEGF_DB;
    int bad = 0;
    for (unsigned k = 0; k < sizeof t / sizeof t[0]; k++) {
        uint32_t u = 0;
        for (int i = 0; i < 3 && t[k].seq[i]; i++) {
            uint8_t b[16];
            memset(b, 0x90, sizeof b);
            int n = (int)strlen(t[k].seq[i]) / 2;
            for (int j = 0; j < n; j++)
                b[j] = (uint8_t)(hexval(t[k].seq[i][2 * j]) << 4 | hexval(t[k].seq[i][2 * j + 1]));
            u = gf_undef_fold(u, b, sizeof b, &st);
        }
        bool ok = (u & F_ARITH) == t[k].want;
        if (!ok) printf("last writer: %s: undefined %03x, want %03x\n", t[k].name, u, t[k].want);
        printf("%s: last writer: %s\n", ok ? "ok  " : "FAIL", t[k].name);
        bad += !ok;
    }
    /* Seed 16 case 799803 (real mode): FSTP ST(7); POPF | MOV; RCR; SHR
     * byte [BX+DI-0B39h], F4h (the count byte is the HLT after the
     * stream). Inline code and the helpers leave different AF values
     * after the SHR, the last writer of AF, which leaves it undefined:
     * not a mismatch (it was reported as one). The stream-wide set must
     * also see the SHR whose immediate lies past the stream. */
    GfCase *c = calloc(1, sizeof *c);
    if (!c) return bad + 1;
    gf_gen(c, gf_reset_state(), 16, 799803, -1);
    bool ok = gf_check_case(c) && (gf_undef_any(c->code, c->len, true) & F_AF);
    printf("%s: undefined AF of the last writer (seed 16 case 799803)\n", ok ? "ok  " : "FAIL");
    bad += !ok;
    /* Seed 16 case 918329 (pm32-cpl3) returns into its stack bytes, which
     * hold RDTSC (0F 31), right after case 916558 (v86), whose two runs
     * take different paths through an undefined SF (IMUL, then JNS) and
     * so retire different instruction counts: the boards' clocks part,
     * and each case must start both at the same time-stamp count. */
    gf_gen(c, gf_reset_state(), 16, 916558, -1);
    ok = gf_check_case(c);
    gf_gen(c, gf_reset_state(), 16, 918329, -1);
    ok &= gf_check_case(c);
    CPUState s0, s1;
    gf_final_state(0, &s0);
    gf_final_state(1, &s1);
    ok &= s0.regs[R_EAX] == s1.regs[R_EAX];
    printf("%s: RDTSC after cases with different instruction counts (seed 16 cases 916558, 918329)\n",
           ok ? "ok  " : "FAIL");
    bad += !ok;
    /* Seed 16 case 364050 (real mode) stops on the budget at EIP 0Ah after
     * a POP SS at 11h whose shadow covered the LEAVE at 12h only (SDM vol.
     * 3, 6.8.3): no interrupt shadow may be left for another EIP. Inline
     * code left inhibit_irq set for 12h. */
    gf_gen(c, gf_reset_state(), 16, 364050, -1);
    ok = gf_check_case(c);
    for (int w = 0; w < 2; w++) {
        CPUState s;
        gf_final_state(w, &s);
        if (s.inhibit_irq && s.eip != s.inhibit_eip) {
            printf("stale shadow: %s: inhibit for %08x at %08x\n", w ? "inline=off" : "inline=on",
                   s.inhibit_eip, s.eip);
            ok = false;
        }
    }
    printf("%s: no stale interrupt shadow at a budget stop (seed 16 case 364050)\n", ok ? "ok  " : "FAIL");
    bad += !ok;
    /* Seed 16 case 956151 (real mode, IF = 0 at the start): a loop JNO ->
     * STI at 0Ah; the first STI sets IF and shadows 0Bh, every later one
     * finds IF set and starts none (SDM vol. 2, STI). The budget stop at
     * 0Bh comes right after such an STI: no shadow. Inline code kept the
     * first one alive (the run loop saw only EIP 0Bh). */
    gf_gen(c, gf_reset_state(), 16, 956151, -1);
    ok = gf_check_case(c);
    for (int w = 0; w < 2; w++) {
        CPUState s;
        gf_final_state(w, &s);
        if (s.inhibit_irq || s.eip != 0xb || !(s.eflags & F_IF)) {
            printf("STI loop: %s: eip %08x eflags %08x shadow %d for %08x, want eip 0Bh, IF, none\n",
                   w ? "inline=off" : "inline=on", s.eip, s.eflags, s.inhibit_irq, s.inhibit_eip);
            ok = false;
        }
    }
    printf("%s: STI with IF set starts no shadow (seed 16 case 956151)\n", ok ? "ok  " : "FAIL");
    free(c);
    return bad + !ok;
}

/* EFLAGS at a budget stop between two blocks (the gfuzz "tmo-flags"
 * cases): the run leaves translated code at the second block's entry,
 * where an interrupt would be delivered and push EFLAGS. On hardware
 * EFLAGS is whole at every instruction boundary, so it must hold DEC's
 * flags (1 - 1 = 0: ZF, PF set; SF, OF, AF clear; CF kept, SDM vol. 2
 * DEC) even though the next block's XOR overwrites all six. The
 * translator skipped them (flag liveness across blocks). 32-bit code,
 * EAX = 1, CF SF OF AF set before; 2 instructions of budget. */
static int regress_budget_stop(void)
{
    static const struct {
        const char *name, *code;
    } t[] = {
        {"DEC EAX; JMP +0 | XOR EAX, EAX", "48eb0031c0"},
        {"DEC EAX; JZ +0 | XOR EAX, EAX", "48740031c0"},
        {"DEC EAX; JNZ +0 (not taken) | XOR EAX, EAX", "48750031c0"},
    };
    GfCase *c = calloc(1, sizeof *c);
    if (!c) return 1;
    int bad = 0;
    uint64_t old = gf_set_max_insns(2);
    for (unsigned k = 0; k < sizeof t / sizeof t[0]; k++) {
        memset(c, 0, sizeof *c);
        memset(c->data, 0xf4, sizeof c->data);
        c->mode = GM_PM32;
        c->index = k;
        gf_sys_state(&c->st, gf_reset_state(), GM_PM32);
        c->len = (int)strlen(t[k].code) / 2;
        for (int i = 0; i < c->len; i++)
            c->code[i] = (uint8_t)(hexval(t[k].code[2 * i]) << 4 | hexval(t[k].code[2 * i + 1]));
        c->st.eflags |= F_CF | F_SF | F_OF | F_AF;
        c->st.regs[R_EAX] = 1;
        c->st.regs[R_ESP] = GF_STACK + 0x800;
        bool ok = gf_check_case(c);
        for (int w = 0; w < 2; w++) {
            CPUState s;
            gf_final_state(w, &s);
            if (s.eip != GF_CODE + 3 || (s.eflags & FLAGS_STATUS) != (F_CF | F_ZF | F_PF)) {
                printf("budget stop: %s: %s: eip=%08x eflags=%08x, want eip=%08x status flags %03x\n",
                       t[k].name, w ? "inline=off" : "inline=on", s.eip, s.eflags, GF_CODE + 3,
                       F_CF | F_ZF | F_PF);
                ok = false;
            }
        }
        printf("%s: flags at a budget stop: %s\n", ok ? "ok  " : "FAIL", t[k].name);
        bad += !ok;
    }
    gf_set_max_insns(old);
    free(c);
    return bad;
}

int gf_regress(void)
{
    int bad = regress_last_writer() + regress_budget_stop();
    GfCase *c = calloc(1, sizeof *c);
    if (!c) return 1;
    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const Regress *r = &cases[k];
        memset(c, 0, sizeof *c);
        memset(c->data, 0xf4, sizeof c->data);
        memset(c->stack, 0, sizeof c->stack);
        c->mode = r->mode;
        c->index = k;
        gf_sys_state(&c->st, gf_reset_state(), r->mode);
        c->len = (int)strlen(r->code) / 2;
        for (int i = 0; i < c->len; i++)
            c->code[i] = (uint8_t)(hexval(r->code[2 * i]) << 4 | hexval(r->code[2 * i + 1]));
        c->st.eflags |= r->eflags;
        if (!c->len) c->st.eip = 0xfff5;   /* run the template's HLT at the page end */
        c->st.regs[R_EAX] = r->eax;
        c->st.regs[R_ESI] = r->esi;
        c->st.regs[R_ESP] = c->st.seg[S_SS].base ? 0x800 : GF_STACK + 0x800;
        if (r->esp) c->st.regs[R_ESP] = r->esp;
        if (r->ss_big) {
            c->st.seg[S_SS].flags |= SEGF_DB;
            c->st.seg[S_SS].limit = 0xffffffffu;
        }
        bool ok = gf_check_case(c);
        for (int w = 0; w < 2; w++) {
            CPUState s;
            gf_final_state(w, &s);
            const char *who = w ? "inline=off" : "inline=on";
            if (s.seg[S_CS].sel != r->final_cs || s.eip != r->final_eip) {
                printf("%s: %s: ends at %04x:%08x, want %04x:%08x\n", r->name, who, s.seg[S_CS].sel,
                       s.eip, r->final_cs, r->final_eip);
                ok = false;
            }
            if (r->want_regs && (s.regs[R_EAX] != r->final_eax || s.regs[R_ESI] != r->final_esi)) {
                printf("%s: %s: eax=%08x esi=%08x, want %08x %08x\n", r->name, who, s.regs[R_EAX],
                       s.regs[R_ESI], r->final_eax, r->final_esi);
                ok = false;
            }
            if (r->xreg && s.regs[r->xreg - 1] != r->xval) {
                printf("%s: %s: r%d=%08x, want %08x\n", r->name, who, r->xreg - 1, s.regs[r->xreg - 1],
                       r->xval);
                ok = false;
            }
            if (r->esp && s.regs[R_ESP] != r->esp + 2 && r->xreg) {
                printf("%s: %s: esp=%08x, want %08x\n", r->name, who, s.regs[R_ESP], r->esp + 2);
                ok = false;
            }
            for (int i = 0; i < 2; i++) {
                const Check *ch = &r->chk[i];
                if (!ch->addr) continue;
                uint32_t v = gf_read_phys(w, ch->addr, ch->size);
                if ((v & ch->mask) != ch->want) {
                    printf("%s: %s: [%05x] = %08x, want %08x under mask %08x\n", r->name, who,
                           ch->addr, v, ch->want, ch->mask);
                    ok = false;
                }
            }
        }
        printf("%s: %s\n", ok ? "ok  " : "FAIL", r->name);
        bad += !ok;
    }
    free(c);
    return bad;
}
