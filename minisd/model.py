"""The mini model: Stable Diffusion 1.5's classes at small widths, for 64×64 images of the world.

    CLIPTokenizer (SD1.5's BPE, 77 tokens) → CLIPTextModel (3 layers, width 128)
    → UNet2DConditionModel (16×16×4 latents, cross-attention in two resolutions)
    → AutoencoderKL (64×64×3 ↔ 16×16×4) ; DDPM training, DPM-Solver++ sampling

Everything SD1.5 code touches is here with the same names: `unet.down_blocks[i].attentions[j]
.transformer_blocks[0].attn2` is the cross-attention TAQ replaces, `text_encoder` gives
`encoder_hidden_states` of shape (batch, 77, 128).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent / "weights" / "base"
TOKENIZER_DIR = BASE_DIR / "tokenizer"


@dataclass(frozen=True)
class MiniConfig:
    text_width: int = 128  # CLIPTextModel hidden size = UNet cross_attention_dim
    text_layers: int = 3
    text_heads: int = 4
    unet_channels: tuple[int, ...] = (32, 64, 64)  # 16×16 → 8×8 → 4×4 (SD1.5: 320, 640, 1280, 1280)
    unet_heads: int = 2  # diffusers' `attention_head_dim` is really the number of heads (SD1.5: 8)
    vae_channels: tuple[int, ...] = (16, 32, 64)  # two downsamples: 64 px → 16 latent px
    latent_channels: int = 4
    image_size: int = 64
    groups: int = 16  # GroupNorm groups (SD uses 32 at widths ≥ 320)


def text_encoder_config(cfg: MiniConfig):
    from transformers import CLIPTextConfig

    return CLIPTextConfig(vocab_size=49408, hidden_size=cfg.text_width, intermediate_size=4 * cfg.text_width,
                          num_hidden_layers=cfg.text_layers, num_attention_heads=cfg.text_heads,
                          max_position_embeddings=77, hidden_act="quick_gelu", projection_dim=cfg.text_width,
                          bos_token_id=49406, eos_token_id=49407, pad_token_id=49407)


def unet_kwargs(cfg: MiniConfig) -> dict:
    return dict(sample_size=cfg.image_size // 4, in_channels=cfg.latent_channels, out_channels=cfg.latent_channels,
                down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
                up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
                block_out_channels=cfg.unet_channels, layers_per_block=1, norm_num_groups=cfg.groups,
                cross_attention_dim=cfg.text_width, attention_head_dim=cfg.unet_heads)


def vae_kwargs(cfg: MiniConfig) -> dict:
    n = len(cfg.vae_channels)
    return dict(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * n,
                up_block_types=("UpDecoderBlock2D",) * n, block_out_channels=cfg.vae_channels, layers_per_block=1,
                latent_channels=cfg.latent_channels, norm_num_groups=cfg.groups, sample_size=cfg.image_size)


def build_components(cfg: MiniConfig = MiniConfig(), tokenizer_dir: Path = TOKENIZER_DIR) -> dict:
    """Freshly initialised components, keyed as `StableDiffusionPipeline` wants them."""
    from diffusers import AutoencoderKL, DDPMScheduler, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTokenizer

    return {"tokenizer": CLIPTokenizer.from_pretrained(str(tokenizer_dir)),
            "text_encoder": CLIPTextModel(text_encoder_config(cfg)),
            "unet": UNet2DConditionModel(**unet_kwargs(cfg)),
            "vae": AutoencoderKL(**vae_kwargs(cfg)),
            "scheduler": DDPMScheduler(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012,
                                       beta_schedule="scaled_linear", clip_sample=False,
                                       steps_offset=1, prediction_type="epsilon")}


def config_dict(cfg: MiniConfig) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(cfg).items()}

