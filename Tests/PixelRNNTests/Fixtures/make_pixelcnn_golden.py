#!/usr/bin/env python3
"""Golden values for the masked convolution and for PixelCNN, from PyTorch: an
implementation independent of ours (the masks are built here from the definition in
Sources/PixelRNN/Models/README.md and the paper §3.4, not translated from the Swift code).

    python3 Tests/PixelRNNTests/Fixtures/make_pixelcnn_golden.py

writes, next to this script:

  conv_golden.json          masked convolutions, 3x3 and 7x7, mask A and B, 1 and 3 colours:
                            weight (drawn unmasked: the layer must apply the mask itself),
                            bias, x, an upstream gradient dy, and y, dx, dW, db for the loss
                            sum(y * dy). Keys "<case>.<tensor>".
  pixelcnn_golden.json      PixelCNN, L=2, h=4, 8x8 binary images, batch 2, plus the
                            parameter count of PixelCNN L=7, h=16, 1 colour, binary.
  pixelcnn_golden_256.json  PixelCNN, L=2, h=3, 6x6 RGB images with 256 levels, batch 1.

Masks (paper §3.4). Pixels are in raster order and, at one pixel, colours in the order
R, G, B. Every channel c of every map belongs to colour group c % C (interleaved; with
C = 1 everything is group 0). A kernel entry (o, i, u, v) is kept when the input position
is an earlier pixel: a row above the centre, or the centre row left of the centre. At the
centre itself, mask A keeps it when group(i) < group(o) (strictly earlier colours), mask B
when group(i) <= group(o) (also its own colour). Everything right of the centre in the
centre row and every row below is removed.

The model (Sources/PixelRNN/Models/README.md), with K = C (binary, one logit per colour, sigmoid) or 256*C
(256 levels, a softmax per colour over the logit channels level*C + colour):

  encoded = pixels / (levels - 1)
  s0      = input(encoded)                         7x7 mask A, C -> 2h
  s_{l+1} = s_l + c(relu(b(relu(a(relu(s_l))))))   a 1x1 mask B 2h->h, b 3x3 mask B h->h,
                                                   c 1x1 mask B h->2h    (blocks.l)
  logits  = head.1(relu(head.0(relu(s_L))))        1x1 mask B 2h->32, 1x1 mask B 32->K
  nll[n]  = -sum over pixels and colours of log p(x | everything before), in nats
  loss    = mean over the batch of nll

Every convolution has a bias and "same" zero padding (kh//2, kw//2). Weights are drawn in
float32 (uniform in +-1/sqrt(fan_in), PyTorch's default bounds), unmasked, and exported
under their checkpoint names (input.weight, blocks.0.a.weight, ..., head.1.bias); the
network multiplies them by their masks. Everything is then computed in float64, with
autograd for the gradients, so the golden values carry no float32 rounding of their own.

Exported per network: the weights, "pixels" (levels as numbers), "logits", "log_prob"
(log p of every pixel and colour, (B, C, H, W)), "nll" (per image, nats),
"grad.<parameter name>" (d loss / d parameter, unmasked parameter: masked entries are 0)
and "grad.encoded_input" (d loss / d encoded). To keep the 256-level fixture small
(head.1 alone has 32 x 768 weights), its weights are rounded to 3 decimals before use
(their masked-out entries written as 0), and for its two largest results, the logits
and grad.head.1.weight, only 800 entries at random flat indices are stored:
"<name>.sample_index" and "<name>.sample_value".
"""
import json
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
HEAD = 32
gen = torch.Generator().manual_seed(1601_06759)


def causal_mask(kind, out_ch, in_ch, kh, kw, colors):
    """1 where output channel o may read input channel i at kernel position (u, v)."""
    m = torch.zeros(out_ch, in_ch, kh, kw, dtype=torch.float64)
    cy, cx = kh // 2, kw // 2
    m[:, :, :cy, :] = 1                       # every row above the centre
    m[:, :, cy, :cx] = 1                      # the centre row, left of the centre
    group_out = torch.arange(out_ch) % colors
    group_in = torch.arange(in_ch) % colors
    if kind == "A":
        centre = group_in[None, :] < group_out[:, None]
    else:
        centre = group_in[None, :] <= group_out[:, None]
    m[:, :, cy, cx] = centre.to(torch.float64)
    return m


def uniform(shape, bound):
    """float32 draws, held as float64 for the computation."""
    return ((torch.rand(shape, generator=gen, dtype=torch.float32) * 2 - 1) * bound).to(torch.float64)


def entry(t, digits):
    """digits=None: t holds float32 values (inputs); write each as its shortest float32
    representation, which reads back as exactly that float32. Otherwise (results, float64):
    that many significant digits."""
    t = t.detach().contiguous()
    if digits is None:
        values = t.to(torch.float32).flatten().numpy()
        return {"shape": list(t.shape), "data": [json.loads(str(v)) if v != 0 else 0 for v in values]}
    fmt = "%." + str(digits) + "g"
    return {"shape": list(t.shape), "data": [float(fmt % v) for v in t.to(torch.float64).flatten().tolist()]}


def write(name, tensors):
    """tensors: name -> (tensor, significant digits, or None for float32 inputs)."""
    path = os.path.join(HERE, name)
    with open(path, "w") as f:
        json.dump({k: entry(t, d) for k, (t, d) in tensors.items()}, f, separators=(",", ":"))
        f.write("\n")
    print(f"{name}: {os.path.getsize(path) / 1024:.0f} KB")


# ---------------------------------------------------------------- masked convolutions

def conv_cases():
    out = {}
    # (name, kernel, mask, colours, in, out, batch, H, W)
    cases = [
        ("k7_A_c1", 7, "A", 1, 1, 4, 2, 5, 6),
        ("k7_B_c1", 7, "B", 1, 2, 3, 1, 6, 5),
        ("k3_A_c1", 3, "A", 1, 2, 3, 2, 4, 5),
        ("k3_B_c1", 3, "B", 1, 3, 4, 2, 5, 4),
        ("k7_A_c3", 7, "A", 3, 3, 6, 1, 5, 6),
        ("k7_B_c3", 7, "B", 3, 6, 3, 1, 4, 5),
        ("k3_A_c3", 3, "A", 3, 3, 6, 2, 4, 5),
        ("k3_B_c3", 3, "B", 3, 6, 6, 2, 5, 3),
    ]
    for name, k, kind, colors, cin, cout, b, hh, ww in cases:
        bound = 1 / (cin * k * k) ** 0.5
        w = uniform((cout, cin, k, k), bound).requires_grad_(True)
        bias = uniform((cout,), bound).requires_grad_(True)
        x = uniform((b, cin, hh, ww), 1.0).requires_grad_(True)
        dy = uniform((b, cout, hh, ww), 1.0)
        m = causal_mask(kind, cout, cin, k, k, colors)
        y = F.conv2d(x, w * m, bias, padding=k // 2)
        (y * dy).sum().backward()
        out.update({
            f"{name}.weight": (w, None), f"{name}.bias": (bias, None), f"{name}.x": (x, None), f"{name}.dy": (dy, None),
            f"{name}.y": (y, 8), f"{name}.dx": (x.grad, 8), f"{name}.dW": (w.grad, 8), f"{name}.db": (bias.grad, 8),
        })
    return out


# ---------------------------------------------------------------- PixelCNN

def pixelcnn_parameters(L, h, colors, levels, decimals=None):
    """name -> (float64 leaf tensor, mask or None), in checkpoint order."""
    K = colors if levels == 2 else levels * colors
    params = {}

    def conv(name, cin, cout, k, kind):
        m = causal_mask(kind, cout, cin, k, k, colors)
        bound = 1 / (cin * k * k) ** 0.5
        w, b = uniform((cout, cin, k, k), bound), uniform((cout,), bound)
        if decimals is not None:   # rounded, then made float32 again: what the fixture stores
            w = (w * m).round(decimals=decimals).to(torch.float32).to(torch.float64)
            b = b.round(decimals=decimals).to(torch.float32).to(torch.float64)
        params[name + ".weight"] = (w.requires_grad_(True), m)
        params[name + ".bias"] = (b.requires_grad_(True), None)

    conv("input", colors, 2 * h, 7, "A")
    for l in range(L):
        conv(f"blocks.{l}.a", 2 * h, h, 1, "B")
        conv(f"blocks.{l}.b", h, h, 3, "B")
        conv(f"blocks.{l}.c", h, 2 * h, 1, "B")
    conv("head.0", 2 * h, HEAD, 1, "B")
    conv("head.1", HEAD, K, 1, "B")
    return params


def pixelcnn_forward(params, L, pixels, colors, levels):
    def conv(name, x):
        w, m = params[name + ".weight"]
        b, _ = params[name + ".bias"]
        return F.conv2d(x, w * m, b, padding=w.shape[2] // 2)

    encoded = (pixels / (levels - 1)).requires_grad_(True)
    s = conv("input", encoded)
    for l in range(L):
        r = F.relu(conv(f"blocks.{l}.a", F.relu(s)))
        r = F.relu(conv(f"blocks.{l}.b", r))
        s = s + conv(f"blocks.{l}.c", r)
    logits = conv("head.1", F.relu(conv("head.0", F.relu(s))))
    B, C, H, W = pixels.shape
    if levels == 2:
        log_prob = -F.binary_cross_entropy_with_logits(logits, pixels, reduction="none")
    else:
        # channel level*C + colour  ->  (B, level, colour, H, W)
        per_level = logits.view(B, levels, C, H, W)
        log_prob = -F.cross_entropy(per_level, pixels.long(), reduction="none")
    nll = -log_prob.sum(dim=(1, 2, 3))
    return encoded, logits, log_prob, nll


def pixelcnn_case(L, h, colors, levels, B, H, W, decimals=None, sample=None):
    params = pixelcnn_parameters(L, h, colors, levels, decimals)
    if levels == 2:
        pixels = (torch.rand((B, colors, H, W), generator=gen) < 0.5).to(torch.float64)
    else:
        pixels = torch.randint(0, levels, (B, colors, H, W), generator=gen).to(torch.float64)
    encoded, logits, log_prob, nll = pixelcnn_forward(params, L, pixels, colors, levels)
    nll.mean().backward()

    out = {name: (p, None) for name, (p, _) in params.items()}
    out.update({"pixels": (pixels, None), "log_prob": (log_prob, 8), "nll": (nll, 10),
                "grad.encoded_input": (encoded.grad, 8)})
    results = {"logits": logits}
    results.update({"grad." + name: p.grad for name, (p, _) in params.items()})
    for name, t in results.items():
        if sample is not None and name in sample:
            flat = t.detach().flatten()
            index = torch.randperm(flat.numel(), generator=gen)[:sample[name]].sort().values
            out[name + ".sample_index"] = (index.to(torch.float64), 9)
            out[name + ".sample_value"] = (flat[index], 8)
        else:
            out[name] = (t, 8)
    return out


def parameter_count(L, h, colors, levels):
    """PyTorch's own count, from torch.nn modules laid out as the model (masks are buffers)."""
    K = colors if levels == 2 else levels * colors
    conv = torch.nn.Conv2d
    block = lambda: torch.nn.ModuleDict({"a": conv(2 * h, h, 1), "b": conv(h, h, 3, padding=1), "c": conv(h, 2 * h, 1)})
    model = torch.nn.ModuleDict({
        "input": conv(colors, 2 * h, 7, padding=3),
        "blocks": torch.nn.ModuleList([block() for _ in range(L)]),
        "head": torch.nn.ModuleList([conv(2 * h, HEAD, 1), conv(HEAD, K, 1)]),
    })
    names = [name for name, _ in model.named_parameters()]
    assert names == list(pixelcnn_parameters(L, h, colors, levels)), "checkpoint names differ"
    return sum(p.numel() for p in model.parameters())


if __name__ == "__main__":
    write("conv_golden.json", conv_cases())

    binary = pixelcnn_case(L=2, h=4, colors=1, levels=2, B=2, H=8, W=8)
    count = parameter_count(L=7, h=16, colors=1, levels=2)
    binary["parameter_count.L7_h16"] = (torch.tensor([float(count)]), 9)
    write("pixelcnn_golden.json", binary)
    print(f"PixelCNN L=7 h=16, 1 colour, binary: {count} parameters")

    write("pixelcnn_golden_256.json",
          pixelcnn_case(L=2, h=3, colors=3, levels=256, B=1, H=6, W=6, decimals=3,
                        sample={"logits": 800, "grad.head.1.weight": 800}))
