def load(path):
    """A MODEL holding the checkpoint at `path`; refuses a file of another model."""
    import safetensors
    import safetensors.torch
    with safetensors.safe_open(path, "pt") as f:
        found = {k: v for k, v in (f.metadata() or {}).items() if k in MODEL_KEYS}
    if found != METADATA:
        raise ValueError(f"{path} holds a model {found}, this module is {METADATA}")
    net = MODEL()
    net.load_state_dict(safetensors.torch.load_file(path), strict=True)
    return net
