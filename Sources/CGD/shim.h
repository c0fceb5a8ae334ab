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
