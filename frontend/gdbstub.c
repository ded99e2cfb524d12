/* gdbstub.c - the GDB remote stub (see gdbstub.h). */
#include "gdbstub.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cpu/peek.h"
#include "debugger.h"
#include "devices/memory.h"
#include "gdbregs.h"
#include "monitor.h"

#define PKT_MAX 16384

struct GdbStub {
    Machine *m;
    GdbSpec spec;
    int listen_fd, fd;
    int stop_fd[2];     /* gdbstub_close -> thread */
    int note_fd[2];     /* debugger stop (vCPU thread) -> thread */
    pthread_t thread;
    bool thread_started;
    bool running;       /* the guest runs on the client's c/vCont;c */
    char in[PKT_MAX + 8];
};

__attribute__((format(printf, 3, 4))) static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

bool gdbstub_parse_spec(const char *spec, GdbSpec *out, char *err, size_t errlen)
{
    GdbSpec s;
    memset(&s, 0, sizeof s);
    if (!strncmp(spec, "unix:", 5)) {
        size_t n = strcspn(spec + 5, ",");
        if (!n || n >= sizeof s.path) {
            set_err(err, errlen, "bad socket path");
            return false;
        }
        memcpy(s.path, spec + 5, n);
        s.unix_socket = true;
    } else if (!strncmp(spec, "tcp:", 4)) {
        const char *h = spec + 4, *colon = strchr(h, ':');
        if (!colon || (size_t)(colon - h) >= sizeof s.host) {
            set_err(err, errlen, "use tcp::PORT or tcp:HOST:PORT");
            return false;
        }
        memcpy(s.host, h, (size_t)(colon - h));
        char *end;
        long port = strtol(colon + 1, &end, 10);
        if (end == colon + 1 || (*end && *end != ',') || port < 1 || port > 65535) {
            set_err(err, errlen, "bad port '%s'", colon + 1);
            return false;
        }
        s.port = (int)port;
    } else {
        set_err(err, errlen, "use tcp::PORT, tcp:HOST:PORT or unix:PATH");
        return false;
    }
    if (out) *out = s;
    return true;
}

/* ---------------------------------------------------------------------- */
/* Packets                                                                  */

static const char hexd[] = "0123456789abcdef";

static int hexv(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

static bool put_packet(GdbStub *g, const char *data, size_t len)
{
    char *buf = malloc(len + 5);
    if (!buf) return false;
    unsigned sum = 0;
    buf[0] = '$';
    memcpy(buf + 1, data, len);
    for (size_t i = 0; i < len; i++) sum += (unsigned char)data[i];
    buf[len + 1] = '#';
    buf[len + 2] = hexd[(sum >> 4) & 15];
    buf[len + 3] = hexd[sum & 15];
    bool ok = write_all(g->fd, buf, len + 4);
    free(buf);
    return ok;
}

static bool put_str(GdbStub *g, const char *s) { return put_packet(g, s, strlen(s)); }

static void hex_of(char *out, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexd[b[i] >> 4];
        out[2 * i + 1] = hexd[b[i] & 15];
    }
    out[2 * n] = '\0';
}

static size_t unhex(uint8_t *out, const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && hexv(s[0]) >= 0 && hexv(s[1]) >= 0) {
        out[n++] = (uint8_t)(hexv(s[0]) << 4 | hexv(s[1]));
        s += 2;
    }
    return n;
}

/* ---------------------------------------------------------------------- */
/* Work on the vCPU thread                                                  */

typedef struct Job {
    GdbStub *g;
    char kind;
    uint32_t addr, len;
    int type;
    const uint8_t *data;
    uint8_t *buf;
    size_t got;
    bool ok;
    DbgStop st;
} Job;

static void job_fn(Machine *m, void *opaque)
{
    Job *j = opaque;
    CPUState s;
    Debugger *d = m->dbg;
    char err[256];
    switch (j->kind) {
    case 'g':
        engine_get_state(m->engine, &s);
        gdbregs_get(&s, j->buf);
        break;
    case 'G':
        engine_get_state(m->engine, &s);
        gdbregs_set(&s, j->data, j->len);
        engine_set_state(m->engine, &s);
        break;
    case 'p':
        engine_get_state(m->engine, &s);
        j->ok = gdbregs_get_one(&s, (int)j->addr, j->buf, &j->got);
        break;
    case 'P':
        engine_get_state(m->engine, &s);
        j->ok = gdbregs_set_one(&s, (int)j->addr, j->data, j->len);
        if (j->ok) engine_set_state(m->engine, &s);
        break;
    case 'm':
        engine_get_state(m->engine, &s);
        j->got = peek_lin(&s, &m->pc->mem, j->addr, j->buf, j->len);
        break;
    case 'M':
        engine_get_state(m->engine, &s);
        j->ok = poke_lin(&s, &m->pc->mem, j->addr, j->data, j->len) == j->len;
        break;
    case 'Z':
        if (j->type <= 1) j->ok = dbg_break_add(d, j->addr, false, NULL, true, err, sizeof err) != 0;
        else j->ok = dbg_watch_add(d, j->addr, j->len ? j->len : 1,
                                   j->type == 2 ? WATCH_WRITE : j->type == 3 ? WATCH_READ : WATCH_ACCESS, NULL,
                                   true, err, sizeof err) != 0;
        break;
    case 'z':
        j->ok = dbg_delete_match(d, j->type <= 1 ? DBG_BREAK : DBG_WATCHPOINT, j->addr, j->len ? j->len : 1,
                                 j->type == 2 ? WATCH_WRITE : j->type == 3 ? WATCH_READ : WATCH_ACCESS);
        break;
    case 'c':
        dbg_resume(d);
        machine_cont(m);
        break;
    case 's':
        dbg_step(d, 1, false, &j->st);
        break;
    case 'i':   /* Ctrl-C */
        machine_stop(m);
        break;
    case 'l':   /* the last debugger stop */
        j->st = d->last;
        break;
    case 'D':   /* detach: the client's points go, the guest runs */
        for (int i = 0; i < DBG_MAX_POINTS; i++)
            if (d->pts[i].id && d->pts[i].gdb) dbg_delete(d, d->pts[i].id);
        dbg_resume(d);
        machine_cont(m);
        break;
    case 'k':
        machine_quit(m, 0);
        break;
    }
}

static bool job(GdbStub *g, Job *j)
{
    j->g = g;
    return machine_request(g->m, job_fn, j);
}

/* The debugger's stop listener (vCPU thread): wake the stub's thread. */
static void on_dbg_stop(void *opaque, const DbgStop *st)
{
    GdbStub *g = opaque;
    (void)st;
    char c = 1;
    if (write(g->note_fd[1], &c, 1) < 0) { /* full: a note is queued anyway */ }
}

static void stop_reply(GdbStub *g, const DbgStop *st)
{
    char buf[96];
    if (st->reason == STOP_WATCHPOINT) {
        const char *w = st->kind == WATCH_READ ? "rwatch" : st->kind == WATCH_ACCESS ? "awatch" : "watch";
        /* The watched address that matched (the access's, clipped to it). */
        uint32_t a = st->hit.lin;
        for (int i = 0; i < DBG_MAX_POINTS; i++) {
            const DbgPoint *p = &g->m->dbg->pts[i];
            if (p->id == st->id) a = p->addr > st->hit.lin ? p->addr : st->hit.lin;
        }
        snprintf(buf, sizeof buf, "T05%s:%08x;thread:01;", w, a);
    } else {
        snprintf(buf, sizeof buf, "T05thread:01;");
    }
    put_str(g, buf);
}

static void drain(int fd)
{
    char buf[64];
    while (read(fd, buf, sizeof buf) > 0) {
    }
}

/* qRcmd: the hex-encoded monitor command; the reply as O packets. */
static void rcmd(GdbStub *g, const char *hex)
{
    char line[1024];
    size_t n = unhex((uint8_t *)line, hex, sizeof line - 1);
    line[n] = '\0';
    char *reply = monitor_command(g->m, line);
    size_t len = strlen(reply);
    for (size_t o = 0; o < len; o += 512) {
        size_t k = len - o < 512 ? len - o : 512;
        char pkt[2 + 1024 + 1];
        pkt[0] = 'O';
        hex_of(pkt + 1, reply + o, k);
        put_str(g, pkt);
    }
    free(reply);
    put_str(g, "OK");
}

static void xfer_features(GdbStub *g, const char *args)
{
    /* qXfer:features:read:target.xml:OFFSET,LENGTH */
    const char *colon = strchr(args, ':');
    if (!colon || strncmp(args, "target.xml", (size_t)(colon - args))) {
        put_str(g, "E00");
        return;
    }
    unsigned long off = strtoul(colon + 1, NULL, 16);
    const char *comma = strchr(colon, ',');
    unsigned long len = comma ? strtoul(comma + 1, NULL, 16) : 0;
    const char *xml = gdbregs_target_xml();
    size_t total = strlen(xml);
    if (off >= total) {
        put_str(g, "l");
        return;
    }
    size_t k = total - off < len ? total - off : len;
    if (k > PKT_MAX - 2) k = PKT_MAX - 2;
    char *buf = malloc(k + 2);
    if (!buf) return;
    buf[0] = off + k < total ? 'm' : 'l';
    memcpy(buf + 1, xml + off, k);
    put_packet(g, buf, k + 1);
    free(buf);
}

/* Un-escape an X packet's binary data in place; returns its length. */
static size_t unescape(char *p, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '}' && i + 1 < n) p[o++] = (char)(p[++i] ^ 0x20);
        else p[o++] = p[i];
    }
    return o;
}

static void resume(GdbStub *g, bool step)
{
    Job j = {.kind = step ? 's' : 'c'};
    drain(g->note_fd[0]);
    if (!job(g, &j)) return;
    if (step) stop_reply(g, &j.st);
    else g->running = true;
}

static void handle(GdbStub *g, char *p, size_t n)
{
    char out[PKT_MAX + 1];
    Job j = {0};
    switch (p[0]) {
    case '?':
        put_str(g, "T05thread:01;");
        return;
    case 'g': {
        uint8_t regs[GDB_REGS_BYTES];
        j.kind = 'g';
        j.buf = regs;
        if (!job(g, &j)) return;
        hex_of(out, regs, sizeof regs);
        put_str(g, out);
        return;
    }
    case 'G': {
        uint8_t regs[GDB_REGS_BYTES];
        j.kind = 'G';
        j.len = (uint32_t)unhex(regs, p + 1, sizeof regs);
        j.data = regs;
        if (job(g, &j)) put_str(g, "OK");
        return;
    }
    case 'p':
    case 'P': {
        uint8_t val[16];
        j.kind = p[0];
        j.addr = (uint32_t)strtoul(p + 1, NULL, 16);
        j.buf = val;
        if (p[0] == 'P') {
            const char *eq = strchr(p, '=');
            j.len = eq ? (uint32_t)unhex(val, eq + 1, sizeof val) : 0;
            j.data = val;
        }
        if (!job(g, &j)) return;
        if (!j.ok) put_str(g, "E01");
        else if (p[0] == 'P') put_str(g, "OK");
        else {
            hex_of(out, val, j.got);
            put_str(g, out);
        }
        return;
    }
    case 'm':
    case 'M':
    case 'X': {
        char *end;
        j.addr = (uint32_t)strtoul(p + 1, &end, 16);
        j.len = *end == ',' ? (uint32_t)strtoul(end + 1, &end, 16) : 0;
        if (j.len > PKT_MAX / 2) j.len = PKT_MAX / 2;
        static uint8_t data[PKT_MAX];
        j.kind = p[0] == 'm' ? 'm' : 'M';
        j.buf = data;
        j.data = data;
        if (p[0] == 'M') {
            char *colon = strchr(p, ':');
            if (!colon || unhex(data, colon + 1, j.len) != j.len) {
                put_str(g, "E01");
                return;
            }
        } else if (p[0] == 'X') {
            char *colon = memchr(p, ':', n);
            if (!colon) {
                put_str(g, "E01");
                return;
            }
            size_t k = unescape(colon + 1, n - (size_t)(colon + 1 - p));
            if (k < j.len) j.len = (uint32_t)k;
            memcpy(data, colon + 1, j.len);
        }
        if (!job(g, &j)) return;
        if (p[0] != 'm') put_str(g, j.ok ? "OK" : "E14");
        else if (!j.got && j.len) put_str(g, "E14");
        else {
            hex_of(out, data, j.got);
            put_str(g, out);
        }
        return;
    }
    case 'Z':
    case 'z': {
        char *end;
        j.kind = p[0];
        j.type = (int)strtol(p + 1, &end, 10);
        j.addr = *end == ',' ? (uint32_t)strtoul(end + 1, &end, 16) : 0;
        j.len = *end == ',' ? (uint32_t)strtoul(end + 1, &end, 16) : 1;
        if (j.type < 0 || j.type > 4) {
            put_str(g, "");
            return;
        }
        if (!job(g, &j)) return;
        put_str(g, j.ok ? "OK" : "E22");
        return;
    }
    case 'c':
        resume(g, false);
        return;
    case 's':
        resume(g, true);
        return;
    case 'D':
        j.kind = 'D';
        job(g, &j);
        put_str(g, "OK");
        return;
    case 'k':
        j.kind = 'k';
        job(g, &j);
        return;
    case 'H':
    case 'T':
        put_str(g, "OK");
        return;
    case 'v':
        if (!strncmp(p, "vCont?", 6)) put_str(g, "vCont;c;C;s;S");
        else if (!strncmp(p, "vCont;", 6)) resume(g, p[6] == 's' || p[6] == 'S');
        else if (!strncmp(p, "vKill", 5)) {
            put_str(g, "OK");
            j.kind = 'k';
            job(g, &j);
        } else put_str(g, "");
        return;
    case 'q':
        if (!strncmp(p, "qSupported", 10))
            put_str(g, "PacketSize=4000;qXfer:features:read+;vContSupported+;swbreak-;hwbreak+");
        else if (!strcmp(p, "qAttached")) put_str(g, "1");
        else if (!strcmp(p, "qC")) put_str(g, "QC1");
        else if (!strcmp(p, "qfThreadInfo")) put_str(g, "m1");
        else if (!strcmp(p, "qsThreadInfo")) put_str(g, "l");
        else if (!strncmp(p, "qXfer:features:read:", 20)) xfer_features(g, p + 20);
        else if (!strncmp(p, "qRcmd,", 6)) rcmd(g, p + 6);
        else put_str(g, "");
        return;
    default:
        put_str(g, "");
    }
}

/* ---------------------------------------------------------------------- */
/* The thread                                                               */

/* Serve one client until it goes away or gdbstub_close. */
static void serve(GdbStub *g)
{
    size_t len = 0;
    enum { IDLE, DATA, SUM1, SUM2 } st = IDLE;
    char rbuf[4096];
    for (;;) {
        struct pollfd pf[3] = {{g->fd, POLLIN, 0}, {g->stop_fd[0], POLLIN, 0}, {g->note_fd[0], POLLIN, 0}};
        if (poll(pf, 3, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (pf[1].revents) {
            put_str(g, "W00");   /* the run ended: the process "exited", as QEMU says */
            return;
        }
        if (pf[2].revents) {
            drain(g->note_fd[0]);
            if (g->running) {
                Job j = {.kind = 'l'};
                if (!job(g, &j)) return;
                g->running = false;
                stop_reply(g, &j.st);
            }
        }
        if (!pf[0].revents) continue;
        ssize_t n = read(g->fd, rbuf, sizeof rbuf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        for (ssize_t i = 0; i < n; i++) {
            char c = rbuf[i];
            switch (st) {
            case IDLE:
                if (c == '$') {
                    st = DATA;
                    len = 0;
                } else if (c == 0x03 && g->running) {
                    Job j = {.kind = 'i'};
                    if (!job(g, &j)) return;
                    g->running = false;
                    put_str(g, "T02thread:01;");
                }
                break;
            case DATA:
                if (c == '#') st = SUM1;
                else if (len < PKT_MAX) g->in[len++] = c;
                break;
            case SUM1:
                st = SUM2;
                break;
            case SUM2:
                st = IDLE;
                g->in[len] = '\0';
                if (!write_all(g->fd, "+", 1)) return;
                if (len) handle(g, g->in, len);
                break;
            }
        }
    }
}

static int accept_client(GdbStub *g)
{
    for (;;) {
        struct pollfd pf[2] = {{g->listen_fd, POLLIN, 0}, {g->stop_fd[0], POLLIN, 0}};
        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (pf[1].revents) return -1;
        int fd = accept(g->listen_fd, NULL, NULL);
        if (fd >= 0) return fd;
        if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) return -1;
    }
}

static void *gdb_thread(void *opaque)
{
    GdbStub *g = opaque;
    for (;;) {
        int fd = accept_client(g);
        if (fd < 0) break;
        int one = 1;
        if (!g->spec.unix_socket) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        g->fd = fd;
        g->running = false;
        serve(g);
        /* A client that goes away leaves the guest running, as QEMU's
         * stub does after a detach. */
        g->fd = -1;
        close(fd);
    }
    return NULL;
}

static int listen_on(const GdbSpec *s, char *err, size_t errlen)
{
    int fd;
    if (s->unix_socket) {
        struct sockaddr_un a;
        struct stat sb;
        memset(&a, 0, sizeof a);
        a.sun_family = AF_UNIX;
        snprintf(a.sun_path, sizeof a.sun_path, "%s", s->path);
        if (lstat(s->path, &sb) == 0 && S_ISSOCK(sb.st_mode)) unlink(s->path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 1) != 0)) {
            set_err(err, errlen, "cannot listen on %s: %s", s->path, strerror(errno));
            close(fd);
            return -1;
        }
    } else {
        struct sockaddr_in a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons((uint16_t)s->port);
        a.sin_addr.s_addr = htonl(INADDR_ANY);
        if (s->host[0] && inet_pton(AF_INET, !strcmp(s->host, "localhost") ? "127.0.0.1" : s->host,
                                    &a.sin_addr) != 1) {
            set_err(err, errlen, "bad host '%s' (use an IPv4 address)", s->host);
            return -1;
        }
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (fd >= 0 && (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 1) != 0)) {
            set_err(err, errlen, "cannot listen on port %d: %s", s->port, strerror(errno));
            close(fd);
            return -1;
        }
    }
    if (fd < 0) set_err(err, errlen, "socket: %s", strerror(errno));
    return fd;
}

GdbStub *gdbstub_open(const char *spec, Machine *m, char *err, size_t errlen)
{
    GdbStub *g = calloc(1, sizeof *g);
    if (!g) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    g->m = m;
    g->fd = g->listen_fd = -1;
    g->stop_fd[0] = g->stop_fd[1] = g->note_fd[0] = g->note_fd[1] = -1;
    if (!m->dbg) {
        set_err(err, errlen, "no debugger");
        goto fail;
    }
    if (!gdbstub_parse_spec(spec, &g->spec, err, errlen)) goto fail;
    if (pipe(g->stop_fd) != 0 || pipe(g->note_fd) != 0) {
        set_err(err, errlen, "pipe: %s", strerror(errno));
        goto fail;
    }
    for (int i = 0; i < 2; i++) {
        int fl = O_NONBLOCK;
        fcntl(g->note_fd[i], F_SETFL, fl);
    }
    g->listen_fd = listen_on(&g->spec, err, errlen);
    if (g->listen_fd < 0) goto fail;
    m->dbg->listener = on_dbg_stop;
    m->dbg->listener_opaque = g;
    if (pthread_create(&g->thread, NULL, gdb_thread, g) != 0) {
        set_err(err, errlen, "cannot start the GDB stub's thread");
        goto fail;
    }
    g->thread_started = true;
    return g;
fail:
    gdbstub_close(g);
    return NULL;
}

void gdbstub_close(GdbStub *g)
{
    if (!g) return;
    if (g->m->dbg && g->m->dbg->listener_opaque == g) g->m->dbg->listener = NULL;
    if (g->stop_fd[1] >= 0) {
        char c = 1;
        if (write(g->stop_fd[1], &c, 1) < 0) { /* empty pipe: cannot fail */ }
    }
    if (g->thread_started) {
        machine_finish(g->m);
        pthread_join(g->thread, NULL);
    }
    if (g->listen_fd >= 0) {
        close(g->listen_fd);
        if (g->spec.unix_socket) unlink(g->spec.path);
    }
    for (int i = 0; i < 2; i++) {
        if (g->stop_fd[i] >= 0) close(g->stop_fd[i]);
        if (g->note_fd[i] >= 0) close(g->note_fd[i]);
    }
    free(g);
}
