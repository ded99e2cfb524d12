/* cmos.h - the Motorola MC146818 real-time clock and its 128 bytes of
 * battery-backed CMOS RAM (ports 0x70 index / 0x71 data, IRQ8).
 *
 * Port 0x70: bits 6-0 select the register, bit 7 masks NMI (kept here;
 * cmos_nmi_masked() reports it). Time of day = the host's wall-clock time
 * (UTC) when the machine was built + elapsed virtual time, so under
 * -icount a guest sees a clock that advances with its instructions. The
 * clock is not ticked: every register is computed from virtual time.
 *
 * Interrupts (register B enables, register C flags; IRQ8 while
 * IRQF = PF&PIE | AF&AIE | UF&UIE is set, until register C is read):
 * periodic at the rate of register A bits 3-0, alarm when the time
 * matches registers 1/3/5 (a value with bits 7-6 = 11 matches anything),
 * update-ended once per second. UIP (register A bit 7) is 1 during the
 * 244 us before each second boundary (MC146818 datasheet, "UIP").
 */
#ifndef XLAT86_CMOS_H
#define XLAT86_CMOS_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"
#include "iobus.h"
#include "vmstate.h"
#include "irq.h"

#define CMOS_IRQ 8

/* Register indexes (datasheet "Address map"; 0x0E.. are CMOS RAM whose
 * meaning is the IBM PC/AT BIOS convention). */
enum {
    CMOS_SEC = 0x00, CMOS_SEC_ALARM = 0x01, CMOS_MIN = 0x02, CMOS_MIN_ALARM = 0x03,
    CMOS_HOUR = 0x04, CMOS_HOUR_ALARM = 0x05, CMOS_WDAY = 0x06, CMOS_MDAY = 0x07,
    CMOS_MONTH = 0x08, CMOS_YEAR = 0x09,
    CMOS_REG_A = 0x0A, CMOS_REG_B = 0x0B, CMOS_REG_C = 0x0C, CMOS_REG_D = 0x0D,
    CMOS_CENTURY = 0x32,
};

/* Register A */
#define CMOS_A_UIP 0x80
#define CMOS_A_DV 0x70         /* divider: 010 = 32.768 kHz time base running */
#define CMOS_A_RS 0x0f         /* periodic rate select */
/* Register B */
#define CMOS_B_SET 0x80
#define CMOS_B_PIE 0x40
#define CMOS_B_AIE 0x20
#define CMOS_B_UIE 0x10
#define CMOS_B_SQWE 0x08
#define CMOS_B_DM 0x04         /* 1 = binary, 0 = BCD */
#define CMOS_B_24H 0x02
#define CMOS_B_DSE 0x01
/* Register C */
#define CMOS_C_IRQF 0x80
#define CMOS_C_PF 0x40
#define CMOS_C_AF 0x20
#define CMOS_C_UF 0x10
/* Register D */
#define CMOS_D_VRT 0x80

#define CMOS_UIP_NS 244000     /* update-in-progress window before a second boundary */

typedef struct CMOS {
    uint8_t ram[128];          /* RAM bytes and registers A, B (time registers are computed) */
    uint8_t index;             /* last value written to port 0x70, bits 6-0 */
    bool nmi_masked;           /* port 0x70 bit 7 */
    uint8_t reg_c;             /* interrupt flags */
    Clock *clock;
    IRQ *irq;                  /* IRQ8 on the PC */
    int irq_level;

    /* Time of day in ns since the Unix epoch = tod_base + (now - virt_base). */
    int64_t tod_base;
    int64_t virt_base;
    /* While SET is 1 the time registers hold what the guest writes; the
     * clock restarts from them when SET is cleared. */
    bool set_latched;
    int64_t set_sec;           /* epoch seconds of the latched registers */

    int64_t last_update_sec;   /* second of the last update cycle seen (UF/AF) */
    int64_t last_period;       /* index of the last periodic tick seen (PF) */
    Timer periodic;            /* armed while PIE is set */
    Timer update;              /* armed while UIE or AIE is set */
} CMOS;

/* ram_bytes: guest RAM size for the memory-size bytes. */
void cmos_init(CMOS *s, IOBus *io, Clock *clock, IRQ *irq, uint32_t ram_bytes);
/* The board's reset line (the chip's RESET pin): clears PIE, AIE, UIE and
 * SQWE in register B and the flags in register C, lowering IRQ8 (MC146818
 * datasheet, "RESET"). The time, register A and the RAM bytes are kept:
 * they are battery-backed. */
void cmos_reset(CMOS *s);
/* Restart the clock at `epoch_sec` (UTC seconds) at the current virtual time. */
void cmos_set_time(CMOS *s, int64_t epoch_sec);
/* Time of day now, in ns since the epoch. */
int64_t cmos_time_ns(const CMOS *s);
bool cmos_nmi_masked(const CMOS *s);
/* Direct register access (what a guest sees through ports 0x70/0x71). */
uint8_t cmos_read_reg(CMOS *s, uint8_t idx);
void cmos_write_reg(CMOS *s, uint8_t idx, uint8_t val);

/* Registry entry (registered as "cmos"). */
extern const VMStateDesc cmos_vmstate;

#endif
