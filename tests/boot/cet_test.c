/* cet_test.c - a static i386 program from today's toolchain for the Linux
 * guest (boot/linux): built with Debian's `gcc -m32 -O2 -static
 * -fcf-protection`, so every function, frame_dummy in the C runtime
 * included, starts with ENDBR32 (F3 0F 1E FB), and indirect calls, qsort's
 * callbacks and setjmp/longjmp go through CET-marked code. The boot test
 * runs it in the guest and compares its output with the host CPU's run of
 * the same binary. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static jmp_buf env;

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void jump_back(int v)
{
    longjmp(env, v);
}

static unsigned hash_str(const char *s)
{
    unsigned h = 2166136261u;
    while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

int main(void)
{
    int v[64];
    unsigned x = 12345;
    for (int i = 0; i < 64; i++) {
        x = x * 1103515245u + 12345u;
        v[i] = (int)(x >> 8) % 1000 - 500;
    }
    qsort(v, 64, sizeof v[0], cmp_int);
    long sum = 0;
    for (int i = 0; i < 64; i++) sum += (long)v[i] * (i + 1);

    unsigned (*volatile fp)(const char *) = hash_str;
    char buf[128];
    snprintf(buf, sizeof buf, "%d %d %ld %.6f", v[0], v[63], sum, 355.0 / 113.0);

    int jumped = setjmp(env);
    if (!jumped) jump_back(7);

    printf("cet-test: %s %08x %d %zu\n", buf, fp(buf), jumped, strlen(buf));
    return 0;
}
