/* monitor.c - the human monitor (see monitor.h and docs/MONITOR.md).
 *
 * Threads: the monitor thread reads lines and parses them; every command
 * that looks at or changes the machine runs on the vCPU thread inside
 * machine_request() and writes its reply into a buffer, which the
 * monitor thread then sends (a slow client never holds up the guest).
 * monitor_close() wakes the monitor thread through a pipe and calls
 * machine_finish() so that a request in flight returns.
 */
#include "monitor.h"
#include "monitor_int.h"

#include <errno.h>
#include <inttypes.h>
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

#include "cpu/state.h"
#include "debugger.h"
#include "devices/memory.h"
#include "display.h"
#include "tui.h"

#define MON_LINE_MAX 4096

struct Monitor {
    Machine *m;
    MonitorSpec spec;
    int listen_fd;     /* MONITOR_UNIX, else -1 */
    int fd_in, fd_out; /* the client (both the socket) or stdin/stdout; -1 = none */
    int stop_fd[2];    /* monitor_close -> monitor thread */
    pthread_t thread;
    bool thread_started;
    bool prelaunch;    /* started paused, no `cont` yet (vCPU thread) */
    bool done;         /* `quit`, or the machine is gone: read no more */
    bool no_banner;    /* on the mux: it prints the banner */
};

__attribute__((format(printf, 3, 4))) static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (!err || !errlen) return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------------------------- */
/* -monitor SPEC                                                            */

static int onoff(const char *v)
{
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true")) return 1;
    if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false")) return 0;
    return -1;
}

bool monitor_parse_spec(const char *spec, MonitorSpec *out, char *err, size_t errlen)
{
    bool server = false;
    memset(out, 0, sizeof *out);
    if (err && errlen) err[0] = '\0';
    if (!strcmp(spec, "none")) return true;
    if (!strcmp(spec, "stdio")) {
        out->kind = MONITOR_STDIO;
        return true;
    }
    if (strncmp(spec, "unix:", 5)) {
        set_err(err, errlen, "unknown monitor (use stdio, unix:PATH,server,nowait or none)");
        return false;
    }
    const char *p = spec + 5, *comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    if (n == 0) {
        set_err(err, errlen, "missing socket path after 'unix:'");
        return false;
    }
    if (n >= sizeof out->path) {
        set_err(err, errlen, "socket path too long (at most %zu bytes)", sizeof out->path - 1);
        return false;
    }
    memcpy(out->path, p, n);
    out->kind = MONITOR_UNIX;
    out->wait = true; /* QEMU's default for a server socket */
    while (comma) {
        const char *item = comma + 1;
        char key[32];
        comma = strchr(item, ',');
        n = comma ? (size_t)(comma - item) : strlen(item);
        if (n >= sizeof key) n = sizeof key - 1;
        memcpy(key, item, n);
        key[n] = '\0';
        char *eq = strchr(key, '=');
        const char *val = NULL;
        if (eq) {
            *eq = '\0';
            val = eq + 1;
        }
        int b = val ? onoff(val) : 1;
        if (!strcmp(key, "nowait") && !val) {
            out->wait = false;
        } else if (!strcmp(key, "server") || !strcmp(key, "wait")) {
            if (b < 0) {
                set_err(err, errlen, "%s must be on or off", key);
                return false;
            }
            if (key[0] == 's') server = b;
            else out->wait = b;
        } else {
            set_err(err, errlen, "unknown parameter '%s' (use server, nowait, wait=on|off)", key);
            return false;
        }
    }
    if (!server) {
        set_err(err, errlen, "only a listening socket is supported (add ,server,nowait)");
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------------- */
/* Output                                                                   */

void out_printf(Out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (o->len + (size_t)n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 1024;
        while (cap < o->len + (size_t)n + 1) cap *= 2;
        char *b = realloc(o->buf, cap);
        if (!b) return;
        o->buf = b;
        o->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(o->buf + o->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    o->len += (size_t)n;
}

/* Write everything, unless monitor_close asks the thread to stop. */
static bool write_all(Monitor *mon, const char *p, size_t len)
{
    while (len) {
        struct pollfd pf[2] = {{mon->fd_out, POLLOUT, 0}, {mon->stop_fd[0], POLLIN, 0}};
        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if (pf[1].revents) return false;
        ssize_t n = write(mon->fd_out, p, len);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* Send text with QEMU's "\r\n" line ends. */
static bool send_text(Monitor *mon, const char *s, size_t len)
{
    char buf[1024];
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (o + 2 > sizeof buf) {
            if (!write_all(mon, buf, o)) return false;
            o = 0;
        }
        if (s[i] == '\n') buf[o++] = '\r';
        buf[o++] = s[i];
    }
    return write_all(mon, buf, o);
}

#define SEND_LIT(mon, lit) send_text(mon, lit, sizeof lit - 1)

/* ---------------------------------------------------------------------- */
/* Commands                                                                 */

static void do_stop(Machine *m, Cmd *c) { (void)c, machine_stop(m); }

void monitor_clear_prelaunch(Monitor *mon) { mon->prelaunch = false; }

static void do_cont(Machine *m, Cmd *c)
{
    c->mon->prelaunch = false;
    if (m->dbg) dbg_resume(m->dbg);
    machine_cont(m);
}

static void do_reset(Machine *m, Cmd *c)
{
    (void)c;
    /* Here, between two slices, as the loop would: the next command
     * already sees the reset machine. A -kernel reload that fails ends the
     * run as a failed reboot does. */
    if (!machine_reset(m)) machine_quit(m, 1);
}

static void do_quit(Machine *m, Cmd *c)
{
    c->mon->done = true;
    machine_quit(m, 0);
}

static void do_savevm_loadvm(Machine *m, Cmd *c)
{
    char err[512] = "";
    bool save = c->def->names[0] == 's';
    if (!(save ? machine_savevm : machine_loadvm)(m, c->arg, err, sizeof err))
        out_printf(&c->out, "Error: %s\n", err);
}

static void do_info_status(Machine *m, Cmd *c)
{
    out_printf(&c->out, "VM status: %s\n",
               !m->paused ? "running" : c->mon->prelaunch ? "paused (prelaunch)" : "paused");
}

/* QEMU's cpu_x86_dump_seg_cache(): the descriptor's high dword bits 8-23
 * (type, S, DPL, P, limit 19:16, AVL, L, D/B, G), then in protected mode
 * a decoding of a present descriptor. */
static void seg_line(Out *o, const char *name, const Seg *s, bool pe)
{
    static const char *const sys_type[16] = {
        "Reserved", "TSS16-avl", "LDT", "TSS16-busy", "CallGate16", "TaskGate", "IntGate16", "TrapGate16",
        "Reserved", "TSS32-avl", "Reserved", "TSS32-busy", "CallGate32", "Reserved", "IntGate32", "TrapGate32",
    };
    uint32_t raw_limit = (s->flags & SEGF_G) ? s->limit >> 12 : s->limit;
    uint32_t f = (((uint32_t)s->flags << 8) & 0x00f0ff00u) | (raw_limit & 0x000f0000u);
    unsigned type = s->flags & SEGF_TYPE;
    out_printf(o, "%-3s=%04x %08x %08x %08x", name, s->sel, s->base, s->limit, f);
    if (pe && (s->flags & SEGF_P)) {
        out_printf(o, " DPL=%u ", (unsigned)(s->flags & SEGF_DPL) >> 5);
        if (s->flags & SEGF_S) {
            if (type & 8)
                out_printf(o, "%s [%c%c", (s->flags & SEGF_DB) ? "CS32" : "CS16", (type & 4) ? 'C' : '-',
                           (type & 2) ? 'R' : '-');
            else
                out_printf(o, "%s [%c%c", (s->flags & SEGF_DB) ? "DS  " : "DS16", (type & 4) ? 'E' : '-',
                           (type & 2) ? 'W' : '-');
            out_printf(o, "%c]", (type & 1) ? 'A' : '-');
        } else {
            out_printf(o, "%s", sys_type[type]);
        }
    }
    out_printf(o, "\n");
}

/* QEMU's x86_cpu_dump_state() for a 32-bit CPU with CPU_DUMP_FPU. This
 * CPU has no SSE: MXCSR shows its reset value and the XMM lines are left
 * out. */
static void do_info_registers(Machine *m, Cmd *c)
{
    static const char *const sn[6] = {"ES", "CS", "SS", "DS", "FS", "GS"};
    Out *o = &c->out;
    CPUState s;
    engine_get_state(m->engine, &s);
    uint32_t e = s.eflags;
    bool pe = s.cr[0] & 1;
    int cpl = !pe ? 0 : (e & 0x20000) ? 3 : (s.seg[S_SS].flags & SEGF_DPL) >> 5;
    int ii = s.inhibit_irq && s.eip == s.inhibit_eip;
    out_printf(o, "\nCPU#0\n");
    out_printf(o, "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n", s.regs[R_EAX], s.regs[R_EBX], s.regs[R_ECX],
               s.regs[R_EDX]);
    out_printf(o, "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n", s.regs[R_ESI], s.regs[R_EDI], s.regs[R_EBP],
               s.regs[R_ESP]);
    out_printf(o, "EIP=%08x EFL=%08x [%c%c%c%c%c%c%c] CPL=%d II=%d A20=%d SMM=0 HLT=%d\n", s.eip, e,
               e & 0x400 ? 'D' : '-', e & 0x800 ? 'O' : '-', e & 0x80 ? 'S' : '-', e & 0x40 ? 'Z' : '-',
               e & 0x10 ? 'A' : '-', e & 0x4 ? 'P' : '-', e & 0x1 ? 'C' : '-', cpl, ii,
               m->pc->mem.a20 ? 1 : 0, s.halted ? 1 : 0);
    for (int i = 0; i < 6; i++) seg_line(o, sn[i], &s.seg[i], pe);
    seg_line(o, "LDT", &s.ldtr, pe);
    seg_line(o, "TR", &s.tr, pe);
    out_printf(o, "GDT=     %08x %08x\n", s.gdtr.base, s.gdtr.limit);
    out_printf(o, "IDT=     %08x %08x\n", s.idtr.base, s.idtr.limit);
    out_printf(o, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n", s.cr[0], s.cr[2], s.cr[3], s.cr[4]);
    for (int i = 0; i < 4; i++) out_printf(o, "DR%d=%08x ", i, s.dr[i]);
    out_printf(o, "\nDR6=%08x DR7=%08x\n", s.dr[6], s.dr[7]);
    out_printf(o, "EFER=%016x\n", 0);
    unsigned ftw = 0;
    for (int i = 0; i < 8; i++)
        if (((s.fpu.tw >> (2 * i)) & 3) != 3) ftw |= 1u << i;
    out_printf(o, "FCW=%04x FSW=%04x [ST=%d] FTW=%02x MXCSR=%08x\n", s.fpu.cw, s.fpu.sw, (s.fpu.sw >> 11) & 7,
               ftw, 0x1f80);
    for (int i = 0; i < 8; i++) {
        uint64_t mant = 0;
        for (int b = 7; b >= 0; b--) mant = mant << 8 | s.fpu.st[i][b];
        out_printf(o, "FPR%d=%016" PRIx64 " %04x%s", i, mant, s.fpu.st[i][8] | s.fpu.st[i][9] << 8,
                   (i & 1) ? "\n" : " ");
    }
}

/* Display commands (frontend/display.h). */
static void do_screendump(Machine *m, Cmd *c)
{
    char err[512] = "";
    if (!display_screendump(m->pc, c->arg, err, sizeof err))
        out_printf(&c->out, "%s\n", err);
}

static const CmdDef commands[] = {
    {"cont|c", "", "resume emulation", 0, do_cont},
    {"help|?", "[cmd]", "show the help", 0, NULL},
    {"info", "[subcommand]", "show various information about the system state", 0, NULL},
    {"loadvm", "file", "restore the machine state saved in a file (QEMU: a snapshot tag)", 1, do_savevm_loadvm},
    {"quit|q", "", "quit the emulator", 0, do_quit},
    {"savevm", "file", "save the machine state to a file (QEMU: a snapshot tag)", 1, do_savevm_loadvm},
    {"sendkey", "keys [hold_ms]", "send keys to the VM (e.g. 'sendkey ctrl-alt-f1')", -1, mon_sendkey},
    {"screendump", "filename", "save screen to a PNG file (PPM when it ends in .ppm)", 1, do_screendump},
    {"stop|s", "", "stop emulation", 0, do_stop},
    {"system_reset", "", "reset the system", 0, do_reset},
    {"tui", "", "the full-screen debugger on the terminal (q comes back)", 0, NULL},
};

static const CmdDef info_commands[] = {
    {"registers", "", "show the cpu registers", 0, do_info_registers},
    {"status", "", "show the current VM status (running|paused)", 0, do_info_status},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])
#define N_INFO (sizeof info_commands / sizeof info_commands[0])

/* Does word name the command (its name or an alias)? */
static bool names_match(const char *names, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = names; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && !strncmp(p, word, n)) return true;
        if (!bar) break;
        p = bar + 1;
    }
    return false;
}

static const CmdDef *find(const CmdDef *t, size_t n, const char *word)
{
    for (size_t i = 0; i < n; i++)
        if (names_match(t[i].names, word)) return &t[i];
    return NULL;
}

static void help_line(Out *o, const char *prefix, const CmdDef *d)
{
    out_printf(o, "%s%s %s -- %s\n", prefix, d->names, d->params, d->help);
}

/* The next word of *p (or a "quoted string" with \" and \\), written into
 * buf; false at the end of the line. */
static bool next_word(const char **p, char *buf, size_t len)
{
    const char *s = *p;
    size_t o = 0;
    while (*s == ' ' || *s == '\t') s++;
    if (!*s) {
        *p = s;
        return false;
    }
    if (*s == '"') {
        for (s++; *s && *s != '"'; s++) {
            if (*s == '\\' && s[1]) s++;
            if (o + 1 < len) buf[o++] = *s;
        }
        if (*s == '"') s++;
    } else {
        for (; *s && *s != ' ' && *s != '\t'; s++)
            if (o + 1 < len) buf[o++] = *s;
    }
    buf[o] = '\0';
    *p = s;
    return true;
}

static bool at_end(const char *p) { return !p[strspn(p, " \t")]; }

static void run_request(Machine *m, void *opaque)
{
    Cmd *c = opaque;
    c->def->fn(m, c);
}

/* info tb, info tbs and trace-last want exact execution counts: the
 * blocks get counters from the next resume or step on (dbg_want_counts). */
static bool wants_counts(const char *name)
{
    return !strcmp(name, "info tb") || !strcmp(name, "info tbs") || !strcmp(name, "trace-last");
}

static void run_request_counts(Machine *m, void *opaque)
{
    dbg_want_counts(m->dbg);
    run_request(m, opaque);
}

static void help_list(Out *o, const char *prefix, const CmdDef *t, size_t n)
{
    for (size_t i = 0; i < n; i++) help_line(o, prefix, &t[i]);
}

/* Parse and carry out one line; the reply goes into *out. */
static void execute(Monitor *mon, const char *line, Out *out)
{
    char word[64], sub[64], name[140], arg[MON_LINE_MAX];
    const char *p = line;
    const CmdDef *d;

    if (!next_word(&p, word, sizeof word)) return;
    if (!strcmp(word, "tui")) {
        /* The full-screen debugger takes the terminal until its q. */
        if (mon->spec.kind == MONITOR_STDIO && !mon->no_banner && mon->thread_started) tui_run_from_monitor(mon->m);
        else out_printf(out, "Error: tui needs the monitor on the terminal (-monitor stdio) or -debugger tui\n");
        return;
    }
    if (!(d = find(commands, N_COMMANDS, word)) && !(d = find(mon_dbg_commands, mon_dbg_n_commands, word)) &&
        !(d = find(mon_tb_commands, mon_tb_n_commands, word))) {
        out_printf(out, "unknown command: '%s'\n", word);
        return;
    }
    snprintf(name, sizeof name, "%s", word);
    if (!strcmp(d->names, "help|?")) {
        const CmdDef *h;
        if (!next_word(&p, sub, sizeof sub)) {
            help_list(out, "", commands, N_COMMANDS);
            help_list(out, "", mon_dbg_commands, mon_dbg_n_commands);
            help_list(out, "", mon_tb_commands, mon_tb_n_commands);
        } else if (!strcmp(sub, "info")) {
            help_list(out, "info ", info_commands, N_INFO);
            help_list(out, "info ", mon_dbg_info_commands, mon_dbg_n_info);
            help_list(out, "info ", mon_tb_info_commands, mon_tb_n_info);
            help_list(out, "info ", mon_sys_info_commands, mon_sys_n_info);
        } else if ((h = find(commands, N_COMMANDS, sub)) || (h = find(mon_dbg_commands, mon_dbg_n_commands, sub)) ||
                   (h = find(mon_tb_commands, mon_tb_n_commands, sub))) {
            help_line(out, "", h);
        }
        else out_printf(out, "unknown command: '%s'\n", sub);
        return;
    }
    if (!strcmp(d->names, "info")) {
        if (!next_word(&p, sub, sizeof sub)) {
            help_list(out, "info ", info_commands, N_INFO);
            help_list(out, "info ", mon_dbg_info_commands, mon_dbg_n_info);
            help_list(out, "info ", mon_tb_info_commands, mon_tb_n_info);
            help_list(out, "info ", mon_sys_info_commands, mon_sys_n_info);
            return;
        }
        if (!(d = find(info_commands, N_INFO, sub)) && !(d = find(mon_dbg_info_commands, mon_dbg_n_info, sub)) &&
            !(d = find(mon_tb_info_commands, mon_tb_n_info, sub)) &&
            !(d = find(mon_sys_info_commands, mon_sys_n_info, sub))) {
            out_printf(out, "unknown command: 'info %s'\n", sub);
            return;
        }
        snprintf(name, sizeof name, "info %s", sub);
    }
    Cmd c = {mon, d, NULL, {NULL, 0, 0}};
    if (d->nargs < 0) {
        c.arg = p + strspn(p, " \t");   /* the rest of the line */
        p += strlen(p);
    } else if (d->nargs == 1) {
        if (!next_word(&p, arg, sizeof arg)) {
            out_printf(out, "%s: string expected\nTry \"help %s\" for more information\n", name, name);
            return;
        }
        c.arg = arg;
    }
    if (!at_end(p)) {
        out_printf(out, "%s: extraneous characters at the end of line\nTry \"help %s\" for more information\n",
                   d->names, name);
        return;
    }
    if (!machine_request(mon->m, wants_counts(name) ? run_request_counts : run_request, &c))
        mon->done = true; /* the machine has stopped for good */
    else if (c.out.len)
        out_printf(out, "%s", c.out.buf);
    free(c.out.buf);
}

char *monitor_command(Machine *m, const char *line)
{
    /* A monitor of its own for the one line (no client, no thread). */
    Monitor tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.m = m;
    tmp.listen_fd = tmp.fd_in = tmp.fd_out = -1;
    Out out = {NULL, 0, 0};
    execute(&tmp, line, &out);
    return out.buf ? out.buf : strdup("");
}

/* ---------------------------------------------------------------------- */
/* The monitor thread                                                       */

/* Talk to the current client (or stdin/stdout) until it goes away, `quit`,
 * or monitor_close. */
static void serve(Monitor *mon)
{
    char line[MON_LINE_MAX];
    size_t len = 0;
    bool overlong = false;

    if (!mon->no_banner && !SEND_LIT(mon, MONITOR_BANNER "\n" MONITOR_PROMPT)) return;
    while (!mon->done) {
        char buf[1024];
        struct pollfd pf[2] = {{mon->fd_in, POLLIN, 0}, {mon->stop_fd[0], POLLIN, 0}};
        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (pf[1].revents) return;
        ssize_t n = read(mon->fd_in, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) return;
        for (ssize_t i = 0; i < n && !mon->done; i++) {
            if (buf[i] != '\n') {
                if (len + 1 < sizeof line) line[len++] = buf[i];
                else overlong = true;
                continue;
            }
            if (len && line[len - 1] == '\r') len--;
            line[len] = '\0';
            Out out = {NULL, 0, 0};
            if (overlong) out_printf(&out, "command line too long\n");
            else execute(mon, line, &out);
            len = 0;
            overlong = false;
            bool ok = send_text(mon, out.buf ? out.buf : "", out.len);
            free(out.buf);
            /* After quit, QEMU closes without a prompt. */
            if (!ok || mon->done || !SEND_LIT(mon, MONITOR_PROMPT)) return;
        }
    }
}

/* The next client of the listening socket; -1 when told to stop. */
static int accept_client(Monitor *mon)
{
    for (;;) {
        struct pollfd pf[2] = {{mon->listen_fd, POLLIN, 0}, {mon->stop_fd[0], POLLIN, 0}};
        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (pf[1].revents) return -1;
        int fd = accept(mon->listen_fd, NULL, NULL);
        if (fd >= 0) return fd;
        if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) return -1;
    }
}

static void *monitor_thread(void *opaque)
{
    Monitor *mon = opaque;
    if (mon->spec.kind == MONITOR_STDIO) {
        serve(mon);
        return NULL;
    }
    while (!mon->done) {
        if (mon->fd_in < 0) {
            int fd = accept_client(mon);
            if (fd < 0) break;
            mon->fd_in = mon->fd_out = fd;
        }
        serve(mon);
        close(mon->fd_in);
        mon->fd_in = mon->fd_out = -1;
    }
    return NULL;
}

static int listen_unix(const char *path, char *err, size_t errlen)
{
    struct sockaddr_un a;
    struct stat sb;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    /* A socket left behind by an earlier run is replaced, as QEMU does;
     * any other file is not ours to remove. */
    if (lstat(path, &sb) == 0 && S_ISSOCK(sb.st_mode)) unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        set_err(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 1) != 0) {
        set_err(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* mux_fd >= 0: a stdio monitor reading the mux's pipe. */
static Monitor *open_monitor(const char *spec, Machine *m, int mux_fd, char *err, size_t errlen)
{
    MonitorSpec ms;
    if (!monitor_parse_spec(spec, &ms, err, errlen) || ms.kind == MONITOR_NONE) return NULL;
    Monitor *mon = calloc(1, sizeof *mon);
    if (!mon) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    mon->m = m;
    mon->spec = ms;
    mon->listen_fd = mon->fd_in = mon->fd_out = -1;
    mon->prelaunch = m->paused;
    if (pipe(mon->stop_fd) != 0) {
        set_err(err, errlen, "pipe: %s", strerror(errno));
        free(mon);
        return NULL;
    }
    if (ms.kind == MONITOR_STDIO) {
        mon->fd_in = mux_fd >= 0 ? mux_fd : 0;
        mon->no_banner = mux_fd >= 0;
        mon->fd_out = 1;
    } else {
        mon->listen_fd = listen_unix(ms.path, err, errlen);
        if (mon->listen_fd < 0) goto fail;
        if (ms.wait) {
            fprintf(stderr, "xlat86: waiting for a monitor connection on unix:%s\n", ms.path);
            mon->fd_in = mon->fd_out = accept_client(mon);
            if (mon->fd_in < 0) {
                set_err(err, errlen, "accept on %s: %s", ms.path, strerror(errno));
                goto fail;
            }
        }
    }
    if (pthread_create(&mon->thread, NULL, monitor_thread, mon) != 0) {
        set_err(err, errlen, "cannot start the monitor thread");
        goto fail;
    }
    mon->thread_started = true;
    return mon;
fail:
    monitor_close(mon);
    return NULL;
}

Monitor *monitor_open(const char *spec, Machine *m, char *err, size_t errlen)
{
    return open_monitor(spec, m, -1, err, errlen);
}

Monitor *monitor_open_fd(Machine *m, int fd_in, char *err, size_t errlen)
{
    return open_monitor("stdio", m, fd_in, err, errlen);
}

void monitor_close(Monitor *mon)
{
    if (!mon) return;
    char c = 1;
    if (write(mon->stop_fd[1], &c, 1) < 0) { /* the pipe is empty: cannot fail */ }
    if (mon->thread_started) {
        machine_finish(mon->m);
        pthread_join(mon->thread, NULL);
    }
    if (mon->spec.kind == MONITOR_UNIX) {
        if (mon->fd_in >= 0) close(mon->fd_in);
        if (mon->listen_fd >= 0) {
            close(mon->listen_fd);
            unlink(mon->spec.path);
        }
    }
    close(mon->stop_fd[0]);
    close(mon->stop_fd[1]);
    free(mon);
}
