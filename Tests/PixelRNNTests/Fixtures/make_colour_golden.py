#!/usr/bin/env python3
"""Golden values for every model kind in colour (C = 3, 256 levels), from an implementation
independent of ours.

Writes colour_golden.json next to this script:  python3 make_colour_golden.py
(needs torch; only for regenerating: building and testing never need Python).

One network per kind (PixelCNN, Row LSTM, Diagonal BiLSTM), each with L = 1, h = 6, on a
batch of 2 RGB images of 4x4 pixels with 256 levels (Sources/PixelRNN/Models/README.md):
  input    7x7 conv, mask A, 3 -> 2h; the pixels are encoded as level / 255
  blocks.0 pixelcnn:   x + c(ReLU(b(ReLU(a(ReLU(x))))))  a 1x1 2h->h, b 3x3 h->h, c 1x1 h->2h, all mask B
           rowlstm:    x + out(h), row by row (h_{-1} = c_{-1} = 0):
                         z_r = i_s(x)[:, :, r, :] + s_s(h_{r-1})   i_s 1x3 mask B 2h->4h, s_s 1-D width 3 h->4h
                         o, f, i, g = split(z_r);  c_r = s(f) c_{r-1} + s(i) tanh(g);  h_r = s(o) tanh(c_r)
                       out 1x1 mask B h->2h
           diagbilstm: x + out(h_fwd + shift_down(flip(h_bwd))): each direction skews i_s(x)
                       (1x1 mask B 2h->4h), runs the LSTM column by column of the skewed map with
                       s_s a 2-tap conv down the previous column (row r reads rows r-1 and r),
                       h = c = 0 off the pixels, and unskews; the backward direction runs on x
                       flipped left-right; out 1x1 mask B h->2h
  head     ReLU, head.0 1x1 mask B 2h -> 32, ReLU, head.1 1x1 mask B 32 -> 768
  output   channel level*3 + colour; a 256-way softmax per pixel and colour
  NLL      per image, in nats: -sum over pixels and colours of log p; the loss is the batch mean.

Colour masks (paper 3.4): channel c of every map belongs to colour group c % 3. Kernel rows
above the centre and the centre row left of the centre connect every pair of channels; at
the centre, mask A connects input group gi to output group go when gi < go, mask B when
gi <= go; right of the centre and the rows below are cut. s_s is unmasked (it reads only
earlier pixels).

The parameters are not stored: every one is made by a formula the Swift test repeats,
    value[j] = float32(0.5 * sin(0.731 * (j + 1) + 1.618 * (n + 1)))
(n = the parameter's index among the sorted names, j = the flat index), then masked.
Everything is computed in float64 with autograd.

Stored per kind ("<kind>/..."): "log_prob" (B, 3, H, W), "log_partition" (B, 3, H, W)
= log sum_k exp(logit_k) (so every one of the 256 logits counts), "logits" at the levels
in "levels" only (B, len(levels), 3, H, W), "nll" (B), "grad/<name>" for every parameter
except head.1 (masked entries 0), and for head.1 the gradient rows of the stored levels:
"grad/head.1.weight" (len(levels), 3, 32) and "grad/head.1.bias" (len(levels), 3).
The pixels take only the values in "levels", so the gradient rows that carry the one-hot
term are among them; "pixels" (B, 3, H, W) is shared.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

B, C, H, W, HIDDEN, LEVELS, HEAD = 2, 3, 4, 4, 6, 256, 32
STORED_LEVELS = [0, 1, 63, 128, 254, 255]


def colour_mask(kind, out_ch, in_ch, kh, kw):
    m = torch.zeros(out_ch, in_ch, kh, kw, dtype=torch.float64)
    cy, cx = kh // 2, kw // 2
    m[:, :, :cy, :] = 1
    m[:, :, cy, :cx] = 1
    for o in range(out_ch):
        for i in range(in_ch):
            if (i % C < o % C) or (kind == "B" and i % C == o % C):
                m[o, i, cy, cx] = 1
    return m


def shapes(kind, h):
    s = {"input": ((2 * h, C, 7, 7), "A")}
    p = "blocks.0."
    if kind == "pixelcnn":
        s[p + "a"] = ((h, 2 * h, 1, 1), "B")
        s[p + "b"] = ((h, h, 3, 3), "B")
        s[p + "c"] = ((2 * h, h, 1, 1), "B")
    elif kind == "rowlstm":
        s[p + "i_s"] = ((4 * h, 2 * h, 1, 3), "B")
        s[p + "s_s"] = ((4 * h, h, 3), None)
        s[p + "out"] = ((2 * h, h, 1, 1), "B")
    else:
        for d in ("fwd.", "bwd."):
            s[p + d + "i_s"] = ((4 * h, 2 * h, 1, 1), "B")
            s[p + d + "s_s"] = ((4 * h, h, 2), None)
        s[p + "out"] = ((2 * h, h, 1, 1), "B")
    s["head.0"] = ((HEAD, 2 * h, 1, 1), "B")
    s["head.1"] = ((LEVELS * C, HEAD, 1, 1), "B")
    return s


def make_parameters(kind, h):
    layers = shapes(kind, h)
    named = {}
    for layer, (shape, mask) in layers.items():
        named[layer + ".weight"] = (shape, mask)
        named[layer + ".bias"] = ((shape[0],), None)
    params = {}
    for n, name in enumerate(sorted(named)):
        shape, mask = named[name]
        count = math.prod(shape)
        v = torch.tensor([0.5 * math.sin(0.731 * (j + 1) + 1.618 * (n + 1)) for j in range(count)],
                         dtype=torch.float64).to(torch.float32).to(torch.float64).reshape(shape)
        if mask is not None:
            v = v * colour_mask(mask, *shape)
        params[name] = v.requires_grad_(True)
    masks = {layer + ".weight": colour_mask(mask, *shape) for layer, (shape, mask) in layers.items() if mask}
    return params, masks


def conv2d(p, masks, name, x):
    w = p[name + ".weight"] * masks[name + ".weight"]
    return F.conv2d(x, w, p[name + ".bias"], padding=(w.shape[2] // 2, w.shape[3] // 2))


def row_lstm(p, masks, x, h):
    a = conv2d(p, masks, "blocks.0.i_s", x)
    h_prev = x.new_zeros(x.shape[0], h, x.shape[3])
    c_prev = torch.zeros_like(h_prev)
    rows = []
    for r in range(x.shape[2]):
        z = a[:, :, r, :] + F.conv1d(h_prev, p["blocks.0.s_s.weight"], p["blocks.0.s_s.bias"], padding=1)
        o, f, i, g = torch.split(z, h, dim=1)
        c_prev = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)
        h_prev = torch.sigmoid(o) * torch.tanh(c_prev)
        rows.append(h_prev)
    return conv2d(p, masks, "blocks.0.out", torch.stack(rows, dim=2))


def diagonal_lstm(p, masks, prefix, x, h):
    """One direction; the skew is written out cell by cell (no gather)."""
    b, _, rows, cols = x.shape
    z = conv2d(p, masks, prefix + "i_s", x)
    h_prev = x.new_zeros(b, h, rows)
    c_prev = x.new_zeros(b, h, rows)
    out = [[None] * cols for _ in range(rows)]
    for k in range(rows + cols - 1):                      # skewed column k holds pixel (r, k - r)
        zk = torch.stack([z[:, :, r, k - r] if 0 <= k - r < cols else x.new_zeros(b, 4 * h)
                          for r in range(rows)], dim=2)   # (B, 4h, rows)
        s = F.conv1d(h_prev, p[prefix + "s_s.weight"], p[prefix + "s_s.bias"], padding=1)[:, :, :rows]
        o, f, i, g = torch.split(zk + s, h, dim=1)
        c = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)
        hh = torch.sigmoid(o) * torch.tanh(c)
        on = torch.tensor([1.0 if 0 <= k - r < cols else 0.0 for r in range(rows)], dtype=x.dtype).view(1, 1, rows)
        c, hh = c * on, hh * on
        for r in range(rows):
            if 0 <= k - r < cols:
                out[r][k - r] = hh[:, :, r]
        h_prev, c_prev = hh, c
    return torch.stack([torch.stack(row, dim=2) for row in out], dim=2)   # (B, h, rows, cols)


def network(kind, p, masks, pixels, h):
    s = conv2d(p, masks, "input", pixels / (LEVELS - 1))
    if kind == "pixelcnn":
        y = conv2d(p, masks, "blocks.0.a", F.relu(s))
        y = conv2d(p, masks, "blocks.0.b", F.relu(y))
        s = s + conv2d(p, masks, "blocks.0.c", F.relu(y))
    elif kind == "rowlstm":
        s = s + row_lstm(p, masks, s, h)
    else:
        fwd = diagonal_lstm(p, masks, "blocks.0.fwd.", s, h)
        bwd = torch.flip(diagonal_lstm(p, masks, "blocks.0.bwd.", torch.flip(s, [3]), h), [3])
        bwd = F.pad(bwd, (0, 0, 1, 0))[:, :, : s.shape[2], :]
        s = s + conv2d(p, masks, "blocks.0.out", fwd + bwd)
    z = conv2d(p, masks, "head.0", F.relu(s))
    return conv2d(p, masks, "head.1", F.relu(z))            # (B, 256*C, H, W)


def entry(t):
    t = t.detach().to(torch.float32)
    return {"shape": list(t.shape), "data": [float("%.8g" % v) for v in t.reshape(-1).tolist()]}


def main():
    gen = torch.Generator().manual_seed(20161977)
    choice = torch.randint(len(STORED_LEVELS), (B, C, H, W), generator=gen)
    pixels = torch.tensor(STORED_LEVELS, dtype=torch.float64)[choice]
    out = {"pixels": entry(pixels), "levels": entry(torch.tensor(STORED_LEVELS, dtype=torch.float64))}
    idx = torch.tensor(STORED_LEVELS)
    for kind in ("pixelcnn", "rowlstm", "diagbilstm"):
        p, masks = make_parameters(kind, HIDDEN)
        logits = network(kind, p, masks, pixels, HIDDEN)
        per_level = logits.view(B, LEVELS, C, H, W)
        log_partition = torch.logsumexp(per_level, dim=1)                       # (B, C, H, W)
        target = pixels.long().unsqueeze(1)                                      # (B, 1, C, H, W)
        log_prob = torch.gather(per_level, 1, target).squeeze(1) - log_partition
        nll = -log_prob.sum(dim=(1, 2, 3))
        nll.mean().backward()
        pre = kind + "/"
        out[pre + "log_prob"] = entry(log_prob)
        out[pre + "log_partition"] = entry(log_partition)
        out[pre + "logits"] = entry(per_level[:, idx])
        out[pre + "nll"] = entry(nll)
        for name, v in p.items():
            if not name.startswith("head.1."):
                out[pre + "grad/" + name] = entry(v.grad)
        out[pre + "grad/head.1.weight"] = entry(p["head.1.weight"].grad.view(LEVELS, C, HEAD)[idx])
        out[pre + "grad/head.1.bias"] = entry(p["head.1.bias"].grad.view(LEVELS, C)[idx])
        print(kind, "NLL per image (nats):", [round(float(v), 4) for v in nll.detach()])
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "colour_golden.json")
    with open(path, "w") as f:
        json.dump(out, f, sort_keys=True)
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
