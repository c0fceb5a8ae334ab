class MaskedConv2d(nn.Conv2d):
    """y = (W * M) conv x + b: stride 1, zero padding (kh // 2, kw // 2). The mask is a
    non-persistent buffer, so the state_dict holds only weight and bias."""

    def __init__(self, in_channels, out_channels, kh, kw, mask_type):
        super().__init__(in_channels, out_channels, (kh, kw), padding=(kh // 2, kw // 2))
        self.register_buffer("mask", convolution_mask(mask_type, out_channels, in_channels, kh, kw, MASK_COLORS),
                             persistent=False)

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias, padding=self.padding)
