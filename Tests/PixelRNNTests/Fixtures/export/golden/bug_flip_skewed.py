# Known bug flip-skewed (pixelrnn's `model new ... --bug flip-skewed`), NOT the paper's model:
# bwd at (r, c) reads (r, c+1) and (r−1, c+2): causal, but its field leans right and misses context.
BUG = "flip-skewed"
METADATA["bug"] = BUG


class FlippedSkewDiagonalLSTM(DiagonalLSTM):
    """bwd with the bug: it walks the skewed map of its (flipped) input flipped left-right,
    instead of only the skew of the flipped image."""

    def walked(self, skewed):
        return torch.flip(skewed, [3])  # the bug


class DiagonalBiLSTMBlock(DiagonalBiLSTMBlock):
    """The block with the bug in bwd."""

    def __init__(self, h):
        super().__init__(h)
        self.bwd = FlippedSkewDiagonalLSTM(h)


BLOCK = DiagonalBiLSTMBlock
