#!/usr/bin/env python3
"""Golden fixtures for StyleLapse's engine kernels and VGG19 objective, computed by PyTorch in float64.

Writes
  Fixtures/engine/kernels.slfx     every engine kernel, forward and backward
  Fixtures/network/mini_vgg.slfx   a seeded reduced-width VGG19 (widths 4, 8, 8, 16, 16) with its weights: all 16
                                   activations, Grams, losses, input gradient; needs no download
  Fixtures/network/vgg19.slfx      the real weights (run tools/fetch-weights first): the objective's layers,
                                   Grams, losses and input gradient for a 48x64 content and a 40x56 style image
  Fixtures/report/                 the real weights: the report preset's 10-step run on an 88x64 photo and a 72x80
                                   painting, each at its own size (photo.png, painting.png, best.png, run.json);
                                   `python3 tools/make_fixtures.py report` writes only these
Inputs are drawn as float32 values (then widened to float64), so the Swift code, which computes in float32, starts
from exactly the reference's inputs; the references are computed in float64.

Format (version 2), little-endian:
    4 bytes  magic "SLFX"
    u32      format version (2)
    u32      header length in bytes
    header   UTF-8 JSON: {"format", "version", "generator", "torch", "cases": [
                 {"name", "kernel", "params": {...}, "tolerance": {"rel", "abs"},
                  "tensors": {NAME: {"shape": [...], "dtype": "f8" | "f4", "offset": BYTE_OFFSET, "count": N,
                                     optional "rel", "abs": this tensor's own tolerance}}}]}
    data     the tensors' values, each at byte offset `offset` after the header
Tolerance: |swift - reference| <= abs + rel * |reference|, per element. Large references (activations, Grams) are
stored as float32 ("f4"), far below their tolerances; losses and gradients as float64.

Run (pinned: pip install torch==2.13.0):  python3 tools/make_fixtures.py
"""
import json
import os
import struct
import sys

import torch
import torch.nn.functional as F

VERSION = 2
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
torch.manual_seed(20261127)


def f32(*shape, low=-1.0, high=1.0):
    """Uniform values representable in float32, as float64."""
    return (torch.rand(*shape, dtype=torch.float32) * (high - low) + low).double()


class Writer:
    def __init__(self):
        self.cases, self.data = [], []
        self.offset = 0

    def case(self, name, kernel, params, tol, f4=(), tolerances=None, **tensors):
        """`f4`: tensors stored as float32; `tolerances`: per-tensor {"rel", "abs"} overriding `tol`."""
        entry = {"name": name, "kernel": kernel, "params": params, "tolerance": tol, "tensors": {}}
        for key, t in tensors.items():
            t = torch.as_tensor(t, dtype=torch.float64).detach().contiguous()
            values = t.flatten().tolist()
            dtype, code, size = ("f4", "f", 4) if key in f4 else ("f8", "d", 8)
            entry["tensors"][key] = {"shape": list(t.shape), "dtype": dtype, "offset": self.offset,
                                     "count": len(values)}
            entry["tensors"][key].update((tolerances or {}).get(key, {}))
            self.data.append(struct.pack("<%d%s" % (len(values), code), *values))
            self.offset += size * len(values)
        self.cases.append(entry)

    def save(self, path):
        header = json.dumps({"format": "stylelapse-fixtures", "version": VERSION, "generator": "tools/make_fixtures.py",
                             "torch": torch.__version__, "cases": self.cases}, separators=(",", ":")).encode()
        with open(path, "wb") as f:
            f.write(b"SLFX" + struct.pack("<II", VERSION, len(header)) + header + b"".join(self.data))
        print("wrote %s: %d cases, %d bytes of data" % (path, len(self.cases), self.offset))


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
    # 3x3 convolutions padded by copying the map (F.pad 'replicate' / 'reflect', then an unpadded conv): the
    # border's gradient lands on the pixels it copied. Sides of 2 (reflect's smallest) and 1 (replicate only).
    for mode in ["replicate", "reflect"]:
        for cin, cout, h, wd in [(3, 16, 7, 9), (16, 17, 2, 5), (17, 16, 6, 2), (64, 24, 5, 4), (5, 8, 1, 3)]:
            if mode == "reflect" and min(h, wd) < 2:
                continue
            x = f32(1, cin, h, wd).requires_grad_()
            weight, bias = f32(cout, cin, 3, 3, low=-0.5, high=0.5), f32(cout)
            y = F.conv2d(F.pad(x, (1, 1, 1, 1), mode=mode), weight, bias)
            g = f32(*y.shape)
            y.backward(g)
            w.case("conv %s %d->%d %dx%d" % (mode, cin, cout, h, wd), "conv3x3_" + mode, {},
                   {"rel": 1e-5, "abs": 2e-5}, input=x[0], weight=weight, bias=bias, output=y[0], grad_output=g[0],
                   grad_input=x.grad[0])


# --- VGG19 and the objective ---------------------------------------------------------------------------------------

VGG19_BLOCKS = [(2, 64), (2, 128), (4, 256), (4, 512), (4, 512)]
MINI_BLOCKS = [(2, 4), (2, 8), (4, 8), (4, 16), (4, 16)]
CAFFE_MEAN_BGR = [103.939, 116.779, 123.68]
STYLE_LAYERS = ["block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1"]
CONTENT_LAYER = "block5_conv2"


def layer_names(blocks):
    return ["block%d_conv%d" % (b + 1, c + 1) for b, (n, _) in enumerate(blocks) for c in range(n)]


def vgg_forward(rgb, weights, blocks, upto, padding="zeros"):
    """Activations after ReLU of every conv up to `upto`, for RGB 0..255 input (1, 3, H, W): Keras 'caffe'
    preprocessing (BGR minus the ImageNet mean), 3x3 convs with padding 1, 2x2 max pooling between blocks.
    `padding`: "zeros" (VGG's), "replicate" or "reflect" (the first conv; zeros after), or those with "-all"."""
    mean = torch.tensor(CAFFE_MEAN_BGR, dtype=torch.float64).reshape(1, 3, 1, 1)
    x = rgb[:, [2, 1, 0]] - mean
    out = {}
    mode, every = padding.replace("-all", ""), padding.endswith("-all")
    for b, (n, _) in enumerate(blocks):
        if b > 0:
            x = F.max_pool2d(x, 2, 2)
        for c in range(n):
            name = "block%d_conv%d" % (b + 1, c + 1)
            w, bias = weights[name]
            if mode != "zeros" and (every or name == "block1_conv1"):
                x = F.relu(F.conv2d(F.pad(x, (1, 1, 1, 1), mode=mode), w, bias))
            else:
                x = F.relu(F.conv2d(x, w, bias, padding=1))
            out[name] = x
            if name == upto:
                return out
    return out


def report_objective(image, content, style, weights, blocks, padding="zeros"):
    """The origin report's objective: Gram = F F^T / (H W); E_l = mean (G - A)^2; style = sum 0.2 E_l;
    content = mean (F - P)^2 at block5_conv2; total = 1e-2 style + 1e3 content."""
    def gram(f):
        c, m = f.shape[1], f.shape[2] * f.shape[3]
        feats = f[0].reshape(c, m)
        return feats @ feats.t() / m
    s_acts = vgg_forward(style, weights, blocks, "block5_conv1", padding)
    c_acts = vgg_forward(content, weights, blocks, CONTENT_LAYER, padding)
    x_acts = vgg_forward(image, weights, blocks, CONTENT_LAYER, padding)
    targets = {l: gram(s_acts[l]) for l in STYLE_LAYERS}
    grams = {l: gram(x_acts[l]) for l in STYLE_LAYERS}
    layer_losses = [((grams[l] - targets[l]) ** 2).mean() for l in STYLE_LAYERS]
    style_loss = sum(0.2 * e for e in layer_losses)
    content_loss = ((x_acts[CONTENT_LAYER] - c_acts[CONTENT_LAYER]) ** 2).mean()
    total = 1e-2 * style_loss + 1e3 * content_loss
    return x_acts, targets, grams, layer_losses, style_loss, content_loss, total


def vgg_case(w, name, weights, blocks, content_hw, style_hw, activation_layers, weight_tensors, padding="zeros"):
    gen = torch.Generator().manual_seed(7)
    def image(h, wd):
        # A smooth picture with texture, integer RGB values as a PNG holds.
        yy, xx = torch.meshgrid(torch.arange(h, dtype=torch.float64), torch.arange(wd, dtype=torch.float64),
                                indexing="ij")
        base = torch.stack([128 + 100 * torch.sin(xx / 7 + k) * torch.cos(yy / 5 - k) for k in range(3)])
        noise = torch.randint(-20, 21, (3, h, wd), generator=gen).double()
        return (base + noise).round().clamp(0, 255).unsqueeze(0)
    content, style = image(*content_hw), image(*style_hw)
    # The image being evaluated: the content plus float32-representable noise.
    x = (content + (torch.rand(content.shape, generator=gen) * 40 - 20)).float().double().clamp(0, 255)
    x.requires_grad_()
    acts, targets, grams, layer_losses, style_loss, content_loss, total = report_objective(x, content, style, weights,
                                                                                           blocks, padding)
    total.backward()
    tensors = dict(content=content[0], style=style[0], image=x.detach()[0], grad_image=x.grad[0],
                   loss_total=total.reshape(1), loss_style=style_loss.reshape(1),
                   loss_content=content_loss.reshape(1), loss_style_layers=torch.stack(layer_losses))
    tolerances = {"grad_image": {"rel": 0, "abs": 1e-4 * x.grad.abs().max().item()}}
    f4 = set()
    with torch.no_grad():
        acts = vgg_forward(x, weights, blocks, activation_layers[-1], padding)
    for l in activation_layers:
        key = "act_" + l
        tensors[key] = acts[l].detach()[0]
        tolerances[key] = {"rel": 1e-4, "abs": 1e-5 * acts[l].abs().max().item()}
        f4.add(key)
    # The style image's Grams (the evaluated image's Grams are checked through the per-layer losses).
    for l in STYLE_LAYERS:
        key = "target_gram_" + l
        tensors[key] = targets[l].detach()
        tolerances[key] = {"rel": 1e-4, "abs": 1e-5 * targets[l].abs().max().item()}
        f4.add(key)
    for layer, (wt, b) in weight_tensors.items():
        tensors["weight_" + layer], tensors["bias_" + layer] = wt, b
        f4.update(["weight_" + layer, "bias_" + layer])
    kernel = "vgg_report_objective" + ("" if padding == "zeros" else "_" + padding.replace("-", "_"))
    w.case(name, kernel, {}, {"rel": 1e-5, "abs": 0}, f4=f4, tolerances=tolerances, **tensors)


def adam_case(w, name, weights, blocks, content_hw, style_hw, steps=5):
    """The report preset's first Adam steps (tf.compat.v1.train.AdamOptimizer: lr_t = lr sqrt(1-b2^t)/(1-b1^t),
    x <- x - lr_t m / (sqrt(v) + eps)) from the content image, with the RGB box [0, 255] (the report's per-channel
    BGR clip to [-mean, 255 - mean]) applied after every step. Records x and the loss of every iterate."""
    gen = torch.Generator().manual_seed(11)
    def image(h, wd):
        yy, xx = torch.meshgrid(torch.arange(h, dtype=torch.float64), torch.arange(wd, dtype=torch.float64),
                                indexing="ij")
        base = torch.stack([128 + 100 * torch.sin(xx / 6 + k) * torch.cos(yy / 4 - k) for k in range(3)])
        return (base + torch.randint(-20, 21, (3, h, wd), generator=gen).double()).round().clamp(0, 255).unsqueeze(0)
    content, style = image(*content_hw), image(*style_hw)
    lr, b1, b2, eps = 2.0, 0.99, 0.999, 0.1
    x = content.clone()
    m, v = torch.zeros_like(x), torch.zeros_like(x)
    tensors = {"content": content[0], "style": style[0]}
    losses = []
    for t in range(0, steps + 1):
        xg = x.clone().requires_grad_()
        total = report_objective(xg, content, style, weights, blocks)[-1]
        losses.append(total.item())
        if t == steps:
            break
        total.backward()
        g = xg.grad
        tensors["g%d" % t] = g[0]
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        lr_t = lr * (1 - b2 ** (t + 1)) ** 0.5 / (1 - b1 ** (t + 1))
        x = (x - lr_t * m / (v.sqrt() + eps)).clamp(0, 255)
        tensors["x%d" % (t + 1)] = x[0]
    tensors["losses"] = torch.tensor(losses, dtype=torch.float64)
    # End to end (Swift's float32 objective driving Adam): for small gradients Adam's first steps are about 0.6 g
    # (lr_t (1 - b1) / eps), so the float32 gradient's error (about 1e-6 of its largest magnitude, a few hundredths
    # in absolute terms) moves a pixel by up to a few hundredths of a level: 0.1 levels, and 1e-4 on the losses.
    # The optimiser alone (fed these float64 gradients g0..g4) is held to 1e-4 levels. A wrong Adam form (eps
    # inside the bias correction) is off by whole levels.
    tolerances = {"x%d" % k: {"rel": 0, "abs": 0.1} for k in range(1, steps + 1)}
    w.case(name, "adam_report_steps", {"steps": steps, "optimizer_only_abs": 1e-4}, {"rel": 1e-4, "abs": 0},
           tolerances=tolerances, **tensors)


def write_png(path, rgb):
    """An 8-bit RGB PNG of a (3, H, W) tensor of integers 0..255 (the standard library's zlib, no filters)."""
    import zlib
    _, h, wd = rgb.shape
    pixels = rgb.permute(1, 2, 0).to(torch.uint8).numpy().tobytes()
    raw = b"".join(b"\x00" + pixels[y * 3 * wd:(y + 1) * 3 * wd] for y in range(h))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", wd, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def report_run_fixture(weights, folder, steps=10):
    """The origin report's run as a user gets it from `stylelapse stylize --preset report --iterations 10`: a photo
    (88x64) and a painting (72x80) of different sizes and aspect ratios, each fed to VGG19 at its own size, Adam in
    TF1's form from the photo with the RGB box after every step, the loss of every iterate and the best iterate (the
    lowest loss, paired with the image it was computed on). Writes photo.png, painting.png, best.png and run.json."""
    gen = torch.Generator().manual_seed(20261130)
    def picture(h, wd, fx, fy):
        yy, xx = torch.meshgrid(torch.arange(h, dtype=torch.float64), torch.arange(wd, dtype=torch.float64),
                                indexing="ij")
        base = torch.stack([128 + 90 * torch.sin(xx / fx + k) * torch.cos(yy / fy - 2 * k) for k in range(3)])
        return (base + torch.randint(-30, 31, (3, h, wd), generator=gen).double()).round().clamp(0, 255)
    photo, painting = picture(64, 88, 9, 6), picture(80, 72, 3, 4)
    os.makedirs(folder, exist_ok=True)
    write_png(os.path.join(folder, "photo.png"), photo)
    write_png(os.path.join(folder, "painting.png"), painting)
    content, style = photo.unsqueeze(0), painting.unsqueeze(0)
    lr, b1, b2, eps = 2.0, 0.99, 0.999, 0.1
    x = content.clone()
    m, v = torch.zeros_like(x), torch.zeros_like(x)
    losses, best, best_loss, best_iteration = [], None, float("inf"), -1
    for t in range(steps + 1):
        xg = x.clone().requires_grad_()
        total = report_objective(xg, content, style, weights, VGG19_BLOCKS)[-1]
        losses.append(total.item())
        if total.item() < best_loss:
            best, best_loss, best_iteration = x.clone(), total.item(), t
        if t == steps:
            break
        total.backward()
        g = xg.grad
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        lr_t = lr * (1 - b2 ** (t + 1)) ** 0.5 / (1 - b1 ** (t + 1))
        x = (x - lr_t * m / (v.sqrt() + eps)).clamp(0, 255)
    write_png(os.path.join(folder, "best.png"), best[0].round())
    # Swift computes in float32: its losses follow these within about 1e-5 relative over 10 steps; its pixels
    # within a few hundredths of a level, so a rounded pixel may land one level off.
    run = {"format": "stylelapse-report-run", "version": 1, "generator": "tools/make_fixtures.py",
           "torch": torch.__version__, "photo": [88, 64], "painting": [72, 80], "iterations": steps,
           "losses": losses, "best_iteration": best_iteration, "tolerance": {"loss_rel": 1e-4, "pixel_abs": 1}}
    with open(os.path.join(folder, "run.json"), "w") as f:
        json.dump(run, f, indent=1)
    print("wrote %s: losses %.6g ... %.6g, best iteration %d" % (folder, losses[0], losses[-1], best_iteration))


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[8 + n + a:8 + n + b]), dtype=torch.float32).double()
        out[name] = t.reshape(e["shape"])
    return out, header.get("__metadata__", {})


def default_weights_path():
    return os.environ.get("STYLELAPSE_WEIGHTS") or os.path.join(
        os.environ.get("STYLELAPSE_WEIGHTS_DIR") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "stylelapse"), "vgg19.safetensors")


def main():
    if torch.__version__.split("+")[0] != "2.13.0":
        print("warning: fixtures are pinned to torch 2.13.0, this is %s" % torch.__version__, file=sys.stderr)
    if sys.argv[1:] == ["report"]:   # only Fixtures/report (the report preset's run at the command line)
        tensors, _ = read_safetensors(default_weights_path())
        real = {l: (tensors[l + ".weight"], tensors[l + ".bias"]) for l in layer_names(VGG19_BLOCKS)}
        report_run_fixture(real, os.path.join(ROOT, "Fixtures", "report"))
        return
    w = Writer()
    engine_fixtures(w)
    os.makedirs(os.path.join(ROOT, "Fixtures", "engine"), exist_ok=True)
    w.save(os.path.join(ROOT, "Fixtures", "engine", "kernels.slfx"))

    os.makedirs(os.path.join(ROOT, "Fixtures", "network"), exist_ok=True)
    w = Writer()
    torch.manual_seed(99)
    mini, channels = {}, 3
    for name, (_, width) in zip(layer_names(MINI_BLOCKS), [(n, wd) for n, wd in MINI_BLOCKS for _ in range(n)]):
        scale = (2.0 / (9 * channels)) ** 0.5
        mini[name] = (f32(width, channels, 3, 3, low=-scale, high=scale) * 1.7, f32(width, low=-0.5, high=0.5))
        channels = width
    vgg_case(w, "mini VGG19 24x32 / 20x28", mini, MINI_BLOCKS, (24, 32), (20, 28), layer_names(MINI_BLOCKS), mini)
    adam_case(w, "mini VGG19 Adam, report preset, 5 steps", mini, MINI_BLOCKS, (24, 32), (20, 28))
    # The network padded by copying the picture's edge: the first convolution, and every one (each map at least 2
    # pixels on a side at block 5, as PyTorch's reflect needs).
    for padding in ["reflect", "replicate-all", "reflect-all"]:
        vgg_case(w, "mini VGG19 %s 34x50 / 36x40" % padding, mini, MINI_BLOCKS, (34, 50), (36, 40),
                 layer_names(MINI_BLOCKS), mini, padding)
    w.save(os.path.join(ROOT, "Fixtures", "network", "mini_vgg.slfx"))

    weights_path = default_weights_path()
    if not os.path.exists(weights_path):
        print("skipping Fixtures/network/vgg19.slfx: no weights at %s (run tools/fetch-weights)" % weights_path,
              file=sys.stderr)
        return
    tensors, meta = read_safetensors(weights_path)
    real = {l: (tensors[l + ".weight"], tensors[l + ".bias"]) for l in layer_names(VGG19_BLOCKS)}
    w = Writer()
    vgg_case(w, "VGG19 48x64 / 40x56 (data_sha256 %s)" % meta.get("data_sha256"), real, VGG19_BLOCKS, (48, 64),
             (40, 56), STYLE_LAYERS + [CONTENT_LAYER], {})
    adam_case(w, "VGG19 Adam, report preset, 5 steps", real, VGG19_BLOCKS, (48, 64), (40, 56))
    w.save(os.path.join(ROOT, "Fixtures", "network", "vgg19.slfx"))
    report_run_fixture(real, os.path.join(ROOT, "Fixtures", "report"))


if __name__ == "__main__":
    main()
