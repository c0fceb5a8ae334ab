HEAD_WIDTH = 32
OUTPUT_CHANNELS = COLORS if LEVELS == 2 else LEVELS * COLORS  # K: one logit per colour, or channel level * COLORS + colour
METADATA = {"model": KIND, "layers": str(LAYERS), "hidden": str(HIDDEN), "colors": str(COLORS), "levels": str(LEVELS),
            **({} if RESIDUAL else {"residual": "off"}), **({"skip": "on"} if SKIP else {})}
MODEL_KEYS = ("model", "layers", "hidden", "colors", "levels", "residual", "skip", "bug",
              "base", "factor", "small_layers", "small_hidden")
