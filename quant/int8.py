"""Integer kernels for a calibrated W8A8 UNet: the quantized Linear and Conv2d layers compute in int8.

The fake-quant path (quant/packed.py) rounds the input onto its uint8 grid, turns it back into
float and multiplies by the dequantized weight. Here the same integers go to a library kernel:

    x_q = clamp(round(x / s_x) + z_x, 0, 2^b − 1)       uint8, the fake-quant grid (calibrated or dynamic range)
    y   = s_x · s_w[o] · Σ (x_q − z_x) · w_q[o]         int8 weights as stored, int32 accumulation
          + bias                                         written out in the compute dtype (fp32 or bf16)

- x86 CPU: oneDNN's `qlinear_pointwise` / `qconv2d_pointwise` (the kernels PyTorch's x86 Inductor
  quantization lowers to), called eagerly with prepacked weights. They need VNNI or AMX: without it
  the u8·s8 products are summed in saturating int16 pairs and can overflow.
- CUDA: `torch._int_mm` (int8 × int8 → int32; convolutions as im2col + `_int_mm`), with the zero
  point folded out as `z_x · Σ w_q[o]`.

A layer runs in integers when the fake-quant path quantizes its input: 8-bit weights and a
uniform activation quantizer (a4 grids fit in uint8 too). to_q/to_k/to_v keep float inputs (TAQ
quantizes Q, K and V themselves, after the projection) and stay W8 weight-only; the attention math
(QKᵀ, softmax, A·V) stays in the TAQ processor, protected rows and columns in float; conv_in and
conv_out are float layers. The installed kernel replaces the layer's `forward`; the packed weight
replaces `qweight` (restored exactly by `remove_int8`), so the int8 weights are held once.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from quant.packed import QuantConv2d, QuantLinear
from quant.quantizers import Fused, QuantSpec, Range, uniform_grid, uniform_params


def int8_backend(device: torch.device | str) -> str | None:
    """'onednn' (x86 CPU with VNNI or AMX), 'cuda' (int8 matmul on a GPU), or None: no integer kernels here."""
    kind = torch.device(device).type
    if kind == "cuda":
        return "cuda" if torch.cuda.is_available() and hasattr(torch, "_int_mm") else None
    if kind != "cpu" or not torch.backends.mkldnn.is_available():
        return None
    if not hasattr(torch.ops.onednn, "qlinear_pointwise") or not hasattr(torch.ops.onednn, "qconv2d_pointwise"):
        return None
    vnni = getattr(torch.cpu, "_is_vnni_supported", lambda: False)()
    amx = getattr(torch.cpu, "_is_amx_tile_supported", lambda: False)()
    return "onednn" if vnni or amx else None


def _to_grid(x: torch.Tensor, scale: torch.Tensor, zero: torch.Tensor, top) -> torch.Tensor:
    return uniform_grid(x, scale, zero, top).to(torch.uint8)


# clamp(round(x / scale) + zero, 0, top) as uint8, the formula of `fake_quantize`, in one pass over x:
# eager PyTorch makes five passes with float32 temporaries, which cost more than the int8 kernel itself
to_grid = Fused(_to_grid)


def grid_params(r: Range, bits: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """(scale, zero) of a per-tensor range as 0-d float32 tensors on `device`."""
    scale, zero = uniform_params(r, bits)
    return scale.to(device).reshape(()), zero.to(device).reshape(())


def quantize_input(x: torch.Tensor, spec: QuantSpec, r: Range | None,
                   params: tuple[torch.Tensor, torch.Tensor] | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(x_q uint8, scale, zero) on the fake-quant grid of `spec` (same rounding as `fake_quantize`);
    `params`: the range's (scale, zero) when already known."""
    if r is None:
        lo, hi = torch.aminmax(x.detach())
        r = Range(lo.float().reshape(1), hi.float().reshape(1))
    scale, zero = params or grid_params(r, spec.bits, x.device)
    return to_grid(x, scale, zero, 2**spec.bits - 1), scale, zero.to(torch.int64)


class Int8Kernel:
    """The integer forward of one QuantLinear/QuantConv2d (see module docstring); installed by `install_int8`."""

    def __init__(self, layer: QuantLinear | QuantConv2d, backend: str):
        self.layer, self.backend = layer, backend
        self.conv = isinstance(layer, QuantConv2d)
        self.qweight = layer.qweight  # int8 [out, in·k·k], restored by `remove`
        self.w_scale = layer.scale.reshape(-1).float().contiguous()  # [out]
        self.w_zero = torch.zeros_like(self.w_scale, dtype=torch.int64)
        self.bias = None if layer.bias is None else layer.bias.detach().float()
        self.packed = self._pack(layer.qweight.reshape(layer.weight_shape))
        self._params: tuple = (None, None)  # (calibrated range, its (scale, zero))
        layer.qweight = torch.empty((0,), dtype=torch.int8, device=self.qweight.device)

    def _pack(self, w: torch.Tensor) -> torch.Tensor:
        if self.backend == "cuda":  # [in·k·k, out] for x_q [M, in·k·k] @ w
            flat = w.reshape(w.shape[0], -1)
            self.col_sum = flat.to(torch.int32).sum(dim=1)  # Σ w_q[o], to fold out the zero point
            return flat.t().contiguous()
        if self.conv:
            c = self.layer
            return torch.ops.onednn.qconv_prepack(w, self.w_scale, 1.0, 0, list(c.stride), list(c.padding),
                                                  list(c.dilation), c.groups, None)
        return torch.ops.onednn.qlinear_prepack(w, None)

    def remove(self) -> None:
        self.layer.qweight = self.qweight
        self.layer.__dict__.pop("forward", None)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        layer = self.layer
        r = layer.act_range
        if r is not None and self._params[0] is not r:  # a calibrated range: its grid computed once
            self._params = (r, grid_params(r, layer.act.bits, x.device))
        q, scale, zero = quantize_input(x, layer.act, r, self._params[1] if r is not None else None)
        if self.backend == "cuda":
            return self._cuda(q, scale, zero, x.dtype)
        if self.conv:
            return torch.ops.onednn.qconv2d_pointwise.tensor(
                q, scale, zero, self.packed, self.w_scale, self.w_zero, self.bias, list(layer.stride),
                list(layer.padding), list(layer.dilation), layer.groups, 1.0, 0, x.dtype, "none", [], "")
        flat = q.reshape(-1, q.shape[-1])
        out = torch.ops.onednn.qlinear_pointwise.tensor(flat, scale, zero, self.packed, self.w_scale, self.w_zero,
                                                        self.bias, 1.0, 0, x.dtype, "none", [], "")
        return out.reshape(*q.shape[:-1], out.shape[-1])

    def _cuda(self, q: torch.Tensor, scale: torch.Tensor, zero: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        layer = self.layer
        if self.conv:
            b, _, h, w = q.shape
            k = layer.kernel_size
            out_h = (h + 2 * layer.padding[0] - layer.dilation[0] * (k[0] - 1) - 1) // layer.stride[0] + 1
            out_w = (w + 2 * layer.padding[1] - layer.dilation[1] * (k[1] - 1) - 1) // layer.stride[1] + 1
            # pad with the zero point (real 0), then im2col on the shifted int8 grid
            shifted = (q.to(torch.int16) - 128).to(torch.float16)
            cols = F.unfold(shifted, k, layer.dilation, 0, layer.stride) if layer.padding == (0, 0) else F.unfold(
                F.pad(shifted, (layer.padding[1],) * 2 + (layer.padding[0],) * 2, value=float(zero - 128)),
                k, layer.dilation, 0, layer.stride)
            rows = cols.transpose(1, 2).reshape(-1, cols.shape[1]).to(torch.int8)
        else:
            rows = (q.reshape(-1, q.shape[-1]).to(torch.int16) - 128).to(torch.int8)
        m, n_in = rows.shape
        n_out = self.packed.shape[1]
        if m > 16 and n_in % 8 == 0 and n_out % 8 == 0:
            acc = torch._int_mm(rows, self.packed)
        else:  # shapes cuBLAS int8 does not take: exact integer products in float32
            acc = (rows.float() @ self.packed.float()).round().to(torch.int32)
        y = (acc - (zero - 128).to(torch.int32) * self.col_sum).float() * (scale * self.w_scale)
        if self.bias is not None:
            y = y + self.bias
        if self.conv:
            y = y.reshape(b, out_h * out_w, n_out).transpose(1, 2).reshape(b, n_out, out_h, out_w)
        else:
            y = y.reshape(*q.shape[:-1], n_out)
        return y.to(dtype)


def integer_ready(layer: nn.Module) -> bool:
    """Does the fake-quant path quantize this layer's input onto a grid the integer kernels take?"""
    return (isinstance(layer, (QuantLinear, QuantConv2d)) and layer.bits == 8 and layer.act is not None
            and layer.act.kind == "uniform" and layer.act.granularity == "tensor")


def install_int8(unet: nn.Module, backend: str) -> list[str]:
    """Swap every integer-ready layer's forward for its integer kernel; returns their names."""
    if backend not in ("onednn", "cuda"):
        raise ValueError(f"integer backend {backend!r} is unknown; use onednn or cuda")
    remove_int8(unet)
    names = []
    for name, layer in unet.named_modules():
        if integer_ready(layer):
            kernel = Int8Kernel(layer, backend)
            layer.forward = kernel  # an instance attribute: nn.Module.__call__ picks it up
            layer._int8_kernel = kernel
            names.append(name)
    return names


def remove_int8(unet: nn.Module) -> int:
    """Back to the fake-quant forward everywhere (the packed weights give the int8 weights back)."""
    count = 0
    for layer in unet.modules():
        kernel = layer.__dict__.pop("_int8_kernel", None)
        if kernel is not None:
            kernel.remove()
            count += 1
    return count


def int8_bytes(unet: nn.Module) -> int:
    """Bytes of the packed int8 weights the kernels hold (outside the module's parameters and buffers)."""
    return sum(layer._int8_kernel.packed.numel() for layer in unet.modules() if "_int8_kernel" in layer.__dict__)


def int8_layers(unet: nn.Module) -> list[str]:
    return [name for name, layer in unet.named_modules() if "_int8_kernel" in layer.__dict__]
