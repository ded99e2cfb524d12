/* test_engine.c - the engine interface (cpu/engine.h) as the translator
 * implements it: step, run with a budget, kick (also from another thread),
 * INTR and NMI delivery, get/set of the architectural state, the stop
 * reasons for HLT and a triple fault, reset. Expected values come from the
 * SDM (reset state, 9.1.1; real-mode interrupt delivery, 20.1.4; shutdown
 * after a fault while delivering #DF, 6.15 table 6-5). The same test is
 * meant for every engine (the KVM engine next). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "cpu/cpu.h"
#include "cpu/engine.h"
#include "devices/pc.h"
#include "translator/dbt.h"

static PC pc;
static Engine *eng;
static char rom_path[64];

/* The ROM (64 KiB at F0000): F000:FFF0 jumps to F000:0000. */
static const uint8_t code_start[] = {
    0xb8, 0x34, 0x12,        /* 0000 mov ax, 1234h */
    0x40,                    /* 0003 inc ax */
    0x40,                    /* 0004 inc ax */
    0x43,                    /* 0005 inc bx      <- loop */
    0xeb, 0xfd,              /* 0006 jmp 0005 */
};
static const uint8_t code_sti_wait[] = {
    0xfb,                    /* 0020 sti */
    0x90,                    /* 0021 nop */
    0xeb, 0xfe,              /* 0022 jmp $ */
};
static const uint8_t code_irq[] = {
    0xb9, 0x55, 0x00,        /* 0100 mov cx, 55h */
    0xf4,                    /* 0103 hlt */
};
static const uint8_t code_nmi[] = {
    0xba, 0x77, 0x00,        /* 0200 mov dx, 77h */
    0xf4,                    /* 0203 hlt */
};
static const uint8_t code_int3[] = {
    0xcc,                    /* 0300 int3 */
};

static int irq_acks;
static int fake_ack(void *opaque)
{
    (void)opaque;
    irq_acks++;
    return 0x20;
}

static int setup(void **state)
{
    (void)state;
    static uint8_t img[65536];
    memset(img, 0xf4, sizeof img);
    memcpy(img + 0x0000, code_start, sizeof code_start);
    memcpy(img + 0x0020, code_sti_wait, sizeof code_sti_wait);
    memcpy(img + 0x0100, code_irq, sizeof code_irq);
    memcpy(img + 0x0200, code_nmi, sizeof code_nmi);
    memcpy(img + 0x0300, code_int3, sizeof code_int3);
    static const uint8_t jmp[] = {0xea, 0x00, 0x00, 0x00, 0xf0};   /* jmp f000:0000 */
    memcpy(img + 0xfff0, jmp, sizeof jmp);
    snprintf(rom_path, sizeof rom_path, "/tmp/test_engine_romXXXXXX");
    int fd = mkstemp(rom_path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, img, sizeof img), (int)sizeof img);
    close(fd);
    PCConfig cfg = {0};
    cfg.ram_mib = 4;
    cfg.bios_path = rom_path;
    cfg.icount = true;
    char e[256];
    if (!pc_init(&pc, &cfg, e, sizeof e)) fail_msg("%s", e);
    DbtConfig dc = {.inline_code = true, .code_buffer = 1u << 20};
    eng = dbt_create(&pc, &dc, e, sizeof e);
    if (!eng) fail_msg("%s", e);
    /* IVT: 20h -> F000:0100, NMI (2) -> F000:0200. */
    mem_write(&pc.mem, 0x20 * 4, 0xf0000100u, 4);
    mem_write(&pc.mem, 2 * 4, 0xf0000200u, 4);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    engine_destroy(eng);
    pc_free(&pc);
    unlink(rom_path);
    return 0;
}

static CPUState st(void)
{
    CPUState s;
    engine_get_state(eng, &s);
    return s;
}

static void test_reset_state_and_step(void **state)
{
    (void)state;
    engine_reset(eng);
    CPUState s = st();
    /* SDM vol. 3, 9.1.1, table 9-1. */
    assert_int_equal(s.eip, 0xfff0);
    assert_int_equal(s.seg[S_CS].sel, 0xf000);
    assert_int_equal(s.seg[S_CS].base, 0xffff0000u);
    assert_int_equal(s.eflags, 2);
    assert_int_equal(s.cr[0], 0x60000010u);
    assert_false(s.halted);
    assert_false(s.shutdown);
    uint64_t n0 = engine_icount(eng);

    assert_int_equal(engine_step(eng), STOP_BUDGET);   /* jmp f000:0000 */
    s = st();
    assert_int_equal(s.eip, 0);
    assert_int_equal(s.seg[S_CS].base, 0xf0000u);
    assert_int_equal(engine_icount(eng), n0 + 1);
    assert_int_equal(engine_step(eng), STOP_BUDGET);   /* mov ax, 1234h */
    assert_int_equal(st().regs[R_EAX] & 0xffff, 0x1234);
    assert_int_equal(st().eip, 3);
    assert_int_equal(engine_step(eng), STOP_BUDGET);   /* inc ax */
    assert_int_equal(st().regs[R_EAX] & 0xffff, 0x1235);
    assert_int_equal(st().eip, 4);
    assert_int_equal(engine_icount(eng), n0 + 3);
}

static void test_run_budget(void **state)
{
    (void)state;
    engine_reset(eng);
    for (int i = 0; i < 4; i++) engine_step(eng);   /* to the loop at 0005 */
    CPUState s = st();
    s.regs[R_EBX] = 0;
    engine_set_state(eng, &s);
    uint64_t n0 = engine_icount(eng);
    uint64_t ran = 0;
    /* The engine may come back early (its dispatcher polls), never late by
     * more than one block; every retired instruction is counted. */
    while (ran < 100000) {
        assert_int_equal(engine_run(eng, 100000 - ran), STOP_BUDGET);
        ran = engine_icount(eng) - n0;
    }
    assert_true(ran < 100000 + 64);
    s = st();
    /* The loop is inc bx / jmp: half the instructions were INC (BX wraps
     * at 16 bits). */
    uint64_t incs = (ran + (st().eip == 6 ? 1 : 0)) / 2;
    assert_int_equal(s.regs[R_EBX] & 0xffff, incs & 0xffff);
}

static void test_kick(void **state)
{
    (void)state;
    engine_reset(eng);
    engine_kick(eng);
    uint64_t n0 = engine_icount(eng);
    assert_int_equal(engine_run(eng, 1000000000u), STOP_BUDGET);
    assert_int_equal(engine_icount(eng), n0);   /* a kick before run: back at once */
}

static void *kicker(void *arg)
{
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    engine_kick(arg);
    return NULL;
}

static void test_kick_from_thread(void **state)
{
    (void)state;
    engine_reset(eng);
    for (int i = 0; i < 4; i++) engine_step(eng);   /* the endless loop */
    pthread_t t;
    pthread_create(&t, NULL, kicker, eng);
    /* An endless guest loop (a block chained to itself never passes the
     * dispatcher) with an endless budget: only the kick ends this call. */
    uint64_t n0 = engine_icount(eng);
    assert_int_equal(engine_run(eng, UINT64_MAX), STOP_BUDGET);
    pthread_join(t, NULL);
    assert_true(engine_icount(eng) - n0 > 1000);
}

static void test_intr_and_halt(void **state)
{
    (void)state;
    engine_reset(eng);
    engine_step(eng);
    CPUState s = st();
    s.eip = 0x20;                                   /* sti; nop; jmp $ */
    engine_set_state(eng, &s);
    CPU *cpu = dbt_cpu(eng);
    cpu->irq_ack = fake_ack;
    irq_acks = 0;
    engine_set_intr(eng, 1);
    /* STI's shadow: the interrupt arrives after the NOP (SDM vol. 2, STI),
     * then the handler runs to HLT. */
    EngineStop r;
    do r = engine_run(eng, 1000); while (r == STOP_BUDGET && irq_acks == 0);
    engine_set_intr(eng, 0);
    while (r == STOP_BUDGET) r = engine_run(eng, 1000);
    assert_int_equal(r, STOP_HALT);
    assert_int_equal(irq_acks, 1);
    s = st();
    assert_true(s.halted);
    assert_int_equal(s.regs[R_ECX] & 0xffff, 0x55);
    assert_int_equal(s.eip, 0x104);                 /* after the HLT */
    /* The frame: FLAGS, CS, IP = 0022 (after STI and NOP). */
    uint32_t sp = s.seg[S_SS].base + (s.regs[R_ESP] & 0xffff);
    assert_int_equal(mem_read(&pc.mem, sp, 2), 0x22);
    assert_int_equal(mem_read(&pc.mem, sp + 2, 2), 0xf000);
    /* Halted with nothing pending: run comes back with STOP_HALT again. */
    assert_int_equal(engine_run(eng, 1000), STOP_HALT);
    cpu->irq_ack = NULL;
}

static void test_nmi(void **state)
{
    (void)state;
    engine_reset(eng);
    engine_step(eng);
    for (int i = 0; i < 3; i++) engine_step(eng);
    engine_nmi(eng);                                 /* IF = 0: NMI is not masked */
    EngineStop r;
    do r = engine_run(eng, 1000); while (r == STOP_BUDGET);
    assert_int_equal(r, STOP_HALT);
    CPUState s = st();
    assert_int_equal(s.regs[R_EDX] & 0xffff, 0x77);
    assert_true(s.nmi_blocked);                      /* until the next IRET */
    assert_false(s.nmi_pending);
}

static void test_state_round_trip(void **state)
{
    (void)state;
    engine_reset(eng);
    CPUState a = st();
    a.regs[R_EAX] = 0xdeadbeef;
    a.regs[R_ESI] = 0x12345678;
    a.eip = 0x0003;                                  /* inc ax */
    a.seg[S_CS].sel = 0xf000;
    a.seg[S_CS].base = 0xf0000;
    a.dr[0] = 0x1000;
    a.fpu.cw = 0x027f;
    engine_set_state(eng, &a);
    CPUState b = st();
    assert_memory_equal(b.regs, a.regs, sizeof a.regs);
    assert_int_equal(b.dr[0], 0x1000);
    assert_int_equal(b.fpu.cw, 0x027f);
    assert_int_equal(engine_step(eng), STOP_BUDGET);
    b = st();
    assert_int_equal(b.regs[R_EAX], 0xdeadbef0u);    /* INC AX keeps the high half */
    assert_int_equal(b.eip, 4);
}

static void test_triple_fault(void **state)
{
    (void)state;
    engine_reset(eng);
    CPUState s = st();
    s.eip = 0x300;                                   /* int3 */
    s.seg[S_CS].base = 0xf0000;
    s.seg[S_CS].sel = 0xf000;
    s.idtr.limit = 0;                                /* every vector is beyond the IVT */
    engine_set_state(eng, &s);
    /* INT3 -> #GP (vector beyond the limit) -> #DF -> shutdown. */
    assert_int_equal(engine_run(eng, 1000), STOP_TRIPLE);
    assert_true(st().shutdown);
    /* Only RESET leaves shutdown. */
    assert_int_equal(engine_run(eng, 1000), STOP_TRIPLE);
    engine_reset(eng);
    assert_false(st().shutdown);
    assert_int_equal(st().eip, 0xfff0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_state_and_step), cmocka_unit_test(test_run_budget),
        cmocka_unit_test(test_kick),                 cmocka_unit_test(test_kick_from_thread),
        cmocka_unit_test(test_intr_and_halt),        cmocka_unit_test(test_nmi),
        cmocka_unit_test(test_state_round_trip),     cmocka_unit_test(test_triple_fault),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
