"""Checks `model export pytorch` against PyTorch, by hand (development only: building, running
and testing pixelrnn never need Python). Needs a built pixelrnn (`swift build`; or set
$PIXELRNN), torch and safetensors. Run from the repository root:

    python3 scripts/check_export.py            # every check
    python3 scripts/check_export.py nll        # or: steps, ddp

nll    For every kind and option (binary, 256 and 4 levels on the bundled digits after a few
       `train` steps; --residual off, --skip on and both; 3 colours on random images, and with
       8 levels on the bundled emoji; every known bug: sigmoid-g, mask-b-first, no-colour-mask,
       and the Diagonal BiLSTM's no-shift, same-padding, flip-skewed):
       `model export pytorch`, then the exported module's
       logits on a batch go into a verify file, and `verify` prints the REPL's NLL of the same
       images beside the module's. Passes at 1e-5 relative. Also the whole valid split's NLL
       against `eval --split valid` (which prints 2 decimals). The multi-scale model (every
       base; factor 2 and 3) has no verify file: the REPL's NLL is the first loss of a `train`
       run (in full in its checkpoint) against the module's on the same minibatch, and eval's
       two terms against the module's `terms`.
steps  The exported train.py and the REPL's `train` from the same weights, same options
       (3 steps, batch 8): the largest weight difference after them, and the losses; for every
       kind, threshold binarization, 4 levels, skip connections, three bugs, colour (8 levels
       and binary emoji) and the multi-scale model. Then --resume: train.py 2 steps + 2 resumed against
       4 steps of `train`, and `train --resume` of train.py's file.
ddp    One step of train.py with `torchrun --standalone --nproc_per_node 2` (gloo, CPU)
       against one single-process step on the same (concatenated) minibatch: the largest
       weight difference (every kind, a colour model, a multi-scale one).
"""
import os, re, subprocess, sys, tempfile
import torch
import safetensors.torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
PIXELRNN = os.environ.get("PIXELRNN", os.path.join(ROOT, ".build", "debug", "pixelrnn"))
DATA = os.path.join(ROOT, "data", "mnist5k-images-idx3-ubyte.gz")
work = tempfile.mkdtemp(prefix="check-export-")
failures = []


def repl(*commands):
    out = subprocess.run([PIXELRNN, "--out", os.path.join(work, "out")] + [a for c in commands for a in ("-c", c)],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        sys.exit(f"pixelrnn failed: {out.stdout}{out.stderr}")
    return out.stdout


def module(folder):
    sys.path.insert(0, folder)
    sys.modules.pop("pixelrnn_model", None)
    import pixelrnn_model
    sys.path.pop(0)
    return pixelrnn_model


def training_script(folder):
    import importlib.util
    spec = importlib.util.spec_from_file_location("exported_train", os.path.join(folder, "train.py"))
    script = importlib.util.module_from_spec(spec)
    sys.path.insert(0, folder)
    spec.loader.exec_module(script)
    sys.path.pop(0)
    return script


def check(name, ok, text):
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {text}", flush=True)
    if not ok:
        failures.append(name)


KINDS = ("pixelcnn", "rowlstm", "diagbilstm")
EMOJI = os.path.join(ROOT, "data", "emoji16-images-idx4-ubyte.gz")


def nll_check():
    # (kind, model options, the data: a 'data load' command and its file, or None for random colour images)
    digits, digits4, emoji8 = ("data load", DATA), ("data load --levels 4", DATA), ("data load emoji --levels 8", EMOJI)
    configs = [(k, f"--layers 2 --hidden 4 --levels {lv}", digits if lv == 2 else ("data load --levels 256", DATA))
               for k in KINDS for lv in (2, 256)]
    configs += [(k, f"--layers 2 --hidden 6 --colors 3 --levels {lv}", None) for k in KINDS for lv in (2, 256)]
    configs += [(k, f"--layers 2 --hidden 4 {c}", digits) for k in KINDS for c in ("--residual off", "--skip on", "--residual off --skip on")]
    configs += [(k, "--layers 2 --hidden 4 --levels 4", digits4) for k in KINDS]
    configs += [(k, "--layers 2 --hidden 4 --bug sigmoid-g", digits) for k in ("rowlstm", "diagbilstm")]
    configs += [(k, "--layers 2 --hidden 4 --bug mask-b-first", digits) for k in KINDS]
    configs += [(k, "--layers 2 --hidden 3 --colors 3 --levels 8 --bug no-colour-mask", emoji8) for k in KINDS]
    configs += [("diagbilstm", f"--layers 2 --hidden 4 --bug {b}", digits) for b in ("no-shift", "same-padding", "flip-skewed")]
    configs += [(k, "--layers 2 --hidden 3 --colors 3 --levels 8", emoji8) for k in KINDS]
    for kind, options, source in configs:
        grey = source is not None
        folder = os.path.join(work, re.sub(r"\W+", "_", f"{kind} {options}"))
        if grey:
            out = repl(source[0], f"model new {kind} {options} --seed 1", "train --steps 5 --batch 8",
                       "eval --split valid", f"model export pytorch {folder}")
            repl_valid = float(re.search(r"valid NLL: ([0-9.]+) nats/image", out).group(1))
        else:
            repl(f"model new {kind} {options} --seed 1", f"model export pytorch {folder}")
        pm = module(folder)
        net = pm.load(os.path.join(folder, "model.safetensors"))
        if grey:
            script = training_script(folder)
            data, binary = script.load_data(source[1])
            args = type("Args", (), {"binarize": "stochastic", "binarize_seed": 0})()
            valid = script.levels_of("valid", data, binary, args)
            module_valid = script.mean_nll(net, valid, "cpu")
            images = valid[:256]
        else:
            images = torch.randint(0, pm.LEVELS, (16, 3, 16, 16), generator=torch.Generator().manual_seed(2)).float()
        with torch.no_grad():
            maps = net.maps(images)
        tensors = dict(net.state_dict(), images=images, logits=maps["head.1"])
        tensors.update({f"maps.{k}": v for k, v in maps.items() if k != "head.1"})
        path = os.path.join(folder, "verify.safetensors")
        safetensors.torch.save_file({k: v.contiguous() for k, v in tensors.items()}, path, metadata=pm.METADATA)
        out = repl(f"verify {path}")
        ours, theirs = map(float, re.search(r"NLL: ([0-9.]+) nats/image recomputed, ([0-9.]+) from", out).groups())
        largest = re.search(r"^logits\s+(\S+)", out, re.M).group(1)
        relative = abs(ours - theirs) / ours
        text = (f"REPL {ours:.6f}, module {theirs:.6f} nats/image on {len(images)} images, relative {relative:.1e}, "
                f"largest logit difference {largest}" + ("" if "every layer agrees" in out else "; a layer disagrees"))
        if grey:
            text += f"; valid split: eval {repl_valid:.2f}, module {module_valid:.6f}"
            ok_valid = abs(repl_valid - module_valid) <= 0.0051
        else:
            ok_valid = True
        check(f"nll {kind} {options}", relative <= 1e-5 and "every layer agrees" in out and ok_valid, text)


MULTISCALE = [("pixelcnn", "--layers 2 --hidden 4 --small-layers 1 --small-hidden 3"),
              ("rowlstm", "--layers 2 --hidden 4 --small-layers 1 --small-hidden 3"),
              ("diagbilstm", "--layers 1 --hidden 4 --small-layers 2 --small-hidden 2 --factor 3")]


def multiscale_nll_check():
    """The multi-scale model has no verify file: the REPL's NLL to compare is the first loss of a
    new run (`train --batch 16`, printed in full in its checkpoint) — the mean NLL of the first
    minibatch of epoch 0 at the exported weights — and eval's two terms on the valid split."""
    for base, options in MULTISCALE:
        folder = os.path.join(work, f"multiscale_{base}")
        first = os.path.join(folder, "first.safetensors")
        out = repl("data load", f"model new multiscale --base {base} {options} --seed 1", "train --steps 5 --batch 8",
                   "eval --split valid", f"model export pytorch {folder}", f"train --steps 1 --batch 16 --checkpoint {first}")
        numbers = [float(re.search(pattern, out).group(1)) for pattern in
                   (r"valid NLL: ([0-9.]+) nats/image", r"small image \(\d+ pixels\):\s+([0-9.]+) nats", r"the rest given it \(\d+ pixels\):\s+([0-9.]+) nats")]
        pm, script = module(folder), training_script(folder)
        net = pm.load(os.path.join(folder, "model.safetensors"))
        data, binary = script.load_data(DATA)
        args = type("Args", (), {"binarize": "stochastic", "binarize_seed": 0})()
        train = script.levels_of("train", data, binary, args)
        batch = train[script.permutation(0, 0, len(train))[:16]]
        with torch.no_grad():
            theirs = pm.negative_log_likelihood(net(batch), batch).double().mean().item()
            valid = script.levels_of("valid", data, binary, args)
            small, rest = net.terms(valid)
        ours = losses(first)[0]
        relative = abs(ours - theirs) / ours
        module_numbers = [(small + rest).double().mean().item(), small.double().mean().item(), rest.double().mean().item()]
        ok_valid = all(abs(a - b) <= 0.0051 for a, b in zip(numbers, module_numbers))
        check(f"nll multiscale {base} {options}", relative <= 1e-5 and ok_valid,
              f"first minibatch (16 images): REPL {ours:.6f}, module {theirs:.6f} nats/image, relative {relative:.1e}; "
              f"valid split (total, small image, the rest): eval {', '.join(f'{v:.2f}' for v in numbers)}, "
              f"module {', '.join(f'{v:.6f}' for v in module_numbers)}")


def weights(path):
    return safetensors.torch.load_file(path)


def largest_difference(a, b):
    assert a.keys() == b.keys(), (sorted(a), sorted(b))
    return max((a[k] - b[k]).abs().max().item() for k in a)


def train_script(folder, *options):
    run = subprocess.run([sys.executable, os.path.join(folder, "train.py")] + list(options), capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"train.py failed: {run.stdout}{run.stderr}")
    return run


def losses(path):
    with safetensors.safe_open(path, "pt") as f:
        return [float(e.split(":")[1]) for e in f.metadata()["training.loss_history"].split(",")]


def compare_runs(name, swift, torch_out, what):
    pairs = list(zip(losses(swift), losses(torch_out)))
    worst_loss = max(abs(a - b) / a for a, b in pairs)
    d = largest_difference(weights(swift), weights(torch_out))
    check(name, d < 1e-5 and worst_loss < 1e-5 and len(pairs) == len(losses(swift)) == len(losses(torch_out)),
          f"{what} largest weight difference {d:.1e}; losses REPL {', '.join(f'{a:.4f}' for a, _ in pairs)}, "
          f"train.py {', '.join(f'{b:.4f}' for _, b in pairs)} (largest relative difference {worst_loss:.1e})")


def steps_check():
    # (name, model options, 'data load' command, its file, train.py's data options)
    configs = [(k, f"{k} --layers 2 --hidden 4", "data load", DATA, []) for k in KINDS]
    configs += [("pixelcnn-threshold", "pixelcnn --layers 2 --hidden 4", "data load --binarize threshold", DATA, ["--binarize", "threshold"]),
                ("rowlstm-levels4", "rowlstm --layers 2 --hidden 4 --levels 4", "data load --levels 4", DATA, []),
                ("diagbilstm-skip", "diagbilstm --layers 2 --hidden 4 --residual off --skip on", "data load", DATA, []),
                ("diagbilstm-sigmoid-g", "diagbilstm --layers 2 --hidden 4 --bug sigmoid-g", "data load", DATA, []),
                ("diagbilstm-flip-skewed", "diagbilstm --layers 2 --hidden 4 --bug flip-skewed", "data load", DATA, []),
                ("rowlstm-no-colour-mask", "rowlstm --layers 2 --hidden 3 --colors 3 --levels 8 --bug no-colour-mask",
                 "data load emoji --levels 8", EMOJI, [])]
    configs += [(f"{k}-colour", f"{k} --layers 2 --hidden 3 --colors 3 --levels 8", "data load emoji --levels 8", EMOJI, [])
                for k in KINDS]
    configs += [("pixelcnn-colour-binary", "pixelcnn --layers 2 --hidden 3 --colors 3", "data load emoji --levels 2", EMOJI, [])]
    configs += [(f"multiscale-{base}", f"multiscale --base {base} {options}", "data load", DATA, []) for base, options in MULTISCALE]
    for name, model, load, path, data_options in configs:
        folder = os.path.join(work, f"steps_{name}")
        swift = os.path.join(folder, "swift.safetensors")
        repl(load, f"model new {model} --seed 1", f"model export pytorch {folder}",
             f"train --steps 3 --batch 8 --checkpoint {swift}")
        torch_out = os.path.join(folder, "torch.safetensors")
        train_script(folder, "--data", path, "--steps", "3", "--batch", "8", "--out", torch_out, *data_options)
        compare_runs(f"steps {name}", swift, torch_out, "after 3 steps (batch 8)")
    # --resume: 2 steps of train.py, resumed for 2 more, against 4 steps of the REPL; and the
    # REPL resuming the file train.py wrote.
    folder = os.path.join(work, "resume")
    swift, swift_resumed = os.path.join(folder, "swift.safetensors"), os.path.join(folder, "swift_resumed.safetensors")
    repl("data load emoji --levels 8", "model new rowlstm --layers 2 --hidden 3 --colors 3 --levels 8 --seed 1",
         f"model export pytorch {folder}", f"train --steps 4 --batch 8 --lr 0.002 --checkpoint {swift}")
    half, whole = os.path.join(folder, "half.safetensors"), os.path.join(folder, "whole.safetensors")
    train_script(folder, "--data", EMOJI, "--steps", "2", "--batch", "8", "--lr", "0.002", "--out", half)
    train_script(folder, "--data", EMOJI, "--resume", half, "--steps", "2", "--out", whole)
    compare_runs("steps resume train.py", swift, whole, "train.py 2 steps + --resume 2 steps vs train 4 steps:")
    repl("data load emoji --levels 8", f"train --resume {half} --steps 2 --checkpoint {swift_resumed}")
    compare_runs("steps resume REPL", swift_resumed, whole, "REPL train --resume of train.py's file vs train.py --resume:")


def ddp_check():
    configs = [(k, f"{k} --layers 2 --hidden 4", DATA) for k in KINDS]
    configs += [("rowlstm-colour", "rowlstm --layers 2 --hidden 3 --colors 3 --levels 8", EMOJI),
                ("multiscale-diagbilstm", "multiscale --base diagbilstm --layers 1 --hidden 4 --small-layers 1 --small-hidden 2", DATA)]
    for kind, model, path in configs:
        folder = os.path.join(work, f"ddp_{kind}")
        repl(f"model new {model} --seed 1", f"model export pytorch {folder}")
        single, ddp = os.path.join(folder, "single.safetensors"), os.path.join(folder, "ddp.safetensors")
        common = [os.path.join(folder, "train.py"), "--data", path, "--steps", "1", "--batch", "16"]
        one = subprocess.run([sys.executable] + common + ["--out", single], capture_output=True, text=True, check=True)
        run = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
                             + common + ["--out", ddp], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"torchrun failed: {run.stdout}{run.stderr}")
        start = weights(os.path.join(folder, "model.safetensors"))
        moved = largest_difference(weights(single), start)
        d = largest_difference(weights(single), weights(ddp))
        # Adam's first step (and clipping) is blind to the gradient's scale: the norms show it.
        norms = [float(re.search(r"gradient norm ([0-9.e+-]+);", r.stdout).group(1)) for r in (one, run)]
        relative = abs(norms[0] - norms[1]) / norms[0]
        check(f"ddp {kind}", d <= 1e-6 and relative <= 1e-5,
              f"2 processes (gloo) vs 1 on the same 16 images: largest weight difference {d:.1e} (the step moved "
              f"weights by up to {moved:.1e}); gradient norm {norms[0]:.6f} vs {norms[1]:.6f} (relative {relative:.1e})")


wanted = sys.argv[1:] or ["nll", "steps", "ddp"]
for name in wanted:
    {"nll": lambda: (nll_check(), multiscale_nll_check()), "steps": steps_check, "ddp": ddp_check}[name]()
print(f"{len(failures)} failed" + (f": {', '.join(failures)}" if failures else ""))
sys.exit(1 if failures else 0)
