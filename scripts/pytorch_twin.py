"""An independent PyTorch twin of pixelrnn's PixelCNN, Row LSTM and Diagonal BiLSTM,
for comparing trained test NLLs and training speed (development only: building,
running and testing pixelrnn never need Python).

    python3 scripts/pytorch_twin.py pixelcnn 10     # model, epochs: train, test NLL
    python3 scripts/pytorch_twin.py rowlstm 10
    python3 scripts/pytorch_twin.py bench [RUNS] [STEPS]   # speed, as `benchmark` measures it
    python3 scripts/pytorch_twin.py bench-colour [RUNS] [STEPS]   # as `benchmark --colors 3`

`bench` times, for each model (L = 7, h = 16, batch 16, random 28x28 binary images,
fresh weights), STEPS full training steps (loss, backward, clipping, Adam) and STEPS
forward passes (no gradient), RUNS times (default 5 and 20, as `benchmark`'s 20 steps), after one warm-up step,
and prints the median images/s of each, with torch's version and thread count.
`bench-colour` does the same for colour models (L = 7, h = 18, 3 colours, 256 levels,
random 16x16 RGB images; colour masks: channel c in group c % 3, at the centre mask A
connects group gi to go when gi < go, mask B when gi <= go; a 256-way softmax per colour
over the logit channels level*3 + colour), and the binary 28x28 PixelCNN as the reference.

Same recipe as README's "Results": L = 7, h = 16, batch 16, Adam 1e-3, global-norm
clip 1, the bundled 4,000/500 train/test split (8/1/1 per class in file order, as
data/README.md says), stochastic binarization drawn once (numpy's generator, so the
bits differ from pixelrnn's but follow the same law). Prints the test NLL in nats per
image after every epoch.
"""
import gzip, statistics, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)
kind = sys.argv[1] if len(sys.argv) > 1 else "pixelcnn"


def read_idx(path):
    raw = gzip.open(path).read()
    n = int.from_bytes(raw[4:8], "big")
    if raw[3] == 3:
        return np.frombuffer(raw[16:], np.uint8).reshape(n, 28, 28)
    return np.frombuffer(raw[8:], np.uint8)


def load_split():
    images = read_idx("data/mnist5k-images-idx3-ubyte.gz") / 255.0
    labels = read_idx("data/mnist5k-labels-idx1-ubyte.gz")
    train, test = [], []
    for digit in range(10):
        for k, i in enumerate(np.where(labels == digit)[0]):
            if k % 10 < 8:
                train.append(i)
            elif k % 10 == 9:
                test.append(i)
    bits = (np.random.RandomState(0).rand(*images.shape) < images).astype(np.float32)
    return torch.tensor(bits[train])[:, None], torch.tensor(bits[test])[:, None]



def mask(kind, out_ch, in_ch, kh, kw, colors=1):
    m = torch.zeros(out_ch, in_ch, kh, kw)
    cy, cx = kh // 2, kw // 2
    m[:, :, :cy, :] = 1
    m[:, :, cy, :cx] = 1
    go = torch.arange(out_ch).view(out_ch, 1) % colors
    gi = torch.arange(in_ch).view(1, in_ch) % colors
    m[:, :, cy, cx] = ((gi < go) | ((gi == go) & (kind == "B"))).float()
    return m


COLORS = [1]   # the colour groups of the masks of the network being built


class MaskedConv(nn.Conv2d):
    def __init__(self, in_ch, out_ch, kh, kw, kind):
        super().__init__(in_ch, out_ch, (kh, kw), padding=(kh // 2, kw // 2))
        self.register_buffer("mask", mask(kind, out_ch, in_ch, kh, kw, COLORS[0]))

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias, padding=self.padding)


class PixelCNNBlock(nn.Module):
    def __init__(self, h):
        super().__init__()
        self.a = MaskedConv(2 * h, h, 1, 1, "B")
        self.b = MaskedConv(h, h, 3, 3, "B")
        self.c = MaskedConv(h, 2 * h, 1, 1, "B")

    def forward(self, x):
        return self.c(F.relu(self.b(F.relu(self.a(F.relu(x))))))


class RowLSTMBlock(nn.Module):
    def __init__(self, h):
        super().__init__()
        self.h = h
        self.i_s = MaskedConv(2 * h, 4 * h, 1, 3, "B")
        self.s_s = nn.Conv1d(h, 4 * h, 3, padding=1)
        self.out = MaskedConv(h, 2 * h, 1, 1, "B")

    def forward(self, x):
        n, _, rows, cols = x.shape
        z = self.i_s(x)
        h_prev = x.new_zeros(n, self.h, cols)
        c_prev = x.new_zeros(n, self.h, cols)
        hidden = []
        for r in range(rows):
            o, f, i, g = (z[:, :, r] + self.s_s(h_prev)).chunk(4, 1)
            c_prev = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)
            h_prev = torch.sigmoid(o) * torch.tanh(c_prev)
            hidden.append(h_prev)
        return self.out(torch.stack(hidden, 2))


class DiagonalLSTM(nn.Module):
    """One direction: i_s (1x1, mask B) on the whole map, then skewed columns left to right,
    s_s a width-2 conv1d over rows r-1 and r of the previous column."""

    def __init__(self, h):
        super().__init__()
        self.h = h
        self.i_s = MaskedConv(2 * h, 4 * h, 1, 1, "B")
        self.s_s = nn.Conv1d(h, 4 * h, 2, padding=1)

    def forward(self, x):
        n, _, rows, cols = x.shape
        width = rows + cols - 1
        z = self.i_s(x)
        padded = F.pad(z, (0, 1))                                  # column `cols` is zero
        src = torch.arange(width).view(1, width) - torch.arange(rows).view(rows, 1)
        src = torch.where((src >= 0) & (src < cols), src, torch.full_like(src, cols))
        zs = torch.gather(padded, 3, src.expand(n, z.shape[1], rows, width))   # skew
        pixel = (torch.arange(width).view(1, width) - torch.arange(rows).view(rows, 1))
        pixel = ((pixel >= 0) & (pixel < cols)).to(x.dtype)
        h_prev = x.new_zeros(n, self.h, rows)
        c_prev = x.new_zeros(n, self.h, rows)
        states = []
        for k in range(width):
            pre = zs[:, :, :, k] + self.s_s(h_prev)[:, :, :rows]
            o, f, i, g = pre.chunk(4, 1)
            m = pixel[:, k].view(1, 1, rows)
            c_prev = (torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)) * m
            h_prev = torch.sigmoid(o) * torch.tanh(c_prev) * m
            states.append(h_prev)
        skewed = torch.stack(states, 3)
        idx = torch.arange(cols).view(1, cols) + torch.arange(rows).view(rows, 1)
        return torch.gather(skewed, 3, idx.expand(n, self.h, rows, cols))   # unskew


class DiagonalBiLSTMBlock(nn.Module):
    def __init__(self, h):
        super().__init__()
        self.fwd = DiagonalLSTM(h)
        self.bwd = DiagonalLSTM(h)
        self.out = MaskedConv(h, 2 * h, 1, 1, "B")

    def forward(self, x):
        h_fwd = self.fwd(x)
        h_bwd = torch.flip(self.bwd(torch.flip(x, [3])), [3])
        h_bwd = F.pad(h_bwd, (0, 0, 1, 0))[:, :, : x.shape[2], :]   # shifted down one row
        return self.out(h_fwd + h_bwd)


BLOCKS = {"pixelcnn": PixelCNNBlock, "rowlstm": RowLSTMBlock, "diagbilstm": DiagonalBiLSTMBlock}


class Network(nn.Module):
    def __init__(self, kind, layers=7, h=16, colors=1, levels=2):
        super().__init__()
        COLORS[0] = colors
        self.colors, self.levels = colors, levels
        self.input = MaskedConv(colors, 2 * h, 7, 7, "A")
        self.blocks = nn.ModuleList([BLOCKS[kind](h) for _ in range(layers)])
        out = colors if levels == 2 else levels * colors
        self.head = nn.ModuleList([MaskedConv(2 * h, 32, 1, 1, "B"), MaskedConv(32, out, 1, 1, "B")])
        COLORS[0] = 1

    def forward(self, x):
        x = self.input(x / (self.levels - 1))
        for block in self.blocks:
            x = x + block(x)
        return self.head[1](F.relu(self.head[0](F.relu(x))))


def nll(net, x):
    if net.levels == 2:
        return F.binary_cross_entropy_with_logits(net(x), x, reduction="none").sum((1, 2, 3))
    n, c, rows, cols = x.shape
    logits = net(x).view(n, net.levels, c, rows, cols)          # channel level*C + colour
    return F.cross_entropy(logits, x.long(), reduction="none").sum((1, 2, 3))


def train_step(net, optimizer, x):
    loss = nll(net, x).mean()
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
    optimizer.step()


def train(kind, epochs):
    x_train, x_test = load_split()
    net = Network(kind)
    optimizer = torch.optim.Adam(net.parameters(), 1e-3)
    start = time.time()
    for epoch in range(epochs):
        order = torch.randperm(len(x_train))
        for k in range(0, len(x_train), 16):
            train_step(net, optimizer, x_train[order[k:k + 16]])
        with torch.no_grad():
            test_nll = torch.cat([nll(net, x_test[k:k + 100]) for k in range(0, len(x_test), 100)]).mean().item()
        print(f"epoch {epoch + 1}: test NLL {test_nll:.2f} nats/image ({time.time() - start:.0f} s)", flush=True)


def bench(runs, steps, batch=16, colour=False):
    settings = "L = 7, h = 18, 16x16 random RGB, 256 levels" if colour else "L = 7, h = 16, 28x28 random binary"
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; {settings}, batch {batch}; "
          f"medians over {runs} runs of {steps} steps", flush=True)
    cases = [(k, True) for k in BLOCKS] + [("pixelcnn", False)] if colour else [(k, False) for k in BLOCKS]
    for kind, in_colour in cases:
        generator = torch.Generator().manual_seed(0)
        if in_colour:
            net = Network(kind, h=18, colors=3, levels=256)
            x = torch.randint(256, (batch, 3, 16, 16), generator=generator).float()
        else:
            net = Network(kind)
            x = (torch.rand(batch, 1, 28, 28, generator=generator) < 0.5).float()
        if colour:
            kind = kind + (" colour" if in_colour else " binary")
        optimizer = torch.optim.Adam(net.parameters(), 1e-3)
        train_step(net, optimizer, x)                              # warm-up
        training, forward = [], []
        for _ in range(runs):
            start = time.perf_counter()
            for _ in range(steps):
                train_step(net, optimizer, x)
            training.append(batch * steps / (time.perf_counter() - start))
            with torch.no_grad():
                start = time.perf_counter()
                for _ in range(steps):
                    nll(net, x)
                forward.append(batch * steps / (time.perf_counter() - start))
        print(f"{kind:<18} training {statistics.median(training):8.1f} img/s  forward {statistics.median(forward):8.1f} img/s"
              f"  (training runs: {', '.join(f'{v:.1f}' for v in training)})", flush=True)


if kind in ("bench", "bench-colour"):
    bench(int(sys.argv[2]) if len(sys.argv) > 2 else 5, int(sys.argv[3]) if len(sys.argv) > 3 else 20, colour=kind == "bench-colour")
else:
    train(kind, int(sys.argv[2]) if len(sys.argv) > 2 else 10)
