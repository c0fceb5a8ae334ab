BIAS_CHANNELS = {"pixelcnn": 2, "rowlstm": 4, "diagbilstm": 8}[BASE] * HIDDEN  # ch_l of every block's bias map
METADATA.update(base=BASE, factor=str(FACTOR), small_layers=str(SMALL_LAYERS), small_hidden=str(SMALL_HIDDEN))


class MultiScalePixelRNN(nn.Module):
    """The Multi-Scale PixelRNN (paper section 3.6). `small`: a PixelNetwork (SMALL_LAYERS blocks,
    h = SMALL_HIDDEN) on x_small = x[:, :, ::FACTOR, ::FACTOR]. `upsample`, nothing masked, on
    x_small / (LEVELS - 1): 3x3 conv C -> h, ReLU, transposed conv h -> h (kernel 2 FACTOR, stride
    FACTOR, padding FACTOR // 2), ReLU, crop to H x W, 3x3 conv h -> h: u. `cond`: a PixelNetwork
    (LAYERS, HIDDEN) on x whose block l adds bias_map(u) (1x1, unmasked, h -> BIAS_CHANNELS) to its
    input-to-state map. log p(x) = log p_small(x_small) + the sum over the pixels not in x_small of
    log p_cond(x_i | x_<i, x_small): the logits are the small network's at the small pixels and
    the conditional network's elsewhere, so negative_log_likelihood(logits, x) is -log p(x)."""

    def __init__(self):
        super().__init__()
        self.small = PixelNetwork(SMALL_LAYERS, SMALL_HIDDEN)
        self.upsample = nn.ModuleList([
            nn.Conv2d(COLORS, HIDDEN, 3, padding=1),
            nn.ConvTranspose2d(HIDDEN, HIDDEN, 2 * FACTOR, stride=FACTOR, padding=FACTOR // 2),
            nn.Conv2d(HIDDEN, HIDDEN, 3, padding=1)])
        self.cond = PixelNetwork()
        for block in self.cond.blocks:
            block.bias_map = nn.Conv2d(HIDDEN, BIAS_CHANNELS, 1)

    def maps(self, pixels):
        """The small network's maps ("small.<layer>"), u ("upsample"), the conditional network's
        ("cond.<layer>"), and "logits" (B, K, H, W): for each pixel the logits the model uses."""
        rows, cols = pixels.shape[2], pixels.shape[3]
        small_pixels = pixels[:, :, ::FACTOR, ::FACTOR]
        small = self.small.maps(small_pixels)
        u = F.relu(self.upsample[0](small_pixels / (LEVELS - 1)))
        u = F.relu(self.upsample[1](u))[:, :, :rows, :cols]
        u = self.upsample[2](u)
        cond = self.cond.maps(pixels, [block.bias_map(u) for block in self.cond.blocks])
        logits = cond["head.1"].clone()
        logits[:, :, ::FACTOR, ::FACTOR] = small["head.1"]
        return {**{f"small.{k}": v for k, v in small.items()}, "upsample": u,
                **{f"cond.{k}": v for k, v in cond.items()}, "logits": logits}

    def forward(self, pixels):
        return self.maps(pixels)["logits"]

    def terms(self, pixels):
        """The two terms of -log p(x), (B,) nats each: the small image's, and the other pixels'."""
        logits = self(pixels)
        small = negative_log_likelihood(logits[:, :, ::FACTOR, ::FACTOR], pixels[:, :, ::FACTOR, ::FACTOR])
        return small, negative_log_likelihood(logits, pixels) - small


MODEL = MultiScalePixelRNN  # what load() builds
