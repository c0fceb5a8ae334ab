#!/usr/bin/env python3
"""Golden values for the multi-scale PixelRNN, from a PyTorch implementation written for it
(independent of the Swift code: F.conv2d, F.conv_transpose2d, Python loops for the
recurrences, autograd for the gradients).

Writes multiscale_golden.json next to this script:  python3 make_multiscale_golden.py
and multiscale_rowlstm.safetensors: the Row LSTM based model's parameters under their
checkpoint names (no prefix) with the documented metadata, as a PyTorch user would save it.

The model (Sources/PixelRNN/Models/MultiScale/README.md), binary images, one colour, factor k:
  x_small   = x[:, :, ::k, ::k]                                   (B, 1, s, s'), s = ceil(H/k)
  small     a PixelRNN of kind `base` on x_small (input 7x7 mask A, L blocks, head)
  upsample  u = conv3x3(relu(convT(relu(conv3x3(x_small))))[:, :, :H, :W])   (no masks)
            convT: kernel 2k, stride k, padding k // 2, weight (c, c, 2k, 2k); c = h
  cond      a PixelRNN of kind `base` on x whose block l gets b_l = conv1x1(u) added to
            its input-to-state map: PixelCNN: F(x + b) (2h channels); Row LSTM: i_s(x) + b
            (4h); Diagonal BiLSTM: fwd i_s(x) + b[:4h], bwd i_s(flip x) + flip(b[4h:]) (8h)
  NLL       -log p_small(x_small) - sum over pixels not in x_small of log p_cond(x_i | ...)

Exported per base ("<base>/" prefix): every parameter by checkpoint name (masked entries
zero), "logits" (the small network's logits at the small pixels, the conditional network's
elsewhere), "small_nll" and "cond_nll" (B), and "grad/<name>" = d(mean NLL)/d(param).
"pixels" is shared. float64 from float32 values.
"""
import json
import os

import torch
import torch.nn.functional as F
from make_diagbilstm_golden import conv_mask  # mask A / B for one colour

H, W, BATCH, K = 6, 5, 2, 2
L, HID, L_SMALL, HID_SMALL = 1, 2, 1, 3
HEAD = 32


def mconv(p, name, x, kind, pad=None):
    w = p[name + ".weight"]
    if kind is not None:
        w = w * conv_mask(kind, *w.shape)
    kh, kw = w.shape[2], w.shape[3]
    return F.conv2d(x, w, p[name + ".bias"], padding=(kh // 2, kw // 2) if pad is None else pad)


def pixelcnn_block(p, pre, x, bias):
    if bias is not None:
        x = x + bias
    r = F.relu(mconv(p, pre + "a", F.relu(x), "B"))
    r = F.relu(mconv(p, pre + "b", r, "B"))
    return mconv(p, pre + "c", r, "B")


def lstm_cell(z, c_prev, h):
    o, f, i, g = torch.split(z, h, dim=1)
    c = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def rowlstm_block(p, pre, x, bias, h):
    z_is = mconv(p, pre + "i_s", x, "B")
    if bias is not None:
        z_is = z_is + bias
    hp = x.new_zeros(x.shape[0], h, x.shape[3])
    cp = torch.zeros_like(hp)
    rows = []
    for r in range(x.shape[2]):
        z = z_is[:, :, r, :] + F.conv1d(hp, p[pre + "s_s.weight"], p[pre + "s_s.bias"], padding=1)
        hp, cp = lstm_cell(z, cp, h)
        rows.append(hp)
    return mconv(p, pre + "out", torch.stack(rows, dim=2), "B")


def diagonal_direction(p, pre, x, bias, h):
    b, _, hh, w = x.shape
    z = mconv(p, pre + "i_s", x, "B")
    if bias is not None:
        z = z + bias
    # skew: row r shifted right by r
    zs = x.new_zeros(b, 4 * h, hh, hh + w - 1)
    for r in range(hh):
        zs[:, :, r, r:r + w] = z[:, :, r, :]
    hp = x.new_zeros(b, h, hh)
    cp = torch.zeros_like(hp)
    out = x.new_zeros(b, h, hh, w)
    for k in range(hh + w - 1):
        s = F.conv1d(hp, p[pre + "s_s.weight"], p[pre + "s_s.bias"], padding=1)[:, :, :hh]
        hn, cn = lstm_cell(zs[:, :, :, k] + s, cp, h)
        m = torch.tensor([1.0 if 0 <= k - r < w else 0.0 for r in range(hh)], dtype=x.dtype).view(1, 1, hh)
        hp, cp = hn * m, cn * m
        for r in range(hh):
            if 0 <= k - r < w:
                out[:, :, r, k - r] = hp[:, :, r]
    return out


def diagbilstm_block(p, pre, x, bias, h):
    bf = None if bias is None else bias[:, :4 * h]
    bb = None if bias is None else torch.flip(bias[:, 4 * h:], [3])
    hf = diagonal_direction(p, pre + "fwd.", x, bf, h)
    hb = torch.flip(diagonal_direction(p, pre + "bwd.", torch.flip(x, [3]), bb, h), [3])
    hb = F.pad(hb, (0, 0, 1, 0))[:, :, :x.shape[2], :]
    return mconv(p, pre + "out", hf + hb, "B")


BLOCKS = {"pixelcnn": pixelcnn_block, "rowlstm": rowlstm_block, "diagbilstm": diagbilstm_block}


def pixel_network(p, pre, base, pixels, layers, h, biases):
    s = mconv(p, pre + "input", pixels, "A")
    for l in range(layers):
        bias = None if biases is None else biases[l]
        if base == "pixelcnn":
            s = s + pixelcnn_block(p, f"{pre}blocks.{l}.", s, bias)
        else:
            s = s + BLOCKS[base](p, f"{pre}blocks.{l}.", s, bias, h)
    z = mconv(p, pre + "head.0", F.relu(s), "B")
    return mconv(p, pre + "head.1", F.relu(z), "B")


def network_shapes(pre, base, layers, h):
    shapes = {pre + "input.weight": (2 * h, 1, 7, 7), pre + "input.bias": (2 * h,)}
    for l in range(layers):
        b = f"{pre}blocks.{l}."
        if base == "pixelcnn":
            parts = {"a": (h, 2 * h, 1, 1), "b": (h, h, 3, 3), "c": (2 * h, h, 1, 1)}
        elif base == "rowlstm":
            parts = {"i_s": (4 * h, 2 * h, 1, 3), "s_s": (4 * h, h, 3), "out": (2 * h, h, 1, 1)}
        else:
            parts = {"fwd.i_s": (4 * h, 2 * h, 1, 1), "fwd.s_s": (4 * h, h, 2),
                     "bwd.i_s": (4 * h, 2 * h, 1, 1), "bwd.s_s": (4 * h, h, 2), "out": (2 * h, h, 1, 1)}
        for name, shape in parts.items():
            shapes[b + name + ".weight"] = shape
            shapes[b + name + ".bias"] = (shape[0],)
    shapes[pre + "head.0.weight"] = (HEAD, 2 * h, 1, 1)
    shapes[pre + "head.0.bias"] = (HEAD,)
    shapes[pre + "head.1.weight"] = (1, HEAD, 1, 1)
    shapes[pre + "head.1.bias"] = (1,)
    return shapes


def model_shapes(base):
    shapes = network_shapes("small.", base, L_SMALL, HID_SMALL)
    c = HID
    shapes.update({"upsample.0.weight": (c, 1, 3, 3), "upsample.0.bias": (c,),
                   "upsample.1.weight": (c, c, 2 * K, 2 * K), "upsample.1.bias": (c,),
                   "upsample.2.weight": (c, c, 3, 3), "upsample.2.bias": (c,)})
    shapes.update(network_shapes("cond.", base, L, HID))
    per = {"pixelcnn": 2, "rowlstm": 4, "diagbilstm": 8}[base] * HID
    for l in range(L):
        shapes[f"cond.blocks.{l}.bias_map.weight"] = (per, c, 1, 1)
        shapes[f"cond.blocks.{l}.bias_map.bias"] = (per,)
    return shapes


def model(p, base, pixels):
    small_pixels = pixels[:, :, ::K, ::K]
    small_logits = pixel_network(p, "small.", base, small_pixels, L_SMALL, HID_SMALL, None)
    u = F.relu(F.conv2d(small_pixels, p["upsample.0.weight"], p["upsample.0.bias"], padding=1))
    u = F.relu(F.conv_transpose2d(u, p["upsample.1.weight"], p["upsample.1.bias"], stride=K, padding=K // 2))
    u = F.conv2d(u[:, :, :H, :W], p["upsample.2.weight"], p["upsample.2.bias"], padding=1)
    biases = [F.conv2d(u, p[f"cond.blocks.{l}.bias_map.weight"], p[f"cond.blocks.{l}.bias_map.bias"]) for l in range(L)]
    cond_logits = pixel_network(p, "cond.", base, pixels, L, HID, biases)
    small_nll = F.binary_cross_entropy_with_logits(small_logits, small_pixels, reduction="none").sum(dim=(1, 2, 3))
    given = torch.zeros(1, 1, H, W, dtype=torch.float64)
    given[:, :, ::K, ::K] = 1
    cond_nll = (F.binary_cross_entropy_with_logits(cond_logits, pixels, reduction="none") * (1 - given)).sum(dim=(1, 2, 3))
    logits = cond_logits * (1 - given)
    logits = logits.clone()
    logits[:, :, ::K, ::K] = small_logits
    return logits, small_nll, cond_nll


def entry(t):
    t = t.detach().to(torch.float32)
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def save_checkpoint(tensors):
    from safetensors.torch import save_file
    metadata = {"model": "multiscale", "base": "rowlstm", "factor": str(K), "layers": str(L), "hidden": str(HID),
                "small_layers": str(L_SMALL), "small_hidden": str(HID_SMALL), "colors": "1", "levels": "2"}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "multiscale_rowlstm.safetensors")
    save_file(tensors, path, metadata=metadata)
    print(f"wrote {path}")


def main():
    gen = torch.Generator().manual_seed(20160606)
    pixels = (torch.rand(BATCH, 1, H, W, generator=gen) < 0.4).to(torch.float64)
    out = {"pixels": entry(pixels)}
    for base in BLOCKS:
        p = {}
        for name, shape in model_shapes(base).items():
            v = ((torch.rand(shape, generator=gen, dtype=torch.float32) * 2 - 1) * 0.6).to(torch.float64)
            if name.endswith("input.weight"):
                v = v * conv_mask("A", *shape)
            elif len(shape) == 4 and not name.startswith("upsample") and "bias_map" not in name:
                v = v * conv_mask("B", *shape)
            p[name] = v.requires_grad_(True)
        logits, small_nll, cond_nll = model(p, base, pixels)
        (small_nll + cond_nll).mean().backward()
        for name, v in p.items():
            out[f"{base}/{name}"] = entry(v)
            out[f"{base}/grad/{name}"] = entry(v.grad)
        out[f"{base}/logits"] = entry(logits)
        out[f"{base}/small_nll"] = entry(small_nll)
        out[f"{base}/cond_nll"] = entry(cond_nll)
        if base == "rowlstm":
            save_checkpoint({name: v.detach().to(torch.float32).contiguous() for name, v in p.items()})
        print(f"{base}: small {small_nll.tolist()} cond {cond_nll.tolist()} nats")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "multiscale_golden.json")
    with open(path, "w") as fh:
        json.dump(out, fh)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
