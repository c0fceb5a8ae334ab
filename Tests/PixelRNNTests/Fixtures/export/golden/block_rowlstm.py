class RowLSTMBlock(nn.Module):
    """Row LSTM (paper section 3.1): i_s (K^is) 1x3 mask B 2h -> 4h over the whole map, then row by
    row, top to bottom, s_s (K^ss) a width-3 Conv1d h -> 4h, padding 1, unmasked, over the previous
    row's hidden states (row -1 is zeros), the LSTM cell, and out 1x1 mask B h -> 2h. In the
    multi-scale model the conditioning bias (B, 4h, H, W) is added to i_s(x)."""

    def __init__(self, h):
        super().__init__()
        self.h = h
        self.i_s = MaskedConv2d(2 * h, 4 * h, 1, 3, "B")
        self.s_s = nn.Conv1d(h, 4 * h, 3, padding=1)
        self.out = MaskedConv2d(h, 2 * h, 1, 1, "B")

    def forward(self, x, bias=None):
        n, _, rows, cols = x.shape
        z = self.i_s(x) if bias is None else self.i_s(x) + bias  # (B, 4h, H, W)
        h_prev = x.new_zeros(n, self.h, cols)
        c_prev = x.new_zeros(n, self.h, cols)
        hidden = []
        for r in range(rows):
            h_prev, c_prev = lstm_cell(z[:, :, r] + self.s_s(h_prev), c_prev)
            hidden.append(h_prev)
        return self.out(torch.stack(hidden, 2))              # (B, h, H, W) -> (B, 2h, H, W)


BLOCK = RowLSTMBlock  # F_l, paper section 3.1
