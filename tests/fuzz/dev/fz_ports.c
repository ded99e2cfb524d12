/* fz_ports.c - one device's port interface fuzzed (fz.h for the input
 * format). FZ_TARGET selects the device at compile time:
 *   1 PIC (20h-21h, A0h-A1h)    2 PIT (40h-43h, 61h)   3 UART COM1 (3F8h-3FFh)
 *   4 CMOS/RTC (70h-71h)        5 i8042 (60h, 64h)     6 ACPI PM (600h-60Bh)
 *   7 the board ports (92h, CF9h, 80h, F0h, F4h exit port) */
#include "fz.h"

#if FZ_TARGET == 1
static const uint16_t ports[] = {0x20, 0x21, 0xa0, 0xa1};
#elif FZ_TARGET == 2
static const uint16_t ports[] = {0x40, 0x41, 0x42, 0x43, 0x61};
#elif FZ_TARGET == 3
static const uint16_t ports[] = {0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff};
#elif FZ_TARGET == 4
static const uint16_t ports[] = {0x70, 0x71};
#elif FZ_TARGET == 5
static const uint16_t ports[] = {0x60, 0x64};
#elif FZ_TARGET == 6
static const uint16_t ports[] = {0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x606, 0x607,
                                 0x608, 0x609, 0x60a, 0x60b};
#elif FZ_TARGET == 7
static const uint16_t ports[] = {0x92, 0xcf9, 0x80, 0xf0, 0xf4};
#else
#error "FZ_TARGET must be 1..7"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    PC *pc = fz_board();
    fz_board_reset(pc);
    for (size_t i = 0; i + 4 <= size; i += 4)
        fz_op(pc, ports, (int)(sizeof ports / sizeof ports[0]), data + i);
    return 0;
}
