class PixelNetwork(nn.Module):
    """input 7x7 mask A C -> 2h; L residual blocks x_{l+1} = x_l + F_l(x_l) (F_l alone when not
    RESIDUAL); head ReLU, 1x1 mask B 2h -> 32, ReLU, 1x1 mask B 32 -> K, reading x_L (with SKIP
    x_1 + ... + x_L, summed in that order; x_0 when LAYERS = 0). Reads pixel levels, scaled to
    [0, 1] by 1 / (LEVELS - 1)."""

    def __init__(self, layers=LAYERS, hidden=HIDDEN):
        super().__init__()
        self.input = MaskedConv2d(COLORS, 2 * hidden, 7, 7, INPUT_MASK)
        self.blocks = nn.ModuleList([BLOCK(hidden) for _ in range(layers)])
        self.head = nn.ModuleList([MaskedConv2d(2 * hidden, HEAD_WIDTH, 1, 1, "B"),
                                   MaskedConv2d(HEAD_WIDTH, OUTPUT_CHANNELS, 1, 1, "B")])

    def maps(self, pixels, biases=None):
        """Every map `verify` compares, by pixelrnn's layer names: "input" (the stream after the
        input layer), "blocks.<l>" (the stream after block l), "head.0" (before its ReLU) and
        "head.1" (the logits, (B, K, H, W)). `biases`: block l's conditioning (multi-scale)."""
        out = {}
        x = self.input(pixels / (LEVELS - 1))
        out["input"] = x
        skip = None
        for l, block in enumerate(self.blocks):
            f = block(x, None if biases is None else biases[l])
            x = x + f if RESIDUAL else f
            out[f"blocks.{l}"] = x
            if SKIP:
                skip = x if skip is None else skip + x
        out["head.0"] = self.head[0](F.relu(x if skip is None else skip))
        out["head.1"] = self.head[1](F.relu(out["head.0"]))
        return out

    def forward(self, pixels):
        return self.maps(pixels)["head.1"]


MODEL = PixelNetwork  # what load() builds
