"""Activation ranges per timestep group (TFMQ-DM): which calibrated range is used at which timestep, and the
round trip of calibrated ranges through the on-disk store."""
from __future__ import annotations

import pytest
import torch

from quant.attention import BOS, END, OTHER, TRIGGER
from quant.model import (QuantConfig, calibrate, enable_activations, install_processors, quantize_weights,
                         quantized_layers, taq_processors, timestep_group, timestep_view)
from tests.quant.test_model import tiny_unet

TIME_LAYER = "time_embedding.linear_1"  # its input is the sinusoidal embedding of the timestep itself


def test_timestep_groups_split_the_training_timesteps_evenly():
    assert [timestep_group(t, 4) for t in (0, 249, 250, 499, 500, 999)] == [0, 0, 1, 1, 2, 3]
    assert timestep_group(1000, 4) == 3 and timestep_group(-5, 4) == 0  # clamped to the ends
    assert {timestep_group(t, 1) for t in (0, 500, 999)} == {0}
    assert [timestep_group(t, 10) for t in (1, 101, 901, 981)] == [0, 1, 9, 9]


def test_a_view_merges_the_calibrated_timesteps_of_its_group():
    ranges = {"a": [-4.0, 4.0], "a@t100": [-1.0, 1.0], "a@t200": [-3.0, 0.5], "a@t900": [-4.0, 4.0], "k": [0.0, 2.0]}
    assert timestep_view(ranges, 0, 2) == {"a": [-3.0, 1.0], "k": [0.0, 2.0]}
    assert timestep_view(ranges, 1, 2) == {"a": [-4.0, 4.0], "k": [0.0, 2.0]}
    assert timestep_view(ranges, 2, 10) == {"a": [-3.0, 0.5], "k": [0.0, 2.0]}
    assert timestep_view(ranges, 5, 10) == {"a": [-4.0, 4.0], "k": [0.0, 2.0]}  # no calibrated step: every step's


@pytest.fixture(scope="module")
def calibrated():
    unet = quantize_weights(tiny_unet(), 8)
    install_processors(unet)
    torch.manual_seed(3)
    x, text = torch.randn(1, 4, 8, 8), torch.randn(1, 77, 32)
    classes = torch.full((1, 77), OTHER)
    classes[0, 0], classes[0, 2:4], classes[0, 9:] = BOS, TRIGGER, END
    with calibrate(unet) as ranges:
        for t in (100, 900):
            unet(x, torch.tensor([t]), text, cross_attention_kwargs={"token_classes": classes})
    return unet, ranges, (x, text)


def _bounds(r) -> list[float]:
    return [float(r.lo.item()), float(r.hi.item())]


def test_calibration_records_each_timestep_and_their_union(calibrated):
    unet, ranges, _ = calibrated
    early, late = ranges[f"{TIME_LAYER}@t100"], ranges[f"{TIME_LAYER}@t900"]
    assert early != late  # the timestep embedding's range does change with t
    assert ranges[TIME_LAYER] == [min(early[0], late[0]), max(early[1], late[1])]
    q = next(n for n in taq_processors(unet) if n.endswith("attn2.processor"))
    assert f"{q}:q@t100" in ranges and f"{q}:q@t900" in ranges
    assert not any(":k:" in k and "@t" in k for k in ranges)  # K and V depend on the prompt, not the timestep


def test_each_call_uses_its_timestep_groups_ranges(calibrated):
    unet, ranges, (x, text) = calibrated
    layer = quantized_layers(unet)[TIME_LAYER]
    attn2 = next(p for n, p in taq_processors(unet).items() if n.endswith("attn2.processor"))
    attn2_name = next(n for n in taq_processors(unet) if n.endswith("attn2.processor"))
    enable_activations(unet, QuantConfig(8, 4, act_scope="all", timestep_groups=4), ranges)
    assert _bounds(layer.act_range) == ranges[TIME_LAYER]  # before any call: the range over every timestep
    with torch.inference_mode():
        for t, expected in ((120, "@t100"), (910, "@t900"), (600, "")):  # group 2 of 4 had no calibration step
            unet(x, torch.tensor([t]), text)
            assert _bounds(layer.act_range) == ranges[f"{TIME_LAYER}{expected}"]
            assert _bounds(attn2.ranges["q"]) == ranges[f"{attn2_name}:q{expected}"]
            assert _bounds(attn2.ranges["k"]) == [min(v[0] for k, v in ranges.items() if k.startswith(f"{attn2_name}:k:")),
                                                  max(v[1] for k, v in ranges.items() if k.startswith(f"{attn2_name}:k:"))]
    assert len(unet._forward_pre_hooks) == 1
    enable_activations(unet, QuantConfig(8, 4, act_scope="all"), ranges)  # one range again: the hook is gone
    assert not unet._forward_pre_hooks
    with torch.inference_mode():
        unet(x, torch.tensor([120]), text)
    assert _bounds(layer.act_range) == ranges[TIME_LAYER]
    enable_activations(unet, QuantConfig(8, None, timestep_groups=4), ranges)  # float activations: no hook
    assert not unet._forward_pre_hooks and layer.act is None


def test_per_timestep_ranges_change_the_output_and_survive_the_store(calibrated, tmp_path):
    from serve.quant_store import QuantStore

    unet, ranges, (x, text) = calibrated
    store = QuantStore(tmp_path, "tiny-base")
    config = QuantConfig(8, 4, act_scope="all", timestep_groups=10)
    store.save_ranges(None, config, ranges, 1.0)
    loaded = store.load_ranges(None, config)
    assert loaded == ranges  # every per-timestep key, exactly

    def output(cfg, r):
        enable_activations(unet, cfg, r)
        with torch.inference_mode():
            return unet(x, torch.tensor([100]), text).sample

    grouped = output(config, ranges)
    assert torch.equal(grouped, output(config, loaded))
    assert not torch.equal(grouped, output(QuantConfig(8, 4, act_scope="all"), ranges))


@pytest.mark.parametrize("value", [0, 1001, 2.5, True])
def test_bad_timestep_groups_name_the_field(value):
    with pytest.raises(ValueError, match="timestep_groups"):
        QuantConfig(timestep_groups=value)


def test_the_setting_is_named_and_reaches_the_config():
    from errors import InputError
    from serve.generate import Settings

    assert QuantConfig(8, 4, timestep_groups=10).name.endswith("-t10")
    assert not QuantConfig(8, 4).name.endswith("-t1")
    assert Settings(bits="w8a4", timestep_groups=5).taq.timestep_groups == 5
    with pytest.raises(InputError, match="timestep_groups=0"):
        Settings(bits="w8a4", timestep_groups=0)
