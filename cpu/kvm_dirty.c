/* kvm_dirty.c - KVM's dirty-page log merged into the region map's dirty
 * bitmaps (devices/memory.h mem_dirty_*): under KVM the guest writes a
 * frame buffer directly, so only KVM knows which pages changed. */
#include "kvm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "devices/memory.h"

MemRegion *kvm_dirty_region(Memory *m, const MemSlot *slot)
{
    for (int i = 0; i < m->n_regions; i++) {
        MemRegion *r = m->regions[i];
        if (!r || r->kind != MR_RAM || !r->dirty || !r->host) continue;
        if (slot->host >= r->host && slot->host + slot->size <= r->host + r->size) return r;
    }
    return NULL;
}

void kvm_dirty_pull(int vm_fd, int index, const MemSlot *slot, MemRegion *r)
{
    if (!r->dirty) return;   /* tracking was switched off meanwhile */
    size_t pages = (size_t)(slot->size / PAGE_SIZE);
    size_t words = (pages + 63) / 64;
    uint64_t *bits = calloc(words ? words : 1, sizeof *bits);
    if (!bits) return;
    struct kvm_dirty_log log;
    memset(&log, 0, sizeof log);
    log.slot = (uint32_t)index;
    log.dirty_bitmap = bits;
    if (ioctl(vm_fd, KVM_GET_DIRTY_LOG, &log) < 0) {
        /* Unknown to KVM: every page counts as dirty (redraw all). */
        memset(bits, 0xff, words * sizeof *bits);
    }
    size_t first = (size_t)(slot->host - r->host) / PAGE_SIZE;
    for (size_t p = 0; p < pages; p++)
        if (bits[p / 64] >> (p % 64) & 1) {
            size_t i = first + p;
            r->dirty[i / 8] |= (uint8_t)(1u << (i % 8));
        }
    free(bits);
}
