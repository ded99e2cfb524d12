/* bench_native.c - the native twin of the benchmark guest: bench.c, the
 * same source, built for the host (gcc -O2) with a small main, so that
 * `xlat86 bench cpu` has a native column. Its output equals the guest's. */
#define BENCH_NATIVE 1
#define main bench_main
#include "bench.c"
#undef main

int main(void)
{
    bench_main();
    return 0;
}
