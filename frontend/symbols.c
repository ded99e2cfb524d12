/* symbols.c - ELF symbol tables for the debuggers (see symbols.h). */
#include "symbols.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int by_addr(const void *a, const void *b)
{
    const Symbol *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr ? 1 : 0;
}

static bool push(Symbols *s, const char *name, uint32_t addr, uint32_t size)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        Symbol *v = realloc(s->v, cap * sizeof *v);
        if (!v) return false;
        s->v = v;
        s->cap = cap;
    }
    char *n = strdup(name);
    if (!n) return false;
    s->v[s->n++] = (Symbol){n, addr, size};
    return true;
}

bool sym_load_elf(Symbols *s, const char *path, uint32_t offset, char *err, size_t errlen)
{
    if (elf_version(EV_CURRENT) == EV_NONE) {
        snprintf(err, errlen, "libelf is unusable");
        return false;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open", path);
        return false;
    }
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    bool ok = false;
    size_t added = 0;
    if (!elf || elf_kind(elf) != ELF_K_ELF) {
        snprintf(err, errlen, "%s: not an ELF file", path);
        goto out;
    }
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn));) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize) continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        if (!data) continue;
        size_t count = sh.sh_size / sh.sh_entsize;
        for (size_t i = 0; i < count; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(data, (int)i, &sym)) continue;
            int type = GELF_ST_TYPE(sym.st_info);
            if ((type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE) || sym.st_shndx == SHN_UNDEF ||
                sym.st_shndx == SHN_ABS)
                continue;
            const char *name = elf_strptr(elf, sh.sh_link, sym.st_name);
            if (!name || !*name || name[0] == '.' || strchr(name, '$')) continue;
            if (!push(s, name, (uint32_t)sym.st_value + offset, (uint32_t)sym.st_size)) goto out;
            added++;
        }
    }
    if (!added) {
        snprintf(err, errlen, "%s: no symbols", path);
        goto out;
    }
    qsort(s->v, s->n, sizeof *s->v, by_addr);
    ok = true;
out:
    if (elf) elf_end(elf);
    close(fd);
    return ok;
}

void sym_free(Symbols *s)
{
    for (size_t i = 0; i < s->n; i++) free(s->v[i].name);
    free(s->v);
    memset(s, 0, sizeof *s);
}

bool sym_lookup(const Symbols *s, const char *name, uint32_t *addr)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i].name, name)) {
            *addr = s->v[i].addr;
            return true;
        }
    return false;
}

const Symbol *sym_find(const Symbols *s, uint32_t addr, uint32_t *off)
{
    size_t lo = 0, hi = s->n;   /* the last symbol with v.addr <= addr */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->v[mid].addr <= addr) lo = mid + 1;
        else hi = mid;
    }
    if (!lo) return NULL;
    const Symbol *sym = &s->v[lo - 1];
    /* Prefer a sized symbol at the same address (functions over labels). */
    for (size_t i = lo - 1; i > 0 && s->v[i - 1].addr == sym->addr; i--)
        if (!sym->size && s->v[i - 1].size) sym = &s->v[i - 1];
    uint32_t d = addr - sym->addr;
    if (sym->size ? d >= sym->size : d >= 0x10000) return NULL;
    *off = d;
    return sym;
}

void sym_format(const Symbols *s, uint32_t addr, char *buf, size_t len)
{
    uint32_t off;
    const Symbol *sym = sym_find(s, addr, &off);
    if (!sym) snprintf(buf, len, "%s", "");
    else if (off) snprintf(buf, len, "%s+0x%x", sym->name, off);
    else snprintf(buf, len, "%s", sym->name);
}
