/// The PyTorch text of one model kind's residual block, for `PyTorchModuleSource`.
///
/// Adding a model kind to the export is one entry in `PyTorchBlockSource.byKind`: the class
/// name, the helpers its text calls (`PyTorchModuleSource.Helper`), and the class itself,
/// written to compute exactly what the Swift block does, with its parameters under the
/// checkpoint names (`a`, `i_s`, `fwd.s_s`, …) so that `load_state_dict(strict=True)` takes
/// a pixelrnn checkpoint unchanged.
public struct PyTorchBlockSource: Sendable {
    /// The Python class name, e.g. `RowLSTMBlock`.
    public let className: String
    /// The paper's section, e.g. "3.1".
    public let paperSection: String
    /// The shared functions and classes the text uses, besides `MaskedConv2d`.
    public let helpers: [PyTorchModuleSource.Helper]
    /// The class definition (Python, no trailing blank line).
    public let classText: String

    /// The block source of every kind that can be exported.
    public static let byKind: [ModelKind: PyTorchBlockSource] = [
        .pixelcnn: pixelCNN,
        .rowlstm: rowLSTM,
        .diagbilstm: diagonalBiLSTM,
    ]

    /// PixelCNN (paper §3.4; Models/PixelCNN/README.md).
    static let pixelCNN = PyTorchBlockSource(className: "PixelCNNBlock", paperSection: "3.4", helpers: [], classText: #"""
    class PixelCNNBlock(nn.Module):
        """F(x) = c(ReLU(b(ReLU(a(ReLU(x)))))): a 1x1 2h -> h, b 3x3 mask B h -> h, c 1x1 h -> 2h,
        all mask B (the 1x1 masks matter only for colours). Paper section 3.4. In the multi-scale
        model the conditioning bias (B, 2h, H, W) is added to x first: F(x + bias)."""

        def __init__(self, h):
            super().__init__()
            self.a = MaskedConv2d(2 * h, h, 1, 1, "B")
            self.b = MaskedConv2d(h, h, 3, 3, "B")
            self.c = MaskedConv2d(h, 2 * h, 1, 1, "B")

        def forward(self, x, bias=None):
            if bias is not None:
                x = x + bias
            return self.c(F.relu(self.b(F.relu(self.a(F.relu(x))))))
    """#)

    /// Row LSTM (paper §3.1; Models/RowLSTM/README.md).
    static let rowLSTM = PyTorchBlockSource(className: "RowLSTMBlock", paperSection: "3.1", helpers: [.lstmCell], classText: #"""
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
    """#)

    /// Diagonal BiLSTM (paper §3.2; Models/DiagonalBiLSTM/README.md).
    static let diagonalBiLSTM = PyTorchBlockSource(className: "DiagonalBiLSTMBlock", paperSection: "3.2", helpers: [.lstmCell], classText: #"""
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
    """#)
}
