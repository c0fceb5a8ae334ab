#!/usr/bin/env python3
"""Writes the tiny PNG and JPEG files the image loader's tests read (ImageFilesTests,
DataCommandTests): good ones of each kind, and damaged or unsupported ones.

Made with Pillow (pip install pillow) at development time only; the tests never run it.
Pixel values are fixed patterns the tests recompute:
  rgb-8x6.png       RGB, pixel (x, y) = (30·x, 40·y, 200)
  rgba-4x4.png      RGBA: left half opaque red (255, 0, 0, 255), right half fully
                    transparent black (0, 0, 0, 0): it must load as white
  grey-8x8.png      8-bit grey, pixel (x, y) = 32·x
  palette-5x5.png   palette (colour type 3): one colour (0, 128, 255)
  wide-70x5.png     RGB 70×5, pixel (x, y) = (3·x, 0, 0): wider than 64, needs --size
  rgb-12x10.jpg     RGB JPEG (quality 95), a flat colour (50, 100, 150)
  grey-6x6.jpg      grey JPEG (one component)
  cmyk-8x8.jpg      CMYK JPEG (four components): refused
  deep-4x4.png      16-bit grey PNG: refused
  truncated.png     rgb-8x6.png cut in the middle of its image data
  corrupt.png       rgb-8x6.png with its image data overwritten (the CRC no longer matches)
  truncated.jpg     rgb-12x10.jpg cut in the middle of its image data
Usage: python3 make_image_fixtures.py   (writes beside itself)
"""
import io
import pathlib

from PIL import Image

HERE = pathlib.Path(__file__).resolve().parent


def png(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, **options)
    return buffer.getvalue()


def jpeg(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95, **options)
    return buffer.getvalue()


def main():
    files = {}
    rgb = Image.new("RGB", (8, 6))
    rgb.putdata([(30 * x, 40 * y, 200) for y in range(6) for x in range(8)])
    files["rgb-8x6.png"] = png(rgb)
    rgba = Image.new("RGBA", (4, 4))
    rgba.putdata([(255, 0, 0, 255) if x < 2 else (0, 0, 0, 0) for y in range(4) for x in range(4)])
    files["rgba-4x4.png"] = png(rgba)
    grey = Image.new("L", (8, 8))
    grey.putdata([32 * x for y in range(8) for x in range(8)])
    files["grey-8x8.png"] = png(grey)
    palette = Image.new("RGB", (5, 5), (0, 128, 255)).convert("P", palette=Image.ADAPTIVE, colors=4)
    files["palette-5x5.png"] = png(palette)
    wide = Image.new("RGB", (70, 5))
    wide.putdata([(3 * x, 0, 0) for y in range(5) for x in range(70)])
    files["wide-70x5.png"] = png(wide)
    files["rgb-12x10.jpg"] = jpeg(Image.new("RGB", (12, 10), (50, 100, 150)))
    files["grey-6x6.jpg"] = jpeg(Image.new("L", (6, 6), 90))
    files["cmyk-8x8.jpg"] = jpeg(Image.new("CMYK", (8, 8), (10, 20, 30, 40)))
    deep = Image.new("I;16", (4, 4))
    deep.putdata([1000 * (x + y) for y in range(4) for x in range(4)])
    files["deep-4x4.png"] = png(deep)
    whole = files["rgb-8x6.png"]
    idat = whole.index(b"IDAT")
    files["truncated.png"] = whole[:idat + 12]
    corrupt = bytearray(whole)
    for i in range(idat + 6, idat + 14):
        corrupt[i] ^= 0x5A
    files["corrupt.png"] = bytes(corrupt)
    photo = files["rgb-12x10.jpg"]
    files["truncated.jpg"] = photo[:photo.index(b"\xff\xda") + 20]
    for name, data in files.items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
