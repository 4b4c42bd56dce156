"""Packed int8/int4 weights: round trips, real byte counts, and layers that behave like the float ones."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from quant.packed import QuantConv2d, QuantLinear, pack_int4, quantize_weight, tensor_bytes, unpack_int4


@pytest.mark.parametrize("n", [1, 2, 7, 64])
def test_int4_pack_round_trip(n):
    values = torch.randint(-8, 8, (5, n), dtype=torch.int8)
    packed = pack_int4(values)
    assert packed.dtype == torch.uint8 and packed.shape == (5, (n + 1) // 2)
    assert torch.equal(unpack_int4(packed, n), values)


@pytest.mark.parametrize("bits,tolerance", [(8, 1 / 127), (4, 1 / 7)])
def test_linear_weight_error_within_half_a_step_per_channel(bits, tolerance):
    torch.manual_seed(0)
    linear = nn.Linear(64, 16)
    layer = QuantLinear(linear, bits)
    top = linear.weight.abs().amax(dim=1, keepdim=True)
    error = (layer.dequantized_weight() - linear.weight).abs()
    assert (error <= top * tolerance / 2 + 1e-7).all()
    x = torch.randn(3, 64)
    bound = (top * tolerance / 2).T * x.abs().sum(dim=1, keepdim=True)  # Σ|Δw|·|x| per output
    assert ((layer(x) - linear(x)).abs() <= bound + 1e-5).all()


def test_float_weight_is_gone_and_bytes_are_real():
    linear = nn.Linear(256, 128, bias=False)
    w8, w4 = QuantLinear(linear, 8), QuantLinear(linear, 4)
    assert w8.weight is None and w8.qweight.dtype == torch.int8
    assert tensor_bytes(linear) == 256 * 128 * 4
    assert tensor_bytes(w8) == 256 * 128 + 128 * 4  # int8 weights + one fp32 scale per output channel
    assert tensor_bytes(w4) == 256 * 128 // 2 + 128 * 4
    assert isinstance(w8, nn.Linear)  # PEFT wraps it like any Linear


def test_conv_matches_float_conv():
    torch.manual_seed(0)
    conv = nn.Conv2d(8, 16, 3, padding=1, stride=2)
    layer = QuantConv2d(conv, 8)
    x = torch.randn(2, 8, 10, 10)
    assert layer(x).shape == conv(x).shape
    assert torch.allclose(layer(x), conv(x), atol=0.01)


def test_quantize_weight_is_symmetric_per_output_channel():
    weight = torch.tensor([[1.0, -0.5], [0.005, 0.02]])
    q, scale = quantize_weight(weight, 8)
    assert q.tolist() == [[127, -64], [32, 127]]
    assert torch.allclose(scale.squeeze(1), torch.tensor([1 / 127, 0.02 / 127]))


def test_weight_bits_other_than_8_or_4_are_refused():
    with pytest.raises(ValueError, match="8 or 4"):
        QuantLinear(nn.Linear(4, 4), 6)
