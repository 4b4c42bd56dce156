"""A1111 / kohya single-file checkpoints (original LDM key layout) as diffusers components.

    model.diffusion_model.…          → unet.…          (`convert_ldm_unet_checkpoint`)
    cond_stage_model.transformer.…   → text_encoder.…  (`convert_ldm_clip_checkpoint`)
    first_stage_model.…              → vae.…           (`convert_ldm_vae_checkpoint`)
The renaming is diffusers' own (`diffusers.loaders.single_file_utils`), driven by the loaded base's configs;
nothing here maps keys by hand. Works on meta tensors too, to check shapes without reading weights.
"""
from __future__ import annotations

LDM_PREFIXES = {"unet": "model.diffusion_model.", "text_encoder": "cond_stage_model.transformer.",
                "vae": "first_stage_model."}


def is_ldm(keys) -> bool:
    return any(k.startswith(LDM_PREFIXES["unet"]) for k in keys)


def ldm_components(keys, wanted: tuple[str, ...]) -> list[str]:
    """The keys of an LDM file that belong to the `wanted` components."""
    prefixes = tuple(LDM_PREFIXES[c] for c in wanted)
    return [k for k in keys if k.startswith(prefixes)]


def ldm_to_diffusers(state: dict, configs: dict[str, dict]) -> dict:
    """`state` (LDM keys) as `unet.`/`text_encoder.`/`vae.` tensors; `configs` holds the unet and vae configs."""
    from diffusers.loaders.single_file_utils import (
        convert_ldm_clip_checkpoint,
        convert_ldm_unet_checkpoint,
        convert_ldm_vae_checkpoint,
    )

    out = {}
    if any(k.startswith(LDM_PREFIXES["unet"]) for k in state):
        out |= {f"unet.{k}": v for k, v in convert_ldm_unet_checkpoint(state, dict(configs["unet"])).items()}
    if any(k.startswith(LDM_PREFIXES["text_encoder"]) for k in state):
        text = convert_ldm_clip_checkpoint(state)  # transformers 5 has no `text_model.` level
        out |= {f"text_encoder.{k.removeprefix('text_model.')}": v for k, v in text.items()
                if not k.endswith("position_ids")}
    if any(k.startswith(LDM_PREFIXES["vae"]) for k in state):
        out |= {f"vae.{k}": v for k, v in convert_ldm_vae_checkpoint(state, dict(configs["vae"])).items()}
    return out
