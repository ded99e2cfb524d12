/* tracelog.c - guest/host listings of translated blocks for -d. */
#include "tracelog.h"

#include <stdio.h>

#include "codegen.h"
#include "cpu/decode.h"
#include "trace.h"

void tracelog_block(const TB *tb)
{
    FILE *f = trace_file ? trace_file : stderr;
    int bits = (tb->mode & TMODE_CODE32) ? 32 : 16;
    if (TRACE_ON(TRACE_IN_ASM)) {
        fprintf(f, "IN: [%08x] cs_base=%08x mode=%03x\n", tb->lin_pc, tb->cs_base, tb->mode);
        for (int i = 0; i < tb->n_insns; i++) {
            const Insn *in = &tb->insns[i];
            char txt[128];
            int len;
            decode_disasm(bits, in->raw, in->len, in->eip, txt, sizeof txt, &len);
            fprintf(f, "  %08x: %s\n", in->eip, txt);
        }
        fputc('\n', f);
    }
    if (TRACE_ON(TRACE_OUT_ASM)) {
        fprintf(f, "OUT: [%08x] %u guest instructions -> %u host bytes at %p\n", tb->lin_pc,
                tb->n_insns, tb->code_size, (void *)tb->code);
        uint32_t prologue_end = tb->host_off[0];
        for (int i = -1; i < tb->n_insns; i++) {
            uint32_t s = i < 0 ? 0 : tb->host_off[i];
            uint32_t e = i < 0 ? prologue_end : tb->host_off[i + 1];
            if (i < 0) fprintf(f, "  -- block entry: icount/deadline check\n");
            else {
                char txt[128];
                int len;
                decode_disasm(bits, tb->insns[i].raw, tb->insns[i].len, tb->insns[i].eip, txt, sizeof txt, &len);
                fprintf(f, "  -- guest %08x: %s\n", tb->insns[i].eip, txt);
            }
            while (s < e) {
                char txt[128];
                int len = 1;
                decode_disasm(64, tb->code + s, e - s, (uint64_t)(uintptr_t)(tb->code + s), txt, sizeof txt, &len);
                fprintf(f, "    %p: %s\n", (void *)(tb->code + s), txt);
                s += (uint32_t)len;
            }
        }
        uint32_t s = tb->host_off[tb->n_insns];
        fprintf(f, "  -- exits, slow paths\n");
        while (s < tb->code_size) {
            char txt[128];
            int len = 1;
            decode_disasm(64, tb->code + s, tb->code_size - s, (uint64_t)(uintptr_t)(tb->code + s), txt, sizeof txt, &len);
            fprintf(f, "    %p: %s\n", (void *)(tb->code + s), txt);
            s += (uint32_t)len;
        }
        fputc('\n', f);
    }
    fflush(f);
}
