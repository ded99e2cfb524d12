/* pc.h - the PC/AT board: RAM and ROM, the port bus, the virtual clock and
 * the devices, wired together. The board knows nothing about how the CPU
 * is run (translator or KVM) nor about the host display: the engine drives
 * it through the CPU's memory/I/O pointers and the interrupt hooks.
 */
#ifndef XLAT86_PC_H
#define XLAT86_PC_H

#include <stdbool.h>
#include <stdint.h>

#include "acpi.h"
#include "chardev.h"
#include "clock.h"
#include "cmos.h"
#include "debugcon.h"
#include "dma.h"
#include "fwcfg.h"
#include "i440fx.h"
#include "fdc.h"
#include "i8042.h"
#include "ide.h"
#include "iobus.h"
#include "irq.h"
#include "memory.h"
#include "pc_platform.h"
#include "pci.h"
#include "pc_disks.h"
#include "pic.h"
#include "piix.h"
#include "pit.h"
#include "uart.h"
#include "vga.h"
#include "vga_pci.h"
#include "pc_vga_isa.h"
#include "ide_dma.h"
#include "vmstate.h"

struct CPU;
struct Engine;

#define PC_MAX_DEBUGCON 4
/* RAM ends below the 3 GiB..4 GiB hole kept for PCI memory and the BIOS
 * (-m checks the same limit: OPT_RAM_MAX_MIB, asserted in main.c). */
#define PC_RAM_MAX_MIB 3072u

typedef struct PCConfig {
    uint32_t ram_mib;             /* -m, default 128 */
    const char *bios_path;        /* -bios FILE, NULL = default ROM */
    const char *serial[2];        /* -serial specs for COM1, COM2 (NULL = none / "none") */
    /* -debugcon SPEC and -device isa-debugcon,iobase=N,chardev=ID */
    struct { uint16_t port; const char *spec; } debugcon[PC_MAX_DEBUGCON];
    int n_debugcon;
    bool exit_port;               /* isa-debug-exit at 0xF4 (on by default) */
    bool icount;                  /* -icount */
    int icount_shift;
    bool icount_sleep;            /* -icount ...,sleep=on: idle time also passes on the host */
    bool no_reboot;               /* -no-reboot */
    /* -kernel / -initrd / -append (frontend/loader.c loads them after
     * pc_init, and the machine loop again after every reset). */
    const char *kernel;
    const char *initrd;
    const char *append;
    /* Platform (devices/pc_platform.c). */
    bool nographic;               /* -nographic: fw_cfg NOGRAPHIC, SeaBIOS serial console */
    const PCFwCfgFile *fw_cfg;    /* -fw_cfg items */
    int n_fw_cfg;
    const char *boot_order;       /* -boot order= (NULL: "cad") */
    bool boot_menu;               /* -boot menu=on */
    int boot_menu_wait_ms;        /* -boot splash-time= (0: SeaBIOS's default) */
    bool no_vga;                  /* -vga none (default: -vga std, PCI 00:02.0) */
    bool isa_vga;                 /* -device isa-vga: the VGA is ISA instead (pc_vga_isa.c) */
    /* Floppy and IDE drives, -boot (devices/pc_disks.c); NULL = none. */
    const PCDisks *disks;
} PCConfig;

typedef struct PC {
    PCConfig cfg;
    Memory mem;
    IOBus io;
    Clock clock;
    PIC pic;
    PIT pit;
    UART uart[2];
    CharDev *serial_dev[2];
    DebugCon debugcon[PC_MAX_DEBUGCON];
    CharDev *debugcon_dev[PC_MAX_DEBUGCON];
    int n_debugcon;
    DebugExit debugexit;          /* isa-debug-exit at 0xF4 */
    CMOS cmos;                    /* RTC + CMOS RAM, 0x70/0x71, IRQ8 */
    I8042 kbc;                    /* keyboard controller, 0x60/0x64, IRQ1/IRQ12 */
    ACPI acpi;                    /* PM1a registers and PM timer at 0x600 */
    VGA *vga;                     /* -vga std (NULL with -vga none) */
    VGAPCI *vga_pci;              /* its PCI function 00:02.0 (devices/vga_pci.c) */
    VMRegistry vm;                /* every device: reset, state save/load */
    PCIBus pci;                   /* bus 0, 0xCF8/0xCFC */
    I440FX i440fx;                /* 00.0 host bridge, PAM */
    PIIX3 piix3;                  /* 01.0 ISA bridge, 01.1 IDE */
    PIIX4PM pm;                   /* 01.3 power management (ACPI block, APM ports) */
    FWCfg fwcfg;                  /* 0x510/0x511, DMA 0x514 */
    DMA dma;                      /* 8237 pair and page registers */
    struct Engine *engine;        /* what runs the CPU (pc_attach_engine), or NULL */
    int intr_level;               /* the PIC's INT output, the CPU's INTR input */
    uint64_t no_cpu_icount;       /* instruction counter before a CPU is connected */

    /* Set by devices to stop the machine: exit status for the process. */
    volatile bool exit_requested;
    int exit_status;
    volatile bool reset_requested;
    uint8_t port92;               /* system control port A */
    bool ferr_latched;            /* x87 FERR# latched onto IRQ13 until port 0xF0 is written */
    IRQ *ferr_irq;                /* the latch's output (IRQ13) */
    IRQ intr_line;                /* the PIC's INT output, received by the board */
    uint8_t portcf9;              /* reset control register */

    /* Disks (devices/pc_disks.c). */
    FDC fdc;                      /* 0x3F0, IRQ 6, DMA 2 */
    IDEChannel ide[2];            /* 0x1F0/0x3F6 IRQ 14, 0x170/0x376 IRQ 15 */
    IDEBMDMA bmdma;               /* their bus master, PIIX3 IDE BAR4 (ide_dma.c) */
    BlockDev *disk_blk[PC_FLOPPIES + PC_IDE_DRIVES];
    char boot_order[8];           /* -boot order= letters, for fw_cfg "bootorder" */
    bool boot_menu;               /* -boot menu=on */
} PC;

/* Build the board. On failure prints nothing, returns false and writes a
 * one-line reason into err (the board is then already freed). No CPU is
 * connected yet: an engine connects its CPU (pc_connect_cpu) and attaches
 * itself (pc_attach_engine).
 * bios_path NULL: Debian's SeaBIOS (/usr/share/seabios/bios.bin);
 * frontend/main.c passes the project's demo ROM with -kernel and no
 * -bios. A BIOS image must be 2 KiB to 256 KiB, a multiple of
 * 2 KiB. */
bool pc_init(PC *pc, const PCConfig *cfg, char *err, size_t errlen);
void pc_free(PC *pc);
/* Wire a C-semantics CPU context (the translator's) to the board: memory
 * and port buses, the interrupt acknowledge cycle, FERR#, the TSC's
 * virtual clock, and -icount's instruction counter. */
void pc_connect_cpu(PC *pc, struct CPU *cpu);
/* The engine that receives INTR, NMI and kicks from the board (NULL to
 * detach). INTR's current level is passed on at once. */
void pc_attach_engine(PC *pc, struct Engine *e);
/* Machine reset of the devices (A20 on, port 0x92 = 0x02; the RTC keeps
 * its time and CMOS RAM). RAM is kept too, as on a PC (a BIOS may look
 * for a warm-boot marker). The machine loop resets the engine's CPU
 * itself and reloads a -kernel guest (frontend/machine.c). */
void pc_reset(PC *pc);
/* Ask the engine to return to the machine loop soon (after the current
 * instruction when called from a device callback). */
void pc_kick(PC *pc);
/* Stop the machine with a process exit status. */
void pc_request_exit(PC *pc, int status);
/* A device asks for a machine reset (port 0x92, 0xCF9, the keyboard
 * controller): reset at the next block boundary, or stop with status 0
 * under -no-reboot. */
void pc_request_reset(PC *pc);
/* The NMI input (a source such as IOCHK#, or Ctrl-A n on the console):
 * passed to the CPU unless port 0x70 bit 7 masks NMIs (the gate in front
 * of the CPU's NMI pin on the PC/AT); an edge while masked is lost. */
void pc_nmi(PC *pc);

#endif
