/* trace.c - the debug-log switches behind -d ITEMS and -D FILE.
 *
 * The names follow QEMU's -d items so that a person's habits carry over
 * (qemu -d help lists in_asm, out_asm, exec, int, cpu with the same
 * meanings). The mask is a plain global read on hot paths through
 * TRACE_ON(); it is written once at start-up, before the vCPU runs.
 */
#include <stdio.h>
#include <string.h>

#include "trace.h"

unsigned trace_mask;
FILE *trace_file;

/* stderr is not a constant expression, so trace_file cannot be initialised
 * statically; make it usable before main() (and in unit tests that never
 * call the frontend) instead of leaving a NULL stream for a logger to hit. */
__attribute__((constructor)) static void trace_file_default(void)
{
    if (!trace_file)
        trace_file = stderr;
}

static const struct {
    const char *name;
    unsigned bit;
} trace_items[] = {
    { "in_asm", TRACE_IN_ASM },
    { "out_asm", TRACE_OUT_ASM },
    { "exec", TRACE_EXEC },
    { "int", TRACE_INT },
    { "cpu", TRACE_CPU },
};

/* Copy at most badlen-1 bytes of the item [s, s+n) into bad. */
static void name_bad(char *bad, size_t badlen, const char *s, size_t n)
{
    if (!bad || badlen == 0)
        return;
    if (n >= badlen)
        n = badlen - 1;
    memcpy(bad, s, n);
    bad[n] = '\0';
}

int trace_parse(const char *items, unsigned *mask, char *bad, size_t badlen)
{
    unsigned m = 0;
    const char *p = items ? items : "";

    for (;;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        size_t i;

        for (i = 0; i < sizeof trace_items / sizeof trace_items[0]; i++) {
            if (strlen(trace_items[i].name) == n && memcmp(trace_items[i].name, p, n) == 0)
                break;
        }
        if (i == sizeof trace_items / sizeof trace_items[0]) {
            /* An empty item ("-d ''" or "in_asm,,cpu") is a typo too. */
            name_bad(bad, badlen, p, n);
            return -1;
        }
        m |= trace_items[i].bit;
        if (!end)
            break;
        p = end + 1;
    }
    if (mask)
        *mask = m;
    return 0;
}
