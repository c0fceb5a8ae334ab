HEAD_WIDTH = 32
OUTPUT_CHANNELS = COLORS if LEVELS == 2 else LEVELS * COLORS  # K: one logit per colour, or channel level * COLORS + colour
INPUT_MASK = "A"      # the first layer's mask: no prediction reads its own pixel
MASK_COLORS = COLORS  # the colour groups of every mask
METADATA = {"model": KIND, "layers": str(LAYERS), "hidden": str(HIDDEN), "colors": str(COLORS), "levels": str(LEVELS),
            **({} if RESIDUAL else {"residual": "off"}), **({"skip": "on"} if SKIP else {})}
MODEL_KEYS = ("model", "layers", "hidden", "colors", "levels", "residual", "skip", "bug",
              "base", "factor", "small_layers", "small_hidden")
