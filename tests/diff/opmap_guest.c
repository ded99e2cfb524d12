/* opmap_guest.c - xlat86's answer for one form of the opcode-map sweep:
 * the bytes go through the decoder (cpu/decode.c) and the C reference
 * semantics (ops_exec) on a CPU in flat 32-bit protected mode at CPL 0,
 * restored from a template before each form. #UD is a decode failure or
 * an exception with vector 6; anything else (completion, another fault)
 * counts as a valid instruction of the decoded length. The translator's
 * inline paths decode the same way and hand LOCK forms to these helpers.
 */
#include <setjmp.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/mem.h"
#include "cpu/ops.h"
#include "devices/iobus.h"
#include "devices/memory.h"
#include "opmap.h"

#define G_GDT 0x1000u
#define G_CODE 0x4000u
#define G_SCRATCH 0x100000u

static Memory gmem;
static IOBus gbus;
static CPU gcpu, gtemplate;

static void put32(uint32_t a, uint32_t v) { memcpy(gmem.ram + a, &v, 4); }

bool opmap_guest_init(void)
{
    if (!mem_init(&gmem, 4u << 20)) return false;
    io_init(&gbus);
    ops_init();
    memset(&gcpu, 0, sizeof gcpu);
    gcpu.mem = &gmem;
    gcpu.io = &gbus;
    gcpu.ram_base = gmem.ram;
    cpu_reset(&gcpu);
    put32(G_GDT + 8, 0x0000ffffu);  put32(G_GDT + 12, 0x00cf9a00u);   /* code32 */
    put32(G_GDT + 16, 0x0000ffffu); put32(G_GDT + 20, 0x00cf9200u);   /* data32 */
    gcpu.gdtr.base = G_GDT;
    gcpu.gdtr.limit = 0x17;
    gcpu.cr[0] |= CR0_PE | CR0_NE;   /* x87 errors as #MF: no FERR# wiring here */
    if (setjmp(gcpu.jmp)) return false;
    cpu_load_seg(&gcpu, S_CS, 0x08);
    cpu_load_seg(&gcpu, S_SS, 0x10);
    cpu_load_seg(&gcpu, S_DS, 0x10);
    cpu_load_seg(&gcpu, S_ES, 0x10);
    for (int i = 0; i < 8; i++) gcpu.regs[i] = G_SCRATCH + 0x8000u;
    gcpu.eip = G_CODE;
    gtemplate = gcpu;
    return true;
}

OpResult opmap_guest(const uint8_t *b)
{
    OpResult r = {OPR_UD, 0};
    Insn in;
    if (!decode_insn(b, 16, G_CODE, true, &in)) return r;
    r.len = in.len;
    memcpy(&gcpu, &gtemplate, sizeof gcpu);
    memcpy(gmem.ram + G_CODE, b, 16);
    volatile int ud = 0;
    if (setjmp(gcpu.jmp)) {
        ud = gcpu.exc_vector == EXC_UD;
    } else {
        ops_exec(&gcpu, &in);
    }
    r.kind = ud ? OPR_UD : OPR_VALID;
    return r;
}
