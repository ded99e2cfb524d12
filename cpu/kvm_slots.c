/* kvm_slots.c - the KVM engine's memory slots: the board's RAM and ROM
 * runs (mem_for_each_ram_slot) as KVM memory slots, kept in step with the
 * region map; ROM as read-only slots, and the instructions KVM cannot
 * finish against them (kvm_unstick).
 */
#define _GNU_SOURCE
#include "kvm_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

/* ---------------------------------------------------------------- */
/* Memory slots                                                       */

typedef struct SlotList {
    MemSlot s[MAX_SLOTS];
    int n;
    bool overflow;
} SlotList;

static void collect_slot(void *opaque, const MemSlot *slot)
{
    SlotList *l = opaque;
    if (l->n == MAX_SLOTS) {
        l->overflow = true;
        return;
    }
    l->s[l->n++] = *slot;
}

/* protect: a ROM slot (s->readonly) is KVM_MEM_READONLY: the guest's
 * writes come back as KVM_EXIT_MMIO and the region map drops them. */
static void set_slot(Kvm *k, int i, const MemSlot *s, bool log, bool protect)
{
    struct kvm_userspace_memory_region r = {
        .slot = (uint32_t)i,
        .flags = (log ? KVM_MEM_LOG_DIRTY_PAGES : 0) | (s && s->readonly && protect ? KVM_MEM_READONLY : 0),
        .guest_phys_addr = s ? s->gpa : 0,
        .memory_size = s ? s->size : 0,
        .userspace_addr = s ? (uint64_t)(uintptr_t)s->host : 0,
    };
    if (ioctl(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
        fprintf(stderr, "xlat86: kvm: memory slot %d at %#llx: %s\n", i,
                (unsigned long long)r.guest_phys_addr, strerror(errno));
}

/* Only on a host without KVM_CAP_READONLY_MEM: ROM is given to KVM as a
 * writable private copy, so guest writes to ROM stick until the next
 * machine reset, which copies the ROM again. */
static uint8_t *rom_copy(Kvm *k, uint8_t *orig, uint64_t size)
{
    for (int i = 0; i < k->nroms; i++)
        if (k->roms[i].orig == orig && k->roms[i].size == size) return k->roms[i].copy;
    if (k->nroms == MAX_SLOTS) return orig;
    void *c = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (c == MAP_FAILED) return orig;
    memcpy(c, orig, size);
    k->roms[k->nroms].orig = orig;
    k->roms[k->nroms].copy = c;
    k->roms[k->nroms++].size = size;
    return c;
}

/* Make KVM's slots what the region map shows now. */
void kvm_sync_slots(Kvm *k)
{
    SlotList l = {.n = 0};
    mem_for_each_ram_slot(&k->pc->mem, collect_slot, &l);
    for (int i = 0; i < l.n; i++)
        if (l.s[i].readonly && !k->ro_mem) l.s[i].host = rom_copy(k, l.s[i].host, l.s[i].size);
    if (l.overflow) fprintf(stderr, "xlat86: kvm: more than %d RAM/ROM runs; the rest is MMIO\n", MAX_SLOTS);
    MemRegion *log[MAX_SLOTS];
    for (int i = 0; i < l.n; i++) log[i] = l.s[i].readonly ? NULL : kvm_dirty_region(&k->pc->mem, &l.s[i]);
    if (l.n == k->nslots && !memcmp(l.s, k->slots, sizeof(MemSlot) * (size_t)l.n) &&
        !memcmp(log, k->slot_log, sizeof(MemRegion *) * (size_t)l.n))
        return;
    /* Pages KVM logged in a slot about to go are merged first. */
    for (int i = 0; i < k->nslots; i++)
        if (k->slot_log[i]) kvm_dirty_pull(k->vm_fd, i, &k->slots[i], k->slot_log[i]);
    for (int i = 0; i < k->nslots; i++) set_slot(k, i, NULL, false, true);
    for (int i = 0; i < l.n; i++) set_slot(k, i, &l.s[i], log[i] != NULL, true);
    memcpy(k->slots, l.s, sizeof(MemSlot) * (size_t)l.n);
    memcpy(k->slot_log, log, sizeof(MemRegion *) * (size_t)l.n);
    k->nslots = l.n;
}

/* mem_dirty_get_and_clear asks: KVM's log of every slot inside r. */
void kvm_on_dirty_sync(void *opaque, MemRegion *r)
{
    Kvm *k = opaque;
    for (int i = 0; i < k->nslots; i++)
        if (k->slot_log[i] == r) kvm_dirty_pull(k->vm_fd, i, &k->slots[i], r);
}

void kvm_on_map_changed(void *opaque)
{
    Kvm *k = opaque;
    kvm_sync_slots(k);
    if (k->prev_map_changed) k->prev_map_changed(k->prev_map_opaque);
}

/* A KVM_RUN of at least IDLE_NS ended by a signal, with no exit in the
 * whole run(): the registers are compared with those of the previous
 * such run; equal means no progress (see kvm_unstick). */
void kvm_note_idle(Kvm *k)
{
    struct kvm_regs r;
    memset(&r, 0, sizeof r);
    if (k->irqchip) {
        /* Halted in the kernel (its HLT): waiting, not stuck. */
        struct kvm_mp_state mp;
        if (ioctl(k->vcpu_fd, KVM_GET_MP_STATE, &mp) < 0 || mp.mp_state != KVM_MP_STATE_RUNNABLE) {
            k->idle_valid = false;
            return;
        }
    }
    if (ioctl(k->vcpu_fd, KVM_GET_REGS, &r) < 0) return;
    if (k->idle_valid && !memcmp(&r, &k->idle_regs, sizeof r)) {
        k->stuck = true;
        k->idle_valid = false;
        return;
    }
    k->idle_regs = r;
    k->idle_valid = true;
}

/* KVM's instruction emulator cannot finish an instruction that makes
 * one of the processor's own system writes into a read-only slot: the
 * accessed bit of a descriptor in a GDT or LDT held in ROM (a far jump or
 * segment load), the stores of a task switch. Its write_std to a
 * read-only slot reports "I/O needed" without setting up an MMIO exit, so
 * KVM re-enters the guest at the same instruction forever and KVM_RUN
 * only returns for signals (seen with the kvm_emulate_insn trace event:
 * the same far jump emulated ~60,000 times a second, docs/VIRTUALISATION.md).
 * Such an instruction shows as two runs without exit and without any
 * register change (kvm_note_idle); it is then stepped once with the
 * read-only slots writable and whatever it stored there is put back, so
 * the write is dropped as the board and the translator drop ROM writes.
 * A genuine spin loop (jmp $) found the same way is stepped the same way,
 * which changes nothing. */
EngineStop kvm_unstick(Kvm *k)
{
    uint8_t *save[MAX_SLOTS] = {NULL};
    MemSlot old[MAX_SLOTS];
    int n_old = k->nslots;
    EngineStop stop = STOP_BUDGET;
    bool any = false, ok = true;
    memcpy(old, k->slots, sizeof(MemSlot) * (size_t)n_old);
    for (int i = 0; i < n_old && ok; i++) {
        if (!k->slots[i].readonly) continue;
        save[i] = malloc(k->slots[i].size);
        if (!save[i]) {
            ok = false;
            break;
        }
        memcpy(save[i], k->slots[i].host, k->slots[i].size);
        any = true;
    }
    if (ok && any) {
        for (int i = 0; i < k->nslots; i++)
            if (save[i]) {
                set_slot(k, i, NULL, false, true);
                set_slot(k, i, &k->slots[i], false, false);
            }
        stop = kvm_run_loop(k, true);
        kvm_complete_io(k);
        /* The step may have changed the map (an I/O exit reaching the PAM
         * registers re-synced the slots): the contents go back by the old
         * runs, the protection by the current ones. */
        for (int i = 0; i < n_old; i++)
            if (save[i] && memcmp(save[i], old[i].host, old[i].size))
                memcpy(old[i].host, save[i], old[i].size);
        for (int i = 0; i < k->nslots; i++)
            if (k->slots[i].readonly) {
                set_slot(k, i, NULL, false, true);
                set_slot(k, i, &k->slots[i], false, true);
            }
    }
    for (int i = 0; i < n_old; i++) free(save[i]);
    k->idle_valid = false;
    return stop;
}
