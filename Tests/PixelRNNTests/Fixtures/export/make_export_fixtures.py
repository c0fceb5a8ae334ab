"""Writes the PyTorch-made fixtures of `model export pytorch` and `verify` (development only:
the tests read the files, never run this). Needs a built pixelrnn (swift build), torch and
safetensors. Run from the repository root:

    python3 Tests/PixelRNNTests/Fixtures/export/make_export_fixtures.py

1. tiny_binarized.amat: the first 20 bundled digits thresholded at 0.5 (split by index:
   16 train, 2 valid, 2 test).
2. For each kind: `model new KIND --layers 2 --hidden 4 --seed 3`, `model export pytorch`,
   then the exported train.py for one step (batch 8) on tiny_binarized.amat, writing
   pytorch_trained_KIND.safetensors (+ its optimizer file); the valid NLL it printed goes
   into pytorch_trained.json.
3. verify files, from the exported modules (weights as exported, maps by net.maps):
   verify_agrees_rowlstm.safetensors (the 2 test digits, every map), verify_perturbed_rowlstm
   (the same, but block 1 computed with sigmoid instead of tanh on g: verify must name
   blocks.1), verify_agrees_pixelcnn_c3_256.safetensors (a 3-colour, 256-level PixelCNN,
   h = 6, on 2 random 6x6 colour images, logits only).
4. tiny_emoji-images-idx4-ubyte: the first 20 bundled emoji (16x16 RGB, IDX with 4 dimensions,
   split by index); then one step of the exported train.py (batch 8) for a colour Row LSTM
   with 4 levels on it (pytorch_trained_rowlstm_c3_4) and for a multi-scale PixelCNN on
   tiny_binarized.amat (pytorch_trained_multiscale_pixelcnn); their configs and printed valid
   NLLs go into pytorch_trained.json under "more".
"""
import gzip, json, os, re, shutil, subprocess, sys, tempfile
import numpy as np
import torch
import safetensors.torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
PIXELRNN = os.path.join(ROOT, ".build", "debug", "pixelrnn")
work = tempfile.mkdtemp()


def export(kind, folder, options="--layers 2 --hidden 4 --seed 3"):
    """`model new KIND OPTIONS` (KIND may carry options of its own), then `model export pytorch`."""
    subprocess.run([PIXELRNN, "-c", f"model new {kind} {options}", "-c", f"model export pytorch {folder}"],
                   check=True, stdout=subprocess.DEVNULL)


def module(folder):
    sys.path.insert(0, folder)
    for name in ("pixelrnn_model",):
        sys.modules.pop(name, None)
    import pixelrnn_model
    sys.path.pop(0)
    return pixelrnn_model


raw = gzip.open(os.path.join(ROOT, "data", "mnist5k-images-idx3-ubyte.gz")).read()
digits = np.frombuffer(raw[16:16 + 20 * 784], np.uint8).reshape(20, 784)
amat = os.path.join(HERE, "tiny_binarized.amat")
with open(amat, "w") as f:
    for row in digits:
        f.write(" ".join("1" if v >= 128 else "0" for v in row) + "\n")



def one_step(name, folder, data):
    """One step (batch 8) of the exported train.py on `data`, written to pytorch_trained_NAME;
    the valid NLL it printed."""
    out = os.path.join(HERE, f"pytorch_trained_{name}.safetensors")
    for old in os.listdir(HERE):
        if old.startswith(f"pytorch_trained_{name}.optim-"):
            os.remove(os.path.join(HERE, old))
    run = subprocess.run([sys.executable, os.path.join(folder, "train.py"), "--data", data, "--steps", "1",
                          "--batch", "8", "--out", out], check=True, capture_output=True, text=True)
    print(run.stdout, end="")
    return float(re.search(r"valid NLL ([0-9.]+) nats/image; saved", run.stdout).group(1))


printed = {}
for kind in ("pixelcnn", "rowlstm", "diagbilstm"):
    export(kind, os.path.join(work, kind))
    printed[kind] = one_step(kind, os.path.join(work, kind), amat)


raw = gzip.open(os.path.join(ROOT, "data", "emoji16-images-idx4-ubyte.gz")).read()
emoji = os.path.join(HERE, "tiny_emoji-images-idx4-ubyte")
with open(emoji, "wb") as f:
    f.write(raw[:4] + (20).to_bytes(4, "big") + raw[8:20] + raw[20:20 + 20 * 16 * 16 * 3])
more = {}
for name, model, data in [("rowlstm_c3_4", "rowlstm --layers 2 --hidden 3 --colors 3 --levels 4", emoji),
                          ("multiscale_pixelcnn", "multiscale --base pixelcnn --layers 1 --hidden 4 --small-layers 1 --small-hidden 2", amat)]:
    export(model, os.path.join(work, name), "--seed 3")
    more[name] = {"model": model, "data": os.path.basename(data), "valid_nll": one_step(name, os.path.join(work, name), data)}
with open(os.path.join(HERE, "pytorch_trained.json"), "w") as f:
    json.dump({"valid_nll": printed, "data": "tiny_binarized.amat", "steps": 1, "batch": 8, "more": more}, f, indent=2)
    f.write("\n")


def verify_file(path, pm, net, images, with_maps):
    with torch.no_grad():
        maps = net.maps(images)
    tensors = {k: v.contiguous() for k, v in net.state_dict().items()}
    tensors["images"] = images
    tensors["logits"] = maps["head.1"]
    if with_maps:
        tensors.update({f"maps.{k}": v for k, v in maps.items() if k != "head.1"})
    safetensors.torch.save_file(tensors, path, metadata=pm.METADATA)
    os.chmod(path, 0o644)


test = torch.tensor(np.array([[float(v) for v in line.split()] for line in open(amat)][18:20]), dtype=torch.float32)
test = test.view(2, 1, 28, 28)
folder = os.path.join(work, "rowlstm")
pm = module(folder)
net = pm.load(os.path.join(folder, "model.safetensors"))
verify_file(os.path.join(HERE, "verify_agrees_rowlstm.safetensors"), pm, net, test, True)
cell = pm.lstm_cell


def wrong_cell(z, c_prev):                       # sigma instead of tanh on g: a known bug
    o, f, i, g = z.chunk(4, 1)
    c = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.sigmoid(g)
    return torch.sigmoid(o) * torch.tanh(c), c


block_forward = net.blocks[1].forward
def perturbed(x, bias=None):
    pm.lstm_cell = wrong_cell
    try:
        return block_forward(x, bias)
    finally:
        pm.lstm_cell = cell
net.blocks[1].forward = perturbed
verify_file(os.path.join(HERE, "verify_perturbed_rowlstm.safetensors"), pm, net, test, True)

folder = os.path.join(work, "pixelcnn_c3")
export("pixelcnn", folder, "--layers 2 --hidden 6 --colors 3 --levels 256 --seed 5")
pm = module(folder)
net = pm.load(os.path.join(folder, "model.safetensors"))
colour = torch.randint(0, 256, (2, 3, 6, 6), generator=torch.Generator().manual_seed(0)).float()
verify_file(os.path.join(HERE, "verify_agrees_pixelcnn_c3_256.safetensors"), pm, net, colour, False)
shutil.rmtree(work)
print(json.dumps(printed))
