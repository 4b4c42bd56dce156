"""Load a Stable Diffusion 1.5-architecture base pipeline from local files, on CPU or CUDA.

`PERSONALQ_BASE_MODEL` may be
- a diffusers folder (`model_index.json`), such as the bundled mini model `minisd/weights/base`;
- a single `.safetensors` checkpoint plus a local diffusers config folder (`FILE.safetensors::CONFIG_DIR`);
- a hub id, only when the caller allows the hub (`allow_hub`; `HF_HUB_OFFLINE=1` in AppConfig refuses it).
A folder with a `manifest.sha256` is verified file by file before loading.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import torch

from errors import PersonalQError


class BaseModelError(PersonalQError, RuntimeError):
    """The base model cannot be loaded; the message says what to do."""


@dataclass(frozen=True)
class Device:
    name: str  # "cpu" or "cuda"
    dtype: torch.dtype  # CPU: bf16 where the CPU computes it natively, else fp32 (see serve.fast_path); CUDA: fp16

    @classmethod
    def detect(cls, prefer: str | None = None, bits: str | None = None) -> Device:
        """CUDA when available (unless `prefer` is "cpu"); `bits` fp32/fp16/bf16 overrides the float dtype."""
        from serve.fast_path import cpu_float_dtype

        name = "cpu" if prefer == "cpu" or not torch.cuda.is_available() else "cuda"
        default = cpu_float_dtype() if name == "cpu" else torch.float16
        return cls(name, {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}.get(bits or "", default))


def base_name(source: str) -> str:
    """The name personalized checkpoints refer to in `base_model` (minisd.json's, else the folder's)."""
    path = Path(source.split("::")[0])
    info = path / "minisd.json"
    if info.is_file():
        return json.loads(info.read_text()).get("name", "minisd")
    return path.stem if path.suffix == ".safetensors" else path.name


def verify_manifest(folder: Path) -> None:
    """Check every file listed in `manifest.sha256`; raise BaseModelError naming the first bad one."""
    manifest = folder / "manifest.sha256"
    if not manifest.is_file():
        return
    for line in manifest.read_text().splitlines():
        expected, name = line.split(maxsplit=1)
        path = folder / name
        if not path.is_file():
            raise BaseModelError(f"base model file {path} is missing; restore it (git checkout {folder}) "
                                 "or retrain with `python -m minisd.train`")
        with path.open("rb") as f:  # streamed: a 3.4 GB SD1.5 UNet never sits in memory to be hashed
            actual = hashlib.file_digest(f, "sha256").hexdigest()
        if actual != expected:
            raise BaseModelError(f"base model file {path} fails its sha256 check in {manifest}; the file is "
                                 f"corrupted or replaced: restore it (git checkout {folder}) or retrain")


def load_base(source: str, device: Device, with_unet: bool = True, allow_hub: bool = False):
    """A `StableDiffusionPipeline` from `source` (see module docstring), without safety checker.

    `with_unet=False` leaves `pipe.unet` None for a diffusers folder: the caller brings its own UNet
    (a quantized one never needs the float weights in memory). A hub id is downloaded only with
    `allow_hub`; otherwise it is refused."""
    from diffusers import StableDiffusionPipeline

    common = dict(dtype=device.dtype, safety_checker=None, requires_safety_checker=False)
    file, _, config = source.partition("::")
    path = Path(file)
    try:
        if path.is_dir():
            if not (path / "model_index.json").is_file():
                raise BaseModelError(f"{path} is not a diffusers folder (no model_index.json); point "
                                     "PERSONALQ_BASE_MODEL at a folder saved by `save_pretrained`")
            verify_manifest(path)
            extra = {} if with_unet else {"unet": None}
            pipe = StableDiffusionPipeline.from_pretrained(str(path), local_files_only=True, **common, **extra)
        elif path.suffix == ".safetensors":
            if not path.is_file():
                raise BaseModelError(f"base model file {path} not found; fix PERSONALQ_BASE_MODEL")
            if not config or not Path(config).is_dir():
                raise BaseModelError(f"a single-file base model needs its config folder: set PERSONALQ_BASE_MODEL="
                                     f"'{path}::CONFIG_DIR' (a diffusers folder with the configs, weights optional)")
            pipe = StableDiffusionPipeline.from_single_file(str(path), config=config, local_files_only=True, **common)
        elif path.suffix in (".ckpt", ".bin", ".pt", ".pth"):
            raise BaseModelError(f"{path} is a pickle checkpoint, which can run arbitrary code when loaded; "
                                 "convert it to .safetensors first")
        elif not allow_hub or path.exists() or source.startswith(("/", ".")):
            raise BaseModelError(f"base model {source!r} is not a local diffusers folder and the hub is offline "
                                 "(HF_HUB_OFFLINE=1); set PERSONALQ_BASE_MODEL to a local folder (default: the "
                                 "bundled mini model)")
        else:
            pipe = StableDiffusionPipeline.from_pretrained(source, **common)
    except BaseModelError:
        raise
    except (OSError, ValueError, KeyError, RuntimeError) as err:
        raise BaseModelError(f"could not load base model {source!r}: {err}") from err
    pipe.set_progress_bar_config(disable=True)
    return pipe.to(device.name)
