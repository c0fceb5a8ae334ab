# The model: a Diagonal BiLSTM, L = 2 residual blocks, h = 3, 3 colours (R, G, B),
# 8 levels (a 8-way softmax per colour).
KIND = "diagbilstm"
LAYERS = 2
HIDDEN = 3
COLORS = 3
LEVELS = 8
RESIDUAL = True   # x_{l+1} = x_l + F_l(x_l)
SKIP = False      # the head reads x_L
