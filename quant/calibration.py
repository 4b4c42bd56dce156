"""Calibration prompts as in the paper's Appendix D (Table 11): the trigger templated into varied contexts.

    a photo of a <sks> {class}, {scene}, {time}, {style}, {action}

One value is drawn from each pool per prompt (deterministic per seed); the action is optional.
"""
from __future__ import annotations

import random

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
