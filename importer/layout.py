"""What a safetensors file is, from its key layout and tensor shapes, and whether it fits the loaded base.

    kind        LoRA (kohya `lora_unet_…`/`lora_te_…` or diffusers/PEFT keys), LyCORIS (LoCon loads as a LoRA;
                LoHa/LoKr are refused: diffusers has no SD1.5 converter for them), textual inversion (`emb_params`,
                or one 2-D tensor), full checkpoint (LDM single file: `model.diffusion_model.…`), DreamBooth
                (PersonalQ's `unet.…`/`text_encoder.…` tensors)
    family      from the metadata (`ss_base_model_version`, `modelspec.architecture`, Civitai's `baseModel`),
                else from the shapes (cross-attention width 768 = SD1, 1024 = SD2, 2048 = SDXL; `lora_te2_`, `clip_g`,
                `conditioner.embedders` = SDXL)
    fit         the file's tensors are renamed by diffusers' own converters (`lora_state_dict`, the PEFT renames,
                `single_file_utils.convert_ldm_*`) on meta tensors, then every target must exist in the base with
                the same shape. Nothing is loaded but the header (and LoRA alphas, one number each).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from errors import InputError
from repo_store.loader import read_safetensors_header
from serve.single_file import is_ldm, ldm_to_diffusers

SD1, SD2, SDXL = "SD1", "SD2", "SDXL"
_WIDTH_FAMILY = {768: SD1, 1024: SD2, 2048: SDXL}
LYCORIS_UNSUPPORTED = ("hada_w1_a", "lokr_w1", "lokr_w1_a", "oft_blocks", "oft_diag")


class LayoutError(InputError):
    """The file is not something PersonalQ can serve on the loaded base; the message says why."""


@dataclass(frozen=True)
class Layout:
    kind: str  # the schema's kind: lora | textual_inversion | dreambooth | diffusers
    label: str  # what the report shows: "LoRA (kohya)", "LyCORIS LoCon", "full checkpoint (LDM)", ...
    family: str | None  # SD1 | SD2 | SDXL | None (unknown)
    family_source: str  # "metadata ss_base_model_version='sd_v1'" or "shapes: cross-attention width 768"


def shapes_of(header: dict) -> dict[str, list[int]]:
    return {k: v.get("shape", []) for k, v in header.items() if k != "__metadata__" and isinstance(v, dict)}


def family_from_metadata(meta: dict[str, str], civitai_base: str | None) -> tuple[str | None, str]:
    """The family a file's own metadata claims, and where that came from."""
    claims = [("ss_base_model_version", meta.get("ss_base_model_version")),
              ("modelspec.architecture", meta.get("modelspec.architecture")),
              ("ss_v2", "sd_v2" if meta.get("ss_v2") == "True" else None),
              ("Civitai baseModel", civitai_base)]
    for field, value in claims:
        if not value:
            continue
        low = value.lower().replace(" ", "").replace("-", "").replace("_", "")
        if any(tag in low for tag in ("sdxl", "xl", "pony", "illustrious", "noobai")):
            family = SDXL
        elif any(tag in low for tag in ("sd1", "sdv1", "stablediffusionv1", "sd15", "sd14")):
            family = SD1
        elif any(tag in low for tag in ("sd2", "sdv2", "stablediffusionv2", "sd21", "sd20")):
            family = SD2
        else:  # Flux, SD3, Hunyuan, …: named as they call themselves
            family = value.split("/")[0]
        return family, f"metadata {field}={value!r}"
    return None, ""


def family_from_shapes(shapes: dict[str, list[int]]) -> tuple[str | None, str]:
    keys = list(shapes)
    if any(k.startswith(("lora_te2_", "conditioner.embedders.1")) for k in keys) or "clip_g" in shapes:
        return SDXL, "shapes: a second text encoder (SDXL)"
    if any(k.startswith("cond_stage_model.model.") for k in keys):
        return SD2, "shapes: OpenCLIP text encoder (SD2)"
    for key, shape in shapes.items():
        if ("attn2_to_k" in key and key.endswith("lora_down.weight")) or (
                "attn2.to_k" in key and key.endswith(("lora.down.weight", "lora_A.weight"))):
            width = shape[1]
        elif key.endswith("attn2.to_k.weight") and len(shape) == 2:
            width = shape[1]
        else:
            continue
        return _WIDTH_FAMILY.get(width), f"shapes: cross-attention width {width}"
    if "emb_params" in shapes and len(shapes["emb_params"]) == 2:
        width = shapes["emb_params"][1]
        return _WIDTH_FAMILY.get(width), f"shapes: embedding width {width}"
    return None, "shapes: no telling layer"


def classify(shapes: dict[str, list[int]], meta: dict[str, str]) -> tuple[str, str]:
    """(kind, label) from the key layout; raises LayoutError for layouts PersonalQ cannot serve."""
    keys = list(shapes)
    if not keys:
        raise LayoutError("the file holds no tensors")
    if any(part in k for k in keys for part in LYCORIS_UNSUPPORTED):
        algo = "LoHa" if any("hada_" in k for k in keys) else "LoKr" if any("lokr_" in k for k in keys) else "OFT"
        raise LayoutError(f"LyCORIS {algo} layout: diffusers has no converter for it on SD1.5-layout models; "
                          "only LoRA and LoCon files load")
    if any(k.startswith(("lora_unet_", "lora_te_", "lora_te1_", "lora_te2_")) for k in keys):
        module = meta.get("ss_network_module", "")
        conv = any(k.endswith("lora_down.weight") and len(shapes[k]) == 4 and shapes[k][2:] != [1, 1] for k in keys)
        if "lycoris" in module or conv:
            return "lora", "LyCORIS LoCon (kohya keys)"
        return "lora", "LoRA (kohya keys)"
    if any(".lora" in k or "lora_A" in k or "lora_B" in k for k in keys):
        return "lora", "LoRA (diffusers keys)"
    if keys == ["emb_params"] or (len(keys) == 1 and len(shapes[keys[0]]) == 2):
        return "textual_inversion", "textual inversion (A1111)" if keys == ["emb_params"] else "textual inversion"
    if set(keys) <= {"clip_l", "clip_g"}:
        return "textual_inversion", "textual inversion (SDXL)"
    if is_ldm(keys):
        trained = "DreamBooth (kohya), " if any(k.startswith("ss_") for k in meta) else ""
        return "diffusers", f"{trained}full checkpoint (single file)"
    if all(k.partition(".")[0] in ("unet", "text_encoder") for k in keys):
        return "dreambooth", "DreamBooth (unet./text_encoder. tensors)"
    if all(k.partition(".")[0] in ("unet", "text_encoder", "vae") for k in keys):
        return "diffusers", "full checkpoint (unet./text_encoder./vae. tensors)"
    raise LayoutError(f"unknown key layout (first key {keys[0]!r}); expected a LoRA, an embedding or a checkpoint")


def describe(header: dict, meta: dict[str, str], civitai_base: str | None) -> Layout:
    """The file's Layout from its header; raises LayoutError."""
    shapes = shapes_of(header)
    kind, label = classify(shapes, meta)
    family, source = family_from_metadata(meta, civitai_base)
    if family is None:
        family, source = family_from_shapes(shapes)
    return Layout(kind, label, family, source)


# ---- fit against the loaded base ---------------------------------------------------------------------------

@dataclass(frozen=True)
class BaseShapes:
    """The loaded base's tensor names and shapes per component, and its family (from the UNet config)."""

    name: str
    family: str
    components: dict[str, dict[str, list[int]]]
    configs: dict[str, dict]

    @property
    def text_width(self) -> int:
        return self.components["text_encoder"]["embeddings.token_embedding.weight"][1]


@cache
def base_shapes(source: str) -> BaseShapes:
    """Shapes from the headers of a diffusers folder's files (no weights are read)."""
    from serve.pipeline import base_name

    folder = Path(source.split("::")[0])
    if not folder.is_dir():
        raise LayoutError(f"the base model {source!r} is not a diffusers folder; the importer reads the shapes of "
                          "a folder's files (set PERSONALQ_BASE_MODEL to one)")
    components, configs = {}, {}
    for component in ("unet", "text_encoder", "vae"):
        files = sorted((folder / component).glob("*.safetensors"))
        if not files:
            raise LayoutError(f"base model folder {folder} has no {component}/*.safetensors")
        components[component] = {k.removeprefix("text_model."): v  # transformers 5 dropped the text_model level
                                  for f in files for k, v in shapes_of(read_safetensors_header(f)).items()}
        configs[component] = json.loads((folder / component / "config.json").read_text())
    width = configs["unet"].get("cross_attention_dim")
    family = SDXL if width == 2048 or configs["unet"].get("addition_embed_type") == "text_time" else \
        SD2 if width == 1024 else SD1
    return BaseShapes(base_name(source), family, components, configs)


def check_fit(path: Path, layout: Layout, header: dict, base: BaseShapes) -> None:
    """Raise LayoutError unless every tensor of the file lands on a same-shaped tensor of the base."""
    if layout.family and layout.family != base.family:
        raise LayoutError(f"{layout.family} checkpoint ({layout.family_source}) is incompatible with the loaded "
                          f"base {base.name!r} ({base.family} layout); it is refused, not mis-loaded")
    shapes = shapes_of(header)
    try:
        if layout.kind == "lora":
            _check_lora(path, shapes, base)
        elif layout.kind == "textual_inversion":
            widths = {s[-1] for s in shapes.values()}
            if widths != {base.text_width}:
                raise LayoutError(f"embedding width {sorted(widths)[0]} does not match the base text encoder's "
                                  f"{base.text_width}")
        elif is_ldm(shapes):
            _compare(ldm_to_diffusers({k: _meta(s) for k, s in shapes.items()}, base.configs), base)
        else:
            _compare({k: _meta(s) for k, s in shapes.items()}, base)
    except (LayoutError, KeyError, IndexError, RuntimeError) as err:
        family = f"{layout.family} " if layout.family else ""
        raise LayoutError(f"{family}{layout.label} does not fit the loaded base {base.name!r}: {err}") from None


def _meta(shape: list[int]):
    import torch

    return torch.empty(shape, device="meta")


def _compare(tensors: dict, base: BaseShapes) -> None:
    for key, value in tensors.items():
        component, _, name = key.partition(".")
        own = base.components.get(component, {})
        if name not in own:
            raise LayoutError(f"tensor {key!r} has no counterpart in the base {component or 'model'}")
        if list(own[name]) != list(value.shape):
            raise LayoutError(f"{key} has shape {list(value.shape)}, the base has {list(own[name])}")


def _check_lora(path: Path, shapes: dict[str, list[int]], base: BaseShapes) -> None:
    """Rename with diffusers' converters (as `load_lora_weights` does), then compare with the base modules."""
    from diffusers import StableDiffusionPipeline
    from diffusers.utils import convert_state_dict_to_diffusers, convert_state_dict_to_peft, \
        convert_unet_state_dict_to_peft
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as f:  # alphas are one number each; all else stays on meta
        state = {k: f.get_tensor(k) if k.endswith(".alpha") else _meta(s) for k, s in shapes.items()}
    try:
        converted, _ = StableDiffusionPipeline.lora_state_dict(state)
    except (ValueError, KeyError) as err:
        raise LayoutError(f"diffusers' LoRA converter refused it: {str(err).splitlines()[0][:200]}") from None
    unet = {k.removeprefix("unet."): v for k, v in converted.items() if k.startswith("unet.")}
    text = {k.removeprefix("text_encoder."): v for k, v in converted.items() if k.startswith("text_encoder.")}
    others = sorted(k for k in converted if not k.startswith(("unet.", "text_encoder.")))
    if others:
        raise LayoutError(f"tensor {others[0]!r} targets neither the UNet nor the text encoder")
    renamed = {"unet": convert_unet_state_dict_to_peft(unet) if unet else {},
               "text_encoder": convert_state_dict_to_peft(convert_state_dict_to_diffusers(text)) if text else {}}
    for component, peft in renamed.items():
        own = base.components[component]
        for key, value in peft.items():
            if ".lora_A." not in key:
                continue
            module = key.split(".lora_A.")[0]
            target = f"{module.removeprefix('text_model.')}.weight"
            if target not in own:
                raise LayoutError(f"layer {module!r} does not exist in the base {component}")
            up = peft[key.replace(".lora_A.", ".lora_B.")]
            want = list(own[target])
            if want[0] != up.shape[0] or want[1] != value.shape[1]:
                raise LayoutError(f"layer {component}.{module} is {want[1]}→{want[0]} in the base, the LoRA "
                                  f"maps {value.shape[1]}→{up.shape[0]}")
