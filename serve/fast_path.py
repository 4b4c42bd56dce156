"""The fast path on this machine: bf16 float compute where the CPU does it natively, int8 kernels for W8A8,
and (opt-in) compiled UNets whose artefacts are cached per process and on disk.

    dtype = cpu_float_dtype()                           # bf16 with AVX512-BF16 or AMX, else fp32
    used = use_kernels(unet, config, "cpu", "int")      # "int8 (onednn, 250 layers)" or why not
    compile_unet(unet, home)                            # diffusers' regional torch.compile, opt-in

`kernels="fake"` keeps the fake-quant forward (quantize → dequantize in float): the reference for
accuracy studies, the TAQ grid search and layers the integer kernels cannot take.
"""
from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

from quant.int8 import install_int8, int8_backend, remove_int8
from quant.model import QuantConfig
from serve.sizes import float_unet_bytes

KERNELS = ("int", "fake")
# W8A8 on the integer kernels beats the float compute at SD1.5 size (860 M UNet parameters: 2.70-3.15 s per
# step against bf16-compiled's 3.31-3.44) and loses on the bundled mini model (1.5 M: 1.89 s per image against
# fp32's 0.64), docs/results.md, Speed. Between the two it is not measured; the line is drawn here:
INT8_PAYS_FROM_PARAMS = 100_000_000


def native_bf16() -> bool:
    """Does this CPU compute bf16 matmuls in hardware (AVX512-BF16 or AMX), so bf16 beats fp32?"""
    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return torch.backends.mkldnn.is_available() and any(getattr(torch.cpu, p, lambda: False)() for p in probes)


def cpu_float_dtype() -> torch.dtype:
    """The float dtype a CPU generator computes in: `PERSONALQ_CPU_DTYPE` (fp32 | bf16), else bf16 where native."""
    chosen = os.environ.get("PERSONALQ_CPU_DTYPE", "").lower()
    if chosen and chosen not in ("fp32", "bf16"):
        raise ValueError(f"PERSONALQ_CPU_DTYPE={chosen!r} is unknown; use fp32 or bf16")
    if chosen:
        return torch.float32 if chosen == "fp32" else torch.bfloat16
    return torch.bfloat16 if native_bf16() else torch.float32


def use_kernels(unet: nn.Module, config: QuantConfig | None, device: str, kernels: str = "int") -> str:
    """Install the integer kernels on `unet`'s W8A8 layers (or take them out); says what runs."""
    if kernels not in KERNELS:
        raise ValueError(f"kernels {kernels!r} is unknown; use int or fake")
    remove_int8(unet)
    if config is None:
        return "float"
    if config.act_bits is None:
        return f"w{config.weight_bits} weight-only"
    if kernels == "fake":
        return "fake-quant"
    backend = int8_backend(device)
    if backend is None:
        return "fake-quant (no int8 kernels on this device)"
    names = install_int8(unet, backend)
    if not names:
        reason = "4-bit weights" if config.weight_bits != 8 else f"{config.quantizer} activations"
        return f"fake-quant ({reason} have no integer kernel)"
    return f"int8 ({backend}, {len(names)} layers)"


def fast_quantized_bits(base_source: str, device: str | torch.device) -> str:
    """The fastest quantized precision for this base on this device, the web app's default: TAQ's W8A8 where
    integer kernels exist and the UNet is big enough for them to pay, else 8-bit weights over the float compute."""
    params = float_unet_bytes(base_source, torch.float32) // 4
    return "w8a8" if int8_backend(device) is not None and params >= INT8_PAYS_FROM_PARAMS else "w8"


def compile_unet(unet: nn.Module, cache_dir: Path | None = None) -> nn.Module:
    """Regional `torch.compile` (diffusers' `compile_repeated_blocks`: each transformer block shape is
    compiled once and reused), in place: the compiled code lives on the cached UNet, so later requests
    reuse it; Inductor's on-disk cache (`cache_dir`) spares the next process the compile."""
    if cache_dir is not None:
        os.environ.setdefault("TORCHINDUCTOR_CACHE_DIR", str(Path(cache_dir)))
    if getattr(unet, "_personalq_compiled", False):
        return unet
    unet.compile_repeated_blocks(dynamic=False)
    unet._personalq_compiled = True
    return unet
