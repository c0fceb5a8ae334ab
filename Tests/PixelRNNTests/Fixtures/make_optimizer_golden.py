#!/usr/bin/env python3
"""Golden values for the optimizers: a few steps of torch.optim.Adam and RMSprop.

Two parameters (shapes (2, 3) and (4,)), fixed starting values and a fixed
sequence of 5 gradients (drawn once from torch.manual_seed(0)). For each step t
(1..5) the script records the parameter values after:
  - Adam, lr 1e-2, all other arguments PyTorch's defaults  -> adam.<p>.<t>
  - RMSprop, lr 1e-2, all other arguments default          -> rmsprop.<p>.<t>
  - Adam lr 1e-2 after clip_grad_norm_(max_norm=0.5)       -> adamclip.<p>.<t>,
    with the global norm before clipping                   -> clipnorm.<t>
Writes optimizer_golden.json next to this script:
{"name": {"shape": [...], "data": [...]}}.
Usage: python3 Tests/PixelRNNTests/Fixtures/make_optimizer_golden.py
"""
import json
import pathlib

import torch

STEPS = 5


def tensors():
    torch.manual_seed(0)
    start = {"a": torch.randn(2, 3), "b": torch.randn(4)}
    grads = [{k: torch.randn_like(v) * (t + 1) for k, v in start.items()} for t in range(STEPS)]
    return start, grads


def run(make, start, grads, clip=None):
    params = {k: torch.nn.Parameter(v.clone()) for k, v in start.items()}
    opt = make(list(params.values()))
    after, norms = [], []
    for g in grads:
        for k, p in params.items():
            p.grad = g[k].clone()
        if clip is not None:
            norms.append(float(torch.nn.utils.clip_grad_norm_(list(params.values()), clip)))
        opt.step()
        after.append({k: p.detach().clone() for k, p in params.items()})
    return after, norms


def entry(t):
    return {"shape": list(t.shape), "data": [float(x) for x in t.flatten()]}


def main():
    start, grads = tensors()
    out = {f"start.{k}": entry(v) for k, v in start.items()}
    for t, g in enumerate(grads, 1):
        out.update({f"grad.{k}.{t}": entry(v) for k, v in g.items()})
    runs = {
        "adam": run(lambda p: torch.optim.Adam(p, lr=1e-2), start, grads),
        "rmsprop": run(lambda p: torch.optim.RMSprop(p, lr=1e-2), start, grads),
        "adamclip": run(lambda p: torch.optim.Adam(p, lr=1e-2), start, grads, clip=0.5),
    }
    for name, (after, norms) in runs.items():
        for t, values in enumerate(after, 1):
            out.update({f"{name}.{k}.{t}": entry(v) for k, v in values.items()})
        for t, n in enumerate(norms, 1):
            out[f"clipnorm.{t}"] = {"shape": [1], "data": [n]}
    path = pathlib.Path(__file__).with_name("optimizer_golden.json")
    lines = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(out.items())]
    path.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"wrote {path} ({len(out)} tensors, torch {torch.__version__})")


if __name__ == "__main__":
    main()
