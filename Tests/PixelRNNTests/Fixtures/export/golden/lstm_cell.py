def lstm_cell(z, c_prev):
    """The LSTM cell of both LSTM blocks: z's 4h channels are [o, f, i, g] (the paper's order);
    c = sigmoid(f) * c_prev + sigmoid(i) * tanh(g), h = sigmoid(o) * tanh(c). Returns (h, c)."""
    o, f, i, g = z.chunk(4, 1)
    c = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c
