"""The on-disk cache of quantized UNets and calibrated activation ranges, for one base model.

Quantized UNets are cached on disk under `$PERSONALQ_HOME/quant/`, keyed by the base model's
sha256, the checkpoint (only for kinds that change UNet weights; LoRA and textual-inversion
checkpoints share one quantized base) and the weight bits. Calibrated activation ranges are cached
next to them, keyed by the same plus the checkpoint; float activations are observed, so one calibration serves
every activation setting (bits, quantizer, protection). A second request
for the same checkpoint neither re-quantizes nor re-calibrates.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import torch

from quant.model import QuantConfig, load_quantized, quantize_weights, save_quantized
from repo_store.schema import Checkpoint
from serve.unets import unet_skeleton

RANGES_FORMAT = "classes-timesteps"  # ranges per token class and per timestep (older files lack them: calibrate again)


@dataclass(frozen=True)
class UNetKey:
    weights: str  # "float" | "w8" | "w4"
    owner: str  # "base", or "<checkpoint id>-<sha256[:12]>" for checkpoints that change UNet weights


def base_fingerprint(source: str) -> str:
    """sha256 that identifies the base weights: of its manifest when it has one, else of the UNet file(s)."""
    path = Path(source.split("::")[0])
    digest = hashlib.sha256()
    if path.is_dir() and (path / "manifest.sha256").is_file():
        digest.update((path / "manifest.sha256").read_bytes())
    elif path.is_dir():
        for file in sorted((path / "unet").glob("*.safetensors")):
            digest.update(file.read_bytes())
    elif path.is_file():
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    else:
        digest.update(source.encode())  # a hub id: its name is all there is offline
    return digest.hexdigest()


class QuantStore:
    """Quantized UNets and calibrated ranges on disk for one base model."""

    def __init__(self, root: Path, base_source: str):
        self.root = Path(root) / "quant"
        self.base_source = base_source
        self._fingerprint: str | None = None

    @property
    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = base_fingerprint(self.base_source)
        return self._fingerprint

    def model_path(self, key: UNetKey) -> Path:
        return self.root / "models" / f"{self.fingerprint[:16]}-{key.owner}-{key.weights}.safetensors"

    def ranges_path(self, checkpoint: Checkpoint | None, config: QuantConfig) -> Path:
        """Ranges are observed in float activations: they depend on the weights, not on the activation settings."""
        owner = owner_name(checkpoint, always=True)
        return self.root / "ranges" / f"{self.fingerprint[:16]}-{owner}-w{config.weight_bits}-{RANGES_FORMAT}.json"

    def cached(self, checkpoint: Checkpoint | None) -> list[str]:
        """What is on disk for serving `checkpoint` quantized: 'w8' / 'w4' UNets (a LoRA's is the shared
        base), and 'w8 ranges' / 'w4 ranges' when its activations are calibrated."""
        found = []
        for bits in (8, 4):
            if self.model_path(UNetKey(f"w{bits}", owner_name(checkpoint))).is_file():
                found.append(f"w{bits}")
            if self.ranges_path(checkpoint, QuantConfig(bits, 8)).is_file():
                found.append(f"w{bits} ranges")
        return found

    def load_or_quantize(self, key: UNetKey, build_float, device: str, dtype: torch.dtype):
        """The quantized UNet for `key`: from disk when cached, else quantized from `build_float()` and saved."""
        path = self.model_path(key)
        bits = int(key.weights[1:])
        if path.is_file():
            try:
                return load_quantized(path, lambda meta: unet_skeleton(json.loads(meta["unet_config"])), device, dtype)
            except (OSError, ValueError, KeyError, RuntimeError, json.JSONDecodeError):
                path.unlink(missing_ok=True)  # a damaged cache file: quantize again below
        unet = quantize_weights(build_float(), bits)
        save_quantized(unet, path, bits, {"base_sha256": self.fingerprint, "owner": key.owner,
                                          "unet_config": json.dumps(dict(unet.config))})
        return unet

    def load_ranges(self, checkpoint: Checkpoint | None, config: QuantConfig) -> dict | None:
        path = self.ranges_path(checkpoint, config)
        try:
            return json.loads(path.read_text())["ranges"] if path.is_file() else None
        except (json.JSONDecodeError, KeyError):
            return None  # damaged: calibrate again

    def save_ranges(self, checkpoint: Checkpoint | None, config: QuantConfig, ranges: dict, seconds: float) -> None:
        path = self.ranges_path(checkpoint, config)
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {"base_sha256": self.fingerprint, "checkpoint": checkpoint.id if checkpoint else None,
                  "weight_bits": config.weight_bits, "seconds": round(seconds, 2), "ranges": ranges}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record))
        tmp.replace(path)


def owner_name(checkpoint: Checkpoint | None, always: bool = False) -> str:
    """Who a UNet (or a set of ranges, with `always`) belongs to."""
    from serve.checkpoints import MODIFIES_BASE

    if checkpoint is None or (not always and checkpoint.kind not in MODIFIES_BASE):
        return "base"
    return f"{checkpoint.id}-{(checkpoint.sha256 or 'nosha')[:12]}"
