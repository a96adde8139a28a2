#!/usr/bin/env python3
"""Measures of a painted picture's artefacts, independent of StyleLapse (OpenCV + numpy), for choosing defaults by
measurement (docs/w2.md):

  off_palette   the share of the picture's pixels whose colour is nowhere near a colour of the photo or the
                painting: CIELAB (OpenCV's 8-bit scaling) quantised in cubes of 8 levels; a cube is in the palette
                when at least 4 pixels of the photo or the painting (each at the picture's size) fall in it or in a
                neighbouring cube; the picture's pixels in cubes outside it are off the palette
  axis_edges    of the strongest tenth of the edges (Sobel on grey, at the picture's size and at half of it), the share
                within 4 degrees of horizontal or vertical: 8.9 % if edges point every way alike; the painting's own
                share is printed beside it (The Starry Night's houses have some)
  fine_energy   mean |Laplacian| of grey (0..255): high-frequency energy (noise, or fine brush strokes), the
                painting's beside it

    tools/picture-stats PHOTO PAINTING PICTURE... [--json]
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


def axis_edges(im):
    shares = []
    for scale in (1, 2):
        grey = cv2.cvtColor(im, cv2.COLOR_BGR2GRAY).astype(np.float32)
        if scale > 1:
            grey = cv2.resize(grey, (grey.shape[1] // scale, grey.shape[0] // scale), interpolation=cv2.INTER_AREA)
        gx, gy = cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1)
        mag = np.hypot(gx, gy)[2:-2, 2:-2]
        ang = np.degrees(np.arctan2(gy, gx))[2:-2, 2:-2] % 90
        strong = mag >= np.quantile(mag, 0.9)
        near = (ang[strong] <= 4) | (ang[strong] >= 86)
        shares.append(float(near.mean()))
    return shares


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
               "axis_edges": axis_edges(pic), "painting_axis_edges": axis_edges(pa),
               "fine_energy": fine_energy(pic), "painting_fine_energy": fine_energy(pa)}
        rows.append(row)
    if as_json:
        print(json.dumps(rows, indent=1))
    else:
        for r in rows:
            print("%s: off palette %.2f %%, axis-aligned edges %.1f %% / %.1f %% at half size (painting %.1f / %.1f), "
                  "fine energy %.1f (painting %.1f)" % (
                      r["picture"], 100 * r["off_palette"], 100 * r["axis_edges"][0], 100 * r["axis_edges"][1],
                      100 * r["painting_axis_edges"][0], 100 * r["painting_axis_edges"][1], r["fine_energy"],
                      r["painting_fine_energy"]))


if __name__ == "__main__":
    main(sys.argv[1:])
