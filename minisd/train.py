"""Train the mini SD1.5-architecture model from scratch on the procedural world.

    python -m minisd.train --images 40000 --vae-steps 800 --unet-steps 3500 --seed 0

1. render `images` scenes (half with instance details, which captions never mention);
2. train the AutoencoderKL (L1 + tiny KL, bf16 autocast) and set its `scaling_factor`;
3. pretrain CLIPTextModel to read captions, freeze it, encode every image once, then train the
   UNet2DConditionModel with the DDPM ε-objective; captions vary in wording and leave attributes out
   (10% empty, for guidance);
4. save the EMA weights as an fp16 diffusers folder with a sha256 manifest and the training log.
Progress bars go to stderr; one line per milestone goes to `<out>/train.log`.

`--vae-from DIR/vae` reuses an autoencoder instead of step 2 (one improved by `python -m minisd.decoder`);
`--init-from DIR` starts from another base's text encoder (step 3's pretraining is then skipped) and UNet,
which is how a UNet follows a fine-tuned latent space without starting over. Both record the commands that
made what they reuse in `minisd.json`, and the earlier `train.log` heads the new one.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import platform
import random
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm import tqdm

from minisd.evaluator import as_float, random_scenes, to_pixels
from minisd.model import BASE_DIR, MiniConfig, build_components, config_dict
from minisd.world import BACKGROUND_PHRASES, STYLE_PHRASES, TIME_PHRASES, Scene, render


def caption_parts(scene: Scene, rng: random.Random) -> tuple[str, set[str]]:
    """A caption that may leave attributes out (so the model learns to fill in what is not said),
    and the attributes it states."""
    if rng.random() < 0.10:
        return "", set()  # unconditional, for classifier-free guidance
    words, said = ["a"], {"subject"}
    if rng.random() < 0.8:
        words.append(scene.color)
        said |= {"color", "pattern"}  # "a red dog" states that the dog is plain
        if scene.pattern != "plain":
            words.append(scene.pattern)
    words.append(scene.subject)
    if rng.random() < 0.85:
        words.append(rng.choice(BACKGROUND_PHRASES[scene.background]))
        said.add("background")
    if rng.random() < 0.85:
        words.append(rng.choice(TIME_PHRASES[scene.time]))
        said.add("time")
    text = " ".join(words)
    if rng.random() < 0.9:
        text += ", " + rng.choice(STYLE_PHRASES[scene.style])
        said.add("style")
    return text, said


def loose_caption(scene: Scene, rng: random.Random) -> str:
    return caption_parts(scene, rng)[0]


def pretrain_text_encoder(text_encoder, tokenizer, scenes: list[Scene], steps: int, batch: int, lr: float,
                          seed: int, log) -> None:
    """Teach the text encoder what captions say before the UNet listens to it, as SD1.5 starts from a
    pretrained CLIP text tower: from the pooled (end-of-text) state, predict every stated attribute
    (or "not stated"). The heads are thrown away; the encoder is then frozen."""
    from minisd.evaluator import CAPTIONED, HEADS

    width = text_encoder.config.hidden_size
    heads = torch.nn.ModuleDict({a: torch.nn.Linear(width, len(HEADS[a]) + 1) for a in CAPTIONED})
    params = [p for p in text_encoder.parameters() if p.requires_grad] + list(heads.parameters())
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=1e-2)
    schedule = warmup_cosine(optimizer, steps, warmup=max(1, steps // 20))
    rng = random.Random(seed + 1)
    text_encoder.train()
    for step in tqdm(range(steps), desc="text encoder", unit="step"):
        picked = [scenes[rng.randrange(len(scenes))] for _ in range(batch)]
        parts = [caption_parts(s, rng) for s in picked]
        ids = tokenizer([t for t, _ in parts], padding="max_length", max_length=77, truncation=True,
                        return_tensors="pt").input_ids
        pooled = text_encoder(ids).pooler_output  # (B, width) at <|endoftext|>
        loss = 0.0
        for a in CAPTIONED:
            values = HEADS[a]
            target = torch.tensor([values.index(getattr(s, a)) if a in said else len(values)
                                   for s, (_, said) in zip(picked, parts)])
            loss = loss + F.cross_entropy(heads[a](pooled), target)
        optimize(loss, optimizer, schedule)
        if (step + 1) % 100 == 0:
            log(f"text step {step + 1}/{steps}: loss {loss.item():.4f}")
    text_encoder.eval().requires_grad_(False)


def add_noise(z0: torch.Tensor, noise: torch.Tensor, t: torch.Tensor, alphas_cumprod: torch.Tensor) -> torch.Tensor:
    """The DDPM forward process q(z_t | z_0) at integer timesteps `t` (what the UNet learns to undo)."""
    a = alphas_cumprod[t].view(-1, 1, 1, 1)
    return a.sqrt() * z0 + (1 - a).sqrt() * noise


def optimize(loss: torch.Tensor, optimizer, schedule, clip: list | None = None) -> None:
    """One optimizer step on `loss` (gradient norm clipped to 1 over `clip` when given)."""
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if clip:
        torch.nn.utils.clip_grad_norm_(clip, 1.0)
    optimizer.step()
    schedule.step()


def warmup_cosine(optimizer, steps: int, warmup: int) -> torch.optim.lr_scheduler.LambdaLR:
    """Linear warm-up over `warmup` steps, then cosine decay to 5% of the peak."""
    import math

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, steps - warmup)
        return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


class Ema:
    """Exponential moving average of parameters, warmed up so early steps do not dominate."""

    def __init__(self, model: torch.nn.Module, decay: float = 0.999):
        self.model, self.decay, self.steps = copy.deepcopy(model).eval().requires_grad_(False), decay, 0

    @torch.no_grad()
    def update(self, model: torch.nn.Module) -> None:
        self.steps += 1
        d = min(self.decay, (1 + self.steps) / (10 + self.steps))
        for shadow, live in zip(self.model.parameters(), model.parameters()):
            shadow.lerp_(live.detach(), 1 - d)


def train_vae(vae, pixels: torch.Tensor, steps: int, batch: int, lr: float, log) -> float:
    """Fit the autoencoder; returns the latent std used for `scaling_factor`."""
    optimizer = torch.optim.AdamW(vae.parameters(), lr=lr, weight_decay=0.0)
    schedule = warmup_cosine(optimizer, steps, warmup=max(1, steps // 20))
    vae.train()
    for step in tqdm(range(steps), desc="vae", unit="step"):
        x = as_float(pixels[torch.randint(0, len(pixels), (batch,))])
        with torch.autocast("cpu", dtype=torch.bfloat16):
            posterior = vae.encode(x).latent_dist
            recon = vae.decode(posterior.sample()).sample
        loss = F.l1_loss(recon.float(), x) + 1e-6 * posterior.kl().mean()
        optimize(loss, optimizer, schedule)
        if (step + 1) % 100 == 0:
            log(f"vae step {step + 1}/{steps}: l1 {F.l1_loss(recon.float(), x).item():.4f}")
    vae.eval()
    with torch.no_grad():
        sample = vae.encode(as_float(pixels[:512])).latent_dist.mean
    return float(sample.std())


@torch.no_grad()
def encode_all(vae, pixels: torch.Tensor, batch: int = 256) -> tuple[torch.Tensor, torch.Tensor]:
    means, stds = [], []
    for i in tqdm(range(0, len(pixels), batch), desc="encoding", unit="batch"):
        dist = vae.encode(as_float(pixels[i:i + batch])).latent_dist
        means.append(dist.mean)
        stds.append(dist.std)
    return torch.cat(means), torch.cat(stds)  # (N, 4, 16, 16) each


def train_denoiser(parts: dict, latents: tuple[torch.Tensor, torch.Tensor], scenes: list[Scene], steps: int,
                   batch: int, lr: float, seed: int, log, snapshot=None) -> torch.nn.Module:
    """UNet training on the frozen text encoder with min-SNR-5 loss weighting (Hang et al. 2023: faster
    convergence); returns the UNet's EMA copy."""
    unet, text_encoder, tokenizer, scheduler = parts["unet"], parts["text_encoder"], parts["tokenizer"], parts["scheduler"]
    scale = parts["vae"].config.scaling_factor
    params = list(unet.parameters())
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=1e-2)
    schedule = warmup_cosine(optimizer, steps, warmup=max(1, steps // 30))
    ema_unet = Ema(unet)
    alphas = scheduler.alphas_cumprod
    snr = alphas / (1 - alphas)
    weights = snr.clamp(max=5.0) / snr  # min-SNR-γ for ε-prediction
    rng = random.Random(seed)
    mean, std = latents
    unet.train()
    running = 0.0
    for step in tqdm(range(steps), desc="unet+text", unit="step"):
        idx = torch.randint(0, len(mean), (batch,))
        z0 = (mean[idx] + std[idx] * torch.randn_like(mean[idx])) * scale  # (B, 4, 16, 16)
        ids = tokenizer([loose_caption(scenes[i], rng) for i in idx.tolist()], padding="max_length",
                        max_length=77, truncation=True, return_tensors="pt").input_ids  # (B, 77)
        t = torch.randint(0, scheduler.config.num_train_timesteps, (batch,))
        noise = torch.randn_like(z0)
        zt = add_noise(z0, noise, t, alphas)
        with torch.no_grad():
            states = text_encoder(ids)[0]  # (B, 77, width)
        error = (unet(zt, t, encoder_hidden_states=states).sample - noise).pow(2).mean(dim=(1, 2, 3))
        loss = (weights[t] * error).mean()
        optimize(loss, optimizer, schedule, clip=params)
        ema_unet.update(unet)
        running += loss.item()
        if (step + 1) % 100 == 0:
            log(f"unet step {step + 1}/{steps}: loss {running / 100:.4f}")
            running = 0.0
        if snapshot and (step + 1) % 500 == 0 and step + 1 < steps:
            snapshot(ema_unet.model)
    return ema_unet.model


def save_pipeline(parts: dict, out: Path) -> dict[str, str]:
    """fp16 diffusers folder + `manifest.sha256` of every file in it; returns the manifest."""
    from diffusers import DPMSolverMultistepScheduler, StableDiffusionPipeline

    sampler = DPMSolverMultistepScheduler.from_config(parts["scheduler"].config)
    half = {name: copy.deepcopy(parts[name]).half() for name in ("vae", "text_encoder", "unet")}
    pipe = StableDiffusionPipeline(**half, tokenizer=parts["tokenizer"], scheduler=sampler,
                                   safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    pipe.save_pretrained(str(out), safe_serialization=True)
    return write_manifest(out)


def write_manifest(folder: Path) -> dict[str, str]:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in ("manifest.sha256", "train.log"))
    manifest = {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    (folder / "manifest.sha256").write_text("".join(f"{h}  {name}\n" for name, h in manifest.items()))
    return manifest


def history(base_dir: Path, path: Path) -> dict:
    """How a reused part was made: the commands in the `minisd.json` of the base it came from."""
    source = base_dir / "minisd.json"
    earlier = json.loads(source.read_text()) if source.exists() else {}
    return {"path": str(path), **{key: earlier[key] for key in ("command", "decoder", "autoencoder", "vae_from",
                                                                "init_from") if key in earlier}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m minisd.train", description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=40000)
    parser.add_argument("--vae-steps", type=int, default=800)
    parser.add_argument("--unet-steps", type=int, default=3500)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--vae-batch", type=int, default=32)
    parser.add_argument("--vae-from", type=Path, help="a trained `vae/` folder to reuse instead of training one")
    parser.add_argument("--init-from", type=Path,
                        help="a base folder whose text encoder (kept, frozen) and UNet (trained on) to start from")
    parser.add_argument("--text-steps", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=BASE_DIR)
    args = parser.parse_args(argv)

    torch.manual_seed(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    reused = {}  # read before `out` is overwritten: it may be where they come from
    if args.vae_from:
        reused["vae_from"] = (history(args.vae_from.parent, args.vae_from), args.vae_from.parent / "train.log")
    if args.init_from:
        reused["init_from"] = (history(args.init_from, args.init_from), args.init_from / "train.log")
    earlier: dict[Path, str] = {}
    for log in sorted((log for _, log in reused.values() if log.exists()), key=lambda f: -f.stat().st_size):
        if not any(log.read_text() in kept for kept in earlier.values()):  # not already in a longer one
            earlier[log] = log.read_text()
    logfile = (args.out / "train.log").open("w")
    for log_path, text in earlier.items():  # the logs of the runs that made the reused parts come first
        logfile.write(f"# history of a reused part, from {log_path}\n{text}")
    if earlier:
        logfile.write("# this run\n")
    start = time.perf_counter()

    def log(message: str) -> None:
        line = f"[{time.perf_counter() - start:7.0f} s] {message}"
        tqdm.write(line)
        logfile.write(line + "\n")
        logfile.flush()

    cfg = MiniConfig()
    command = (f"python -m minisd.train --images {args.images} --vae-steps {args.vae_steps} "
               f"--unet-steps {args.unet_steps} --text-steps {args.text_steps} --batch {args.batch} "
               f"--vae-batch {args.vae_batch} --seed {args.seed}" + (f" --vae-from {args.vae_from}" if args.vae_from else "")
               + (f" --init-from {args.init_from}" if args.init_from else ""))
    log(f"{command} on {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads")
    data = random_scenes(args.images, args.seed)
    pixels = to_pixels([render(scene, n) for scene, n in tqdm(data, desc="rendering", unit="img")])
    scenes = [scene for scene, _ in data]
    log(f"rendered {len(scenes)} images")

    parts = build_components(cfg)
    if args.vae_from:  # reuse an autoencoder trained by an earlier run of this command
        from diffusers import AutoencoderKL

        parts["vae"] = AutoencoderKL.from_pretrained(str(args.vae_from), dtype=torch.float32).eval()
        log(f"vae loaded from {args.vae_from} (scaling_factor {parts['vae'].config.scaling_factor})")
    else:
        std = train_vae(parts["vae"], pixels, args.vae_steps, args.vae_batch, 2e-3, log)
        parts["vae"].register_to_config(scaling_factor=round(1.0 / std, 5))
        log(f"vae trained; latent std {std:.4f} → scaling_factor {1.0 / std:.5f}")
    if args.init_from:  # warm start: another base's text encoder as is, its UNet as the starting point
        from diffusers import UNet2DConditionModel
        from transformers import CLIPTextModel

        parts["text_encoder"] = CLIPTextModel.from_pretrained(str(args.init_from / "text_encoder"),
                                                              dtype=torch.float32).eval().requires_grad_(False)
        parts["unet"] = UNet2DConditionModel.from_pretrained(str(args.init_from / "unet"), dtype=torch.float32)
        log(f"text encoder and UNet loaded from {args.init_from}")
    else:
        pretrain_text_encoder(parts["text_encoder"], parts["tokenizer"], scenes, args.text_steps, 128, 1e-3,
                              args.seed, log)
    latents = encode_all(parts["vae"], pixels)

    def snapshot(unet) -> None:  # a usable model survives an interrupted run
        save_pipeline({**parts, "unet": unet}, args.out)
        log("snapshot saved")

    parts["unet"] = train_denoiser(parts, latents, scenes, args.unet_steps, args.batch, 1e-3, args.seed, log,
                                   snapshot)
    seconds = time.perf_counter() - start
    info = {"name": "minisd-64", "config": config_dict(cfg), "command": command, "seconds": round(seconds),
            "seed": args.seed, "hardware": f"{platform.machine()} CPU, {torch.get_num_threads()} threads",
            "torch": torch.__version__}
    info.update({key: made for key, (made, _) in reused.items()})
    (args.out / "minisd.json").write_text(json.dumps(info, indent=2))
    manifest = save_pipeline(parts, args.out)
    size = sum((args.out / name).stat().st_size for name in manifest)
    log(f"saved {args.out}: {len(manifest)} files, {size / 1e6:.1f} MB, after {seconds:.0f} s")


if __name__ == "__main__":
    main()
