/* vmstate.c - device registry, reset and state save/load (see vmstate.h). */
#include "vmstate.h"

#include <stdlib.h>
#include <string.h>

#include "pc.h"

#define FORMAT 1
static const char MAGIC[8] = {'X', 'L', 'A', 'T', '8', '6', 'V', 'M'};
static const char END[4] = {'E', 'N', 'D', '!'};
#define NOT_ARMED INT64_MIN

void vm_registry_init(VMRegistry *r, Clock *clock)
{
    memset(r, 0, sizeof(*r));
    r->clock = clock;
}

static VMDevice *find_dev(VMRegistry *r, const char *name, size_t len)
{
    for (int i = 0; i < r->n; i++) {
        if (strlen(r->dev[i].name) == len && memcmp(r->dev[i].name, name, len) == 0)
            return &r->dev[i];
    }
    return NULL;
}

bool vm_register(VMRegistry *r, const char *name, const VMStateDesc *desc, void *opaque)
{
    size_t len = strlen(name);
    if (r->n >= VM_MAX_DEVICES || len > VM_NAME_MAX || find_dev(r, name, len))
        return false;
    VMDevice *d = &r->dev[r->n++];
    memcpy(d->name, name, len + 1);
    d->desc = desc;
    d->opaque = opaque;
    return true;
}

void vm_reset_all(VMRegistry *r)
{
    for (int i = 0; i < r->n; i++) {
        if (r->dev[i].desc->reset)
            r->dev[i].desc->reset(r->dev[i].opaque);
    }
}

/* ---- save ---- */

static bool put(FILE *f, const void *p, size_t n)
{
    return fwrite(p, 1, n, f) == n;
}

static bool put_u32(FILE *f, uint32_t v)
{
    return put(f, &v, 4);
}

static bool put_str(FILE *f, const char *s)
{
    uint16_t n = (uint16_t)strlen(s);
    return put(f, &n, 2) && put(f, s, n);
}

static int n_fields(const VMStateDesc *d)
{
    int n = 0;
    while (d->fields && d->fields[n].name)
        n++;
    return n;
}

bool vm_save(VMRegistry *r, FILE *f)
{
    bool ok = put(f, MAGIC, sizeof MAGIC) && put_u32(f, FORMAT) && put_u32(f, (uint32_t)r->n);
    for (int i = 0; ok && i < r->n; i++) {
        VMDevice *d = &r->dev[i];
        if (d->desc->pre_save)
            d->desc->pre_save(d->opaque);
        int nf = n_fields(d->desc);
        ok = put_str(f, d->name) && put_u32(f, d->desc->version) && put_u32(f, (uint32_t)nf);
        for (int j = 0; ok && j < nf; j++) {
            const VMField *fl = &d->desc->fields[j];
            const uint8_t *p = (const uint8_t *)d->opaque + fl->offset;
            ok = put_str(f, fl->name) && put_u32(f, (uint32_t)fl->size);
            if (!ok)
                break;
            if (fl->kind == VMF_KIND_TIMER) {
                const Timer *t = (const Timer *)p;
                int64_t v = t->active ? t->deadline : NOT_ARMED;
                ok = put(f, &v, sizeof v);
            } else {
                ok = put(f, p, fl->size);
            }
        }
    }
    return ok && put(f, END, sizeof END) && fflush(f) == 0;
}

/* ---- load ---- */

typedef struct Reader {
    const uint8_t *p, *end;
} Reader;

static const uint8_t *take(Reader *rd, size_t n)
{
    if ((size_t)(rd->end - rd->p) < n)
        return NULL;
    const uint8_t *p = rd->p;
    rd->p += n;
    return p;
}

static bool get_u32(Reader *rd, uint32_t *v)
{
    const uint8_t *p = take(rd, 4);
    if (p)
        memcpy(v, p, 4);
    return p != NULL;
}

static bool get_str(Reader *rd, const char **s, uint16_t *len)
{
    const uint8_t *p = take(rd, 2);
    if (!p)
        return false;
    memcpy(len, p, 2);
    *s = (const char *)take(rd, *len);
    return *s != NULL;
}

static const VMField *find_field(const VMStateDesc *d, const char *name, size_t len)
{
    for (int i = 0; d->fields && d->fields[i].name; i++) {
        if (strlen(d->fields[i].name) == len && memcmp(d->fields[i].name, name, len) == 0)
            return &d->fields[i];
    }
    return NULL;
}

/* Walk the stream; with apply false only check it, with apply true
 * (after a successful check) copy the values in. */
static bool walk(VMRegistry *r, const uint8_t *buf, size_t len, bool apply, char *err,
                 size_t errlen)
{
    Reader rd = {buf, buf + len};
    const uint8_t *magic = take(&rd, sizeof MAGIC);
    uint32_t format, nsec;
    if (!magic || memcmp(magic, MAGIC, sizeof MAGIC) != 0) {
        snprintf(err, errlen, "not an xlat86 device state (bad magic)");
        return false;
    }
    if (!get_u32(&rd, &format) || !get_u32(&rd, &nsec)) {
        snprintf(err, errlen, "device state truncated in its header");
        return false;
    }
    if (format != FORMAT) {
        snprintf(err, errlen, "device state format %u, this build reads format %u", format,
                 FORMAT);
        return false;
    }
    bool seen[VM_MAX_DEVICES] = {false};
    const char *last = "the header";
    int last_len = (int)strlen(last);
    for (uint32_t s = 0; s < nsec; s++) {
        const char *name;
        uint16_t nlen;
        uint32_t version, nf;
        if (!get_str(&rd, &name, &nlen) || !get_u32(&rd, &version) || !get_u32(&rd, &nf)) {
            snprintf(err, errlen, "device state truncated after %.*s", last_len, last);
            return false;
        }
        last = name;
        last_len = nlen;
        VMDevice *d = find_dev(r, name, nlen);
        if (!d) {
            snprintf(err, errlen, "device state has device '%.*s', which this board does not have",
                     (int)nlen, name);
            return false;
        }
        int di = (int)(d - r->dev);
        if (seen[di]) {
            snprintf(err, errlen, "device state has device '%s' twice", d->name);
            return false;
        }
        seen[di] = true;
        if (version != d->desc->version) {
            snprintf(err, errlen, "device '%s': saved as version %u, this build has version %u",
                     d->name, version, d->desc->version);
            return false;
        }
        uint64_t got_fields = 0;
        for (uint32_t j = 0; j < nf; j++) {
            const char *fname;
            uint16_t flen;
            uint32_t size;
            const uint8_t *bytes = NULL;
            if (!get_str(&rd, &fname, &flen) || !get_u32(&rd, &size) ||
                !(bytes = take(&rd, size))) {
                snprintf(err, errlen, "device state truncated in device '%s'", d->name);
                return false;
            }
            const VMField *fl = find_field(d->desc, fname, flen);
            if (!fl) {
                snprintf(err, errlen, "device '%s': unknown field '%.*s'", d->name, (int)flen,
                         fname);
                return false;
            }
            if (size != fl->size) {
                snprintf(err, errlen, "device '%s' field '%s': %u bytes saved, %zu expected",
                         d->name, fl->name, size, fl->size);
                return false;
            }
            int fi = (int)(fl - d->desc->fields);
            if (fi < 64)
                got_fields |= 1ull << fi;
            if (!apply)
                continue;
            uint8_t *p = (uint8_t *)d->opaque + fl->offset;
            if (fl->kind == VMF_KIND_TIMER) {
                Timer *t = (Timer *)p;
                int64_t v;
                memcpy(&v, bytes, sizeof v);
                timer_del(r->clock, t);
                if (v != NOT_ARMED)
                    timer_mod(r->clock, t, v);
            } else if (fl->kind == VMF_KIND_BOOL) {
                for (uint32_t k = 0; k < size; k++) p[k] = bytes[k] != 0;
            } else {
                memcpy(p, bytes, size);
            }
        }
        int want = n_fields(d->desc);
        for (int fi = 0; fi < want && fi < 64; fi++) {
            if (!(got_fields & (1ull << fi))) {
                snprintf(err, errlen, "device '%s': field '%s' missing from the saved state",
                         d->name, d->desc->fields[fi].name);
                return false;
            }
        }
    }
    const uint8_t *end = take(&rd, sizeof END);
    if (!end || memcmp(end, END, sizeof END) != 0) {
        snprintf(err, errlen, "device state truncated after %.*s", last_len, last);
        return false;
    }
    for (int i = 0; i < r->n; i++) {
        if (!seen[i]) {
            snprintf(err, errlen, "device '%s' missing from the saved state", r->dev[i].name);
            return false;
        }
    }
    return true;
}

uint8_t *vm_read_all(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        uint8_t *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    if (buf && ferror(f)) {
        free(buf);
        buf = NULL;
    }
    *len = n;
    return buf;
}

bool vm_load_buffer(VMRegistry *r, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    bool ok = walk(r, buf, len, false, err, errlen);
    if (ok) {
        walk(r, buf, len, true, err, errlen);
        for (int i = 0; i < r->n; i++) {
            if (r->dev[i].desc->post_load)
                r->dev[i].desc->post_load(r->dev[i].opaque);
        }
    }
    return ok;
}

bool vm_load(VMRegistry *r, FILE *f, char *err, size_t errlen)
{
    size_t len;
    uint8_t *buf = vm_read_all(f, &len);
    if (!buf) {
        snprintf(err, errlen, "error reading the device state");
        return false;
    }
    bool ok = vm_load_buffer(r, buf, len, err, errlen);
    free(buf);
    return ok;
}

bool vmstate_save_devices(FILE *f, PC *pc)
{
    return vm_save(&pc->vm, f);
}

bool vmstate_load_devices(FILE *f, PC *pc, char *err, size_t errlen)
{
    return vm_load(&pc->vm, f, err, errlen);
}

/* ---- the clock ---- */

static void clock_pre_save(void *opaque)
{
    Clock *c = opaque;
    c->saved_now = clock_now(c);
}

static void clock_post_load(void *opaque)
{
    Clock *c = opaque;
    /* Virtual time is never negative, and a foreign file's value must
     * leave room to count on (found by tests/fuzz, target vmstate). */
    if (c->saved_now < 0) c->saved_now = 0;
    if (c->saved_now > INT64_MAX / 4) c->saved_now = INT64_MAX / 4;
    clock_rebase(c, c->saved_now);
}

static const VMField clock_fields[] = {VMF(Clock, saved_now), VMF_END};
const VMStateDesc clock_vmstate = {1, clock_fields, NULL, clock_pre_save, clock_post_load};
