#!/usr/bin/python3
"""Writes the small torch.onnx.export models in testdata/onnx-import/ that the ONNX importer's
tests read, each with a fixed input and PyTorch's own output for it:

  tiny_block_dynamic.onnx  an EfficientFormer-like network (conv stem with BatchNorm, pooling
                           mixer, GELU MLP, one attention block with LayerNorm, a 7-class head)
                           at 48x48, opset 13, batch and image size exported as dynamic axes
  split_opset13.onnx       torch.split with uneven sizes: Split with the split *input* (opset 13);
                           torch.chunk, which torch 1.13 writes as two Slices
  slice_bounds.onnx        negative, clamped (end past the axis) and strided slices, opset 13
  mobile_attention.onnx    the ops MobileNetV3-style models and hand-written attention bring:
                           Conv-BN-Hardswish, MaxPool2d(3, 2, 1) on an even map, attention whose
                           softmax is spelled out with amax, exp and sum(keepdim=True), mean and
                           amax token pools, a 5-class head; 32x32, opset 17

Run from the repository root with Debian's python3-torch (1.13):  tools/export-onnx-import-samples.py
The outputs are deterministic (fixed seeds; the files are rewritten byte for byte).
"""
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "onnx-import")


class Attention(nn.Module):
    def __init__(self, dim, heads=2):
        super().__init__()
        self.heads = heads
        self.norm = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):  # x: [B, N, C]
        b, n, c = x.shape
        qkv = self.qkv(self.norm(x)).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        a = (q @ k.transpose(-2, -1)) * (c // self.heads) ** -0.5
        o = (a.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, n, c)
        return x + self.proj(o)


class TinyBlockNet(nn.Module):
    def __init__(self, classes=7):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1), nn.BatchNorm2d(8), nn.ReLU(),
                                  nn.Conv2d(8, 16, 3, 2, 1), nn.BatchNorm2d(16), nn.ReLU())
        self.pool = nn.AvgPool2d(3, 1, 1, count_include_pad=False)
        self.mlp = nn.Sequential(nn.Conv2d(16, 32, 1), nn.GELU(), nn.Conv2d(32, 16, 1))
        self.attn = Attention(16)
        self.norm = nn.LayerNorm(16)
        self.head = nn.Linear(16, classes)

    def forward(self, x):
        x = self.stem(x)
        x = x + (self.pool(x) - x)
        x = x + self.mlp(x)
        x = x.flatten(2).transpose(1, 2)  # [B, N, C]: torch writes the Shape/Gather/Concat chain here
        x = self.attn(x)
        return self.head(self.norm(x).mean(1))


class SplitNet(nn.Module):
    def forward(self, x):
        a, b, c = torch.split(x, [1, 3, 2], dim=1)  # uneven: Split with the split input
        d, e = torch.chunk(x, 2, dim=3)             # torch 1.13 writes this as Slices
        return torch.cat([c * 2, a, b - 1], dim=1) + torch.cat([e, d], dim=3)


class SliceNet(nn.Module):
    def forward(self, x):
        y = x[:, -3:, 1:1000, :]     # negative start; end clamped to the axis
        z = x[:, :-1, ::2, 1::3]     # negative end; steps
        return y[:, :, :3, :2].sum() * 0 + torch.cat([y[:, :, :2, :2], z[:, -3:, :2, :2]], dim=1)


class ExpAttention(nn.Module):
    """Single-head attention with the softmax written out: x - amax, exp, divide by the sum."""

    def __init__(self, dim):
        super().__init__()
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)
        self.scale = dim ** -0.5

    def forward(self, x):  # x: [B, N, C]
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        a = (q @ k.transpose(-2, -1)) * self.scale
        e = torch.exp(a - a.amax(dim=-1, keepdim=True))
        return x + self.proj((e / e.sum(dim=-1, keepdim=True)) @ v)


class MobileAttentionNet(nn.Module):
    def __init__(self, classes=5):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1), nn.BatchNorm2d(8), nn.Hardswish())
        self.pool = nn.MaxPool2d(3, 2, 1)
        self.attn = ExpAttention(8)
        self.head = nn.Linear(8, classes)

    def forward(self, x):
        x = self.pool(self.stem(x))          # [B, 8, 8, 8]
        x = self.attn(x.flatten(2).transpose(1, 2))
        return self.head(x.mean(1) + x.amax(1))


def export(name, model, x, dynamic=None, opset=13):
    model.eval()
    with torch.no_grad():
        y = model(x)
    path = os.path.join(OUT, name + ".onnx")
    torch.onnx.export(model, (x,), path, input_names=["input"], output_names=["logits"], opset_version=opset,
                      do_constant_folding=True, dynamic_axes=dynamic)
    np.save(os.path.join(OUT, name + ".input.npy"), x.numpy())
    np.save(os.path.join(OUT, name + ".expected.npy"), y.numpy())
    print("wrote", path, tuple(x.shape), "->", tuple(y.shape))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    net = TinyBlockNet()
    for m in net.modules():  # non-trivial BatchNorm statistics
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)
    export("tiny_block_dynamic", net, torch.randn(2, 3, 48, 48),
           dynamic={"input": {0: "batch", 2: "height", 3: "width"}, "logits": {0: "batch"}})
    export("split_opset13", SplitNet(), torch.randn(2, 6, 4, 6))
    export("slice_bounds", SliceNet(), torch.randn(1, 5, 7, 8))
    torch.manual_seed(1)
    mobile = MobileAttentionNet()
    mobile.stem[1].running_mean.uniform_(-0.5, 0.5)
    mobile.stem[1].running_var.uniform_(0.5, 1.5)
    export("mobile_attention", mobile, torch.randn(2, 3, 32, 32), opset=17)


if __name__ == "__main__":
    main()
