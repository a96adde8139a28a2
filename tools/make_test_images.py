#!/usr/bin/env python3
"""Writes the small test images under Fixtures/images/ that StyleLapse's image-reading tests decode.

Every picture is the same formula-defined pattern (see `pattern` below, mirrored in Tests/TestSupport/Pattern.swift),
so the tests compute the expected pixels instead of storing them.

PNGs are written by the minimal encoder below (zlib + struct), which covers every colour type and bit depth;
JPEG, WebP, BMP and TIFF files are written by Pillow (pinned: pip install pillow==11.3.0).

Run: python3 tools/make_test_images.py   (from the repository root)
"""
import io
import os
import struct
import zlib

from PIL import Image

W, H = 24, 16
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "images")


def pattern(x, y):
    """8-bit RGB, alpha and gray of the test pattern at column x, row y."""
    r = x * 255 // (W - 1)
    g = y * 255 // (H - 1)
    b = (x + y) * 255 // (W + H - 2)
    a = (x * 11 + y * 3) % 256
    gray = (x * 10 + y * 5) % 256
    return r, g, b, a, gray


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(color_type, depth, rows, palette=None, trns=None, width=W, height=H):
    """A PNG from rows of samples (lists of ints), filter type 0 on every row."""
    raw = b""
    for row in rows:
        raw += b"\0" + (bytes(row) if depth == 8 else b"".join(struct.pack(">H", v) for v in row))
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0))
    if palette is not None:
        out += chunk(b"PLTE", bytes(v for rgb in palette for v in rgb))
    if trns is not None:
        out += chunk(b"tRNS", bytes(trns))
    return out + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    px = [[pattern(x, y) for x in range(W)] for y in range(H)]
    rgb8 = [[v for p in row for v in p[:3]] for row in px]
    rgba8 = [[v for p in row for v in p[:4]] for row in px]
    gray8 = [[p[4] for p in row] for row in px]
    graya8 = [[v for p in row for v in (p[4], p[3])] for row in px]
    to16 = lambda rows: [[v * 257 for v in row] for row in rows]  # 8-bit v as 16-bit: v·257 (exactly v after /257)

    write("png_gray8.png", png(0, 8, gray8))
    write("png_gray16.png", png(0, 16, to16(gray8)))
    write("png_graya8.png", png(4, 8, graya8))
    write("png_graya16.png", png(4, 16, to16(graya8)))
    write("png_rgb8.png", png(2, 8, rgb8))
    write("png_rgb16.png", png(2, 16, to16(rgb8)))
    write("png_rgba8.png", png(6, 8, rgba8))
    write("png_rgba16.png", png(6, 16, to16(rgba8)))
    # Palette: 16 gray-ish entries indexed by (x + y) % 16, entries with alpha from tRNS.
    palette = [(i * 17, 255 - i * 17, (i * 40) % 256) for i in range(16)]
    write("png_palette8.png", png(3, 8, [[(x + y) % 16 for x in range(W)] for y in range(H)], palette=palette,
                                  trns=[255 - i * 16 for i in range(16)]))

    # A header declaring 100000×100000 pixels (with one tiny IDAT): must be refused before allocation.
    write("bad_huge_header.png", png(2, 8, [[0, 0, 0]], width=100000, height=100000))
    # A PNG whose IDAT chunk's stored CRC is wrong (the data itself intact).
    good = bytearray(png(2, 8, rgb8))
    idat = good.index(b"IDAT")
    length = struct.unpack(">I", good[idat - 4:idat])[0]
    good[idat + 4 + length] ^= 0xFF
    write("bad_crc.png", bytes(good))

    img = Image.new("RGB", (W, H))
    img.putdata([p[:3] for row in px for p in row])
    def save(name, image, **kw):
        buf = io.BytesIO()
        image.save(buf, **kw)
        write(name, buf.getvalue())
    save("jpeg_baseline.jpg", img, format="JPEG", quality=95, subsampling=0)
    save("jpeg_progressive.jpg", img, format="JPEG", quality=95, subsampling=0, progressive=True)
    save("jpeg_cmyk.jpg", img.convert("CMYK"), format="JPEG", quality=95)
    # EXIF orientation 6 (rotate 90° clockwise to display): the stored picture is the pattern turned 90° counter-
    # clockwise, so the displayed one is the pattern again, 24×16.
    exif = Image.Exif()
    exif[0x0112] = 6
    save("jpeg_exif6.jpg", img.transpose(Image.Transpose.ROTATE_90), format="JPEG", quality=95, subsampling=0,
         exif=exif.tobytes())
    save("webp_lossless.webp", img, format="WEBP", lossless=True)
    save("webp_lossy.webp", img, format="WEBP", quality=95)
    save("bmp_rgb24.bmp", img, format="BMP")
    save("tiff_rgb.tif", img, format="TIFF")


if __name__ == "__main__":
    main()
