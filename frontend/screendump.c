/* screendump.c - the shared frame and the monitor's `screendump FILE`. */
#include "display.h"

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static VGAFrame *shared_frame;

VGAFrame *display_update(PC *pc)
{
    if (!pc->vga)
        return NULL;
    if (!shared_frame && !(shared_frame = vga_frame_new()))
        return NULL;
    vga_render(pc->vga, shared_frame, clock_now(&pc->clock), false);
    return shared_frame;
}

bool display_write_png(const VGAFrame *f, const char *path, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "wb");
    if (!fp) {
        snprintf(err, errlen, "could not open '%s': %s", path, strerror(errno));
        return false;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    uint8_t *row = malloc((size_t)f->width * 3);
    if (!png || !info || !row) {
        png_destroy_write_struct(&png, &info);
        free(row);
        fclose(fp);
        snprintf(err, errlen, "%s: out of memory", path);
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(row);
        fclose(fp);
        snprintf(err, errlen, "%s: PNG write failed", path);
        return false;
    }
    png_init_io(png, fp);
    png_set_IHDR(png, info, (png_uint_32)f->width, (png_uint_32)f->height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < f->height; y++) {
        const uint32_t *s = f->pixels + (size_t)y * f->width;
        for (int x = 0; x < f->width; x++) {
            row[x * 3] = (uint8_t)(s[x] >> 16);
            row[x * 3 + 1] = (uint8_t)(s[x] >> 8);
            row[x * 3 + 2] = (uint8_t)s[x];
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    if (fclose(fp) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    return true;
}

static bool write_ppm(const VGAFrame *f, const char *path, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "wb");
    if (!fp) {
        snprintf(err, errlen, "could not open '%s': %s", path, strerror(errno));
        return false;
    }
    fprintf(fp, "P6\n%d %d\n255\n", f->width, f->height);
    for (size_t i = 0; i < (size_t)f->width * f->height; i++) {
        uint8_t px[3] = {(uint8_t)(f->pixels[i] >> 16), (uint8_t)(f->pixels[i] >> 8),
                         (uint8_t)f->pixels[i]};
        fwrite(px, 1, 3, fp);
    }
    if (fclose(fp) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    return true;
}

bool display_screendump(PC *pc, const char *path, char *err, size_t errlen)
{
    VGAFrame *f = display_update(pc);
    if (!f) {
        snprintf(err, errlen, "no graphic console (the machine has -vga none)");
        return false;
    }
    size_t n = strlen(path);
    if (n > 4 && !strcmp(path + n - 4, ".ppm"))
        return write_ppm(f, path, err, errlen);
    return display_write_png(f, path, err, errlen);
}
