/* savevm.c - saved machine states: `savevm FILE`, `loadvm FILE`, -loadvm.
 *
 * A state file holds everything a running machine is made of: the CPU's
 * architectural state (CPUState, field by field), the virtual clock, RAM,
 * and every device registered with the board (devices/vmstate.c). Host
 * resources (files behind character devices, the translation cache) are
 * not state: a restored machine reopens nothing and retranslates.
 *
 * Layout (all integers little-endian):
 *   "XLAT86VM"  u32 format version (SAVEVM_VERSION; version 1 files, which
 *               lack the CPU fields irq_injected and irq_vector, still load
 *               with no acknowledged interrupt pending)
 *   then sections, each: u16 name length, name, u64 payload length, payload
 *     "machine"  u32 RAM bytes, u32 ROM bytes, u32 ROM checksum (FNV-1a)
 *     "cpu"      fields: u16 name length, name, u32 size, bytes; until a
 *                zero-length name
 *     "ram"      per 4 KiB page a byte (0 = all zero, 1 = 4096 bytes follow)
 *     "devices"  the board's device sections (vmstate_save_devices), the
 *                virtual clock first (its time; a load rebases the clock)
 *     "end"      (empty)
 * A field or section this version does not know, a missing one, a size
 * that differs, or a machine with another RAM size or firmware is refused
 * with a one-line reason; nothing is changed then unless the RAM or device
 * sections were already being applied (the reason says so).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/memory.h"
#include "devices/vmstate.h"
#include "machine.h"

#define SAVEVM_MAGIC "XLAT86VM"
#define SAVEVM_VERSION 2u

typedef struct CPUField {
    const char *name;
    size_t offset;
    size_t size;
    uint32_t since;   /* the first format version with the field (0: all) */
} CPUField;

#define CF(f) {#f, offsetof(CPUState, f), sizeof(((CPUState *)0)->f), 0}
#define CF_SINCE(f, v) {#f, offsetof(CPUState, f), sizeof(((CPUState *)0)->f), v}
#define CFPU(f) {"fpu." #f, offsetof(CPUState, fpu) + offsetof(FPU, f), sizeof(((FPU *)0)->f), 0}

/* Every architectural field; the FPU's FERR# wiring (pointers) is not. */
static const CPUField cpu_fields[] = {
    CF(regs), CF(eip), CF(eflags), CF(seg), CF(cr), CF(dr), CF(gdtr), CF(idtr), CF(ldtr), CF(tr),
    CF(tsc_offset),
    CFPU(st), CFPU(cw), CFPU(sw), CFPU(tw), CFPU(fop), CFPU(fip), CFPU(fdp), CFPU(fcs), CFPU(fds),
    CFPU(ferr_level),
    CF(sysenter_cs), CF(sysenter_esp), CF(sysenter_eip), CF(mtrr_var), CF(mtrr_fixed),
    CF(mtrr_deftype), CF(perfctr), CF(perfevtsel),
    CF(halted), CF(shutdown), CF(inhibit_irq), CF(inhibit_eip), CF(dbg_pending), CF(nmi_pending),
    CF(nmi_blocked), CF_SINCE(irq_injected, 2), CF_SINCE(irq_vector, 2),
};
#define N_CPU_FIELDS (sizeof cpu_fields / sizeof cpu_fields[0])

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

/* ---- writing ---- */

static void put(FILE *f, const void *p, size_t n) { fwrite(p, 1, n, f); }
static void put_u16(FILE *f, uint16_t v) { uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)}; put(f, b, 2); }
static void put_u32(FILE *f, uint32_t v)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++) b[i] = (uint8_t)(v >> (8 * i));
    put(f, b, 4);
}
static void put_u64(FILE *f, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i));
    put(f, b, 8);
}
static void put_name(FILE *f, const char *s)
{
    put_u16(f, (uint16_t)strlen(s));
    put(f, s, strlen(s));
}

/* A section: its payload is built in memory first, for its length. */
typedef struct Section {
    char *buf;
    size_t len;
    FILE *f;
} Section;

static bool sec_open(Section *s)
{
    s->buf = NULL;
    s->len = 0;
    s->f = open_memstream(&s->buf, &s->len);
    return s->f != NULL;
}

static bool sec_close(FILE *out, Section *s, const char *name)
{
    bool ok = fclose(s->f) == 0;
    if (ok) {
        put_name(out, name);
        put_u64(out, s->len);
        put(out, s->buf, s->len);
    }
    free(s->buf);
    return ok;
}

static void write_cpu(FILE *f, const CPUState *st)
{
    for (size_t i = 0; i < N_CPU_FIELDS; i++) {
        put_name(f, cpu_fields[i].name);
        put_u32(f, (uint32_t)cpu_fields[i].size);
        put(f, (const uint8_t *)st + cpu_fields[i].offset, cpu_fields[i].size);
    }
    put_u16(f, 0);
}

static void write_ram(FILE *f, const Memory *mem)
{
    static const uint8_t zero[PAGE_SIZE];
    for (uint32_t a = 0; a < mem->ram_size; a += PAGE_SIZE) {
        const uint8_t *p = mem->ram + a;
        if (memcmp(p, zero, PAGE_SIZE) == 0) {
            fputc(0, f);
        } else {
            fputc(1, f);
            put(f, p, PAGE_SIZE);
        }
    }
}

bool machine_savevm(Machine *m, const char *path, char *err, size_t errlen)
{
    PC *pc = m->pc;
    char tmp[4200];
    /* Written beside the target and renamed over it: a failed or
     * interrupted save never leaves a half-written state under the name. */
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
        snprintf(err, errlen, "%s: path too long", path);
        return false;
    }
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    put(f, SAVEVM_MAGIC, 8);
    put_u32(f, SAVEVM_VERSION);
    Section s;
    bool ok = true;

    ok = ok && sec_open(&s);
    if (ok) {
        put_u32(s.f, pc->mem.ram_size);
        put_u32(s.f, pc->mem.rom_size);
        put_u32(s.f, fnv1a(pc->mem.rom, pc->mem.rom_size));
        ok = sec_close(f, &s, "machine");
    }
    ok = ok && sec_open(&s);
    if (ok) {
        CPUState st;
        engine_get_state(m->engine, &st);
        write_cpu(s.f, &st);
        ok = sec_close(f, &s, "cpu");
    }
    ok = ok && sec_open(&s);
    if (ok) {
        write_ram(s.f, &pc->mem);
        ok = sec_close(f, &s, "ram");
    }
    ok = ok && sec_open(&s);
    if (ok) {
        vmstate_save_devices(s.f, pc);
        ok = sec_close(f, &s, "devices");
    }
    ok = ok && sec_open(&s) && sec_close(f, &s, "end");
    if (fflush(f) != 0 || ferror(f)) ok = false;
    if (fclose(f) != 0) ok = false;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, errno ? strerror(errno) : "write failed");
        remove(tmp);
        return false;
    }
    return true;
}

/* ---- reading ---- */

typedef struct Reader {
    const uint8_t *p;
    size_t n, pos;
    bool bad;
} Reader;

static const uint8_t *take(Reader *r, size_t n)
{
    if (r->bad || r->n - r->pos < n) {
        r->bad = true;
        return NULL;
    }
    const uint8_t *p = r->p + r->pos;
    r->pos += n;
    return p;
}
static uint64_t get_le(Reader *r, int n)
{
    const uint8_t *p = take(r, (size_t)n);
    uint64_t v = 0;
    if (p)
        for (int i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}
/* A name into buf (NUL-terminated); false if truncated or too long. */
static bool get_name(Reader *r, char *buf, size_t len)
{
    size_t n = (size_t)get_le(r, 2);
    const uint8_t *p = take(r, n);
    if (!p || n >= len) return false;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return true;
}

static bool read_cpu(Reader *r, uint32_t version, CPUState *st, char *err, size_t errlen)
{
    bool seen[N_CPU_FIELDS] = {false};
    char name[64];
    for (;;) {
        if (!get_name(r, name, sizeof name)) {
            snprintf(err, errlen, "truncated CPU section");
            return false;
        }
        if (!name[0]) break;
        uint32_t size = (uint32_t)get_le(r, 4);
        const uint8_t *p = take(r, size);
        if (!p) {
            snprintf(err, errlen, "truncated CPU section");
            return false;
        }
        size_t i = 0;
        while (i < N_CPU_FIELDS && strcmp(cpu_fields[i].name, name) != 0) i++;
        if (i == N_CPU_FIELDS) {
            snprintf(err, errlen, "CPU field '%s' is not known to this xlat86", name);
            return false;
        }
        if (size != cpu_fields[i].size) {
            snprintf(err, errlen, "CPU field '%s' has %u bytes, this xlat86 expects %zu", name, size,
                     cpu_fields[i].size);
            return false;
        }
        memcpy((uint8_t *)st + cpu_fields[i].offset, p, size);
        seen[i] = true;
    }
    for (size_t i = 0; i < N_CPU_FIELDS; i++) {
        if (!seen[i] && cpu_fields[i].since > version) {
            memset((uint8_t *)st + cpu_fields[i].offset, 0, cpu_fields[i].size);   /* none, false */
            continue;
        }
        if (!seen[i]) {
            snprintf(err, errlen, "CPU field '%s' is missing", cpu_fields[i].name);
            return false;
        }
    }
    return true;
}

static bool read_ram(Reader *r, Memory *mem)
{
    for (uint32_t a = 0; a < mem->ram_size; a += PAGE_SIZE) {
        const uint8_t *k = take(r, 1);
        if (!k || *k > 1) return false;
        if (*k == 0) {
            memset(mem->ram + a, 0, PAGE_SIZE);
        } else {
            const uint8_t *p = take(r, PAGE_SIZE);
            if (!p) return false;
            memcpy(mem->ram + a, p, PAGE_SIZE);
        }
    }
    return r->pos == r->n;
}

static uint8_t *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s", strerror(errno));
        return NULL;
    }
    uint8_t *buf = vm_read_all(f, len);
    fclose(f);
    if (!buf) snprintf(err, errlen, "read error or out of memory");
    return buf;
}

typedef struct Section2 {
    const uint8_t *p;
    size_t n;
} Section2;

/* Find the sections; false with a reason if the file is not a whole,
 * known state file. */
enum { NSEC = 5 };

static bool parse(const uint8_t *buf, size_t len, Section2 sec[NSEC], uint32_t *version_out, char *err,
                  size_t errlen)
{
    static const char *const names[NSEC] = {"machine", "cpu", "ram", "devices", "end"};
    Reader r = {buf, len, 0, false};
    const uint8_t *magic = take(&r, 8);
    if (!magic || memcmp(magic, SAVEVM_MAGIC, 8) != 0) {
        snprintf(err, errlen, "not an xlat86 machine state");
        return false;
    }
    uint32_t version = (uint32_t)get_le(&r, 4);
    if (r.bad) {
        snprintf(err, errlen, "truncated state file");
        return false;
    }
    if (version < 1 || version > SAVEVM_VERSION) {
        snprintf(err, errlen, "state format version %u; this xlat86 reads versions 1 to %u", version,
                 SAVEVM_VERSION);
        return false;
    }
    *version_out = version;
    for (int i = 0; i < NSEC; i++) {
        char name[32];
        if (!get_name(&r, name, sizeof name)) {
            snprintf(err, errlen, "truncated state file");
            return false;
        }
        if (strcmp(name, names[i]) != 0) {
            snprintf(err, errlen, "section '%s' where '%s' was expected", name, names[i]);
            return false;
        }
        uint64_t n = get_le(&r, 8);
        const uint8_t *p = n <= len ? take(&r, (size_t)n) : NULL;
        if (!p) {
            snprintf(err, errlen, "truncated state file");
            return false;
        }
        sec[i].p = p;
        sec[i].n = (size_t)n;
    }
    if (r.pos != len) {
        snprintf(err, errlen, "trailing bytes after the end of the state");
        return false;
    }
    return true;
}

bool machine_loadvm(Machine *m, const char *path, char *err, size_t errlen)
{
    PC *pc = m->pc;
    char why[512];
    size_t len = 0;
    uint8_t *buf = slurp(path, &len, why, sizeof why);
    bool ok = false;
    Section2 sec[NSEC];
    uint32_t version = 0;
    if (!buf) goto out;
    if (!parse(buf, len, sec, &version, why, sizeof why)) goto out;

    Reader r = {sec[0].p, sec[0].n, 0, false};
    uint32_t ram = (uint32_t)get_le(&r, 4), rom = (uint32_t)get_le(&r, 4), sum = (uint32_t)get_le(&r, 4);
    if (r.bad) {
        snprintf(why, sizeof why, "truncated machine section");
        goto out;
    }
    if (ram != pc->mem.ram_size) {
        snprintf(why, sizeof why, "saved with %u MiB of RAM, this machine has %u MiB (-m)", ram >> 20,
                 pc->mem.ram_size >> 20);
        goto out;
    }
    if (rom != pc->mem.rom_size || sum != fnv1a(pc->mem.rom, pc->mem.rom_size)) {
        snprintf(why, sizeof why, "saved with other firmware (-bios) than this machine's");
        goto out;
    }
    CPUState st;
    engine_get_state(m->engine, &st);
    r = (Reader){sec[1].p, sec[1].n, 0, false};
    if (!read_cpu(&r, version, &st, why, sizeof why)) goto out;
    if (sec[2].n < pc->mem.ram_size / PAGE_SIZE) {
        snprintf(why, sizeof why, "truncated RAM section");
        goto out;
    }
    /* From here on the machine changes. */
    r = (Reader){sec[2].p, sec[2].n, 0, false};
    if (!read_ram(&r, &pc->mem)) {
        snprintf(why, sizeof why, "corrupt RAM section (the machine's RAM is now undefined)");
        goto out;
    }
    char derr[400];
    bool dok = vm_load_buffer(&pc->vm, sec[3].p, sec[3].n, derr, sizeof derr);
    if (!dok) {
        snprintf(why, sizeof why, "devices: %s (the machine's state is now undefined)", derr);
        goto out;
    }
    /* Everything translated or cached from the old memory goes. */
    engine_flush(m->engine);
    engine_set_state(m->engine, &st);
    pc->reset_requested = false;
    pc->exit_requested = false;
    ok = true;
out:
    if (!ok) snprintf(err, errlen, "%s: %s", path, why);
    free(buf);
    return ok;
}
