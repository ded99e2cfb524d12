/* exec_guest.c - executors I and R: xlat86 driven as a library.
 *
 * Two boards (RAM, devices, CPU, engine): one translating with inline code,
 * one with inline=off (every instruction through its C reference helper).
 * Each runs the case in flat 32-bit protected mode at CPL 0: CS = 08h
 * (base 0, limit 4 GiB, 32-bit), data segments = 10h, no paging, IF = 0.
 * The case bytes at WIN_CODE end with HLT; the engine returns at HLT
 * (stop_on_halt). Exceptions go through 32-bit interrupt gates of an IDT
 * whose vector v points at a HLT at STUBS + v, so the EIP after the HLT
 * names the vector, and the frame pushed at ESP (EIP, CS, EFLAGS: SDM vol.
 * 3, 6.12.1, no privilege change) gives the state at the fault.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "devices/memory.h"
#include "devices/pc.h"
#include "diff.h"
#include "translator/dbt.h"

#define GDT_BASE 0x1000u
#define IDT_BASE 0x2000u
#define STUBS 0x3000u
#define RAM_MIB 16u
#define CODE_CLEAR 128  /* bytes rewritten at WIN_CODE per case */

typedef struct Guest {
    PC pc;
    CPU *cpu;
    Engine *e;
    bool sys_dirty;
} Guest;

static Guest guests[2];
static bool guests_up[2];

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* GDT: null, flat code (08h), flat data (10h); IDT: 256 interrupt gates
 * (type 0Eh, P=1, DPL 0, selector 08h; SDM vol. 3, figure 6-2). */
static void write_sys(Guest *g)
{
    uint8_t gdt[24] = {0};
    const uint64_t code = 0x00cf9b000000ffffull, data = 0x00cf93000000ffffull;
    memcpy(gdt + 8, &code, 8);
    memcpy(gdt + 16, &data, 8);
    mem_write_bulk(&g->pc.mem, GDT_BASE, gdt, sizeof gdt);
    static uint8_t idt[256 * 8];
    for (int v = 0; v < 256; v++) {
        uint32_t off = STUBS + (uint32_t)v;
        put32(idt + 8 * v, (off & 0xffffu) | (0x08u << 16));
        put32(idt + 8 * v + 4, (off & 0xffff0000u) | 0x8e00u);
    }
    mem_write_bulk(&g->pc.mem, IDT_BASE, idt, sizeof idt);
    uint8_t hlt[256];
    memset(hlt, 0xf4, sizeof hlt);
    mem_write_bulk(&g->pc.mem, STUBS, hlt, sizeof hlt);
    g->sys_dirty = false;
}

static void flat_seg(CPU *cpu, Seg *s, uint16_t sel, uint16_t type)
{
    s->sel = sel;
    s->base = 0;
    s->limit = 0xffffffffu;
    s->flags = SEGF_P | SEGF_S | SEGF_DB | SEGF_G | type;
    cpu_seg_update_fast(cpu, s);
}

static void setup_cpu(CPU *cpu, const Case *c)
{
    cpu->cr[0] |= CR0_PE;
    cpu->cr[0] &= ~CR0_PG;
    for (int i = 0; i < 6; i++) flat_seg(cpu, &cpu->seg[i], 0x10, 0x3);
    flat_seg(cpu, &cpu->seg[S_CS], 0x08, 0xb);
    cpu->gdtr.base = GDT_BASE;
    cpu->gdtr.limit = 23;
    cpu->idtr.base = IDT_BASE;
    cpu->idtr.limit = 256 * 8 - 1;
    memcpy(cpu->regs, c->r, sizeof cpu->regs);
    cpu->eflags = F_1 | (c->fl & (F_ARITH | F_DF));
    cpu->eip = WIN_CODE;
    cpu->halted = false;
    cpu->inhibit_irq = false;
    cpu->exc_vector = CPU_EXC_NONE;
    cpu->exc_depth = 0;
}

bool guest_init(char *err, int errlen)
{
    char dir[] = "/tmp/xlat86-diff-XXXXXX";
    if (!mkdtemp(dir)) {
        snprintf(err, (size_t)errlen, "mkdtemp failed");
        return false;
    }
    char rom[64];
    snprintf(rom, sizeof rom, "%s/rom.bin", dir);
    /* A 64 KiB ROM of HLT: nothing of it runs unless the guest resets. */
    static uint8_t romimg[65536];
    memset(romimg, 0xf4, sizeof romimg);
    FILE *f = fopen(rom, "wb");
    bool ok = f && fwrite(romimg, 1, sizeof romimg, f) == sizeof romimg;
    if (f) fclose(f);
    uint8_t *fill = malloc(RAM_MIB << 20);
    if (!ok || !fill) {
        snprintf(err, (size_t)errlen, "cannot write the dummy ROM");
        free(fill);
        return false;
    }
    memset(fill, 0xf4, RAM_MIB << 20);
    for (int i = 0; i < 2 && ok; i++) {
        Guest *g = &guests[i];
        PCConfig cfg;
        memset(&cfg, 0, sizeof cfg);
        cfg.ram_mib = RAM_MIB;
        cfg.bios_path = rom;
        cfg.exit_port = true;
        if (!pc_init(&g->pc, &cfg, err, (size_t)errlen)) { ok = false; break; }
        DbtConfig dc = {.inline_code = i == 0, .code_buffer = 8u << 20};
        g->e = dbt_create(&g->pc, &dc, err, (size_t)errlen);
        if (!g->e) {
            pc_free(&g->pc);
            ok = false;
            break;
        }
        g->cpu = dbt_cpu(g->e);
        guests_up[i] = true;
        /* Everything not written by a case is HLT, so a wild jump stops. */
        mem_write_bulk(&g->pc.mem, 0, fill, RAM_MIB << 20);
        write_sys(g);
    }
    free(fill);
    unlink(rom);
    rmdir(dir);
    return ok;
}

void guest_fini(void)
{
    for (int i = 0; i < 2; i++) {
        if (!guests_up[i]) continue;
        engine_destroy(guests[i].e);
        pc_free(&guests[i].pc);
        guests_up[i] = false;
    }
}

static uint32_t rd32(Memory *m, uint32_t a)
{
    uint8_t b[4];
    mem_read_bulk(m, a, b, 4);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Run the case until HLT (-1), the exit port (its status) or a triple
 * fault (0). */
static int run_until_halt(Guest *g)
{
    for (;;) {
        EngineStop s = engine_run(g->e, 1u << 20);
        if (s == STOP_HALT) return -1;
        if (s == STOP_TRIPLE) {
            engine_reset(g->e);
            return 0;
        }
        if (g->pc.exit_requested) {
            g->pc.exit_requested = false;
            return g->pc.exit_status;
        }
        if (g->pc.reset_requested) {
            g->pc.reset_requested = false;
            pc_reset(&g->pc);
            engine_reset(g->e);
        }
    }
}

void guest_run(int which, const Case *c, const uint8_t img[NWIN][WIN_SIZE], State *out)
{
    Guest *g = &guests[which];
    CPU *cpu = g->cpu;
    Memory *m = &g->pc.mem;
    if (g->sys_dirty) write_sys(g);
    for (int w = 0; w < NWIN; w++) mem_write_bulk(m, win_base[w], img[w], WIN_SIZE);
    uint8_t code[CODE_CLEAR];
    memset(code, 0xf4, sizeof code);
    memcpy(code, c->g, (size_t)c->glen);
    mem_write_bulk(m, WIN_CODE, code, sizeof code);

    setup_cpu(cpu, c);
    int rc = run_until_halt(g);
    memcpy(out->r, cpu->regs, sizeof out->r);
    out->fl = cpu->eflags & XF_CMP;
    out->where = 0;
    uint32_t end = WIN_CODE + (uint32_t)c->glen + 1;
    if (rc == -1 && cpu->eip == end && cpu->seg[S_CS].base == 0) {
        out->vec = -1;
    } else if (rc == -1 && cpu->eip > STUBS && cpu->eip <= STUBS + 256 && cpu->seg[S_CS].base == 0) {
        out->vec = (int)(cpu->eip - STUBS - 1);
        /* #DF #TS #NP #SS #GP #PF #AC push an error code below EIP (SDM
         * vol. 3, 6.13). */
        int v = out->vec;
        uint32_t esp = cpu->regs[R_ESP];
        uint32_t e = (v == 8 || (v >= 10 && v <= 14) || v == 17) ? 4 : 0;
        out->where = rd32(m, esp + e) - WIN_CODE;
        out->fl = rd32(m, esp + e + 8) & XF_CMP;
        out->r[R_ESP] = esp + e + 12;
    } else {
        out->vec = -2;
        out->where = cpu->eip - WIN_CODE;
        g->sys_dirty = true;
    }
    for (int w = 0; w < NWIN; w++) mem_read_bulk(m, win_base[w], out->mem[w], WIN_SIZE);
    if (out->vec >= 0) {
        /* Undo the exception frame in the window copy (the host pushes
         * nothing: its signal frame is on another stack), and rewrite the
         * system tables if the frame may have landed on them. */
        uint32_t lo = cpu->regs[R_ESP];
        for (uint32_t a = lo; a != out->r[R_ESP]; a++)
            for (int w = 0; w < NWIN; w++)
                if (a - win_base[w] < WIN_SIZE) out->mem[w][a - win_base[w]] = img[w][a - win_base[w]];
        if (out->r[R_ESP] - WIN_STACK >= WIN_SIZE) g->sys_dirty = true;
    }
}
