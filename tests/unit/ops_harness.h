/* ops_harness.h - a CPU with 2 MiB of RAM that executes instruction bytes
 * through the decoder and the C reference semantics, for the unit tests of
 * cpu/ops_*.c. Exceptions come back as negative results (-100 - vector)
 * with cpu.exc_* describing them; `deliver` then plays the run loop's part.
 */
#ifndef XLAT86_OPS_HARNESS_H
#define XLAT86_OPS_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cpu/cpu.h"
#include "cpu/mem.h"
#include "cpu/ops.h"
#include "devices/iobus.h"
#include "devices/memory.h"
#include "cpu/decode.h"

#define EQ(actual, expected, what)                                                         \
    do {                                                                                   \
        unsigned long long a_ = (unsigned long long)(actual);                              \
        unsigned long long e_ = (unsigned long long)(expected);                            \
        if (a_ != e_) fail_msg("%s: expected %#llx, got %#llx", what, e_, a_);              \
    } while (0)

#define EXC(v) (-100 - (v))

static Memory mem;
static IOBus bus;
static CPU cpu;

static inline int h_setup(void **state)
{
    (void)state;
    if (!mem_init(&mem, 2u << 20)) fail_msg("mem_init failed");
    io_init(&bus);
    ops_init();
    return 0;
}

static inline int h_teardown(void **state)
{
    (void)state;
    mem_free(&mem);
    return 0;
}

/* Real mode: CS=1000 IP=0100, DS=2000, ES=3000, SS=4000 SP=0100. */
static inline void real_mode(void)
{
    memset(&cpu, 0, sizeof cpu);
    cpu.mem = &mem;
    cpu.io = &bus;
    cpu.ram_base = mem.ram;
    cpu_reset(&cpu);
    memset(mem.ram, 0, 0x80000);
    cpu_load_seg_real(&cpu, S_CS, 0x1000);
    cpu_load_seg_real(&cpu, S_DS, 0x2000);
    cpu_load_seg_real(&cpu, S_ES, 0x3000);
    cpu_load_seg_real(&cpu, S_SS, 0x4000);
    cpu.eip = 0x100;
    cpu.regs[R_ESP] = 0x100;
    cpu.idtr.limit = 0x3ff;
}

static inline void poke(uint32_t phys, const void *p, size_t n) { memcpy(mem.ram + phys, p, n); }
static inline uint32_t peek(uint32_t phys, int size)
{
    uint32_t v = 0;
    memcpy(&v, mem.ram + phys, (size_t)size);
    return v;
}
static inline void poke32(uint32_t phys, uint32_t v) { memcpy(mem.ram + phys, &v, 4); }
static inline void poke16(uint32_t phys, uint16_t v) { memcpy(mem.ram + phys, &v, 2); }

/* Execute the instruction at CS:EIP. Returns OPR_NEXT (EIP advanced),
 * OPR_JUMP, or EXC(vector). */
static inline int step(void)
{
    uint8_t code[16];
    uint32_t lin = cpu.seg[S_CS].base + cpu.eip;
    memcpy(code, mem.ram + lin, sizeof code);
    Insn in;
    if (!decode_insn(code, sizeof code, cpu.eip, cpu.seg[S_CS].flags & SEGF_DB, &in))
        fail_msg("decode failed at %#x", lin);
    cpu.stop_block = false;
    if (setjmp(cpu.jmp)) return EXC(cpu.exc_vector);
    int r = ops_exec(&cpu, &in);
    if (r == OPR_NEXT) cpu.eip = in.next_eip;
    return r;
}

/* Place the bytes at CS:EIP and execute them as one instruction. */
static inline int run(const char *bytes, size_t n)
{
    poke(cpu.seg[S_CS].base + cpu.eip, bytes, n);
    return step();
}
#define RUN(s) run(s, sizeof(s) - 1)

/* The run loop's part after an exception: deliver it as a fault. */
static inline int deliver(void)
{
    if (setjmp(cpu.jmp)) return EXC(cpu.exc_vector);
    cpu_interrupt(&cpu, cpu.exc_vector, cpu.eip, cpu.exc_has_error, cpu.exc_error, false);
    return 0;
}

#endif
