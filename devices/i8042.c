/* i8042.c - PS/2 keyboard controller and keyboard (see i8042.h).
 *
 * Command and response values: IBM PS/2 Technical Reference (8042
 * keyboard/auxiliary device controller), and the PS/2 keyboard command set
 * (ack 0xFA, resend 0xFE, self-test passed 0xAA, ID 0xAB 0x83; with scan
 * code translation on, the controller turns the second ID byte into
 * 0x41, as a guest driver expects).
 */
#include "i8042.h"

#include <string.h>

#define KBD_ACK 0xfa
#define KBD_RESEND 0xfe
#define KBD_BAT_OK 0xaa

static void drive(IRQ *line, int *cur, int level)
{
    if (*cur == level)
        return;
    *cur = level;
    irq_set(line, level);
}

/* IRQ1 / IRQ12 follow the head of the output queue. */
static void update_irq(I8042 *k)
{
    int l1 = 0, l12 = 0;
    if (k->q_len) {
        if (k->q[k->q_head].aux)
            l12 = (k->ctr & I8042_CTR_AUXINT) != 0;
        else
            l1 = (k->ctr & I8042_CTR_KBDINT) != 0;
    }
    drive(k->kbd_irq, &k->irq1, l1);
    drive(k->aux_irq, &k->irq12, l12);
}

static void push(I8042 *k, uint8_t val, bool aux, bool timeout)
{
    if (k->q_len == I8042_QUEUE)
        return;   /* overrun: the byte is lost, as on a full keyboard buffer */
    int i = (k->q_head + k->q_len) % I8042_QUEUE;
    k->q[i].val = val;
    k->q[i].aux = aux;
    k->q[i].timeout = timeout;
    k->q_len++;
    update_irq(k);
}

static void push_kbd(I8042 *k, uint8_t val)
{
    push(k, val, false, false);
}

static void request_reset(I8042 *k)
{
    if (k->reset)
        k->reset(k->reset_opaque);
}

static bool a20_on(const I8042 *k)
{
    return k->mem ? k->mem->a20 : (k->outport & 2) != 0;
}

static uint8_t outport_value(const I8042 *k)
{
    uint8_t v = (uint8_t)((k->outport & ~0x32u) | (a20_on(k) ? 2 : 0));
    if (k->irq1)
        v |= 0x10;   /* bit 4: output buffer full with keyboard data (IRQ1) */
    if (k->irq12)
        v |= 0x20;   /* bit 5: ... with aux data (IRQ12) */
    return v;
}

static void write_outport(I8042 *k, uint8_t v)
{
    k->outport = v;
    if (k->mem)
        mem_set_a20(k->mem, v & 2);
    if (!(v & 1))
        request_reset(k);   /* bit 0 drives the CPU reset line, active low */
}

static void kbd_defaults(I8042 *k)
{
    k->scancode_set = 2;
    k->kbd_pending = 0;
}

/* A byte the host sends to the keyboard through port 0x60. */
static void kbd_write(I8042 *k, uint8_t v)
{
    /* Talking to the keyboard re-enables its interface (as QEMU's KBC). */
    k->ctr &= (uint8_t)~I8042_CTR_KBDDIS;
    if (k->kbd_pending) {
        uint8_t cmd = k->kbd_pending;
        k->kbd_pending = 0;
        switch (cmd) {
        case 0xed:                      /* set LEDs: argument = LED bits */
            k->leds = v & 7;
            push_kbd(k, KBD_ACK);
            return;
        case 0xf3:                      /* typematic rate/delay */
            push_kbd(k, KBD_ACK);
            return;
        case 0xfb: case 0xfc: case 0xfd:
            /* set 3 key types (typematic / make-break / make only) for
             * the keys that follow: each key code is acknowledged, a
             * command byte ends the list (IBM PS/2 reference) */
            if (v < 0xed) {
                push_kbd(k, KBD_ACK);
                k->kbd_pending = cmd;
                return;
            }
            break;
        case 0xf0:                      /* scan code set: 0 = query, 1..3 = select */
            push_kbd(k, KBD_ACK);
            if (v == 0) {
                static const uint8_t xlated[4] = {0, 0x43, 0x41, 0x3f};
                push_kbd(k, (k->ctr & I8042_CTR_XLATE) ? xlated[k->scancode_set]
                                                       : k->scancode_set);
            } else if (v <= 3) {
                k->scancode_set = v;
            }
            return;
        default:
            break;
        }
    }
    switch (v) {
    case 0xed: case 0xf0: case 0xf3:
        push_kbd(k, KBD_ACK);
        k->kbd_pending = v;
        break;
    case 0xee:                          /* echo */
        push_kbd(k, 0xee);
        break;
    case 0xf2:                          /* identify: MF2 keyboard */
        push_kbd(k, KBD_ACK);
        push_kbd(k, 0xab);
        push_kbd(k, (k->ctr & I8042_CTR_XLATE) ? 0x41 : 0x83);
        break;
    case 0xf4:                          /* enable scanning */
        k->kbd_scanning = true;
        push_kbd(k, KBD_ACK);
        break;
    case 0xf5:                          /* disable scanning, defaults */
        kbd_defaults(k);
        k->kbd_scanning = false;
        push_kbd(k, KBD_ACK);
        break;
    case 0xf6:                          /* defaults */
        kbd_defaults(k);
        push_kbd(k, KBD_ACK);
        break;
    case 0xf7: case 0xf8: case 0xf9: case 0xfa:
    case 0xfe:                          /* set 3 all-key types / resend */
        push_kbd(k, KBD_ACK);
        break;
    case 0xfb: case 0xfc: case 0xfd:    /* set 3 per-key types: a key list follows */
        push_kbd(k, KBD_ACK);
        k->kbd_pending = v;
        break;
    case 0xff:                          /* reset: ack, then basic assurance test passed */
        kbd_defaults(k);
        k->kbd_scanning = true;
        push_kbd(k, KBD_ACK);
        push_kbd(k, KBD_BAT_OK);
        break;
    default:
        push_kbd(k, KBD_RESEND);        /* unknown command */
        break;
    }
}

void i8042_write_data(I8042 *k, uint8_t v)
{
    k->status_extra &= (uint8_t)~I8042_STR_CMD;
    uint8_t cmd = k->pending_cmd;
    k->pending_cmd = 0;
    switch (cmd) {
    case 0:
        kbd_write(k, v);
        return;
    case 0x60:                          /* write command byte */
        k->ctr = v;
        update_irq(k);
        return;
    case 0xd1:                          /* write output port */
        write_outport(k, v);
        return;
    case 0xd2:                          /* as if from the keyboard */
        push(k, v, false, false);
        return;
    case 0xd3:                          /* as if from the aux device (loopback) */
        push(k, v, true, false);
        return;
    case 0xd4: {                        /* to the aux device: the mouse */
        uint8_t out[4];
        int n = ps2mouse_write(&k->mouse, v, out);
        for (int i = 0; i < n; i++)
            push(k, out[i], true, false);
        return;
    }
    default:                            /* 0x61..0x7F: controller RAM, not kept */
        return;
    }
}

void i8042_write_command(I8042 *k, uint8_t v)
{
    k->status_extra |= I8042_STR_CMD;
    k->pending_cmd = 0;
    if (v >= 0x20 && v <= 0x3f) {       /* read controller RAM byte v-0x20 */
        push_kbd(k, v == 0x20 ? k->ctr : 0);
        return;
    }
    if (v >= 0x60 && v <= 0x7f) {       /* write controller RAM: byte follows */
        k->pending_cmd = v;
        return;
    }
    if (v >= 0xf0) {                    /* pulse output port bits 3-0 low for 6 us */
        if (!(v & 1))
            request_reset(k);           /* 0xFE: pulse the reset line */
        return;
    }
    switch (v) {
    case 0xa4:                          /* password installed? no */
        push_kbd(k, 0xf1);
        break;
    case 0xa7:
        k->ctr |= I8042_CTR_AUXDIS;
        break;
    case 0xa8:
        k->ctr &= (uint8_t)~I8042_CTR_AUXDIS;
        break;
    case 0xa9:                          /* aux interface test: no error */
    case 0xab:                          /* keyboard interface test: no error */
        push_kbd(k, 0x00);
        break;
    case 0xaa:                          /* controller self test: passed, sets SYS */
        k->ctr |= I8042_CTR_SYS;
        push_kbd(k, 0x55);
        break;
    case 0xad:
        k->ctr |= I8042_CTR_KBDDIS;
        break;
    case 0xae:
        k->ctr &= (uint8_t)~I8042_CTR_KBDDIS;
        break;
    case 0xc0:                          /* input port: keyboard not inhibited */
        push_kbd(k, 0x80);
        break;
    case 0xd0:                          /* read output port */
        push_kbd(k, outport_value(k));
        break;
    case 0xd1: case 0xd2: case 0xd3: case 0xd4:
        k->pending_cmd = v;             /* data byte follows on port 0x60 */
        break;
    case 0xdd:                          /* A20 off / on (HP Vectra commands) */
    case 0xdf:
        write_outport(k, (uint8_t)((outport_value(k) & ~2u) | (v == 0xdf ? 2 : 0) | 1));
        break;
    case 0xe0:                          /* test inputs: clock and data low */
        push_kbd(k, 0x00);
        break;
    default:
        break;                          /* unknown commands are ignored */
    }
}

uint8_t i8042_read_status(I8042 *k)
{
    uint8_t s = I8042_STR_NOINH | (k->status_extra & I8042_STR_CMD);
    if (k->ctr & I8042_CTR_SYS)
        s |= I8042_STR_SYS;
    if (k->q_len) {
        s |= I8042_STR_OBF;
        if (k->q[k->q_head].aux)
            s |= I8042_STR_AUXB;
        if (k->q[k->q_head].timeout)
            s |= I8042_STR_TIMEOUT;
    }
    return s;
}

uint8_t i8042_read_data(I8042 *k)
{
    if (!k->q_len)
        return k->last;   /* the output buffer keeps its last byte */
    k->last = k->q[k->q_head].val;
    k->q_head = (k->q_head + 1) % I8042_QUEUE;
    k->q_len--;
    /* Lower the lines, then raise them for the next byte: one edge per
     * byte, which an edge-triggered 8259 needs to see each of them. */
    drive(k->kbd_irq, &k->irq1, 0);
    drive(k->aux_irq, &k->irq12, 0);
    update_irq(k);
    return k->last;
}

void i8042_key_byte(I8042 *k, uint8_t code)
{
    if ((k->ctr & I8042_CTR_KBDDIS) || !k->kbd_scanning)
        return;
    push_kbd(k, code);
}

void i8042_mouse_event(I8042 *k, int dx, int dy, int dz, uint8_t buttons)
{
    uint8_t out[4];
    int n = ps2mouse_event(&k->mouse, dx, dy, dz, buttons, out);
    if ((k->ctr & I8042_CTR_AUXDIS) || k->q_len + n > I8042_QUEUE)
        return;   /* port disabled, or no room for the whole packet */
    for (int i = 0; i < n; i++)
        push(k, out[i], true, false);
}

static uint32_t io_rd(void *opaque, uint16_t port, int size)
{
    (void)size;
    return port == 0x64 ? i8042_read_status(opaque) : i8042_read_data(opaque);
}

static void io_wr(void *opaque, uint16_t port, uint32_t val, int size)
{
    (void)size;
    if (port == 0x64)
        i8042_write_command(opaque, (uint8_t)val);
    else
        i8042_write_data(opaque, (uint8_t)val);
}

void i8042_reset(I8042 *k)
{
    k->q_head = k->q_len = 0;
    k->pending_cmd = 0;
    k->status_extra = 0;
    /* What a PC BIOS leaves: translation on, system flag, keyboard IRQ. */
    k->ctr = I8042_CTR_XLATE | I8042_CTR_SYS | I8042_CTR_KBDINT;
    k->outport = 0x03;
    k->leds = 0;
    k->kbd_scanning = true;
    kbd_defaults(k);
    ps2mouse_reset(&k->mouse);
    update_irq(k);
}

void i8042_init(I8042 *k, IOBus *io, IRQ *kbd_irq, IRQ *aux_irq, Memory *mem,
                void (*reset)(void *opaque), void *reset_opaque)
{
    memset(k, 0, sizeof(*k));
    k->kbd_irq = kbd_irq;
    k->aux_irq = aux_irq;
    k->mem = mem;
    k->reset = reset;
    k->reset_opaque = reset_opaque;
    i8042_reset(k);
    if (io) {
        io_register(io, 0x60, 1, io_rd, io_wr, k, IO_SIZE_1);
        io_register(io, 0x64, 1, io_rd, io_wr, k, IO_SIZE_1);
    }
}

static void i8042_reset_vm(void *opaque) { i8042_reset(opaque); }

static void i8042_post_load(void *opaque)
{
    I8042 *k = opaque;
    /* A foreign saved state: queue indices inside the queue, levels 0/1,
     * a scancode set 1..3 (found by tests/fuzz, target vmstate). */
    if (k->q_head < 0 || k->q_head >= I8042_QUEUE) k->q_head = 0;
    if (k->q_len < 0 || k->q_len > I8042_QUEUE) k->q_len = 0;
    if (k->scancode_set < 1 || k->scancode_set > 3) k->scancode_set = 2;
    k->irq1 = k->irq1 != 0;
    k->irq12 = k->irq12 != 0;
    irq_set(k->kbd_irq, k->irq1);
    irq_set(k->aux_irq, k->irq12);
}

static const VMField i8042_fields[] = {
    VMF(I8042, ctr), VMF(I8042, status_extra), VMF(I8042, pending_cmd), VMF(I8042, kbd_pending),
    VMF(I8042, scancode_set), VMF(I8042, kbd_scanning), VMF(I8042, outport), VMF(I8042, q),
    VMF(I8042, q_head), VMF(I8042, q_len), VMF(I8042, last), VMF(I8042, leds),
    VMF(I8042, irq1), VMF(I8042, irq12), VMF(I8042, mouse), VMF_END,
};
const VMStateDesc i8042_vmstate = {2, i8042_fields, i8042_reset_vm, NULL, i8042_post_load};
