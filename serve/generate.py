"""Generate an image with a personalized checkpoint: the full-precision serving path.

    generator = Generator(base_source)                      # the base loads on first use
    image = generator.generate(prompt, checkpoint, Settings(steps=25, seed=0, guidance=7.5))

One base pipeline is kept; switching checkpoints unloads an adapter (LoRA, textual inversion)
or reloads the base after a checkpoint that overwrote weights (DreamBooth, diffusers).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from tqdm import tqdm

from repo_store.schema import Checkpoint
from serve.checkpoints import MODIFIES_BASE, CheckpointError, apply_checkpoint, remove_checkpoint
from serve.pipeline import Device, base_name, load_base

MAX_PROMPT_CHARS = 2000


@dataclass(frozen=True)
class Settings:
    steps: int = 25
    seed: int = 0
    guidance: float = 7.5  # classifier-free guidance scale, as in SD1.5

    def __post_init__(self) -> None:
        if not 1 <= self.steps <= 200:
            raise ValueError(f"steps {self.steps} is out of range; use 1 to 200")
        if not 0.0 <= self.guidance <= 30.0:
            raise ValueError(f"guidance {self.guidance} is out of range; use 0 to 30")


def check_prompt(prompt: str) -> str:
    text = (prompt or "").strip()
    if not text:
        raise ValueError("the prompt is empty; describe the image, e.g. 'a <rex-v2> dog on the beach at sunset'")
    if len(text) > MAX_PROMPT_CHARS:
        raise ValueError(f"the prompt has {len(text)} characters; keep it under {MAX_PROMPT_CHARS} "
                         "(the text encoder reads only the first 77 tokens anyway)")
    return text


class Generator:
    def __init__(self, base_source: str, device: Device | None = None):
        self.base_source = base_source
        self.base = base_name(base_source)
        self.device = device or Device.detect()
        self._pipe = None
        self._active: Checkpoint | None = None

    @property
    def pipe(self):
        if self._pipe is None:
            self._pipe = load_base(self.base_source, self.device)
        return self._pipe

    def activate(self, checkpoint: Checkpoint | None):
        """The pipeline with `checkpoint` applied (None: the plain base)."""
        if checkpoint == self._active:
            return self.pipe
        if self._active is not None:
            self._undo(self._active)
            self._active = None
        if checkpoint is not None:
            try:
                apply_checkpoint(self.pipe, checkpoint, self.base)
            except CheckpointError:
                self._undo(checkpoint)
                raise
            self._active = checkpoint
        return self.pipe

    def _undo(self, checkpoint: Checkpoint) -> None:
        """Take `checkpoint` (applied or half-applied) out of the pipeline."""
        if checkpoint.kind in MODIFIES_BASE:
            self._pipe = None  # weights were overwritten: load the base again
        else:
            remove_checkpoint(self.pipe, checkpoint)

    def generate(self, prompt: str, checkpoint: Checkpoint | None = None, settings: Settings = Settings(),
                 progress: Callable[[int, int], None] | None = None, show_bar: bool = False):
        """One image (PIL) for `prompt`; `progress(step, total)` is called after each denoising step."""
        return self.generate_many([prompt], checkpoint, settings, [settings.seed], progress, show_bar)[0]

    def generate_many(self, prompts: list[str], checkpoint: Checkpoint | None, settings: Settings,
                      seeds: list[int], progress: Callable[[int, int], None] | None = None,
                      show_bar: bool = False) -> list:
        """One image per prompt, in one batch; image i is what `generate(prompts[i], seed=seeds[i])` draws."""
        prompts = [check_prompt(p) for p in prompts]
        pipe = self.activate(checkpoint)
        bar = tqdm(total=settings.steps, desc="denoising", unit="step", disable=not show_bar)

        def on_step(_pipe, step: int, _timestep, kwargs: dict) -> dict:
            bar.update(1)
            if progress:
                progress(step + 1, settings.steps)
            return kwargs

        generators = [torch.Generator(self.device.name).manual_seed(s) for s in seeds]
        try:
            with torch.inference_mode():
                return pipe(prompts, num_inference_steps=settings.steps, guidance_scale=settings.guidance,
                            generator=generators, callback_on_step_end=on_step).images
        finally:
            bar.close()
