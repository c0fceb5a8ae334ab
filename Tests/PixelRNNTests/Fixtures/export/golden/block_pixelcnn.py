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


BLOCK = PixelCNNBlock  # F_l, paper section 3.4
