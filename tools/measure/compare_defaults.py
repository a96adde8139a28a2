#!/usr/bin/env python3
"""Defaults chosen by measurement (issue #28, docs/w2.md): runs `stylelapse stylize` on photo/painting pairs under
several choices of style loss, layer weights and coarse-to-fine ladder, each for the same wall time, and lays out one
contact sheet per pair with the losses and tools/measure/picture_stats.py's artefact measures.

Each run goes on until `--seconds` have passed since its first iteration (then it is stopped with SIGINT, which
finishes the step and writes its outputs); its picture is the film frame (`--frames`, every `--every` iterations) of
the last iteration recorded within that time, so every choice gets the same time, whatever its iterations cost.

    tools/measure/compare-defaults --size 512 --seconds 100 --out docs/defaults [--pairs chelsea-starry,...] [--reuse]
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from picture_stats import fine_energy, off_palette, palette  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
PAIRS = {
    "chelsea-starry": ("Fixtures/demo/chelsea.png", "Fixtures/demo/starry_night.jpg"),
    "rise-ember": ("Fixtures/flow/bbb_rise_0.png", "Fixtures/masks/ember.png"),
    "hop-tide": ("Fixtures/flow/bbb_hop_0.png", "Fixtures/masks/tide.png"),
}
CROWSON = ["--style-layer-weights", "256,64,16,4,1"]


def configs(size):
    ladder = 1
    while 128 * 2 ** (ladder / 2) <= size * 1.001:   # crowsonkb: from 128 px up in steps of sqrt 2
        ladder += 1
    return [
        ("gram", "Gram, report weights (default before #28)", ["--style-weight", "1e-2"]),
        ("gram-strength", "Gram, --strength 0.5", ["--strength", "0.5"]),
        ("w2", "W2, --strength 0.5", ["--style-loss", "w2"]),
        ("w2-layers", "W2, layers 256:64:16:4:1", ["--style-loss", "w2"] + CROWSON),
        ("w2-layers-ladder", "W2, 256:64:16:4:1, sqrt2 ladder", ["--style-loss", "w2"] + CROWSON
         + (["--scales", str(ladder), "--scale-ratio", "1.41421356", "--coarse-iterations", "25"] if ladder > 1 else [])),
    ]


def run(binary, photo, painting, size, seconds, every, folder, flags, again=True):
    os.makedirs(folder, exist_ok=True)
    frames = os.path.join(folder, "frames")
    trace = os.path.join(folder, "trace.jsonl")
    if again or not os.path.exists(trace):
        paint(binary, photo, painting, size, seconds, every, folder, flags, frames, trace)
    return pick(folder, trace, frames, seconds, every)


def paint(binary, photo, painting, size, seconds, every, folder, flags, frames, trace):
    # Stopped by time, so the steps are unbounded; the coarser passes (when the size has them) keep the steps a
    # default run gives them, a sixth of its 300, unless the choice says otherwise.
    coarse = [] if "--coarse-iterations" in flags else ["--coarse-iterations", "50"]
    args = [binary, "stylize", "--content", photo, "--style", painting, "--max-size", str(size), "--upscale",
            "--iterations", "100000", "--every", str(every), "--frames", frames, "--overwrite-frames",
            "--trace", trace, "--output", os.path.join(folder, "best.png"), "--quiet"] + coarse + flags
    p = subprocess.Popen(args, cwd=ROOT)
    start = None
    while p.poll() is None:
        time.sleep(0.5)
        if start is None and os.path.exists(trace + ".part") and os.path.getsize(trace + ".part") > 0:
            start = time.monotonic()
        if start is not None and time.monotonic() - start > seconds + 3:
            p.send_signal(signal.SIGINT)
            p.wait()
    if p.returncode not in (0, 130):
        sys.exit("%s: stylize failed (status %d)" % (folder, p.returncode))


def pick(folder, trace, frames, seconds, every):
    rows = [r for r in map(json.loads, open(trace)) if "event" not in r]   # iterations, not steer/finish events
    within = [r for r in rows if r["seconds"] <= seconds]
    # The film frames (frame_<iteration>.png) are iterations 0, every, 2 every, ... and the last: the last frame
    # within the time.
    chosen = max(r["iteration"] for r in within if r["iteration"] % every == 0)
    row = next(r for r in rows if r["iteration"] == chosen)
    if row["width"] != rows[-1]["width"]:
        print("warning: %s: at %.0f s the run was still in a coarser pass" % (folder, seconds), file=sys.stderr)
    return os.path.join(frames, "frame_%06d.png" % chosen), row, len(rows) - 1


def label(cell, lines, width):
    strip = np.full((18 * len(lines) + 6, width, 3), 255, np.uint8)
    for i, text in enumerate(lines):
        cv2.putText(strip, text, (4, 16 + 18 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 0), 1, cv2.LINE_AA)
    return np.vstack([cell, strip])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--seconds", type=float, default=90)
    ap.add_argument("--every", type=int, default=2)
    ap.add_argument("--out", required=True)
    ap.add_argument("--work", default="/tmp/stylelapse-compare")
    ap.add_argument("--pairs", default=",".join(PAIRS))
    ap.add_argument("--configs", default="")
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "stylelapse"))
    ap.add_argument("--reuse", action="store_true", help="lay out the runs already in --work, running only missing ones")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    chosen_configs = [c for c in configs(a.size) if not a.configs or c[0] in a.configs.split(",")]
    summary = []
    for pair in a.pairs.split(","):
        photo, painting = (os.path.join(ROOT, p) for p in PAIRS[pair])
        cells = []
        for name, title, flags in chosen_configs:
            folder = os.path.join(a.work, "%s-%d-%s" % (pair, a.size, name))
            frame, row, iterations = run(a.binary, photo, painting, a.size, a.seconds, a.every, folder, flags, not a.reuse)
            pic = cv2.imread(frame)
            ph = cv2.resize(cv2.imread(photo), (pic.shape[1], pic.shape[0]), interpolation=cv2.INTER_CUBIC)
            pa = cv2.imread(painting)
            k = max(pic.shape[:2]) / max(pa.shape[:2])
            pa = cv2.resize(pa, (round(pa.shape[1] * k), round(pa.shape[0] * k)), interpolation=cv2.INTER_CUBIC)
            stats = {"off_palette": off_palette(pic, palette([ph, pa])), "fine_energy": fine_energy(pic)}
            entry = dict(pair=pair, size=a.size, config=name, flags=" ".join(flags), seconds=row["seconds"],
                         iteration=row["iteration"], width=row["width"], style=row["style"], content=row["content"],
                         style_layers=row["style_layers"], **stats)
            summary.append(entry)
            print(json.dumps(entry))
            cells.append(label(pic, [title, "it %d in %.0f s: style %.3g content %.3g" % (
                row["iteration"], row["seconds"], row["style"], row["content"]),
                "off-palette %.1f%%  fine energy %.0f" % (100 * stats["off_palette"], stats["fine_energy"])], pic.shape[1]))
        height = max(c.shape[0] for c in cells)
        cells = [np.vstack([c, np.full((height - c.shape[0], c.shape[1], 3), 255, np.uint8)]) for c in cells]
        sheet = np.hstack([np.hstack([c, np.full((height, 8, 3), 255, np.uint8)]) for c in cells])
        path = os.path.join(a.out, "%s-%d.jpg" % (pair, a.size))
        cv2.imwrite(path, sheet, [cv2.IMWRITE_JPEG_QUALITY, 90])
        print("wrote", path)
    with open(os.path.join(a.out, "summary-%d.json" % a.size), "w") as f:
        json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
