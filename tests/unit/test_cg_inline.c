/* test_cg_inline.c - the code generator's inline descriptor table
 * (translator/cg_inline.c).
 *
 * Checks the table's shape (one entry per id, branches exactly the near
 * control transfers), what cg_inline_lookup takes and refuses for sample
 * encodings, the flag effects the liveness pass sees for them, and that
 * the list of inline instructions in docs/ARCHITECTURE.md is the one the
 * table generates. `test_cg_inline --print` prints that list (paste it
 * between the inline-table markers of the page after changing the table).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <capstone/x86.h>

#include "cpu/decode.h"
#include "translator/cg_internal.h"

/* ---- the generated list ---- */

static void flags_text(char *out, size_t n, uint32_t set, bool decoded)
{
    static const struct { uint32_t f; const char *name; } names[] = {
        {F_CF, "CF"}, {F_PF, "PF"}, {F_AF, "AF"}, {F_ZF, "ZF"}, {F_SF, "SF"}, {F_OF, "OF"},
    };
    out[0] = 0;
    if ((set & F_ARITH) == F_ARITH) {
        snprintf(out, n, "all six");
    } else {
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
            if (set & names[k].f) snprintf(out + strlen(out), n - strlen(out), "%s%s", out[0] ? " " : "", names[k].name);
    }
    if (decoded) snprintf(out + strlen(out), n - strlen(out), "%sdecoder's", out[0] ? " + " : "");
    if (!out[0]) snprintf(out, n, "none");
}

/* One markdown row per run of entries with the same emitter, forms and
 * flag effect; the sixteen conditions of a CGI_COND run print as "cc". */
static size_t gen_list(char *out, size_t n)
{
    size_t cnt, len = 0;
    const CGInline *t = cg_inline_table(&cnt);
    len += (size_t)snprintf(out + len, n - len,
                            "| instruction | inlined forms | flags read | flags written | ends block |\n"
                            "|---|---|---|---|---|\n");
    for (size_t k = 0; k < cnt;) {
        size_t j = k + 1;
        while (j < cnt && t[j].emit == t[k].emit && t[j].attr == t[k].attr && t[j].reads == t[k].reads &&
               t[j].writes == t[k].writes && strcmp(t[j].forms, t[k].forms) == 0)
            j++;
        char names[256] = "";
        if (t[k].attr & CGI_COND) {
            /* X86_INS_xO is condition 0: strip the trailing "O". */
            snprintf(names, sizeof names, "%.*scc", (int)strlen(t[k].mnemonic) - 1, t[k].mnemonic);
        } else {
            for (size_t m = k; m < j; m++)
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", m > k ? " " : "",
                         t[m].mnemonic);
        }
        char rd[128], wr[128];
        if (t[k].attr & CGI_COND)
            snprintf(rd, sizeof rd, "its condition's%s", (t[k].reads & CGF_DECODED) ? " + decoder's" : "");
        else flags_text(rd, sizeof rd, t[k].reads, t[k].reads & CGF_DECODED);
        if (t[k].attr & CGI_SHIFT) snprintf(wr, sizeof wr, "by count: none if 0, CF OF (rotates), all six; CL: all six, read through");
        else flags_text(wr, sizeof wr, t[k].writes, t[k].writes & CGF_DECODED);
        len += (size_t)snprintf(out + len, n - len, "| %s | %s | %s | %s | %s |\n", names, t[k].forms, rd, wr,
                                (t[k].attr & CGI_BRANCH) ? "yes" : "no");
        k = j;
    }
    return len;
}

/* ---- tests ---- */

static void test_table_shape(void **state)
{
    (void)state;
    size_t n;
    const CGInline *t = cg_inline_table(&n);
    assert_true(n > 0);
    int branches = 0;
    for (size_t k = 0; k < n; k++) {
        assert_non_null(t[k].accepts);
        assert_non_null(t[k].emit);
        assert_non_null(t[k].mnemonic);
        assert_non_null(t[k].forms);
        for (size_t j = 0; j < k; j++) assert_int_not_equal(t[j].id, t[k].id);
        if (t[k].attr & CGI_COND) assert_true(t[k].arg >= 0 && t[k].arg < 16);
        if (t[k].attr & CGI_BRANCH) branches++;
    }
    assert_int_equal(branches, 16 + 3);   /* Jcc, JMP, CALL, RET */
}

typedef struct Sample {
    const char *bytes;
    int len;
    bool code32;
    unsigned id;        /* expected descriptor id, 0 = not inlined */
    uint32_t fr, fw;    /* expected flag effect when inlined */
} Sample;

#define A F_ARITH
static const Sample samples[] = {
    {"\x01\xd8", 2, true, X86_INS_ADD, 0, A},                      /* add eax, ebx */
    {"\x11\xd8", 2, true, X86_INS_ADC, F_CF, A},                   /* adc eax, ebx */
    {"\xf0\x01\x18", 3, true, 0, 0, 0},                            /* lock add [eax], ebx */
    {"\x01\x18", 2, true, X86_INS_ADD, 0, A},                      /* add [eax], ebx */
    {"\x40", 1, true, X86_INS_INC, 0, A & ~F_CF},                  /* inc eax */
    {"\xf7\xd0", 2, true, X86_INS_NOT, 0, 0},                      /* not eax */
    {"\xf7\xe3", 2, true, X86_INS_MUL, 0, F_CF | F_OF},            /* mul ebx */
    {"\x0f\xaf\xc3", 3, true, X86_INS_IMUL, 0, F_CF | F_OF},       /* imul eax, ebx */
    {"\xc1\xe0\x03", 3, true, X86_INS_SHL, 0, A},                  /* shl eax, 3 */
    {"\xc1\xe0\x00", 3, true, X86_INS_SHL, 0, 0},                  /* shl eax, 0 */
    {"\xc1\xc0\x03", 3, true, X86_INS_ROL, 0, F_CF | F_OF},        /* rol eax, 3 */
    {"\xd3\xe0", 2, true, X86_INS_SHL, A, A},                      /* shl eax, cl */
    {"\xd1\xd0", 2, true, 0, 0, 0},                                /* rcl eax, 1 */
    {"\x0f\x94\xc0", 3, true, X86_INS_SETE, F_ZF, 0},              /* sete al */
    {"\x0f\x4c\xc3", 3, true, X86_INS_CMOVL, F_SF | F_OF, 0},      /* cmovl eax, ebx */
    {"\x74\x00", 2, true, X86_INS_JE, F_ZF, 0},                    /* je */
    {"\x50", 1, true, X86_INS_PUSH, 0, 0},                         /* push eax */
    {"\x6a\x01", 2, true, X86_INS_PUSH, 0, 0},                     /* push 1 */
    {"\xff\x30", 2, true, X86_INS_PUSH, 0, 0},                     /* push [eax] */
    {"\x66\xff\x30", 3, true, X86_INS_PUSH, 0, 0},                 /* push word [eax] */
    {"\xc9", 1, true, X86_INS_LEAVE, 0, 0},                        /* leave */
    {"\x0f\xb1\x08", 3, true, X86_INS_CMPXCHG, 0, A},              /* cmpxchg [eax], ecx */
    {"\xf0\x0f\xb0\x20", 4, true, X86_INS_CMPXCHG, 0, A},          /* lock cmpxchg [eax], ah */
    {"\x0f\xb1\xd1", 3, true, 0, 0, 0},                            /* cmpxchg ecx, edx */
    {"\xac", 1, true, X86_INS_LODSB, 0, 0},                        /* lodsb */
    {"\xf3\xac", 2, true, 0, 0, 0},                                /* rep lodsb */
    {"\xae", 1, true, X86_INS_SCASB, 0, A},                        /* scasb */
    {"\xf2\xae", 2, true, 0, 0, 0},                                /* repne scasb */
    {"\xab", 1, true, X86_INS_STOSD, 0, 0},                        /* stosd */
    {"\xf3\xab", 2, true, 0, 0, 0},                                /* rep stosd */
    {"\x66\xa5", 2, true, X86_INS_MOVSW, 0, 0},                   /* movsw */
    {"\xa4", 1, true, X86_INS_MOVSB, 0, 0},                        /* movsb */
    {"\xf3\xa5", 2, true, 0, 0, 0},                                /* rep movsd */
    {"\x58", 1, true, X86_INS_POP, 0, 0},                          /* pop eax */
    {"\x1f", 1, false, 0, 0, 0},                                   /* pop ds */
    {"\xc3", 1, true, X86_INS_RET, 0, 0},                          /* ret */
    {"\xf3\xc3", 2, true, X86_INS_RET, 0, 0},                      /* rep ret */
    {"\xff\xe0", 2, true, X86_INS_JMP, 0, 0},                      /* jmp eax */
    {"\xea\x00\x00\x00\xf0", 5, false, 0, 0, 0},                   /* jmp far f000:0 */
    {"\xe8\x00\x00\x00\x00", 5, true, X86_INS_CALL, 0, 0},         /* call rel32 */
    {"\xff\xd0", 2, true, X86_INS_CALL, 0, 0},                    /* call eax */
    {"\xff\x10", 2, true, X86_INS_CALL, 0, 0},                    /* call [eax] */
    {"\xff\x18", 2, true, 0, 0, 0},                                /* call far [eax] */
    {"\x66\xff\xd0", 3, false, 0, 0, 0},                          /* o32 call eax, 16-bit code */
    {"\xf7\xf3", 2, true, X86_INS_DIV, 0, 0},                      /* div ebx */
    {"\xf6\x38", 2, true, X86_INS_IDIV, 0, 0},                     /* idiv byte [eax] */
    {"\x0f\x20\xc0", 3, true, 0, 0, 0},                            /* mov eax, cr0 */
    {"\x8d\x04\x03", 3, true, X86_INS_LEA, 0, 0},                  /* lea eax, [ebx+eax] */
    {"\xf5", 1, true, X86_INS_CMC, F_CF, F_CF},                    /* cmc */
    {"\xfc", 1, true, X86_INS_CLD, 0, 0},                          /* cld */
    {"\xf3\xa4", 2, true, 0, 0, 0},                                /* rep movsb */
    {"\xf3\x90", 2, true, X86_INS_PAUSE, 0, 0},                    /* pause */
    {"\xf0\xf3\x90", 3, true, 0, 0, 0},                            /* lock pause (#UD) */
};
#undef A

static void test_lookup_and_flags(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof samples / sizeof samples[0]; k++) {
        const Sample *s = &samples[k];
        Insn in;
        assert_true(decode_insn((const uint8_t *)s->bytes, (size_t)s->len, 0x100, s->code32, &in));
        const CGInline *d = cg_inline_lookup(&in);
        if (!s->id) {
            if (d) fprintf(stderr, "sample %zu: inlined as %s, expected the helper\n", k, d->mnemonic);
            assert_null(d);
            continue;
        }
        if (!d) fprintf(stderr, "sample %zu: not inlined\n", k);
        assert_non_null(d);
        assert_int_equal(d->id, s->id);
        uint32_t fr, fw;
        cg_inline_flags(d, &in, &fr, &fw);
        if (fr != s->fr || fw != s->fw)
            fprintf(stderr, "sample %zu (%s): fr %03x fw %03x, expected %03x %03x\n", k, d->mnemonic, fr, fw,
                    s->fr, s->fw);
        assert_int_equal(fr, s->fr);
        assert_int_equal(fw, s->fw);
        /* Branches end the block; with inline code off every branch still does. */
        assert_int_equal(cg_ends_block(&in, true), (d->attr & CGI_BRANCH) != 0);
        if (d->attr & CGI_BRANCH) assert_true(cg_ends_block(&in, false));
    }
}

static void test_docs_list_is_current(void **state)
{
    (void)state;
    static char want[16384], doc[262144];
    gen_list(want, sizeof want);
    FILE *f = fopen(XLAT86_SOURCE_DIR "/docs/ARCHITECTURE.md", "r");
    assert_non_null(f);
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = 0;
    const char *begin = strstr(doc, "<!-- inline-table:begin -->\n");
    const char *end = strstr(doc, "<!-- inline-table:end -->");
    assert_non_null(begin);
    assert_non_null(end);
    begin += strlen("<!-- inline-table:begin -->\n");
    if ((size_t)(end - begin) != strlen(want) || memcmp(begin, want, strlen(want)) != 0) {
        fprintf(stderr, "docs/ARCHITECTURE.md's inline list is stale; regenerate it with "
                        "`test_cg_inline --print`:\n%s", want);
        fail();
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--print") == 0) {
        static char out[16384];
        gen_list(out, sizeof out);
        fputs(out, stdout);
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_shape),
        cmocka_unit_test(test_lookup_and_flags),
        cmocka_unit_test(test_docs_list_is_current),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
