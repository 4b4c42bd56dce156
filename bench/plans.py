"""What the benchmarks run by default, and the three sizes of `bench all` (no torch import: the CLI lists them).

  full   500 prompts on 1,000 checkpoints; sizes 1k/10k/100k; TAQ 8 checkpoints × 4 images; the TAQ grid
         (8 checkpoints × 8 prompts × 2 seeds); SD1.5 memory
  quick  500 prompts on 1,000 checkpoints; sizes 1k/5k; TAQ 2 checkpoints × 2 images, 12 steps; a 2-row TAQ grid;
         no SD1.5 rows
  smoke  40 prompts on 100 checkpoints; sizes 100/200; TAQ 1 checkpoint × 1 image, 4 steps (the CI test)
"""
from __future__ import annotations

from dataclasses import dataclass

# `bench taq`
BITS = ("w8a8", "w4a8", "w8a4", "w4a4")
QUANTIZERS = ("uniform", "log")
PROTECT = ("none", "bos", "trigger")
ATTENTION_BITS = (8, 4, 3)  # the cross-attention-only ablation
# LoRA pets and objects, DreamBooth dogs, a monthly style, a tree, and the one textual inversion
DEFAULT_CHECKPOINTS = ("rex-v3", "biscuit-v2", "mochi-v1", "cottage-v2", "dusk-v2", "bruno-v2", "oak-v1", "sunny-v1")

# The TAQ grid (`bench taq`): granularity × protection × bits × scope, each row a set of generation settings.
GRID_PROTECT = ("none", "bos", "trigger", "bos+trigger", "random")
GRID_KV = ("tensor", "prompt", "row")  # cross-attention K/V range: calibrated per tensor, per prompt, per row
# A-bits everywhere: the literature's fixes, each with log2 probabilities: per-token dynamic inputs; calibrated
# per-tensor inputs with ranges per timestep group (TFMQ-DM); the same with one range for every timestep (baseline)
LITERATURE_ALL = {"inputs": "token", "probs": "log2"}
TIMESTEP_ALL = {"inputs": "tensor", "probs": "log2", "timestep_groups": 10}
STATIC_ALL = {"inputs": "tensor", "probs": "log2"}
GRID_SIZES = {"full": {"checkpoints": DEFAULT_CHECKPOINTS, "prompts": 8, "seeds": 2, "steps": 4},  # 19 rows
              "quick": {"checkpoints": ("rex-v3",), "prompts": 2, "seeds": 1, "steps": 8}}


def grid(bits=("w8a8", "w8a4"), kv=GRID_KV, protect=GRID_PROTECT, all_scope: bool = True) -> list[dict]:
    """Rows of the grid. At the lowest bits (the question): cross-attention scope, every K/V granularity ×
    protection (the random control at the first granularity only). At the other bits (the "never worse" check):
    the first granularity, none and trigger. A-bits everywhere at the lowest bits, first granularity, log2
    probabilities: per-token inputs (none and trigger), per-timestep ranges and one static range (trigger)."""
    low = bits[-1]
    rows = []
    for b in bits:
        for k in (kv if b == low else kv[:1]):
            chosen = protect if b == low else [p for p in protect if p in ("none", "trigger")]
            rows += [{"bits": b, "act_scope": "cross-attention", "kv_granularity": k, "protect": p} for p in chosen
                     if p != "random" or k == kv[0]]
    if all_scope:
        for extra, chosen in ((LITERATURE_ALL, ("none", "trigger")), (TIMESTEP_ALL, ("trigger",)),
                              (STATIC_ALL, ("trigger",))):
            rows += [{"bits": low, "act_scope": "all", "kv_granularity": kv[0], "protect": p, **extra}
                     for p in chosen if p in protect]
    return rows


def grid_rows(size: str) -> list[dict]:
    """The grid `bench all` runs: the full one, or for quick one W8A4 setting with and without the trigger."""
    return grid() if size == "full" else grid(("w8a4",), ("tensor",), ("none", "trigger"), all_scope=False)


@dataclass(frozen=True)
class Plan:
    name: str
    size: int
    prompts: int
    sizes: tuple[int, ...]
    scale_prompts: int
    taq_checkpoints: tuple[str, ...] | None
    taq_images: int = 4
    taq_steps: int = 25
    taq_bits: tuple[str, ...] = BITS
    attention_bits: tuple[int, ...] = ATTENTION_BITS
    sd15: bool = False
    taq_grid: str | None = None  # "full" | "quick": the TAQ grid with bootstrap intervals (bench/taq_grid.py)


PLANS = {
    "full": Plan("full", 1000, 500, (1000, 10_000, 100_000), 200, DEFAULT_CHECKPOINTS, sd15=True, taq_grid="full"),
    "quick": Plan("quick", 1000, 500, (1000, 5000), 100, ("rex-v3", "mochi-v1"), taq_images=2, taq_steps=12,
                  taq_bits=("w8a8", "w4a8", "w8a4"), attention_bits=(8, 4), taq_grid="quick"),
    "smoke": Plan("smoke", 100, 40, (100, 200), 20, ("rex-v3",), taq_images=1, taq_steps=4, taq_bits=("w8a8",),
                  attention_bits=(4,)),
}


def reproduce_command(plan: Plan) -> str:
    """The `bench all` command line that makes this plan (mode, and sizes when they differ from the mode's)."""
    command = "python app.py bench all --out DIR" + ("" if plan.name == "full" else f" --{plan.name}")
    if plan.name in PLANS and plan.sizes != PLANS[plan.name].sizes:
        command += " --sizes " + " ".join(str(n) for n in plan.sizes)
    return command
