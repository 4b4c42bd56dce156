"""The evaluator: a small CNN that reads a 64×64 image back into its scene attributes.

It is PersonalQ's offline stand-in for CLIP score: attribute accuracy of a
generated image against its caption, and (with the accent and marking heads)
fidelity to a personalized concept. Colours cannot be seen in an ink sketch, so
colour and accent labels of sketches are ignored in training and in scoring.

    python -m minisd.evaluator train --images 80000 --epochs 6 --seed 0 --width 32   # writes minisd/weights/evaluator.*
    python -m minisd.evaluator eval --images 1000 --seed 1000000                      # accuracy on fresh renders
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from safetensors.torch import load_file, save_file
from torch import nn

from minisd.world import BACKGROUNDS, COLORS, MARKINGS, PATTERNS, STYLES, SUBJECTS, TIMES, Scene, render, sample_scene

HEADS: dict[str, tuple] = {
    "subject": SUBJECTS, "color": tuple(COLORS), "pattern": PATTERNS, "background": BACKGROUNDS,
    "time": TIMES, "style": STYLES, "accent": (None, *COLORS), "marking": MARKINGS,
}
CAPTIONED = ("subject", "color", "pattern", "background", "time", "style")  # what a caption states
IGNORE = -100
FRESH_SEED = 1_000_000  # seeds of held-out renders, disjoint from every training seed
WEIGHTS = Path(__file__).resolve().parent / "weights" / "evaluator.safetensors"
WIDTH = 32  # channels of the first conv stage; the committed weights' width


def observable(scene: Scene, head: str) -> bool:
    """Whether `head` can be read from a picture of `scene` (no colours in an ink sketch)."""
    return not (scene.style == "sketch" and head in ("color", "accent"))


class Evaluator(nn.Module):
    """Four conv stages (64→4 px) and one linear head per attribute."""

    def __init__(self, width: int = WIDTH):
        super().__init__()
        layers, channels = [], 3
        for out in (width, width * 2, width * 4, width * 4):
            layers += [nn.Conv2d(channels, out, 3, padding=1), nn.BatchNorm2d(out), nn.ReLU(),
                       nn.Conv2d(out, out, 3, padding=1), nn.BatchNorm2d(out), nn.ReLU(), nn.MaxPool2d(2)]
            channels = out
        self.features = nn.Sequential(*layers)  # (B, 4w, 4, 4)
        self.trunk = nn.Sequential(nn.Flatten(), nn.Linear(channels * 16, 256), nn.ReLU(), nn.Dropout(0.1))
        self.heads = nn.ModuleDict({name: nn.Linear(256, len(values)) for name, values in HEADS.items()})

    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        hidden = self.trunk(self.features(images))  # images: (B, 3, 64, 64) in [-1, 1]
        return {name: head(hidden) for name, head in self.heads.items()}


def to_pixels(images: list[Image.Image]) -> torch.Tensor:
    arr = np.stack([np.asarray(im.convert("RGB"), dtype=np.uint8) for im in images])  # (B, 64, 64, 3)
    return torch.from_numpy(arr).permute(0, 3, 1, 2).contiguous()  # uint8 (B, 3, 64, 64)


def as_float(pixels: torch.Tensor) -> torch.Tensor:
    return pixels.float().div(127.5).sub(1.0)  # uint8 → [-1, 1]


def to_tensor(images: list[Image.Image]) -> torch.Tensor:
    return as_float(to_pixels(images))  # (B, 3, 64, 64) in [-1, 1]


def labels(scenes: list[Scene]) -> dict[str, torch.Tensor]:
    return {head: torch.tensor([values.index(getattr(s, head)) if observable(s, head) else IGNORE for s in scenes])
            for head, values in HEADS.items()}


def random_scenes(count: int, seed: int) -> list[tuple[Scene, int]]:
    """Scenes with instance details half of the time, each with its own render seed."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        scene = sample_scene(rng)
        if rng.random() < 0.5:
            scene = Scene(**{**scene.__dict__, "accent": rng.choice(list(COLORS)),
                             "marking": rng.choice(MARKINGS)})
        out.append((scene, seed * 1_000_003 + n))
    return out


@torch.no_grad()
def predict(model: Evaluator, images: list[Image.Image], batch: int = 256) -> list[dict]:
    """Each image's most likely value per head."""
    model.eval()
    out = []
    for i in range(0, len(images), batch):
        logits = model(to_tensor(images[i:i + batch]))
        picks = {head: logits[head].argmax(dim=1).tolist() for head in HEADS}
        out += [{head: HEADS[head][picks[head][j]] for head in HEADS} for j in range(len(picks["subject"]))]
    return out


def accuracy(model: Evaluator, images: list[Image.Image], scenes: list[Scene]) -> dict[str, float]:
    """Per-head accuracy over the observable labels, plus `captioned`: the mean over caption attributes."""
    predictions = predict(model, images)
    result = {}
    for head in HEADS:
        pairs = [(p[head], getattr(s, head)) for p, s in zip(predictions, scenes) if observable(s, head)]
        result[head] = sum(a == b for a, b in pairs) / max(len(pairs), 1)
    result["captioned"] = sum(result[h] for h in CAPTIONED) / len(CAPTIONED)
    return result


def fresh_accuracy(model: Evaluator, count: int = 1000, seed: int = FRESH_SEED) -> dict[str, float]:
    """`accuracy` on `count` freshly rendered scenes (the default seed is disjoint from training's)."""
    data = random_scenes(count, seed)
    return accuracy(model, [render(s, n) for s, n in data], [s for s, _ in data])


def load_evaluator(path: str | Path = WEIGHTS) -> Evaluator:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"evaluator weights {path} are missing; run `python -m minisd.evaluator train`")
    config = json.loads(path.with_suffix(".json").read_text())
    model = Evaluator(width=config["width"])
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in load_file(str(path)).items()})
    return model.eval()


def augment(pixels: torch.Tensor) -> torch.Tensor:
    """uint8 batch → float in [-1, 1], half of it mirrored left-right (every attribute survives a mirror)."""
    x = as_float(pixels)
    flip = torch.rand(len(x)) < 0.5
    x[flip] = x[flip].flip(-1)
    return x


def train(images: int, epochs: int, seed: int, out: Path, width: int = WIDTH, batch: int = 128, lr: float = 2e-3,
          log=print) -> dict:
    """Render `images` scenes, train the evaluator (mirror augmentation), save fp16 safetensors + a JSON
    config. The 20,000-image run overfitted (train loss still falling, pattern 71 % on fresh renders); more
    scenes, kept as bytes, helped; then width 32, since at width 16 even its own training scenes were read
    only 80 % right on pattern (too small a model, not too little data)."""
    from tqdm import tqdm

    torch.manual_seed(seed)
    start = time.perf_counter()
    data = random_scenes(images, seed)
    x = to_pixels([render(s, n) for s, n in tqdm(data, desc="rendering", unit="img")])  # uint8, 12 kB per image
    y = labels([s for s, _ in data])
    log(f"rendered {images} images in {time.perf_counter() - start:.0f} s")

    model = Evaluator(width).to(memory_format=torch.channels_last)  # ~1.3× faster convolutions on CPU
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    steps = epochs * ((images + batch - 1) // batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=steps)
    loss_fn = nn.CrossEntropyLoss(ignore_index=IGNORE)
    bar = tqdm(total=steps, desc="training", unit="step")
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(images)
        total = 0.0
        for i in range(0, images, batch):
            idx = order[i:i + batch]
            logits = model(augment(x[idx]).contiguous(memory_format=torch.channels_last))
            loss = sum(loss_fn(logits[h], y[h][idx]) for h in HEADS)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(idx)
            bar.update(1)
        log(f"epoch {epoch + 1}/{epochs}: loss {total / images:.4f}")
    bar.close()
    scores = fresh_accuracy(model)
    log("fresh renders: " + ", ".join(f"{head} {value:.1%}" for head, value in scores.items()))

    config = {"width": width, "heads": {h: [str(v) for v in vals] for h, vals in HEADS.items()},
              "trained_on": images, "epochs": epochs, "seed": seed, "seconds": round(time.perf_counter() - start),
              "command": f"python -m minisd.evaluator train --images {images} --epochs {epochs} --seed {seed}"
                         f" --width {width}"}
    save(model, out, config)
    log(f"saved {out} ({out.stat().st_size / 1e6:.1f} MB) after {config['seconds']} s")
    return config


def save(model: Evaluator, out: Path, config: dict) -> None:
    """Weights as fp16 safetensors (integer buffers kept as they are) and the config beside them."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: (v.half() if v.is_floating_point() else v).contiguous() for k, v in model.state_dict().items()}
    save_file(tensors, str(out))
    out.with_suffix(".json").write_text(json.dumps(config, indent=2))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m minisd.evaluator")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("train")
    p.add_argument("--images", type=int, default=80000)
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--width", type=int, default=WIDTH, help="channels of the first conv stage (doubled twice)")
    p.add_argument("--out", type=Path, default=WEIGHTS)
    p = sub.add_parser("eval")
    p.add_argument("--images", type=int, default=1000)
    p.add_argument("--seed", type=int, default=FRESH_SEED)
    p.add_argument("--weights", type=Path, default=WEIGHTS)
    args = parser.parse_args(argv)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    if args.command == "train":
        train(args.images, args.epochs, args.seed, args.out, width=args.width)
        return
    scores = fresh_accuracy(load_evaluator(args.weights), args.images, args.seed)
    for head, value in scores.items():
        print(f"{head:10s} {value:.1%}")


if __name__ == "__main__":
    main()
