/* test_loader.c - direct kernel boot (frontend/loader.c) with synthetic
 * images built here: a Linux bzImage setup header (field placement in the
 * zero page, e820 map, command line, initrd placement and concatenation,
 * CPU entry state, error cases), Multiboot a.out-kludge and ELF images
 * (segments, bss, entry translation, info structure, modules, errors), and
 * the ACPI tables and PM1a control register (devices/acpi.c). */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "acpi.h"
#include "cpu.h"
#include "frontend/machine.h"
#include "translator/dbt.h"
#include "loader.h"
#include "memory.h"
#include "pc.h"

#define EXPECT_EQ(actual, expected, what)                                                  \
    do {                                                                                   \
        long long a_ = (long long)(actual), e_ = (long long)(expected);                    \
        if (a_ != e_)                                                                      \
            fail_msg("%s: expected %lld (%#llx), got %lld (%#llx)", what, e_, e_, a_, a_);   \
    } while (0)

#define MIB (1u << 20)

static Memory mem;
/* The loader writes architectural state; cpu_reset needs the CPU context. */
static CPU cpu_ctx;
static CPUState cpu;
static char err[512];
static BootInfo bi;

static uint32_t g32(uint32_t a)
{
    uint32_t v;
    mem_read_bulk(&mem, a, &v, 4);
    return v;
}

static uint16_t g16(uint32_t a)
{
    uint16_t v;
    mem_read_bulk(&mem, a, &v, 2);
    return v;
}

static uint8_t g8(uint32_t a)
{
    uint8_t v;
    mem_read_bulk(&mem, a, &v, 1);
    return v;
}

static uint64_t g64(uint32_t a)
{
    return g32(a) | (uint64_t)g32(a + 4) << 32;
}

static void p16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void p32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static void new_machine(uint32_t mib)
{
    mem_free(&mem);
    assert_true(mem_init(&mem, mib * MIB));
    memset(&cpu_ctx, 0, sizeof cpu_ctx);
    cpu_reset(&cpu_ctx);
    cpu = cpu_ctx.state;
    err[0] = 0;
}

static int teardown(void **state)
{
    (void)state;
    mem_free(&mem);
    return 0;
}

/* ---- Linux ---- */

typedef struct BzSpec {
    uint16_t version;
    uint8_t setup_sects;     /* as stored (0 means 4) */
    uint8_t loadflags;
    size_t kernel_bytes;
    uint32_t init_size;
    uint32_t initrd_addr_max;
    uint32_t cmdline_size;
} BzSpec;

static const BzSpec BZ_DEFAULT = {0x20f, 4, 0x01, 20000, 0, 0x37ffffff, 2047};

/* A bzImage: setup sectors with the header, then a patterned kernel. */
static uint8_t *make_bz(const BzSpec *s, size_t *len)
{
    unsigned sects = s->setup_sects ? s->setup_sects : 4;
    size_t setup = (sects + 1) * 512u;
    *len = setup + s->kernel_bytes;
    uint8_t *b = calloc(1, *len);
    b[0x1f1] = s->setup_sects;
    p32(b + 0x1f4, (uint32_t)((s->kernel_bytes + 15) / 16));
    p16(b + 0x1fe, 0xaa55);
    b[0x200] = 0xeb;
    b[0x201] = 0x66;                          /* header ends at 0x268 */
    memcpy(b + 0x202, "HdrS", 4);
    p16(b + 0x206, s->version);
    b[0x211] = s->loadflags;
    p32(b + 0x214, 0x100000);
    p32(b + 0x22c, s->initrd_addr_max);
    p32(b + 0x238, s->cmdline_size);
    p32(b + 0x260, s->init_size);
    b[0x267] = 0x77;                          /* last header byte: copied */
    b[0x268] = 0x99;                          /* past the header: not copied */
    for (size_t i = 0; i < s->kernel_bytes; i++)
        b[setup + i] = (uint8_t)(i * 7 + 3);
    return b;
}

static bool boot_bz(const BzSpec *s, const LoaderBlob *rd, int nrd, const char *append)
{
    size_t len;
    uint8_t *img = make_bz(s, &len);
    LoaderBlob k = {"test.bz", img, len};
    bool ok = loader_boot(&mem, &cpu, &k, rd, nrd, append, &bi, err, sizeof err);
    free(img);
    return ok;
}

static void test_linux_layout(void **state)
{
    (void)state;
    new_machine(64);
    static const uint8_t rd[5000] = {1, 2, 3};
    LoaderBlob initrd = {"rd.img", rd, sizeof rd};
    if (!boot_bz(&BZ_DEFAULT, &initrd, 1, "console=ttyS0 quiet"))
        fail_msg("%s", err);
    const uint32_t zp = LOADER_ZERO_PAGE;
    EXPECT_EQ(bi.kind, BOOT_LINUX, "kind");
    /* The kernel: bytes after the 5 setup sectors, at 1 MiB. */
    for (uint32_t i = 0; i < 20000; i += 997)
        EXPECT_EQ(g8(0x100000 + i), (uint8_t)(i * 7 + 3), "kernel byte");
    /* The setup header copied to 0x1f1.., up to 0x202 + jump operand. */
    EXPECT_EQ(g8(zp + 0x1f1), 4, "setup_sects");
    EXPECT_EQ(g32(zp + 0x202), 0x53726448, "HdrS");
    EXPECT_EQ(g16(zp + 0x206), 0x20f, "version");
    EXPECT_EQ(g8(zp + 0x267), 0x77, "last header byte");
    EXPECT_EQ(g8(zp + 0x268), 0, "byte after the header");
    EXPECT_EQ(g8(zp + 0x210), 0xff, "type_of_loader");
    EXPECT_EQ(g8(zp + 0x211), 0x81, "loadflags: LOADED_HIGH | CAN_USE_HEAP");
    EXPECT_EQ(g16(zp + 0x224), 0xfe00, "heap_end_ptr");
    EXPECT_EQ(g32(zp + 0x228), LOADER_CMDLINE, "cmd_line_ptr");
    char cl[64];
    mem_read_bulk(&mem, LOADER_CMDLINE, cl, sizeof cl);
    assert_string_equal(cl, "console=ttyS0 quiet");
    /* Initrd: at the top of RAM, page aligned. */
    uint32_t want = (64 * MIB - 5000) & ~0xfffu;
    EXPECT_EQ(g32(zp + 0x218), want, "ramdisk_image");
    EXPECT_EQ(g32(zp + 0x21c), 5000, "ramdisk_size");
    EXPECT_EQ(g8(want + 2), 3, "initrd contents");
    EXPECT_EQ(bi.initrd_addr, want, "BootInfo initrd");
    /* Memory sizes and the e820 map. */
    EXPECT_EQ(g32(zp + 0x1e0), 63 * 1024, "alt_mem_k");
    EXPECT_EQ(g16(zp + 0x002), 63 * 1024, "ext_mem_k");
    EXPECT_EQ(g64(zp + 0x070), LOADER_EBDA, "acpi_rsdp_addr");
    EXPECT_EQ(g8(zp + 0x1e8), 4, "e820_entries");
    static const uint64_t e820[4][3] = {
        {0, 0x9fc00, 1}, {0x9fc00, 0x400, 2}, {0xf0000, 0x10000, 2}, {0x100000, 63 * MIB, 1},
    };
    for (int i = 0; i < 4; i++) {
        uint32_t e = zp + 0x2d0 + 20 * (uint32_t)i;
        EXPECT_EQ(g64(e), e820[i][0], "e820 base");
        EXPECT_EQ(g64(e + 8), e820[i][1], "e820 length");
        EXPECT_EQ(g32(e + 16), e820[i][2], "e820 type");
    }
    /* BIOS data area and ACPI in the EBDA. */
    EXPECT_EQ(g16(0x40e), 0x9fc0, "EBDA segment");
    EXPECT_EQ(g16(0x413), 639, "base memory KiB");
    EXPECT_EQ(g64(LOADER_EBDA), 0x2052545020445352ull, "RSD PTR ");
    /* CPU: 32-bit protected mode, flat segments, boot protocol registers. */
    EXPECT_EQ(cpu.eip, 0x100000, "EIP = code32_start");
    EXPECT_EQ(cpu.regs[R_ESI], zp, "ESI = zero page");
    EXPECT_EQ(cpu.regs[R_EBX] | cpu.regs[R_EBP] | cpu.regs[R_EDI], 0, "EBX = EBP = EDI = 0");
    EXPECT_EQ(cpu.eflags, 2, "EFLAGS: IF = 0");
    assert_true(cpu.cr[0] & CR0_PE);
    assert_false(cpu.cr[0] & CR0_PG);
    EXPECT_EQ(cpu.seg[S_CS].sel, 0x10, "CS = __BOOT_CS");
    EXPECT_EQ(cpu.seg[S_CS].flags, 0xc09b, "CS attributes");
    EXPECT_EQ(cpu.seg[S_CS].limit, 0xffffffffu, "CS limit");
    for (int s = 0; s < 6; s++) {
        if (s == S_CS)
            continue;
        EXPECT_EQ(cpu.seg[s].sel, 0x18, "data selector = __BOOT_DS");
        EXPECT_EQ(cpu.seg[s].flags, 0xc093, "data attributes");
        EXPECT_EQ(cpu.seg[s].base, 0, "flat base");
    }
    EXPECT_EQ(cpu.gdtr.base, LOADER_GDT, "GDTR base");
    EXPECT_EQ(cpu.gdtr.limit, 31, "GDTR limit");
    EXPECT_EQ(g64(LOADER_GDT + 0x10), 0x00cf9b000000ffffull, "GDT code descriptor");
    EXPECT_EQ(g64(LOADER_GDT + 0x18), 0x00cf93000000ffffull, "GDT data descriptor");
}

static void test_linux_initrd_placement(void **state)
{
    (void)state;
    /* initrd_addr_max below the top of RAM. */
    new_machine(64);
    BzSpec s = BZ_DEFAULT;
    s.initrd_addr_max = 0x00ffffff;
    static const uint8_t a[3] = {'a', 'b', 'c'}, b[4] = {'d', 'e', 'f', 'g'};
    LoaderBlob two[2] = {{"a", a, 3}, {"b", b, 4}};
    if (!boot_bz(&s, two, 2, NULL))
        fail_msg("%s", err);
    uint32_t want = (16 * MIB - 8) & ~0xfffu;
    EXPECT_EQ(bi.initrd_addr, want, "below initrd_addr_max + 1");
    EXPECT_EQ(bi.initrd_size, 8, "3 bytes, pad to 4, 4 bytes");
    char buf[8];
    mem_read_bulk(&mem, want, buf, 8);
    assert_memory_equal(buf, "abc\0defg", 8);
    EXPECT_EQ(g8(LOADER_CMDLINE), 0, "empty command line");
    /* No initrd: both fields zero. */
    new_machine(32);
    if (!boot_bz(&BZ_DEFAULT, NULL, 0, NULL))
        fail_msg("%s", err);
    EXPECT_EQ(g32(LOADER_ZERO_PAGE + 0x218), 0, "no ramdisk_image");
    EXPECT_EQ(g32(LOADER_ZERO_PAGE + 0x21c), 0, "no ramdisk_size");
    /* setup_sects 0 means 4. */
    new_machine(32);
    s = BZ_DEFAULT;
    s.setup_sects = 0;
    if (!boot_bz(&s, NULL, 0, NULL))
        fail_msg("%s", err);
    EXPECT_EQ(g8(0x100000 + 1), 10, "kernel after 5 sectors");
    /* init_size keeps the initrd above the decompressed kernel. */
    new_machine(64);
    s = BZ_DEFAULT;
    s.init_size = 50 * MIB;   /* runs to 51 MiB: a 20 MiB initrd at 44 MiB would overlap */
    static uint8_t big[20u << 20];
    LoaderBlob rd = {"big", big, 20 * MIB};
    assert_false(boot_bz(&s, &rd, 1, NULL));
    assert_non_null(strstr(err, "do not fit"));
    rd.size = 20 * MIB;
    s.init_size = 30 * MIB;
    if (!boot_bz(&s, &rd, 1, NULL))
        fail_msg("%s", err);
    EXPECT_EQ(bi.initrd_addr, 44 * MIB, "initrd at the top");
}

static void expect_bz_error(const BzSpec *s, uint32_t mib, const LoaderBlob *rd, const char *append,
                            const char *word)
{
    new_machine(mib);
    assert_false(boot_bz(s, rd, rd ? 1 : 0, append));
    if (!strstr(err, word))
        fail_msg("error '%s' lacks '%s'", err, word);
    assert_null(strchr(err, '\n'));
}

static void test_linux_errors(void **state)
{
    (void)state;
    BzSpec s = BZ_DEFAULT;
    s.version = 0x201;
    expect_bz_error(&s, 32, NULL, NULL, "too old");
    s = BZ_DEFAULT;
    s.loadflags = 0;
    expect_bz_error(&s, 32, NULL, NULL, "zImage");
    s = BZ_DEFAULT;
    s.init_size = 64 * MIB;
    expect_bz_error(&s, 32, NULL, NULL, "needs RAM");
    s = BZ_DEFAULT;
    s.cmdline_size = 10;
    expect_bz_error(&s, 32, NULL, "console=ttyS0", "command line");
    static uint8_t huge[40u << 20];
    LoaderBlob rd = {"huge", huge, sizeof huge};
    expect_bz_error(&BZ_DEFAULT, 32, &rd, NULL, "do not fit");

    /* Truncated: fewer kernel bytes than syssize says, or cut in the setup. */
    size_t len;
    uint8_t *img = make_bz(&BZ_DEFAULT, &len);
    new_machine(32);
    LoaderBlob k = {"cut.bz", img, len - 100};
    assert_false(loader_boot(&mem, &cpu, &k, NULL, 0, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "truncated"));
    k.size = 1024;
    assert_false(loader_boot(&mem, &cpu, &k, NULL, 0, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "truncated"));
    k.size = 0x220;
    assert_false(loader_boot(&mem, &cpu, &k, NULL, 0, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "truncated"));
    /* A boot sector without HdrS. */
    memset(img + 0x202, 0, 4);
    k.size = len;
    assert_false(loader_boot(&mem, &cpu, &k, NULL, 0, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "too old"));
    free(img);
    /* Too little RAM for any kernel. */
    new_machine(1);
    static const uint8_t junk[64];
    LoaderBlob j = {"junk", junk, sizeof junk};
    assert_false(loader_boot(&mem, &cpu, &j, NULL, 0, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "2 MiB"));
}

/* ---- Multiboot ---- */

static void mb_header(uint8_t *h, uint32_t flags)
{
    p32(h, MULTIBOOT_HEADER_MAGIC);
    p32(h + 4, flags);
    p32(h + 8, (uint32_t)-(MULTIBOOT_HEADER_MAGIC + flags));
}

static void test_multiboot_aout(void **state)
{
    (void)state;
    new_machine(32);
    /* 64 bytes of junk, then the header at file offset 64 = 0x200040. */
    uint8_t img[4096];
    memset(img, 0xcc, sizeof img);
    mb_header(img + 64, 0x00010003);
    p32(img + 64 + 12, 0x200040);   /* header_addr */
    p32(img + 64 + 16, 0x200000);   /* load_addr: file offset 0 */
    p32(img + 64 + 20, 0x200800);   /* load_end_addr: 2 KiB of the file */
    p32(img + 64 + 24, 0x203000);   /* bss_end_addr */
    p32(img + 64 + 28, 0x200100);   /* entry */
    LoaderBlob k = {"aout.bin", img, sizeof img};
    mem_write_bulk(&mem, 0x200900, "dirty", 5);   /* must be zeroed as bss */
    static const uint8_t m1[] = "first", m2[] = "second module";
    LoaderBlob mods[2] = {{"m1", m1, 5}, {"dir/m2", m2, 13}};
    if (!loader_boot(&mem, &cpu, &k, mods, 2, "root=x", &bi, err, sizeof err))
        fail_msg("%s", err);
    EXPECT_EQ(bi.kind, BOOT_MULTIBOOT, "kind");
    EXPECT_EQ(cpu.eip, 0x200100, "entry");
    EXPECT_EQ(cpu.regs[R_EAX], 0x2badb002u, "EAX magic");
    EXPECT_EQ(cpu.regs[R_EBX], LOADER_ZERO_PAGE, "EBX info");
    EXPECT_EQ(cpu.seg[S_CS].sel, 0x10, "CS");
    EXPECT_EQ(cpu.eflags, 2, "IF off");
    EXPECT_EQ(g32(0x200040), MULTIBOOT_HEADER_MAGIC, "header loaded at header_addr");
    EXPECT_EQ(g8(0x2007ff), 0xcc, "last loaded byte");
    EXPECT_EQ(g8(0x200800), 0, "bss starts");
    EXPECT_EQ(g8(0x200900), 0, "bss zeroed");
    const uint32_t mbi = LOADER_ZERO_PAGE;
    EXPECT_EQ(g32(mbi), 0x24d, "flags MEM|CMDLINE|MODS|MMAP|LOADER_NAME");
    EXPECT_EQ(g32(mbi + 4), 639, "mem_lower");
    EXPECT_EQ(g32(mbi + 8), 31 * 1024, "mem_upper");
    char s[32];
    mem_read_bulk(&mem, g32(mbi + 16), s, sizeof s);
    assert_string_equal(s, "root=x");
    EXPECT_EQ(g32(mbi + 20), 2, "mods_count");
    uint32_t ml = g32(mbi + 24);
    EXPECT_EQ(g32(ml), 0x203000, "module 1 after the bss, page aligned");
    EXPECT_EQ(g32(ml + 4), 0x203005, "module 1 end");
    EXPECT_EQ(g32(ml + 16), 0x204000, "module 2 page aligned");
    EXPECT_EQ(g32(ml + 20), 0x20400d, "module 2 end");
    mem_read_bulk(&mem, g32(ml + 16 + 8), s, sizeof s);
    assert_string_equal(s, "dir/m2");
    mem_read_bulk(&mem, 0x204000, s, 13);
    assert_memory_equal(s, "second module", 13);
    EXPECT_EQ(g32(mbi + 44), 4 * 24, "mmap_length");
    uint32_t mm = g32(mbi + 48);
    EXPECT_EQ(g32(mm), 20, "mmap entry size");
    EXPECT_EQ(g64(mm + 24 * 3 + 4), 0x100000, "last entry base");
    EXPECT_EQ(g64(mm + 24 * 3 + 12), 31 * MIB, "last entry length");
    EXPECT_EQ(g32(mm + 24 * 3 + 20), 1, "RAM");
    EXPECT_EQ(g32(mm + 24 * 1 + 20), 2, "EBDA reserved");

    /* Errors: load_end beyond the file; header not matching its offset;
     * unsupported required flags; a.out image outside RAM. */
    p32(img + 64 + 20, 0x202000);
    assert_false(loader_boot(&mem, &cpu, &k, NULL, 0, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "truncated"));
    p32(img + 64 + 20, 0x200800);
    p32(img + 64 + 12, 0x200100);
    assert_false(loader_boot(&mem, &cpu, &k, NULL, 0, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "header_addr"));
    p32(img + 64 + 12, 0x200040);
    mb_header(img + 64, 0x00010008);
    assert_false(loader_boot(&mem, &cpu, &k, NULL, 0, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "requires features"));
    mb_header(img + 64, 0x00010003);
    p32(img + 64 + 16, 0x1000);     /* below the loader's area */
    p32(img + 64 + 12, 0x1040);
    p32(img + 64 + 20, 0x1800);
    p32(img + 64 + 24, 0);
    assert_false(loader_boot(&mem, &cpu, &k, NULL, 0, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "overlaps"));
    /* No a.out kludge and not ELF. */
    mb_header(img + 64, 0x00000003);
    assert_false(loader_boot(&mem, &cpu, &k, NULL, 0, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "not ELF"));
}

/* A tiny ELF32: header, program headers (PT_NOTE, then PT_LOAD unless
 * nload == 0), then 64 bytes of segment data holding the Multiboot header. */
static size_t make_elf(uint8_t *buf, int nload)
{
    memset(buf, 0, 512);
    Elf32_Ehdr *eh = (Elf32_Ehdr *)buf;
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS32;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_386;
    eh->e_version = EV_CURRENT;
    eh->e_entry = 0xc0300010;
    eh->e_phoff = sizeof(Elf32_Ehdr);
    eh->e_ehsize = sizeof(Elf32_Ehdr);
    eh->e_phentsize = sizeof(Elf32_Phdr);
    eh->e_phnum = (Elf32_Half)(1 + nload);
    Elf32_Phdr *ph = (Elf32_Phdr *)(buf + eh->e_phoff);
    ph[0].p_type = PT_NOTE;
    ph[0].p_offset = 256;
    ph[0].p_filesz = 4;
    if (nload) {
        ph[1].p_type = PT_LOAD;
        ph[1].p_offset = 256;
        ph[1].p_vaddr = 0xc0300000;
        ph[1].p_paddr = 0x300000;
        ph[1].p_filesz = 64;
        ph[1].p_memsz = 0x2000;
        ph[1].p_flags = PF_R | PF_X;
    }
    mb_header(buf + 256, 0x00000003);
    memset(buf + 256 + 12, 0x90, 52);
    return 320;
}

static void test_multiboot_elf(void **state)
{
    (void)state;
    new_machine(16);
    uint8_t img[512];
    size_t n = make_elf(img, 1);
    LoaderBlob k = {"k.elf", img, n};
    mem_write_bulk(&mem, 0x301000, "dirty", 5);
    if (!loader_boot(&mem, &cpu, &k, NULL, 0, "", &bi, err, sizeof err))
        fail_msg("%s", err);
    EXPECT_EQ(cpu.eip, 0x300010, "entry translated from virtual to physical");
    EXPECT_EQ(g32(0x300000), MULTIBOOT_HEADER_MAGIC, "segment at p_paddr");
    EXPECT_EQ(g8(0x30003f), 0x90, "last file byte");
    EXPECT_EQ(g8(0x301000), 0, "bss zeroed");
    EXPECT_EQ(bi.kernel_end, 0x302000, "image end = p_paddr + p_memsz");
    EXPECT_EQ(g32(LOADER_ZERO_PAGE + 20), 0, "no modules");
    EXPECT_EQ(g32(LOADER_ZERO_PAGE + 8), 15 * 1024, "mem_upper");

    n = make_elf(img, 0);
    k.size = n;
    assert_false(loader_boot(&mem, &cpu, &k, NULL, 0, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "no loadable segment"));

    /* A segment whose file bytes run past the end of the file. */
    n = make_elf(img, 1);
    ((Elf32_Phdr *)(img + sizeof(Elf32_Ehdr)))[1].p_filesz = 4096;
    assert_false(loader_boot(&mem, &cpu, &k, NULL, 0, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "outside the file"));
    /* 64-bit or foreign ELF. */
    n = make_elf(img, 1);
    ((Elf32_Ehdr *)img)->e_machine = EM_ARM;
    assert_false(loader_boot(&mem, &cpu, &k, NULL, 0, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "32-bit x86"));
    /* A segment beyond RAM. */
    n = make_elf(img, 1);
    ((Elf32_Phdr *)(img + sizeof(Elf32_Ehdr)))[1].p_paddr = 0x1000000;
    assert_false(loader_boot(&mem, &cpu, &k, NULL, 0, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "beyond the end of RAM"));
    /* A bad checksum: no Multiboot header at all. */
    n = make_elf(img, 1);
    img[256 + 8] ^= 1;
    assert_false(loader_boot(&mem, &cpu, &k, NULL, 0, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "not a Linux bzImage nor a Multiboot"));
}

/* ---- ACPI ---- */

static uint8_t sum8(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    return s;
}

static void test_acpi_tables(void **state)
{
    (void)state;
    uint8_t t[ACPI_TABLES_SIZE];
    const uint32_t base = 0x9fc00;
    assert_int_equal(acpi_build_tables(t, sizeof t, base), ACPI_TABLES_SIZE);
    assert_int_equal(acpi_build_tables(t, 100, base), 0);
    assert_memory_equal(t, "RSD PTR ", 8);
    EXPECT_EQ(sum8(t, 20), 0, "RSDP checksum");
    uint32_t rsdt = 0, fadt = 0, dsdt = 0, facs = 0;
    memcpy(&rsdt, t + 16, 4);
    rsdt -= base;
    assert_memory_equal(t + rsdt, "RSDT", 4);
    uint32_t len;
    memcpy(&len, t + rsdt + 4, 4);
    EXPECT_EQ(len, 40, "RSDT length");
    EXPECT_EQ(sum8(t + rsdt, len), 0, "RSDT checksum");
    memcpy(&fadt, t + rsdt + 36, 4);
    fadt -= base;
    assert_memory_equal(t + fadt, "FACP", 4);
    memcpy(&len, t + fadt + 4, 4);
    EXPECT_EQ(len, 116, "FADT revision 1 length");
    EXPECT_EQ(sum8(t + fadt, len), 0, "FADT checksum");
    uint32_t v;
    memcpy(&v, t + fadt + 56, 4);
    EXPECT_EQ(v, ACPI_PM1_EVT_BLK, "PM1a_EVT_BLK");
    memcpy(&v, t + fadt + 64, 4);
    EXPECT_EQ(v, ACPI_PM1_CNT_BLK, "PM1a_CNT_BLK");
    memcpy(&v, t + fadt + 76, 4);
    EXPECT_EQ(v, ACPI_PM_TMR_BLK, "PM_TMR_BLK");
    EXPECT_EQ(t[fadt + 46], 9, "SCI_INT");
    memcpy(&v, t + fadt + 48, 4);
    EXPECT_EQ(v, 0, "SMI_CMD: none");
    memcpy(&facs, t + fadt + 36, 4);
    EXPECT_EQ(facs & 63, 0, "FACS 64-byte aligned");
    assert_memory_equal(t + facs - base, "FACS", 4);
    memcpy(&dsdt, t + fadt + 40, 4);
    dsdt -= base;
    assert_memory_equal(t + dsdt, "DSDT", 4);
    memcpy(&len, t + dsdt + 4, 4);
    EXPECT_EQ(sum8(t + dsdt, len), 0, "DSDT checksum");
    static const uint8_t s5[] = {0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 5, 0x0a, 5, 0, 0};
    EXPECT_EQ(len, 36 + sizeof s5, "DSDT length");
    assert_memory_equal(t + dsdt + 36, s5, sizeof s5);
}

static int power_offs;
static void on_power_off(void *opaque)
{
    (void)opaque;
    power_offs++;
}

static void test_acpi_registers(void **state)
{
    (void)state;
    static IOBus bus;
    uint64_t insns = 0;
    Clock clk;
    ACPI a;
    io_init(&bus);
    clock_init(&clk, true, 0, &insns);
    acpi_init(&a, &bus, &clk, on_power_off, NULL);
    power_offs = 0;
    EXPECT_EQ(io_read(&bus, ACPI_PM1_CNT_BLK, 2) & 1, 1, "SCI_EN: in ACPI mode");
    /* The PM timer: 3.579545 MHz, 24 bits. */
    insns = 1000000000;
    EXPECT_EQ(io_read(&bus, ACPI_PM_TMR_BLK, 4), 3579545 & 0xffffff, "1 s of PM timer");
    insns = 5000000000ull;
    EXPECT_EQ(io_read(&bus, ACPI_PM_TMR_BLK, 4), (5ull * 3579545) & 0xffffff, "24-bit wrap");
    /* Sleep types other than S5 do nothing; SLP_EN reads back 0. */
    io_write(&bus, ACPI_PM1_CNT_BLK, (1u << 10) | ACPI_PM1_SLP_EN, 2);
    EXPECT_EQ(power_offs, 0, "S1 ignored");
    EXPECT_EQ(io_read(&bus, ACPI_PM1_CNT_BLK, 2) & ACPI_PM1_SLP_EN, 0, "SLP_EN write-only");
    /* SLP_TYP alone (ACPICA writes it first), then with SLP_EN. */
    io_write(&bus, ACPI_PM1_CNT_BLK, 5u << 10, 2);
    EXPECT_EQ(power_offs, 0, "SLP_TYP without SLP_EN");
    io_write(&bus, ACPI_PM1_CNT_BLK, (5u << 10) | ACPI_PM1_SLP_EN, 2);
    EXPECT_EQ(power_offs, 1, "S5 + SLP_EN: power off");
    /* Byte writes: the high byte carries SLP_TYP and SLP_EN. */
    io_write(&bus, ACPI_PM1_CNT_BLK + 1, 0x34, 1);
    EXPECT_EQ(power_offs, 2, "byte write");
    /* PM1_STS is write-1-to-clear. */
    a.pm1_sts = ACPI_PM1_WAK_STS | ACPI_PM1_TMR_STS;
    io_write(&bus, ACPI_PM1_EVT_BLK, ACPI_PM1_WAK_STS, 2);
    EXPECT_EQ(io_read(&bus, ACPI_PM1_EVT_BLK, 2), ACPI_PM1_TMR_STS, "WAK_STS cleared");
    io_write(&bus, ACPI_PM1_EVT_BLK + 2, 0x0121, 2);
    EXPECT_EQ(io_read(&bus, ACPI_PM1_EVT_BLK + 2, 2), 0x0121, "PM1_EN");
}

static int boot_calls;
static bool boot_result;

static bool fake_boot(void *opaque, PC *pc, CPUState *cpu)
{
    (void)cpu;
    assert_ptr_equal(opaque, &boot_calls);
    /* RAM is cleared before the hook runs. */
    EXPECT_EQ(mem_read(&pc->mem, 0x7000, 4), 0, "RAM cleared before the boot hook");
    boot_calls++;
    return boot_result;
}

/* The whole board: PM1a_CNT soft-off stops the machine with status 0;
 * a reset request (port 0xCF9, keyboard controller) asks the engine for a
 * reset, also with a directly loaded kernel, or stops the machine with
 * status 0 under -no-reboot. pc_boot clears RAM and runs the boot hook. */
static void test_pc_power_off_and_reset(void **state)
{
    (void)state;
    char rom[] = "/tmp/test_loader_romXXXXXX";
    int fd = mkstemp(rom);
    assert_true(fd >= 0);
    static uint8_t img[2048];
    memset(img, 0xf4, sizeof img);
    assert_int_equal(write(fd, img, sizeof img), (int)sizeof img);
    close(fd);
    PCConfig cfg = {0};
    cfg.ram_mib = 16;
    cfg.bios_path = rom;
    cfg.kernel = "k";
    static PC pc;
    char e[256];
    if (!pc_init(&pc, &cfg, e, sizeof e))
        fail_msg("%s", e);
    io_write(&pc.io, ACPI_PM1_CNT_BLK, (5u << 10) | ACPI_PM1_SLP_EN, 2);
    assert_true(pc.exit_requested);
    EXPECT_EQ(pc.exit_status, 0, "soft-off status");
    pc.exit_requested = false;
    io_write(&pc.io, 0xcf9, 0x02, 1);
    assert_false(pc.exit_requested);
    io_write(&pc.io, 0xcf9, 0x06, 1);
    assert_false(pc.exit_requested);  /* with -kernel the kernel boots again */
    assert_true(pc.reset_requested);
    pc.reset_requested = false;
    pc_free(&pc);

    /* machine_reset: without a boot hook RAM is kept; with one, RAM is
     * cleared and the hook runs; a failing hook makes it return false. */
    if (!pc_init(&pc, &cfg, e, sizeof e))
        fail_msg("%s", e);
    DbtConfig dc = {.inline_code = true, .code_buffer = 1u << 20};
    Engine *eng = dbt_create(&pc, &dc, e, sizeof e);
    assert_non_null(eng);
    static Machine m;
    assert_true(machine_init(&m, &pc, eng));
    mem_write(&pc.mem, 0x7000, 0xdeadbeef, 4);
    assert_true(machine_reset(&m));
    EXPECT_EQ(mem_read(&pc.mem, 0x7000, 4), 0xdeadbeef, "no hook: RAM kept");
    boot_calls = 0;
    boot_result = true;
    machine_set_boot(&m, fake_boot, &boot_calls);
    assert_true(machine_reset(&m));
    EXPECT_EQ(boot_calls, 1, "boot hook calls");
    mem_write(&pc.mem, 0x7000, 0xdeadbeef, 4);
    boot_result = false;
    assert_false(machine_reset(&m));
    EXPECT_EQ(boot_calls, 2, "boot hook calls");
    machine_free(&m);
    engine_destroy(eng);
    pc_free(&pc);

    cfg.no_reboot = true;
    if (!pc_init(&pc, &cfg, e, sizeof e))
        fail_msg("%s", e);
    io_write(&pc.io, 0x64, 0xfe, 1);
    assert_true(pc.exit_requested);   /* -no-reboot: the machine stops */
    EXPECT_EQ(pc.exit_status, 0, "-no-reboot status");
    assert_false(pc.reset_requested);
    pc_free(&pc);
    cfg.no_reboot = false;

    cfg.kernel = NULL;
    if (!pc_init(&pc, &cfg, e, sizeof e))
        fail_msg("%s", e);
    io_write(&pc.io, 0xcf9, 0x0e, 1);
    assert_true(pc.reset_requested);
    pc.reset_requested = false;
    io_write(&pc.io, 0x64, 0xfe, 1);  /* keyboard controller pulse */
    assert_true(pc.reset_requested);
    assert_false(pc.exit_requested);
    pc_free(&pc);
    unlink(rom);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_linux_layout, teardown),
        cmocka_unit_test_teardown(test_linux_initrd_placement, teardown),
        cmocka_unit_test_teardown(test_linux_errors, teardown),
        cmocka_unit_test_teardown(test_multiboot_aout, teardown),
        cmocka_unit_test_teardown(test_multiboot_elf, teardown),
        cmocka_unit_test(test_acpi_tables),
        cmocka_unit_test(test_acpi_registers),
        cmocka_unit_test(test_pc_power_off_and_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
