def convolution_mask(mask_type, out_channels, in_channels, kh, kw, colors):
    """1 where an output may read an input (paper section 3.4): every tap in a row above the
    centre, and left of the centre in the centre row. At the centre, channel c belongs to colour
    c % colors; mask A lets an output colour read strictly earlier input colours, mask B also
    its own (with 1 colour: A cuts the centre, B keeps it)."""
    m = torch.zeros(out_channels, in_channels, kh, kw)
    cy, cx = kh // 2, kw // 2
    m[:, :, :cy, :] = 1
    m[:, :, cy, :cx] = 1
    g_out = torch.arange(out_channels).view(-1, 1) % colors
    g_in = torch.arange(in_channels).view(1, -1) % colors
    m[:, :, cy, cx] = (g_in < g_out if mask_type == "A" else g_in <= g_out).float()
    return m
