/* symbols.h - guest symbol tables for the debuggers (ELF symtab via libelf):
 * from a -kernel Multiboot ELF and from the monitor's `symbol-file FILE
 * [OFFSET]`. Function and object symbols, looked up by name and by
 * address (the symbol at or below it). */
#ifndef XLAT86_SYMBOLS_H
#define XLAT86_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Symbol {
    char *name;
    uint32_t addr, size;
} Symbol;

typedef struct Symbols {
    Symbol *v;        /* sorted by address */
    size_t n, cap;
} Symbols;

/* Add the symbols of the ELF file at path, each moved by offset. False with
 * a one-line reason (not an ELF file, no symbol table). */
bool sym_load_elf(Symbols *s, const char *path, uint32_t offset, char *err, size_t errlen);
void sym_free(Symbols *s);
bool sym_lookup(const Symbols *s, const char *name, uint32_t *addr);
/* The symbol containing addr (or the nearest below, within 64 KiB when it
 * has no size); NULL if none. *off gets addr - symbol. */
const Symbol *sym_find(const Symbols *s, uint32_t addr, uint32_t *off);
/* "name" or "name+0x12" into buf, "" when no symbol. */
void sym_format(const Symbols *s, uint32_t addr, char *buf, size_t len);

#endif
