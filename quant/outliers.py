"""Which tokens are cross-attention's outliers: per `attn2` layer, which token class holds the largest
|K| and |V| row, by how much, and how much attention mass each class draws.

    stats = outlier_stats(pipe, prompts, trigger, steps=10, guidance=5.0, size=32)   # one checkpoint
    table = summarize([stats, ...])                                                   # many checkpoints
    plot(table, "docs/taq_outliers.png")

A shared (per-tensor or per-prompt) K/V range is set by the largest row; leaving a class out of that
range (the paper's eqs. 4–5, DGQ's start-token exclusion) helps every other token only when that
class *is* the largest row. Classes: the start token, the trigger's sub-tokens, the end token with
its padding, and every other word (the control span counts as a word here).
"""
from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import torch

from quant.attention import TAQAttnProcessor, token_classes

GROUPS = ("trigger", "bos", "end", "other")  # the table's token classes ("random" is folded into "other")


@contextlib.contextmanager
def recording(unet):
    """Float TAQ processors on every attention that record statistics in cross-attention; restored on exit.
    Yields {layer name: stats dict}."""
    original = dict(unet.attn_processors)
    processors = {name: TAQAttnProcessor() for name in original}
    for name, processor in processors.items():
        if name.endswith("attn2.processor"):
            processor.stats = {}
    unet.set_attn_processor(dict(processors))
    try:
        yield {n.removesuffix(".processor"): p.stats for n, p in processors.items() if p.stats is not None}
    finally:
        unet.set_attn_processor(original)


def outlier_stats(pipe, prompts: list[str], trigger: str | None, steps: int = 10, guidance: float = 5.0,
                  size: int | None = None, seed: int = 0) -> dict[str, dict]:
    """{layer: {"k": [per-prompt {class: max |K|}], "v": [...], "mass": {class: summed share}, "mass_rows": n}}."""
    classes = token_classes(pipe.tokenizer, prompts, [trigger] * len(prompts), guidance > 1)
    with recording(pipe.unet) as stats, torch.inference_mode():
        pipe(prompts, height=size, width=size, num_inference_steps=steps, guidance_scale=guidance, output_type="latent",
             generator=torch.Generator(pipe.device.type).manual_seed(seed),
             cross_attention_kwargs={"token_classes": classes})
    return stats


def _grouped(per_class: dict[str, float]) -> dict[str, float]:
    out = {g: per_class.get(g, 0.0) for g in GROUPS}
    out["other"] = max(per_class.get("other", 0.0), per_class.get("random", 0.0))
    return out


def summarize(runs: list[dict[str, dict]]) -> list[dict]:
    """One row per layer and tensor (K, V) over every prompt of every run (checkpoint):
    `holds`: share of prompts whose largest row is in each class; `ratio`: mean over prompts of the
    class's largest row / the largest row of every other class; `mass`: mean share of attention."""
    rows = []
    for layer in runs[0]:
        mass = {g: 0.0 for g in GROUPS}
        rows_seen = sum(run[layer].get("mass_rows", 0) for run in runs)
        for run in runs:
            for c, share in run[layer].get("mass", {}).items():
                mass["other" if c == "random" else c] += share
        mass = {g: v / max(rows_seen, 1) for g, v in mass.items()}
        for tensor in ("k", "v"):
            prompts = [_grouped(p) for run in runs for p in run[layer].get(tensor, [])]
            holds = {g: float(np.mean([max(p, key=p.get) == g for p in prompts])) for g in GROUPS}
            ratio = {}
            for g in GROUPS:
                values = [p[g] / max(max(v for h, v in p.items() if h != g), 1e-12) for p in prompts if p[g] > 0]
                ratio[g] = float(np.mean(values)) if values else float("nan")
            rows.append({"layer": layer, "tensor": tensor.upper(), "prompts": len(prompts), "holds": holds,
                         "ratio": ratio, "mass": mass})
    return rows


def short(layer: str) -> str:
    """'down_blocks.0.attentions.1.transformer_blocks.0.attn2' → 'down0.1'."""
    parts = layer.split(".")
    if parts[0] == "mid_block":
        return f"mid.{parts[2]}"
    return f"{parts[0].removesuffix('_blocks')}{parts[1]}.{parts[3]}"


def plot(rows: list[dict], path: str | Path, title: str = "") -> Path:
    """Three panels per layer: which class holds max |K|, which holds max |V| (share of prompts), and the
    attention mass per class (matplotlib, PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {"trigger": "#c0392b", "bos": "#2c3e50", "end": "#95a5a6", "other": "#3498db"}
    layers = list(dict.fromkeys(r["layer"] for r in rows))
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), sharey=True)
    panels = [("largest |K| row held by", lambda layer: next(r["holds"] for r in rows if r["layer"] == layer and r["tensor"] == "K")),
              ("largest |V| row held by", lambda layer: next(r["holds"] for r in rows if r["layer"] == layer and r["tensor"] == "V")),
              ("attention mass", lambda layer: next(r["mass"] for r in rows if r["layer"] == layer))]
    x = np.arange(len(layers))
    for ax, (name, get) in zip(axes, panels):
        bottom = np.zeros(len(layers))
        for g in GROUPS:
            values = np.array([get(layer)[g] for layer in layers])
            ax.bar(x, values, bottom=bottom, color=colours[g], label=g)
            bottom += values
        ax.set_title(name)
        ax.set_xticks(x, [short(layer) for layer in layers], rotation=45, fontsize=8)
        ax.set_ylim(0, 1)
    axes[0].set_ylabel("share (of prompts, or of attention)")
    axes[2].legend(loc="upper right", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
