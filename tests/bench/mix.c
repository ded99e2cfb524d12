/* mix.c - a second CPU-bound workload for issue 15: a mix of integer,
 * memory, branch, indirect-call, string, interpreter and x87 kernels.
 *
 * The same source builds two ways:
 *  - as a ROM (default): freestanding gcc -m32, entered from entry.asm,
 *    results on the debug console (port 0xE9), exit through port 0xF4;
 *  - natively (-DMIX_NATIVE): a host program with main(), results on stdout,
 *    so tests/bench/run-all.sh can quote the host's own time beside the
 *    emulators'.
 * Every kernel folds its results into a 32-bit value; the lines printed are
 * the same on every engine (and natively), and run-all.sh compares them.
 * MIX_ROUNDS scales the run (about 1 s natively at the default on a Xeon). */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;

#ifndef MIX_ROUNDS
#define MIX_ROUNDS 12
#endif

#ifdef MIX_NATIVE
#include <stdio.h>
static void putch(char c) { putchar(c); }
#else
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
static void putch(char c)
{
    __asm__ volatile("outb %0, %1" : : "a"((u8)c), "Nd"((u16)0xE9));
}
#endif

static void mix_puts(const char *s)
{
    while (*s)
        putch(*s++);
}

static void report(const char *name, u32 v)
{
    mix_puts(name);
    putch(' ');
    for (int i = 28; i >= 0; i -= 4)
        putch("0123456789abcdef"[(v >> i) & 15]);
    putch('\n');
}

static u32 rng = 0x9E3779B9u;
static u32 xorshift(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* ---- integer: multiply/rotate hashing, division, bit counting */
static u32 k_integer(void)
{
    u32 h = 0x811C9DC5u, acc = 0;
    for (u32 i = 1; i < 400000; i++) {
        h = (h ^ i) * 0x01000193u;
        h = (h << 7) | (h >> 25);
        acc += h / (i | 1) + h % 97u;
        u32 x = h;
        x = x - ((x >> 1) & 0x55555555u);
        x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
        acc ^= (((x + (x >> 4)) & 0x0F0F0F0Fu) * 0x01010101u) >> 24;
    }
    return acc ^ h;
}

/* ---- memory: strided reads and writes over 1 MiB, a linked-list walk */
#define MEM_WORDS (256u * 1024)
static u32 mem_buf[MEM_WORDS];

static u32 k_memory(void)
{
    u32 sum = 0;
    for (u32 i = 0; i < MEM_WORDS; i++)
        mem_buf[i] = i * 2654435761u;
    for (u32 stride = 1; stride <= 64; stride <<= 1)
        for (u32 i = 0; i < MEM_WORDS; i += stride)
            sum += mem_buf[i] ^ stride;
    /* a random cyclic permutation (Sattolo), then follow it */
    for (u32 i = 0; i < MEM_WORDS; i++)
        mem_buf[i] = i;
    for (u32 i = MEM_WORDS - 1; i > 0; i--) {
        u32 j = xorshift() % i;
        u32 t = mem_buf[i];
        mem_buf[i] = mem_buf[j];
        mem_buf[j] = t;
    }
    u32 p = 0;
    for (u32 n = 0; n < MEM_WORDS; n++) {
        p = mem_buf[p];
        sum += p;
    }
    return sum;
}

/* ---- branches: data-dependent, hard to predict */
static u32 k_branches(void)
{
    u32 a = 0, b = 0, c = 0;
    for (u32 i = 0; i < 600000; i++) {
        u32 r = xorshift();
        if (r & 1) a += r >> 3;
        else b ^= r;
        if ((r >> 8) % 3 == 0) c++;
        else if ((r >> 8) % 3 == 1) c += 2;
        if ((int)r < 0 && (r & 0x100)) a -= c;
    }
    return a + b * 3 + c;
}

/* ---- calls through function pointers */
typedef u32 (*op_fn)(u32, u32);
static u32 f_add(u32 a, u32 b) { return a + b; }
static u32 f_sub(u32 a, u32 b) { return a - b; }
static u32 f_xor(u32 a, u32 b) { return a ^ b; }
static u32 f_mul(u32 a, u32 b) { return a * (b | 1); }
static u32 f_rot(u32 a, u32 b) { return (a << (b & 31)) | (a >> ((32 - (b & 31)) & 31)); }
static u32 f_min(u32 a, u32 b) { return a < b ? a : b; }
static op_fn const fns[8] = { f_add, f_sub, f_xor, f_mul, f_rot, f_min, f_add, f_xor };

static u32 k_indirect(void)
{
    u32 acc = 1;
    for (u32 i = 0; i < 500000; i++)
        acc = fns[(acc ^ i) & 7](acc, i);
    return acc;
}

/* ---- string functions of our own: strlen, strcmp, memchr, copy */
static unsigned mix_strlen(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return (unsigned)(p - s);
}
static int mix_strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (u8)*a - (u8)*b;
}
static const void *mix_memchr(const void *s, int c, unsigned n)
{
    const u8 *p = s;
    for (; n; n--, p++)
        if (*p == (u8)c) return p;
    return 0;
}
static void mix_strcpy(char *d, const char *s)
{
    while ((*d++ = *s++))
        ;
}

#define STR_N 256
#define STR_LEN 48
static char strs[STR_N][STR_LEN];

static u32 k_strings(void)
{
    u32 acc = 0;
    for (u32 i = 0; i < STR_N; i++) {
        u32 len = 8 + xorshift() % (STR_LEN - 9);
        for (u32 k = 0; k < len; k++)
            strs[i][k] = (char)('a' + xorshift() % 4);
        strs[i][len] = 0;
    }
    char tmp[STR_LEN];
    for (int rep = 0; rep < 8; rep++)
        for (u32 i = 0; i < STR_N; i++) {
            acc += mix_strlen(strs[i]);
            int c = mix_strcmp(strs[i], strs[(i * 7 + rep) % STR_N]);
            acc = acc * 3 + (u32)(c < 0 ? 1 : c > 0 ? 2 : 0);
            const char *p = mix_memchr(strs[i], 'd', STR_LEN);
            acc += p ? (u32)(p - strs[i]) : 99u;
            mix_strcpy(tmp, strs[(i + 1) % STR_N]);
            acc ^= (u32)tmp[3];
        }
    return acc;
}

/* ---- a small stack-machine interpreter (switch dispatch) */
enum { OP_PUSH, OP_ADD, OP_MUL, OP_DUP, OP_SWAP, OP_DEC, OP_JNZ, OP_DROP, OP_XOR, OP_HALT };
static const u8 program[] = {
    OP_PUSH, 1,          /* acc */
    OP_PUSH, 200,        /* counter */
    /* loop: 4 */
    OP_SWAP, OP_DUP, OP_ADD, OP_PUSH, 3, OP_XOR, OP_PUSH, 5, OP_MUL,
    OP_SWAP, OP_DEC, OP_DUP, OP_JNZ, 4,
    OP_DROP, OP_HALT,
};

static u32 interp(u32 seed)
{
    u32 stack[16];
    int sp = 0;
    u32 pc = 0;
    stack[sp++] = seed;
    for (;;) {
        u8 op = program[pc++];
        switch (op) {
        case OP_PUSH: stack[sp++] = program[pc++]; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OP_SWAP: { u32 t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; } break;
        case OP_DEC: stack[sp - 1]--; break;
        case OP_JNZ: sp--; if (stack[sp]) pc = program[pc]; else pc++; break;
        case OP_DROP: sp--; break;
        default: return stack[sp - 1] + stack[0];
        }
    }
}

static u32 k_interp(void)
{
    u32 acc = 0;
    for (u32 i = 0; i < 400; i++)
        acc += interp(i);
    return acc;
}

/* ---- x87: Mandelbrot iteration counts and a Newton square root series */
static u32 k_x87(void)
{
    u32 iters = 0;
    for (int py = 0; py < 48; py++)
        for (int px = 0; px < 64; px++) {
            double cr = -2.0 + px * (2.5 / 64), ci = -1.25 + py * (2.5 / 48);
            double zr = 0, zi = 0;
            int n = 0;
            while (n < 64 && zr * zr + zi * zi < 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2 * zr * zi + ci;
                zr = t;
                n++;
            }
            iters += (u32)n;
        }
    double s = 0;
    for (int i = 1; i < 3000; i++) {
        double x = i, r = i / 2.0 + 1;
        for (int k = 0; k < 6; k++)
            r = 0.5 * (r + x / r);
        s += r;
    }
    return iters + (u32)(s * 16.0);
}

static const char *const names[] = { "integer", "memory", "branches", "indirect", "strings", "interp", "x87" };
static u32 (*const kernels[])(void) = { k_integer, k_memory, k_branches, k_indirect, k_strings, k_interp, k_x87 };

int main(void)
{
    u32 total = 0;
#ifndef MIX_NATIVE
    /* The x87 control word is 0040H after RESET (all exceptions unmasked,
     * SDM vol. 3, table 9-1); FNINIT sets the 037FH the host's C runtime
     * also starts with. */
    __asm__ volatile("fninit");
#endif
    for (int round = 0; round < MIX_ROUNDS; round++)
        for (unsigned k = 0; k < sizeof kernels / sizeof kernels[0]; k++) {
            u32 v = kernels[k]();
            total = total * 31 + v;
            if (round == 0) report(names[k], v);
        }
    report("checksum", total);
    return 0;
}
