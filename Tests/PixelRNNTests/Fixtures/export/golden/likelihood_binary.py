def negative_log_likelihood(logits, pixels):
    """-log p(x) of each image in nats: (B,). p(x_i = 1 | x_<i) = sigmoid(logit_i)."""
    return F.binary_cross_entropy_with_logits(logits, pixels, reduction="none").sum((1, 2, 3))
