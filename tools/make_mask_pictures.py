#!/usr/bin/env python3
"""Two paintings of clearly different colour for the mask tests and docs/masks.md, made from a seed (StyleLapse's
own, CC0): Fixtures/masks/ember.png (strokes of reds, oranges and yellows on dark red) and Fixtures/masks/tide.png
(strokes of blues, cyans and white on dark blue), 256x256. Brush strokes: short thick curved lines of random
direction and length, each in one colour of the palette with a little noise.

Run (pinned: pip install numpy==2.2.6):  python3 tools/make_mask_pictures.py
"""
import os
import struct
import zlib

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def write_png(path, rgb):
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].astype(np.uint8).tobytes() for y in range(h))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def painting(seed, background, palette, size=256, strokes=900):
    rng = np.random.default_rng(seed)
    img = np.tile(np.array(background, dtype=np.float64), (size, size, 1))
    yy, xx = np.mgrid[0:size, 0:size]
    for _ in range(strokes):
        colour = np.array(palette[rng.integers(len(palette))], dtype=np.float64) + rng.normal(0, 12, 3)
        x, y = rng.uniform(0, size, 2)
        angle, bend = rng.uniform(0, np.pi), rng.normal(0, 0.04)
        length, width = rng.uniform(10, 36), rng.uniform(2.0, 5.0)
        for t in np.linspace(0, length, int(length)):
            a = angle + bend * t
            cx, cy = x + t * np.cos(a), y + t * np.sin(a)
            x0, x1 = int(max(cx - width - 1, 0)), int(min(cx + width + 2, size))
            y0, y1 = int(max(cy - width - 1, 0)), int(min(cy + width + 2, size))
            if x0 >= x1 or y0 >= y1:
                continue
            d = np.hypot(xx[y0:y1, x0:x1] - cx, yy[y0:y1, x0:x1] - cy)
            alpha = np.clip(width - d, 0, 1)[..., None] * 0.85
            img[y0:y1, x0:x1] = img[y0:y1, x0:x1] * (1 - alpha) + colour * alpha
    return np.clip(img, 0, 255).round()


def main():
    folder = os.path.join(ROOT, "Fixtures", "masks")
    os.makedirs(folder, exist_ok=True)
    write_png(os.path.join(folder, "ember.png"),
              painting(1, (70, 10, 5), [(230, 60, 20), (250, 140, 30), (255, 210, 60), (180, 30, 20), (120, 20, 10)]))
    write_png(os.path.join(folder, "tide.png"),
              painting(2, (5, 20, 70), [(20, 80, 200), (40, 160, 230), (120, 220, 240), (235, 245, 255), (10, 40, 130)]))
    print("wrote Fixtures/masks/ember.png, tide.png")


if __name__ == "__main__":
    main()
