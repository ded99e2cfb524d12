/* mux.c - the serial console and the monitor on one terminal (see mux.h). */
#include "mux.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/chardev.h"
#include "monitor.h"

#define MUX_ESCAPE 0x01   /* Ctrl-A */
#define MUX_LINE_MAX 4096

struct Mux {
    Machine *m;
    Monitor *mon;
    int guest[2];    /* mux -> the stdio serial backend */
    int monin[2];    /* mux -> the monitor thread (whole lines) */
    int stop[2];     /* mux_close -> thread */
    pthread_t thread;
    bool started;
    bool to_monitor; /* who has the terminal */
    bool banner_done;
    bool escape;
    char line[MUX_LINE_MAX];
    size_t len;
};

static void put(int fd, const void *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return;
        }
        p = (const char *)p + w;
        n -= (size_t)w;
    }
}

static void say(const char *s) { put(STDOUT_FILENO, s, strlen(s)); }

static void toggle(Mux *x)
{
    x->to_monitor = !x->to_monitor;
    if (!x->to_monitor) return;
    if (!x->banner_done) say("\r\n" MONITOR_BANNER "\r\n");
    x->banner_done = true;
    say("\r\n" MONITOR_PROMPT);
    if (x->len) put(STDOUT_FILENO, x->line, x->len);   /* the line being typed */
}

/* A byte for the monitor: a minimal line editor (the terminal is raw). */
static void monitor_byte(Mux *x, unsigned char b)
{
    if (b == '\r' || b == '\n') {
        say("\r\n");
        x->line[x->len++] = '\n';
        put(x->monin[1], x->line, x->len);
        x->len = 0;
    } else if (b == 0x7f || b == 0x08) {
        if (x->len) {
            x->len--;
            say("\b \b");
        }
    } else if (b >= 0x20 && x->len + 2 < sizeof x->line) {
        x->line[x->len++] = (char)b;
        put(STDOUT_FILENO, &b, 1);
    }
}

static void byte(Mux *x, unsigned char b)
{
    if (x->escape) {
        x->escape = false;
        if (b == 'c') {
            toggle(x);
            return;
        }
        if (b != MUX_ESCAPE) {
            chardev_escape(b);   /* x, h, n; unknown keys are swallowed as in QEMU */
            return;
        }
    } else if (b == MUX_ESCAPE) {
        x->escape = true;
        return;
    }
    if (x->to_monitor) monitor_byte(x, b);
    else put(x->guest[1], &b, 1);
}

static void *mux_thread(void *opaque)
{
    Mux *x = opaque;
    for (;;) {
        unsigned char buf[256];
        struct pollfd pf[2] = {{STDIN_FILENO, POLLIN, 0}, {x->stop[0], POLLIN, 0}};
        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (pf[1].revents) break;
        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) break;   /* end of input: the guest sees EOF on its pipe */
        for (ssize_t i = 0; i < n; i++) byte(x, buf[i]);
    }
    close(x->guest[1]);
    x->guest[1] = -1;
    return NULL;
}

Mux *mux_open(Machine *m, char *err, size_t errlen)
{
    Mux *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    x->m = m;
    if (pipe(x->guest) || pipe(x->monin) || pipe(x->stop)) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        free(x);   /* a few descriptors leak on this start-up failure; the process exits */
        return NULL;
    }
    fcntl(x->guest[0], F_SETFD, FD_CLOEXEC);
    chardev_set_input_fd(x->guest[0]);
    chardev_terminal_raw();
    x->mon = monitor_open_fd(m, x->monin[0], err, errlen);
    if (!x->mon) {
        free(x);
        return NULL;
    }
    if (pthread_create(&x->thread, NULL, mux_thread, x) != 0) {
        snprintf(err, errlen, "cannot start the terminal thread");
        monitor_close(x->mon);
        free(x);
        return NULL;
    }
    x->started = true;
    return x;
}

void mux_close(Mux *x)
{
    if (!x) return;
    monitor_close(x->mon);
    char c = 1;
    if (write(x->stop[1], &c, 1) < 0) { /* empty pipe: cannot fail */ }
    if (x->started) pthread_join(x->thread, NULL);
    chardev_set_input_fd(STDIN_FILENO);
    close(x->guest[0]);
    if (x->guest[1] >= 0) close(x->guest[1]);
    close(x->monin[0]);
    close(x->monin[1]);
    close(x->stop[0]);
    close(x->stop[1]);
    free(x);
}
