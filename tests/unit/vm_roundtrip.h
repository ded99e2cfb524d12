/* vm_roundtrip.h - save one device through the vmstate registry, scramble
 * it, load it back: the device tests' save/load round trip. */
#ifndef XLAT86_TEST_VM_ROUNDTRIP_H
#define XLAT86_TEST_VM_ROUNDTRIP_H

#include <stdio.h>
#include <string.h>

#include "vmstate.h"

/* Saves `dev` as `name`, calls scramble(dev) (which should change the
 * state, e.g. a reset), loads: returns true when the load succeeded. */
static inline bool vm_roundtrip(const char *name, const VMStateDesc *desc, void *dev,
                                void (*scramble)(void *dev))
{
    VMRegistry r;
    char err[256];
    vm_registry_init(&r, NULL);
    if (!vm_register(&r, name, desc, dev))
        return false;
    FILE *f = tmpfile();
    if (!f || !vm_save(&r, f))
        return false;
    scramble(dev);
    rewind(f);
    bool ok = vm_load(&r, f, err, sizeof err);
    if (!ok)
        fprintf(stderr, "vm_load: %s\n", err);
    fclose(f);
    return ok;
}

#endif
