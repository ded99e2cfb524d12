/* gdbregs.c - the GDB stub's register file (see gdbregs.h). */
#include "gdbregs.h"

#include <string.h>

static const char xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "<architecture>i386</architecture>\n"
    "<feature name=\"org.gnu.gdb.i386.core\">\n"
    "<flags id=\"i386_eflags\" size=\"4\">\n"
    "<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>"
    "<field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/>"
    "<field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/>"
    "<field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/>"
    "<field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>"
    "<field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" end=\"16\"/>"
    "<field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" end=\"18\"/>"
    "<field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>"
    "<field name=\"ID\" start=\"21\" end=\"21\"/>\n"
    "</flags>\n"
    "<reg name=\"eax\" bitsize=\"32\" type=\"int32\" regnum=\"0\"/>\n"
    "<reg name=\"ecx\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"edx\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ebx\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"esp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "<reg name=\"ebp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "<reg name=\"esi\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"edi\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"eip\" bitsize=\"32\" type=\"code_ptr\"/>\n"
    "<reg name=\"eflags\" bitsize=\"32\" type=\"i386_eflags\"/>\n"
    "<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "</feature>\n"
    "</target>\n";

const char *gdbregs_target_xml(void) { return xml; }

/* gdb's segment order: cs ss ds es fs gs; CPUState's: es cs ss ds fs gs. */
static const int seg_of[6] = {S_CS, S_SS, S_DS, S_ES, S_FS, S_GS};

static int reg_size(int n) { return n >= 16 && n < 24 ? 10 : 4; }

static uint32_t reg32(const CPUState *s, int n)
{
    if (n < 8) return s->regs[n];
    if (n == 8) return s->eip;
    if (n == 9) return s->eflags;
    if (n < 16) return s->seg[seg_of[n - 10]].sel;
    switch (n) {
    case 24: return s->fpu.cw;
    case 25: return s->fpu.sw;
    case 26: return s->fpu.tw;
    case 27: return s->fpu.fcs;
    case 28: return s->fpu.fip;
    case 29: return s->fpu.fds;
    case 30: return s->fpu.fdp;
    default: return s->fpu.fop;
    }
}

bool gdbregs_get_one(const CPUState *s, int n, uint8_t *out, size_t *len)
{
    if (n < 0 || n >= GDB_NUM_REGS) return false;
    if (n >= 16 && n < 24) {
        /* STi is physical register (TOP + i) mod 8. */
        int top = (s->fpu.sw >> 11) & 7;
        memcpy(out, s->fpu.st[(top + n - 16) & 7], 10);
    } else {
        uint32_t v = reg32(s, n);
        memcpy(out, &v, 4);
    }
    *len = (size_t)reg_size(n);
    return true;
}

void gdbregs_get(const CPUState *s, uint8_t out[GDB_REGS_BYTES])
{
    size_t o = 0, len;
    for (int n = 0; n < GDB_NUM_REGS; n++) {
        gdbregs_get_one(s, n, out + o, &len);
        o += len;
    }
}

bool gdbregs_set_one(CPUState *s, int n, const uint8_t *in, size_t len)
{
    if (n < 0 || n >= GDB_NUM_REGS || len < (size_t)reg_size(n)) return false;
    if (n >= 16 && n < 24) {
        int top = (s->fpu.sw >> 11) & 7;
        memcpy(s->fpu.st[(top + n - 16) & 7], in, 10);
        return true;
    }
    uint32_t v;
    memcpy(&v, in, 4);
    if (n < 8) s->regs[n] = v;
    else if (n == 8) s->eip = v;
    else if (n == 9) s->eflags = (v & 0x003f7fd5u) | 2u;
    else if (n < 16) {
        /* A selector written by the debugger: in real and virtual-8086
         * mode the base follows it; in protected mode only the selector
         * changes (the descriptor cache is kept, as a debugger expects). */
        Seg *sg = &s->seg[seg_of[n - 10]];
        sg->sel = (uint16_t)v;
        if (!(s->cr[0] & 1) || (s->eflags & 0x20000)) sg->base = (uint32_t)(v & 0xffff) << 4;
    } else {
        switch (n) {
        case 24: s->fpu.cw = (uint16_t)v; break;
        case 25: s->fpu.sw = (uint16_t)v; break;
        case 26: s->fpu.tw = (uint16_t)v; break;
        case 27: s->fpu.fcs = (uint16_t)v; break;
        case 28: s->fpu.fip = v; break;
        case 29: s->fpu.fds = (uint16_t)v; break;
        case 30: s->fpu.fdp = v; break;
        default: s->fpu.fop = (uint16_t)(v & 0x7ff); break;
        }
    }
    return true;
}

void gdbregs_set(CPUState *s, const uint8_t *in, size_t len)
{
    size_t o = 0;
    for (int n = 0; n < GDB_NUM_REGS && o + (size_t)reg_size(n) <= len; n++) {
        gdbregs_set_one(s, n, in + o, (size_t)reg_size(n));
        o += (size_t)reg_size(n);
    }
}
