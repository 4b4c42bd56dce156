"""Teach the mini model a personal concept from a few rendered images, the way people do with SD1.5.

    lora               PEFT LoRA (rank 8) on the UNet attention projections, saved in the diffusers
                       format that `pipe.load_lora_weights` reads
    dreambooth         the whole UNet fine-tuned, saved as `unet.*` safetensors (full fp16 weights)
    textual_inversion  one new token embedding for the trigger, saved as {trigger: (1, width)}
All use DreamBooth's prior preservation: every batch mixes the concept's images (captioned with the
trigger) with ordinary world images of the same kind (captioned without it), so the trigger, and not
the class word, carries the concept.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

from minisd.concepts import Concept
from minisd.evaluator import as_float, to_pixels
from minisd.train import add_noise, loose_caption
from minisd.world import Scene, render, sample_scene

LORA_TARGETS = ["to_q", "to_k", "to_v", "to_out.0"]


@dataclass(frozen=True)
class TuneConfig:
    images: int = 6  # instance images of the concept (personalization recipes use 4-8)
    priors: int = 192  # ordinary world images for prior preservation
    steps: int | None = None  # None: STEPS[kind]
    batch: int = 16  # half concept, half prior
    lr: dict | None = None  # per kind; defaults below
    rank: int = 8


LEARNING_RATES = {"lora": 3e-3, "dreambooth": 3e-4, "textual_inversion": 2e-2}
# Textual inversion trains one embedding row and needs far more steps than LoRA or DreamBooth; how
# these counts were chosen is in docs/minisd.md ("Training steps per kind").
STEPS = {"lora": 480, "dreambooth": 480, "textual_inversion": 1200}


def training_set(concept: Concept, cfg: TuneConfig, seed: int):
    """(instance scenes + captions, prior scenes + captions) for `concept`."""
    rng = random.Random(f"{concept.id}|{seed}")
    instances = [concept.scene(rng) for _ in range(cfg.images)]
    instance_seeds = [rng.randrange(1 << 30) for _ in instances]
    fixed = {} if concept.is_style else {"subject": concept.subject}
    priors = [sample_scene(rng, **fixed) for _ in range(cfg.priors)]
    prior_seeds = [rng.randrange(1 << 30) for _ in priors]
    if concept.is_style:  # prior captions say what the instance captions say, minus the trigger
        prior_captions = [concept.prompt(s, trigger=False, rng=rng) for s in priors]
    else:
        prior_captions = [loose_caption(s, rng) or f"a {s.subject}" for s in priors]
    return (instances, instance_seeds), (priors, prior_seeds, prior_captions)


def _encode(vae, scenes: list[Scene], seeds: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    with torch.no_grad():
        dist = vae.encode(as_float(to_pixels([render(s, n) for s, n in zip(scenes, seeds)]))).latent_dist
    return dist.mean, dist.std


def _ids(pipe, captions: list[str]) -> torch.Tensor:
    return pipe.tokenizer(captions, padding="max_length", max_length=77, truncation=True,
                          return_tensors="pt").input_ids  # (B, 77)


def finetune(pipe, concept: Concept, cfg: TuneConfig = TuneConfig(), seed: int = 0, log=print) -> dict[str, torch.Tensor]:
    """Train `concept` into `pipe` (fp32, CPU) and return the tensors to save for its kind."""
    from tqdm import tqdm

    torch.manual_seed(seed)
    (instances, instance_seeds), (priors, prior_seeds, prior_captions) = training_set(concept, cfg, seed)
    unet, text_encoder, vae, scheduler = pipe.unet, pipe.text_encoder, pipe.vae, pipe.scheduler
    scale = vae.config.scaling_factor
    from diffusers import DDPMScheduler

    alphas = DDPMScheduler.from_config(scheduler.config).alphas_cumprod  # the training noise schedule
    inst_latents, prior_latents = _encode(vae, instances, instance_seeds), _encode(vae, priors, prior_seeds)
    rng = random.Random(seed)
    unet.requires_grad_(False)
    text_encoder.requires_grad_(False)
    vae.requires_grad_(False)

    kind = concept.kind
    token_row = None
    if kind == "lora":
        from peft import LoraConfig

        unet.add_adapter(LoraConfig(r=cfg.rank, lora_alpha=cfg.rank, init_lora_weights="gaussian",
                                    target_modules=LORA_TARGETS))
        params = [p for p in unet.parameters() if p.requires_grad]
    elif kind == "dreambooth":
        unet.requires_grad_(True)
        params = list(unet.parameters())
    elif kind == "textual_inversion":
        pipe.tokenizer.add_tokens([concept.trigger])
        text_encoder.resize_token_embeddings(len(pipe.tokenizer))
        token_row = pipe.tokenizer.convert_tokens_to_ids(concept.trigger)
        table = text_encoder.get_input_embeddings().weight
        with torch.no_grad():  # start from the class word, as textual inversion usually does
            table[token_row] = table[pipe.tokenizer(concept.subject).input_ids[1]]
        table.requires_grad_(True)
        params = [table]
    else:
        raise ValueError(f"cannot train kind {kind!r}")

    cached_prior = None
    if kind != "textual_inversion":
        with torch.no_grad():
            cached_prior = text_encoder(_ids(pipe, prior_captions))[0]  # (P, 77, width)

    optimizer = torch.optim.AdamW(params, lr=(cfg.lr or LEARNING_RATES)[kind], weight_decay=1e-2 if kind != "textual_inversion" else 0.0)
    half = cfg.batch // 2
    steps = cfg.steps or STEPS[kind]
    unet.train()
    for _ in tqdm(range(steps), desc=concept.id, unit="step", leave=False):
        ii = torch.randint(0, len(instances), (half,))
        pi = torch.randint(0, len(priors), (half,))
        mean = torch.cat([inst_latents[0][ii], prior_latents[0][pi]])
        std = torch.cat([inst_latents[1][ii], prior_latents[1][pi]])
        z0 = (mean + std * torch.randn_like(mean)) * scale  # (B, 4, 16, 16)
        inst_ids = _ids(pipe, [concept.prompt(instances[i], rng=rng) for i in ii.tolist()])
        if cached_prior is not None:
            with torch.no_grad():
                inst_states = text_encoder(inst_ids)[0]
            states = torch.cat([inst_states, cached_prior[pi]])
        else:
            states = text_encoder(torch.cat([inst_ids, _ids(pipe, [prior_captions[i] for i in pi.tolist()])]))[0]
        t = torch.randint(0, scheduler.config.num_train_timesteps, (len(z0),))
        noise = torch.randn_like(z0)
        zt = add_noise(z0, noise, t, alphas)  # the sampler in `pipe.scheduler` indexes noise differently
        loss = F.mse_loss(unet(zt, t, encoder_hidden_states=states).sample, noise)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if token_row is not None:  # only the trigger's row learns
            keep = torch.zeros_like(params[0].grad)
            keep[token_row] = 1
            params[0].grad.mul_(keep)
        optimizer.step()
    unet.eval()
    log(f"{concept.id}: {kind} trained {steps} steps, last loss {loss.item():.4f}")
    return export(pipe, concept, token_row)


def export(pipe, concept: Concept, token_row: int | None) -> dict[str, torch.Tensor]:
    if concept.kind == "lora":
        from diffusers.utils import convert_state_dict_to_diffusers
        from peft.utils import get_peft_model_state_dict

        layers = convert_state_dict_to_diffusers(get_peft_model_state_dict(pipe.unet))
        return {f"unet.{k}": v.detach().half().contiguous() for k, v in layers.items()}
    if concept.kind == "dreambooth":
        return {f"unet.{k}": v.detach().half().contiguous() for k, v in pipe.unet.state_dict().items()}
    row = pipe.text_encoder.get_input_embeddings().weight[token_row].detach()
    return {concept.trigger: row.unsqueeze(0).half().contiguous()}  # (1, width)


def save_weights(tensors: dict[str, torch.Tensor], concept: Concept, out: Path) -> Path:
    """Write the checkpoint's safetensors file (LoRA keys in the diffusers format)."""
    metadata = {"kind": concept.kind, "trigger": concept.trigger, "base_model": "minisd-64"}
    if concept.kind == "dreambooth":
        metadata["format"] = "full"
    save_file(tensors, str(out), metadata=metadata)
    return out

