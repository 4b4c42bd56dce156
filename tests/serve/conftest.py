"""A tiny random pipeline with Stable Diffusion 1.5's real layout (no minisd code), and checkpoints for it."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from tests.conftest import meta, write_meta

TOKENIZER = Path(__file__).resolve().parents[2] / "minisd" / "weights" / "base" / "tokenizer"


def tiny_sd15(folder: Path) -> Path:
    """SD1.5's classes and block types at tiny widths (the diffusers test-suite recipe), saved as a folder."""
    from diffusers import AutoencoderKL, PNDMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    torch.manual_seed(0)
    unet = UNet2DConditionModel(sample_size=8, in_channels=4, out_channels=4, layers_per_block=1,
                                block_out_channels=(32, 64), norm_num_groups=32, cross_attention_dim=32,
                                down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
                                up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), attention_head_dim=2)
    vae = AutoencoderKL(block_out_channels=(32, 64), in_channels=3, out_channels=3, latent_channels=4,
                        down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2,
                        norm_num_groups=32, sample_size=16)
    text = CLIPTextModel(CLIPTextConfig(vocab_size=49408, hidden_size=32, intermediate_size=37, num_hidden_layers=2,
                                        num_attention_heads=4, max_position_embeddings=77, bos_token_id=49406,
                                        eos_token_id=49407, pad_token_id=49407))
    scheduler = PNDMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", skip_prk_steps=True, steps_offset=1)
    pipe = StableDiffusionPipeline(unet=unet, vae=vae, text_encoder=text, tokenizer=CLIPTokenizer.from_pretrained(TOKENIZER),
                                   scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                   requires_safety_checker=False)
    pipe.save_pretrained(folder, safe_serialization=True)
    return folder


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory) -> Path:
    return tiny_sd15(tmp_path_factory.mktemp("sd15") / "tiny-sd15")


def lora_tensors(base: Path, scale: float = 0.5) -> dict[str, torch.Tensor]:
    """A non-trivial LoRA for the tiny UNet, in the diffusers format, made with PEFT."""
    from diffusers import UNet2DConditionModel
    from diffusers.utils import convert_state_dict_to_diffusers
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    unet = UNet2DConditionModel.from_pretrained(base / "unet")
    unet.add_adapter(LoraConfig(r=4, lora_alpha=4, init_lora_weights="gaussian",
                                target_modules=["to_q", "to_k", "to_v", "to_out.0"]))
    torch.manual_seed(1)
    with torch.no_grad():
        for name, p in unet.named_parameters():
            if "lora_B" in name:
                p.normal_(0, scale)
    layers = convert_state_dict_to_diffusers(get_peft_model_state_dict(unet))
    return {f"unet.{k}": v.contiguous() for k, v in layers.items()}


def add_checkpoint(repo: Path, checkpoint_id: str, kind: str, tensors: dict[str, torch.Tensor],
                   metadata: dict | None = None, **fields) -> Path:
    """Weights + YAML (with sha256) for a checkpoint in `repo`; returns the YAML path."""
    from repo_store.loader import file_sha256

    repo.mkdir(parents=True, exist_ok=True)
    weights = repo / f"{checkpoint_id}.safetensors"
    save_file(tensors, str(weights), metadata=metadata)
    record = meta(checkpoint_id, kind=kind, weights=weights.name, sha256=file_sha256(weights), **fields)
    return write_meta(repo, f"{checkpoint_id}.yaml", record)
