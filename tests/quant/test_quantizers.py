"""Quantize → dequantize error bounds for the uniform and logarithmic quantizers."""
from __future__ import annotations

import pytest
import torch

from quant.quantizers import QuantSpec, Range, fake_quantize, log_params, observe, uniform_params


@pytest.mark.parametrize("bits", [2, 3, 4, 6, 8])
@pytest.mark.parametrize("granularity", ["tensor", "channel", "row"])
def test_uniform_error_is_at_most_half_a_step(bits, granularity):
    torch.manual_seed(bits)
    x = torch.randn(6, 5, 32) * torch.linspace(0.1, 10, 32)
    spec = QuantSpec(bits, "uniform", granularity, axis=1)
    scale, _ = uniform_params(observe(x, spec), bits)
    error = (fake_quantize(x, spec) - x).abs()
    assert (error <= scale / 2 + 1e-5).all()
    assert error.max() > 0  # it does quantize


@pytest.mark.parametrize("bits", [2, 4, 8])
def test_uniform_uses_at_most_2_to_the_b_levels_per_group(bits):
    x = torch.randn(4, 300)
    out = fake_quantize(x, QuantSpec(bits, "uniform", "row"))
    for row in out:
        assert len(torch.unique(row)) <= 2**bits


def test_granularity_decides_which_axes_share_a_range():
    x = torch.randn(3, 4, 5)
    assert observe(x, QuantSpec(8, granularity="tensor")).hi.shape == (1, 1, 1)
    assert observe(x, QuantSpec(8, granularity="row")).hi.shape == (3, 4, 1)
    assert observe(x, QuantSpec(8, granularity="channel", axis=1)).hi.shape == (1, 4, 1)


def test_uniform_with_a_calibrated_range_clips_outside_it():
    x = torch.tensor([-5.0, -1.0, 0.0, 0.5, 1.0, 5.0])
    out = fake_quantize(x, QuantSpec(8), Range(torch.tensor([-1.0]), torch.tensor([1.0])))
    assert out[0].item() == pytest.approx(-1.0, abs=1e-2) and out[-1].item() == pytest.approx(1.0, abs=1e-2)
    assert out[2].item() == 0.0  # zero is exactly representable


@pytest.mark.parametrize("bits", [4, 6, 8])
def test_log_relative_error_within_half_a_level(bits):
    torch.manual_seed(0)
    x = torch.rand(2000) * 0.99 + 0.01  # probabilities-like, non-negative
    spec = QuantSpec(bits, "log")
    scale, _, eps = log_params(observe(x, spec), bits)
    out = fake_quantize(x, spec)
    big = x > eps * 2**4  # well above the grid's floor, where the error is relative
    ratio = (out[big] + eps) / (x[big] + eps)
    bound = 2 ** (scale.item() / 2) + 1e-4
    assert (ratio <= bound).all() and (ratio >= 1 / bound).all()


def test_log_keeps_zero_sign_and_maximum():
    x = torch.tensor([-3.0, -0.25, 0.0, 0.5, 3.0])
    out = fake_quantize(x, QuantSpec(4, "log"))
    assert out[2].item() == pytest.approx(0.0, abs=1e-6)
    assert torch.equal(torch.sign(out), torch.sign(x))
    assert out[0].item() == pytest.approx(-3.0, rel=1e-5) and out[-1].item() == pytest.approx(3.0, rel=1e-5)


def test_log_powers_of_two_at_four_bits_unsigned():
    """4 bits, non-negative: 16 levels one octave apart, so powers of two survive up to ε = max·2^-15."""
    x = torch.tensor([1.0, 0.5, 0.25, 0.125, 2.0**-10])
    assert torch.allclose(fake_quantize(x, QuantSpec(4, "log")), x, rtol=0, atol=2.0**-15 + 1e-6)


@pytest.mark.parametrize("bad", [dict(bits=1), dict(bits=9), dict(bits=8, kind="cubic"), dict(bits=8, granularity="x")])
def test_bad_specs_are_refused(bad):
    with pytest.raises(ValueError):
        QuantSpec(**bad)
