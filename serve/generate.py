"""Generate an image with a personalized checkpoint, in float or quantized with TAQ.

    generator = Generator(base_source, home=Path("data"), memory_budget_mb=4096)
    image = generator.generate(prompt, checkpoint, Settings(steps=25, bits="w8a8", protect="trigger"))

The text encoder, VAE, tokenizer and scheduler are loaded once and shared. UNets come from a
`ModelCache` under the memory budget: the float base, a fine-tuned UNet per weight-changing
checkpoint (DreamBooth, diffusers), and quantized ones (W8/W4, from `$PERSONALQ_HOME/quant`).
LoRA and textual-inversion checkpoints go on top of whichever UNet serves the request, so many
LoRAs share one quantized base. Activation ranges are calibrated once per checkpoint and weight
bit-width (`quant.calibration`), per token class so that they serve every protection, and cached on disk (`serve.quant_store`).

One Generator may serve several threads (the web app's handlers): what the shared pipeline holds
(its UNet, the checkpoint applied, the activation ranges) changes only in `_swap` and
`_install_ranges`, reached only with `_lock` held, and a drawing holds the lock until it is done.
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from tqdm import tqdm

from config import AppConfig
from errors import InputError
from quant.attention import PROTECT_CHOICES, protected_mask
from quant.calibration import calibrate_pipeline
from quant.model import BITS_CHOICES, QuantConfig, quantize
from quant.packed import tensor_bytes
from repo_store.schema import Checkpoint
from serve.cache import ModelCache
from serve.checkpoints import (
    CheckpointError,
    apply_checkpoint,
    apply_to_unet,
    remove_checkpoint,
)
from serve.fast_path import KERNELS, use_kernels
from serve.pipeline import Device, base_name, load_base
from serve.quant_store import QuantStore, UNetKey, owner_name
from serve.sizes import file_tensor_bytes, float_unet_bytes
from serve.unets import load_float_unet

MAX_PROMPT_CHARS = 2000
PROTECT_WORDS = {"none": "", "bos": ", start token protected", "trigger": ", trigger protected",
                 "bos+trigger": ", start token and trigger protected"}
Progress = Callable[[str, int, int], None]  # (phase, done, total): "calibrating" batches, then "denoising" steps
MAX_SEED = 2**32 - 1
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff")


@dataclass(frozen=True)
class Settings:
    steps: int = AppConfig.steps
    seed: int = 0
    guidance: float = AppConfig.guidance  # classifier-free guidance scale
    bits: str = "float"  # float (the device's dtype) | fp32 | fp16 | bf16 | w8 | w4 (weights only) | w8a8 | w4a8 | w8a4 | w4a4
    quantizer: str = "uniform"  # activation quantizer: uniform | log
    protect: str = "trigger"  # TAQ: none | bos | trigger | bos+trigger | random (a control span)
    kv_granularity: str = "tensor"  # cross-attention K/V range: tensor (calibrated) | prompt | row
    act_scope: str = "cross-attention"  # where the A bits apply: cross-attention (rest at 8 bits) | all
    probs: str = "row"  # cross-attention probabilities: tensor (calibrated) | row | log2
    inputs: str = "tensor"  # Linear/Conv2d inputs and Q: tensor (calibrated) | token (dynamic)
    timestep_groups: int = 1  # calibrated ranges per group of timesteps (TFMQ-DM); 1: one range for every step
    self_attention: str = "float"  # self-attention math: float (fused, serving) | quantized (the TAQ studies' setting)
    kernels: str = "int"  # W8A8 layers: int (integer kernels where the device has them) | fake (fake-quant, for studies)

    def __post_init__(self) -> None:
        if not 0 <= self.seed <= MAX_SEED:
            raise InputError(f"seed {self.seed} is out of range; use 0 to {MAX_SEED}")
        if not 1 <= self.steps <= 200:
            raise InputError(f"steps {self.steps} is out of range; use 1 to 200")
        if not 0.0 <= self.guidance <= 30.0:
            raise InputError(f"guidance {self.guidance} is out of range; use 0 to 30")
        if self.bits != "float" and self.bits not in BITS_CHOICES:
            raise InputError(f"bits {self.bits!r} is unknown; use one of {', '.join(BITS_CHOICES)}")
        if self.quantizer not in ("uniform", "log"):
            raise InputError(f"quantizer {self.quantizer!r} is unknown; use uniform or log")
        if self.protect not in PROTECT_CHOICES:
            raise InputError(f"protect {self.protect!r} is unknown; use one of {', '.join(PROTECT_CHOICES)}")
        try:
            QuantConfig(protect=self.protect, kv_granularity=self.kv_granularity, act_scope=self.act_scope,
                        probs=self.probs, inputs=self.inputs, timestep_groups=self.timestep_groups,
                        self_attention=self.self_attention)  # validates the rest
        except ValueError as err:
            raise InputError(str(err)) from err
        if self.kernels not in KERNELS:
            raise InputError(f"kernels {self.kernels!r} is unknown; use one of {', '.join(KERNELS)}")

    @property
    def taq(self) -> QuantConfig | None:
        if self.bits == "float":
            return None
        return QuantConfig.parse(self.bits, self.quantizer, self.protect, kv_granularity=self.kv_granularity,
                                 act_scope=self.act_scope, probs=self.probs, inputs=self.inputs,
                                 timestep_groups=self.timestep_groups,
                                 self_attention=self.self_attention)

    @property
    def label(self) -> str:
        """The precision in words: "full precision", "8-bit, trigger protected", "4-bit weights, 8-bit activations"."""
        if self.bits in ("float", "fp32", "fp16", "bf16"):
            return "full precision" if self.bits == "float" else f"full precision ({self.bits})"
        if len(self.bits) == 2:  # w8 / w4: packed weights, float activations (nothing for TAQ to protect)
            return f"{self.bits[1]}-bit weights"
        weights, acts = self.bits[1], self.bits[3]
        words = f"{weights}-bit" if weights == acts else f"{weights}-bit weights, {acts}-bit activations"
        if self.quantizer == "log":
            words += ", log activations"
        return words + PROTECT_WORDS[self.protect]


def check_image_path(out: str | Path) -> Path:
    """Where an image will be written, checked before it is generated: a known image type, a writable folder."""
    path = Path(out).expanduser()
    if path.is_dir():
        raise InputError(f"--out {str(out)!r} is a folder; give a file name, e.g. {path / 'image.png'}")
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise InputError(f"--out {str(out)!r}: {path.suffix or 'no suffix'} is not an image type; use one of "
                         f"{', '.join(IMAGE_SUFFIXES)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"--out {str(out)!r}: cannot create the folder {path.parent} ({err.strerror})") from None
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError(f"--out {str(out)!r}: not writable; choose another place")
    return path


def check_prompt(prompt: str) -> str:
    text = (prompt or "").strip()
    if not text:
        raise InputError("the prompt is empty; describe the image, e.g. 'a <rex-v2> dog on the beach at sunset'")
    if len(text) > MAX_PROMPT_CHARS:
        raise InputError(f"the prompt has {len(text)} characters; keep it under {MAX_PROMPT_CHARS} "
                         "(the text encoder reads only the first 77 tokens anyway)")
    return text


class Generator:
    def __init__(self, base_source: str, device: Device | None = None, home: Path | str = AppConfig.home,
                 memory_budget_mb: int = AppConfig.memory_budget_mb, allow_hub: bool = False,
                 calibration: dict | None = None):
        self.base_source = base_source
        self.calibration = calibration or {}  # calibrate_pipeline options (count, steps); benches use a home of their own
        self.allow_hub = allow_hub  # a hub id as base_source may be downloaded
        self.base = base_name(base_source)
        self.device = device or Device.detect()
        self.store = QuantStore(Path(home), base_source)
        self.models = ModelCache(memory_budget_mb * 2**20, on_evict=self._evicted)
        self._pipe = None
        self._unet_key: UNetKey | None = None  # the UNet in the pipeline
        self._active: Checkpoint | None = None  # the checkpoint applied on top of it
        self._touched: set[str] = set()  # shared components the active checkpoint overwrote
        self._live: tuple | None = None  # (checkpoint, QuantConfig, kernels) installed
        self._lock = threading.Lock()  # held while the pipeline changes or draws
        self.calibration_seconds: float | None = None  # of the last calibration run, if any
        self.kernels_used = "float"  # what computes the serving UNet's quantized layers (see serve.fast_path)

    @property
    def pipe(self):
        """The shared pipeline; its `unet` is whichever UNet serves the current request."""
        if self._pipe is None:
            self._pipe = load_base(self.base_source, self.device, with_unet=False, allow_hub=self.allow_hub)
            if self._pipe.unet is not None:  # a single-file base comes with its UNet
                self.models.add(UNetKey("float", "base"), self._pipe.unet, "the float base UNet")
                self._unet_key = UNetKey("float", "base")
        return self._pipe

    def _evicted(self, key: UNetKey, unet) -> None:
        if self._pipe is not None and key == self._unet_key:
            if self._active is not None:
                self._undo(self._active)
            self._pipe.unet, self._unet_key, self._live = None, None, None

    def release(self, checkpoint: Checkpoint) -> None:
        """Drop the UNets `checkpoint` owns (a DreamBooth checkpoint's own, any precision) from the cache;
        a LoRA owns none: it rides on the shared base, which stays."""
        owner = owner_name(checkpoint)
        if owner == "base":
            return
        for key in [k for k in self.models.keys() if k.owner == owner]:
            module = self.models.get(key)
            self.models.drop(key)
            self._evicted(key, module)

    def _float_unet(self, owner: Checkpoint | None):
        unet = load_float_unet(self.base_source, self.device.name, self.device.dtype)
        return unet if owner is None else apply_to_unet(unet, owner, self.base)

    def _unet(self, key: UNetKey, checkpoint: Checkpoint | None):
        owner = checkpoint if key.owner != "base" else None
        what = f"the {key.weights} UNet of {key.owner}"
        if key.weights == "float":
            estimate = float_unet_bytes(self.base_source, self.device.dtype)
            return self.models.load(key, lambda: self._float_unet(owner), estimate, what)
        path = self.store.model_path(key)  # cached: its own size; else the float copy quantized from
        estimate = file_tensor_bytes(path) if path.is_file() else float_unet_bytes(self.base_source, self.device.dtype)

        def build():  # TAQ processors and activation ranges follow in _install_ranges
            return self.store.load_or_quantize(key, lambda: self._float_unet(owner), self.device.name,
                                               self.device.dtype)
        return self.models.load(key, build, estimate, what)

    def activate(self, checkpoint: Checkpoint | None, settings: Settings = Settings(), show_bar: bool = False):
        """The pipeline with the right UNet and `checkpoint` applied (None: the plain base).

        For callers that drive the pipeline themselves (benchmarks, the sensitivity table) in one thread;
        `generate` and `generate_many` keep the lock while they draw."""
        with self._lock:
            return self._activate(checkpoint, settings, show_bar)

    def _activate(self, checkpoint: Checkpoint | None, settings: Settings, show_bar: bool = False,
                  progress: Progress | None = None):
        taq = self._check_precision(settings)
        key = UNetKey("float" if taq is None else f"w{taq.weight_bits}", owner_name(checkpoint))
        if (checkpoint, key) != (self._active, self._unet_key):
            self._swap(checkpoint, key)
        if taq is not None and self._live != (checkpoint, taq, settings.kernels):
            self._install_ranges(checkpoint, taq, show_bar, progress)
            self.kernels_used = use_kernels(self.pipe.unet, taq, self.device.name, settings.kernels)
            self._live = (checkpoint, taq, settings.kernels)
        elif taq is None:
            self.kernels_used = "float"
        return self.pipe

    def _swap(self, checkpoint: Checkpoint | None, key: UNetKey) -> None:
        """Put UNet `key` in the pipeline and `checkpoint` on top of it, taking the previous checkpoint out."""
        pipe = self.pipe
        if self._active is not None:
            self._undo(self._active)
            pipe = self.pipe  # reloaded if the checkpoint had overwritten shared weights
        if key != self._unet_key:
            pipe.unet, self._unet_key, self._live = None, None, None
            pipe.unet, self._unet_key = self._unet(key, checkpoint), key
        if checkpoint is not None:
            try:
                self._touched = apply_checkpoint(pipe, checkpoint, self.base, skip=("unet",))
            except CheckpointError:
                self._undo(checkpoint)
                raise
            self._active = checkpoint
        self._live = None

    def _check_precision(self, settings: Settings) -> QuantConfig | None:
        want = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}.get(settings.bits)
        if want is not None and want != self.device.dtype:
            raise InputError(f"this generator computes in {str(self.device.dtype).removeprefix('torch.')}; "
                             f"{settings.bits} needs a Generator built with Device('{self.device.name}', {want})")
        return settings.taq

    def _undo(self, checkpoint: Checkpoint) -> None:
        """Take `checkpoint`'s adapters and overwritten shared weights out of the pipeline."""
        self._active = None
        if self._touched:  # a DreamBooth/diffusers file also changed the text encoder or VAE
            self._touched = set()
            self._pipe = None  # reload the shared components; the UNets stay cached
            self._unet_key, self._live = None, None
            return
        if self._pipe is not None and self._pipe.unet is not None:
            remove_checkpoint(self._pipe, checkpoint)

    def _install_ranges(self, checkpoint: Checkpoint | None, taq: QuantConfig, show_bar: bool = False,
                        progress: Progress | None = None) -> None:
        if self.pipe.unet is not None:  # calibration and new ranges go through the fake-quant forward
            use_kernels(self.pipe.unet, None, self.device.name)
        ranges = self.store.load_ranges(checkpoint, taq) if taq.act_bits else None
        if taq.act_bits and ranges is None:
            subject = checkpoint.subjects[0] if checkpoint and checkpoint.subjects else "dog"
            start = time.perf_counter()
            ranges = calibrate_pipeline(self.pipe, checkpoint.trigger if checkpoint else None, subject,
                                        self.image_size(), self.device.name, show_bar=show_bar,
                                        label=f"calibrating {taq.name}", **self.calibration,
                                        progress=(lambda done, total: progress("calibrating", done, total))
                                        if progress else None)
            self.calibration_seconds = time.perf_counter() - start
            self.store.save_ranges(checkpoint, taq, ranges, self.calibration_seconds)
        quantize(self.pipe.unet, taq, ranges)

    def image_size(self) -> int:
        """Pixels per side the serving UNet draws (its sample size × the VAE's scale factor)."""
        sample = self.pipe.unet.config.sample_size
        return (sample if isinstance(sample, int) else sample[0]) * self.pipe.vae_scale_factor

    def resident_bytes(self) -> dict[str, int]:
        """Bytes of the actual tensors held now: the serving UNet (with adapters), text encoder, VAE, all UNets cached."""
        pipe = self._pipe
        parts = {name: tensor_bytes(getattr(pipe, name)) if pipe is not None and getattr(pipe, name) is not None else 0
                 for name in ("unet", "text_encoder", "vae")}
        return parts | {"cached_unets": self.models.used}

    def generate(self, prompt: str, checkpoint: Checkpoint | None = None, settings: Settings = Settings(),
                 progress: Progress | None = None, show_bar: bool = False):
        """One image (PIL) for `prompt`; `progress(phase, done, total)` is called after each calibration
        batch (only when activation ranges are not cached yet) and after each denoising step."""
        return self.generate_many([prompt], checkpoint, settings, [settings.seed], progress, show_bar)[0]

    def generate_many(self, prompts: list[str], checkpoint: Checkpoint | None, settings: Settings,
                      seeds: list[int], progress: Progress | None = None,
                      show_bar: bool = False, output_type: str = "pil") -> list:
        """One image per prompt, in one batch; image i is what `generate(prompts[i], seed=seeds[i])` draws."""
        prompts = [check_prompt(p) for p in prompts]
        with self._lock:
            return self._draw(prompts, checkpoint, settings, seeds, progress, show_bar, output_type)

    def _draw(self, prompts: list[str], checkpoint: Checkpoint | None, settings: Settings, seeds: list[int],
              progress: Progress | None, show_bar: bool, output_type: str) -> list:
        pipe = self._activate(checkpoint, settings, show_bar, progress)
        extra = {}
        if settings.taq is not None:
            trigger = checkpoint.trigger if checkpoint else None
            mask = protected_mask(pipe.tokenizer, prompts, [trigger] * len(prompts), settings.protect,
                                  settings.guidance > 1)
            extra["cross_attention_kwargs"] = {"protected": mask}
        bar = tqdm(total=settings.steps, desc="denoising", unit="step", disable=not show_bar)

        def on_step(_pipe, step: int, _timestep, kwargs: dict) -> dict:
            bar.update(1)
            if progress:
                total = getattr(_pipe, "num_timesteps", None) or settings.steps  # the scheduler's own count
                progress("denoising", min(step + 1, total), total)
            return kwargs

        generators = [torch.Generator(self.device.name).manual_seed(s) for s in seeds]
        try:
            with torch.inference_mode():
                size = self.image_size()
                return pipe(prompts, height=size, width=size, num_inference_steps=settings.steps,
                            guidance_scale=settings.guidance, generator=generators, callback_on_step_end=on_step,
                            output_type=output_type, **extra).images
        finally:
            bar.close()
