/* options_disk.c - the disk options, in QEMU's spelling:
 *   -fda/-fdb FILE         floppy 0/1
 *   -hda..-hdd FILE        IDE 0..3 (primary master, slave, secondary ...)
 *   -cdrom FILE            IDE 2, media=cdrom
 *   -drive file=F,if=ide|floppy,index=N,media=disk|cdrom,format=raw,
 *          readonly=on|off,snapshot=on|off,bootindex=N
 *   -boot [order=]LETTERS[,menu=on|off]
 * A -drive without index takes the first free slot of its interface once
 * the whole command line is read (as QEMU does). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

static int dfail(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
    snprintf(err, errlen, fmt, a, b);
    return -1;
}

static int onoff(const char *v)
{
    if (!v || !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
        return 1;
    if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
        return 0;
    return -1;
}

/* The next "key=value" item of a comma list (",," is a literal comma);
 * *pos advances past it. False at the end. */
static bool next_item(const char *s, size_t *pos, char *key, size_t keylen, char *val,
                      size_t vallen, bool *has_val)
{
    if (!s[*pos])
        return false;
    char item[OPT_PATH_MAX + 64];
    size_t o = 0, i = *pos;
    for (; s[i]; i++) {
        if (s[i] == ',' && s[i + 1] == ',') {
            i++;
        } else if (s[i] == ',') {
            i++;
            break;
        }
        if (o + 1 < sizeof item)
            item[o++] = s[i];
    }
    item[o] = '\0';
    *pos = i;
    char *eq = strchr(item, '=');
    *has_val = eq != NULL;
    if (eq)
        *eq = '\0';
    size_t kl = strlen(item), vl = eq ? strlen(eq + 1) : 0;
    if (kl >= keylen)
        kl = keylen - 1;
    if (vl >= vallen)
        vl = vallen - 1;
    memcpy(key, item, kl);
    key[kl] = '\0';
    if (eq)
        memcpy(val, eq + 1, vl);
    val[vl] = '\0';
    return true;
}

static OptDrive *new_drive(Options *o, const char *opt, const char *arg, char *err,
                           size_t errlen)
{
    if (o->n_drives == OPT_MAX_DRIVES) {
        dfail(err, errlen, "-%s %s: too many drives (2 floppies and 4 IDE drives)", opt, arg);
        return NULL;
    }
    OptDrive *d = &o->drives[o->n_drives++];
    memset(d, 0, sizeof *d);
    d->index = -1;
    d->bootindex = -1;
    return d;
}

static int opt_drive(Options *o, const char *arg, char *err, size_t errlen)
{
    OptDrive *d = new_drive(o, "drive", arg, err, errlen);
    if (!d)
        return -1;
    d->iface = OPT_IF_IDE;
    size_t pos = 0;
    char key[32], val[OPT_PATH_MAX];
    bool has;
    while (next_item(arg, &pos, key, sizeof key, val, sizeof val, &has)) {
        if (!strcmp(key, "file")) {
            if (!val[0])
                return dfail(err, errlen, "-drive %s: empty file name%s", arg, "");
            snprintf(d->file, sizeof d->file, "%s", val);
        } else if (!strcmp(key, "if")) {
            if (!strcmp(val, "ide"))
                d->iface = OPT_IF_IDE;
            else if (!strcmp(val, "floppy"))
                d->iface = OPT_IF_FLOPPY;
            else
                return dfail(err, errlen, "-drive %s: if=%s is not supported (use ide or floppy)",
                             arg, val);
        } else if (!strcmp(key, "index")) {
            char *end;
            long n = strtol(val, &end, 10);
            if (!val[0] || *end || n < 0 || n > 3)
                return dfail(err, errlen, "-drive %s: index=%s: must be 0 to 3", arg, val);
            d->index = (int)n;
        } else if (!strcmp(key, "bootindex")) {
            /* QEMU's bootindex property (of -device ide-hd/ide-cd and
             * isa-fdc.bootindexA/B): the device's rank in fw_cfg "bootorder". */
            char *end;
            long n = strtol(val, &end, 10);
            if (!val[0] || *end || n < 0 || n > 9999)
                return dfail(err, errlen, "-drive %s: bootindex=%s: must be 0 to 9999", arg, val);
            d->bootindex = (int)n;
        } else if (!strcmp(key, "media")) {
            if (!strcmp(val, "disk"))
                d->cdrom = false;
            else if (!strcmp(val, "cdrom"))
                d->cdrom = true;
            else
                return dfail(err, errlen, "-drive %s: media=%s: use disk or cdrom", arg, val);
        } else if (!strcmp(key, "format")) {
            if (strcmp(val, "raw"))
                return dfail(err, errlen, "-drive %s: format=%s: only raw images are supported",
                             arg, val);
        } else if (!strcmp(key, "readonly") || !strcmp(key, "snapshot")) {
            int v = onoff(has ? val : NULL);
            if (v < 0)
                return dfail(err, errlen, "-drive %s: %s: use on or off", arg, key);
            if (key[0] == 'r')
                d->readonly = v;
            else
                d->snapshot = v;
        } else {
            return dfail(err, errlen, "-drive %s: unknown parameter '%s'", arg, key);
        }
    }
    if (!d->file[0])
        return dfail(err, errlen, "-drive %s: needs file=FILE%s", arg, "");
    if (d->iface == OPT_IF_FLOPPY && d->cdrom)
        return dfail(err, errlen, "-drive %s: a floppy drive cannot have media=cdrom%s", arg, "");
    if (d->iface == OPT_IF_FLOPPY && d->index > 1)
        return dfail(err, errlen, "-drive %s: floppy index must be 0 or 1%s", arg, "");
    return 0;
}

static int opt_boot(Options *o, const char *arg, char *err, size_t errlen)
{
    size_t pos = 0;
    char key[32], val[64];
    bool has;
    while (next_item(arg, &pos, key, sizeof key, val, sizeof val, &has)) {
        const char *letters = NULL;
        if (!has)
            letters = key;    /* legacy -boot cda */
        else if (!strcmp(key, "order") || !strcmp(key, "once"))
            letters = val;
        else if (!strcmp(key, "menu")) {
            int v = onoff(val);
            if (v < 0)
                return dfail(err, errlen, "-boot %s: menu=%s: use on or off", arg, val);
            o->boot_menu = v;
            continue;
        } else if (!strcmp(key, "strict") || !strcmp(key, "splash-time") ||
                   !strcmp(key, "reboot-timeout")) {
            continue;         /* accepted, no effect here */
        } else {
            return dfail(err, errlen, "-boot %s: unknown parameter '%s'", arg, key);
        }
        size_t n = strlen(letters);
        if (n == 0 || n > 3 || strspn(letters, "abcdn") != n)
            return dfail(err, errlen,
                         "-boot %s: order '%s': up to three of the letters a, b, c, d, n", arg,
                         letters);
        memcpy(o->boot_order, letters, n + 1);   /* n <= 3 < sizeof boot_order */
    }
    return 0;
}

int opt_disk(Options *o, const char *opt, const char *arg, char *err, size_t errlen)
{
    if (!strcmp(opt, "drive"))
        return opt_drive(o, arg, err, errlen);
    if (!strcmp(opt, "boot"))
        return opt_boot(o, arg, err, errlen);
    if (!arg[0])
        return dfail(err, errlen, "-%s: empty file name%s", opt, "");
    OptDrive *d = new_drive(o, opt, arg, err, errlen);
    if (!d)
        return -1;
    snprintf(d->file, sizeof d->file, "%s", arg);
    if (opt[0] == 'f') {
        d->iface = OPT_IF_FLOPPY;
        d->index = opt[2] - 'a';
    } else if (!strcmp(opt, "cdrom")) {
        d->iface = OPT_IF_IDE;
        d->index = 2;
        d->cdrom = true;
    } else {
        d->iface = OPT_IF_IDE;
        d->index = opt[2] - 'a';
    }
    return 0;
}

int opt_disk_finish(Options *o, char *err, size_t errlen)
{
    bool used[2][4] = {{false}};
    static const char *const ifname[2] = {"floppy", "ide"};
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < o->n_drives; i++) {
            OptDrive *d = &o->drives[i];
            int slots = d->iface == OPT_IF_FLOPPY ? 2 : 4;
            if (pass == 0 && d->index >= 0) {
                if (used[d->iface][d->index]) {
                    char idx[16];
                    snprintf(idx, sizeof idx, "%d", d->index);
                    return dfail(err, errlen, "drive index %s of if=%s is used twice", idx,
                                 ifname[d->iface]);
                }
                used[d->iface][d->index] = true;
            } else if (pass == 1 && d->index < 0) {
                for (int k = 0; k < slots && d->index < 0; k++) {
                    if (!used[d->iface][k]) {
                        used[d->iface][k] = true;
                        d->index = k;
                    }
                }
                if (d->index < 0)
                    return dfail(err, errlen, "%s: no free %s drive slot", d->file,
                                 ifname[d->iface]);
            }
        }
    }
    return 0;
}
