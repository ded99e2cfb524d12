/* pngcmp.c - compare two images (PNG or binary PPM) pixel for pixel.
 * Usage: pngcmp A B. Prints "WxH, N pixels differ" (and the first
 * differing pixel); exit 0 when the sizes match and no pixel differs. */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { int w, h; unsigned char *rgb; } Img;

static int load_ppm(FILE *f, Img *im)
{
    int maxv;
    if (fscanf(f, "P6 %d %d %d", &im->w, &im->h, &maxv) != 3 || maxv != 255 || fgetc(f) == EOF)
        return 0;
    size_t n = (size_t)im->w * im->h * 3;
    im->rgb = malloc(n);
    return im->rgb && fread(im->rgb, 1, n, f) == n;
}

static int load_png(FILE *f, Img *im)
{
    png_structp p = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(p);
    if (setjmp(png_jmpbuf(p)))
        return 0;
    png_init_io(p, f);
    png_read_info(p, info);
    png_set_strip_16(p);
    png_set_strip_alpha(p);
    png_set_palette_to_rgb(p);
    png_set_gray_to_rgb(p);
    png_read_update_info(p, info);
    im->w = (int)png_get_image_width(p, info);
    im->h = (int)png_get_image_height(p, info);
    if (png_get_rowbytes(p, info) != (size_t)im->w * 3)
        return 0;
    im->rgb = malloc((size_t)im->w * im->h * 3);
    for (int y = 0; y < im->h; y++)
        png_read_row(p, im->rgb + (size_t)y * im->w * 3, NULL);
    png_destroy_read_struct(&p, &info, NULL);
    return 1;
}

static int load(const char *path, Img *im)
{
    FILE *f = fopen(path, "rb");
    unsigned char sig[8];
    int ok = 0;
    if (!f)
        return 0;
    if (fread(sig, 1, 8, f) == 8) {
        if (!png_sig_cmp(sig, 0, 8)) {
            rewind(f);
            ok = load_png(f, im);
        } else if (sig[0] == 'P' && sig[1] == '6') {
            rewind(f);
            ok = load_ppm(f, im);
        }
    }
    fclose(f);
    return ok;
}

int main(int argc, char **argv)
{
    Img a = {0}, b = {0};
    if (argc != 3) {
        fprintf(stderr, "usage: pngcmp A B\n");
        return 2;
    }
    if (!load(argv[1], &a) || !load(argv[2], &b)) {
        fprintf(stderr, "pngcmp: cannot read %s or %s\n", argv[1], argv[2]);
        return 2;
    }
    if (a.w != b.w || a.h != b.h) {
        printf("size differs: %dx%d vs %dx%d\n", a.w, a.h, b.w, b.h);
        return 1;
    }
    long diff = 0;
    for (int i = 0; i < a.w * a.h; i++) {
        if (memcmp(a.rgb + i * 3, b.rgb + i * 3, 3)) {
            if (!diff)
                printf("first difference at (%d,%d): %02x%02x%02x vs %02x%02x%02x\n", i % a.w,
                       i / a.w, a.rgb[i * 3], a.rgb[i * 3 + 1], a.rgb[i * 3 + 2], b.rgb[i * 3],
                       b.rgb[i * 3 + 1], b.rgb[i * 3 + 2]);
            diff++;
        }
    }
    printf("%dx%d, %ld pixels differ\n", a.w, a.h, diff);
    return diff != 0;
}
