/* pc.c - the PC/AT board: memory, BIOS, port bus, clock, PICs, PIT, two
 * UARTs, QEMU's debug console / exit devices, the RTC/CMOS, the keyboard
 * controller, ACPI PM registers, ports 0x92, 0xCF9 and 0x80, and the
 * wiring of the interrupt line to the CPU; the PCI platform, fw_cfg and
 * DMA are devices/pc_platform.c.
 */
#include "pc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "cpu/engine.h"

#define BIOS_MAX (256u * 1024u)
#define BIOS_GRAIN (2u * 1024u)

/* Debian's SeaBIOS without SMM (bios-256k.bin needs SMM on the i440FX). */
static const char *const default_bios[] = {
    "/usr/share/seabios/bios.bin",
};

void pc_kick(PC *pc)
{
    if (pc->engine)
        engine_kick(pc->engine);
}

void pc_request_exit(PC *pc, int status)
{
    pc->exit_status = status;
    pc->exit_requested = true;
    /* Requested by the instruction running now (an OUT): the engine
     * stops after it, as on QEMU where the exit is immediate. */
    pc_kick(pc);
}

void pc_nmi(PC *pc)
{
    if (!pc->engine || cmos_nmi_masked(&pc->cmos))
        return;
    engine_nmi(pc->engine);
}

static void pc_nmi_key(void *opaque) { pc_nmi(opaque); }

void pc_request_reset(PC *pc)
{
    if (pc->cfg.no_reboot) {
        pc_request_exit(pc, 0);   /* as QEMU's -no-reboot: the machine stops */
    } else {
        pc->reset_requested = true;
        pc_kick(pc);
    }
}

static void pc_reset_cb(void *opaque)
{
    pc_request_reset(opaque);
}

/* ACPI soft-off (SLP_TYP = S5, SLP_EN): the machine stops with status 0. */
static void pc_power_off(void *opaque)
{
    pc_request_exit(opaque, 0);
}

/* The master PIC's INT pin is the CPU's INTR input. */
static void pc_intr(void *opaque, int level)
{
    PC *pc = opaque;
    pc->intr_level = level;
    if (pc->engine)
        engine_set_intr(pc->engine, level);
}

/* The PIC's INT output line, as the board receives it. */
static void pc_intr_line(void *opaque, int n, int level)
{
    (void)n;
    pc_intr(opaque, level);
}

static int pc_irq_ack(void *opaque)
{
    PC *pc = opaque;
    return pic_ack(&pc->pic);
}

static void pc_debug_exit(void *opaque, int status)
{
    pc_request_exit(opaque, status);
}

/* Port 0x92, PS/2 "system control port A": bit 1 gates A20, a 0->1
 * transition of bit 0 resets the machine (fast reset). */
static uint64_t pc_tsc_clock(void *opaque)
{
    PC *pc = opaque;
    return (uint64_t)clock_now_coarse(&pc->clock);
}

/* FERR# from the x87 (CR0.NE=0 error reporting): the PC routes it to IRQ13
 * through a latch that a write to port 0xF0 clears (the "coprocessor
 * busy" port of the AT; SDM vol. 1, D.2.1). */
static void pc_ferr(void *opaque, int level)
{
    PC *pc = opaque;
    if (level && !pc->ferr_latched) {
        pc->ferr_latched = true;
        irq_raise(pc->ferr_irq);
    }
}

static void portf0_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    (void)port;
    (void)val;
    (void)size;
    PC *pc = opaque;
    if (pc->ferr_latched) {
        pc->ferr_latched = false;
        irq_lower(pc->ferr_irq);
    }
}

static uint32_t port92_read(void *opaque, uint16_t port, int size)
{
    (void)port;
    (void)size;
    PC *pc = opaque;
    return (pc->port92 & ~2u) | (pc->mem.a20 ? 2u : 0u);
}

static void port92_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    (void)port;
    (void)size;
    PC *pc = opaque;
    uint8_t old = pc->port92;
    pc->port92 = (uint8_t)val;
    mem_set_a20(&pc->mem, val & 2);
    if ((val & 1) && !(old & 1))
        pc_request_reset(pc);
}

/* Port 0xCF9, the PIIX/ICH reset control register: a 0->1 transition of
 * RST_CPU (bit 2) resets the machine; bit 1 (SYS_RST) chooses a hard reset
 * and bit 3 (FULL_RST) a power cycle, which are the same thing here. So
 * writing 0x06 or 0x0E resets. */
static uint32_t portcf9_read(void *opaque, uint16_t port, int size)
{
    (void)port;
    (void)size;
    PC *pc = opaque;
    return pc->portcf9 & 0x0au;
}

static void portcf9_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    (void)port;
    (void)size;
    PC *pc = opaque;
    uint8_t old = pc->portcf9;
    pc->portcf9 = (uint8_t)(val & 0x0e);
    if ((val & 4) && !(old & 4)) {
        pc->portcf9 &= (uint8_t)~4u;   /* RST_CPU self-clears */
        pc_request_reset(pc);
    }
}

/* The board's own registers as a device ("board"): ports 0x92 and 0xCF9
 * and the FERR# latch. */
static void board_reset(void *opaque)
{
    PC *pc = opaque;
    pc->port92 = 0x02;
    pc->portcf9 = 0;
    if (pc->ferr_latched) {
        pc->ferr_latched = false;
        irq_lower(pc->ferr_irq);
    }
}

static void board_post_load(void *opaque)
{
    PC *pc = opaque;
    irq_set(pc->ferr_irq, pc->ferr_latched);
}

static const VMField board_fields[] = {
    VMF(PC, port92), VMF(PC, portcf9), VMF(PC, ferr_latched), VMF_END,
};
static const VMStateDesc board_vmstate = {1, board_fields, board_reset, NULL, board_post_load};

/* Port 0x80: POST code / I/O delay port; writes are accepted and ignored. */
static void port80_write(void *opaque, uint16_t port, uint32_t val, int size)
{
    (void)opaque;
    (void)port;
    (void)val;
    (void)size;
}

static bool load_bios(PC *pc, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "bios %s: %s", path, strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "bios %s: not a regular file", path);
        return false;
    }
    if (st.st_size == 0) {
        snprintf(err, errlen, "bios %s: file is empty", path);
        return false;
    }
    if (st.st_size > (off_t)BIOS_MAX) {
        snprintf(err, errlen, "bios %s: %lld bytes is larger than the 256 KiB maximum", path,
                 (long long)st.st_size);
        return false;
    }
    if (st.st_size % BIOS_GRAIN) {
        snprintf(err, errlen, "bios %s: size %lld bytes is not a multiple of 2 KiB", path,
                 (long long)st.st_size);
        return false;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "bios %s: %s", path, strerror(errno));
        return false;
    }
    uint32_t size = (uint32_t)st.st_size;
    uint8_t *buf = malloc(size);
    size_t got = buf ? fread(buf, 1, size, f) : 0;
    fclose(f);
    if (got != size) {
        snprintf(err, errlen, "bios %s: short read", path);
        free(buf);
        return false;
    }
    bool ok = mem_load_rom(&pc->mem, buf, size);
    free(buf);
    if (!ok)
        snprintf(err, errlen, "bios %s: out of memory", path);
    return ok;
}

/* $XLAT86_SEABIOS names another default firmware file (a relocated
 * install; the CLI test of the missing-firmware message). */
static const char *find_default_bios(void)
{
    const char *env = getenv("XLAT86_SEABIOS");
    if (env && env[0])
        return env;
    for (size_t i = 0; i < sizeof(default_bios) / sizeof(default_bios[0]); i++) {
        if (access(default_bios[i], R_OK) == 0)
            return default_bios[i];
    }
    return NULL;
}

bool pc_init(PC *pc, const PCConfig *cfg, char *err, size_t errlen)
{
    memset(pc, 0, sizeof(*pc));
    pc->cfg = *cfg;

    if (cfg->ram_mib == 0 || cfg->ram_mib > PC_RAM_MAX_MIB) {
        snprintf(err, errlen, "-m %u: RAM size must be 1 to %u MiB", cfg->ram_mib, PC_RAM_MAX_MIB);
        return false;
    }
    if (!mem_init(&pc->mem, cfg->ram_mib << 20)) {
        snprintf(err, errlen, "cannot allocate %u MiB of RAM: %s", cfg->ram_mib,
                 strerror(errno));
        return false;
    }
    const char *bios = cfg->bios_path ? cfg->bios_path : find_default_bios();
    if (!bios || (!cfg->bios_path && access(bios, R_OK) != 0)) {
        snprintf(err, errlen, "default firmware %s not found: install the seabios package "
                              "or give -bios FILE", bios ? bios : default_bios[0]);
        goto fail;
    }
    if (!load_bios(pc, bios, err, errlen))
        goto fail;

    io_init(&pc->io);
    clock_init(&pc->clock, cfg->icount, cfg->icount_shift, &pc->no_cpu_icount);
    irq_init(&pc->intr_line, pc_intr_line, pc, 0);
    pic_init(&pc->pic, &pc->io, &pc->intr_line);
    pit_init(&pc->pit, &pc->io, &pc->clock, pic_input(&pc->pic, 0));
    pc->ferr_irq = pic_input(&pc->pic, 13);

    static const uint16_t com_base[2] = {0x3f8, 0x2f8};
    static const int com_irq[2] = {4, 3};
    for (int i = 0; i < 2; i++) {
        pc->serial_dev[i] = chardev_open(cfg->serial[i] ? cfg->serial[i] : "none", err, errlen);
        if (!pc->serial_dev[i])
            goto fail;
        uart_init(&pc->uart[i], &pc->io, com_base[i], pic_input(&pc->pic, com_irq[i]), &pc->clock,
                  pc->serial_dev[i]);
    }
    chardev_set_nmi_handler(pc_nmi_key, pc);
    if (cfg->n_debugcon < 0 || cfg->n_debugcon > PC_MAX_DEBUGCON) {
        snprintf(err, errlen, "at most %d debug consoles", PC_MAX_DEBUGCON);
        goto fail;
    }
    for (int i = 0; i < cfg->n_debugcon; i++) {
        pc->debugcon_dev[i] = chardev_open(cfg->debugcon[i].spec, err, errlen);
        if (!pc->debugcon_dev[i])
            goto fail;
        debugcon_init(&pc->debugcon[i], &pc->io, cfg->debugcon[i].port, pc->debugcon_dev[i]);
        pc->n_debugcon = i + 1;
    }
    if (cfg->exit_port)
        debugexit_init(&pc->debugexit, &pc->io, 0xf4, pc_debug_exit, pc);
    io_register(&pc->io, 0x92, 1, port92_read, port92_write, pc, IO_SIZE_1);
    io_register(&pc->io, 0x80, 1, NULL, port80_write, pc, IO_SIZE_1 | IO_SIZE_2 | IO_SIZE_4);
    io_register(&pc->io, 0xcf9, 1, portcf9_read, portcf9_write, pc, IO_SIZE_1);
    io_register(&pc->io, 0xf0, 1, NULL, portf0_write, pc, IO_SIZE_1);
    pc->port92 = 0x02;
    cmos_init(&pc->cmos, &pc->io, &pc->clock, pic_input(&pc->pic, CMOS_IRQ), pc->mem.ram_size);
    i8042_init(&pc->kbc, &pc->io, pic_input(&pc->pic, 1), pic_input(&pc->pic, 12), &pc->mem,
               pc_reset_cb, pc);
    acpi_init(&pc->acpi, &pc->io, &pc->clock, pc_power_off, pc);
    /* The standard VGA; devices/vga_pci.c makes it PCI 1234:1111 (frame
     * buffer in BAR0) and places its video BIOS. */
    if (!cfg->no_vga || cfg->isa_vga) {
        pc->vga = calloc(1, sizeof *pc->vga);
        if (!pc->vga || !vga_init(pc->vga, &pc->mem, &pc->io, &pc->clock)) {
            snprintf(err, errlen, "cannot allocate the VGA's video memory");
            goto fail;
        }
    }

    /* The registry, in reset order. The clock comes first so that it is
     * rebased before any device's post_load runs. */
    vm_registry_init(&pc->vm, &pc->clock);
    vm_register(&pc->vm, "clock", &clock_vmstate, &pc->clock);
    vm_register(&pc->vm, "pic", &pic_vmstate, &pc->pic);
    vm_register(&pc->vm, "pit", &pit_vmstate, &pc->pit);
    vm_register(&pc->vm, "uart0", &uart_vmstate, &pc->uart[0]);
    vm_register(&pc->vm, "uart1", &uart_vmstate, &pc->uart[1]);
    vm_register(&pc->vm, "a20", &mem_a20_vmstate, &pc->mem);
    vm_register(&pc->vm, "board", &board_vmstate, pc);
    vm_register(&pc->vm, "i8042", &i8042_vmstate, &pc->kbc);
    vm_register(&pc->vm, "acpi", &acpi_vmstate, &pc->acpi);
    vm_register(&pc->vm, "cmos", &cmos_vmstate, &pc->cmos);
    if (!pc_platform_init(pc, err, errlen))
        goto fail;
    if (pc->vga)
        vm_register(&pc->vm, "vga", &vga_vmstate, pc->vga);
    if (cfg->isa_vga ? !pc_vga_isa_init(pc, err, errlen) : !pc_vga_pci_init(pc, err, errlen))
        goto fail;
    if (!pc_disks_init(pc, cfg->disks, err, errlen))
        goto fail;
    return true;

fail:
    pc_free(pc);
    return false;
}

void pc_connect_cpu(PC *pc, struct CPU *cpu)
{
    cpu->mem = &pc->mem;
    cpu->io = &pc->io;
    cpu->ram_base = pc->mem.ram;
    cpu->irq_line = pc->intr_level;
    cpu->irq_ack = pc_irq_ack;
    cpu->irq_opaque = pc;
    cpu->fpu.ferr = pc_ferr;
    cpu->fpu.ferr_opaque = pc;
    cpu->tsc_clock = pc_tsc_clock;
    cpu->tsc_clock_opaque = pc;
    /* -icount: virtual time follows this CPU's retired instructions. */
    pc->clock.insns = &cpu->icount;
}

void pc_attach_engine(PC *pc, Engine *e)
{
    pc->engine = e;
    if (e)
        engine_set_intr(e, pc->intr_level);
}

void pc_free(PC *pc)
{
    chardev_set_nmi_handler(NULL, NULL);
    for (int i = 0; i < 2; i++) {
        chardev_close(pc->serial_dev[i]);
        pc->serial_dev[i] = NULL;
    }
    for (int i = 0; i < PC_MAX_DEBUGCON; i++) {
        chardev_close(pc->debugcon_dev[i]);
        pc->debugcon_dev[i] = NULL;
    }
    pc->n_debugcon = 0;
    pc_platform_free(pc);
    pc_disks_free(pc);
    mem_free(&pc->mem);
    free(pc->vga);
    pc->vga = NULL;
    free(pc->vga_pci);
    pc->vga_pci = NULL;
}

void pc_reset(PC *pc)
{
    /* Every device in registration order (the RTC keeps its time and
     * CMOS RAM: they run on the battery). */
    vm_reset_all(&pc->vm);
    pc->reset_requested = false;
    pc_intr(pc, pic_intr_pending(&pc->pic));
}
