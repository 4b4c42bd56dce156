"""The generation path on a tiny SD1.5-layout pipeline: every checkpoint kind, switching back, refusals."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from repo_store.loader import load_checkpoint_file
from serve.checkpoints import CheckpointError
from serve.generate import Generator, Settings, check_prompt
from serve.pipeline import BaseModelError, Device, base_name, load_base
from tests.serve.conftest import add_checkpoint, lora_tensors

FAST = Settings(steps=2, seed=0, guidance=5.0)
CPU = Device("cpu", torch.float32)


def pixels(image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


@pytest.fixture(scope="module")
def generator(tiny_base):
    return Generator(str(tiny_base), CPU)


@pytest.fixture(scope="module")
def base_image(generator):
    return pixels(generator.generate("a dog on the beach", None, FAST))


def test_base_generates_deterministically(generator, base_image):
    assert base_image.shape == (16, 16, 3)  # 8 latent px × 2 (two VAE blocks: one downsample)
    assert np.array_equal(pixels(generator.generate("a dog on the beach", None, FAST)), base_image)
    other = pixels(generator.generate("a dog on the beach", None, Settings(steps=2, seed=1, guidance=5.0)))
    assert not np.array_equal(other, base_image)


def test_lora_changes_the_image_and_unloads_cleanly(generator, base_image, tiny_base, tmp_path):
    source = add_checkpoint(tmp_path, "pet-v1", "lora", lora_tensors(tiny_base), base_model=base_name(str(tiny_base)))
    checkpoint, _ = load_checkpoint_file(source)
    with_lora = pixels(generator.generate("a dog on the beach", checkpoint, FAST))
    assert np.abs(with_lora - base_image).mean() > 1.0
    assert np.array_equal(pixels(generator.generate("a dog on the beach", None, FAST)), base_image)


def test_dreambooth_full_and_delta_weights(generator, base_image, tiny_base, tmp_path):
    from diffusers import UNet2DConditionModel

    unet = UNet2DConditionModel.from_pretrained(tiny_base / "unet").state_dict()
    torch.manual_seed(2)
    tuned = {f"unet.{k}": v + 0.05 * torch.randn_like(v) for k, v in unet.items()}
    checkpoint, _ = load_checkpoint_file(add_checkpoint(tmp_path, "db-v1", "dreambooth", tuned))
    assert np.abs(pixels(generator.generate("a dog on the beach", checkpoint, FAST)) - base_image).mean() > 1.0
    assert np.array_equal(pixels(generator.generate("a dog on the beach", None, FAST)), base_image)  # base reloaded

    zero = {f"unet.{k}": torch.zeros_like(v) for k, v in unet.items()}
    delta, _ = load_checkpoint_file(add_checkpoint(tmp_path, "db-v2", "dreambooth", zero, {"format": "delta"}))
    assert np.array_equal(pixels(generator.generate("a dog on the beach", delta, FAST)), base_image)


def test_textual_inversion_adds_the_trigger_as_one_token(generator, tmp_path):
    torch.manual_seed(3)
    source = add_checkpoint(tmp_path, "ti-v1", "textual_inversion", {"<ti-v1>": torch.randn(1, 32)},
                            triggers=["<ti-v1>"])
    checkpoint, _ = load_checkpoint_file(source)
    pipe = generator.activate(checkpoint)
    assert pipe.tokenizer.tokenize("a <ti-v1> dog") == ["a</w>", "<ti-v1>", "dog</w>"]
    generator.generate("a <ti-v1> dog", checkpoint, FAST)
    pipe = generator.activate(None)
    assert "<ti-v1>" not in pipe.tokenizer.get_vocab()


def test_refusals_name_the_problem(generator, base_image, tiny_base, tmp_path):
    wrong_base, _ = load_checkpoint_file(add_checkpoint(tmp_path, "other-v1", "lora", lora_tensors(tiny_base),
                                                        base_model="stable-diffusion-xl"))
    with pytest.raises(CheckpointError, match="trained on base model 'stable-diffusion-xl'"):
        generator.generate("a dog", wrong_base, FAST)

    source = add_checkpoint(tmp_path, "tampered-v1", "lora", lora_tensors(tiny_base))
    tampered, _ = load_checkpoint_file(source)
    path = tmp_path / "tampered-v1.safetensors"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="sha256"):
        generator.generate("a dog", tampered, FAST)

    alien, _ = load_checkpoint_file(add_checkpoint(tmp_path, "alien-v1", "dreambooth",
                                                   {"unet.no_such.weight": torch.zeros(3)}))
    with pytest.raises(CheckpointError, match="another architecture"):
        generator.generate("a dog", alien, FAST)
    misplaced, _ = load_checkpoint_file(add_checkpoint(tmp_path, "vae-v1", "dreambooth", {"vae.x": torch.zeros(1)}))
    with pytest.raises(CheckpointError, match="may change"):
        generator.generate("a dog", misplaced, FAST)
    # after every refusal the base is intact
    assert np.array_equal(pixels(generator.generate("a dog on the beach", None, FAST)), base_image)


@pytest.mark.parametrize("prompt, message", [("", "empty"), ("   ", "empty"), ("x" * 2001, "2001 characters")])
def test_prompt_checks(prompt, message):
    with pytest.raises(ValueError, match=message):
        check_prompt(prompt)


def test_base_model_errors(tiny_base, tmp_path):
    import shutil

    copy = tmp_path / "base"
    shutil.copytree(tiny_base, copy)
    manifest = "".join(f"{'0' * 64}  {name}\n" for name in ["unet/config.json"])
    (copy / "manifest.sha256").write_text(manifest)
    with pytest.raises(BaseModelError, match="sha256"):
        load_base(str(copy), CPU)
    (tmp_path / "model.ckpt").write_bytes(b"x")
    with pytest.raises(BaseModelError, match="pickle"):
        load_base(str(tmp_path / "model.ckpt"), CPU)
    with pytest.raises(BaseModelError, match="offline"):  # a hub id needs allow_hub (HF_HUB_OFFLINE unset)
        load_base("runwayml/stable-diffusion-v1-5", CPU)
    with pytest.raises(BaseModelError, match="config folder"):
        load_base(str(tiny_base / "unet" / "diffusion_pytorch_model.safetensors"), CPU)
