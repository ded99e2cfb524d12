/* diff.h - the native differential tester (tests/diff/): shared types.
 *
 * One test case is one guest instruction (or a short probe such as
 * "Jcc over a marker") with its initial registers, status flags and memory
 * bytes. Three executors run it:
 *   H  the host CPU (exec_host.c), natively, in 64-bit mode: the kernel this
 *      project runs on has no 32-bit user code segment, so every case also
 *      carries a host encoding with the same semantics (see
 *      docs/diff-testing.md); a few forms that do not exist in 64-bit mode
 *      run on a small SDM-pseudocode model instead (exec_model.c);
 *   I  xlat86 with inline code (exec_guest.c);
 *   R  xlat86 with inline=off, every instruction through the C helpers.
 * Guest and host see the same bytes at the same linear addresses: the
 * windows below are mapped at these addresses in the host process and
 * written to the same physical addresses of the guest's RAM (flat
 * segments, no paging).
 */
#ifndef XLAT86_DIFF_H
#define XLAT86_DIFF_H

#include <stdbool.h>
#include <stdint.h>

/* Memory windows (linear = physical in the guest). */
#define WIN_CODE 0x10000u   /* case bytes, then the terminator */
#define WIN_DATA 0x20000u   /* memory operands, 32-bit addressing */
#define WIN_STACK 0x30000u  /* the stack: ESP starts near the middle */
#define WIN_LOW 0x08000u    /* memory operands, 16-bit addressing (EA < 64 KiB) */
#define WIN_SIZE 0x1000u
#define STACK_TOP 0x30800u
#define NWIN 3              /* compared windows: DATA, STACK, LOW */
extern const uint32_t win_base[NWIN];

/* Status flags as in EFLAGS. */
#define XF_CF 0x001u
#define XF_PF 0x004u
#define XF_AF 0x010u
#define XF_ZF 0x040u
#define XF_SF 0x080u
#define XF_OF 0x800u
#define XF_ALL (XF_CF | XF_PF | XF_AF | XF_ZF | XF_SF | XF_OF)
#define XF_DF 0x400u    /* direction flag: loaded and compared too */
#define XF_CMP (XF_ALL | XF_DF)

/* How the host column checks a case. */
enum HostKind {
    HK_NATIVE,  /* the same instruction on the host (maybe re-encoded for 64-bit mode) */
    HK_SEQ,     /* an equivalent host instruction sequence (e.g. PUSH r32 in 64-bit mode) */
    HK_MODEL,   /* no 64-bit encoding: SDM pseudocode model (exec_model.c) */
    HK_NONE,    /* not checked against the host (inline vs reference only) */
};

typedef struct MemPreset {
    uint32_t addr;
    uint8_t len;
    uint8_t b[8];
} MemPreset;

#define MAX_GBYTES 80
#define MAX_HBYTES 120

typedef struct Case {
    char id[40];            /* replayable: "SEED:INDEX" or "x:FORM:K" */
    int form;
    uint8_t g[MAX_GBYTES];  /* guest bytes (the executor appends HLT) */
    int glen;
    uint8_t h[MAX_HBYTES];  /* host bytes in 64-bit mode (the executor appends a jump back) */
    int hlen;
    int hkind;              /* HostKind */
    int model;              /* exec_model.c opcode when hkind == HK_MODEL */
    uint32_t r[8];          /* EAX ECX EDX EBX ESP EBP ESI EDI */
    uint32_t fl;            /* incoming status flags (XF_*) */
    MemPreset pre[4];
    int npre;
    uint32_t undef_fl;      /* status flags the SDM leaves undefined for this case */
    uint32_t undef_reg[8];  /* register bits left undefined (BSF/BSR of 0) */
    const char *undef_why;  /* the SDM sentence behind undef_fl */
} Case;

/* The outcome of one executor. */
typedef struct State {
    uint32_t r[8];
    uint32_t fl;      /* status flags and DF */
    int vec;          /* exception vector, -1 = none, -2 = did not end where expected */
    uint32_t where;   /* fault: EIP/RIP offset from WIN_CODE; -2: the EIP reached */
    uint8_t mem[NWIN][WIN_SIZE];
} State;

/* The form table (gen_forms.c). */
typedef struct Src Src;
typedef struct Form Form;
typedef void (*GenFn)(Case *c, Src *s, const Form *f);
struct Form {
    char name[48];
    const char *group;
    GenFn gen;
    int op, size, mem, var;   /* generator parameters */
};
extern Form forms[];
extern int n_forms;
void forms_init(void);
/* String instructions and instruction sequences (gen_seq.c). */
void forms_init_seq(void);
void add_form(const char *group, GenFn gen, int op, int size, int mem, int var,
              const char *fmt, const char *a, const char *b);

/* Value source (gen_enc.c): deterministic per (seed, index) or, for
 * --exhaustive, a counter whose base-16 digits pick the edge values. */
struct Src {
    uint64_t rng;
    bool exh;
    uint64_t k;
    int ndraw;
};
void src_init(Src *s, uint64_t seed, uint64_t index);
void src_init_exh(Src *s, int form, uint64_t k);
uint32_t rnd32(Src *s);
uint32_t rnd_below(Src *s, uint32_t n);
/* An operand value: edge case or random in the low `size` bytes, random
 * junk above them (it must survive). Consumes one exhaustive digit. */
uint32_t pick_val(Src *s, int size);
/* Incoming status flags (one digit: patterns, else random). */
uint32_t pick_flags(Src *s);
/* A shift/rotate count for an operand of `bits` bits (one digit). */
uint8_t pick_count(Src *s, int bits);
#define EXH_DIGITS 3    /* exhaustive: the first 3 draws enumerate 16 values each */
#define EXH_CASES 4096u /* 16^3 */

/* Building a case (gen_enc.c). */
void case_begin(Case *c, Src *s, bool esp_free);
void set_reg(Case *c, int r, int size, uint32_t v);
uint32_t get_reg(const Case *c, int r, int size);
void mem_preset(Case *c, uint32_t addr, int len, uint32_t v);
void mem_preset64(Case *c, uint32_t addr, int len, uint64_t v);
void both(Case *c, uint8_t b);
void gbyte(Case *c, uint8_t b);
void hbyte(Case *c, uint8_t b);
void both_imm(Case *c, uint32_t v, int len);

/* A ModR/M operand: a register or memory with a chosen addressing form. */
typedef struct Rm {
    bool mem;
    int reg;         /* register operand */
    bool a16;        /* memory: 16-bit addressing (0x67 prefix in the guest) */
    uint8_t mod, rm, sib;
    bool has_sib;
    int32_t disp;
    int disp_len;
    uint32_t lin;    /* memory: the linear address */
    uint8_t seg_prefix;  /* 0 or a redundant 26/36/3E override */
} Rm;
/* Choose a memory operand of `size` bytes at a random address of the
 * window (16- or 32-bit addressing), setting the base/index registers of
 * the case so that the effective address lands there. Registers in
 * `avoid` (bit mask) are never base or index. lin_want: 0 = random. */
void rm_mem(Case *c, Src *s, Rm *m, bool a16, int size, uint32_t avoid, uint32_t lin_want);
/* Set while generating the parts of a sequence: memory operands then use
 * only [disp32] / [disp16], so that no register the sequence changes can
 * move them. */
extern bool rm_abs_only;
void rm_reg(Rm *m, int reg);
/* Emit [F0] [66] [67] opcode modrm [sib] [disp] for guest and host (the
 * host gets 0x67 for 32-bit addressing and an absolute address for 16-bit
 * addressing; see docs/diff-testing.md). Immediates follow with both_imm. */
void emit_modrm(Case *c, bool lock, bool o16, const uint8_t *opc, int nopc, int regf,
                const Rm *m);

/* Undefined flags (undef.c). */
enum UndefKind {
    UK_NONE, UK_LOGIC, UK_MUL, UK_DIV, UK_BSF, UK_BT, UK_DAA, UK_AAA, UK_AAM,
    UK_SHIFT, UK_ROT, UK_RCX, UK_SHXD,
};
/* Set c->undef_fl for instruction kind k; for shifts the masked count and
 * the operand width decide (bits = 8/16/32). */
void undef_apply(Case *c, int kind, unsigned count, int bits);

/* Executors. */
bool host_init(char *err, int errlen);
void host_run(const Case *c, const uint8_t img[NWIN][WIN_SIZE], State *out);
void model_run(const Case *c, const uint8_t img[NWIN][WIN_SIZE], State *out);
bool guest_init(char *err, int errlen);
void guest_run(int which, const Case *c, const uint8_t img[NWIN][WIN_SIZE], State *out);
void guest_fini(void);

/* Models (exec_model.c). */
enum Model { M_DAA = 1, M_DAS, M_AAA, M_AAS, M_AAM, M_AAD, M_BOUND16, M_BOUND32 };

#endif
