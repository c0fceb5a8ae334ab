def negative_log_likelihood(logits, pixels):
    """-log p(x) of each image in nats: (B,). Logit channel level * COLORS + colour: a
    LEVELS-way softmax per colour and pixel."""
    n, _, rows, cols = logits.shape
    per_level = logits.view(n, LEVELS, COLORS, rows, cols)
    return F.cross_entropy(per_level, pixels.long(), reduction="none").sum((1, 2, 3))
