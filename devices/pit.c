/* pit.c - Intel 8254 PIT (datasheet 231164) and PC port 0x61.
 *
 * Each counter is described by its initial count N and the input-clock
 * tick `start` at which it began counting from N; the count and OUT at any
 * tick t follow from d = t - start (or from `frozen_d` while the gate
 * holds the count). Modes, with "low" and "high" the OUT level:
 *   0 interrupt on terminal count: low from the count write, high at d=N.
 *   1 retriggerable one-shot: low from a gate rising edge until d=N.
 *   2 rate generator: high, low for the one clock where the count is 1
 *     (d mod N = N-1), period N; gate low forces high and stops counting.
 *   3 square wave: high for ceil(N/2) clocks, low for floor(N/2).
 *   4 software strobe: high, low for one clock at d=N.
 *   5 hardware strobe: as 4, counting from a gate rising edge.
 * A new count written in mode 2 or 3 while counting takes effect at the
 * end of the current period (the datasheet says half-period for mode 3;
 * the end of the period is a close approximation that keeps the phase).
 * The one-clock delay between a count write and the counter loading it is
 * not modelled. BCD mode counts in binary but reports the BCD flag.
 *
 * IRQ0: channel 0's OUT is the IRQ0 line. A timer is armed at the next
 * OUT edge that matters to the PIC; the one-clock low pulses of modes 2,
 * 4 and 5 are delivered as a low-high pulse at their rising edge, so a
 * rate generator costs one timer event per period.
 */
#include "pit.h"

#define NS_PER_S 1000000000LL
/* DRAM refresh request toggles every 15.085 us (port 0x61 bit 4). */
#define REFRESH_NS 15085

static int64_t ns_to_ticks(int64_t ns)
{
    return (int64_t)((__int128)ns * PIT_FREQ / NS_PER_S);
}

static int64_t ticks_to_ns(int64_t t)
{
    return (int64_t)(((__int128)t * NS_PER_S + PIT_FREQ - 1) / PIT_FREQ);
}

static int64_t now_ticks(const PIT *p)
{
    return ns_to_ticks(clock_now(p->clock));
}

/* Apply a deferred mode 2/3 reload whose time has come. */
static void sync(PITChannel *c, int64_t t)
{
    if (c->pending && t >= c->pending_at) {
        c->reload = c->pending_reload;
        c->start = c->pending_at;
        c->pending = false;
    }
}

static int64_t elapsed(const PITChannel *c, int64_t t)
{
    int64_t d = c->frozen ? c->frozen_d : t - c->start;
    return d < 0 ? 0 : d;
}

/* N as the periodic modes use it: 1 is not a legal count there. */
static int64_t period(const PITChannel *c)
{
    return c->reload < 2 ? 2 : c->reload;
}

static int out_at(const PITChannel *c, int64_t t)
{
    if (!c->loaded)
        return c->mode == 0 ? 0 : 1;
    int64_t d = elapsed(c, t);
    int64_t n = c->reload;
    switch (c->mode) {
    case 0:
        return d >= n;
    case 1:
        return !c->running || d >= n;
    case 2:
        return !c->gate || d % period(c) != period(c) - 1;
    case 3:
        return !c->gate || d % period(c) < (period(c) + 1) / 2;
    case 4:
        return d != n;
    default: /* 5 */
        return !c->running || d != n;
    }
}

static uint16_t count_at(const PITChannel *c, int64_t t)
{
    if (!c->loaded || ((c->mode == 1 || c->mode == 5) && !c->running))
        return (uint16_t)c->reload;
    int64_t d = elapsed(c, t);
    int64_t n = c->reload;
    switch (c->mode) {
    case 2:
        return (uint16_t)(period(c) - d % period(c));
    case 3: {
        /* Counts down by two in each half period. */
        int64_t np = period(c), h = (np + 1) / 2, ph = d % np;
        int64_t v = ph < h ? np - 2 * ph : np - 2 * (ph - h);
        if (v < 2)
            v = 2;
        return (uint16_t)(v & ~1);
    }
    default: /* 0, 1, 4, 5: count down through 0 and wrap */
        return (uint16_t)(n - d);
    }
}

/* Next tick > t at which OUT changes as the PIC should see it; false if
 * none. *rising tells the direction. */
static bool next_edge(const PITChannel *c, int64_t t, int64_t *when, bool *rising)
{
    if (!c->loaded || c->frozen)
        return false;
    int64_t d = t - c->start;
    int64_t n = c->reload;
    *rising = true;
    switch (c->mode) {
    case 0:
        if (d >= n)
            return false;
        *when = c->start + n;
        return true;
    case 1:
        if (!c->running || d >= n)
            return false;
        *when = c->start + n;
        return true;
    case 2: {
        if (!c->gate)
            return false;
        int64_t np = period(c);
        *when = t - d % np + np;
        return true;
    }
    case 3: {
        if (!c->gate)
            return false;
        int64_t np = period(c), h = (np + 1) / 2, ph = d % np;
        if (ph < h) {
            *when = t - ph + h;
            *rising = false;
        } else {
            *when = t - ph + np;
        }
        return true;
    }
    case 4:
    case 5:
        if ((c->mode == 5 && !c->running) || d >= n + 1)
            return false;
        *when = c->start + n + 1;
        return true;
    default:
        return false;
    }
}

static void set_irq0(PIT *p, int level)
{
    if (p->irq_level != level) {
        p->irq_level = level;
        irq_set(p->irq, level);
    }
}

/* Bring IRQ0 to channel 0's current OUT and arm the timer at the next edge. */
static void reschedule(PIT *p)
{
    PITChannel *c = &p->ch[0];
    int64_t t = now_ticks(p);
    sync(c, t);
    set_irq0(p, out_at(c, t));
    int64_t when;
    bool rising;
    if (next_edge(c, t, &when, &rising)) {
        p->edge_tick = when;
        p->edge_rising = rising;
        timer_mod(p->clock, &p->timer, ticks_to_ns(when));
    } else {
        timer_del(p->clock, &p->timer);
    }
}

static void pit_timer_cb(void *opaque)
{
    PIT *p = opaque;
    PITChannel *c = &p->ch[0];
    sync(c, p->edge_tick);
    if (p->edge_rising) {
        if (p->irq_level)
            set_irq0(p, 0);   /* the one-clock low pulse */
        set_irq0(p, 1);
    } else {
        set_irq0(p, out_at(c, p->edge_tick));
    }
    reschedule(p);
}

static void channel_changed(PIT *p, int ch)
{
    if (ch == 0 && p->irq)
        reschedule(p);
}

int pit_get_out(PIT *p, int ch)
{
    if (ch < 0 || ch > 2)
        return 0;
    int64_t t = now_ticks(p);
    sync(&p->ch[ch], t);
    return out_at(&p->ch[ch], t);
}

uint16_t pit_get_count(PIT *p, int ch)
{
    if (ch < 0 || ch > 2)
        return 0;
    int64_t t = now_ticks(p);
    sync(&p->ch[ch], t);
    return count_at(&p->ch[ch], t);
}

void pit_peek(const PIT *p, int ch, PITPeek *out)
{
    out->count = 0;
    out->out = 0;
    if (ch < 0 || ch > 2)
        return;
    PITChannel c = p->ch[ch];
    int64_t t = now_ticks(p);
    sync(&c, t);
    out->count = count_at(&c, t);
    out->out = out_at(&c, t);
}

void pit_set_gate(PIT *p, int ch, bool level)
{
    if (ch < 0 || ch > 2)
        return;
    PITChannel *c = &p->ch[ch];
    int64_t t = now_ticks(p);
    sync(c, t);
    if (level && !c->gate) {
        switch (c->mode) {
        case 1:
        case 5:   /* trigger (or retrigger) */
            if (c->loaded) {
                c->start = t;
                c->running = true;
            }
            break;
        case 2:
        case 3:   /* rising gate reloads the counter */
            if (c->pending) {
                c->reload = c->pending_reload;
                c->pending = false;
            }
            c->start = t;
            c->frozen = false;
            break;
        default:  /* 0, 4: resume */
            if (c->frozen) {
                c->start = t - c->frozen_d;
                c->frozen = false;
            }
            break;
        }
    } else if (!level && c->gate) {
        if (c->loaded && !c->frozen && c->mode != 1 && c->mode != 5) {
            c->frozen_d = t - c->start;
            c->frozen = true;
        }
    }
    c->gate = level;
    channel_changed(p, ch);
}

static void load_count(PIT *p, int ch, uint32_t n)
{
    PITChannel *c = &p->ch[ch];
    int64_t t = now_ticks(p);
    sync(c, t);
    if (n == 0)
        n = 65536;   /* 0 is the maximum count (2^16; 10^4 in BCD) */
    c->null_count = false;
    switch (c->mode) {
    case 1:
    case 5:   /* takes effect at the next trigger */
        if (!c->loaded)
            c->running = false;
        c->reload = n;
        c->loaded = true;
        break;
    case 2:
    case 3:
        if (c->loaded && !c->frozen && c->gate) {
            int64_t np = period(c);
            c->pending = true;
            c->pending_reload = n;
            c->pending_at = t - (t - c->start) % np + np;
            break;
        }
        /* first count: starts at once */
        __attribute__((fallthrough));
    default:
        c->reload = n;
        c->start = t;
        c->loaded = true;
        c->running = true;
        c->pending = false;
        c->frozen = !c->gate;
        c->frozen_d = 0;
        break;
    }
    channel_changed(p, ch);
}

static void latch_count(PIT *p, int ch)
{
    PITChannel *c = &p->ch[ch];
    if (c->count_latched)
        return;   /* a second latch before the read is ignored */
    c->latch = pit_get_count(p, ch);
    c->count_latched = true;
    c->latch_hi_next = c->rw == 2;
}

static void latch_status(PIT *p, int ch)
{
    PITChannel *c = &p->ch[ch];
    if (c->status_latched)
        return;
    c->status = (uint8_t)((pit_get_out(p, ch) << 7) | (c->null_count << 6) |
                          (c->rw << 4) | (c->mode << 1) | c->bcd);
    c->status_latched = true;
}

static void write_control(PIT *p, uint8_t val)
{
    int sc = val >> 6;
    if (sc == 3) {
        /* Read-back command: bit 5 = 0 latches counts, bit 4 = 0 status. */
        for (int ch = 0; ch < 3; ch++) {
            if (!(val & (2 << ch)))
                continue;
            if (!(val & 0x10))
                latch_status(p, ch);
            if (!(val & 0x20))
                latch_count(p, ch);
        }
        return;
    }
    int rw = (val >> 4) & 3;
    if (rw == 0) {
        latch_count(p, sc);
        return;
    }
    PITChannel *c = &p->ch[sc];
    int mode = (val >> 1) & 7;
    if (mode > 5)
        mode -= 4;   /* 110 and 111 are modes 2 and 3 */
    c->mode = (uint8_t)mode;
    c->rw = (uint8_t)rw;
    c->bcd = val & 1;
    c->loaded = false;
    c->running = false;
    c->frozen = false;
    c->pending = false;
    c->null_count = true;
    c->write_hi = false;
    c->read_hi = false;
    c->count_latched = false;
    c->status_latched = false;
    channel_changed(p, sc);
}

static void write_counter(PIT *p, int ch, uint8_t val)
{
    PITChannel *c = &p->ch[ch];
    switch (c->rw) {
    case 1:
        load_count(p, ch, val);
        break;
    case 2:
        load_count(p, ch, (uint32_t)val << 8);
        break;
    default:
        if (!c->write_hi) {
            c->write_lo = val;
            c->write_hi = true;
            if (c->mode == 0) {
                /* Mode 0: writing the first byte stops the count, OUT low. */
                c->loaded = false;
                channel_changed(p, ch);
            }
        } else {
            c->write_hi = false;
            load_count(p, ch, c->write_lo | ((uint32_t)val << 8));
        }
        break;
    }
}

static uint8_t read_counter(PIT *p, int ch)
{
    PITChannel *c = &p->ch[ch];
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    if (c->count_latched) {
        if (c->rw == 3 && !c->latch_hi_next) {
            c->latch_hi_next = true;
            return (uint8_t)c->latch;
        }
        c->count_latched = false;
        return (uint8_t)(c->latch_hi_next ? c->latch >> 8 : c->latch);
    }
    uint16_t v = pit_get_count(p, ch);
    switch (c->rw) {
    case 1:
        return (uint8_t)v;
    case 2:
        return (uint8_t)(v >> 8);
    default:
        c->read_hi = !c->read_hi;
        return (uint8_t)(c->read_hi ? v : v >> 8);
    }
}

static uint32_t pit_read(void *opaque, uint16_t port, int size)
{
    (void)size;
    PIT *p = opaque;
    int ch = port & 3;
    return ch == 3 ? 0xff : read_counter(p, ch);   /* control word is write-only */
}

static void pit_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    (void)size;
    PIT *p = opaque;
    int ch = port & 3;
    if (ch == 3)
        write_control(p, (uint8_t)val);
    else
        write_counter(p, ch, (uint8_t)val);
}

/* Port 0x61 (PC/AT system control port B). Read: bit 0 gate 2, bit 1
 * speaker data, bits 2-3 as written, bit 4 refresh toggle, bit 5 OUT2;
 * bits 6-7 (parity / channel check) never set here. */
static uint32_t port61_read(void *opaque, uint16_t port, int size)
{
    (void)port;
    (void)size;
    PIT *p = opaque;
    int refresh = (int)((clock_now(p->clock) / REFRESH_NS) & 1);
    return (p->port61 & 0x0f) | (uint32_t)(refresh << 4) | (uint32_t)(pit_get_out(p, 2) << 5);
}

static void port61_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    (void)port;
    (void)size;
    PIT *p = opaque;
    p->port61 = val & 0x0f;
    pit_set_gate(p, 2, val & 1);
}

void pit_reset(PIT *p)
{
    int64_t t = now_ticks(p);
    for (int i = 0; i < 3; i++) {
        /* As QEMU: every channel in mode 3 with count 65536; channels 0
         * and 1 have their gate tied high, channel 2's is port 0x61 bit 0. */
        PITChannel *c = &p->ch[i];
        *c = (PITChannel){0};
        c->mode = 3;
        c->rw = 3;
        c->reload = 65536;
        c->start = t;
        c->loaded = true;
        c->running = true;
        c->gate = i != 2;
        c->frozen = !c->gate;
    }
    p->port61 = 0;
    channel_changed(p, 0);
}

void pit_init(PIT *p, IOBus *io, Clock *c, IRQ *irq0)
{
    p->clock = c;
    p->irq = irq0;
    p->irq_level = 0;
    timer_init(&p->timer, pit_timer_cb, p);
    pit_reset(p);
    io_register(io, 0x40, 4, pit_read, pit_write, p, IO_SIZE_1);
    io_register(io, 0x61, 1, port61_read, port61_write, p, IO_SIZE_1);
}

static void pit_reset_vm(void *opaque) { pit_reset(opaque); }

/* The OUT line of channel 0 drives the level the PIT last computed. */
static void pit_post_load(void *opaque)
{
    PIT *p = opaque;
    /* A saved state from elsewhere may hold anything: bools 0/1, modes and
     * access modes and counts in their ranges (found by tests/fuzz,
     * target vmstate). Modes 6 and 7 are 2 and 3 (8254 data sheet). */
    for (int i = 0; i < 3; i++) {
        PITChannel *c = &p->ch[i];
        bool *bools[] = {&c->bcd, &c->gate, &c->loaded, &c->running, &c->frozen, &c->null_count,
                         &c->pending, &c->write_hi, &c->read_hi, &c->count_latched,
                         &c->latch_hi_next, &c->status_latched};
        for (unsigned k = 0; k < sizeof bools / sizeof bools[0]; k++) vm_fix_bool(bools[k]);
        c->mode &= 7;
        if (c->mode >= 6) c->mode -= 4;
        if (c->rw < 1 || c->rw > 3) c->rw = 3;
        if (c->reload < 1 || c->reload > 65536) c->reload = 65536;
        if (c->pending_reload < 1 || c->pending_reload > 65536) c->pending_reload = 65536;
        if (c->latch_bytes > 2) c->latch_bytes = 2;
        /* Tick stamps: not after now, not before 0; elapsed counts within
         * two periods of the largest count. */
        int64_t now = now_ticks(p);
        if (c->start < 0 || c->start > now) c->start = now;
        if (c->pending_at < 0 || c->pending_at > now + 65536) c->pending_at = now;
        if (c->frozen_d < 0 || c->frozen_d > 2 * 65536) c->frozen_d = 0;
    }
    int64_t now = now_ticks(p);
    if (p->edge_tick < 0 || p->edge_tick > now + 2 * 65536) p->edge_tick = now;
    vm_fix_bool(&p->edge_rising);
    p->irq_level = p->irq_level != 0;
    p->port61 &= 0x0f;
    irq_set(p->irq, p->irq_level);
}

static const VMField pit_fields[] = {
    VMF(PIT, ch), VMF_TIMER(PIT, timer), VMF(PIT, edge_tick), VMF(PIT, edge_rising),
    VMF(PIT, irq_level), VMF(PIT, port61), VMF_END,
};
const VMStateDesc pit_vmstate = {1, pit_fields, pit_reset_vm, NULL, pit_post_load};
