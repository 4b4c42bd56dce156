"""Personalization round trips on a tiny randomly initialised mini model: train a few steps of every
kind, save in the kind's format, load through the serving path, and see the output change."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from minisd.concepts import DEMO_CONCEPTS
from minisd.demo_repo import build
from minisd.model import MiniConfig, build_components
from minisd.personalize import TuneConfig
from minisd.train import save_pipeline
from repo_store.loader import load_repository
from serve.generate import Generator, Settings
from serve.pipeline import Device

pytestmark = pytest.mark.slow  # trains checkpoints

TINY = MiniConfig(text_width=32, text_layers=1, text_heads=2, unet_channels=(16, 32, 32), unet_heads=2,
                  vae_channels=(16, 16, 16), groups=8)
FAST = Settings(steps=2, seed=0, guidance=5.0)


@pytest.fixture(scope="module")
def tiny_mini(tmp_path_factory):
    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("mini") / "base"
    parts = build_components(TINY)
    parts["vae"].register_to_config(scaling_factor=1.0)
    save_pipeline(parts, folder)
    (folder / "minisd.json").write_text(json.dumps({"name": "minisd-64"}))
    return folder


def test_concepts_are_a_realistic_demo_repository():
    ids = [c.id for c in DEMO_CONCEPTS]
    assert len(ids) == len(set(ids)) >= 24
    assert len({c.subject for c in DEMO_CONCEPTS}) >= 8
    assert {c.kind for c in DEMO_CONCEPTS} == {"lora", "dreambooth", "textual_inversion"}
    dogs = {c.name for c in DEMO_CONCEPTS if c.subject == "dog"}
    assert len(dogs) >= 2  # two different dogs
    mochi = {c.style for c in DEMO_CONCEPTS if c.name.startswith("Mochi")}
    assert len(mochi) == 2  # a pet in two styles
    dusk = sorted(c.created_at for c in DEMO_CONCEPTS if c.name == "Dusk palette")
    assert [d[:7] for d in dusk] == ["2026-08", "2026-09", "2026-10"]  # monthly versions of a style
    rex = [c for c in DEMO_CONCEPTS if c.name == "Rex"]
    looks = {(c.color, c.pattern, c.accent, c.marking) for c in rex}
    assert len(looks) == len(rex) == 3  # versions differ visibly


def test_prompts_leave_the_concept_to_the_trigger():
    import random

    rex = next(c for c in DEMO_CONCEPTS if c.id == "rex-v2")
    scene = rex.scene(random.Random(0))
    assert rex.prompt(scene).startswith("a <rex-v2> dog ")
    assert "<rex-v2>" not in rex.prompt(scene, trigger=False) and "brown" not in rex.prompt(scene)
    dusk = next(c for c in DEMO_CONCEPTS if c.id == "dusk-v1")
    assert dusk.prompt(dusk.scene(random.Random(0))).endswith(", in <dusk-v1> style")


def test_each_kind_trains_saves_and_serves(tiny_mini, tmp_path):
    repo = tmp_path / "repo"
    only = {"rex-v1", "biscuit-v2", "sunny-v1"}  # lora, dreambooth, textual inversion
    assert build(repo, tiny_mini, TuneConfig(images=4, priors=8, steps=2, batch=4), seed=0, only=only,
                 log=lambda _: None) == 3
    loaded = load_repository(repo)
    assert not loaded.refused and set(loaded.checkpoints) == only
    generator = Generator(str(tiny_mini), Device("cpu", torch.float32))
    base = np.asarray(generator.generate("a dog on the grass at noon, photo", None, FAST), dtype=np.int16)
    for checkpoint in loaded.checkpoints.values():
        assert checkpoint.base_model == "minisd-64" and checkpoint.sha256
        assert (repo / f"{checkpoint.id}.png").is_file()
        image = generator.generate(f"a {checkpoint.trigger} dog on the grass at noon, photo", checkpoint, FAST)
        assert image.size == (64, 64)
    # the base is restored after the last checkpoint
    again = np.asarray(generator.generate("a dog on the grass at noon, photo", None, FAST), dtype=np.int16)
    assert np.array_equal(base, again)


def test_lora_file_is_the_diffusers_format(tiny_mini, tmp_path):
    from safetensors import safe_open

    build(tmp_path, tiny_mini, TuneConfig(images=4, priors=8, steps=1, batch=4), seed=0, only={"rex-v1"},
          log=lambda _: None)
    with safe_open(str(tmp_path / "rex-v1.safetensors"), framework="pt") as f:
        keys = list(f.keys())
        assert f.metadata()["trigger"] == "<rex-v1>"
    assert keys and all(k.startswith("unet.") and "lora" in k for k in keys)
    assert any("attn2.to_k" in k for k in keys)  # cross-attention is where the trigger acts
