#!/usr/bin/env python3
"""Measures of a painted picture's artefacts, independent of StyleLapse (OpenCV + numpy), for choosing defaults by
measurement (docs/w2.md):

  off_palette   the share of the picture's pixels whose colour is nowhere near a colour of the photo or the
                painting: CIELAB (OpenCV's 8-bit scaling) quantised in cubes of 8 levels; a cube is in the palette
                when at least 4 pixels of the photo or the painting (each at the picture's size) fall in it or in a
                neighbouring cube; the picture's pixels in cubes outside it are off the palette
  fine_energy   mean |Laplacian| of grey (0..255): high-frequency energy (noise, or fine brush strokes), the
                painting's beside it

Blocks (rectangular patches) are judged by eye: the share of axis-aligned edges and of straight horizontal or vertical
edge runs, tried here, did not separate pictures with blocks from pictures without (whiskers and the painting's
houses are straight too).

    tools/measure/picture-stats PHOTO PAINTING PICTURE... [--json]
"""
import json
import sys

import cv2
import numpy as np


def read(path):
    im = cv2.imread(path, cv2.IMREAD_COLOR)
    if im is None:
        sys.exit("%s: cannot read" % path)
    return im


def palette(images, cube=8, least=4):
    bins = 256 // cube
    counts = np.zeros((bins, bins, bins), np.int64)
    for im in images:
        q = cv2.cvtColor(im, cv2.COLOR_BGR2LAB).reshape(-1, 3) // cube
        np.add.at(counts, (q[:, 0], q[:, 1], q[:, 2]), 1)
    occupied = counts >= least
    grown = occupied.copy()
    for axis in range(3):
        for shift in (-1, 1):
            grown |= np.roll(occupied, shift, axis=axis)
    return grown


def off_palette(picture, grown, cube=8):
    q = cv2.cvtColor(picture, cv2.COLOR_BGR2LAB).reshape(-1, 3) // cube
    return float(1 - grown[q[:, 0], q[:, 1], q[:, 2]].mean())


def fine_energy(im):
    grey = cv2.cvtColor(im, cv2.COLOR_BGR2GRAY).astype(np.float32)
    return float(np.abs(cv2.Laplacian(grey, cv2.CV_32F)).mean())


def main(argv):
    as_json = "--json" in argv
    args = [a for a in argv if a != "--json"]
    if len(args) < 3:
        sys.exit(__doc__)
    photo, painting, pictures = read(args[0]), read(args[1]), args[2:]
    rows = []
    for path in pictures:
        pic = read(path)
        size = (pic.shape[1], pic.shape[0])
        ph = cv2.resize(photo, size, interpolation=cv2.INTER_AREA)
        # The painting at the picture's longer side, as StyleLapse's default style scale 1 feeds it.
        k = max(size) / max(painting.shape[:2])
        pa = cv2.resize(painting, (round(painting.shape[1] * k), round(painting.shape[0] * k)),
                        interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_CUBIC)
        row = {"picture": path, "off_palette": off_palette(pic, palette([ph, pa])),
               "fine_energy": fine_energy(pic), "painting_fine_energy": fine_energy(pa)}
        rows.append(row)
    if as_json:
        print(json.dumps(rows, indent=1))
    else:
        for r in rows:
            print("%s: off palette %.2f %%, fine energy %.1f (painting %.1f)" % (
                      r["picture"], 100 * r["off_palette"], r["fine_energy"], r["painting_fine_energy"]))


if __name__ == "__main__":
    main(sys.argv[1:])
