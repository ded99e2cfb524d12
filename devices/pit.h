/* pit.h - the Intel 8254 programmable interval timer of the PC (ports
 * 0x40-0x43) and the speaker/gate bits of port 0x61.
 *
 * Counters are not ticked: their count and OUT level are computed from
 * virtual time (1.193182 MHz input clock). Channel 0's OUT drives IRQ0; a
 * timer is armed at its next output edge. Channel 2's gate is port 0x61
 * bit 0, its OUT is readable as port 0x61 bit 5.
 */
#ifndef XLAT86_PIT_H
#define XLAT86_PIT_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"
#include "iobus.h"
#include "vmstate.h"
#include "irq.h"

#define PIT_FREQ 1193182

typedef struct PITChannel {
    uint32_t reload;      /* initial count N (1..65536) */
    int64_t start;        /* input-clock tick at which counting began */
    uint8_t mode;         /* 0-5 */
    uint8_t rw;           /* access mode: 1 lobyte, 2 hibyte, 3 lo then hi */
    bool bcd;
    bool gate;
    bool loaded;          /* a count has been written since the control word */
    bool running;         /* counting (mode 1/5: triggered) */
    bool frozen;          /* mode 0/4 with gate low or mid-write: count held */
    int64_t frozen_d;     /* ticks elapsed when frozen */
    bool null_count;
    bool pending;         /* mode 2/3: new count waits for the period end */
    uint32_t pending_reload;
    int64_t pending_at;
    /* access state */
    bool write_hi;        /* lo/hi: next write is the high byte */
    uint8_t write_lo;
    bool read_hi;         /* lo/hi: next live read is the high byte */
    bool count_latched;
    uint16_t latch;
    uint8_t latch_bytes;  /* bytes of the latched count still to read */
    bool latch_hi_next;
    bool status_latched;
    uint8_t status;
} PITChannel;

typedef struct PIT {
    PITChannel ch[3];
    Clock *clock;
    IRQ *irq;             /* channel 0 OUT (IRQ0 on the PC) */
    Timer timer;          /* channel 0's next output edge */
    int64_t edge_tick;    /* tick of that edge */
    bool edge_rising;
    int irq_level;        /* IRQ0 level as last driven */
    uint8_t port61;       /* bits 0-3 as written */
} PIT;

void pit_init(PIT *p, IOBus *io, Clock *c, IRQ *irq0);
void pit_reset(PIT *p);
/* OUT level of channel ch at the current virtual time. */
int pit_get_out(PIT *p, int ch);
/* Current count of channel ch (what a counter latch would capture). */
uint16_t pit_get_count(PIT *p, int ch);
/* Channel 2 gate (port 0x61 bit 0), also reachable through the port. */
void pit_set_gate(PIT *p, int ch, bool level);

/* Read-only view of channel ch for the monitor (`info pit`): the count a
 * latch would capture and the OUT level now, computed on a copy (the
 * channel is not brought up to date, nothing changes). */
typedef struct PITPeek {
    uint16_t count;
    int out;
} PITPeek;
void pit_peek(const PIT *p, int ch, PITPeek *out);

/* Registry entry (registered as "pit"). */
extern const VMStateDesc pit_vmstate;

#endif
