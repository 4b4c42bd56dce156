"""What `bench taq` measures by default (kept apart so the CLI can list them without importing torch)."""
BITS = ("w8a8", "w4a8", "w8a4", "w4a4")
QUANTIZERS = ("uniform", "log")
PROTECT = ("none", "bos", "trigger")
ATTENTION_BITS = (8, 4, 3)  # the cross-attention-only ablation
# LoRA pets and objects, DreamBooth dogs, a monthly style, a tree, and the one textual inversion
DEFAULT_CHECKPOINTS = ("rex-v3", "biscuit-v2", "mochi-v1", "cottage-v2", "dusk-v2", "bruno-v2", "oak-v1", "sunny-v1")

# The TAQ grid (`bench taq`): granularity × protection × bits × scope, each row a set of generation settings.
GRID_PROTECT = ("none", "bos", "trigger", "bos+trigger", "random")
LITERATURE_ALL = {"inputs": "token", "probs": "log2"}  # A-bits everywhere: per-token inputs, log2 probabilities


def grid(bits=("w8a8", "w8a4"), kv=("tensor", "row"), protect=GRID_PROTECT, all_scope: bool = True) -> list[dict]:
    """Rows of the grid: cross-attention scope at every bits × K/V granularity × protection; the "all" scope
    at the lowest bits, per-tensor K/V, with the literature's per-token inputs and log2 probabilities."""
    rows = [{"bits": b, "act_scope": "cross-attention", "kv_granularity": k, "protect": p}
            for b in bits for k in kv for p in protect]
    if all_scope:
        low = bits[-1]
        rows.append({"bits": low, "act_scope": "all", "kv_granularity": kv[0], "protect": "trigger"})  # per-tensor inputs
        rows += [{"bits": low, "act_scope": "all", "kv_granularity": kv[0], "protect": p, **LITERATURE_ALL}
                 for p in protect if p != "random"]
    return rows


FULL = {"checkpoints": DEFAULT_CHECKPOINTS, "prompts": 8, "seeds": 2}
QUICK = {"checkpoints": ("rex-v3",), "prompts": 2, "seeds": 1}
