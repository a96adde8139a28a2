#!/usr/bin/env python3
"""One Gatys iteration (the report's objective and Adam step) in PyTorch or TensorFlow, for tools/bench/bench-peers.

Usage: bench_peers.py torch|torch-channels-last|tensorflow|tensorflow-xla SIZE THREADS REPEATS WEIGHTS.safetensors
Prints one JSON object: framework, size, seconds_per_iteration (median of REPEATS after one warm-up), peak_rss_mb.

       bench_peers.py quality CONTENT.png STYLE.png STEPS THREADS WEIGHTS.safetensors
The origin report's run in TensorFlow on two pictures (already at their working size): Adam from the content
picture for STEPS steps. Prints one JSON object with the total loss of every iteration 0..STEPS ("losses") and the
seconds from the start of the first step to each iteration's loss ("seconds"; the tf.function trace included).

The same weights (StyleLapse's safetensors file), the same synthetic N x N pictures as `stylelapse bench iteration`,
the same objective (Keras "caffe" input, content block5_conv2, style block1_conv1..block5_conv1 at 1/5 each,
Gram / (H W), mean-squared losses, weights 1e3 and 1e-2) and the same step (TF1 Adam, lr 2, b1 0.99, b2 0.999,
eps 0.1, then the pixel box), all float32 on THREADS threads.
"""
import json
import math
import resource
import struct
import sys
import time

import numpy as np

BLOCKS = [(2, 64), (2, 128), (4, 256), (4, 512), (4, 512)]
STYLE = ["block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1"]
CONTENT = "block5_conv2"
MEAN_BGR = np.array([103.939, 116.779, 123.68], dtype=np.float32)


def layers():
    return ["block%d_conv%d" % (b + 1, c + 1) for b, (n, _) in enumerate(BLOCKS) for c in range(n)]


def read_weights(path):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, e in header.items():
        if name != "__metadata__":
            a, b = e["data_offsets"]
            out[name] = np.frombuffer(data[8 + n + a:8 + n + b], dtype="<f4").reshape(e["shape"]).copy()
    return out


def picture(size, phase):
    """The pictures of `stylelapse bench iteration`: planar RGB, 127.5 + 100 sin(x/9 + phase + c) cos(y/7 - phase)."""
    c = np.arange(3, dtype=np.float32).reshape(3, 1, 1)
    y = np.arange(size, dtype=np.float32).reshape(1, size, 1)
    x = np.arange(size, dtype=np.float32).reshape(1, 1, size)
    return (127.5 + 100 * np.sin(x / 9 + phase + c) * np.cos(y / 7 - phase)).astype(np.float32)


def median_time(step, repeats):
    step()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def run_torch(size, threads, repeats, weights, channels_last=False):
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(threads)
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    w = {l: (torch.from_numpy(weights[l + ".weight"]).contiguous(memory_format=fmt), torch.from_numpy(weights[l + ".bias"]))
         for l in layers()}
    mean = torch.from_numpy(MEAN_BGR).reshape(1, 3, 1, 1)

    def features(rgb):
        x = rgb[:, [2, 1, 0]] - mean
        out = {}
        for b, (n, _) in enumerate(BLOCKS):
            if b > 0:
                x = F.max_pool2d(x, 2, 2)
            for c in range(n):
                name = "block%d_conv%d" % (b + 1, c + 1)
                x = F.relu(F.conv2d(x, *w[name], padding=1))
                out[name] = x
                if name == CONTENT:
                    return out
        return out

    def gram(f):
        c, m = f.shape[1], f.shape[2] * f.shape[3]
        g = f[0].reshape(c, m)
        return g @ g.t() / m

    with torch.no_grad():
        targets = {l: gram(f) for l, f in features(torch.from_numpy(picture(size, 1))[None]).items() if l in STYLE}
        content = features(torch.from_numpy(picture(size, 0))[None])[CONTENT]
    x = torch.from_numpy(picture(size, 0.3))[None].clone().contiguous(memory_format=fmt)
    m, v, t = torch.zeros_like(x), torch.zeros_like(x), [0]

    def step():
        xg = x.clone().requires_grad_()
        f = features(xg)
        style = sum(0.2 * ((gram(f[l]) - targets[l]) ** 2).mean() for l in STYLE)
        total = 1e-2 * style + 1e3 * ((f[CONTENT] - content) ** 2).mean()
        total.backward()
        with torch.no_grad():
            g = xg.grad
            t[0] += 1
            m.mul_(0.99).add_(0.01 * g)
            v.mul_(0.999).add_(0.001 * g * g)
            lr = 2 * math.sqrt(1 - 0.999 ** t[0]) / (1 - 0.99 ** t[0])
            x.sub_(lr * m / (v.sqrt() + 0.1)).clamp_(0, 255)

    return median_time(step, repeats)


def tensorflow_model(threads, weights):
    """TensorFlow on THREADS threads, and the report's objective in it: (tf, features, gram, loss(x, targets, content))."""
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    # Keras kernels are HWIO; the file holds OIHW.
    w = {l: (tf.constant(weights[l + ".weight"].transpose(2, 3, 1, 0)), tf.constant(weights[l + ".bias"]))
         for l in layers()}

    def features(rgb):   # rgb: (1, H, W, 3)
        x = tf.reverse(rgb, axis=[-1]) - MEAN_BGR
        out = {}
        for b, (n, _) in enumerate(BLOCKS):
            if b > 0:
                x = tf.nn.max_pool2d(x, 2, 2, "VALID")
            for c in range(n):
                name = "block%d_conv%d" % (b + 1, c + 1)
                x = tf.nn.relu(tf.nn.conv2d(x, w[name][0], 1, "SAME") + w[name][1])
                out[name] = x
                if name == CONTENT:
                    return out
        return out

    def gram(f):
        g = tf.reshape(f, (-1, f.shape[-1]))
        return tf.matmul(g, g, transpose_a=True) / tf.cast(tf.shape(g)[0], tf.float32)

    def loss(x, targets, content):
        f = features(x)
        style = tf.add_n([0.2 * tf.reduce_mean((gram(f[l]) - targets[l]) ** 2) for l in STYLE])
        return 1e-2 * style + 1e3 * tf.reduce_mean((f[CONTENT] - content) ** 2)

    return tf, features, gram, loss


def run_tensorflow(size, threads, repeats, weights, xla=False):
    tf, features, gram, loss = tensorflow_model(threads, weights)
    hwc = lambda p: tf.constant(p.transpose(1, 2, 0)[None])
    targets = {l: gram(f) for l, f in features(hwc(picture(size, 1))).items() if l in STYLE}
    content = features(hwc(picture(size, 0)))[CONTENT]
    x = tf.Variable(hwc(picture(size, 0.3)))
    opt = tf.compat.v1.train.AdamOptimizer(2.0, 0.99, 0.999, 0.1)

    @tf.function(jit_compile=xla)
    def step():
        with tf.GradientTape() as tape:
            total = loss(x, targets, content)
        opt.apply_gradients([(tape.gradient(total, x), x)])
        x.assign(tf.clip_by_value(x, 0, 255))
        return total

    return median_time(lambda: step().numpy(), repeats)


def run_quality(content_path, style_path, steps, threads, weights):
    tf, features, gram, loss = tensorflow_model(threads, weights)

    def read(path):
        return tf.cast(tf.io.decode_png(tf.io.read_file(path), channels=3), tf.float32)[None]

    content_image, style_image = read(content_path), read(style_path)
    targets = {l: gram(f) for l, f in features(style_image).items() if l in STYLE}
    content = features(content_image)[CONTENT]
    x = tf.Variable(content_image)
    opt = tf.compat.v1.train.AdamOptimizer(2.0, 0.99, 0.999, 0.1)

    @tf.function
    def step():   # the loss of the current image, then one step from it
        with tf.GradientTape() as tape:
            total = loss(x, targets, content)
        opt.apply_gradients([(tape.gradient(total, x), x)])
        x.assign(tf.clip_by_value(x, 0, 255))
        return total

    losses, seconds = [], []
    start = time.perf_counter()
    for _ in range(steps):
        losses.append(float(step().numpy()))
        seconds.append(time.perf_counter() - start)
    losses.append(float(tf.function(lambda: loss(x, targets, content))().numpy()))
    seconds.append(time.perf_counter() - start)
    return {"framework": "tensorflow", "steps": steps, "losses": losses, "seconds": seconds}


def main():
    if sys.argv[1] == "quality":
        content, style, steps, threads, path = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
        print(json.dumps(run_quality(content, style, steps, threads, read_weights(path))))
        return
    framework, size, threads, repeats, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    weights = read_weights(path)
    run = {"torch": run_torch, "tensorflow": run_tensorflow,
           "torch-channels-last": lambda *a: run_torch(*a, channels_last=True),
           "tensorflow-xla": lambda *a: run_tensorflow(*a, xla=True)}[framework]
    seconds = run(size, threads, repeats, weights)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"framework": framework, "size": size, "seconds_per_iteration": seconds, "peak_rss_mb": peak,
                      "threads": threads}))


if __name__ == "__main__":
    main()
