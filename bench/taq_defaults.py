"""What `bench taq` measures by default (kept apart so the CLI can list them without importing torch)."""
BITS = ("w8a8", "w4a8", "w8a4", "w4a4")
QUANTIZERS = ("uniform", "log")
PROTECT = ("none", "bos", "trigger")
ATTENTION_BITS = (8, 4, 3)  # the cross-attention-only ablation
# LoRA pets and objects, DreamBooth dogs, a monthly style, a tree, and the one textual inversion
DEFAULT_CHECKPOINTS = ("rex-v3", "biscuit-v2", "mochi-v1", "cottage-v2", "dusk-v2", "bruno-v2", "oak-v1", "sunny-v1")
