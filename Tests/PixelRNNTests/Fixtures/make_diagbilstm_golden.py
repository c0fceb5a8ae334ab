#!/usr/bin/env python3
"""Golden values for the Diagonal BiLSTM network, from an independent PyTorch implementation.

Writes diagbilstm_golden.json next to this script. Only needed to regenerate the fixture;
building and testing never need Python.

The model (Sources/PixelRNN/Models/README.md), binary images (C = 1, levels = 2, K = 1), hidden h:
  input   7x7 conv, mask A, 1 -> 2h, zero padding 3; the input is level / (levels - 1)
  block   F(x) = out(h_fwd + shift_down(flip(h_bwd))), stream x <- x + F(x), where one
          direction on a map x (B, 2h, H, W) is
            z  = i_s(x)                        1x1 conv, mask B (all ones for one colour), 2h -> 4h
            zs = skew(z)                       (B, 4h, H, H+W-1), row r shifted right by r
            for each skewed column k, left to right:
              [o, f, i, g] = zs[..., k] + s_s(h_{k-1})     s_s: conv1d, kernel 2, h -> 4h,
                                                           output row r = W[:,:,0] h(r-1) + W[:,:,1] h(r) + b
              c = sigmoid(f) c_{k-1} + sigmoid(i) tanh(g);  h = sigmoid(o) tanh(c)
              h = c = 0 at cells of the skewed map that are not pixels
            h_dir = unskew(h)
          h_fwd is the direction on x; h_bwd the direction on x flipped left-right, flipped
          back; shift_down moves it one row down (top row zeros); out is 1x1, mask B, h -> 2h.
  head    ReLU, head.0 1x1 mask B 2h -> 32, ReLU, head.1 1x1 mask B 32 -> 1 (a logit)
  NLL     per image, in nats: sum over pixels of BCE(logit, pixel); the loss is the batch mean.

Exported (for L = 1 and L = 2, prefixes "L1/" and "L2/"): every parameter by checkpoint name
(masked entries zero), "logits" (B, 1, H, W), "nll" (B), and "grad/<name>" = d(mean NLL)/d(param).
"pixels" (B, 1, H, W) is shared. The computation runs in float64 from float32 values.
"""
import json
import os

import torch
import torch.nn.functional as F

H = W = 6
BATCH = 2
HIDDEN = 3
HEAD = 32


def conv_mask(kind, out_ch, in_ch, kh, kw):
    """Raster-order mask for one colour: rows above the centre, the centre row left of the
    centre, and (mask B only) the centre itself."""
    m = torch.zeros(out_ch, in_ch, kh, kw, dtype=torch.float64)
    cy, cx = kh // 2, kw // 2
    m[:, :, :cy, :] = 1
    m[:, :, cy, :cx] = 1
    if kind == "B":
        m[:, :, cy, cx] = 1
    return m


def skew(x):
    """(B, C, H, W) -> (B, C, H, H+W-1): pad on the right, then gather column k - r of row r."""
    b, c, h, w = x.shape
    ws = h + w - 1
    padded = F.pad(x, (0, 1))                      # column w is a zero column
    rows = torch.arange(h).view(h, 1)
    cols = torch.arange(ws).view(1, ws)
    src = cols - rows                              # which input column lands in (r, k)
    src = torch.where((src >= 0) & (src < w), src, torch.full_like(src, w))
    return torch.gather(padded, 3, src.expand(b, c, h, ws))


def unskew(y, w):
    """(B, C, H, H+W-1) -> (B, C, H, W): gather column c + r of row r."""
    b, c, h, ws = y.shape
    idx = torch.arange(w).view(1, w) + torch.arange(h).view(h, 1)
    return torch.gather(y, 3, idx.expand(b, c, h, w))


def diagonal_lstm(x, p, prefix, hidden):
    b, _, h, w = x.shape
    ws = h + w - 1
    z = F.conv2d(x, p[prefix + "i_s.weight"] * conv_mask("B", 4 * hidden, 2 * hidden, 1, 1), p[prefix + "i_s.bias"])
    zs = skew(z)
    pixel = skew(torch.ones(1, 1, h, w, dtype=x.dtype))[0, 0]     # (H, Ws): 1 at pixel cells
    h_prev = x.new_zeros(b, hidden, h)
    c_prev = x.new_zeros(b, hidden, h)
    states = []
    for k in range(ws):
        # padding=1 on both ends with kernel 2 gives H+1 outputs; output r = W0 h(r-1) + W1 h(r).
        s = F.conv1d(h_prev, p[prefix + "s_s.weight"], p[prefix + "s_s.bias"], padding=1)[:, :, :h]
        pre = zs[:, :, :, k] + s
        o, f, i, g = torch.split(pre, hidden, dim=1)
        c = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)
        hh = torch.sigmoid(o) * torch.tanh(c)
        m = pixel[:, k].view(1, 1, h)
        c, hh = c * m, hh * m
        states.append(hh)
        h_prev, c_prev = hh, c
    return unskew(torch.stack(states, dim=3), w)


def network(pixels, p, layers, hidden):
    x = pixels / (2 - 1)
    s = F.conv2d(x, p["input.weight"] * conv_mask("A", 2 * hidden, 1, 7, 7), p["input.bias"], padding=3)
    for l in range(layers):
        pre = "blocks.%d." % l
        h_fwd = diagonal_lstm(s, p, pre + "fwd.", hidden)
        h_bwd = torch.flip(diagonal_lstm(torch.flip(s, [3]), p, pre + "bwd.", hidden), [3])
        h_bwd = F.pad(h_bwd, (0, 0, 1, 0))[:, :, : s.shape[2], :]   # shift down one row
        y = F.conv2d(h_fwd + h_bwd, p[pre + "out.weight"] * conv_mask("B", 2 * hidden, hidden, 1, 1), p[pre + "out.bias"])
        s = s + y
    r = F.relu(s)
    z = F.conv2d(r, p["head.0.weight"] * conv_mask("B", HEAD, 2 * hidden, 1, 1), p["head.0.bias"])
    return F.conv2d(F.relu(z), p["head.1.weight"] * conv_mask("B", 1, HEAD, 1, 1), p["head.1.bias"])


def make_parameters(layers, hidden, gen):
    shapes = {"input.weight": (2 * hidden, 1, 7, 7), "input.bias": (2 * hidden,)}
    for l in range(layers):
        pre = "blocks.%d." % l
        for d in ("fwd.", "bwd."):
            shapes[pre + d + "i_s.weight"] = (4 * hidden, 2 * hidden, 1, 1)
            shapes[pre + d + "i_s.bias"] = (4 * hidden,)
            shapes[pre + d + "s_s.weight"] = (4 * hidden, hidden, 2)
            shapes[pre + d + "s_s.bias"] = (4 * hidden,)
        shapes[pre + "out.weight"] = (2 * hidden, hidden, 1, 1)
        shapes[pre + "out.bias"] = (2 * hidden,)
    shapes["head.0.weight"] = (HEAD, 2 * hidden, 1, 1)
    shapes["head.0.bias"] = (HEAD,)
    shapes["head.1.weight"] = (1, HEAD, 1, 1)
    shapes["head.1.bias"] = (1,)
    masks = {"input.weight": conv_mask("A", 2 * hidden, 1, 7, 7)}
    p = {}
    for name, shape in shapes.items():
        # Larger than PyTorch's default init so the gates and the recurrence matter.
        v = (torch.rand(shape, generator=gen, dtype=torch.float32) * 2 - 1) * 0.8
        v = v.to(torch.float64)
        if name in masks:
            v = v * masks[name]
        p[name] = v.requires_grad_(True)
    return p


def entry(t):
    t = t.detach().to(torch.float32)
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def main():
    gen = torch.Generator().manual_seed(20160125)
    pixels = (torch.rand(BATCH, 1, H, W, generator=gen) < 0.4).to(torch.float64)
    out = {"pixels": entry(pixels)}
    for layers in (1, 2):
        p = make_parameters(layers, HIDDEN, gen)
        logits = network(pixels, p, layers, HIDDEN)
        nll = F.binary_cross_entropy_with_logits(logits, pixels, reduction="none").sum(dim=(1, 2, 3))
        nll.mean().backward()
        pre = "L%d/" % layers
        for name, v in p.items():
            out[pre + name] = entry(v)
            out[pre + "grad/" + name] = entry(v.grad)
        out[pre + "logits"] = entry(logits)
        out[pre + "nll"] = entry(nll)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "diagbilstm_golden.json")
    with open(path, "w") as f:
        json.dump(out, f, sort_keys=True)
    print("wrote", path)


if __name__ == "__main__":
    main()
