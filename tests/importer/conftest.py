"""Fixture folders shaped like an A1111/ComfyUI `models/Lora` directory, written by the tests themselves:
kohya-keyed LoRAs built from a base model's real module names, Civitai Helper / LoRA-Manager sidecars and
previews, an A1111 embedding, a duplicate, SDXL-shaped and SD1.5-width LoRAs, a file without metadata."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch
from PIL import Image
from safetensors.torch import save_file

from repo_store.loader import read_safetensors_header

MINI_BASE = Path(__file__).resolve().parents[2] / "minisd" / "weights" / "base"
UNET_TARGETS = ("attn1.to_q", "attn1.to_k", "attn1.to_v", "attn1.to_out.0",
                "attn2.to_q", "attn2.to_k", "attn2.to_v", "attn2.to_out.0")
TE_TARGETS = ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.out_proj")


def _modules(base: Path, component: str, targets: tuple[str, ...]) -> dict[str, list[int]]:
    """Module name → weight shape, from the header of the base's own weights file."""
    header = {}
    for file in sorted((base / component).glob("*.safetensors")):
        header |= read_safetensors_header(file)
    prefix = "text_model." if component == "text_encoder" else ""  # kohya names CLIP's modules from text_model
    return {prefix + k.removeprefix("text_model.").removesuffix(".weight"): v["shape"] for k, v in header.items()
            if k.endswith(".weight") and k.removesuffix(".weight").endswith(targets)}


def kohya_lora(base: Path, seed: int, text_encoder: bool = True, rank: int = 4, scale: float = 0.4,
               unet: bool = True):
    """A LoRA as kohya sd-scripts writes it: `lora_unet_<module with _>.lora_down/lora_up/alpha`."""
    gen = torch.Generator().manual_seed(seed)
    tensors = {}
    parts = [("lora_unet_", _modules(base, "unet", UNET_TARGETS))] if unet else []
    if text_encoder:
        parts.append(("lora_te_", _modules(base, "text_encoder", TE_TARGETS)))
    for prefix, modules in parts:
        for module, (out_features, in_features) in modules.items():
            name = prefix + module.replace(".", "_")
            tensors[f"{name}.lora_down.weight"] = torch.randn(rank, in_features, generator=gen) * scale
            tensors[f"{name}.lora_up.weight"] = torch.randn(out_features, rank, generator=gen) * scale
            tensors[f"{name}.alpha"] = torch.tensor(float(rank))
    return tensors


def kohya_metadata(output_name: str, tags: dict[str, dict[str, int]], started: float, finished: float,
                   **extra: str) -> dict[str, str]:
    return {"ss_output_name": output_name, "ss_tag_frequency": json.dumps(tags),
            "ss_training_started_at": str(started), "ss_training_finished_at": str(finished),
            "ss_sd_model_name": "minisd-64", "ss_network_module": "networks.lora",
            "ss_base_model_version": "sd_v1", **extra}


def sdxl_lora(with_metadata: bool) -> tuple[dict, dict | None]:
    """SDXL's layout and widths: sgm block names, context width 2048, two text encoders."""
    tensors = {
        "lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k.lora_down.weight": torch.zeros(4, 2048),
        "lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k.lora_up.weight": torch.zeros(640, 4),
        "lora_te1_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight": torch.zeros(4, 768),
        "lora_te1_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight": torch.zeros(768, 4),
        "lora_te2_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight": torch.zeros(4, 1280),
        "lora_te2_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight": torch.zeros(1280, 4),
    }
    meta = {"ss_base_model_version": "sdxl_base_v1-0", "ss_output_name": "pixelart_xl"} if with_metadata else None
    return tensors, meta


def sd15_width_lora() -> dict:
    """A real SD1.5-width LoRA (context 768): the right family, the wrong size for a small base."""
    name = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k"
    return {f"{name}.lora_down.weight": torch.zeros(4, 768), f"{name}.lora_up.weight": torch.zeros(320, 4)}


def embedding(width: int, seed: int, vectors: int = 2) -> dict:
    return {"emb_params": torch.randn(vectors, width, generator=torch.Generator().manual_seed(seed)) * 0.5}


def civitai_info(version: str, words: list[str], created: str, description: str, model: str, sha: str | None = None):
    info = {"id": 1001, "modelId": 77, "name": version, "createdAt": created, "trainedWords": words,
            "baseModel": "SD 1.5", "description": description, "model": {"name": model, "type": "LORA"}}
    if sha:
        info["files"] = [{"name": "x.safetensors", "hashes": {"AutoV2": sha[:10].upper(), "SHA256": sha.upper()}}]
    return info


def preview(path: Path, color: tuple[int, int, int]) -> None:
    Image.new("RGB", (32, 32), color).save(path)


def lora_folder(root: Path, base: Path = MINI_BASE) -> Path:
    """SRC: what a person's models folder looks like (see the module docstring); returns it."""
    lora = root / "models" / "Lora"
    (lora / "copies").mkdir(parents=True)
    (lora / "xl").mkdir()
    emb = root / "models" / "embeddings"
    emb.mkdir(parents=True)
    (root / "models" / "Stable-diffusion").mkdir()
    # kohya output with training metadata; the trigger comes from the caption tags
    save_file(kohya_lora(base, 1), str(lora / "rexdog_v2.safetensors"), metadata=kohya_metadata(
        "rexdog_v2", {"10_rexdog dog": {"rexdog": 20, "dog": 20, "solo": 12, "grass": 4}},
        1743465600.0, 1743469200.0))  # 2025-04-01 00:00 / 01:00 UTC
    shutil.copyfile(lora / "rexdog_v2.safetensors", lora / "copies" / "rexdog_v2 (1).safetensors")
    # A1111 Civitai Helper: .civitai.info + .preview.png
    save_file(kohya_lora(base, 2, text_encoder=False), str(lora / "blue_teapot.safetensors"))
    (lora / "blue_teapot.civitai.info").write_text(json.dumps(civitai_info(
        "v3.0", ["blueteapot"], "2025-02-03T10:00:00.000Z",
        "<p>A <b>blue porcelain teapot</b> with gold trim &amp; a curved spout.</p>", "Blue Teapot")))
    preview(lora / "blue_teapot.preview.png", (20, 40, 200))
    # ComfyUI LoRA-Manager: .metadata.json
    save_file(kohya_lora(base, 3), str(lora / "castle_wc.safetensors"))
    (lora / "castle_wc.metadata.json").write_text(json.dumps({
        "file_name": "castle_wc", "model_name": "Watercolor Castle", "base_model": "SD 1.5",
        "tags": ["castle", "watercolor", "architecture"],
        "modelDescription": "A hilltop castle painted in soft watercolor washes.",
        "civitai": {"name": "v1", "createdAt": "2025-03-10T08:00:00Z", "trainedWords": ["wcastle castle"],
                    "baseModel": "SD 1.5", "model": {"name": "Watercolor Castle", "type": "LORA"}}}))
    # no metadata at all, no sidecar
    save_file(kohya_lora(base, 4), str(lora / "zebra_toy.safetensors"))
    # not for this base: SDXL by metadata, SDXL by shapes alone, SD1.5 at full width
    for name, with_meta in (("pixelart_xl", True), ("anon_xl", False)):
        tensors, meta = sdxl_lora(with_meta)
        save_file(tensors, str(lora / "xl" / f"{name}.safetensors"), metadata=meta)
    save_file(sd15_width_lora(), str(lora / "realistic_sd15.safetensors"))
    (lora / "old_pickle.ckpt").write_bytes(b"\x80\x04not loaded")
    # A1111 textual inversion
    width = read_safetensors_header(next((base / "text_encoder").glob("*.safetensors")))[
        "embeddings.token_embedding.weight"]["shape"][1]
    save_file(embedding(width, 5), str(emb / "orange_fox.safetensors"))
    # kohya DreamBooth / A1111 single-file checkpoint (original LDM key layout)
    save_file(full_checkpoint(base, 6), str(root / "models" / "Stable-diffusion" / "mfox_db.safetensors"),
              metadata=kohya_metadata("mfox_db", {"20_mfox fox": {"mfox": 20, "fox": 20, "snow": 6}},
                                      1746057600.0, 1746061200.0, ss_network_module=""))
    return root / "models"


def full_checkpoint(base: Path, seed: int) -> dict:
    """The base's UNet (attention weights perturbed) and text encoder, in the LDM single-file layout."""
    from diffusers import UNet2DConditionModel
    from transformers import CLIPTextModel

    from tests.importer.ldm import text_encoder_to_ldm, unet_to_ldm

    unet = UNet2DConditionModel.from_pretrained(base / "unet", torch_dtype=torch.float32)
    text = CLIPTextModel.from_pretrained(base / "text_encoder", torch_dtype=torch.float32)
    gen = torch.Generator().manual_seed(seed)
    state = {k: v.clone() for k, v in unet.state_dict().items()}
    for key, value in state.items():
        if "attn2.to_v" in key or "attn2.to_out" in key:
            value += torch.randn(value.shape, generator=gen) * value.std() * 0.8
    tensors = unet_to_ldm(state, unet.config) | text_encoder_to_ldm(text.state_dict())
    return {k: v.contiguous() for k, v in tensors.items()}


def snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under `folder`: size, mtime and content hash (to prove nothing was written)."""
    import hashlib

    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.rglob("*")) if p.is_file()}
