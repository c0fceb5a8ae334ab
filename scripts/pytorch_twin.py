"""An independent PyTorch twin of pixelrnn's PixelCNN and Row LSTM, for comparing
trained test NLLs (development only: building, running and testing pixelrnn never
need Python).

    python3 scripts/pytorch_twin.py pixelcnn 10     # model, epochs
    python3 scripts/pytorch_twin.py rowlstm 10

Same recipe as README's "Results": L = 7, h = 16, batch 16, Adam 1e-3, global-norm
clip 1, the bundled 4,000/500 train/test split (8/1/1 per class in file order, as
data/README.md says), stochastic binarization drawn once (numpy's generator, so the
bits differ from pixelrnn's but follow the same law). Prints the test NLL in nats per
image after every epoch.
"""
import gzip, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)
kind = sys.argv[1] if len(sys.argv) > 1 else "pixelcnn"
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 10


def read_idx(path):
    raw = gzip.open(path).read()
    n = int.from_bytes(raw[4:8], "big")
    if raw[3] == 3:
        return np.frombuffer(raw[16:], np.uint8).reshape(n, 28, 28)
    return np.frombuffer(raw[8:], np.uint8)


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
x_train = torch.tensor(bits[train])[:, None]
x_test = torch.tensor(bits[test])[:, None]


def mask(kind, out_ch, in_ch, kh, kw):
    m = torch.zeros(out_ch, in_ch, kh, kw)
    cy, cx = kh // 2, kw // 2
    m[:, :, :cy, :] = 1
    m[:, :, cy, :cx] = 1
    if kind == "B":
        m[:, :, cy, cx] = 1
    return m


class MaskedConv(nn.Conv2d):
    def __init__(self, in_ch, out_ch, kh, kw, kind):
        super().__init__(in_ch, out_ch, (kh, kw), padding=(kh // 2, kw // 2))
        self.register_buffer("mask", mask(kind, out_ch, in_ch, kh, kw))

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


class Network(nn.Module):
    def __init__(self, layers=7, h=16):
        super().__init__()
        block = PixelCNNBlock if kind == "pixelcnn" else RowLSTMBlock
        self.input = MaskedConv(1, 2 * h, 7, 7, "A")
        self.blocks = nn.ModuleList([block(h) for _ in range(layers)])
        self.head = nn.ModuleList([MaskedConv(2 * h, 32, 1, 1, "B"), MaskedConv(32, 1, 1, 1, "B")])

    def forward(self, x):
        x = self.input(x)
        for block in self.blocks:
            x = x + block(x)
        return self.head[1](F.relu(self.head[0](F.relu(x))))


def nll(net, x):
    return F.binary_cross_entropy_with_logits(net(x), x, reduction="none").sum((1, 2, 3))


net = Network()
optimizer = torch.optim.Adam(net.parameters(), 1e-3)
start = time.time()
for epoch in range(epochs):
    order = torch.randperm(len(x_train))
    for k in range(0, len(x_train), 16):
        loss = nll(net, x_train[order[k:k + 16]]).mean()
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimizer.step()
    with torch.no_grad():
        test_nll = torch.cat([nll(net, x_test[k:k + 100]) for k in range(0, len(x_test), 100)]).mean().item()
    print(f"epoch {epoch + 1}: test NLL {test_nll:.2f} nats/image ({time.time() - start:.0f} s)", flush=True)
