# The model: a PixelCNN, L = 2 residual blocks, h = 6, 3 colours (R, G, B),
# 256 levels (a 256-way softmax per colour).
KIND = "pixelcnn"
LAYERS = 2
HIDDEN = 6
COLORS = 3
LEVELS = 256
RESIDUAL = True   # x_{l+1} = x_l + F_l(x_l)
SKIP = False      # the head reads x_L
