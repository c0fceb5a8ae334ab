class DiagonalLSTM(nn.Module):
    """One direction of the Diagonal BiLSTM (paper section 3.2): i_s 1x1 mask B 2h -> 4h on the whole
    map; the map skewed (row r shifted right by r: H x (H + W - 1)); then column by column, left to
    right, s_s a 2-tap Conv1d h -> 4h down the column (tap 0 reads row r - 1, tap 1 row r), the
    LSTM cell, with h and c zero at every skewed cell that is not a pixel; then unskewed. `bias`
    (multi-scale: (B, 4h, H, W)) is added to i_s(x)."""

    def __init__(self, h):
        super().__init__()
        self.h = h
        self.i_s = MaskedConv2d(2 * h, 4 * h, 1, 1, "B")
        self.s_s = nn.Conv1d(h, 4 * h, 2, padding=1)

    def state_to_state(self, h_prev):
        """s_s down the previous column, (B, h, H) -> (B, 4h, H): tap 0 reads row r - 1, tap 1 row r."""
        return self.s_s(h_prev)[:, :, : h_prev.shape[2]]

    def walked(self, skewed):
        """The skewed columns in the order the walk visits them: left to right, as they are."""
        return skewed

    def forward(self, x, bias=None):
        n, _, rows, cols = x.shape
        width = rows + cols - 1
        z = self.i_s(x) if bias is None else self.i_s(x) + bias  # (B, 4h, H, W)
        shift = torch.arange(width, device=x.device).view(1, width) - torch.arange(rows, device=x.device).view(rows, 1)
        is_pixel = (shift >= 0) & (shift < cols)             # (H, H + W - 1)
        source = torch.where(is_pixel, shift, torch.full_like(shift, cols))
        padded = F.pad(z, (0, 1))                            # column W is zeros
        skewed = self.walked(torch.gather(padded, 3, source.expand(n, z.shape[1], rows, width)))
        pixel = self.walked(is_pixel.to(x.dtype).view(1, 1, rows, width))
        h_prev = x.new_zeros(n, self.h, rows)
        c_prev = x.new_zeros(n, self.h, rows)
        states = []
        for k in range(width):
            h_prev, c_prev = lstm_cell(skewed[:, :, :, k] + self.state_to_state(h_prev), c_prev)
            m = pixel[:, :, :, k]
            h_prev, c_prev = h_prev * m, c_prev * m
            states.append(h_prev)
        hidden = self.walked(torch.stack(states, 3))         # (B, h, H, H + W - 1), back in skewed order
        unskew = torch.arange(cols, device=x.device).view(1, cols) + torch.arange(rows, device=x.device).view(rows, 1)
        return torch.gather(hidden, 3, unskew.expand(n, self.h, rows, cols))


class DiagonalBiLSTMBlock(nn.Module):
    """F(x) = out(h_fwd + shift_down(flip(h_bwd))): fwd on x, bwd on x flipped left-right, its
    output flipped back and shifted down one row (so no pixel sees the right side of its own
    row); out 1x1 mask B h -> 2h. In the multi-scale model the conditioning bias (B, 8h, H, W)
    goes to fwd's i_s (its first 4h channels) and bwd's (the other 4h, flipped with x)."""

    def __init__(self, h):
        super().__init__()
        self.fwd = DiagonalLSTM(h)
        self.bwd = DiagonalLSTM(h)
        self.out = MaskedConv2d(h, 2 * h, 1, 1, "B")

    def forward(self, x, bias=None):
        h = self.fwd.h
        b_fwd, b_bwd = (None, None) if bias is None else (bias[:, :4 * h], torch.flip(bias[:, 4 * h:], [3]))
        h_fwd = self.fwd(x, b_fwd)
        h_bwd = torch.flip(self.bwd(torch.flip(x, [3]), b_bwd), [3])
        h_bwd = F.pad(h_bwd, (0, 0, 1, 0))[:, :, : x.shape[2], :]
        return self.out(h_fwd + h_bwd)


BLOCK = DiagonalBiLSTMBlock  # F_l, paper section 3.2
