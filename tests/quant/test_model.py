"""The verbs on a real diffusers UNet: quantize, calibrate (hooks removed), enable, save and reload."""
from __future__ import annotations

import pytest
import torch

from quant.model import (QuantConfig, calibrate, enable_activations, install_processors, load_quantized,
                         quantize_weights, quantized_layers, save_quantized)
from quant.packed import tensor_bytes


def tiny_unet():
    from diffusers import UNet2DConditionModel

    torch.manual_seed(0)
    return UNet2DConditionModel(sample_size=8, in_channels=4, out_channels=4, layers_per_block=1,
                                block_out_channels=(32, 64), norm_num_groups=32, cross_attention_dim=32,
                                down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
                                up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), attention_head_dim=2).eval()


@pytest.fixture(scope="module")
def inputs():
    torch.manual_seed(1)
    return torch.randn(2, 4, 8, 8), torch.tensor([500, 500]), torch.randn(2, 77, 32)


def relative_error(unet, inputs, reference, **kw) -> float:
    with torch.inference_mode():
        out = unet(*inputs, **kw).sample
    return ((out - reference).pow(2).mean() / reference.pow(2).mean()).item()


@pytest.fixture(scope="module")
def reference(inputs):
    with torch.inference_mode():
        return tiny_unet()(*inputs).sample


@pytest.mark.parametrize("bits,bound", [(8, 1e-3), (4, 0.2)])
def test_weight_quantization_error_is_bounded(inputs, reference, bits, bound):
    unet = quantize_weights(tiny_unet(), bits)
    assert set(quantized_layers(unet)) and "conv_in" not in quantized_layers(unet)  # first/last conv stay float
    assert 0 < relative_error(unet, inputs, reference) < bound


def test_calibration_removes_its_hooks_and_w8a8_stays_close(inputs, reference):
    unet = quantize_weights(tiny_unet(), 8)
    install_processors(unet)
    layers = quantized_layers(unet)
    with calibrate(unet) as ranges:
        assert any(layer._forward_pre_hooks for layer in layers.values())
        unet(*inputs)
    assert not any(layer._forward_pre_hooks for layer in layers.values())
    assert "down_blocks.0.resnets.0.conv1" in ranges and "to_q" not in " ".join(k for k in ranges if ":" not in k)
    assert any(key.endswith("attn2.processor:q") for key in ranges)
    lo, hi = ranges["down_blocks.0.resnets.0.conv1"]
    assert lo < 0 < hi
    weight_only = relative_error(unet, inputs, reference)
    enable_activations(unet, QuantConfig(8, 8), ranges)
    w8a8 = relative_error(unet, inputs, reference)
    assert weight_only < w8a8 < 0.01
    enable_activations(unet, QuantConfig(8, 4), ranges)
    assert relative_error(unet, inputs, reference) > w8a8  # 4-bit activations lose more


def test_saved_model_reloads_without_float_weights_and_gives_identical_output(inputs, tmp_path):
    unet = quantize_weights(tiny_unet(), 4)
    install_processors(unet)
    with torch.inference_mode():
        expected = unet(*inputs).sample
    path = tmp_path / "w4.safetensors"
    import json
    save_quantized(unet, path, 4, {"unet_config": json.dumps(dict(unet.config))})
    from diffusers import UNet2DConditionModel

    loaded = load_quantized(path, lambda meta: UNet2DConditionModel.from_config(json.loads(meta["unet_config"])))
    install_processors(loaded)
    with torch.inference_mode():
        assert torch.equal(loaded(*inputs).sample, expected)
    assert tensor_bytes(loaded) == tensor_bytes(unet)
    assert all(p.device.type == "cpu" for p in list(loaded.parameters()) + list(loaded.buffers()))


def test_a_file_that_is_not_a_quantized_model_is_refused(tmp_path):
    from safetensors.torch import save_file

    path = tmp_path / "other.safetensors"
    save_file({"x": torch.zeros(1)}, str(path))
    with pytest.raises(ValueError, match="not a quantized model"):
        load_quantized(path, lambda meta: tiny_unet())


@pytest.mark.parametrize("name,expected", [("w8a8", QuantConfig(8, 8)), ("W4A8", QuantConfig(4, 8)), ("fp16", None)])
def test_bits_names(name, expected):
    assert QuantConfig.parse(name) == expected
