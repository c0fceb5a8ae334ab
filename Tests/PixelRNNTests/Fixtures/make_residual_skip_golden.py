#!/usr/bin/env python3
"""Golden values for the residual and skip connections (Models README, "Residual and skip
connections"), from PyTorch:

    python3 Tests/PixelRNNTests/Fixtures/make_residual_skip_golden.py

writes, next to this script,
  residual_skip_golden.json      a PixelCNN (L=3, h=4, 6x7 binary images, batch 2), keys
                                 prefixed "skip." and "noresidual.";
  residual_skip_rnn_golden.json  a Row LSTM and a Diagonal BiLSTM (L=3, h=3, 5x6 binary
                                 images, batch 2), keys prefixed "rowlstm.skip.",
                                 "rowlstm.noresidual.", "diagbilstm.skip.", "diagbilstm.noresidual.".
"skip." is residual on, skip on; "noresidual." is residual off, skip off. Each network holds
the same tensors as pixelcnn_golden.json: weights, pixels, logits, log_prob, nll, grad.*
(grad.encoded_input and the gradient of the batch-mean NLL for every parameter).

The connections, written here from the README's definition:

  s_0     = input(encoded)
  s_{l+1} = s_l + F_l(s_l)       residual on         (F: the block of the kind)
  s_{l+1} = F_l(s_l)             residual off
  head input = s_L                                    skip off
  head input = s_1 + s_2 + ... + s_L  (in that order)   skip on
  logits  = head.1(relu(head.0(relu(head input))))

The PixelCNN's masks, weights, block and likelihood are make_pixelcnn_golden.py's (imported).
The Row LSTM block is written here (a Python loop over the rows, as in make_rowlstm_golden.py):
  z_r = i_s(x)[:, :, r, :] + s_s(h_{r-1})    i_s: 1x3 conv, mask B, 2h -> 4h; s_s: conv1d width 3, padding 1
  o, f, i, g = z_r split in four;  c_r = sigmoid(f) c_{r-1} + sigmoid(i) tanh(g);  h_r = sigmoid(o) tanh(c_r)
  F(x) = out(h), out: 1x1, h -> 2h
The Diagonal BiLSTM's direction (skew by gather, a loop over the skewed columns) is
make_diagbilstm_golden.py's (imported); F(x) = out(h_fwd + shift_down(flip(h_bwd(flip(x))))).
The recurrent networks' weights are drawn uniform in (-0.5, 0.5), larger than PyTorch's
default, so that the gates and the recurrence matter.
"""
import make_diagbilstm_golden as diag
import make_pixelcnn_golden as base
import torch
import torch.nn.functional as F

base.gen.manual_seed(1601_06759 + 15)


def conv(params, name, x):
    w, m = params[name + ".weight"]
    b, _ = params[name + ".bias"]
    return F.conv2d(x, w * m, b, padding=(w.shape[2] // 2, w.shape[3] // 2))


def pixelcnn_block(params, l, s):
    r = F.relu(conv(params, f"blocks.{l}.a", F.relu(s)))
    r = F.relu(conv(params, f"blocks.{l}.b", r))
    return conv(params, f"blocks.{l}.c", r)


def rowlstm_block(params, l, x):
    a = conv(params, f"blocks.{l}.i_s", x)                            # (B, 4h, H, W)
    w_ss, _ = params[f"blocks.{l}.s_s.weight"]
    b_ss, _ = params[f"blocks.{l}.s_s.bias"]
    hidden = w_ss.shape[1]
    h_prev = x.new_zeros(x.shape[0], hidden, x.shape[3])
    c_prev = torch.zeros_like(h_prev)
    rows = []
    for r in range(x.shape[2]):
        z = a[:, :, r, :] + F.conv1d(h_prev, w_ss, b_ss, padding=1)    # (B, 4h, W)
        o, f, i, g = torch.split(z, hidden, dim=1)
        c_prev = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)
        h_prev = torch.sigmoid(o) * torch.tanh(c_prev)
        rows.append(h_prev)
    return conv(params, f"blocks.{l}.out", torch.stack(rows, dim=2))


def diagbilstm_block(params, l, x):
    p = {name: t for name, (t, _) in params.items()}
    hidden = p[f"blocks.{l}.fwd.s_s.weight"].shape[1]
    h_fwd = diag.diagonal_lstm(x, p, f"blocks.{l}.fwd.", hidden)
    h_bwd = torch.flip(diag.diagonal_lstm(torch.flip(x, [3]), p, f"blocks.{l}.bwd.", hidden), [3])
    h_bwd = F.pad(h_bwd, (0, 0, 1, 0))[:, :, : x.shape[2], :]          # shift down one row
    return conv(params, f"blocks.{l}.out", h_fwd + h_bwd)


def forward(params, L, pixels, residual, skip, block=pixelcnn_block):
    encoded = pixels.clone().requires_grad_(True)          # binary: levels - 1 = 1
    s = conv(params, "input", encoded)
    streams = []
    for l in range(L):
        f = block(params, l, s)
        s = s + f if residual else f
        streams.append(s)
    head_in = s
    if skip:
        head_in = streams[0]
        for t in streams[1:]:
            head_in = head_in + t
    logits = conv(params, "head.1", F.relu(conv(params, "head.0", F.relu(head_in))))
    log_prob = -F.binary_cross_entropy_with_logits(logits, pixels, reduction="none")
    return encoded, logits, log_prob, -log_prob.sum(dim=(1, 2, 3))


def recurrent_parameters(kind, L, h):
    """name -> (float64 leaf tensor, mask), in checkpoint order, for binary images."""
    params = {}

    def add(name, shape, kind_of_mask=None):
        m = torch.ones(shape, dtype=torch.float64) if kind_of_mask is None else \
            base.causal_mask(kind_of_mask, shape[0], shape[1], shape[2], shape[3], 1)
        w = base.uniform(shape, 0.5) * m
        params[name + ".weight"] = (w.requires_grad_(True), m)
        params[name + ".bias"] = (base.uniform((shape[0],), 0.5).requires_grad_(True), None)

    add("input", (2 * h, 1, 7, 7), "A")
    for l in range(L):
        if kind == "rowlstm":
            add(f"blocks.{l}.i_s", (4 * h, 2 * h, 1, 3), "B")
            add(f"blocks.{l}.s_s", (4 * h, h, 3))
        else:
            for d in ("fwd", "bwd"):
                add(f"blocks.{l}.{d}.i_s", (4 * h, 2 * h, 1, 1), "B")
                add(f"blocks.{l}.{d}.s_s", (4 * h, h, 2))
        add(f"blocks.{l}.out", (2 * h, h, 1, 1), "B")
    add("head.0", (base.HEAD, 2 * h, 1, 1), "B")
    add("head.1", (1, base.HEAD, 1, 1), "B")
    return params


def case(prefix, residual, skip, L=3, h=4, B=2, H=6, W=7, kind="pixelcnn"):
    if kind == "pixelcnn":
        params, block = base.pixelcnn_parameters(L, h, 1, 2), pixelcnn_block
    else:
        params = recurrent_parameters(kind, L, h)
        block = rowlstm_block if kind == "rowlstm" else diagbilstm_block
    pixels = (torch.rand((B, 1, H, W), generator=base.gen) < 0.5).to(torch.float64)
    encoded, logits, log_prob, nll = forward(params, L, pixels, residual, skip, block)
    nll.mean().backward()
    out = {prefix + name: (p, None) for name, (p, _) in params.items()}
    out.update({prefix + "pixels": (pixels, None), prefix + "logits": (logits, 8), prefix + "log_prob": (log_prob, 8),
                prefix + "nll": (nll, 10), prefix + "grad.encoded_input": (encoded.grad, 8)})
    out.update({prefix + "grad." + name: (p.grad, 8) for name, (p, _) in params.items()})
    return out


if __name__ == "__main__":
    tensors = case("skip.", residual=True, skip=True)
    tensors.update(case("noresidual.", residual=False, skip=False))
    base.write("residual_skip_golden.json", tensors)

    recurrent = {}
    for kind in ("rowlstm", "diagbilstm"):
        recurrent.update(case(kind + ".skip.", residual=True, skip=True, h=3, H=5, W=6, kind=kind))
        recurrent.update(case(kind + ".noresidual.", residual=False, skip=False, h=3, H=5, W=6, kind=kind))
    base.write("residual_skip_rnn_golden.json", recurrent)
