#!/usr/bin/env python3
"""Golden fixtures for StyleLapse's engine kernels, computed by PyTorch in float64.

Writes Fixtures/engine/kernels.slfx. Inputs are drawn as float32 values (then widened to float64), so the Swift
kernels, which compute in float32, start from exactly the reference's inputs; the reference values are float64.

Format (version 1), little-endian:
    4 bytes  magic "SLFX"
    u32      format version (1)
    u32      header length in bytes
    header   UTF-8 JSON: {"format", "version", "generator", "torch", "cases": [
                 {"name", "kernel", "params": {...}, "tolerance": {"rel", "abs"},
                  "tensors": {NAME: {"shape": [...], "offset": ELEMENT_OFFSET, "count": N}}}]}
    data     float64 values; each tensor at header-relative element offset `offset` after the header
Tolerance: |swift - reference| <= abs + rel * |reference|, per element.

Run (pinned: pip install torch==2.13.0):  python3 tools/make_fixtures.py
"""
import json
import os
import struct
import sys

import torch
import torch.nn.functional as F

VERSION = 1
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
torch.manual_seed(20261127)


def f32(*shape, low=-1.0, high=1.0):
    """Uniform values representable in float32, as float64."""
    return (torch.rand(*shape, dtype=torch.float32) * (high - low) + low).double()


class Writer:
    def __init__(self):
        self.cases, self.data = [], []
        self.offset = 0

    def case(self, name, kernel, params, tol, **tensors):
        entry = {"name": name, "kernel": kernel, "params": params, "tolerance": tol, "tensors": {}}
        for key, t in tensors.items():
            t = torch.as_tensor(t, dtype=torch.float64).detach().contiguous()
            values = t.flatten().tolist()
            entry["tensors"][key] = {"shape": list(t.shape), "offset": self.offset, "count": len(values)}
            self.data.append(struct.pack("<%dd" % len(values), *values))
            self.offset += len(values)
        self.cases.append(entry)

    def save(self, path):
        header = json.dumps({"format": "stylelapse-fixtures", "version": VERSION, "generator": "tools/make_fixtures.py",
                             "torch": torch.__version__, "cases": self.cases}, separators=(",", ":")).encode()
        with open(path, "wb") as f:
            f.write(b"SLFX" + struct.pack("<II", VERSION, len(header)) + header + b"".join(self.data))
        print("wrote %s: %d cases, %d values" % (path, len(self.cases), self.offset))


def engine_fixtures(w):
    # 3x3 convolutions, stride 1, padding 1: odd/even sizes, 1x1 and 2x2 maps, channel counts 3, 5, 16, 17, 64.
    for cin, cout, h, wd in [(3, 16, 7, 9), (5, 17, 1, 1), (16, 5, 2, 2), (17, 16, 6, 5), (64, 64, 8, 8),
                             (3, 64, 5, 6), (16, 64, 4, 4)]:
        x = f32(1, cin, h, wd).requires_grad_()
        weight, bias = f32(cout, cin, 3, 3, low=-0.5, high=0.5), f32(cout)
        y = F.conv2d(x, weight, bias, padding=1)
        g = f32(*y.shape)
        y.backward(g)
        w.case("conv %d->%d %dx%d" % (cin, cout, h, wd), "conv3x3", {}, {"rel": 1e-5, "abs": 2e-5},
               input=x[0], weight=weight, bias=bias, output=y[0], grad_output=g[0], grad_input=x.grad[0])
    x = f32(1, 5, 7, 9).requires_grad_()
    y = F.relu(x)
    g = f32(*y.shape)
    y.backward(g)
    w.case("relu 5x7x9", "relu", {}, {"rel": 0, "abs": 0}, input=x[0], output=y[0], grad_output=g[0],
           grad_input=x.grad[0])
    for c, h, wd in [(17, 7, 9), (16, 8, 6), (3, 2, 2), (5, 3, 5)]:
        x = f32(1, c, h, wd).requires_grad_()
        y, idx = F.max_pool2d(x, 2, 2, return_indices=True)
        g = f32(*y.shape)
        y.backward(g)
        # PyTorch's indices are flat positions in the input plane; StyleLapse stores the window position 0..3.
        iy, ix = idx // wd, idx % wd
        window = (iy % 2) * 2 + (ix % 2)
        w.case("maxpool %dx%dx%d" % (c, h, wd), "maxpool", {}, {"rel": 0, "abs": 0}, input=x[0], output=y[0],
               argmax=window[0], grad_output=g[0], grad_input=x.grad[0])
        x2 = x.detach().clone().requires_grad_()
        y2 = F.avg_pool2d(x2, 2, 2)
        y2.backward(g)
        w.case("avgpool %dx%dx%d" % (c, h, wd), "avgpool", {}, {"rel": 1e-6, "abs": 1e-7}, input=x2[0], output=y2[0],
               grad_output=g[0], grad_input=x2.grad[0])
    for c, h, wd in [(17, 5, 9), (64, 6, 10), (5, 1, 1), (24, 3, 7)]:
        x = f32(1, c, h, wd).requires_grad_()
        n = float(h * wd)
        feats = x[0].reshape(c, h * wd)
        gram = feats @ feats.t() / n
        g = f32(c, c)
        gram.backward(g)
        w.case("gram %dx%dx%d" % (c, h, wd), "gram", {"normalization": n}, {"rel": 1e-5, "abs": 1e-6},
               input=x[0], gram=gram, grad_gram=g, grad_input=x.grad[0])
    a, b = f32(17, 5, 9).requires_grad_(), f32(17, 5, 9)
    loss = F.mse_loss(a, b)
    loss.backward()
    w.case("mse 17x5x9", "mse", {}, {"rel": 1e-6, "abs": 1e-7}, a=a, b=b, loss=loss.reshape(1), grad_a=a.grad)
    x = f32(3, 7, 9, low=-100, high=100).requires_grad_()
    tv = ((x[:, 1:, :] - x[:, :-1, :]) ** 2).sum() + ((x[:, :, 1:] - x[:, :, :-1]) ** 2).sum()
    tv.backward()
    w.case("tv 3x7x9", "tv", {}, {"rel": 1e-6, "abs": 1e-4}, input=x, loss=tv.reshape(1), grad_input=x.grad)


def main():
    if torch.__version__.split("+")[0] != "2.13.0":
        print("warning: fixtures are pinned to torch 2.13.0, this is %s" % torch.__version__, file=sys.stderr)
    w = Writer()
    engine_fixtures(w)
    os.makedirs(os.path.join(ROOT, "Fixtures", "engine"), exist_ok=True)
    w.save(os.path.join(ROOT, "Fixtures", "engine", "kernels.slfx"))


if __name__ == "__main__":
    main()
