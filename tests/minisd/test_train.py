"""`python -m minisd.train --vae-from --init-from`: a UNet trained on a reused autoencoder, warm-started from
another base, keeps that autoencoder and text encoder, and the record of how they were made (commands in
`minisd.json`, their logs ahead of the new one)."""
from __future__ import annotations

import json

import pytest
import torch

from minisd.model import MiniConfig, build_components
from minisd.train import main, save_pipeline
from serve.pipeline import verify_manifest

pytestmark = pytest.mark.slow  # trains the model

TINY = MiniConfig(text_width=32, text_layers=1, text_heads=2, unet_channels=(16, 32, 32), unet_heads=2,
                  vae_channels=(16, 16, 16), groups=8)


def _base(folder, minisd: dict, log: str, seed: int, scaling: float):
    torch.manual_seed(seed)
    parts = build_components(TINY)
    parts["vae"].register_to_config(scaling_factor=scaling)
    save_pipeline(parts, folder)
    (folder / "minisd.json").write_text(json.dumps({"name": "minisd-64", **minisd}))
    (folder / "train.log").write_text(log)


def _weights(model) -> list[torch.Tensor]:
    return [v.float() for v in model.state_dict().values()]


def test_reused_parts_are_kept_warm_started_unet_trains_and_history_is_recorded(tmp_path):
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextModel

    ae, init, out = tmp_path / "ae", tmp_path / "init", tmp_path / "base"
    _base(ae, {"command": "python -m minisd.train --images 40000",
               "autoencoder": {"command": "python -m minisd.decoder --steps 1800 --encoder-too"}},
          "[autoencoder 1 s] round trip after: 80%\n", seed=0, scaling=0.731)
    _base(init, {"command": "python -m minisd.train --unet-steps 2200"}, "[1 s] unet step 2200/2200\n", seed=1,
          scaling=1.0)
    main(["--images", "8", "--unet-steps", "2", "--batch", "2", "--vae-from", str(ae / "vae"),
          "--init-from", str(init), "--out", str(out)])

    info = json.loads((out / "minisd.json").read_text())
    assert info["command"].endswith(f"--vae-from {ae / 'vae'} --init-from {init}")
    assert info["vae_from"] == {"path": str(ae / "vae"), "command": "python -m minisd.train --images 40000",
                                "autoencoder": {"command": "python -m minisd.decoder --steps 1800 --encoder-too"}}
    assert info["init_from"] == {"path": str(init), "command": "python -m minisd.train --unet-steps 2200"}
    log = (out / "train.log").read_text()
    assert log.index("round trip after: 80%") < log.index("unet step 2200/2200") < log.index("# this run") \
        < log.index("loaded from") < log.index("saved")
    verify_manifest(out)

    vae = AutoencoderKL.from_pretrained(str(out / "vae"))
    assert vae.config.scaling_factor == 0.731
    assert all(torch.equal(a, b) for a, b in zip(_weights(vae), _weights(AutoencoderKL.from_pretrained(str(ae / "vae")))))
    text = CLIPTextModel.from_pretrained(str(out / "text_encoder"))
    assert all(torch.equal(a, b) for a, b in zip(_weights(text),
                                                 _weights(CLIPTextModel.from_pretrained(str(init / "text_encoder")))))
    unet, start = UNet2DConditionModel.from_pretrained(str(out / "unet")), UNet2DConditionModel.from_pretrained(str(init / "unet"))
    assert tuple(unet.config.block_out_channels) == tuple(start.config.block_out_channels) == TINY.unet_channels
    assert any(not torch.equal(a, b) for a, b in zip(_weights(unet), _weights(start)))  # it trained on


def test_a_log_another_reused_log_contains_is_written_once(tmp_path):
    ae, out = tmp_path / "ae", tmp_path / "base"
    _base(ae, {"command": "python -m minisd.train"}, "[1 s] run 1\n[2 s] run 2\n", seed=0, scaling=1.0)
    main(["--images", "4", "--unet-steps", "1", "--batch", "2", "--vae-from", str(ae / "vae"), "--init-from", str(ae),
          "--out", str(out)])
    log = (out / "train.log").read_text()
    assert log.count("run 1") == 1 and log.count("# history of a reused part") == 1
