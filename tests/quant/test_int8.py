"""Integer kernels: the same integers as the fake-quant path, int32 accumulation without overflow, exact undo."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from quant.attention import AttentionQuant
from quant.int8 import install_int8, int8_backend, int8_layers, remove_int8, to_grid
from quant.model import (
    QuantConfig,
    calibrate,
    enable_activations,
    install_processors,
    quantize_weights,
    quantized_layers,
    taq_processors,
)
from quant.packed import QuantConv2d, QuantLinear
from quant.quantizers import QuantSpec, Range, uniform_fake, uniform_params
from serve.generate import Settings
from tests.quant.test_model import inputs, tiny_unet  # noqa: F401  (fixture)

CPU = int8_backend("cpu")
needs_cpu_int8 = pytest.mark.skipif(CPU is None, reason="this CPU has no oneDNN int8 kernels with VNNI/AMX")


def with_range(layer, lo: float | None, hi: float | None, bits: int = 8):
    layer.act = QuantSpec(bits)
    layer.act_range = None if lo is None else Range(torch.tensor([lo]), torch.tensor([hi]))
    return layer


def both(layer, x, backend):
    """(fake-quant output, integer output) of one layer."""
    with torch.inference_mode():
        fake = layer(x)
        holder = nn.Sequential(layer)
        assert install_int8(holder, backend) == ["0"]
        integer = layer(x)
        remove_int8(holder)
    return fake, integer


def rel(a, b) -> float:
    return ((a.float() - b.float()).norm() / b.float().norm()).item()


@needs_cpu_int8
@pytest.mark.parametrize("lo,hi", [(-3.0, 4.0), (None, None)])  # calibrated range; dynamic (the input's own)
def test_linear_computes_the_fake_quant_result(lo, hi):
    torch.manual_seed(0)
    layer = with_range(QuantLinear(nn.Linear(64, 48), 8), lo, hi)
    x = torch.randn(3, 10, 64) * 2
    fake, integer = both(layer, x, CPU)
    assert integer.shape == fake.shape == (3, 10, 48)
    assert rel(integer, fake) < 1e-5


@needs_cpu_int8
@pytest.mark.parametrize("kernel,stride,padding", [(3, 1, 1), (3, 2, 1), (1, 1, 0)])
def test_conv_computes_the_fake_quant_result(kernel, stride, padding):
    torch.manual_seed(0)
    layer = with_range(QuantConv2d(nn.Conv2d(16, 24, kernel, stride, padding), 8), -2.5, 3.0)
    x = torch.randn(2, 16, 9, 9)
    fake, integer = both(layer, x, CPU)
    assert integer.shape == fake.shape
    assert rel(integer, fake) < 1e-5


@needs_cpu_int8
def test_extreme_products_accumulate_in_int32_without_saturation():
    """255 · 127 summed over 2880 inputs: pairwise int16 sums (no VNNI) would saturate at 32767."""
    conv = nn.Conv2d(320, 8, 3, padding=1, bias=False)
    with torch.no_grad():
        conv.weight.fill_(1.0)
        conv.weight[1::2] = -1.0
    layer = with_range(QuantConv2d(conv, 8), 0.0, 255.0)  # scale 1, zero 0: x_q = x exactly
    x = torch.full((1, 320, 4, 4), 255.0)
    _, integer = both(layer, x, CPU)
    expected = 255.0 * 320 * 9  # centre pixels see all 3×3 taps
    assert integer[0, 0, 1, 1].item() == pytest.approx(expected, rel=1e-6)
    assert integer[0, 1, 1, 1].item() == pytest.approx(-expected, rel=1e-6)


@needs_cpu_int8
def test_bf16_output_stays_close_to_the_fp32_fake_quant():
    torch.manual_seed(0)
    layer = with_range(QuantLinear(nn.Linear(128, 64), 8), -4.0, 4.0)
    x = torch.randn(32, 128)
    fake, _ = both(layer, x, CPU)
    _, integer = both(layer, x.bfloat16(), CPU)
    assert integer.dtype == torch.bfloat16
    assert rel(integer, fake) < 0.01


@needs_cpu_int8
def test_remove_gives_the_int8_weights_back_bit_exactly():
    layer = with_range(QuantConv2d(nn.Conv2d(8, 16, 3, padding=1), 8), -1.0, 1.0)
    before = layer.qweight.clone()
    holder = nn.Sequential(layer)
    install_int8(holder, CPU)
    assert layer.qweight.numel() == 0  # the packed copy is the only one held
    assert remove_int8(holder) == 1 and torch.equal(layer.qweight, before) and "forward" not in layer.__dict__


def test_only_layers_whose_input_is_quantized_on_a_uniform_grid_run_in_integers():
    unet = quantize_weights(tiny_unet(), 8)
    install_processors(unet)
    enable_activations(unet, QuantConfig(8, 8), None)
    if CPU is None:
        pytest.skip("this CPU has no oneDNN int8 kernels with VNNI/AMX")
    names = install_int8(unet, CPU)
    assert names == int8_layers(unet) and "down_blocks.0.resnets.0.conv1" in names
    assert not any(n.endswith(("to_q", "to_k", "to_v")) or n in ("conv_in", "conv_out") for n in names)
    remove_int8(unet)
    enable_activations(unet, QuantConfig(8, 8, quantizer="log"), None)
    assert install_int8(unet, CPU) == []  # a log grid is not an integer matmul


@needs_cpu_int8
def test_calibrated_unet_in_integers_matches_fake_quant(inputs):  # noqa: F811
    unet = quantize_weights(tiny_unet(), 8)
    install_processors(unet)
    with calibrate(unet) as ranges:
        unet(*inputs)
    enable_activations(unet, QuantConfig(8, 8), ranges)
    with torch.inference_mode():
        fake = unet(*inputs).sample
        install_int8(unet, CPU)
        integer = unet(*inputs).sample
    mse = (integer - fake).pow(2).mean()
    psnr = 10 * torch.log10((fake.max() - fake.min()) ** 2 / mse)
    assert psnr > 50


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device: the torch._int_mm path is tested on a GPU")
@pytest.mark.parametrize("conv", [False, True])
def test_cuda_int_mm_computes_the_fake_quant_result(conv):
    torch.manual_seed(0)
    float_layer = nn.Conv2d(32, 48, 3, 1, 1) if conv else nn.Linear(64, 48)
    layer = (QuantConv2d if conv else QuantLinear)(float_layer, 8).cuda()
    with_range(layer, -2.0, 3.0)
    layer.act_range = Range(torch.tensor([-2.0]).cuda(), torch.tensor([3.0]).cuda())
    x = (torch.randn(2, 32, 8, 8) if conv else torch.randn(40, 64)).cuda()
    fake, integer = both(layer, x, "cuda")
    assert rel(integer, fake) < 1e-4


@pytest.mark.parametrize("name,expected", [("w8", QuantConfig(8, None)), ("W4", QuantConfig(4, None)),
                                           ("bf16", None), ("w8a8", QuantConfig(8, 8))])
def test_weight_only_and_bf16_bit_names(name, expected):
    assert QuantConfig.parse(name) == expected


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
@pytest.mark.parametrize("shape", [(2, 8, 5, 7), (3, 11, 16)])  # a conv's NCHW input, a Linear's tokens
def test_fused_quantization_gives_the_eager_results(dtype, shape):
    scale, zero = torch.tensor(0.0625), torch.tensor(77.0)  # a power of two: x / scale is exact
    torch.manual_seed(0)
    ties = (torch.randint(-100, 200, shape) + 0.5) * 0.0625  # half a level: rounded half to even
    wide = torch.randn(shape) * 9  # beyond both ends of the grid too: clamped to 0 and 255
    rows = Range(torch.randn(*shape[:-1], 1) - 3, torch.rand(*shape[:-1], 1) * 4)  # a range per row
    row_scale, row_zero = uniform_params(rows, 8)
    for x in (ties.to(dtype), wide.to(dtype)):
        q = to_grid(x, scale, zero, 255)
        assert q.dtype == torch.uint8 and torch.equal(q, to_grid.fn(x, scale, zero, 255))
        assert torch.equal(uniform_fake(x, scale, zero, 255), uniform_fake.fn(x, scale, zero, 255))
        assert torch.equal(uniform_fake(x, row_scale, row_zero, 15), uniform_fake.fn(x, row_scale, row_zero, 15))
    assert to_grid.compiled not in (None, False) and uniform_fake.compiled not in (None, False)
    if len(shape) == 4:  # oneDNN's NHWC output stays NHWC
        nhwc = wide.to(dtype).contiguous(memory_format=torch.channels_last)
        q = to_grid(nhwc, scale, zero, 255)
        assert q.is_contiguous(memory_format=torch.channels_last) and torch.equal(q, to_grid.fn(nhwc, scale, zero, 255))
    eager = to_grid.fn(torch.tensor([0.5, 1.5, -100.0, 1000.0]) * 0.0625, scale, zero, 255)
    assert eager.tolist() == [77, 79, 0, 255]


def test_quantization_falls_back_to_eager_where_it_cannot_compile(monkeypatch):
    def no_compiler(*args):
        raise RuntimeError("no C++ compiler")

    monkeypatch.setattr(to_grid, "compiled", no_compiler)
    x, scale, zero = torch.randn(4, 16) * 3, torch.tensor(0.05), torch.tensor(100.0)
    assert torch.equal(to_grid(x, scale, zero, 255), to_grid.fn(x, scale, zero, 255))
    assert to_grid.compiled is False  # not tried again


def test_float_self_attention_keeps_attn1_math_float_and_integers_match_fake_quant(inputs):  # noqa: F811
    unet = quantize_weights(tiny_unet(), 8)
    install_processors(unet)
    with calibrate(unet) as ranges:
        unet(*inputs)
    with torch.inference_mode():
        enable_activations(unet, QuantConfig(8, 8), ranges)
        quantized_attn1 = unet(*inputs).sample
        enable_activations(unet, QuantConfig(8, 8, self_attention="float"), ranges)
        fake = unet(*inputs).sample
    processors = taq_processors(unet)
    attn1 = [p for n, p in processors.items() if ".attn1." in n]
    attn2 = [p for n, p in processors.items() if ".attn2." in n]
    assert attn1 and all(p.quant == AttentionQuant() and p.ranges == {} for p in attn1)
    assert attn2 and all(p.quant.probs is not None and "q" in p.ranges for p in attn2)
    layers = quantized_layers(unet)
    assert all(layers[n].act is not None for n in layers if ".attn1.to_out" in n)  # its Linear input stays 8-bit
    assert not torch.equal(fake, quantized_attn1)
    assert Settings(bits="w8a8").taq.self_attention == "float"  # what serving uses
    if CPU is None:
        pytest.skip("this CPU has no oneDNN int8 kernels with VNNI/AMX")
    with torch.inference_mode():
        install_int8(unet, CPU)
        integer = unet(*inputs).sample
    mse = (integer - fake).pow(2).mean()
    assert 10 * torch.log10((fake.max() - fake.min()) ** 2 / mse) > 50
