"""Thumbnails drawn by the checkpoint itself, with the base model, through the serving pipeline."""
from __future__ import annotations

from importer.run import Drawer


def generator_drawer(generator, guidance: float = 5.0, seed: int = 0) -> Drawer:
    """A `Drawer` that generates with `serve.generate.Generator` (full precision); errors propagate."""
    from serve.generate import Settings

    def draw(checkpoint, prompt: str, steps: int):
        return generator.generate(prompt, checkpoint, Settings(steps=steps, seed=seed, guidance=guidance))
    return draw
