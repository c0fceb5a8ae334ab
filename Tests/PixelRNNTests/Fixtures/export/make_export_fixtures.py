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

printed = {}
for kind in ("pixelcnn", "rowlstm", "diagbilstm"):
    folder = os.path.join(work, kind)
    export(kind, folder)
    out = os.path.join(HERE, f"pytorch_trained_{kind}.safetensors")
    for old in os.listdir(HERE):
        if old.startswith(f"pytorch_trained_{kind}.optim-"):
            os.remove(os.path.join(HERE, old))
    run = subprocess.run([sys.executable, os.path.join(folder, "train.py"), "--data", amat, "--steps", "1",
                          "--batch", "8", "--out", out], check=True, capture_output=True, text=True)
    print(run.stdout, end="")
    printed[kind] = float(re.search(r"valid NLL ([0-9.]+) nats/image; saved", run.stdout).group(1))
with open(os.path.join(HERE, "pytorch_trained.json"), "w") as f:
    json.dump({"valid_nll": printed, "data": "tiny_binarized.amat", "steps": 1, "batch": 8}, f, indent=2)
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
def perturbed(x):
    pm.lstm_cell = wrong_cell
    try:
        return block_forward(x)
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
