/* fwcfg.h - QEMU's firmware configuration device, I/O port interface
 * (QEMU docs/specs/fw_cfg.rst): 0x510 selector (16-bit write), 0x511
 * data (byte reads advance through the selected item; past its end reads
 * 0), 0x514 DMA address (big-endian 64-bit, written as two 32-bit halves;
 * writing the low half at 0x518 starts the transfer).
 *
 * Items: FW_CFG_SIGNATURE "QEMU", FW_CFG_ID (bit 0 traditional interface,
 * bit 1 DMA), UUID, RAM_SIZE (LE64), NOGRAPHIC, NB_CPUS, MAX_CPUS,
 * BOOT_MENU (LE16), and the file directory (key 0x19: BE32 count, then per
 * file BE32 size, BE16 select key, BE16 reserved, 56-byte name), whose
 * files get keys from 0x20 in name order, as QEMU sorts them.
 */
#ifndef XLAT86_FWCFG_H
#define XLAT86_FWCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iobus.h"
#include "memory.h"
#include "vmstate.h"

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_PORT_DMA 0x514

enum {
    FW_CFG_SIGNATURE = 0x00, FW_CFG_ID = 0x01, FW_CFG_UUID = 0x02, FW_CFG_RAM_SIZE = 0x03,
    FW_CFG_NOGRAPHIC = 0x04, FW_CFG_NB_CPUS = 0x05, FW_CFG_MACHINE_ID = 0x06,
    FW_CFG_NUMA = 0x0d, FW_CFG_BOOT_MENU = 0x0e, FW_CFG_MAX_CPUS = 0x0f,
    FW_CFG_FILE_DIR = 0x19, FW_CFG_FILE_FIRST = 0x20,
};
#define FW_CFG_ID_TRADITIONAL 1u
#define FW_CFG_ID_DMA 2u
/* DMA control bits */
#define FW_CFG_DMA_ERROR 0x01u
#define FW_CFG_DMA_READ 0x02u
#define FW_CFG_DMA_SKIP 0x04u
#define FW_CFG_DMA_SELECT 0x08u
#define FW_CFG_DMA_WRITE 0x10u

#define FW_CFG_MAX_FILES 32
#define FW_CFG_NAME_MAX 56
#define FW_CFG_LEGACY_KEYS 0x20

typedef struct FWCfgItem {
    uint8_t *data;
    uint32_t len;
} FWCfgItem;

typedef struct FWCfg {
    uint16_t key;                      /* selected item */
    uint32_t offset;                   /* next byte of it */
    uint32_t dma_addr_hi;
    FWCfgItem legacy[FW_CFG_LEGACY_KEYS];
    FWCfgItem file[FW_CFG_MAX_FILES];  /* key FW_CFG_FILE_FIRST + i, sorted by name */
    char name[FW_CFG_MAX_FILES][FW_CFG_NAME_MAX];
    int n_files;
    Memory *mem;                       /* for DMA (NULL: no DMA interface) */
} FWCfg;

/* An empty device with the signature, ID and the directory. */
void fwcfg_init(FWCfg *f, IOBus *io, Memory *mem);
void fwcfg_free(FWCfg *f);
/* Copy data in as a legacy key (< 0x20) or a named file. False when the
 * key is out of range, the name is too long, or the table is full; a file
 * added twice replaces the first one. */
bool fwcfg_add_bytes(FWCfg *f, uint16_t key, const void *data, uint32_t len);
bool fwcfg_add_i16(FWCfg *f, uint16_t key, uint16_t v);
bool fwcfg_add_i32(FWCfg *f, uint16_t key, uint32_t v);
bool fwcfg_add_i64(FWCfg *f, uint16_t key, uint64_t v);
bool fwcfg_add_file(FWCfg *f, const char *name, const void *data, uint32_t len);
/* The item a key selects (NULL if none). */
const FWCfgItem *fwcfg_item(const FWCfg *f, uint16_t key);
/* Port access as the guest does it. */
void fwcfg_select(FWCfg *f, uint16_t key);
uint8_t fwcfg_read_byte(FWCfg *f);

extern const VMStateDesc fwcfg_vmstate;

#endif
