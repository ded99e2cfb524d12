/* test_kvm_state.c - CPUState <-> KVM's register structures (cpu/kvm_state.c)
 * and, where /dev/kvm is usable, the same state through a live vCPU.
 *
 * Expected layouts come from the KVM API (Documentation/virt/kvm/api.rst:
 * struct kvm_segment's unpacked attribute fields, kvm_fpu as the FXSAVE
 * image) and the SDM (vol. 1, 10.5.1: FXSAVE keeps ST0-ST7 in stack order
 * and an abridged tag word with one bit per physical register; vol. 3,
 * 3.4.5: the descriptor's attribute bits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cpu/cpu.h"
#include "cpu/kvm.h"
#include "devices/pc.h"
#include "translator/dbt.h"

/* A protected-mode state with every field CPUState transfers set to
 * something distinctive. */
static void sample(CPUState *s)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < 8; i++) s->regs[i] = 0x11111111u * (uint32_t)(i + 1);
    s->eip = 0x00101234u;
    s->eflags = 0x00000246u;
    for (int i = 0; i < 6; i++) {
        s->seg[i].sel = (uint16_t)(0x10 + 8 * i);
        s->seg[i].base = 0x1000u * (uint32_t)i;
        s->seg[i].limit = 0xffffffffu;
        s->seg[i].flags = SEGF_G | SEGF_DB | SEGF_P | SEGF_S | 0x3;   /* 0xc093: data RW accessed */
    }
    s->seg[S_CS].flags = SEGF_G | SEGF_DB | SEGF_P | SEGF_S | 0xb;     /* 0xc09b: code RX accessed */
    s->seg[S_FS].flags = 0x0000;                                       /* null selector: unusable */
    s->seg[S_FS].sel = 0;
    s->ldtr = (Seg){0x5000, 0x7f, 0x40, SEGF_P | 0x2};
    s->tr = (Seg){0x6000, 0x67, 0x48, SEGF_P | 0xb};
    s->gdtr = (DescTable){0x7000, 0x4f};
    s->idtr = (DescTable){0x8000, 0x7ff};
    s->cr[0] = 0x80000011u;
    s->cr[2] = 0xdeadb000u;
    s->cr[3] = 0x00200000u;
    s->cr[4] = 0x00000090u;   /* PSE, PGE */
    s->dr[0] = 0x1000;
    s->dr[1] = 0x2000;
    s->dr[2] = 0x3000;
    s->dr[3] = 0x4000;
    s->dr[6] = 0xffff0ff1u;
    s->dr[7] = 0x00000403u;
    s->fpu.cw = 0x037f;
    s->fpu.sw = 0x3000 | FSW_C1;   /* TOP = 6 */
    /* R6 = 1.0, R7 = +0.0 in use; R0..R5 empty. */
    static const uint8_t one[10] = {0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f};
    memcpy(s->fpu.st[6], one, 10);
    memset(s->fpu.st[7], 0, 10);
    s->fpu.tw = 0x4fff;            /* R7 zero (01), R6 valid (00), others empty */
    s->fpu.fop = 0x1d9;
    s->fpu.fip = 0x00101230u;
    s->fpu.fcs = 0x08;
    s->fpu.fdp = 0x00300000u;
    s->fpu.fds = 0x10;
    s->sysenter_cs = 0x08;
    s->sysenter_esp = 0x9f000;
    s->sysenter_eip = 0x101000;
    /* PhysBase: base | type WB; PhysMask: 1 MiB mask | valid (SDM vol. 3, 11.11.2.3). */
    for (int i = 0; i < 16; i++) s->mtrr_var[i] = i & 1 ? 0xfff00800u : 0x100000u * (uint64_t)i + 6;
    for (int i = 0; i < 11; i++) s->mtrr_fixed[i] = 0x0606060606060606ull;
    s->mtrr_deftype = 0xc06;
    s->perfevtsel[1] = 0x430076;
    s->nmi_blocked = true;
}

static void test_segment_attributes(void **state)
{
    (void)state;
    CPUState s;
    struct kvm_sregs k;
    sample(&s);
    memset(&k, 0, sizeof k);
    kvm_sregs_from_state(&s, &k);
    assert_int_equal(k.cs.type, 0xb);
    assert_int_equal(k.cs.s, 1);
    assert_int_equal(k.cs.dpl, 0);
    assert_int_equal(k.cs.present, 1);
    assert_int_equal(k.cs.db, 1);
    assert_int_equal(k.cs.g, 1);
    assert_int_equal(k.cs.limit, 0xffffffffu);
    assert_int_equal(k.cs.selector, 0x18);
    assert_int_equal(k.ds.base, 0x3000);
    assert_int_equal(k.fs.unusable, 1);   /* null selector */
    assert_int_equal(k.ss.unusable, 0);
    assert_int_equal(k.tr.type, 0xb);
    assert_int_equal(k.tr.unusable, 0);
    assert_int_equal(k.ldt.type, 2);
    assert_int_equal(k.gdt.base, 0x7000);
    assert_int_equal(k.idt.limit, 0x7ff);
    assert_int_equal(k.cr0, 0x80000011u);
    assert_int_equal(k.cr3, 0x200000u);
    /* DPL 3, 16-bit, byte granular (a V86-style data segment). */
    Seg d = {0x12340, 0xffff, 0x1234, SEGF_P | SEGF_S | SEGF_DPL | 0x3};
    struct kvm_segment ks;
    kvm_seg_from_state(&d, &ks);
    assert_int_equal(ks.dpl, 3);
    assert_int_equal(ks.db, 0);
    assert_int_equal(ks.g, 0);
    Seg back;
    kvm_seg_to_state(&ks, &back);
    assert_memory_equal(&back, &d, sizeof d);
}

static void test_fpu_layout(void **state)
{
    (void)state;
    CPUState s;
    struct kvm_fpu f;
    sample(&s);
    kvm_fpu_from_state(&s, &f);
    /* TOP = 6: ST0 = R6, ST1 = R7, ST2 = R0 */
    assert_memory_equal(f.fpr[0], s.fpu.st[6], 10);
    assert_memory_equal(f.fpr[1], s.fpu.st[7], 10);
    assert_int_equal(f.ftwx, 0xc0);  /* R6, R7 not empty */
    assert_int_equal(f.fcw, 0x037f);
    assert_int_equal(f.fsw, s.fpu.sw);
    assert_int_equal(f.last_opcode, 0x1d9);
    assert_int_equal(f.last_ip, 0x0000000800101230ull);
    assert_int_equal(f.mxcsr, 0x1f80);
}

static void test_round_trip(void **state)
{
    (void)state;
    CPUState s, t;
    struct kvm_regs r;
    struct kvm_sregs sr;
    struct kvm_fpu f;
    struct kvm_debugregs d;
    struct kvm_vcpu_events ev;
    uint64_t v[KVM_MSR_COUNT];
    sample(&s);
    memset(&t, 0, sizeof t);
    memset(&sr, 0, sizeof sr);
    kvm_regs_from_state(&s, &r);
    kvm_sregs_from_state(&s, &sr);
    kvm_fpu_from_state(&s, &f);
    kvm_debugregs_from_state(&s, &d);
    kvm_events_from_state(&s, &ev);
    kvm_msrs_from_state(&s, v);
    assert_int_equal(r.rflags, 0x246);
    assert_int_equal(r.rdi, 0x88888888u);
    assert_int_equal(ev.nmi.masked, 1);
    assert_int_equal(v[0], 0x08);                      /* MSR 174h */
    assert_int_equal(kvm_msr_index[KVM_MSR_COUNT - 1], 0x187);
    kvm_regs_to_state(&r, &t);
    kvm_sregs_to_state(&sr, &t);
    kvm_fpu_to_state(&f, &t);
    kvm_debugregs_to_state(&d, &t);
    kvm_events_to_state(&ev, &t);
    kvm_msrs_to_state(v, &t);
    assert_memory_equal(t.regs, s.regs, sizeof s.regs);
    assert_int_equal(t.eip, s.eip);
    assert_int_equal(t.eflags, s.eflags);
    for (int i = 0; i < 6; i++) assert_memory_equal(&t.seg[i], &s.seg[i], sizeof(Seg));
    assert_memory_equal(&t.ldtr, &s.ldtr, sizeof(Seg));
    assert_memory_equal(&t.tr, &s.tr, sizeof(Seg));
    assert_memory_equal(&t.gdtr, &s.gdtr, sizeof s.gdtr);
    assert_memory_equal(&t.idtr, &s.idtr, sizeof s.idtr);
    assert_memory_equal(t.cr, s.cr, sizeof s.cr);
    for (int i = 0; i < 4; i++) assert_int_equal(t.dr[i], s.dr[i]);
    assert_int_equal(t.dr[6], s.dr[6]);
    assert_int_equal(t.dr[7], s.dr[7]);
    assert_memory_equal(t.fpu.st, s.fpu.st, sizeof s.fpu.st);
    assert_int_equal(t.fpu.tw, s.fpu.tw);   /* tags recomputed from contents */
    assert_int_equal(t.fpu.cw, s.fpu.cw);
    assert_int_equal(t.fpu.sw, s.fpu.sw);
    assert_int_equal(t.fpu.fop, s.fpu.fop);
    assert_int_equal(t.fpu.fip, s.fpu.fip);
    assert_int_equal(t.fpu.fcs, s.fpu.fcs);
    assert_int_equal(t.fpu.fdp, s.fpu.fdp);
    assert_int_equal(t.fpu.fds, s.fpu.fds);
    assert_int_equal(t.sysenter_eip, s.sysenter_eip);
    assert_memory_equal(t.mtrr_var, s.mtrr_var, sizeof s.mtrr_var);
    assert_memory_equal(t.mtrr_fixed, s.mtrr_fixed, sizeof s.mtrr_fixed);
    assert_int_equal(t.mtrr_deftype, s.mtrr_deftype);
    assert_int_equal(t.perfevtsel[1], s.perfevtsel[1]);
    assert_int_equal(t.nmi_blocked, true);
    assert_int_equal(t.inhibit_irq, false);
}

/* The interrupt shadow after STI travels as KVM's shadow bit. */
static void test_shadow(void **state)
{
    (void)state;
    CPUState s, t;
    struct kvm_vcpu_events ev;
    sample(&s);
    s.inhibit_irq = true;
    s.inhibit_eip = s.eip;
    kvm_events_from_state(&s, &ev);
    assert_int_not_equal(ev.interrupt.shadow, 0);
    assert_true(ev.flags & KVM_VCPUEVENT_VALID_SHADOW);
    t = s;
    t.inhibit_irq = false;
    kvm_events_to_state(&ev, &t);
    assert_true(t.inhibit_irq);
    assert_int_equal(t.inhibit_eip, s.eip);
}

/* Through a live vCPU: set_state then get_state gives the state back. */
static void test_live_round_trip(void **state)
{
    (void)state;
    if (access("/dev/kvm", R_OK | W_OK) != 0) {
        print_message("SKIP: /dev/kvm not usable\n");
        skip();
    }
    static uint8_t img[65536];
    char rom[64], e[256];
    memset(img, 0xf4, sizeof img);
    snprintf(rom, sizeof rom, "/tmp/test_kvm_romXXXXXX");
    int fd = mkstemp(rom);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, img, sizeof img), (int)sizeof img);
    close(fd);
    static PC pc;
    PCConfig cfg = {0};
    cfg.ram_mib = 4;
    cfg.bios_path = rom;
    if (!pc_init(&pc, &cfg, e, sizeof e)) fail_msg("%s", e);
    unlink(rom);
    KvmConfig kc = {0};
    Engine *eng = kvm_create(&pc, &kc, e, sizeof e);
    if (!eng) {
        pc_free(&pc);
        print_message("SKIP: %s\n", e);
        skip();
    }
    CPUState s, t;
    engine_get_state(eng, &s);
    /* The reset state (SDM vol. 3, table 9-1). */
    assert_int_equal(s.eip, 0xfff0);
    assert_int_equal(s.seg[S_CS].sel, 0xf000);
    assert_int_equal(s.seg[S_CS].base, 0xffff0000u);
    assert_int_equal(s.regs[R_EDX], CPU_SIGNATURE);
    sample(&s);
    s.cr[0] = 0x00000011u;   /* no paging: CR3 need not point at tables */
    engine_set_state(eng, &s);
    engine_get_state(eng, &t);
    assert_memory_equal(t.regs, s.regs, sizeof s.regs);
    assert_int_equal(t.eip, s.eip);
    assert_int_equal(t.eflags, s.eflags);
    for (int i = 0; i < 6; i++) {
        if (i == S_FS) continue;   /* unusable: KVM may not keep its fields */
        assert_int_equal(t.seg[i].sel, s.seg[i].sel);
        assert_int_equal(t.seg[i].base, s.seg[i].base);
        assert_int_equal(t.seg[i].limit, s.seg[i].limit);
        assert_int_equal(t.seg[i].flags & 0xf0ff, s.seg[i].flags);
    }
    assert_int_equal(t.gdtr.base, s.gdtr.base);
    assert_int_equal(t.idtr.limit, s.idtr.limit);
    assert_int_equal(t.cr[0] & 0xffff, s.cr[0] & 0xffff);
    assert_int_equal(t.cr[2], s.cr[2]);
    assert_int_equal(t.cr[3], s.cr[3]);
    assert_int_equal(t.dr[0], s.dr[0]);
    assert_int_equal(t.dr[7], s.dr[7]);
    assert_memory_equal(t.fpu.st, s.fpu.st, sizeof s.fpu.st);
    assert_int_equal(t.fpu.tw, s.fpu.tw);
    assert_int_equal(t.fpu.cw, s.fpu.cw);
    assert_int_equal(t.fpu.fop, s.fpu.fop);
    assert_int_equal(t.fpu.fip, s.fpu.fip);
    assert_int_equal(t.sysenter_cs, s.sysenter_cs);
    assert_int_equal(t.sysenter_eip, s.sysenter_eip);
    assert_int_equal(t.mtrr_var[3], s.mtrr_var[3]);
    assert_int_equal(t.mtrr_deftype, s.mtrr_deftype);
    assert_int_equal(t.nmi_blocked, s.nmi_blocked);
    /* The TSC is not compared: this development host's nested KVM
     * ignores a host write to IA32_TSC (docs/VIRTUALISATION.md). */
    engine_destroy(eng);
    pc_free(&pc);
}

/* An interrupt KVM has taken from the PIC and not yet delivered (vCPU
 * events interrupt.injected/nr) travels in CPUState; a software INT n
 * being re-injected does not (it is no acknowledged external interrupt). */
static void test_injected_irq(void **state)
{
    (void)state;
    CPUState s, t;
    struct kvm_vcpu_events ev;
    sample(&s);
    s.irq_injected = true;
    s.irq_vector = 0x08;
    kvm_events_from_state(&s, &ev);
    assert_int_equal(ev.interrupt.injected, 1);
    assert_int_equal(ev.interrupt.nr, 0x08);
    assert_int_equal(ev.interrupt.soft, 0);
    memset(&t, 0, sizeof t);
    t.halted = true;
    kvm_events_to_state(&ev, &t);
    assert_true(t.irq_injected);
    assert_int_equal(t.irq_vector, 0x08);
    assert_false(t.halted);   /* an injected event wakes the CPU */
    ev.interrupt.soft = 1;
    kvm_events_to_state(&ev, &t);
    assert_false(t.irq_injected);
    s.irq_injected = false;
    kvm_events_from_state(&s, &ev);
    assert_int_equal(ev.interrupt.injected, 0);
}

/* Real mode at 0000:3000 (HLT) with IF clear and vector 08h acknowledged
 * but not delivered; IVT[08h] = 0000:1000, a handler that stores 5Ah at
 * 2000h and halts. get_state gives the pending vector back before the
 * run; the run delivers it first (IF clear does not hold it back): the
 * handler runs and the interrupted CS:IP and FLAGS are on the stack. */
static void injected_on(PC *pc, Engine *eng)
{
    uint8_t *ram = pc->mem.ram;
    static const uint8_t handler[] = {0xc6, 0x06, 0x00, 0x20, 0x5a, 0xf4};   /* mov byte [2000h], 5Ah; hlt */
    memset(ram, 0, 0x8000);
    ram[0x20] = 0x00, ram[0x21] = 0x10, ram[0x22] = 0, ram[0x23] = 0;     /* IVT[08h] = 0000:1000 */
    memcpy(ram + 0x1000, handler, sizeof handler);
    ram[0x3000] = 0xf4;
    CPUState s, t;
    engine_get_state(eng, &s);
    s.eip = 0x3000;
    s.eflags = 0x2;
    for (int i = 0; i < 6; i++) {
        s.seg[i].sel = 0;
        s.seg[i].base = 0;
        s.seg[i].limit = 0xffff;
    }
    s.regs[R_ESP] = 0x7000;
    s.irq_injected = true;
    s.irq_vector = 0x08;
    engine_set_state(eng, &s);
    engine_get_state(eng, &t);
    assert_true(t.irq_injected);
    assert_int_equal(t.irq_vector, 0x08);
    assert_int_equal(t.eip, 0x3000);
    EngineStop stop = STOP_BUDGET;
    for (int i = 0; i < 100 && stop != STOP_HALT; i++) stop = engine_run(eng, 100000);
    assert_int_equal(stop, STOP_HALT);
    engine_get_state(eng, &t);
    assert_int_equal(ram[0x2000], 0x5a);
    assert_int_equal(t.eip, 0x1000 + sizeof handler);
    assert_false(t.irq_injected);
    assert_int_equal(t.regs[R_ESP] & 0xffff, 0x7000 - 6);
    assert_int_equal(ram[0x7000 - 6] | ram[0x7000 - 5] << 8, 0x3000);   /* IP */
    assert_int_equal(ram[0x7000 - 4] | ram[0x7000 - 3] << 8, 0);        /* CS */
    assert_int_equal((ram[0x7000 - 2] | ram[0x7000 - 1] << 8) & 0x0200, 0); /* FLAGS.IF clear */
}

static bool make_pc(PC *pc)
{
    static uint8_t img[65536];
    char rom[64], e[256];
    memset(img, 0xf4, sizeof img);
    snprintf(rom, sizeof rom, "/tmp/test_kvm_romXXXXXX");
    int fd = mkstemp(rom);
    if (fd < 0) return false;
    bool ok = write(fd, img, sizeof img) == (ssize_t)sizeof img;
    close(fd);
    PCConfig cfg = {0};
    cfg.ram_mib = 4;
    cfg.bios_path = rom;
    ok = ok && pc_init(pc, &cfg, e, sizeof e);
    unlink(rom);
    return ok;
}

static void test_injected_dbt(void **state)
{
    (void)state;
    static PC pc;
    char e[256];
    assert_true(make_pc(&pc));
    DbtConfig dc = {.inline_code = true};
    Engine *eng = dbt_create(&pc, &dc, e, sizeof e);
    if (!eng) fail_msg("%s", e);
    injected_on(&pc, eng);
    engine_destroy(eng);
    pc_free(&pc);
}

static void test_injected_kvm(void **state)
{
    (void)state;
    if (access("/dev/kvm", R_OK | W_OK) != 0) {
        print_message("SKIP: /dev/kvm not usable\n");
        skip();
    }
    static PC pc;
    char e[256];
    assert_true(make_pc(&pc));
    KvmConfig kc = {0};
    Engine *eng = kvm_create(&pc, &kc, e, sizeof e);
    if (!eng) {
        pc_free(&pc);
        print_message("SKIP: %s\n", e);
        skip();
    }
    injected_on(&pc, eng);
    engine_destroy(eng);
    pc_free(&pc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_segment_attributes),
        cmocka_unit_test(test_fpu_layout),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_shadow),
        cmocka_unit_test(test_live_round_trip),
        cmocka_unit_test(test_injected_irq),
        cmocka_unit_test(test_injected_dbt),
        cmocka_unit_test(test_injected_kvm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
