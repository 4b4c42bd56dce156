"""TAQ as a few verbs on a diffusers UNet: `quantize`, `calibrate`, `save_quantized` / `load_quantized`.

    config = QuantConfig.parse("w8a8", quantizer="uniform", protect="trigger")
    quantize(unet, replace(config, act_bits=None))         # packed int8 weights, TAQ processors, float activations
    with calibrate(unet) as ranges:                        # observe activations over the denoising steps
        pipe(calibration_prompts, cross_attention_kwargs={"token_classes": classes})
    quantize(unet, config, ranges)                         # W8A8: inputs and Q/K/V/A now quantized

`quantize` is made of three steps, also usable alone: `quantize_weights` (Linear/Conv2d → packed
int8/int4, in place), `install_processors` (a TAQ processor on every attention) and
`enable_activations` (activation quantization on or off, with calibrated ranges; with
`timestep_groups` > 1 the static ranges switch with the denoising timestep, as in TFMQ-DM).
`quant.calibration.calibrate_pipeline` runs the calibration loop of the paper's Appendix D.
"""
from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from quant.attention import (CLASS_NAMES, KV_GRANULARITIES, PROTECTED_CLASSES, AttentionQuant, TAQAttnProcessor,
                             check_protect)
from quant.packed import QuantConv2d, QuantLinear
from quant.quantizers import QuantSpec, Range

KEEP_FLOAT = ("conv_in", "conv_out")  # first and last layer stay in float, as in Q-Diffusion
BITS_CHOICES = ("fp32", "fp16", "bf16", "w8", "w4", "w8a8", "w4a8", "w8a4", "w4a4")  # w8/w4: weights only


ACT_SCOPES = ("cross-attention", "all")
PROBS_CHOICES = ("tensor", "row", "log2")
INPUT_CHOICES = ("tensor", "token")
TRAIN_TIMESTEPS = 1000  # the diffusion's training timesteps (SD1.5 and the mini model): timestep groups split [0, 1000)
SELF_ATTENTION_CHOICES = ("quantized", "float")


@dataclass(frozen=True)
class QuantConfig:
    """Every quantization setting in one place (what `--bits`, `--protect`, `--kv-granularity`,
    `--act-scope`, … set).

    act_scope "cross-attention": `act_bits` apply to cross-attention Q, K, V and A (the paper's eqs. 4–5
    and its meaning of "A4"); every other activation is quantized at 8 bits. "all": `act_bits` everywhere.
    kv_granularity: cross-attention K/V range per "tensor" (calibrated, static), per "prompt" (the
    prompt's unprotected rows: K and V depend only on the prompt, not on the timestep) or per "row".
    probs: cross-attention probabilities per "tensor" (calibrated), per query "row", or "log2"
    (base-2 logarithmic, per query row). inputs: Linear/Conv2d inputs and attention Q per "tensor"
    (calibrated) or per "token" (dynamic: each token's or pixel's own range over its channels).
    timestep_groups: calibrated (static) activation ranges per group of timesteps (TFMQ-DM): [0, 1000) split
    into this many equal intervals, each using the ranges observed at the calibration timesteps inside it
    (an interval with none uses the range over every timestep); 1: one range for every timestep. It
    changes the static ranges only: Linear/Conv2d inputs and Q per "tensor", probabilities per "tensor".
    self_attention: self-attention's Q, K, V and A (`attn1`, no text tokens, nothing to protect)
    "quantized" like the other activations (the studies' setting) or kept in "float" (serving's: the
    attention math then runs fused, see `TAQAttnProcessor`); its Linear layers are quantized either way."""
    weight_bits: int = 8
    act_bits: int | None = 8  # None: weight-only quantization
    quantizer: str = "uniform"  # activation quantizer: uniform | log (weights are always uniform, symmetric)
    protect: str = "trigger"  # none | bos | trigger | bos+trigger | random (a control span)
    kv_granularity: str = "tensor"
    act_scope: str = "cross-attention"
    probs: str = "row"
    inputs: str = "tensor"
    timestep_groups: int = 1
    self_attention: str = "quantized"

    def __post_init__(self) -> None:
        if self.weight_bits not in (4, 8):
            raise ValueError(f"weight bits {self.weight_bits}: use 8 or 4")
        if self.act_bits is not None:
            QuantSpec(self.act_bits, self.quantizer)  # validates bits and quantizer
        check_protect(self.protect)
        for field, value, choices in (("kv_granularity", self.kv_granularity, KV_GRANULARITIES),
                                      ("act_scope", self.act_scope, ACT_SCOPES), ("probs", self.probs, PROBS_CHOICES),
                                      ("inputs", self.inputs, INPUT_CHOICES),
                                      ("self_attention", self.self_attention, SELF_ATTENTION_CHOICES)):
            if value not in choices:
                raise ValueError(f"{field}={value!r} is unknown; use one of {', '.join(choices)}")
        if isinstance(self.timestep_groups, bool) or not isinstance(self.timestep_groups, int) or not (
                1 <= self.timestep_groups <= TRAIN_TIMESTEPS):
            raise ValueError(f"timestep_groups={self.timestep_groups!r} is out of range; use 1 to {TRAIN_TIMESTEPS}")

    @classmethod
    def parse(cls, bits: str, quantizer: str = "uniform", protect: str = "trigger", **settings) -> QuantConfig | None:
        """'w8a8' → QuantConfig(8, 8, ...); 'w8' → QuantConfig(8, None) (weights only); 'fp32'/'fp16'/'bf16' → None.
        `settings`: the other fields."""
        bits = bits.lower()
        if bits in ("fp32", "fp16", "bf16"):
            return None
        if bits not in BITS_CHOICES:
            raise ValueError(f"bits {bits!r} is unknown; use one of {', '.join(BITS_CHOICES)}")
        return cls(int(bits[1]), int(bits[3]) if len(bits) == 4 else None, quantizer, protect, **settings)

    @property
    def name(self) -> str:
        if not self.act_bits:
            return f"w{self.weight_bits}a-float"
        scope = "xattn" if self.act_scope == "cross-attention" else "all"
        scope += "-attn1float" if self.self_attention == "float" else ""
        return (f"w{self.weight_bits}a{self.act_bits}-{scope}-{self.quantizer}-kv{self.kv_granularity}"
                f"-p{self.probs}-in{self.inputs}-{self.protect}"
                + (f"-t{self.timestep_groups}" if self.timestep_groups > 1 else ""))


def quantize_weights(module: nn.Module, bits: int, keep_float: tuple[str, ...] = KEEP_FLOAT) -> nn.Module:
    """Replace every Linear and Conv2d (except `keep_float` and LoRA adapters) by its packed version."""
    for parent_name, parent in list(module.named_modules()):
        if "lora_" in parent_name:
            continue
        for child_name, child in list(parent.named_children()):
            full = f"{parent_name}.{child_name}" if parent_name else child_name
            if full in keep_float or child_name.startswith("lora_"):
                continue
            if type(child) is nn.Linear:
                setattr(parent, child_name, QuantLinear(child, bits))
            elif type(child) is nn.Conv2d:
                setattr(parent, child_name, QuantConv2d(child, bits))
    return module


def quantize(unet: nn.Module, config: QuantConfig, ranges: dict[str, list[float]] | None = None) -> nn.Module:
    """Quantize `unet` in place as `config` says: weights (once; a UNet whose weights are already packed
    keeps them), TAQ processors on every attention (once), and activations (`config.act_bits`; None keeps
    them float) with calibrated `ranges` (None: dynamic per-tensor ranges)."""
    if not quantized_layers(unet):
        quantize_weights(unet, config.weight_bits)
    if not taq_processors(unet):
        install_processors(unet)
    enable_activations(unet, config, ranges)
    return unet


def quantized_layers(module: nn.Module) -> dict[str, QuantLinear | QuantConv2d]:
    return {name: m for name, m in module.named_modules() if isinstance(m, (QuantLinear, QuantConv2d))}


def install_processors(unet: nn.Module) -> dict[str, TAQAttnProcessor]:
    """A float TAQ processor on every attention (attn1 and attn2); returns them by name."""
    processors = {name: TAQAttnProcessor() for name in unet.attn_processors}
    unet.set_attn_processor(dict(processors))
    return processors


def taq_processors(unet: nn.Module) -> dict[str, TAQAttnProcessor]:
    return {n: p for n, p in unet.attn_processors.items() if isinstance(p, TAQAttnProcessor)}


def _in_attention(name: str) -> bool:
    """to_q/to_k/to_v inputs are not quantized: the processor quantizes Q, K and V themselves."""
    return any(part in ("to_q", "to_k", "to_v") for part in name.split("."))


@contextlib.contextmanager
def calibrate(unet: nn.Module) -> Iterator[dict[str, list[float]]]:
    """Observe per-tensor activation ranges while the body runs the pipeline; hooks are removed on exit.

    Yields a dict that is filled on exit: `"layer.name"` → [min, max] of its input,
    `"processor.name:q"` → [min, max] of the attention's Q, the same at each timestep t the UNet was called
    with under `"layer.name@t<t>"`, `"processor.name:q@t<t>"` (and probabilities), and, when the pipeline is called with
    `cross_attention_kwargs={"token_classes": ...}`, `"processor.name:k:<class>"` (and v, probs) for
    each token class, so that a static range can leave out whichever classes a setting protects.
    The ranges depend only on the model (weights and checkpoint), not on the activation settings."""
    ranges: dict[str, list[float]] = {}
    observed: dict[str, Range] = {}
    processors = taq_processors(unet)
    clock: dict[str, int | None] = {"t": None}

    def tick(_module, args, kwargs):  # the UNet's call: remember its timestep for the per-timestep ranges
        clock["t"] = call_timestep(args, kwargs)
        for processor in processors.values():
            processor.timestep = clock["t"]

    def hook(name: str):
        def record(_module, args):
            x = args[0].detach().float()
            r = Range(x.amin().reshape(1), x.amax().reshape(1))
            for key in (name, f"{name}@t{clock['t']}") if clock["t"] is not None else (name,):
                observed[key] = observed[key].merge(r) if key in observed else r
        return record

    handles = [unet.register_forward_pre_hook(tick, with_kwargs=True)]
    for name, layer in quantized_layers(unet).items():
        if not _in_attention(name):
            handles.append(layer.register_forward_pre_hook(hook(name)))
    for processor in processors.values():
        processor.observed = {}
    try:
        with torch.inference_mode():
            yield ranges
    finally:
        for handle in handles:
            handle.remove()
        for name, processor in processors.items():
            for part, r in (processor.observed or {}).items():
                observed[f"{name}:{part}"] = r
            processor.observed, processor.timestep = None, None
        ranges.update({k: [float(r.lo.item()), float(r.hi.item())] for k, r in observed.items()})


def _range(ranges: dict[str, list[float]] | None, *keys: str) -> Range | None:
    """The calibrated range of `keys` merged (those missing are skipped); None when none was calibrated."""
    found = [ranges[k] for k in keys if ranges and k in ranges]
    if not found:
        return None
    return Range(torch.tensor([min(lo for lo, _ in found)]), torch.tensor([max(hi for _, hi in found)]))


def attention_ranges(ranges: dict[str, list[float]] | None, name: str, protect: str) -> dict[str, Range]:
    """Static ranges of one processor: Q, and K, V, probabilities merged over the unprotected token classes."""
    kept = [c for i, c in enumerate(CLASS_NAMES) if i not in PROTECTED_CLASSES[protect]]
    out = {"q": _range(ranges, f"{name}:q")}
    for part in ("k", "v", "probs"):
        out[part] = _range(ranges, *(f"{name}:{part}:{c}" for c in kept))
    return {k: v for k, v in out.items() if v is not None}


def call_timestep(args: tuple, kwargs: dict) -> int | None:
    """The timestep of a UNet call `unet(sample, timestep, …)` (every sample of a pipeline call shares it)."""
    t = args[1] if len(args) > 1 else kwargs.get("timestep")
    return None if t is None else int(round(float(torch.as_tensor(t).flatten()[0])))


def timestep_group(t: float, groups: int) -> int:
    """Which of `groups` equal intervals of [0, TRAIN_TIMESTEPS) holds timestep `t` (clamped to the ends)."""
    return min(groups - 1, max(0, int(t * groups // TRAIN_TIMESTEPS)))


def timestep_view(ranges: dict[str, list[float]], group: int, groups: int) -> dict[str, list[float]]:
    """`ranges` as seen in timestep group `group`: each range observed per timestep is the merge of its
    calibration timesteps inside the group (the range over every timestep when none falls inside);
    the per-timestep keys themselves are left out."""
    view = {k: v for k, v in ranges.items() if "@t" not in k}
    picked: dict[str, list[float]] = {}
    for key, (lo, hi) in ranges.items():
        if "@t" not in key:
            continue
        name, _, t = key.rpartition("@t")
        if timestep_group(float(t), groups) == group:
            old = picked.get(name)
            picked[name] = [lo, hi] if old is None else [min(old[0], lo), max(old[1], hi)]
    return view | picked


def _static_ranges(unet: nn.Module, config: QuantConfig, ranges: dict[str, list[float]] | None
                   ) -> tuple[dict[str, Range | None], dict[str, dict[str, Range]]]:
    """The calibrated ranges `config` uses: per quantized layer (None: dynamic), per TAQ processor."""
    per_token = config.inputs == "token"
    layers = {name: None if per_token else _range(ranges, name) for name in quantized_layers(unet)}
    processors = {name: attention_ranges(ranges, name, config.protect if name.endswith("attn2.processor") else "none")
                  for name in taq_processors(unet)}
    return layers, processors


def enable_activations(unet: nn.Module, config: QuantConfig, ranges: dict[str, list[float]] | None) -> None:
    """Switch activation quantization on (config.act_bits) or off (None), with calibrated ranges; with
    `config.timestep_groups` > 1, a hook on the UNet installs each call's timestep group's ranges."""
    old_hook = unet.__dict__.pop("_personalq_timestep_hook", None)
    if old_hook is not None:
        old_hook.remove()
    bits = config.act_bits
    rest = (8 if config.act_scope == "cross-attention" else bits) if bits else None  # outside cross-attention
    per_token = config.inputs == "token"
    granularity = "token" if per_token else "tensor"
    layers = quantized_layers(unet)
    for name, layer in layers.items():
        on = rest and not _in_attention(name)
        layer.act = QuantSpec(rest, config.quantizer, granularity) if on else None
    q_granularity = "row" if per_token else "tensor"
    processors = taq_processors(unet)

    def quantized(name: str) -> bool:  # float self-attention (serving) leaves attn1's math unquantized
        return bool(bits) and (config.self_attention == "quantized" or name.endswith("attn2.processor"))

    for name, processor in processors.items():
        if not quantized(name):
            processor.quant = AttentionQuant()
        elif name.endswith("attn2.processor"):
            processor.quant = AttentionQuant.all(
                bits, config.quantizer, config.kv_granularity, "tensor" if config.probs == "tensor" else "row",
                "log" if config.probs == "log2" else config.quantizer, q_granularity)
        else:
            processor.quant = AttentionQuant.all(rest, config.quantizer, q_granularity=q_granularity)

    def install(layer_ranges: dict[str, Range | None], processor_ranges: dict[str, dict[str, Range]]) -> None:
        for name, layer in layers.items():
            layer.act_range = layer_ranges[name] if layer.act is not None else None
        for name, processor in processors.items():
            processor.ranges = processor_ranges[name] if quantized(name) else {}

    install(*_static_ranges(unet, config, ranges))
    if not bits or config.timestep_groups == 1 or not ranges:
        return
    groups = config.timestep_groups
    per_group = [_static_ranges(unet, config, timestep_view(ranges, g, groups)) for g in range(groups)]

    def switch(_module, args, kwargs):
        t = call_timestep(args, kwargs)
        if t is not None:
            install(*per_group[timestep_group(t, groups)])

    unet._personalq_timestep_hook = unet.register_forward_pre_hook(switch, with_kwargs=True)


def save_quantized(module: nn.Module, path: Path, weight_bits: int, info: dict[str, str]) -> None:
    """The quantized module's tensors (int8/uint8 weights, scales, float rest) as safetensors."""
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"format": "personalq-taq", "weight_bits": str(weight_bits),
            "layers": json.dumps(sorted(quantized_layers(module)))} | info
    state = {k: v.contiguous() for k, v in module.state_dict().items()}
    tmp = path.with_suffix(".tmp")
    save_file(state, str(tmp), metadata=meta)
    tmp.replace(path)  # atomic: a crash never leaves half a file under the real name


def load_quantized(path: Path, build_empty, device: str = "cpu", dtype: torch.dtype = torch.float32) -> nn.Module:
    """Rebuild a module saved by `save_quantized` without ever materializing float weights.

    `build_empty(metadata)` returns the float module's skeleton from the file's safetensors metadata;
    it runs under torch.device('meta'), so nothing is allocated until the saved tensors are assigned."""
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as f:
        meta = f.metadata() or {}
        if meta.get("format") != "personalq-taq":
            raise ValueError(f"{path} is not a quantized model saved by PersonalQ; delete it to re-quantize")
        state = {k: f.get_tensor(k) for k in f.keys()}
    bits = int(meta["weight_bits"])
    layers = set(json.loads(meta["layers"]))
    with torch.device("meta"):
        module = build_empty(meta)
        for name in layers:
            parent_name, _, child_name = name.rpartition(".")
            parent = module.get_submodule(parent_name) if parent_name else module
            child = getattr(parent, child_name)
            setattr(parent, child_name, (QuantLinear if isinstance(child, nn.Linear) else QuantConv2d)(child, bits))
    module.load_state_dict(state, strict=True, assign=True)
    for layer in quantized_layers(module).values():
        layer.compute_dtype = dtype
    saved = next((t.dtype for t in state.values() if t.is_floating_point()), dtype)
    module = module.to(device)
    return module if saved == dtype else module.to(dtype)  # int8/uint8 buffers keep their dtype
