"""The chat's precision menu: human names, and 8-bit weights over the float compute as the default."""
from types import SimpleNamespace

import torch

from serve.generate import Settings
from ui.chat import DEFAULT_BITS, precision_choices


def test_labels_name_each_precision_in_words():
    assert Settings(bits="w8").label == "8-bit weights"
    assert Settings(bits="w4").label == "4-bit weights"
    assert Settings(bits="bf16").label == "full precision (bf16)"
    assert Settings(bits="w8a8").label == "8-bit, trigger protected"
    assert Settings(bits="w8a4", protect="none").label == "8-bit weights, 4-bit activations"


def test_the_default_is_8_bit_weights_and_is_offered_first():
    services = SimpleNamespace(generator=SimpleNamespace(device=SimpleNamespace(dtype=torch.bfloat16)))
    choices = precision_choices(services)
    assert DEFAULT_BITS == "w8" and choices[0] == ("8-bit weights, bf16 compute", "w8")
    assert [value for _, value in choices] == ["w8", "float", "w8a8", "w4a8", "w8a4", "w4a4"]
    assert choices[1] == ("full precision (bf16)", "float")
