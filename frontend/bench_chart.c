/* bench_chart.c - the PNG bar chart of `xlat86 bench`, drawn by gnuplot
 * (Debian's gnuplot-nox, scripts/install-deps.sh): the table goes to a
 * data file, the plot script to gnuplot's standard input. */
#define _GNU_SOURCE
#include "bench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

bool bench_chart(const BenchTable *t, const char *png, char *err, size_t errlen)
{
    char dat[] = "/tmp/xlat86-bench-XXXXXX";
    int fd = mkstemp(dat);
    if (fd < 0) return snprintf(err, errlen, "temporary file: %s", strerror(errno)), false;
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(dat);
        return snprintf(err, errlen, "temporary file: %s", strerror(errno)), false;
    }
    fprintf(f, "workload");
    for (int j = 0; j < t->nengines; j++) fprintf(f, " %s", t->engines[j]);
    fprintf(f, "\n");
    for (int i = 0; i < t->nrows; i++) {
        fprintf(f, "%s", t->rows[i].name);
        /* A failed run has no bar ("?" is gnuplot's missing value). */
        for (int j = 0; j < t->nengines; j++)
            if (t->rows[i].value[j] > 0) fprintf(f, " %.3f", t->rows[i].value[j]);
            else fprintf(f, " ?");
        fprintf(f, "\n");
    }
    fclose(f);

    int pfd[2];
    if (pipe(pfd) < 0) {
        unlink(dat);
        return snprintf(err, errlen, "pipe: %s", strerror(errno)), false;
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pfd[0], 0);
        close(pfd[0]);
        close(pfd[1]);
        execlp("gnuplot", "gnuplot", (char *)NULL);
        _exit(127);
    }
    close(pfd[0]);
    FILE *g = pid > 0 ? fdopen(pfd[1], "w") : NULL;
    if (!g) {
        close(pfd[1]);
        unlink(dat);
        return snprintf(err, errlen, "cannot run gnuplot"), false;
    }
    fprintf(g, "set terminal png size 1000,560\n"
               "set output '%s'\n"
               "set title 'xlat86 bench: nanoseconds per operation (log scale, lower is faster)'\n"
               "set style data histograms\nset style histogram clustered gap 1\n"
               "set style fill solid 0.8 border -1\nset logscale y\nset yrange [1:*]\n"
               "set ylabel 'ns per operation'\nset grid ytics\nset key outside right top\n"
               "set datafile missing '?'\n"
               "plot for [c=2:%d] '%s' using c:xtic(1) title columnheader(c)\n",
            png, t->nengines + 1, dat);
    fclose(g);
    int st = 0;
    waitpid(pid, &st, 0);
    unlink(dat);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return snprintf(err, errlen, WIFEXITED(st) && WEXITSTATUS(st) == 127 ? "gnuplot not installed"
                                                                             : "gnuplot failed"),
               false;
    return true;
}
