#!/usr/bin/env python3
"""Writes a folder of numbered PNG frames (a smooth colour animation) for the stand-in demo of `stylelapse encode`.

Python standard library only. Usage: python3 tools/make_demo_frames.py OUT_DIR [COUNT]
"""
import math
import os
import struct
import sys
import zlib

W, H = 320, 240


def png_rgb8(width, height, rows):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\0" + bytes(row) for row in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def frame(t):
    rows = []
    for y in range(H):
        row = []
        for x in range(W):
            u, v = x / W, y / H
            swirl = math.sin(6 * u + 3 * t) + math.cos(5 * v - 2 * t) + math.sin(4 * (u + v) + t)
            row += [int(127.5 + 120 * math.sin(swirl + t)), int(127.5 + 120 * math.sin(swirl + 2.1)),
                    int(127.5 + 120 * math.sin(swirl + 4.2 - t))]
        rows.append(row)
    return rows


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    os.makedirs(out, exist_ok=True)
    for i in range(count):
        with open(os.path.join(out, "frame_%04d.png" % i), "wb") as f:
            f.write(png_rgb8(W, H, frame(i / count * 2 * math.pi)))
    print("wrote %d frames to %s" % (count, out))


if __name__ == "__main__":
    main()
