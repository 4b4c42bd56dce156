"""The two quantizers of the paper (§3.2), at 2 to 8 bits, per tensor, per channel, per row or per token.

    uniform:      x_q = clip(round(x / s) + z, 0, 2^b − 1)                 x̂ = s · (x_q − z)
    logarithmic:  x_q = clip(round(log2(|x| + ε) / s + z), 0, L − 1)        x̂ = sign(x) · (2^(s·(x_q − z)) − ε)

The logarithmic quantizer works in base 2. A tensor with negative values spends one of its b bits
on the sign (L = 2^(b−1) magnitude levels); a non-negative one (attention probabilities) uses all
of them (L = 2^b). ε = max|x| · 2^−octaves puts level 0 exactly at zero and level L−1 exactly at
max|x|, with `octaves = min(24, L − 1)`: one octave per level at 4 bits (powers of two), finer at 8.

A `Range` holds the statistics a quantizer needs (min and max, reduced over the granularity's
axes). `fake_quantize(x, spec)` computes the range from `x` itself (dynamic); pass a calibrated
`Range` for static activation ranges.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch

Kind = Literal["uniform", "log"]
Granularity = Literal["tensor", "channel", "row", "token"]


@dataclass(frozen=True)
class QuantSpec:
    bits: int
    kind: Kind = "uniform"
    granularity: Granularity = "tensor"
    axis: int = 0  # the channel axis for granularity="channel" (0: a weight's output channels)

    def __post_init__(self) -> None:
        if not 2 <= self.bits <= 8:
            raise ValueError(f"bit-width {self.bits} is not supported; use 2 to 8")
        if self.kind not in ("uniform", "log"):
            raise ValueError(f"quantizer {self.kind!r} is unknown; use 'uniform' or 'log'")
        if self.granularity not in ("tensor", "channel", "row", "token"):
            raise ValueError(f"granularity {self.granularity!r} is unknown; use tensor, channel, row or token")


@dataclass
class Range:
    lo: torch.Tensor  # min over the reduced axes (keepdim), float32
    hi: torch.Tensor  # max over the reduced axes (keepdim), float32

    def merge(self, other: Range) -> Range:
        return Range(torch.minimum(self.lo, other.lo), torch.maximum(self.hi, other.hi))


def reduce_dims(x: torch.Tensor, spec: QuantSpec) -> tuple[int, ...]:
    if spec.granularity == "tensor":
        return tuple(range(x.ndim))
    if spec.granularity == "row":
        return (x.ndim - 1,)  # one range per row (token): reduce the feature axis
    if spec.granularity == "token":  # one range per token: reduce the channels (axis 1 of a conv's NCHW input)
        return (1,) if x.ndim == 4 else (x.ndim - 1,)
    axis = spec.axis % x.ndim
    return tuple(d for d in range(x.ndim) if d != axis)


def observe(x: torch.Tensor, spec: QuantSpec) -> Range:
    dims = reduce_dims(x, spec)
    x = x.detach()  # min and max are values of x: exact in its own dtype
    return Range(x.amin(dim=dims, keepdim=True).float(), x.amax(dim=dims, keepdim=True).float())


def uniform_params(r: Range, bits: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Scale and zero-point for an affine b-bit grid that contains 0 and spans [lo, hi]."""
    lo = torch.clamp(r.lo, max=0.0)
    hi = torch.clamp(r.hi, min=0.0)
    scale = torch.clamp((hi - lo) / (2**bits - 1), min=1e-12)
    zero = torch.round(-lo / scale)
    return scale, zero


def log_levels(r: Range, bits: int) -> int:
    signed = bool((r.lo < 0).any())
    return 2 ** (bits - 1) if signed else 2**bits


def log_params(r: Range, bits: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Scale s, offset z and ε of the base-2 logarithmic grid for magnitudes up to max|x|."""
    levels = log_levels(r, bits)
    top = torch.clamp(torch.maximum(r.hi.abs(), r.lo.abs()), min=1e-12)
    octaves = min(24, levels - 1)
    eps = top * 2.0**-octaves
    lo, hi = torch.log2(eps), torch.log2(top + eps)
    scale = (hi - lo) / (levels - 1)
    return scale, -lo / scale, eps


class Fused:
    """`fn(x, scale, zero, top)`, an elementwise grid formula, as one loop over `x` on CPU: Inductor
    (`torch.compile`, dynamic shapes, cached on disk) fuses what eager PyTorch runs as five or six
    passes with float32 temporaries. Same operations, same results (`tests/quant/test_int8.py`).
    Inputs are brought to two shapes, so a few kernels serve every layer: a per-tensor grid over x
    flattened (in memory order: an NHWC tensor stays NHWC), a per-row grid (scale [..., 1]) over x as
    [rows, last dim]. Other shapes, other devices,
    and a machine where Inductor cannot compile (no C++ compiler: logged once) run `fn` eagerly."""

    def __init__(self, fn):
        self.fn = fn
        self.compiled = None  # the compiled fn; False once compiling failed

    def __call__(self, x: torch.Tensor, scale: torch.Tensor, zero: torch.Tensor, top: int) -> torch.Tensor:
        if (self.compiled is False or x.device.type != "cpu" or x.numel() == 0
                or (x.requires_grad and torch.is_grad_enabled())):
            return self.fn(x, scale, zero, top)
        channels_last = x.ndim == 4 and not x.is_contiguous() and x.is_contiguous(memory_format=torch.channels_last)
        if scale.numel() == 1 and channels_last:  # oneDNN's convolutions write NHWC: keep it, no copy
            nhwc = x.permute(0, 2, 3, 1)
            args = nhwc.reshape(-1), scale.reshape(()), zero.reshape(())
        elif scale.numel() == 1:
            args = x.reshape(-1), scale.reshape(()), zero.reshape(())
        elif scale.shape == (*x.shape[:-1], 1):
            args = x.reshape(-1, x.shape[-1]), scale.reshape(-1, 1), zero.reshape(-1, 1)
        else:
            return self.fn(x, scale, zero, top)
        try:
            if self.compiled is None:
                self.compiled = torch.compile(self.fn, dynamic=True, fullgraph=True)
            # detached, no grad: fewer variants to tell apart (dtype, rank, inference tensors or not)
            with torch.no_grad(), torch._dynamo.config.patch(recompile_limit=32):
                out = self.compiled(*(t.detach() for t in args), top)
        except torch._dynamo.exc.FailOnRecompileLimitHit:  # one more shape than the kernels kept: eager
            return self.fn(x, scale, zero, top)
        except Exception as err:  # noqa: BLE001  (Inductor needs a working C++ compiler)
            import logging

            logging.getLogger(__name__).warning("fused quantization unavailable, eager instead: %s", err)
            self.compiled = False
            return self.fn(x, scale, zero, top)
        return out.reshape(nhwc.shape).permute(0, 3, 1, 2) if channels_last and scale.numel() == 1 else out.reshape(x.shape)


def uniform_grid(x: torch.Tensor, scale: torch.Tensor, zero: torch.Tensor, top) -> torch.Tensor:
    """The uniform grid's integer levels of x as float32: clamp(round(x / scale) + zero, 0, top); the one formula
    of the fake-quant path (`uniform_fake`) and the integer kernels' inputs (`quant.int8.to_grid`)."""
    return torch.clamp(torch.round(x.float() / scale) + zero, 0, top)


def _uniform_fake(x: torch.Tensor, scale: torch.Tensor, zero: torch.Tensor, top) -> torch.Tensor:
    return (scale * (uniform_grid(x, scale, zero, top) - zero)).to(x.dtype)


uniform_fake = Fused(_uniform_fake)


def fake_quantize(x: torch.Tensor, spec: QuantSpec, r: Range | None = None) -> torch.Tensor:
    """x̂ = dequantize(quantize(x)), in x's dtype; the range comes from `x` unless given."""
    r = observe(x, spec) if r is None else r
    if spec.kind == "uniform":
        scale, zero = uniform_params(r, spec.bits)
        return uniform_fake(x, scale.to(x.device), zero.to(x.device), 2**spec.bits - 1)
    xf = x.float()
    scale, zero, eps = log_params(r, spec.bits)
    levels = log_levels(r, spec.bits)
    q = torch.clamp(torch.round(torch.log2(xf.abs() + eps) / scale + zero), 0, levels - 1)
    out = torch.sign(xf) * (torch.exp2(scale * (q - zero)) - eps)
    if levels == 2**spec.bits:  # unsigned grid: a negative input (outside the range) clips to 0
        out = torch.clamp(out, min=0.0)
    return out.to(x.dtype)
