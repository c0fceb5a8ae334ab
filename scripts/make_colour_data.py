#!/usr/bin/env python3
"""Regenerates data/emoji16-images-idx4-ubyte.gz from Debian's fonts-noto-color-emoji.

The colour emoji of Noto Color Emoji (the font file of the Debian package
fonts-noto-color-emoji, /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf) are
PNG bitmaps in the font's CBDT table (one strike, 136x128 pixels). For every
emoji that is a single code point in the font's character map (sorted by code
point; see SKIPPED for what is left out), this script:

1. decodes the glyph's PNG (Pillow) to RGBA,
2. centres it on a square canvas of SIDE*SCALE pixels (144 = 16 * 9) of plain
   white, compositing with the alpha channel (integer arithmetic, rounded),
3. reduces it to SIDE x SIDE (16 x 16) by averaging each 9 x 9 block (integer
   arithmetic, rounded half up),

and writes all of them as one standard IDX file of unsigned bytes with 4
dimensions (magic 0x00000804: count, rows, columns, 3 colours R, G, B; big-endian
sizes), gzip-compressed reproducibly (no file name, time stamp 0, level 9).
Only PNG decoding is left to a library (it is exact); the resampling is done here
in integers, so the output does not depend on Pillow's resampling filters.

The train/valid/test split is not stored: the loader computes it from the order
(of every 10 consecutive images 8 train, the 9th valid, the 10th test; data/README.md).

Python (fontTools, Pillow, numpy) is used here only to regenerate data;
pixelrnn never runs it.

Usage:  python3 scripts/make_colour_data.py [--font PATH] [--out DIR]
"""
import argparse
import hashlib
import io
import pathlib
import struct
import sys

import numpy as np
from fontTools.ttLib import TTFont
from PIL import Image

from make_bundled_data import write_gzip  # reproducible gzip, its SHA-256 printed

FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
# The font file of fonts-noto-color-emoji 2.042-0+deb12u1 (Debian 12); another
# version gives other images (the script says so, and still writes them).
FONT_SHA256 = "e5899ed38b8ed83e08bd3ac5de09791e9d19d288333a796de1d35ad17396f1ec"
NAME = "emoji16-images-idx4-ubyte.gz"
SIDE = 16
SCALE = 9                      # 16 * 9 = 144 >= 136, the strike's largest side
BACKGROUND = (255, 255, 255)   # plain white

# Code points in the character map that are not emoji pictures on their own:
# ASCII (digits, '#', '*', space: keycap bases), the zero-width joiner, the
# combining keycap, variation selectors, regional indicator letters (halves of
# flags), skin-tone modifiers (colour swatches), tag characters and the private
# use areas (the font's own extra glyphs, which are not Unicode emoji).
SKIPPED = [(0x0000, 0x007F), (0x200D, 0x200D), (0x20E3, 0x20E3), (0xE000, 0xF8FF),
           (0xFE00, 0xFE0F), (0x1F1E6, 0x1F1FF), (0x1F3FB, 0x1F3FF), (0xE0000, 0xE007F),
           (0xF0000, 0x10FFFF)]


def skipped(code):
    return any(low <= code <= high for low, high in SKIPPED)


def emoji_bitmaps(font_path):
    """(code point, PNG bytes) of every single-code-point emoji, by code point."""
    font = TTFont(font_path)
    strikes = font["CBDT"].strikeData
    if len(strikes) != 1:
        sys.exit(f"{font_path}: expected one bitmap strike, found {len(strikes)}")
    strike = strikes[0]
    found = []
    for code, glyph in sorted(font.getBestCmap().items()):
        if skipped(code) or glyph not in strike:
            continue
        bitmap = strike[glyph]
        bitmap.decompile()
        if bitmap.getFormat() not in (17, 18, 19):
            sys.exit(f"U+{code:04X}: CBDT format {bitmap.getFormat()} is not PNG")
        found.append((code, bitmap.imageData))
    return found


def reduce(png):
    """SIDE x SIDE x 3 bytes: the glyph composited on white, block-averaged."""
    image = Image.open(io.BytesIO(png))
    image.load()
    rgba = np.asarray(image.convert("RGBA"), dtype=np.int64)
    h, w = rgba.shape[:2]
    big = SIDE * SCALE
    if h > big or w > big:
        sys.exit(f"a bitmap of {w}x{h} pixels is larger than {big}x{big}")
    canvas = np.empty((big, big, 3), dtype=np.int64)
    canvas[:, :] = BACKGROUND
    top, left = (big - h) // 2, (big - w) // 2
    alpha = rgba[:, :, 3:4]
    bg = np.array(BACKGROUND, dtype=np.int64)
    canvas[top:top + h, left:left + w] = (rgba[:, :, :3] * alpha + bg * (255 - alpha) + 127) // 255
    blocks = canvas.reshape(SIDE, SCALE, SIDE, SCALE, 3).sum(axis=(1, 3))
    n = SCALE * SCALE
    return ((blocks + n // 2) // n).astype(np.uint8).tobytes()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--font", default=FONT, help=f"the font file (default {FONT})")
    parser.add_argument("--out", default=str(pathlib.Path(__file__).resolve().parent.parent / "data"),
                        help="the folder to write to (default: the repository's data/)")
    args = parser.parse_args()
    font_bytes = pathlib.Path(args.font).read_bytes()
    digest = hashlib.sha256(font_bytes).hexdigest()
    if digest != FONT_SHA256:
        print(f"note: {args.font} has sha256 {digest}, not the {FONT_SHA256} the shipped file came from",
              file=sys.stderr)
    bitmaps = emoji_bitmaps(args.font)
    pixels = b"".join(reduce(png) for _, png in bitmaps)
    header = struct.pack(">IIIII", 0x00000804, len(bitmaps), SIDE, SIDE, 3)
    print(f"{len(bitmaps)} emoji, U+{bitmaps[0][0]:04X} to U+{bitmaps[-1][0]:04X}")
    write_gzip(pathlib.Path(args.out) / NAME, header + pixels)


if __name__ == "__main__":
    main()
