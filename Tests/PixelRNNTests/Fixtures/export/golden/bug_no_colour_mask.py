# Known bug no-colour-mask (pixelrnn's `model new ... --bug no-colour-mask`), NOT the paper's model:
# each colour reads all three colours of its own pixel (R sees G and B): leaks.
BUG = "no-colour-mask"
METADATA["bug"] = BUG
MASK_COLORS = 1     # the bug: no colour groups, every centre tap open to every channel
INPUT_MASK = "B"    # (with one group mask A would shut the centre: mask B keeps it open)
