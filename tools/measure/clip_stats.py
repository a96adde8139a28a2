#!/usr/bin/env python3
"""E_warp (Lai et al., "Learning Blind Video Temporal Consistency", ECCV 2018) of painted clips.

For each pair of neighbouring frames t, t+1 of the INPUT clip (resized to the painted size, INTER_AREA), OpenCV's
DIS (preset MEDIUM) estimates the flow F from t to t+1 and B from t+1 to t. The mask M_t keeps the pixels where the
flow is reliable (Ruder et al.'s check): |F + B(x+F)|^2 < 0.01(|F|^2 + |B(x+F)|^2) + 0.5, |grad F|^2 <= 0.01|F|^2 +
0.002, and x+F inside the frame. Then, with P the painted frames in [0, 1] RGB and W(P_{t+1}) the next painted frame
warped back (P_{t+1} sampled at x + F(x), bilinear):

    E_warp(t) = sum_x M_t(x) * mean_rgb (P_t(x) - W(P_{t+1})(x))^2 / sum_x M_t(x)

and E_warp is its mean over t (with --json, each pair's too: "pairs", t → E_warp(t)). Also reported: the same for the input clip itself (what the flow cannot explain:
noise, lighting, occlusion errors), the mean fraction of pixels masked in, and the frame count.
"""
import glob
import json
import os
import sys

import cv2
import numpy as np


def frames_of(path, size=None):
    if os.path.isdir(path):
        names = sorted(glob.glob(os.path.join(path, "frame_*.png")))
        for n in names:
            image = cv2.imread(n, cv2.IMREAD_COLOR)
            if image is None:
                raise SystemExit(f"{n}: cannot be read")
            yield cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        return
    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        raise SystemExit(f"{path}: cannot be read")
    while True:
        ok, image = capture.read()
        if not ok:
            break
        image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        if size is not None and (image.shape[1], image.shape[0]) != size:
            image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        yield image


def sample(image, x, y):
    return cv2.remap(image, x, y, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def mask_of(forward, backward):
    h, w = forward.shape[:2]
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    tx, ty = gx + forward[..., 0], gy + forward[..., 1]
    inside = (tx >= 0) & (ty >= 0) & (tx <= w - 1) & (ty <= h - 1)
    back = sample(backward, tx, ty)
    s = forward + back
    occluded = (s ** 2).sum(-1) >= 0.01 * ((forward ** 2).sum(-1) + (back ** 2).sum(-1)) + 0.5
    du = np.gradient(forward[..., 0])
    dv = np.gradient(forward[..., 1])
    grad = du[0] ** 2 + du[1] ** 2 + dv[0] ** 2 + dv[1] ** 2
    boundary = grad > 0.01 * (forward ** 2).sum(-1) + 0.002
    return (inside & ~occluded & ~boundary), tx, ty


def e_warp(clip, painted):
    p = list(frames_of(painted))
    if len(p) < 2:
        raise SystemExit(f"{painted}: needs at least 2 frames")
    size = (p[0].shape[1], p[0].shape[0])
    c = list(frames_of(clip, size))[: len(p)]
    if len(c) < len(p):
        raise SystemExit(f"{clip}: has {len(c)} frames, {painted} {len(p)}")
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    errors, inputs, kept, pairs = [], [], [], []
    for t in range(len(p) - 1):
        g0 = cv2.cvtColor(c[t], cv2.COLOR_RGB2GRAY)
        g1 = cv2.cvtColor(c[t + 1], cv2.COLOR_RGB2GRAY)
        forward = dis.calc(g0, g1, None)
        backward = dis.calc(g1, g0, None)
        m, tx, ty = mask_of(forward, backward)
        n = m.sum()
        if n == 0:
            continue
        for frames, out in ((p, errors), (c, inputs)):
            a = frames[t].astype(np.float32) / 255
            b = sample(frames[t + 1].astype(np.float32) / 255, tx, ty)
            out.append(float((((a - b) ** 2).mean(-1) * m).sum() / n))
        kept.append(float(n) / m.size)
        pairs.append(t)
    return {"painted": painted, "frames": len(p), "e_warp": float(np.mean(errors)), "e_warp_input": float(np.mean(inputs)),
            "masked_in": float(np.mean(kept)), "pairs": dict(zip(pairs, errors))}


def main():
    args = [a for a in sys.argv[1:] if a != "--json"]
    if len(args) < 2:
        raise SystemExit(__doc__.split("\n\n")[0] + "\nusage: tools/measure/clip-stats CLIP PAINTED... [--json]")
    results = [e_warp(args[0], p) for p in args[1:]]
    if "--json" in sys.argv:
        print(json.dumps(results, indent=1))
        return
    for r in results:
        print(f"{r['painted']}: E_warp {r['e_warp']:.5f} over {r['frames']} frames (the input itself {r['e_warp_input']:.5f}; "
              f"{100 * r['masked_in']:.1f} % of pixels masked in)")


if __name__ == "__main__":
    main()
