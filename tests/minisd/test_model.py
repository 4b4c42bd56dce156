"""The bundled mini model: SD1.5's tokenizer exactly, a verified diffusers folder, and 64×64 images."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from minisd.model import BASE_DIR, TOKENIZER_DIR
from minisd.tokenizer import build
from serve.pipeline import Device, base_name, load_base, verify_manifest

PROMPTS = ["a photo of a cat", "a <bear-v4> sitting in the park", "A Red DOG, watercolor!", "sks <rex-v2> 8-bit"]


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import CLIPTokenizer

    return CLIPTokenizer.from_pretrained(str(TOKENIZER_DIR))


def test_tokenizer_matches_stable_diffusion(tokenizer):
    assert len(tokenizer) == 49408 and tokenizer.model_max_length == 77
    assert tokenizer("a photo of a cat").input_ids == [49406, 320, 1125, 539, 320, 2368, 49407]
    assert tokenizer.tokenize("a <bear-v4> sitting") == ["a</w>", "<</w>", "bear</w>", "-</w>", "v</w>", "4</w>",
                                                         "></w>", "sitting</w>"]
    padded = tokenizer("x", padding="max_length", max_length=77).input_ids
    assert len(padded) == 77 and padded[-1] == 49407  # SD pads with <|endoftext|>


def test_built_tokenizer_equals_the_bundled_one(tokenizer, tmp_path):
    from transformers import CLIPTokenizer

    lines = (TOKENIZER_DIR / "merges.txt").read_text().splitlines()[1:]
    rebuilt = CLIPTokenizer.from_pretrained(str(build(lines, tmp_path / "tok")))
    for prompt in PROMPTS:
        assert rebuilt(prompt).input_ids == tokenizer(prompt).input_ids


def test_bundled_base_is_verified_and_small():
    verify_manifest(BASE_DIR)  # raises on any changed file
    listed = [line.split(maxsplit=1)[1] for line in (BASE_DIR / "manifest.sha256").read_text().splitlines()]
    assert sum((BASE_DIR / name).stat().st_size for name in listed) <= 60e6
    info = json.loads((BASE_DIR / "minisd.json").read_text())
    assert info["name"] == base_name(str(BASE_DIR)) == "minisd-64" and "python -m minisd.train" in info["command"]


def test_base_draws_64px_images_deterministically():
    pipe = load_base(str(BASE_DIR), Device("cpu", torch.float32))
    assert pipe.unet.config.cross_attention_dim == pipe.text_encoder.config.hidden_size
    assert type(pipe.unet).__name__ == "UNet2DConditionModel" and type(pipe.vae).__name__ == "AutoencoderKL"

    def draw(seed: int) -> np.ndarray:
        out = pipe("a red dog on the grass at noon, photo", num_inference_steps=4, guidance_scale=5.0,
                   generator=torch.Generator().manual_seed(seed))
        return np.asarray(out.images[0])

    first = draw(0)
    assert first.shape == (64, 64, 3)
    assert np.array_equal(first, draw(0)) and not np.array_equal(first, draw(1))
