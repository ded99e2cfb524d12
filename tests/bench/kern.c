/* kern.c - the third CPU-bound workload of issue 15: freestanding C run as
 * a Multiboot kernel (`-kernel kern.elf` on xlat86 and on QEMU), with
 * paging on, the way an OS kernel's own code runs.
 *
 * Its kernels differ from bench.c's and mix.c's:
 *  - lz:       LZ77 compression with hash chains, then decompression and a
 *              byte-exact check (byte loads/stores, short data-dependent loops)
 *  - mpi:      512-bit modular exponentiation, Montgomery multiplication on
 *              32-bit limbs (32x32->64 MUL, ADC chains: what a kernel's
 *              signature check does)
 *  - dijkstra: shortest paths on a 96x96 grid with a binary heap
 *  - tree:     an unbalanced binary search tree from a bump allocator
 *              (pointer chasing, recursive calls)
 *  - nbody:    a five-body simulation in double precision (x87, FSQRT)
 *  - pages:    a CRC32 over a 16 MiB buffer touched one word per page in a
 *              scrambled order (a TLB miss per access under paging), and
 *              a CR3 reload per round, as a context switch would do
 *
 * The same source builds two ways:
 *  - as a Multiboot (v1) ELF kernel (default): gcc -m32 -ffreestanding,
 *    linked at 1 MiB by kern.ld; it maps the first 64 MiB with 4 KiB pages
 *    (two page directories, switched between rounds) and turns paging on;
 *    results go to the debug console (port 0xE9), and it exits through
 *    port 0xF4 (isa-debug-exit: process status 1);
 *  - natively (-DKERN_NATIVE): a host program with main(), results on
 *    stdout, for run-all.sh's native column (no paging, no CR3 loads: the
 *    host kernel's own).
 * Every kernel folds its result into a 32-bit value; the lines printed are
 * the same on every engine (and natively), and run-all.sh compares the
 * final "checksum" line. KERN_ROUNDS scales the run. */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#ifndef KERN_ROUNDS
#define KERN_ROUNDS 60
#endif

#ifdef KERN_NATIVE
#include <stdio.h>
static void putch(char c) { putchar(c); }
static void new_address_space(int round) { (void)round; }
#else
static void putch(char c)
{
    __asm__ volatile("outb %0, %1" : : "a"((u8)c), "Nd"((u16)0xE9));
}

/* ---- Multiboot header (spec 3.1.1: magic, flags, checksum), first in .text */
#define MB_MAGIC 0x1badb002u
#define MB_FLAGS 0x00000003u
__attribute__((section(".multiboot"), used, aligned(4)))
static const u32 mb_header[3] = { MB_MAGIC, MB_FLAGS, (u32)-(MB_MAGIC + MB_FLAGS) };

/* ---- paging: 64 MiB identity-mapped with 4 KiB pages (SDM vol. 3, 4.3),
 * present | writable, through two page directories sharing the tables. */
#define MAP_TABLES 16
static u32 page_dir[2][1024] __attribute__((aligned(4096)));
static u32 page_tab[MAP_TABLES][1024] __attribute__((aligned(4096)));

static void paging_on(void)
{
    for (u32 t = 0; t < MAP_TABLES; t++) {
        for (u32 i = 0; i < 1024; i++)
            page_tab[t][i] = ((t * 1024 + i) << 12) | 3;
        page_dir[0][t] = page_dir[1][t] = (u32)page_tab[t] | 3;
    }
    __asm__ volatile("mov %0, %%cr3\n\t"
                     "mov %%cr0, %%eax\n\t"
                     "or $0x80000000, %%eax\n\t"
                     "mov %%eax, %%cr0\n\t"
                     "jmp 1f\n1:"
                     : : "r"(page_dir[0]) : "eax", "memory");
}

/* A context switch's CR3 load: every non-global TLB entry goes. */
static void new_address_space(int round)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(page_dir[round & 1]) : "memory");
}
#endif

static void kern_puts(const char *s)
{
    while (*s)
        putch(*s++);
}

static void report(const char *name, u32 v)
{
    kern_puts(name);
    putch(' ');
    for (int i = 28; i >= 0; i -= 4)
        putch("0123456789abcdef"[(v >> i) & 15]);
    putch('\n');
}

static u32 rng;
static u32 next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* ---- lz: LZ77 with a 4096-entry hash head table and chains ---- */
#define LZ_N 32768
#define LZ_WIN 4096
static u8 lz_in[LZ_N], lz_out[LZ_N + LZ_N / 8 + 16], lz_back[LZ_N];
static u16 lz_head[4096], lz_prev[LZ_N];

static u32 lz_fill(void)
{
    static const char *const words[] = {
        "the ", "kernel ", "page ", "table ", "interrupt ", "of ", "a ", "and ",
        "block ", "translated ", "cache ", "guest ", "host ", "register ", "\n", ", " };
    u32 n = 0;
    while (n < LZ_N) {
        const char *w = words[next_rand() & 15];
        while (*w && n < LZ_N)
            lz_in[n++] = (u8)*w++;
    }
    return n;
}

static u32 lz_hash(const u8 *p)
{
    return ((p[0] << 8) ^ (p[1] << 4) ^ p[2]) & 4095;
}

/* Output: a flag byte per 8 items; a literal is one byte, a match two
 * bytes (12-bit distance, 4-bit length-3). */
static u32 lz_compress(u32 n)
{
    u32 i = 0, o = 0;
    for (u32 k = 0; k < 4096; k++)
        lz_head[k] = 0xFFFF;
    while (i < n) {
        u32 flag_at = o++, flags = 0;
        for (int item = 0; item < 8 && i < n; item++) {
            u32 best = 0, dist = 0;
            if (i + 3 <= n) {
                u32 h = lz_hash(lz_in + i), cand = lz_head[h], tries = 16;
                while (cand != 0xFFFF && i - cand < LZ_WIN && tries--) {
                    u32 len = 0;
                    while (len < 18 && i + len < n && lz_in[cand + len] == lz_in[i + len])
                        len++;
                    if (len > best) {
                        best = len;
                        dist = i - cand;
                    }
                    cand = lz_prev[cand];
                }
            }
            u32 step = best >= 3 ? best : 1;
            for (u32 k = 0; k < step; k++, i++)
                if (i + 3 <= n) {
                    u32 h = lz_hash(lz_in + i);
                    lz_prev[i] = lz_head[h];
                    lz_head[h] = (u16)i;
                }
            if (best >= 3) {
                flags |= 1u << item;
                lz_out[o++] = (u8)(dist & 0xFF);
                lz_out[o++] = (u8)(((dist >> 8) << 4) | (best - 3));
            } else {
                lz_out[o++] = lz_in[i - 1];
            }
        }
        lz_out[flag_at] = (u8)flags;
    }
    return o;
}

static u32 lz_decompress(u32 olen)
{
    u32 i = 0, o = 0;
    while (i < olen) {
        u32 flags = lz_out[i++];
        for (int item = 0; item < 8 && i < olen; item++) {
            if (flags & (1u << item)) {
                u32 dist = lz_out[i] | ((lz_out[i + 1] >> 4) << 8), len = (lz_out[i + 1] & 15) + 3;
                i += 2;
                for (u32 k = 0; k < len; k++, o++)
                    lz_back[o] = lz_back[o - dist];
            } else {
                lz_back[o++] = lz_out[i++];
            }
        }
    }
    return o;
}

static u32 k_lz(void)
{
    u32 acc = 0;
    for (int r = 0; r < 3; r++) {
        u32 n = lz_fill(), c = lz_compress(n), d = lz_decompress(c);
        u32 same = d == n;
        for (u32 i = 0; i < n && same; i++)
            same = lz_back[i] == lz_in[i];
        acc = acc * 33 + c * 2 + same;
    }
    return acc;
}

/* ---- mpi: Montgomery modular exponentiation, 16 x 32-bit limbs ---- */
#define L 16
static u32 mp_n[L], mp_r2[L];
static u32 mp_ninv;   /* -n^-1 mod 2^32 */

/* v (L + 1 limbs) >= n? */
static int ge_n(const u32 *v)
{
    if (v[L])
        return 1;
    for (int j = L - 1; j >= 0; j--)
        if (v[j] != mp_n[j])
            return v[j] > mp_n[j];
    return 1;
}

/* t = a * b * R^-1 mod n (R = 2^512), CIOS form. */
static void mont_mul(u32 *t, const u32 *a, const u32 *b)
{
    u32 acc[L + 2];
    for (int i = 0; i < L + 2; i++)
        acc[i] = 0;
    for (int i = 0; i < L; i++) {
        u64 c = 0;
        for (int j = 0; j < L; j++) {
            c += (u64)a[j] * b[i] + acc[j];
            acc[j] = (u32)c;
            c >>= 32;
        }
        c += acc[L];
        acc[L] = (u32)c;
        acc[L + 1] = (u32)(c >> 32);
        u32 m = acc[0] * mp_ninv;
        c = ((u64)m * mp_n[0] + acc[0]) >> 32;
        for (int j = 1; j < L; j++) {
            c += (u64)m * mp_n[j] + acc[j];
            acc[j - 1] = (u32)c;
            c >>= 32;
        }
        c += acc[L];
        acc[L - 1] = (u32)c;
        acc[L] = acc[L + 1] + (u32)(c >> 32);
    }
    /* Subtract n once if acc >= n. */
    int ge = ge_n(acc);
    u64 borrow = 0;
    for (int j = 0; j < L; j++) {
        u64 d = (u64)acc[j] - (ge ? mp_n[j] : 0) - borrow;
        t[j] = (u32)d;
        borrow = (d >> 32) & 1;
    }
}

static void mpi_setup(void)
{
    for (int j = 0; j < L; j++)
        mp_n[j] = next_rand();
    mp_n[0] |= 1;
    mp_n[L - 1] |= 0x80000000u;
    u32 inv = 1;   /* Newton: inv = n0^-1 mod 2^32 */
    for (int k = 0; k < 5; k++)
        inv *= 2 - mp_n[0] * inv;
    mp_ninv = -inv;
    /* R^2 mod n by doubling 1 1024 times (shift left, subtract n if >= n). */
    u32 r[L + 1];
    for (int j = 0; j <= L; j++)
        r[j] = j == 0;
    for (int k = 0; k < 1024; k++) {
        u32 carry = 0;
        for (int j = 0; j <= L; j++) {
            u32 v = r[j];
            r[j] = (v << 1) | carry;
            carry = v >> 31;
        }
        if (ge_n(r)) {
            u64 borrow = 0;
            for (int j = 0; j < L; j++) {
                u64 d = (u64)r[j] - mp_n[j] - borrow;
                r[j] = (u32)d;
                borrow = (d >> 32) & 1;
            }
            r[L] -= (u32)borrow;
        }
    }
    for (int j = 0; j < L; j++)
        mp_r2[j] = r[j];
}

static u32 k_mpi(void)
{
    u32 base[L], x[L], acc[L], one[L], e[L];
    mpi_setup();
    for (int j = 0; j < L; j++) {
        base[j] = next_rand() & 0x7FFFFFFF;
        e[j] = next_rand();
        one[j] = j == 0;
    }
    mont_mul(x, base, mp_r2);          /* base in Montgomery form */
    mont_mul(acc, one, mp_r2);         /* 1 in Montgomery form */
    for (int j = L - 1; j >= 0; j--)
        for (int b = 31; b >= 0; b--) {
            mont_mul(acc, acc, acc);
            if ((e[j] >> b) & 1)
                mont_mul(acc, acc, x);
        }
    mont_mul(acc, acc, one);           /* out of Montgomery form */
    u32 h = 0;
    for (int j = 0; j < L; j++)
        h = h * 31 + acc[j];
    return h;
}

/* ---- dijkstra: 96x96 grid, 4-neighbour, binary heap of (dist, node) ---- */
#define G 96
static u8 g_cost[G * G];
static u32 g_dist[G * G], heap_d[G * G * 4], heap_v[G * G * 4];
static u32 heap_n;

static void heap_push(u32 d, u32 v)
{
    u32 i = heap_n++;
    while (i > 0) {
        u32 p = (i - 1) / 2;
        if (heap_d[p] <= d)
            break;
        heap_d[i] = heap_d[p];
        heap_v[i] = heap_v[p];
        i = p;
    }
    heap_d[i] = d;
    heap_v[i] = v;
}

static u32 heap_pop(u32 *v)
{
    u32 d = heap_d[0];
    *v = heap_v[0];
    u32 ld = heap_d[--heap_n], lv = heap_v[heap_n], i = 0;
    for (;;) {
        u32 c = 2 * i + 1;
        if (c >= heap_n)
            break;
        if (c + 1 < heap_n && heap_d[c + 1] < heap_d[c])
            c++;
        if (heap_d[c] >= ld)
            break;
        heap_d[i] = heap_d[c];
        heap_v[i] = heap_v[c];
        i = c;
    }
    heap_d[i] = ld;
    heap_v[i] = lv;
    return d;
}

static u32 k_dijkstra(void)
{
    static const int dx[4] = { 1, -1, 0, 0 }, dy[4] = { 0, 0, 1, -1 };
    for (u32 i = 0; i < G * G; i++) {
        g_cost[i] = (u8)(1 + (next_rand() % 9));
        g_dist[i] = 0xFFFFFFFF;
    }
    heap_n = 0;
    g_dist[0] = 0;
    heap_push(0, 0);
    while (heap_n) {
        u32 v, d = heap_pop(&v);
        if (d != g_dist[v])
            continue;
        int x = (int)(v % G), y = (int)(v / G);
        for (int k = 0; k < 4; k++) {
            int nx = x + dx[k], ny = y + dy[k];
            if (nx < 0 || ny < 0 || nx >= G || ny >= G)
                continue;
            u32 w = (u32)(ny * G + nx), nd = d + g_cost[w];
            if (nd < g_dist[w]) {
                g_dist[w] = nd;
                heap_push(nd, w);
            }
        }
    }
    u32 h = 0;
    for (u32 i = 0; i < G * G; i += 7)
        h = h * 17 + g_dist[i];
    return h + g_dist[G * G - 1];
}

/* ---- tree: unbalanced BST, insert / lookup / recursive sum ---- */
struct node {
    u32 key;
    struct node *l, *r;
};
#define T_NODES 20000
static struct node t_pool[T_NODES];

static u32 tree_sum(const struct node *n, u32 depth)
{
    if (!n)
        return 0;
    return n->key * depth + tree_sum(n->l, depth + 1) + tree_sum(n->r, depth + 1);
}

static u32 k_tree(void)
{
    struct node *root = 0;
    u32 used = 0, found = 0;
    for (u32 i = 0; i < T_NODES; i++) {
        u32 key = next_rand() % 1000003;
        struct node **p = &root;
        while (*p && (*p)->key != key)
            p = key < (*p)->key ? &(*p)->l : &(*p)->r;
        if (!*p) {
            struct node *n = &t_pool[used++];
            n->key = key;
            n->l = n->r = 0;
            *p = n;
        }
    }
    for (u32 i = 0; i < 2 * T_NODES; i++) {
        u32 key = next_rand() % 1000003;
        const struct node *n = root;
        while (n && n->key != key)
            n = key < n->key ? n->l : n->r;
        found += n != 0;
    }
    return tree_sum(root, 1) ^ (found << 20) ^ used;
}

/* ---- nbody: five bodies, double precision, FSQRT ---- */
static double kern_sqrt(double x)
{
    __asm__("fsqrt" : "+t"(x));
    return x;
}

static u32 k_nbody(void)
{
    double px[5], py[5], pz[5], vx[5], vy[5], vz[5], m[5];
    for (int i = 0; i < 5; i++) {
        px[i] = (double)(next_rand() % 2000) / 100.0 - 10.0;
        py[i] = (double)(next_rand() % 2000) / 100.0 - 10.0;
        pz[i] = (double)(next_rand() % 2000) / 100.0 - 10.0;
        vx[i] = vy[i] = vz[i] = 0;
        m[i] = 1.0 + (double)(next_rand() % 100) / 10.0;
    }
    for (int step = 0; step < 1500; step++) {
        for (int i = 0; i < 5; i++)
            for (int j = i + 1; j < 5; j++) {
                double dx = px[i] - px[j], dy = py[i] - py[j], dz = pz[i] - pz[j];
                double d2 = dx * dx + dy * dy + dz * dz + 0.01;
                double mag = 0.001 / (d2 * kern_sqrt(d2));
                vx[i] -= dx * m[j] * mag; vy[i] -= dy * m[j] * mag; vz[i] -= dz * m[j] * mag;
                vx[j] += dx * m[i] * mag; vy[j] += dy * m[i] * mag; vz[j] += dz * m[i] * mag;
            }
        for (int i = 0; i < 5; i++) {
            px[i] += 0.001 * vx[i];
            py[i] += 0.001 * vy[i];
            pz[i] += 0.001 * vz[i];
        }
    }
    double e = 0;
    for (int i = 0; i < 5; i++)
        e += m[i] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i]) + px[i] + py[i] + pz[i];
    return (u32)(long long)(e * 65536.0);
}

/* ---- pages: one word per 4 KiB page of 16 MiB, scrambled order, CRC32 ---- */
#define P_PAGES 4096
static u32 p_buf[P_PAGES * 1024];
static u32 crc_table[256];

static u32 crc32_word(u32 crc, u32 w)
{
    for (int k = 0; k < 4; k++, w >>= 8)
        crc = crc_table[(crc ^ w) & 0xFF] ^ (crc >> 8);
    return crc;
}

static u32 k_pages(void)
{
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
    u32 crc = 0xFFFFFFFF;
    for (u32 pass = 0; pass < 8; pass++) {
        /* 2654435761 is odd, so i * it mod 4096 visits every page once. */
        for (u32 i = 0; i < P_PAGES; i++) {
            u32 pg = (i * 2654435761u + pass) & (P_PAGES - 1);
            u32 *w = &p_buf[pg * 1024 + ((pass * 37 + i) & 1023)];
            *w += pg ^ pass;
            crc = crc32_word(crc, *w);
        }
    }
    return ~crc;
}

static const char *const names[] = { "lz", "mpi", "dijkstra", "tree", "nbody", "pages" };
static u32 (*const kernels[])(void) = { k_lz, k_mpi, k_dijkstra, k_tree, k_nbody, k_pages };

#ifdef KERN_NATIVE
int main(void)
#else
static void kern_main(void)
#endif
{
    u32 total = 0;
    rng = 0x2545F491u;
#ifndef KERN_NATIVE
    /* x87 control word 037FH, as the host's C runtime starts with. */
    __asm__ volatile("fninit");
    paging_on();
#endif
    for (int round = 0; round < KERN_ROUNDS; round++) {
        new_address_space(round);
        for (unsigned k = 0; k < sizeof kernels / sizeof kernels[0]; k++) {
#ifdef KERN_ONLY
            if (k != KERN_ONLY)   /* -DKERN_ONLY=k: one kernel, for profiling */
                continue;
#endif
            u32 v = kernels[k]();
            total = total * 31 + v;
            if (round == 0)
                report(names[k], v);
        }
    }
    report("checksum", total);
#ifdef KERN_NATIVE
    return 0;
#endif
}

#ifndef KERN_NATIVE
/* Entry (Multiboot 3.2: protected mode, flat segments, no paging): a stack
 * of our own, the workload, then port 0xF4 (isa-debug-exit: status 1). */
static u8 kern_stack[65536] __attribute__((aligned(16), used));
__attribute__((noreturn, used)) static void kern_start_c(void)
{
    kern_main();
    __asm__ volatile("outb %0, %1" : : "a"((u8)0), "Nd"((u16)0xF4));
    for (;;)
        __asm__ volatile("cli; hlt");
}
__asm__(".section .text.entry,\"ax\"\n"
        ".globl _start\n"
        "_start:\n"
        "  cli\n"
        "  mov $kern_stack+65536, %esp\n"
        "  call kern_start_c\n"
        ".text\n");
#endif
