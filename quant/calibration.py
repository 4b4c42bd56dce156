"""Calibration as in the paper's Appendix D (Table 11): the trigger templated into varied contexts,

    a photo of a <sks> {class}, {scene}, {time}, {style}, {action}

one value drawn from each pool per prompt (deterministic per seed; the action is optional), and
the loop that runs them through a pipeline to observe the UNet's activation ranges:

    ranges = calibrate_pipeline(pipe, "<rex-v3>", "dog", size=64)   # ranges per token class: every protection
    quantize(pipe.unet, config, ranges)
"""
from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from quant.attention import token_classes
from quant.model import QuantConfig, calibrate, quantize

PROMPTS = 16  # prompts per calibration (the paper uses 64 captions)
STEPS = 25  # denoising steps per prompt: the ranges cover every timestep
GUIDANCE = 7.5  # with guidance, the unconditional half is observed too

SCENES = ("on a sunny beach", "in a lush green park", "inside a cosy living-room", "on a snowy mountain at sunset",
          "running across a golden wheat field", "under cherry-blossom trees", "posing in front of the Eiffel Tower",
          "sitting on a skateboard at a skatepark", "playing fetch by a forest lake", "splashing in a backyard pool",
          "walking through bustling city streets", "lying on a vintage Persian rug",
          "climbing a rocky cliff by the sea", "resting beside a campfire", "sitting in a canoe on calm water",
          "wrapped in a warm blanket during a snowfall")
TIMES = ("at dawn", "at golden hour", "at blue hour", "on an overcast day", "under neon lights at night",
         "at high noon", "during a thunderstorm", "at twilight")
STYLES = ("high-resolution photograph", "analog film style", "soft focus portrait", "35 mm film",
          "ultra-wide angle shot", "macro shot", "HDR", "vintage Polaroid", "cinematic still",
          "professional studio lighting", "low-key lighting", "minimalist composition", "aerial drone view")
ACTIONS = ("wearing sunglasses", "jumping over an obstacle", "catching a frisbee", "tilting its head",
           "sleeping peacefully", "wagging its tail", "smiling at the camera", "with its tongue out",
           "howling playfully", "sniffing a flower", "splashing water", "wrapped in a scarf")


def calibration_prompts(trigger: str | None, class_word: str, count: int = 16, seed: int = 0) -> list[str]:
    """`count` prompts for one checkpoint (trigger None: the plain base model, class word only)."""
    rng = random.Random(f"calibration|{trigger}|{class_word}|{seed}")
    subject = f"{trigger} {class_word}" if trigger else class_word
    prompts = []
    for _ in range(count):
        parts = [f"a photo of a {subject}", rng.choice(SCENES), rng.choice(TIMES), rng.choice(STYLES)]
        if rng.random() < 0.5:
            parts.append(rng.choice(ACTIONS))
        prompts.append(", ".join(parts))
    return prompts


def calibrate_pipeline(pipe: Any, trigger: str | None, class_word: str, size: int | None = None, device: str = "cpu",
                       count: int = PROMPTS, steps: int = STEPS,
                       guidance: float = GUIDANCE, batch: int = 4, show_bar: bool = False,
                       label: str = "calibrating",
                       progress: Callable[[int, int], None] | None = None) -> dict[str, list[float]]:
    """Observe the float activation ranges of `pipe.unet` over `count` prompts × `steps` denoising steps.

    The UNet's weights are quantized here if they are not yet, and its activations switched to float
    while observing; the ranges depend on the weights and the checkpoint, not on the activation settings,
    so one calibration serves every bit-width, quantizer and protection. `pipe` is a diffusers
    StableDiffusionPipeline (or anything called the same way). `progress(done, total)` follows the batches."""
    import torch
    from tqdm import tqdm

    quantize(pipe.unet, QuantConfig(act_bits=None))  # observe float activations
    prompts = calibration_prompts(trigger, class_word, count)
    starts = range(0, len(prompts), batch)
    with calibrate(pipe.unet) as ranges:
        for done, i in enumerate(tqdm(starts, desc=label, unit=f"batch of {batch}", disable=not show_bar), start=1):
            part = prompts[i:i + batch]
            classes = token_classes(pipe.tokenizer, part, [trigger] * len(part), True)
            pipe(part, height=size, width=size, num_inference_steps=steps, guidance_scale=guidance,
                 generator=torch.Generator(device).manual_seed(i), output_type="latent",
                 cross_attention_kwargs={"token_classes": classes})
            if progress:
                progress(done, len(starts))
    return ranges
