/* monitor_sys.c - the monitor's views of the interrupt hardware and the
 * descriptor tables: info pic, info irq (QEMU's text), info pit, info idt,
 * info gdt, info ldt, info tss (QEMU has none of these four: a table of
 * index, selector, base, limit, type, DPL, present).
 *
 * Everything is read without side effects: devices through their
 * read-only getters (pic_irr, pic_irq_counts, pit_peek), guest memory
 * through cpu/peek.c (no A/D bits, no TLB fill, no MMIO). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cpu/peek.h"
#include "devices/memory.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "monitor_int.h"

/* ---------------------------------------------------------------------- */
/* PIC, IRQ statistics, PIT                                                 */

/* QEMU's pic_print_info() (hw/intc/i8259.c), slave (pic1) first as QEMU
 * lists them. This board has no ELCR: level/edge is ICW1's LTIM. */
static void do_info_pic(Machine *m, Cmd *c)
{
    const PIC *p = &m->pc->pic;
    for (int i = 1; i >= 0; i--) {
        const PICChip *ch = &p->chip[i];
        out_printf(&c->out, "pic%d: irr=%02x imr=%02x isr=%02x hprio=%d irq_base=%02x rr_sel=%d elcr=%02x fnm=%d\n",
                   i, pic_irr(ch), ch->imr, ch->isr, (ch->lowest + 1) & 7, ch->vector_base, ch->read_isr ? 1 : 0,
                   ch->ltim ? 0xff : 0, ch->sfnm ? 1 : 0);
    }
}

/* QEMU's hmp_info_irq() for the i8259 pair: rising edges per input line,
 * only the lines that saw one. */
static void do_info_irq(Machine *m, Cmd *c)
{
    const uint64_t *n = pic_irq_counts(&m->pc->pic);
    out_printf(&c->out, "IRQ statistics for isa-i8259:\n");
    for (int i = 0; i < 16; i++)
        if (n[i]) out_printf(&c->out, "%2d: %" PRIu64 "\n", i, n[i]);
}

static void do_info_pit(Machine *m, Cmd *c)
{
    static const char *const access[4] = {"latch", "lo", "hi", "lo/hi"};
    const PIT *p = &m->pc->pit;
    out_printf(&c->out, "i8254 PIT: port 61=%02x\n", p->port61);
    out_printf(&c->out, "ch mode access bcd gate out reload count\n");
    for (int i = 0; i < 3; i++) {
        const PITChannel *ch = &p->ch[i];
        PITPeek pk;
        pit_peek(p, i, &pk);
        char reload[16], count[16];
        if (ch->loaded) {
            snprintf(reload, sizeof reload, "%u", ch->reload);
            snprintf(count, sizeof count, "%u", pk.count);
        } else {
            snprintf(reload, sizeof reload, "-");
            snprintf(count, sizeof count, "-");
        }
        out_printf(&c->out, "%-2d %-4u %-6s %-3d %-4d %-3d %-6s %s\n", i, ch->mode, access[ch->rw & 3],
                   ch->bcd ? 1 : 0, ch->gate ? 1 : 0, pk.out, reload, count);
    }
}

/* ---------------------------------------------------------------------- */
/* Descriptor tables                                                        */

static const char *const sys_type[16] = {
    "Reserved", "TSS16-avl", "LDT", "TSS16-busy", "CallGate16", "TaskGate", "IntGate16", "TrapGate16",
    "Reserved", "TSS32-avl", "Reserved", "TSS32-busy", "CallGate32", "Reserved", "IntGate32", "TrapGate32",
};

static bool is_gate(unsigned type) { return (type & 4) != 0; }   /* system types 4-7, 12-15 */

/* The Type column of a descriptor (high dword hi). */
static void type_name(uint32_t hi, char *buf, size_t len)
{
    unsigned type = (hi >> 8) & 15;
    if (!(hi & (1u << 12))) {
        snprintf(buf, len, "%s", sys_type[type]);
        return;
    }
    bool db = hi & (1u << 22);
    if (type & 8)
        snprintf(buf, len, "Code%s %c%c%c%c", db ? "32" : "16", 'E', (type & 2) ? 'R' : '-', (type & 4) ? 'C' : '-',
                 (type & 1) ? 'A' : '-');
    else
        snprintf(buf, len, "Data%s %c%c%c%c", db ? "32" : "16", 'R', (type & 2) ? 'W' : '-', (type & 4) ? 'E' : '-',
                 (type & 1) ? 'A' : '-');
}

/* One descriptor line: index, selector (index*8 | ti), base, limit (in
 * bytes, granularity applied), type, DPL, P; gates show their target. */
static void desc_line(Out *o, unsigned idx, int sel, uint32_t lo, uint32_t hi)
{
    char t[32], sl[8];
    snprintf(sl, sizeof sl, sel < 0 ? "-" : "%04x", (unsigned)sel);
    type_name(hi, t, sizeof t);
    unsigned type = (hi >> 8) & 15, dpl = (hi >> 13) & 3, p = (hi >> 15) & 1;
    if (!(hi & (1u << 12)) && is_gate(type)) {
        uint32_t off = (lo & 0xffffu) | (type == 5 ? 0 : (hi & 0xffff0000u));
        out_printf(o, "%5u %-4s  -> %04x:%08x   %-12s %u   %u\n", idx, sl, lo >> 16, off, t, dpl, p);
        return;
    }
    uint32_t base = (lo >> 16) | ((hi & 0xffu) << 16) | (hi & 0xff000000u);
    uint32_t limit = (lo & 0xffffu) | (hi & 0x000f0000u);
    if (hi & (1u << 23)) limit = limit << 12 | 0xfffu;
    out_printf(o, "%5u %-4s  %08x %08x %-12s %u   %u\n", idx, sl, base, limit, t, dpl, p);
}

/* The entries of a GDT/LDT at linear base with byte limit; all-zero
 * entries (and the GDT's null entry) are left out. */
static void desc_table(Machine *m, Out *o, const CPUState *s, uint32_t base, uint32_t limit, unsigned ti)
{
    out_printf(o, "Index Sel   Base     Limit    Type         DPL P\n");
    for (uint32_t i = 0; (uint64_t)i * 8 + 7 <= limit; i++) {
        uint32_t d[2];
        if (peek_lin(s, &m->pc->mem, base + i * 8, d, 8) != 8) {
            out_printf(o, "%5u: cannot read %08x (not mapped or not RAM/ROM)\n", i, base + i * 8);
            return;
        }
        if ((!d[0] && !d[1]) || (i == 0 && !ti)) continue;
        desc_line(o, i, (int)(i * 8 | ti), d[0], d[1]);
    }
}

static bool need_pe(Cmd *c, const CPUState *s, const char *what)
{
    if (s->cr[0] & 1) return true;
    out_printf(&c->out, "%s: not in protected mode (CR0.PE=0)\n", what);
    return false;
}

static void do_info_gdt(Machine *m, Cmd *c)
{
    CPUState s;
    engine_get_state(m->engine, &s);
    out_printf(&c->out, "GDT base=%08x limit=%04x\n", s.gdtr.base, s.gdtr.limit);
    desc_table(m, &c->out, &s, s.gdtr.base, s.gdtr.limit, 0);
}

static void do_info_ldt(Machine *m, Cmd *c)
{
    CPUState s;
    engine_get_state(m->engine, &s);
    if (!need_pe(c, &s, "LDT")) return;
    if (!(s.ldtr.sel & ~3u) || !(s.ldtr.flags & SEGF_P)) {
        out_printf(&c->out, "LDT: none loaded (LDTR=%04x)\n", s.ldtr.sel);
        return;
    }
    out_printf(&c->out, "LDT sel=%04x base=%08x limit=%08x\n", s.ldtr.sel, s.ldtr.base, s.ldtr.limit);
    desc_table(m, &c->out, &s, s.ldtr.base, s.ldtr.limit, 4);
}

static void do_info_idt(Machine *m, Cmd *c)
{
    CPUState s;
    engine_get_state(m->engine, &s);
    Out *o = &c->out;
    if (!(s.cr[0] & 1)) {
        /* Real mode: the interrupt vector table, segment:offset pairs. */
        out_printf(o, "IVT base=%08x limit=%04x\nVec  Seg:Off\n", s.idtr.base, s.idtr.limit);
        for (uint32_t v = 0; v < 256 && v * 4 + 3 <= s.idtr.limit; v++) {
            uint32_t e;
            if (peek_lin(&s, &m->pc->mem, s.idtr.base + v * 4, &e, 4) != 4) break;
            out_printf(o, "%02x   %04x:%04x\n", v, e >> 16, e & 0xffffu);
        }
        return;
    }
    out_printf(o, "IDT base=%08x limit=%04x\n", s.idtr.base, s.idtr.limit);
    out_printf(o, "Vec   Sel   Target           Type         DPL P\n");
    for (uint32_t v = 0; v < 256 && v * 8 + 7 <= s.idtr.limit; v++) {
        uint32_t d[2];
        if (peek_lin(&s, &m->pc->mem, s.idtr.base + v * 8, d, 8) != 8) {
            out_printf(o, "%5u: cannot read %08x (not mapped or not RAM/ROM)\n", v, s.idtr.base + v * 8);
            return;
        }
        if (!d[0] && !d[1]) continue;
        desc_line(o, v, -1, d[0], d[1]);
    }
}

static void do_info_tss(Machine *m, Cmd *c)
{
    static const char *const r32[8] = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};
    static const char *const sr[6] = {"ES", "CS", "SS", "DS", "FS", "GS"};
    CPUState s;
    engine_get_state(m->engine, &s);
    Out *o = &c->out;
    if (!need_pe(c, &s, "TSS")) return;
    if (!(s.tr.sel & ~3u)) {
        out_printf(o, "TSS: none loaded (TR=%04x)\n", s.tr.sel);
        return;
    }
    unsigned type = s.tr.flags & SEGF_TYPE;
    out_printf(o, "TR sel=%04x base=%08x limit=%08x type %s\n", s.tr.sel, s.tr.base, s.tr.limit, sys_type[type]);
    bool t32 = type & 8;
    uint8_t b[104];
    size_t need = t32 ? 104 : 44;
    memset(b, 0, sizeof b);
    if (peek_lin(&s, &m->pc->mem, s.tr.base, b, need) != need) {
        out_printf(o, "cannot read the TSS at %08x (not mapped or not RAM/ROM)\n", s.tr.base);
        return;
    }
#define W(off) ((uint32_t)b[off] | (uint32_t)b[(off) + 1] << 8)
#define D(off) (W(off) | W((off) + 2) << 16)
    if (t32) {
        out_printf(o, "link=%04x esp0=%08x ss0=%04x esp1=%08x ss1=%04x esp2=%08x ss2=%04x\n", W(0), D(4), W(8), D(12),
                   W(16), D(20), W(24));
        out_printf(o, "CR3=%08x EIP=%08x EFLAGS=%08x\n", D(28), D(32), D(36));
        for (int i = 0; i < 8; i++) out_printf(o, "%s=%08x%s", r32[i], D(40 + 4 * i), (i & 3) == 3 ? "\n" : " ");
        for (int i = 0; i < 6; i++) out_printf(o, "%s=%04x ", sr[i], W(72 + 4 * i));
        out_printf(o, "LDT=%04x T=%u iomap=%04x\n", W(96), W(100) & 1, W(102));
    } else {
        out_printf(o, "link=%04x sp0=%04x ss0=%04x sp1=%04x ss1=%04x sp2=%04x ss2=%04x\n", W(0), W(2), W(4), W(6),
                   W(8), W(10), W(12));
        out_printf(o, "IP=%04x FLAGS=%04x\n", W(14), W(16));
        for (int i = 0; i < 8; i++) out_printf(o, "%.2s=%04x%s", r32[i] + 1, W(18 + 2 * i), (i & 3) == 3 ? "\n" : " ");
        for (int i = 0; i < 4; i++) out_printf(o, "%s=%04x ", sr[i], W(34 + 2 * i));
        out_printf(o, "LDT=%04x\n", W(42));
    }
#undef W
#undef D
}

const CmdDef mon_sys_info_commands[] = {
    {"gdt", "", "show the global descriptor table", 0, do_info_gdt},
    {"idt", "", "show the interrupt descriptor table (the vector table in real mode)", 0, do_info_idt},
    {"irq", "", "show the interrupt statistics (rising edges per PIC input)", 0, do_info_irq},
    {"ldt", "", "show the current local descriptor table", 0, do_info_ldt},
    {"pic", "", "show the i8259 (PIC) state", 0, do_info_pic},
    {"pit", "", "show the i8254 (PIT) channels", 0, do_info_pit},
    {"tss", "", "show the current task state segment", 0, do_info_tss},
};
const size_t mon_sys_n_info = sizeof mon_sys_info_commands / sizeof mon_sys_info_commands[0];
