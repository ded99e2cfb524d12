/* kvm_state.c - CPUState <-> the structures of KVM's register ioctls
 * (KVM_GET/SET_REGS, SREGS, FPU, DEBUGREGS, VCPU_EVENTS, MSRS).
 * See Documentation/virt/kvm/api.rst for the layouts.
 */
#include "kvm.h"

#include <string.h>

#include "fpu.h"

/* The P6 MSRs of CPUState (see state.h), SDM vol. 4, table 2-3. */
const uint32_t kvm_msr_index[KVM_MSR_COUNT] = {
    0x174, 0x175, 0x176,                                    /* SYSENTER_CS/ESP/EIP */
    0x200, 0x201, 0x202, 0x203, 0x204, 0x205, 0x206, 0x207, /* MTRRphysBase/Mask0-7 */
    0x208, 0x209, 0x20a, 0x20b, 0x20c, 0x20d, 0x20e, 0x20f,
    0x250, 0x258, 0x259,                                    /* MTRRfix64K/16K */
    0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e, 0x26f, /* MTRRfix4K */
    0x2ff,                                                  /* MTRRdefType */
    0xc1, 0xc2, 0x186, 0x187,                               /* PerfCtr0/1, PerfEvtSel0/1 */
};

/* Seg.flags is the access-rights word >> 8: type in bits 0-3, S 4, DPL
 * 5-6, P 7, AVL 12, L 13, D/B 14, G 15. */
void kvm_seg_from_state(const Seg *s, struct kvm_segment *k)
{
    memset(k, 0, sizeof *k);
    k->base = s->base;
    k->limit = s->limit;
    k->selector = s->sel;
    k->type = s->flags & SEGF_TYPE;
    k->s = (s->flags & SEGF_S) != 0;
    k->dpl = (s->flags & SEGF_DPL) >> 5;
    k->present = (s->flags & SEGF_P) != 0;
    k->avl = (s->flags >> 12) & 1;
    k->l = (s->flags >> 13) & 1;
    k->db = (s->flags & SEGF_DB) != 0;
    k->g = (s->flags & SEGF_G) != 0;
    /* A segment register loaded with a null selector (or never loaded
     * with a present descriptor) is unusable for VMX/SVM. */
    k->unusable = !k->present;
}

void kvm_seg_to_state(const struct kvm_segment *k, Seg *s)
{
    s->base = (uint32_t)k->base;
    s->limit = k->limit;
    s->sel = k->selector;
    s->flags = (uint16_t)((k->type & 0xf) | (k->s ? SEGF_S : 0) | ((k->dpl & 3) << 5) |
                          (k->present && !k->unusable ? SEGF_P : 0) | ((k->avl & 1) << 12) |
                          ((k->l & 1) << 13) | (k->db ? SEGF_DB : 0) | (k->g ? SEGF_G : 0));
}

void kvm_regs_from_state(const CPUState *s, struct kvm_regs *r)
{
    memset(r, 0, sizeof *r);
    r->rax = s->regs[R_EAX];
    r->rcx = s->regs[R_ECX];
    r->rdx = s->regs[R_EDX];
    r->rbx = s->regs[R_EBX];
    r->rsp = s->regs[R_ESP];
    r->rbp = s->regs[R_EBP];
    r->rsi = s->regs[R_ESI];
    r->rdi = s->regs[R_EDI];
    r->rip = s->eip;
    r->rflags = s->eflags | 2u;
}

void kvm_regs_to_state(const struct kvm_regs *r, CPUState *s)
{
    s->regs[R_EAX] = (uint32_t)r->rax;
    s->regs[R_ECX] = (uint32_t)r->rcx;
    s->regs[R_EDX] = (uint32_t)r->rdx;
    s->regs[R_EBX] = (uint32_t)r->rbx;
    s->regs[R_ESP] = (uint32_t)r->rsp;
    s->regs[R_EBP] = (uint32_t)r->rbp;
    s->regs[R_ESI] = (uint32_t)r->rsi;
    s->regs[R_EDI] = (uint32_t)r->rdi;
    s->eip = (uint32_t)r->rip;
    s->eflags = (uint32_t)r->rflags;
}

void kvm_sregs_from_state(const CPUState *s, struct kvm_sregs *k)
{
    struct kvm_segment *segs[6] = {&k->es, &k->cs, &k->ss, &k->ds, &k->fs, &k->gs};
    for (int i = 0; i < 6; i++) kvm_seg_from_state(&s->seg[i], segs[i]);
    kvm_seg_from_state(&s->ldtr, &k->ldt);
    kvm_seg_from_state(&s->tr, &k->tr);
    /* The task register must be usable (a busy TSS) even when the guest
     * never loaded one, as after RESET. */
    k->tr.unusable = 0;
    k->gdt.base = s->gdtr.base;
    k->gdt.limit = (uint16_t)s->gdtr.limit;
    k->idt.base = s->idtr.base;
    k->idt.limit = (uint16_t)s->idtr.limit;
    memset(k->gdt.padding, 0, sizeof k->gdt.padding);
    memset(k->idt.padding, 0, sizeof k->idt.padding);
    k->cr0 = s->cr[0];
    k->cr2 = s->cr[2];
    k->cr3 = s->cr[3];
    k->cr4 = s->cr[4];
    k->cr8 = 0;
}

void kvm_sregs_to_state(const struct kvm_sregs *k, CPUState *s)
{
    const struct kvm_segment *segs[6] = {&k->es, &k->cs, &k->ss, &k->ds, &k->fs, &k->gs};
    for (int i = 0; i < 6; i++) kvm_seg_to_state(segs[i], &s->seg[i]);
    kvm_seg_to_state(&k->ldt, &s->ldtr);
    kvm_seg_to_state(&k->tr, &s->tr);
    s->gdtr.base = (uint32_t)k->gdt.base;
    s->gdtr.limit = k->gdt.limit;
    s->idtr.base = (uint32_t)k->idt.base;
    s->idtr.limit = k->idt.limit;
    s->cr[0] = (uint32_t)k->cr0;
    s->cr[2] = (uint32_t)k->cr2;
    s->cr[3] = (uint32_t)k->cr3;
    s->cr[4] = (uint32_t)k->cr4;
}

/* kvm_fpu is the FXSAVE image (SDM vol. 1, 10.5.1): registers in stack
 * order (fpr[i] = ST(i)), the abridged tag word (bit i = physical
 * register Ri not empty), FIP with FCS in bits 32-47 (the 32-bit format's
 * layout; a 64-bit host may not keep the selectors). */
void kvm_fpu_from_state(const CPUState *s, struct kvm_fpu *f)
{
    const FPU *x = &s->fpu;
    int top = fpu_top(x);
    memset(f, 0, sizeof *f);
    for (int i = 0; i < 8; i++) memcpy(f->fpr[i], x->st[(top + i) & 7], 10);
    f->fcw = x->cw;
    f->fsw = x->sw;
    for (int p = 0; p < 8; p++)
        if (((x->tw >> (2 * p)) & 3) != 3) f->ftwx |= (uint8_t)(1u << p);
    f->last_opcode = x->fop & 0x7ff;
    f->last_ip = x->fip | ((uint64_t)x->fcs << 32);
    f->last_dp = x->fdp | ((uint64_t)x->fds << 32);
    f->mxcsr = 0x1f80;   /* power-on MXCSR; the guest CPU has no SSE */
}

void kvm_fpu_to_state(const struct kvm_fpu *f, CPUState *s)
{
    FPU *x = &s->fpu;
    x->cw = f->fcw;
    x->sw = f->fsw;
    int top = fpu_top(x);
    for (int i = 0; i < 8; i++) memcpy(x->st[(top + i) & 7], f->fpr[i], 10);
    x->tw = 0;
    for (int p = 0; p < 8; p++) {
        int tag = (f->ftwx >> p) & 1 ? fpu_tag_of(x->st[p]) : 3;
        x->tw |= (uint16_t)(tag << (2 * p));
    }
    x->fop = f->last_opcode & 0x7ff;
    x->fip = (uint32_t)f->last_ip;
    x->fcs = (uint16_t)(f->last_ip >> 32);
    x->fdp = (uint32_t)f->last_dp;
    x->fds = (uint16_t)(f->last_dp >> 32);
}

void kvm_debugregs_from_state(const CPUState *s, struct kvm_debugregs *d)
{
    memset(d, 0, sizeof *d);
    for (int i = 0; i < 4; i++) d->db[i] = s->dr[i];
    d->dr6 = s->dr[6];
    d->dr7 = s->dr[7];
}

void kvm_debugregs_to_state(const struct kvm_debugregs *d, CPUState *s)
{
    for (int i = 0; i < 4; i++) s->dr[i] = (uint32_t)d->db[i];
    s->dr[6] = (uint32_t)d->dr6;
    s->dr[7] = (uint32_t)d->dr7;
}

void kvm_events_from_state(const CPUState *s, struct kvm_vcpu_events *ev)
{
    memset(ev, 0, sizeof *ev);
    /* The shadow holds only while EIP is still at the instruction after
     * STI/MOV SS. */
    if (s->inhibit_irq && s->inhibit_eip == s->eip) ev->interrupt.shadow = KVM_X86_SHADOW_INT_STI;
    ev->nmi.pending = s->nmi_pending;
    ev->nmi.masked = s->nmi_blocked;
    ev->interrupt.injected = s->irq_injected;
    ev->interrupt.nr = s->irq_injected ? s->irq_vector : 0;
    ev->interrupt.soft = 0;
    ev->flags = KVM_VCPUEVENT_VALID_SHADOW | KVM_VCPUEVENT_VALID_NMI_PENDING;
}

void kvm_events_to_state(const struct kvm_vcpu_events *ev, CPUState *s)
{
    s->inhibit_irq = ev->interrupt.shadow != 0;
    s->inhibit_eip = s->inhibit_irq ? s->eip : 0;
    s->nmi_pending = ev->nmi.pending || ev->nmi.injected;
    s->nmi_blocked = ev->nmi.masked;
    /* A software interrupt (INT n) KVM re-injects is not an acknowledged
     * external one: only hardware interrupts are carried. */
    s->irq_injected = ev->interrupt.injected && !ev->interrupt.soft;
    s->irq_vector = s->irq_injected ? ev->interrupt.nr : 0;
    if (s->irq_injected) s->halted = false;
}

void kvm_msrs_from_state(const CPUState *s, uint64_t *v)
{
    int n = 0;
    v[n++] = s->sysenter_cs;
    v[n++] = s->sysenter_esp;
    v[n++] = s->sysenter_eip;
    for (int i = 0; i < 16; i++) v[n++] = s->mtrr_var[i];
    for (int i = 0; i < 11; i++) v[n++] = s->mtrr_fixed[i];
    v[n++] = s->mtrr_deftype;
    v[n++] = s->perfctr[0];
    v[n++] = s->perfctr[1];
    v[n++] = s->perfevtsel[0];
    v[n++] = s->perfevtsel[1];
}

void kvm_msrs_to_state(const uint64_t *v, CPUState *s)
{
    int n = 0;
    s->sysenter_cs = (uint32_t)v[n++];
    s->sysenter_esp = (uint32_t)v[n++];
    s->sysenter_eip = (uint32_t)v[n++];
    for (int i = 0; i < 16; i++) s->mtrr_var[i] = v[n++];
    for (int i = 0; i < 11; i++) s->mtrr_fixed[i] = v[n++];
    s->mtrr_deftype = v[n++];
    s->perfctr[0] = v[n++];
    s->perfctr[1] = v[n++];
    s->perfevtsel[0] = v[n++];
    s->perfevtsel[1] = v[n++];
}
