#!/usr/bin/env python3
"""Writes a tiny PixelCNN checkpoint with PyTorch and Python's `safetensors`,
to test that pixelrnn loads files it did not write itself (Sources/PixelRNN/Checkpoint/README.md).

Outputs, next to this script:
  pixelcnn_L1_h2.safetensors   model.state_dict() via safetensors.torch.save_file,
                               with __metadata__ as Sources/PixelRNN/Checkpoint/README.md describes
  pixelcnn_L1_h2.json          the same tensors as stored (GoldenFixture format:
                               {"name": {"shape": [...], "data": [...]}}), plus
                               "pixels", a 5×6 binary image, and "logits", this
                               model's output for it

The model follows Sources/PixelRNN/Models/README.md for L = 1, h = 2, one colour, binary levels:
  input   7×7 conv, mask A, 1 → 2h
  blocks.0: x + c(ReLU(b(ReLU(a(ReLU(x))))))   a 1×1 2h→h, b 3×3 mask B h→h, c 1×1 h→2h
  head    ReLU, head.0 1×1 2h→32, ReLU, head.1 1×1 32→1 (a logit)
With one colour the 1×1 mask-B layers see everything, so only `input` and `b`
carry a mask here. As many PyTorch implementations do, the module stores its
weight UNMASKED and multiplies by the mask in forward(); the file therefore
holds non-zero masked-out entries, which a reader must mask again.

Run: python3 Tests/PixelRNNTests/Fixtures/make_safetensors_fixture.py
(needs torch and safetensors; only for regenerating the fixture).
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = "pixelcnn_L1_h2"
LAYERS, HIDDEN, COLORS, LEVELS = 1, 2, 1, 2


def raster_mask(kh, kw, mask_type):
    """1 for kernel positions strictly before the centre in raster order; the
    centre itself only for mask B (one colour)."""
    m = torch.zeros(kh, kw)
    cy, cx = kh // 2, kw // 2
    m[:cy, :] = 1
    m[cy, :cx] = 1
    if mask_type == "B":
        m[cy, cx] = 1
    return m


class MaskedConv2d(nn.Conv2d):
    """Conv2d with 'same' padding whose weight is multiplied by a mask in forward."""

    def __init__(self, cin, cout, k, mask_type=None):
        super().__init__(cin, cout, k, padding=k // 2, bias=True)
        mask = raster_mask(k, k, mask_type) if mask_type else torch.ones(k, k)
        self.register_buffer("mask", mask.expand_as(self.weight).clone(), persistent=False)

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias, padding=self.padding)


class Block(nn.Module):
    def __init__(self, h):
        super().__init__()
        self.a = MaskedConv2d(2 * h, h, 1, "B")
        self.b = MaskedConv2d(h, h, 3, "B")
        self.c = MaskedConv2d(h, 2 * h, 1, "B")

    def forward(self, x):
        return x + self.c(F.relu(self.b(F.relu(self.a(F.relu(x))))))


class PixelCNN(nn.Module):
    def __init__(self, layers, h, colors):
        super().__init__()
        self.input = MaskedConv2d(colors, 2 * h, 7, "A")
        self.blocks = nn.ModuleList([Block(h) for _ in range(layers)])
        self.head = nn.ModuleList([MaskedConv2d(2 * h, 32, 1, "B"), MaskedConv2d(32, colors, 1, "B")])

    def forward(self, pixels):
        x = self.input(pixels / (LEVELS - 1))
        for block in self.blocks:
            x = block(x)
        return self.head[1](F.relu(self.head[0](F.relu(x))))


def entry(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": [float(v) for v in t.flatten().tolist()]}


def main():
    torch.manual_seed(0)
    model = PixelCNN(LAYERS, HIDDEN, COLORS)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    metadata = {
        "model": "pixelcnn", "layers": str(LAYERS), "hidden": str(HIDDEN),
        "colors": str(COLORS), "levels": str(LEVELS),
        "step": "0", "optimizer": "adam", "dataset": "none (fixture)", "seed": "0",
    }
    save_file(state, os.path.join(HERE, NAME + ".safetensors"), metadata=metadata)

    pixels = (torch.rand(1, COLORS, 5, 6) < 0.4).to(torch.float32)
    with torch.no_grad():
        logits = model(pixels)
    golden = {k: entry(v) for k, v in state.items()}
    golden["pixels"] = entry(pixels)
    golden["logits"] = entry(logits)
    with open(os.path.join(HERE, NAME + ".json"), "w") as f:
        json.dump(golden, f, indent=None, sort_keys=True)
        f.write("\n")
    print("wrote", NAME + ".safetensors and", NAME + ".json:", ", ".join(f"{k} {list(v.shape)}" for k, v in state.items()))


if __name__ == "__main__":
    main()
