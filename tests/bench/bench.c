/* bench.c - a CPU-bound guest workload for comparing xlat86 with QEMU TCG.
 * Freestanding, flat 32-bit protected mode (entry.asm sets it up), no
 * devices but the debug console (port 0xE9).  Each kernel folds its results
 * into a checksum; main() prints one line per kernel and the total, so every
 * engine running the same image must print the same text.
 * Kernels: sieve of Eratosthenes (byte array, 2 MB), table-driven CRC-32 over
 * 256 KiB, quicksort of 64 Ki words plus a bubble sort, integer matrix
 * multiply, a bytecode interpreter loop (switch dispatch), recursive calls.
 * ROUNDS scales the total: about 2-4 s under qemu-system-i386 -accel tcg. */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;

#define ROUNDS 20

/* gcc may emit calls to these for block copies and clears */
void *memcpy(void *d, const void *s, unsigned n);
void *memset(void *d, int c, unsigned n);
void *memcpy(void *d, const void *s, unsigned n)
{
    u8 *dp = d;
    const u8 *sp = s;
    while (n--)
        *dp++ = *sp++;
    return d;
}
void *memset(void *d, int c, unsigned n)
{
    u8 *dp = d;
    while (n--)
        *dp++ = (u8)c;
    return d;
}

#ifdef BENCH_NATIVE
/* The native twin (bench_native.c): the debug console is stdout. */
int putchar(int c);
static inline void outb(u16 port, u8 v)
{
    (void)port;
    putchar(v);
}
#else
static inline void outb(u16 port, u8 v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
#endif

static void puts(const char *s)
{
    while (*s)
        outb(0xE9, (u8)*s++);
}

static void puthex(u32 v)
{
    for (int i = 28; i >= 0; i -= 4)
        outb(0xE9, (u8)"0123456789abcdef"[(v >> i) & 15]);
}

static void report(const char *name, u32 v)
{
    puts(name);
    puts(" ");
    puthex(v);
    puts("\n");
}

/* initialised data: checks that .data was copied from ROM */
static u32 lcg_state = 0x2545F491u;
static const char *const names[] = { "sieve", "crc32", "sort", "matmul", "interp", "calls" };

static u32 lcg(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

/* ---- sieve */
#define SIEVE_N (2u * 1024 * 1024)
static u8 sieve_buf[SIEVE_N];

static u32 sieve(void)
{
    u32 count = 0;
    memset(sieve_buf, 1, SIEVE_N);
    sieve_buf[0] = sieve_buf[1] = 0;
    for (u32 i = 2; i * i < SIEVE_N; i++)
        if (sieve_buf[i])
            for (u32 j = i * i; j < SIEVE_N; j += i)
                sieve_buf[j] = 0;
    for (u32 i = 0; i < SIEVE_N; i++)
        count += sieve_buf[i];
    return count;
}

/* ---- CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320) */
#define CRC_LEN (256u * 1024)
static u32 crc_table[256];
static u8 crc_buf[CRC_LEN];

static u32 crc32(void)
{
    for (u32 n = 0; n < 256; n++) {
        u32 c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
    for (u32 i = 0; i < CRC_LEN; i++)
        crc_buf[i] = (u8)(lcg() >> 24);
    u32 crc = 0xFFFFFFFFu;
    for (int rep = 0; rep < 4; rep++)
        for (u32 i = 0; i < CRC_LEN; i++)
            crc = crc_table[(crc ^ crc_buf[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

/* ---- sorting */
#define SORT_N (64u * 1024)
#define BUBBLE_N 1500u
static u32 sort_buf[SORT_N];

static void quicksort(u32 *a, int lo, int hi)
{
    while (lo < hi) {
        u32 pivot = a[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                u32 t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                j--;
            }
        }
        /* recurse into the smaller half, loop on the larger */
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
}

static u32 sort(void)
{
    u32 sum = 0;
    for (u32 i = 0; i < SORT_N; i++)
        sort_buf[i] = lcg();
    quicksort(sort_buf, 0, (int)SORT_N - 1);
    for (u32 i = 1; i < SORT_N; i++)
        if (sort_buf[i - 1] > sort_buf[i])
            return 0xBAD00000u | i;
    for (u32 i = 0; i < SORT_N; i += 97)
        sum = sum * 31 + sort_buf[i];
    for (u32 i = 0; i < BUBBLE_N; i++)
        sort_buf[i] = lcg() & 0xFFFF;
    for (u32 n = BUBBLE_N; n > 1; n--) {
        int swapped = 0;
        for (u32 i = 1; i < n; i++)
            if (sort_buf[i - 1] > sort_buf[i]) {
                u32 t = sort_buf[i - 1];
                sort_buf[i - 1] = sort_buf[i];
                sort_buf[i] = t;
                swapped = 1;
            }
        if (!swapped)
            break;
    }
    for (u32 i = 0; i < BUBBLE_N; i++)
        sum = sum * 31 + sort_buf[i];
    return sum;
}

/* ---- matrix multiply */
#define MAT_N 96
static int mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N], mat_c[MAT_N][MAT_N];

static u32 matmul(void)
{
    u32 sum = 0;
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            mat_a[i][j] = (int)(lcg() % 201) - 100;
            mat_b[i][j] = (int)(lcg() % 201) - 100;
        }
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            int s = 0;
            for (int k = 0; k < MAT_N; k++)
                s += mat_a[i][k] * mat_b[k][j];
            mat_c[i][j] = s;
        }
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++)
            sum = (sum << 3 | sum >> 29) ^ (u32)mat_c[i][j];
    return sum;
}

/* ---- a tiny stack-machine interpreter */
enum { OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_XOR, OP_SHR,
       OP_JNZ, OP_DUP, OP_HALT };

static u32 interp(void)
{
    /* r0 = counter, r1 = acc, r2 = x:  while (r0) { x = x*1103515245+12345;
     * acc ^= x >> 7; acc += r0; r0--; } */
    static const int prog[] = {
        OP_LOAD, 2, OP_PUSH, 1103515245, OP_MUL, OP_PUSH, 12345, OP_ADD,
        OP_DUP, OP_STORE, 2, OP_PUSH, 7, OP_SHR, OP_LOAD, 1, OP_XOR,
        OP_LOAD, 0, OP_ADD, OP_STORE, 1,
        OP_LOAD, 0, OP_PUSH, 1, OP_SUB, OP_DUP, OP_STORE, 0, OP_JNZ, 0,
        OP_HALT
    };
    u32 reg[4] = { 300000, 0, 42, 0 };
    u32 stack[16];
    int sp = 0, pc = 0;
    for (;;) {
        int op = prog[pc++];
        switch (op) {
        case OP_PUSH:  stack[sp++] = (u32)prog[pc++]; break;
        case OP_LOAD:  stack[sp++] = reg[prog[pc++] & 3]; break;
        case OP_STORE: reg[prog[pc++] & 3] = stack[--sp]; break;
        case OP_ADD:   sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB:   sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL:   sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_XOR:   sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHR:   sp--; stack[sp - 1] >>= stack[sp] & 31; break;
        case OP_DUP:   stack[sp] = stack[sp - 1]; sp++; break;
        case OP_JNZ:   sp--; if (stack[sp]) pc = prog[pc]; else pc++; break;
        default:       return reg[1] ^ reg[2];
        }
        sp &= 15;
    }
}

/* ---- calls */
static u32 __attribute__((noinline)) fib(u32 n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static u32 calls(void)
{
    return fib(25);
}

typedef u32 (*kernel_fn)(void);
static const kernel_fn kernels[] = { sieve, crc32, sort, matmul, interp, calls };

void main(void);
void main(void)
{
    u32 total = 0;
    puts("xlat86 bench\n");
    for (int r = 0; r < ROUNDS; r++)
        for (unsigned k = 0; k < sizeof kernels / sizeof kernels[0]; k++) {
            u32 v = kernels[k]();
            if (r == 0)
                report(names[k], v);
            total = (total << 5 | total >> 27) ^ v;
        }
    report("checksum", total);
}
