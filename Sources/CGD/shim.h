// libgd (Debian: libgd-dev). PNG writing/reading and text with the built-in fonts.
#include <gd.h>
#include <gdfonts.h>
#include <gdfontt.h>
#include <gdfontmb.h>
#include <gdfontl.h>
#include <gdfontg.h>

// Swift cannot use the C globals gdFontSmall etc. directly under strict concurrency.
static inline gdFontPtr cgd_font_tiny(void) { return gdFontGetTiny(); }
static inline gdFontPtr cgd_font_small(void) { return gdFontGetSmall(); }
static inline gdFontPtr cgd_font_medium_bold(void) { return gdFontGetMediumBold(); }
static inline gdFontPtr cgd_font_large(void) { return gdFontGetLarge(); }
static inline gdFontPtr cgd_font_giant(void) { return gdFontGetGiant(); }
static inline int cgd_font_width(gdFontPtr f) { return f->w; }
static inline int cgd_font_height(gdFontPtr f) { return f->h; }
static inline int cgd_sx(gdImagePtr im) { return gdImageSX(im); }
static inline int cgd_sy(gdImagePtr im) { return gdImageSY(im); }
static inline int cgd_truecolor_pixel(gdImagePtr im, int x, int y) { return gdImageGetTrueColorPixel(im, x, y); }

// Reading users' images (PixelRNN's ImageFiles). libgd's messages on damaged files go
// to stderr by default; the library never prints, so they are formatted here and handed
// to pixelrnn_gd_message (defined in Swift, Data/ImageFiles.swift) instead.
#include <stdio.h>
void pixelrnn_gd_message(const char *text);
static void cgd_keep_message(int priority, const char *format, va_list args) {
    char text[200];
    (void)priority;
    vsnprintf(text, sizeof text, format, args);
    pixelrnn_gd_message(text);
}
static inline void cgd_keep_messages(void) { gdSetErrorMethod(cgd_keep_message); }
// The colour of pixel (x, y) of a palette or true-colour image: 0xAARRGGBB with
// libgd's 7-bit alpha (0 = opaque, 127 = transparent).
static inline unsigned int cgd_pixel_argb(gdImagePtr im, int x, int y) {
    int c = gdImageGetPixel(im, x, y);
    return ((unsigned int)gdImageAlpha(im, c) << 24) | ((unsigned int)gdImageRed(im, c) << 16)
        | ((unsigned int)gdImageGreen(im, c) << 8) | (unsigned int)gdImageBlue(im, c);
}
