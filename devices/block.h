/* block.h - the block backend: a raw image file under a disk device.
 *
 * An image is opened read-only or read-write. A writable image is locked
 * the way QEMU locks its images (open file description locks on bytes 100+
 * and 200+ of the file: "this opener uses permission N" and "this opener
 * does not share permission N"), so a second xlat86 or a QEMU opening it
 * for writing gets a clear error, and we get one when QEMU holds it.
 *
 * Writes go to the file at once with one pwrite of whole sectors (the
 * caller's sector size divides every offset and length), so a process
 * killed in the middle of a guest write leaves each sector old or new: a
 * regular-file write is copied page by page and a fatal signal can only
 * cut it at a page boundary, which is a sector boundary. FLUSH
 * (block_flush) and close call fsync.
 *
 * With snapshot (-snapshot, snapshot=on) the file is opened read-only and
 * writes go to an in-memory overlay of 64 KiB chunks with a per-sector
 * valid bitmap; reads merge it. The file is never modified.
 */
#ifndef XLAT86_BLOCK_H
#define XLAT86_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BLOCK_SECTOR 512u
#define BLOCK_CHUNK (64u * 1024u)

typedef struct BlockChunk {
    uint64_t valid[BLOCK_CHUNK / BLOCK_SECTOR / 64];   /* one bit per 512-byte sector */
    uint8_t data[BLOCK_CHUNK];
} BlockChunk;

typedef struct BlockDev {
    int fd;
    char path[256];               /* for messages (truncated) */
    uint64_t size;                /* bytes */
    bool readonly;                /* guest writes refused */
    bool snapshot;                /* guest writes go to the overlay */
    BlockChunk **overlay;         /* snapshot: size / BLOCK_CHUNK (+1) chunk pointers */
    size_t n_chunks;
    uint64_t writes;              /* statistics: sectors written */
} BlockDev;

/* Open path. readonly: no guest writes (the file is opened O_RDONLY);
 * snapshot: writes to memory. A directory, an unreadable or empty file,
 * a lock conflict: false and one line in err (no "xlat86: " prefix). A
 * file the user cannot write, or one without any write permission bit
 * (also for root), is opened read-only when `readonly_ok` (the caller
 * accepts a write-protected medium), else refused. */
BlockDev *block_open(const char *path, bool readonly, bool snapshot, bool readonly_ok,
                     char *err, size_t errlen);
void block_close(BlockDev *b);

/* Byte-granular I/O at a multiple of 512 (offset and length). False on
 * an I/O error, a range past the end or (write) a read-only image. */
bool block_read(BlockDev *b, uint64_t offset, void *buf, size_t len);
bool block_write(BlockDev *b, uint64_t offset, const void *buf, size_t len);
/* fsync the file (nothing to do for an overlay). */
bool block_flush(BlockDev *b);

#endif
