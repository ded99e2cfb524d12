/* test_x64emit.c - every encoder form, decoded back by Capstone (x86-64)
 * and compared with the instruction it was meant to be. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "cpu/decode.h"
#include "translator/x64emit.h"

static uint8_t buf[64];

/* Decode exactly one instruction covering the whole emitted range. */
static void expect(CodeBuf *cb, const char *want)
{
    char txt[128];
    int len = 0;
    size_t n = (size_t)(cb->p - cb->start);
    assert_false(cb->overflow);
    decode_disasm(64, cb->start, n, 0, txt, sizeof txt, &len);
    if (strcmp(txt, want) != 0 || (size_t)len != n) {
        fprintf(stderr, "expected '%s' (%zu bytes), got '%s' (%d bytes)\n", want, n, txt, len);
        fail();
    }
    cb_init(cb, buf, sizeof buf);
}

static void test_encoder_mov_forms(void **state)
{
    (void)state;
    CodeBuf cb;
    cb_init(&cb, buf, sizeof buf);
    x_mov_rm(&cb, 4, HRAX, hmem(HRBP, 8)); expect(&cb, "mov eax, dword ptr [rbp + 8]");
    x_mov_rm(&cb, 2, HRDX, hmem(HRBP, 0)); expect(&cb, "mov dx, word ptr [rbp]");
    x_mov_rm(&cb, 1, HRDX, hmem(HRBP, 1)); expect(&cb, "mov dl, byte ptr [rbp + 1]");
    x_mov_rm(&cb, 8, HR12, hmem(HRSP, 0x100)); expect(&cb, "mov r12, qword ptr [rsp + 0x100]");
    x_mov_mr(&cb, 4, hmem(HR13, 0), HRSI); expect(&cb, "mov dword ptr [r13], esi");
    x_mov_mr(&cb, 1, hmem(HRSI, 0), HRDI); expect(&cb, "mov byte ptr [rsi], dil");
    x_mov_mi(&cb, 2, hmem(HRSI, -4), 0x1234); expect(&cb, "mov word ptr [rsi - 4], 0x1234");
    x_mov_ri(&cb, HR9, 0xdeadbeef); expect(&cb, "mov r9d, 0xdeadbeef");
    x_mov_ri64(&cb, HRSI, 0x123456789aull); expect(&cb, "movabs rsi, 0x123456789a");
    x_movzx_rm(&cb, HRSI, 2, hmem(HRBP, 12)); expect(&cb, "movzx esi, word ptr [rbp + 0xc]");
    x_movsx_rm(&cb, HRDX, 1, hmem(HRSI, 0)); expect(&cb, "movsx edx, byte ptr [rsi]");
    x_movzx_rr(&cb, HRSI, 2, HRSI); expect(&cb, "movzx esi, si");
    HMem sib = {HRBP, HRAX, 1, 0x400};
    x_mov_rm(&cb, 4, HRCX, sib); expect(&cb, "mov ecx, dword ptr [rbp + rax + 0x400]");
    HMem nob = {HNONE, HRCX, 4, 0x10};
    x_lea(&cb, 4, HRSI, nob); expect(&cb, "lea esi, [rcx*4 + 0x10]");
    HMem sc8 = {HRDX, HRCX, 8, 0};
    x_mov_rm(&cb, 8, HRDX, sc8); expect(&cb, "mov rdx, qword ptr [rdx + rcx*8]");
}

static void test_encoder_alu_forms(void **state)
{
    (void)state;
    CodeBuf cb;
    cb_init(&cb, buf, sizeof buf);
    x_alu_mr(&cb, ALU_ADD, 4, hmem(HRBP, 4), HRDX); expect(&cb, "add dword ptr [rbp + 4], edx");
    x_alu_mr(&cb, ALU_SBB, 1, hmem(HRSI, 0), HRDX); expect(&cb, "sbb byte ptr [rsi], dl");
    x_alu_rm(&cb, ALU_CMP, 8, HRAX, hmem(HRBP, 0x200)); expect(&cb, "cmp rax, qword ptr [rbp + 0x200]");
    x_alu_mi(&cb, ALU_XOR, 2, hmem(HRBP, 2), 0xffff); expect(&cb, "xor word ptr [rbp + 2], 0xffff");
    x_alu_mi(&cb, ALU_OR, 4, hmem(HRBP, 2), 0x12345); expect(&cb, "or dword ptr [rbp + 2], 0x12345");
    x_alu_mi(&cb, ALU_AND, 1, hmem(HRSI, 0), 0x80); expect(&cb, "and byte ptr [rsi], 0x80");
    x_alu_ri(&cb, ALU_SUB, 8, HRSP, 8); expect(&cb, "sub rsp, 8");
    x_alu_ri(&cb, ALU_ADD, 1, HRAX, 0x7f); expect(&cb, "add al, 0x7f");
    x_test_mi(&cb, 4, hmem(HRBP, 0), 0x10); expect(&cb, "test dword ptr [rbp], 0x10");
    x_test_rr(&cb, 8, HRDX, HRDX); expect(&cb, "test rdx, rdx");
    x_inc_m(&cb, 2, hmem(HRBP, 4)); expect(&cb, "inc word ptr [rbp + 4]");
    x_neg_m(&cb, 1, hmem(HRBP, 5)); expect(&cb, "neg byte ptr [rbp + 5]");
    x_shift_mi(&cb, SH_SAR, 4, hmem(HRSI, 0), 3); expect(&cb, "sar dword ptr [rsi], 3");
    x_shift_ri(&cb, SH_SHR, 4, HRAX, 8); expect(&cb, "shr eax, 8");
    x_setcc_m(&cb, 4, hmem(HRBP, 1)); expect(&cb, "sete byte ptr [rbp + 1]");
    x_cmov_rm(&cb, 0xc, 4, HRDX, hmem(HRSI, 0)); expect(&cb, "cmovl edx, dword ptr [rsi]");
    x_xchg_mr(&cb, 4, hmem(HRBP, 0), HRAX); expect(&cb, "xchg dword ptr [rbp], eax");
}

static void test_encoder_control_forms(void **state)
{
    (void)state;
    CodeBuf cb;
    cb_init(&cb, buf, sizeof buf);
    x_push_r(&cb, HR15); expect(&cb, "push r15");
    x_pop_r(&cb, HRBX); expect(&cb, "pop rbx");
    x_call_r(&cb, HRAX); expect(&cb, "call rax");
    x_jmp_r(&cb, HRSI); expect(&cb, "jmp rsi");
    x_jmp_m(&cb, hmem(HRDX, 0x28)); expect(&cb, "jmp qword ptr [rdx + 0x28]");
    x_lahf(&cb); expect(&cb, "lahf");
    x_sahf(&cb); expect(&cb, "sahf");
    x_pushfq(&cb); expect(&cb, "pushfq");
    x_bswap_r(&cb, HR10); expect(&cb, "bswap r10d");
    /* rel32 branches: target relative to the end of the instruction */
    uint8_t *f = x_jmp_rel32(&cb, buf + 0x20);
    assert_ptr_equal(f, buf + 1);
    expect(&cb, "jmp 0x20");
    x_jcc_rel32(&cb, 5, buf + 0x30); expect(&cb, "jne 0x30");
}

static void test_encoder_overflow_is_detected(void **state)
{
    (void)state;
    CodeBuf cb;
    cb_init(&cb, buf, 3);
    x_mov_ri64(&cb, HRAX, 0x1122334455667788ull);
    assert_true(cb.overflow);
    assert_true(cb.p <= buf + 3);
}

/* A block that runs past the end of the code buffer: the jump fields the
 * emitters hand back after the overflow may still be patched by the code
 * generator before it gives the block up; that must stay inside the
 * buffer (found by fuzzing: a SEGV at the end of the mapping). */
static void test_patch_after_overflow_stays_inside(void **state)
{
    (void)state;
    long pg = sysconf(_SC_PAGESIZE);
    uint8_t *m = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(m != MAP_FAILED);
    assert_int_equal(mprotect(m + pg, (size_t)pg, PROT_NONE), 0);   /* guard page */
    CodeBuf cb;
    cb_init(&cb, m, (size_t)pg);
    uint8_t *fields[4096];
    int n = 0;
    while (n < 4096) {
        fields[n++] = x_jcc_rel32(&cb, 5, NULL);
        if (cb.overflow) break;
    }
    assert_true(cb.overflow);
    for (int i = 0; i < n; i++) x_patch_rel32(fields[i], m);   /* no fault */
    x_patch_rel32(x_jmp_rel32(&cb, NULL), m);
    assert_true(cb.p <= m + pg);
    munmap(m, (size_t)pg * 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encoder_mov_forms),
        cmocka_unit_test(test_encoder_alu_forms),
        cmocka_unit_test(test_encoder_control_forms),
        cmocka_unit_test(test_encoder_overflow_is_detected),
        cmocka_unit_test(test_patch_after_overflow_stays_inside),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
