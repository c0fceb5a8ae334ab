# Known bug sigmoid-g (pixelrnn's `model new ... --bug sigmoid-g`), NOT the paper's model:
# σ(g) ∈ (0, 1) instead of tanh(g): the cell can only grow; causal, only a worse NLL shows it.
BUG = "sigmoid-g"
METADATA["bug"] = BUG


def lstm_cell(z, c_prev):
    """The LSTM cell with the bug: sigmoid(g), not tanh(g), in c = sigmoid(f) * c_prev + sigmoid(i) * g."""
    o, f, i, g = z.chunk(4, 1)
    c = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.sigmoid(g)
    return torch.sigmoid(o) * torch.tanh(c), c
