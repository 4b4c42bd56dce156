"""Weights stored for real in 8 or 4 bits: `QuantLinear` and `QuantConv2d` replace `nn.Linear`/`nn.Conv2d`.

    qweight  int8 [out, in·k·k]            at 8 bits
             uint8 [out, ⌈in·k·k / 2⌉]      at 4 bits: two values per byte, low nibble first
    scale    float32 [out, 1]              one per output channel (symmetric: zero-point 0)

The float weight is gone (`weight` is None); forward dequantizes it on the fly, one layer at a
time, and optionally fake-quantizes its input with a calibrated per-tensor range (`act`).
`QuantLinear` is an `nn.Linear` to PEFT, so a LoRA adapter loads on top of the quantized base and
stays in full precision (PEFT finds the device in `qweight` and the dtype in `compute_dtype`).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from quant.quantizers import QuantSpec, Range, fake_quantize


def pack_int4(values: torch.Tensor) -> torch.Tensor:
    """int8 values in [-8, 7], shape [out, n] → uint8 [out, ⌈n/2⌉] (value + 8 in each nibble)."""
    out, n = values.shape
    nibbles = (values.to(torch.int16) + 8).to(torch.uint8)
    if n % 2:
        nibbles = torch.cat([nibbles, torch.full((out, 1), 8, dtype=torch.uint8, device=values.device)], dim=1)
    return nibbles[:, 0::2] | (nibbles[:, 1::2] << 4)


def unpack_int4(packed: torch.Tensor, n: int) -> torch.Tensor:
    """Inverse of `pack_int4`: uint8 [out, ⌈n/2⌉] → int8 [out, n]."""
    low = (packed & 0x0F).to(torch.int8) - 8
    high = (packed >> 4).to(torch.int8) - 8
    return torch.stack([low, high], dim=-1).reshape(packed.shape[0], -1)[:, :n]


def quantize_weight(weight: torch.Tensor, bits: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Symmetric per-output-channel quantization: (qweight, scale) as stored, see module docstring."""
    flat = weight.detach().float().reshape(weight.shape[0], -1)  # [out, in·k·k]
    top = 2 ** (bits - 1) - 1  # 127 or 7
    scale = torch.clamp(flat.abs().amax(dim=1, keepdim=True) / top, min=1e-12)  # [out, 1]
    q = torch.clamp(torch.round(flat / scale), -top - 1, top).to(torch.int8)
    return (pack_int4(q) if bits == 4 else q), scale


class _QuantWeight(nn.Module):
    """Shared state of the quantized layers: packed weight, scale, optional input quantizer."""

    def _init_quant(self, weight: torch.Tensor, bias: torch.Tensor | None, bits: int) -> None:
        if bits not in (4, 8):
            raise ValueError(f"weights are stored in 8 or 4 bits, not {bits}")
        self.bits = bits
        self.weight_shape = tuple(weight.shape)
        self.compute_dtype = weight.dtype if weight.dtype.is_floating_point else torch.float32
        qweight, scale = quantize_weight(weight, bits)
        self.register_parameter("weight", None)
        self.register_buffer("qweight", qweight)
        self.register_buffer("scale", scale)
        self.bias = None if bias is None else nn.Parameter(bias.detach().clone(), requires_grad=False)
        self.act: QuantSpec | None = None  # input activation quantizer, set after calibration
        self.act_range: Range | None = None  # calibrated; None = quantize with the input's own range

    def dequantized_weight(self, dtype: torch.dtype | None = None) -> torch.Tensor:
        n = 1
        for d in self.weight_shape[1:]:
            n *= d
        q = unpack_int4(self.qweight, n) if self.bits == 4 else self.qweight
        dtype = dtype or self.compute_dtype
        return (q.to(dtype) * self.scale.to(dtype)).reshape(self.weight_shape)

    def quantize_input(self, x: torch.Tensor) -> torch.Tensor:
        if self.act is None:
            return x
        return fake_quantize(x, self.act, self.act_range)

    def extra_repr(self) -> str:
        act = f", act={self.act.kind}{self.act.bits}" if self.act else ""
        return f"{self.weight_shape}, w{self.bits}{act}"


class QuantLinear(_QuantWeight, nn.Linear):
    def __init__(self, linear: nn.Linear, bits: int):
        nn.Module.__init__(self)
        self.in_features, self.out_features = linear.in_features, linear.out_features
        self._init_quant(linear.weight, linear.bias, bits)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.quantize_input(x)
        return F.linear(x, self.dequantized_weight(x.dtype), None if self.bias is None else self.bias.to(x.dtype))


class QuantConv2d(_QuantWeight, nn.Conv2d):
    def __init__(self, conv: nn.Conv2d, bits: int):
        nn.Module.__init__(self)
        for attr in ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
                     "padding_mode", "transposed", "output_padding"):
            setattr(self, attr, getattr(conv, attr))
        if conv.padding_mode != "zeros":
            raise ValueError(f"QuantConv2d supports zero padding only, not {conv.padding_mode!r}")
        self._init_quant(conv.weight, conv.bias, bits)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.quantize_input(x)
        bias = None if self.bias is None else self.bias.to(x.dtype)
        return F.conv2d(x, self.dequantized_weight(x.dtype), bias, self.stride, self.padding, self.dilation, self.groups)


def tensor_bytes(module: nn.Module) -> int:
    """Bytes held by a module's parameters and buffers (each storage counted once)."""
    seen, total = set(), 0
    for t in list(module.parameters()) + list(module.buffers()):
        key = (t.untyped_storage().data_ptr(), t.device)
        if key in seen:
            continue
        seen.add(key)
        total += t.numel() * t.element_size()
    return total
