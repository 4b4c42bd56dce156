"""The fast path in serving: W8A8 on integer kernels by default, fake-quant on request, bf16 chosen at run time."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from quant.int8 import int8_backend, int8_layers
from serve.fast_path import cpu_float_dtype, native_bf16
from serve.generate import Generator, Settings
from serve.pipeline import Device

CPU = Device("cpu", torch.float32)


def settings(**kw) -> Settings:
    return Settings(steps=2, seed=0, guidance=5.0, bits="w8a8", **kw)


def pixels(image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


@pytest.mark.slow
@pytest.mark.skipif(int8_backend("cpu") is None, reason="this CPU has no oneDNN int8 kernels with VNNI/AMX")
def test_w8a8_serves_on_integer_kernels_and_fake_quant_comes_back_exactly(tiny_base, tmp_path):
    generator = Generator(str(tiny_base), CPU, tmp_path / "home")
    fake = pixels(generator.generate("a dog on the beach", None, settings(kernels="fake")))
    assert generator.kernels_used == "fake-quant" and not int8_layers(generator.pipe.unet)
    integer = pixels(generator.generate("a dog on the beach", None, settings()))
    assert generator.kernels_used.startswith("int8 (onednn, ") and int8_layers(generator.pipe.unet)
    assert np.abs(integer - fake).mean() < 1.0  # same integers, float sums in another order
    again = pixels(generator.generate("a dog on the beach", None, settings(kernels="fake")))
    assert np.array_equal(again, fake)  # the int8 weights come back bit-exactly
    generator.generate("a dog on the beach", None, Settings(steps=2, seed=0, guidance=5.0))
    assert generator.kernels_used == "float"


def test_unknown_kernels_are_refused():
    with pytest.raises(ValueError, match="kernels 'int4' is unknown"):
        Settings(kernels="int4")


def test_cpu_float_dtype_follows_the_cpu_and_the_environment(monkeypatch):
    monkeypatch.delenv("PERSONALQ_CPU_DTYPE", raising=False)
    assert cpu_float_dtype() == (torch.bfloat16 if native_bf16() else torch.float32)
    assert Device.detect("cpu").dtype == cpu_float_dtype()
    assert Device.detect("cpu", "fp32").dtype == torch.float32
    monkeypatch.setenv("PERSONALQ_CPU_DTYPE", "fp32")
    assert Device.detect("cpu").dtype == torch.float32
    monkeypatch.setenv("PERSONALQ_CPU_DTYPE", "fp8")
    with pytest.raises(ValueError, match="PERSONALQ_CPU_DTYPE='fp8' is unknown"):
        cpu_float_dtype()
