#!/usr/bin/env python3
"""Golden values for TransposedConv2d, from PyTorch's own torch.nn.functional.conv_transpose2d.

Writes transposed_conv_golden.json next to this script:  python3 make_transposed_conv_golden.py

For each case (stride s, padding p, kernel kh x kw, in -> out channels, input B x in x H x W):
x, weight (in, out, kh, kw), bias (out), the output y, an output gradient dy, and autograd's
dx, dweight, dbias of the loss sum(y * dy). Inputs are drawn in float32, computed in float64.
"""
import json
import os

import torch
import torch.nn.functional as F

CASES = {
    "s2k4p1": dict(s=2, p=1, kh=4, kw=4, cin=3, cout=2, B=2, H=4, W=5),    # the upsampler's layer (x2)
    "s2k2p0": dict(s=2, p=0, kh=2, kw=2, cin=2, cout=3, B=1, H=3, W=3),    # no overlap
    "s3k5p2": dict(s=3, p=2, kh=5, kw=3, cin=2, cout=2, B=2, H=3, W=2),    # odd stride, unequal kernel
    "s1k3p1": dict(s=1, p=1, kh=3, kw=3, cin=2, cout=2, B=1, H=4, W=4),    # stride 1
}

gen = torch.Generator().manual_seed(20160606)


def rand(shape):
    return ((torch.rand(shape, generator=gen, dtype=torch.float32) * 2 - 1)).to(torch.float64)


def entry(t):
    t = t.detach().to(torch.float32)
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1)]}


out = {}
for name, c in CASES.items():
    x = rand((c["B"], c["cin"], c["H"], c["W"])).requires_grad_(True)
    w = rand((c["cin"], c["cout"], c["kh"], c["kw"])).requires_grad_(True)
    b = rand((c["cout"],)).requires_grad_(True)
    y = F.conv_transpose2d(x, w, b, stride=c["s"], padding=c["p"])
    dy = rand(tuple(y.shape))
    (y * dy).sum().backward()
    for key, t in [("x", x), ("weight", w), ("bias", b), ("y", y), ("dy", dy),
                   ("dx", x.grad), ("dweight", w.grad), ("dbias", b.grad)]:
        out[f"{name}/{key}"] = entry(t)
    out[f"{name}/config"] = {"shape": [3], "data": [float(c["s"]), float(c["p"]), 0.0]}

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "transposed_conv_golden.json")
with open(path, "w") as fh:
    json.dump(out, fh)
print(f"wrote {path}: {len(CASES)} cases")
