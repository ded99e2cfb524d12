/* cp437.h - the IBM PC's code page 437 (the VGA's ROM font) in Unicode. */
#ifndef XLAT86_CP437_H
#define XLAT86_CP437_H

#include <stdint.h>

/* The Unicode code point that looks like character c of code page 437
 * (the graphic forms for 0x01-0x1F and 0x7F; 0x00 is a space). */
uint32_t cp437_to_unicode(uint8_t c);

#endif
