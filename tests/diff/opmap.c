/* opmap.c - xlat86-opmap: the opcode-map sweep of the differential tester.
 *
 * For every one-byte opcode and every 0F two-byte opcode, every ModR/M.reg,
 * a register (mod = 3) and a memory (mod = 0, rm = 0) form, and each prefix
 * (none, 66, 67, F2, F3, F0, 2E, 64), the host CPU (opmap_host.c, 32-bit
 * compatibility mode) and xlat86 (opmap_guest.c: decoder + reference
 * semantics) answer: #UD or not, and the length. The host is a newer CPU
 * than the guest's CPUID (a P6 with x87, CX8, CMOV, SEP; no MMX, SSE, FXSR,
 * SYSCALL, ...): a form the host runs and xlat86 rejects is expected when
 * it belongs to such an extension; expected_ud() names the extension (the
 * table of explained disagreements). Every other disagreement fails.
 *
 *   xlat86-opmap [--verbose]     exit 0: no unexplained disagreement
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opmap.h"

static const uint8_t prefixes[] = {0x00, 0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x64};

/* Forms the host must not run: they reach the kernel from user mode
 * (INT 80h, SYSCALL, SYSENTER) or load FS/GS, which hold the host's TLS. */
static const char *host_unsafe(int two, uint8_t op, uint8_t modrm)
{
    int reg = (modrm >> 3) & 7;
    if (!two && op == 0xcd) return "INT n (INT 80h is a system call)";
    if (!two && op == 0x8e && (reg == 4 || reg == 5)) return "MOV FS/GS";
    if (two && (op == 0x05 || op == 0x34)) return "SYSCALL/SYSENTER";
    if (two && (op == 0xa1 || op == 0xa9 || op == 0xb4 || op == 0xb5)) return "POP/LFS/LGS FS/GS";
    return NULL;
}

/* Why the host may execute a form that the guest's CPUID rules out (the
 * guest raising #UD there is right), or NULL. SDM vol. 2, appendix A
 * (opcode maps) and the CPUID feature each instruction page lists. */
static const char *expected_ud(int two, uint8_t pfx, uint8_t op, uint8_t modrm)
{
    int mod = modrm >> 6, reg = (modrm >> 3) & 7;
    if (!two) {
        if ((op == 0xc4 || op == 0xc5) && mod == 3) return "VEX prefix (AVX)";
        if (op == 0x62 && mod == 3) return "EVEX prefix (AVX-512)";
        if (op == 0x8f && reg != 0) return "XOP prefix (AMD XOP)";
        if ((op == 0xdb || op == 0xdd || op == 0xdf) && mod != 3 && reg == 1) return "FISTTP (SSE3)";
        return NULL;
    }
    if ((op >= 0x10 && op <= 0x17) || (op >= 0x28 && op <= 0x2f) || (op >= 0x50 && op <= 0x7f) ||
        (op >= 0xc2 && op <= 0xc6) || (op >= 0xd0 && op <= 0xfe) || op == 0x38 || op == 0x3a ||
        op == 0x78 || op == 0x79)
        return "MMX/SSE/SSE2+ (CPUID.1:EDX.MMX/SSE/SSE2 = 0)";
    if (op == 0xae) return "FXSR/SSE/XSAVE/CLFSH/FSGSBASE (0F AE group)";
    if (op == 0x0d || op == 0x0e || op == 0x0f) return "3DNow!/PREFETCHW";
    if (op == 0x05 || op == 0x07) return "SYSCALL/SYSRET (CPUID.80000001:EDX.SYSCALL = 0)";
    if (op == 0xc7 && mod == 3) return "RDRAND/RDSEED/RDPID";
    if (op == 0x01 && mod == 3) return "0F 01 register forms (MONITOR, XGETBV, VMX/SVM, RDTSCP, PKU, ...)";
    if (op == 0xb8 && pfx == 0xf3) return "POPCNT";
    if (op == 0xc7 && mod != 3 && reg >= 3 && reg <= 5) return "XRSTORS/XSAVEC/XSAVES (XSAVE extensions)";
    if ((op == 0x20 || op == 0x22) && pfx == 0xf0)
        return "LOCK MOV CRn = MOV CR8 (AMD AltMovCr8, CPUID.80000001:ECX[4])";
    if (op == 0x00 && pfx == 0xf0)
        return "LOCK 0F 00: this host runs it; SDM vol. 2, LOCK: #UD, as xlat86";
    if (op == 0x00 && reg >= 6) return "0F 00 /6 /7 (JMPE / reserved)";
    if (op == 0xff || op == 0xb9) return NULL;
    return NULL;
}

/* Forms whose host answer is not the CPU's: the host kernel emulates
 * SGDT, SIDT, SLDT, SMSW and STR at CPL 3 when UMIP is on, and returns
 * after them without the single-step trap, so their length cannot be
 * measured here. */
static const char *host_artefact(int two, uint8_t op, uint8_t modrm, OpResult h, OpResult g)
{
    int reg = (modrm >> 3) & 7;
    if (two && h.kind == OPR_VALID && g.kind == OPR_VALID &&
        ((op == 0x00 && reg <= 1) || (op == 0x01 && (reg == 0 || reg == 1 || reg == 4))))
        return "UMIP emulation by the host kernel (SGDT/SIDT/SLDT/SMSW/STR)";
    return NULL;
}

int main(int argc, char **argv)
{
    bool verbose = argc > 1 && strcmp(argv[1], "--verbose") == 0;
    if (!opmap_host_init()) {
        fprintf(stderr, "xlat86-opmap: cannot set up the host side (x86-64 Linux with 32-bit "
                        "compatibility mode needed)\n");
        return 77;
    }
    if (!opmap_guest_init()) {
        fprintf(stderr, "xlat86-opmap: cannot set up the guest CPU\n");
        return 1;
    }
    long forms = 0, skipped = 0, agree = 0, expected = 0, bad = 0;
    long host_ud = 0, guest_ud = 0;
    for (int two = 0; two < 2; two++) {
        for (int op = 0; op < 256; op++) {
            if (!two && op == 0x0f) continue;   /* the escape: the two-byte map */
            for (size_t p = 0; p < sizeof prefixes; p++) {
                if (!two && prefixes[p] && op == prefixes[p]) continue;
                for (int reg = 0; reg < 8; reg++) {
                    for (int mem = 0; mem < 2; mem++) {
                        uint8_t modrm = (uint8_t)((mem ? 0x00 : 0xc0) | (reg << 3));
                        uint8_t b[16];
                        memset(b, 0, sizeof b);
                        int n = 0;
                        if (prefixes[p]) b[n++] = prefixes[p];
                        if (two) b[n++] = 0x0f;
                        b[n++] = (uint8_t)op;
                        b[n++] = modrm;
                        forms++;
                        if (host_unsafe(two, (uint8_t)op, modrm)) {
                            skipped++;
                            continue;
                        }
                        OpResult h = opmap_host(b), g = opmap_guest(b);
                        host_ud += h.kind == OPR_UD;
                        guest_ud += g.kind == OPR_UD;
                        bool same = h.kind == g.kind && (h.kind == OPR_UD || h.len == g.len);
                        if (same) {
                            agree++;
                            continue;
                        }
                        const char *why = host_artefact(two, (uint8_t)op, modrm, h, g);
                        if (!why && h.kind == OPR_VALID && g.kind == OPR_UD)
                            why = expected_ud(two, prefixes[p], (uint8_t)op, modrm);
                        if (why) {
                            expected++;
                            if (verbose)
                                printf("explained %02x %s%02x %02x: host %s len %d, xlat86 %s len %d: %s\n",
                                       prefixes[p], two ? "0f " : "", op, modrm,
                                       h.kind == OPR_UD ? "#UD" : "ok", h.len,
                                       g.kind == OPR_UD ? "#UD" : "ok", g.len, why);
                            continue;
                        }
                        bad++;
                        printf("DISAGREE  ");
                        for (int i = 0; i < n; i++) printf("%02x ", b[i]);
                        printf(": host %s len %d, xlat86 %s len %d\n",
                               h.kind == OPR_UD ? "#UD" : "ok", h.len,
                               g.kind == OPR_UD ? "#UD" : "ok", g.len);
                    }
                }
            }
        }
    }
    printf("xlat86-opmap: %ld forms (%ld not run natively), %ld agree, %ld explained (host-only "
           "extensions, host artefacts), %ld disagreements; host #UD %ld, xlat86 #UD %ld\n",
           forms, skipped, agree, expected, bad, host_ud, guest_ud);
    return bad ? 1 : 0;
}
