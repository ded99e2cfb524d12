/* cmos.c - MC146818 RTC and CMOS RAM (see cmos.h).
 *
 * Nothing ticks: the time registers, UIP and the interrupt flags are
 * derived from virtual time when read. Timers are armed only while an
 * interrupt source is enabled (PIE: next periodic edge; UIE/AIE: next
 * second boundary); with the source disabled its flag in register C is
 * brought up to date lazily when register C is read, which is what a
 * polling guest observes on the real chip too.
 */
#include "cmos.h"

#include <string.h>
#include <time.h>

#define NS_PER_SEC 1000000000ll
#define RTC_BASE_HZ 32768      /* the 32.768 kHz time base (DV = 010) */

/* ---- civil calendar <-> days since 1970-01-01 (proleptic Gregorian) ----
 * Eras of 400 years (146097 days) repeat exactly; within an era the year
 * is counted from March so that the leap day is the last day of a year. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                              /* 0..399 */
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1; /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;      /* 0..146096 */
    return era * 146097 + doe - 719468;                       /* 719468: 0000-03-01 .. 1970-01-01 */
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

typedef struct Tm {
    int64_t year;
    int mon, mday, hour, min, sec, wday;   /* wday 1..7, Sunday = 1 (PC/AT convention) */
} Tm;

static void tm_from_sec(int64_t s, Tm *t)
{
    int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
    int64_t rem = s - days * 86400;
    civil_from_days(days, &t->year, &t->mon, &t->mday);
    t->hour = (int)(rem / 3600);
    t->min = (int)(rem / 60 % 60);
    t->sec = (int)(rem % 60);
    /* 1970-01-01 was a Thursday (5 in 1..7 counting from Sunday). */
    int64_t w = (days + 4) % 7;
    if (w < 0)
        w += 7;
    t->wday = (int)w + 1;
}

static int64_t tm_to_sec(const Tm *t)
{
    return days_from_civil(t->year, t->mon, t->mday) * 86400 + t->hour * 3600 + t->min * 60 +
           t->sec;
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* ---- register encodings ---- */

static uint8_t to_bcd(int v)
{
    return (uint8_t)(((v / 10) % 10) << 4 | (v % 10));
}

static int from_bcd(uint8_t v)
{
    return (v >> 4) * 10 + (v & 0x0f);
}

static uint8_t enc(const CMOS *s, int v)
{
    return (s->ram[CMOS_REG_B] & CMOS_B_DM) ? (uint8_t)v : to_bcd(v);
}

static int dec(const CMOS *s, uint8_t v)
{
    return (s->ram[CMOS_REG_B] & CMOS_B_DM) ? v : from_bcd(v);
}

/* Hours: in 12-hour mode 1..12 with bit 7 = PM (datasheet table 3). */
static uint8_t enc_hour(const CMOS *s, int h)
{
    if (s->ram[CMOS_REG_B] & CMOS_B_24H)
        return enc(s, h);
    int h12 = h % 12 ? h % 12 : 12;
    return (uint8_t)(enc(s, h12) | (h >= 12 ? 0x80 : 0));
}

static int dec_hour(const CMOS *s, uint8_t v)
{
    if (s->ram[CMOS_REG_B] & CMOS_B_24H)
        return dec(s, v);
    int h = dec(s, v & 0x7f) % 12;
    return h + ((v & 0x80) ? 12 : 0);
}

/* ---- time base ---- */

/* Seconds since the epoch -> ns, saturated to what 64-bit ns hold (years
 * 1678-2262): a guest may set any date up to 9999 through the century
 * byte, and the product must not overflow (found by tests/fuzz, target
 * cmos). */
static int64_t clamp_sec(int64_t sec)
{
    const int64_t lim = INT64_MAX / NS_PER_SEC - 2;
    return sec > lim ? lim : sec < -lim ? -lim : sec;
}

static int64_t sec_to_ns(int64_t sec)
{
    return clamp_sec(sec) * NS_PER_SEC;
}

int64_t cmos_time_ns(const CMOS *s)
{
    /* Centuries of virtual time (a long fuzzing session's clock) saturate
     * instead of overflowing (found by tests/fuzz, target pic). */
    __int128 t = (__int128)s->tod_base + ((__int128)clock_now(s->clock) - s->virt_base);
    const __int128 lim = (__int128)clamp_sec(INT64_MAX) * NS_PER_SEC;
    return (int64_t)(t > lim ? lim : t < -lim ? -lim : t);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static int64_t cur_sec(const CMOS *s)
{
    if (s->set_latched)
        return s->set_sec;
    return floor_div(cmos_time_ns(s), NS_PER_SEC);
}

void cmos_set_time(CMOS *s, int64_t epoch_sec)
{
    s->virt_base = clock_now(s->clock);
    s->tod_base = sec_to_ns(epoch_sec);
    s->last_update_sec = epoch_sec;
    if (s->set_latched)
        s->set_sec = epoch_sec;
}

bool cmos_nmi_masked(const CMOS *s)
{
    return s->nmi_masked;
}

/* Periodic interrupt period in 32.768 kHz ticks, 0 = off (datasheet
 * table 5: RS 1 and 2 give 3.90625 ms and 7.8125 ms, RS n >= 3 gives
 * 2^(n-1) ticks). */
static int64_t period_ticks(const CMOS *s)
{
    int rs = s->ram[CMOS_REG_A] & CMOS_A_RS;
    if (rs == 0)
        return 0;
    if (rs <= 2)
        return (int64_t)1 << (rs + 6);
    return (int64_t)1 << (rs - 1);
}

/* Index of the periodic edge at or before virtual time `now`. */
static int64_t period_index(int64_t now, int64_t ticks)
{
    return (int64_t)(((__int128)now * RTC_BASE_HZ) / ((__int128)ticks * NS_PER_SEC));
}

static int64_t period_time(int64_t k, int64_t ticks)
{
    __int128 num = (__int128)k * ticks * NS_PER_SEC;
    return (int64_t)((num + RTC_BASE_HZ - 1) / RTC_BASE_HZ);
}

static void update_irq(CMOS *s)
{
    uint8_t b = s->ram[CMOS_REG_B];
    uint8_t c = s->reg_c & (CMOS_C_PF | CMOS_C_AF | CMOS_C_UF);
    bool irqf = (c & CMOS_C_PF && b & CMOS_B_PIE) || (c & CMOS_C_AF && b & CMOS_B_AIE) ||
                (c & CMOS_C_UF && b & CMOS_B_UIE);
    s->reg_c = (uint8_t)(c | (irqf ? CMOS_C_IRQF : 0));
    int level = irqf ? 1 : 0;
    if (level != s->irq_level) {
        s->irq_level = level;
        irq_set(s->irq, level);
    }
}

static bool alarm_match(uint8_t alarm, uint8_t now)
{
    return (alarm & 0xc0) == 0xc0 || alarm == now;   /* 11xxxxxx: "don't care" */
}

/* Bring UF/AF/PF up to date with virtual time. */
static void catch_up(CMOS *s)
{
    if (!s->set_latched) {
        int64_t sec = cur_sec(s);
        if (sec > s->last_update_sec) {
            s->last_update_sec = sec;
            s->reg_c |= CMOS_C_UF;
            Tm t;
            tm_from_sec(sec, &t);
            if (alarm_match(s->ram[CMOS_SEC_ALARM], enc(s, t.sec)) &&
                alarm_match(s->ram[CMOS_MIN_ALARM], enc(s, t.min)) &&
                alarm_match(s->ram[CMOS_HOUR_ALARM], enc_hour(s, t.hour)))
                s->reg_c |= CMOS_C_AF;
        }
    }
    int64_t ticks = period_ticks(s);
    if (ticks) {
        int64_t k = period_index(clock_now(s->clock), ticks);
        if (k > s->last_period) {
            s->last_period = k;
            s->reg_c |= CMOS_C_PF;
        }
    }
}

static void arm_timers(CMOS *s)
{
    int64_t now = clock_now(s->clock);
    uint8_t b = s->ram[CMOS_REG_B];
    int64_t ticks = period_ticks(s);
    if ((b & CMOS_B_PIE) && ticks)
        timer_mod(s->clock, &s->periodic, period_time(s->last_period + 1, ticks));
    else
        timer_del(s->clock, &s->periodic);
    if ((b & (CMOS_B_UIE | CMOS_B_AIE)) && !s->set_latched) {
        /* The update cycle after last_update_sec ends at the next boundary. */
        int64_t next = (s->last_update_sec + 1) * NS_PER_SEC;
        int64_t when = now + (next - cmos_time_ns(s));
        timer_mod(s->clock, &s->update, when > now ? when : now);
    } else {
        timer_del(s->clock, &s->update);
    }
}

static void timer_cb(void *opaque)
{
    CMOS *s = opaque;
    catch_up(s);
    update_irq(s);
    arm_timers(s);
}

/* ---- register file ---- */

uint8_t cmos_read_reg(CMOS *s, uint8_t idx)
{
    idx &= 0x7f;
    Tm t;
    switch (idx) {
    case CMOS_SEC: case CMOS_MIN: case CMOS_HOUR: case CMOS_WDAY:
    case CMOS_MDAY: case CMOS_MONTH: case CMOS_YEAR: case CMOS_CENTURY:
        tm_from_sec(cur_sec(s), &t);
        switch (idx) {
        case CMOS_SEC: return enc(s, t.sec);
        case CMOS_MIN: return enc(s, t.min);
        case CMOS_HOUR: return enc_hour(s, t.hour);
        case CMOS_WDAY: return enc(s, t.wday);
        case CMOS_MDAY: return enc(s, t.mday);
        case CMOS_MONTH: return enc(s, t.mon);
        case CMOS_YEAR: return enc(s, (int)(t.year % 100));
        default: return enc(s, (int)(t.year / 100 % 100));
        }
    case CMOS_REG_A: {
        uint8_t a = s->ram[CMOS_REG_A] & 0x7f;
        if (!s->set_latched) {
            int64_t frac = cmos_time_ns(s) - floor_div(cmos_time_ns(s), NS_PER_SEC) * NS_PER_SEC;
            if (frac >= NS_PER_SEC - CMOS_UIP_NS)
                a |= CMOS_A_UIP;
        }
        return a;
    }
    case CMOS_REG_C: {
        catch_up(s);
        update_irq(s);
        uint8_t c = s->reg_c;
        s->reg_c = 0;           /* all flags clear on read (datasheet, register C) */
        update_irq(s);
        arm_timers(s);
        return c;
    }
    case CMOS_REG_D:
        return CMOS_D_VRT;      /* the battery is always good */
    default:
        return s->ram[idx];
    }
}

/* A write to a time/date register: change that field of the current time. */
static void write_time(CMOS *s, uint8_t idx, uint8_t val)
{
    Tm t;
    tm_from_sec(cur_sec(s), &t);
    switch (idx) {
    case CMOS_SEC: t.sec = clampi(dec(s, val), 0, 59); break;
    case CMOS_MIN: t.min = clampi(dec(s, val), 0, 59); break;
    case CMOS_HOUR: t.hour = clampi(dec_hour(s, val), 0, 23); break;
    case CMOS_MDAY: t.mday = clampi(dec(s, val), 1, 31); break;
    case CMOS_MONTH: t.mon = clampi(dec(s, val), 1, 12); break;
    case CMOS_YEAR: t.year = t.year / 100 * 100 + clampi(dec(s, val), 0, 99); break;
    case CMOS_CENTURY: t.year = t.year % 100 + 100 * clampi(dec(s, val), 0, 99); break;
    default: return;           /* the day of week follows from the date */
    }
    int64_t sec = clamp_sec(tm_to_sec(&t));
    if (s->set_latched) {
        s->set_sec = sec;
    } else {
        /* Keep the phase within the second; just move the second. */
        int64_t now_ns = cmos_time_ns(s);
        int64_t frac = now_ns - floor_div(now_ns, NS_PER_SEC) * NS_PER_SEC;
        s->virt_base = clock_now(s->clock);
        s->tod_base = sec_to_ns(sec) + frac;
        s->last_update_sec = sec;
    }
}

void cmos_write_reg(CMOS *s, uint8_t idx, uint8_t val)
{
    idx &= 0x7f;
    switch (idx) {
    case CMOS_SEC: case CMOS_MIN: case CMOS_HOUR: case CMOS_WDAY:
    case CMOS_MDAY: case CMOS_MONTH: case CMOS_YEAR: case CMOS_CENTURY:
        write_time(s, idx, val);
        arm_timers(s);
        return;
    case CMOS_REG_A:
        catch_up(s);
        s->ram[CMOS_REG_A] = val & 0x7f;   /* UIP is read-only */
        if (period_ticks(s))
            s->last_period = period_index(clock_now(s->clock), period_ticks(s));
        arm_timers(s);
        return;
    case CMOS_REG_B: {
        uint8_t old = s->ram[CMOS_REG_B];
        catch_up(s);
        if ((val & CMOS_B_SET) && !(old & CMOS_B_SET)) {
            /* SET stops updates; the datasheet also clears UIE then. */
            s->set_sec = cur_sec(s);
            s->set_latched = true;
            val &= (uint8_t)~CMOS_B_UIE;
        } else if (!(val & CMOS_B_SET) && (old & CMOS_B_SET)) {
            /* The clock restarts from the (possibly rewritten) registers. */
            s->set_latched = false;
            s->virt_base = clock_now(s->clock);
            s->tod_base = sec_to_ns(s->set_sec);
            s->last_update_sec = s->set_sec;
        }
        s->ram[CMOS_REG_B] = val;
        update_irq(s);
        arm_timers(s);
        return;
    }
    case CMOS_REG_C:
    case CMOS_REG_D:
        return;                 /* read-only */
    default:
        s->ram[idx] = val;
        return;
    }
}

void cmos_reset(CMOS *s)
{
    catch_up(s);
    s->ram[CMOS_REG_B] &= (uint8_t)~(CMOS_B_PIE | CMOS_B_AIE | CMOS_B_UIE | CMOS_B_SQWE);
    s->reg_c = 0;
    update_irq(s);
    arm_timers(s);
}

static uint32_t cmos_io_read(void *opaque, uint16_t port, int size)
{
    (void)size;
    CMOS *s = opaque;
    if (port == 0x70)
        return 0xff;            /* the index register is write-only */
    return cmos_read_reg(s, s->index);
}

static void cmos_io_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    (void)size;
    CMOS *s = opaque;
    if (port == 0x70) {
        s->index = val & 0x7f;
        s->nmi_masked = (val & 0x80) != 0;
        return;
    }
    cmos_write_reg(s, s->index, (uint8_t)val);
}

/* The PC/AT BIOS's CMOS RAM layout (IBM AT Technical Reference, "CMOS RAM
 * address map"): equipment, memory sizes, and the checksum over
 * 0x10-0x2D stored big-endian at 0x2E/0x2F. */
static void fill_config(CMOS *s, uint32_t ram_bytes)
{
    uint8_t *r = s->ram;
    r[0x10] = 0x00;                       /* no diskette drives */
    r[0x12] = 0x00;                       /* no fixed disks */
    r[0x14] = 0x02;                       /* math coprocessor present, EGA/VGA display, no diskette */
    r[0x15] = 640 & 0xff;                 /* base memory 640 KiB */
    r[0x16] = 640 >> 8;
    uint32_t ext_kib = ram_bytes > 0x100000 ? (ram_bytes - 0x100000) / 1024 : 0;
    if (ext_kib > 0xffff)
        ext_kib = 0xffff;
    r[0x17] = r[0x30] = (uint8_t)ext_kib;
    r[0x18] = r[0x31] = (uint8_t)(ext_kib >> 8);
    uint32_t hi64k = ram_bytes > 0x1000000 ? (ram_bytes - 0x1000000) / 65536 : 0;
    if (hi64k > 0xffff)
        hi64k = 0xffff;
    r[0x34] = (uint8_t)hi64k;
    r[0x35] = (uint8_t)(hi64k >> 8);
    unsigned sum = 0;
    for (int i = 0x10; i <= 0x2d; i++)
        sum += r[i];
    r[0x2e] = (uint8_t)(sum >> 8);
    r[0x2f] = (uint8_t)sum;
}

void cmos_init(CMOS *s, IOBus *io, Clock *clock, IRQ *irq, uint32_t ram_bytes)
{
    memset(s, 0, sizeof(*s));
    s->clock = clock;
    s->irq = irq;
    s->ram[CMOS_REG_A] = 0x26;            /* 32.768 kHz time base, 1024 Hz periodic rate */
    s->ram[CMOS_REG_B] = CMOS_B_24H;      /* BCD, 24-hour, no interrupts */
    fill_config(s, ram_bytes);
    timer_init(&s->periodic, timer_cb, s);
    timer_init(&s->update, timer_cb, s);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    s->virt_base = clock_now(clock);
    s->tod_base = (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
    s->last_update_sec = floor_div(s->tod_base, NS_PER_SEC);
    s->last_period = period_index(s->virt_base, period_ticks(s));
    if (io)
        io_register(io, 0x70, 2, cmos_io_read, cmos_io_write, s, IO_SIZE_1);
}

static void cmos_reset_vm(void *opaque) { cmos_reset(opaque); }

static void cmos_post_load(void *opaque)
{
    CMOS *s = opaque;
    /* A foreign saved state: the index inside the RAM, a level 0/1, times
     * in the 64-bit ns range (found by tests/fuzz, target vmstate). */
    s->index &= 0x7f;
    s->irq_level = s->irq_level != 0;
    s->set_sec = clamp_sec(s->set_sec);
    s->last_update_sec = clamp_sec(s->last_update_sec);
    irq_set(s->irq, s->irq_level);
}

static const VMField cmos_fields[] = {
    VMF(CMOS, ram), VMF(CMOS, index), VMF(CMOS, nmi_masked), VMF(CMOS, reg_c),
    VMF(CMOS, irq_level), VMF(CMOS, tod_base), VMF(CMOS, virt_base), VMF(CMOS, set_latched),
    VMF(CMOS, set_sec), VMF(CMOS, last_update_sec), VMF(CMOS, last_period),
    VMF_TIMER(CMOS, periodic), VMF_TIMER(CMOS, update), VMF_END,
};
const VMStateDesc cmos_vmstate = {1, cmos_fields, cmos_reset_vm, NULL, cmos_post_load};
