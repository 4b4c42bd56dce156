"""`quantize` (weights, processors, activations in one verb) and the calibration loop on the tiny SD1.5 pipeline."""
from __future__ import annotations

import torch

from quant.calibration import calibrate_pipeline, calibration_prompts
from quant.model import QuantConfig, quantize, quantized_layers, taq_processors


def test_calibration_observes_every_quantized_input_and_leaves_no_hook(tmp_path):
    from diffusers import StableDiffusionPipeline

    from tests.serve.conftest import tiny_sd15

    folder = tiny_sd15(tmp_path / "tiny-sd15")  # a pipeline of its own: calibration quantizes its UNet
    pipe = StableDiffusionPipeline.from_pretrained(str(folder), safety_checker=None, local_files_only=True)
    pipe.set_progress_bar_config(disable=True)
    seen = []
    ranges = calibrate_pipeline(pipe, "<pet-v1>", "dog", size=64, count=6, steps=2, batch=4,
                                progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]  # one report per batch of prompts (4 + 2), never past the total
    layers = quantized_layers(pipe.unet)
    outside_attention = {n for n in layers if not any(p in ("to_q", "to_k", "to_v") for p in n.split("."))}
    plain = {k for k in ranges if k.count(":") < 2 and "@t" not in k}
    assert plain == outside_attention | {f"{n}:q" for n in taq_processors(pipe.unet)}
    timesteps = {int(k.rpartition("@t")[2]) for k in ranges if "@t" in k}
    assert len(timesteps) == 2  # 2 denoising steps: every timestep-dependent range also per timestep
    for t in timesteps:  # inputs, Q and probabilities per timestep; K and V depend on the prompt only
        assert {k for k in ranges if k.endswith(f"@t{t}")} == {
            f"{k}@t{t}" for k in ranges if "@t" not in k and (k in plain or ":probs:" in k)}
    cross = [n for n in taq_processors(pipe.unet) if n.endswith("attn2.processor")]
    for part in ("k", "v", "probs"):  # per token class, so that a static range can leave out the protected ones
        assert {k.rsplit(":", 1)[1] for k in ranges if k.startswith(f"{cross[0]}:{part}:") and "@t" not in k} == {
            "bos", "trigger", "random", "end", "other"}
    assert not any(k.count(":") == 2 for k in ranges if "attn1" in k)  # self-attention has no text tokens
    assert all(lo <= hi for lo, hi in ranges.values())
    assert all(not layer._forward_pre_hooks for layer in layers.values())  # calibrate() removed its hooks
    assert not pipe.unet._forward_pre_hooks
    assert all(layer.act is None for layer in layers.values())  # observed in float; nothing switched on yet
    quantize(pipe.unet, QuantConfig(8, 8), ranges)
    layer = layers["down_blocks.0.resnets.0.conv1"]
    low = ranges["down_blocks.0.resnets.0.conv1"][0]
    assert layer.act is not None and torch.equal(layer.act_range.lo, torch.tensor([low]))
    again = quantize(pipe.unet, QuantConfig(4, 8), ranges)
    assert again is pipe.unet and layer.qweight.dtype == torch.int8  # weights are quantized once
    assert len(calibration_prompts("<pet-v1>", "dog", 4)) == 4
