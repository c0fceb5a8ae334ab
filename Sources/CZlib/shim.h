// zlib (Debian: zlib1g-dev), for reading and writing gzip-compressed IDX files.
#include <zlib.h>
static inline int cz_inflate_init_gzip(z_streamp s) { return inflateInit2(s, 15 + 32); }
static inline int cz_deflate_init_gzip(z_streamp s, int level) {
    return deflateInit2(s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
