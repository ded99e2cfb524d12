/* chardev.c - host character backends (stdio, file, null).
 *
 * stdin is polled with poll(2) and a zero timeout rather than being put in
 * O_NONBLOCK mode: on a terminal stdin and stdout usually share one open
 * file description, and O_NONBLOCK on it would make our writes to stdout
 * fail with EAGAIN.
 *
 * Terminal mode follows QEMU's stdio backend: no echo, no line editing, no
 * signals from keys (Ctrl-C goes to the guest), CR not turned into LF, but
 * output post-processing kept so a bare LF from the guest still starts a
 * new line. The previous mode is restored at exit and when the reading
 * backend is closed.
 */
#define _GNU_SOURCE
#include "chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

enum { CD_NULL, CD_STDIO, CD_FILE };

#define ESCAPE_CHAR 0x01   /* Ctrl-A, QEMU's default mux escape */

struct CharDev {
    int kind;
    int out_fd;
    bool reader;          /* this backend owns stdin */
    bool is_tty;
    bool eof;
    bool got_escape;
    uint8_t *obuf;        /* output held back by chardev_write_buffered */
    size_t olen;
    int64_t obuf_since;   /* host monotonic ns of the oldest held byte */
};

/* Buffered output (see chardev.h): held at most this long, this much. */
#define OBUF_SIZE 4096
#define OBUF_MAX_AGE_NS 5000000   /* 5 ms */
#define MAX_OPEN 32

static CharDev *open_devs[MAX_OPEN];
static int n_pending;   /* open backends holding output */

static bool stdin_taken;
static int input_fd = STDIN_FILENO;   /* the mux's pipe when it owns stdin */
static bool tty_saved;
static struct termios saved_tio;
static void (*quit_fn)(void *);
static void *quit_opaque;

void chardev_set_quit_handler(void (*fn)(void *opaque), void *opaque)
{
    quit_fn = fn;
    quit_opaque = opaque;
}

static void (*nmi_fn)(void *);
static void *nmi_opaque;

void chardev_set_nmi_handler(void (*fn)(void *opaque), void *opaque)
{
    nmi_fn = fn;
    nmi_opaque = opaque;
}

static int64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void register_dev(CharDev *c)
{
    static bool atexit_done;
    if (!atexit_done) {
        atexit(chardev_flush_all);   /* exit() with output still held */
        atexit_done = true;
    }
    for (int i = 0; i < MAX_OPEN; i++) {
        if (!open_devs[i]) {
            open_devs[i] = c;
            c->obuf = malloc(OBUF_SIZE);   /* NULL: writes go straight through */
            return;
        }
    }
}

static void unregister_dev(CharDev *c)
{
    for (int i = 0; i < MAX_OPEN; i++)
        if (open_devs[i] == c)
            open_devs[i] = NULL;
}

static void tty_restore(void)
{
    if (tty_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
        tty_saved = false;
    }
}

static void tty_raw(void)
{
    static bool atexit_done;
    struct termios t;
    if (tcgetattr(STDIN_FILENO, &saved_tio) != 0)
        return;
    tty_saved = true;
    if (!atexit_done) {
        atexit(tty_restore);
        atexit_done = true;
    }
    t = saved_tio;
    t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag |= OPOST;
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

CharDev *chardev_open(const char *spec, char *err, size_t errlen)
{
    if (!spec)
        spec = "none";
    CharDev *c = calloc(1, sizeof(*c));
    if (!c) {
        snprintf(err, errlen, "chardev %s: out of memory", spec);
        return NULL;
    }
    c->out_fd = -1;
    if (!strcmp(spec, "none") || !strcmp(spec, "null")) {
        c->kind = CD_NULL;
    } else if (!strcmp(spec, "stdio") || !strcmp(spec, "mon:stdio")) {
        c->kind = CD_STDIO;
        c->out_fd = STDOUT_FILENO;
    } else if (!strncmp(spec, "file:", 5) && spec[5]) {
        c->kind = CD_FILE;
        c->out_fd = open(spec + 5, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (c->out_fd < 0) {
            snprintf(err, errlen, "chardev %s: %s", spec, strerror(errno));
            free(c);
            return NULL;
        }
    } else {
        snprintf(err, errlen, "unknown character device '%s' (use stdio, file:PATH, null or none)",
                 spec);
        free(c);
        return NULL;
    }
    if (c->out_fd >= 0)
        register_dev(c);
    return c;
}

static void write_all(CharDev *c, const uint8_t *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(c->out_fd, buf, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                struct pollfd pfd = {.fd = c->out_fd, .events = POLLOUT};
                poll(&pfd, 1, 100);
                continue;
            }
            return;   /* closed pipe, full disk: output is lost, the guest runs on */
        }
        buf += w;
        n -= (size_t)w;
    }
}

void chardev_flush(CharDev *c)
{
    if (!c || c->olen == 0)
        return;
    size_t n = c->olen;
    c->olen = 0;
    n_pending--;
    write_all(c, c->obuf, n);
}

void chardev_flush_all(void)
{
    if (n_pending == 0)
        return;
    for (int i = 0; i < MAX_OPEN; i++)
        chardev_flush(open_devs[i]);
}

void chardev_flush_due(void)
{
    if (n_pending == 0)
        return;
    int64_t now = host_ns();
    for (int i = 0; i < MAX_OPEN; i++) {
        CharDev *c = open_devs[i];
        if (c && c->olen && now - c->obuf_since >= OBUF_MAX_AGE_NS)
            chardev_flush(c);
    }
}

/* Held output of backends sharing c's destination goes out first, so
 * bytes reach the host in the order the guest produced them. */
static void flush_before(CharDev *c)
{
    if (n_pending == 0)
        return;
    for (int i = 0; i < MAX_OPEN; i++) {
        CharDev *o = open_devs[i];
        if (o && o->olen && (o == c || o->out_fd == c->out_fd))
            chardev_flush(o);
    }
}

void chardev_write(CharDev *c, const uint8_t *buf, size_t n)
{
    if (!c || c->out_fd < 0)
        return;
    flush_before(c);
    write_all(c, buf, n);
}

void chardev_write_buffered(CharDev *c, const uint8_t *buf, size_t n)
{
    if (!c || c->out_fd < 0)
        return;
    if (!c->obuf || n >= OBUF_SIZE) {
        chardev_write(c, buf, n);
        return;
    }
    if (c->olen + n > OBUF_SIZE)
        chardev_flush(c);
    if (c->olen == 0) {
        flush_before(c);   /* another backend's held bytes on the same fd */
        c->obuf_since = host_ns();
        n_pending++;
    }
    memcpy(c->obuf + c->olen, buf, n);
    c->olen += n;
    if (c->olen == OBUF_SIZE)
        chardev_flush(c);
}

static void print_help(void)
{
    static const char help[] =
        "\n"
        "C-a h    print this help\n"
        "C-a x    exit emulator\n"
        "C-a n    raise an NMI (as the QEMU monitor's nmi command)\n"
        "C-a c    switch between console and monitor (with a multiplexed monitor)\n"
        "C-a C-a  sends C-a\n";
    ssize_t r = write(STDOUT_FILENO, help, sizeof(help) - 1);
    (void)r;
}

static void do_quit(void)
{
    if (quit_fn) {
        quit_fn(quit_opaque);
        return;
    }
    tty_restore();
    fprintf(stderr, "xlat86: terminated\n");
    exit(0);
}

/* stdin belongs to the first stdio backend that asks for input (a UART
 * does at reset; a debug console never does), so an output-only console
 * does not put the terminal in raw mode. */
static bool claim_stdin(CharDev *c)
{
    if (!c || c->kind != CD_STDIO)
        return false;
    if (!c->reader && !stdin_taken) {
        stdin_taken = true;
        c->reader = true;
        c->is_tty = input_fd == STDIN_FILENO && isatty(STDIN_FILENO);
        if (c->is_tty)
            tty_raw();
    }
    return c->reader;
}

int chardev_read_byte(CharDev *c)
{
    if (!claim_stdin(c) || c->eof)
        return -1;
    for (;;) {
        struct pollfd pfd = {.fd = input_fd, .events = POLLIN};
        if (poll(&pfd, 1, 0) <= 0)
            return -1;
        uint8_t b;
        ssize_t n = read(input_fd, &b, 1);
        if (n == 0) {
            c->eof = true;   /* end of input: nothing more will come */
            return -1;
        }
        if (n < 0) {
            if (errno != EINTR && errno != EAGAIN)
                c->eof = true;
            return -1;
        }
        if (!c->is_tty || input_fd != STDIN_FILENO)
            return b;   /* a pipe, or the mux's pipe (escapes done there) */
        /* QEMU's mux escape: Ctrl-A then a command key. Unknown keys after
         * the escape are swallowed, as QEMU does. */
        if (c->got_escape) {
            c->got_escape = false;
            if (b == ESCAPE_CHAR)
                return b;
            chardev_escape(b);   /* 'c' (no monitor to switch to) and others: swallowed */
            continue;
        }
        if (b == ESCAPE_CHAR) {
            c->got_escape = true;
            continue;
        }
        return b;
    }
}

bool chardev_escape(int key)
{
    switch (key) {
    case 'x':
        do_quit();
        return true;
    case 'h':
    case '?':
        print_help();
        return true;
    case 'n':
        if (nmi_fn)
            nmi_fn(nmi_opaque);
        return true;
    default:
        return false;
    }
}

void chardev_set_input_fd(int fd)
{
    input_fd = fd;
}

void chardev_terminal_raw(void)
{
    if (!tty_saved && isatty(STDIN_FILENO))
        tty_raw();
}

bool chardev_can_read(CharDev *c)
{
    return claim_stdin(c) && !c->eof;
}

void chardev_close(CharDev *c)
{
    if (!c)
        return;
    chardev_flush(c);
    unregister_dev(c);
    free(c->obuf);
    if (c->kind == CD_FILE && c->out_fd >= 0)
        close(c->out_fd);
    if (c->reader) {
        tty_restore();
        stdin_taken = false;
    }
    free(c);
}
