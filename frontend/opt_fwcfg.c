/* opt_fwcfg.c - QEMU's -fw_cfg [name=]NAME,file=FILE | name=NAME,string=STR:
 * parsing (pure, for options.c) and reading the items for the board.
 * As in QEMU, a string item is its bytes without a terminating NUL, and
 * the name is at most 55 characters. Values cannot contain commas. */
#include "options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pc_platform.h"

#define FWCFG_NAME_MAX 56

int opt_fw_cfg(Options *o, const char *arg, char *err, size_t errlen)
{
    char buf[OPT_SPEC_MAX + 128];
    const char *name = NULL, *file = NULL, *str = NULL;
    if (strlen(arg) >= sizeof buf) {
        snprintf(err, errlen, "-fw_cfg: argument too long");
        return -1;
    }
    if (o->n_fw_cfg == OPT_MAX_FW_CFG) {
        snprintf(err, errlen, "-fw_cfg %s: at most %d items", arg, OPT_MAX_FW_CFG);
        return -1;
    }
    strcpy(buf, arg);
    char *save = NULL;
    bool first = true;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save), first = false) {
        char *eq = strchr(t, '=');
        if (!eq && first) {
            name = t;                    /* QEMU's implied name= */
            continue;
        }
        if (!eq) {
            snprintf(err, errlen, "-fw_cfg %s: '%s' needs a value", arg, t);
            return -1;
        }
        *eq = '\0';
        if (!strcmp(t, "name"))
            name = eq + 1;
        else if (!strcmp(t, "file"))
            file = eq + 1;
        else if (!strcmp(t, "string"))
            str = eq + 1;
        else {
            snprintf(err, errlen, "-fw_cfg %s: unknown parameter '%s'", arg, t);
            return -1;
        }
    }
    if (!name || !name[0]) {
        snprintf(err, errlen, "-fw_cfg %s: name= is required", arg);
        return -1;
    }
    if (strlen(name) >= FWCFG_NAME_MAX) {
        snprintf(err, errlen, "-fw_cfg %s: name longer than %d characters", arg,
                 FWCFG_NAME_MAX - 1);
        return -1;
    }
    if ((file != NULL) == (str != NULL)) {
        snprintf(err, errlen, "-fw_cfg %s: give exactly one of file= and string=", arg);
        return -1;
    }
    if (file && !file[0]) {
        snprintf(err, errlen, "-fw_cfg %s: empty file name", arg);
        return -1;
    }
    OptFwCfg *f = &o->fw_cfg[o->n_fw_cfg++];
    snprintf(f->name, sizeof f->name, "%s", name);
    snprintf(f->value, sizeof f->value, "%s", file ? file : str);
    f->is_file = file != NULL;
    return 0;
}

#define FWCFG_FILE_MAX (64u << 20)

bool opt_fw_cfg_load(const Options *o, PCFwCfgFile *items, uint8_t **bufs, char *err,
                     size_t errlen)
{
    for (int i = 0; i < o->n_fw_cfg; i++) {
        const OptFwCfg *f = &o->fw_cfg[i];
        items[i].name = f->name;
        if (!f->is_file) {
            items[i].data = (const uint8_t *)f->value;
            items[i].len = (uint32_t)strlen(f->value);
            continue;
        }
        struct stat sb;
        if (stat(f->value, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > FWCFG_FILE_MAX) {
            snprintf(err, errlen, "-fw_cfg name=%s,file=%s: %s", f->name, f->value,
                     stat(f->value, &sb) != 0 ? strerror(errno)
                     : !S_ISREG(sb.st_mode)   ? "not a regular file"
                                              : "larger than 64 MiB");
            return false;
        }
        FILE *fp = fopen(f->value, "rb");
        bufs[i] = malloc(sb.st_size ? (size_t)sb.st_size : 1);
        size_t got = fp && bufs[i] ? fread(bufs[i], 1, (size_t)sb.st_size, fp) : 0;
        if (fp)
            fclose(fp);
        if (!bufs[i] || got != (size_t)sb.st_size) {
            snprintf(err, errlen, "-fw_cfg name=%s,file=%s: cannot read it", f->name, f->value);
            return false;
        }
        items[i].data = bufs[i];
        items[i].len = (uint32_t)sb.st_size;
    }
    return true;
}
