/* acpi.c - ACPI PM1a registers, PM timer and tables (see acpi.h).
 *
 * Table layouts: ACPI specification 1.0b, sections 5.2.4 (RSDP), 5.2.3
 * (common header), 5.2.7 (RSDT), 5.2.8 (FADT, 116 bytes in revision 1),
 * 5.2.9 (FACS), 5.2.10 (DSDT). Every table's bytes sum to 0 mod 256
 * (the RSDP over its first 20 bytes); the FACS has no checksum.
 */
#include "acpi.h"

#include <string.h>

/* ---- registers ---- */

uint32_t acpi_pm_timer(const ACPI *a)
{
    int64_t ns = clock_now(a->clock);
    if (ns < 0)
        ns = 0;
    return (uint32_t)(((__int128)ns * ACPI_PM_TIMER_HZ / 1000000000) & 0xffffff);
}

static uint8_t read_byte(ACPI *a, unsigned off)
{
    switch (off) {
    case 0: return (uint8_t)a->pm1_sts;
    case 1: return (uint8_t)(a->pm1_sts >> 8);
    case 2: return (uint8_t)a->pm1_en;
    case 3: return (uint8_t)(a->pm1_en >> 8);
    case 4: return (uint8_t)(a->pm1_cnt | (a->smi_cmd ? 0 : ACPI_PM1_SCI_EN));
    case 5: return (uint8_t)((a->pm1_cnt & ~ACPI_PM1_SLP_EN) >> 8);
    case 8: case 9: case 10: case 11:
        return (uint8_t)(acpi_pm_timer(a) >> (8 * (off - 8)));
    default: return 0xff;
    }
}

static void write_byte(ACPI *a, unsigned off, uint8_t v)
{
    switch (off) {
    case 0: a->pm1_sts &= (uint16_t)~v; break;          /* write 1 to clear */
    case 1: a->pm1_sts &= (uint16_t)~(v << 8); break;
    case 2: a->pm1_en = (uint16_t)((a->pm1_en & 0xff00) | v); break;
    case 3: a->pm1_en = (uint16_t)((a->pm1_en & 0x00ff) | v << 8); break;
    case 4: a->pm1_cnt = (uint16_t)((a->pm1_cnt & 0xff00) | v | (a->smi_cmd ? 0 : ACPI_PM1_SCI_EN));
        break;
    case 5: {
        uint16_t cnt = (uint16_t)((a->pm1_cnt & 0x00ff) | v << 8);
        /* SLP_EN starts the transition to the sleep state in SLP_TYP
         * (ACPI 1.0b, 4.7.2.2.1); it reads back as 0. Only S5 exists. */
        if ((cnt & ACPI_PM1_SLP_EN) &&
            ((cnt & ACPI_PM1_SLP_TYP_MASK) >> ACPI_PM1_SLP_TYP_SHIFT) == ACPI_S5_SLP_TYP &&
            a->power_off)
            a->power_off(a->opaque);
        a->pm1_cnt = cnt & (uint16_t)~ACPI_PM1_SLP_EN;
        break;
    }
    default: break;                                     /* the timer is read-only */
    }
}

static void update_sci(ACPI *a)
{
    irq_set(a->sci, (a->pm1_sts & a->pm1_en) != 0);
}

static uint32_t io_rd(void *opaque, uint16_t port, int size)
{
    ACPI *a = opaque;
    unsigned off = (unsigned)(port - a->base);
    uint32_t v = 0;
    /* Read the timer once for a multi-byte access so its bytes agree. */
    if (off == 8 && size == 4)
        return acpi_pm_timer(a);
    for (int i = 0; i < size; i++)
        v |= (uint32_t)read_byte(a, off + (unsigned)i) << (8 * i);
    return v;
}

static void io_wr(void *opaque, uint16_t port, uint32_t val, int size)
{
    ACPI *a = opaque;
    unsigned off = (unsigned)(port - a->base);
    for (int i = 0; i < size; i++)
        write_byte(a, off + (unsigned)i, (uint8_t)(val >> (8 * i)));
    update_sci(a);
}

static void place(ACPI *a, uint16_t base)
{
    if (!a->io)
        return;
    if (a->base != base)
        io_unregister(a->io, a->base, ACPI_PM_PORTS, a);
    io_register(a->io, base, ACPI_PM_PORTS, io_rd, io_wr, a, IO_SIZE_1 | IO_SIZE_2 | IO_SIZE_4);
    a->base = base;
}

void acpi_set_base(ACPI *a, uint16_t base, bool smi_cmd)
{
    if (smi_cmd && !a->smi_cmd)
        a->pm1_cnt &= (uint16_t)~ACPI_PM1_SCI_EN;   /* legacy mode until ACPI_ENABLE */
    a->smi_cmd = smi_cmd;
    place(a, base);
}

void acpi_smi_command(ACPI *a, uint8_t cmd)
{
    if (!a->smi_cmd)
        return;
    if (cmd == ACPI_ENABLE_CMD)
        a->pm1_cnt |= ACPI_PM1_SCI_EN;
    else if (cmd == ACPI_DISABLE_CMD)
        a->pm1_cnt &= (uint16_t)~ACPI_PM1_SCI_EN;
}

void acpi_reset(ACPI *a)
{
    a->pm1_sts = 0;
    a->pm1_en = 0;
    a->pm1_cnt = ACPI_PM1_SCI_EN;
    a->smi_cmd = false;
    place(a, ACPI_PM_BASE);
    update_sci(a);
}

void acpi_init(ACPI *a, IOBus *io, Clock *clock, void (*power_off)(void *opaque), void *opaque)
{
    memset(a, 0, sizeof(*a));
    a->clock = clock;
    a->power_off = power_off;
    a->opaque = opaque;
    a->io = io;
    a->base = ACPI_PM_BASE;
    acpi_reset(a);
}

/* ---- tables ---- */

/* Offsets inside the table block (the FACS must be 64-byte aligned). */
#define OFF_RSDP 0
#define OFF_FACS 64
#define OFF_RSDT 128
#define OFF_FADT 192
#define OFF_DSDT 320
#define FACS_LEN 64
#define RSDT_LEN (36 + 4)
#define FADT_LEN 116

/* DefinitionBlock body: Name (_S5, Package () { 5, 5, 0, 0 })
 *   08             NameOp
 *   5F 53 35 5F    NameString "_S5_"
 *   12             PackageOp
 *   08             PkgLength: 8 bytes follow, counting this byte
 *   04             NumElements
 *   0A 05          BytePrefix 5   (SLP_TYP for PM1a_CNT)
 *   0A 05          BytePrefix 5   (SLP_TYP for PM1b_CNT, absent here)
 *   00 00          ZeroOp ZeroOp  (reserved)
 * (ACPI 1.0b, 16.2 "ACPI Source Language ... AML grammar"; 7.5.2 \_Sx). */
static const uint8_t dsdt_aml[] = {
    0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, ACPI_S5_SLP_TYP, 0x0a, ACPI_S5_SLP_TYP,
    0x00, 0x00,
};
#define DSDT_LEN (36 + sizeof dsdt_aml)

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static uint8_t checksum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    return (uint8_t)(0 - s);
}

/* The 36-byte header every system description table starts with. */
static void header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "XLAT86", 6);        /* OEMID */
    memcpy(t + 16, "XLAT86PC", 8);      /* OEM table ID */
    put32(t + 24, 1);                   /* OEM revision */
    memcpy(t + 28, "XL86", 4);          /* creator ID */
    put32(t + 32, 1);                   /* creator revision */
}

static void seal(uint8_t *t, uint32_t len)
{
    t[9] = 0;
    t[9] = checksum(t, len);
}

size_t acpi_build_tables(uint8_t *buf, size_t cap, uint32_t base)
{
    _Static_assert(OFF_DSDT + 36 + sizeof dsdt_aml <= ACPI_TABLES_SIZE, "ACPI tables overflow");
    if (cap < ACPI_TABLES_SIZE || (base & 15))
        return 0;
    memset(buf, 0, ACPI_TABLES_SIZE);

    /* FACS: signature, length, hardware signature; no waking vector. */
    uint8_t *facs = buf + OFF_FACS;
    memcpy(facs, "FACS", 4);
    put32(facs + 4, FACS_LEN);

    uint8_t *dsdt = buf + OFF_DSDT;
    header(dsdt, "DSDT", DSDT_LEN, 1);
    memcpy(dsdt + 36, dsdt_aml, sizeof dsdt_aml);
    seal(dsdt, DSDT_LEN);

    uint8_t *f = buf + OFF_FADT;
    header(f, "FACP", FADT_LEN, 1);
    put32(f + 36, base + OFF_FACS);     /* FIRMWARE_CTRL */
    put32(f + 40, base + OFF_DSDT);     /* DSDT */
    f[44] = 0;                          /* INT_MODEL: dual 8259 PIC */
    put16(f + 46, ACPI_SCI_IRQ);        /* SCI_INT */
    put32(f + 48, 0);                   /* SMI_CMD: none, always in ACPI mode */
    put32(f + 56, ACPI_PM1_EVT_BLK);
    put32(f + 64, ACPI_PM1_CNT_BLK);
    put32(f + 76, ACPI_PM_TMR_BLK);
    f[88] = 4;                          /* PM1_EVT_LEN */
    f[89] = 2;                          /* PM1_CNT_LEN */
    f[91] = 4;                          /* PM_TM_LEN */
    put16(f + 96, 101);                 /* P_LVL2_LAT > 100: no C2 */
    put16(f + 98, 1001);                /* P_LVL3_LAT > 1000: no C3 */
    f[108] = 0x32;                      /* CENTURY: RTC CMOS index of the century */
    /* Flags: WBINVD works (bit 0), C1 supported (bit 2), power and sleep
     * buttons are not fixed features (bits 4, 5); 24-bit timer (bit 8 = 0). */
    put32(f + 112, (1u << 0) | (1u << 2) | (1u << 4) | (1u << 5));
    seal(f, FADT_LEN);

    uint8_t *r = buf + OFF_RSDT;
    header(r, "RSDT", RSDT_LEN, 1);
    put32(r + 36, base + OFF_FADT);
    seal(r, RSDT_LEN);

    /* RSDP (ACPI 1.0: 20 bytes, revision 0). */
    uint8_t *p = buf + OFF_RSDP;
    memcpy(p, "RSD PTR ", 8);
    memcpy(p + 9, "XLAT86", 6);
    p[15] = 0;
    put32(p + 16, base + OFF_RSDT);
    p[8] = checksum(p, 20);
    return ACPI_TABLES_SIZE;
}

static void acpi_reset_vm(void *opaque) { acpi_reset(opaque); }

/* The saved base was the block's place: register the ports there again. */
static void acpi_pre_load_place(void *opaque)
{
    ACPI *a = opaque;
    uint16_t saved = a->base;
    a->base = ACPI_PM_BASE;
    if (a->io) {
        io_unregister(a->io, ACPI_PM_BASE, ACPI_PM_PORTS, a);
        for (unsigned p = 0; p < 0x10000; p++)
            if (io_owner(a->io, (uint16_t)p) == a)
                io_unregister(a->io, (uint16_t)p, 1, a);
    }
    place(a, saved);
    update_sci(a);
}

static const VMField acpi_fields[] = {
    VMF(ACPI, pm1_sts), VMF(ACPI, pm1_en), VMF(ACPI, pm1_cnt), VMF(ACPI, base),
    VMF(ACPI, smi_cmd), VMF_END,
};
const VMStateDesc acpi_vmstate = {2, acpi_fields, acpi_reset_vm, NULL, acpi_pre_load_place};
