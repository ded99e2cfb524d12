/* mbtest.c - a freestanding Multiboot (v1) test kernel for xlat86's loader.
 *
 * Built twice by tests/boot/CMakeLists.txt: as an ELF (the loader reads its
 * program headers) and, with -DAOUT_KLUDGE, as a flat binary whose header
 * carries the load addresses (Multiboot spec 3.1.3, flag 16).
 *
 * It checks the machine state the spec promises (3.2: EAX magic, protected
 * mode without paging, IF = 0), then prints the boot information (3.3) on
 * the debug console (port 0xE9): flags, memory sizes, command line,
 * modules with their strings and contents, the memory map, and whether the
 * ACPI RSDP can be found the way an OS looks for it (EBDA pointer at
 * 40:0E). The runner compares that text with what it passed on the
 * command line. It ends with "MULTIBOOT OK" and exits through port 0xF4
 * (ELF build: status 1) or an ACPI soft-off (a.out build: status 0); any
 * failed check prints "FAIL: ..." and exits with port 0xF4 value 1.
 *
 * With the command line "reset" (or "reset N": start at method N) it
 * tests the machine reset instead: each boot counts itself in CMOS RAM
 * (which survives a reset), checks that the kernel image was loaded afresh
 * (a .data word it changed is back), that RAM was cleared (a word it left
 * at 0x7000 is gone) and that the reset turned the RTC's periodic interrupt
 * enable off, then resets the machine in the next way: keyboard controller
 * command 0xFE, port 0xCF9 = 0x06, port 0x92 bit 0, a triple fault. After
 * the last it prints "RESET OK" and exits through port 0xF4 (status 1).
 */
#include <stdint.h>

#define MB_MAGIC 0x1badb002u
#ifdef AOUT_KLUDGE
#define MB_FLAGS 0x00010003u   /* page-align modules, memory info, address fields valid */
#else
#define MB_FLAGS 0x00000003u
#endif

extern char _start[], _load_end[], _bss_end[];

/* The header: first in the image (linker script), 4-byte aligned. */
__attribute__((section(".multiboot"), used, aligned(4)))
static const uint32_t mb_header[] = {
    MB_MAGIC, MB_FLAGS, (uint32_t)-(MB_MAGIC + MB_FLAGS),
#ifdef AOUT_KLUDGE
    (uint32_t)mb_header,      /* header_addr */
    (uint32_t)mb_header,      /* load_addr: the image starts with the header */
    (uint32_t)_load_end,      /* load_end_addr */
    (uint32_t)_bss_end,       /* bss_end_addr */
    (uint32_t)_start,         /* entry_addr */
#endif
};

/* Entry: a stack, then mb_main(magic, info). */
__asm__(".section .text.entry,\"ax\"\n"
        ".global _start\n"
        "_start:\n"
        "  mov $stack_top, %esp\n"
        "  push %ebx\n"
        "  push %eax\n"
        "  call mb_main\n"
        "1: hlt\n"
        "  jmp 1b\n"
        ".text\n");

static uint8_t stack[8192] __attribute__((aligned(16), used));
__asm__(".set stack_top, stack + 8192");

/* A bss variable the loader must have zeroed. */
static volatile uint32_t bss_word[64];

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static void putc_(char c)
{
    outb(0xe9, (uint8_t)c);
}

static void puts_(const char *s)
{
    while (*s)
        putc_(*s++);
}

static void puthex(uint64_t v, int digits)
{
    puts_("0x");
    for (int i = digits - 1; i >= 0; i--)
        putc_("0123456789abcdef"[(v >> (4 * i)) & 15]);
}

static void putdec(uint32_t v)
{
    char b[12];
    int n = 0;
    do {
        b[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        putc_(b[--n]);
}

static __attribute__((noreturn)) void quit(int code)
{
    outb(0xf4, (uint8_t)code);
    for (;;)
        __asm__ volatile("cli; hlt");
}

static void check(int ok, const char *what)
{
    if (ok)
        return;
    puts_("FAIL: ");
    puts_(what);
    putc_('\n');
    quit(1);
}

static uint32_t rd32(uint32_t addr)
{
    return *(volatile uint32_t *)addr;
}

static uint16_t rd16(uint32_t addr)
{
    /* Through asm: the BIOS data area sits in what a compiler considers
     * the null page. */
    uint16_t v;
    __asm__ volatile("movw (%1), %0" : "=r"(v) : "r"(addr));
    return v;
}

static uint8_t sum(uint32_t addr, uint32_t len)
{
    uint8_t s = 0;
    for (uint32_t i = 0; i < len; i++)
        s = (uint8_t)(s + *(volatile uint8_t *)(addr + i));
    return s;
}

static int memeq(uint32_t addr, const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (*(volatile char *)(addr + i) != s[i])
            return 0;
    return 1;
}

/* Print a string from guest memory, at most max bytes, escaping
 * non-printable bytes as \xNN. */
static void putmem(uint32_t addr, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++) {
        uint8_t c = *(volatile uint8_t *)(addr + i);
        if (c >= 0x20 && c < 0x7f) {
            putc_((char)c);
        } else {
            puts_("\\x");
            putc_("0123456789abcdef"[c >> 4]);
            putc_("0123456789abcdef"[c & 15]);
        }
    }
}

static uint32_t strlen_at(uint32_t addr)
{
    uint32_t n = 0;
    while (*(volatile char *)(addr + n) && n < 4096)
        n++;
    return n;
}

/* ACPI: the RSDP on a 16-byte boundary in the first KiB of the EBDA, the
 * RSDT it points to, and the FADT, each with a valid checksum. */
static void check_acpi(void)
{
    uint32_t ebda = (uint32_t)rd16(0x40e) << 4;
    uint32_t rsdp = 0;
    for (uint32_t a = ebda; a < ebda + 1024; a += 16) {
        if (memeq(a, "RSD PTR ", 8) && sum(a, 20) == 0) {
            rsdp = a;
            break;
        }
    }
    check(rsdp != 0, "no ACPI RSDP in the EBDA");
    uint32_t rsdt = rd32(rsdp + 16);
    check(memeq(rsdt, "RSDT", 4) && sum(rsdt, rd32(rsdt + 4)) == 0, "bad RSDT");
    uint32_t fadt = rd32(rsdt + 36);
    check(memeq(fadt, "FACP", 4) && sum(fadt, rd32(fadt + 4)) == 0, "bad FADT");
    uint32_t dsdt = rd32(fadt + 40);
    check(memeq(dsdt, "DSDT", 4) && sum(dsdt, rd32(dsdt + 4)) == 0, "bad DSDT");
    puts_("acpi: rsdp ");
    puthex(rsdp, 5);
    puts_(" pm1a_cnt ");
    puthex(rd32(fadt + 64), 4);
    putc_('\n');
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static uint8_t cmos_read(uint8_t idx)
{
    outb(0x70, idx);
    return inb(0x71);
}

static void cmos_write(uint8_t idx, uint8_t v)
{
    outb(0x70, idx);
    outb(0x71, v);
}

#define CMOS_BOOTS 0x60        /* a CMOS RAM byte no firmware uses here */
#define RAM_MARK 0x7000u       /* low RAM the loader leaves alone */

/* In .data: the loader writes 0x1234abcd on every boot. */
static volatile uint32_t data_word = 0x1234abcdu;

static const char *const reset_how[] = {
    "keyboard controller (0xFE to port 0x64)",
    "port 0xCF9 (0x06)",
    "port 0x92 bit 0",
    "triple fault",
};
#define N_RESETS 4

static __attribute__((noreturn)) void reset_test(int first)
{
    uint8_t boot = cmos_read(CMOS_BOOTS);
    int how = first + boot;
    puts_("reset test: boot ");
    putdec(boot);
    putc_('\n');
    check(data_word == 0x1234abcdu, "the kernel image was not loaded again");
    check(rd32(RAM_MARK) == 0, "RAM was not cleared");
    check((cmos_read(0x0b) & 0x70) == 0, "RTC interrupt enables survived the reset");
    if (how >= N_RESETS) {
        cmos_write(CMOS_BOOTS, 0);
        puts_("RESET OK\n");
        quit(0);
    }
    data_word = 0;
    *(volatile uint32_t *)RAM_MARK = 0xdeadbeefu;
    cmos_write(0x0b, (uint8_t)(cmos_read(0x0b) | 0x40));   /* PIE, for the reset to clear */
    cmos_write(CMOS_BOOTS, (uint8_t)(boot + 1));
    puts_("reset: ");
    puts_(reset_how[how]);
    putc_('\n');
    switch (how) {
    case 0:
        while (inb(0x64) & 2)   /* input buffer full */
            ;
        outb(0x64, 0xfe);
        break;
    case 1:
        outb(0xcf9, 0x02);
        outb(0xcf9, 0x06);
        break;
    case 2:
        outb(0x92, (uint8_t)(inb(0x92) | 1));
        break;
    default: {
        /* INT3 through an empty IDT: #GP, which cannot be delivered
         * either (#DF), nor can #DF: shutdown. */
        static const struct __attribute__((packed)) {
            uint16_t limit;
            uint32_t base;
        } no_idt = {0, 0};
        __asm__ volatile("lidt %0; int3" : : "m"(no_idt));
        break;
    }
    }
    puts_("FAIL: still running after the reset request\n");
    quit(1);
}

void mb_main(uint32_t magic, uint32_t info);

void mb_main(uint32_t magic, uint32_t info)
{
    uint32_t cr0, eflags;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("pushf; pop %0" : "=r"(eflags));

    puts_("mbtest: ");
#ifdef AOUT_KLUDGE
    puts_("a.out kludge image\n");
#else
    puts_("ELF image\n");
#endif
    check(magic == 0x2badb002u, "EAX is not the Multiboot boot loader magic");
    check((cr0 & 1) && !(cr0 & 0x80000000u), "not in protected mode without paging");
    check(!(eflags & 0x200), "interrupts enabled at entry");
    for (int i = 0; i < 64; i++)
        check(bss_word[i] == 0, "bss not zeroed");

    uint32_t flags = rd32(info);
    uint32_t cmd = rd32(info + 16);
    /* "reset" as a word of the command line (QEMU puts the kernel's file
     * name first). */
    for (uint32_t p = cmd, n = (flags & 4) ? strlen_at(cmd) : 0; p + 5 <= cmd + n; p++) {
        if ((p == cmd || *(volatile char *)(p - 1) == ' ') && memeq(p, "reset", 5)) {
            uint8_t c = *(volatile uint8_t *)(p + 6);
            reset_test(p + 7 <= cmd + n && *(volatile char *)(p + 5) == ' ' && c >= '0' && c <= '9'
                       ? c - '0' : 0);
        }
    }
    puts_("flags ");
    puthex(flags, 8);
    putc_('\n');
    check((flags & 0x4d) == 0x4d, "info flags lack MEM, CMDLINE, MODS or MMAP");

    uint32_t lower = rd32(info + 4), upper = rd32(info + 8);
    puts_("mem_lower ");
    putdec(lower);
    puts_(" KiB, mem_upper ");
    putdec(upper);
    puts_(" KiB\n");
    check(lower >= 512 && lower <= 640, "implausible mem_lower");

    puts_("cmdline '");
    putmem(cmd, strlen_at(cmd));
    puts_("'\n");

    uint32_t nmods = rd32(info + 20), mods = rd32(info + 24);
    puts_("modules ");
    putdec(nmods);
    putc_('\n');
    for (uint32_t i = 0; i < nmods; i++) {
        uint32_t m = mods + 16 * i;
        uint32_t start = rd32(m), end = rd32(m + 4), str = rd32(m + 8);
        check(end >= start, "module ends before it starts");
        check((start & 0xfff) == 0, "module not page aligned");
        check(start >= (uint32_t)_bss_end, "module overlaps the kernel");
        puts_("module ");
        putdec(i);
        puts_(" '");
        putmem(str, strlen_at(str));
        puts_("' ");
        putdec(end - start);
        puts_(" bytes: ");
        putmem(start, end - start > 64 ? 64 : end - start);
        putc_('\n');
    }

    uint32_t mmap_len = rd32(info + 44), mmap = rd32(info + 48);
    uint64_t ram_above_1m = 0;
    for (uint32_t p = mmap; p < mmap + mmap_len; p += rd32(p) + 4) {
        uint64_t base = rd32(p + 4) | (uint64_t)rd32(p + 8) << 32;
        uint64_t len = rd32(p + 12) | (uint64_t)rd32(p + 16) << 32;
        uint32_t type = rd32(p + 20);
        puts_("mmap ");
        puthex(base, 9);
        putc_(' ');
        puthex(len, 9);
        puts_(" type ");
        putdec(type);
        putc_('\n');
        if (type == 1 && base >= 0x100000)
            ram_above_1m += len;
    }
    check(ram_above_1m == (uint64_t)upper * 1024, "mem_upper disagrees with the memory map");

    if (flags & (1u << 9)) {
        uint32_t name = rd32(info + 64);
        puts_("boot loader '");
        putmem(name, strlen_at(name));
        puts_("'\n");
    }
    check_acpi();
    puts_("MULTIBOOT OK\n");
#ifdef AOUT_KLUDGE
    /* ACPI soft-off: SLP_TYP = 5 (the DSDT's \_S5), SLP_EN, PM1a_CNT at 0x604. */
    outw(0x604, (5u << 10) | (1u << 13));
    puts_("FAIL: still running after the ACPI power-off request\n");
#endif
    quit(0);
}

/* The compiler may emit calls to these for loops over memory. */
void *memset(void *d, int c, unsigned n);
void *memset(void *d, int c, unsigned n)
{
    uint8_t *p = d;
    while (n--)
        *p++ = (uint8_t)c;
    return d;
}
