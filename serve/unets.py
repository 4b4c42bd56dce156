"""Loading UNets: the float base UNet from its files, and an empty skeleton to load quantized weights into."""
from __future__ import annotations

from pathlib import Path

import torch

from serve.pipeline import Device, load_base


def load_float_unet(base_source: str, device: str, dtype: torch.dtype):
    """The base UNet in float, from its folder (or through the whole pipeline for single-file bases)."""
    from diffusers import UNet2DConditionModel

    path = Path(base_source.split("::")[0])
    if path.is_dir():
        unet = UNet2DConditionModel.from_pretrained(str(path / "unet"), dtype=dtype, local_files_only=True)
        return unet.to(device)
    return load_base(base_source, Device(device, dtype)).unet


def unet_skeleton(config: dict):
    """A UNet of this config with fresh weights (under `torch.device('meta')`: no memory) to load into."""
    from diffusers import UNet2DConditionModel

    return UNet2DConditionModel.from_config(config)
