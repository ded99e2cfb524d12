/* test_tcache.c - translation cache: lookup by key, chaining (the jump is
 * patched to the target and back on unlink), inline-cache entries (the
 * same, and the fill reopened), invalidation by physical range, and the
 * code-page counts that keep the write TLB off code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cpu/cpu.h"
#include "devices/memory.h"
#include "translator/tcache.h"
#include "translator/x64emit.h"

static Memory mem;
static TCache tc;

static int setup(void **state)
{
    (void)state;
    assert_true(mem_init(&mem, 1u << 20));
    assert_true(tc_init(&tc, 1u << 20, &mem, NULL));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tc_free(&tc);
    mem_free(&mem);
    return 0;
}

/* A fake block of `len` guest bytes at phys with one patchable exit. */
static TB *make_tb(uint32_t phys, uint32_t len, uint32_t mode)
{
    TB *tb = tc_alloc(&tc, 1);
    assert_non_null(tb);
    tb->phys_pc = phys;
    tb->phys_end = phys + len;
    tb->lin_pc = phys;
    tb->eip = phys;
    tb->mode = mode;
    CodeBuf cb;
    cb_init(&cb, tc.buf_ptr, 64);
    tb->code = cb.p;
    tb->exit[0].jmp_field = x_jmp_rel32(&cb, NULL);
    tb->exit[0].stub = cb.p;
    x_patch_rel32(tb->exit[0].jmp_field, tb->exit[0].stub);
    x_ret(&cb);
    tc.buf_ptr = cb.p;
    tc_insert(&tc, tb);
    return tb;
}

static int32_t rel_of(const TB *tb)
{
    int32_t r;
    memcpy(&r, tb->exit[0].jmp_field, 4);
    return r;
}

static void test_tc_lookup_matches_full_key(void **state)
{
    (void)state;
    TB *a = make_tb(0x1000, 10, 1);
    assert_ptr_equal(tc_lookup(&tc, 0x1000, 0, 0x1000, 1), a);
    assert_null(tc_lookup(&tc, 0x1000, 0, 0x1000, 2));      /* other mode */
    assert_null(tc_lookup(&tc, 0x1000, 0x10, 0x1000, 1));   /* other CS base */
    assert_null(tc_lookup(&tc, 0x1001, 0, 0x1000, 1));
    assert_int_equal(mem.code[1], 1);
}

static void test_tc_chain_patches_and_unlinks_on_invalidate(void **state)
{
    (void)state;
    TB *a = make_tb(0x3000, 8, 1);
    TB *b = make_tb(0x5000, 8, 1);
    int32_t unlinked = rel_of(a);
    tc_link(a, 0, b);
    assert_ptr_equal(a->exit[0].linked, b);
    assert_ptr_equal(a->exit[0].jmp_field + 4 + rel_of(a), b->code);
    /* A write to b's bytes invalidates b and re-points a's jump at its stub. */
    bool hit = false;
    int n = tc_invalidate_range(&tc, 0x5004, 1, a, &hit);
    assert_int_equal(n, 1);
    assert_false(hit);
    assert_false(b->valid);
    assert_int_equal(rel_of(a), unlinked);
    assert_null(a->exit[0].linked);
    assert_null(tc_lookup(&tc, 0x5000, 0, 0x5000, 1));
    assert_int_equal(mem.code[5], 0);
    assert_true(a->valid);
}

static int32_t rel_at(const uint8_t *field)
{
    int32_t r;
    memcpy(&r, field, 4);
    return r;
}

/* An inline-cache entry (translator/cg_ic.c) of block a: a je linked to
 * b, and the miss switch closed (pointing at the probe). Unlinking the
 * entry, by invalidating b or by tc_unlink_all, points the je back at the
 * miss path and reopens the switch to the fill call. */
static void ic_setup(TB *a, TB *b, uint8_t **miss)
{
    CodeBuf cb;
    cb_init(&cb, tc.buf_ptr, 64);
    TBExit *e = &a->exit[TB_IC_SLOT];
    e->jmp_field = x_jcc_rel32(&cb, 4, NULL);
    *miss = cb.p;
    e->stub = *miss;
    x_patch_rel32(e->jmp_field, e->stub);
    a->ic_switch = x_jmp_rel32(&cb, NULL);
    a->ic_fill = cb.p;
    x_ret(&cb);
    a->ic_probe = cb.p;
    x_ret(&cb);
    tc.buf_ptr = cb.p;
    e->target_eip = b->eip;
    tc_link(a, TB_IC_SLOT, b);
    x_patch_rel32(a->ic_switch, a->ic_probe);
    assert_ptr_equal(e->linked, b);
    assert_ptr_equal(e->jmp_field + 4 + rel_at(e->jmp_field), b->code);
}

static void test_tc_ic_entry_unlinks_and_reopens_fill(void **state)
{
    (void)state;
    TB *a = make_tb(0xb000, 8, 1);
    TB *b = make_tb(0xc000, 8, 1);
    uint8_t *miss;
    ic_setup(a, b, &miss);
    TBExit *e = &a->exit[TB_IC_SLOT];
    bool hit = false;
    assert_int_equal(tc_invalidate_range(&tc, 0xc000, 1, NULL, &hit), 1);
    assert_null(e->linked);
    assert_ptr_equal(e->jmp_field + 4 + rel_at(e->jmp_field), miss);
    assert_ptr_equal(a->ic_switch + 4 + rel_at(a->ic_switch), a->ic_fill);
    /* Again through tc_unlink_all (the map changed without paging). */
    TB *c = make_tb(0xd000, 8, 1);
    ic_setup(a, c, &miss);
    tc_unlink_all(&tc);
    assert_null(a->exit[TB_IC_SLOT].linked);
    assert_ptr_equal(a->exit[TB_IC_SLOT].jmp_field + 4 + rel_at(a->exit[TB_IC_SLOT].jmp_field), miss);
    assert_ptr_equal(a->ic_switch + 4 + rel_at(a->ic_switch), a->ic_fill);
    assert_true(c->valid);
}

static void test_tc_invalidate_only_overlapping_bytes(void **state)
{
    (void)state;
    TB *a = make_tb(0x7000, 16, 1);
    bool hit = false;
    /* Same page, bytes after the block: data next to code stays harmless. */
    assert_int_equal(tc_invalidate_range(&tc, 0x7010, 4, a, &hit), 0);
    assert_true(a->valid);
    assert_int_equal(tc_invalidate_range(&tc, 0x700e, 4, a, &hit), 1);
    assert_true(hit);
    assert_false(a->valid);
}

static void test_tc_flush_empties_everything(void **state)
{
    (void)state;
    make_tb(0x9000, 4, 1);
    tc_flush(&tc);
    assert_null(tc_lookup(&tc, 0x9000, 0, 0x9000, 1));
    assert_int_equal(mem.code[9], 0);
    assert_ptr_equal(tc.buf_ptr, tc.buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tc_lookup_matches_full_key),
        cmocka_unit_test(test_tc_chain_patches_and_unlinks_on_invalidate),
        cmocka_unit_test(test_tc_ic_entry_unlinks_and_reopens_fill),
        cmocka_unit_test(test_tc_invalidate_only_overlapping_bytes),
        cmocka_unit_test(test_tc_flush_empties_everything),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
