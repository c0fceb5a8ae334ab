# Known bug no-shift (pixelrnn's `model new ... --bug no-shift`), NOT the paper's model:
# bwd's state at (r, c) has read the rest of its own row, (r, c+1), …: leaks the future.
BUG = "no-shift"
METADATA["bug"] = BUG


class DiagonalBiLSTMBlock(DiagonalBiLSTMBlock):
    """The block with the bug: bwd's output is flipped back but not shifted down one row."""

    def forward(self, x, bias=None):
        h = self.fwd.h
        b_fwd, b_bwd = (None, None) if bias is None else (bias[:, :4 * h], torch.flip(bias[:, 4 * h:], [3]))
        h_fwd = self.fwd(x, b_fwd)
        h_bwd = torch.flip(self.bwd(torch.flip(x, [3]), b_bwd), [3])  # the bug: no shift down
        return self.out(h_fwd + h_bwd)


BLOCK = DiagonalBiLSTMBlock
