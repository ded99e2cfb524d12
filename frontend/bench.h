/* bench.h - `xlat86 bench` (bench.c) and its bar chart (bench_chart.c). */
#ifndef XLAT86_BENCH_H
#define XLAT86_BENCH_H

#include <stdbool.h>
#include <stddef.h>

#define BENCH_MAX_ENGINES 8
#define BENCH_MAX_ROWS 16

typedef struct BenchRow {
    char name[16];
    double value[BENCH_MAX_ENGINES];   /* ns/op; negative: the run failed */
} BenchRow;

typedef struct BenchTable {
    const char *engines[BENCH_MAX_ENGINES];
    int nengines;
    BenchRow rows[BENCH_MAX_ROWS];
    int nrows;
} BenchTable;

/* argv[0] is "bench". Returns the process exit status. */
int bench_main(int argc, char **argv);
/* A grouped bar chart (log scale, one group per workload, one bar per
 * engine) drawn by gnuplot into a PNG. False with a reason in err when
 * gnuplot is missing or fails. */
bool bench_chart(const BenchTable *t, const char *png, char *err, size_t errlen);

#endif
