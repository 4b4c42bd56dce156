"""Imported kohya LoRAs and A1111 embeddings on the SD1.5-layout test pipeline (real SD1.5 classes and block
types at tiny widths): they load through diffusers' converters, change the image, and a LoRA that touches only
the text encoder still changes it under TAQ (W8A8, trigger protected)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from importer import import_folder
from importer.thumbnails import generator_drawer
from repo_store import load_repository
from serve.generate import Generator, Settings
from serve.pipeline import Device
from tests.importer.conftest import embedding, kohya_lora, kohya_metadata
from tests.serve.conftest import tiny_sd15

pytestmark = pytest.mark.slow  # images drawn and calibrated on a pipeline

CPU = Device("cpu", torch.float32)


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    root = tmp_path_factory.mktemp("sd15")
    base = tiny_sd15(root / "tiny-sd15")
    src = root / "Lora"
    src.mkdir()
    tags = {"8_petx dog": {"petx": 8, "dog": 8}}
    save_file(kohya_lora(base, 1, scale=0.6), str(src / "petx_v1.safetensors"),
              metadata=kohya_metadata("petx_v1", tags, 1.7e9, 1.7e9 + 60))
    save_file(kohya_lora(base, 2, unet=False, scale=0.8), str(src / "tonex_v1.safetensors"),
              metadata=kohya_metadata("tonex_v1", {"8_tonex style": {"tonex": 8, "style": 8}}, 1.7e9, 1.7e9 + 60))
    save_file(embedding(32, 3), str(src / "spotx.safetensors"))
    generator = Generator(str(base), CPU, root / "home")
    report = import_folder(src, root / "repo", str(base), draw=generator_drawer(generator))
    return generator, report, load_repository(root / "repo")


def pixels(image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


def test_all_three_import_onto_the_sd15_layout(imported):
    _, report, loaded = imported
    assert {r.file: r.id for r in report.rows} == {"petx_v1.safetensors": "petx-v1", "spotx.safetensors": "spotx-v1",
                                                   "tonex_v1.safetensors": "tonex-v1"}
    assert loaded.ok and {c.base_model for c in loaded.checkpoints.values()} == {"tiny-sd15"}
    assert all(c.thumbnail for c in loaded.checkpoints.values())  # drawn by each checkpoint


@pytest.mark.parametrize("bits, ids", [("float", ("petx-v1", "tonex-v1", "spotx-v1")), ("w8a8", ("tonex-v1",))])
def test_each_changes_the_image_and_text_encoder_loras_survive_taq(imported, bits, ids):
    generator, _, loaded = imported
    settings = Settings(steps=2, seed=0, guidance=5.0, bits=bits)
    for ckpt_id in ids:
        checkpoint = loaded.checkpoints[ckpt_id]
        prompt = f"a {checkpoint.trigger} {checkpoint.subjects[0]} on the beach"
        base = pixels(generator.generate(prompt, None, settings))
        personal = pixels(generator.generate(prompt, checkpoint, settings))
        assert np.abs(personal - base).mean() > 1.0, (ckpt_id, bits)
    text_only = loaded.checkpoints["tonex-v1"]
    pipe = generator.activate(text_only, settings)
    assert any("lora" in name for name, _ in pipe.text_encoder.named_modules())  # applied to the text encoder
    assert not any("lora" in name for name, _ in pipe.unet.named_modules())  # and nowhere else
