"""Decoder-only fine-tuning: the latent space (encoder) must not move, the reconstructions must improve,
and the CLI must leave a base folder that still verifies and loads."""
from __future__ import annotations

import json
import random

import pytest
import torch
import torch.nn.functional as F

from minisd.decoder import finetune_decoder, main
from minisd.evaluator import as_float, to_pixels
from minisd.model import MiniConfig, build_components
from minisd.train import save_pipeline
from minisd.world import render, sample_scene

pytestmark = pytest.mark.slow  # trains the autoencoder

TINY = MiniConfig(text_width=32, text_layers=1, text_heads=2, unet_channels=(16, 32, 32), unet_heads=2,
                  vae_channels=(16, 16, 16), groups=8)


def _pixels(count: int) -> torch.Tensor:
    rng = random.Random(3)
    return to_pixels([render(sample_scene(rng), n) for n in range(count)])


def _error(vae, pixels: torch.Tensor) -> float:
    with torch.no_grad():
        x = as_float(pixels)
        return F.l1_loss(vae.decode(vae.encode(x).latent_dist.mean).sample, x).item()


def test_decoder_finetuning_keeps_the_encoder_and_lowers_reconstruction_error():
    torch.manual_seed(0)
    vae = build_components(TINY)["vae"].eval()
    encoder = {k: v.clone() for k, v in vae.state_dict().items() if k.startswith(("encoder.", "quant_conv."))}
    pixels = _pixels(16)
    before = _error(vae, pixels)
    tuned = finetune_decoder(vae, pixels, steps=60, batch=8, lr=3e-3, log=lambda _: None)
    for key, value in tuned.state_dict().items():
        if key in encoder:
            assert torch.equal(value, encoder[key]), key  # same latent space: UNet and checkpoints stay valid
    assert _error(tuned, pixels) < 0.85 * before


def test_cli_rewrites_the_vae_and_a_manifest_that_verifies(tmp_path, monkeypatch):
    from diffusers import StableDiffusionPipeline
    from safetensors.torch import load_file

    from minisd import decoder
    from serve.pipeline import verify_manifest

    torch.manual_seed(0)
    base = tmp_path / "base"
    parts = build_components(TINY)
    parts["vae"].register_to_config(scaling_factor=1.0)
    save_pipeline(parts, base)
    (base / "minisd.json").write_text(json.dumps({"name": "minisd-64"}))
    (base / "train.log").write_text("earlier run\n")
    old = (base / "vae" / "diffusion_pytorch_model.safetensors").read_bytes()
    monkeypatch.setattr(decoder, "load_evaluator", lambda: _Blind())
    main(["--images", "12", "--steps", "3", "--batch", "4", "--check-images", "8", "--base", str(base)])
    assert (base / "vae" / "diffusion_pytorch_model.safetensors").read_bytes() != old
    verify_manifest(base)
    info = json.loads((base / "minisd.json").read_text())
    assert info["name"] == "minisd-64" and info["decoder"]["command"].startswith("python -m minisd.decoder --images 12")
    log = (base / "train.log").read_text()
    assert log.startswith("earlier run\n") and "round trip after" in log
    pipe = StableDiffusionPipeline.from_pretrained(str(base), local_files_only=True, safety_checker=None,
                                                   requires_safety_checker=False)
    assert pipe.vae.config.scaling_factor == 1.0
    stored = load_file(str(base / "vae" / "diffusion_pytorch_model.safetensors"))
    assert {v.dtype for v in stored.values()} == {torch.float16}


class _Blind(torch.nn.Module):
    """An evaluator stand-in that always answers the first value (the CLI only logs its score)."""

    def forward(self, images):
        from minisd.evaluator import HEADS

        return {head: torch.zeros(len(images), len(values)) for head, values in HEADS.items()}


def test_encoder_too_moves_the_latent_space_and_lowers_reconstruction_error():
    torch.manual_seed(0)
    vae = build_components(TINY)["vae"].eval()
    encoder = {k: v.clone() for k, v in vae.state_dict().items() if k.startswith("encoder.")}
    pixels = _pixels(16)
    before = _error(vae, pixels)
    tuned = finetune_decoder(vae, pixels, steps=60, batch=8, lr=3e-3, log=lambda _: None, encoder_too=True)
    moved = [k for k, v in tuned.state_dict().items() if k in encoder and not torch.equal(v, encoder[k])]
    assert len(moved) == len(encoder)
    assert _error(tuned, pixels) < 0.85 * before


def test_cli_encoder_too_records_itself_and_rescales_the_latents(tmp_path, monkeypatch):
    from minisd import decoder

    torch.manual_seed(0)
    base = tmp_path / "base"
    parts = build_components(TINY)
    parts["vae"].register_to_config(scaling_factor=1.0)
    save_pipeline(parts, base)
    (base / "minisd.json").write_text(json.dumps({"name": "minisd-64"}))
    monkeypatch.setattr(decoder, "load_evaluator", lambda: _Blind())
    main(["--images", "12", "--steps", "3", "--batch", "4", "--check-images", "8", "--encoder-too", "--base", str(base)])
    info = json.loads((base / "minisd.json").read_text())
    assert info["autoencoder"]["command"].endswith("--encoder-too") and "decoder" not in info
    config = json.loads((base / "vae" / "config.json").read_text())
    assert config["scaling_factor"] != 1.0 and 0.01 < config["scaling_factor"] < 1000
    assert "retrain the UNet" in (base / "train.log").read_text()
