#!/usr/bin/env python3
"""When is a picture finished? Long runs of `stylelapse stylize` (every step given, `--frames` every 10 steps, the
trace), and candidate finish rules replayed on them exactly as StylizeSession applies `FinishRule`: windows of W steps
from step 0; at a window's end the best loss's fall over the window (a fraction of the best loss now) and the
picture's mean absolute change over it (levels of 255, the 8-bit picture as written) are compared with the rule's
thresholds, and the rule stops at the first window's end past its minimum where both are under them (else at the
cap: `--cap`, 300 steps as `stylize` has by default; a larger cap shows where a rule would stop beyond it).

A coarse-to-fine run (`-- --scales 2 --coarse-iterations 49`: the passes before the final one must end on a multiple
of 10) is measured on its final pass, which the rule watches; its seconds count from the run's start.

It also writes OUT/sheet-SIZE.png: per pair, the picture where the standard rule stops beside the same run's at three
times the steps. For each rule and pair it prints the stop step and its seconds; the loss gap (the best loss at the stop against the
same run's best loss at three times the steps); and the distance between the picture at the stop and the picture at
three times the steps (mean levels, raw and after a Gaussian blur of 2 px); where three times the steps is past the
run's end, against its last step (the gap is then a lower bound, marked ≥). Windows must be multiples of 10 (the frames
kept). A run already in `--out` is reused with `--reuse`.

    tools/measure/finish-rule --out DIR [--size 256] [--steps 900] [--cap 300] [--pairs a,b] [--reuse]
                              [-- MORE STYLIZE OPTIONS]
"""
import argparse
import itertools
import json
import os
import subprocess
import sys

import cv2
import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
PAIRS = {
    "chelsea-starry": ("Fixtures/demo/chelsea.png", "Fixtures/demo/starry_night.jpg"),
    "rise-ember": ("Fixtures/flow/bbb_rise_0.png", "Fixtures/masks/ember.png"),
    "hop-tide": ("Fixtures/flow/bbb_hop_0.png", "Fixtures/masks/tide.png"),
}
WINDOWS, FALLS, LEVELS, MINIMA = [20, 40], [0.0015, 0.002, 0.005, 0.01], [1.0, 2.0, 3.0], [60]
STANDARD = (20, 0.0015, 1.0, 60)   # FinishRule.standard, Sources/Stylization/FinishRule.swift


def run(folder, pair, size, steps, more, reuse):
    trace = os.path.join(folder, "trace.jsonl")
    if reuse and os.path.exists(trace):
        return
    os.makedirs(folder, exist_ok=True)
    content, style = (os.path.join(ROOT, p) for p in PAIRS[pair])
    binary = os.path.join(ROOT, ".build", "release", "stylelapse")
    args = [binary, "stylize", "--content", content, "--style", style, "--max-size", str(size), "--iterations",
            str(steps), "--every", "10", "--frames", os.path.join(folder, "frames"), "--overwrite-frames",
            "--trace", trace, "--output", os.path.join(folder, "picture.png"), "--quiet"] + more
    if subprocess.run(args).returncode != 0:
        sys.exit("%s: stylize failed" % folder)


class Run:
    """A run's final pass (the rule watches it alone): its steps from 0, the best loss since its start, the seconds
    since the run's start (coarse passes included), and its pictures."""
    def __init__(self, folder):
        rows = [r for r in map(json.loads, open(os.path.join(folder, "trace.jsonl"))) if "event" not in r]
        self.size = (rows[-1]["width"], rows[-1]["height"])
        final = [r for r in rows if (r["width"], r["height"]) == self.size]
        self.first = final[0]["iteration"]   # the final pass's step 0, run-wide
        if self.first % 10:
            sys.exit("%s: the final pass starts at iteration %d; frames are kept every 10 (give --coarse-iterations "
                     "so that the passes before it end on a multiple of 10, e.g. 49 with two scales)" % (folder, self.first))
        self.best = np.minimum.accumulate([r["total"] for r in final])
        self.seconds = [r["seconds"] for r in final]
        self.folder, self.pictures = folder, {}

    def picture(self, step):
        if step not in self.pictures:
            path = os.path.join(self.folder, "frames", "frame_%06d.png" % (self.first + step))
            self.pictures[step] = cv2.imread(path).astype(np.float64)
        return self.pictures[step]

    def stop(self, window, fall, levels, minimum, cap):
        """The step the rule stops at, as FinishWatch: the best loss and the picture compared window by window."""
        reference = 0
        for end in range(window, cap + 1, window):
            f = (self.best[reference] - self.best[end]) / abs(self.best[end])
            change = np.abs(self.picture(end) - self.picture(reference)).mean()
            if end >= minimum and f < fall and change < levels:
                return end
            reference = end
        return cap

    def against_three_times(self, step):
        """The loss gap and the pictures' distance (raw, blurred) to the same run at three times the steps."""
        longer = min(3 * step, len(self.best) - 1) // 10 * 10
        gap = (self.best[step] - self.best[longer]) / self.best[longer]
        a, b = self.picture(step), self.picture(longer)
        blur = lambda p: cv2.GaussianBlur(p, (0, 0), 2)
        return gap, np.abs(a - b).mean(), np.abs(blur(a) - blur(b)).mean(), longer < 3 * step


def sheet(runs, pairs, cap, path):
    """One row per pair: the picture where the standard rule stops, and the same run's picture at three times the
    steps, each labelled with its step and loss."""
    rows = []
    for pair in pairs:
        r = runs[pair]
        step = r.stop(*STANDARD, cap)
        longer = min(3 * step, len(r.best) - 1) // 10 * 10
        cells = []
        for s in (step, longer):
            picture = r.picture(s).astype(np.uint8).copy()
            label = "%s  step %d  loss %.4g" % (pair, s, r.best[s])
            cv2.rectangle(picture, (0, 0), (picture.shape[1], 18), (0, 0, 0), -1)
            cv2.putText(picture, label, (4, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1, cv2.LINE_AA)
            cells.append(picture)
        rows.append(np.hstack(cells))
    width = max(row.shape[1] for row in rows)
    rows = [np.pad(row, ((0, 0), (0, width - row.shape[1]), (0, 0))) for row in rows]
    cv2.imwrite(path, np.vstack(rows))


def main():
    argv = sys.argv[1:]
    more = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--steps", type=int, default=900)
    ap.add_argument("--cap", type=int, default=300)
    ap.add_argument("--pairs", default=",".join(PAIRS))
    ap.add_argument("--reuse", action="store_true")
    a = ap.parse_args(argv)
    pairs = a.pairs.split(",")
    runs = {}
    for pair in pairs:
        folder = os.path.join(a.out, "%s-%d" % (pair, a.size))
        run(folder, pair, a.size, a.steps, more, a.reuse)
        runs[pair] = Run(folder)
    print("pairs at --max-size %d: %s%s" % (a.size, ", ".join("%s %d×%d" % (p, *runs[p].size) for p in pairs),
                                           (" (stylize " + " ".join(more) + ")") if more else ""))
    print("rule (window, loss fall, levels, minimum) | per pair: stop step, seconds, loss gap to 3× the steps, "
          "distance to the picture at 3× (raw / blurred) | the worst gap")
    for window, fall, levels, minimum in itertools.product(WINDOWS, FALLS, LEVELS, MINIMA):
        cells, worst = [], 0.0
        for pair in pairs:
            r = runs[pair]
            step = r.stop(window, fall, levels, minimum, a.cap)
            gap, raw, blurred, short = r.against_three_times(step)
            worst = max(worst, gap)
            cells.append("%3d %5.1f s %s%5.2f %% %4.1f/%4.1f" % (step, r.seconds[step], "≥" if short else " ",
                                                              100 * gap, raw, blurred))
        print("W %2d  %.2f %%  %3.1f lv  min %3d | %s | %.2f %%" % (window, 100 * fall, levels, minimum,
                                                                   " | ".join(cells), 100 * worst))
    path = os.path.join(a.out, "sheet-%d.png" % a.size)
    sheet(runs, pairs, a.cap, path)
    print("the standard rule's stops beside three times the steps: " + path)


if __name__ == "__main__":
    main()
