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
    {"LOCK RET is #UD", GM_PM32, "40f0f3c3", 0, 0, 0, GS_CODE32, GF_STUBS + 6 + 1, 0, 0, false,
     {{GF_STACK + 0x800 - 12, 4, 0xffffffffu, GF_CODE + 1}}, 0, false, 0, 0},
};

static int hexval(char c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

int gf_regress(void)
{
    int bad = 0;
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
