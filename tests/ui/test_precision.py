"""The chat's precision menu: human names, and its default: TAQ's W8A8 where the integer kernels pay, else
8-bit weights over the float compute."""
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

import serve.fast_path as fast_path
from serve.generate import Settings
from ui.chat import default_bits, precision_choices


def test_labels_name_each_precision_in_words():
    assert Settings(bits="w8").label == "8-bit weights"
    assert Settings(bits="w4").label == "4-bit weights"
    assert Settings(bits="bf16").label == "full precision (bf16)"
    assert Settings(bits="w8a8").label == "8-bit, trigger protected"
    assert Settings(bits="w8a4", protect="none").label == "8-bit weights, 4-bit activations"


def test_the_8_bit_weights_are_offered_first():
    services = SimpleNamespace(generator=SimpleNamespace(device=SimpleNamespace(dtype=torch.bfloat16)))
    choices = precision_choices(services)
    assert choices[0] == ("8-bit weights, bf16 compute", "w8")
    assert [value for _, value in choices] == ["w8", "float", "w8a8", "w4a8", "w8a4", "w4a4"]
    assert choices[1] == ("full precision (bf16)", "float")


MINI_BASE = str(Path(__file__).resolve().parents[2] / "minisd" / "weights" / "base")


def services_for(base: str, device: str = "cpu"):
    return SimpleNamespace(generator=SimpleNamespace(base_source=base, device=SimpleNamespace(name=device)))


def test_the_mini_model_defaults_to_8_bit_weights_where_int8_does_not_pay():
    assert fast_path.float_unet_bytes(MINI_BASE, torch.float32) // 4 == 1_534_084  # its UNet's parameters
    assert default_bits(services_for(MINI_BASE)) == "w8"


@pytest.mark.parametrize(("params", "backend", "bits"), [
    (859_520_964, "onednn", "w8a8"),  # SD1.5's UNet on a CPU with int8 kernels: TAQ's W8A8 is the fast path
    (fast_path.INT8_PAYS_FROM_PARAMS, "onednn", "w8a8"),
    (fast_path.INT8_PAYS_FROM_PARAMS - 1, "onednn", "w8"),
    (859_520_964, None, "w8"),  # no integer kernels here: W8A8 would run fake-quant, the slowest row
])
def test_the_default_is_w8a8_where_the_integer_kernels_pay(monkeypatch, params, backend, bits):
    monkeypatch.setattr(fast_path, "float_unet_bytes", lambda base, dtype: params * dtype.itemsize)
    monkeypatch.setattr(fast_path, "int8_backend", lambda device: backend)
    assert default_bits(services_for("any-base")) == bits
