"""The report's PNG plots (matplotlib, headless Agg backend)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

PROTECT_COLOURS = {"none": "#888888", "bos": "#4a7fc1", "trigger": "#c0392b"}


def plot_scaling(points: list[dict], path: Path) -> Path:
    """Check-in's accuracy and first-turn p50 latency against repository size (log x)."""
    sizes = [p["size"] for p in points]
    fig, left = plt.subplots(figsize=(6, 3.6), dpi=110)
    left.plot(sizes, [100 * p["accuracy"] for p in points], "o-", color="#c0392b", label="handled right (%)")
    left.set_xscale("log")
    left.set_xlabel("checkpoints in the repository")
    left.set_ylabel("handled right (%)", color="#c0392b")
    left.set_ylim(0, 105)
    right = left.twinx()
    right.plot(sizes, [p["p50_ms"] for p in points], "s--", color="#4a7fc1", label="p50 latency (ms)")
    right.set_ylabel("first-turn p50 (ms)", color="#4a7fc1")
    right.set_ylim(0, max(60, 1.2 * max(p["p50_ms"] for p in points)))
    left.set_title("Check-in on REPO-PROMPTS vs repository size")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_taq(taq: dict[str, Any], path: Path) -> Path:
    """PSNR and concept fidelity against bit-width, one line per protect mode (uniform quantizer)."""
    rows = [r for r in taq["rows"] if r["bits"] != "float" and r["quantizer"] == "uniform"]
    float_row = next(r for r in taq["rows"] if r["bits"] == "float")
    bits = list(dict.fromkeys(r["bits"] for r in rows))
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.6), dpi=110)
    for protect, colour in PROTECT_COLOURS.items():
        mine = {r["bits"]: r for r in rows if r["protect"] == protect}
        if not mine:
            continue
        a.plot(bits, [mine[x]["psnr"] for x in bits], "o-", color=colour, label=f"protect={protect}")
        b.plot(bits, [100 * mine[x]["fidelity"] for x in bits], "o-", color=colour, label=f"protect={protect}")
    b.axhline(100 * float_row["fidelity"], color="black", linestyle=":", label="float")
    a.set_title("PSNR vs float (dB), uniform")
    b.set_title("concept fidelity (%), uniform")
    for ax in (a, b):
        ax.set_xlabel("W/A bits")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_memory(taq: dict[str, Any] | None, sd15: list[dict] | None, path: Path) -> Path:
    """Resident UNet bytes per precision: SD1.5-size when measured, else the mini model."""
    if sd15:
        labels = [r["precision"] for r in sd15]
        values = [r["tensor_bytes"] / 2**20 for r in sd15]
        title = "SD1.5-size UNet: resident tensor MB"
    else:
        seen: dict[str, float] = {}
        for r in taq["rows"]:
            seen.setdefault(r["bits"], r["unet_mb"])
        labels, values = list(seen), list(seen.values())
        title = "mini-model UNet: resident tensor MB"
    fig, ax = plt.subplots(figsize=(6, 3.4), dpi=110)
    bars = ax.bar(labels, values, color=["#888888"] + ["#c0392b"] * (len(values) - 1))
    for bar, value in zip(bars, values):
        ax.text(bar.get_x() + bar.get_width() / 2, value, f"{value:,.1f}", ha="center", va="bottom", fontsize=8)
    ax.set_title(title)
    ax.set_ylabel("MB")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
