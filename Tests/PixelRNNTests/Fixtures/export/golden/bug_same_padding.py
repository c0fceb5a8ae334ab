# Known bug same-padding (pixelrnn's `model new ... --bug same-padding`), NOT the paper's model:
# s_s reads rows r and r+1 of the previous diagonal, the pixel below-left: leaks the future.
BUG = "same-padding"
METADATA["bug"] = BUG


class SamePaddingDiagonalLSTM(DiagonalLSTM):
    """A direction with the bug: s_s's zero row below ("same" padding), so tap 0 reads row r
    and tap 1 row r + 1 of the previous column."""

    def state_to_state(self, h_prev):
        return self.s_s(h_prev)[:, :, 1 : h_prev.shape[2] + 1]  # the bug


class DiagonalBiLSTMBlock(DiagonalBiLSTMBlock):
    """The block with the bug in both directions."""

    def __init__(self, h):
        super().__init__(h)
        self.fwd, self.bwd = SamePaddingDiagonalLSTM(h), SamePaddingDiagonalLSTM(h)


BLOCK = DiagonalBiLSTMBlock
