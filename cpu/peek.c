/* peek.c - side-effect-free guest memory views (see peek.h). */
#include "peek.h"

#include <string.h>

#include "cpu.h"
#include "devices/memory.h"

static bool peek_u32(struct Memory *mem, uint32_t phys, uint32_t *v)
{
    return peek_phys(mem, phys, v, 4) == 4;
}

bool peek_lin_to_phys(const CPUState *s, struct Memory *mem, uint32_t lin, uint32_t *phys)
{
    if (!(s->cr[0] & CR0_PG)) {
        *phys = mem_a20(mem, lin);
        return true;
    }
    uint32_t pde, pte;
    if (!peek_u32(mem, mem_a20(mem, (s->cr[3] & PAGE_MASK) | ((lin >> 20) & 0xffcu)), &pde)) return false;
    if (!(pde & 1u)) return false;
    if ((pde & 0x80u) && (s->cr[4] & CR4_PSE)) {
        *phys = mem_a20(mem, (pde & 0xffc00000u) | (lin & 0x003fffffu));
        return true;
    }
    if (!peek_u32(mem, mem_a20(mem, (pde & PAGE_MASK) | ((lin >> 10) & 0xffcu)), &pte)) return false;
    if (!(pte & 1u)) return false;
    *phys = mem_a20(mem, (pte & PAGE_MASK) | (lin & 0xfffu));
    return true;
}

size_t peek_phys(struct Memory *mem, uint32_t phys, void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        uint32_t a = mem_a20(mem, phys + (uint32_t)done);
        /* mem_page_ptr for reading: RAM and ROM pages only, no side
         * effects; MMIO and unmapped pages give NULL. */
        const uint8_t *host = mem_page_ptr(mem, a & PAGE_MASK, false);
        size_t chunk = PAGE_SIZE - (a & 0xfffu);
        if (chunk > n - done) chunk = n - done;
        if (!host) {
            /* MMIO whose device can be read without side effects (the
             * VGA window: QEMU's xp shows the screen there). */
            size_t i = 0;
            while (i < chunk && mem_mmio_peek(mem, a + (uint32_t)i, (uint8_t *)buf + done + i)) i++;
            done += i;
            if (i < chunk) break;
            continue;
        }
        memcpy((uint8_t *)buf + done, host + (a & 0xfffu), chunk);
        done += chunk;
    }
    return done;
}

size_t peek_lin(const CPUState *s, struct Memory *mem, uint32_t lin, void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        uint32_t l = lin + (uint32_t)done, phys;
        if (!peek_lin_to_phys(s, mem, l, &phys)) break;
        size_t chunk = PAGE_SIZE - (l & 0xfffu);
        if (chunk > n - done) chunk = n - done;
        size_t got = peek_phys(mem, phys, (uint8_t *)buf + done, chunk);
        done += got;
        if (got < chunk) break;
    }
    return done;
}

size_t poke_lin(const CPUState *s, struct Memory *mem, uint32_t lin, const void *buf, size_t n)
{
    size_t done = 0;
    for (; done < n; done++) {
        uint32_t phys;
        if (!peek_lin_to_phys(s, mem, lin + (uint32_t)done, &phys)) break;
        uint32_t page = mem_a20(mem, phys) / PAGE_SIZE;
        if (mem->kind[page] != PG_RAM) break;
        mem_write(mem, phys, ((const uint8_t *)buf)[done], 1);
    }
    return done;
}
