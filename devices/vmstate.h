/* vmstate.h - the board's device registry and device state save/load.
 *
 * Every device registers with the board (vm_register): an instance name
 * ("pit", "uart0"), and a VMStateDesc: its version, a field list, reset,
 * pre_save and post_load functions. pc_reset resets the devices in
 * registration order; vm_save writes each device as a tagged section and
 * vm_load reads them back.
 *
 * Fields are value members of the device struct, named by VMF(Type, member)
 * (an array of plain structs counts as one value; pointers and callbacks
 * never appear: they are wiring, rebuilt by the board). A Timer member is
 * named by VMF_TIMER: its deadline is saved (or "not armed") and the timer
 * re-armed on load. post_load recomputes what is derived from the fields
 * (an interrupt controller's INT output, a device's IRQ line, the memory
 * map after A20 changed) once every device has been loaded and the clock
 * rebased, so it may look at other devices.
 *
 * The stream: magic "XLAT86VM", u32 format, u32 number of sections; a
 * section is the device name, u32 version, u32 number of fields, and per
 * field its name, u32 size and the bytes (host byte order: a saved state
 * is for the same host architecture); then the magic "END!". Strings are a
 * u16 length and the bytes. A load checks the whole stream against the
 * board before changing anything, and fails with a one-line reason for a
 * truncated or foreign stream, a device missing from it or unknown to the
 * board, another version of a device, or a field missing, unknown or of
 * another size. Chardev backends, RAM contents and the CPU are not here.
 */
#ifndef XLAT86_VMSTATE_H
#define XLAT86_VMSTATE_H

#include <stdbool.h>
#include <string.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "clock.h"

/* VMF_KIND_BOOL: a bool member (found by _Generic); the loader stores 0/1
 * whatever byte the file holds (any other value is undefined behaviour). */
typedef enum VMFieldKind { VMF_KIND_VALUE, VMF_KIND_TIMER, VMF_KIND_BOOL } VMFieldKind;

typedef struct VMField {
    const char *name;
    size_t offset;
    size_t size;
    VMFieldKind kind;
} VMField;

#define VMF(Type, member)                                                            \
    {#member, offsetof(Type, member), sizeof(((Type *)0)->member),                   \
     _Generic(((Type *)0)->member, bool: VMF_KIND_BOOL, default: VMF_KIND_VALUE)}
#define VMF_TIMER(Type, member) {#member, offsetof(Type, member), sizeof(int64_t), VMF_KIND_TIMER}
#define VMF_END {NULL, 0, 0, VMF_KIND_VALUE}

typedef struct VMStateDesc {
    uint32_t version;
    const VMField *fields;             /* ends with VMF_END */
    void (*reset)(void *opaque);       /* machine reset; NULL: nothing */
    void (*pre_save)(void *opaque);    /* bring fields up to date; NULL: nothing */
    void (*post_load)(void *opaque);   /* recompute derived state; NULL: nothing */
} VMStateDesc;

/* For post_load: a bool inside a member saved as raw bytes (a struct or
 * an array) may hold any byte after loading a foreign file; read it as a
 * byte and store 0/1. */
static inline void vm_fix_bool(bool *b)
{
    unsigned char v;
    memcpy(&v, b, 1);
    *b = v != 0;
}

#define VM_MAX_DEVICES 32
#define VM_NAME_MAX 31

typedef struct VMDevice {
    char name[VM_NAME_MAX + 1];
    const VMStateDesc *desc;
    void *opaque;
} VMDevice;

typedef struct VMRegistry {
    VMDevice dev[VM_MAX_DEVICES];
    int n;
    Clock *clock;                      /* where VMF_TIMER timers are armed */
} VMRegistry;

void vm_registry_init(VMRegistry *r, Clock *clock);
/* False when the registry is full or the name is taken. */
bool vm_register(VMRegistry *r, const char *name, const VMStateDesc *desc, void *opaque);
/* Reset every device, in registration order. */
void vm_reset_all(VMRegistry *r);
bool vm_save(VMRegistry *r, FILE *f);
bool vm_load(VMRegistry *r, FILE *f, char *err, size_t errlen);
/* The same from bytes in memory (vm_load reads the stream into a buffer
 * with vm_read_all, which returns NULL on a read error or out of memory). */
bool vm_load_buffer(VMRegistry *r, const uint8_t *buf, size_t len, char *err, size_t errlen);
uint8_t *vm_read_all(FILE *f, size_t *len);

/* The board's registry (PC.vm). */
struct PC;
bool vmstate_save_devices(FILE *f, struct PC *pc);
bool vmstate_load_devices(FILE *f, struct PC *pc, char *err, size_t errlen);

/* The clock as a device: its virtual time (pre_save) and, on load,
 * clock_rebase to it. Register it first. */
extern const VMStateDesc clock_vmstate;

#endif
