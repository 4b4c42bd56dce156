"""Test fixture only: write a diffusers UNet + text encoder in the original LDM single-file layout (as A1111
and kohya's DreamBooth save them), so the product's diffusers-based conversion can be checked on real files.
The names follow Stable Diffusion's original `openaimodel.py` layout; the product never uses this map."""
from __future__ import annotations

RESNET = {"norm1": "in_layers.0", "conv1": "in_layers.2", "norm2": "out_layers.0", "conv2": "out_layers.3",
          "time_emb_proj": "emb_layers.1", "conv_shortcut": "skip_connection"}
TOP = {"time_embedding.linear_1": "time_embed.0", "time_embedding.linear_2": "time_embed.2",
       "conv_in": "input_blocks.0.0", "conv_norm_out": "out.0", "conv_out": "out.2"}


def _resnet(rest: str) -> str:
    head, _, tail = rest.partition(".")
    return f"{RESNET.get(head, head)}.{tail}"


def unet_to_ldm(state: dict, config: dict) -> dict:
    per = config["layers_per_block"]
    blocks = len(config["block_out_channels"])
    up_attn = ["CrossAttn" in t for t in config["up_block_types"]]
    out = {}
    for key, value in state.items():
        parts = key.split(".")
        new = None
        for diffusers, ldm in TOP.items():
            if key.startswith(diffusers + "."):
                new = ldm + key[len(diffusers):]
        if parts[0] == "down_blocks":
            i, kind, j, rest = int(parts[1]), parts[2], int(parts[3]), ".".join(parts[4:])
            if kind == "resnets":
                new = f"input_blocks.{i * (per + 1) + j + 1}.0.{_resnet(rest)}"
            elif kind == "attentions":
                new = f"input_blocks.{i * (per + 1) + j + 1}.1.{rest}"
            else:  # downsamplers.0.conv
                new = f"input_blocks.{i * (per + 1) + per + 1}.0.op.{parts[-1]}"
        elif parts[0] == "up_blocks":
            i, kind, j, rest = int(parts[1]), parts[2], int(parts[3]), ".".join(parts[4:])
            if kind == "resnets":
                new = f"output_blocks.{i * (per + 1) + j}.0.{_resnet(rest)}"
            elif kind == "attentions":
                new = f"output_blocks.{i * (per + 1) + j}.1.{rest}"
            else:  # upsamplers.0.conv
                new = f"output_blocks.{i * (per + 1) + per}.{2 if up_attn[i] else 1}.conv.{parts[-1]}"
        elif parts[0] == "mid_block":
            kind, j, rest = parts[1], int(parts[2]), ".".join(parts[3:])
            new = f"middle_block.{2 * j}.{_resnet(rest)}" if kind == "resnets" else f"middle_block.1.{rest}"
        assert new is not None, f"no LDM name for {key} ({blocks} blocks)"
        out[f"model.diffusion_model.{new}"] = value
    return out


def text_encoder_to_ldm(state: dict) -> dict:
    return {f"cond_stage_model.transformer.text_model.{k.removeprefix('text_model.')}": v for k, v in state.items()}
