/* sigexit.c - SIGINT/SIGTERM/SIGHUP end the run through the machine loop
 * (see sigexit.h). Everything the handler does is async-signal-safe: a
 * store to sig_atomic_t, atomic stores to the loop's quit fields (read by
 * the loop between engine slices), engine_kick (async-signal-safe, see
 * cpu/engine.h) and write(2) to the loop's wake-up pipe. */
#include "sigexit.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cpu/engine.h"

static Machine *sig_machine;
static volatile sig_atomic_t sig_caught;

static void on_signal(int sig)
{
    int saved_errno = errno;
    if (!sig_caught) sig_caught = sig;
    Machine *m = __atomic_load_n(&sig_machine, __ATOMIC_SEQ_CST);
    if (m) {
        __atomic_store_n(&m->quit_status, 128 + sig, __ATOMIC_SEQ_CST);
        __atomic_store_n(&m->quit, true, __ATOMIC_SEQ_CST);
        engine_kick(m->engine);
        char c = 1;
        if (write(m->wake_fd[1], &c, 1) < 0) { /* full pipe: a wake-up is queued */ }
    }
    errno = saved_errno;
}

void sigexit_install(Machine *m)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    sig_machine = m;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaddset(&sa.sa_mask, sigs[i]);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
}

void sigexit_detach(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_DFL);
    __atomic_store_n(&sig_machine, NULL, __ATOMIC_SEQ_CST);
}

int sigexit_signal(void)
{
    return sig_caught;
}
