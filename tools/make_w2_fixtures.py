#!/usr/bin/env python3
"""Golden fixtures for StyleLapse's Wasserstein-2 style loss (`--style-loss w2`; crowsonkb's style-transfer-pytorch,
2023), by PyTorch in float64, written independently of the Swift code from the definition in the issue:

  statistics  per style layer, the channel means mu = sum_p w(p) F(p) / N and the second raw moment
              M = sum_p w(p) F(p) F(p)^T / N over the N pixels (w = 1; with a style mask, the guide's square t^2 as
              the guided Gram matrices weigh their products); Sigma = M - mu mu^T + 1e-4 I, for both pictures
  target      the paintings' mu and M blended linearly (weights as given; with style masks each painting its own);
              S = Sigma_s^(1/2) by torch.linalg.eigh (|eigenvalues|), fixed
  loss        E_l = mean_c (mu - mu_s)^2 + (tr Sigma_s + tr Sigma - 2 sum sqrt|eig(S Sigma S)|) / C, the
              eigenvalues by torch.linalg.eigvalsh; style = sum 0.2 E_l; content as the report's (mean over all
              elements of (F - P)^2 at block5_conv2, weight 1e3); relative (--strength): E_l over
              (sum mu_s^2 + tr Sigma_s) / C, the content over sum P^2, content weight 1
  gradient    by autograd through all of it (the square root's gradient by eigvalsh's)

Writes Fixtures/network/w2.slfx: for the mini VGG19 (its weights read from Fixtures/network/mini_vgg.slfx) and the
real VGG19 (tools/fetch-weights first): one painting, two blended, and (mini) two paintings under style masks.

Run (pinned: pip install torch==2.13.0):  python3 tools/make_w2_fixtures.py
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import CONTENT_LAYER, MINI_BLOCKS, ROOT, STYLE_LAYERS, VGG19_BLOCKS, Writer, vgg_forward  # noqa: E402
from make_mask_fixtures import carry, guide, mini_weights, real_weights  # noqa: E402

EPS = 1e-4


def statistics(f, t=None):
    c, n = f.shape[1], f.shape[2] * f.shape[3]
    x = f[0].reshape(c, n)
    w = torch.ones(n, dtype=torch.float64) if t is None else (t ** 2).reshape(n)
    return (x * w).sum(1) / n, (x * w) @ x.t() / n


def covariance(mean, moment):
    return moment - torch.outer(mean, mean) + EPS * torch.eye(mean.numel(), dtype=torch.float64)


def sqrtm(a):
    vals, vecs = torch.linalg.eigh(a)
    return vecs @ torch.diag(vals.abs().sqrt()) @ vecs.t()


def w2(mean, moment, target):
    mean_s, cov_s, root_s = target
    sigma = covariance(mean, moment)
    a = root_s @ sigma @ root_s
    vals = torch.linalg.eigvalsh((a + a.t()) / 2)
    c = mean.numel()
    return ((mean - mean_s) ** 2).mean() + (torch.trace(cov_s) + torch.trace(sigma) - 2 * vals.abs().sqrt().sum()) / c


def image(gen, h, wd, phase):
    yy, xx = torch.meshgrid(torch.arange(h, dtype=torch.float64), torch.arange(wd, dtype=torch.float64), indexing="ij")
    base = torch.stack([128 + 100 * torch.sin(xx / (5 + k + phase) + k) * torch.cos(yy / (4 + phase) - k) for k in range(3)])
    noise = torch.randint(-20, 21, (3, h, wd), generator=gen).double()
    return (base + noise).round().clamp(0, 255).unsqueeze(0)


def w2_case(w, name, kernel, weights, blocks, content_hw, style_hws, blend, style_weight, relative=False, masked=False):
    gen = torch.Generator().manual_seed(17)
    H, W = content_hw
    content = image(gen, H, W, 0)
    styles = [image(gen, h, wd, 2 + 3 * k) for k, (h, wd) in enumerate(style_hws)]
    masks = None
    if masked:   # painting 0 on the left, fading out from 40 % to 60 % of the width; painting 1 on the rest
        yy, xx = torch.meshgrid(torch.arange(H, dtype=torch.float64), torch.arange(W, dtype=torch.float64), indexing="ij")
        mask0 = ((((0.6 * W - xx) / (0.2 * W)).clamp(0, 1)) * 255).round() / 255
        masks = [mask0, 1 - mask0]
    x = (content + (torch.rand(content.shape, generator=gen) * 40 - 20)).float().double().clamp(0, 255)
    x.requires_grad_()
    x_acts = vgg_forward(x, weights, blocks, CONTENT_LAYER)
    c_acts = vgg_forward(content, weights, blocks, CONTENT_LAYER)
    style_stats = [{l: statistics(a[l]) for l in STYLE_LAYERS}
                   for a in (vgg_forward(s, weights, blocks, "block5_conv1") for s in styles)]
    if masked:
        regions = [(style_stats[k], blend[k] / (sum(blend) / len(blend)), carry(m, blocks, STYLE_LAYERS, "simple"))
                   for k, m in enumerate(masks)]
    else:
        mixed = {l: (sum(b * s[l][0] for b, s in zip(blend, style_stats)), sum(b * s[l][1] for b, s in zip(blend, style_stats)))
                 for l in STYLE_LAYERS}
        regions = [(mixed, 1.0, None)]
    layer_losses = []
    for l in STYLE_LAYERS:
        e = 0
        for stats, weight, carried in regions:
            mean_s, moment_s = stats[l]
            cov_s = covariance(mean_s, moment_s)
            target = (mean_s, cov_s, sqrtm(cov_s))
            t = guide(carried[l]) if carried else None
            lam = weight * (carried[l].sum() / carried[l].numel() if carried else 1)
            scale = mean_s.numel() / ((mean_s ** 2).sum() + torch.trace(cov_s)) if relative else 1
            e = e + lam * scale * w2(*statistics(x_acts[l], t), target)
        layer_losses.append(e)
    style_loss = sum(0.2 * e for e in layer_losses)
    f, p = x_acts[CONTENT_LAYER], c_acts[CONTENT_LAYER]
    content_loss = ((f - p) ** 2).sum() / (((p ** 2).sum()) if relative else f.numel())
    content_weight = 1.0 if relative else 1e3
    total = style_weight * style_loss + content_weight * content_loss
    total.backward()
    print("%s: style %.6g (weighted %.6g), content %.6g (weighted %.6g)" % (
        name, style_loss.item(), style_weight * style_loss.item(), content_loss.item(), content_weight * content_loss.item()))
    tensors = dict(content=content[0], image=x.detach()[0], blend=torch.tensor(blend), grad_image=x.grad[0],
                   loss_total=total.reshape(1), loss_style=style_loss.reshape(1), loss_content=content_loss.reshape(1),
                   loss_style_layers=torch.stack(layer_losses))
    for k, s in enumerate(styles):
        tensors["style%d" % k] = s[0]
    if masked:
        tensors["mask0"], tensors["mask1"] = masks
    tolerances = {"grad_image": {"rel": 0, "abs": 1e-4 * x.grad.abs().max().item()}}
    f4 = {"content", "image", "mask0", "mask1"} | {"style%d" % k for k in range(len(styles))}
    w.case(name, kernel, {"style_weight": style_weight, "content_weight": content_weight, "relative": float(relative)},
           {"rel": 1e-4, "abs": 0}, f4=f4, tolerances=tolerances, **tensors)


def main():
    if torch.__version__.split("+")[0] != "2.13.0":
        print("warning: fixtures are pinned to torch 2.13.0, this is %s" % torch.__version__, file=sys.stderr)
    mini = mini_weights()
    w = Writer()
    w2_case(w, "mini VGG19 W2 one painting 64x80 / 40x56", "vgg_w2_objective", mini, MINI_BLOCKS, (64, 80), [(40, 56)],
            [1.0], 50.0)
    w2_case(w, "mini VGG19 W2 blend 0.7, 0.3 relative 64x80 / 40x56, 48x40", "vgg_w2_objective", mini, MINI_BLOCKS,
            (64, 80), [(40, 56), (48, 40)], [0.7, 0.3], 0.5, relative=True)
    w2_case(w, "mini VGG19 W2 style masks 64x80 / 40x56, 48x40", "vgg_w2_objective_masked", mini, MINI_BLOCKS,
            (64, 80), [(40, 56), (48, 40)], [0.7, 0.3], 50.0, masked=True)
    real, meta = real_weights()
    sha = meta.get("data_sha256")
    w2_case(w, "VGG19 W2 one painting 48x64 / 40x56 (data_sha256 %s)" % sha, "vgg_w2_objective", real, VGG19_BLOCKS,
            (48, 64), [(40, 56)], [1.0], 1.0)
    w2_case(w, "VGG19 W2 blend 0.7, 0.3 relative 48x64 / 40x56, 48x40 (data_sha256 %s)" % sha, "vgg_w2_objective",
            real, VGG19_BLOCKS, (48, 64), [(40, 56), (48, 40)], [0.7, 0.3], 0.1, relative=True)
    w.save(os.path.join(ROOT, "Fixtures", "network", "w2.slfx"))


if __name__ == "__main__":
    main()
