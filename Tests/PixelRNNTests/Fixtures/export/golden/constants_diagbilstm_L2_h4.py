# The model: a Diagonal BiLSTM, L = 2 residual blocks, h = 4, 1 colour,
# 2 levels (binary: one logit per colour, read through a sigmoid).
KIND = "diagbilstm"
LAYERS = 2
HIDDEN = 4
COLORS = 1
LEVELS = 2
RESIDUAL = True   # x_{l+1} = x_l + F_l(x_l)
SKIP = False      # the head reads x_L
