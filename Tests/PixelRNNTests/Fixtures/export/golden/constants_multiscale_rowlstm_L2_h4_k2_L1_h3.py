# The model: a Multi-Scale PixelRNN (paper section 3.6) of two Row LSTM networks, 1 colour,
# 2 levels (binary: one logit per colour, read through a sigmoid). First the small image x[:, :, ::FACTOR, ::FACTOR]
# (SMALL_LAYERS blocks, h = SMALL_HIDDEN), then the whole image conditioned on it (LAYERS blocks, h = HIDDEN).
KIND = "multiscale"
LAYERS = 2
HIDDEN = 4
COLORS = 1
LEVELS = 2
RESIDUAL = True   # x_{l+1} = x_l + F_l(x_l)
SKIP = False      # the head reads x_L
BASE = "rowlstm"
FACTOR = 2
SMALL_LAYERS = 1
SMALL_HIDDEN = 3
