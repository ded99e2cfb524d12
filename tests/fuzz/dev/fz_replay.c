/* fz_replay.c - main() for a device fuzz target built without libFuzzer:
 * every file named (or found in a directory named) runs through
 * LLVMFuzzerTestOneInput once. The CI check replays each corpus this way.
 *   xlat86-fz-TARGET-replay FILE|DIR...   -> exit 0, "N inputs" */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fz.h"

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "xlat86: cannot open %s\n", path);
        exit(2);
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "xlat86: out of memory\n");
        exit(2);
    }
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 1;
}

int main(int argc, char **argv)
{
    int count = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "xlat86: cannot open %s\n", argv[i]);
            return 2;
        }
        if (!S_ISDIR(st.st_mode)) {
            count += run_file(argv[i]);
            continue;
        }
        struct dirent **ents;
        int n = scandir(argv[i], &ents, NULL, alphasort);
        for (int k = 0; k < n; k++) {
            if (ents[k]->d_name[0] != '.') {
                char p[4096];
                snprintf(p, sizeof p, "%s/%s", argv[i], ents[k]->d_name);
                count += run_file(p);
            }
            free(ents[k]);
        }
        if (n >= 0) free(ents);
    }
    printf("%d inputs\n", count);
    return count > 0 ? 0 : 1;
}
