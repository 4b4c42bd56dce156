"""The quantized serving path on the tiny SD1.5-layout pipeline: W8A8/W4A8 with TAQ, LoRA on a shared
quantized base, on-disk artifacts that reload identically, calibration once, and the memory budget."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from quant.model import quantized_layers
from quant.packed import tensor_bytes
from repo_store.loader import load_checkpoint_file
from serve.cache import MemoryBudgetError
from serve.generate import Generator, Settings
from serve.pipeline import Device, base_name
from serve.quant_store import UNetKey
from tests.serve.conftest import add_checkpoint, lora_tensors

pytestmark = pytest.mark.slow  # quantization and calibration of a pipeline, many images

CPU = Device("cpu", torch.float32)
PROMPT = "a <pet-v1> dog on the beach"


def settings(bits: str = "w8a8", protect: str = "trigger", **kw) -> Settings:
    return Settings(steps=2, seed=0, guidance=5.0, bits=bits, protect=protect, **kw)


def pixels(image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


@pytest.fixture(scope="module")
def lora(tiny_base, tmp_path_factory):
    repo = tmp_path_factory.mktemp("repo")
    source = add_checkpoint(repo, "pet-v1", "lora", lora_tensors(tiny_base), base_model=base_name(str(tiny_base)),
                            triggers=["<pet-v1>"])
    return load_checkpoint_file(source)[0]


@pytest.fixture()
def home(tmp_path):
    return tmp_path / "home"


def test_w8a8_runs_on_really_packed_weights(tiny_base, lora, home):
    """(Closeness to float is measured on the UNet in tests/quant/test_model.py and by `bench taq`:
    this random-weight pipeline amplifies any change into visible noise.)"""
    generator = Generator(str(tiny_base), CPU, home)
    reference = pixels(generator.generate(PROMPT, lora, settings("float")))
    float_unet = tensor_bytes(generator.pipe.unet)
    quantized = pixels(generator.generate(PROMPT, lora, settings("w8a8")))
    unet = generator.pipe.unet
    layers = quantized_layers(unet)
    assert layers and all(layer.weight is None and layer.qweight.dtype == torch.int8 for layer in layers.values())
    assert not np.array_equal(quantized, reference)
    assert np.array_equal(pixels(generator.generate(PROMPT, lora, settings("w8a8"))), quantized)  # deterministic
    assert generator.calibration_seconds is not None
    base_only = tensor_bytes(generator.models.get(UNetKey("w8", "base")))
    assert base_only < 0.5 * float_unet  # int8 vs fp32 (plus float norms, biases, first/last conv)


def test_second_generator_reuses_disk_artifacts_and_draws_the_same(tiny_base, lora, home):
    first = Generator(str(tiny_base), CPU, home)
    image = pixels(first.generate(PROMPT, lora, settings("w4a8")))
    model = first.store.model_path(UNetKey("w4", "base"))
    stamp = model.stat().st_mtime_ns
    second = Generator(str(tiny_base), CPU, home)
    again = pixels(second.generate(PROMPT, lora, settings("w4a8")))
    assert second.calibration_seconds is None  # ranges came from disk
    assert model.stat().st_mtime_ns == stamp  # not re-quantized
    assert np.array_equal(again, image)  # saved and reloaded: identical output
    assert quantized_layers(second.pipe.unet)["down_blocks.0.resnets.0.conv1"].qweight.dtype == torch.uint8  # packed int4


def test_lora_shares_one_quantized_base_and_comes_off_cleanly(tiny_base, lora, home):
    generator = Generator(str(tiny_base), CPU, home)
    base_image = pixels(generator.generate("a dog on the beach", None, settings()))
    with_lora = pixels(generator.generate("a dog on the beach", lora, settings()))
    assert np.abs(with_lora - base_image).mean() > 1.0
    lora_a = [p for n, p in generator.pipe.unet.named_parameters() if "lora_A" in n]
    assert lora_a and all(p.dtype == torch.float32 for p in lora_a)  # adapters stay in float
    assert np.array_equal(pixels(generator.generate("a dog on the beach", None, settings())), base_image)
    assert [k for k in generator.models.keys() if k.weights == "w8"] == [UNetKey("w8", "base")]


def test_trigger_protection_changes_only_what_it_protects(tiny_base, lora, home):
    generator = Generator(str(tiny_base), CPU, home)
    none = pixels(generator.generate(PROMPT, lora, settings(protect="none")))
    trigger = pixels(generator.generate(PROMPT, lora, settings(protect="trigger")))
    assert not np.array_equal(none, trigger)
    # without the trigger in the prompt, protect=trigger protects nothing: identical to protect=none where each
    # prompt's K/V get their own ranges (per row; a calibrated per-tensor range leaves the trigger out whatever
    # the prompt, so there it differs by design)
    plain_none = pixels(generator.generate("a dog on the beach", lora, settings(protect="none", kv_granularity="row")))
    plain_trigger = pixels(generator.generate("a dog on the beach", lora,
                                              settings(protect="trigger", kv_granularity="row")))
    assert np.array_equal(plain_none, plain_trigger)


def test_dreambooth_gets_its_own_quantized_unet(tiny_base, home, tmp_path):
    from diffusers import UNet2DConditionModel

    unet = UNet2DConditionModel.from_pretrained(tiny_base / "unet").state_dict()
    torch.manual_seed(2)
    tuned = {f"unet.{k}": v + 0.05 * torch.randn_like(v) for k, v in unet.items()}
    checkpoint, _ = load_checkpoint_file(add_checkpoint(tmp_path, "db-v1", "dreambooth", tuned))
    generator = Generator(str(tiny_base), CPU, home)
    base_image = pixels(generator.generate("a dog", None, settings()))
    tuned_image = pixels(generator.generate("a dog", checkpoint, settings()))
    assert np.abs(tuned_image - base_image).mean() > 1.0
    owners = {k.owner for k in generator.models.keys()}
    assert "base" in owners and any(o.startswith("db-v1-") for o in owners)


def test_cache_never_exceeds_the_budget(tiny_base, home):
    probe = Generator(str(tiny_base), CPU, home)
    probe.generate("a dog", None, settings("w8a8"))
    probe.generate("a dog", None, settings("w4a8"))  # both artifacts on disk: loading them needs no float copy
    w8 = probe.models.sizes()[UNetKey("w8", "base")]
    budget_mb = (w8 * 1.5) / 2**20  # room for the W8 UNet or the smaller W4 one, never both
    generator = Generator(str(tiny_base), CPU, home, memory_budget_mb=1)
    generator.models.budget = int(budget_mb * 2**20)
    generator.generate("a dog", None, settings("w8a8"))
    generator.generate("a dog", None, settings("w4a8"))
    assert generator.models.keys() == [UNetKey("w4", "base")]
    assert generator.models.used <= generator.models.budget
    with pytest.raises(MemoryBudgetError, match="PERSONALQ_MEMORY_BUDGET_MB"):
        generator.generate("a dog", None, settings("float"))  # fp32 UNet cannot fit


def test_fp16_request_on_an_fp32_generator_says_what_to_do(tiny_base, home):
    with pytest.raises(ValueError, match="computes in float32"):
        Generator(str(tiny_base), CPU, home).generate("a dog", None, settings("fp16"))


@pytest.mark.parametrize("bad", [dict(bits="w9a9"), dict(protect="everything"), dict(quantizer="cubic")])
def test_bad_quantization_settings_are_refused(bad):
    with pytest.raises(ValueError):
        Settings(**bad)


def test_threads_sharing_one_generator_draw_what_each_would_alone(tiny_base, lora, home):
    """Two threads ask for different checkpoints and precisions at once: the pipeline swap is behind a lock,
    so each gets exactly the image it gets when nobody else is drawing."""
    from concurrent.futures import ThreadPoolExecutor

    jobs = [(lora, settings("w8a8")), (None, settings("float")), (lora, settings("float")), (None, settings("w8a8"))] * 2
    alone = Generator(str(tiny_base), CPU, home)
    expected = [pixels(alone.generate(PROMPT, ckpt, s)) for ckpt, s in jobs]
    shared = Generator(str(tiny_base), CPU, home)
    with ThreadPoolExecutor(max_workers=4) as pool:
        drawn = list(pool.map(lambda job: pixels(shared.generate(PROMPT, *job)), jobs))
    assert all(np.array_equal(a, b) for a, b in zip(drawn, expected, strict=True))
