"""Apply a personalized checkpoint to a base pipeline, by its metadata `kind`.

    lora               diffusers/PEFT LoRA file → `pipe.load_lora_weights` (the base stays untouched)
    textual_inversion  an embedding file → `pipe.load_textual_inversion(token=trigger)`
    dreambooth         fine-tuned weights: keys `unet.*` and optionally `text_encoder.*`
    diffusers          a whole model in one file: keys `unet.*`, `text_encoder.*`, `vae.*`, or an A1111/kohya
                       single file (`model.diffusion_model.*`, …) renamed by diffusers' converters (serve/single_file.py)
Fine-tuned weights are full tensors, or deltas over the base when the file's safetensors
metadata says `"format": "delta"`. Every file is safetensors; `verify_weights` checks sha256 first.
"""
from __future__ import annotations

from pathlib import Path

import torch
from safetensors import safe_open

from errors import PersonalQError
from repo_store.loader import verify_weights
from repo_store.schema import Checkpoint
from serve.single_file import is_ldm, ldm_components, ldm_to_diffusers

COMPONENTS = {"dreambooth": ("unet", "text_encoder"), "diffusers": ("unet", "text_encoder", "vae")}
MODIFIES_BASE = ("dreambooth", "diffusers")  # kinds that overwrite base weights (the base is reloaded after)


class CheckpointError(PersonalQError, RuntimeError):
    """A checkpoint that cannot be applied; the message says what to do."""


def check_compatible(checkpoint: Checkpoint, base: str) -> None:
    if checkpoint.base_model and checkpoint.base_model != base:
        raise CheckpointError(f"checkpoint {checkpoint.id!r} was trained on base model {checkpoint.base_model!r}, "
                              f"but {base!r} is loaded; set PERSONALQ_BASE_MODEL to that base or pick another checkpoint")
    if checkpoint.kind is None:
        raise CheckpointError(f"checkpoint {checkpoint.id!r} has no 'kind'; add kind: lora | dreambooth | "
                              f"textual_inversion | diffusers to {checkpoint.source}")


def apply_checkpoint(pipe, checkpoint: Checkpoint, base: str, skip: tuple[str, ...] = ()) -> set[str]:
    """Load `checkpoint` into `pipe` (which must hold the plain base); raises CheckpointError.

    Components in `skip` are left alone (the caller built them already, e.g. a fine-tuned UNet).
    Returns the components whose weights were overwritten (empty for adapter kinds)."""
    from repo_store.loader import WeightsError

    check_compatible(checkpoint, base)
    try:
        path = verify_weights(checkpoint)
    except WeightsError as err:
        raise CheckpointError(str(err)) from err
    try:
        if checkpoint.kind == "lora":
            pipe.load_lora_weights(str(Path(path).parent), weight_name=Path(path).name, adapter_name="personal")
        elif checkpoint.kind == "textual_inversion":
            pipe.load_textual_inversion(path, token=checkpoint.trigger)
        else:
            return load_fine_tuned(pipe, path, COMPONENTS[checkpoint.kind], skip)
        return set()
    except CheckpointError:
        raise
    except (ValueError, KeyError, RuntimeError, OSError) as err:
        raise CheckpointError(f"checkpoint {checkpoint.id!r} ({checkpoint.kind}) does not fit the loaded base "
                              f"model {base!r}: {str(err).splitlines()[0][:300]}") from err


def remove_checkpoint(pipe, checkpoint: Checkpoint) -> None:
    """Undo an adapter-style checkpoint (LoRA, textual inversion); other kinds need a base reload."""
    if checkpoint.kind == "lora":
        pipe.unload_lora_weights()
    elif checkpoint.kind == "textual_inversion":
        pipe.unload_textual_inversion()


def load_fine_tuned(pipe, path: str, allowed: tuple[str, ...], skip: tuple[str, ...] = ()) -> set[str]:
    """Copy `component.param` tensors (full or delta) from `path` into the pipeline's modules.

    `pipe` is anything with the components as attributes; components in `skip` are not touched.
    Returns the components changed."""
    with safe_open(path, framework="pt") as f:
        if is_ldm(f.keys()):  # an A1111 / kohya single file: renamed by diffusers' converters
            return _load_ldm(pipe, path, f, allowed, skip)
        delta = (f.metadata() or {}).get("format") == "delta"
        grouped: dict[str, dict[str, torch.Tensor]] = {}
        for key in f.keys():
            component, _, name = key.partition(".")
            if component not in allowed:
                raise CheckpointError(f"{Path(path).name}: tensor {key!r} is not one of the components this kind "
                                      f"may change ({', '.join(allowed)})")
            if component not in skip:
                grouped.setdefault(component, {})[name] = f.get_tensor(key)
        if not grouped and not any(k.partition(".")[0] in skip for k in f.keys()):
            raise CheckpointError(f"{Path(path).name} holds no tensors; copy the file again")
    return _copy_into(pipe, path, grouped, delta)


def _load_ldm(pipe, path: str, f, allowed: tuple[str, ...], skip: tuple[str, ...]) -> set[str]:
    wanted = tuple(c for c in allowed if c not in skip)
    state = {k: f.get_tensor(k) for k in ldm_components(f.keys(), wanted)}
    configs = {c: getattr(pipe, c).config for c in wanted if c != "text_encoder"}
    grouped: dict[str, dict[str, torch.Tensor]] = {}
    for key, value in ldm_to_diffusers(state, configs).items():
        component, _, name = key.partition(".")
        grouped.setdefault(component, {})[name] = value
    return _copy_into(pipe, path, grouped, delta=False)


def _copy_into(pipe, path: str, grouped: dict[str, dict[str, torch.Tensor]], delta: bool) -> set[str]:
    """Check every tensor against the pipeline's modules, then copy (or add, for deltas) them in."""
    modules = {component: getattr(pipe, component).state_dict() for component in grouped}
    for component, tensors in grouped.items():  # check everything before changing anything
        own = modules[component]
        unknown = sorted(set(tensors) - set(own))
        if unknown:
            raise CheckpointError(f"{Path(path).name}: {len(unknown)} tensors (first {unknown[0]!r}) do not exist in "
                                  f"the base {component}; it was trained for another architecture")
        for name, value in tensors.items():
            if own[name].shape != value.shape:
                raise CheckpointError(f"{Path(path).name}: {component}.{name} has shape {tuple(value.shape)}, "
                                      f"the base has {tuple(own[name].shape)}; it was trained for another base")
    with torch.no_grad():
        for component, tensors in grouped.items():
            own = modules[component]
            for name, value in tensors.items():
                value = value.to(own[name].device, own[name].dtype)
                own[name].copy_(own[name] + value if delta else value)
    return set(grouped)


def apply_to_unet(unet, checkpoint: Checkpoint, base: str):
    """A float UNet with a weight-changing checkpoint's `unet.*` tensors applied (for its own cache entry)."""
    from types import SimpleNamespace

    from repo_store.loader import WeightsError

    check_compatible(checkpoint, base)
    try:
        path = verify_weights(checkpoint)
    except WeightsError as err:
        raise CheckpointError(str(err)) from err
    others = tuple(c for c in COMPONENTS[checkpoint.kind] if c != "unet")
    load_fine_tuned(SimpleNamespace(unet=unet), path, COMPONENTS[checkpoint.kind], skip=others)
    return unet
