#!/usr/bin/env python3
"""Golden values for the residual and skip connections (Models README, "Residual and skip
connections"), from PyTorch, for a PixelCNN (L=3, h=4, 6x7 binary images, batch 2):

    python3 Tests/PixelRNNTests/Fixtures/make_residual_skip_golden.py

writes, next to this script, residual_skip_golden.json with two networks, keys prefixed
"skip." (residual on, skip on) and "noresidual." (residual off, skip off); each holds the
same tensors as pixelcnn_golden.json (weights, pixels, logits, log_prob, nll, grad.*).

The connections, written here from the README's definition:

  s_0     = input(encoded)
  s_{l+1} = s_l + F_l(s_l)       residual on         (F: the PixelCNN block)
  s_{l+1} = F_l(s_l)             residual off
  head input = s_L                                    skip off
  head input = s_1 + s_2 + ... + s_L  (in that order)   skip on
  logits  = head.1(relu(head.0(relu(head input))))

Masks, weights, the block and the likelihood are make_pixelcnn_golden.py's (imported).
"""
import make_pixelcnn_golden as base
import torch
import torch.nn.functional as F

base.gen.manual_seed(1601_06759 + 15)


def forward(params, L, pixels, residual, skip):
    def conv(name, x):
        w, m = params[name + ".weight"]
        b, _ = params[name + ".bias"]
        return F.conv2d(x, w * m, b, padding=w.shape[2] // 2)

    encoded = pixels.clone().requires_grad_(True)          # binary: levels - 1 = 1
    s = conv("input", encoded)
    streams = []
    for l in range(L):
        r = F.relu(conv(f"blocks.{l}.a", F.relu(s)))
        r = F.relu(conv(f"blocks.{l}.b", r))
        f = conv(f"blocks.{l}.c", r)
        s = s + f if residual else f
        streams.append(s)
    head_in = s
    if skip:
        head_in = streams[0]
        for t in streams[1:]:
            head_in = head_in + t
    logits = conv("head.1", F.relu(conv("head.0", F.relu(head_in))))
    log_prob = -F.binary_cross_entropy_with_logits(logits, pixels, reduction="none")
    return encoded, logits, log_prob, -log_prob.sum(dim=(1, 2, 3))


def case(prefix, residual, skip, L=3, h=4, B=2, H=6, W=7):
    params = base.pixelcnn_parameters(L, h, 1, 2)
    pixels = (torch.rand((B, 1, H, W), generator=base.gen) < 0.5).to(torch.float64)
    encoded, logits, log_prob, nll = forward(params, L, pixels, residual, skip)
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
