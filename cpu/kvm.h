/* kvm.h - the KVM engine (cpu/engine.h): `-accel kvm`.
 *
 * kvm_create() opens /dev/kvm, creates a VM with one vCPU on a board
 * (devices/pc.h), maps the board's RAM and ROM regions as memory slots
 * (ROM as read-only slots: its stores come back as MMIO exits and are
 * dropped, see kvm_unstick in kvm_slots.c) and keeps them in step with
 * the region map. Its run() enters the guest with KVM_RUN for a time
 * slice and serves the exits: port I/O on the board's
 * IOBus, MMIO through mem_read/mem_write, HLT, shutdown, system events.
 * Interrupts come from the board's own PIC (the same device code as under
 * the translator), injected with KVM_INTERRUPT when the guest can take one;
 * with kernel_irqchip the kernel's PIC/IOAPIC and PIT are used instead and
 * the board's IRQ lines are routed to them (KVM_IRQ_LINE).
 *
 * The conversions between CPUState and KVM's register structures are
 * plain functions (kvm_state.c) so that they can be tested without
 * /dev/kvm.
 */
#ifndef XLAT86_KVM_H
#define XLAT86_KVM_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "state.h"

struct PC;

typedef struct KvmConfig {
    bool kernel_irqchip;      /* -accel kvm,kernel-irqchip=on */
} KvmConfig;

/* NULL with a one-line reason in err: no /dev/kvm, no permission, a KVM
 * without what the engine needs (immediate exit, TSS address). The
 * CPU is in its reset state. */
Engine *kvm_create(struct PC *pc, const KvmConfig *cfg, char *err, size_t errlen);

/* ---- CPUState <-> KVM structures (kvm_state.c) ---- */

/* The MSRs CPUState holds, in a fixed order (KVM_MSR_COUNT entries). */
#define KVM_MSR_COUNT 35
extern const uint32_t kvm_msr_index[KVM_MSR_COUNT];

void kvm_seg_from_state(const Seg *s, struct kvm_segment *k);
void kvm_seg_to_state(const struct kvm_segment *k, Seg *s);
void kvm_regs_from_state(const CPUState *s, struct kvm_regs *r);
void kvm_regs_to_state(const struct kvm_regs *r, CPUState *s);
/* Only the fields CPUState knows are written; apic_base, efer and the
 * interrupt bitmap of *k are left as they are. */
void kvm_sregs_from_state(const CPUState *s, struct kvm_sregs *k);
void kvm_sregs_to_state(const struct kvm_sregs *k, CPUState *s);
void kvm_fpu_from_state(const CPUState *s, struct kvm_fpu *f);
void kvm_fpu_to_state(const struct kvm_fpu *f, CPUState *s);
void kvm_debugregs_from_state(const CPUState *s, struct kvm_debugregs *d);
void kvm_debugregs_to_state(const struct kvm_debugregs *d, CPUState *s);
/* Interrupt shadow and NMI state. */
void kvm_events_from_state(const CPUState *s, struct kvm_vcpu_events *ev);
void kvm_events_to_state(const struct kvm_vcpu_events *ev, CPUState *s);
/* MSR values in kvm_msr_index order (val[KVM_MSR_COUNT]); the TSC is not
 * among them (it follows the board's clock: kvm.c). */
void kvm_msrs_from_state(const CPUState *s, uint64_t *val);
void kvm_msrs_to_state(const uint64_t *val, CPUState *s);

/* Dirty-page logging (kvm_dirty.c). The dirty-tracked RAM region
 * (mem_dirty_enable) whose host memory holds the slot, or NULL: its slot
 * gets KVM_MEM_LOG_DIRTY_PAGES. kvm_dirty_pull reads and clears KVM's log
 * of slot `index` (KVM_GET_DIRTY_LOG) into the region's bitmap. */
struct Memory;
struct MemRegion;
struct MemSlot;
struct MemRegion *kvm_dirty_region(struct Memory *m, const struct MemSlot *slot);
void kvm_dirty_pull(int vm_fd, int index, const struct MemSlot *slot, struct MemRegion *r);

#endif
