"""Per-token sensitivity (the paper's Figure 2 and eqs. 1–3): quantize the cross-attention K/V rows of one
token at a time, everything else in full precision, and measure how far the image moves.

    rows = token_sensitivity(pipe, prompt, trigger, bits=(8, 4), steps=25, seed=0, guidance=7.5)
    bar_chart(rows, "sensitivity.png")

All tokens of a prompt are measured in one batch: row i of the conditional half keeps every K/V row
in float except token i's; the unconditional half stays entirely in float.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from quant.attention import AttentionQuant, TAQAttnProcessor, trigger_spans
from quant.quantizers import QuantSpec


@dataclass(frozen=True)
class TokenSensitivity:
    position: int
    token: str
    is_trigger: bool
    mse: dict[int, float]  # bits → mean squared error against full precision (pixels in 0..255)


@contextlib.contextmanager
def cross_attention_quantizers(unet, quant: AttentionQuant):
    """TAQ processors that quantize attn2 as `quant` says and leave attn1 (and everything else) in float;
    the old processors come back on exit."""
    original = dict(unet.attn_processors)
    unet.set_attn_processor({name: TAQAttnProcessor(quant if name.endswith("attn2.processor") else AttentionQuant())
                             for name in original})
    try:
        yield
    finally:
        unet.set_attn_processor(original)


def kv_row_quantizers(unet, bits: int):
    """Only attn2's K/V rows quantized (per row, uniform): the paper's eq. 1."""
    return cross_attention_quantizers(unet, AttentionQuant(kv=QuantSpec(bits, "uniform", "row")))


def token_sensitivity(pipe, prompt: str, trigger: str | None, bits: tuple[int, ...] = (8, 4), steps: int = 25,
                      seed: int = 0, guidance: float = 7.5, size: int | None = None) -> list[TokenSensitivity]:
    tokenizer = pipe.tokenizer
    ids = tokenizer(prompt, truncation=True).input_ids  # BOS … EOS
    labels = [t.replace("</w>", "") for t in tokenizer.convert_ids_to_tokens(ids)]
    in_trigger = {i for s, e in (trigger_spans(tokenizer, prompt, trigger) if trigger else []) for i in range(s, e)}
    n = len(ids)
    common = dict(num_inference_steps=steps, guidance_scale=guidance, output_type="np", height=size, width=size)

    def draw(count: int, **extra) -> np.ndarray:
        generators = [torch.Generator(pipe.device.type).manual_seed(seed) for _ in range(count)]
        with torch.inference_mode():
            return pipe([prompt] * count, generator=generators, **common, **extra).images * 255.0

    everything = torch.ones(2 if guidance > 1 else 1, tokenizer.model_max_length, dtype=torch.bool)
    keep = torch.ones(2 * n, tokenizer.model_max_length, dtype=torch.bool)  # [uncond; cond] rows
    keep[n + torch.arange(n), torch.arange(n)] = False  # cond row i: only token i is quantized
    if guidance <= 1:
        keep = keep[n:]
    errors: dict[int, np.ndarray] = {}
    for b in bits:
        with kv_row_quantizers(pipe.unet, b):
            reference = draw(1, cross_attention_kwargs={"protected": everything})[0]  # same math, nothing quantized
            images = draw(n, cross_attention_kwargs={"protected": keep})
        errors[b] = ((images - reference) ** 2).mean(axis=(1, 2, 3))
    return [TokenSensitivity(i, labels[i], i in in_trigger, {b: float(errors[b][i]) for b in bits}) for i in range(n)]


def bar_chart(rows: list[TokenSensitivity], path: str | Path, title: str = "") -> Path:
    """Grouped bars, one group per token (trigger tokens in red), one bar per bit-width; PNG via PIL."""
    from PIL import Image, ImageDraw

    bits = sorted(rows[0].mse, reverse=True)
    shades = {b: (70 + 120 * k // max(1, len(bits) - 1),) * 3 for k, b in enumerate(bits)}
    top = max(max(r.mse.values()) for r in rows) or 1.0
    group, bar, left, base_y, height = 44, 16, 60, 300, 240
    image = Image.new("RGB", (left + group * len(rows) + 20, 380), "white")
    draw = ImageDraw.Draw(image)
    draw.text((10, 8), title or "per-token K/V quantization: MSE against full precision", fill="black")
    draw.line((left - 4, base_y, left + group * len(rows), base_y), fill="black")
    draw.text((4, base_y - height - 6), f"{top:.2f}", fill="black")
    draw.text((4, base_y - 6), "0", fill="black")
    for k, row in enumerate(rows):
        x = left + k * group
        for j, b in enumerate(bits):
            h = height * row.mse[b] / top
            colour = (200, 40, 40) if row.is_trigger and j == len(bits) - 1 else (
                (240, 120, 120) if row.is_trigger else shades[b])
            draw.rectangle((x + j * bar, base_y - h, x + (j + 1) * bar - 2, base_y), fill=colour)
        draw.text((x, base_y + 6 + 12 * (k % 2)), row.token[:7], fill=(200, 40, 40) if row.is_trigger else "black")
    legend = "   ".join(f"{b}-bit K/V: bar {j + 1}" for j, b in enumerate(bits))
    draw.text((left, 350), f"{legend}   (red: trigger sub-tokens)", fill="black")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path
