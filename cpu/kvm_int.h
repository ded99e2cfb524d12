/* kvm_int.h - what the KVM engine's files share (cpu/kvm.c: VM, vCPU,
 * run loop, state; cpu/kvm_slots.c: memory slots and ROM). Not for the
 * rest of the project: kvm.h is the interface.
 */
#ifndef XLAT86_KVM_INT_H
#define XLAT86_KVM_INT_H

#include <pthread.h>
#include <time.h>

#include "devices/memory.h"
#include "devices/pc.h"
#include "kvm.h"

#define MAX_SLOTS 32
#define MSR_TSC 0x10u
/* kvm_note_idle: a KVM_RUN at least this long without an exit counts. */
#define IDLE_NS 100000

typedef struct Kvm {
    Engine base;
    PC *pc;
    int sys_fd, vm_fd, vcpu_fd;
    struct kvm_run *run;
    size_t run_size;
    bool irqchip;
    volatile int intr;              /* the INTR input (board's PIC) */
    volatile int nmi;               /* an NMI edge to inject */
    volatile int kicked;
    bool halted, shutdown;
    bool io_pending;                /* last exit was I/O or MMIO: KVM completes it on entry */
    bool ready_valid;               /* run->ready_for_interrupt_injection is current */
    bool if_flag;                   /* EFLAGS.IF as of the last exit or set_state */
    bool have_thread;
    pthread_t thread;
    bool have_timer;
    timer_t timer;
    int sig;
    MemSlot slots[MAX_SLOTS];
    MemRegion *slot_log[MAX_SLOTS]; /* dirty-logged region the slot lies in, or NULL */
    int nslots;
    /* ROM: read-only slots (KVM_CAP_READONLY_MEM), or private copies
     * where the host has none (see rom_copy in kvm_slots.c). */
    bool ro_mem;
    struct { uint8_t *orig, *copy; uint64_t size; } roms[MAX_SLOTS];
    int nroms;
    /* The registers at the end of the last slice in which the guest made
     * no exit (see kvm_unstick). */
    bool idle_valid, stuck;
    struct kvm_regs idle_regs;
    uint64_t msr_ok;                /* bit i: kvm_msr_index[i] is supported */
    bool tsc_attr;                  /* KVM_VCPU_TSC_OFFSET can be set */
    bool tsc_warned;
    uint32_t tsc_khz;               /* the guest's TSC rate */
    void (*prev_map_changed)(void *);
    void *prev_map_opaque;
    IRQ pic_in_saved[16];           /* kernel-irqchip: the PIC inputs we took over */
    /* Debugger points in the guest-debug debug registers (not the
     * guest's own DR0-DR7): a watchpoint may take several aligned slots. */
    struct { bool used, exec; uint32_t addr, len; uint32_t lin, wlen; EngineWatchKind kind; } dr[4];
    bool bp_skip;                   /* the next instruction does not stop at a breakpoint */
    EngineWatchHit last_watch;
} Kvm;

/* kvm.c */
EngineStop kvm_run_loop(Kvm *k, bool step);
void kvm_complete_io(Kvm *k);

/* kvm_slots.c */
void kvm_sync_slots(Kvm *k);
void kvm_on_map_changed(void *opaque);
void kvm_on_dirty_sync(void *opaque, MemRegion *r);
void kvm_note_idle(Kvm *k);
EngineStop kvm_unstick(Kvm *k);

#endif
