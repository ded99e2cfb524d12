/* loader.c - direct kernel boot: Linux bzImage and Multiboot (see loader.h).
 *
 * References: the Linux x86 boot protocol (Documentation/arch/x86/boot.rst,
 * "The real-mode kernel header", "32-bit boot protocol") and zero page
 * layout (Documentation/arch/x86/zero-page.rst); the Multiboot
 * Specification version 0.6.96 (sections 3.1 "OS image format", 3.2
 * "Machine state", 3.3 "Boot information format").
 */
#include "loader.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "acpi.h"
#include "cpu.h"
#include "state.h"
#include "memory.h"

#define ONE_MIB 0x100000u
#define LEGACY_HOLE 0xa0000u           /* VGA window, option ROMs, BIOS: not RAM */
#define MB_SEARCH 8192u                /* the Multiboot header lies in the first 8 KiB */

/* Multiboot information (spec 3.3) offsets and flags. */
#define MBI_FLAGS 0
#define MBI_MEM_LOWER 4
#define MBI_MEM_UPPER 8
#define MBI_CMDLINE 16
#define MBI_MODS_COUNT 20
#define MBI_MODS_ADDR 24
#define MBI_MMAP_LENGTH 44
#define MBI_MMAP_ADDR 48
#define MBI_LOADER_NAME 64
#define MBI_SIZE 88
#define MBI_F_MEM (1u << 0)
#define MBI_F_CMDLINE (1u << 2)
#define MBI_F_MODS (1u << 3)
#define MBI_F_MMAP (1u << 6)
#define MBI_F_LOADER_NAME (1u << 9)
#define MB_MMAP_ADDR (LOADER_ZERO_PAGE + 0x100)
#define MB_MODS_ADDR (LOADER_ZERO_PAGE + 0x400)
#define MB_LOADER_NAME_ADDR (LOADER_ZERO_PAGE + 0xf00)
/* Multiboot header flags (spec 3.1.2). */
#define MBH_PAGE_ALIGN (1u << 0)
#define MBH_MEMINFO (1u << 1)
#define MBH_VIDEO (1u << 2)
#define MBH_AOUT_KLUDGE (1u << 16)

/* Linux setup header (boot.rst) offsets in the image and the zero page. */
#define BP_SETUP_SECTS 0x1f1
#define BP_SYSSIZE 0x1f4
#define BP_BOOT_FLAG 0x1fe
#define BP_JUMP 0x200
#define BP_HEADER 0x202
#define BP_VERSION 0x206
#define BP_TYPE_OF_LOADER 0x210
#define BP_LOADFLAGS 0x211
#define BP_CODE32_START 0x214
#define BP_RAMDISK_IMAGE 0x218
#define BP_RAMDISK_SIZE 0x21c
#define BP_HEAP_END_PTR 0x224
#define BP_CMD_LINE_PTR 0x228
#define BP_INITRD_ADDR_MAX 0x22c
#define BP_KERNEL_ALIGNMENT 0x230
#define BP_RELOCATABLE 0x234
#define BP_CMDLINE_SIZE 0x238
#define BP_PREF_ADDRESS 0x258
#define BP_INIT_SIZE 0x260
#define BP_HDR_MAX 0x290               /* the setup header never extends past here */
/* Zero page fields outside the setup header (zero-page.rst). */
#define ZP_EXT_MEM_K 0x002
#define ZP_ACPI_RSDP_ADDR 0x070
#define ZP_ALT_MEM_K 0x1e0
#define ZP_E820_ENTRIES 0x1e8
#define ZP_E820_TABLE 0x2d0
#define LOADED_HIGH 0x01
#define CAN_USE_HEAP 0x80

enum { E820_RAM = 1, E820_RESERVED = 2 };

typedef struct MemRange {
    uint64_t base, len;
    uint32_t type;
} MemRange;

static bool fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return false;
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *p, uint32_t v)
{
    wr16(p, (uint16_t)v);
    wr16(p + 2, (uint16_t)(v >> 16));
}

static void wr64(uint8_t *p, uint64_t v)
{
    wr32(p, (uint32_t)v);
    wr32(p + 4, (uint32_t)(v >> 32));
}

static void put16(struct Memory *mem, uint32_t addr, uint16_t v)
{
    uint8_t b[2];
    wr16(b, v);
    mem_write_bulk(mem, addr, b, 2);
}

static void zero_guest(struct Memory *mem, uint32_t addr, uint32_t len)
{
    static const uint8_t zeros[4096];
    while (len) {
        uint32_t n = len < sizeof zeros ? len : (uint32_t)sizeof zeros;
        mem_write_bulk(mem, addr, zeros, n);
        addr += n;
        len -= n;
    }
}

/* The physical memory map both boot protocols report (e820 for Linux,
 * the Multiboot mmap): conventional memory up to the EBDA, the EBDA (which
 * holds the ACPI tables) and the BIOS ROM reserved, RAM from 1 MiB. */
static int memory_map(const struct Memory *mem, MemRange *r)
{
    uint32_t rom_low = mem->rom_size < 0x20000 ? mem->rom_size : 0x20000;
    uint32_t rom_start = ONE_MIB - rom_low;
    if (rom_start > 0xf0000)
        rom_start = 0xf0000;
    int n = 0;
    r[n++] = (MemRange){0, LOADER_EBDA, E820_RAM};
    r[n++] = (MemRange){LOADER_EBDA, LEGACY_HOLE - LOADER_EBDA, E820_RESERVED};
    r[n++] = (MemRange){rom_start, ONE_MIB - rom_start, E820_RESERVED};
    if (mem->ram_size > ONE_MIB)
        r[n++] = (MemRange){ONE_MIB, mem->ram_size - ONE_MIB, E820_RAM};
    return n;
}

/* What a BIOS leaves below the kernel: the BIOS data area words an OS
 * reads (40:0E EBDA segment, 40:13 base memory in KiB), the ACPI tables in
 * the EBDA and a flat GDT. */
static void write_platform(struct Memory *mem)
{
    put16(mem, 0x40e, (uint16_t)(LOADER_EBDA >> 4));
    put16(mem, 0x413, (uint16_t)(LOADER_EBDA / 1024));
    uint8_t tables[ACPI_TABLES_SIZE];
    size_t n = acpi_build_tables(tables, sizeof tables, LOADER_EBDA);
    mem_write_bulk(mem, LOADER_EBDA, tables, n);

    /* GDT: null, null, 0x10 = flat 32-bit code (execute/read), 0x18 = flat
     * data (read/write): base 0, limit 0xFFFFF pages, G = D = 1, DPL 0. */
    static const uint8_t gdt[32] = {
        0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0,
        0xff, 0xff, 0, 0, 0, 0x9b, 0xcf, 0,
        0xff, 0xff, 0, 0, 0, 0x93, 0xcf, 0,
    };
    mem_write_bulk(mem, LOADER_GDT, gdt, sizeof gdt);
}

static void flat_seg(Seg *s, uint16_t sel, uint16_t type)
{
    s->base = 0;
    s->limit = 0xffffffffu;
    s->sel = sel;
    s->flags = (uint16_t)(SEGF_P | SEGF_S | SEGF_DB | SEGF_G | type);
}

/* 32-bit protected mode, paging off, flat segments matching the GDT,
 * interrupts off (boot.rst "32-bit boot protocol", Multiboot 3.2). */
static void enter_pm(CPUState *cpu, uint32_t entry)
{
    cpu->cr[0] |= CR0_PE;
    cpu->cr[0] &= ~CR0_PG;
    for (int i = 0; i < 6; i++)
        flat_seg(&cpu->seg[i], LOADER_BOOT_DS, 0x3);   /* data: read/write, accessed */
    flat_seg(&cpu->seg[S_CS], LOADER_BOOT_CS, 0xb);    /* code: execute/read, accessed */
    cpu->gdtr.base = LOADER_GDT;
    cpu->gdtr.limit = 32 - 1;
    cpu->eflags = F_1;
    cpu->eip = entry;
    cpu->halted = false;
}

/* The kernel may not be placed over what the loader writes below 1 MiB
 * nor over the EBDA and the legacy hole, and must fit in RAM. */
static bool check_range(const struct Memory *mem, const char *name, uint64_t addr, uint64_t len,
                        char *err, size_t errlen)
{
    if (len == 0)
        return true;
    uint64_t end = addr + len;
    if (end > mem->ram_size)
        return fail(err, errlen, "%s: %#llx-%#llx is beyond the end of RAM (%u MiB)", name,
                    (unsigned long long)addr, (unsigned long long)end - 1, mem->ram_size >> 20);
    if (addr < LOADER_CMDLINE_END)
        return fail(err, errlen, "%s: %#llx-%#llx overlaps the loader's data below %#x", name,
                    (unsigned long long)addr, (unsigned long long)end - 1, LOADER_CMDLINE_END);
    if (addr < ONE_MIB && end > LOADER_EBDA)
        return fail(err, errlen, "%s: %#llx-%#llx overlaps the EBDA and BIOS area %#x-%#x", name,
                    (unsigned long long)addr, (unsigned long long)end - 1, LOADER_EBDA,
                    ONE_MIB - 1);
    return true;
}

/* ------------------------------------------------------------------------ */
/* Linux                                                                    */

static bool boot_linux(struct Memory *mem, CPUState *cpu, const LoaderBlob *k, const LoaderBlob *initrds,
                       int n_initrd, const char *append, BootInfo *bi, char *err, size_t errlen)
{
    const uint8_t *img = k->data;
    const char *name = k->name;
    if (k->size < BP_INITRD_ADDR_MAX + 4)
        return fail(err, errlen, "%s: truncated bzImage (%zu bytes, the setup header alone is %d)",
                    name, k->size, BP_INITRD_ADDR_MAX + 4);
    uint16_t version = rd16(img + BP_VERSION);
    if (version < 0x202)
        return fail(err, errlen, "%s: Linux boot protocol %u.%02u is too old (2.02 or later needed)",
                    name, version >> 8, version & 0xff);
    uint8_t loadflags = img[BP_LOADFLAGS];
    if (!(loadflags & LOADED_HIGH))
        return fail(err, errlen, "%s: a zImage (loaded low) is not supported: use a bzImage", name);
    unsigned setup_sects = img[BP_SETUP_SECTS] ? img[BP_SETUP_SECTS] : 4;
    size_t setup_size = (size_t)(setup_sects + 1) * 512;
    uint32_t syssize = rd32(img + BP_SYSSIZE);
    if (version < 0x204)
        syssize &= 0xffff;   /* a 16-bit field before protocol 2.04 */
    if (k->size < setup_size)
        return fail(err, errlen, "%s: truncated bzImage: %zu bytes, the setup code alone is %zu",
                    name, k->size, setup_size);
    size_t kernel_size = k->size - setup_size;
    if ((uint64_t)syssize * 16 > kernel_size)
        return fail(err, errlen,
                    "%s: truncated bzImage: the header announces %llu bytes of kernel, the file has %zu",
                    name, (unsigned long long)syssize * 16, kernel_size);

    /* Where the kernel will run: a relocatable kernel decompresses itself
     * at its load address rounded up to kernel_alignment but not below
     * pref_address; init_size bytes are needed from there (boot.rst,
     * "init_size", "pref_address"). */
    uint64_t need_end = (uint64_t)LOADER_KERNEL_ADDR + kernel_size;
    if (version >= 0x20a) {
        uint64_t pref = (uint64_t)rd32(img + BP_PREF_ADDRESS) |
                        (uint64_t)rd32(img + BP_PREF_ADDRESS + 4) << 32;
        uint32_t align = rd32(img + BP_KERNEL_ALIGNMENT);
        uint64_t run = LOADER_KERNEL_ADDR;
        if (img[BP_RELOCATABLE] && align && !(align & (align - 1)))
            run = (run + align - 1) & ~(uint64_t)(align - 1);
        if (run < pref)
            run = pref;
        uint64_t end = run + rd32(img + BP_INIT_SIZE);
        if (end > need_end)
            need_end = end;
    }
    if (need_end > mem->ram_size)
        return fail(err, errlen, "%s: the kernel needs RAM up to %llu MiB, -m is %u MiB", name,
                    (unsigned long long)((need_end + ONE_MIB - 1) >> 20), mem->ram_size >> 20);

    /* Command line. */
    const char *cmdline = append ? append : "";
    uint32_t cmdline_max = version >= 0x206 ? rd32(img + BP_CMDLINE_SIZE) : 255;
    size_t cl = strlen(cmdline);
    if (cl > cmdline_max || cl >= LOADER_CMDLINE_END - LOADER_CMDLINE)
        return fail(err, errlen, "-append: the command line is %zu bytes, %s accepts %u", cl, name,
                    cmdline_max);

    /* Initrd: the concatenation of the files (4-byte aligned each, as cpio
     * archives may be concatenated), as high as allowed, page aligned. */
    uint64_t rd_total = 0;
    for (int i = 0; i < n_initrd; i++)
        rd_total = ((rd_total + 3) & ~3ull) + initrds[i].size;
    uint32_t rd_addr = 0;
    if (n_initrd > 0 && rd_total > 0) {
        uint64_t max = version >= 0x203 ? rd32(img + BP_INITRD_ADDR_MAX) : 0x37ffffffu;
        uint64_t limit = max + 1 < mem->ram_size ? max + 1 : mem->ram_size;
        if (rd_total > limit || ((limit - rd_total) & ~0xfffull) < need_end)
            return fail(err, errlen,
                        "-initrd %s: %llu bytes do not fit in RAM between the kernel (up to %#llx) "
                        "and %#llx",
                        initrds[0].name, (unsigned long long)rd_total,
                        (unsigned long long)need_end, (unsigned long long)limit);
        rd_addr = (uint32_t)((limit - rd_total) & ~0xfffull);
        uint64_t off = 0;
        for (int i = 0; i < n_initrd; i++) {
            uint64_t a = (off + 3) & ~3ull;
            if (a > off)
                zero_guest(mem, rd_addr + (uint32_t)off, (uint32_t)(a - off));
            mem_write_bulk(mem, rd_addr + (uint32_t)a, initrds[i].data, initrds[i].size);
            off = a + initrds[i].size;
        }
    }

    /* The protected-mode kernel at 1 MiB. */
    mem_write_bulk(mem, LOADER_KERNEL_ADDR, img + setup_size, kernel_size);
    mem_write_bulk(mem, LOADER_CMDLINE, cmdline, cl + 1);

    /* Zero page: the setup header copied from the image (it ends at 0x202
     * + the byte at 0x201, the operand of the jump there), then the fields
     * a boot loader fills in. */
    uint8_t zp[4096];
    memset(zp, 0, sizeof zp);
    size_t hdr_end = BP_HEADER + img[BP_JUMP + 1];
    if (hdr_end > BP_HDR_MAX)
        hdr_end = BP_HDR_MAX;
    if (hdr_end > k->size)
        hdr_end = k->size;
    memcpy(zp + BP_SETUP_SECTS, img + BP_SETUP_SECTS, hdr_end - BP_SETUP_SECTS);
    zp[BP_TYPE_OF_LOADER] = 0xff;             /* "undefined" boot loader */
    zp[BP_LOADFLAGS] = (uint8_t)(loadflags | CAN_USE_HEAP);
    wr16(zp + BP_HEAP_END_PTR, 0xfe00);       /* the real-mode heap end (unused in 32-bit boot) */
    wr32(zp + BP_CMD_LINE_PTR, LOADER_CMDLINE);
    wr32(zp + BP_RAMDISK_IMAGE, rd_addr);
    wr32(zp + BP_RAMDISK_SIZE, rd_addr ? (uint32_t)rd_total : 0);
    uint32_t ext_kib = mem->ram_size > ONE_MIB ? (mem->ram_size - ONE_MIB) / 1024 : 0;
    wr16(zp + ZP_EXT_MEM_K, (uint16_t)(ext_kib > 0xffff ? 0xffff : ext_kib));
    wr32(zp + ZP_ALT_MEM_K, ext_kib);
    wr64(zp + ZP_ACPI_RSDP_ADDR, LOADER_EBDA);
    MemRange map[8];
    int n = memory_map(mem, map);
    zp[ZP_E820_ENTRIES] = (uint8_t)n;
    for (int i = 0; i < n; i++) {
        uint8_t *e = zp + ZP_E820_TABLE + 20 * i;   /* struct boot_e820_entry: addr, size, type */
        wr64(e, map[i].base);
        wr64(e + 8, map[i].len);
        wr32(e + 16, map[i].type);
    }
    mem_write_bulk(mem, LOADER_ZERO_PAGE, zp, sizeof zp);
    write_platform(mem);

    uint32_t entry = rd32(img + BP_CODE32_START);
    enter_pm(cpu, entry);
    cpu->regs[R_ESI] = LOADER_ZERO_PAGE;
    cpu->regs[R_EBP] = cpu->regs[R_EDI] = cpu->regs[R_EBX] = 0;
    cpu->regs[R_ESP] = LOADER_ZERO_PAGE;      /* any stack; Linux sets up its own */

    if (bi) {
        bi->kind = BOOT_LINUX;
        bi->entry = entry;
        bi->kernel_start = LOADER_KERNEL_ADDR;
        bi->kernel_end = LOADER_KERNEL_ADDR + (uint32_t)kernel_size;
        bi->info_addr = LOADER_ZERO_PAGE;
        bi->initrd_addr = rd_addr;
        bi->initrd_size = rd_addr ? (uint32_t)rd_total : 0;
    }
    return true;
}

/* ------------------------------------------------------------------------ */
/* Multiboot                                                                */

/* Offset of a valid Multiboot header: 4-byte aligned in the first 8 KiB,
 * magic + flags + checksum == 0 (spec 3.1.1). -1 if none. */
static long find_multiboot(const uint8_t *img, size_t size)
{
    size_t lim = size < MB_SEARCH ? size : MB_SEARCH;
    for (size_t off = 0; off + 12 <= lim; off += 4) {
        if (rd32(img + off) != MULTIBOOT_HEADER_MAGIC)
            continue;
        if ((uint32_t)(rd32(img + off) + rd32(img + off + 4) + rd32(img + off + 8)) == 0)
            return (long)off;
    }
    return -1;
}

typedef struct MBLoad {
    uint32_t entry;
    uint32_t start, end;    /* lowest and highest byte (exclusive) the image occupies */
} MBLoad;

static bool mb_load_aout(struct Memory *mem, const LoaderBlob *k, size_t hoff, MBLoad *ld,
                         char *err, size_t errlen)
{
    const uint8_t *h = k->data + hoff;
    if (hoff + 32 > k->size)
        return fail(err, errlen, "%s: truncated Multiboot header (a.out kludge addresses missing)",
                    k->name);
    uint32_t header_addr = rd32(h + 12), load_addr = rd32(h + 16), load_end = rd32(h + 20);
    uint32_t bss_end = rd32(h + 24), entry = rd32(h + 28);
    /* The file offset of load_addr: the header sits header_addr - load_addr
     * bytes into the loaded text (spec 3.1.3). */
    if (header_addr < load_addr || header_addr - load_addr > hoff)
        return fail(err, errlen, "%s: Multiboot header_addr %#x / load_addr %#x do not match "
                    "the header's file offset %#zx", k->name, header_addr, load_addr, hoff);
    size_t foff = hoff - (header_addr - load_addr);
    uint64_t len = load_end ? (uint64_t)load_end - load_addr : (uint64_t)(k->size - foff);
    if (load_end && load_end < load_addr)
        return fail(err, errlen, "%s: Multiboot load_end_addr %#x is below load_addr %#x",
                    k->name, load_end, load_addr);
    if (foff + len > k->size)
        return fail(err, errlen, "%s: truncated: the Multiboot header loads %llu bytes from "
                    "offset %#zx, the file has %zu", k->name, (unsigned long long)len, foff, k->size);
    uint64_t end = (uint64_t)load_addr + len;
    uint64_t bend = bss_end ? bss_end : end;
    if (bend < end)
        return fail(err, errlen, "%s: Multiboot bss_end_addr %#x is below the loaded image's end "
                    "%#llx", k->name, bss_end, (unsigned long long)end);
    if (!check_range(mem, k->name, load_addr, bend - load_addr, err, errlen))
        return false;
    mem_write_bulk(mem, load_addr, k->data + foff, (size_t)len);
    zero_guest(mem, (uint32_t)end, (uint32_t)(bend - end));
    ld->entry = entry;
    ld->start = load_addr;
    ld->end = (uint32_t)bend;
    return true;
}

static bool mb_load_elf(struct Memory *mem, const LoaderBlob *k, MBLoad *ld, char *err, size_t errlen)
{
    if (k->size < 4 || memcmp(k->data, "\177ELF", 4) != 0)
        return fail(err, errlen, "%s: Multiboot kernel is not ELF and its header has no a.out "
                    "kludge addresses (flag 16)", k->name);
    if (elf_version(EV_CURRENT) == EV_NONE)
        return fail(err, errlen, "libelf: %s", elf_errmsg(-1));
    /* libelf reads the image in place and does not modify it. */
    Elf *e = elf_memory((char *)(uintptr_t)k->data, k->size);
    if (!e)
        return fail(err, errlen, "%s: %s", k->name, elf_errmsg(-1));
    bool ok = false;
    GElf_Ehdr eh;
    size_t phnum = 0;
    if (elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
        fail(err, errlen, "%s: not a valid ELF file (%s)", k->name, elf_errmsg(-1));
        goto out;
    }
    if (gelf_getclass(e) != ELFCLASS32 || eh.e_machine != EM_386) {
        fail(err, errlen, "%s: not a 32-bit x86 ELF file (a Multiboot v1 kernel is i386 ELF32)",
             k->name);
        goto out;
    }
    if (elf_getphdrnum(e, &phnum) != 0) {
        fail(err, errlen, "%s: bad ELF program headers (%s)", k->name, elf_errmsg(-1));
        goto out;
    }
    uint64_t lo = UINT64_MAX, hi = 0;
    uint32_t entry = (uint32_t)eh.e_entry;
    int loaded = 0;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(e, (int)i, &ph)) {
            fail(err, errlen, "%s: bad ELF program header %zu (%s)", k->name, i, elf_errmsg(-1));
            goto out;
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz || ph.p_offset > k->size ||
            ph.p_filesz > k->size - ph.p_offset) {
            fail(err, errlen, "%s: ELF segment %zu (offset %#llx, %llu bytes) lies outside the "
                 "file (%zu bytes)", k->name, i, (unsigned long long)ph.p_offset,
                 (unsigned long long)ph.p_filesz, k->size);
            goto out;
        }
        char what[64];
        snprintf(what, sizeof what, "%s segment %zu", k->name, i);
        if (!check_range(mem, what, ph.p_paddr, ph.p_memsz, err, errlen))
            goto out;
        mem_write_bulk(mem, (uint32_t)ph.p_paddr, k->data + ph.p_offset, (size_t)ph.p_filesz);
        zero_guest(mem, (uint32_t)(ph.p_paddr + ph.p_filesz), (uint32_t)(ph.p_memsz - ph.p_filesz));
        /* The entry point is virtual; translate it when the kernel links
         * at other virtual than physical addresses. */
        if (eh.e_entry >= ph.p_vaddr && eh.e_entry - ph.p_vaddr < ph.p_memsz)
            entry = (uint32_t)(eh.e_entry - ph.p_vaddr + ph.p_paddr);
        if (ph.p_paddr < lo)
            lo = ph.p_paddr;
        if (ph.p_paddr + ph.p_memsz > hi)
            hi = ph.p_paddr + ph.p_memsz;
        loaded++;
    }
    if (!loaded) {
        fail(err, errlen, "%s: the ELF file has no loadable segment", k->name);
        goto out;
    }
    ld->entry = entry;
    ld->start = (uint32_t)lo;
    ld->end = (uint32_t)hi;
    ok = true;
out:
    elf_end(e);
    return ok;
}

static bool boot_multiboot(struct Memory *mem, CPUState *cpu, const LoaderBlob *k, size_t hoff,
                           const LoaderBlob *mods, int n_mods, const char *append, BootInfo *bi,
                           char *err, size_t errlen)
{
    const uint8_t *h = k->data + hoff;
    uint32_t flags = rd32(h + 4);
    if (flags & 0xfff8u)
        return fail(err, errlen, "%s: the Multiboot header requires features this loader does "
                    "not have (flags %#x)", k->name, flags);
    if ((flags & MBH_VIDEO) && hoff + 48 <= k->size && rd32(h + 32) != 1)
        return fail(err, errlen, "%s: the Multiboot kernel wants a graphics mode; there is no "
                    "display", k->name);
    if (n_mods > LOADER_MAX_MODS)
        return fail(err, errlen, "-initrd: at most %d Multiboot modules", LOADER_MAX_MODS);

    MBLoad ld = {0};
    bool ok = (flags & MBH_AOUT_KLUDGE) ? mb_load_aout(mem, k, hoff, &ld, err, errlen)
                                         : mb_load_elf(mem, k, &ld, err, errlen);
    if (!ok)
        return false;

    /* Strings: the command line, then each module's (its file name). */
    const char *cmdline = append ? append : "";
    uint32_t str = LOADER_CMDLINE;
    size_t cl = strlen(cmdline) + 1;
    if (cl > LOADER_CMDLINE_END - str)
        return fail(err, errlen, "-append: the command line is too long (%zu bytes)", cl - 1);
    mem_write_bulk(mem, str, cmdline, cl);
    str += (uint32_t)cl;

    /* Modules, page aligned after the kernel (all of them page aligned
     * whether or not header flag 0 asks for it). */
    uint64_t next = ((uint64_t)(ld.end > ONE_MIB ? ld.end : ONE_MIB) + 0xfff) & ~0xfffull;
    uint8_t modlist[16 * LOADER_MAX_MODS];
    memset(modlist, 0, sizeof modlist);
    for (int i = 0; i < n_mods; i++) {
        if (next + mods[i].size > mem->ram_size)
            return fail(err, errlen, "-initrd %s: module of %zu bytes does not fit in RAM above "
                        "%#llx (-m is %u MiB)", mods[i].name, mods[i].size,
                        (unsigned long long)next, mem->ram_size >> 20);
        size_t nl = strlen(mods[i].name) + 1;
        if (nl > LOADER_CMDLINE_END - str)
            return fail(err, errlen, "-initrd: module names too long");
        mem_write_bulk(mem, (uint32_t)next, mods[i].data, mods[i].size);
        mem_write_bulk(mem, str, mods[i].name, nl);
        uint8_t *m = modlist + 16 * i;       /* mod_start, mod_end, string, reserved */
        wr32(m, (uint32_t)next);
        wr32(m + 4, (uint32_t)(next + mods[i].size));
        wr32(m + 8, str);
        if (bi) {
            bi->mod_start[i] = (uint32_t)next;
            bi->mod_end[i] = (uint32_t)(next + mods[i].size);
        }
        str += (uint32_t)nl;
        next = (next + mods[i].size + 0xfff) & ~0xfffull;
    }
    mem_write_bulk(mem, MB_MODS_ADDR, modlist, 16 * (size_t)n_mods);

    /* Memory map: entries of size (not counting itself) 20, base, length, type. */
    MemRange map[8];
    int n = memory_map(mem, map);
    uint8_t mm[8 * 24];
    for (int i = 0; i < n; i++) {
        uint8_t *e = mm + 24 * i;
        wr32(e, 20);
        wr64(e + 4, map[i].base);
        wr64(e + 12, map[i].len);
        wr32(e + 20, map[i].type);
    }
    mem_write_bulk(mem, MB_MMAP_ADDR, mm, 24 * (size_t)n);
    static const char loader_name[] = "xlat86";
    mem_write_bulk(mem, MB_LOADER_NAME_ADDR, loader_name, sizeof loader_name);

    uint8_t mbi[MBI_SIZE];
    memset(mbi, 0, sizeof mbi);
    wr32(mbi + MBI_FLAGS, MBI_F_MEM | MBI_F_CMDLINE | MBI_F_MODS | MBI_F_MMAP | MBI_F_LOADER_NAME);
    wr32(mbi + MBI_MEM_LOWER, LOADER_EBDA / 1024);          /* 639 KiB below the EBDA */
    wr32(mbi + MBI_MEM_UPPER, mem->ram_size > ONE_MIB ? (mem->ram_size - ONE_MIB) / 1024 : 0);
    wr32(mbi + MBI_CMDLINE, LOADER_CMDLINE);
    wr32(mbi + MBI_MODS_COUNT, (uint32_t)n_mods);
    wr32(mbi + MBI_MODS_ADDR, MB_MODS_ADDR);
    wr32(mbi + MBI_MMAP_LENGTH, 24u * (uint32_t)n);
    wr32(mbi + MBI_MMAP_ADDR, MB_MMAP_ADDR);
    wr32(mbi + MBI_LOADER_NAME, MB_LOADER_NAME_ADDR);
    mem_write_bulk(mem, LOADER_ZERO_PAGE, mbi, sizeof mbi);
    write_platform(mem);

    enter_pm(cpu, ld.entry);
    cpu->regs[R_EAX] = MULTIBOOT_BOOTLOADER_MAGIC;
    cpu->regs[R_EBX] = LOADER_ZERO_PAGE;
    if (bi) {
        bi->kind = BOOT_MULTIBOOT;
        bi->entry = ld.entry;
        bi->kernel_start = ld.start;
        bi->kernel_end = ld.end;
        bi->info_addr = LOADER_ZERO_PAGE;
        bi->n_mods = n_mods;
    }
    return true;
}

/* ------------------------------------------------------------------------ */

bool loader_boot(struct Memory *mem, CPUState *cpu, const LoaderBlob *kernel, const LoaderBlob *initrds,
                 int n_initrd, const char *append, BootInfo *info, char *err, size_t errlen)
{
    if (info)
        memset(info, 0, sizeof *info);
    if (mem->ram_size < 2 * ONE_MIB)
        return fail(err, errlen, "-kernel needs at least 2 MiB of RAM (-m)");
    const uint8_t *img = kernel->data;
    if (kernel->size >= BP_HEADER + 4 && memcmp(img + BP_HEADER, "HdrS", 4) == 0)
        return boot_linux(mem, cpu, kernel, initrds, n_initrd, append, info, err, errlen);
    long mb = find_multiboot(img, kernel->size);
    if (mb >= 0)
        return boot_multiboot(mem, cpu, kernel, (size_t)mb, initrds, n_initrd, append, info, err,
                              errlen);
    if (kernel->size >= BP_BOOT_FLAG + 2 && rd16(img + BP_BOOT_FLAG) == 0xaa55)
        return fail(err, errlen, "%s: a Linux boot sector without a setup header (\"HdrS\"): "
                    "boot protocol too old", kernel->name);
    return fail(err, errlen, "%s: not a Linux bzImage nor a Multiboot kernel", kernel->name);
}

/* Read a whole file no larger than max bytes. */
static bool read_file(const char *opt, const char *path, uint64_t max, const char *max_what,
                      LoaderBlob *b, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return fail(err, errlen, "%s %s: %s", opt, path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fail(err, errlen, "%s %s: not a regular file", opt, path);
    if ((uint64_t)st.st_size > max)
        return fail(err, errlen, "%s %s: %lld bytes is larger than %s", opt, path,
                    (long long)st.st_size, max_what);
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, errlen, "%s %s: %s", opt, path, strerror(errno));
    size_t size = (size_t)st.st_size;
    uint8_t *buf = malloc(size ? size : 1);
    size_t got = buf ? fread(buf, 1, size, f) : 0;
    fclose(f);
    if (!buf || got != size) {
        free(buf);
        return fail(err, errlen, "%s %s: %s", opt, path, buf ? "short read" : "out of memory");
    }
    b->name = path;
    b->data = buf;
    b->size = size;
    return true;
}

bool loader_read_files(LoaderFiles *f, const char *kernel_path, const char *initrd_list,
                       const char *append, uint32_t ram_bytes, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    f->append = append;
    char ramdesc[64];
    snprintf(ramdesc, sizeof ramdesc, "RAM (-m %u)", ram_bytes >> 20);

    if (!read_file("-kernel", kernel_path, ram_bytes, ramdesc, &f->kernel, err, errlen))
        return false;
    if (initrd_list && initrd_list[0]) {
        f->names = strdup(initrd_list);
        if (!f->names) {
            fail(err, errlen, "out of memory");
            goto bad;
        }
        uint64_t total = 0;
        for (char *save = NULL, *p = strtok_r(f->names, ",", &save); p;
             p = strtok_r(NULL, ",", &save)) {
            if (f->n_initrd == LOADER_MAX_MODS) {
                fail(err, errlen, "-initrd: at most %d files", LOADER_MAX_MODS);
                goto bad;
            }
            if (!read_file("-initrd", p, ram_bytes - total, ramdesc, &f->initrd[f->n_initrd], err,
                           errlen))
                goto bad;
            total += f->initrd[f->n_initrd].size;
            f->n_initrd++;
        }
    }
    return true;
bad:
    loader_free_files(f);
    return false;
}

bool loader_boot_files(const LoaderFiles *f, struct Memory *mem, CPUState *cpu, char *err,
                       size_t errlen)
{
    return loader_boot(mem, cpu, &f->kernel, f->initrd, f->n_initrd, f->append, NULL, err, errlen);
}

void loader_free_files(LoaderFiles *f)
{
    free((void *)f->kernel.data);
    for (int i = 0; i < f->n_initrd; i++)
        free((void *)f->initrd[i].data);
    free(f->names);
    memset(f, 0, sizeof *f);
}
