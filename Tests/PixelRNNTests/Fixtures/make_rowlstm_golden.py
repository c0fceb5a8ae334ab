#!/usr/bin/env python3
"""Golden values for the Row LSTM network, from an implementation independent of ours.

Writes rowlstm_golden.json next to this script:  python3 make_rowlstm_golden.py

The model (Sources/PixelRNN/Models/README.md), binary images, 1 colour:
  input    7x7 conv, mask A, 1 -> 2h;  the pixels are encoded as level / (levels - 1)
  blocks.l Row LSTM, residual: x <- x + out(h) where, row by row (h_{-1} = c_{-1} = 0),
             z_r = i_s(x)[:, :, r, :] + s_s(h_{r-1})      i_s: 1x3 conv, mask B, 2h -> 4h
                                                            s_s: 1-D conv width 3, padding 1, h -> 4h
             o, f, i, g = z_r split into four h-channel groups, in this order
             c_r = sigmoid(f) * c_{r-1} + sigmoid(i) * tanh(g)
             h_r = sigmoid(o) * tanh(c_r)
           out: 1x1 conv, mask B, h -> 2h
  head     ReLU, head.0 1x1 mask B 2h -> 32, ReLU, head.1 1x1 mask B 32 -> 1 (a logit)
Loss: the batch mean of the per-image NLL in nats, -sum_i log p(x_i | x_<i), p = sigmoid(logit).

Masks (1 colour): mask B keeps kernel rows above the centre and the centre row up to and
including the centre; mask A also removes the centre. Weights are drawn in float32 and
masked; everything is then computed in float64, with autograd for the gradients.
"""
import json
import os

import torch
import torch.nn.functional as F

L, h, H, W, B, LEVELS = 2, 3, 6, 6, 2, 2
HEAD = 32


def mask(kind, out_ch, in_ch, kh, kw):
    m = torch.ones(out_ch, in_ch, kh, kw, dtype=torch.float64)
    cy, cx = kh // 2, kw // 2
    m[:, :, cy, cx + 1:] = 0          # right of the centre in the centre row
    m[:, :, cy + 1:, :] = 0           # every row below
    if kind == "A":
        m[:, :, cy, cx] = 0           # the centre itself
    return m


gen = torch.Generator().manual_seed(20160125)
params = {}   # name -> float64 leaf tensor (values exactly representable in float32)
masks = {}


def uniform(shape, bound):
    t = (torch.rand(shape, generator=gen, dtype=torch.float32) * 2 - 1) * bound
    return t.to(torch.float64)


def add_conv2d(name, cin, cout, kh, kw, kind):
    m = mask(kind, cout, cin, kh, kw)
    masks[name + ".weight"] = m
    params[name + ".weight"] = uniform((cout, cin, kh, kw), 0.5) * m
    params[name + ".bias"] = uniform((cout,), 0.3)


def add_conv1d(name, cin, cout, k):
    params[name + ".weight"] = uniform((cout, cin, k), 0.5)
    params[name + ".bias"] = uniform((cout,), 0.3)


add_conv2d("input", 1, 2 * h, 7, 7, "A")
for l in range(L):
    add_conv2d(f"blocks.{l}.i_s", 2 * h, 4 * h, 1, 3, "B")
    add_conv1d(f"blocks.{l}.s_s", h, 4 * h, 3)
    add_conv2d(f"blocks.{l}.out", h, 2 * h, 1, 1, "B")
add_conv2d("head.0", 2 * h, HEAD, 1, 1, "B")
add_conv2d("head.1", HEAD, 1, 1, 1, "B")
for t in params.values():
    t.requires_grad_(True)


def conv2d(name, x):
    w = params[name + ".weight"] * masks[name + ".weight"]
    kh, kw = w.shape[2], w.shape[3]
    return F.conv2d(x, w, params[name + ".bias"], padding=(kh // 2, kw // 2))


def row_lstm(l, x, record):
    """One Row LSTM block's residual out(h) for x (B, 2h, H, W)."""
    a = conv2d(f"blocks.{l}.i_s", x)                      # (B, 4h, H, W)
    w_ss, b_ss = params[f"blocks.{l}.s_s.weight"], params[f"blocks.{l}.s_s.bias"]
    h_prev = torch.zeros(x.shape[0], h, x.shape[3], dtype=torch.float64)
    c_prev = torch.zeros_like(h_prev)
    zs, cs, hs = [], [], []
    for r in range(x.shape[2]):
        z = a[:, :, r, :] + F.conv1d(h_prev, w_ss, b_ss, padding=1)   # (B, 4h, W)
        o, f, i, g = torch.split(z, h, dim=1)
        c = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)
        hr = torch.sigmoid(o) * torch.tanh(c)
        zs.append(z); cs.append(c); hs.append(hr)
        h_prev, c_prev = hr, c
    hidden = torch.stack(hs, dim=2)                       # (B, h, H, W)
    record[f"blocks.{l}.gates"] = torch.stack(zs, dim=2)
    record[f"blocks.{l}.cell"] = torch.stack(cs, dim=2)
    record[f"blocks.{l}.hidden"] = hidden
    return conv2d(f"blocks.{l}.out", hidden)


pixels = (torch.rand((B, 1, H, W), generator=gen) < 0.4).to(torch.float64)
encoded = (pixels / (LEVELS - 1)).requires_grad_(True)
record = {}
stream = conv2d("input", encoded)
record["streams.0"] = stream
for l in range(L):
    stream = stream + row_lstm(l, stream, record)
    record[f"streams.{l + 1}"] = stream
logits = conv2d("head.1", F.relu(conv2d("head.0", F.relu(stream))))      # (B, 1, H, W)
nll = F.binary_cross_entropy_with_logits(logits, pixels, reduction="none").sum(dim=(1, 2, 3))  # (B,)
loss = nll.mean()
loss.backward()


def entry(t):
    t = t.detach().to(torch.float32)
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1)]}


out = {"pixels": entry(pixels), "logits": entry(logits), "nll": entry(nll),
       "input_gradient": entry(encoded.grad)}
for name, t in params.items():
    out[name] = entry(t)
    out["grad." + name] = entry(t.grad)
for name, t in record.items():
    out[name] = entry(t)

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rowlstm_golden.json")
with open(path, "w") as fh:
    json.dump(out, fh)
print(f"wrote {path}: NLL per image {nll.tolist()} nats")
