#!/usr/bin/env python3
"""Golden fixtures for StyleLapse's guided objective (style masks, painting regions, a content mask: Gatys, Ecker,
Bethge, Hertzmann & Shechtman 2017, "Controlling Perceptual Factors in Neural Style Transfer"), by PyTorch in
float64, written independently of the Swift code from the definitions in Sources/Objective/Guides.swift:

  masks      one per painting at the photo's size; where they sum to more than 1 each is divided by the sum
  carried    to each layer: `simple`, a 2x2 mean at every pooling (F.avg_pool2d); `inside`, the smallest value of
             the 3x3 neighbourhood within the map at every convolution and of the 2x2 window at every pooling
             (-max_pool2d(-m)); where `inside` leaves nothing at a layer, `simple` there
  guide      t = sqrt(m) * sqrt(P / sum m) at a layer of P pixels; guided Gram (F t)(F t)^T / n (each pixel's
             products weighted by its mask value, their weights summing to P)
  weight     lambda = (blend weight / mean blend weight) * sum m / P
  loss       report conventions: n = H W, E_l = sum_r lambda_r mean (G_r - A_r)^2 (relative, as --strength: sum
             (G_r - A_r)^2 / sum A_r^2, and the content over sum P^2), style = sum 0.2 E_l; content
             = sum_p c(p) sum_ch (F - P)^2 / (C H W) at block5_conv2, c the content mask carried there;
             total = style_weight * style + 1e3 * content (the style weight such
             that both move the gradient)
  targets    painting k's Grams at its own size, guided by its region mask when it has one

Writes Fixtures/network/guided.slfx: for the mini VGG19 (its weights read from Fixtures/network/mini_vgg.slfx) and
the real VGG19 (tools/fetch-weights first), each propagation: the inputs, the masks, the losses and the gradient.

Run (pinned: pip install torch==2.13.0):  python3 tools/make_mask_fixtures.py
"""
import json
import os
import struct
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import (CONTENT_LAYER, MINI_BLOCKS, ROOT, STYLE_LAYERS, VGG19_BLOCKS, Writer,  # noqa: E402
                           default_weights_path, layer_names, read_safetensors, vgg_forward)


def read_slfx_case(path, kernel):
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] == b"SLFX"
    version, n = struct.unpack("<II", data[4:12])
    header = json.loads(data[12:12 + n])
    case = next(c for c in header["cases"] if c["kernel"] == kernel)
    out = {}
    for key, t in case["tensors"].items():
        code, size = ("f", 4) if t["dtype"] == "f4" else ("d", 8)
        start = 12 + n + t["offset"]
        values = struct.unpack("<%d%s" % (t["count"], code), data[start:start + size * t["count"]])
        out[key] = torch.tensor(values, dtype=torch.float64).reshape(t["shape"])
    return out


def mini_weights():
    """The mini VGG19's weights, as Fixtures/network/mini_vgg.slfx holds them: {layer: (weight, bias)}."""
    case = read_slfx_case(os.path.join(ROOT, "Fixtures", "network", "mini_vgg.slfx"), "vgg_report_objective")
    return {l: (case["weight_" + l], case["bias_" + l]) for l in layer_names(MINI_BLOCKS)}


def real_weights():
    """The real VGG19's weights (tools/fetch-weights first) and the file's metadata."""
    tensors, meta = read_safetensors(default_weights_path())
    return {l: (tensors[l + ".weight"], tensors[l + ".bias"]) for l in layer_names(VGG19_BLOCKS)}, meta


def carry(mask, blocks, layers, mode):
    """mask (H, W) carried to each of `layers`: {layer: (h, w)}."""
    simple = inside = mask[None, None]
    out = {}
    for b, (n, _) in enumerate(blocks):
        for c in range(n):
            name = "block%d_conv%d" % (b + 1, c + 1)
            if b > 0 and c == 0:
                simple = F.avg_pool2d(simple, 2, 2)
                inside = -F.max_pool2d(-inside, 2, 2)
            inside = -F.max_pool2d(-inside, 3, 1, padding=1)   # padding is -inf for max: the map's own values
            if name in layers:
                chosen = inside if mode == "inside" and (inside > 0).any() else simple
                out[name] = chosen[0, 0]
    return out


def guided_gram(f, t):
    c, m = f.shape[1], f.shape[2] * f.shape[3]
    g = (f[0] * t).reshape(c, m)
    return g @ g.t() / m


def guide(m):
    return torch.sqrt(m) * torch.sqrt(m.numel() / m.sum())


def masks_case(w, name, weights, blocks, content_hw, style_hws, mode, real, style_weight, relative=False):
    gen = torch.Generator().manual_seed(11)
    def image(h, wd, phase):
        yy, xx = torch.meshgrid(torch.arange(h, dtype=torch.float64), torch.arange(wd, dtype=torch.float64), indexing="ij")
        base = torch.stack([128 + 100 * torch.sin(xx / (5 + k + phase) + k) * torch.cos(yy / (4 + phase) - k) for k in range(3)])
        noise = torch.randint(-20, 21, (3, h, wd), generator=gen).double()
        return (base + noise).round().clamp(0, 255).unsqueeze(0)
    H, W = content_hw
    content = image(H, W, 0)
    styles = [image(h, wd, 2 + 3 * k) for k, (h, wd) in enumerate(style_hws)]
    blend = [0.7, 0.3]
    yy, xx = torch.meshgrid(torch.arange(H, dtype=torch.float64), torch.arange(W, dtype=torch.float64), indexing="ij")
    q = lambda m: (m.clamp(0, 1) * 255).round() / 255   # as 8-bit masks hold them
    # Painting 0 on the left, fading out from 40 % to 60 % of the width; painting 1 on the right from 50 %, not in the
    # bottom rows (nothing covers them): the two overlap between 50 % and 60 %.
    mask0 = q((0.6 * W - xx) / (0.2 * W))
    mask1 = q(((xx >= 0.5 * W) & (yy < 0.85 * H)).double())
    # Painting 0's style taken from its upper part (soft); the photo's content weight a ramp from 0.3 at the top to 1.
    sh, sw = style_hws[0]
    ry, _ = torch.meshgrid(torch.arange(sh, dtype=torch.float64), torch.arange(sw, dtype=torch.float64), indexing="ij")
    region0 = q((0.7 * sh - ry) / (0.2 * sh))
    cmask = q(0.3 + 0.7 * yy / (H - 1))
    total_mask = mask0 + mask1
    scale = torch.where(total_mask > 1, total_mask, torch.ones_like(total_mask))
    masks = [mask0 / scale, mask1 / scale]

    x = (content + (torch.rand(content.shape, generator=gen) * 40 - 20)).float().double().clamp(0, 255)
    x.requires_grad_()
    x_acts = vgg_forward(x, weights, blocks, CONTENT_LAYER)
    c_acts = vgg_forward(content, weights, blocks, CONTENT_LAYER)
    mean = sum(blend) / len(blend)
    layer_losses = []
    carried = [carry(m, blocks, STYLE_LAYERS, mode) for m in masks]
    targets = []
    for k, s in enumerate(styles):
        acts = vgg_forward(s, weights, blocks, "block5_conv1")
        region = carry(region0, blocks, STYLE_LAYERS, mode) if k == 0 else None
        targets.append({l: guided_gram(acts[l], guide(region[l]) if region else 1.0) for l in STYLE_LAYERS})
    for l in STYLE_LAYERS:
        e = 0
        for k in range(2):
            m = carried[k][l]
            lam = blend[k] / mean * m.sum() / m.numel()
            a = targets[k][l]
            scale = 1 / (a ** 2).sum() if relative else 1 / a.numel()   # relative: sum (G - A)^2 / sum A^2
            e = e + lam * scale * ((guided_gram(x_acts[l], guide(m)) - a) ** 2).sum()
        layer_losses.append(e)
    style_loss = sum(0.2 * e for e in layer_losses)
    c = carry(cmask, blocks, [CONTENT_LAYER], mode)[CONTENT_LAYER]
    f, p = x_acts[CONTENT_LAYER], c_acts[CONTENT_LAYER]
    content_loss = (c * ((f - p) ** 2).sum(dim=1)[0]).sum() / (((p ** 2).sum()) if relative else f.numel())
    content_weight = 1.0 if relative else 1e3
    total = style_weight * style_loss + content_weight * content_loss
    total.backward()
    print("%s: style %.6g (weighted %.6g), content %.6g (weighted %.6g)" % (
        name, style_loss.item(), style_weight * style_loss.item(), content_loss.item(), content_weight * content_loss.item()))
    tensors = dict(content=content[0], style0=styles[0][0], style1=styles[1][0], image=x.detach()[0],
                   mask0=mask0, mask1=mask1, region0=region0, content_mask=cmask, blend=torch.tensor(blend),
                   grad_image=x.grad[0], loss_total=total.reshape(1), loss_style=style_loss.reshape(1),
                   loss_content=content_loss.reshape(1), loss_style_layers=torch.stack(layer_losses))
    tolerances = {"grad_image": {"rel": 0, "abs": 1e-4 * x.grad.abs().max().item()}}
    f4 = {"content", "style0", "style1", "image", "mask0", "mask1", "region0", "content_mask"}
    w.case(name, "vgg_guided_objective_" + mode + ("_relative" if relative else ""),
           {"style_weight": style_weight, "content_weight": content_weight},
           {"rel": 1e-5, "abs": 0}, f4=f4, tolerances=tolerances, **tensors)


def main():
    if torch.__version__.split("+")[0] != "2.13.0":
        print("warning: fixtures are pinned to torch 2.13.0, this is %s" % torch.__version__, file=sys.stderr)
    mini = mini_weights()
    w = Writer()
    for mode in ["simple", "inside"]:
        masks_case(w, "mini VGG19 guided %s 64x80 / 40x56, 48x40" % mode, mini, MINI_BLOCKS, (64, 80),
                   [(40, 56), (48, 40)], mode, False, 1e-2)
    # The relative losses of --strength: each region's layer loss over its own target's sum of squares, the content
    # loss over the photo's features' (content weight 1).
    masks_case(w, "mini VGG19 guided simple relative 64x80 / 40x56, 48x40", mini, MINI_BLOCKS, (64, 80),
               [(40, 56), (48, 40)], "simple", False, 0.05, relative=True)
    real, meta = real_weights()
    for mode in ["simple", "inside"]:
        masks_case(w, "VGG19 guided %s 48x64 / 40x56, 48x40 (data_sha256 %s)" % (mode, meta.get("data_sha256")),
                   real, VGG19_BLOCKS, (48, 64), [(40, 56), (48, 40)], mode, True, 1e-6)
    w.save(os.path.join(ROOT, "Fixtures", "network", "guided.slfx"))


if __name__ == "__main__":
    main()
