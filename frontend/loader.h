/* loader.h - direct kernel boot: -kernel / -initrd / -append.
 *
 * Two kinds of kernel are recognised, in this order:
 *  - a Linux bzImage (setup header "HdrS" at offset 0x202, boot protocol
 *    2.02 or later, loaded high): the protected-mode kernel is loaded at
 *    1 MiB and entered at its 32-bit entry point with a zero page
 *    (Documentation/arch/x86/boot.rst, "32-bit boot protocol");
 *  - a Multiboot (v1) kernel (header in the first 8 KiB): ELF segments,
 *    or the a.out kludge addresses, entered with EAX = 0x2BADB002 and EBX
 *    = the Multiboot information structure.
 * Both are entered in 32-bit protected mode without paging, with flat 4 GiB
 * segments from a GDT the loader writes (CS = 0x10, data = 0x18, as Linux's
 * __BOOT_CS/__BOOT_DS), interrupts off. The loader also writes what a BIOS
 * would have left for the OS: the BIOS data area words for the EBDA and base
 * memory, and ACPI tables (devices/acpi.h) in the EBDA.
 *
 * Guest physical memory used (all below 1 MiB, outside the kernel):
 *   0x10000  zero page (Linux boot_params) or Multiboot information
 *   0x11000  GDT
 *   0x20000  kernel command line, then Multiboot module strings (to 0x2FFFF)
 *   0x9FC00  EBDA: ACPI tables (RSDP first); e820 marks it reserved
 * The initrd goes as high as the kernel allows; Multiboot modules follow
 * the kernel image, page-aligned.
 *
 * Every error is one line in err (no "xlat86: " prefix) naming the file.
 */
#ifndef XLAT86_LOADER_H
#define XLAT86_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct CPUState;
struct Memory;

#define LOADER_ZERO_PAGE 0x10000u
#define LOADER_GDT 0x11000u
#define LOADER_CMDLINE 0x20000u
#define LOADER_CMDLINE_END 0x30000u
#define LOADER_EBDA 0x9fc00u
#define LOADER_KERNEL_ADDR 0x100000u
#define LOADER_BOOT_CS 0x10
#define LOADER_BOOT_DS 0x18
#define LOADER_MAX_MODS 16
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002u
#define MULTIBOOT_HEADER_MAGIC 0x1badb002u

/* An image in host memory; name is what error messages (and Multiboot
 * module strings) call it. */
typedef struct LoaderBlob {
    const char *name;
    const uint8_t *data;
    size_t size;
} LoaderBlob;

enum { BOOT_LINUX = 1, BOOT_MULTIBOOT = 2 };

/* What the loader did (for tests and diagnostics). */
typedef struct BootInfo {
    int kind;
    uint32_t entry;
    uint32_t kernel_start, kernel_end;   /* bytes written for the kernel image */
    uint32_t info_addr;                  /* zero page or Multiboot information */
    uint32_t initrd_addr, initrd_size;   /* Linux: the (concatenated) initrd */
    int n_mods;                          /* Multiboot modules */
    uint32_t mod_start[LOADER_MAX_MODS], mod_end[LOADER_MAX_MODS];
} BootInfo;

/* Load kernel (+ initrds, the Linux initrd being their concatenation) into
 * guest memory and set the CPU state up to enter it. The state must already
 * be the reset state (an engine's after reset). append may be NULL (empty command line).
 * info may be NULL. Returns false with err filled on any error. */
bool loader_boot(struct Memory *mem, struct CPUState *cpu, const LoaderBlob *kernel,
                 const LoaderBlob *initrds, int n_initrd, const char *append, BootInfo *info,
                 char *err, size_t errlen);

/* The files of -kernel / -initrd read into host memory once, so that
 * every boot after a reset loads the same images (QEMU likewise keeps them
 * in fw_cfg for its -kernel option ROM), whatever happens to the files. */
typedef struct LoaderFiles {
    LoaderBlob kernel;
    LoaderBlob initrd[LOADER_MAX_MODS];
    int n_initrd;
    char *names;          /* the -initrd list, split in place: the blobs' names */
    const char *append;   /* not copied: must outlive the LoaderFiles */
} LoaderFiles;

/* Read kernel_path and initrd_list = "FILE[,FILE...]" (or NULL); each file
 * must fit in ram_bytes. On failure everything read is freed. */
bool loader_read_files(LoaderFiles *f, const char *kernel_path, const char *initrd_list,
                       const char *append, uint32_t ram_bytes, char *err, size_t errlen);
/* loader_boot with the files read (the CPU in its reset state). */
bool loader_boot_files(const LoaderFiles *f, struct Memory *mem, struct CPUState *cpu, char *err,
                       size_t errlen);
void loader_free_files(LoaderFiles *f);


#endif
