"""Size estimates: how many bytes a UNet will take in memory, known from its files before loading it.

The model cache (`serve.cache.ModelCache`) makes room for a model before building it, so a model is
never loaded past the memory budget; these functions read only safetensors headers.
"""
from __future__ import annotations

from pathlib import Path

import torch
from safetensors import safe_open


def file_tensor_bytes(path: Path, float_dtype: torch.dtype | None = None) -> int:
    """Bytes the tensors of a safetensors file take in memory (float tensors counted at `float_dtype`)."""
    sizes = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}
    total = 0
    with safe_open(str(path), framework="pt") as f:
        for key in f.keys():
            piece = f.get_slice(key)
            numel = 1
            for d in piece.get_shape():
                numel *= d
            kind = piece.get_dtype()
            size = float_dtype.itemsize if float_dtype is not None and kind.startswith(("F", "BF")) else sizes[kind]
            total += numel * size
    return total


def unet_files(base_source: str) -> list[Path]:
    """The safetensors files of the base's UNet (a folder's unet/, or the single checkpoint file)."""
    path = Path(base_source.split("::")[0])
    return sorted((path / "unet").glob("*.safetensors")) if path.is_dir() else [path]


def float_unet_bytes(base_source: str, dtype: torch.dtype) -> int:
    """Bytes the base's float UNet will take at `dtype` (0 when its files cannot be found)."""
    files = [f for f in unet_files(base_source) if f.is_file()]
    return sum(file_tensor_bytes(f, dtype) for f in files) if files else 0
