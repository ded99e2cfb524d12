/* watch.c - debugger watchpoints in the memory layer (see cpu.h).
 *
 * The engine keeps the list in CPU.watch; mem.c leaves watched linear
 * pages out of the read/write TLBs (so generated code takes its slow path
 * there and only there) and calls cpu_watch_check after each explicit
 * access that reached it. A match is recorded and ends the block after
 * the current instruction; the run loop then returns STOP_WATCHPOINT. */
#include "cpu.h"
#include "devices/memory.h"

bool cpu_watch_page(const CPU *cpu, uint32_t lin)
{
    uint32_t page = lin & PAGE_MASK;
    for (int i = 0; i < cpu->n_watch; i++) {
        const CPUWatch *w = &cpu->watch[i];
        uint32_t first = w->lin & PAGE_MASK, last = (w->lin + w->len - 1) & PAGE_MASK;
        if (first <= last ? (page >= first && page <= last) : (page >= first || page <= last)) return true;
    }
    return false;
}

void cpu_watch_check(CPU *cpu, uint32_t lin, int size, bool write)
{
    if (cpu->watch_hit) return;   /* the first access of the instruction wins */
    for (int i = 0; i < cpu->n_watch; i++) {
        const CPUWatch *w = &cpu->watch[i];
        if (!(w->kind & (write ? 1 : 2))) continue;
        /* Overlap of [lin, lin+size) and [w->lin, w->lin+len), mod 2^32. */
        if ((uint32_t)(lin - w->lin) < w->len || (uint32_t)(w->lin - lin) < (uint32_t)size) {
            cpu->watch_hit = true;
            cpu->watch_hit_lin = lin;
            cpu->watch_hit_size = (uint32_t)size;
            cpu->watch_hit_write = write;
            cpu->stop_block = true;
            return;
        }
    }
}
