/* kvm.c - the KVM engine (see kvm.h): VM and vCPU, CPUID,
 * the run loop and its exits, interrupt injection, kicks and state
 * transfer (memory slots and ROM: kvm_slots.c).
 * Documentation/virt/kvm/api.rst describes the ioctls.
 */
#define _GNU_SOURCE
#include "kvm_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cpu.h"
#include "devices/pc.h"

/* Addresses KVM needs for VMX's real-mode support (three pages of TSS and
 * one identity-mapped page table), below the largest BIOS (256 KiB at
 * 4 GiB - 256 KiB), as QEMU places them. */
#define KVM_TSS_ADDR 0xfffbd000u
#define KVM_IDMAP_ADDR 0xfeffc000u
/* A run() returns after about this long so that the machine loop can
 * fire device timers (sooner if a timer is due). */
#define SLICE_MAX_NS 2000000
#define SLICE_MIN_NS 20000

static __thread Kvm *tls_kvm;

static Kvm *kvm_of(Engine *e) { return (Kvm *)e; }

static void kick_signal(int sig)
{
    (void)sig;
    Kvm *k = tls_kvm;
    if (k) {
        __atomic_store_n(&k->kicked, 1, __ATOMIC_SEQ_CST);
        k->run->immediate_exit = 1;
    }
}

/* ---------------------------------------------------------------- */
/* CPUID, MSRs, TSC                                                   */

static bool setup_cpuid(Kvm *k, char *err, size_t errlen)
{
    const int max = 128;
    struct kvm_cpuid2 *sup = calloc(1, sizeof *sup + (size_t)max * sizeof(struct kvm_cpuid_entry2));
    struct {
        struct kvm_cpuid2 c;
        struct kvm_cpuid_entry2 e[2];
    } id;
    uint32_t edx_ok = 0;
    if (!sup) return snprintf(err, errlen, "kvm: out of memory"), false;
    sup->nent = (uint32_t)max;
    if (ioctl(k->sys_fd, KVM_GET_SUPPORTED_CPUID, sup) == 0) {
        for (uint32_t i = 0; i < sup->nent; i++)
            if (sup->entries[i].function == 1) edx_ok = sup->entries[i].edx;
    }
    free(sup);
    memset(&id, 0, sizeof id);
    id.c.nent = 2;
    /* Leaf 0: maximum leaf 1, "GenuineIntel" (KVM then answers leaves
     * above the maximum with the highest basic leaf, as Intel parts and
     * the translator do). Leaf 1: the translator's signature and
     * features, less what the host cannot give. */
    id.e[0].function = 0;
    id.e[0].eax = 1;
    id.e[0].ebx = 0x756e6547u;
    id.e[0].edx = 0x49656e69u;
    id.e[0].ecx = 0x6c65746eu;
    id.e[1].function = 1;
    id.e[1].eax = CPU_SIGNATURE;
    id.e[1].edx = CPU_CPUID_1_EDX & edx_ok;
    if (ioctl(k->vcpu_fd, KVM_SET_CPUID2, &id) < 0)
        return snprintf(err, errlen, "kvm: KVM_SET_CPUID2: %s", strerror(errno)), false;
    return true;
}

typedef struct MsrBuf {
    struct kvm_msrs h;
    struct kvm_msr_entry e[KVM_MSR_COUNT + 1];
} MsrBuf;

/* Which of CPUState's MSRs this KVM lets us read and write. */
static void probe_msrs(Kvm *k)
{
    k->msr_ok = 0;
    for (int i = 0; i < KVM_MSR_COUNT; i++) {
        MsrBuf b;
        memset(&b, 0, sizeof b);
        b.h.nmsrs = 1;
        b.e[0].index = kvm_msr_index[i];
        if (ioctl(k->vcpu_fd, KVM_GET_MSRS, &b) == 1 && ioctl(k->vcpu_fd, KVM_SET_MSRS, &b) == 1)
            k->msr_ok |= 1ull << i;
    }
}

/* ---------------------------------------------------------------- */
/* State                                                              */

/* After an I/O or MMIO exit KVM finishes the instruction (an IN's data)
 * on the next KVM_RUN; with immediate_exit that run only completes it. */
void kvm_complete_io(Kvm *k)
{
    if (!k->io_pending) return;
    k->run->immediate_exit = 1;
    (void)ioctl(k->vcpu_fd, KVM_RUN, 0);
    k->run->immediate_exit = 0;
    k->io_pending = false;
}

static void kvm_get_state(Engine *e, CPUState *s)
{
    Kvm *k = kvm_of(e);
    struct kvm_regs r;
    struct kvm_sregs sr;
    struct kvm_fpu f;
    struct kvm_debugregs d;
    struct kvm_vcpu_events ev;
    MsrBuf b;
    uint64_t v[KVM_MSR_COUNT];

    kvm_complete_io(k);
    memset(s, 0, sizeof *s);
    if (ioctl(k->vcpu_fd, KVM_GET_REGS, &r) == 0) kvm_regs_to_state(&r, s);
    if (ioctl(k->vcpu_fd, KVM_GET_SREGS, &sr) == 0) kvm_sregs_to_state(&sr, s);
    if (ioctl(k->vcpu_fd, KVM_GET_FPU, &f) == 0) kvm_fpu_to_state(&f, s);
    if (ioctl(k->vcpu_fd, KVM_GET_DEBUGREGS, &d) == 0) kvm_debugregs_to_state(&d, s);
    if (ioctl(k->vcpu_fd, KVM_GET_VCPU_EVENTS, &ev) == 0) kvm_events_to_state(&ev, s);
    memset(&b, 0, sizeof b);
    for (int i = 0; i < KVM_MSR_COUNT; i++) b.e[i].index = kvm_msr_index[i];
    b.e[KVM_MSR_COUNT].index = MSR_TSC;
    memset(v, 0, sizeof v);
    for (int i = 0; i <= KVM_MSR_COUNT; i++) {
        if (i < KVM_MSR_COUNT && !(k->msr_ok & (1ull << i))) continue;
        struct { struct kvm_msrs h; struct kvm_msr_entry e; } one = {{.nmsrs = 1}, b.e[i]};
        if (ioctl(k->vcpu_fd, KVM_GET_MSRS, &one) == 1) {
            if (i < KVM_MSR_COUNT) v[i] = one.e.data;
            else s->tsc_offset = one.e.data - (uint64_t)clock_now(&k->pc->clock);
        }
    }
    kvm_msrs_to_state(v, s);
    s->halted = k->halted;
    s->shutdown = k->shutdown;
    if (k->irqchip) {
        struct kvm_mp_state mp;
        if (ioctl(k->vcpu_fd, KVM_GET_MP_STATE, &mp) == 0) s->halted = mp.mp_state == KVM_MP_STATE_HALTED;
    }
}

static bool get_tsc(Kvm *k, uint64_t *tsc)
{
    struct { struct kvm_msrs h; struct kvm_msr_entry e; } m = {{.nmsrs = 1}, {.index = MSR_TSC}};
    if (ioctl(k->vcpu_fd, KVM_GET_MSRS, &m) != 1) return false;
    *tsc = m.e.data;
    return true;
}

/* The guest's TSC becomes `value`. A write of MSR_IA32_TSC is not enough:
 * KVM takes a host write within one second's worth of cycles of what it
 * expects (from the last write) as an attempt to synchronise vCPUs and
 * keeps the old offset instead (kvm_synchronize_tsc), so a TSC of 0 at
 * reset, or a restored TSC of a guest that ran less than a few seconds,
 * was silently ignored. The TSC offset attribute (KVM_VCPU_TSC_CTRL) is
 * set directly: the new offset is the current one moved by the
 * difference between `value` and the TSC now (scaling-independent). */
/* False when the guest's TSC did not take the value (read back more
 * than 100 ms of TSC cycles away): this project's nested development
 * host accepts both calls and changes nothing, its guest TSC is always
 * the host's (docs/VIRTUALISATION.md). */
static bool set_tsc(Kvm *k, uint64_t value)
{
    uint64_t off, now;
    struct kvm_device_attr a = {
        .group = KVM_VCPU_TSC_CTRL, .attr = KVM_VCPU_TSC_OFFSET, .addr = (uint64_t)(uintptr_t)&off};
    bool done = false;
    if (k->tsc_attr && ioctl(k->vcpu_fd, KVM_GET_DEVICE_ATTR, &a) == 0 && get_tsc(k, &now)) {
        off += value - now;
        done = ioctl(k->vcpu_fd, KVM_SET_DEVICE_ATTR, &a) == 0;
    }
    if (!done) {
        struct { struct kvm_msrs h; struct kvm_msr_entry e; } m = {{.nmsrs = 1}, {.index = MSR_TSC, .data = value}};
        (void)ioctl(k->vcpu_fd, KVM_SET_MSRS, &m);
    }
    uint64_t slack = (uint64_t)(k->tsc_khz ? k->tsc_khz : 1000000u) * 100u;
    return get_tsc(k, &now) && now - value < slack;
}

/* The state replaces everything KVM holds, including an interrupt it
 * holds for injection (CPUState carries one: irq_injected). reset: the
 * power-on state (a TSC that does not take is not worth a note then). */
static void set_state(Kvm *k, const CPUState *s, bool reset)
{
    struct kvm_regs r;
    struct kvm_sregs sr;
    struct kvm_fpu f;
    struct kvm_debugregs d;
    struct kvm_vcpu_events ev;
    uint64_t v[KVM_MSR_COUNT];
    MsrBuf b;

    kvm_complete_io(k);
    kvm_regs_from_state(s, &r);
    if (ioctl(k->vcpu_fd, KVM_GET_SREGS, &sr) < 0) memset(&sr, 0, sizeof sr);
    kvm_sregs_from_state(s, &sr);
    memset(sr.interrupt_bitmap, 0, sizeof sr.interrupt_bitmap);
    kvm_fpu_from_state(s, &f);
    kvm_debugregs_from_state(s, &d);
    /* The state's events replace KVM's: an interrupt KVM held for
     * injection is in s->irq_injected if it still matters. */
    kvm_events_from_state(s, &ev);
    if (ioctl(k->vcpu_fd, KVM_SET_SREGS, &sr) < 0)
        fprintf(stderr, "xlat86: kvm: KVM_SET_SREGS: %s\n", strerror(errno));
    if (ioctl(k->vcpu_fd, KVM_SET_REGS, &r) < 0)
        fprintf(stderr, "xlat86: kvm: KVM_SET_REGS: %s\n", strerror(errno));
    (void)ioctl(k->vcpu_fd, KVM_SET_FPU, &f);
    (void)ioctl(k->vcpu_fd, KVM_SET_DEBUGREGS, &d);
    (void)ioctl(k->vcpu_fd, KVM_SET_VCPU_EVENTS, &ev);
    kvm_msrs_from_state(s, v);
    /* One at a time: KVM stops at the first value it refuses (the guest
     * would have taken a #GP for it too). */
    for (int i = 0; i < KVM_MSR_COUNT; i++) {
        if (!(k->msr_ok & (1ull << i))) continue;
        memset(&b, 0, sizeof b);
        b.h.nmsrs = 1;
        b.e[0].index = kvm_msr_index[i];
        b.e[0].data = v[i];
        (void)ioctl(k->vcpu_fd, KVM_SET_MSRS, &b);
    }
    if (!set_tsc(k, (uint64_t)clock_now(&k->pc->clock) + s->tsc_offset) && !reset && !k->tsc_warned) {
        k->tsc_warned = true;
        fprintf(stderr, "xlat86: kvm: the host's KVM cannot set the guest's TSC (offset and MSR writes are "
                        "ignored): it continues from the host's TSC\n");
    }
    if (k->irqchip) {
        struct kvm_mp_state mp = {s->halted && !s->irq_injected ? KVM_MP_STATE_HALTED : KVM_MP_STATE_RUNNABLE};
        (void)ioctl(k->vcpu_fd, KVM_SET_MP_STATE, &mp);
    }
    k->halted = s->halted && !s->irq_injected;
    k->shutdown = s->shutdown;
    k->if_flag = (s->eflags & F_IF) != 0;
    k->ready_valid = false;
    k->idle_valid = false;
    k->bp_skip = true;
}

static void kvm_set_state(Engine *e, const CPUState *s) { set_state(kvm_of(e), s, false); }

/* The power-on state is the one the C semantics define (cpu_reset), so
 * both engines start the same way. */
static void kvm_reset(Engine *e)
{
    Kvm *k = kvm_of(e);
    CPU *tmp = calloc(1, sizeof *tmp);
    if (!tmp) return;
    cpu_reset(tmp);
    CPUState s = tmp->state;
    free(tmp);
    s.fpu.ferr = NULL;
    s.fpu.ferr_opaque = NULL;
    s.tsc_offset = (uint64_t)0 - (uint64_t)clock_now(&k->pc->clock);
    k->nmi = 0;
    for (int i = 0; i < k->nroms; i++) memcpy(k->roms[i].copy, k->roms[i].orig, k->roms[i].size);
    set_state(k, &s, true);
}

static void kvm_flush(Engine *e) { (void)e; /* no translations: guest memory is mapped */ }
static uint64_t kvm_icount(Engine *e) { (void)e; return 0; }

/* ---------------------------------------------------------------- */
/* Exits                                                              */

static void do_io(Kvm *k)
{
    struct kvm_run *r = k->run;
    uint8_t *p = (uint8_t *)r + r->io.data_offset;
    int size = r->io.size;
    for (uint32_t i = 0; i < r->io.count; i++, p += size) {
        if (r->io.direction == KVM_EXIT_IO_IN) {
            uint32_t v = io_read(&k->pc->io, r->io.port, size);
            memcpy(p, &v, (size_t)size);
        } else {
            uint32_t v = 0;
            memcpy(&v, p, (size_t)size);
            io_write(&k->pc->io, r->io.port, v, size);
        }
    }
}

static void do_mmio(Kvm *k)
{
    struct kvm_run *r = k->run;
    uint64_t addr = r->mmio.phys_addr;
    uint32_t len = r->mmio.len > 8 ? 8 : r->mmio.len;
    uint8_t *data = r->mmio.data;
    /* Naturally aligned pieces of 4, 2 or 1 bytes never cross a page. */
    while (len) {
        int n = (len >= 4 && !(addr & 3)) ? 4 : (len >= 2 && !(addr & 1)) ? 2 : 1;
        uint32_t v = 0;
        if (addr > 0xffffffffull) {
            if (!r->mmio.is_write) memset(data, 0xff, (size_t)n);
        } else if (r->mmio.is_write) {
            memcpy(&v, data, (size_t)n);
            mem_write(&k->pc->mem, (uint32_t)addr, v, n);
        } else {
            v = mem_read(&k->pc->mem, (uint32_t)addr, n);
            memcpy(data, &v, (size_t)n);
        }
        addr += (uint64_t)n;
        data += n;
        len -= (uint32_t)n;
    }
}

static void report(Kvm *k, const char *what)
{
    struct kvm_regs r;
    struct kvm_sregs sr;
    memset(&r, 0, sizeof r);
    memset(&sr, 0, sizeof sr);
    (void)ioctl(k->vcpu_fd, KVM_GET_REGS, &r);
    (void)ioctl(k->vcpu_fd, KVM_GET_SREGS, &sr);
    fprintf(stderr, "xlat86: kvm: %s at %04x:%08x\n", what, sr.cs.selector, (uint32_t)r.rip);
}

/* Before entering: an NMI, or the PIC's interrupt when the guest can take
 * it (KVM_INTERRUPT), or a request for an interrupt-window exit. */
static void inject(Kvm *k)
{
    struct kvm_run *r = k->run;
    if (__atomic_exchange_n(&k->nmi, 0, __ATOMIC_SEQ_CST)) {
        (void)ioctl(k->vcpu_fd, KVM_NMI);
        k->halted = false;
    }
    r->request_interrupt_window = 0;
    if (!k->intr) return;
    if (k->ready_valid && r->ready_for_interrupt_injection && r->if_flag) {
        struct kvm_interrupt irq = {(uint32_t)pic_ack(&k->pc->pic)};
        if (ioctl(k->vcpu_fd, KVM_INTERRUPT, &irq) < 0) report(k, "KVM_INTERRUPT failed");
        k->halted = false;
        k->ready_valid = false;
    } else {
        r->request_interrupt_window = 1;
    }
}

static void arm_timer(Kvm *k, int64_t ns)
{
    if (!k->have_timer) return;
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    its.it_value.tv_sec = ns / 1000000000;
    its.it_value.tv_nsec = ns % 1000000000;
    (void)timer_settime(k->timer, 0, &its, NULL);
}

static void first_run(Kvm *k)
{
    struct sigevent sev;
    k->have_thread = true;
    k->thread = pthread_self();
    tls_kvm = k;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = k->sig;
    sev._sigev_un._tid = gettid();
    k->have_timer = timer_create(CLOCK_MONOTONIC, &sev, &k->timer) == 0;
}

/* ---------------------------------------------------------------- */
/* Guest debug (KVM_SET_GUEST_DEBUG): the debugger's breakpoints and   */
/* watchpoints live in kvm_guest_debug.arch.debugreg, which KVM loads   */
/* into the processor's DR0-DR7 while the guest runs; the guest's own   */
/* debug registers are kept apart (SDM vol. 3, 18.2 for the encoding).  */

static bool any_dr(const Kvm *k)
{
    for (int i = 0; i < 4; i++)
        if (k->dr[i].used) return true;
    return false;
}

/* single: trap after one instruction; no_exec: leave the instruction
 * breakpoints out (stepping over the one at EIP). */
static void apply_debug(Kvm *k, bool single, bool no_exec)
{
    struct kvm_guest_debug dbg;
    memset(&dbg, 0, sizeof dbg);
    uint64_t dr7 = 0;
    for (int i = 0; i < 4; i++) {
        if (!k->dr[i].used || (no_exec && k->dr[i].exec)) continue;
        uint64_t rw = k->dr[i].exec ? 0 : k->dr[i].kind == WATCH_WRITE ? 1 : 3;
        uint64_t len = k->dr[i].exec ? 0 : k->dr[i].len == 4 ? 3 : k->dr[i].len - 1;
        dbg.arch.debugreg[i] = k->dr[i].addr;
        dr7 |= (1ull << (2 * i)) | (rw << (16 + 4 * i)) | (len << (18 + 4 * i));
    }
    if (dr7) {
        dbg.control |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP;
        dbg.arch.debugreg[7] = dr7 | 0x400;   /* bit 10 reads as 1 */
    }
    if (single) dbg.control |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP;
    if (ioctl(k->vcpu_fd, KVM_SET_GUEST_DEBUG, &dbg) < 0 && (dbg.control || any_dr(k)))
        fprintf(stderr, "xlat86: kvm: KVM_SET_GUEST_DEBUG: %s\n", strerror(errno));
}

static uint32_t cur_lin(Kvm *k)
{
    struct kvm_regs r;
    struct kvm_sregs sr;
    kvm_complete_io(k);
    if (ioctl(k->vcpu_fd, KVM_GET_REGS, &r) < 0 || ioctl(k->vcpu_fd, KVM_GET_SREGS, &sr) < 0) return 0;
    return (uint32_t)(sr.cs.base + r.rip);
}

static bool bp_at(const Kvm *k, uint32_t lin)
{
    for (int i = 0; i < 4; i++)
        if (k->dr[i].used && k->dr[i].exec && k->dr[i].addr == lin) return true;
    return false;
}

static bool kvm_bp_insert(Engine *e, uint32_t lin)
{
    Kvm *k = kvm_of(e);
    if (bp_at(k, lin)) return true;
    for (int i = 0; i < 4; i++)
        if (!k->dr[i].used) {
            k->dr[i].used = k->dr[i].exec = true;
            k->dr[i].addr = k->dr[i].lin = lin;
            k->dr[i].len = k->dr[i].wlen = 1;
            apply_debug(k, false, false);
            return true;
        }
    return false;   /* four debug registers, shared with watchpoints */
}

static void kvm_bp_remove(Engine *e, uint32_t lin)
{
    Kvm *k = kvm_of(e);
    for (int i = 0; i < 4; i++)
        if (k->dr[i].used && k->dr[i].exec && k->dr[i].addr == lin) k->dr[i].used = false;
    apply_debug(k, false, false);
}

/* A range becomes naturally aligned pieces of 4, 2 or 1 bytes, one debug
 * register each (x86 has no read-only watch: reads use read/write). */
static bool kvm_wp_insert(Engine *e, uint32_t lin, uint32_t len, EngineWatchKind kind)
{
    Kvm *k = kvm_of(e);
    int slot[4], n = 0;
    for (int i = 0; i < 4; i++)
        if (!k->dr[i].used) slot[n++] = i;
    uint32_t a = lin, left = len;
    int need = 0;
    while (left) {
        uint32_t sz = (left >= 4 && !(a & 3)) ? 4 : (left >= 2 && !(a & 1)) ? 2 : 1;
        if (need == n) return false;
        need++;
        a += sz;
        left -= sz;
    }
    if (!len) return false;
    a = lin, left = len;
    for (int j = 0; left; j++) {
        uint32_t sz = (left >= 4 && !(a & 3)) ? 4 : (left >= 2 && !(a & 1)) ? 2 : 1;
        int i = slot[j];
        k->dr[i].used = true;
        k->dr[i].exec = false;
        k->dr[i].addr = a;
        k->dr[i].len = sz;
        k->dr[i].lin = lin;
        k->dr[i].wlen = len;
        k->dr[i].kind = kind;
        a += sz;
        left -= sz;
    }
    apply_debug(k, false, false);
    return true;
}

static void kvm_wp_remove(Engine *e, uint32_t lin, uint32_t len, EngineWatchKind kind)
{
    Kvm *k = kvm_of(e);
    for (int i = 0; i < 4; i++)
        if (k->dr[i].used && !k->dr[i].exec && k->dr[i].lin == lin && k->dr[i].wlen == len &&
            k->dr[i].kind == kind)
            k->dr[i].used = false;
    apply_debug(k, false, false);
}

static void kvm_watch_hit(Engine *e, EngineWatchHit *out) { *out = kvm_of(e)->last_watch; }

/* KVM_EXIT_DEBUG: which debug register fired (DR6.B0-B3), or the
 * single-step trap (DR6.BS) that gives STOP_BUDGET. */
static EngineStop debug_exit(Kvm *k)
{
    uint32_t dr6 = k->run->debug.arch.dr6;
    for (int i = 0; i < 4; i++) {
        if (!(dr6 & (1u << i)) || !k->dr[i].used) continue;
        if (k->dr[i].exec) {
            k->bp_skip = true;
            return STOP_BREAKPOINT;
        }
        k->last_watch = (EngineWatchHit){k->dr[i].lin, k->dr[i].wlen, k->dr[i].kind == WATCH_WRITE};
        return STOP_WATCHPOINT;
    }
    return STOP_BUDGET;
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

EngineStop kvm_run_loop(Kvm *k, bool step)
{
    int exits = 0;
    struct kvm_run *r = k->run;
    EngineStop stop = STOP_BUDGET;
    if (!k->have_thread) first_run(k);
    if (k->shutdown) return STOP_TRIPLE;
    int64_t now = clock_now(&k->pc->clock), next = clock_next_deadline(&k->pc->clock);
    int64_t slice = next == INT64_MAX ? SLICE_MAX_NS : next - now;
    if (slice > SLICE_MAX_NS) slice = SLICE_MAX_NS;
    if (slice < SLICE_MIN_NS) slice = SLICE_MIN_NS;
    /* Leaving a breakpoint: one instruction without the instruction
     * breakpoints, then on with them. */
    bool over = false;
    if (k->bp_skip) {
        k->bp_skip = false;
        over = bp_at(k, cur_lin(k));
    }
    if (over || step) apply_debug(k, true, over);
    arm_timer(k, slice);
    for (bool done = false; !done;) {
        /* A step is one instruction whatever the kick: the kick stays
         * pending for the next run(). */
        if (!step && __atomic_exchange_n(&k->kicked, 0, __ATOMIC_SEQ_CST)) {
            r->immediate_exit = 0;
            break;
        }
        if (k->pc->exit_requested || k->pc->reset_requested) break;
        if (!k->irqchip) {
            if (k->halted && !k->nmi && !(k->intr && k->if_flag)) {
                stop = STOP_HALT;
                break;
            }
            inject(k);
        }
        int64_t t0 = mono_ns();
        int rc = ioctl(k->vcpu_fd, KVM_RUN, 0);
        r->immediate_exit = 0;
        if (rc < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                if (!exits && k->ro_mem && mono_ns() - t0 >= IDLE_NS) kvm_note_idle(k);
                if (step && !k->stuck) continue;
                break;
            }
            report(k, strerror(errno));
            stop = STOP_ERROR;
            break;
        }
        exits++;
        k->idle_valid = false;
        k->io_pending = false;
        k->ready_valid = true;
        k->if_flag = r->if_flag;
        if (step) done = true;
        switch (r->exit_reason) {
        case KVM_EXIT_IO:
            do_io(k);
            k->io_pending = true;
            break;
        case KVM_EXIT_MMIO:
            do_mmio(k);
            k->io_pending = true;
            break;
        case KVM_EXIT_HLT:
            k->halted = true;
            break;
        case KVM_EXIT_IRQ_WINDOW_OPEN:
        case KVM_EXIT_INTR:
            break;
        case KVM_EXIT_DEBUG:
            stop = debug_exit(k);
            if (stop != STOP_BUDGET || step) {
                done = true;
            } else if (over) {
                over = false;   /* stepped over the breakpoint: go on */
                apply_debug(k, false, false);
            } else {
                done = true;
            }
            break;
        case KVM_EXIT_SHUTDOWN:
            k->shutdown = true;
            stop = STOP_TRIPLE;
            done = true;
            break;
        case KVM_EXIT_SYSTEM_EVENT:
            done = true;
            if (r->system_event.type == KVM_SYSTEM_EVENT_RESET) stop = STOP_RESET;
            else if (r->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN) stop = STOP_EXIT;
            else {
                report(k, "system event (guest crash)");
                stop = STOP_ERROR;
            }
            break;
        case KVM_EXIT_FAIL_ENTRY: {
            char m[96];
            snprintf(m, sizeof m, "entry failed (hardware reason %#llx)",
                     (unsigned long long)r->fail_entry.hardware_entry_failure_reason);
            report(k, m);
            stop = STOP_ERROR;
            done = true;
            break;
        }
        case KVM_EXIT_INTERNAL_ERROR: {
            char m[96];
            snprintf(m, sizeof m, "internal error %u%s", r->internal.suberror,
                     r->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ? " (emulation failure)" : "");
            report(k, m);
            stop = STOP_ERROR;
            done = true;
            break;
        }
        default: {
            char m[64];
            snprintf(m, sizeof m, "unhandled exit reason %u", r->exit_reason);
            report(k, m);
            stop = STOP_ERROR;
            done = true;
            break;
        }
        }
    }
    arm_timer(k, 0);
    if (over) k->bp_skip = true;   /* ended before the step over it */
    if (over || step) apply_debug(k, false, false);
    return stop;
}

static EngineStop kvm_run(Engine *e, uint64_t budget)
{
    /* KVM cannot count instructions: a time slice instead; run(0) only
     * takes a pending kick. */
    Kvm *k = kvm_of(e);
    if (budget == 0) {
        __atomic_store_n(&k->kicked, 0, __ATOMIC_SEQ_CST);
        k->run->immediate_exit = 0;
        return STOP_BUDGET;
    }
    EngineStop stop = kvm_run_loop(k, false);
    if (stop == STOP_BUDGET && k->stuck) stop = kvm_unstick(k);
    k->stuck = false;
    return stop;
}

/* One instruction through the guest-debug single-step. A step that
 * leaves every register as it was (here: an instruction KVM's emulator
 * cannot finish against a read-only slot returns from the step without
 * executing it) is done again by kvm_unstick. */
static EngineStop kvm_step(Engine *e)
{
    Kvm *k = kvm_of(e);
    struct kvm_regs before, after;
    kvm_complete_io(k);
    bool check = k->ro_mem && !k->halted && ioctl(k->vcpu_fd, KVM_GET_REGS, &before) == 0;
    EngineStop stop = kvm_run_loop(k, true);
    if (k->stuck && stop == STOP_BUDGET) {
        k->stuck = false;
        return kvm_unstick(k);
    }
    k->stuck = false;
    if (!check || stop != STOP_BUDGET || k->halted) return stop;
    kvm_complete_io(k);
    if (ioctl(k->vcpu_fd, KVM_GET_REGS, &after) == 0 && !memcmp(&before, &after, sizeof after))
        stop = kvm_unstick(k);
    return stop;
}

static void kvm_kick(Engine *e)
{
    Kvm *k = kvm_of(e);
    __atomic_store_n(&k->kicked, 1, __ATOMIC_SEQ_CST);
    k->run->immediate_exit = 1;
    if (k->have_thread && !pthread_equal(pthread_self(), k->thread)) pthread_kill(k->thread, k->sig);
}

static void kvm_set_intr(Engine *e, int level)
{
    Kvm *k = kvm_of(e);
    k->intr = level;
    if (level && k->have_thread && !pthread_equal(pthread_self(), k->thread)) kvm_kick(e);
}

static void kvm_nmi(Engine *e)
{
    Kvm *k = kvm_of(e);
    __atomic_store_n(&k->nmi, 1, __ATOMIC_SEQ_CST);
    if (k->have_thread && !pthread_equal(pthread_self(), k->thread)) kvm_kick(e);
}

static void kvm_destroy(Engine *e)
{
    Kvm *k = kvm_of(e);
    if (k->pc) {
        if (k->pc->engine == e) pc_attach_engine(k->pc, NULL);
        if (k->pc->mem.dirty_sync == kvm_on_dirty_sync && k->pc->mem.dirty_opaque == k) {
            k->pc->mem.dirty_sync = NULL;
            k->pc->mem.dirty_opaque = NULL;
        }
        if (k->pc->mem.map_changed == kvm_on_map_changed && k->pc->mem.map_opaque == k) {
            k->pc->mem.map_changed = k->prev_map_changed;
            k->pc->mem.map_opaque = k->prev_map_opaque;
        }
        if (k->irqchip)
            for (int i = 0; i < 16; i++) k->pc->pic.in[i] = k->pic_in_saved[i];
    }
    if (k->have_timer) timer_delete(k->timer);
    if (tls_kvm == k) tls_kvm = NULL;
    if (k->run) munmap(k->run, k->run_size);
    for (int i = 0; i < k->nroms; i++) munmap(k->roms[i].copy, k->roms[i].size);
    if (k->vcpu_fd >= 0) close(k->vcpu_fd);
    if (k->vm_fd >= 0) close(k->vm_fd);
    if (k->sys_fd >= 0) close(k->sys_fd);
    free(k);
}

static const EngineOps kvm_ops = {
    .name = "kvm",
    .destroy = kvm_destroy,
    .run = kvm_run,
    .step = kvm_step,
    .kick = kvm_kick,
    .set_intr = kvm_set_intr,
    .nmi = kvm_nmi,
    .get_state = kvm_get_state,
    .set_state = kvm_set_state,
    .reset = kvm_reset,
    .flush = kvm_flush,
    .icount = kvm_icount,
    .bp_insert = kvm_bp_insert,
    .bp_remove = kvm_bp_remove,
    .wp_insert = kvm_wp_insert,
    .wp_remove = kvm_wp_remove,
    .watch_hit = kvm_watch_hit,
};

/* kernel-irqchip=on: the board's IRQ lines drive the kernel's PICs and
 * IOAPIC instead of the board's PIC. */
static void irq_to_kernel(void *opaque, int n, int level)
{
    Kvm *k = opaque;
    struct kvm_irq_level l = {.irq = (uint32_t)n, .level = (uint32_t)level};
    (void)ioctl(k->vm_fd, KVM_IRQ_LINE, &l);
}

static bool fail(Kvm *k, char *err, size_t errlen, const char *fmt, const char *arg)
{
    snprintf(err, errlen, fmt, arg);
    kvm_destroy(&k->base);
    return false;
}

static bool open_kvm(Kvm *k, char *err, size_t errlen)
{
    k->sys_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (k->sys_fd < 0) {
        if (errno == ENOENT)
            return fail(k, err, errlen, "-accel kvm: /dev/kvm does not exist (%s; use -accel dbt)",
                        "no KVM on this host");
        if (errno == EACCES || errno == EPERM)
            return fail(k, err, errlen, "-accel kvm: /dev/kvm: %s (add yourself to the kvm group)",
                        strerror(errno));
        return fail(k, err, errlen, "-accel kvm: /dev/kvm: %s", strerror(errno));
    }
    if (ioctl(k->sys_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
        return fail(k, err, errlen, "-accel kvm: %s", "the host's KVM API version is not 12");
    static const struct { int cap; const char *name; } need[] = {
        {KVM_CAP_USER_MEMORY, "user memory"},
        {KVM_CAP_IMMEDIATE_EXIT, "immediate exit"},
        {KVM_CAP_SET_TSS_ADDR, "TSS address"},
    };
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (ioctl(k->sys_fd, KVM_CHECK_EXTENSION, need[i].cap) <= 0)
            return fail(k, err, errlen, "-accel kvm: the host's KVM is too old (no %s)", need[i].name);
    k->vm_fd = ioctl(k->sys_fd, KVM_CREATE_VM, 0);
    if (k->vm_fd < 0) return fail(k, err, errlen, "-accel kvm: cannot create a VM: %s", strerror(errno));
    return true;
}

Engine *kvm_create(PC *pc, const KvmConfig *cfg, char *err, size_t errlen)
{
    Kvm *k = calloc(1, sizeof *k);
    if (!k) {
        snprintf(err, errlen, "-accel kvm: out of memory");
        return NULL;
    }
    k->base.ops = &kvm_ops;
    k->sys_fd = k->vm_fd = k->vcpu_fd = -1;
    k->irqchip = cfg->kernel_irqchip;
    k->sig = SIGRTMIN + 1;
    if (!open_kvm(k, err, errlen)) return NULL;
    k->ro_mem = ioctl(k->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) > 0;
    (void)ioctl(k->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_ADDR);
    uint64_t idmap = KVM_IDMAP_ADDR;
    (void)ioctl(k->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap);
    if (k->irqchip) {
        struct kvm_pit_config pit = {.flags = 0};
        if (ioctl(k->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
            return fail(k, err, errlen, "-accel kvm,kernel-irqchip=on: KVM_CREATE_IRQCHIP: %s",
                        strerror(errno)), NULL;
        if (ioctl(k->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
            return fail(k, err, errlen, "-accel kvm,kernel-irqchip=on: KVM_CREATE_PIT2: %s",
                        strerror(errno)), NULL;
    }
    k->vcpu_fd = ioctl(k->vm_fd, KVM_CREATE_VCPU, 0);
    if (k->vcpu_fd < 0) return fail(k, err, errlen, "-accel kvm: cannot create a vCPU: %s", strerror(errno)), NULL;
    int sz = ioctl(k->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (sz <= 0) return fail(k, err, errlen, "-accel kvm: %s", "KVM_GET_VCPU_MMAP_SIZE failed"), NULL;
    k->run_size = (size_t)sz;
    k->run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, k->vcpu_fd, 0);
    if (k->run == MAP_FAILED) {
        k->run = NULL;
        return fail(k, err, errlen, "-accel kvm: mmap of the vCPU: %s", strerror(errno)), NULL;
    }
    if (!setup_cpuid(k, err, errlen)) {
        kvm_destroy(&k->base);
        return NULL;
    }
    /* A 1 GHz TSC like the translator's (TSC = virtual ns + offset) where
     * the host can scale it (KVM_CAP_TSC_CONTROL); otherwise the guest
     * sees the host's rate (asking anyway would leave KVM believing in a
     * rate the guest does not get). */
    if (ioctl(k->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_CONTROL) > 0)
        (void)ioctl(k->vcpu_fd, KVM_SET_TSC_KHZ, 1000000ul);
    int khz = ioctl(k->vcpu_fd, KVM_GET_TSC_KHZ, 0);
    k->tsc_khz = khz > 0 ? (uint32_t)khz : 0;
    struct kvm_device_attr tsc_off = {.group = KVM_VCPU_TSC_CTRL, .attr = KVM_VCPU_TSC_OFFSET};
    k->tsc_attr = ioctl(k->vcpu_fd, KVM_HAS_DEVICE_ATTR, &tsc_off) == 0;
    probe_msrs(k);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = kick_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(k->sig, &sa, NULL);

    k->pc = pc;
    k->prev_map_changed = pc->mem.map_changed;
    k->prev_map_opaque = pc->mem.map_opaque;
    pc->mem.map_changed = kvm_on_map_changed;
    pc->mem.map_opaque = k;
    pc->mem.dirty_sync = kvm_on_dirty_sync;
    pc->mem.dirty_opaque = k;
    kvm_sync_slots(k);
    if (k->irqchip) {
        for (int i = 0; i < 16; i++) {
            k->pic_in_saved[i] = pc->pic.in[i];
            pc->pic.in[i].handler = irq_to_kernel;
            pc->pic.in[i].opaque = k;
        }
    }
    kvm_reset(&k->base);
    pc_attach_engine(pc, &k->base);
    return &k->base;
}
