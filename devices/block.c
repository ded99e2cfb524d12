/* block.c - raw image files for the disk devices (see block.h). */
#define _GNU_SOURCE
#include "block.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* QEMU's image locking (block/file-posix.c): byte LOCK_PERM + i is read-
 * locked by an opener that uses permission i, byte LOCK_SHARED + i by one
 * that does not let others use it. Permission 0 is "consistent read", 1 is
 * "write". */
#define LOCK_PERM 100
#define LOCK_SHARED 200
#define PERM_READ 0
#define PERM_WRITE 1

static bool lock_byte(int fd, off_t at, short type, int cmd, short *found)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = at;
    fl.l_len = 1;
    if (fcntl(fd, cmd, &fl) != 0)
        return false;
    if (found)
        *found = fl.l_type;
    return true;
}

/* Someone else holds a lock on byte `at`. */
static bool byte_taken(int fd, off_t at)
{
    short found = F_UNLCK;
    if (!lock_byte(fd, at, F_WRLCK, F_OFD_GETLK, &found))
        return false;              /* no OFD locks here: nothing to honour */
    return found != F_UNLCK;
}

static bool take_locks(BlockDev *b, bool write, char *err, size_t errlen)
{
    if (write && (byte_taken(b->fd, LOCK_PERM + PERM_WRITE) ||
                  byte_taken(b->fd, LOCK_SHARED + PERM_WRITE) ||
                  byte_taken(b->fd, LOCK_SHARED + PERM_READ))) {
        snprintf(err, errlen,
                 "%s: image is in use by another process (failed to get \"write\" lock); "
                 "use readonly=on or -snapshot", b->path);
        return false;
    }
    bool ok = lock_byte(b->fd, LOCK_PERM + PERM_READ, F_RDLCK, F_OFD_SETLK, NULL);
    if (ok && write)
        ok = lock_byte(b->fd, LOCK_PERM + PERM_WRITE, F_RDLCK, F_OFD_SETLK, NULL) &&
             lock_byte(b->fd, LOCK_SHARED + PERM_WRITE, F_RDLCK, F_OFD_SETLK, NULL);
    if (!ok && (errno == EAGAIN || errno == EACCES)) {
        snprintf(err, errlen, "%s: image is in use by another process (lock conflict)", b->path);
        return false;
    }
    return true;                   /* a file system without locks: go on unlocked */
}

BlockDev *block_open(const char *path, bool readonly, bool snapshot, bool readonly_ok,
                     char *err, size_t errlen)
{
    BlockDev *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    b->fd = -1;
    snprintf(b->path, sizeof b->path, "%s", path);
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto fail;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: is a directory, not a disk image", path);
        goto fail;
    }
    bool want_write = !readonly && !snapshot;
    if (want_write && readonly_ok && !(st.st_mode & 0222)) {
        /* A file nobody may write (chmod a-w) is a write-protected medium,
         * also for root, whom open() would let write it. */
        readonly = true;
        want_write = false;
    }
    b->fd = open(path, (want_write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (b->fd < 0 && want_write && (errno == EACCES || errno == EROFS) && readonly_ok) {
        readonly = true;
        want_write = false;
        b->fd = open(path, O_RDONLY | O_CLOEXEC);
    }
    if (b->fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto fail;
    }
    if (fstat(b->fd, &st) != 0 || (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
        snprintf(err, errlen, "%s: not a regular file", path);
        goto fail;
    }
    off_t end = lseek(b->fd, 0, SEEK_END);
    if (end <= 0) {
        snprintf(err, errlen, "%s: image is empty", path);
        goto fail;
    }
    uint8_t probe[BLOCK_SECTOR];
    if (pread(b->fd, probe, 1, 0) != 1) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        goto fail;
    }
    b->size = (uint64_t)end;
    b->readonly = readonly;
    b->snapshot = snapshot;
    if (!take_locks(b, want_write, err, errlen))
        goto fail;
    if (snapshot) {
        b->n_chunks = (size_t)(b->size / BLOCK_CHUNK) + 1;
        b->overlay = calloc(b->n_chunks, sizeof *b->overlay);
        if (!b->overlay) {
            snprintf(err, errlen, "%s: out of memory", path);
            goto fail;
        }
    }
    return b;
fail:
    block_close(b);
    return NULL;
}

void block_close(BlockDev *b)
{
    if (!b)
        return;
    if (b->fd >= 0) {
        if (!b->readonly && !b->snapshot)
            fsync(b->fd);
        close(b->fd);              /* drops the OFD locks */
    }
    for (size_t i = 0; b->overlay && i < b->n_chunks; i++)
        free(b->overlay[i]);
    free(b->overlay);
    free(b);
}

static bool in_range(const BlockDev *b, uint64_t offset, size_t len)
{
    return offset % BLOCK_SECTOR == 0 && len % BLOCK_SECTOR == 0 && offset <= b->size &&
           len <= b->size - offset;
}

static bool file_read(BlockDev *b, uint64_t offset, uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = pread(b->fd, buf, len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n;
        offset += (uint64_t)n;
        len -= (size_t)n;
    }
    return true;
}

bool block_read(BlockDev *b, uint64_t offset, void *buf, size_t len)
{
    if (!in_range(b, offset, len))
        return false;
    if (!file_read(b, offset, buf, len))
        return false;
    if (!b->snapshot)
        return true;
    uint8_t *p = buf;
    for (size_t done = 0; done < len; done += BLOCK_SECTOR) {
        uint64_t at = offset + done;
        BlockChunk *c = b->overlay[at / BLOCK_CHUNK];
        unsigned s = (unsigned)(at % BLOCK_CHUNK / BLOCK_SECTOR);
        if (c && (c->valid[s / 64] >> (s % 64) & 1))
            memcpy(p + done, c->data + s * BLOCK_SECTOR, BLOCK_SECTOR);
    }
    return true;
}

bool block_write(BlockDev *b, uint64_t offset, const void *buf, size_t len)
{
    if (b->readonly || !in_range(b, offset, len))
        return false;
    const uint8_t *p = buf;
    uint64_t count = len / BLOCK_SECTOR;
    if (b->snapshot) {
        for (size_t done = 0; done < len; done += BLOCK_SECTOR) {
            uint64_t at = offset + done;
            BlockChunk **slot = &b->overlay[at / BLOCK_CHUNK];
            if (!*slot && !(*slot = calloc(1, sizeof **slot)))
                return false;
            unsigned s = (unsigned)(at % BLOCK_CHUNK / BLOCK_SECTOR);
            memcpy((*slot)->data + s * BLOCK_SECTOR, p + done, BLOCK_SECTOR);
            (*slot)->valid[s / 64] |= 1ull << (s % 64);
        }
    } else {
        /* One pwrite of whole sectors: see block.h for why a kill leaves
         * every sector old or new. */
        while (len) {
            ssize_t n = pwrite(b->fd, p, len, (off_t)offset);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return false;
            p += n;
            offset += (uint64_t)n;
            len -= (size_t)n;
        }
    }
    b->writes += count;
    return true;
}

bool block_flush(BlockDev *b)
{
    if (b->readonly || b->snapshot)
        return true;
    return fsync(b->fd) == 0;
}
